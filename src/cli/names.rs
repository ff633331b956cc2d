//! The library's named values (formats, dialects, engines, directions,
//! modalities) as clap arguments. The library knows no clap: each of its
//! enums lists `ALL` and a `name`, and [`named`] turns that list into a
//! value parser, so that `--format dott` gets clap's "a similar value
//! exists: 'dot'", `--help` lists the values and shell completions offer
//! them, as `clap::ValueEnum` would.

use clap::builder::{PossibleValuesParser, TypedValueParser};

/// A value parser that accepts exactly the names of `all`.
pub(super) fn named<T: Copy + Send + Sync + 'static>(
    all: &'static [T],
    name: fn(T) -> &'static str,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(all.iter().map(|&value| name(value))).map(move |chosen: String| {
        all.iter()
            .copied()
            .find(|&value| name(value) == chosen)
            .expect("the parser accepts only the names of `all`")
    })
}
