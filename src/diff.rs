//! What changed between two versions of a graph, record by record and field
//! by field, so that a review shows meaning rather than file lines.
//!
//! Both sides are node-link JSON (what [`crate::Format::Json`] writes, or a
//! `graph.json` read back), so a data directory and a built file compare
//! alike. Records are matched by id: kinds and relation types by name,
//! sources and entities by id, relations by their id; a relation whose
//! derived id changed (because its modality or evidence did) is matched by
//! its endpoints and type when exactly one relation on each side has them.
//! Quotes are compared by source and text, not by position: a quote that
//! moved because the text around it changed has not changed.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

/// Where a quote stands in its text: derived from the text, so not compared.
const POSITION_FIELDS: [&str; 6] = [
    "byte_start",
    "byte_end",
    "char_start",
    "char_end",
    "line",
    "column",
];

/// Every difference between two graphs, one section per kind of record.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GraphDiff {
    pub sections: Vec<Section>,
}

impl GraphDiff {
    pub fn is_empty(&self) -> bool {
        self.sections.iter().all(Section::is_empty)
    }
}

/// The records of one kind (entities, say) added, removed and changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section {
    /// Singular and lowercase: `entity`, `relation type`.
    pub record: &'static str,
    /// Whole records as in the node-link JSON, sorted by id.
    pub added: Vec<Map<String, Value>>,
    pub removed: Vec<Map<String, Value>>,
    pub changed: Vec<Changed>,
}

impl Section {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// A record on both sides whose fields differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub id: String,
    /// The id on the new side, when the record was matched otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_id: Option<String>,
    /// The whole record on the new side, for context.
    pub record: Map<String, Value>,
    pub fields: Vec<FieldChange>,
}

/// How one field changed: a value replaced, or items of a list added and
/// removed (aliases, evidence, domain and range).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldChange {
    Value {
        field: String,
        /// `null` when the field is absent on that side.
        old: Value,
        new: Value,
    },
    Items {
        field: String,
        added: Vec<Value>,
        removed: Vec<Value>,
    },
}

/// Why a document cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    #[error("not kgraph node-link JSON: no `{0}` list")]
    MissingList(&'static str),
    #[error("not kgraph node-link JSON: a record in `{list}` has no string `{key}`")]
    MissingKey {
        list: &'static str,
        key: &'static str,
    },
}

/// One kind of record: its name, where its list is, and its id field.
struct Layout {
    record: &'static str,
    path: &'static [&'static str],
    key: &'static str,
}

const LAYOUTS: [Layout; 5] = [
    Layout {
        record: "kind",
        path: &["graph", "schema", "kinds"],
        key: "name",
    },
    Layout {
        record: "relation type",
        path: &["graph", "schema", "relation_types"],
        key: "name",
    },
    Layout {
        record: "source",
        path: &["graph", "sources"],
        key: "id",
    },
    Layout {
        record: "entity",
        path: &["nodes"],
        key: "id",
    },
    Layout {
        record: "relation",
        path: &["edges"],
        key: "key",
    },
];

/// Compares two node-link documents.
pub fn diff(old: &Value, new: &Value) -> Result<GraphDiff, DiffError> {
    let sections = LAYOUTS
        .iter()
        .map(|layout| {
            let old = records(old, layout)?;
            let new = records(new, layout)?;
            Ok(diff_section(layout, old, new))
        })
        .collect::<Result<_, DiffError>>()?;
    Ok(GraphDiff { sections })
}

fn records(
    document: &Value,
    layout: &Layout,
) -> Result<BTreeMap<String, Map<String, Value>>, DiffError> {
    let list_name = *layout.path.last().expect("a path has a last part");
    let list = layout
        .path
        .iter()
        .try_fold(document, |value, part| value.get(part))
        .and_then(Value::as_array)
        .ok_or(DiffError::MissingList(list_name))?;
    list.iter()
        .map(|record| {
            let fields = record.as_object();
            let id = fields
                .and_then(|fields| fields.get(layout.key))
                .and_then(Value::as_str)
                .ok_or(DiffError::MissingKey {
                    list: list_name,
                    key: layout.key,
                })?;
            Ok((id.to_owned(), normalized(fields.expect("checked above"))))
        })
        .collect()
}

/// A record with its evidence stripped of positions.
fn normalized(record: &Map<String, Value>) -> Map<String, Value> {
    let mut record = record.clone();
    if let Some(Value::Array(evidence)) = record.get_mut("evidence") {
        for item in evidence {
            if let Value::Object(item) = item {
                for field in POSITION_FIELDS {
                    item.remove(field);
                }
            }
        }
    }
    record
}

