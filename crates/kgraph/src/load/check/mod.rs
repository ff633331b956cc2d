//! The analyzer: raw records to a validated dataset, every problem reported
//! with where it is and, where one fits, a suggestion. One file per kind of
//! record (schema, entities, sources, relations, reviewed passages and
//! allowances); the checks they share are here. Finding quotes is the job
//! of [`crate::evidence`], the grammar of ids that of [`crate::model::ids`].

mod entities;
mod ids;
mod relations;
mod reviewed;
mod schema;
mod sources;

pub(super) use entities::check_entities;
pub(crate) use entities::name_key;
pub(super) use relations::check_relations;
pub(super) use reviewed::{check_allowances, check_reviewed};
pub(super) use schema::check_schema;
pub(super) use sources::check_sources_metadata;

use std::collections::HashMap;

use super::raw::S;
use super::record::Spanned;
use crate::diagnostic::{Diagnostic, FileId, Origin};
use crate::evidence::Occurrence;
use crate::model::{DateError, PartialDate};

fn origin(file: FileId, value: &S) -> Origin {
    Origin::new(file, value.span.clone())
}

/// Which match of a quote is meant: the `occurrence` given in `file`, if
/// any (checked where the quote is located).
fn occurrence(file: FileId, given: &Option<Spanned<i64>>) -> Occurrence {
    match given {
        Some(occurrence) => Occurrence::Picked {
            n: occurrence.value,
            at: Origin::new(file, occurrence.span.clone()),
        },
        None => Occurrence::Unpicked,
    }
}

/// Reports a second definition of an id, pointing at both.
fn check_unique<'a, H: std::hash::BuildHasher>(
    seen: &mut HashMap<&'a str, Origin, H>,
    what: &str,
    id: &'a str,
    here: Origin,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    if let Some(first) = seen.get(id) {
        diagnostics.push(
            Diagnostic::error(format!("duplicate {what} `{id}`"))
                .code("duplicate-id")
                .at(here, "defined again here")
                .at(first.clone(), "first defined here"),
        );
        false
    } else {
        seen.insert(id, here);
        true
    }
}

fn check_not_empty(value: &S, file: FileId, what: &str, diagnostics: &mut Vec<Diagnostic>) {
    if value.value.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(format!("empty {what}"))
                .code("empty-value")
                .at(origin(file, value), format!("{what} is empty")),
        );
    }
}

fn check_date(date: &S, file: FileId, diagnostics: &mut Vec<Diagnostic>) {
    match PartialDate::parse(&date.value) {
        Ok(_) => {}
        Err(DateError::Malformed) => diagnostics.push(
            Diagnostic::error(format!("malformed date `{}`", date.value))
                .code("malformed-date")
                .at(
                    origin(file, date),
                    "expected `YYYY`, `YYYY-MM` or `YYYY-MM-DD`",
                ),
        ),
        Err(DateError::Impossible(why)) => diagnostics.push(
            Diagnostic::error(format!("impossible date `{}`", date.value))
                .code("impossible-date")
                .at(origin(file, date), "not a date in the calendar")
                .note(why),
        ),
    }
}
