//! The property records that the graph-database formats share.
//!
//! GraphML, Cypher, Kùzu and the Neo4j CSV files all store an entity as a
//! node with the properties of [`ENTITY_PROPERTIES`] and a relation as an
//! edge with the properties of [`RELATION_PROPERTIES`], in that order and
//! under those names, so a query written against one database works
//! against another. Each format maps [`Type`] to its own type names and
//! writes [`Value`]s with its own escaping.
//!
//! A relation may have several pieces of evidence. Property graphs cannot
//! hold a list of objects, so all of them go into `evidence` as a JSON
//! array (the objects of the JSON export), and the first one is also
//! flattened into `quote`, `source` and its offsets, which are what a
//! query usually wants.
//!
//! Every edge carries `negated` and `attributed_to` (a list property), so
//! that a query for facts can leave out denials and other people's claims:
//! `WHERE NOT r.negated AND size(r.attributed_to) = 0`.

use std::borrow::Cow;
use std::io;

use crate::model::{Entity, Relation, Schema};

use super::ExportError;

/// The type of a property, as each format declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Type {
    Text,
    Int,
    Bool,
    /// A list of strings: aliases, the ids a claim is attributed to.
    TextList,
}

/// One property value. `Null` stands for an absent optional value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value<'a> {
    Text(Cow<'a, str>),
    Int(usize),
    Bool(bool),
    TextList(&'a [String]),
    Null,
}

impl<'a> Value<'a> {
    fn text(text: &'a str) -> Value<'a> {
        Value::Text(Cow::Borrowed(text))
    }

    fn optional(text: Option<&'a str>) -> Value<'a> {
        text.map_or(Value::Null, Value::text)
    }
}

/// The label every node carries, and the name of Kùzu's node table.
pub(super) const ENTITY_LABEL: &str = "Entity";

/// Node properties after `id`, with their types.
pub(super) const ENTITY_PROPERTIES: [(&str, Type); 5] = [
    ("label", Type::Text),
    ("kind", Type::Text),
    ("aliases", Type::TextList),
    ("description", Type::Text),
    ("wikidata", Type::Text),
];

/// Edge properties after `id`, with their types.
pub(super) const RELATION_PROPERTIES: [(&str, Type); 16] = [
    ("type", Type::Text),
    ("type_label", Type::Text),
    ("modality", Type::Text),
    ("negated", Type::Bool),
    ("attributed_to", Type::TextList),
    ("note", Type::Text),
    ("date", Type::Text),
    ("quote", Type::Text),
    ("source", Type::Text),
    ("byte_start", Type::Int),
    ("byte_end", Type::Int),
    ("char_start", Type::Int),
    ("char_end", Type::Int),
    ("line", Type::Int),
    ("column", Type::Int),
    ("evidence", Type::Text),
];

/// The values of [`ENTITY_PROPERTIES`] for one entity, in order.
pub(super) fn entity_values(entity: &Entity) -> [Value<'_>; 5] {
    [
        Value::text(&entity.label),
        Value::text(&entity.kind),
        Value::TextList(&entity.aliases),
        Value::text(&entity.description),
        Value::optional(entity.wikidata.as_deref()),
    ]
}

/// The values of [`RELATION_PROPERTIES`] for one relation, in order; the
/// schema gives the relation type's label.
pub(super) fn relation_values<'a>(
    schema: &Schema,
    relation: &'a Relation,
) -> io::Result<[Value<'a>; 16]> {
    let first = relation.evidence.first();
    let offset = |get: fn(&crate::model::TextSpan) -> usize| {
        first.map_or(Value::Null, |evidence| Value::Int(get(&evidence.location)))
    };
    Ok([
        Value::text(&relation.relation_type),
        Value::Text(Cow::Owned(schema.type_label(&relation.relation_type))),
        Value::text(relation.modality.as_str()),
        Value::Bool(relation.negated),
        Value::TextList(&relation.attributed_to),
        Value::optional(relation.note.as_deref()),
        Value::optional(relation.date.as_deref()),
        Value::optional(first.map(|evidence| evidence.quote.as_str())),
        Value::optional(first.map(|evidence| evidence.source.as_str())),
        offset(|span| span.byte_start),
        offset(|span| span.byte_end),
        offset(|span| span.char_start),
        offset(|span| span.char_end),
        offset(|span| span.line),
        offset(|span| span.column),
        Value::Text(Cow::Owned(super::json::evidence_json(&relation.evidence)?)),
    ])
}

/// The node label for a kind: `state` -> `State`,
/// `international_organization` -> `InternationalOrganization`.
///
/// Kind names are `[a-z][a-z0-9_]*`, so the result is a plain identifier;
/// a name that does not give `[A-Z][A-Za-z0-9]*` (possible only in a
/// dataset built by hand) is refused.
pub(super) fn node_label(kind: &str) -> Result<String, ExportError> {
    let mut label = String::with_capacity(kind.len());
    for word in kind.split('_') {
        let mut characters = word.chars();
        if let Some(first) = characters.next() {
            label.extend(first.to_uppercase());
            label.extend(characters);
        }
    }
    let mut bytes = label.bytes();
    let valid = bytes.next().is_some_and(|b| b.is_ascii_uppercase())
        && bytes.all(|b| b.is_ascii_alphanumeric());
    if valid {
        Ok(label)
    } else {
        Err(ExportError::InvalidName {
            what: "kind",
            name: kind.to_owned(),
            expected: "[A-Z][A-Za-z0-9]* in UpperCamelCase",
        })
    }
}

/// The relationship type for a relation type: `seeks_membership` ->
/// `SEEKS_MEMBERSHIP`, checked against `[A-Z][A-Z0-9_]*`.
pub(super) fn relationship_type(name: &str) -> Result<String, ExportError> {
    let upper = name.to_ascii_uppercase();
    let mut bytes = upper.bytes();
    let valid = bytes.next().is_some_and(|b| b.is_ascii_uppercase())
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if valid {
        Ok(upper)
    } else {
        Err(ExportError::InvalidName {
            what: "relation type",
            name: name.to_owned(),
            expected: "[A-Z][A-Z0-9_]* in UPPER_SNAKE_CASE",
        })
    }
}

/// The backtick-quoted labels (or relationship types) of a few names,
/// derived once rather than once per record: a graph has a handful of
/// kinds and relation types and millions of records. A name that gives no
/// valid label keeps its error, returned when a record needs it.
pub(super) struct QuotedLabels<'a> {
    quoted: std::collections::BTreeMap<&'a str, Result<String, ExportError>>,
    derive: fn(&str) -> Result<String, ExportError>,
}

impl<'a> QuotedLabels<'a> {
    /// The labels `derive` gives the `names`, quoted by [`quote_name`].
    pub(super) fn new(
        names: impl IntoIterator<Item = &'a str>,
        derive: fn(&str) -> Result<String, ExportError>,
    ) -> QuotedLabels<'a> {
        let mut quoted = std::collections::BTreeMap::new();
        for name in names {
            quoted
                .entry(name)
                .or_insert_with(|| derive(name).map(|label| quote_name(&label)));
        }
        QuotedLabels { quoted, derive }
    }

    /// The quoted label of `name`.
    pub(super) fn get(&self, name: &str) -> Result<Cow<'_, str>, ExportError> {
        match self.quoted.get(name) {
            Some(Ok(label)) => Ok(Cow::Borrowed(label)),
            Some(Err(error)) => Err(error.clone()),
            None => (self.derive)(name).map(|label| Cow::Owned(quote_name(&label))),
        }
    }
}

