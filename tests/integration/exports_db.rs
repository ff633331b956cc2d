//! The graph-database exports, loaded by the programs users load them into:
//! networkx reads the GraphML, Kùzu runs the Kùzu Cypher script (twice) and
//! bulk-loads the Neo4j CSV files. Neo4j itself has no Python package, so
//! graphglot's Neo4j grammar parses the Neo4j script and decodes its
//! literals. A real FalkorDB server runs its dialect twice; the Oxigraph
//! server answers the SPARQL cookbook over HTTP; networkx and graphology
//! read the GEXF; DuckDB, Kùzu and Spark read the Parquet tables. Each
//! consumer compares what it loaded with kgraph's JSON export; hostile
//! strings must come back exactly, or changed exactly as documented.

use std::path::Path;

use crate::common::{Workdir, run_consumer, run_consumer_312, run_node_consumer, stderr, stdout};

fn built(fixture: &str) -> Workdir {
    let workdir = Workdir::with_data(fixture);
    let output = workdir.kg(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    workdir
}

/// The hostile fixture plus what it lacks: control characters in a source
/// text and the quote taken from it (curated text cannot hold them, but a
/// verbatim source can), an alias with the CSV array delimiter `;`, and a
/// formula-leading label and note.
fn hostile_plus() -> Workdir {
    let workdir = Workdir::with_data("hostile");
    let append = |file: &str, text: &str| {
        let mut contents = workdir.read(file);
        contents.push_str(text);
        workdir.write(file, contents);
    };
    append("data/sources/hostile.txt", CONTROL_LINE);
    let text = std::fs::read(workdir.path().join("data/sources/hostile.txt")).unwrap();
    let metadata = workdir.read("data/sources/hostile.toml");
    let old_hash = metadata
        .lines()
        .find(|line| line.starts_with("sha256"))
        .unwrap()
        .to_owned();
    workdir.write(
        "data/sources/hostile.toml",
        metadata.replace(&old_hash, &format!("sha256 = \"{}\"", sha256_hex(&text))),
    );
    append(
        "data/entities.toml",
        r#"
[[entity]]
id = "controls"
label = "-5 degrees"
kind = "thing"
aliases = ["semi;colon", "@handle;x"]
description = "a plain description"
"#,
    );
    append(
        "data/relations.toml",
        r#"
[[relation]]
from = "controls"
type = "mentions"
to = "unicode"
modality = "actual"
note = "=1+1 and ; semicolon"
[[relation.evidence]]
source = "hostile"
quote = "Controls: bell\u0007, SOH \u0001, unit\u001f separator, next\u0085line."
"#,
    );
    workdir
}

const CONTROL_LINE: &str =
    "Controls: bell\u{7}, SOH \u{1}, unit\u{1f} separator, next\u{85}line.\n";

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `kg export --format FORMAT -o FILE` in the workdir; returns the path.
fn export(workdir: &Workdir, format: &str, file: &str) -> std::path::PathBuf {
    let output = workdir.kg(&["export", "--format", format, "-o", file]);
    assert!(output.status.success(), "{format}: {}", stderr(&output));
    workdir.path().join(file)
}

fn check(script: &str, args: &[&Path]) {
    let report = run_consumer(script, args);
    assert!(report.starts_with("ok"), "{report}");
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn graphml_reads_back_in_networkx_exactly() {
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let output = workdir.path().join("output");
        check(
            "check_graphml.py",
            &[&output.join("graph.graphml"), &output.join("graph.json")],
        );
    }
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn kuzu_cypher_runs_twice_in_kuzu_with_the_same_counts_and_exact_strings() {
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let output = workdir.path().join("output");
        check(
            "check_kuzu_cypher.py",
            &[
                &output.join("graph.kuzu.cypher"),
                &output.join("graph.json"),
            ],
        );
    }
    let workdir = hostile_plus();
    let script = export(&workdir, "cypher-kuzu", "graph.kuzu.cypher");
    let json = export(&workdir, "json", "graph.json");
    check("check_kuzu_cypher.py", &[&script, &json]);
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn neo4j_csv_loads_into_kuzu_with_only_the_documented_changes() {
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let output = workdir.path().join("output");
        check(
            "check_kuzu_csv.py",
            &[
                &output.join("nodes.csv"),
                &output.join("relationships.csv"),
                &output.join("graph.json"),
            ],
        );
    }
    let workdir = hostile_plus();
    let nodes = export(&workdir, "csv-nodes", "nodes.csv");
    let relationships = export(&workdir, "csv-relationships", "relationships.csv");
    let json = export(&workdir, "json", "graph.json");
    check("check_kuzu_csv.py", &[&nodes, &relationships, &json]);
}

#[test]
fn csv_neutralises_formulas_and_keeps_the_array_delimiter_out_of_aliases() {
    let workdir = hostile_plus();
    let nodes = std::fs::read_to_string(export(&workdir, "csv-nodes", "nodes.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(nodes.as_bytes());
    let controls = reader
        .records()
        .map(Result::unwrap)
        .find(|record| &record[0] == "controls")
        .expect("a row for `controls`");
    assert_eq!(&controls[1], "'-5 degrees");
    assert_eq!(&controls[3], "semi\u{FF1B}colon;'@handle\u{FF1B}x");
    let exact: Vec<String> = serde_json::from_str(&controls[4]).unwrap();
    assert_eq!(exact, ["semi;colon", "@handle;x"]);
}

#[test]
fn graphml_shows_control_characters_of_a_source_as_control_pictures() {
    let workdir = hostile_plus();
    let output = workdir.kg(&["build"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let graphml = workdir.read("output/graph.graphml");
    // XML 1.0 cannot hold U+0001, U+0007 or U+001F in any form: the plain
    // quote shows their control pictures ...
    assert!(
        graphml.contains(
            "Controls: bell\u{2407}, SOH \u{2401}, unit\u{241F} separator, next\u{85}line."
        )
    );
    // ... while the evidence JSON keeps them exactly, escaped by JSON.
    assert!(graphml.contains(r"Controls: bell\u0007, SOH \u0001, unit\u001f separator"));
    let document = roxmltree::Document::parse(&graphml).expect("well-formed XML");
    assert_eq!(document.root_element().tag_name().name(), "graphml");
}

#[test]
fn a_relation_type_that_clashes_with_kuzus_node_table_is_refused() {
    let workdir = Workdir::with_data("base");
    let mut schema = workdir.read("data/schema.toml");
    schema.push_str(
        "\n[[relation_type]]\nname = \"entity\"\ndefinition = \"A clash\"\ndomain = [\"state\"]\nrange = [\"organization\"]\n",
    );
    workdir.write("data/schema.toml", schema);
    let mut relations = workdir.read("data/relations.toml");
    relations.push_str(
        "\n[[relation]]\nfrom = \"kingdom\"\ntype = \"entity\"\nto = \"alliance\"\nmodality = \"actual\"\n[[relation.evidence]]\nsource = \"memo\"\nquote = \"The Kingdom could leave the Alliance too.\"\n",
    );
    workdir.write("data/relations.toml", relations);
    let output = workdir.kg(&["export", "--format", "cypher-kuzu"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "relation type `entity` collides with Kùzu's node table `Entity` (table names are case-insensitive)"
        ),
        "{}",
        stderr(&output)
    );
    // Neo4j keeps labels and relationship types apart: no clash there.
    let neo4j = workdir.kg(&["export", "--format", "cypher"]);
    assert!(neo4j.status.success(), "{}", stderr(&neo4j));
    assert!(stdout(&neo4j).contains("[r:`ENTITY` {"));
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn neo4j_cypher_parses_with_a_neo4j_grammar_and_decodes_to_the_exact_strings() {
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let output = workdir.path().join("output");
        check(
            "check_cypher.py",
            &[&output.join("graph.cypher"), &output.join("graph.json")],
        );
    }
    let workdir = hostile_plus();
    let script = export(&workdir, "cypher", "graph.cypher");
    let json = export(&workdir, "json", "graph.json");
    check("check_cypher.py", &[&script, &json]);
}

#[test]
fn neo4j_cypher_is_one_idempotent_statement_per_line() {
    let workdir = built("hostile");
    let script = workdir.read("output/graph.cypher");
    let statements: Vec<&str> = script.lines().filter(|l| !l.starts_with("//")).collect();
    assert!(
        statements[0].starts_with("CREATE CONSTRAINT `kgraph_entity_id` IF NOT EXISTS FOR (n:`Entity`) REQUIRE n.`id` IS UNIQUE")
    );
    // Nothing but MERGEs after the constraint: running it again creates nothing.
    let merges = &statements[1..];
    let json: serde_json::Value = serde_json::from_str(&workdir.read("output/graph.json")).unwrap();
    let items = json["nodes"].as_array().unwrap().len() + json["edges"].as_array().unwrap().len();
    assert_eq!(merges.len(), items);
    for statement in merges {
        assert!(statement.ends_with(';'), "{statement}");
        assert!(statement.contains(" MERGE ") || statement.starts_with("MERGE "));
        assert!(!statement.contains("CREATE "), "{statement}");
    }
    assert!(script.contains("SET n:`Thing`;"));
    assert!(script.contains("[r:`GRAPH` {`id`: 'node.graph.quotes.34a57178'}]"));
    assert!(script.contains(r"`label`: 'Line one\nLine two\r\nLine three'"));
}

#[test]
fn export_picks_the_format_from_the_file_name_and_refuses_an_ambiguous_csv() {
    let workdir = built("base");
    for (file, golden) in [
        ("nodes.csv", "output/nodes.csv"),
        ("copy.kuzu.cypher", "output/graph.kuzu.cypher"),
        ("copy.cypher", "output/graph.cypher"),
        ("copy.graphml", "output/graph.graphml"),
    ] {
        let output = workdir.kg(&["export", "-o", file]);
        assert!(output.status.success(), "{file}: {}", stderr(&output));
        assert_eq!(workdir.read(file), workdir.read(golden), "{file}");
    }
    let ambiguous = workdir.kg(&["export", "-o", "people.csv"]);
    assert_eq!(ambiguous.status.code(), Some(2));
    assert!(
        stderr(&ambiguous)
            .contains("cannot tell the format of `people.csv` from its name: give --format"),
        "{}",
        stderr(&ambiguous)
    );
}

/// `kg query path FROM TO --all --max-len 4 --json` saved in the workdir.
fn all_paths(workdir: &Workdir, from: &str, to: &str) -> std::path::PathBuf {
    let output = workdir.kg(&[
        "query",
        "path",
        from,
        to,
        "--all",
        "--max-len",
        "4",
        "--json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let path = workdir.path().join("paths.json");
    std::fs::write(&path, &output.stdout).unwrap();
    path
}

fn check_falkordb(script: &Path, json: &Path, paths: &Path) {
    let report = run_consumer_312("check_falkordb.py", &[script, json, paths]);
    assert!(report.starts_with("ok"), "{report}");
}

#[test]
#[ignore = "needs the Python 3.12 venv .venv312 (pip install -r tests/consumers/requirements-py312.txt)"]
fn falkordb_runs_its_cypher_twice_reads_back_every_property_and_finds_kgs_paths() {
    // Pairs joined by several paths, one of them through a relation read
    // backwards.
    for (fixture, from, to) in [
        ("base", "kingdom", "republic"),
        ("hostile", "markup", "lines"),
        ("claims", "kingdom", "republic"),
    ] {
        let workdir = built(fixture);
        let output = workdir.path().join("output");
        check_falkordb(
            &output.join("graph.falkordb.cypher"),
            &output.join("graph.json"),
            &all_paths(&workdir, from, to),
        );
    }
    // Control characters, which FalkorDB cannot escape, written as
    // themselves.
    let workdir = hostile_plus();
    let script = export(&workdir, "cypher-falkordb", "graph.falkordb.cypher");
    let json = export(&workdir, "json", "graph.json");
    check_falkordb(&script, &json, &all_paths(&workdir, "controls", "lines"));
}

#[test]
fn dialect_option_picks_the_cypher_database_and_refuses_other_formats() {
    let workdir = built("base");
    let falkordb = workdir.kg(&["export", "--format", "cypher", "--dialect", "falkordb"]);
    assert!(falkordb.status.success(), "{}", stderr(&falkordb));
    assert_eq!(
        stdout(&falkordb),
        workdir.read("output/graph.falkordb.cypher")
    );
    let memgraph = workdir.kg(&["export", "-o", "m.cypher", "--dialect", "memgraph"]);
    assert!(memgraph.status.success(), "{}", stderr(&memgraph));
    assert_eq!(
        workdir.read("m.cypher"),
        workdir.read("output/graph.memgraph.cypher")
    );
    assert!(
        workdir
            .read("m.cypher")
            .contains("\nCREATE INDEX ON :`Entity`(`id`);\n")
    );

    let refused = workdir.kg(&["export", "--format", "json", "--dialect", "neo4j"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("--dialect applies only to --format cypher"));
    let contradiction = workdir.kg(&[
        "export",
        "--format",
        "cypher-memgraph",
        "--dialect",
        "falkordb",
    ]);
    assert_eq!(contradiction.status.code(), Some(2));
    assert!(
        stderr(&contradiction).contains("--dialect falkordb contradicts --format cypher-memgraph"),
        "{}",
        stderr(&contradiction)
    );
    let unknown = workdir.kg(&["export", "--format", "cypher", "--dialect", "kuzu"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("invalid value 'kuzu' for '--dialect <DATABASE>'"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn gexf_reads_back_in_networkx_and_graphology_with_its_viz() {
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let output = workdir.path().join("output");
        let (gexf, json) = (output.join("graph.gexf"), output.join("graph.json"));
        check(
            "check_gexf.py",
            &[&gexf, &json, &workdir.path().join("data/schema.toml")],
        );
        let report = run_node_consumer("check_gexf.mjs", &[&gexf, &json]);
        assert!(report.starts_with("ok"), "{report}");
    }
}

/// `kg ARGS --json` (a query or `kg stats`) saved in the workdir as NAME.
fn answer(workdir: &Workdir, args: &[&str], name: &str) -> std::path::PathBuf {
    let output = workdir.kg(args);
    assert!(output.status.success(), "{}", stderr(&output));
    let path = workdir.path().join(name);
    std::fs::write(&path, &output.stdout).unwrap();
    path
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn parquet_reads_back_in_duckdb_and_kuzu_and_answers_kgs_neighbors() {
    for (fixture, center) in [
        ("base", "alliance"),
        ("hostile", "unicode"),
        ("claims", "republic"),
    ] {
        let workdir = built(fixture);
        let output = workdir.path().join("output");
        let neighbors = answer(
            &workdir,
            &["query", "neighbors", center, "--json"],
            "n.json",
        );
        check(
            "check_parquet.py",
            &[
                &output.join("parquet"),
                &output.join("graph.json"),
                &neighbors,
            ],
        );
    }
    // Control characters from a source stay exact in Parquet strings.
    let workdir = hostile_plus();
    let tables = export(&workdir, "parquet", "tables");
    let json = export(&workdir, "json", "graph.json");
    let neighbors = answer(
        &workdir,
        &["query", "neighbors", "controls", "--json"],
        "n.json",
    );
    check("check_parquet.py", &[&tables, &json, &neighbors]);
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn spark_computes_kgs_degrees_and_components_from_the_parquet_tables() {
    let mut arguments = Vec::new();
    let workdirs: Vec<Workdir> = ["base", "hostile", "claims"]
        .into_iter()
        .map(built)
        .collect();
    for workdir in &workdirs {
        arguments.push(workdir.path().join("output/parquet"));
        arguments.push(answer(workdir, &["stats", "--json"], "stats.json"));
    }
    let arguments: Vec<&Path> = arguments.iter().map(|path| path.as_path()).collect();
    check("check_spark.py", &arguments);
}

#[test]
fn parquet_needs_a_directory_and_is_written_whole() {
    let workdir = built("base");
    let refused = workdir.kg(&["export", "--format", "parquet"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("`parquet` writes a directory of files: give `-o DIRECTORY`"),
        "{}",
        stderr(&refused)
    );
    let written = workdir.kg(&["export", "--format", "parquet", "-o", "tables"]);
    assert!(written.status.success(), "{}", stderr(&written));
    for table in kgraph::export::PARQUET_TABLES {
        assert_eq!(
            std::fs::read(workdir.path().join("tables").join(table)).unwrap(),
            std::fs::read(workdir.path().join("output/parquet").join(table)).unwrap(),
            "{table}"
        );
    }
    // A `.parquet` name alone does not say which table: the format must be named.
    let ambiguous = workdir.kg(&["export", "-o", "x.parquet"]);
    assert_eq!(ambiguous.status.code(), Some(2));
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn the_oxigraph_server_answers_the_sparql_cookbook_over_http_as_rdflib_does() {
    let cookbook = crate::common::repo().join("docs/sparql");
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        check(
            "check_sparql_server.py",
            &[&workdir.path().join("output/graph.ttl"), &cookbook],
        );
    }
}
