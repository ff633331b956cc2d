//! Cytoscape.js elements JSON: the `elements` object that
//! `cytoscape({ elements })`, `cy.add()` and `cy.json()` take.
//!
//! # Format choices
//!
//! - `elements.nodes` in entity id order, `elements.edges` in relation id
//!   order, each `{"data": {...}, "classes": "..."}` with an explicit
//!   `data.id`: the entity id, or the relation id (validation keeps the two
//!   sets apart, and Cytoscape.js refuses two elements with one id).
//! - Node `data`: `id`, `label`, `kind`, `aliases`, `description`, and
//!   `wikidata` when there is one; edge `data`: `id`, `source`, `target`,
//!   `label` (the relation type), `type`, `modality`, `note` and `date` when
//!   present, `evidence`. Absent values are left out rather than `null`, so
//!   that a selector such as `edge[note]` means "has a note".
//! - `classes`: the kind on nodes, the modality and the relation type on
//!   edges, for stylesheets such as `edge.proposed { line-style: dashed }`.
//!   All are `[a-z][a-z0-9_]*` names, safe in a class list.
//! - At the top level, besides `elements`: `data` (generator and format),
//!   `directed: true` and `multigraph: true`; nodes also carry `value` and
//!   `name`, and edges `key`. Cytoscape.js ignores these; they make the
//!   file load unchanged in networkx as a `MultiDiGraph` with
//!   `networkx.cytoscape_graph(json.load(f))`.
//!
//! # Loading it
//!
//! ```text
//! const cy = cytoscape({ container, elements: (await (await fetch("graph.cytoscape.json")).json()).elements });
//! ```

use std::io::{self, Write};

use serde::Serialize;

use super::json::{EvidenceInfo, PrettyObject, write_pretty_array, write_pretty_at};
use crate::graph::KnowledgeGraph;

/// Bumped whenever a field is renamed, removed or changes meaning.
pub const CYTOSCAPE_FORMAT_VERSION: u32 = 2;

#[derive(Serialize)]
struct GraphData {
    name: &'static str,
    format: &'static str,
    format_version: u32,
    generator: String,
}

#[derive(Serialize)]
struct Element<D> {
    data: D,
    classes: String,
}

#[derive(Serialize)]
struct NodeData<'a> {
    id: &'a str,
    label: &'a str,
    kind: &'a str,
    aliases: &'a [String],
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    wikidata: Option<&'a str>,
    /// networkx's `cytoscape_graph` names nodes by `value`.
    value: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct EdgeData<'a> {
    id: &'a str,
    source: &'a str,
    target: &'a str,
    label: String,
    #[serde(rename = "type")]
    relation_type: &'a str,
    type_label: String,
    modality: &'static str,
    negated: bool,
    attributed_to: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<&'a str>,
    evidence: Vec<EvidenceInfo<'a>>,
    /// networkx's `cytoscape_graph` keys parallel edges by `key`.
    key: &'a str,
}

/// Style classes of an edge: its modality and type, and `negated` or
/// `attributed` where they apply, so that a stylesheet can draw a denial
/// or someone else's claim apart from the author's facts.
fn edge_classes(relation: &crate::model::Relation) -> String {
    let mut classes = format!("{} {}", relation.modality, relation.relation_type);
    if relation.negated {
        classes.push_str(" negated");
    }
    if !relation.attributed_to.is_empty() {
        classes.push_str(" attributed");
    }
    classes
}

/// Writes the graph as Cytoscape.js elements JSON, pretty-printed, ending
/// in a newline.
///
/// The bytes are those of `serde_json::to_writer_pretty` on the document
/// `{data, directed, multigraph, elements: {nodes, edges}}`, with the nodes
/// and edges formatted in chunks on every core.
pub fn write_cytoscape(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut document = PrettyObject::open(out, 0)?;
    document.member("data", |out| {
        let data = GraphData {
            name: "kgraph",
            format: "kgraph-cytoscape",
            format_version: CYTOSCAPE_FORMAT_VERSION,
            generator: format!("kgraph {}", env!("CARGO_PKG_VERSION")),
        };
        write_pretty_at(out, &data, 1)
    })?;
    document.member("directed", |out| write_pretty_at(out, &true, 1))?;
    document.member("multigraph", |out| write_pretty_at(out, &true, 1))?;
    document.member("elements", |out| {
        let mut elements = PrettyObject::open(out, 1)?;
        elements.member("nodes", |out| {
            write_pretty_array(out, graph.entities(), 2, |entity| Element {
                data: NodeData {
                    id: &entity.id,
                    label: &entity.label,
                    kind: &entity.kind,
                    aliases: &entity.aliases,
                    description: &entity.description,
                    wikidata: entity.wikidata.as_deref(),
                    value: &entity.id,
                    name: &entity.label,
                },
                classes: entity.kind.clone(),
            })
        })?;
        elements.member("edges", |out| {
            let schema = &graph.dataset().schema;
            write_pretty_array(out, graph.relations(), 2, |relation| Element {
                data: EdgeData {
                    id: &relation.id,
                    source: &relation.from,
                    target: &relation.to,
                    label: schema.caption(relation),
                    relation_type: &relation.relation_type,
                    type_label: schema.type_label(&relation.relation_type),
                    modality: relation.modality.as_str(),
                    negated: relation.negated,
                    attributed_to: &relation.attributed_to,
                    note: relation.note.as_deref(),
                    date: relation.date.as_deref(),
                    evidence: relation.evidence.iter().map(EvidenceInfo::from).collect(),
                    key: &relation.id,
                },
                classes: edge_classes(relation),
            })
        })?;
        elements.close()
    })?;
    document.close()?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::{HOSTILE, hostile_graph};

    #[test]
    fn every_element_has_an_id_and_hostile_strings_read_back_exactly() {
        let mut bytes = Vec::new();
        write_cytoscape(&hostile_graph(), &mut bytes).unwrap();
        let document: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let nodes = document["elements"]["nodes"].as_array().unwrap();
        let edges = document["elements"]["edges"].as_array().unwrap();
        assert_eq!((nodes.len(), edges.len()), (3, 6));
        assert_eq!(nodes[0]["data"]["id"], "a-b");
        assert_eq!(nodes[0]["data"]["label"], HOSTILE);
        assert_eq!(nodes[0]["data"]["aliases"][0], HOSTILE);
        assert_eq!(edges[0]["data"]["id"], "r1");
        assert_eq!(edges[0]["data"]["note"], HOSTILE);
        assert_eq!(edges[0]["data"]["evidence"][0]["quote"], HOSTILE);
        assert_eq!(edges[2]["classes"], "proposed mentions");
        assert_eq!(edges[5]["classes"], "actual mentions negated attributed");
        assert_eq!(edges[5]["data"]["label"], "not: mentions");
        assert_eq!(edges[5]["data"]["negated"], true);
        assert_eq!(
            edges[5]["data"]["attributed_to"],
            serde_json::json!(["end", "x1"])
        );
    }
}
