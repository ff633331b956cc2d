//! The exports, read back by the programs users load them into: Graphviz
//! renders the DOT, graphviz-rust parses it, networkx and jsonschema read
//! the JSON. Hostile strings must come back exactly as curated.

use std::collections::BTreeMap;
use std::process::Command;

use graphviz_rust::dot_structures::{Attribute, Edge, EdgeTy, Graph, Id, Node, Stmt, Vertex};

use crate::common::{Workdir, dot, repo, run_consumer, stderr};

fn built(fixture: &str) -> Workdir {
    let workdir = Workdir::with_data(fixture);
    let output = workdir.kg(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    workdir
}

/// Undoes DOT quoting: the inverse of kgraph's `dot_quote`.
fn unquote(id: &Id) -> String {
    let text = match id {
        Id::Escaped(text) => text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .expect("quoted"),
        other => panic!("every id and value should be quoted, got {other:?}"),
    };
    let mut plain = String::new();
    let mut characters = text.chars();
    while let Some(character) = characters.next() {
        if character == '\\' {
            match characters.next() {
                Some('n') => plain.push('\n'),
                Some(escaped) => plain.push(escaped),
                None => panic!("dangling backslash in {text}"),
            }
        } else {
            plain.push(character);
        }
    }
    plain
}

/// Attributes as Graphviz reads them: in those it shows (labels, tooltips,
/// links) it decodes `&amp;` to `&`, so kgraph writes every `&` there so.
fn attributes(list: &[Attribute]) -> BTreeMap<String, String> {
    list.iter()
        .map(|Attribute(name, value)| {
            let name = unquote_name(name);
            let value = unquote(value);
            let shown = ["label", "tooltip", "URL"].contains(&name.as_str());
            let value = if shown {
                assert!(
                    value.replace("&amp;", "").find('&').is_none(),
                    "a bare `&` in {name}: Graphviz may decode it: {value}"
                );
                value.replace("&amp;", "&")
            } else {
                value
            };
            (name, value)
        })
        .collect()
}

fn unquote_name(id: &Id) -> String {
    match id {
        Id::Plain(name) => name.clone(),
        other => unquote(other),
    }
}

fn node_id(vertex: &Vertex) -> String {
    match vertex {
        Vertex::N(node) => unquote(&node.0),
        Vertex::S(_) => panic!("no subgraph endpoints expected"),
    }
}

#[test]
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn dot_renders_with_graphviz_without_warnings() {
    let dot = dot();
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let output = Command::new(&dot)
            .args(["-Tsvg", "output/graph.dot", "-o", "graph.svg"])
            .current_dir(workdir.path())
            .output()
            .unwrap();
        assert!(output.status.success(), "{fixture}: {}", stderr(&output));
        assert_eq!(stderr(&output), "", "{fixture}: dot printed warnings");
        assert!(workdir.read("graph.svg").contains("<svg"));
    }
}

#[test]
#[ignore = "needs Graphviz (apt-get install graphviz)"]
fn the_committed_graph_renders_without_warnings() {
    let dot = dot();
    let output = Command::new(&dot)
        .args(["-Tsvg", "output/graph.dot"])
        .current_dir(repo())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "dot printed warnings");
}

#[test]
fn hostile_strings_survive_dot_as_parsed_by_graphviz_rust() {
    let workdir = built("hostile");
    let text = workdir.read("output/graph.dot");
    let Graph::DiGraph { stmts, .. } =
        graphviz_rust::parse(&text).expect("graphviz-rust parses our DOT")
    else {
        panic!("expected a digraph");
    };
    let json: serde_json::Value = serde_json::from_str(&workdir.read("output/graph.json")).unwrap();

    let mut labels = BTreeMap::new();
    let mut edges = BTreeMap::new();
    for stmt in &stmts {
        match stmt {
            Stmt::Node(Node {
                id,
                attributes: list,
            }) => {
                let id = unquote(&id.0);
                if !id.starts_with('_') {
                    labels.insert(id, attributes(list));
                }
            }
            Stmt::Edge(Edge {
                ty: EdgeTy::Pair(from, to),
                attributes: list,
            }) => {
                let attributes = attributes(list);
                edges.insert(
                    attributes["key"].clone(),
                    (node_id(from), node_id(to), attributes),
                );
            }
            _ => {}
        }
    }
    let nodes = json["nodes"].as_array().unwrap();
    assert_eq!(labels.len(), nodes.len());
    for node in nodes {
        let parsed = &labels[node["id"].as_str().unwrap()];
        // A CR LF in a label is one line break in DOT.
        let label = node["label"].as_str().unwrap().replace("\r\n", "\n");
        assert_eq!(parsed["label"], label);
        assert!(
            parsed["tooltip"]
                .contains(&node["description"].as_str().unwrap().replace("\r\n", "\n"))
        );
        for alias in node["aliases"].as_array().unwrap() {
            assert!(
                parsed["tooltip"].contains(alias.as_str().unwrap()),
                "alias {alias} lost"
            );
        }
    }
    let json_edges = json["edges"].as_array().unwrap();
    assert_eq!(edges.len(), json_edges.len());
    for edge in json_edges {
        let (from, to, parsed) = &edges[edge["key"].as_str().unwrap()];
        assert_eq!(from, edge["source"].as_str().unwrap());
        assert_eq!(to, edge["target"].as_str().unwrap());
        assert_eq!(parsed["modality"], edge["modality"].as_str().unwrap());
        for evidence in edge["evidence"].as_array().unwrap() {
            assert!(
                parsed["tooltip"].contains(evidence["quote"].as_str().unwrap()),
                "quote lost"
            );
        }
    }
}

