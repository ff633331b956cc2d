//! Kinds and relation types: names, definitions, the kinds a type connects,
//! and the Graphviz style each may set.

use std::collections::HashMap;

use super::{check_not_empty, check_unique, origin};
use crate::diagnostic::{Diagnostic, FileId, suggest};
use crate::export::{KIND_DOT_ATTRIBUTES, TYPE_DOT_ATTRIBUTES};
use crate::load::raw::{RawDataset, S};
use crate::model::ids::is_name;
use crate::model::{DotStyle, Kind, RelationType, Schema};

pub(in crate::load) fn check_schema(raw: &RawDataset, diagnostics: &mut Vec<Diagnostic>) -> Schema {
    let mut seen = HashMap::new();
    let mut kinds = Vec::new();
    for kind in &raw.kinds {
        let file = kind.head.file;
        if !is_name(&kind.name.value) {
            diagnostics.push(
                Diagnostic::error(format!("invalid kind name `{}`", kind.name.value))
                    .code("invalid-name")
                    .at(origin(file, &kind.name), "expected `[a-z][a-z0-9_]*`"),
            );
        }
        if check_unique(
            &mut seen,
            "kind",
            &kind.name.value,
            origin(file, &kind.name),
            diagnostics,
        ) {
            kinds.push(Kind {
                name: kind.name.value.clone(),
                description: kind.description.value.clone(),
                dot: style(&kind.dot, file, &KIND_DOT_ATTRIBUTES, diagnostics),
                origin: kind.head.clone(),
            });
        }
    }
    let kind_names: Vec<&str> = raw
        .kinds
        .iter()
        .map(|kind| kind.name.value.as_str())
        .collect();
    let mut seen = HashMap::new();
    let mut relation_types = Vec::new();
    for ty in &raw.relation_types {
        let file = ty.head.file;
        if !is_name(&ty.name.value) {
            diagnostics.push(
                Diagnostic::error(format!("invalid relation type name `{}`", ty.name.value))
                    .code("invalid-name")
                    .at(origin(file, &ty.name), "expected `[a-z][a-z0-9_]*`"),
            );
        }
        check_not_empty(&ty.definition, file, "definition", diagnostics);
        if let Some(line_break) = ty.definition.value.find(['\n', '\r']) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the definition of relation type `{}` is more than one line",
                    ty.name.value
                ))
                .code("multiline-definition")
                .at(origin(file, &ty.definition), "holds a line break")
                .note(format!(
                    "a definition is one line, shown as a tooltip and a table cell; the line break is at character {}",
                    ty.definition.value[..line_break].chars().count() + 1
                ))
                .note("put longer explanations in a comment beside the relation type"),
            );
        }
        if let Some(label) = &ty.label {
            check_not_empty(label, file, "label", diagnostics);
            if label.value.contains(['\n', '\r']) {
                diagnostics.push(
                    Diagnostic::error("relation type label spans several lines")
                        .code("multiline-label")
                        .at(origin(file, label), "a label is one line")
                        .note("the label is drawn on edges and in legends"),
                );
            }
        }
        for kind in ty.domain.iter().chain(&ty.range) {
            if !kind_names.contains(&kind.value.as_str()) {
                diagnostics.push(
                    Diagnostic::unknown(
                        "kind",
                        &kind.value,
                        suggest(&kind.value, kind_names.iter().copied()),
                    )
                    .code("unknown-kind")
                    .at(origin(file, kind), "not a kind in the schema"),
                );
            }
        }
        if check_unique(
            &mut seen,
            "relation type",
            &ty.name.value,
            origin(file, &ty.name),
            diagnostics,
        ) {
            relation_types.push(RelationType {
                name: ty.name.value.clone(),
                label: ty.label.as_ref().map(|label| label.value.clone()),
                definition: ty.definition.value.clone(),
                domain: ty.domain.iter().map(|kind| kind.value.clone()).collect(),
                range: ty.range.iter().map(|kind| kind.value.clone()).collect(),
                symmetric: ty.symmetric,
                dot: style(&ty.dot, file, &TYPE_DOT_ATTRIBUTES, diagnostics),
                origin: ty.head.clone(),
            });
        }
    }
    kinds.sort_by(|a, b| a.name.cmp(&b.name));
    relation_types.sort_by(|a, b| a.name.cmp(&b.name));
    Schema {
        kinds,
        relation_types,
    }
}

/// The Graphviz attributes of a kind or relation type, keeping only those
/// `allowed` (the DOT writer decides which it honours).
fn style(
    file_pairs: &[(S, S)],
    file: FileId,
    allowed: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> DotStyle {
    let mut dot = DotStyle::new();
    for (key, value) in file_pairs {
        if allowed.contains(&key.value.as_str()) {
            dot.insert(key.value.clone(), value.value.clone());
        } else {
            diagnostics.push(
                Diagnostic::error(format!("unsupported DOT attribute `{}`", key.value))
                    .suggesting(suggest(&key.value, allowed.iter().copied()))
                    .code("unsupported-dot-attribute")
                    .at(origin(file, key), "not allowed here")
                    .note(format!("allowed: {}", allowed.join(", "))),
            );
        }
    }
    dot
}
