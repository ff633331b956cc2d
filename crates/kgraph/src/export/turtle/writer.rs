//! Turtle text exactly as oxttl's serializer writes it, at a fraction of
//! its cost.
//!
//! oxttl 0.1 copies the subject and predicate of each triple into owned
//! `NamedNode`s, allocates a `String` for each prefixed name, tries every
//! prefix on every IRI and writes through `fmt`: at 500k relations that was
//! most of the Turtle export's time. Here an IRI is a [`Namespace`] and a
//! local part; which prefixes can apply to a namespace is worked out once,
//! so writing an IRI reads its local part only. Text is copied in runs
//! between the characters that need an escape, and nothing is allocated
//! per triple.
//!
//! What oxttl writes, and so what this module writes:
//! - a statement is `subject predicate object`; a triple of the same
//!   subject continues it with ` ;\n\tpredicate object`, or with
//!   ` , object` if its predicate is the same too; ` .\n` ends it;
//! - `rdf:type` as a predicate is `a`;
//! - an IRI is `name:local` for the first prefix, in the order of the
//!   prefix IRIs, that the IRI starts with and whose local name can be
//!   written (some characters after a backslash), else `<iri>`;
//! - a literal is `"text"` with `\b \t \n \f \r \" \\` and `\u00XX` for
//!   the other C0 controls and DEL, then `@language` or `^^datatype`
//!   (not for `xsd:string`); an `xsd:boolean`, `xsd:integer`,
//!   `xsd:decimal` or `xsd:double` whose text is a Turtle number or
//!   boolean is written bare.
//!
//! oxttl stays the reference: the tests give both the same triples, with
//! hostile text and prefixes that overlap, and compare the bytes, so an
//! oxttl release that writes differently fails them rather than going
//! unnoticed.

use std::borrow::Cow;
use std::collections::BTreeMap;

use oxrdf::vocab::{rdf, xsd};
use oxrdf::{IriParseError, LiteralRef, NamedNode};

/// The prefixes of a Turtle file: oxttl writes them and tries them on
/// each IRI in the order of their IRIs.
pub(super) struct Prefixes {
    /// `(iri, name)` sorted by IRI; for an IRI given twice, the last name
    /// (oxttl keeps them in a map from IRI to name).
    by_iri: Vec<(String, String)>,
    /// Every IRI as a local part of the empty namespace: for the datatypes
    /// of literals, which are few.
    any: Namespace,
}

impl Prefixes {
    /// The prefixes `(name, iri)`; fails, as oxttl does, on an IRI that is
    /// not an absolute IRI.
    pub(super) fn new<'a>(
        prefixes: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Prefixes, IriParseError> {
        let mut by_iri = BTreeMap::new();
        for (name, iri) in prefixes {
            NamedNode::new(iri)?;
            by_iri.insert(iri.to_owned(), name.to_owned());
        }
        let by_iri: Vec<(String, String)> = by_iri.into_iter().collect();
        let any = Namespace::within(String::new(), &by_iri);
        Ok(Prefixes { by_iri, any })
    }

    /// The `@prefix` lines that oxttl writes before the first triple.
    pub(super) fn write_declarations(&self, out: &mut Vec<u8>) {
        for (iri, name) in &self.by_iri {
            out.extend_from_slice(b"@prefix ");
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b": <");
            out.extend_from_slice(iri.as_bytes());
            out.extend_from_slice(b"> .\n");
        }
    }

    /// The namespace `iri`, with the prefixes that can apply to its IRIs.
    pub(super) fn namespace(&self, iri: impl Into<String>) -> Namespace {
        Namespace::within(iri.into(), &self.by_iri)
    }
}

/// The IRIs that start with one IRI, such as every entity's: the
/// prefixes that can apply to them are known in advance.
pub(super) struct Namespace {
    iri: String,
    /// The prefixes an IRI of this namespace may be written with, in
    /// oxttl's order (by prefix IRI).
    candidates: Vec<Candidate>,
    /// The local part that makes `rdf:type`, written `a` as a predicate.
    rdf_type_local: Option<String>,
}

