//! Node-link JSON, the format networkx's `node_link_graph` reads without
//! arguments (networkx 3.6 and later) as a `MultiDiGraph`. Its structure is
//! published as a JSON Schema in `docs/graph-json.schema.json`.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::chunked;
use crate::graph::KnowledgeGraph;
use crate::model::{Evidence, Modality};

/// Bumped whenever a field is renamed, removed or changes meaning; adding a
/// field does not bump it, unless a reader that ignores it would misread
/// the graph. Version 2 added `negated` (an edge may state that a relation
/// does *not* hold) and `attributed_to` (whose view an edge is).
pub const JSON_FORMAT_VERSION: u32 = 2;

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
    type_label: std::borrow::Cow<'a, str>,
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
///
/// The bytes are those of `serde_json::to_writer_pretty` on the whole
/// document (`directed`, `multigraph`, `graph`, `nodes`, `edges`), but the
/// nodes and edges are formatted in chunks on every core.
pub fn write_json(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let dataset = graph.dataset();
    let mut document = PrettyObject::open(out, 0)?;
    document.member("directed", |out| write_pretty_at(out, &true, 1))?;
    document.member("multigraph", |out| write_pretty_at(out, &true, 1))?;
    document.member("graph", |out| {
        let info = graph_info(graph, "kgraph-node-link", JSON_FORMAT_VERSION);
        write_pretty_at(out, &info, 1)
    })?;
    document.member("nodes", |out| {
        write_pretty_array(out, &dataset.entities, 1, |entity| Node {
            id: &entity.id,
            label: &entity.label,
            kind: &entity.kind,
            aliases: &entity.aliases,
            description: &entity.description,
            wikidata: entity.wikidata.as_deref(),
            mentions: entity.mentions,
        })
    })?;
    // Each type's label made once, not once per relation; looked up with
    // foldhash, seeded per map as std's SipHash is, at a fraction of its
    // cost per relation.
    let mut type_labels =
        std::collections::HashMap::with_hasher(foldhash::fast::RandomState::default());
    for ty in &dataset.schema.relation_types {
        // The first type of a name, as `Schema::type_label` finds it.
        type_labels
            .entry(ty.name.as_str())
            .or_insert_with(|| dataset.schema.type_label(&ty.name));
    }
    let type_label = |name: &str| match type_labels.get(name) {
        Some(label) => std::borrow::Cow::Borrowed(label.as_str()),
        None => std::borrow::Cow::Owned(dataset.schema.type_label(name)),
    };
    document.member("edges", |out| {
        write_pretty_array(out, &dataset.relations, 1, |relation| Edge {
            source: &relation.from,
            target: &relation.to,
            key: &relation.id,
            relation_type: &relation.relation_type,
            type_label: type_label(&relation.relation_type),
            modality: relation.modality.as_str(),
            negated: relation.negated,
            attributed_to: &relation.attributed_to,
            note: relation.note.as_deref(),
            date: relation.date.as_deref(),
            evidence: relation.evidence.iter().map(EvidenceInfo::from).collect(),
        })
    })?;
    document.close()?;
    out.write_all(b"\n")
}

/// serde_json's pretty printer indents each level by two spaces.
const PRETTY_INDENT: &[u8] = b"  ";

pub(super) fn write_pretty_indent<W: Write + ?Sized>(out: &mut W, depth: usize) -> io::Result<()> {
    for _ in 0..depth {
        out.write_all(PRETTY_INDENT)?;
    }
    Ok(())
}

/// Serializes `value` as `serde_json::to_writer_pretty` does when the value
/// sits `depth` levels deep in a document (its inner lines are indented
/// from that level on).
///
/// `PrettyFormatter` keeps its level private; every array or object it
/// opens adds one, so opening `depth` arrays into a sink brings a new
/// formatter to that level with nothing written.
///
/// Generic over the writer: a record formatted into its chunk's `Vec<u8>`
/// is written with the vector's own calls, inlined, where through
/// `dyn Write` each of its strings cost three dynamic calls, which were
/// most of the JSON export's time in serde_json.
pub(super) fn write_pretty_at<W: Write + ?Sized, T: Serialize + ?Sized>(
    out: &mut W,
    value: &T,
    depth: usize,
) -> io::Result<()> {
    let mut formatter = PrettyFormatter::new();
    for _ in 0..depth {
        formatter.begin_array(&mut io::sink())?;
    }
    value
        .serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
        .map_err(io::Error::from)
}

