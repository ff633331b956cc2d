//! JSON Graph Format (JGF) version 2, as specified by the
//! jsongraph/json-graph-specification project and its JSON Schema
//! (`json-graph-schema_v2.json`, vendored in
//! `tests/fixtures/schemas/jgf-v2.schema.json` and checked by the tests).
//!
//! # Format choices
//!
//! - One graph under `graph`, `directed: true`, `type: "kgraph"`.
//! - `nodes` is an object keyed by entity id (v2's form), in id order; a
//!   node has its `label` and, in `metadata`, `kind`, `aliases`,
//!   `description` and `wikidata` (`null` when absent).
//! - `edges` is an array in relation id order; an edge has the relation id
//!   as `id`, `source`, `target`, the relation type as both `relation` and
//!   `label`, `directed: true`, and, in `metadata`, `modality`, `note`,
//!   `date` and `evidence` (with offsets, as in `graph.json`).
//! - The schema forbids any other property at every level, so everything
//!   kgraph adds (sources, schema, generator) is in a `metadata` object.
//!
//! # Loading it
//!
//! JGF is plain JSON: read `graph.nodes` and `graph.edges` with any JSON
//! library, and check the file against the schema with
//! `python -m jsonschema` or, in code,
//! `jsonschema.Draft7Validator(schema).validate(json.load(open("output/graph.jgf.json")))`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::json::{EvidenceInfo, GraphInfo, graph_info};
use crate::graph::KnowledgeGraph;

/// Bumped whenever a field in `metadata` is renamed, removed or changes
/// meaning.
pub const JGF_METADATA_VERSION: u32 = 2;

#[derive(Serialize)]
struct Document<'a> {
    graph: Graph<'a>,
}

#[derive(Serialize)]
struct Graph<'a> {
    directed: bool,
    #[serde(rename = "type")]
    graph_type: &'static str,
    metadata: GraphInfo<'a>,
    nodes: BTreeMap<&'a str, Node<'a>>,
    edges: Vec<Edge<'a>>,
}

#[derive(Serialize)]
struct Node<'a> {
    label: &'a str,
    metadata: NodeMetadata<'a>,
}

#[derive(Serialize)]
struct NodeMetadata<'a> {
    kind: &'a str,
    aliases: &'a [String],
    description: &'a str,
    wikidata: Option<&'a str>,
}

#[derive(Serialize)]
struct Edge<'a> {
    id: &'a str,
    source: &'a str,
    target: &'a str,
    relation: &'a str,
    directed: bool,
    label: String,
    metadata: EdgeMetadata<'a>,
}

#[derive(Serialize)]
struct EdgeMetadata<'a> {
    type_label: String,
    modality: &'static str,
    negated: bool,
    attributed_to: &'a [String],
    note: Option<&'a str>,
    date: Option<&'a str>,
    evidence: Vec<EvidenceInfo<'a>>,
}

/// Writes the graph as JGF v2, pretty-printed, ending in a newline.
pub fn write_jgf(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let document = Document {
        graph: Graph {
            directed: true,
            graph_type: "kgraph",
            metadata: graph_info(graph, "kgraph-jgf", JGF_METADATA_VERSION),
            nodes: graph
                .entities()
                .iter()
                .map(|entity| {
                    (
                        entity.id.as_str(),
                        Node {
                            label: &entity.label,
                            metadata: NodeMetadata {
                                kind: &entity.kind,
                                aliases: &entity.aliases,
                                description: &entity.description,
                                wikidata: entity.wikidata.as_deref(),
                            },
                        },
                    )
                })
                .collect(),
            edges: graph
                .relations()
                .iter()
                .map(|relation| Edge {
                    id: &relation.id,
                    source: &relation.from,
                    target: &relation.to,
                    relation: &relation.relation_type,
                    directed: true,
                    label: graph.dataset().schema.caption(relation),
                    metadata: EdgeMetadata {
                        type_label: graph.dataset().schema.type_label(&relation.relation_type),
                        modality: relation.modality.as_str(),
                        negated: relation.negated,
                        attributed_to: &relation.attributed_to,
                        note: relation.note.as_deref(),
                        date: relation.date.as_deref(),
                        evidence: relation.evidence.iter().map(EvidenceInfo::from).collect(),
                    },
                })
                .collect(),
        },
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::{HOSTILE, hostile_graph};

    #[test]
    fn hostile_strings_read_back_exactly_and_only_schema_keys_are_used() {
        let mut bytes = Vec::new();
        write_jgf(&hostile_graph(), &mut bytes).unwrap();
        let document: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let graph = &document["graph"];
        let keys = |value: &serde_json::Value| -> Vec<String> {
            value.as_object().unwrap().keys().cloned().collect()
        };
        assert_eq!(keys(&document), ["graph"]);
        assert_eq!(
            keys(graph),
            ["directed", "edges", "metadata", "nodes", "type"]
        );
        assert_eq!(graph["nodes"]["a-b"]["label"], HOSTILE);
        assert_eq!(keys(&graph["nodes"]["a-b"]), ["label", "metadata"]);
        let edge = &graph["edges"][0];
        assert_eq!(
            keys(edge),
            [
                "directed", "id", "label", "metadata", "relation", "source", "target"
            ]
        );
        assert_eq!(edge["metadata"]["evidence"][0]["quote"], HOSTILE);
    }
}
