"""Loads kgraph's Parquet tables into Apache Spark (pyspark in local mode,
the engine a user moves to when the graph outgrows one machine) and
computes with Spark SQL what `kg stats --json` reports: counts of
entities, relations and quotes, relations per modality and type, entities
per kind, the degree of every entity (in-degree and out-degree, summed as
kg does, and kg's top ten), and the connected components (relations read
either way), found by iterating min-label propagation in SQL until nothing
changes. Each answer must equal kg's.

usage: check_spark.py PARQUET_DIR STATS_JSON [PARQUET_DIR STATS_JSON ...]
(one Spark session for every pair: it takes about 20 s to start)
"""

import json
import pathlib
import sys

from pyspark.sql import SparkSession

# Components are found by propagating the smallest id; a graph whose
# diameter exceeds this many steps would need more rounds.
MAX_ROUNDS = 1000


def counts(spark, query):
    return {row[0]: row[1] for row in spark.sql(query).collect()}


def check(spark, directory, stats):
    """Checks one graph's tables against its `kg stats --json`; returns a
    summary."""
    for table in ["entities", "relations", "evidence"]:
        spark.read.parquet(str(directory / f"{table}.parquet")).createOrReplaceTempView(table)
    schema = {field.name: field.dataType.simpleString() for field in spark.table("relations").schema}
    assert schema["date_start"] == "date", schema
    aliases = spark.table("entities").schema["aliases"].dataType.simpleString()
    assert aliases == "array<string>", aliases

    (entities, relations, quotes) = spark.sql(
        "SELECT (SELECT count(*) FROM entities), (SELECT count(*) FROM relations), "
        "(SELECT count(*) FROM evidence)"
    ).first()
    assert (entities, relations, quotes) == (stats["entities"], stats["relations"], stats["quotes"]), (
        entities,
        relations,
        quotes,
    )
    for query, key in [
        ("SELECT modality, count(*) FROM relations GROUP BY modality", "by_modality"),
        ("SELECT type, count(*) FROM relations GROUP BY type", "by_relation_type"),
        ("SELECT kind, count(*) FROM entities GROUP BY kind", "by_kind"),
    ]:
        # kg stats also lists what has no rows (a modality never used).
        expected = {row["name"]: row["count"] for row in stats[key] if row["count"]}
        assert counts(spark, query) == expected, (key, counts(spark, query), expected)

    degrees = spark.sql(
        """
        WITH out_degree AS (SELECT from_id AS id, count(*) AS n FROM relations GROUP BY from_id),
             in_degree AS (SELECT to_id AS id, count(*) AS n FROM relations GROUP BY to_id)
        SELECT e.id, coalesce(o.n, 0) AS out_degree, coalesce(i.n, 0) AS in_degree,
               coalesce(o.n, 0) + coalesce(i.n, 0) AS degree
        FROM entities e LEFT JOIN out_degree o ON o.id = e.id LEFT JOIN in_degree i ON i.id = e.id
        ORDER BY degree DESC, e.id
        """
    ).collect()
    assert sum(row.out_degree for row in degrees) == relations
    assert sum(row.in_degree for row in degrees) == relations
    top = [(row.id, row.degree) for row in degrees[: len(stats["top"]["degree"])]]
    expected_top = [(row["id"], row["value"]) for row in stats["top"]["degree"]]
    assert top == expected_top, (top, expected_top)

    spark.sql(
        """
        SELECT from_id AS a, to_id AS b FROM relations WHERE from_id <> to_id
        UNION SELECT to_id AS a, from_id AS b FROM relations WHERE from_id <> to_id
        """
    ).createOrReplaceTempView("links")
    labels = spark.sql("SELECT id, id AS component FROM entities").localCheckpoint()
    for rounds in range(1, MAX_ROUNDS + 1):
        labels.createOrReplaceTempView("labels")
        following = spark.sql(
            """
            SELECT l.id, least(l.component, coalesce(min(n.component), l.component)) AS component
            FROM labels l LEFT JOIN links k ON k.a = l.id LEFT JOIN labels n ON n.id = k.b
            GROUP BY l.id, l.component
            """
        ).localCheckpoint()
        following.createOrReplaceTempView("following")
        (changed,) = spark.sql(
            "SELECT count(*) FROM labels l JOIN following f ON f.id = l.id WHERE f.component <> l.component"
        ).first()
        labels = following
        if changed == 0:
            break
    else:
        raise AssertionError(f"components did not settle in {MAX_ROUNDS} rounds")
    labels.createOrReplaceTempView("labels")
    components = {
        frozenset(row.members)
        for row in spark.sql("SELECT collect_list(id) AS members FROM labels GROUP BY component").collect()
    }
    expected_components = {frozenset(component) for component in stats["components"]}
    assert components == expected_components, (sorted(map(len, components)), sorted(map(len, expected_components)))
    sizes = sorted((len(component) for component in components), reverse=True)
    return f"{entities} entities, {relations} relations, {quotes} quotes, components {sizes} after {rounds} rounds"


def main() -> None:
    arguments = sys.argv[1:]
    assert arguments and len(arguments) % 2 == 0, __doc__
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("kgraph-check")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:
        summaries = []
        for directory, stats_path in zip(arguments[::2], arguments[1::2]):
            stats = json.loads(pathlib.Path(stats_path).read_text(encoding="utf-8"))
            summaries.append(check(spark, pathlib.Path(directory).resolve(), stats))
        version = spark.version
    finally:
        spark.stop()
    print(f"ok: {'; '.join(summaries)}; every degree and component as kg stats; Spark {version}")


if __name__ == "__main__":
    main()
