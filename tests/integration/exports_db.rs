//! The graph-database exports, loaded by the programs users load them into:
//! networkx reads the GraphML, Kùzu runs the Kùzu Cypher script (twice) and
//! bulk-loads the Neo4j CSV files. Neo4j itself has no Python package, so
//! graphglot's Neo4j grammar parses the Neo4j script and decodes its
//! literals. Each consumer compares what it loaded with kgraph's JSON
//! export; hostile strings must come back exactly, or changed exactly as
//! documented.

use std::path::Path;

use crate::common::{Workdir, run_consumer, stderr, stdout};

fn built(fixture: &str) -> Workdir {
    let workdir = Workdir::with_data(fixture);
    let output = workdir.kg(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    workdir
}

/// The hostile fixture plus what it lacks: control characters (which XML
/// cannot hold, so `kg build` refuses it), an alias with the CSV array
/// delimiter `;`, and formula-leading label and note.
fn hostile_plus() -> Workdir {
    let workdir = Workdir::with_data("hostile");
    let append = |file: &str, text: &str| {
        let mut contents = workdir.read(file);
        contents.push_str(text);
        workdir.write(file, contents);
    };
    append(
        "data/entities.toml",
        r#"
[[entity]]
id = "controls"
label = "-5 degrees"
kind = "thing"
aliases = ["semi;colon", "@handle;x", "bell\u0007", "next\u0085line"]
description = "nul-free \u0001 start-of-heading and \u001f unit separator"
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
note = "=1+1 \u0002 and ; semicolon"
[[relation.evidence]]
source = "hostile"
quote = "He said"
"#,
    );
    workdir
}

/// `kg export --format FORMAT -o FILE` in the workdir; returns the path.
fn export(workdir: &Workdir, format: &str, file: &str) -> std::path::PathBuf {
    let output = workdir.kg(&["export", "--format", format, "-o", file]);
    assert!(output.status.success(), "{format}: {}", stderr(&output));
    workdir.path().join(file)
}

fn check(script: &str, args: &[&Path]) {
    if let Some(report) = run_consumer(script, args) {
        assert!(report.starts_with("ok"), "{report}");
    }
}

#[test]
fn graphml_reads_back_in_networkx_exactly() {
    for fixture in ["base", "hostile"] {
        let workdir = built(fixture);
        let output = workdir.path().join("output");
        check(
            "check_graphml.py",
            &[&output.join("graph.graphml"), &output.join("graph.json")],
        );
    }
}

#[test]
fn kuzu_cypher_runs_twice_in_kuzu_with_the_same_counts_and_exact_strings() {
    for fixture in ["base", "hostile"] {
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
fn neo4j_csv_loads_into_kuzu_with_only_the_documented_changes() {
    for fixture in ["base", "hostile"] {
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
    assert_eq!(
        &controls[3],
        "semi\u{FF1B}colon;'@handle\u{FF1B}x;bell\u{7};next\u{85}line"
    );
    let exact: Vec<String> = serde_json::from_str(&controls[4]).unwrap();
    assert_eq!(
        exact,
        ["semi;colon", "@handle;x", "bell\u{7}", "next\u{85}line"]
    );
}

#[test]
fn graphml_refuses_control_characters_that_xml_cannot_hold() {
    let workdir = hostile_plus();
    let output = workdir.kg(&["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "error: cannot write graphml: entity `controls`: `description` contains U+0001, \
         a control character that XML 1.0 cannot hold; remove it from the data\n"
    );
    assert!(!workdir.path().join("output").exists());
    // Aliases are a JSON string in GraphML, where JSON escapes U+0007 in
    // `bell\u0007`: only plain text fields can hold a forbidden character.
    let export = workdir.kg(&["export", "--format", "graphml"]);
    assert_eq!(export.status.code(), Some(1));
    assert_eq!(stdout(&export), "");
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
fn neo4j_cypher_parses_with_a_neo4j_grammar_and_decodes_to_the_exact_strings() {
    for fixture in ["base", "hostile"] {
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
    assert_eq!(merges.len(), 5 + 5);
    for statement in merges {
        assert!(statement.ends_with(';'), "{statement}");
        assert!(statement.contains(" MERGE ") || statement.starts_with("MERGE "));
        assert!(!statement.contains("CREATE "), "{statement}");
    }
    assert!(script.contains("SET n:`Thing`;"));
    assert!(script.contains("[r:`GRAPH` {`id`: 'node.graph.quotes.dd689ef4'}]"));
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
