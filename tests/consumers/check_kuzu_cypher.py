"""Runs kgraph's graph.kuzu.cypher in Kùzu, twice, the way the docs say, and
checks that the database holds exactly kgraph's JSON export and that the
second run changes nothing.

usage: check_kuzu_cypher.py GRAPH_KUZU_CYPHER GRAPH_JSON
"""

import collections
import json
import pathlib
import sys
import tempfile

import kuzu

ENTITY = ["label", "kind", "aliases", "description", "wikidata"]
OFFSETS = ["byte_start", "byte_end", "char_start", "char_end", "line", "column"]


def rows(conn, query):
    return conn.execute(query).get_all()


def counts(conn):
    nodes = rows(conn, "MATCH (n:Entity) RETURN count(n)")[0][0]
    relations = rows(conn, "MATCH ()-[r]->() RETURN count(r)")[0][0]
    by_type = dict(rows(conn, "MATCH ()-[r]->() RETURN label(r), count(r)"))
    return nodes, relations, by_type


def main() -> None:
    script_path, json_path = map(pathlib.Path, sys.argv[1:3])
    document = json.loads(json_path.read_text(encoding="utf-8"))
    script = script_path.read_text(encoding="utf-8")

    with tempfile.TemporaryDirectory() as directory:
        conn = kuzu.Connection(kuzu.Database(str(pathlib.Path(directory) / "graph.kuzu")))
        conn.execute(script)
        first = counts(conn)
        expected_types = collections.Counter(edge["type"].upper() for edge in document["edges"])
        assert first[0] == len(document["nodes"]), first
        assert first[1] == len(document["edges"]), first
        assert first[2] == expected_types, (first[2], expected_types)
        # One type by its own table, as a user would ask.
        some_type = sorted(expected_types)[0]
        one = rows(conn, f"MATCH ()-[r:`{some_type}`]->() RETURN count(r)")[0][0]
        assert one == expected_types[some_type], (some_type, one)

        conn.execute(script)
        assert counts(conn) == first, (counts(conn), first)

        nodes = {row[0]: row[1:] for row in rows(
            conn, "MATCH (n:Entity) RETURN n.id, " + ", ".join(f"n.`{name}`" for name in ENTITY))}
        for node in document["nodes"]:
            label, kind, aliases, description, wikidata = nodes[node["id"]]
            assert label == node["label"], (label, node["label"])
            assert kind == node["kind"]
            assert aliases == node["aliases"], (aliases, node["aliases"])
            assert description == node["description"], (description, node["description"])
            assert wikidata == node["wikidata"]

        relations = {}
        for row in rows(conn, "MATCH (a)-[r]->(b) RETURN r.id, a.id, b.id, label(r), r.type, r.type_label, "
                              "r.modality, r.negated, r.attributed_to, "
                              "r.note, r.date, r.quote, r.source, r.evidence, "
                              + ", ".join(f"r.`{name}`" for name in OFFSETS)):
            assert row[0] not in relations, row[0]
            relations[row[0]] = row[1:]
        for edge in document["edges"]:
            (source, target, table, rel_type, type_label, modality, negated, attributed_to,
             note, date, quote, origin, evidence, *offsets) = relations[edge["key"]]
            first_evidence = edge["evidence"][0]
            assert (source, target) == (edge["source"], edge["target"])
            assert table == edge["type"].upper() and rel_type == edge["type"]
            assert type_label == edge["type_label"], (type_label, edge["type_label"])
            assert modality == edge["modality"]
            assert negated is edge["negated"], (negated, edge["negated"])
            assert attributed_to == edge["attributed_to"], (attributed_to, edge["attributed_to"])
            assert note == edge["note"], (note, edge["note"])
            assert date == edge["date"]
            assert quote == first_evidence["quote"], (quote, first_evidence["quote"])
            assert origin == first_evidence["source"]
            assert json.loads(evidence) == edge["evidence"]
            assert offsets == [first_evidence[name] for name in OFFSETS], offsets

    print(f"ok: {first[0]} nodes, {first[1]} relationships, twice, kuzu {kuzu.__version__}")


if __name__ == "__main__":
    main()
