//! GEXF 1.3, Gephi's own format, with the viz module: nodes coloured and
//! shaped by kind as the pictures draw them and sized by PageRank; edges
//! coloured, thickened and dashed by modality.
//!
//! Load it with Gephi (File > Open), networkx (`nx.read_gexf(path)`, a
//! `MultiDiGraph`) or graphology (`graphology-gexf`'s `parse(Graph, text)`,
//! the parser sigma.js apps use).
//!
//! Choices:
//!
//! - Node ids are entity ids, edge ids relation ids; `label` is the
//!   entity's label or the relation's caption (its type's label, after
//!   `not: ` when negated). Every property of
//!   [`super::properties`] (but the node label, already the `label`
//!   attribute) is declared in `<attributes>` with its GEXF type (`string`,
//!   `integer`, `boolean`, `liststring`: `attributed_to` and `aliases`
//!   are lists), plus `mentions` (integer) and `pagerank`
//!   (double) on nodes. An absent value has no `<attvalue>`.
//! - A `liststring` value is written `["a", "b"]`: a JSON array, which
//!   graphology-gexf splits into a list and networkx hands over as that
//!   string (`json.loads` reads it).
//! - Node colour: the kind's `fillcolor` ([`super::style`]); shape: the
//!   kind's DOT shape mapped to GEXF's four (`box` and kin `square`,
//!   `hexagon` and `diamond` kin `diamond`, triangles `triangle`, round
//!   shapes `disc`; unset `square`, as the pictures' default box); size:
//!   10 plus 40 times the entity's PageRank over the largest.
//! - Edge colour, thickness and line by modality ([`modality_look`]),
//!   following the DOT export's line styles; a negated relation is red
//!   ([`NEGATED_COLOUR`]).
//! - Values go through the GraphML exporter's [`push_xml_text`], so tab, line
//!   feed and carriage return come back exactly and a control character
//!   XML cannot hold is shown as its control picture.
//! - Numbers are written with fixed decimals, so the bytes are stable.

use std::borrow::Cow;
use std::io::{self, Write};

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::chunked;
use super::graphml::{XML_INDENT, push_xml_text};
#[cfg(test)]
use super::graphml::{xml_text, xml_writer_at_depth};
use super::json::string_list_json;
use super::properties::{self, ENTITY_PROPERTIES, RELATION_PROPERTIES, Type, Value};
use super::style::{Rgb, kind_fill};
use crate::graph::KnowledgeGraph;
use crate::model::{Entity, Modality, Relation, Schema};

type XmlWriter<'w> = Writer<&'w mut dyn Write>;

/// How a modality is drawn: colour, thickness and GEXF line shape (`solid`,
/// `dashed`, `dotted`, `double`), matching the DOT export's line styles.
pub(super) fn modality_look(modality: Modality) -> (Rgb, f64, &'static str) {
    match modality {
        Modality::Actual => (Rgb(0x4d, 0x4d, 0x4d), 2.0, "solid"),
        Modality::Historical => (Rgb(0x9a, 0x9a, 0x9a), 1.0, "solid"),
        Modality::Proposed => (Rgb(0x2b, 0x7b, 0xba), 1.5, "dashed"),
        Modality::Hypothetical => (Rgb(0x8e, 0x6b, 0xb8), 1.0, "dotted"),
        Modality::Recommended => (Rgb(0xd9, 0x82, 0x2b), 3.0, "solid"),
    }
}

/// A negated relation (the source says it does not hold) is drawn red, in
/// its modality's thickness and line, and its label starts with `not: `,
/// so that no picture shows it as a fact.
pub(super) const NEGATED_COLOUR: Rgb = Rgb(0xc0, 0x39, 0x2b);

/// GEXF's node shape for a Graphviz shape name.
fn node_shape(dot_shape: Option<&str>) -> &'static str {
    match dot_shape {
        Some("ellipse" | "oval" | "circle" | "doublecircle" | "point" | "egg" | "Mcircle") => {
            "disc"
        }
        Some("triangle" | "invtriangle" | "house" | "invhouse") => "triangle",
        Some(
            "diamond" | "Mdiamond" | "hexagon" | "octagon" | "doubleoctagon" | "tripleoctagon"
            | "pentagon" | "septagon",
        ) => "diamond",
        _ => "square",
    }
}

fn gexf_type(ty: Type) -> &'static str {
    match ty {
        Type::Text => "string",
        Type::Int => "integer",
        Type::Bool => "boolean",
        Type::TextList => "liststring",
    }
}

