//! GraphML, for networkx, Gephi, yEd and Neo4j APOC.
//!
//! Load it with:
//!
//! - networkx: `nx.read_graphml("graph.graphml", force_multigraph=True,
//!   edge_key_type=str)`. Without `force_multigraph` networkx returns a
//!   `DiGraph` whenever no two relations share endpoints; without
//!   `edge_key_type=str` a relation id made of digits becomes an int key.
//! - Gephi: File > Open; yEd: File > Open, then Edit > Properties Mapper to
//!   show `label` (yEd draws only its own `yfiles` keys).
//! - Neo4j: `CALL apoc.import.graphml("graph.graphml", {readLabels: true,
//!   storeNodeIds: true})`. `readLabels` takes the node labels from
//!   `labels=":Entity:State"` and the relationship type from the edge's
//!   `label="SEEKS_MEMBERSHIP"`; `storeNodeIds` keeps the entity id as the
//!   `id` property. APOC drops edge ids: use the Cypher or CSV export when
//!   relation ids matter in Neo4j.
//!
//! Choices:
//!
//! - The graph is `edgedefault="directed"`; node ids are entity ids, edge
//!   ids are relation ids (networkx's edge keys, Gephi's edge Id).
//! - Every property is declared by a typed `<key>`, with only the types
//!   every reader knows: `string` and `int`. GraphML has no list type, and
//!   networkx refuses one, so aliases and evidence are JSON strings. The
//!   properties are those of [`super::properties`], plus `label` on edges
//!   (the relation type) for tools that show labels. An absent value
//!   (`wikidata`, `note`, `date`) has no `<data>` element; an empty string
//!   has an empty one, which networkx reads as absent.
//! - Values are escaped by [`push_xml_text`]: besides `&`, `<`, `>` and `"`,
//!   tab, line feed and carriage return are written as character
//!   references, because XML parsers turn a raw CR LF into LF and
//!   attribute values' whitespace into spaces; so every value comes back
//!   exactly, and every `<data>` element stays on one line.
//! - XML 1.0 cannot hold most C0 control characters (U+0000 to U+001F
//!   except tab, LF and CR), nor U+FFFE and U+FFFF, not even as character
//!   references. Curated text cannot contain them (`kg validate` refuses
//!   them), but a verbatim source text can, and so can the quotes taken
//!   from it. Refusing the graph would lose every export over a form feed
//!   in a source, so such a character is written as its Unicode control
//!   picture (U+000C as U+240C `␌`; U+FFFE and U+FFFF as U+FFFD). The exact
//!   quote stays in the `evidence` JSON string, where JSON escapes it.

use std::borrow::Cow;
use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::chunked;
use super::json::string_list_json;
use super::properties::{self, ENTITY_LABEL, ENTITY_PROPERTIES, RELATION_PROPERTIES, Type, Value};
use crate::graph::KnowledgeGraph;
use crate::model::{Entity, Relation, Schema};

/// [`push_xml_text`] into a string of its own, for the quick-xml writers
/// the tests hold the direct ones to.
#[cfg(test)]
pub(super) fn xml_text(text: &str) -> Cow<'_, str> {
    if next_needing_work(text.as_bytes(), 0).is_none() {
        return Cow::Borrowed(text);
    }
    let mut escaped = Vec::with_capacity(text.len() + 16);
    push_xml_text(&mut escaped, text);
    Cow::Owned(String::from_utf8(escaped).expect("escaping keeps text UTF-8"))
}

/// Appends `text` escaped for XML 1.0 content or a double-quoted
/// attribute value.
///
/// `&`, `<`, `>` and `"` become entities; tab, LF and CR become character
/// references so that parsers keep them as they are. A character XML 1.0
/// cannot hold in any form becomes its control picture (see the module
/// documentation).
pub(super) fn push_xml_text(out: &mut Vec<u8>, text: &str) {
    // Every character that needs work starts with one of these bytes: the
    // ASCII ones are themselves, and U+FFFE and U+FFFF start with 0xEF
    // (as do other characters from U+F000, which are kept). So the text is
    // copied in runs between them, and a byte that is not ASCII is the
    // start of a character (a slice boundary).
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(at) = next_needing_work(bytes, start) {
        out.extend_from_slice(&bytes[start..at]);
        let character = text[at..].chars().next().unwrap_or('\u{FFFD}');
        let replaced = match character {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\t' => "&#9;",
            '\n' => "&#10;",
            '\r' => "&#13;",
            c => {
                let kept = match c {
                    c if c < ' ' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{FFFD}'),
                    c if is_nonchar(c) => '\u{FFFD}',
                    c => c,
                };
                out.extend_from_slice(kept.encode_utf8(&mut [0; 4]).as_bytes());
                ""
            }
        };
        out.extend_from_slice(replaced.as_bytes());
        start = at + character.len_utf8();
    }
    out.extend_from_slice(&bytes[start..]);
}

