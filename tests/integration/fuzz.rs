//! Property-based fuzzing, as oxigraph's fuzz targets do it but runnable on
//! stable Rust: the loader on TOML and JSON, and parse -> export -> parse
//! again with the Rust-side reader of each format that has one.
//!
//! Each target runs `KG_FUZZ_CASES` cases (32 by default, so that
//! `cargo test` stays quick; CI runs more, see `.ci/run`). A failing case is
//! saved to `tests/fixtures/fuzz/*.regressions` and replayed first on every
//! later run; `tests/fixtures/fuzz/names.txt` holds hand-picked hostile
//! names that every run checks before the random ones.

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde::Serialize;

use crate::common::{Workdir, fixtures};

fn config(regressions: &'static str) -> ProptestConfig {
    let cases = std::env::var("KG_FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(32);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..ProptestConfig::default()
    }
}

/// Text as curators and strangers write it: markup and escape characters of
/// every export format, quotes, spaces at the ends, invisible and
/// right-to-left characters, emoji, line breaks, and any printable
/// character.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z \"'\\\\<>&;{}\\[\\]#%|`$=+@:/\u{a0}\u{feff}\u{200b}\u{202e}\u{1F680}\u{e9}\u{301}\\n\\r\\t]{1,24}",
        "\\PC{1,24}",
    ]
}

#[derive(Serialize)]
struct EntityFile {
    entity: Vec<EntityRecord>,
}

#[derive(Serialize, Clone, Debug)]
struct EntityRecord {
    id: String,
    label: String,
    kind: String,
    aliases: Vec<String>,
    description: String,
}

/// The base fixture's entities, with the `kingdom` entity's label, aliases
/// and description replaced.
fn entities(label: &str, aliases: &[String], description: &str) -> EntityFile {
    let plain = |id: &str, label: &str, kind: &str| EntityRecord {
        id: id.to_owned(),
        label: label.to_owned(),
        kind: kind.to_owned(),
        aliases: Vec::new(),
        description: String::new(),
    };
    EntityFile {
        entity: vec![
            plain("alliance", "Alliance", "organization"),
            plain("republic", "Republic", "state"),
            EntityRecord {
                id: "kingdom".to_owned(),
                label: label.to_owned(),
                kind: "state".to_owned(),
                aliases: aliases.to_vec(),
                description: description.to_owned(),
            },
            plain("harbour-accord", "Harbour Accord", "agreement"),
        ],
    }
}

/// The base fixture with its entities written as `entities.toml` or
/// `entities.json`.
fn workdir_with(entities: &EntityFile, json: bool) -> Workdir {
    let workdir = Workdir::with_data("base");
    std::fs::remove_file(workdir.path().join("data/entities.toml")).unwrap();
    if json {
        workdir.write(
            "data/entities.json",
            serde_json::to_string_pretty(entities).unwrap(),
        );
    } else {
        workdir.write("data/entities.toml", toml::to_string(entities).unwrap());
    }
    workdir
}

/// What loading came to, without positions (which differ between the
/// syntaxes): the entities if valid, else each diagnostic's code and
/// message.
#[derive(Debug, PartialEq)]
enum Outcome {
    Valid(Vec<(String, String, Vec<String>, String)>),
    Invalid(Vec<(Option<&'static str>, String)>),
}

fn outcome(workdir: &Workdir) -> Outcome {
    match kgraph::load(&workdir.path().join("data")) {
        Ok((dataset, _)) => Outcome::Valid(
            dataset
                .entities
                .into_iter()
                .map(|e| (e.id, e.label, e.aliases, e.description))
                .collect(),
        ),
        Err(kgraph::LoadError::Invalid(report)) => Outcome::Invalid(
            report
                .diagnostics
                .into_iter()
                .map(|d| (d.code, d.message.replace("entities.json", "entities.toml")))
                .collect(),
        ),
        Err(other) => panic!("the data directory exists: {other}"),
    }
}

/// Applies byte edits (position, byte; position past the end deletes the
/// byte at `position % len`) to a file's bytes.
fn mutate(mut bytes: Vec<u8>, edits: &[(usize, Option<u8>)]) -> Vec<u8> {
    for &(position, byte) in edits {
        if bytes.is_empty() {
            break;
        }
        let at = position % bytes.len();
        match byte {
            Some(byte) if position % 2 == 0 => bytes[at] = byte,
            Some(byte) => bytes.insert(at, byte),
            None => {
                bytes.remove(at);
            }
        }
    }
    bytes
}

/// The hand-picked names of `tests/fixtures/fuzz/names.txt`, one JSON
/// string per line.
fn corpus_names() -> Vec<String> {
    std::fs::read_to_string(fixtures().join("fuzz/names.txt"))
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str(line).expect("each line is a JSON string"))
        .collect()
}

/// Exports the graph of a valid data directory in every format that has a
/// Rust reader, reads each back, and checks that the `kingdom` entity's
/// label, aliases and description come back as curated (or changed exactly
/// as docs/exports.md documents).
fn check_exports_read_back(workdir: &Workdir) {
    let Ok((dataset, _)) = kgraph::load(&workdir.path().join("data")) else {
        return;
    };
    let kingdom = dataset.entity("kingdom").unwrap().clone();
    let graph = kgraph::KnowledgeGraph::new(dataset);
    let export = |format: kgraph::Format| {
        let mut bytes = Vec::new();
        format.write(&graph, &mut bytes).unwrap();
        String::from_utf8(bytes).unwrap()
    };

    // Node-link JSON, JGF and Cytoscape.js: serde_json.
    let json: serde_json::Value = serde_json::from_str(&export(kgraph::Format::Json)).unwrap();
    let node = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["id"] == "kingdom")
        .unwrap();
    assert_eq!(node["label"], kingdom.label.as_str());
    assert_eq!(node["description"], kingdom.description.as_str());
    assert_eq!(node["aliases"], serde_json::json!(kingdom.aliases));
    for format in [kgraph::Format::Jgf, kgraph::Format::Cytoscape] {
        let text = export(format);
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(
            value
                .to_string()
                .contains(&serde_json::to_string(&kingdom.label).unwrap()),
            "{format:?} lost the label"
        );
    }

