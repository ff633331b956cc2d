/// A text in canonical form, with a map back to the original's bytes.
#[derive(Debug, Clone)]
pub(crate) struct Folded {
    pub text: String,
    /// Where the offset map changes: `(folded, original)` pairs, sorted. A
    /// folded offset maps to the original offset of the last checkpoint at
    /// or before it, plus the distance from that checkpoint: between two
    /// checkpoints, folded and original text advance byte for byte. Only
    /// the places where folding changed a length (a whitespace run, a
    /// three-byte curly quote made one byte) need a checkpoint, so the map
    /// costs a few bytes per change instead of four bytes per byte of text:
    /// a large source text takes about twice its size in memory, not six.
    checkpoints: Vec<(u32, u32)>,
}

impl Folded {
    /// The original offset of a folded offset at a character boundary.
    pub(crate) fn original_offset(&self, folded: usize) -> usize {
        let after = self
            .checkpoints
            .partition_point(|&(checkpoint, _)| checkpoint as usize <= folded);
        let (checkpoint, original) = self.checkpoints[after - 1];
        original as usize + (folded - checkpoint as usize)
    }

    /// Records that folded offset `folded` maps to original offset
    /// `original`, adding a checkpoint only if the map does not already
    /// say so.
    fn map(&mut self, folded: usize, original: usize) {
        let (checkpoint, start) = *self.checkpoints.last().expect("starts with (0, 0)");
        if start as usize + (folded - checkpoint as usize) != original {
            self.checkpoints.push((folded as u32, original as u32));
        }
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
pub(crate) fn fold(original: &str) -> Folded {
    let mut folded = Folded {
        text: String::with_capacity(original.len()),
        checkpoints: vec![(0, 0)],
    };
    let mut in_whitespace = false;
    let bytes = original.as_bytes();
    let mut offset = 0;
    while offset < bytes.len() {
        // Most text is runs of ASCII that folding leaves as they are:
        // copied as a whole, one checkpoint test per run. A lone space
        // between words folds to itself, so it does not end a run: runs
        // are sentences, not words.
        if is_plain_ascii(bytes[offset]) || (bytes[offset] == b' ' && !in_whitespace) {
            let start = offset;
            (offset, in_whitespace) = plain_run(bytes, offset, in_whitespace);
            folded.map(folded.text.len(), start);
            folded.text.push_str(&original[start..offset]);
            continue;
        }
        let character = original[offset..]
            .chars()
            .next()
            .expect("offset is at a character boundary");
        let character_offset = offset;
        offset += character.len_utf8();
        // The rest of the loop works on the character at its own offset.
        let offset = character_offset;
        if character.is_whitespace() {
            if in_whitespace {
                continue;
            }
            in_whitespace = true;
            folded.map(folded.text.len(), offset);
            folded.text.push(' ');
            continue;
        }
        in_whitespace = false;
        folded.map(folded.text.len(), offset);
        folded.text.push(fold_char(character));
    }
    folded.map(folded.text.len(), original.len());
    folded.checkpoints.shrink_to_fit();
    folded
}

/// An ASCII byte that [`fold_char`] keeps and that is not whitespace.
fn is_plain_ascii(byte: u8) -> bool {
    byte.is_ascii() && !matches!(byte, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | b'`')
}

/// The end of the run of bytes from `offset` that folding copies as they
/// are: plain ASCII bytes and single spaces, `after_space` saying whether
/// the byte before `offset` was a space that folding kept. Returns where
/// the run ends and whether its last byte is a space.
///
/// Eight bytes at a time: folding a text is mostly this scan, and byte by
/// byte it ran at about half a gigabyte a second, a seventh of a large
/// validation's quote search and most of the mention count's own pass.
fn plain_run(bytes: &[u8], mut offset: usize, mut after_space: bool) -> (usize, bool) {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = ONES * 0x80;
    /// The high bit of each byte of `low` (bytes below 0x80) that is at
    /// least `bound`; no sum carries into the next byte.
    fn at_least(low: u64, bound: u8) -> u64 {
        (low + ONES * u64::from(0x80 - bound)) & HIGH
    }
    /// The high bit of each byte of `low` equal to `byte`.
    fn equal(low: u64, byte: u8) -> u64 {
        !((low ^ (ONES * u64::from(byte))) + ONES * 0x7f) & HIGH
    }
    while let Some(chunk) = bytes.get(offset..offset + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // A byte above ASCII stops the chunk whatever its low bits look
        // like, so the tests below need only the low seven bits.
        let low = word & !HIGH;
        let spaces = equal(low, b' ');
        // A space after a space, the first one possibly in the previous
        // chunk: byte `i`'s bit moved to byte `i + 1`.
        let second_spaces = spaces & ((spaces << 8) | u64::from(after_space) << 7);
        let stops = (word & HIGH)
            | (at_least(low, b'\t') & !at_least(low, b'\r' + 1))
            | equal(low, b'`')
            | second_spaces;
        if stops != 0 {
            // The scalar loop finishes the few bytes before the stop.
            break;
        }
        after_space = spaces & (0x80 << 56) != 0;
        offset += 8;
    }
    while let Some(&byte) = bytes.get(offset) {
        if is_plain_ascii(byte) {
            after_space = false;
        } else if byte == b' ' && !after_space {
            after_space = true;
        } else {
            break;
        }
        offset += 1;
    }
    (offset, after_space)
}

/// Folds a quote as [`fold`] does, without leading or trailing whitespace.
pub(crate) fn fold_quote(quote: &str) -> String {
    let mut folded = String::with_capacity(quote.len());
    fold_quote_into(quote, &mut folded);
    folded
}

/// Appends the folded form of a quote (as [`fold_quote`] gives it) to
/// `out`: the quotes of a source are folded into one buffer, not one
/// allocation each.
pub(crate) fn fold_quote_into(quote: &str, out: &mut String) {
    let quote = quote.trim();
    let bytes = quote.as_bytes();
    let mut in_whitespace = false;
    let mut offset = 0;
    while offset < bytes.len() {
        // Runs of ASCII that folding keeps, a lone space included, are
        // copied whole, as in `fold`.
        let start = offset;
        (offset, in_whitespace) = plain_run(bytes, offset, in_whitespace);
        out.push_str(&quote[start..offset]);
        let Some(character) = quote[offset..].chars().next() else {
            break;
        };
        offset += character.len_utf8();
        if character.is_whitespace() {
            if !in_whitespace {
                out.push(' ');
            }
            in_whitespace = true;
        } else {
            in_whitespace = false;
            out.push(fold_char(character));
        }
    }
}

/// [`fold_quote_into`] one character at a time: what the fast path must
/// agree with.
#[cfg(test)]
fn fold_quote_slowly(quote: &str, out: &mut String) {
    let mut in_whitespace = false;
    for character in quote.trim().chars() {
        if character.is_whitespace() {
            if !in_whitespace {
                out.push(' ');
            }
            in_whitespace = true;
        } else {
            in_whitespace = false;
            out.push(fold_char(character));
        }
    }
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
    fn every_character_boundary_maps_back_to_where_its_character_started() {
        let original = "a\u{201c}b\u{a0}\n c\u{e9}\u{2014}d  ";
        let folded = fold(original);
        assert_eq!(folded.text, "a\"b c\u{e9}-d ");
        let starts: Vec<usize> = folded
            .text
            .char_indices()
            .map(|(offset, _)| folded.original_offset(offset))
            .collect();
        assert_eq!(starts, vec![0, 1, 4, 5, 9, 10, 12, 15, 16]);
        assert_eq!(folded.original_offset(folded.text.len()), original.len());
        // Plain text needs no checkpoint beyond the first.
        assert_eq!(fold("plain text").checkpoints.len(), 1);
    }

    #[test]
    fn ascii_runs_fold_as_characters_do() {
        for text in [
            "plain `tick` and\x0bvt\x0c ff",
            "a\u{85}b\u{a0}\u{a0}c\u{2014}`d",
            "",
            " lead, two  spaces, a \n b,\n c  \u{a0} d \u{201c}e\u{201d} f ",
        ] {
            let slow: String = {
                let mut out = String::new();
                let mut in_whitespace = false;
                for character in text.chars() {
                    if character.is_whitespace() {
                        if !in_whitespace {
                            out.push(' ');
                        }
                        in_whitespace = true;
                    } else {
                        in_whitespace = false;
                        out.push(fold_char(character));
                    }
                }
                out
            };
            assert_eq!(fold(text).text, slow, "{text:?}");
            assert_eq!(fold_quote(text), fold(text.trim()).text, "{text:?}");
            let mut slowly = String::new();
            fold_quote_slowly(text, &mut slowly);
            assert_eq!(fold_quote(text), slowly, "{text:?}");
        }
    }

    /// Folds one character at a time, with the original offset of each
    /// folded character: what the run scanner must agree with.
    fn fold_slowly(text: &str) -> (String, Vec<usize>) {
        let (mut out, mut starts) = (String::new(), Vec::new());
        let mut in_whitespace = false;
        for (offset, character) in text.char_indices() {
            if character.is_whitespace() {
                if !in_whitespace {
                    starts.push(offset);
                    out.push(' ');
                }
                in_whitespace = true;
            } else {
                in_whitespace = false;
                starts.push(offset);
                out.push(fold_char(character));
            }
        }
        (out, starts)
    }

    proptest::proptest! {
        /// Texts of the characters at the edges of the eight-byte scan
        /// (every whitespace byte and its neighbours, the backtick, spaces
        /// in pairs, bytes above ASCII), long enough to span chunks.
        #[test]
        fn runs_scanned_eight_bytes_at_a_time_fold_as_characters_do(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Z", "0", ".", " ", "  ", "\t", "\n", "\x0b", "\x0c", "\r",
                    "\x08", "\x0e", "\x1f", "\x7f", "`", "_", "a", "\u{a0}", "\u{e9}",
                    "\u{201c}", "\u{2014}", "\u{85}", "\u{3000}", "abcdefgh", "word ",
                ]),
                0..40,
            )
        ) {
            let text = pieces.concat();
            let folded = fold(&text);
            let (slow, starts) = fold_slowly(&text);
            proptest::prop_assert_eq!(&folded.text, &slow);
            let mapped: Vec<usize> = folded
                .text
                .char_indices()
                .map(|(offset, _)| folded.original_offset(offset))
                .collect();
            proptest::prop_assert_eq!(mapped, starts);
            let mut quote = String::new();
            fold_quote_slowly(&text, &mut quote);
            proptest::prop_assert_eq!(fold_quote(&text), quote);
        }
    }

    #[test]
    fn a_quote_loses_its_outer_whitespace() {
        assert_eq!(fold_quote("  NATO\u{2019}s  doors \n"), "NATO's doors");
    }
}
