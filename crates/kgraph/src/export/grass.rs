//! A GraSS style sheet for Neo4j Browser: nodes coloured by kind as the
//! pictures colour them, captioned with their label; relationships
//! captioned with their type's label, in its colour when the schema gives
//! one.
//!
//! Load it by dragging `graph.grass` onto Neo4j Browser (or `:style`, then
//! paste). Selectors are the labels and relationship types of the Cypher
//! and CSV exports ([`super::properties`]): `node.State`,
//! `relationship.SEEKS_MEMBERSHIP`. Colours pass through
//! [`super::style`], so only `#rrggbb` values are ever written.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::properties::{node_label, relationship_type};
use super::style::{Rgb, default_fill, kind_fill};
use crate::graph::KnowledgeGraph;

/// Edges, as the DOT export draws them by default.
const EDGE_COLOUR: &str = "#4d4d4d";

/// Writes the style sheet for every kind and relation type in the schema.
pub fn write_grass(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let schema = &graph.dataset().schema;
    let default_fill = default_fill();
    write_rule(
        out,
        "node",
        &[
            ("diameter", "50px".to_owned()),
            ("color", default_fill.hex()),
            ("border-color", EDGE_COLOUR.to_owned()),
            ("border-width", "1px".to_owned()),
            ("text-color-internal", default_fill.text_colour().hex()),
            ("font-size", "10px".to_owned()),
            ("caption", "\"{label}\"".to_owned()),
        ],
    )?;
    let kinds: BTreeSet<&str> = schema.kinds.iter().map(|kind| kind.name.as_str()).collect();
    for kind in kinds {
        let fill = kind_fill(graph, kind);
        write_rule(
            out,
            &format!("node.{}", node_label(kind)?),
            &[
                ("color", fill.hex()),
                ("border-color", EDGE_COLOUR.to_owned()),
                ("text-color-internal", fill.text_colour().hex()),
                ("caption", "\"{label}\"".to_owned()),
            ],
        )?;
    }
    write_rule(
        out,
        "relationship",
        &[
            ("color", EDGE_COLOUR.to_owned()),
            ("shaft-width", "1px".to_owned()),
            ("font-size", "8px".to_owned()),
            ("padding", "3px".to_owned()),
            ("text-color-external", "#000000".to_owned()),
            ("text-color-internal", "#ffffff".to_owned()),
            ("caption", "\"{type_label}\"".to_owned()),
        ],
    )?;
    let mut types: Vec<_> = schema.relation_types.iter().collect();
    types.sort_by(|a, b| a.name.cmp(&b.name));
    for relation_type in types {
        let Some(colour) = relation_type
            .dot
            .get("color")
            .and_then(|c| Rgb::from_hex(c))
        else {
            continue;
        };
        write_rule(
            out,
            &format!("relationship.{}", relationship_type(&relation_type.name)?),
            &[("color", colour.hex())],
        )?;
    }
    Ok(())
}

fn write_rule(
    out: &mut dyn Write,
    selector: &str,
    declarations: &[(&str, String)],
) -> io::Result<()> {
    writeln!(out, "{selector} {{")?;
    for (name, value) in declarations {
        writeln!(out, "  {name}: {value};")?;
    }
    writeln!(out, "}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::hostile_graph;

    #[test]
    fn every_kind_gets_its_picture_colour() {
        let mut bytes = Vec::new();
        write_grass(&hostile_graph(), &mut bytes).unwrap();
        let grass = String::from_utf8(bytes).unwrap();
        assert!(grass.starts_with("node {\n  diameter: 50px;\n  color: #f2f2f2;\n"));
        assert!(grass.contains(
            "node.Thing {\n  color: #dbe9f6;\n  border-color: #4d4d4d;\n  text-color-internal: #000000;\n  caption: \"{label}\";\n}\n"
        ));
        assert!(grass.contains("relationship {\n  color: #4d4d4d;"));
        assert!(grass.contains("  caption: \"{type_label}\";\n"));
        // One rule per selector: node, its one kind, relationship.
        assert_eq!(grass.lines().filter(|l| l.ends_with(" {")).count(), 3);
    }
}
