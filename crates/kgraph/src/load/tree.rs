//! One spanned document tree for both input syntaxes, TOML and JSON, so that
//! the record readers and every check are written once.

mod outline;

use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// A value with the byte range it was read from.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Boolean(bool),
    Null,
    Array(Vec<Node>),
    Table(Vec<Field>),
    /// An element of a top-level array of a JSON document, checked but not
    /// built yet: [`expand`] builds it. A relations file holds a million of
    /// them, and built all at once their trees were the largest thing in
    /// memory; built one by one, on every core, each is read into a record
    /// and dropped.
    Deferred,
    /// Like [`Value::Deferred`], but not even checked: an element of a
    /// record array of a large JSON document, found by its brackets only
    /// (see `outline.rs`). [`expand`] checks it; if that fails, the whole
    /// document is invalid, and [`first_error`] says where.
    Unchecked,
}

/// A key of a table with its value.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Field {
    pub key: String,
    pub key_span: Range<usize>,
    pub node: Node,
}

impl Value {
    /// The name of the value's type, as a user of either syntax calls it.
    pub(super) fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Boolean(_) => "a boolean",
            Value::Null => "null",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
            Value::Deferred | Value::Unchecked => "a value",
        }
    }
}

/// A syntax error with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SyntaxError {
    pub message: String,
    pub span: Range<usize>,
}

/// The input syntaxes kgraph reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Syntax {
    Toml,
    Json,
}

impl Syntax {
    /// File extensions read, in order of preference when both exist.
    pub(super) const EXTENSIONS: [(&'static str, Syntax); 2] =
        [("toml", Syntax::Toml), ("json", Syntax::Json)];

    pub(super) fn from_extension(extension: &str) -> Option<Syntax> {
        Syntax::EXTENSIONS
            .into_iter()
            .find(|(name, _)| *name == extension)
            .map(|(_, syntax)| syntax)
    }
}

/// JSON documents from this size on are outlined (`outline.rs`) rather
/// than checked in one pass on one core: below it, the pass costs less
/// than a millisecond.
const OUTLINE_BYTES: usize = 1 << 20;

/// Parses a document. In a large JSON document, the elements of the arrays
/// under the root keys `sections` may be left [`Value::Unchecked`]: the
/// caller expands each, and if one fails, reports [`first_error`] instead
/// of anything read from the document.
pub(super) fn parse(text: &str, syntax: Syntax, sections: &[&str]) -> Result<Node, SyntaxError> {
    match syntax {
        Syntax::Toml => parse_toml(text),
        Syntax::Json => parse_json(text, sections, OUTLINE_BYTES),
    }
}

/// The error the checking parser reports for a JSON document in which an
/// [`Value::Unchecked`] element failed to expand with `expanded`: the
/// first error in the document, which may lie before that element.
pub(super) fn first_error(text: &str, expanded: SyntaxError) -> SyntaxError {
    parse_json(text, &[], usize::MAX).err().unwrap_or(expanded)
}

fn parse_toml(text: &str) -> Result<Node, SyntaxError> {
    let table = DeTable::parse(text).map_err(|error| SyntaxError {
        message: error.message().trim_end().to_owned(),
        span: error.span().unwrap_or(0..0),
    })?;
    let span = table.span();
    Ok(Node {
        value: toml_table(table.get_ref()),
        span,
    })
}

fn toml_table(table: &DeTable<'_>) -> Value {
    Value::Table(
        table
            .iter()
            .map(|(key, value)| Field {
                key: key.get_ref().to_string(),
                key_span: key.span(),
                node: Node {
                    value: toml_value(value.get_ref()),
                    span: value.span(),
                },
            })
            .collect(),
    )
}

fn toml_value(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(text) => Value::String(text.to_string()),
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .map_or(Value::Float(f64::NAN), Value::Integer),
        DeValue::Float(float) => Value::Float(float.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(boolean) => Value::Boolean(*boolean),
        // A curator who writes `date = 2022-09-25` unquoted means the string.
        DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
        DeValue::Array(array) => Value::Array(
            array
                .into_iter()
                .map(|item| Node {
                    value: toml_value(item.get_ref()),
                    span: item.span(),
                })
                .collect(),
        ),
        DeValue::Table(table) => toml_table(table),
    }
}

/// JSON nesting deeper than this is refused: the tree is built recursively
/// and our documents are three levels deep.
const MAX_JSON_DEPTH: usize = 64;

/// Parses JSON, outlining documents of `outline_from` bytes or more.
fn parse_json(text: &str, sections: &[&str], outline_from: usize) -> Result<Node, SyntaxError> {
    // Editors on Windows may start a UTF-8 file with a byte order mark,
    // which JSON parsers refuse: parse after it, then shift the spans.
    const BOM: &str = "\u{feff}";
    if let Some(rest) = text.strip_prefix(BOM) {
        let shift = |span: Range<usize>| span.start + BOM.len()..span.end + BOM.len();
        return match parse_json(rest, sections, outline_from) {
            Ok(mut node) => {
                node.shift_spans(BOM.len());
                Ok(node)
            }
            Err(error) => Err(SyntaxError {
                message: error.message,
                span: shift(error.span),
            }),
        };
    }
    if text.len() >= outline_from
        && let Some(root) = outline::outline(text, sections)
    {
        return Ok(root);
    }
    // jiter is a pull parser: its position between tokens gives the spans
    // that serde_json cannot, at several hundred MB/s.
    let mut parser = jiter::Jiter::new(text.as_bytes());
    let node = json_value(&mut parser, text, 0, Mode::DeferItems)?;
    parser.finish().map_err(json_error)?;
    Ok(node)
}

/// Builds a [`Value::Deferred`] or [`Value::Unchecked`] node of a JSON
/// document `text` (the whole file, so that spans index it). A deferred
/// element was checked when the document was parsed: it only fails if the
/// text changed in between. An unchecked one fails where it is invalid.
pub(super) fn expand(text: &str, span: Range<usize>) -> Result<Node, SyntaxError> {
    let item = text.get(span.clone()).ok_or(SyntaxError {
        message: "the element is not where the document had it".to_owned(),
        span: span.clone(),
    })?;
    let mut parser = jiter::Jiter::new(item.as_bytes());
    // At the depth the element had in its document, so that the depth
    // limit counts as it did when it was checked.
    let mut node = json_value(&mut parser, item, 2, Mode::Build)?;
    parser.finish().map_err(json_error)?;
    node.shift_spans(span.start);
    Ok(node)
}

/// What [`json_value`] makes of the value it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The whole tree.
    Build,
    /// Nothing: the value is only checked, exactly as `Build` would check
    /// it, so that a document's first error is the same either way.
    Check,
    /// The document's root: the elements of its top-level arrays are
    /// checked and left [`Value::Deferred`], everything else is built.
    DeferItems,
}

impl Node {
    /// A placeholder left where a value was moved out.
    pub(super) fn null() -> Node {
        Node {
            value: Value::Null,
            span: 0..0,
        }
    }

