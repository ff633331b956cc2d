//! The direct reader of JSON records: from the text of one element of a
//! relations or entities file straight to a [`RawRelation`] or
//! [`RawEntity`], in one pass over its bytes.
//!
//! Why it exists: the general path builds each element's spanned tree
//! (`tree::expand`: a `String` per key and per value, a vector per object
//! and array), then reads the tree field by field (`record.rs`). At half a
//! million relations that was about a third of the CPU time of
//! `kg validate`, most of it allocating and freeing what is read once. A
//! large file is almost all plain records, which the general path reads
//! without a word; this reader handles exactly those, and allocates only
//! the values the record keeps.
//!
//! Why its result equals the general path's: it accepts an element only
//! when the general path would read it without any diagnostic, and gives
//! `None` (declines) otherwise, for the general path to read and report as
//! before. It accepts
//! - one object whose keys are among the record's fields, each at most
//!   once and written without escapes (a key is then its text), with JSON
//!   whitespace (space, tab, line feed, carriage return) between tokens;
//! - string values decoded exactly as jiter decodes them (the escapes
//!   `\" \\ \/ \b \f \n \r \t \uXXXX`, a surrogate pair as one character),
//!   with no raw control character, and without a character that
//!   `Record::check_characters` refuses (the same predicate,
//!   [`is_refused`], except in a quote, which it does not check);
//! - `null` where an optional value may be absent, `true`/`false` for
//!   `negated`, and an integer in plain form (`-?(0|[1-9][0-9]*)`, within
//!   `i64`) for `occurrence`.
//!
//! Anything else (an unknown or repeated key, a wrong type, a missing
//! field, an empty `evidence`, a float, an escaped key, invalid JSON) is
//! declined. What it accepts is valid JSON, so an unchecked element
//! (`tree::Value::Unchecked`) it reads is one the general path would have
//! expanded too. Spans are those of the general path: a string's from its
//! opening to past its closing quote, a number's its digits, the record's
//! head the first line of the element. Vectors and strings get the exact
//! capacity the general path gives them, so that memory does not grow.
//! The property tests below check all of this against the general path.

use std::ops::Range;

use super::raw::{RawEntity, RawEvidence, RawRelation, S};
use super::record::{Spanned, first_line, is_refused};
use crate::diagnostic::{FileId, Origin};

/// The relation at `span` of the document `text`, or `None` where the
/// general path must read it.
pub(super) fn relation(file: FileId, text: &str, span: Range<usize>) -> Option<RawRelation> {
    let mut scanner = Scanner::new(text, &span)?;
    let mut seen = Seen::default();
    let (mut id, mut from, mut relation_type, mut to, mut modality) =
        (None, None, None, None, None);
    let (mut note, mut date) = (None, None);
    let mut attributed_to = Vec::new();
    let mut negated = false;
    let mut evidence = Vec::new();
    let mut more = scanner.open(b'{', b'}')?;
    while more {
        match scanner.key()? {
            b"id" => {
                seen.first(0)?;
                id = scanner.optional_str()?;
            }
            b"from" => {
                seen.first(1)?;
                from = Some(scanner.string(Check::Characters)?);
            }
            b"type" => {
                seen.first(2)?;
                relation_type = Some(scanner.string(Check::Characters)?);
            }
            b"to" => {
                seen.first(3)?;
                to = Some(scanner.string(Check::Characters)?);
            }
            b"modality" => {
                seen.first(4)?;
                modality = Some(scanner.string(Check::Characters)?);
            }
            b"attributed_to" => {
                seen.first(5)?;
                attributed_to = scanner.str_list()?;
            }
            b"negated" => {
                seen.first(6)?;
                negated = scanner.flag()?;
            }
            b"note" => {
                seen.first(7)?;
                note = scanner.optional_str()?;
            }
            b"date" => {
                seen.first(8)?;
                date = scanner.optional_str()?;
            }
            b"evidence" => {
                seen.first(9)?;
                evidence = scanner.evidence()?;
            }
            _ => return None,
        }
        more = scanner.next(b'}')?;
    }
    scanner.end()?;
    // Without `evidence`, the general path reports `missing-evidence`.
    if evidence.is_empty() {
        return None;
    }
    Some(RawRelation {
        file,
        id,
        from: from?,
        relation_type: relation_type?,
        to: to?,
        modality: modality?,
        attributed_to,
        negated,
        evidence,
        note,
        date,
        head: Origin::new(file, first_line(text, span)),
    })
}

