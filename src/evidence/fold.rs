/// A text in canonical form, with a map back to the original's bytes.
#[derive(Debug, Clone)]
pub struct Folded {
    pub text: String,
    /// For each byte of `text` (and one past its end), the offset in the
    /// original where the character that produced it starts.
    origin: Vec<u32>,
}

impl Folded {
    /// The original offset of a folded offset at a character boundary.
    pub fn original_offset(&self, folded: usize) -> usize {
        self.origin[folded] as usize
    }
}

/// The canonical form of one character: typographic quote marks become
/// straight ones, every dash and minus becomes `-`.
fn fold_char(character: char) -> char {
    match character {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{02bc}' | '`' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{00ab}'
        | '\u{00bb}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => '-',
        other => other,
    }
}

/// Folds a text: `fold_char` on each character, and each run of whitespace
/// (line breaks included) to one space. Nothing else changes, so a match in
/// the folded text maps back to exactly one passage of the original.
pub fn fold(original: &str) -> Folded {
    let mut text = String::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len() + 1);
    let mut in_whitespace = false;
    for (offset, character) in original.char_indices() {
        if character.is_whitespace() {
            if in_whitespace {
                continue;
            }
            in_whitespace = true;
            text.push(' ');
            origin.push(offset as u32);
            continue;
        }
        in_whitespace = false;
        let folded = fold_char(character);
        text.push(folded);
        origin.extend(std::iter::repeat_n(offset as u32, folded.len_utf8()));
    }
    origin.push(original.len() as u32);
    Folded { text, origin }
}

/// Folds a quote as [`fold`] does, without leading or trailing whitespace.
pub fn fold_quote(quote: &str) -> String {
    fold(quote.trim()).text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_marks_dashes_and_whitespace_runs() {
        let folded = fold("\u{201c}It\u{2019}s\u{201d} \u{2014}\n\t here");
        assert_eq!(folded.text, "\"It's\" - here");
        // The space after `-` stands for "\n\t " in the original.
        assert_eq!(folded.original_offset(8), 16);
        assert_eq!(folded.original_offset(9), 19);
    }

    #[test]
    fn a_quote_loses_its_outer_whitespace() {
        assert_eq!(fold_quote("  NATO\u{2019}s  doors \n"), "NATO's doors");
    }
}