/// A prefix that an IRI of a namespace may start with.
enum Candidate {
    /// The namespace starts with the prefix: every IRI of it does, with the
    /// local name `rest` (the namespace past the prefix) then the local
    /// part.
    Within { name: String, rest: String },
    /// The prefix starts with the namespace and goes on with `rest`: an IRI
    /// whose local part starts with `rest` starts with the prefix.
    Beyond { name: String, rest: String },
}

impl Namespace {
    fn within(iri: String, by_iri: &[(String, String)]) -> Namespace {
        let candidates = by_iri
            .iter()
            .filter_map(|(prefix, name)| {
                let name = name.clone();
                if let Some(rest) = iri.strip_prefix(prefix.as_str()) {
                    Some(Candidate::Within {
                        name,
                        rest: rest.to_owned(),
                    })
                } else {
                    prefix
                        .strip_prefix(iri.as_str())
                        .map(|rest| Candidate::Beyond {
                            name,
                            rest: rest.to_owned(),
                        })
                }
            })
            .collect();
        let rdf_type_local = rdf::TYPE
            .as_str()
            .strip_prefix(iri.as_str())
            .map(str::to_owned);
        Namespace {
            iri,
            candidates,
            rdf_type_local,
        }
    }

    /// The IRI of this namespace followed by `local`. As with
    /// [`NamedNode::new_unchecked`], the caller makes sure that the two
    /// make a valid IRI.
    pub(super) fn iri<'a>(&'a self, local: impl Into<Cow<'a, str>>) -> Iri<'a> {
        Iri {
            namespace: self,
            local: local.into(),
        }
    }

    /// Appends `local` in this namespace as oxttl writes the IRI.
    fn write(&self, local: &str, out: &mut Vec<u8>) {
        for candidate in &self.candidates {
            let written = match candidate {
                Candidate::Within { name, rest } => write_prefixed_name(name, rest, local, out),
                Candidate::Beyond { name, rest } => local
                    .strip_prefix(rest.as_str())
                    .is_some_and(|tail| write_prefixed_name(name, "", tail, out)),
            };
            if written {
                return;
            }
        }
        out.push(b'<');
        out.extend_from_slice(self.iri.as_bytes());
        out.extend_from_slice(local.as_bytes());
        out.push(b'>');
    }
}

/// An IRI as a namespace and a local part.
#[derive(Clone)]
pub(super) struct Iri<'a> {
    namespace: &'a Namespace,
    local: Cow<'a, str>,
}

impl Iri<'_> {
    /// The whole IRI, for oxttl in the tests.
    #[cfg(test)]
    pub(super) fn to_named_node(&self) -> NamedNode {
        let iri = format!("{}{}", self.namespace.iri, self.local);
        NamedNode::new(iri.as_str()).unwrap_or_else(|error| panic!("`{iri}`: {error}"))
    }

    /// Whether this is the IRI `iri`, which oxttl compares whole.
    fn is(&self, iri: &str) -> bool {
        let namespace = self.namespace.iri.as_str();
        iri.len() == namespace.len() + self.local.len()
            && iri.starts_with(namespace)
            && iri[namespace.len()..] == *self.local
    }

    fn copy_into(&self, iri: &mut String) {
        iri.clear();
        iri.push_str(&self.namespace.iri);
        iri.push_str(&self.local);
    }
}