fn diff_section(
    layout: &Layout,
    mut old: BTreeMap<String, Map<String, Value>>,
    mut new: BTreeMap<String, Map<String, Value>>,
) -> Section {
    let mut changed = Vec::new();
    let shared: Vec<String> = old
        .keys()
        .filter(|id| new.contains_key(*id))
        .cloned()
        .collect();
    for id in shared {
        let before = old.remove(&id).expect("shared");
        let after = new.remove(&id).expect("shared");
        let fields = diff_fields(layout.key, &before, &after);
        if !fields.is_empty() {
            changed.push(Changed {
                id,
                new_id: None,
                record: after,
                fields,
            });
        }
    }
    if layout.record == "relation" {
        pair_by_endpoints(layout.key, &mut old, &mut new, &mut changed);
    }
    changed.sort_by(|a, b| a.id.cmp(&b.id));
    Section {
        record: layout.record,
        added: new.into_values().collect(),
        removed: old.into_values().collect(),
        changed,
    }
}

/// Matches a removed and an added relation with the same endpoints and
/// type, when they are the only ones so: a derived id changes with the
/// modality and evidence, and these are changes to one relation.
fn pair_by_endpoints(
    key: &str,
    old: &mut BTreeMap<String, Map<String, Value>>,
    new: &mut BTreeMap<String, Map<String, Value>>,
    changed: &mut Vec<Changed>,
) {
    let triple = |record: &Map<String, Value>| {
        ["source", "type", "target"].map(|field| {
            record
                .get(field)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        })
    };
    let group = |records: &BTreeMap<String, Map<String, Value>>| {
        let mut groups: BTreeMap<[String; 3], Vec<String>> = BTreeMap::new();
        for (id, record) in records {
            groups.entry(triple(record)).or_default().push(id.clone());
        }
        groups
    };
    let old_groups = group(old);
    let new_groups = group(new);
    for (endpoints, old_ids) in old_groups {
        let Some(new_ids) = new_groups.get(&endpoints) else {
            continue;
        };
        let ([old_id], [new_id]) = (old_ids.as_slice(), new_ids.as_slice()) else {
            continue;
        };
        let before = old.remove(old_id).expect("grouped from old");
        let after = new.remove(new_id).expect("grouped from new");
        changed.push(Changed {
            id: old_id.clone(),
            new_id: Some(new_id.clone()),
            fields: diff_fields(key, &before, &after),
            record: after,
        });
    }
}

fn diff_fields(key: &str, old: &Map<String, Value>, new: &Map<String, Value>) -> Vec<FieldChange> {
    let mut names: Vec<&String> = old.keys().chain(new.keys()).collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .filter(|name| name.as_str() != key)
        .filter_map(|name| {
            let before = old.get(name).unwrap_or(&Value::Null);
            let after = new.get(name).unwrap_or(&Value::Null);
            if before == after {
                return None;
            }
            Some(match (before, after) {
                (Value::Array(before), Value::Array(after)) => FieldChange::Items {
                    field: name.clone(),
                    added: missing_from(after, before),
                    removed: missing_from(before, after),
                },
                _ => FieldChange::Value {
                    field: name.clone(),
                    old: before.clone(),
                    new: after.clone(),
                },
            })
        })
        .collect()
}

/// The items of `list` that `other` lacks, in `list`'s order.
fn missing_from(list: &[Value], other: &[Value]) -> Vec<Value> {
    list.iter()
        .filter(|item| !other.contains(item))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn graph(nodes: Value, edges: Value) -> Value {
        json!({"graph": {"sources": [], "schema": {"kinds": [], "relation_types": []}},
               "nodes": nodes, "edges": edges})
    }

    #[test]
    fn a_graph_compared_with_itself_has_no_difference() {
        let g = graph(
            json!([{"id": "a", "label": "A"}]),
            json!([{"key": "a.r.a.1", "source": "a", "type": "r", "target": "a"}]),
        );
        assert!(diff(&g, &g).unwrap().is_empty());
    }

    #[test]
    fn moved_quotes_are_no_change_and_a_new_derived_id_is_a_change() {
        let old = graph(
            json!([{"id": "a", "aliases": ["x"]}]),
            json!([{"key": "a.r.b.1", "source": "a", "type": "r", "target": "b", "modality": "actual",
                    "evidence": [{"source": "s", "quote": "q", "byte_start": 1}]}]),
        );
        let new = graph(
            json!([{"id": "a", "aliases": ["y"]}]),
            json!([{"key": "a.r.b.2", "source": "a", "type": "r", "target": "b", "modality": "proposed",
                    "evidence": [{"source": "s", "quote": "q", "byte_start": 9}]}]),
        );
        let diff = diff(&old, &new).unwrap();
        let entities = &diff.sections[3];
        assert_eq!(
            entities.changed[0].fields,
            [FieldChange::Items {
                field: "aliases".into(),
                added: vec![json!("y")],
                removed: vec![json!("x")]
            }]
        );
        let relations = &diff.sections[4];
        assert!(relations.added.is_empty() && relations.removed.is_empty());
        assert_eq!(relations.changed[0].new_id.as_deref(), Some("a.r.b.2"));
        assert_eq!(
            relations.changed[0].fields,
            [FieldChange::Value {
                field: "modality".into(),
                old: json!("actual"),
                new: json!("proposed")
            }]
        );
    }

    #[test]
    fn a_document_without_nodes_is_refused() {
        let error = diff(&json!({}), &json!({})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "not kgraph node-link JSON: no `kinds` list"
        );
    }
}
