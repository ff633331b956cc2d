"""Reads kgraph's graph.json with jsonschema and networkx, the way users do,
and checks that what networkx sees equals the curated data exactly.

usage: check_json.py GRAPH_JSON SCHEMA_JSON DATA_DIR
"""

import json
import pathlib
import sys
import tomllib

import jsonschema
import networkx as nx


def main() -> None:
    graph_path, schema_path, data_dir = map(pathlib.Path, sys.argv[1:4])
    document = json.loads(graph_path.read_text(encoding="utf-8"))
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)

    # No arguments: networkx >= 3.6 reads "edges", "directed", "multigraph".
    graph = nx.node_link_graph(document)
    assert isinstance(graph, nx.MultiDiGraph), type(graph)

    entities = tomllib.loads((data_dir / "entities.toml").read_text(encoding="utf-8"))["entity"]
    assert graph.number_of_nodes() == len(entities), (graph.number_of_nodes(), len(entities))
    for entity in entities:
        node = graph.nodes[entity["id"]]
        assert node["label"] == entity["label"], (node["label"], entity["label"])
        assert node["kind"] == entity["kind"]
        assert node["aliases"] == entity.get("aliases", []), (node["aliases"], entity.get("aliases"))
        assert node["description"] == entity.get("description", "")
        assert node["wikidata"] == entity.get("wikidata")

    relations = tomllib.loads((data_dir / "relations.toml").read_text(encoding="utf-8"))["relation"]
    assert graph.number_of_edges() == len(relations), (graph.number_of_edges(), len(relations))
    texts = {}
    for path in sorted((data_dir / "sources").glob("*.toml")):
        source = tomllib.loads(path.read_text(encoding="utf-8"))
        texts[source["id"]] = (data_dir / source["text"]).read_bytes().decode("utf-8")
    seen = set()
    for source, target, key, edge in graph.edges(keys=True, data=True):
        assert key not in seen
        seen.add(key)
        for evidence in edge["evidence"]:
            text = texts[evidence["source"]]
            raw = text.encode("utf-8")
            assert raw[evidence["byte_start"]:evidence["byte_end"]].decode("utf-8") == evidence["quote"]
            assert text[evidence["char_start"]:evidence["char_end"]] == evidence["quote"]
            line = text.split("\n")[evidence["line"] - 1]
            assert line[evidence["column"] - 1:].startswith(evidence["quote"].split("\n")[0])
    schema = tomllib.loads((data_dir / "schema.toml").read_text(encoding="utf-8"))
    labels = {t["name"]: t.get("label", t["name"].replace("_", " ")) for t in schema["relation_type"]}
    curated = sorted(
        (r["from"], r["type"], labels[r["type"]], r["to"], r["modality"], r.get("negated", False),
         r.get("attributed_to", []), r.get("note"))
        for r in relations
    )
    loaded = sorted(
        (s, e["type"], e["type_label"], t, e["modality"], e["negated"], e["attributed_to"], e["note"])
        for s, t, e in graph.edges(data=True)
    )
    assert curated == loaded, (curated, loaded)
    assert all(type(e["negated"]) is bool for _, _, e in graph.edges(data=True))
    print(f"ok: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges, networkx {nx.__version__}")


if __name__ == "__main__":
    main()
