"""Validates kgraph's graph.jgf.json against the official JSON Graph Format v2
schema with jsonschema, and checks that its nodes and edges are the curated
data, exactly.

usage: check_jgf.py GRAPH_JGF_JSON SCHEMA_JSON DATA_DIR
"""

import copy
import json
import pathlib
import sys
import tomllib

import jsonschema


def main() -> None:
    graph_path, schema_path, data_dir = map(pathlib.Path, sys.argv[1:4])
    document = json.loads(graph_path.read_text(encoding="utf-8"))
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    assert validator_class is jsonschema.Draft7Validator, validator_class
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    validator.validate(document)

    # The schema is strict: a field outside `metadata` would be refused, so
    # passing above means every custom field is where it belongs.
    tampered = copy.deepcopy(document)
    if tampered["graph"]["edges"]:
        tampered["graph"]["edges"][0]["modality"] = "actual"
        assert not validator.is_valid(tampered)

    graph = document["graph"]
    assert graph["directed"] is True
    nodes = graph["nodes"]
    assert isinstance(nodes, dict), "JGF v2 nodes are an object keyed by id"

    entities = tomllib.loads((data_dir / "entities.toml").read_text(encoding="utf-8"))["entity"]
    assert len(nodes) == len(entities), (len(nodes), len(entities))
    for entity in entities:
        node = nodes[entity["id"]]
        assert node["label"] == entity["label"], (node["label"], entity["label"])
        metadata = node["metadata"]
        assert metadata["kind"] == entity["kind"]
        assert metadata["aliases"] == entity.get("aliases", []), (metadata["aliases"], entity.get("aliases"))
        assert metadata["description"] == entity.get("description", "")
        assert metadata["wikidata"] == entity.get("wikidata")

    relations = tomllib.loads((data_dir / "relations.toml").read_text(encoding="utf-8")).get("relation", [])
    edges = graph["edges"]
    assert len(edges) == len(relations), (len(edges), len(relations))
    ids = [edge["id"] for edge in edges]
    assert len(set(ids)) == len(ids), ids
    texts = {}
    for path in sorted((data_dir / "sources").glob("*.toml")):
        source = tomllib.loads(path.read_text(encoding="utf-8"))
        texts[source["id"]] = (data_dir / source["text"]).read_bytes().decode("utf-8")
    for edge in edges:
        assert edge["source"] in nodes and edge["target"] in nodes, edge
        assert edge["directed"] is True
        shown = ("not: " if edge["metadata"]["negated"] else "") + edge["metadata"]["type_label"]
        assert edge["label"] == shown, (edge["label"], shown)
        for evidence in edge["metadata"]["evidence"]:
            text = texts[evidence["source"]]
            raw = text.encode("utf-8")
            assert raw[evidence["byte_start"] : evidence["byte_end"]].decode("utf-8") == evidence["quote"]
            assert text[evidence["char_start"] : evidence["char_end"]] == evidence["quote"]
    schema = tomllib.loads((data_dir / "schema.toml").read_text(encoding="utf-8"))
    labels = {t["name"]: t.get("label", t["name"].replace("_", " ")) for t in schema["relation_type"]}
    curated = sorted(
        (r["from"], r["type"], labels[r["type"]], r["to"], r["modality"], r.get("negated", False),
         r.get("attributed_to", []), r.get("note"), len(r.get("evidence", [])))
        for r in relations
    )
    loaded = sorted(
        (
            e["source"],
            e["relation"],
            e["metadata"]["type_label"],
            e["target"],
            e["metadata"]["modality"],
            e["metadata"]["negated"],
            e["metadata"]["attributed_to"],
            e["metadata"]["note"],
            len(e["metadata"]["evidence"]),
        )
        for e in edges
    )
    assert curated == loaded, (curated, loaded)
    print(f"ok: {len(nodes)} nodes, {len(edges)} edges, JGF v2 schema, jsonschema {jsonschema_version()}")


def jsonschema_version() -> str:
    from importlib.metadata import version

    return version("jsonschema")


if __name__ == "__main__":
    main()
