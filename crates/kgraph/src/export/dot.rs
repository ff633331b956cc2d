//! Graphviz DOT, written one statement at a time.
//!
//! Every id and every attribute value goes through [`dot_quote`], so no
//! curated string can break out of its quotes. Graphviz drops attributes it
//! does not know from SVG, so what a reader should see goes in `label`,
//! `tooltip` and `URL`; the machine-readable attributes (`kind`, `key`,
//! `type`, `modality`) stay in the DOT for tools such as `gvpr`. In the
//! attributes Graphviz shows, `&` is written `&amp;`, since Graphviz
//! decodes HTML entities there (see [`SHOWN_ATTRIBUTES`]).

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::chunked;
use crate::graph::KnowledgeGraph;
use crate::model::{DotStyle, Entity, Modality, Relation};

/// Graphviz attributes a kind may set. Others would be dropped silently by
/// Graphviz or clash with what kgraph sets itself (labels, tooltips). The
/// loader refuses the others, so that a style in the schema never vanishes
/// unnoticed.
pub(crate) const KIND_DOT_ATTRIBUTES: [&str; 8] = [
    "color",
    "fillcolor",
    "fontcolor",
    "fontname",
    "fontsize",
    "penwidth",
    "peripheries",
    "shape",
];

/// Graphviz attributes a relation type may set; `style` is left to the
/// modality.
pub(crate) const TYPE_DOT_ATTRIBUTES: [&str; 8] = [
    "arrowhead",
    "arrowsize",
    "arrowtail",
    "color",
    "dir",
    "fontcolor",
    "fontname",
    "penwidth",
];

/// Choices that change the drawing, not the data.
#[derive(Debug, Clone)]
pub struct DotOptions {
    /// A legend cluster for the kinds and modalities present.
    pub legend: bool,
    /// Wrap node labels longer than this many characters onto more lines.
    pub wrap: Option<usize>,
    /// Label edges with their relation type.
    pub edge_labels: bool,
    /// Group the nodes of each kind in a cluster.
    pub cluster_by_kind: bool,
    /// Larger node labels for entities the sources mention more.
    pub size_by_mentions: bool,
    /// Graph-level attributes, such as `rankdir` or `layout`, added after
    /// kgraph's defaults.
    pub graph_attributes: Vec<(String, String)>,
    /// An entity drawn with a thick outline and bold label: the focus of a
    /// focused view.
    pub highlight: Option<String>,
}

impl Default for DotOptions {
    fn default() -> DotOptions {
        DotOptions {
            legend: true,
            wrap: None,
            edge_labels: true,
            cluster_by_kind: false,
            size_by_mentions: false,
            graph_attributes: Vec::new(),
            highlight: None,
        }
    }
}

/// Quotes a string as a DOT id: `"`, `\` escaped, line breaks as `\n`.
///
/// Labels and tooltips are escStrings, where `\N`, `\G` and the like are
/// expanded; since every backslash is doubled, none of those can appear by
/// accident.
pub(super) fn dot_quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => {
                // CRLF is one line break; a lone CR too.
                if characters.peek() != Some(&'\n') {
                    quoted.push_str("\\n");
                }
            }
            // A control character would make Graphviz's SVG invalid XML;
            // its Unicode "control picture" (U+240C for form feed) shows it.
            control if control.is_control() && control != '\t' => {
                quoted.push(match u32::from(control) {
                    code @ 0..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
                    0x7f => '\u{2421}',
                    _ => '\u{fffd}',
                })
            }
            // Outside XML's characters too; curated text cannot hold them,
            // but a quote from a verbatim source can.
            '\u{fffe}' | '\u{ffff}' => quoted.push('\u{fffd}'),
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

