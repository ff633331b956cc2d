"""Reads kgraph's graph.graphml with networkx, the way users do, and checks
that what networkx sees equals kgraph's JSON export exactly (the JSON export
is itself checked against the curated files by check_json.py).

usage: check_graphml.py GRAPH_GRAPHML GRAPH_JSON
"""

import json
import pathlib
import sys
import xml.etree.ElementTree as ET

import networkx as nx

NS = "{http://graphml.graphdrawing.org/xmlns}"


def camel(kind: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in kind.split("_"))


def main() -> None:
    graphml_path, json_path = map(pathlib.Path, sys.argv[1:3])
    document = json.loads(json_path.read_text(encoding="utf-8"))

    # The documented call: a MultiDiGraph even without parallel edges, and
    # relation ids as string keys.
    graph = nx.read_graphml(graphml_path, force_multigraph=True, edge_key_type=str)
    assert isinstance(graph, nx.MultiDiGraph), type(graph)

    nodes = document["nodes"]
    assert graph.number_of_nodes() == len(nodes), (graph.number_of_nodes(), len(nodes))
    for node in nodes:
        data = graph.nodes[node["id"]]
        assert data["label"] == node["label"], (data["label"], node["label"])
        assert data["kind"] == node["kind"]
        assert json.loads(data["aliases"]) == node["aliases"], (data["aliases"], node["aliases"])
        # An empty <data> element reads as absent in networkx.
        assert data.get("description", "") == node["description"], (data.get("description"), node["description"])
        assert data.get("wikidata") == node["wikidata"]

    edges = document["edges"]
    assert graph.number_of_edges() == len(edges), (graph.number_of_edges(), len(edges))
    for edge in edges:
        data = graph.edges[edge["source"], edge["target"], edge["key"]]
        # The label a viewer shows says "not:" for a denial.
        shown = ("not: " if edge["negated"] else "") + edge["type_label"]
        assert data["label"] == shown, (data["label"], shown)
        assert data["type"] == edge["type"]
        assert data["type_label"] == edge["type_label"], (data["type_label"], edge["type_label"])
        assert data["modality"] == edge["modality"]
        assert data["negated"] is edge["negated"], (data["negated"], edge["negated"])
        assert json.loads(data["attributed_to"]) == edge["attributed_to"], data["attributed_to"]
        assert data.get("note") == edge["note"], (data.get("note"), edge["note"])
        assert data.get("date") == edge["date"]
        evidence = json.loads(data["evidence"])
        assert evidence == edge["evidence"], (evidence, edge["evidence"])
        first = edge["evidence"][0]
        assert data["quote"] == first["quote"], (data["quote"], first["quote"])
        assert data["source"] == first["source"]
        for offset in ["byte_start", "byte_end", "char_start", "char_end", "line", "column"]:
            assert type(data[offset]) is int and data[offset] == first[offset], (offset, data[offset])

    # The attributes networkx ignores but Neo4j APOC reads (readLabels).
    root = ET.parse(graphml_path).getroot()
    kinds = {node["id"]: node["kind"] for node in nodes}
    for element in root.iter(f"{NS}node"):
        assert element.get("labels") == ":Entity:" + camel(kinds[element.get("id")]), element.attrib
    types = {edge["key"]: edge["type"] for edge in edges}
    for element in root.iter(f"{NS}edge"):
        assert element.get("label") == types[element.get("id")].upper(), element.attrib

    print(f"ok: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, networkx {nx.__version__}")


if __name__ == "__main__":
    main()