/// The entity at `span` of the document `text`, or `None` where the
/// general path must read it.
pub(super) fn entity(file: FileId, text: &str, span: Range<usize>) -> Option<RawEntity> {
    let mut scanner = Scanner::new(text, &span)?;
    let mut seen = Seen::default();
    let (mut id, mut label, mut kind) = (None, None, None);
    let (mut description, mut wikidata) = (None, None);
    let mut aliases = Vec::new();
    let mut more = scanner.open(b'{', b'}')?;
    while more {
        match scanner.key()? {
            b"id" => {
                seen.first(0)?;
                id = Some(scanner.string(Check::Characters)?);
            }
            b"label" => {
                seen.first(1)?;
                label = Some(scanner.string(Check::Characters)?);
            }
            b"kind" => {
                seen.first(2)?;
                kind = Some(scanner.string(Check::Characters)?);
            }
            b"aliases" => {
                seen.first(3)?;
                aliases = scanner.str_list()?;
            }
            b"description" => {
                seen.first(4)?;
                description = scanner.optional_str()?;
            }
            b"wikidata" => {
                seen.first(5)?;
                wikidata = scanner.optional_str()?;
            }
            _ => return None,
        }
        more = scanner.next(b'}')?;
    }
    scanner.end()?;
    Some(RawEntity {
        file,
        id: id?,
        label: label?,
        kind: kind?,
        aliases,
        description,
        wikidata,
        head: Origin::new(file, first_line(text, span)),
    })
}

/// The fields of one object read so far, to decline a repeated key (the
/// general path refuses it as a syntax error).
#[derive(Default)]
struct Seen(u32);

impl Seen {
    fn first(&mut self, field: u32) -> Option<()> {
        let bit = 1 << field;
        if self.0 & bit != 0 {
            return None;
        }
        self.0 |= bit;
        Some(())
    }
}

/// Whether a string is checked as `Record::check_characters` checks it:
/// every field but a quote is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Characters,
    Nothing,
}

/// A reader of one element. Every method gives `None` to decline.
struct Scanner<'t> {
    text: &'t str,
    /// The document up to the end of the element: nothing after it is read.
    bytes: &'t [u8],
    at: usize,
}

impl<'t> Scanner<'t> {
    fn new(text: &'t str, span: &Range<usize>) -> Option<Scanner<'t>> {
        text.get(span.clone())?;
        Some(Scanner {
            text,
            bytes: &text.as_bytes()[..span.end],
            at: span.start,
        })
    }

    /// The next byte after whitespace, which is skipped.
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
        self.bytes.get(self.at).copied()
    }

    /// Opens the object or array that starts with `open`: true if an
    /// element follows, false if it closes at once.
    fn open(&mut self, open: u8, close: u8) -> Option<bool> {
        if self.peek()? != open {
            return None;
        }
        self.at += 1;
        if self.peek()? == close {
            self.at += 1;
            return Some(false);
        }
        Some(true)
    }

    /// After an element of an object or array closed by `close`: true if
    /// another follows, false if it closes here.
    fn next(&mut self, close: u8) -> Option<bool> {
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            byte if byte == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// Nothing but whitespace is left of the element.
    fn end(&mut self) -> Option<()> {
        (self.peek().is_none()).then_some(())
    }

    /// A key and its colon. A key with an escape or a control character is
    /// declined, so that a key read is its text.
    fn key(&mut self) -> Option<&'t [u8]> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.at + 1;
        let close = start + memchr::memchr(b'"', &self.bytes[start..])?;
        let key = &self.bytes[start..close];
        if key.iter().any(|&byte| byte == b'\\' || byte < 0x20) {
            return None;
        }
        self.at = close + 1;
        if self.peek()? != b':' {
            return None;
        }
        self.at += 1;
        Some(key)
    }

    /// Consumes `word` if the text continues with it.
    fn literal(&mut self, word: &[u8]) -> bool {
        let found = self.bytes[self.at..].starts_with(word);
        if found {
            self.at += word.len();
        }
        found
    }

    /// A string, decoded as jiter decodes it, with its span, quotes
    /// included.
    fn string(&mut self, check: Check) -> Option<S> {
        if self.peek()? != b'"' {
            return None;
        }
        let open = self.at;
        let bytes = self.bytes;
        let mut at = open + 1;
        // Only printable ASCII: no character can be refused.
        let mut printable = true;
        let mut escaped = false;
        // How many bytes shorter than written the escapes make it.
        let mut saved = 0;
        let close = loop {
            let stop = at + memchr::memchr2(b'"', b'\\', &bytes[at..])?;
            let run = &bytes[at..stop];
            if run.iter().any(|&byte| !(0x20..0x7f).contains(&byte)) {
                // jiter refuses a raw control character in a string.
                if run.iter().any(|&byte| byte < 0x20) {
                    return None;
                }
                printable = false;
            }
            if bytes[stop] == b'"' {
                break stop;
            }
            let (character, after) = escape(bytes, stop)?;
            printable &= matches!(character, ' '..='~');
            escaped = true;
            saved += after - stop - character.len_utf8();
            at = after;
        };
        let written = &self.text[open + 1..close];
        let value = if !escaped {
            written.to_owned()
        } else {
            unescape(written, written.len() - saved)?
        };
        if check == Check::Characters && !printable && value.chars().any(is_refused) {
            return None;
        }
        self.at = close + 1;
        Some(Spanned {
            value,
            span: open..close + 1,
        })
    }