/// True for a byte that starts a character [`push_xml_text`] may change.
fn needs_work(byte: u8) -> bool {
    matches!(byte, b'&' | b'<' | b'>' | b'"' | 0xEF) || byte < b' '
}

/// The offset of the first byte from `from` on that [`needs_work`].
///
/// Eight bytes at a time: most values need no escaping at all, and byte
/// by byte this scan was a sixth of writing GraphML.
fn next_needing_work(bytes: &[u8], mut from: usize) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = ONES * 0x80;
    /// Nonzero if a byte of `word` is below `bound` (at most 0x80). A
    /// borrow may also mark bytes after the first such byte: the word is
    /// then looked at byte by byte.
    fn any_below(word: u64, bound: u8) -> u64 {
        word.wrapping_sub(ONES * u64::from(bound)) & !word & HIGH
    }
    /// Nonzero if a byte of `word` is `byte`.
    fn any_equal(word: u64, byte: u8) -> u64 {
        any_below(word ^ (ONES * u64::from(byte)), 1)
    }
    while let Some(chunk) = bytes.get(from..from + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let candidates = any_below(word, b' ')
            | any_equal(word, b'&')
            | any_equal(word, b'<')
            | any_equal(word, b'>')
            | any_equal(word, b'"')
            | any_equal(word, 0xEF);
        if candidates != 0 {
            break;
        }
        from += 8;
    }
    bytes
        .get(from..)?
        .iter()
        .position(|&byte| needs_work(byte))
        .map(|at| from + at)
}

/// U+FFFE and U+FFFF are outside XML 1.0's `Char` production.
fn is_nonchar(character: char) -> bool {
    matches!(character, '\u{FFFE}' | '\u{FFFF}')
}

fn xml_type(ty: Type) -> &'static str {
    match ty {
        // A list is written as a JSON string.
        Type::Text | Type::TextList => "string",
        Type::Int => "int",
        Type::Bool => "boolean",
    }
}

type XmlWriter<'w> = Writer<&'w mut dyn Write>;

/// Spaces per level of nesting in the XML exports.
pub(super) const XML_INDENT: usize = 2;

/// A quick-xml writer into `buffer` that indents as the writer of the whole
/// file does inside `depth` open elements, so that a chunk of records
/// formatted on its own has the bytes it would have in the whole file.
///
/// quick-xml keeps its indentation level private: the only way to reach a
/// depth is to open that many elements. They are opened in `buffer` and
/// cut off again, which leaves the writer at that depth, about to start
/// the next element on a new line, as it is after the parent's start tag.
#[cfg(test)]
pub(super) fn xml_writer_at_depth(
    buffer: &mut Vec<u8>,
    depth: usize,
) -> io::Result<Writer<&mut Vec<u8>>> {
    let mut writer = Writer::new_with_indent(buffer, b' ', XML_INDENT);
    let start = writer.get_ref().len();
    for _ in 0..depth {
        writer.write_event(Event::Start(quick_xml::events::BytesStart::new("depth")))?;
    }
    writer.get_mut().truncate(start);
    Ok(writer)
}

/// `<key id="{for}_{name}" for="{for}" attr.name="{name}" attr.type="{type}"/>`
fn write_key(writer: &mut XmlWriter<'_>, scope: &str, name: &str, ty: Type) -> io::Result<()> {
    let id = key_id(scope, name);
    writer
        .create_element("key")
        .with_attribute(("id", id.as_str()))
        .with_attribute(("for", scope))
        .with_attribute(("attr.name", name))
        .with_attribute(("attr.type", xml_type(ty)))
        .write_empty()?;
    Ok(())
}

/// The id of the `<key>` of a property: `{scope}_{name}`.
fn key_id(scope: &str, name: &str) -> String {
    format!("{scope}_{name}")
}

/// `<data key="{key}">value</data>`, nothing for a null.
#[cfg(test)]
fn write_data<W: Write>(writer: &mut Writer<W>, key: &str, value: &Value<'_>) -> io::Result<()> {
    let text: Cow<'_, str> = match value {
        Value::Null => return Ok(()),
        Value::Text(text) => Cow::Borrowed(text.as_ref()),
        Value::Int(number) => Cow::Owned(number.to_string()),
        Value::Bool(flag) => Cow::Borrowed(if *flag { "true" } else { "false" }),
        Value::TextList(list) => Cow::Owned(string_list_json(list)?),
    };
    let escaped = xml_text(&text);
    writer
        .create_element("data")
        .with_attribute(("key", key))
        .write_text_content(BytesText::from_escaped(escaped))?;
    Ok(())
}

