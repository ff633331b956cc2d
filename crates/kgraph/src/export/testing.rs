//! A small graph with hostile strings, for the exporters' unit tests.

use crate::diagnostic::Origin;
use crate::graph::KnowledgeGraph;
use crate::model::{
    Dataset, Entity, Evidence, Kind, Modality, Relation, RelationType, Schema, TextSpan,
};

/// A label with everything that breaks a naive exporter: quotes, a
/// backslash, CR LF, a tab, markup, an entity-like `#35;`, `%%{`, a
/// backtick, `$`, `:`, `;`, `|`, emoji and a right-to-left override.
pub(super) const HOSTILE: &str =
    "Say \"Hi\" \\N\r\nnext\tline <b>&amp;</b> #35; %%{init}%% `x` $y$ a:b; c|d 🚀 \u{202E}evil";

fn origin() -> Origin {
    Origin::new(0, 0..0)
}

fn entity(id: &str, label: &str, kind: &str) -> Entity {
    Entity {
        id: id.to_owned(),
        label: label.to_owned(),
        kind: kind.to_owned(),
        aliases: vec![HOSTILE.to_owned(), "plain".to_owned()],
        description: HOSTILE.to_owned(),
        wikidata: Some("Q42".to_owned()),
        mentions: 2,
        origin: origin(),
    }
}

fn relation(id: &str, from: &str, to: &str, modality: Modality) -> Relation {
    Relation {
        id: id.to_owned(),
        from: from.to_owned(),
        relation_type: "mentions".to_owned(),
        to: to.to_owned(),
        modality,
        attributed_to: Vec::new(),
        negated: false,
        evidence: vec![Evidence {
            source: "memo".to_owned(),
            quote: HOSTILE.to_owned(),
            location: TextSpan {
                byte_start: 0,
                byte_end: 1,
                char_start: 0,
                char_end: 1,
                line: 1,
                column: 1,
            },
        }],
        note: Some(HOSTILE.to_owned()),
        date: Some("1990-05".to_owned()),
        origin: origin(),
    }
}

/// Entities `a-b`, `end` (a Mermaid keyword) and `x1`; one relation per
/// modality.
pub(super) fn hostile_graph() -> KnowledgeGraph {
    let schema = Schema {
        kinds: vec![Kind {
            name: "thing".to_owned(),
            description: HOSTILE.to_owned(),
            dot: [("fillcolor".to_owned(), "#dbe9f6".to_owned())].into(),
            origin: origin(),
        }],
        relation_types: vec![RelationType {
            name: "mentions".to_owned(),
            label: None,
            definition: HOSTILE.to_owned(),
            domain: vec!["thing".to_owned()],
            range: vec!["thing".to_owned()],
            symmetric: false,
            dot: Default::default(),
            origin: origin(),
        }],
    };
    KnowledgeGraph::new(Dataset {
        schema,
        sources: Vec::new(),
        entities: vec![
            entity("a-b", HOSTILE, "thing"),
            entity("end", "end", "thing"),
            entity("x1", "x1", "thing"),
        ],
        relations: vec![
            relation("r1", "a-b", "end", Modality::Actual),
            relation("r2", "end", "x1", Modality::Historical),
            relation("r3", "x1", "a-b", Modality::Proposed),
            relation("r4", "a-b", "a-b", Modality::Hypothetical),
            relation("r5", "end", "a-b", Modality::Recommended),
            Relation {
                attributed_to: vec!["end".to_owned(), "x1".to_owned()],
                negated: true,
                ..relation("r6", "x1", "end", Modality::Actual)
            },
        ],
        reviewed: Vec::new(),
        allowed: Vec::new(),
    })
}

/// Text for property tests: every character an exporter must escape or
/// replace (XML and JSON specials, C0 controls, DEL, C1, line separators,
/// U+FFFE and U+FFFF), characters next to those, and plain letters.
const ANY_TEXT: &str = "[a&<>\"'\\\\\t\n\r\u{0}-\u{1f}\u{7f}\u{85}\u{2028}\u{e000}\u{f000}\u{fffd}-\u{ffff}\u{1f680}é中]{0,12}";

/// [`hostile_graph`] with `texts` (nine) in every field that holds free
/// text, optional values present or absent by `flags`, and `number` in
/// the counts and offsets.
fn hostile_graph_with(texts: &[String], flags: [bool; 4], number: usize) -> KnowledgeGraph {
    let mut dataset = hostile_graph().dataset().clone();
    for entity in &mut dataset.entities {
        entity.label = texts[0].clone();
        entity.description = texts[1].clone();
        entity.aliases = if flags[0] {
            vec![texts[2].clone(), String::new()]
        } else {
            Vec::new()
        };
        entity.wikidata = flags[1].then(|| texts[3].clone());
        entity.mentions = number;
    }
    for relation in &mut dataset.relations {
        relation.note = flags[2].then(|| texts[4].clone());
        relation.date = flags[3].then(|| texts[5].clone());
        relation.negated = flags[0];
        if let Some(evidence) = relation.evidence.first_mut() {
            evidence.quote = texts[6].clone();
            evidence.source = texts[7].clone();
            evidence.location.byte_end = number;
            evidence.location.line = number;
        }
    }
    dataset.schema.relation_types[0].label = flags[1].then(|| texts[8].clone());
    KnowledgeGraph::new(dataset)
}

/// [`hostile_graph_with`] over any texts, flags and number: what the
/// property tests of the writers that format records directly hold to
/// their references.
pub(super) fn any_hostile_graph() -> impl proptest::strategy::Strategy<Value = KnowledgeGraph> {
    use proptest::prelude::*;
    (
        proptest::collection::vec(ANY_TEXT, 9),
        any::<[bool; 4]>(),
        any::<usize>(),
    )
        .prop_map(|(texts, flags, number)| hostile_graph_with(&texts, flags, number))
}
