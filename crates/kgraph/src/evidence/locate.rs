//! Locating the quotes of a dataset (evidence and reviewed passages): every
//! quote of one source in one pass, the sources on every core, and for each
//! quote not found exactly once a diagnostic that says why.

use rayon::prelude::*;

use super::{Located, SourceIndex};
use crate::diagnostic::{Diagnostic, Origin};
use crate::model::{Source, TextSpan};

/// Whether a quote may say which of its matches it means.
#[derive(Debug, Clone)]
pub(crate) enum Occurrence {
    /// A quote without `occurrence`: found once, or the diagnostic
    /// suggests the field.
    Unpicked,
    /// A quote with `occurrence = n`, written at `at`.
    Picked { n: i64, at: Origin },
}

/// One quote to find.
#[derive(Debug, Clone)]
pub(crate) struct QuoteQuery<'a> {
    /// The id of the source it is from.
    pub source: &'a str,
    /// The quote as the curator typed it.
    pub quote: &'a str,
    pub occurrence: Occurrence,
    /// Where the quote is written, for diagnostics.
    pub here: Origin,
}

/// Where one quote stands (the index of its source in `sources`, and the
/// span in its text), or why it stands nowhere.
type Placed = Result<(usize, TextSpan), Box<Diagnostic>>;

/// What became of one query: where the quote stands, or why it stands
/// nowhere (boxed: most quotes are found, and a diagnostic is large).
pub(crate) type Found = Option<Placed>;

/// Finds every quote in its source. One result per query, in order; `None`
/// for a quote whose source is not among `sources` (sorted by id), which
/// the caller reports. Each source is indexed once and searched on its own
/// core; results do not depend on how the work was spread.
pub(crate) fn locate_quotes(queries: &[QuoteQuery<'_>], sources: &[Source]) -> Vec<Found> {
    // Queries by source index; quotes of one source mostly come together,
    // so the last source found is tried before a search.
    let mut by_source: Vec<Vec<usize>> = vec![Vec::new(); sources.len()];
    let mut last: Option<(&str, usize)> = None;
    for (index, query) in queries.iter().enumerate() {
        let source = match last {
            Some((id, source)) if id == query.source => Some(source),
            _ => sources
                .binary_search_by(|source| source.id.as_str().cmp(query.source))
                .ok(),
        };
        if let Some(source) = source {
            last = Some((query.source, source));
            by_source[source].push(index);
        }
    }
    let mut results: Vec<Found> = vec![None; queries.len()];
    // The sources a group at a time, each group's results put in place
    // before the next is searched: all of them at once, beside `results`,
    // raised the peak of a five-million-quote load by 0.2 GB. A group
    // holds enough quotes to keep every core busy.
    let mut group_start = 0;
    while group_start < by_source.len() {
        let mut group_end = group_start;
        let mut group_quotes = 0;
        while group_end < by_source.len() && group_quotes < GROUP_QUOTES {
            group_quotes += by_source[group_end].len();
            group_end += 1;
        }
        let located: Vec<Vec<(usize, Placed)>> = by_source[group_start..group_end]
            .par_iter()
            .enumerate()
            .filter(|(_, places)| !places.is_empty())
            .map(|(offset, places)| {
                let source_index = group_start + offset;
                let source = &sources[source_index];
                let quotes: Vec<&str> = places.iter().map(|&q| queries[q].quote).collect();
                let index = SourceIndex::new(&source.text);
                places
                    .iter()
                    .zip(index.locate_all(&quotes))
                    .map(|(&q, located)| {
                        let placed = resolve(&queries[q], located, &source.id)
                            .map(|span| (source_index, span));
                        (q, placed)
                    })
                    .collect()
            })
            .collect();
        for (q, result) in located.into_iter().flatten() {
            results[q] = Some(result);
        }
        group_start = group_end;
    }
    results
}

/// How many quotes `locate_quotes` searches for between two scatters of
/// their results: enough that the cores rarely wait for the slowest
/// source of a group, few enough that the results held are small. The
/// library's tests search a few quotes at a time, so that their loads
/// cross many groups.
const GROUP_QUOTES: usize = if cfg!(test) { 3 } else { 1 << 16 };

/// The one place a query's quote stands, or the diagnostic for it.
fn resolve(
    query: &QuoteQuery<'_>,
    located: Located,
    source_id: &str,
) -> Result<TextSpan, Box<Diagnostic>> {
    let here = query.here.clone();
    match &query.occurrence {
        Occurrence::Picked { n, at } => choose_occurrence(located, *n, at, source_id, here),
        Occurrence::Unpicked => match located {
            Located::Unique(span) => Ok(span),
            other => Err(Box::new(quote_problem(other, source_id, here))),
        },
    }
}

/// The place an `occurrence = N` picks among a quote's matches, or why it
/// picks none.
fn choose_occurrence(
    located: Located,
    occurrence: i64,
    at: &Origin,
    source_id: &str,
    here: Origin,
) -> Result<TextSpan, Box<Diagnostic>> {
    let at = at.clone();
    match located {
        Located::Ambiguous(places) => usize::try_from(occurrence)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|index| places.get(index).copied())
            .ok_or_else(|| {
                Box::new(Diagnostic::error(format!(
                    "`occurrence = {}` is out of range: the quote occurs {} times in source `{source_id}`",
                    occurrence,
                    places.len()
                ))
                .code("occurrence-out-of-range")
                .at(at, format!("expected 1 to {}", places.len()))
                .at(here, "this quote")
                .note(list_places(&places)))
            }),
        Located::Unique(span) => Err(Box::new(Diagnostic::error(format!(
            "`occurrence` is given, but the quote occurs only once in source `{source_id}`"
        ))
        .code("occurrence-on-unique-quote")
        .at(at, "remove this field")
        .at(here, "found once")
        .note(format!("found at line {}, column {}", span.line, span.column)))),
        other => Err(Box::new(quote_problem(other, source_id, here))),
    }
}