/// Writes the graph as GraphML.
///
/// Fails with an [`io::ErrorKind::InvalidData`] error holding an
/// [`ExportError`](super::ExportError) if a kind or relation type gives no
/// valid label ([`Format::check_representable`](super::Format::check_representable)
/// finds it first). A character XML 1.0 cannot hold is not an error: it is
/// written as its control picture (see the module documentation).
pub fn write_graphml(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut writer: XmlWriter<'_> = Writer::new_with_indent(out, b' ', XML_INDENT);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let comment = format!(
        " Generated by kgraph {}; rebuild with `kg build`, do not edit. ",
        env!("CARGO_PKG_VERSION")
    );
    writer.write_event(Event::Comment(BytesText::from_escaped(comment)))?;
    writer
        .create_element("graphml")
        .with_attribute(("xmlns", "http://graphml.graphdrawing.org/xmlns"))
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .with_attribute((
            "xsi:schemaLocation",
            "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
        ))
        .write_inner_content(|writer| {
            for (name, ty) in ENTITY_PROPERTIES {
                write_key(writer, "node", name, ty)?;
            }
            write_key(writer, "edge", "label", Type::Text)?;
            for (name, ty) in RELATION_PROPERTIES {
                write_key(writer, "edge", name, ty)?;
            }
            writer
                .create_element("graph")
                .with_attribute(("id", "kgraph"))
                .with_attribute(("edgedefault", "directed"))
                .write_inner_content(|writer| write_graph(graph, writer.get_mut()))?;
            Ok(())
        })?;
    writer.get_mut().write_all(b"\n")
}

/// The nodes and edges, inside `<graphml><graph>`: formatted in chunks on
/// every core, each chunk by its own writer at that depth.
fn write_graph(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    // The keys' ids, made once rather than for every value.
    let node_keys = ENTITY_PROPERTIES.map(|(name, _)| key_id("node", name));
    chunked::write_chunks(out, graph.entities(), |buffer, _, entities| {
        for entity in entities {
            push_node(buffer, &node_keys, entity)?;
        }
        Ok(())
    })?;
    let schema = &graph.dataset().schema;
    let label_key = key_id("edge", "label");
    let edge_keys = RELATION_PROPERTIES.map(|(name, _)| key_id("edge", name));
    chunked::write_chunks(out, graph.relations(), |buffer, _, relations| {
        for relation in relations {
            push_edge(buffer, schema, (&label_key, &edge_keys), relation)?;
        }
        Ok(())
    })
}

/// Where a node or an edge starts: a new line, indented two levels, inside
/// `<graphml><graph>`.
const RECORD_INDENT: &[u8] = b"\n    ";
/// Where a `<data>` of a node or an edge starts: one level deeper.
const DATA_INDENT: &[u8] = b"\n      ";

/// A node, with the bytes quick-xml's indenting writer gives `write_node`
/// at the depth of the nodes (a test holds them equal), formatted straight
/// into `buffer`: through quick-xml, a third of GraphML's time went to its
/// events and to escaped copies of every value.
fn push_node(buffer: &mut Vec<u8>, keys: &[String], entity: &Entity) -> io::Result<()> {
    let labels = format!(":{ENTITY_LABEL}:{}", properties::node_label(&entity.kind)?);
    buffer.extend_from_slice(RECORD_INDENT);
    buffer.extend_from_slice(b"<node id=\"");
    push_xml_text(buffer, &entity.id);
    buffer.extend_from_slice(b"\" labels=\"");
    buffer.extend_from_slice(quick_xml::escape::escape(labels.as_str()).as_bytes());
    buffer.extend_from_slice(b"\">");
    for (key, value) in keys.iter().zip(&properties::entity_values(entity)) {
        push_data(buffer, key, value)?;
    }
    buffer.extend_from_slice(RECORD_INDENT);
    buffer.extend_from_slice(b"</node>");
    Ok(())
}

