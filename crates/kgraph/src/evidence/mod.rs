//! Finding evidence quotes in source texts.
//!
//! A curator types a quote; the source has the same words with other quote
//! marks, dashes or line breaks. Both sides are folded to one canonical form
//! (see [`fold`]) and matched there, but every result is mapped back to the
//! exact bytes of the original text, so that the offsets a consumer gets
//! always cut the verbatim passage out of the source.
//!
//! Each source is indexed once ([`SourceIndex`]) and all of its quotes are
//! found in one pass over its folded text (see `search`), so the cost is
//! linear in the text plus the quotes, not quotes times text.

mod fold;
mod locate;
mod search;

pub(crate) use fold::{Folded, fold, fold_quote, fold_quote_into};
pub(crate) use locate::{Found, Occurrence, QuoteQuery, locate_quotes};

use crate::model::TextSpan;

/// The folded form of one source text and what is needed to turn positions
/// in it back into positions in the original.
#[derive(Debug, Clone)]
pub(crate) struct SourceIndex<'t> {
    original: &'t str,
    folded: Folded,
    line_starts: Vec<usize>,
    /// Characters before each line start, so a char offset costs one line.
    line_char_starts: Vec<usize>,
}

/// What became of one quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Located {
    /// Found exactly once.
    Unique(TextSpan),
    /// Found at least twice: every place, in text order, up to
    /// [`MAX_OCCURRENCES`].
    Ambiguous(Vec<TextSpan>),
    /// Not found; the passage that resembles it most, if any does.
    NotFound(Option<Closest>),
    /// The quote is empty once whitespace is folded away.
    Empty,
}

/// The passage that shares the longest beginning or end with a quote that
/// was not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Closest {
    pub span: TextSpan,
    pub passage: String,
    /// How many characters of the quote, from its start or its end, match.
    pub matching_chars: usize,
}

/// How many places of one quote are kept: enough to pick any occurrence a
/// curator would count by hand, bounded so that a one-letter quote in a
/// large text does not hold a span per letter.
pub(crate) const MAX_OCCURRENCES: usize = 1000;

/// Texts too large for 32-bit offsets are refused rather than mis-indexed.
pub const MAX_TEXT_BYTES: usize = u32::MAX as usize - 1;

impl<'t> SourceIndex<'t> {
    /// Indexes a text. Panics never; texts over [`MAX_TEXT_BYTES`] must be
    /// refused by the caller.
    pub(crate) fn new(original: &'t str) -> SourceIndex<'t> {
        let folded = fold(original);
        let mut line_starts = vec![0];
        let mut line_char_starts = vec![0];
        let mut chars = 0;
        let mut line_start = 0;
        for newline in memchr::memchr_iter(b'\n', original.as_bytes()) {
            // Characters are the bytes that do not continue one.
            chars += count_chars(&original.as_bytes()[line_start..=newline]);
            line_start = newline + 1;
            line_starts.push(line_start);
            line_char_starts.push(chars);
        }
        SourceIndex {
            original,
            folded,
            line_starts,
            line_char_starts,
        }
    }

    /// Locates every quote in one pass over the text. The result has one
    /// entry per quote, in the same order.
    pub(crate) fn locate_all<S: AsRef<str>>(&self, quotes: &[S]) -> Vec<Located> {
        // Every quote folded into one buffer, each a range of it.
        let mut buffer = String::with_capacity(quotes.iter().map(|q| q.as_ref().len()).sum());
        let ranges: Vec<std::ops::Range<usize>> = quotes
            .iter()
            .map(|quote| {
                let start = buffer.len();
                fold_quote_into(quote.as_ref(), &mut buffer);
                start..buffer.len()
            })
            .collect();
        let folded = |quote: usize| &buffer[ranges[quote].clone()];
        // One pattern per distinct quote: duplicates would only slow the scan.
        let mut order: Vec<usize> = (0..quotes.len())
            .filter(|&quote| !ranges[quote].is_empty())
            .collect();
        order.sort_unstable_by(|&a, &b| folded(a).cmp(folded(b)));
        let mut pattern_of = vec![usize::MAX; quotes.len()];
        let mut patterns: Vec<&[u8]> = Vec::new();
        for &quote in &order {
            if patterns.last() != Some(&folded(quote).as_bytes()) {
                patterns.push(folded(quote).as_bytes());
            }
            pattern_of[quote] = patterns.len() - 1;
        }
        let starts = search::find_all(self.folded.text.as_bytes(), &patterns, MAX_OCCURRENCES);

        (0..quotes.len())
            .map(|quote| {
                let Some(pattern) = pattern_of.get(quote).filter(|&&p| p != usize::MAX) else {
                    return Located::Empty;
                };
                let length = patterns[*pattern].len();
                match starts[*pattern].as_slice() {
                    [] => Located::NotFound(self.closest(folded(quote))),
                    [only] => Located::Unique(self.span_of((*only, only + length))),
                    places => Located::Ambiguous(
                        places
                            .iter()
                            .map(|&start| self.span_of((start, start + length)))
                            .collect(),
                    ),
                }
            })
            .collect()
    }

    /// Maps a range of the folded text to a span of the original.
    fn span_of(&self, (start, end): (usize, usize)) -> TextSpan {
        let byte_start = self.folded.original_offset(start);
        let byte_end = self.folded.original_offset(end);
        let (line, column, char_start) = self.position(byte_start);
        let char_end = char_start + count_chars(&self.original.as_bytes()[byte_start..byte_end]);
        TextSpan {
            byte_start,
            byte_end,
            char_start,
            char_end,
            line,
            column,
        }
    }

    /// 1-based line and column, and the 0-based char offset, of a byte.
    fn position(&self, byte: usize) -> (usize, usize, usize) {
        let line = self.line_starts.partition_point(|&start| start <= byte) - 1;
        let column_chars = count_chars(&self.original.as_bytes()[self.line_starts[line]..byte]);
        (
            line + 1,
            column_chars + 1,
            self.line_char_starts[line] + column_chars,
        )
    }

    /// The passage sharing the longest prefix or suffix with a quote. Only
    /// called for quotes that were not found, so plain substring searches
    /// are fine here.
    fn closest(&self, quote: &str) -> Option<Closest> {
        let text = self.folded.text.as_str();
        let boundaries: Vec<usize> = quote
            .char_indices()
            .map(|(offset, _)| offset)
            .chain([quote.len()])
            .collect();
        // Longest prefix found: binary search over char boundaries, since a
        // prefix that is absent has no longer prefix present.
        let longest = |found: &dyn Fn(usize) -> bool| {
            let (mut low, mut high) = (0, boundaries.len() - 1);
            while low < high {
                let middle = (low + high).div_ceil(2);
                if found(middle) {
                    low = middle;
                } else {
                    high = middle - 1;
                }
            }
            low
        };
        let prefix_chars = longest(&|chars| text.contains(&quote[..boundaries[chars]]));
        let suffix_chars =
            longest(&|chars| text.contains(&quote[boundaries[boundaries.len() - 1 - chars]..]));
        // Below a few characters a "closest passage" is noise, not help.
        let minimum = 4.min(boundaries.len() - 1);
        if prefix_chars.max(suffix_chars) < minimum {
            return None;
        }
        let (start, end) = if prefix_chars >= suffix_chars {
            let start = text.find(&quote[..boundaries[prefix_chars]])?;
            (start, char_boundary_after(text, start + quote.len()))
        } else {
            let tail = &quote[boundaries[boundaries.len() - 1 - suffix_chars]..];
            let end = text.find(tail)? + tail.len();
            (
                char_boundary_before(text, end.saturating_sub(quote.len())),
                end,
            )
        };
        let span = self.span_of((start, end));
        Some(Closest {
            passage: self.original[span.byte_start..span.byte_end].to_owned(),
            span,
            matching_chars: prefix_chars.max(suffix_chars),
        })
    }
}

/// The characters in valid UTF-8 bytes: every byte but continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&byte| byte & 0xC0 != 0x80).count()
}