/// Writes `records` as a JSON array at `depth`, each record as the value
/// `element` makes of it, with the bytes of serde_json's pretty printer
/// for the whole array; the elements are formatted in chunks on every core.
pub(super) fn write_pretty_array<'a, T, V, F>(
    out: &mut dyn Write,
    records: &'a [T],
    depth: usize,
    element: F,
) -> io::Result<()>
where
    T: Sync,
    V: Serialize,
    F: Fn(&'a T) -> V + Sync,
{
    if records.is_empty() {
        return out.write_all(b"[]");
    }
    out.write_all(b"[")?;
    chunked::write_records(out, records, |buffer, index, record| {
        buffer.extend_from_slice(if index == 0 { b"\n" } else { b",\n" });
        write_pretty_indent(buffer, depth + 1)?;
        write_pretty_at(buffer, &element(record), depth + 1)
    })?;
    out.write_all(b"\n")?;
    write_pretty_indent(out, depth)?;
    out.write_all(b"]")
}

/// An object written member by member with the bytes of serde_json's
/// pretty printer, so that a member's value can be written by
/// [`write_pretty_array`] and the like.
pub(super) struct PrettyObject<'w> {
    out: &'w mut dyn Write,
    depth: usize,
    members: usize,
}

impl<'w> PrettyObject<'w> {
    /// Opens an object at `depth` (0 for the document).
    pub(super) fn open(out: &'w mut dyn Write, depth: usize) -> io::Result<PrettyObject<'w>> {
        out.write_all(b"{")?;
        Ok(PrettyObject {
            out,
            depth,
            members: 0,
        })
    }

    /// Writes the member `name`; `value` writes its value at `depth + 1`.
    pub(super) fn member(
        &mut self,
        name: &str,
        value: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.out
            .write_all(if self.members == 0 { b"\n" } else { b",\n" })?;
        write_pretty_indent(self.out, self.depth + 1)?;
        serde_json::to_writer(&mut *self.out, name).map_err(io::Error::from)?;
        self.out.write_all(b": ")?;
        self.members += 1;
        value(self.out)
    }

    /// Closes the object.
    pub(super) fn close(self) -> io::Result<()> {
        if self.members > 0 {
            self.out.write_all(b"\n")?;
            write_pretty_indent(self.out, self.depth)?;
        }
        self.out.write_all(b"}")
    }
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::export::testing::HOSTILE;

    /// `value` written member by member (arrays by [`write_pretty_array`])
    /// with chunks of `records` elements.
    fn written_in_parts(value: &Value, records: usize) -> String {
        fn write_value(out: &mut dyn Write, value: &Value, depth: usize) -> io::Result<()> {
            match value {
                Value::Array(elements) => write_pretty_array(out, elements, depth, |e| e),
                Value::Object(members) => {
                    let mut object = PrettyObject::open(out, depth)?;
                    for (name, member) in members {
                        object.member(name, |out| write_value(out, member, depth + 1))?;
                    }
                    object.close()
                }
                scalar => write_pretty_at(out, scalar, depth),
            }
        }
        let mut out = Vec::new();
        chunked::with_records_per_chunk(records, || write_value(&mut out, value, 0)).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn parts_have_the_bytes_of_the_pretty_printer_at_every_depth() {
        let record = json!({
            "id": HOSTILE,
            "list": [HOSTILE, "\u{0}\u{1f}\u{7f}\u{2028}", "𝄞"],
            "empty_list": [],
            "empty_object": {},
            "nested": {"deeper": [{"n": -1.5e300}, [[]], null, true]},
        });
        let document = json!({
            "directed": true,
            "graph": {"name": HOSTILE, "sources": [], "schema": {"kinds": [record]}},
            "nodes": [record, record, {}, [], record],
            "edges": [],
            "deep": [[[record, [record]]]],
        });
        let expected = serde_json::to_string_pretty(&document).unwrap();
        for records in [1, 2, 4, 1000] {
            assert_eq!(
                written_in_parts(&document, records),
                expected,
                "chunks of {records}"
            );
        }
        assert_eq!(written_in_parts(&json!({}), 1), "{}");
    }
}