    // GraphML: an XML parser gives every data value back exactly.
    let graphml = export(kgraph::Format::Graphml);
    let document = roxmltree::Document::parse(&graphml).expect("GraphML is well-formed");
    let data: BTreeMap<&str, &str> = document
        .descendants()
        .find(|node| node.has_tag_name("node") && node.attribute("id") == Some("kingdom"))
        .unwrap()
        .children()
        .filter(|child| child.has_tag_name("data"))
        .map(|child| (child.attribute("key").unwrap(), child.text().unwrap_or("")))
        .collect();
    assert_eq!(data["node_label"], kingdom.label);
    if !kingdom.description.is_empty() {
        assert_eq!(data["node_description"], kingdom.description);
    }

    // Turtle: oxttl reads the label back as the same literal.
    let turtle = export(kgraph::Format::Turtle);
    let triples: Vec<oxrdf::Triple> = oxttl::TurtleParser::new()
        .for_slice(turtle.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap_or_else(|error| panic!("{error}\n{turtle}"));
    let label = oxrdf::Term::from(oxrdf::Literal::new_simple_literal(&kingdom.label));
    assert!(
        triples.iter().any(|triple| triple.object == label),
        "the Turtle lost the label {:?}",
        kingdom.label
    );

    // Neo4j CSV: the csv crate; a value that starts like a formula gets a
    // leading `'`, as documented.
    let nodes = export(kgraph::Format::CsvNodes);
    let mut reader = csv::Reader::from_reader(nodes.as_bytes());
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|row| &row[0] == "kingdom")
        .unwrap();
    let neutralised = if kingdom.label.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{}", kingdom.label)
    } else {
        kingdom.label.clone()
    };
    assert_eq!(&row[1], neutralised);
}

proptest! {
    #![proptest_config(config("tests/fixtures/fuzz/loader.regressions"))]

    /// The same entities written as TOML and as JSON load to the same
    /// entities, or fail with the same diagnostics.
    #[test]
    fn toml_and_json_load_alike(
        label in hostile_text(),
        aliases in proptest::collection::vec(hostile_text(), 0..3),
        description in hostile_text(),
    ) {
        let file = entities(&label, &aliases, &description);
        let from_toml = outcome(&workdir_with(&file, false));
        let from_json = outcome(&workdir_with(&file, true));
        prop_assert_eq!(from_toml, from_json);
    }

    /// Valid files with a few bytes replaced, inserted or deleted load or
    /// fail with diagnostics, never panic.
    #[test]
    fn mutated_files_never_panic(
        edits in proptest::collection::vec((any::<usize>(), proptest::option::of(any::<u8>())), 1..6),
        json in any::<bool>(),
    ) {
        let workdir = Workdir::with_data("base");
        let (file, original) = if json {
            ("data/relations.json", include_bytes!("../fixtures/base-relations.json").to_vec())
        } else {
            ("data/relations.toml", workdir.read("data/relations.toml").into_bytes())
        };
        if json {
            std::fs::remove_file(workdir.path().join("data/relations.toml")).unwrap();
        }
        std::fs::write(workdir.path().join(file), mutate(original, &edits)).unwrap();
        let _ = kgraph::load(&workdir.path().join("data"));
    }
}

proptest! {
    #![proptest_config(config("tests/fixtures/fuzz/exports.regressions"))]

    /// Any valid label, alias and description survives every export that
    /// has a Rust reader.
    #[test]
    fn exports_read_back_as_curated(
        label in hostile_text(),
        alias in hostile_text(),
        description in hostile_text(),
    ) {
        let file = entities(&label, &[alias], &description);
        check_exports_read_back(&workdir_with(&file, false));
    }
}

#[test]
fn the_corpus_of_hostile_names_loads_alike_and_reads_back() {
    for name in corpus_names() {
        let file = entities(&name, std::slice::from_ref(&name), &name);
        let from_toml = workdir_with(&file, false);
        assert_eq!(
            outcome(&from_toml),
            outcome(&workdir_with(&file, true)),
            "{name:?}"
        );
        check_exports_read_back(&from_toml);
    }
}