#[test]
fn hostile_strings_survive_json_read_back_with_serde() {
    let workdir = built("hostile");
    let json: serde_json::Value = serde_json::from_str(&workdir.read("output/graph.json")).unwrap();
    let quotes = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "quotes")
        .unwrap();
    assert_eq!(quotes["label"], "Say \"Hi\" \\N \\\\ end");
    assert_eq!(quotes["aliases"][2], "=cmd|' /C calc'!A0");
    let lines = json["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "lines")
        .unwrap();
    assert_eq!(lines["label"], "Line one\nLine two\r\nLine three");
    // Every quote is the exact passage of the source at its offsets.
    let text = std::fs::read_to_string(workdir.path().join("data/sources/hostile.txt")).unwrap();
    let characters: Vec<char> = text.chars().collect();
    for edge in json["edges"].as_array().unwrap() {
        for evidence in edge["evidence"].as_array().unwrap() {
            let quote = evidence["quote"].as_str().unwrap();
            let (start, end) = (
                evidence["byte_start"].as_u64().unwrap() as usize,
                evidence["byte_end"].as_u64().unwrap() as usize,
            );
            assert_eq!(&text[start..end], quote);
            let (start, end) = (
                evidence["char_start"].as_u64().unwrap() as usize,
                evidence["char_end"].as_u64().unwrap() as usize,
            );
            assert_eq!(characters[start..end].iter().collect::<String>(), quote);
        }
    }
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn json_is_valid_against_the_published_schema_and_loads_in_networkx() {
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let graph = workdir.path().join("output/graph.json");
        let schema = repo().join("docs/graph-json.schema.json");
        let data = workdir.path().join("data");
        let report = run_consumer("check_json.py", &[&graph, &schema, &data]);
        assert!(report.contains("ok"), "{report}");
    }
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;

    /// A one-entity, one-relation dataset whose label, alias and note are
    /// the given strings.
    fn dataset_with(label: &str, note: &str) -> kgraph::Dataset {
        let workdir = Workdir::with_data("base");
        let mut entities = workdir.read("data/entities.toml");
        entities = entities.replacen(
            "label = \"Kingdom\"",
            &format!("label = {}", toml_string(label)),
            1,
        );
        workdir.write("data/entities.toml", entities);
        let mut relations = workdir.read("data/relations.toml");
        relations = relations.replacen(
            "note = \"According to its ministers\"",
            &format!("note = {}", toml_string(note)),
            1,
        );
        workdir.write("data/relations.toml", relations);
        kgraph::load(&workdir.path().join("data"))
            .map(|(dataset, _)| dataset)
            .expect("valid")
    }

    fn toml_string(text: &str) -> String {
        // serde_json's string escapes are valid TOML basic-string escapes.
        serde_json::to_string(text).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Any label, printable or not, comes back from our DOT through
        /// graphviz-rust's parser exactly (line breaks as `\n`).
        #[test]
        fn labels_survive_dot(label in "[^\\p{Cc}]{1,40}|[a\"\\\\\n{}<>&;= \\u{1F680}\\u{05D0}]{1,20}", note in "\\PC{0,30}") {
            prop_assume!(!label.trim().is_empty());
            // Noncharacters (U+FFFE, U+FDD0...) are not in the class above
            // but are refused by validation (`noncharacter`): not labels.
            prop_assume!(!label.chars().any(|c| {
                let code = u32::from(c);
                (0xFDD0..=0xFDEF).contains(&code) || code & 0xFFFE == 0xFFFE
            }));
            let graph = kgraph::KnowledgeGraph::new(dataset_with(&label, &note));
            let mut dot = Vec::new();
            kgraph::Format::Dot.write(&graph, &mut dot).unwrap();
            let text = String::from_utf8(dot).unwrap();
            let Graph::DiGraph { stmts, .. } = graphviz_rust::parse(&text).expect("parses") else { panic!() };
            let parsed = stmts.iter().find_map(|stmt| match stmt {
                Stmt::Node(Node { id, attributes }) if unquote(&id.0) == "kingdom" => Some(super::attributes(attributes)),
                _ => None,
            }).expect("the kingdom node");
            prop_assert_eq!(&parsed["label"], &label);
        }
    }
}