    fn shift_spans(&mut self, by: usize) {
        self.span = self.span.start + by..self.span.end + by;
        match &mut self.value {
            Value::Array(items) => items.iter_mut().for_each(|item| item.shift_spans(by)),
            Value::Table(fields) => fields.iter_mut().for_each(|field| {
                field.key_span = field.key_span.start + by..field.key_span.end + by;
                field.node.shift_spans(by);
            }),
            _ => {}
        }
    }
}

fn json_error(error: jiter::JiterError) -> SyntaxError {
    let message = error.error_type.to_string();
    SyntaxError {
        message,
        span: error.index..error.index + 1,
    }
}

fn json_value(
    parser: &mut jiter::Jiter<'_>,
    text: &str,
    depth: usize,
    mode: Mode,
) -> Result<Node, SyntaxError> {
    use jiter::Peek;
    let peek = parser.peek().map_err(json_error)?;
    let start = parser.current_index();
    if depth > MAX_JSON_DEPTH && matches!(peek, Peek::Array | Peek::Object) {
        return Err(SyntaxError {
            message: format!("nested more than {MAX_JSON_DEPTH} levels deep"),
            span: start..start + 1,
        });
    }
    let value = match peek {
        Peek::Null => {
            parser.known_null().map_err(json_error)?;
            Value::Null
        }
        Peek::True | Peek::False => Value::Boolean(parser.known_bool(peek).map_err(json_error)?),
        Peek::String => {
            let string = parser.known_str().map_err(json_error)?;
            match mode {
                Mode::Check => Value::Null,
                _ => Value::String(string.to_owned()),
            }
        }
        Peek::Array => {
            // In the root object, an array's elements are the records.
            let item_mode = match mode {
                Mode::DeferItems if depth == 1 => Mode::Check,
                Mode::DeferItems => Mode::Build,
                other => other,
            };
            let mut items = Vec::new();
            let mut next = parser.known_array().map_err(json_error)?;
            while next.is_some() {
                let item = json_value(parser, text, depth + 1, item_mode)?;
                match (mode, item_mode) {
                    (Mode::Check, _) => {}
                    (_, Mode::Check) => items.push(Node {
                        value: Value::Deferred,
                        span: item.span,
                    }),
                    _ => items.push(item),
                }
                next = parser.array_step().map_err(json_error)?;
            }
            Value::Array(items)
        }
        Peek::Object => {
            // Keys as written (or decoded, if escaped), to find one given twice.
            let mut keys: Vec<(std::borrow::Cow<'_, str>, Range<usize>)> = Vec::new();
            let mut fields = Vec::new();
            let mut before_key = parser.current_index();
            // Checking only, keys need not be copied: `KeyText::Written`.
            let copy = |key: &str| match mode {
                Mode::Check if !key.contains('\\') => KeyText::Written,
                _ => KeyText::Decoded(key.to_owned()),
            };
            let mut key = parser.known_object().map_err(json_error)?.map(copy);
            while let Some(name) = key {
                let key_span = json_key_span(text, before_key, parser.current_index());
                let node = json_value(parser, text, depth + 1, mode)?;
                if mode == Mode::Check {
                    keys.push((written_key(text, &key_span, name), key_span));
                } else {
                    fields.push(Field {
                        key: name.into_string(text, &key_span),
                        key_span,
                        node,
                    });
                }
                before_key = parser.current_index();
                key = parser.next_key().map_err(json_error)?.map(copy);
            }
            let duplicate = match mode {
                Mode::Check => first_duplicate(&keys, |(key, _)| key)
                    .map(|index| (keys[index].0.as_ref(), &keys[index].1)),
                _ => first_duplicate(&fields, |field| &field.key)
                    .map(|index| (fields[index].key.as_str(), &fields[index].key_span)),
            };
            if let Some((key, span)) = duplicate {
                // A syntax error, as TOML reports it (`syntax-error`).
                return Err(SyntaxError {
                    message: format!("duplicate key `{key}`"),
                    span: span.clone(),
                });
            }
            match mode {
                Mode::Check => Value::Null,
                _ => Value::Table(fields),
            }
        }
        _ => {
            let number = parser.known_number_bytes(peek).map_err(json_error)?;
            let number = std::str::from_utf8(number).unwrap_or_default();
            number.parse::<i64>().map_or_else(
                |_| Value::Float(number.parse().unwrap_or(f64::NAN)),
                Value::Integer,
            )
        }
    };
    Ok(Node {
        value,
        span: start..parser.current_index(),
    })
}

/// An object key just read: decoded, or, when it holds no escape, to be
/// read from the document between its quotes, which saves a copy.
enum KeyText {
    Written,
    Decoded(String),
}

impl KeyText {
    fn into_string(self, text: &str, span: &Range<usize>) -> String {
        written_key(text, span, self).into_owned()
    }
}

/// The text of a key whose span (quotes included) is `span`.
fn written_key<'t>(text: &'t str, span: &Range<usize>, key: KeyText) -> std::borrow::Cow<'t, str> {
    match key {
        KeyText::Decoded(key) => key.into(),
        KeyText::Written => text
            .get(span.start + 1..span.end.saturating_sub(1))
            .unwrap_or_default()
            .into(),
    }
}

