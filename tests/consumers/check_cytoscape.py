"""Reads kgraph's graph.cytoscape.json with networkx's Cytoscape reader
(networkx.cytoscape_graph, the JSON that Cytoscape.js's cy.json() writes),
and checks that what it sees is the curated data, exactly.

usage: check_cytoscape.py GRAPH_CYTOSCAPE_JSON DATA_DIR
"""

import json
import pathlib
import sys
import tomllib

import networkx as nx


def main() -> None:
    graph_path, data_dir = map(pathlib.Path, sys.argv[1:3])
    document = json.loads(graph_path.read_text(encoding="utf-8"))
    graph = nx.cytoscape_graph(document)
    assert isinstance(graph, nx.MultiDiGraph), type(graph)

    entities = tomllib.loads((data_dir / "entities.toml").read_text(encoding="utf-8"))["entity"]
    assert graph.number_of_nodes() == len(entities)
    for entity in entities:
        node = graph.nodes[entity["id"]]
        assert node["id"] == entity["id"]
        assert node["label"] == entity["label"], (node["label"], entity["label"])
        assert node["aliases"] == entity.get("aliases", [])
        assert node["description"] == entity.get("description", "")
        assert node.get("wikidata") == entity.get("wikidata")

    relations = tomllib.loads((data_dir / "relations.toml").read_text(encoding="utf-8")).get("relation", [])
    assert graph.number_of_edges() == len(relations)
    curated = sorted(
        (
            (r["from"], r["type"], r["to"], r["modality"], r.get("negated", False), r.get("attributed_to", []),
             r.get("note"))
            for r in relations
        ),
        key=repr,
    )
    loaded = sorted(
        (
            (source, edge["type"], target, edge["modality"], edge["negated"], edge["attributed_to"], edge.get("note"))
            for source, target, key, edge in graph.edges(keys=True, data=True)
            if key == edge["id"]
        ),
        key=repr,
    )
    assert curated == loaded, (curated, loaded)
    print(f"ok: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, networkx {nx.__version__}")


if __name__ == "__main__":
    main()