/// The object of a triple.
pub(super) enum Object<'a> {
    Iri(Iri<'a>),
    Literal(LiteralRef<'a>),
    /// An `xsd:integer`, written bare.
    Integer(usize),
}

impl<'a> From<Iri<'a>> for Object<'a> {
    fn from(iri: Iri<'a>) -> Object<'a> {
        Object::Iri(iri)
    }
}

impl<'a> From<LiteralRef<'a>> for Object<'a> {
    fn from(literal: LiteralRef<'a>) -> Object<'a> {
        Object::Literal(literal)
    }
}

/// Where an exporter's triples go: a [`TurtleWriter`], or in the tests
/// oxttl's serializer, which must write the same bytes.
pub(super) trait Triples {
    fn triple(&mut self, subject: &Iri<'_>, predicate: &Iri<'_>, object: Object<'_>);
}

/// Writes triples, in the order given, as oxttl's `LowLevelTurtleSerializer`
/// does once it has written its prefixes ([`Prefixes::write_declarations`]).
pub(super) struct TurtleWriter<'a> {
    prefixes: &'a Prefixes,
    out: &'a mut Vec<u8>,
    /// The IRIs of the open statement's subject and of its last predicate
    /// (buffers reused from one statement to the next).
    subject: String,
    predicate: String,
    in_statement: bool,
}

impl<'a> TurtleWriter<'a> {
    pub(super) fn new(prefixes: &'a Prefixes, out: &'a mut Vec<u8>) -> TurtleWriter<'a> {
        TurtleWriter {
            prefixes,
            out,
            subject: String::new(),
            predicate: String::new(),
            in_statement: false,
        }
    }

    /// Ends the last statement with ` .` and a line break.
    pub(super) fn finish(self) {
        if self.in_statement {
            self.out.extend_from_slice(b" .\n");
        }
    }

    fn write_predicate(&mut self, predicate: &Iri<'_>) {
        if predicate.namespace.rdf_type_local.as_deref() == Some(&*predicate.local) {
            self.out.push(b'a');
        } else {
            predicate.namespace.write(&predicate.local, self.out);
        }
    }

    fn write_object(&mut self, object: Object<'_>) {
        match object {
            Object::Iri(iri) => iri.namespace.write(&iri.local, self.out),
            Object::Integer(value) => write_integer(value, self.out),
            Object::Literal(literal) => {
                let value = literal.value();
                let bare = match literal.datatype() {
                    xsd::BOOLEAN => matches!(value, "true" | "false"),
                    xsd::INTEGER => is_turtle_integer(value),
                    xsd::DECIMAL => is_turtle_decimal(value),
                    xsd::DOUBLE => is_turtle_double(value),
                    _ => false,
                };
                if bare {
                    self.out.extend_from_slice(value.as_bytes());
                    return;
                }
                write_quoted(value, self.out);
                if let Some(language) = literal.language() {
                    self.out.push(b'@');
                    self.out.extend_from_slice(language.as_bytes());
                } else if !literal.is_plain() {
                    self.out.extend_from_slice(b"^^");
                    self.prefixes
                        .any
                        .write(literal.datatype().as_str(), self.out);
                }
            }
        }
    }
}

impl Triples for TurtleWriter<'_> {
    fn triple(&mut self, subject: &Iri<'_>, predicate: &Iri<'_>, object: Object<'_>) {
        if self.in_statement && subject.is(&self.subject) {
            if predicate.is(&self.predicate) {
                self.out.extend_from_slice(b" , ");
            } else {
                predicate.copy_into(&mut self.predicate);
                self.out.extend_from_slice(b" ;\n\t");
                self.write_predicate(predicate);
                self.out.push(b' ');
            }
        } else {
            if self.in_statement {
                self.out.extend_from_slice(b" .\n");
            }
            subject.copy_into(&mut self.subject);
            predicate.copy_into(&mut self.predicate);
            subject.namespace.write(&subject.local, self.out);
            self.out.push(b' ');
            self.write_predicate(predicate);
            self.out.push(b' ');
        }
        self.write_object(object);
        self.in_statement = true;
    }
}

