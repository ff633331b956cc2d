"""Reads kgraph's Parquet tables with DuckDB and bulk-loads them into Kùzu
with `COPY FROM`, and checks both against kgraph's JSON export:
- DuckDB: the column types (lists as lists, dates as dates), one row per
  entity, relation and quote with every value exact, and a join that
  answers `kg query neighbors ENTITY --json` (relations read either way);
- Kùzu: `COPY Entity FROM 'entities.parquet'` and `COPY Relation FROM
  'relations.parquet'` load every node and relationship with exact
  strings, lists and dates, and a Cypher neighbour query gives the same
  answer.

usage: check_parquet.py PARQUET_DIR GRAPH_JSON NEIGHBORS_JSON
"""

import datetime
import importlib.metadata
import json
import pathlib
import sys
import tempfile

import duckdb
import kuzu

OFFSETS = ["byte_start", "byte_end", "char_start", "char_end", "line", "column"]


def date_range(text):
    """The first and last day a YYYY, YYYY-MM or YYYY-MM-DD date covers."""
    if text is None:
        return None, None
    parts = [int(part) for part in text.split("-")]
    if len(parts) == 3:
        day = datetime.date(*parts)
        return day, day
    if len(parts) == 2:
        first = datetime.date(parts[0], parts[1], 1)
        following = datetime.date(parts[0] + parts[1] // 12, parts[1] % 12 + 1, 1)
        return first, following - datetime.timedelta(days=1)
    return datetime.date(parts[0], 1, 1), datetime.date(parts[0], 12, 31)


def expected_entities(document):
    return {
        node["id"]: (node["label"], node["kind"], node["aliases"], node["description"], node["wikidata"], node["mentions"])
        for node in document["nodes"]
    }


def expected_relations(document):
    return {
        edge["key"]: (
            edge["source"],
            edge["target"],
            edge["type"],
            edge["type_label"],
            edge["modality"],
            edge["negated"],
            edge["attributed_to"],
            edge["note"],
            edge["date"],
            *date_range(edge["date"]),
            len(edge["evidence"]),
        )
        for edge in document["edges"]
    }


def expected_evidence(document):
    return {
        (edge["key"], position): (item["source"], item["quote"], *(item[name] for name in OFFSETS))
        for edge in document["edges"]
        for position, item in enumerate(edge["evidence"], start=1)
    }


def expected_neighbors(answer):
    assert answer["depth"] == 1 and answer["direction"] == "both", "give kg query neighbors depth 1, both ways"
    return {
        neighbor["id"]: (neighbor["label"], neighbor["kind"], sorted(r["id"] for r in neighbor["relations"]))
        for neighbor in answer["neighbors"]
    }


def check_duckdb(directory, document, answer):
    tables = {name: str(directory / f"{name}.parquet") for name in ["entities", "relations", "evidence", "sources"]}
    types = {row[0]: row[1] for row in duckdb.sql(f"DESCRIBE SELECT * FROM '{tables['entities']}'").fetchall()}
    assert types["aliases"] == "VARCHAR[]" and types["mentions"] == "BIGINT", types
    types = {row[0]: row[1] for row in duckdb.sql(f"DESCRIBE SELECT * FROM '{tables['relations']}'").fetchall()}
    assert types["date_start"] == "DATE" and types["date_end"] == "DATE", types

    entities = {
        row[0]: tuple(row[1:])
        for row in duckdb.sql(
            f"SELECT id, label, kind, aliases, description, wikidata, mentions FROM '{tables['entities']}'"
        ).fetchall()
    }
    assert entities == expected_entities(document), "entities differ"

    relations = {
        row[2]: (row[0], row[1], *row[3:])
        for row in duckdb.sql(
            "SELECT from_id, to_id, id, type, type_label, modality, negated, attributed_to, note, date, "
            "date_start, date_end, evidence_count "
            f"FROM '{tables['relations']}'"
        ).fetchall()
    }
    assert relations == expected_relations(document), "relations differ"

    evidence = {
        (row[0], row[1]): tuple(row[2:])
        for row in duckdb.sql(
            "SELECT relation_id, position, source, quote, byte_start, byte_end, char_start, char_end, line, \"column\" "
            f"FROM '{tables['evidence']}'"
        ).fetchall()
    }
    assert evidence == expected_evidence(document), "evidence differs"
    ((orphans,),) = duckdb.sql(
        f"SELECT count(*) FROM '{tables['evidence']}' q ANTI JOIN '{tables['relations']}' r ON q.relation_id = r.id"
    ).fetchall()
    assert orphans == 0, orphans

    sources = duckdb.sql(
        "SELECT id, title, author, publisher, date, date_start, date_end, copy_date, copy_date_start, "
        f"copy_date_end, copy_url, url, notes, text_path, sha256 FROM '{tables['sources']}' ORDER BY id"
    ).fetchall()
    expected_sources = [
        (s["id"], s["title"], s["author"], s["publisher"], s["date"], *date_range(s["date"]), s["copy_date"],
         *date_range(s["copy_date"]), s["copy_url"], s["url"], s["notes"], s["text_path"], s["sha256"])
        for s in sorted(document["graph"]["sources"], key=lambda s: s["id"])
    ]
    assert sources == expected_sources, (sources, expected_sources)

    center = answer["entity"]["id"]
    rows = duckdb.execute(
        f"""
        WITH touching AS (
            SELECT id, CASE WHEN from_id = $center THEN to_id ELSE from_id END AS neighbor
            FROM '{tables['relations']}'
            WHERE (from_id = $center OR to_id = $center) AND from_id <> to_id
        )
        SELECT t.neighbor, e.label, e.kind, list(t.id ORDER BY t.id)
        FROM touching t JOIN '{tables['entities']}' e ON e.id = t.neighbor
        GROUP BY t.neighbor, e.label, e.kind
        """,
        {"center": center},
    ).fetchall()
    neighbors = {row[0]: (row[1], row[2], row[3]) for row in rows}
    assert neighbors == expected_neighbors(answer), (neighbors, expected_neighbors(answer))
    return len(entities), len(relations), len(evidence), len(neighbors)


def check_kuzu(directory, document, answer):
    with tempfile.TemporaryDirectory() as scratch:
        connection = kuzu.Connection(kuzu.Database(str(pathlib.Path(scratch) / "kg.kuzu")))
        connection.execute(
            "CREATE NODE TABLE Entity(id STRING, label STRING, kind STRING, aliases STRING[], "
            "description STRING, wikidata STRING, mentions INT64, PRIMARY KEY(id))"
        )
        connection.execute(
            "CREATE REL TABLE Relation(FROM Entity TO Entity, id STRING, `type` STRING, type_label STRING, "
            "modality STRING, negated BOOLEAN, attributed_to STRING[], note STRING, `date` STRING, "
            "date_start DATE, date_end DATE, evidence_count INT64)"
        )
        connection.execute(f"COPY Entity FROM '{directory / 'entities.parquet'}'")
        connection.execute(f"COPY Relation FROM '{directory / 'relations.parquet'}'")

        def rows(query, parameters=None):
            result = connection.execute(query, parameters or {})
            found = []
            while result.has_next():
                found.append(result.get_next())
            return found

        entities = {
            row[0]: tuple(row[1:])
            for row in rows("MATCH (e:Entity) RETURN e.id, e.label, e.kind, e.aliases, e.description, e.wikidata, e.mentions")
        }
        assert entities == expected_entities(document), "Kùzu entities differ"
        relations = {
            row[2]: (row[0], row[1], *row[3:])
            for row in rows(
                "MATCH (a:Entity)-[r:Relation]->(b:Entity) RETURN a.id, b.id, r.id, r.`type`, r.type_label, "
                "r.modality, r.negated, r.attributed_to, r.note, r.`date`, r.date_start, r.date_end, "
                "r.evidence_count"
            )
        }
        assert relations == expected_relations(document), "Kùzu relations differ"

        found = {}
        for neighbor, label, kind, relation in rows(
            "MATCH (c:Entity {id: $center})-[r:Relation]-(n:Entity) WHERE n.id <> c.id "
            "RETURN n.id, n.label, n.kind, r.id",
            {"center": answer["entity"]["id"]},
        ):
            found.setdefault(neighbor, (label, kind, []))[2].append(relation)
        found = {key: (label, kind, sorted(ids)) for key, (label, kind, ids) in found.items()}
        assert found == expected_neighbors(answer), (found, expected_neighbors(answer))
        return len(entities), len(relations)


def main() -> None:
    directory, json_path, neighbors_path = map(pathlib.Path, sys.argv[1:4])
    directory = directory.resolve()
    document = json.loads(json_path.read_text(encoding="utf-8"))
    answer = json.loads(neighbors_path.read_text(encoding="utf-8"))
    entities, relations, quotes, neighbors = check_duckdb(directory, document, answer)
    check_kuzu(directory, document, answer)
    print(
        f"ok: {entities} entities, {relations} relations, {quotes} quotes, {neighbors} neighbours of "
        f"{answer['entity']['id']} in duckdb {duckdb.__version__} and kuzu {importlib.metadata.version('kuzu')}"
    )


if __name__ == "__main__":
    main()