/// Quotes an identifier (label, type, property or table name) in
/// backticks, doubling any backtick inside. Both Neo4j and Kùzu reject
/// reserved words such as `ORDER` or `DATE` as bare names; quoted, any
/// name is safe.
pub(super) fn quote_name(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_become_upper_camel_case_labels() {
        assert_eq!(node_label("state").unwrap(), "State");
        assert_eq!(
            node_label("international_organization").unwrap(),
            "InternationalOrganization"
        );
        assert_eq!(node_label("g7_member").unwrap(), "G7Member");
        assert!(node_label("").is_err());
        assert!(node_label("9lives").is_err());
        assert!(node_label("a:b").is_err());
    }

    #[test]
    fn relation_types_become_upper_snake_case() {
        assert_eq!(
            relationship_type("seeks_membership").unwrap(),
            "SEEKS_MEMBERSHIP"
        );
        assert_eq!(relationship_type("graph").unwrap(), "GRAPH");
        assert!(relationship_type("_x").is_err());
        assert!(relationship_type("a-b").is_err());
        assert!(relationship_type("a`b").is_err());
    }

    #[test]
    fn names_are_backtick_quoted() {
        assert_eq!(quote_name("ORDER"), "`ORDER`");
        assert_eq!(quote_name("a`b"), "`a``b`");
    }
}
