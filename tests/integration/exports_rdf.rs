//! The RDF, diagram and JSON-graph exports (Turtle, Mermaid, JGF v2,
//! Cytoscape.js), read back by the programs users load them into: rdflib
//! and Oxigraph run SPARQL on the Turtle, jsonschema checks JGF against the
//! official schema, Cytoscape.js and networkx load the Cytoscape JSON, and
//! Mermaid's own parser reads the flowchart. Hostile strings must come back
//! exactly as curated.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::common::{Workdir, fixtures, repo, run_consumer, run_node_consumer, stderr, stdout};

fn built(fixture: &str) -> Workdir {
    let workdir = Workdir::with_data(fixture);
    let output = workdir.kg(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    workdir
}

fn json(workdir: &Workdir, file: &str) -> Value {
    serde_json::from_str(&workdir.read(file)).unwrap_or_else(|error| panic!("{file}: {error}"))
}

/// Runs `check_turtle.py` and returns the quotes SPARQL found for the
/// relation `from --type--> to`.
fn sparql_quotes(ttl: &Path, data: &Path, base: &str, relation: [&str; 3]) -> Vec<String> {
    let [from, ty, to] = relation.map(Path::new);
    let report = run_consumer(
        "check_turtle.py",
        &[ttl, data, Path::new(base), from, ty, to],
    );
    let mut lines = report.lines();
    assert!(
        lines.next().is_some_and(|line| line.starts_with("ok:")),
        "{report}"
    );
    let quotes = lines.next().expect("a line of quotes");
    serde_json::from_str(quotes).expect("quotes as JSON")
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn turtle_loads_in_rdflib_and_oxigraph_and_sparql_returns_the_exact_quote() {
    let cases = [
        (
            "base",
            ["republic", "seeks_membership", "alliance"],
            // As the source has it (an em dash), not as the curator typed it.
            "The Republic wants to join the Alliance \u{2014} or so its ministers say",
        ),
        (
            "hostile",
            ["quotes", "mentions", "lines"],
            "He said \"stop\" \\ then left \\N now.",
        ),
    ];
    for (fixture, relation, quote) in cases {
        let workdir = built(fixture);
        let data = workdir.path().join("data");
        let text = std::fs::read_dir(data.join("sources"))
            .unwrap()
            .filter_map(|entry| std::fs::read_to_string(entry.unwrap().path()).ok())
            .collect::<String>();
        assert!(
            text.contains(quote),
            "{fixture}: the expected quote is not in the source"
        );
        let quotes = sparql_quotes(
            &workdir.path().join("output/graph.ttl"),
            &data,
            kgraph::export::DEFAULT_BASE_IRI,
            relation,
        );
        assert_eq!(quotes, [quote], "{fixture}");
    }
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn turtle_takes_its_base_iri_from_the_command_line() {
    let workdir = built("base");
    let base = "https://example.org/kg/";
    let output = workdir.kg(&[
        "export",
        "--format",
        "turtle",
        "--base-iri",
        base,
        "-o",
        "custom.ttl",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = workdir.read("custom.ttl");
    assert!(
        text.contains("@prefix entity: <https://example.org/kg/entity/> ."),
        "{text}"
    );
    assert!(!text.contains(kgraph::export::DEFAULT_BASE_IRI), "{text}");
    let quotes = sparql_quotes(
        &workdir.path().join("custom.ttl"),
        &workdir.path().join("data"),
        base,
        ["kingdom", "withdraws_from", "alliance"],
    );
    assert_eq!(quotes, ["The Kingdom could leave the Alliance too."]);
}

#[test]
fn a_bad_base_iri_or_one_given_for_another_format_is_a_usage_error() {
    let workdir = built("base");
    let relative = workdir.kg(&["export", "--format", "turtle", "--base-iri", "kg/"]);
    assert_eq!(relative.status.code(), Some(2));
    assert!(
        stderr(&relative).contains("invalid base IRI `kg/`"),
        "{}",
        stderr(&relative)
    );
    let no_separator = workdir.kg(&[
        "export",
        "--format",
        "turtle",
        "--base-iri",
        "https://example.org/kg",
    ]);
    assert_eq!(no_separator.status.code(), Some(2));
    assert!(
        stderr(&no_separator).contains("must end with `/` or `#`"),
        "{}",
        stderr(&no_separator)
    );
    let dot = workdir.kg(&[
        "export",
        "--format",
        "dot",
        "--base-iri",
        "https://example.org/kg/",
    ]);
    assert_eq!(dot.status.code(), Some(2));
    assert!(
        stderr(&dot).contains("--base-iri applies only to --format turtle"),
        "{}",
        stderr(&dot)
    );
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn turtle_keeps_relation_ids_that_prefixed_names_must_escape() {
    // A relation id may end in `.`: as a prefixed name that needs a
    // backslash (`relation:odd\.`), which oxttl writes and rdflib 7.6
    // rejects, so such IRIs are written in full.
    let workdir = Workdir::with_data("hostile");
    let mut relations = workdir.read("data/relations.toml");
    relations.push_str(
        "\n[[relation]]\nid = \"odd_id-.x.\"\nfrom = \"node\"\ntype = \"mentions\"\nto = \"unicode\"\nmodality = \"actual\"\n[[relation.evidence]]\nsource = \"hostile\"\nquote = \"Emoji\"\n",
    );
    workdir.write("data/relations.toml", relations);
    let output = workdir.kg(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = workdir.read("output/graph.ttl");
    assert!(
        text.contains("<https://kgraph.example/relation/odd_id-.x.> a "),
        "{text}"
    );
    assert!(!text.contains("@prefix relation:"), "{text}");
    let quotes = sparql_quotes(
        &workdir.path().join("output/graph.ttl"),
        &workdir.path().join("data"),
        kgraph::export::DEFAULT_BASE_IRI,
        ["node", "mentions", "unicode"],
    );
    assert_eq!(quotes, ["Emoji"]);
}

#[test]
#[ignore = "needs the consumer venv .venv or KG_PYTHON (pip install -r tests/consumers/requirements.txt)"]
fn jgf_is_valid_against_the_official_v2_schema_with_exact_strings() {
    let schema = fixtures().join("schemas/jgf-v2.schema.json");
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let graph = workdir.path().join("output/graph.jgf.json");
        let data = workdir.path().join("data");
        let report = run_consumer("check_jgf.py", &[&graph, &schema, &data]);
        assert!(report.starts_with("ok:"), "{report}");
    }
}

#[test]
#[ignore = "needs Node.js and tests/consumers/node_modules (npm ci --prefix tests/consumers)"]
fn cytoscape_json_loads_in_cytoscape_js_and_networkx() {
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let elements = workdir.path().join("output/graph.cytoscape.json");
        let reference = workdir.path().join("output/graph.json");
        let data = workdir.path().join("data");
        let report = run_node_consumer("check_cytoscape.mjs", &[&elements, &reference]);
        assert!(report.starts_with("ok:"), "{report}");
        let report = run_consumer("check_cytoscape.py", &[&elements, &data]);
        assert!(report.starts_with("ok:"), "{report}");
    }
}

#[test]
fn cytoscape_elements_read_back_with_serde_have_ids_and_exact_strings() {
    let workdir = built("hostile");
    let document = json(&workdir, "output/graph.cytoscape.json");
    let reference = json(&workdir, "output/graph.json");
    let nodes = document["elements"]["nodes"].as_array().unwrap();
    let edges = document["elements"]["edges"].as_array().unwrap();
    let mut ids = BTreeSet::new();
    for element in nodes.iter().chain(edges) {
        let id = element["data"]["id"]
            .as_str()
            .expect("an explicit string id");
        assert!(ids.insert(id), "duplicate id {id}");
    }
    for edge in edges {
        for end in ["source", "target"] {
            let node = edge["data"][end].as_str().unwrap();
            assert!(
                nodes.iter().any(|n| n["data"]["id"] == node),
                "{end} {node} is not a node"
            );
        }
    }
    let expected = reference["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), expected.len());
    for (node, expected) in nodes.iter().zip(expected) {
        for field in ["id", "label", "aliases", "description"] {
            assert_eq!(node["data"][field], expected[field], "{field}");
        }
    }
    let quotes = nodes.iter().find(|n| n["data"]["id"] == "quotes").unwrap();
    assert_eq!(quotes["data"]["label"], "Say \"Hi\" \\N \\\\ end");
    assert_eq!(quotes["data"]["aliases"][2], "=cmd|' /C calc'!A0");
    let expected = reference["edges"].as_array().unwrap();
    assert_eq!(edges.len(), expected.len());
    for (edge, expected) in edges.iter().zip(expected) {
        assert_eq!(edge["data"]["id"], expected["key"]);
        assert_eq!(edge["data"]["evidence"], expected["evidence"]);
    }
}

/// The base fixture with labels that start or end with what Mermaid's
/// parser trims: spaces, a no-break space, a byte order mark.
fn padded_labels() -> Workdir {
    let workdir = Workdir::with_data("base");
    let entities = workdir
        .read("data/entities.toml")
        .replace(
            "label = \"Kingdom\"",
            "label = \"\\uFEFF  Kingdom \\u00A0 \"",
        )
        .replace("label = \"Republic\"", "label = \" Republic\\t\"");
    workdir.write("data/entities.toml", entities);
    let output = workdir.kg(&["build"]);
    assert!(output.status.success(), "{}", stderr(&output));
    workdir
}

#[test]
#[ignore = "needs Node.js and tests/consumers/node_modules (npm ci --prefix tests/consumers)"]
fn mermaid_parses_with_mermaid_and_every_label_reads_as_curated() {
    for fixture in ["base", "hostile", "claims", "padded"] {
        let workdir = if fixture == "padded" {
            padded_labels()
        } else {
            built(fixture)
        };
        let diagram = workdir.path().join("output/graph.mmd");
        let reference = workdir.path().join("output/graph.json");
        let report = run_node_consumer("check_mermaid.mjs", &[&diagram, &reference]);
        assert!(report.starts_with("ok:"), "{report}");
    }
}

/// The node statements `ID["LABEL"]` of a diagram kgraph wrote.
fn mermaid_nodes(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .filter_map(|line| {
            let (id, rest) = line.trim_start().split_once("[\"")?;
            Some((id, rest.strip_suffix("\"]").expect("a label ends the line")))
        })
        .collect()
}

#[test]
fn mermaid_ids_are_unique_words_and_labels_hold_no_raw_quote_newline_or_markup() {
    for fixture in ["base", "hostile", "claims"] {
        let workdir = built(fixture);
        let text = workdir.read("output/graph.mmd");
        assert!(text.lines().any(|line| line == "flowchart LR"), "{text}");
        let nodes = mermaid_nodes(&text);
        let reference = json(&workdir, "output/graph.json");
        assert_eq!(nodes.len(), reference["nodes"].as_array().unwrap().len());
        let mut ids = BTreeSet::new();
        for (id, label) in &nodes {
            assert!(
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "{id}"
            );
            assert!(ids.insert(*id), "duplicate id {id}");
            let bare = label.replace("<br>", "");
            for forbidden in ['"', '\n', '\r', '<', '>', '`', '|'] {
                assert!(!bare.contains(forbidden), "{forbidden:?} in {label}");
            }
        }
        for line in text
            .lines()
            .filter(|line| line.contains("-->") || line.contains("-.->") || line.contains("==>"))
        {
            // Labels hold spaces: the ids are the first and last words.
            let words: Vec<&str> = line.split_whitespace().collect();
            let (Some(from), Some(to), true) = (words.first(), words.last(), words.len() >= 3)
            else {
                panic!("a link is `from arrow|label| to`: {line}")
            };
            assert!(ids.contains(*from) && ids.contains(*to), "{line}");
        }
    }
}

#[test]
fn export_takes_the_format_from_the_longest_extension() {
    let workdir = built("base");
    for (file, built) in [
        ("copy.jgf.json", "graph.jgf.json"),
        ("copy.cytoscape.json", "graph.cytoscape.json"),
        ("copy.json", "graph.json"),
        ("copy.ttl", "graph.ttl"),
        ("copy.mmd", "graph.mmd"),
    ] {
        let output = workdir.kg(&["export", "-o", file]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(
            workdir.read(file),
            workdir.read(&format!("output/{built}")),
            "{file}"
        );
    }
    let mermaid = workdir.kg(&["export", "--format", "mermaid"]);
    assert_eq!(stdout(&mermaid), workdir.read("output/graph.mmd"));
}

#[test]
fn the_committed_output_has_every_format() {
    for format in kgraph::Format::ALL {
        let path = repo().join("output").join(format.file_name());
        let present = if format.is_directory() {
            kgraph::export::PARQUET_TABLES
                .iter()
                .all(|table| path.join(table).is_file())
        } else {
            path.is_file()
        };
        assert!(
            present,
            "output/{} is missing: run `kg build`",
            format.file_name()
        );
    }
}
