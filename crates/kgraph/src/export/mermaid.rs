//! Mermaid flowcharts, which GitHub and GitLab draw from a fenced
//! ```` ```mermaid ```` block in Markdown (and mermaid.live, and the Mermaid
//! CLI `mmdc -i graph.mmd -o graph.svg`).
//!
//! # Format choices
//!
//! - `flowchart LR`, one node statement per entity, then one link per
//!   relation, both in id order, then the styles: the output is byte-stable.
//! - Node ids are [`mermaid_node_id`]s: `n_` and the slug with `-` as `_`, so
//!   that no id is a Mermaid keyword (`end`, `graph`, ...) or starts a link
//!   (`o`, `x` after `--`), and two entities never share one.
//! - Labels go inside `["..."]` through [`mermaid_label`], which writes
//!   every character Mermaid or HTML reads specially as a Mermaid entity
//!   code (`#34;` for `"`); Mermaid turns these into HTML character
//!   references after parsing, so the reader sees the original text. Line
//!   breaks become `<br>`.
//! - Links by modality: `-->` actual, `-->` in grey historical, `-.->`
//!   proposed, `-.->` finely dotted hypothetical, `==>` recommended; each
//!   labelled with its relation type.
//! - One `classDef` per kind present, filled with the kind's Graphviz
//!   `fillcolor` when that is a `#rrggbb` colour.
//!
//! Mermaid lays out with dagre in the browser: keep diagrams to a few dozen
//! nodes. To draw the neighbourhood of one entity, write the graph a
//! [`crate::Selection`] keeps (`kg export --format mermaid --focus ID`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::chunked;
use crate::graph::KnowledgeGraph;
use crate::model::Modality;

const DEFAULT_FILL: &str = "#f2f2f2";
const HISTORICAL_COLOR: &str = "#9a9a9a";

/// Escapes text for a quoted Mermaid label (`["..."]`) or a link label
/// (`-->|...|`).
///
/// Letters, digits, spaces and harmless punctuation stay as they are. These
/// become numeric entity codes (`#NN;`):
/// - `"`, which ends the label;
/// - `#` and `;`, so that curated text never forms an entity code itself;
/// - `&`, `<`, `>`, which HTML labels would read as markup;
/// - `` ` `` (starts a Markdown string), `$` (KaTeX math), `%`, `{`, `}`
///   (`%%{init}%%` directives are found anywhere in the text), `:` (Mermaid
///   rewrites `style...:...#...;` before parsing), `|` (ends a link label);
/// - control characters, line and paragraph separators, and the bidi
///   controls that would reorder the diagram's source in an editor.
///
/// A line break (LF, CR LF or CR) becomes `<br>`. Whitespace and U+FEFF at
/// the start or end are written as codes too: Mermaid's parser trims them
/// (as JavaScript's `trim` does), which would change the label.
pub(super) fn mermaid_label(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    let kept_start = text.len() - text.trim_start_matches(trimmed_by_mermaid).len();
    let kept_end = text.trim_end_matches(trimmed_by_mermaid).len();
    let mut characters = text.char_indices().peekable();
    while let Some((offset, character)) = characters.next() {
        let at_an_end = offset < kept_start || offset >= kept_end.max(kept_start);
        match character {
            c if at_an_end && trimmed_by_mermaid(c) && !matches!(c, '\n' | '\r') => {
                escaped.push_str(&format!("#{};", u32::from(c)));
            }
            '\n' => escaped.push_str("<br>"),
            '\r' => {
                if characters.peek().map(|&(_, next)| next) != Some('\n') {
                    escaped.push_str("<br>");
                }
            }
            '"' | '#' | ';' | '&' | '<' | '>' | '`' | '$' | '%' | '{' | '}' | ':' | '|' => {
                escaped.push_str(&format!("#{};", u32::from(character)));
            }
            c if c.is_control()
                || matches!(
                    c,
                    '\u{061C}'
                        | '\u{200E}'
                        | '\u{200F}'
                        | '\u{2028}'
                        | '\u{2029}'
                        | '\u{202A}'..='\u{202E}'
                        | '\u{2066}'..='\u{2069}'
                ) =>
            {
                escaped.push_str(&format!("#{};", u32::from(c)));
            }
            other => escaped.push(other),
        }
    }
    if escaped.is_empty() {
        // `[""]` is not a label Mermaid accepts.
        escaped.push(' ');
    }
    escaped
}

/// What JavaScript's `String.prototype.trim` removes: white space (Unicode
/// `White_Space`) and the byte order mark U+FEFF.
fn trimmed_by_mermaid(character: char) -> bool {
    character.is_whitespace() || character == '\u{feff}'
}

/// A link's text, which Mermaid reads unquoted between `|`s: as
/// [`mermaid_label`], and `(`, `)`, `[`, `]` as entity codes too, since
/// there they open and close node shapes (`says (so)` broke the parser).
fn mermaid_link_label(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in mermaid_label(text).chars() {
        match character {
            '(' | ')' | '[' | ']' => escaped.push_str(&format!("#{};", u32::from(character))),
            other => escaped.push(other),
        }
    }
    escaped
}

