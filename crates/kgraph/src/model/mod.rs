//! The curated data types: schema, sources, entities, relations and their
//! evidence, as they stand after validation.
//!
//! Everything here is plain data. Loading and checking it is the job of
//! [`crate::load()`]; building a graph from it is the job of [`crate::KnowledgeGraph`].

mod date;
pub mod ids;
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
    /// Entity kinds, in file order.
    pub kinds: Vec<Kind>,
    /// Relation types, in file order.
    pub relation_types: Vec<RelationType>,
}

impl Schema {
    /// The kind named `name`, if the schema defines it.
    pub fn kind(&self, name: &str) -> Option<&Kind> {
        self.kinds.iter().find(|kind| kind.name == name)
    }

    /// The relation type named `name`, if the schema defines it.
    pub fn relation_type(&self, name: &str) -> Option<&RelationType> {
        self.relation_types.iter().find(|ty| ty.name == name)
    }

    /// The names of the relation types that read the same both ways, which
    /// walks and paths follow in either direction.
    pub fn symmetric_types(&self) -> std::collections::BTreeSet<&str> {
        self.relation_types
            .iter()
            .filter(|ty| ty.symmetric)
            .map(|ty| ty.name.as_str())
            .collect()
    }

    /// Whether relations of this type read the same both ways (false for a
    /// type the schema does not define).
    pub fn is_symmetric(&self, name: &str) -> bool {
        self.relation_type(name).is_some_and(|ty| ty.symmetric)
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
    /// The kind's name (`[a-z][a-z0-9_]*`), as entities refer to it.
    pub name: String,
    /// What the kind covers, for curators and exports.
    pub description: String,
    /// How nodes of this kind are drawn in DOT (checked against an allow-list).
    pub dot: DotStyle,
    /// Where the kind is declared in the schema file.
    pub origin: Origin,
}

/// A relation type with the kinds it may connect.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RelationType {
    /// The type's name (`[a-z][a-z0-9_]*`): the identifier relations use and every export writes.
    pub name: String,
    /// The words shown to readers, such as `seeks membership of`; the name
    /// stays the identifier in every export.
    pub label: Option<String>,
    /// What the relation means, for curators and exports.
    pub definition: String,
    /// The kinds a relation's `from` entity may have; never empty.
    pub domain: Vec<String>,
    /// The kinds a relation's `to` entity may have; never empty.
    pub range: Vec<String>,
    /// A symmetric relation means the same read in both directions, such as
    /// `borders`; it is stored once.
    pub symmetric: bool,
    /// How edges of this type are drawn in DOT (checked against an allow-list).
    pub dot: DotStyle,
    /// Where the type is declared in the schema file.
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
    /// The source's id, a slug (`[a-z0-9]+(-[a-z0-9]+)*`) that evidence cites.
    pub id: String,
    /// The document's title.
    pub title: String,
    /// Who wrote it.
    pub author: String,
    /// When the text was first published: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date: String,
    /// The date shown on the copy that was kept, when it differs from the
    /// first publication (a republication, an archived page).
    pub copy_date: Option<String>,
    /// Where the kept copy came from, when it is not `url`.
    pub copy_url: Option<String>,
    /// Who published it.
    pub publisher: String,
    /// Where the original is published, if online.
    pub url: Option<String>,
    /// The curator's notes on the source.
    pub notes: Option<String>,
    /// Path of the text file, relative to the data directory, with `/`
    /// separators so that it is the same on every machine.
    pub text_path: String,
    /// The SHA-256 of the text file's bytes, in lowercase hex, as recorded in
    /// the metadata and checked against the file on every load.
    pub sha256: String,
    /// The verbatim text, which evidence offsets index into.
    pub text: String,
    /// Where the source is declared (its metadata file).
    pub origin: Origin,
}