/// Every place of a quote, for a note: `line:column` each, in text order.
fn list_places(places: &[TextSpan]) -> String {
    const SHOWN: usize = 10;
    let mut listed: Vec<String> = places
        .iter()
        .take(SHOWN)
        .enumerate()
        .map(|(index, span)| format!("{}: line {}, column {}", index + 1, span.line, span.column))
        .collect();
    if places.len() > SHOWN {
        listed.push(format!("and {} more", places.len() - SHOWN));
    }
    format!("occurrences: {}", listed.join("; "))
}

/// The diagnostic for a quote that was not found exactly once. Evidence
/// and reviewed passages can pick one occurrence of a repeated quote, so
/// the ambiguous case suggests the field.
fn quote_problem(located: Located, source_id: &str, here: Origin) -> Diagnostic {
    match located {
        Located::Ambiguous(places) => Diagnostic::error(format!(
            "quote found {} times in source `{source_id}`",
            places.len()
        ))
        .code("quote-ambiguous")
        .at(
            here,
            "ambiguous: make the quote longer, or add `occurrence = N`",
        )
        .note(list_places(&places))
        .note("`occurrence = 1` picks the first, `occurrence = 2` the second, and so on"),
        Located::NotFound(closest) => {
            let diagnostic = Diagnostic::error(format!("quote not found in source `{source_id}`"))
                .code("quote-not-found")
                .at(here, "not in the source text");
            match closest {
                Some(closest) => diagnostic.note(format!(
                    "closest passage, line {}: \"{}\"",
                    closest.span.line,
                    one_line(&closest.passage)
                )),
                None => diagnostic.note("no passage of the source resembles this quote"),
            }
        }
        Located::Empty | Located::Unique(_) => Diagnostic::error("empty quote")
            .code("empty-quote")
            .at(here, "quote is empty"),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