/// The index of the second occurrence of a key that occurs twice in one
/// object, the earliest such if there are several. JSON parsers disagree
/// on which value of a repeated key wins, so the data would mean different
/// things to different readers: refused, as TOML refuses it.
fn first_duplicate<T, K: AsRef<str> + ?Sized>(
    items: &[T],
    key: impl Fn(&T) -> &K,
) -> Option<usize> {
    let key = |index: usize| key(&items[index]).as_ref();
    // A record has a handful of keys: comparing each with those before it
    // costs less than sorting them, and allocates nothing.
    if items.len() <= 16 {
        return (1..items.len())
            .find(|&later| (0..later).any(|earlier| key(earlier) == key(later)));
    }
    // Sorting keeps an object with many keys from costing the square of
    // their number.
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
    order
        .windows(2)
        .filter(|pair| key(pair[0]) == key(pair[1]))
        .map(|pair| pair[1])
        .min()
}

/// The span of an object key, quotes included: the first `"` after where
/// the parser stood before the key, to the last `"` before its colon.
fn json_key_span(text: &str, before: usize, after: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let start = bytes[before..after]
        .iter()
        .position(|&b| b == b'"')
        .map_or(before, |i| before + i);
    let colon = bytes[..after]
        .iter()
        .rposition(|&b| b == b':')
        .unwrap_or(after);
    let end = bytes[..colon]
        .iter()
        .rposition(|&b| b == b'"')
        .map_or(colon, |i| i + 1);
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(node: &Node) -> &[Field] {
        match &node.value {
            Value::Table(fields) => fields,
            other => panic!("expected a table, got {other:?}"),
        }
    }

    #[test]
    fn toml_and_json_give_the_same_values_with_spans() {
        let toml = "[[entity]]\nid = \"nato\"\n";
        let json = "{\"entity\": [{\"id\": \"nato\"}]}";
        for (text, syntax) in [(toml, Syntax::Toml), (json, Syntax::Json)] {
            let root = parse(text, syntax, &["entity"]).unwrap();
            let Value::Array(items) = &table(&root)[0].node.value else {
                panic!("entity is not an array")
            };
            // JSON leaves the records of top-level arrays to be built later.
            let item = match items[0].value {
                Value::Deferred => expand(text, items[0].span.clone()).unwrap(),
                _ => items[0].clone(),
            };
            let id = &table(&item)[0];
            assert_eq!(id.key, "id");
            assert_eq!(id.node.value, Value::String("nato".to_owned()));
            assert_eq!(&text[id.node.span.clone()], "\"nato\"");
        }
    }

    #[test]
    fn syntax_errors_carry_a_position() {
        let error = parse("a = \n", Syntax::Toml, &[]).unwrap_err();
        assert!(error.span.start <= 5, "{error:?}");
        let error = parse("{\"a\": 1,}", Syntax::Json, &["relation"]).unwrap_err();
        assert_eq!(error.span.start, 8, "{error:?}");
        // A byte order mark is skipped, and spans still index the file.
        let with_bom = "\u{feff}{\"id\": 1}";
        let root = parse(with_bom, Syntax::Json, &["relation"]).unwrap();
        let Value::Table(fields) = &root.value else {
            panic!()
        };
        assert_eq!(&with_bom[fields[0].key_span.clone()], "\"id\"");
        assert_eq!(
            parse("\u{feff}{,}", Syntax::Json, &["relation"])
                .unwrap_err()
                .span
                .start,
            4
        );
        let repeated = "{\"id\": 1, \"label\": 2, \"label\": 3}";
        let error = parse(repeated, Syntax::Json, &["relation"]).unwrap_err();
        assert_eq!(error.message, "duplicate key `label`");
        assert_eq!(&repeated[error.span.clone()], "\"label\"");
        assert_eq!(repeated.rfind("\"label\""), Some(error.span.start));
        // Inside a record left to be built later, the first error is
        // still found while parsing, where a sequential parse finds it.
        let inside = "{\"relation\": [{\"id\": 1}, {\"a\": 1, \"a\": 2}], \"x\": 1, \"x\": 2}";
        let error = parse(inside, Syntax::Json, &["relation"]).unwrap_err();
        assert_eq!(error.message, "duplicate key `a`");
        assert_eq!(&inside[error.span.clone()], "\"a\"");
        let deep_record = format!("{{\"relation\": [{}]}}", "[".repeat(100));
        assert!(
            parse(&deep_record, Syntax::Json, &["relation"])
                .unwrap_err()
                .message
                .contains("nested")
        );
        let deep = "[".repeat(100_000);
        assert!(
            parse(&deep, Syntax::Json, &["relation"])
                .unwrap_err()
                .message
                .contains("nested")
        );
    }

    /// What reading a JSON document's records gives: the tree with every
    /// record built, or the document's error. This is what the loader does
    /// with [`parse`], [`expand`] and [`first_error`].
    fn read_records(text: &str, outline_from: usize) -> Result<Node, SyntaxError> {
        let mut root = parse_json(text, &["relation", "entity"], outline_from)?;
        if let Value::Table(fields) = &mut root.value {
            for field in fields {
                let Value::Array(items) = &mut field.node.value else {
                    continue;
                };
                for item in items {
                    let unchecked = matches!(item.value, Value::Unchecked);
                    if unchecked || matches!(item.value, Value::Deferred) {
                        match expand(text, item.span.clone()) {
                            Ok(built) => *item = built,
                            Err(error) if unchecked => return Err(first_error(text, error)),
                            Err(error) => panic!("a checked record failed: {error:?}"),
                        }
                    }
                }
            }
        }
        Ok(root)
    }

    /// `node` with its unchecked records marked as deferred.
    fn mark_checked(node: &mut Node) {
        match &mut node.value {
            Value::Unchecked => node.value = Value::Deferred,
            Value::Array(items) => items.iter_mut().for_each(mark_checked),
            Value::Table(fields) => fields
                .iter_mut()
                .for_each(|field| mark_checked(&mut field.node)),
            _ => {}
        }
    }

    #[test]
    fn an_outlined_document_reads_as_a_checked_one() {
        let cases = [
            r#"{"relation": [{"id": "a", "evidence": [{"quote": "x\"]"}]}, {"id": 2}], "note": {"k": [1, 2]}}"#,
            "\u{feff} { \"entity\" : [ ] , \"relation\":[1, true, null, \"s\", [], {}] }\n",
            r#"{"relation": [{"a": 1, "a": 2}]}"#,
            r#"{"relation": [{"a": 1}, {"b": 1,}]}"#,
            r#"{"relation": [{"a": "\x"}]}"#,
            r#"{"relation": [{"a": 1}], "x": 1, "x": 2}"#,
            r#"{"relation": [{"a": [}]}"#,
            r#"{"relation": [{"a": 1} {"b": 2}]}"#,
            r#"{"relation": [1 2]}"#,
            r#"{"relation": [{"a": 1}]} trailing"#,
            r#"{"relation": [{"a": "unterminated}]}"#,
            r#"{"relation": [-]}"#,
            r#"{"x\u0041": 1, "relation": []}"#,
        ];
        for text in cases {
            assert_eq!(
                read_records(text, 0),
                read_records(text, usize::MAX),
                "{text}"
            );
        }
        // A valid document is outlined, not read again by the checking
        // parser, and its records lie where that parser finds them.
        for text in &cases[..2] {
            let text = text.trim_start_matches('\u{feff}');
            let mut outlined = outline::outline(text, &["relation", "entity"]).expect(text);
            mark_checked(&mut outlined);
            assert_eq!(Ok(outlined), parse_json(text, &[], usize::MAX), "{text}");
        }
        // Invalid records are found wherever they are, and reported at the
        // document's first error.
        let deep = format!(
            r#"{{"relation": [{{"a": 1}}, {}]}}"#,
            "[".repeat(100) + &"]".repeat(100)
        );
        assert!(
            read_records(&deep, 0)
                .unwrap_err()
                .message
                .contains("nested")
        );
        // The outline only defers the arrays it is told are records.
        let root = parse_json(
            r#"{"relation": [{"a": 1}], "other": [{"b": 2}]}"#,
            &["relation"],
            0,
        )
        .unwrap();
        let Value::Table(fields) = &root.value else {
            panic!("a table")
        };
        let kinds: Vec<&Value> = fields
            .iter()
            .map(|field| match &field.node.value {
                Value::Array(items) => &items[0].value,
                other => other,
            })
            .collect();
        assert!(matches!(kinds[..], [Value::Unchecked, Value::Deferred]));
    }

    proptest::proptest! {
        #[test]
        fn outlined_and_checked_documents_read_the_same(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just(r#"{"id": "r1", "evidence": [{"quote": "a \"b\" ]}"}]}"#.to_owned()),
                    proptest::strategy::Just("{\"a\": 1, \"a\": 2}".to_owned()),
                    proptest::strategy::Just("[[[[".to_owned()),
                    proptest::strategy::Just("]".to_owned()),
                    proptest::strategy::Just("\"\\u12\"".to_owned()),
                    proptest::strategy::Just(", ".to_owned()),
                    proptest::strategy::Just("\"entity\": ".to_owned()),
                    "[ -~]{0,12}",
                    "\\PC{0,6}",
                    "[{}\\[\\],:\" 0-9a-z\\\\]{0,8}",
                ],
                0..12,
            )
        ) {
            let text = format!("{{\"relation\": [{}]}}", parts.join(""));
            proptest::prop_assert_eq!(read_records(&text, 0), read_records(&text, usize::MAX));
            let bare = parts.join("");
            proptest::prop_assert_eq!(read_records(&bare, 0), read_records(&bare, usize::MAX));
        }
    }

    #[test]
    fn the_earliest_repeated_key_is_found_in_small_and_large_objects() {
        let keys = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        for length in [3, 16, 17, 40] {
            let mut names: Vec<String> = (0..length).map(|i| format!("k{i}")).collect();
            assert_eq!(first_duplicate(&names, |n| n.as_str()), None);
            // Two repeats: the one whose second occurrence comes first wins.
            names[length - 2] = "k0".to_owned();
            names[length - 1] = "k1".to_owned();
            assert_eq!(
                first_duplicate(&names, |n| n.as_str()),
                Some(length - 2),
                "{length} keys"
            );
        }
        let names = keys(&["a", "b", "a", "a"]);
        assert_eq!(first_duplicate(&names, |n| n.as_str()), Some(2));
    }
}