/// The node properties written as `<attvalue>`s: all but `label`.
fn node_attributes() -> impl Iterator<Item = (usize, &'static str, Type)> {
    ENTITY_PROPERTIES
        .iter()
        .enumerate()
        .filter(|(_, (name, _))| *name != "label")
        .map(|(position, &(name, ty))| (position, name, ty))
}

fn write_attribute_declaration(writer: &mut XmlWriter<'_>, name: &str, ty: &str) -> io::Result<()> {
    writer
        .create_element("attribute")
        .with_attribute(("id", name))
        .with_attribute(("title", name))
        .with_attribute(("type", ty))
        .write_empty()?;
    Ok(())
}

#[cfg(test)]
fn write_attvalue<W: Write>(
    writer: &mut Writer<W>,
    name: &str,
    value: &Value<'_>,
) -> io::Result<()> {
    let text: Cow<'_, str> = match value {
        Value::Null => return Ok(()),
        Value::Text(text) => Cow::Borrowed(text.as_ref()),
        Value::Int(number) => Cow::Owned(number.to_string()),
        Value::Bool(flag) => Cow::Borrowed(if *flag { "true" } else { "false" }),
        Value::TextList(list) => Cow::Owned(string_list_json(list)?),
    };
    writer
        .create_element("attvalue")
        .with_attribute(("for", name))
        .with_attribute((b"value".as_slice(), xml_text(&text).as_bytes()))
        .write_empty()?;
    Ok(())
}

#[cfg(test)]
fn write_colour<W: Write>(writer: &mut Writer<W>, colour: Rgb) -> io::Result<()> {
    let (r, g, b) = (
        colour.0.to_string(),
        colour.1.to_string(),
        colour.2.to_string(),
    );
    writer
        .create_element("viz:color")
        .with_attribute(("r", r.as_str()))
        .with_attribute(("g", g.as_str()))
        .with_attribute(("b", b.as_str()))
        .write_empty()?;
    Ok(())
}

#[cfg(test)]
fn write_viz_value<W: Write>(writer: &mut Writer<W>, element: &str, value: &str) -> io::Result<()> {
    writer
        .create_element(element)
        .with_attribute(("value", value))
        .write_empty()?;
    Ok(())
}

/// Writes the graph as GEXF 1.3.
pub fn write_gexf(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut writer: XmlWriter<'_> = Writer::new_with_indent(out, b' ', XML_INDENT);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    writer
        .create_element("gexf")
        .with_attribute(("xmlns", "http://gexf.net/1.3"))
        .with_attribute(("xmlns:viz", "http://gexf.net/1.3/viz"))
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .with_attribute((
            "xsi:schemaLocation",
            "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
        ))
        .with_attribute(("version", "1.3"))
        .write_inner_content(|writer| {
            writer
                .create_element("meta")
                .write_inner_content(|writer| {
                    let creator = format!("kgraph {}", env!("CARGO_PKG_VERSION"));
                    writer
                        .create_element("creator")
                        .write_text_content(BytesText::new(&creator))?;
                    writer
                        .create_element("description")
                        .write_text_content(BytesText::new(
                            "Generated by kgraph; rebuild with `kg build`, do not edit.",
                        ))?;
                    Ok(())
                })?;
            writer
                .create_element("graph")
                .with_attribute(("mode", "static"))
                .with_attribute(("defaultedgetype", "directed"))
                .write_inner_content(|writer| write_graph(graph, writer))?;
            Ok(())
        })?;
    writer.get_mut().write_all(b"\n")
}

