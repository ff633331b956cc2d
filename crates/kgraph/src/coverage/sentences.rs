//! Sentences of a source text: Unicode sentence boundaries (UAX #29, from
//! `unicode-segmentation`), corrected so that abbreviations such as "U.S."
//! or "e.g." do not end a sentence.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// Abbreviations that end with a period but rarely end a sentence.
const ABBREVIATIONS: [&str; 22] = [
    "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.", "St.", "Jr.", "Sr.", "Gen.", "Col.", "Lt.", "Sgt.",
    "Gov.", "Sen.", "Rep.", "No.", "vs.", "e.g.", "i.e.", "etc.", "Inc.", "Ltd.",
];

/// True for "U.S.", "U.K.", "E.U.": two or more capital letters, each with
/// its period.
fn is_initialism(token: &str) -> bool {
    let mut letters = 0;
    let mut characters = token.chars();
    while let Some(letter) = characters.next() {
        if !letter.is_uppercase() || characters.next() != Some('.') {
            return false;
        }
        letters += 1;
    }
    letters >= 2
}

fn ends_with_abbreviation(sentence: &str) -> bool {
    let last = sentence.split_whitespace().last().unwrap_or("");
    // "(U.S." or "the U.S." both end in the token itself.
    let token = last.trim_start_matches(|c: char| !c.is_alphanumeric());
    is_initialism(token) || ABBREVIATIONS.contains(&token)
}

/// Byte ranges of the sentences of `text`, without surrounding whitespace;
/// blank stretches are skipped.
pub(crate) fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut merge_next = false;
    for (offset, piece) in text.split_sentence_bound_indices() {
        let trimmed_start = offset + (piece.len() - piece.trim_start().len());
        let end = offset + piece.trim_end().len();
        if end <= trimmed_start {
            continue;
        }
        // A piece that ends with a line break ends a paragraph or a title:
        // an abbreviation there still ends the sentence.
        let ends_paragraph = piece.ends_with('\n');
        match ranges.last_mut() {
            Some(last) if merge_next => last.end = end,
            _ => ranges.push(trimmed_start..end),
        }
        merge_next = !ends_paragraph && ends_with_abbreviation(&text[trimmed_start..end]);
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text)
            .into_iter()
            .map(|range| &text[range])
            .collect()
    }

    #[test]
    fn initialisms_and_abbreviations_do_not_end_a_sentence() {
        assert_eq!(
            split(
                "Talks with the U.S. Government failed. Dr. Smith left, e.g. yesterday.\n\nNew paragraph"
            ),
            vec![
                "Talks with the U.S. Government failed.",
                "Dr. Smith left, e.g. yesterday.",
                "New paragraph"
            ]
        );
    }

    #[test]
    fn titles_and_paragraphs_are_sentences_of_their_own() {
        assert_eq!(
            split("A Title\n\nFirst one. Second one?\n"),
            vec!["A Title", "First one.", "Second one?"]
        );
    }
}