/// An edge, as [`push_node`] writes a node (the reference is `write_edge`).
fn push_edge(
    buffer: &mut Vec<u8>,
    schema: &Schema,
    (label_key, keys): (&str, &[String]),
    relation: &Relation,
) -> io::Result<()> {
    let label = properties::relationship_type(&relation.relation_type)?;
    let values = properties::relation_values(schema, relation)?;
    buffer.extend_from_slice(RECORD_INDENT);
    buffer.extend_from_slice(b"<edge id=\"");
    push_xml_text(buffer, &relation.id);
    buffer.extend_from_slice(b"\" source=\"");
    push_xml_text(buffer, &relation.from);
    buffer.extend_from_slice(b"\" target=\"");
    push_xml_text(buffer, &relation.to);
    buffer.extend_from_slice(b"\" label=\"");
    buffer.extend_from_slice(quick_xml::escape::escape(label.as_str()).as_bytes());
    buffer.extend_from_slice(b"\">");
    // What yEd and Gephi show on the edge: the words, and "not" for a
    // denial, so that a picture cannot show it as a fact.
    let caption = Value::Text(Cow::Owned(schema.caption(relation)));
    push_data(buffer, label_key, &caption)?;
    for (key, value) in keys.iter().zip(&values) {
        push_data(buffer, key, value)?;
    }
    buffer.extend_from_slice(RECORD_INDENT);
    buffer.extend_from_slice(b"</edge>");
    Ok(())
}

/// `<data key="{key}">value</data>` on a line of its own, nothing for a
/// null, as `write_data` writes it. `key` is a key id, plain ASCII.
fn push_data(buffer: &mut Vec<u8>, key: &str, value: &Value<'_>) -> io::Result<()> {
    let start = |buffer: &mut Vec<u8>| {
        buffer.extend_from_slice(DATA_INDENT);
        buffer.extend_from_slice(b"<data key=\"");
        buffer.extend_from_slice(key.as_bytes());
        buffer.extend_from_slice(b"\">");
    };
    match value {
        Value::Null => return Ok(()),
        Value::Text(text) => {
            start(buffer);
            push_xml_text(buffer, text);
        }
        Value::Int(number) => {
            start(buffer);
            write!(buffer, "{number}")?;
        }
        Value::Bool(flag) => {
            start(buffer);
            buffer.extend_from_slice(if *flag { b"true" } else { b"false" });
        }
        Value::TextList(list) => {
            start(buffer);
            push_xml_text(buffer, &string_list_json(list)?);
        }
    }
    buffer.extend_from_slice(b"</data>");
    Ok(())
}