/// Appends `name:` and the local name `head` + `tail` as oxttl escapes it;
/// if oxttl cannot write it as a prefixed name, appends nothing and
/// returns false. (oxttl's `escape_local_name`, without the `String`.)
fn write_prefixed_name(name: &str, head: &str, tail: &str, out: &mut Vec<u8>) -> bool {
    let start = out.len();
    out.extend_from_slice(name.as_bytes());
    out.push(b':');
    if head.is_empty() && is_plain_ascii_local_name(tail) {
        out.extend_from_slice(tail.as_bytes());
        return true;
    }
    let length = head.len() + tail.len();
    let mut read = 0;
    for c in head.chars().chain(tail.chars()) {
        let first = read == 0;
        read += c.len_utf8();
        let as_is = if first {
            is_pn_chars_u(c) || c == ':' || c.is_ascii_digit()
        } else {
            is_pn_chars(c) || c == ':' || (c == '.' && read < length)
        };
        if as_is {
            let mut utf8 = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        } else if can_be_escaped_in_local_name(c) {
            out.push(b'\\');
            out.push(c as u8);
        } else {
            out.truncate(start);
            return false;
        }
    }
    true
}

/// Whether every byte of `text` is in `class`, read with no branch per
/// byte (and no early exit), which the compiler turns into vector code.
/// Ids mix letters, digits, `-` and `.` unpredictably: a loop that
/// branched on each byte's class mispredicted often enough to take a
/// large part of the Turtle export's time.
pub(super) fn all_bytes(text: &str, class: impl Fn(u8) -> bool) -> bool {
    text.bytes().fold(true, |all, byte| all & class(byte))
}

/// `[A-Za-z0-9]`, without branches (see [`all_bytes`]).
pub(super) fn is_ascii_alphanumeric(byte: u8) -> bool {
    (byte.wrapping_sub(b'0') < 10) | ((byte | 0x20).wrapping_sub(b'a') < 26)
}

/// A local name that oxttl writes unchanged and that is ASCII: the common
/// case. Empty is not one (oxttl writes `name:`, which
/// `write_prefixed_name` does by its general path).
fn is_plain_ascii_local_name(local: &str) -> bool {
    let bytes = local.as_bytes();
    let middle =
        |b: u8| is_ascii_alphanumeric(b) | (b == b'_') | (b == b':') | (b == b'-') | (b == b'.');
    match (bytes.first(), bytes.last()) {
        (Some(&first), Some(&last)) => {
            (first.is_ascii_alphanumeric() || first == b'_' || first == b':')
                && last != b'.'
                && all_bytes(local, middle)
        }
        _ => false,
    }
}

// oxttl's character classes (its lexer's, from the Turtle grammar).

/// `[163s] PN_CHARS_BASE`.
fn is_pn_chars_base(c: char) -> bool {
    matches!(c,
        'A'..='Z'
        | 'a'..='z'
        | '\u{00C0}'..='\u{00D6}'
        | '\u{00D8}'..='\u{00F6}'
        | '\u{00F8}'..='\u{02FF}'
        | '\u{0370}'..='\u{037D}'
        | '\u{037F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}'
        | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}'
        | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// `[164s] PN_CHARS_U ::= PN_CHARS_BASE | '_'`.
fn is_pn_chars_u(c: char) -> bool {
    is_pn_chars_base(c) || c == '_'
}

/// `[166s] PN_CHARS ::= PN_CHARS_U | '-' | [0-9] | #xB7 | [#x300-#x36F] | [#x203F-#x2040]`.
fn is_pn_chars(c: char) -> bool {
    is_pn_chars_u(c)
        || matches!(c, '-' | '0'..='9' | '\u{00B7}' | '\u{0300}'..='\u{036F}' | '\u{203F}'..='\u{2040}')
}

/// `[172s] PN_LOCAL_ESC`, the characters a local name may hold after `\`.
fn can_be_escaped_in_local_name(c: char) -> bool {
    matches!(
        c,
        '_' | '~'
            | '.'
            | '-'
            | '!'
            | '$'
            | '&'
            | '\''
            | '('
            | ')'
            | '*'
            | '+'
            | ','
            | ';'
            | '='
            | '/'
            | '?'
            | '#'
            | '@'
            | '%'
    )
}

/// Appends `text` as a quoted Turtle string, escaped as oxrdf's
/// `print_quoted_str` escapes it, copying the runs between escapes whole.
fn write_quoted(text: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(b'"');
    let bytes = text.as_bytes();
    // Most text needs no escape: checked first in vector code.
    let as_is = |byte: u8| (byte >= 0x20) & (byte != b'"') & (byte != b'\\') & (byte != 0x7F);
    if all_bytes(text, as_is) {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut run = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        // Bytes of multibyte characters are all above 0x7F: only ASCII is
        // escaped, so the string is cut at character boundaries.
        let escape: &[u8] = match byte {
            0x08 => b"\\b",
            b'\t' => b"\\t",
            b'\n' => b"\\n",
            0x0C => b"\\f",
            b'\r' => b"\\r",
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            0x00..=0x1F | 0x7F => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xF)],
            ],
            _ => continue,
        };
        out.extend_from_slice(&bytes[run..index]);
        out.extend_from_slice(escape);
        run = index + 1;
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

