"""The baseline kgraph is measured against: what a user would write without
kgraph to get the same corpus into networkx and out as node-link JSON and
GraphML. It reads the JSON data files, builds a MultiDiGraph (entities as
nodes, relations as keyed edges with their evidence), then writes both
files. It checks nothing (no quote is looked up in its source), so it does
less work than `kg build --formats json,graphml`.

usage: networkx_baseline.py DATA_DIR OUT_DIR
"""

import json
import pathlib
import sys

import networkx as nx


def main() -> None:
    data_dir, out_dir = map(pathlib.Path, sys.argv[1:3])
    out_dir.mkdir(parents=True, exist_ok=True)
    graph = nx.MultiDiGraph()
    sources = {}
    for path in sorted((data_dir / "sources").glob("*.json")):
        source = json.loads(path.read_text(encoding="utf-8"))
        sources[source["id"]] = source
    graph.graph["sources"] = json.dumps(sorted(sources))
    entities = json.loads((data_dir / "entities.json").read_text(encoding="utf-8"))["entity"]
    for entity in entities:
        graph.add_node(
            entity["id"],
            label=entity["label"],
            kind=entity["kind"],
            # GraphML holds no lists: a JSON string, as kgraph writes it.
            aliases=json.dumps(entity.get("aliases", [])),
            description=entity.get("description", ""),
            wikidata=entity.get("wikidata") or "",
        )
    # `relations.json`, then every file of `relations/` in name order, as
    # kg reads them (from N = 1M the generator splits them by source).
    relation_files = [data_dir / "relations.json"] if (data_dir / "relations.json").exists() else []
    relation_files += sorted((data_dir / "relations").glob("*.json"))
    relations = [
        relation
        for path in relation_files
        for relation in json.loads(path.read_text(encoding="utf-8"))["relation"]
    ]
    for index, relation in enumerate(relations):
        for evidence in relation["evidence"]:
            if evidence["source"] not in sources:
                raise SystemExit(f"unknown source {evidence['source']}")
        graph.add_edge(
            relation["from"],
            relation["to"],
            key=relation.get("id", f"r{index}"),
            type=relation["type"],
            modality=relation["modality"],
            date=relation.get("date") or "",
            evidence=json.dumps(relation["evidence"], ensure_ascii=False),
        )
    with open(out_dir / "graph.json", "w", encoding="utf-8") as file:
        json.dump(nx.node_link_data(graph, edges="edges"), file, ensure_ascii=False)
    nx.write_graphml(graph, out_dir / "graph.graphml")


if __name__ == "__main__":
    main()
