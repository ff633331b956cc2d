//! The curated data types: schema, sources, entities, relations and their
//! evidence, as they stand after validation.
//!
//! Everything here is plain data. Loading and checking it is the job of
//! [`crate::load()`]; building a graph from it is the job of [`crate::graph`].

mod date;
mod modality;

pub use date::{DateError, PartialDate};
pub use modality::Modality;

use std::collections::BTreeMap;

use crate::diagnostic::Origin;

/// Graphviz attributes (name to value) that style a kind or a relation type.
pub type DotStyle = BTreeMap<String, String>;

/// The controlled vocabulary of a dataset: entity kinds and relation types.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Schema {
    pub kinds: Vec<Kind>,
    pub relation_types: Vec<RelationType>,
}

impl Schema {
    pub fn kind(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|kind| kind.name == name)
    }

    pub fn relation_type(&self, name: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|ty| ty.name == name)
    }

    /// The words a reader sees for a relation type: its `label`, or its
    /// name with underscores turned into spaces (also for a type the schema
    /// does not define, so that callers never have to special-case it).
    pub fn type_label(&self, name: &str) -> String {
        match self.relation_type(name) {
            Some(ty) => ty.display_label(),
            None => name.replace('_', " "),
        }
    }

    /// What pictures and viewers print on a relation's edge: its type's
    /// label, after `not: ` when the relation is negated, so that no
    /// picture shows a denial as a fact.
    pub fn caption(&self, relation: &Relation) -> String {
        let label = self.type_label(&relation.relation_type);
        if relation.negated {
            format!("not: {label}")
        } else {
            label
        }
    }
}

/// A kind of entity, such as `state` or `treaty`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Kind {
    pub name: String,
    pub description: String,
    pub dot: DotStyle,
    pub origin: Origin,
}

/// A relation type with the kinds it may connect.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RelationType {
    pub name: String,
    /// The words shown to readers, such as `seeks membership of`; the name
    /// stays the identifier in every export.
    pub label: Option<String>,
    pub definition: String,
    pub domain: Vec<String>,
    pub range: Vec<String>,
    /// A symmetric relation means the same read in both directions, such as
    /// `borders`; it is stored once.
    pub symmetric: bool,
    pub dot: DotStyle,
    pub origin: Origin,
}

impl RelationType {
    /// The label, or the name with underscores turned into spaces.
    pub fn display_label(&self) -> String {
        match &self.label {
            Some(label) => label.clone(),
            None => self.name.replace('_', " "),
        }
    }
}

/// A source document with its verbatim text.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    pub author: String,
    /// When the text was first published: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// The date shown on the copy that was kept, when it differs from the
    /// first publication (a republication, an archived page).
    pub copy_date: Option<String>,
    /// Where the kept copy came from, when it is not `url`.
    pub copy_url: Option<String>,
    pub publisher: String,
    pub url: Option<String>,
    pub notes: Option<String>,
    /// Path of the text file, relative to the data directory, with `/`
    /// separators so that it is the same on every machine.
    pub text_path: String,
    pub sha256: String,
    pub text: String,
    pub origin: Origin,
}

/// Something the sources talk about: a state, an organization, a treaty...
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entity {
    pub id: String,
    pub label: String,
    pub kind: String,
    pub aliases: Vec<String>,
    pub description: String,
    pub wikidata: Option<String>,
    /// How often the sources mention the entity by its label or an alias.
    /// [`crate::load()`] leaves it at 0: counting scans every source text,
    /// so only what shows it calls [`crate::coverage::count_mentions`].
    pub mentions: usize,
    pub origin: Origin,
}

/// A typed, directed statement between two entities, backed by evidence.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Relation {
    pub id: String,
    pub from: String,
    pub relation_type: String,
    pub to: String,
    pub modality: Modality,
    /// The entities whose claim, proposal, demand or belief this is, when
    /// the source reports it as someone else's view; empty when the source
    /// states it in its author's own voice.
    pub attributed_to: Vec<String>,
    /// The source says this relation does *not* hold.
    pub negated: bool,
    pub evidence: Vec<Evidence>,
    pub note: Option<String>,
    pub date: Option<String>,
    pub origin: Origin,
}

impl Relation {
    /// True when the source asserts the relation as a fact in its own voice:
    /// actual or historical, not negated, attributed to no one. Exports that
    /// write plain facts (RDF's direct triples) write only these.
    pub fn is_asserted_fact(&self) -> bool {
        matches!(self.modality, Modality::Actual | Modality::Historical)
            && !self.negated
            && self.attributed_to.is_empty()
    }
}

/// A verbatim quote from a source, resolved to its exact place in the text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Evidence {
    pub source: String,
    /// The quote exactly as it stands in the source text (which may differ
    /// from what the curator typed in quote marks, dashes and whitespace).
    pub quote: String,
    pub location: TextSpan,
}

/// Where a passage stands in a text. Offsets are 0-based and end-exclusive;
/// line and column are 1-based, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TextSpan {
    pub byte_start: usize,
    pub byte_end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub line: usize,
    pub column: usize,
}

/// A passage a curator reviewed and decided to leave without a relation,
/// with the reason; coverage stops reporting sentences that overlap it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Reviewed {
    pub source: String,
    pub quote: String,
    pub location: TextSpan,
    pub reason: String,
    pub origin: Origin,
}

/// A lint warning a curator has looked at and allowed, with the reason:
/// `kg lint` no longer reports it, so `--deny-warnings` can guard a real
/// corpus.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Allowance {
    /// The lint's code, such as `alias-inside-name`.
    pub code: String,
    /// The entity, relation, relation type, kind or source it is allowed
    /// for; `None` allows the lint everywhere.
    pub subject: Option<String>,
    pub reason: String,
    pub origin: Origin,
}

/// A validated dataset. Every list is sorted by id (reviewed passages by
/// source and position).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Dataset {
    pub schema: Schema,
    pub sources: Vec<Source>,
    pub entities: Vec<Entity>,
    pub relations: Vec<Relation>,
    pub reviewed: Vec<Reviewed>,
    /// Lint warnings allowed in `reviewed.toml`, in file order.
    pub allowed: Vec<Allowance>,
}

impl Dataset {
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities
            .binary_search_by(|entity| entity.id.as_str().cmp(id))
            .ok()
            .map(|index| &self.entities[index])
    }

    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources
            .binary_search_by(|source| source.id.as_str().cmp(id))
            .ok()
            .map(|index| &self.sources[index])
    }
}
