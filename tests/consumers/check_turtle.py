"""Loads kgraph's graph.ttl into rdflib and into Oxigraph (pyoxigraph), runs
the same SPARQL queries on both, and checks that the answers are equal to
each other and to the curated data, exactly.

usage: check_turtle.py GRAPH_TTL DATA_DIR BASE_IRI FROM TYPE TO

Also runs the SPARQL cookbook of docs/sparql/ (facts only, everything
attributed to an entity, all proposals) on both engines and checks each
answer against the curated files.

Prints "ok: ..." then, on its last line, the JSON list of the evidence quotes
of the relation FROM --TYPE--> TO, as SPARQL returned them.
"""

import json
import pathlib
import sys
import tomllib

import pyoxigraph
import rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"


def normal_rdflib(term):
    """A term as a comparable tuple, the same for both engines."""
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return ("iri", str(term))
    if isinstance(term, rdflib.Literal):
        assert term.language is None, term
        return ("literal", str(term), str(term.datatype or XSD + "string"))
    raise AssertionError(f"unexpected term {term!r}")


def normal_oxigraph(term):
    if term is None:
        return None
    if isinstance(term, pyoxigraph.NamedNode):
        return ("iri", term.value)
    if isinstance(term, pyoxigraph.Literal):
        assert term.language is None, term
        return ("literal", term.value, term.datatype.value)
    raise AssertionError(f"unexpected term {term!r}")


class Engines:
    def __init__(self, path: pathlib.Path, base: str):
        self.graph = rdflib.Graph()
        self.graph.parse(path, format="turtle")
        self.store = pyoxigraph.Store()
        self.store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
        assert len(self.graph) == len(self.store), (len(self.graph), len(self.store))
        self.prefixes = "".join(
            f"PREFIX {name}: <{iri}>\n"
            for name, iri in [
                ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
                ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
                ("owl", "http://www.w3.org/2002/07/owl#"),
                ("skos", "http://www.w3.org/2004/02/skos/core#"),
                ("prov", "http://www.w3.org/ns/prov#"),
                ("kg", base + "vocab/"),
                ("entity", base + "entity/"),
                ("type", base + "type/"),
            ]
        )

    def select(self, query: str) -> list:
        """The rows of a SELECT, sorted (no engine's order is relied on),
        after checking that both engines return the same multiset."""
        query = self.prefixes + query
        by_rdflib = sorted(
            (tuple(normal_rdflib(term) for term in row) for row in self.graph.query(query)),
            key=repr,
        )
        solutions = self.store.query(query)
        width = len(solutions.variables)
        by_oxigraph = sorted(
            (tuple(normal_oxigraph(solution[i]) for i in range(width)) for solution in solutions),
            key=repr,
        )
        assert by_rdflib == by_oxigraph, (query, by_rdflib, by_oxigraph)
        return by_rdflib


def literal(text: str, datatype: str = "string"):
    return ("literal", text, XSD + datatype)