fn write_graph(graph: &KnowledgeGraph, writer: &mut XmlWriter<'_>) -> io::Result<()> {
    writer
        .create_element("attributes")
        .with_attribute(("class", "node"))
        .write_inner_content(|writer| {
            for (_, name, ty) in node_attributes() {
                write_attribute_declaration(writer, name, gexf_type(ty))?;
            }
            write_attribute_declaration(writer, "mentions", "integer")?;
            write_attribute_declaration(writer, "pagerank", "double")?;
            Ok(())
        })?;
    writer
        .create_element("attributes")
        .with_attribute(("class", "edge"))
        .write_inner_content(|writer| {
            for (name, ty) in RELATION_PROPERTIES {
                write_attribute_declaration(writer, name, gexf_type(ty))?;
            }
            Ok(())
        })?;

    let ranks = graph.page_rank();
    let top_rank = ranks.iter().copied().fold(0.0_f64, f64::max);
    // Nodes and edges are formatted in chunks on every core, straight into
    // each chunk's buffer at their depth (inside gexf, graph, nodes or
    // edges).
    writer
        .create_element("nodes")
        .write_inner_content(|writer| {
            chunked::write_chunks(
                writer.get_mut(),
                graph.entities(),
                |buffer, start, entities| {
                    for (entity, &rank) in entities.iter().zip(&ranks[start..]) {
                        push_node(buffer, graph, entity, rank, top_rank)?;
                    }
                    Ok(())
                },
            )
        })?;
    let schema = &graph.dataset().schema;
    writer
        .create_element("edges")
        .write_inner_content(|writer| {
            chunked::write_chunks(
                writer.get_mut(),
                graph.relations(),
                |buffer, _, relations| {
                    for relation in relations {
                        push_edge(buffer, schema, relation)?;
                    }
                    Ok(())
                },
            )
        })?;
    Ok(())
}

/// How a node is drawn, but for its colour (its kind's fill).
struct NodeLook {
    /// From 10 to 50, by PageRank.
    size: f64,
    shape: &'static str,
}

fn node_look(graph: &KnowledgeGraph, entity: &Entity, rank: f64, top_rank: f64) -> NodeLook {
    let kind = graph.dataset().schema.kind(&entity.kind);
    let shape = node_shape(
        kind.and_then(|kind| kind.dot.get("shape"))
            .map(String::as_str),
    );
    let size = if top_rank > 0.0 {
        10.0 + 40.0 * rank / top_rank
    } else {
        10.0
    };
    NodeLook { size, shape }
}

/// How an edge is drawn: its modality's look, in the denial colour when
/// negated.
fn edge_look(relation: &Relation) -> (Rgb, f64, &'static str) {
    let (mut colour, thickness, line) = modality_look(relation.modality);
    if relation.negated {
        colour = NEGATED_COLOUR;
    }
    (colour, thickness, line)
}

/// Where a node or an edge starts: inside `<gexf><graph><nodes>` (or
/// `<edges>`).
const RECORD_INDENT: &[u8] = b"\n      ";
/// Where the elements inside a node or an edge start.
const INNER_INDENT: &[u8] = b"\n        ";
/// Where an `<attvalue>` starts, inside `<attvalues>`.
const ATTVALUE_INDENT: &[u8] = b"\n          ";

/// A node, with the bytes quick-xml's indenting writer gives `write_node`
/// at the depth of the nodes (a test holds them equal), formatted straight
/// into `buffer`, as GraphML's are.
fn push_node(
    buffer: &mut Vec<u8>,
    graph: &KnowledgeGraph,
    entity: &Entity,
    rank: f64,
    top_rank: f64,
) -> io::Result<()> {
    let values = properties::entity_values(entity);
    let NodeLook { size, shape } = node_look(graph, entity, rank, top_rank);
    buffer.extend_from_slice(RECORD_INDENT);
    buffer.extend_from_slice(b"<node id=\"");
    push_xml_text(buffer, &entity.id);
    buffer.extend_from_slice(b"\" label=\"");
    push_xml_text(buffer, &entity.label);
    buffer.extend_from_slice(b"\">");
    buffer.extend_from_slice(INNER_INDENT);
    buffer.extend_from_slice(b"<attvalues>");
    for (position, name, _) in node_attributes() {
        push_attvalue(buffer, name, &values[position])?;
    }
    push_attvalue(buffer, "mentions", &Value::Int(entity.mentions))?;
    push_attvalue(
        buffer,
        "pagerank",
        &Value::Text(Cow::Owned(format!("{rank:.6}"))),
    )?;
    buffer.extend_from_slice(INNER_INDENT);
    buffer.extend_from_slice(b"</attvalues>");
    push_colour(buffer, kind_fill(graph, &entity.kind));
    push_viz_value(buffer, "viz:size", &format!("{size:.2}"));
    push_viz_value(buffer, "viz:shape", shape);
    buffer.extend_from_slice(RECORD_INDENT);
    buffer.extend_from_slice(b"</node>");
    Ok(())
}

