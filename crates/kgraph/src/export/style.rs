//! The colours the pictures give kinds, for the formats that draw nodes
//! the same way (GraSS for Neo4j Browser, GEXF for Gephi).
//!
//! A kind's colour is the `fillcolor` of its `dot` attributes in the
//! schema, as Graphviz draws it. Graphviz also knows colour names and HSV
//! triples; only `#rrggbb` (and `#rrggbbaa`, whose alpha is dropped) is
//! carried over, anything else falls back to the default fill, so no
//! format ever receives a value it cannot parse.

use crate::graph::KnowledgeGraph;

use super::dot::DEFAULT_FILL;

/// A colour as red, green and blue bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Reads `#rrggbb` or `#rrggbbaa`.
    pub(super) fn from_hex(text: &str) -> Option<Rgb> {
        let digits = text.strip_prefix('#')?;
        if !(digits.len() == 6 || digits.len() == 8) || !digits.is_ascii() {
            return None;
        }
        let byte = |at: usize| u8::from_str_radix(&digits[at..at + 2], 16).ok();
        Some(Rgb(byte(0)?, byte(2)?, byte(4)?))
    }

    /// `#rrggbb`, lowercase.
    pub(super) fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Black or white, whichever reads better on this colour.
    pub(super) fn text_colour(self) -> Rgb {
        let luma = 299 * u32::from(self.0) + 587 * u32::from(self.1) + 114 * u32::from(self.2);
        if luma >= 128_000 {
            Rgb(0, 0, 0)
        } else {
            Rgb(255, 255, 255)
        }
    }
}

/// The fill of a node whose kind sets none.
pub(super) fn default_fill() -> Rgb {
    Rgb::from_hex(DEFAULT_FILL).expect("the default fill is #rrggbb")
}

/// The fill colour of a kind, as the pictures draw it.
pub(super) fn kind_fill(graph: &KnowledgeGraph, kind: &str) -> Rgb {
    graph
        .dataset()
        .schema
        .kind(kind)
        .and_then(|kind| kind.dot.get("fillcolor"))
        .and_then(|colour| Rgb::from_hex(colour))
        .unwrap_or_else(default_fill)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hex_colours_are_read() {
        assert_eq!(Rgb::from_hex("#dbe9f6"), Some(Rgb(0xdb, 0xe9, 0xf6)));
        assert_eq!(Rgb::from_hex("#DBE9F6cc"), Some(Rgb(0xdb, 0xe9, 0xf6)));
        assert_eq!(Rgb::from_hex("lightblue"), None);
        assert_eq!(Rgb::from_hex("#abc"), None);
        assert_eq!(Rgb::from_hex("#ggeeff"), None);
        assert_eq!(Rgb::from_hex("#ééé"), None);
        assert_eq!(Rgb(0xdb, 0xe9, 0xf6).hex(), "#dbe9f6");
    }

    #[test]
    fn text_is_dark_on_light_fills() {
        assert_eq!(Rgb(0xdb, 0xe9, 0xf6).text_colour(), Rgb(0, 0, 0));
        assert_eq!(Rgb(0x20, 0x20, 0x60).text_colour(), Rgb(255, 255, 255));
    }

    #[test]
    fn a_kind_without_a_hex_fill_gets_the_default() {
        let graph = crate::export::testing::hostile_graph();
        assert_eq!(kind_fill(&graph, "thing"), Rgb(0xdb, 0xe9, 0xf6));
        assert_eq!(kind_fill(&graph, "unknown").hex(), DEFAULT_FILL);
    }
}