def main() -> None:
    path, data_dir, base = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), sys.argv[3]
    chosen_from, chosen_type, chosen_to = sys.argv[4:7]
    engines = Engines(path, base)

    def entity(id_):
        return ("iri", base + "entity/" + id_)

    entities = tomllib.loads((data_dir / "entities.toml").read_text(encoding="utf-8"))["entity"]
    relations = tomllib.loads((data_dir / "relations.toml").read_text(encoding="utf-8")).get("relation", [])
    texts = {}
    for source_path in sorted((data_dir / "sources").glob("*.toml")):
        source = tomllib.loads(source_path.read_text(encoding="utf-8"))
        texts[base + "source/" + source["id"]] = (data_dir / source["text"]).read_bytes().decode("utf-8")

    # Entities: IRI, id, label and kind, exactly.
    rows = engines.select(
        "SELECT ?e ?id ?label ?kind WHERE { ?e a kg:Entity ; kg:id ?id ; rdfs:label ?label ; a ?kind ."
        " ?kind rdfs:subClassOf kg:Entity }"
    )
    expected = sorted(
        (entity(e["id"]), literal(e["id"]), literal(e["label"]), ("iri", base + "kind/" + e["kind"]))
        for e in entities
    )
    assert rows == sorted(expected, key=repr), (rows, expected)

    rows = engines.select("SELECT ?id ?alias WHERE { ?e a kg:Entity ; kg:id ?id ; skos:altLabel ?alias }")
    expected = sorted(((literal(e["id"]), literal(a)) for e in entities for a in e.get("aliases", [])), key=repr)
    assert rows == expected, (rows, expected)

    rows = engines.select("SELECT ?id ?text WHERE { ?e a kg:Entity ; kg:id ?id ; rdfs:comment ?text }")
    expected = sorted(
        ((literal(e["id"]), literal(e["description"])) for e in entities if e.get("description")), key=repr
    )
    assert rows == expected, (rows, expected)

    rows = engines.select("SELECT ?id ?same WHERE { ?e a kg:Entity ; kg:id ?id ; owl:sameAs ?same }")
    expected = sorted(
        (
            (literal(e["id"]), ("iri", "http://www.wikidata.org/entity/" + e["wikidata"]))
            for e in entities
            if e.get("wikidata")
        ),
        key=repr,
    )
    assert rows == expected, (rows, expected)

    # Relations, reified: endpoints, type, modality, negation, note.
    rows = engines.select(
        "SELECT ?s ?p ?o ?modality ?negated ?note WHERE { ?r a rdf:Statement , kg:Relation ; rdf:subject ?s ;"
        " rdf:predicate ?p ; rdf:object ?o ; kg:modality ?m ; kg:negated ?negated . ?m rdfs:label ?modality ."
        " OPTIONAL { ?r kg:note ?note } }"
    )
    expected = sorted(
        (
            (
                entity(r["from"]),
                ("iri", base + "type/" + r["type"]),
                entity(r["to"]),
                literal(r["modality"]),
                literal("true" if r.get("negated") else "false", "boolean"),
                literal(r["note"]) if "note" in r else None,
            )
            for r in relations
        ),
        key=repr,
    )
    assert rows == expected, (rows, expected)

    # Attribution: prov:wasAttributedTo once per entity, on the reified
    # statement only.
    rows = engines.select(
        "SELECT ?s ?p ?o ?holder WHERE { ?r a kg:Relation ; rdf:subject ?s ; rdf:predicate ?p ;"
        " rdf:object ?o ; prov:wasAttributedTo ?holder }"
    )
    expected = sorted(
        (
            (entity(r["from"]), ("iri", base + "type/" + r["type"]), entity(r["to"]), entity(holder))
            for r in relations
            for holder in r.get("attributed_to", [])
        ),
        key=repr,
    )
    assert rows == expected, (rows, expected)

    # A direct triple exists exactly for what a source asserts as fact:
    # never for a denial, a proposal or someone else's claim.
    def asserted(r):
        return r["modality"] in ("actual", "historical") and not r.get("negated") and not r.get("attributed_to")

    facts = sorted({(r["from"], r["type"], r["to"]) for r in relations if asserted(r)})
    cookbook = pathlib.Path(__file__).resolve().parents[2] / "docs" / "sparql"

    def recipe(name, **replace):
        text = (cookbook / name).read_text(encoding="utf-8").replace("https://kgraph.example/", base)
        for old, new in replace.items():
            text = text.replace(old, new)
        return text

    rows = engines.select(recipe("facts.rq"))
    assert [tuple(cell[1] for cell in row) for row in rows] == facts, (rows, facts)
    direct = engines.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o . ?s a kg:Entity . ?o a kg:Entity }")
    assert len(direct) == len(facts), (direct, facts)

    holders = sorted({h for r in relations for h in r.get("attributed_to", [])})
    for holder in holders:
        rows = engines.select(recipe("attributed-to.rq", **{'"russian-experts"': json.dumps(holder)}))
        expected = sorted(
            (r["from"], r["type"], r["to"], r["modality"], "true" if r.get("negated") else "false")
            for r in relations
            if holder in r.get("attributed_to", [])
        )
        assert sorted(tuple(cell[1] for cell in row[1:]) for row in rows) == expected, (holder, rows, expected)

    rows = engines.select(recipe("proposals.rq"))
    answered = sorted(
        ((row[1][1], row[2][1], row[3][1], row[4][1] if row[4] else None) for row in rows), key=repr
    )
    expected = sorted(
        (
            (r["from"], r["type"], r["to"], holder)
            for r in relations
            if r["modality"] == "proposed"
            for holder in (r.get("attributed_to") or [None])
        ),
        key=repr,
    )
    assert answered == expected, (answered, expected)

    rows = engines.select("SELECT ?s ?date WHERE { ?r a kg:Relation ; rdf:subject ?s ; kg:date ?date }")
    assert sorted(row[1][1] for row in rows) == sorted(r["date"] for r in relations if "date" in r), rows

    # Evidence: every quote is the passage of its source at its offsets,
    # and every offset is an xsd:integer.
    rows = engines.select(
        "SELECT ?ev ?quote ?source ?bs ?be ?cs ?ce ?line ?column WHERE { ?r a kg:Relation ; kg:evidence ?ev ."
        " ?ev kg:quote ?quote ; kg:source ?source ; kg:byteStart ?bs ; kg:byteEnd ?be ;"
        " kg:charStart ?cs ; kg:charEnd ?ce ; kg:line ?line ; kg:column ?column }"
    )
    assert len(rows) == sum(len(r.get("evidence", [])) for r in relations), rows
    for _, quote, source, *numbers in rows:
        assert all(n[2] == XSD + "integer" for n in numbers), numbers
        byte_start, byte_end, char_start, char_end, line, column = (int(n[1]) for n in numbers)
        text = texts[source[1]]
        assert text.encode("utf-8")[byte_start:byte_end].decode("utf-8") == quote[1], quote
        assert text[char_start:char_end] == quote[1], quote
        assert text.split("\n")[line - 1][column - 1 :].startswith(quote[1].split("\n")[0]), quote

    # The chosen relation's quotes, as a user would ask for them.
    rows = engines.select(
        f"SELECT ?quote WHERE {{ ?r rdf:subject entity:{chosen_from} ; rdf:predicate type:{chosen_type} ;"
        f" rdf:object entity:{chosen_to} ; kg:evidence ?ev . ?ev kg:quote ?quote }}"
    )
    quotes = sorted(row[0][1] for row in rows)
    print(
        f"ok: {len(entities)} entities, {len(relations)} relations, {len(engines.graph)} triples,"
        f" {len(facts)} facts, {len(holders)} attributed voices,"
        f" rdflib {rdflib.__version__}, pyoxigraph {pyoxigraph.__version__}"
    )
    print(json.dumps(quotes, ensure_ascii=False))


if __name__ == "__main__":
    main()
