//! `reviewed.toml`: passages reviewed and left without a relation (their
//! quotes located like evidence), and lint warnings allowed with a reason.

use std::collections::HashSet;

use super::{check_not_empty, occurrence, origin};
use crate::diagnostic::{Diagnostic, suggest};
use crate::evidence::{QuoteQuery, locate_quotes};
use crate::load::raw::RawDataset;
use crate::model::{Allowance, Entity, Relation, Reviewed, Schema, Source};

/// Checks `[[allow]]` entries: a known lint, and a subject that names
/// something in the dataset.
pub(in crate::load) fn check_allowances(
    raw: &RawDataset,
    schema: &Schema,
    entities: &[Entity],
    relations: &[Relation],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Allowance> {
    let codes = || crate::diagnostic::LINTS.iter().map(|(code, _)| *code);
    let mut allowed = Vec::new();
    for item in &raw.allowed {
        check_not_empty(&item.reason, item.file, "reason", diagnostics);
        if !codes().any(|code| code == item.lint.value) {
            diagnostics.push(
                Diagnostic::unknown("lint", &item.lint.value, suggest(&item.lint.value, codes()))
                    .code("unknown-lint")
                    .at(origin(item.file, &item.lint), "not a lint of `kg lint`")
                    .note(format!("lints: {}", codes().collect::<Vec<_>>().join(", "))),
            );
            continue;
        }
        if let Some(subject) = &item.subject {
            let known = entities.iter().any(|e| e.id == subject.value)
                || relations.iter().any(|r| r.id == subject.value)
                || schema.relation_type(&subject.value).is_some()
                || schema.kind(&subject.value).is_some()
                || sources.iter().any(|s| s.id == subject.value);
            // Unknown only when every file it could name was read.
            if !known && raw.entities_complete && raw.schema_complete && raw.sources_complete {
                let names = entities
                    .iter()
                    .map(|e| e.id.as_str())
                    .chain(relations.iter().map(|r| r.id.as_str()))
                    .chain(schema.relation_types.iter().map(|t| t.name.as_str()))
                    .chain(schema.kinds.iter().map(|k| k.name.as_str()))
                    .chain(sources.iter().map(|s| s.id.as_str()));
                diagnostics.push(
                    Diagnostic::unknown("subject", &subject.value, suggest(&subject.value, names))
                        .code("unknown-subject")
                        .at(
                            origin(item.file, subject),
                            "no entity, relation, relation type, kind or source has this id",
                        ),
                );
                continue;
            }
        }
        allowed.push(Allowance {
            code: item.lint.value.clone(),
            subject: item.subject.as_ref().map(|s| s.value.clone()),
            reason: item.reason.value.clone(),
            origin: item.head.clone(),
        });
    }
    allowed
}

/// Locates the quotes of reviewed passages, as evidence quotes are located:
/// found once, or the one `occurrence` picks.
pub(in crate::load) fn check_reviewed(
    raw: &RawDataset,
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Reviewed> {
    let declared: HashSet<&str> = raw
        .sources
        .iter()
        .map(|source| source.id.value.as_str())
        .collect();
    let mut queries = Vec::new();
    let mut items = Vec::new();
    for item in &raw.reviewed {
        check_not_empty(&item.reason, item.file, "reason", diagnostics);
        let id = item.source.value.as_str();
        if sources
            .binary_search_by(|source| source.id.as_str().cmp(id))
            .is_ok()
        {
            queries.push(QuoteQuery {
                source: id,
                quote: &item.quote.value,
                occurrence: occurrence(item.file, &item.occurrence),
                here: origin(item.file, &item.quote),
            });
            items.push(item);
        } else if !declared.contains(id) && raw.sources_complete {
            diagnostics.push(
                Diagnostic::unknown(
                    "source",
                    id,
                    suggest(id, sources.iter().map(|source| source.id.as_str())),
                )
                .code("unknown-source")
                .at(origin(item.file, &item.source), "no source has this id"),
            );
        }
    }
    let mut reviewed = Vec::new();
    for (item, found) in items.into_iter().zip(locate_quotes(&queries, sources)) {
        match found {
            Some(Ok((source, span))) => {
                let source = &sources[source];
                reviewed.push(Reviewed {
                    source: source.id.clone(),
                    quote: source.text[span.byte_start..span.byte_end].to_owned(),
                    location: span,
                    reason: item.reason.value.clone(),
                    origin: item.head.clone(),
                });
            }
            Some(Err(diagnostic)) => diagnostics.push(*diagnostic),
            None => {}
        }
    }
    reviewed.sort_by(|a, b| {
        (&a.source, a.location.byte_start).cmp(&(&b.source, b.location.byte_start))
    });
    reviewed
}