fn char_boundary_after(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

fn char_boundary_before(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Few can have been surprised.\nIt is often said that Ukraine and Georgia are \u{201c}being drawn into NATO,\u{201d} creating\nthe impression \u{2014} wrongly.";

    fn unique(located: &Located) -> TextSpan {
        match located {
            Located::Unique(span) => *span,
            other => panic!("expected a unique match, got {other:?}"),
        }
    }

    #[test]
    fn straight_quotes_and_line_breaks_match_the_exact_original_span() {
        let index = SourceIndex::new(TEXT);
        let quote = "Georgia are \"being drawn into NATO,\" creating the impression - wrongly";
        let span = unique(&index.locate_all(&[quote])[0]);
        let original = &TEXT[span.byte_start..span.byte_end];
        assert_eq!(
            original,
            "Georgia are \u{201c}being drawn into NATO,\u{201d} creating\nthe impression \u{2014} wrongly"
        );
        assert_eq!(span.line, 2);
        assert_eq!(span.column, 35);
        let chars_before = TEXT[..span.byte_start].chars().count();
        assert_eq!(span.char_start, chars_before);
        assert_eq!(span.char_end - span.char_start, original.chars().count());
    }

    #[test]
    fn a_quote_found_twice_is_ambiguous_and_an_absent_one_gets_the_closest_passage() {
        let index = SourceIndex::new("NATO said no. NATO said yes.");
        let results = index.locate_all(&["NATO said", "NATO said maybe", "   "]);
        assert!(
            matches!(&results[0], Located::Ambiguous(places) if places.len() == 2 && places[0].byte_start == 0 && places[1].byte_start == 14)
        );
        match &results[1] {
            Located::NotFound(Some(closest)) => {
                assert_eq!(closest.matching_chars, 10);
                assert!(closest.passage.starts_with("NATO said "), "{closest:?}");
            }
            other => panic!("expected a closest passage, got {other:?}"),
        }
        assert_eq!(results[2], Located::Empty);
    }

    #[test]
    fn columns_and_char_offsets_count_characters_not_bytes() {
        let text = "\u{0420}\u{043e}\u{0441}\u{0441}\u{0438}\u{044f} and NATO";
        let span = unique(&SourceIndex::new(text).locate_all(&["NATO"])[0]);
        assert_eq!((span.char_start, span.char_end, span.column), (11, 15, 12));
        assert_eq!(&text[span.byte_start..span.byte_end], "NATO");
    }
}