    /// An optional string: `null` is none.
    fn optional_str(&mut self) -> Option<Option<S>> {
        match self.peek()? {
            b'n' if self.literal(b"null") => Some(None),
            _ => self.string(Check::Characters).map(Some),
        }
    }

    /// An array of strings; `null` is an empty list.
    fn str_list(&mut self) -> Option<Vec<S>> {
        if self.peek()? == b'n' && self.literal(b"null") {
            return Some(Vec::new());
        }
        let mut list = Vec::new();
        let mut more = self.open(b'[', b']')?;
        while more {
            list.push(self.string(Check::Characters)?);
            more = self.next(b']')?;
        }
        // The general path's list has the capacity of its length.
        list.shrink_to_fit();
        Some(list)
    }

    /// A boolean; `null` is false.
    fn flag(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' if self.literal(b"true") => Some(true),
            b'f' if self.literal(b"false") => Some(false),
            b'n' if self.literal(b"null") => Some(false),
            _ => None,
        }
    }

    /// An integer in plain form, within `i64`, with its span.
    fn integer(&mut self) -> Option<Spanned<i64>> {
        self.peek()?;
        let start = self.at;
        let mut at = start;
        if self.bytes[at] == b'-' {
            at += 1;
        }
        let digits = at;
        while self.bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        // No digit, or a leading zero, is not JSON.
        if at == digits || (at - digits > 1 && self.bytes[digits] == b'0') {
            return None;
        }
        let value = self.text[start..at].parse().ok()?;
        self.at = at;
        Some(Spanned {
            value,
            span: start..at,
        })
    }

    /// A relation's evidence: a non-empty array of quotes.
    fn evidence(&mut self) -> Option<Vec<RawEvidence>> {
        // Most relations have one quote; the general path gives the vector
        // the capacity of its length.
        let mut evidence = Vec::with_capacity(1);
        let mut more = self.open(b'[', b']')?;
        while more {
            evidence.push(self.quote()?);
            more = self.next(b']')?;
        }
        if evidence.is_empty() {
            return None;
        }
        evidence.shrink_to_fit();
        Some(evidence)
    }

    /// One element of a relation's evidence.
    fn quote(&mut self) -> Option<RawEvidence> {
        let mut seen = Seen::default();
        let (mut source, mut quote, mut occurrence) = (None, None, None);
        let mut more = self.open(b'{', b'}')?;
        while more {
            match self.key()? {
                b"source" => {
                    seen.first(0)?;
                    source = Some(self.string(Check::Characters)?);
                }
                b"quote" => {
                    seen.first(1)?;
                    // A quote must match its verbatim source, which may
                    // hold any character: it is not checked.
                    quote = Some(self.string(Check::Nothing)?);
                }
                b"occurrence" => {
                    seen.first(2)?;
                    occurrence = match self.peek()? {
                        b'n' if self.literal(b"null") => None,
                        _ => Some(self.integer()?),
                    };
                }
                _ => return None,
            }
            more = self.next(b'}')?;
        }
        Some(RawEvidence {
            source: source?,
            quote: quote?,
            occurrence,
        })
    }
}

/// The character of the escape whose backslash is at `backslash`, and
/// where the escape ends, as jiter decodes it (`string_decoder.rs`); `None`
/// where jiter fails.
fn escape(bytes: &[u8], backslash: usize) -> Option<(char, usize)> {
    let character = match *bytes.get(backslash + 1)? {
        byte @ (b'"' | b'\\' | b'/') => char::from(byte),
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let first = hex4(bytes, backslash + 2)?;
            return match first {
                0xDC00..=0xDFFF => None,
                0xD800..=0xDBFF => {
                    if bytes.get(backslash + 6..backslash + 8)? != b"\\u" {
                        return None;
                    }
                    let second = hex4(bytes, backslash + 8)?;
                    if !(0xDC00..=0xDFFF).contains(&second) {
                        return None;
                    }
                    let code = (((first - 0xD800) << 10) | (second - 0xDC00)) + 0x1_0000;
                    Some((char::from_u32(code)?, backslash + 12))
                }
                _ => Some((char::from_u32(first)?, backslash + 6)),
            };
        }
        _ => return None,
    };
    Some((character, backslash + 2))
}

