//! How answers look: the text lines people read, shared by `kg query`,
//! `kg explain` and `kg stats`; the JSON scripts read is the library's
//! ([`kgraph::query::PathsJson`], [`kgraph::query::NeighborhoodJson`]),
//! written here.

use std::io::{self, Write};

use kgraph::model::Evidence;
use kgraph::query::{Path, PathQuery, Paths, PathsJson};
use kgraph::{Entity, KnowledgeGraph, Relation};
use serde::Serialize;

use super::printer::plural;

/// Curated text made safe for one terminal line: runs of whitespace
/// (newlines too) become one space; control characters and the invisible
/// bidirectional controls are shown as `\u{..}` escapes, by the one rule
/// of [`kgraph::terminal`].
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for character in text.trim().chars() {
        if character.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        kgraph::terminal::escape_char(character, &mut out);
    }
    out
}

/// `Label (id, kind)`.
pub(super) fn entity_line(entity: &Entity) -> String {
    format!(
        "{} ({}, {})",
        clean(&entity.label),
        entity.id,
        clean(&entity.kind)
    )
}

/// The label of an entity, or its id if the graph lacks it.
pub(super) fn label<'a>(graph: &'a KnowledgeGraph, id: &'a str) -> String {
    clean(graph.entity(id).map_or(id, |entity| entity.label.as_str()))
}

/// `Republic —seeks membership of→ Alliance` (the type's label, after
/// `not: ` for a negated relation), or walked backwards
/// `Alliance ←seeks membership of— Republic`.
pub(super) fn arrow(graph: &KnowledgeGraph, relation: &Relation, forward: bool) -> String {
    let (from, to) = (label(graph, &relation.from), label(graph, &relation.to));
    let ty = clean(&graph.dataset().schema.caption(relation));
    if forward {
        format!("{from} —{ty}→ {to}")
    } else {
        format!("{to} ←{ty}— {from}")
    }
}

/// How a relation holds, for the parentheses after its arrow: its
/// modality, and whose view it is (`proposed, according to Russian
/// experts`).
pub(super) fn standing(graph: &KnowledgeGraph, relation: &Relation) -> String {
    let mut text = relation.modality.as_str().to_owned();
    if !relation.attributed_to.is_empty() {
        let holders: Vec<String> = relation
            .attributed_to
            .iter()
            .map(|id| label(graph, id))
            .collect();
        text.push_str(", according to ");
        text.push_str(&holders.join(", "));
    }
    text
}

/// A quote in curly quotes, with `…` where it starts or ends mid-sentence
/// in its source.
pub(super) fn excerpt(graph: &KnowledgeGraph, evidence: &Evidence) -> String {
    let quote = clean(&evidence.quote);
    let text = graph
        .dataset()
        .source(&evidence.source)
        .map(|source| source.text.as_str());
    let Some(text) = text else {
        return format!("“{quote}”");
    };
    let before = text
        .get(..evidence.location.byte_start)
        .unwrap_or_default()
        .trim_end_matches([' ', '\t']);
    let starts_sentence = before.is_empty() || before.ends_with(['\n', '.', '!', '?', '…']);
    let after = text
        .get(evidence.location.byte_end..)
        .unwrap_or_default()
        .trim_start_matches([' ', '\t']);
    let ends_sentence = after.is_empty()
        || after.starts_with(['\n', '\r'])
        || evidence
            .quote
            .trim_end_matches(['"', '”', '’', '\'', ')', ']'])
            .ends_with(['.', '!', '?', '…']);
    format!(
        "“{}{quote}{}”",
        if starts_sentence { "" } else { "…" },
        if ends_sentence { "" } else { "…" }
    )
}

/// `(memo, line 4)`.
pub(super) fn location(evidence: &Evidence) -> String {
    format!("({}, line {})", evidence.source, evidence.location.line)
}

/// Right-aligns numbers in a column as wide as the widest.
pub(super) fn width(numbers: impl Iterator<Item = usize>) -> usize {
    numbers.map(|n| n.to_string().len()).max().unwrap_or(1)
}

/// Writes pretty JSON and a newline. Serializing first keeps a write
/// error an `io::Error`, so that a closed pipe is recognized.
pub(super) fn write_json(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

/// Paths found for `query`, on stdout: the JSON document (with every
/// quote when `with_evidence`, as `kg explain` asks), or a header and each
/// path written by `write_path`, under a numbered heading when there are
/// several. Shared by `kg query path` and `kg explain`.
pub(super) fn print_paths(
    graph: &KnowledgeGraph,
    found: &Paths,
    query: &PathQuery,
    json: bool,
    with_evidence: bool,
    write_path: impl Fn(&mut dyn Write, &Path) -> io::Result<()>,
) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    if json {
        write_json(
            &mut out,
            &PathsJson::new(graph, found, query, with_evidence),
        )?;
    } else {
        write_paths_header(&mut out, found, query)?;
        for (number, path) in found.paths.iter().enumerate() {
            if found.paths.len() > 1 {
                // Explained paths are paragraphs; listed ones are compact.
                let gap = if with_evidence { "\n" } else { "" };
                writeln!(
                    out,
                    "{gap}path {}: {}",
                    number + 1,
                    plural(path.len(), "relation")
                )?;
            }
            write_path(&mut out, path)?;
        }
    }
    out.flush()
}

/// `Kingdom (kingdom, state) to Republic (republic, state): 2 relations`,
/// or how many paths, or that there is none.
fn write_paths_header(out: &mut dyn Write, found: &Paths, query: &PathQuery) -> io::Result<()> {
    let ends = format!("{} to {}", entity_line(found.from), entity_line(found.to));
    let limit = query
        .limit()
        .map(|max| format!(" within {}", plural(max, "relation")))
        .unwrap_or_default();
    let way = if query.directed {
        ", following relations forward"
    } else {
        ""
    };
    match found.paths.as_slice() {
        [] => writeln!(out, "{ends}: no path{limit}{way}"),
        [path] if !query.all => writeln!(out, "{ends}: {}{way}", plural(path.len(), "relation")),
        paths => writeln!(out, "{ends}: {}{limit}{way}", plural(paths.len(), "path")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_keeps_a_line_a_line_and_shows_hidden_characters() {
        assert_eq!(
            clean("Line one\nLine two\r\n  three "),
            "Line one Line two three"
        );
        assert_eq!(clean("\u{202e}evil\u{202c}"), "\\u{202e}evil\\u{202c}");
        assert_eq!(clean("bell\u{7}"), "bell\\u{7}");
        assert_eq!(clean("🚀 مرحبا"), "🚀 مرحبا");
    }
}