#[cfg(test)]
fn write_node<W: Write>(
    writer: &mut Writer<W>,
    keys: &[String],
    entity: &Entity,
) -> io::Result<()> {
    let id = xml_text(&entity.id);
    let labels = format!(":{ENTITY_LABEL}:{}", properties::node_label(&entity.kind)?);
    writer
        .create_element("node")
        .with_attribute((b"id".as_slice(), id.as_bytes()))
        .with_attribute(("labels", labels.as_str()))
        .write_inner_content(|writer| {
            let values = properties::entity_values(entity);
            for (key, value) in keys.iter().zip(&values) {
                write_data(writer, key, value)?;
            }
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
fn write_edge<W: Write>(
    writer: &mut Writer<W>,
    schema: &Schema,
    (label_key, keys): (&str, &[String]),
    relation: &Relation,
) -> io::Result<()> {
    let id = xml_text(&relation.id);
    let source = xml_text(&relation.from);
    let target = xml_text(&relation.to);
    let label = properties::relationship_type(&relation.relation_type)?;
    let values = properties::relation_values(schema, relation)?;
    writer
        .create_element("edge")
        .with_attribute((b"id".as_slice(), id.as_bytes()))
        .with_attribute((b"source".as_slice(), source.as_bytes()))
        .with_attribute((b"target".as_slice(), target.as_bytes()))
        .with_attribute(("label", label.as_str()))
        .write_inner_content(|writer| {
            // What yEd and Gephi show on the edge: the words, and "not"
            // for a denial, so that a picture cannot show it as a fact.
            let caption = Value::Text(Cow::Owned(schema.caption(relation)));
            write_data(writer, label_key, &caption)?;
            for (key, value) in keys.iter().zip(&values) {
                write_data(writer, key, value)?;
            }
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_whitespace_become_entities_and_references() {
        assert_eq!(xml_text("plain"), Cow::Borrowed("plain"));
        assert_eq!(
            xml_text("<b>&amp;</b> \"q\" 'a'"),
            "&lt;b&gt;&amp;amp;&lt;/b&gt; &quot;q&quot; 'a'"
        );
        assert_eq!(xml_text("]]> <!-- -->"), "]]&gt; &lt;!-- --&gt;");
        assert_eq!(xml_text("a\tb\nc\r\nd"), "a&#9;b&#10;c&#13;&#10;d");
        assert_eq!(xml_text("🚀 مرحبا \u{202E}"), "🚀 مرحبا \u{202E}");
    }

    /// The definition of the escaping, character by character.
    fn xml_text_by_characters(text: &str) -> String {
        text.chars()
            .map(|character| match character {
                '&' => "&amp;".to_owned(),
                '<' => "&lt;".to_owned(),
                '>' => "&gt;".to_owned(),
                '"' => "&quot;".to_owned(),
                '\t' => "&#9;".to_owned(),
                '\n' => "&#10;".to_owned(),
                '\r' => "&#13;".to_owned(),
                c if c < ' ' => char::from_u32(0x2400 + u32::from(c)).unwrap().to_string(),
                '\u{FFFE}' | '\u{FFFF}' => "\u{FFFD}".to_owned(),
                c => c.to_string(),
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn escaping_in_runs_matches_the_definition(
            text in "[a&<>\"'\\\\\t\n\r\u{0}-\u{1f}\u{7f}\u{85}\u{2028}\u{202e}\u{e000}\u{efff}\u{f000}\u{fffd}-\u{ffff}\u{10000}\u{1f680}\u{10ffff}é中]{0,24}"
        ) {
            proptest::prop_assert_eq!(xml_text(&text).into_owned(), xml_text_by_characters(&text));
        }
    }

    proptest::proptest! {
        #[test]
        fn the_word_scan_finds_what_the_byte_scan_finds(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    4 => proptest::prelude::Just(b'a'),
                    1 => proptest::prelude::any::<u8>(),
                    1 => proptest::sample::select(
                        vec![b'&', b'<', b'>', b'"', 0xEF, 0x1F, 0x20, 0x21, 0x25, 0x27, 0x3B, 0x3D, 0x3F, 0xEE, 0xF0, 0x00, 0x7F, 0x80, 0xFF]
                    ),
                ],
                0..40,
            ),
            from in 0usize..44,
        ) {
            let expected = bytes
                .get(from..)
                .and_then(|rest| rest.iter().position(|&byte| needs_work(byte)))
                .map(|at| from + at);
            proptest::prop_assert_eq!(next_needing_work(&bytes, from), expected);
        }
    }

    /// Nodes and edges formatted by `push_node` and `push_edge`, or
    /// through quick-xml at their depth (their reference).
    fn records(graph: &KnowledgeGraph, direct: bool) -> String {
        let node_keys = ENTITY_PROPERTIES.map(|(name, _)| key_id("node", name));
        let edge_keys = RELATION_PROPERTIES.map(|(name, _)| key_id("edge", name));
        let label_key = key_id("edge", "label");
        let schema = &graph.dataset().schema;
        let mut buffer = Vec::new();
        if direct {
            for entity in graph.entities() {
                push_node(&mut buffer, &node_keys, entity).unwrap();
            }
            for relation in graph.relations() {
                push_edge(&mut buffer, schema, (&label_key, &edge_keys), relation).unwrap();
            }
        } else {
            // Inside `<graphml><graph>`, as RECORD_INDENT says.
            let depth = (RECORD_INDENT.len() - 1) / XML_INDENT;
            assert_eq!(depth, 2);
            let mut writer = xml_writer_at_depth(&mut buffer, depth).unwrap();
            for entity in graph.entities() {
                write_node(&mut writer, &node_keys, entity).unwrap();
            }
            for relation in graph.relations() {
                write_edge(&mut writer, schema, (&label_key, &edge_keys), relation).unwrap();
            }
        }
        String::from_utf8(buffer).unwrap()
    }

    #[test]
    fn nodes_and_edges_are_the_bytes_quick_xml_writes() {
        let graph = crate::export::testing::hostile_graph();
        let direct = records(&graph, true);
        assert!(direct.contains("<data key=\"edge_evidence\">"));
        assert_eq!(direct, records(&graph, false));
    }

    proptest::proptest! {
        /// Any text in every field that holds text, empty and absent
        /// values included.
        #[test]
        fn nodes_and_edges_with_any_text_are_the_bytes_quick_xml_writes(
            graph in crate::export::testing::any_hostile_graph(),
        ) {
            proptest::prop_assert_eq!(records(&graph, true), records(&graph, false));
        }
    }

    #[test]
    fn characters_xml_cannot_hold_become_control_pictures() {
        assert_eq!(xml_text("a\u{1}b"), "a\u{2401}b");
        assert_eq!(xml_text("\u{0}"), "\u{2400}");
        assert_eq!(xml_text("form\u{C}feed"), "form\u{240C}feed");
        assert_eq!(xml_text("x\u{FFFF}"), "x\u{FFFD}");
        // DEL and C1 controls are allowed in XML 1.0.
        assert_eq!(xml_text("\u{7F}\u{85}"), "\u{7F}\u{85}");
    }
}
