//! How answers look: the text lines people read and the JSON shapes
//! scripts read, shared by `kg query`, `kg explain` and `kg stats`.

use std::io::{self, Write};

use kgraph::model::Evidence;
use kgraph::query::Step;
use kgraph::{Entity, KnowledgeGraph, Relation};
use serde::Serialize;

/// Curated text made safe for one terminal line: runs of whitespace
/// (newlines too) become one space; control characters and the invisible
/// bidirectional controls are shown as `\u{..}` escapes, by the one rule
/// of [`kgraph::terminal`].
pub fn clean(text: &str) -> String {
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
pub fn entity_line(entity: &Entity) -> String {
    format!(
        "{} ({}, {})",
        clean(&entity.label),
        entity.id,
        clean(&entity.kind)
    )
}

/// The label of an entity, or its id if the graph lacks it.
pub fn label<'a>(graph: &'a KnowledgeGraph, id: &'a str) -> String {
    clean(graph.entity(id).map_or(id, |entity| entity.label.as_str()))
}

/// `Republic —seeks membership of→ Alliance` (the type's label, after
/// `not: ` for a negated relation), or walked backwards
/// `Alliance ←seeks membership of— Republic`.
pub fn arrow(graph: &KnowledgeGraph, relation: &Relation, forward: bool) -> String {
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
pub fn standing(graph: &KnowledgeGraph, relation: &Relation) -> String {
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
pub fn excerpt(graph: &KnowledgeGraph, evidence: &Evidence) -> String {
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
pub fn location(evidence: &Evidence) -> String {
    format!("({}, line {})", evidence.source, evidence.location.line)
}

/// Right-aligns numbers in a column as wide as the widest.
pub fn width(numbers: impl Iterator<Item = usize>) -> usize {
    numbers.map(|n| n.to_string().len()).max().unwrap_or(1)
}

/// Writes pretty JSON and a newline. Serializing first keeps a write
/// error an `io::Error`, so that a closed pipe is recognized.
pub fn write_json(out: &mut dyn Write, value: &impl Serialize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    out.write_all(text.as_bytes())?;
    out.write_all(b"\n")
}

/// An entity as scripts see it.
#[derive(Serialize)]
pub struct EntityJson<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
}

impl<'a> EntityJson<'a> {
    pub fn new(entity: &'a Entity) -> EntityJson<'a> {
        EntityJson {
            id: &entity.id,
            label: &entity.label,
            kind: &entity.kind,
        }
    }
}

/// A relation as scripts see it; `forward`, `note`, `date` and
/// `evidence` only where they are asked for.
#[derive(Serialize)]
pub struct RelationJson<'a> {
    pub id: &'a str,
    pub from: &'a str,
    #[serde(rename = "type")]
    pub relation_type: &'a str,
    pub type_label: String,
    pub to: &'a str,
    pub modality: &'static str,
    pub negated: bool,
    pub attributed_to: &'a [String],
    /// In a path: whether the path walks the relation from `from` to `to`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Option<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<EvidenceJson<'a>>>,
}

impl<'a> RelationJson<'a> {
    pub fn new(graph: &KnowledgeGraph, relation: &'a Relation) -> RelationJson<'a> {
        RelationJson {
            id: &relation.id,
            from: &relation.from,
            relation_type: &relation.relation_type,
            type_label: graph.dataset().schema.type_label(&relation.relation_type),
            to: &relation.to,
            modality: relation.modality.as_str(),
            negated: relation.negated,
            attributed_to: &relation.attributed_to,
            forward: None,
            note: None,
            date: None,
            evidence: None,
        }
    }

    /// A relation taken in a path, with its note, date and evidence if
    /// `detailed`.
    pub fn step(graph: &KnowledgeGraph, step: &Step<'a>, detailed: bool) -> RelationJson<'a> {
        let relation = step.relation;
        let mut json = RelationJson::new(graph, relation);
        json.forward = Some(step.forward);
        if detailed {
            json.note = Some(relation.note.as_deref());
            json.date = Some(relation.date.as_deref());
            json.evidence = Some(relation.evidence.iter().map(EvidenceJson::new).collect());
        }
        json
    }
}

#[derive(Serialize)]
pub struct EvidenceJson<'a> {
    pub source: &'a str,
    pub quote: &'a str,
    pub line: usize,
    pub column: usize,
}

impl<'a> EvidenceJson<'a> {
    pub fn new(evidence: &'a Evidence) -> EvidenceJson<'a> {
        EvidenceJson {
            source: &evidence.source,
            quote: &evidence.quote,
            line: evidence.location.line,
            column: evidence.location.column,
        }
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
