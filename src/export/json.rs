//! Node-link JSON, the format networkx's `node_link_graph` reads without
//! arguments (networkx 3.6 and later) as a `MultiDiGraph`. Its structure is
//! published as a JSON Schema in `docs/graph-json.schema.json`.

use std::io::{self, Write};

use serde::Serialize;

use crate::graph::KnowledgeGraph;
use crate::model::{Evidence, Modality};

/// Bumped whenever a field is renamed, removed or changes meaning; adding a
/// field does not bump it, unless a reader that ignores it would misread
/// the graph. Version 2 added `negated` (an edge may state that a relation
/// does *not* hold) and `attributed_to` (whose view an edge is).
pub const JSON_FORMAT_VERSION: u32 = 2;

#[derive(Serialize)]
struct Document<'a> {
    directed: bool,
    multigraph: bool,
    graph: GraphInfo<'a>,
    nodes: Vec<Node<'a>>,
    edges: Vec<Edge<'a>>,
}

#[derive(Serialize)]
pub(super) struct GraphInfo<'a> {
    format: &'static str,
    format_version: u32,
    generator: String,
    sources: Vec<SourceInfo<'a>>,
    schema: SchemaInfo<'a>,
}

#[derive(Serialize)]
struct SourceInfo<'a> {
    id: &'a str,
    title: &'a str,
    author: &'a str,
    date: &'a str,
    copy_date: Option<&'a str>,
    copy_url: Option<&'a str>,
    publisher: &'a str,
    url: Option<&'a str>,
    notes: Option<&'a str>,
    text_path: &'a str,
    sha256: &'a str,
}

#[derive(Serialize)]
struct SchemaInfo<'a> {
    kinds: Vec<KindInfo<'a>>,
    relation_types: Vec<TypeInfo<'a>>,
    modalities: Vec<ModalityInfo>,
}

#[derive(Serialize)]
struct KindInfo<'a> {
    name: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct TypeInfo<'a> {
    name: &'a str,
    label: String,
    definition: &'a str,
    domain: &'a [String],
    range: &'a [String],
    symmetric: bool,
}

#[derive(Serialize)]
struct ModalityInfo {
    name: &'static str,
    definition: &'static str,
}

#[derive(Serialize)]
struct Node<'a> {
    id: &'a str,
    label: &'a str,
    kind: &'a str,
    aliases: &'a [String],
    description: &'a str,
    wikidata: Option<&'a str>,
    mentions: usize,
}

#[derive(Serialize)]
struct Edge<'a> {
    source: &'a str,
    target: &'a str,
    key: &'a str,
    #[serde(rename = "type")]
    relation_type: &'a str,
    type_label: String,
    modality: &'static str,
    negated: bool,
    attributed_to: &'a [String],
    note: Option<&'a str>,
    date: Option<&'a str>,
    evidence: Vec<EvidenceInfo<'a>>,
}

/// One piece of evidence as the JSON export writes it; the graph-database
/// exports embed the same objects as a JSON string.
#[derive(Serialize)]
pub(super) struct EvidenceInfo<'a> {
    source: &'a str,
    quote: &'a str,
    byte_start: usize,
    byte_end: usize,
    char_start: usize,
    char_end: usize,
    line: usize,
    column: usize,
}

/// One evidence, as every JSON export writes it.
impl<'a> From<&'a Evidence> for EvidenceInfo<'a> {
    fn from(evidence: &'a Evidence) -> EvidenceInfo<'a> {
        EvidenceInfo {
            source: &evidence.source,
            quote: &evidence.quote,
            byte_start: evidence.location.byte_start,
            byte_end: evidence.location.byte_end,
            char_start: evidence.location.char_start,
            char_end: evidence.location.char_end,
            line: evidence.location.line,
            column: evidence.location.column,
        }
    }
}

/// The evidence of a relation as a compact JSON array of the objects the
/// JSON export writes, for formats whose properties cannot hold objects.
pub(super) fn evidence_json(evidence: &[Evidence]) -> io::Result<String> {
    let list: Vec<EvidenceInfo<'_>> = evidence.iter().map(EvidenceInfo::from).collect();
    serde_json::to_string(&list).map_err(io::Error::from)
}

/// A list of strings (aliases) as a compact JSON array.
pub(super) fn string_list_json(list: &[String]) -> io::Result<String> {
    serde_json::to_string(list).map_err(io::Error::from)
}

/// Writes the graph as node-link JSON, pretty-printed, ending in a newline.
pub fn write_json(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let dataset = graph.dataset();
    let document = Document {
        directed: true,
        multigraph: true,
        graph: graph_info(graph, "kgraph-node-link", JSON_FORMAT_VERSION),
        nodes: dataset
            .entities
            .iter()
            .map(|entity| Node {
                id: &entity.id,
                label: &entity.label,
                kind: &entity.kind,
                aliases: &entity.aliases,
                description: &entity.description,
                wikidata: entity.wikidata.as_deref(),
                mentions: entity.mentions,
            })
            .collect(),
        edges: dataset
            .relations
            .iter()
            .map(|relation| Edge {
                source: &relation.from,
                target: &relation.to,
                key: &relation.id,
                relation_type: &relation.relation_type,
                type_label: dataset.schema.type_label(&relation.relation_type),
                modality: relation.modality.as_str(),
                negated: relation.negated,
                attributed_to: &relation.attributed_to,
                note: relation.note.as_deref(),
                date: relation.date.as_deref(),
                evidence: relation.evidence.iter().map(EvidenceInfo::from).collect(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

/// The graph-level metadata (generator, sources, schema), shared with the
/// exports that embed it, such as JGF's `graph.metadata`.
pub(super) fn graph_info<'a>(
    graph: &'a KnowledgeGraph,
    format: &'static str,
    format_version: u32,
) -> GraphInfo<'a> {
    let dataset = graph.dataset();
    GraphInfo {
        format,
        format_version,
        generator: format!("kgraph {}", env!("CARGO_PKG_VERSION")),
        sources: dataset
            .sources
            .iter()
            .map(|source| SourceInfo {
                id: &source.id,
                title: &source.title,
                author: &source.author,
                date: &source.date,
                copy_date: source.copy_date.as_deref(),
                copy_url: source.copy_url.as_deref(),
                publisher: &source.publisher,
                url: source.url.as_deref(),
                notes: source.notes.as_deref(),
                text_path: &source.text_path,
                sha256: &source.sha256,
            })
            .collect(),
        schema: SchemaInfo {
            kinds: dataset
                .schema
                .kinds
                .iter()
                .map(|kind| KindInfo {
                    name: &kind.name,
                    description: &kind.description,
                })
                .collect(),
            relation_types: dataset
                .schema
                .relation_types
                .iter()
                .map(|ty| TypeInfo {
                    name: &ty.name,
                    label: ty.display_label(),
                    definition: &ty.definition,
                    domain: &ty.domain,
                    range: &ty.range,
                    symmetric: ty.symmetric,
                })
                .collect(),
            modalities: Modality::ALL
                .iter()
                .map(|modality| ModalityInfo {
                    name: modality.as_str(),
                    definition: modality.definition(),
                })
                .collect(),
        },
    }
}