/// The four hexadecimal digits at `at`.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    bytes.get(at..at + 4)?.iter().try_fold(0, |code, &digit| {
        let value = char::from(digit).to_digit(16)?;
        Some(code << 4 | value)
    })
}

/// The string written `written` (between its quotes), whose escapes were
/// checked by [`Scanner::string`], decoded into exactly `length` bytes.
fn unescape(written: &str, length: usize) -> Option<String> {
    let bytes = written.as_bytes();
    let mut value = String::with_capacity(length);
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'\\', &bytes[at..]) {
        let backslash = at + offset;
        value.push_str(&written[at..backslash]);
        let (character, after) = escape(bytes, backslash)?;
        value.push(character);
        at = after;
    }
    value.push_str(&written[at..]);
    Some(value)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use proptest::prelude::*;

    use super::*;
    use crate::diagnostic::Diagnostic;
    use crate::load::raw::{self, Document, RawDataset};
    use crate::load::record::Record;
    use crate::load::tree::{self, Syntax, SyntaxError};

    const FILE: FileId = 3;

    /// What the general path gives for the element at `span` of `text`:
    /// the record and every diagnostic, or the syntax error that rejects
    /// the document.
    type General<T> = Result<(Option<T>, Vec<Diagnostic>), SyntaxError>;

    fn general<T>(
        text: &str,
        span: Range<usize>,
        what: &'static str,
        read: fn(&Document<'_>, Record<'_>, &mut Vec<Diagnostic>) -> Option<T>,
    ) -> General<T> {
        let mut node = tree::expand(text, span)?;
        let rejected = AtomicBool::new(false);
        let document = Document {
            file: FILE,
            text,
            rejected: &rejected,
        };
        let mut diagnostics = Vec::new();
        let value = Record::new(&mut node, FILE, text, what, &mut diagnostics)
            .and_then(|record| read(&document, record, &mut diagnostics));
        Ok((value, diagnostics))
    }

    /// `element` as the only record of a document, and its span there.
    fn document(section: &str, element: &str) -> (String, Range<usize>) {
        let before = format!("{{\"{section}\": [\n");
        let text = format!("{before}{element}\n]}}\n");
        (text, before.len()..before.len() + element.len())
    }

    /// Checks the direct reader against the general path on `element`:
    /// when it reads the element, the general path reads the same record
    /// without a diagnostic. Returns whether it read it.
    fn agrees(section: &str, element: &str) -> Result<bool, TestCaseError> {
        let (text, span) = document(section, element);
        let (direct, general) = match section {
            "relation" => (
                relation(FILE, &text, span.clone()).map(Read::Relation),
                general(&text, span, "relation", raw::read_relation)
                    .map(|(value, found)| (value.map(Read::Relation), found)),
            ),
            _ => (
                entity(FILE, &text, span.clone()).map(Read::Entity),
                general(&text, span, "entity", raw::read_entity)
                    .map(|(value, found)| (value.map(Read::Entity), found)),
            ),
        };
        let Some(direct) = direct else {
            return Ok(false);
        };
        let general = general.map_err(|error| {
            TestCaseError::fail(format!("read directly, but invalid JSON: {error:?}"))
        })?;
        let messages: Vec<&str> = general.1.iter().map(|d| d.message.as_str()).collect();
        prop_assert!(
            messages.is_empty(),
            "read directly, but reported: {messages:?}"
        );
        prop_assert_eq!(Some(&direct), general.0.as_ref());
        Ok(true)
    }

    /// A record read, of either kind.
    #[derive(Debug, PartialEq)]
    enum Read {
        Relation(RawRelation),
        Entity(RawEntity),
    }

    /// Records as the corpus writes them, and as a curator may.
    const TYPICAL_RELATIONS: &[&str] = &[
        r#"{"from": "teve-ro-alliance", "type": "signed", "to": "tela-pa", "modality": "recommended", "evidence": [{"source": "report-0000", "quote": "Teve Ro Alliance signed on to Tela Pa under the \"limited dialogue\" - ministers said within weeks"}]}"#,
        r#"{"from": "kopo-de", "type": "negotiates_with", "to": "sulo-mo-alliance", "modality": "historical", "date": "1994-03-01", "evidence": [{"source": "report-0000", "quote": "Kopo De negotiated with Sulo Mo Alliance"}]}"#,
        r#"{"from": "a", "type": "t", "to": "b", "modality": "m", "evidence": [{"source": "s", "quote": "\"\\\/\b\f\n\r\t\u0000\u001F\u007f\uFFFF\uD800\uDC00"}]}"#,
        "{\n  \"id\": \"r1\",\n  \"from\": \"a\",\n  \"type\": \"t\",\n  \"to\": \"b\",\n  \"modality\": \"asserted\",\n  \"attributed_to\": [\"c\", \"d\"],\n  \"negated\": true,\n  \"note\": \"Zürich \\u00e9 \\ud83d\\ude00\",\n  \"evidence\": [\n    {\"source\": \"s\", \"quote\": \"x\\ty\", \"occurrence\": 2},\n    {\"source\": \"s\", \"quote\": \"z\", \"occurrence\": null}\n  ]\n}",
    ];
    const TYPICAL_ENTITIES: &[&str] = &[
        r#"{"id": "baba-ba-province", "label": "Baba Ba Province", "kind": "place", "aliases": ["Baba Ba"], "description": "A place named in the synthetic corpus"}"#,
        r#"{"id": "republic-of-daba-ba", "label": "Republic of Daba Ba", "kind": "state", "aliases": ["Daba Ba"], "description": "A state named in the synthetic corpus", "wikidata": "Q1004"}"#,
        r#"{"id": "boba-ba", "label": "Boba Ba", "kind": "person", "description": null}"#,
    ];

    #[test]
    fn typical_records_are_read_directly() {
        for element in TYPICAL_RELATIONS {
            assert!(agrees("relation", element).unwrap(), "{element}");
        }
        for element in TYPICAL_ENTITIES {
            assert!(agrees("entity", element).unwrap(), "{element}");
        }
    }

    type Reader = fn(&Document<'_>, &mut tree::Node, &mut RawDataset, &mut Vec<Diagnostic>);

    /// The loader offers its records to the direct reader: were it no
    /// longer called, nothing would say so but the time taken.
    #[test]
    fn the_loader_reads_typical_records_directly() {
        for (section, elements, read) in [
            ("relation", TYPICAL_RELATIONS, raw::read_relations as Reader),
            ("entity", TYPICAL_ENTITIES, raw::read_entities),
        ] {
            let text = format!("{{\"{section}\": [{}]}}", elements.join(",\n"));
            let mut root = tree::parse(&text, Syntax::Json, &[section]).unwrap();
            let rejected = AtomicBool::new(false);
            let document = Document {
                file: FILE,
                text: &text,
                rejected: &rejected,
            };
            let before = raw::DIRECT_READS.load(Ordering::Relaxed);
            let mut dataset = RawDataset::default();
            let mut diagnostics = Vec::new();
            read(&document, &mut root, &mut dataset, &mut diagnostics);
            assert!(diagnostics.is_empty(), "{diagnostics:?}");
            assert_eq!(
                dataset.relations.iter().count() + dataset.entities.len(),
                elements.len()
            );
            // Other tests may read directly meanwhile, never fewer.
            let read_directly = raw::DIRECT_READS.load(Ordering::Relaxed) - before;
            assert!(
                read_directly >= elements.len(),
                "{section}: {read_directly}"
            );
        }
    }

    #[test]
    fn records_the_general_path_reports_on_are_declined() {
        let relation = |fields: &str| {
            format!(
                r#"{{"from": "a", "type": "t", "to": "b", "modality": "m"{fields}, "evidence": [{{"source": "s", "quote": "q"}}]}}"#
            )
        };
        for element in [
            relation(r#", "from": "a""#),
            relation(r#", "form": "a""#),
            relation(r#", "note": 1"#),
            relation(r#", "note": "a\u0007b""#),
            relation(r#", "note": "a\ufffeb""#),
            relation(r#", "note": "a\ud800""#),
            relation(r#", "note": "ab"#),
            relation(r#", "negated": "yes""#),
            relation(r#", "attributed_to": [null]"#),
            relation(r#", "f\u0072om": "a""#),
            r#"{"from": "a", "type": "t", "to": "b", "modality": "m"}"#.to_owned(),
            r#"{"from": "a", "type": "t", "to": "b", "modality": "m", "evidence": []}"#.to_owned(),
            r#"{"from": "a", "type": "t", "to": "b", "modality": null, "evidence": [{"source": "s", "quote": "q"}]}"#.to_owned(),
            r#"{"from": "a", "type": "t", "to": "b", "modality": "m", "evidence": [{"source": "s", "quote": "q", "occurrence": 1.0}]}"#.to_owned(),
            r#"{"from": "a", "type": "t", "to": "b", "modality": "m", "evidence": [{"source": "s", "quote": "q", "occurrence": 01}]}"#.to_owned(),
            r#"{"from": "a", "type": "t", "to": "b", "modality": "m", "evidence": [{"source": "s", "quote": "q", "occurrence": 9223372036854775808}]}"#.to_owned(),
            r#"{"from": "a", "type": "t", "to": "b", "modality": "m", "evidence": [{"source": "s", "quote": "q", "page": 1}]}"#.to_owned(),
            r#"{"from": "a", "type": "t", "to": "b", "modality": "m", "evidence": [{"source": "s", "quote": "q"},]}"#.to_owned(),
            "[]".to_owned(),
        ] {
            assert!(!agrees("relation", &element).unwrap(), "{element}");
        }
        // A quote is not checked for characters: it is read.
        let control_in_quote = r#"{"from": "a", "type": "t", "to": "b", "modality": "m", "evidence": [{"source": "s", "quote": "a\u0007\ufffe\b"}]}"#;
        assert!(agrees("relation", control_in_quote).unwrap());
    }

    // Generated records: JSON written token by token, so that whitespace,
    // escapes and types can be anything.

    #[derive(Debug, Clone)]
    enum Json {
        /// A scalar as written: a string with its quotes, a number...
        Scalar(String),
        Array(Vec<Json>),
        /// Keys as written, quotes included.
        Object(Vec<(String, Json)>),
    }

    /// Whitespace between tokens; the last two are not JSON whitespace.
    const WHITESPACE: &[&str] = &[
        "", "", "", "", " ", " ", "\n", "\t", "\r\n", "  \n    ", "\u{a0}", "\u{b}",
    ];

    fn render(json: &Json, whitespace: &[usize], next: &mut usize, out: &mut String) {
        let space = |next: &mut usize, out: &mut String| {
            if !whitespace.is_empty() {
                out.push_str(WHITESPACE[whitespace[*next % whitespace.len()]]);
                *next += 1;
            }
        };
        match json {
            Json::Scalar(text) => out.push_str(text),
            Json::Array(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    space(next, out);
                    render(item, whitespace, next, out);
                    space(next, out);
                }
                out.push(']');
            }
            Json::Object(fields) => {
                out.push('{');
                for (index, (key, value)) in fields.iter().enumerate() {
                    if index > 0 {
                        out.push(',');
                    }
                    space(next, out);
                    out.push_str(key);
                    space(next, out);
                    out.push(':');
                    space(next, out);
                    render(value, whitespace, next, out);
                    space(next, out);
                }
                out.push('}');
            }
        }
    }

    /// How a character is written in a JSON string.
    #[derive(Debug, Clone, Copy)]
    enum Written {
        /// As itself where JSON allows it, else escaped.
        Plain,
        /// As `\uXXXX` (a surrogate pair beyond the BMP), lower or upper case.
        Unicode { upper: bool },
        /// As `\n`, `\"`... where there is such an escape.
        Short,
        /// As itself even where JSON forbids it (a raw control character).
        Raw,
    }

    fn write_char(character: char, written: Written, out: &mut String) {
        let short = match character {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '/' => Some("\\/"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\n' => Some("\\n"),
            '\r' => Some("\\r"),
            '\t' => Some("\\t"),
            _ => None,
        };
        let unicode = |upper: bool, out: &mut String| {
            for unit in character.encode_utf16(&mut [0; 2]) {
                let hex = if upper {
                    format!("\\u{unit:04X}")
                } else {
                    format!("\\u{unit:04x}")
                };
                out.push_str(&hex);
            }
        };
        match written {
            Written::Unicode { upper } => unicode(upper, out),
            Written::Short if short.is_some() => out.push_str(short.unwrap_or_default()),
            Written::Raw if !matches!(character, '"' | '\\') => out.push(character),
            _ if matches!(character, '"' | '\\') || character < ' ' => unicode(false, out),
            _ => out.push(character),
        }
    }

    fn written() -> impl Strategy<Value = Written> {
        prop_oneof![
            6 => Just(Written::Plain),
            1 => any::<bool>().prop_map(|upper| Written::Unicode { upper }),
            1 => Just(Written::Short),
        ]
    }

    /// Characters a curator may write: printable, accented, other
    /// scripts, emoji, bidi controls (format characters, not refused),
    /// quotes, backslashes, tabs and line breaks.
    fn fine_char() -> impl Strategy<Value = char> {
        prop_oneof![
            8 => proptest::char::range(' ', '~'),
            2 => proptest::sample::select(vec![
                '"', '\\', '/', '\t', '\n', '\r', 'é', 'ß', '中', '😀', '\u{1F1EB}',
                '\u{202E}', '\u{2066}', '\u{200F}', '\u{FEFF}', '\u{2028}', '\u{301}',
                '\u{FFFD}', '\u{10FFFD}',
            ]),
            1 => any::<char>().prop_filter("not refused", |&c| !is_refused(c)),
        ]
    }

    /// Characters `check_characters` refuses: controls and noncharacters.
    fn refused_char() -> impl Strategy<Value = char> {
        prop_oneof![
            proptest::char::range('\u{0}', '\u{1f}').prop_filter("refused", |&c| is_refused(c)),
            proptest::sample::select(vec![
                '\u{7F}',
                '\u{85}',
                '\u{9F}',
                '\u{FDD0}',
                '\u{FDEF}',
                '\u{FFFE}',
                '\u{FFFF}',
                '\u{1FFFE}',
                '\u{10FFFF}',
            ]),
        ]
    }

    fn fine_string() -> impl Strategy<Value = Json> {
        proptest::collection::vec((fine_char(), written()), 0..16).prop_map(|chars| {
            let mut out = String::from("\"");
            for (character, written) in chars {
                write_char(character, written, &mut out);
            }
            out.push('"');
            Json::Scalar(out)
        })
    }

    /// Strings of any character, written in any way, with escapes JSON
    /// refuses (lone surrogates, unknown escapes) now and then.
    fn any_string() -> impl Strategy<Value = Json> {
        let part = prop_oneof![
            100 => (fine_char(), written()).prop_map(|(c, w)| {
                let mut out = String::new();
                write_char(c, w, &mut out);
                out
            }),
            1 => (refused_char(), prop_oneof![written(), Just(Written::Raw)]).prop_map(|(c, w)| {
                let mut out = String::new();
                write_char(c, w, &mut out);
                out
            }),
            1 => proptest::sample::select(vec![
                "\\ud800", "\\udc00", "\\ud800\\u0041", "\\ud800x", "\\udbff\\udfff",
                "\\uD83D\\uDE00", "\\x", "\\u12", "\\u00zz", "\\U0041", "\\'", "\\",
            ])
            .prop_map(str::to_owned),
        ];
        proptest::collection::vec(part, 0..10)
            .prop_map(|parts| Json::Scalar(format!("\"{}\"", parts.concat())))
    }

    fn integer() -> impl Strategy<Value = Json> {
        prop_oneof![
            3 => (0..1000i64).prop_map(|n| Json::Scalar(n.to_string())),
            1 => proptest::sample::select(vec![
                "-0", "0", "-1", "01", "-01", "1.5", "1e3", "1E+2", "-", "2.", "+1",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808",
                "99999999999999999999", "0x10", "NaN", "Infinity",
            ])
            .prop_map(|n| Json::Scalar(n.to_owned())),
        ]
    }

    /// Any value, of any type, valid JSON or not.
    fn any_value() -> impl Strategy<Value = Json> {
        let leaf = prop_oneof![
            3 => any_string(),
            1 => proptest::sample::select(vec![
                "null", "true", "false", "nul", "tru", "nulll", "True", "", "[", "}", "\"\"",
            ])
            .prop_map(|s| Json::Scalar(s.to_owned())),
            1 => integer(),
        ];
        leaf.prop_recursive(3, 12, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
                proptest::collection::vec((key(), inner), 0..4).prop_map(Json::Object),
            ]
        })
    }

    const RELATION_KEYS: &[&str] = &[
        "id",
        "from",
        "type",
        "to",
        "modality",
        "attributed_to",
        "negated",
        "note",
        "date",
        "evidence",
    ];
    const ENTITY_KEYS: &[&str] = &["id", "label", "kind", "aliases", "description", "wikidata"];
    const QUOTE_KEYS: &[&str] = &["source", "quote", "occurrence"];

    /// A key as written: usually one a record knows, else one it does not,
    /// or a known one written with an escape.
    fn key() -> impl Strategy<Value = String> {
        let known: Vec<&str> = [RELATION_KEYS, ENTITY_KEYS, QUOTE_KEYS].concat();
        prop_oneof![
            8 => proptest::sample::select(known).prop_map(|k| format!("\"{k}\"")),
            1 => proptest::sample::select(vec!["", "ID", "from ", "extra", "evidences"])
                .prop_map(|k| format!("\"{k}\"")),
            1 => proptest::sample::select(vec!["\"fr\\u006fm\"", "\"\\u0069d\"", "\"lab\\u0065l\""])
                .prop_map(str::to_owned),
        ]
    }

    /// A value for `key`: usually of the type the key wants.
    fn value_for(key: &str, hostile: bool) -> BoxedStrategy<Json> {
        let string = if hostile {
            any_string().boxed()
        } else {
            fine_string().boxed()
        };
        // Any character, control characters and noncharacters included.
        let quote = || {
            let character = prop_oneof![fine_char(), refused_char(), any::<char>()];
            proptest::collection::vec((character, written()), 0..12).prop_map(|chars| {
                let mut out = String::from("\"");
                for (c, w) in chars {
                    write_char(c, w, &mut out);
                }
                out.push('"');
                Json::Scalar(out)
            })
        };
        let typed = match key {
            "evidence" => proptest::collection::vec(record(QUOTE_KEYS, hostile), 1..4)
                .prop_map(Json::Array)
                .boxed(),
            "attributed_to" | "aliases" => proptest::collection::vec(string, 0..4)
                .prop_map(Json::Array)
                .boxed(),
            "negated" => proptest::sample::select(vec!["true", "false", "null"])
                .prop_map(|s| Json::Scalar(s.to_owned()))
                .boxed(),
            "occurrence" if hostile => prop_oneof![
                2 => (0..1000i64).prop_map(|n| Json::Scalar(n.to_string())),
                1 => Just(Json::Scalar("null".to_owned())),
                2 => integer(),
            ]
            .boxed(),
            "occurrence" => prop_oneof![
                (0..1000i64).prop_map(|n| Json::Scalar(n.to_string())),
                Just(Json::Scalar("null".to_owned())),
            ]
            .boxed(),
            // Any character, escaped where JSON wants it.
            "quote" if !hostile => quote().boxed(),
            "id" | "from" | "type" | "to" | "modality" | "label" | "kind" | "source" | "quote"
                if !hostile =>
            {
                string
            }
            _ if !hostile => {
                prop_oneof![4 => string, 1 => Just(Json::Scalar("null".to_owned()))].boxed()
            }
            _ => string,
        };
        if hostile {
            prop_oneof![40 => typed, 1 => any_value(), 1 => integer()].boxed()
        } else {
            typed
        }
    }

    /// A record of the fields `keys`: the valid ones have each field at
    /// most once, the required ones always; the hostile ones may miss,
    /// repeat or add fields.
    fn record(keys: &'static [&'static str], hostile: bool) -> BoxedStrategy<Json> {
        let fields: Vec<BoxedStrategy<Option<(String, Json)>>> = keys
            .iter()
            .map(|&key| {
                let required = matches!(
                    key,
                    "from"
                        | "type"
                        | "to"
                        | "modality"
                        | "evidence"
                        | "label"
                        | "kind"
                        | "source"
                        | "quote"
                ) || (key == "id" && keys == ENTITY_KEYS);
                let field =
                    value_for(key, hostile).prop_map(move |value| (format!("\"{key}\""), value));
                match (required, hostile) {
                    (true, false) => field.prop_map(Some).boxed(),
                    (true, true) => proptest::option::weighted(0.95, field).boxed(),
                    (false, _) => proptest::option::weighted(0.4, field).boxed(),
                }
            })
            .collect();
        // In a hostile record, now and then a field of any name and value,
        // or one of its fields again.
        let (extra, repeat) = if hostile {
            (
                proptest::option::weighted(0.1, (key(), any_value())).boxed(),
                proptest::option::weighted(0.1, any::<proptest::sample::Index>()).boxed(),
            )
        } else {
            (Just(None).boxed(), Just(None).boxed())
        };
        (fields, extra, repeat, any::<proptest::sample::Index>())
            .prop_map(move |(fields, extra, repeat, shift)| {
                let mut fields: Vec<(String, Json)> = fields.into_iter().flatten().collect();
                if let Some(index) = repeat
                    && !fields.is_empty()
                {
                    fields.push(fields[index.index(fields.len())].clone());
                }
                fields.extend(extra);
                if !fields.is_empty() {
                    let by = shift.index(fields.len());
                    fields.rotate_left(by);
                }
                Json::Object(fields)
            })
            .boxed()
    }

    fn element(record: Json, whitespace: Vec<usize>) -> String {
        let mut out = String::new();
        render(&record, &whitespace, &mut 0, &mut out);
        out
    }

    /// Whitespace indexes: JSON whitespace only, or, now and then, any.
    fn whitespace(json_only: bool) -> impl Strategy<Value = Vec<usize>> {
        let json = proptest::collection::vec(0..WHITESPACE.len() - 2, 0..24);
        if json_only {
            json.boxed()
        } else {
            prop_oneof![
                8 => json,
                1 => proptest::collection::vec(0..WHITESPACE.len(), 0..24),
            ]
            .boxed()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn hostile_records_are_declined_or_read_as_the_general_path_reads_them(
            relation in record(RELATION_KEYS, true),
            entity in record(ENTITY_KEYS, true),
            anything in any_value(),
            whitespace in whitespace(false),
        ) {
            agrees("relation", &element(relation, whitespace.clone()))?;
            agrees("entity", &element(entity, whitespace.clone()))?;
            agrees("relation", &element(anything.clone(), whitespace.clone()))?;
            agrees("entity", &element(anything, whitespace))?;
        }

        #[test]
        fn valid_records_are_read_directly_as_the_general_path_reads_them(
            relation in record(RELATION_KEYS, false),
            entity in record(ENTITY_KEYS, false),
            whitespace in whitespace(true),
        ) {
            let relation = element(relation, whitespace.clone());
            prop_assert!(agrees("relation", &relation)?, "declined: {}", relation);
            let entity = element(entity, whitespace);
            prop_assert!(agrees("entity", &entity)?, "declined: {}", entity);
        }
    }
}
