"""Serves kgraph's graph.ttl with the Oxigraph server (PyPI `oxigraph`, the
CLI: `oxigraph load`, then `oxigraph serve-read-only` on 127.0.0.1) and
asks it, over HTTP with the SPARQL 1.1 Protocol, every query of the docs'
SPARQL cookbook (each `.rq` file of docs/sparql/: facts only, everything
attributed to an entity, all proposals). `attributed-to.rq` is asked once
for every entity the graph attributes a claim to. Each answer must equal
rdflib's answer to the same query on the same file, and the cookbook must
not answer nothing at all. The server is stopped before the script exits,
whatever happens.

usage: check_sparql_server.py GRAPH_TTL COOKBOOK_DIR
"""

import importlib.metadata
import json
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

import rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
STARTUP_SECONDS = 30


# The entity `attributed-to.rq` names, replaced by each holder in turn.
COOKBOOK_HOLDER = '"russian-experts"'


def cookbook_queries(directory, reference):
    """(name, query) for each recipe; the attribution recipe once per holder."""
    holders = sorted(
        str(row[0])
        for row in reference.query(
            "SELECT DISTINCT ?id WHERE { ?r <http://www.w3.org/ns/prov#wasAttributedTo> ?e . "
            "?e <https://kgraph.example/vocab/id> ?id }"
        )
    )
    queries = []
    for path in sorted(directory.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if COOKBOOK_HOLDER in text:
            queries.extend(
                (f"{path.name} ({holder})", text.replace(COOKBOOK_HOLDER, json.dumps(holder)))
                for holder in holders or ["russian-experts"]
            )
        else:
            queries.append((path.name, text))
    return queries


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def oxigraph_program():
    program = pathlib.Path(sys.executable).parent / "oxigraph"
    assert program.exists(), f"{program} is missing: pip install oxigraph (tests/consumers/requirements.txt)"
    return str(program)


def term_from_json(term):
    """A SPARQL JSON results term, as a comparable tuple."""
    if term is None:
        return None
    if term["type"] == "uri":
        return ("iri", term["value"])
    if term["type"] == "bnode":
        return ("bnode",)  # labels are local to each engine
    datatype = term.get("datatype")
    if datatype == XSD_STRING:
        datatype = None
    return ("literal", term["value"], datatype, term.get("xml:lang"))


def term_from_rdflib(term):
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ("iri", str(term))
    if isinstance(term, rdflib.BNode):
        return ("bnode",)
    datatype = str(term.datatype) if term.datatype is not None else None
    if datatype == XSD_STRING:
        datatype = None
    return ("literal", str(term), datatype, term.language)


def ask_server(port, query):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/query",
        data=query.encode("utf-8"),
        headers={
            "Content-Type": "application/sparql-query; charset=utf-8",
            "Accept": "application/sparql-results+json",
        },
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        results = json.load(response)
    if "boolean" in results:
        return results["boolean"]
    names = results["head"]["vars"]
    rows = [tuple(term_from_json(binding.get(name)) for name in names) for binding in results["results"]["bindings"]]
    return names, sorted(rows, key=repr)


def ask_rdflib(graph, query):
    result = graph.query(query)
    if result.type == "ASK":
        return result.askAnswer
    names = [str(name) for name in result.vars]
    rows = [tuple(term_from_rdflib(row[name]) for name in names) for row in result]
    return names, sorted(rows, key=repr)


def wait_until_up(server, port):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"oxigraph serve exited with {server.returncode}: {server.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"oxigraph serve did not listen on 127.0.0.1:{port} within {STARTUP_SECONDS} s")


def main() -> None:
    turtle_path, cookbook_path = map(pathlib.Path, sys.argv[1:3])
    reference = rdflib.Graph()
    reference.parse(turtle_path, format="turtle")
    queries = cookbook_queries(cookbook_path, reference)
    assert len(queries) >= 3, f"the cookbook in {cookbook_path} has fewer than three recipes"

    oxigraph = oxigraph_program()
    with tempfile.TemporaryDirectory() as store:
        subprocess.run(
            [oxigraph, "load", "--location", store, "--file", str(turtle_path)],
            check=True,
            capture_output=True,
        )
        port = free_port()
        server = subprocess.Popen(
            [oxigraph, "serve-read-only", "--location", store, "--bind", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            wait_until_up(server, port)
            (count,) = ask_server(port, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[1][0]
            assert int(count[1]) == len(reference), (count, len(reference))
            answered = 0
            for heading, query in queries:
                served = ask_server(port, query)
                expected = ask_rdflib(reference, query)
                assert served == expected, (heading, served, expected)
                answered += bool(served if isinstance(served, bool) else served[1])
            assert answered > 0, "every cookbook query answered nothing: they test nothing"
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    version = importlib.metadata.version("oxigraph")
    print(
        f"ok: {len(queries)} cookbook queries ({', '.join(name for name, _ in queries)}) over HTTP, {answered} with answers, "
        f"same as rdflib {rdflib.__version__}; {len(reference)} triples; oxigraph server {version}"
    )


if __name__ == "__main__":
    main()
