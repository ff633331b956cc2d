//! Text made safe for a terminal. Curated files and source texts come from
//! anyone; an escape sequence in them (ESC, BEL, CSI...) must reach the
//! terminal as visible text, never as a command that recolours, retitles or
//! rewrites it. One rule, [`escape_char`], serves every place that shows such
//! text: diagnostics, `kg coverage`, `kg lint`, `kg explain`, `kg query`.
//!
//! This module writes nothing itself; the CLI wraps its streams in
//! [`SafeWriter`] or passes strings through [`safe`].

use std::borrow::Cow;
use std::io::{self, Write};

/// True for a character a terminal could act on rather than show: control
/// characters (C0, DEL, C1) other than line feed and tab, and the invisible
/// bidirectional controls that make text display in another order than it
/// reads ("Trojan source").
pub fn needs_escape(character: char) -> bool {
    (character.is_control() && !matches!(character, '\n' | '\t'))
        || matches!(character, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Appends `character` to `out`, as the visible escape `\u{1b}` if it
/// [needs escaping](needs_escape), else as itself.
pub fn escape_char(character: char, out: &mut String) {
    if needs_escape(character) {
        out.push_str(&format!("\\u{{{:x}}}", u32::from(character)));
    } else {
        out.push(character);
    }
}

/// `text` with every character that [needs escaping](needs_escape) escaped;
/// borrowed when there is none, as for almost all text.
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for character in text.chars() {
        escape_char(character, &mut out);
    }
    Cow::Owned(out)
}

/// A writer that escapes, as [`safe`] does, everything written through it;
/// colours set through [`termcolor::WriteColor`] pass untouched, since they
/// come from kgraph, not from the data. A character split between two
/// writes is held back until it is whole.
pub struct SafeWriter<W> {
    inner: W,
    /// The start of a UTF-8 sequence that the last write cut off.
    pending: Vec<u8>,
}

impl<W: Write> SafeWriter<W> {
    pub fn new(inner: W) -> SafeWriter<W> {
        SafeWriter {
            inner,
            pending: Vec::new(),
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }

    fn write_escaped(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut rest = bytes;
        while !rest.is_empty() {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.inner.write_all(safe(text).as_bytes())?;
                    return Ok(());
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    let valid = std::str::from_utf8(valid).expect("checked valid up to here");
                    self.inner.write_all(safe(valid).as_bytes())?;
                    match error.error_len() {
                        // Cut off at the end: wait for the rest.
                        None => {
                            self.pending.extend_from_slice(after);
                            return Ok(());
                        }
                        // Not UTF-8 at all: shown as the replacement
                        // character, never passed raw (a lone 0x9b is CSI
                        // to some terminals).
                        Some(length) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            rest = &after[length..];
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            self.write_escaped(bytes)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(bytes);
            self.write_escaped(&joined)?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            // A sequence that never completed.
            self.pending.clear();
            self.inner.write_all("\u{fffd}".as_bytes())?;
        }
        self.inner.flush()
    }
}

impl<W: termcolor::WriteColor> termcolor::WriteColor for SafeWriter<W> {
    fn supports_color(&self) -> bool {
        self.inner.supports_color()
    }

    fn set_color(&mut self, spec: &termcolor::ColorSpec) -> io::Result<()> {
        self.inner.set_color(spec)
    }

    fn reset(&mut self) -> io::Result<()> {
        self.inner.reset()
    }

    fn is_synchronous(&self) -> bool {
        self.inner.is_synchronous()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_commands_and_keeps_text() {
        assert_eq!(
            safe("a\u{1b}[31mred\u{7}\u{9b}2J\u{202e}b\tc\nd"),
            "a\\u{1b}[31mred\\u{7}\\u{9b}2J\\u{202e}b\tc\nd"
        );
        assert!(matches!(safe("Харків, “NATO”"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_escapes_across_split_writes_and_keeps_colours() {
        let mut writer = SafeWriter::new(termcolor::Ansi::new(Vec::new()));
        let text = "x\u{1b}]0;title\u{7}\u{202e}y".as_bytes();
        // Split inside the three bytes of U+202E.
        let (first, second) = text.split_at(text.len() - 2);
        termcolor::WriteColor::set_color(&mut writer, termcolor::ColorSpec::new().set_bold(true))
            .unwrap();
        writer.write_all(first).unwrap();
        writer.write_all(second).unwrap();
        writer.write_all(b"\xff!").unwrap();
        writer.flush().unwrap();
        let out = String::from_utf8(writer.into_inner().into_inner()).unwrap();
        assert_eq!(
            out,
            "\u{1b}[0m\u{1b}[1mx\\u{1b}]0;title\\u{7}\\u{202e}y\u{fffd}!"
        );
    }
}