/// The Mermaid id of an entity, made only of `[a-z0-9_]`: `n_` and the
/// slug with `-` as `_` (`harbour-accord` is `n_harbour_accord`). An id
/// that is not a slug (possible only for a dataset built by hand) becomes
/// `n__x` and the hex of its bytes. Distinct ids give distinct node ids.
pub(super) fn mermaid_node_id(id: &str) -> String {
    let slug = id
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if slug {
        // `_` never occurs in a slug, so the mapping is one to one.
        format!("n_{}", id.replace('-', "_"))
    } else {
        hex_id("n", id)
    }
}

/// The Mermaid class of a kind: `k_` and the kind name (`[a-z][a-z0-9_]*`),
/// or `k__x` and hex for any other name. Classes and nodes have their own
/// namespaces in Mermaid, so `k_` and `n_` need not differ, but they read
/// better.
fn mermaid_class_id(kind: &str) -> String {
    let name = kind.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if name {
        format!("k_{kind}")
    } else {
        hex_id("k", kind)
    }
}

/// `{prefix}__x` then hex: a plain id has a letter or digit after
/// `{prefix}_`, so the two forms never meet.
fn hex_id(prefix: &str, name: &str) -> String {
    let hex: String = name.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}__x{hex}")
}

fn link_arrow(modality: Modality) -> &'static str {
    match modality {
        Modality::Actual | Modality::Historical => "-->",
        Modality::Proposed | Modality::Hypothetical => "-.->",
        Modality::Recommended => "==>",
    }
}

/// A `#rgb` or `#rrggbb` colour, the only form passed on to Mermaid's CSS.
fn hex_colour(value: &str) -> Option<&str> {
    let digits = value.strip_prefix('#')?;
    (matches!(digits.len(), 3 | 6) && digits.bytes().all(|b| b.is_ascii_hexdigit()))
        .then_some(value)
}

/// Writes the whole graph as a Mermaid flowchart.
pub fn write_mermaid(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "%% Generated by kgraph {}; rebuild with `kg build`, do not edit.",
        env!("CARGO_PKG_VERSION")
    )?;
    out.write_all(
        b"%% Links: solid actual, grey historical, dotted proposed, finely dotted hypothetical, thick recommended; red and `not:` negated.\n",
    )?;
    out.write_all(b"flowchart LR\n")?;
    chunked::write_records(out, graph.entities(), |buffer, _, entity| {
        writeln!(
            buffer,
            "    {}[\"{}\"]",
            mermaid_node_id(&entity.id),
            mermaid_label(&entity.label)
        )
    })?;
    let schema = &graph.dataset().schema;
    chunked::write_records(out, graph.relations(), |buffer, _, relation| {
        writeln!(
            buffer,
            "    {} {}|{}| {}",
            mermaid_node_id(&relation.from),
            link_arrow(relation.modality),
            mermaid_link_label(&link_text(graph, relation)),
            mermaid_node_id(&relation.to)
        )
    })?;

    let mut members: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for entity in graph.entities() {
        members
            .entry(&entity.kind)
            .or_default()
            .push(mermaid_node_id(&entity.id));
    }
    for (kind, nodes) in &members {
        let fill = schema
            .kind(kind)
            .and_then(|kind| kind.dot.get("fillcolor"))
            .and_then(|value| hex_colour(value))
            .unwrap_or(DEFAULT_FILL);
        let class = mermaid_class_id(kind);
        writeln!(
            out,
            "    classDef {class} fill:{fill},stroke:#4d4d4d,color:#1a1a1a"
        )?;
        writeln!(out, "    class {} {class}", nodes.join(","))?;
    }
    // linkStyle counts links from 0 in the order they were written. A later
    // linkStyle replaces an earlier one for the same link, so each link gets
    // one style: its modality's, in red when negated.
    let mut by_style: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (index, relation) in graph.relations().iter().enumerate() {
        let mut parts = Vec::new();
        if relation.negated {
            parts.push(format!("stroke:{NEGATED_COLOR},color:{NEGATED_COLOR}"));
        } else if relation.modality == Modality::Historical {
            parts.push(format!(
                "stroke:{HISTORICAL_COLOR},color:{HISTORICAL_COLOR}"
            ));
        }
        if relation.modality == Modality::Hypothetical {
            parts.push("stroke-dasharray:2 4".to_owned());
        }
        if !parts.is_empty() {
            by_style
                .entry(parts.join(","))
                .or_default()
                .push(index.to_string());
        }
    }
    for (style, links) in &by_style {
        writeln!(out, "    linkStyle {} {style}", links.join(","))?;
    }
    Ok(())
}

/// The red of negated links: a Mermaid link has no arrowhead of its own to
/// vary, so colour and the `not:` in its text carry the negation.
const NEGATED_COLOR: &str = "#b2182b";

