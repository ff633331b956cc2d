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

use std::io::{self, Write};

use serde::Serialize;

use super::chunked;
use super::json::{
    EvidenceInfo, PrettyObject, graph_info, write_pretty_array, write_pretty_at,
    write_pretty_indent,
};
use crate::graph::KnowledgeGraph;
use crate::model::Entity;

/// Bumped whenever a field in `metadata` is renamed, removed or changes
/// meaning.
pub const JGF_METADATA_VERSION: u32 = 2;

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
///
/// The bytes are those of `serde_json::to_writer_pretty` on the document
/// `{"graph": {directed, type, metadata, nodes, edges}}`, with the nodes
/// (an object keyed by id, in id order) and the edges formatted in chunks
/// on every core.
pub fn write_jgf(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut document = PrettyObject::open(out, 0)?;
    document.member("graph", |out| {
        let mut jgf = PrettyObject::open(out, 1)?;
        jgf.member("directed", |out| write_pretty_at(out, &true, 2))?;
        jgf.member("type", |out| write_pretty_at(out, "kgraph", 2))?;
        jgf.member("metadata", |out| {
            let info = graph_info(graph, "kgraph-jgf", JGF_METADATA_VERSION);
            write_pretty_at(out, &info, 2)
        })?;
        jgf.member("nodes", |out| write_nodes(out, graph.entities(), 2))?;
        jgf.member("edges", |out| {
            let schema = &graph.dataset().schema;
            write_pretty_array(out, graph.relations(), 2, |relation| Edge {
                id: &relation.id,
                source: &relation.from,
                target: &relation.to,
                relation: &relation.relation_type,
                directed: true,
                label: schema.caption(relation),
                metadata: EdgeMetadata {
                    type_label: schema.type_label(&relation.relation_type),
                    modality: relation.modality.as_str(),
                    negated: relation.negated,
                    attributed_to: &relation.attributed_to,
                    note: relation.note.as_deref(),
                    date: relation.date.as_deref(),
                    evidence: relation.evidence.iter().map(EvidenceInfo::from).collect(),
                },
            })
        })?;
        jgf.close()
    })?;
    document.close()?;
    out.write_all(b"\n")
}

/// The nodes as a JSON object at `depth` keyed by entity id, in the order
/// of the ids (as a map sorted by key serializes), formatted in chunks on
/// every core.
fn write_nodes(out: &mut dyn Write, entities: &[Entity], depth: usize) -> io::Result<()> {
    let mut by_id: Vec<&Entity> = entities.iter().collect();
    // Stable, so that of two entities with one id (which validation
    // refuses) the last wins, as when a map is filled in order.
    by_id.sort_by(|a, b| a.id.cmp(&b.id));
    let mut unique: Vec<&Entity> = Vec::with_capacity(by_id.len());
    for entity in by_id {
        match unique.last_mut() {
            Some(last) if last.id == entity.id => *last = entity,
            _ => unique.push(entity),
        }
    }
    if unique.is_empty() {
        return out.write_all(b"{}");
    }
    out.write_all(b"{")?;
    chunked::write_records(out, &unique, |buffer, index, entity| {
        buffer.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
        write_pretty_indent(buffer, depth + 1)?;
        serde_json::to_writer(&mut *buffer, &entity.id).map_err(io::Error::from)?;
        buffer.extend_from_slice(b": ");
        let node = Node {
            label: &entity.label,
            metadata: NodeMetadata {
                kind: &entity.kind,
                aliases: &entity.aliases,
                description: &entity.description,
                wikidata: entity.wikidata.as_deref(),
            },
        };
        write_pretty_at(buffer, &node, depth + 1)
    })?;
    out.write_all(b"\n")?;
    write_pretty_indent(out, depth)?;
    out.write_all(b"}")
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