/// Attributes whose text Graphviz shows (in a drawing, a tooltip or a
/// link), and in which it decodes HTML entities: `AT&amp;T` is drawn as
/// `AT&T`, and in SVG output an `&lt;` is kept as a reference, which the
/// browser decodes. Every `&` in them is written as `&amp;` so that what is
/// shown is the curated text; other attributes are data for tools such as
/// `gvpr` and are written exactly.
const SHOWN_ATTRIBUTES: [&str; 10] = [
    "label",
    "xlabel",
    "headlabel",
    "taillabel",
    "tooltip",
    "edgetooltip",
    "labeltooltip",
    "URL",
    "edgeURL",
    "labelURL",
];

/// `text` with every `&` written as `&amp;`, which Graphviz decodes back
/// to `&`: the text is then shown literally, entity-like or not.
fn shown_literally(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('&') {
        std::borrow::Cow::Owned(text.replace('&', "&amp;"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The fill of a node whose kind sets none (shared with the formats that
/// colour nodes as the pictures do).
pub(super) const DEFAULT_FILL: &str = "#f2f2f2";

fn modality_style(modality: Modality) -> &'static str {
    match modality {
        Modality::Actual | Modality::Historical => "solid",
        Modality::Proposed => "dashed",
        Modality::Hypothetical => "dotted",
        Modality::Recommended => "bold",
    }
}

/// Historical relations are drawn grey, whatever their type's colour.
const HISTORICAL_COLOR: &str = "#9a9a9a";

struct Statement<'w> {
    out: &'w mut dyn Write,
}

impl Statement<'_> {
    /// `indent subject [k="v", ...];`
    fn write(
        &mut self,
        indent: &str,
        subject: &str,
        attributes: &[(&str, &str)],
    ) -> io::Result<()> {
        write!(self.out, "{indent}{subject}")?;
        if !attributes.is_empty() {
            self.out.write_all(b" [")?;
            for (index, (name, value)) in attributes.iter().enumerate() {
                if index > 0 {
                    self.out.write_all(b", ")?;
                }
                if SHOWN_ATTRIBUTES.contains(name) {
                    write!(self.out, "{name}={}", dot_quote(&shown_literally(value)))?;
                } else {
                    write!(self.out, "{name}={}", dot_quote(value))?;
                }
            }
            self.out.write_all(b"]")?;
        }
        self.out.write_all(b";\n")
    }
}

/// Writes the graph as DOT.
pub fn write_dot(
    graph: &KnowledgeGraph,
    options: &DotOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let dataset = graph.dataset();
    writeln!(
        out,
        "// Generated by kgraph {}; rebuild with `kg build`, do not edit.",
        env!("CARGO_PKG_VERSION")
    )?;
    out.write_all(b"digraph \"kgraph\" {\n")?;
    let mut statement = Statement { out };
    let mut graph_attributes: Vec<(&str, &str)> = vec![
        ("rankdir", "LR"),
        ("fontname", "Helvetica"),
        ("fontsize", "12"),
        ("nodesep", "0.35"),
        ("ranksep", "0.9"),
    ];
    graph_attributes.extend(
        options
            .graph_attributes
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    statement.write("  ", "graph", &graph_attributes)?;
    statement.write(
        "  ",
        "node",
        &[
            ("fontname", "Helvetica"),
            ("fontsize", "11"),
            ("shape", "box"),
            ("style", "filled,rounded"),
            ("fillcolor", DEFAULT_FILL),
        ],
    )?;
    statement.write(
        "  ",
        "edge",
        &[
            ("fontname", "Helvetica"),
            ("fontsize", "9"),
            ("color", "#4d4d4d"),
        ],
    )?;

    if options.legend {
        write_legend(graph, &mut statement)?;
    }

    if options.cluster_by_kind {
        let kinds: BTreeSet<&str> = graph
            .entities()
            .iter()
            .map(|entity| entity.kind.as_str())
            .collect();
        for kind in kinds {
            statement.out.write_all(b"  subgraph ")?;
            statement
                .out
                .write_all(dot_quote(&format!("cluster_kind_{kind}")).as_bytes())?;
            statement.out.write_all(b" {\n")?;
            statement.write(
                "    ",
                "graph",
                &[("label", kind), ("style", "rounded"), ("color", "#bbbbbb")],
            )?;
            let members: Vec<&Entity> = graph
                .entities()
                .iter()
                .filter(|entity| entity.kind == kind)
                .collect();
            chunked::write_records(statement.out, &members, |buffer, _, entity| {
                write_entity(
                    graph,
                    entity,
                    options,
                    &mut Statement { out: buffer },
                    "    ",
                )
            })?;
            statement.out.write_all(b"  }\n")?;
        }
    } else {
        chunked::write_records(statement.out, &dataset.entities, |buffer, _, entity| {
            write_entity(graph, entity, options, &mut Statement { out: buffer }, "  ")
        })?;
    }
    chunked::write_records(statement.out, &dataset.relations, |buffer, _, relation| {
        write_relation(graph, relation, options, &mut Statement { out: buffer })
    })?;
    statement.out.write_all(b"}\n")
}

/// Fill colours for kinds whose schema gives no `dot` style: light tints
/// of the Okabe-Ito palette, told apart with colour-blindness too, each
/// paired with its own shape so that print in grey still separates them.
const DEFAULT_KIND_STYLES: [(&str, &str); 8] = [
    ("#a6cde6", "box"),
    ("#f5d899", "ellipse"),
    ("#99d8c7", "hexagon"),
    ("#ebc9dc", "diamond"),
    ("#bbe1f6", "note"),
    ("#eebf99", "parallelogram"),
    ("#f9f4b3", "house"),
    ("#d9d9d9", "octagon"),
];

/// A kind's `dot` style from the schema; a kind without one gets a default
/// style by its place in the schema.
fn kind_style(graph: &KnowledgeGraph, kind: &str) -> DotStyle {
    let kinds = &graph.dataset().schema.kinds;
    let Some(index) = kinds.iter().position(|candidate| candidate.name == kind) else {
        return DotStyle::default();
    };
    if !kinds[index].dot.is_empty() {
        return kinds[index].dot.clone();
    }
    let count = DEFAULT_KIND_STYLES.len();
    let (fill, _) = DEFAULT_KIND_STYLES[index % count];
    // Past eight kinds, colours repeat with the next shape.
    let (_, shape) = DEFAULT_KIND_STYLES[(index + index / count) % count];
    [
        ("fillcolor".to_owned(), fill.to_owned()),
        ("shape".to_owned(), shape.to_owned()),
    ]
    .into()
}

fn write_entity(
    graph: &KnowledgeGraph,
    entity: &Entity,
    options: &DotOptions,
    statement: &mut Statement<'_>,
    indent: &str,
) -> io::Result<()> {
    let label = match options.wrap {
        Some(width) => wrap(&entity.label, width),
        None => entity.label.clone(),
    };
    let mut tooltip = format!("{} ({})", entity.label, entity.kind);
    if !entity.description.is_empty() {
        tooltip.push('\n');
        tooltip.push_str(&entity.description);
    }
    if !entity.aliases.is_empty() {
        tooltip.push_str("\nAlso: ");
        tooltip.push_str(&entity.aliases.join("; "));
    }
    let style = kind_style(graph, &entity.kind);
    let mentions = entity.mentions.to_string();
    let fontsize = font_size(entity.mentions);
    let mut attributes: Vec<(&str, &str)> = vec![
        ("label", &label),
        ("tooltip", &tooltip),
        ("kind", &entity.kind),
        ("mentions", &mentions),
    ];
    if options.size_by_mentions {
        attributes.push(("fontsize", &fontsize));
    }
    let url;
    if let Some(qid) = &entity.wikidata {
        url = format!("https://www.wikidata.org/wiki/{qid}");
        attributes.extend([
            ("wikidata", qid.as_str()),
            ("URL", url.as_str()),
            ("target", "_blank"),
        ]);
    }
    attributes.extend(style.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    if options.highlight.as_deref() == Some(entity.id.as_str()) {
        attributes.extend([
            ("penwidth", "3"),
            ("color", "#0b5cad"),
            ("fontname", "Helvetica-Bold"),
        ]);
    }
    statement.write(indent, &dot_quote(&entity.id), &attributes)
}

fn write_relation(
    graph: &KnowledgeGraph,
    relation: &Relation,
    options: &DotOptions,
    statement: &mut Statement<'_>,
) -> io::Result<()> {
    let label_of = |id: &str| {
        graph
            .entity(id)
            .map_or(id, |entity| entity.label.as_str())
            .to_owned()
    };
    let schema = &graph.dataset().schema;
    let caption = schema.caption(relation);
    let mut tooltip = format!(
        "{} \u{2014}{}\u{2192} {} ({})",
        label_of(&relation.from),
        caption,
        label_of(&relation.to),
        relation.modality
    );
    if !relation.attributed_to.is_empty() {
        let holders: Vec<String> = relation
            .attributed_to
            .iter()
            .map(|id| label_of(id))
            .collect();
        tooltip.push_str(&format!("\naccording to {}", holders.join(", ")));
    }
    for evidence in &relation.evidence {
        tooltip.push_str(&format!(
            "\n\u{201c}{}\u{201d} ({}, line {})",
            evidence.quote, evidence.source, evidence.location.line
        ));
    }
    if let Some(note) = &relation.note {
        tooltip.push_str("\nNote: ");
        tooltip.push_str(note);
    }
    let mut attributes: Vec<(&str, &str)> = vec![("id", &relation.id)];
    if options.edge_labels {
        attributes.push(("label", &caption));
    }
    attributes.extend([
        ("tooltip", tooltip.as_str()),
        ("key", relation.id.as_str()),
        ("type", relation.relation_type.as_str()),
        ("modality", relation.modality.as_str()),
        ("style", modality_style(relation.modality)),
    ]);
    let attributed_to = relation.attributed_to.join(";");
    if !attributed_to.is_empty() {
        attributes.push(("attributed_to", &attributed_to));
    }
    if relation.negated {
        attributes.push(("negated", "true"));
    }
    let type_style = schema
        .relation_type(&relation.relation_type)
        .map(|ty| ty.dot.clone())
        .unwrap_or_default();
    for (name, value) in &type_style {
        let greyed =
            relation.modality == Modality::Historical && (name == "color" || name == "fontcolor");
        // A negated relation's arrowhead is its own, whatever the type says.
        let overridden = relation.negated && name == "arrowhead";
        if !greyed && !overridden {
            attributes.push((name, value));
        }
    }
    if relation.modality == Modality::Historical {
        attributes.extend([("color", HISTORICAL_COLOR), ("fontcolor", HISTORICAL_COLOR)]);
    }
    if relation.negated {
        attributes.push(("arrowhead", NEGATED_ARROWHEAD));
    }
    let subject = format!(
        "{} -> {}",
        dot_quote(&relation.from),
        dot_quote(&relation.to)
    );
    statement.write("  ", &subject, &attributes)
}

/// The arrowhead of a negated relation: a bar across the line before a
/// hollow head, so that a denial never looks like the fact it denies.
const NEGATED_ARROWHEAD: &str = "teeonormal";

/// The legend: one sample node per kind and one sample edge per modality
/// present, and one for negated relations if there are any. Its ids start with `_`, which entity ids (slugs) never do.
fn write_legend(graph: &KnowledgeGraph, statement: &mut Statement<'_>) -> io::Result<()> {
    let kinds: BTreeSet<&str> = graph
        .entities()
        .iter()
        .map(|entity| entity.kind.as_str())
        .collect();
    let modalities: BTreeSet<Modality> = graph
        .relations()
        .iter()
        .map(|relation| relation.modality)
        .collect();
    if kinds.is_empty() {
        return Ok(());
    }
    statement
        .out
        .write_all(b"  subgraph \"cluster_legend\" {\n")?;
    statement.write(
        "    ",
        "graph",
        &[
            ("label", "Legend"),
            ("style", "rounded"),
            ("color", "#999999"),
            ("fontsize", "11"),
        ],
    )?;
    for kind in &kinds {
        let description = graph
            .dataset()
            .schema
            .kind(kind)
            .map_or("", |k| k.description.as_str());
        let style = kind_style(graph, kind);
        let mut attributes: Vec<(&str, &str)> =
            vec![("label", kind), ("tooltip", description), ("fontsize", "9")];
        attributes.extend(style.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        statement.write(
            "    ",
            &dot_quote(&format!("_legend_kind_{kind}")),
            &attributes,
        )?;
    }
    for modality in &modalities {
        let from = dot_quote(&format!("_legend_{modality}_from"));
        let to = dot_quote(&format!("_legend_{modality}_to"));
        for point in [&from, &to] {
            statement.write(
                "    ",
                point,
                &[("shape", "point"), ("width", "0.05"), ("label", "")],
            )?;
        }
        let mut attributes = vec![
            ("label", modality.as_str()),
            ("tooltip", modality.definition()),
            ("style", modality_style(*modality)),
        ];
        if *modality == Modality::Historical {
            attributes.extend([("color", HISTORICAL_COLOR), ("fontcolor", HISTORICAL_COLOR)]);
        }
        statement.write("    ", &format!("{from} -> {to}"), &attributes)?;
    }
    if graph.relations().iter().any(|relation| relation.negated) {
        let from = dot_quote("_legend_negated_from");
        let to = dot_quote("_legend_negated_to");
        for point in [&from, &to] {
            statement.write(
                "    ",
                point,
                &[("shape", "point"), ("width", "0.05"), ("label", "")],
            )?;
        }
        statement.write(
            "    ",
            &format!("{from} -> {to}"),
            &[
                ("label", "not: (negated)"),
                ("tooltip", "the source says this relation does not hold"),
                ("arrowhead", NEGATED_ARROWHEAD),
            ],
        )?;
    }
    for (index, (color, names)) in type_colors(graph).iter().enumerate() {
        let from = dot_quote(&format!("_legend_color_{index}_from"));
        let to = dot_quote(&format!("_legend_color_{index}_to"));
        for point in [&from, &to] {
            statement.write(
                "    ",
                point,
                &[("shape", "point"), ("width", "0.05"), ("label", "")],
            )?;
        }
        let label = match names.as_slice() {
            [a, b, c, _, ..] => format!("{a}, {b}, {c}\n\u{2026} ({} types)", names.len()),
            _ => names.join(",\n"),
        };
        let tooltip = names.join(", ");
        statement.write(
            "    ",
            &format!("{from} -> {to}"),
            &[
                ("label", label.as_str()),
                ("tooltip", tooltip.as_str()),
                ("color", color.as_str()),
                ("fontcolor", color.as_str()),
                ("penwidth", "2"),
            ],
        )?;
    }
    statement.out.write_all(b"  }\n")
}

/// The colours that the schema gives the relation types drawn, each with
/// the names of its types, in the order of the schema.
fn type_colors(graph: &KnowledgeGraph) -> Vec<(String, Vec<String>)> {
    let drawn: BTreeSet<&str> = graph
        .relations()
        .iter()
        .map(|relation| relation.relation_type.as_str())
        .collect();
    let mut colors: Vec<(String, Vec<String>)> = Vec::new();
    for ty in &graph.dataset().schema.relation_types {
        let Some(color) = ty.dot.get("color") else {
            continue;
        };
        if !drawn.contains(ty.name.as_str()) {
            continue;
        }
        let name = ty.display_label();
        match colors.iter_mut().find(|(known, _)| known == color) {
            Some((_, names)) => names.push(name),
            None => colors.push((color.clone(), vec![name])),
        }
    }
    colors
}

/// 10 points for an entity mentioned once or never, growing with the
/// logarithm of the mentions up to 24.
fn font_size(mentions: usize) -> String {
    let size = 10.0 + 3.0 * ((mentions.max(1)) as f64).log2();
    format!("{}", size.min(24.0).round())
}

/// Breaks a label at spaces into lines of at most `width` characters (a
/// longer word stays whole).
fn wrap(text: &str, width: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_quotes_backslashes_and_line_breaks() {
        assert_eq!(dot_quote("plain"), "\"plain\"");
        assert_eq!(dot_quote("say \"no\""), "\"say \\\"no\\\"\"");
        assert_eq!(dot_quote("a\\N b"), "\"a\\\\N b\"");
        assert_eq!(
            dot_quote("one\ntwo\r\nthree\rfour"),
            "\"one\\ntwo\\nthree\\nfour\""
        );
        assert_eq!(dot_quote("node"), "\"node\"");
        assert_eq!(dot_quote("<b>&{};"), "\"<b>&{};\"");
        assert_eq!(
            dot_quote("page\u{c}break\ttab"),
            "\"page\u{240c}break\ttab\""
        );
        assert_eq!(
            dot_quote("del\u{7f} c1\u{85}"),
            "\"del\u{2421} c1\u{fffd}\""
        );
        // Not XML characters: Graphviz's SVG would not be well-formed.
        assert_eq!(dot_quote("a\u{fffe}b\u{ffff}"), "\"a\u{fffd}b\u{fffd}\"");
    }

    #[test]
    fn kinds_without_a_style_get_distinct_fills_and_shapes() {
        use crate::graph::tests::{entity, graph};
        let entities: Vec<Entity> = (0..10)
            .map(|index| {
                let mut entity = entity(&format!("e{index}"));
                entity.kind = format!("kind{index}");
                entity
            })
            .collect();
        let graph = graph(entities, Vec::new());
        let styles: Vec<DotStyle> = (0..10)
            .map(|index| kind_style(&graph, &format!("kind{index}")))
            .collect();
        let pairs: BTreeSet<(&str, &str)> = styles
            .iter()
            .map(|style| (style["fillcolor"].as_str(), style["shape"].as_str()))
            .collect();
        assert_eq!(pairs.len(), 10, "{styles:?}");
        let fills: BTreeSet<&str> = styles[..8]
            .iter()
            .map(|style| style["fillcolor"].as_str())
            .collect();
        assert_eq!(fills.len(), 8);
    }

    #[test]
    fn every_option_writes_the_same_bytes_whatever_the_chunks() {
        let graph = crate::export::testing::hostile_graph();
        let options = DotOptions {
            legend: true,
            wrap: Some(8),
            edge_labels: false,
            cluster_by_kind: true,
            size_by_mentions: true,
            graph_attributes: vec![("layout".to_owned(), "sfdp".to_owned())],
            highlight: Some("end".to_owned()),
        };
        let write = || {
            let mut out = Vec::new();
            write_dot(&graph, &options, &mut out).unwrap();
            out
        };
        let whole = write();
        for records in [1, 2, 4] {
            let chunked = crate::export::chunked::with_records_per_chunk(records, write);
            assert!(chunked == whole, "chunks of {records}");
        }
        // The options were taken: the cluster and the highlight are there.
        let dot = String::from_utf8(whole).unwrap();
        assert!(dot.contains("subgraph \"cluster_kind_thing\""), "{dot}");
        assert!(dot.contains("Helvetica-Bold"), "{dot}");
    }

    #[test]
    fn wrapping_breaks_at_spaces_only() {
        assert_eq!(
            wrap("Treaty on Conventional Armed Forces in Europe", 16),
            "Treaty on\nConventional\nArmed Forces in\nEurope"
        );
        assert_eq!(wrap("NATO", 2), "NATO");
    }
}