/// A link's text: the type's label (`not: ` first when negated), and whose
/// view it is, since a flowchart has no tooltip to carry it.
fn link_text(graph: &KnowledgeGraph, relation: &crate::model::Relation) -> String {
    let caption = graph.dataset().schema.caption(relation);
    if relation.attributed_to.is_empty() {
        return caption;
    }
    let holders: Vec<&str> = relation
        .attributed_to
        .iter()
        .map(|id| graph.entity(id).map_or(id.as_str(), |e| e.label.as_str()))
        .collect();
    format!("{caption} (according to {})", holders.join(", "))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::export::testing::{HOSTILE, hostile_graph};

    #[test]
    fn labels_keep_plain_text_and_encode_what_mermaid_or_html_would_read() {
        assert_eq!(
            mermaid_label("Harbour Accord (1990)"),
            "Harbour Accord (1990)"
        );
        assert_eq!(mermaid_label("say \"hi\""), "say #34;hi#34;");
        assert_eq!(mermaid_label("#35;"), "#35;35#59;");
        assert_eq!(
            mermaid_label("<b>&amp;</b>"),
            "#60;b#62;#38;amp#59;#60;/b#62;"
        );
        assert_eq!(mermaid_label("a\nb\r\nc\rd"), "a<br>b<br>c<br>d");
        assert_eq!(
            mermaid_label("%%{init}%%"),
            "#37;#37;#123;init#125;#37;#37;"
        );
        assert_eq!(
            mermaid_label("`x` $y$ a:b|c"),
            "#96;x#96; #36;y#36; a#58;b#124;c"
        );
        assert_eq!(mermaid_label("tab\there"), "tab#9;here");
        assert_eq!(mermaid_label("\u{202E}evil"), "#8238;evil");
        assert_eq!(
            mermaid_label("🚀 مرحبا back\\slash"),
            "🚀 مرحبا back\\slash"
        );
        assert_eq!(mermaid_label(""), " ");
        // Mermaid trims the ends: spaces and a byte order mark there are
        // written as codes, inner ones are not.
        assert_eq!(
            mermaid_label("\u{feff}  a b \u{a0}"),
            "#65279;#32;#32;a b#32;#160;"
        );
        assert_eq!(mermaid_label("   "), "#32;#32;#32;");
        assert_eq!(mermaid_label(" a\n"), "#32;a<br>");
    }

    #[test]
    fn escaped_labels_hold_no_quote_newline_or_markup() {
        let label = mermaid_label(HOSTILE).replace("<br>", "");
        for forbidden in ['"', '\n', '\r', '<', '>', '`', '$', '|'] {
            assert!(!label.contains(forbidden), "{forbidden:?} in {label}");
        }
        // Every `#` starts an entity code, every `;` ends one.
        assert_eq!(label.matches('#').count(), label.matches(';').count());
    }

    #[test]
    fn ids_are_word_characters_and_never_collide() {
        assert_eq!(mermaid_node_id("harbour-accord"), "n_harbour_accord");
        assert_eq!(mermaid_node_id("end"), "n_end");
        assert_eq!(mermaid_class_id("seeks_membership"), "k_seeks_membership");
        let names = [
            "a-b", "a_b", "a-_b", "-x61", "_x61", "a", "A", "", "é", "n", "a b",
        ];
        let ids: BTreeSet<String> = names.iter().map(|name| mermaid_node_id(name)).collect();
        assert_eq!(ids.len(), names.len(), "{ids:?}");
        let classes: BTreeSet<String> = names.iter().map(|name| mermaid_class_id(name)).collect();
        assert_eq!(classes.len(), names.len(), "{classes:?}");
        for id in ids.iter().chain(&classes) {
            assert!(
                id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'),
                "{id}"
            );
        }
    }

    #[test]
    fn links_are_styled_by_modality_and_counted_in_order() {
        let mut bytes = Vec::new();
        write_mermaid(&hostile_graph(), &mut bytes).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("    n_a_b -->|mentions| n_end\n"), "{text}");
        assert!(text.contains("    n_x1 -.->|mentions| n_a_b\n"), "{text}");
        assert!(text.contains("    n_end ==>|mentions| n_a_b\n"), "{text}");
        assert!(
            text.contains("    linkStyle 1 stroke:#9a9a9a,color:#9a9a9a\n"),
            "{text}"
        );
        assert!(
            text.contains("    linkStyle 3 stroke-dasharray:2 4\n"),
            "{text}"
        );
        // The negated, attributed relation says both in its text, and is
        // red after every modality style.
        assert!(
            text.contains("    n_x1 -->|not#58; mentions #40;according to end, x1#41;| n_end\n"),
            "{text}"
        );
        assert!(
            text.contains("    linkStyle 5 stroke:#b2182b,color:#b2182b\n"),
            "{text}"
        );
        assert!(
            text.contains("    classDef k_thing fill:#dbe9f6,"),
            "{text}"
        );
        assert!(
            text.contains("    class n_a_b,n_end,n_x1 k_thing\n"),
            "{text}"
        );
    }
}
