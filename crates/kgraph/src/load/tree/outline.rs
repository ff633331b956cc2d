//! The fast path for a large JSON document of records: its root object is
//! read here, and the elements of its record arrays are only delimited by
//! their brackets and string quotes, not checked. Checking them is left to
//! [`super::expand`], which runs on every core when the records are read;
//! the checking parser used to read the whole document on one core first,
//! which at half a million relations was the longest step that used one
//! core only.
//!
//! The outline is exact for a valid document: it gives the tree the checking
//! parser would give, with [`Value::Unchecked`] where that one has
//! [`Value::Deferred`]. Anything this simple reader does not expect (escapes
//! in a key, a repeated key, a bracket that does not close) makes it give up
//! (`None`), and the checking parser reads the document as before. When an
//! element later fails to expand, the document is invalid: the reader of
//! the records then asks [`super::first_error`] for the error the checking
//! parser reports, so that what the user sees never depends on the path.

use std::ops::Range;

use super::{Field, Mode, Node, Value, first_duplicate, json_value};

/// The root object of `text` with the elements of the arrays under the keys
/// `sections` left [`Value::Unchecked`], or `None` where the checking parser
/// must read the document.
pub(super) fn outline(text: &str, sections: &[&str]) -> Option<Node> {
    let bytes = text.as_bytes();
    let start = skip_whitespace(bytes, 0);
    if bytes.get(start) != Some(&b'{') {
        return None;
    }
    let mut fields = Vec::new();
    let end = elements(bytes, start, b'}', |at| {
        let (key, key_span) = plain_key(text, at)?;
        let at = skip_whitespace(bytes, key_span.end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        let at = skip_whitespace(bytes, at + 1);
        let node = if sections.contains(&key) && bytes.get(at) == Some(&b'[') {
            records(bytes, at)?
        } else {
            // Any other value is read exactly as the checking parser
            // reads it at this depth.
            let end = value_end(bytes, at)?;
            let mut parser = jiter::Jiter::new(&bytes[at..end]);
            let mut node = json_value(&mut parser, &text[at..end], 1, Mode::DeferItems).ok()?;
            parser.finish().ok()?;
            node.shift_spans(at);
            node
        };
        let end = node.span.end;
        fields.push(Field {
            key: key.to_owned(),
            key_span,
            node,
        });
        Some(end)
    })?;
    if skip_whitespace(bytes, end) != bytes.len()
        || first_duplicate(&fields, |field| &field.key).is_some()
    {
        return None;
    }
    Some(Node {
        value: Value::Table(fields),
        span: start..end,
    })
}

/// The array of records that opens at `open`, each element delimited only.
fn records(bytes: &[u8], open: usize) -> Option<Node> {
    let mut items = Vec::new();
    let end = elements(bytes, open, b']', |at| {
        let end = value_end(bytes, at)?;
        items.push(Node {
            value: Value::Unchecked,
            span: at..end,
        });
        Some(end)
    })?;
    Some(Node {
        value: Value::Array(items),
        span: open..end,
    })
}

/// Reads the comma-separated elements of the object or array that opens at
/// `open` and closes with `close`: `element(at)` reads the one that starts
/// at `at` and says where it ends. Returns one past `close`.
fn elements(
    bytes: &[u8],
    open: usize,
    close: u8,
    mut element: impl FnMut(usize) -> Option<usize>,
) -> Option<usize> {
    let mut at = skip_whitespace(bytes, open + 1);
    if bytes.get(at) == Some(&close) {
        return Some(at + 1);
    }
    loop {
        at = skip_whitespace(bytes, element(at)?);
        match bytes.get(at) {
            Some(b',') => at = skip_whitespace(bytes, at + 1),
            Some(&byte) if byte == close => return Some(at + 1),
            _ => return None,
        }
    }
}

/// A key without escapes or control characters, and its span with quotes.
fn plain_key(text: &str, at: usize) -> Option<(&str, Range<usize>)> {
    let bytes = text.as_bytes();
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let close = at + 1 + memchr::memchr(b'"', &bytes[at + 1..])?;
    let key = &text[at + 1..close];
    if key.bytes().any(|byte| byte == b'\\' || byte < 0x20) {
        return None;
    }
    Some((key, at..close + 1))
}

/// Where the value that starts at `at` ends, found by its brackets and
/// quotes alone; `None` if the document ends first.
fn value_end(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => string_end(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        i = string_end(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        // A number or a literal: up to the next delimiter.
        _ => Some(
            bytes[at..]
                .iter()
                .position(|byte| matches!(byte, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))
                .map_or(bytes.len(), |length| at + length),
        ),
    }
}

/// One past the quote that closes the string opening at `open`.
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    loop {
        i += memchr::memchr2(b'"', b'\\', &bytes[i..])?;
        if bytes[i] == b'"' {
            return Some(i + 1);
        }
        // An escape: the next byte is never the end of the string.
        i += 2;
        if i > bytes.len() {
            return None;
        }
    }
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(at) {
        at += 1;
    }
    at
}