/// An edge, as [`push_node`] writes a node (the reference is `write_edge`).
fn push_edge(buffer: &mut Vec<u8>, schema: &Schema, relation: &Relation) -> io::Result<()> {
    let values = properties::relation_values(schema, relation)?;
    let (colour, thickness, line) = edge_look(relation);
    buffer.extend_from_slice(RECORD_INDENT);
    buffer.extend_from_slice(b"<edge id=\"");
    push_xml_text(buffer, &relation.id);
    buffer.extend_from_slice(b"\" source=\"");
    push_xml_text(buffer, &relation.from);
    buffer.extend_from_slice(b"\" target=\"");
    push_xml_text(buffer, &relation.to);
    buffer.extend_from_slice(b"\" label=\"");
    push_xml_text(buffer, &schema.caption(relation));
    buffer.extend_from_slice(b"\">");
    buffer.extend_from_slice(INNER_INDENT);
    buffer.extend_from_slice(b"<attvalues>");
    for ((name, _), value) in RELATION_PROPERTIES.iter().zip(&values) {
        push_attvalue(buffer, name, value)?;
    }
    buffer.extend_from_slice(INNER_INDENT);
    buffer.extend_from_slice(b"</attvalues>");
    push_colour(buffer, colour);
    push_viz_value(buffer, "viz:thickness", &format!("{thickness:.1}"));
    push_viz_value(buffer, "viz:shape", line);
    buffer.extend_from_slice(RECORD_INDENT);
    buffer.extend_from_slice(b"</edge>");
    Ok(())
}

/// `<attvalue for="{name}" value="{value}"/>`, nothing for a null, as
/// `write_attvalue` writes it.
fn push_attvalue(buffer: &mut Vec<u8>, name: &str, value: &Value<'_>) -> io::Result<()> {
    let text: Cow<'_, str> = match value {
        Value::Null => return Ok(()),
        Value::Text(text) => Cow::Borrowed(text.as_ref()),
        Value::Int(number) => Cow::Owned(number.to_string()),
        Value::Bool(flag) => Cow::Borrowed(if *flag { "true" } else { "false" }),
        Value::TextList(list) => Cow::Owned(string_list_json(list)?),
    };
    buffer.extend_from_slice(ATTVALUE_INDENT);
    buffer.extend_from_slice(b"<attvalue for=\"");
    buffer.extend_from_slice(quick_xml::escape::escape(name).as_bytes());
    buffer.extend_from_slice(b"\" value=\"");
    push_xml_text(buffer, &text);
    buffer.extend_from_slice(b"\"/>");
    Ok(())
}

/// `<viz:color r=".." g=".." b=".."/>`, as `write_colour` writes it.
fn push_colour(buffer: &mut Vec<u8>, Rgb(r, g, b): Rgb) {
    buffer.extend_from_slice(INNER_INDENT);
    buffer.extend_from_slice(format!("<viz:color r=\"{r}\" g=\"{g}\" b=\"{b}\"/>").as_bytes());
}

/// `<{element} value="{value}"/>`, as `write_viz_value` writes it.
fn push_viz_value(buffer: &mut Vec<u8>, element: &str, value: &str) {
    buffer.extend_from_slice(INNER_INDENT);
    buffer.push(b'<');
    buffer.extend_from_slice(element.as_bytes());
    buffer.extend_from_slice(b" value=\"");
    buffer.extend_from_slice(quick_xml::escape::escape(value).as_bytes());
    buffer.extend_from_slice(b"\"/>");
}