fn write_integer(mut value: usize, out: &mut Vec<u8>) {
    let mut digits = [0; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

// oxttl's tests of whether a typed literal's text can be written bare.

fn strip_sign(value: &[u8]) -> &[u8] {
    value
        .strip_prefix(b"+")
        .or_else(|| value.strip_prefix(b"-"))
        .unwrap_or(value)
}

fn strip_digits(value: &[u8]) -> (&[u8], bool) {
    let digits = value.iter().take_while(|b| b.is_ascii_digit()).count();
    (&value[digits..], digits > 0)
}

/// `[19] INTEGER ::= [+-]? [0-9]+`.
fn is_turtle_integer(value: &str) -> bool {
    let (rest, some) = strip_digits(strip_sign(value.as_bytes()));
    some && rest.is_empty()
}

/// `[20] DECIMAL ::= [+-]? [0-9]* '.' [0-9]+`.
fn is_turtle_decimal(value: &str) -> bool {
    let (rest, _) = strip_digits(strip_sign(value.as_bytes()));
    let Some(rest) = rest.strip_prefix(b".") else {
        return false;
    };
    let (rest, some) = strip_digits(rest);
    some && rest.is_empty()
}

/// `[21] DOUBLE ::= [+-]? ([0-9]+ '.' [0-9]* EXPONENT | '.' [0-9]+ EXPONENT
/// | [0-9]+ EXPONENT)`, `[154s] EXPONENT ::= [eE] [+-]? [0-9]+`.
fn is_turtle_double(value: &str) -> bool {
    let (rest, before) = strip_digits(strip_sign(value.as_bytes()));
    let (rest, after) = match rest.strip_prefix(b".") {
        Some(rest) => strip_digits(rest),
        None => (rest, false),
    };
    let Some(rest) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) else {
        return false;
    };
    let (rest, exponent) = strip_digits(strip_sign(rest));
    (before || after) && exponent && rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxrdf::{Literal, NamedNodeRef, Term, TripleRef};
    use oxttl::TurtleSerializer;
    use proptest::prelude::*;

    /// Prefix IRIs that start with one another, end mid-word, or are
    /// `rdf:`, and namespaces between and beyond them.
    const IRIS: &[&str] = &[
        "",
        "http://e.example/",
        "http://e.example/a",
        "http://e.example/a/",
        "http://e.example/a/b#",
        "http://e.example/a/b#c",
        "http://e.example/z/",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
        "http://www.w3.org/1999/02/",
        "http://www.w3.org/2001/XMLSchema#",
    ];

    /// Local parts with what a local name may hold as is, after a
    /// backslash, or not at all: `.` and `-` first or last, `:`, `%`,
    /// non-ASCII name characters, combining marks alone, and characters
    /// outside every class.
    const LOCAL: &str = "[a-z0-9_.:~%/#?@!$&'()*+,;=é·\u{300}\u{203f}中𝄞\u{fffe}\u{2028}-]{0,5}|[a-z0-9_.:-]{0,4}|type";

    /// Text with every character a Turtle string escapes, and neighbours
    /// that it must not: DEL, C1 controls, line separators, non-characters,
    /// non-BMP characters and a lone combining mark.
    const TEXT: &str = "[a\"\\\\\t\n\r\u{0}-\u{1f}\u{7f}\u{80}\u{85}\u{9f}\u{2028}\u{202e}\u{301}\u{fffe}\u{ffff}\u{10000}\u{1f680}\u{10ffff}é中 ]{0,12}";

    /// A term as both writers are given it.
    #[derive(Debug, Clone)]
    enum TestObject {
        Iri(usize, String),
        Literal(Literal),
        Integer(usize),
    }

    fn iri() -> impl Strategy<Value = (usize, String)> {
        (0..IRIS.len(), LOCAL)
    }

    fn literal() -> impl Strategy<Value = Literal> {
        let datatypes = prop::sample::select(vec![
            xsd::STRING,
            xsd::G_YEAR,
            NamedNodeRef::new_unchecked("http://e.example/a/b#c"),
            NamedNodeRef::new_unchecked("http://e.example/a/dt"),
            NamedNodeRef::new_unchecked("urn:no-prefix"),
        ]);
        let written_bare =
            prop::sample::select(vec![xsd::BOOLEAN, xsd::INTEGER, xsd::DECIMAL, xsd::DOUBLE]);
        // Text that is, or nearly is, a Turtle boolean or number.
        let number = prop_oneof![
            Just("true".to_owned()),
            Just("false".to_owned()),
            "[+-]?([0-9]{1,2})?(\\.)?([0-9]{1,2})?([eE][+-]?([0-9]{1,2})?)?",
        ];
        prop_oneof![
            TEXT.prop_map(Literal::new_simple_literal),
            (TEXT, "[a-z]{1,3}(-[a-z0-9]{1,3})?").prop_map(|(value, language)| {
                Literal::new_language_tagged_literal_unchecked(value, language)
            }),
            (TEXT, datatypes)
                .prop_map(|(value, datatype)| Literal::new_typed_literal(value, datatype)),
            (number, written_bare)
                .prop_map(|(value, datatype)| Literal::new_typed_literal(value, datatype)),
        ]
    }

    fn object() -> impl Strategy<Value = TestObject> {
        prop_oneof![
            iri().prop_map(|(namespace, local)| TestObject::Iri(namespace, local)),
            literal().prop_map(TestObject::Literal),
            any::<usize>().prop_map(TestObject::Integer),
        ]
    }

    type TestTriple = ((usize, String), (usize, String), TestObject);

    /// Triples whose subjects and predicates repeat, so that statements
    /// continue with `;` and `,`.
    fn triples() -> impl Strategy<Value = Vec<TestTriple>> {
        let subjects = prop::collection::vec(iri(), 1..4);
        let predicates = prop::collection::vec(iri(), 1..4);
        (subjects, predicates).prop_flat_map(|(subjects, predicates)| {
            let triple = (
                prop::sample::select(subjects),
                prop::sample::select(predicates),
                object(),
            );
            prop::collection::vec(triple, 0..12)
        })
    }

    fn prefixes() -> impl Strategy<Value = Vec<(String, usize)>> {
        prop::collection::vec(("[a-c]{0,2}", 1..IRIS.len()), 0..6)
    }

    fn through_oxttl(prefixes: &[(String, usize)], triples: &[TestTriple]) -> Vec<u8> {
        let mut serializer = TurtleSerializer::new();
        for (name, iri) in prefixes {
            serializer = serializer.with_prefix(name, IRIS[*iri]).unwrap();
        }
        let mut serializer = serializer.low_level();
        let named_node = |(namespace, local): &(usize, String)| {
            NamedNode::new_unchecked(format!("{}{local}", IRIS[*namespace]))
        };
        let mut out = Vec::new();
        for (subject, predicate, object) in triples {
            let object = match object {
                TestObject::Iri(namespace, local) => {
                    Term::from(named_node(&(*namespace, local.clone())))
                }
                TestObject::Literal(literal) => literal.clone().into(),
                TestObject::Integer(value) => {
                    Literal::new_typed_literal(value.to_string(), xsd::INTEGER).into()
                }
            };
            let (subject, predicate) = (named_node(subject), named_node(predicate));
            serializer
                .serialize_triple(
                    TripleRef::new(subject.as_ref(), predicate.as_ref(), object.as_ref()),
                    &mut out,
                )
                .unwrap();
        }
        serializer.finish(&mut out).unwrap();
        out
    }

    fn through_writer(prefixes: &[(String, usize)], triples: &[TestTriple]) -> Vec<u8> {
        let prefixes = Prefixes::new(
            prefixes
                .iter()
                .map(|(name, iri)| (name.as_str(), IRIS[*iri])),
        )
        .unwrap();
        let namespaces: Vec<Namespace> = IRIS.iter().map(|iri| prefixes.namespace(*iri)).collect();
        let mut out = Vec::new();
        // oxttl writes its prefixes before the first triple, if any.
        if !triples.is_empty() {
            prefixes.write_declarations(&mut out);
        }
        let mut writer = TurtleWriter::new(&prefixes, &mut out);
        let iri = |(namespace, local): &(usize, String)| namespaces[*namespace].iri(local.clone());
        for (subject, predicate, object) in triples {
            let object = match object {
                TestObject::Iri(namespace, local) => Object::Iri(iri(&(*namespace, local.clone()))),
                TestObject::Literal(literal) => Object::Literal(literal.as_ref()),
                TestObject::Integer(value) => Object::Integer(*value),
            };
            writer.triple(&iri(subject), &iri(predicate), object);
        }
        writer.finish();
        out
    }

    proptest! {
        #[test]
        fn writes_the_bytes_oxttl_writes(prefixes in prefixes(), triples in triples()) {
            let expected = through_oxttl(&prefixes, &triples);
            let written = through_writer(&prefixes, &triples);
            prop_assert_eq!(String::from_utf8(written).unwrap(), String::from_utf8(expected).unwrap());
        }
    }

    #[test]
    fn statements_prefixed_names_and_literals_read_as_oxttl_writes_them() {
        let prefixes = [("ex".to_owned(), 1), ("b".to_owned(), 4)];
        let s = (1, "s".to_owned());
        let p = (1, "p".to_owned());
        let triples = vec![
            (
                s.clone(),
                (7, "type".to_owned()),
                TestObject::Iri(4, "c".to_owned()),
            ),
            (
                s.clone(),
                (7, "type".to_owned()),
                TestObject::Iri(1, "a.".to_owned()),
            ),
            (s.clone(), p.clone(), TestObject::Iri(1, "é/x".to_owned())),
            (
                s.clone(),
                p.clone(),
                TestObject::Iri(1, "\u{2028}".to_owned()),
            ),
            (
                s,
                (1, "q".to_owned()),
                TestObject::Literal(Literal::new_simple_literal("\"\\\n\u{7f}\u{1}é")),
            ),
            ((3, "o-".to_owned()), p.clone(), TestObject::Integer(42)),
            (
                (3, "o-".to_owned()),
                p,
                TestObject::Literal(Literal::new_typed_literal("1990", xsd::G_YEAR)),
            ),
        ];
        // `b:c` would read better, but the first prefix in IRI order wins.
        let expected = "@prefix ex: <http://e.example/> .\n\
            @prefix b: <http://e.example/a/b#> .\n\
            ex:s a ex:a\\/b\\#c , ex:a\\. ;\n\
            \tex:p ex:é\\/x , <http://e.example/\u{2028}> ;\n\
            \tex:q \"\\\"\\\\\\n\\u007F\\u0001é\" .\n\
            ex:a\\/o- ex:p 42 , \"1990\"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n";
        assert_eq!(
            String::from_utf8(through_oxttl(&prefixes, &triples)).unwrap(),
            expected
        );
        assert_eq!(
            String::from_utf8(through_writer(&prefixes, &triples)).unwrap(),
            expected
        );
    }
}