/// Something the sources talk about: a state, an organization, a treaty...
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entity {
    /// The entity's id, a slug (`[a-z0-9]+(-[a-z0-9]+)*`) that relations refer to.
    pub id: String,
    /// The name readers see; not empty.
    pub label: String,
    /// Its kind, one the schema defines.
    pub kind: String,
    /// Other names the sources use for it, metonyms included.
    pub aliases: Vec<String>,
    /// A one-line description; empty when the file gives none.
    pub description: String,
    /// Its Wikidata item id (`Q` and digits), if it has one.
    pub wikidata: Option<String>,
    /// How often the sources mention the entity by its label or an alias.
    /// [`crate::load()`] leaves it at 0: counting scans every source text,
    /// so only what shows it calls [`crate::coverage::count_mentions`].
    pub mentions: usize,
    /// Where the entity is declared.
    pub origin: Origin,
}

/// A typed, directed statement between two entities, backed by evidence.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Relation {
    /// The relation's id: given in the file, or derived from its endpoints,
    /// type, claim and evidence (stable when other relations change).
    pub id: String,
    /// The id of the entity the relation goes from.
    pub from: String,
    /// The name of its relation type, one the schema defines.
    pub relation_type: String,
    /// The id of the entity the relation goes to.
    pub to: String,
    /// How the source states it: as fact, history, proposal, hypothesis or recommendation.
    pub modality: Modality,
    /// The entities whose claim, proposal, demand or belief this is, when
    /// the source reports it as someone else's view; empty when the source
    /// states it in its author's own voice.
    pub attributed_to: Vec<String>,
    /// The source says this relation does *not* hold.
    pub negated: bool,
    /// The verbatim quotes that back it, at least one, each located in its source.
    pub evidence: Vec<Evidence>,
    /// The curator's note on the relation.
    pub note: Option<String>,
    /// When the relation holds or held, if the source says: `YYYY`, `YYYY-MM`
    /// or `YYYY-MM-DD`, a real calendar date.
    pub date: Option<String>,
    /// Where the relation is declared.
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
    /// The id of the source the quote is from.
    pub source: String,
    /// The quote exactly as it stands in the source text (which may differ
    /// from what the curator typed in quote marks, dashes and whitespace).
    pub quote: String,
    /// Where the quote stands in the source's text.
    pub location: TextSpan,
}

/// Where a passage stands in a text. Offsets are 0-based and end-exclusive;
/// line and column are 1-based, the column counted in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TextSpan {
    /// Offset of the first byte.
    pub byte_start: usize,
    /// Offset one past the last byte.
    pub byte_end: usize,
    /// Offset of the first character (Unicode scalar value).
    pub char_start: usize,
    /// Offset one past the last character.
    pub char_end: usize,
    /// Line of the first character, 1-based.
    pub line: usize,
    /// Column of the first character on its line, 1-based, in characters.
    pub column: usize,
}

/// A passage a curator reviewed and decided to leave without a relation,
/// with the reason; coverage stops reporting sentences that overlap it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Reviewed {
    /// The id of the source the passage is from.
    pub source: String,
    /// The passage exactly as it stands in the source text.
    pub quote: String,
    /// Where the passage stands in the source's text.
    pub location: TextSpan,
    /// Why it carries no relation.
    pub reason: String,
    /// Where the review is declared in `reviewed.toml`.
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
    /// Why the warning is allowed; required, so that the next curator knows.
    pub reason: String,
    /// Where the allowance is declared in `reviewed.toml`.
    pub origin: Origin,
}

/// A validated dataset. Every list is sorted by id (reviewed passages by
/// source and position).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Dataset {
    /// The kinds and relation types.
    pub schema: Schema,
    /// The sources, sorted by id.
    pub sources: Vec<Source>,
    /// The entities, sorted by id.
    pub entities: Vec<Entity>,
    /// The relations, sorted by id.
    pub relations: Vec<Relation>,
    /// The passages reviewed and left without a relation, by source and position.
    pub reviewed: Vec<Reviewed>,
    /// Lint warnings allowed in `reviewed.toml`, in file order.
    pub allowed: Vec<Allowance>,
}

impl Dataset {
    /// The entity with this id, found by binary search (the list is sorted by id).
    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.entities
            .binary_search_by(|entity| entity.id.as_str().cmp(id))
            .ok()
            .map(|index| &self.entities[index])
    }

    /// The source with this id, found by binary search (the list is sorted by id).
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources
            .binary_search_by(|source| source.id.as_str().cmp(id))
            .ok()
            .map(|index| &self.sources[index])
    }
}
