"""Loads kgraph's nodes.csv and relationships.csv (written for neo4j-admin)
into Kùzu with COPY, and checks that the database holds kgraph's JSON export
with exactly the documented changes: a text value that starts with = + - @
tab or CR gets a leading ', and in the aliases array a ; inside an alias is
written as U+FF1B. Everything else must come back exactly.

usage: check_kuzu_csv.py NODES_CSV RELATIONSHIPS_CSV GRAPH_JSON
"""

import collections
import json
import pathlib
import sys
import tempfile

import kuzu

OFFSETS = ["byte_start", "byte_end", "char_start", "char_end", "line", "column"]

# Columns follow the CSV headers in order; Kùzu ignores the header names
# (HEADER=true only skips the row), and in a relationship table the first
# two columns are the FROM and TO keys.
NODE_TABLE = (
    "CREATE NODE TABLE Entity(id STRING, label STRING, kind STRING, aliases STRING, "
    "aliases_json STRING, description STRING, wikidata STRING, labels STRING, PRIMARY KEY(id))"
)
REL_TABLE = (
    "CREATE REL TABLE Relation(FROM Entity TO Entity, neo4j_type STRING, id STRING, `type` STRING, "
    "type_label STRING, modality STRING, negated BOOLEAN, attributed_to STRING, "
    "note STRING, `date` STRING, quote STRING, source STRING, "
    + ", ".join(f"`{name}` INT64" for name in OFFSETS)
    + ", evidence STRING)"
)
OPTIONS = "(HEADER=true, PARALLEL=false)"


def neutral(text):
    """The documented formula neutralisation; Kùzu reads an empty field as NULL."""
    if text is None or text == "":
        return None
    return "'" + text if text[0] in "=+-@\t\r" else text


def camel(kind):
    return "".join(word[:1].upper() + word[1:] for word in kind.split("_"))


def main() -> None:
    nodes_path, relationships_path, json_path = map(pathlib.Path, sys.argv[1:4])
    document = json.loads(json_path.read_text(encoding="utf-8"))

    with tempfile.TemporaryDirectory() as directory:
        conn = kuzu.Connection(kuzu.Database(str(pathlib.Path(directory) / "graph.kuzu")))
        conn.execute(NODE_TABLE)
        conn.execute(REL_TABLE)
        conn.execute(f"COPY Entity FROM '{nodes_path}' {OPTIONS}")
        conn.execute(f"COPY Relation FROM '{relationships_path}' {OPTIONS}")

        def rows(query):
            return conn.execute(query).get_all()

        assert rows("MATCH (n:Entity) RETURN count(n)")[0][0] == len(document["nodes"])
        assert rows("MATCH ()-[r]->() RETURN count(r)")[0][0] == len(document["edges"])
        by_type = dict(rows("MATCH ()-[r:Relation]->() RETURN r.neo4j_type, count(r)"))
        expected_types = collections.Counter(edge["type"].upper() for edge in document["edges"])
        assert by_type == expected_types, (by_type, expected_types)

        nodes = {row[0]: row[1:] for row in rows(
            "MATCH (n:Entity) RETURN n.id, n.label, n.kind, n.aliases, n.aliases_json, "
            "n.description, n.wikidata, n.labels")}
        for node in document["nodes"]:
            label, kind, aliases, aliases_json, description, wikidata, labels = nodes[node["id"]]
            assert label == neutral(node["label"]), (label, node["label"])
            assert kind == node["kind"]
            array = [neutral(alias).replace(";", "\uff1b") for alias in node["aliases"]]
            assert aliases == (";".join(array) or None), (aliases, array)
            assert json.loads(aliases_json) == node["aliases"], aliases_json
            assert description == neutral(node["description"]), (description, node["description"])
            assert wikidata == node["wikidata"]
            assert labels == "Entity;" + camel(node["kind"])

        relations = {row[0]: row[1:] for row in rows(
            "MATCH (a)-[r:Relation]->(b) RETURN r.id, a.id, b.id, r.neo4j_type, r.`type`, r.type_label, "
            "r.modality, r.negated, r.attributed_to, "
            "r.note, r.`date`, r.quote, r.source, r.evidence, "
            + ", ".join(f"r.`{name}`" for name in OFFSETS))}
        assert len(relations) == len(document["edges"])
        for edge in document["edges"]:
            (source, target, neo4j_type, rel_type, type_label, modality, negated, attributed_to,
             note, date, quote, origin, evidence, *offsets) = relations[edge["key"]]
            first = edge["evidence"][0]
            assert (source, target) == (edge["source"], edge["target"])
            assert neo4j_type == edge["type"].upper() and rel_type == edge["type"]
            assert type_label == neutral(edge["type_label"]), (type_label, edge["type_label"])
            assert modality == edge["modality"]
            assert negated is edge["negated"], (negated, edge["negated"])
            # Ids are slugs: the ;-joined array needs no stand-in.
            assert attributed_to == (";".join(edge["attributed_to"]) or None), attributed_to
            assert note == neutral(edge["note"]), (note, edge["note"])
            assert date == edge["date"]
            assert quote == neutral(first["quote"]), (quote, first["quote"])
            assert origin == first["source"]
            assert json.loads(evidence) == edge["evidence"]
            assert offsets == [first[name] for name in OFFSETS], offsets

    print(f"ok: {len(nodes)} nodes, {len(relations)} relationships from CSV, kuzu {kuzu.__version__}")


if __name__ == "__main__":
    main()