#[cfg(test)]
fn write_node<W: Write>(
    writer: &mut Writer<W>,
    graph: &KnowledgeGraph,
    entity: &Entity,
    rank: f64,
    top_rank: f64,
) -> io::Result<()> {
    let values = properties::entity_values(entity);
    let NodeLook { size, shape } = node_look(graph, entity, rank, top_rank);
    writer
        .create_element("node")
        .with_attribute((b"id".as_slice(), xml_text(&entity.id).as_bytes()))
        .with_attribute((b"label".as_slice(), xml_text(&entity.label).as_bytes()))
        .write_inner_content(|writer| {
            writer
                .create_element("attvalues")
                .write_inner_content(|writer| {
                    for (position, name, _) in node_attributes() {
                        write_attvalue(writer, name, &values[position])?;
                    }
                    write_attvalue(writer, "mentions", &Value::Int(entity.mentions))?;
                    write_attvalue(
                        writer,
                        "pagerank",
                        &Value::Text(Cow::Owned(format!("{rank:.6}"))),
                    )?;
                    Ok(())
                })?;
            write_colour(writer, kind_fill(graph, &entity.kind))?;
            write_viz_value(writer, "viz:size", &format!("{size:.2}"))?;
            write_viz_value(writer, "viz:shape", shape)?;
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
fn write_edge<W: Write>(
    writer: &mut Writer<W>,
    schema: &Schema,
    relation: &Relation,
) -> io::Result<()> {
    let values = properties::relation_values(schema, relation)?;
    let (colour, thickness, line) = edge_look(relation);
    let caption = schema.caption(relation);
    writer
        .create_element("edge")
        .with_attribute((b"id".as_slice(), xml_text(&relation.id).as_bytes()))
        .with_attribute((b"source".as_slice(), xml_text(&relation.from).as_bytes()))
        .with_attribute((b"target".as_slice(), xml_text(&relation.to).as_bytes()))
        .with_attribute((b"label".as_slice(), xml_text(&caption).as_bytes()))
        .write_inner_content(|writer| {
            writer
                .create_element("attvalues")
                .write_inner_content(|writer| {
                    for ((name, _), value) in RELATION_PROPERTIES.iter().zip(&values) {
                        write_attvalue(writer, name, value)?;
                    }
                    Ok(())
                })?;
            write_colour(writer, colour)?;
            write_viz_value(writer, "viz:thickness", &format!("{thickness:.1}"))?;
            write_viz_value(writer, "viz:shape", line)?;
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::hostile_graph;

    #[test]
    fn graphviz_shapes_map_to_gexfs_four() {
        assert_eq!(node_shape(None), "square");
        assert_eq!(node_shape(Some("box3d")), "square");
        assert_eq!(node_shape(Some("hexagon")), "diamond");
        assert_eq!(node_shape(Some("ellipse")), "disc");
        assert_eq!(node_shape(Some("invtriangle")), "triangle");
    }

    #[test]
    fn every_modality_looks_different() {
        let looks: std::collections::BTreeSet<String> = Modality::ALL
            .into_iter()
            .map(|modality| format!("{:?}", modality_look(modality)))
            .collect();
        assert_eq!(looks.len(), Modality::ALL.len());
    }

    /// Nodes and edges formatted by `push_node` and `push_edge`, or
    /// through quick-xml at their depth (their reference).
    fn records(graph: &KnowledgeGraph, direct: bool) -> String {
        let ranks = graph.page_rank();
        let top_rank = ranks.iter().copied().fold(0.0_f64, f64::max);
        let schema = &graph.dataset().schema;
        let mut buffer = Vec::new();
        if direct {
            for (entity, &rank) in graph.entities().iter().zip(&ranks) {
                push_node(&mut buffer, graph, entity, rank, top_rank).unwrap();
            }
            for relation in graph.relations() {
                push_edge(&mut buffer, schema, relation).unwrap();
            }
        } else {
            let depth = (RECORD_INDENT.len() - 1) / XML_INDENT;
            assert_eq!(depth, 3);
            let mut writer = xml_writer_at_depth(&mut buffer, depth).unwrap();
            for (entity, &rank) in graph.entities().iter().zip(&ranks) {
                write_node(&mut writer, graph, entity, rank, top_rank).unwrap();
            }
            for relation in graph.relations() {
                write_edge(&mut writer, schema, relation).unwrap();
            }
        }
        String::from_utf8(buffer).unwrap()
    }

    #[test]
    fn nodes_and_edges_are_the_bytes_quick_xml_writes() {
        let graph = hostile_graph();
        let direct = records(&graph, true);
        assert!(direct.contains("<viz:shape"));
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
    fn hostile_strings_are_escaped_and_lists_are_json() {
        let mut bytes = Vec::new();
        write_gexf(&hostile_graph(), &mut bytes).unwrap();
        let gexf = String::from_utf8(bytes).unwrap();
        let document = roxmltree::Document::parse(&gexf).expect("well-formed XML");
        let node = document
            .descendants()
            .find(|n| n.has_tag_name("node") && n.attribute("id") == Some("a-b"))
            .unwrap();
        assert_eq!(
            node.attribute("label"),
            Some(crate::export::testing::HOSTILE)
        );
        let aliases = node
            .descendants()
            .find(|n| n.attribute("for") == Some("aliases"))
            .and_then(|n| n.attribute("value"))
            .unwrap();
        let aliases: Vec<String> = serde_json::from_str(aliases).unwrap();
        assert_eq!(aliases, [crate::export::testing::HOSTILE, "plain"]);
    }
}
