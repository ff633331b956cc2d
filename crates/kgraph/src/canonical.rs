//! The canonical layout of a TOML data file, so that a diff in review shows
//! only changes of meaning: the keys of each record in one order, strings,
//! arrays and inline tables written one way, one blank line before each
//! record and none inside it. Comments are kept where they stand (through
//! `toml_edit`, which keeps a document's comments and layout as data).
//! Formatting is idempotent: a canonical file formats to itself.

use toml_edit::{ArrayOfTables, DocumentMut, Key, RawString, Table, Value};

/// Why a file could not be formatted.
#[derive(Debug, thiserror::Error)]
pub enum CanonicalError {
    /// The text is not TOML.
    #[error("invalid TOML: {0}")]
    Syntax(#[from] toml_edit::TomlError),
}

/// The order of a record's keys, by the name of its array of tables; a
/// source file's keys are at the top level (`""`). Keys not listed follow,
/// in their own order.
fn key_order(section: &str) -> &'static [&'static str] {
    match section {
        "kind" => &["name", "description", "dot"],
        "relation_type" => &[
            "name",
            "label",
            "definition",
            "domain",
            "range",
            "symmetric",
            "dot",
        ],
        "entity" => &["id", "label", "kind", "aliases", "description", "wikidata"],
        "relation" => &[
            "id",
            "from",
            "type",
            "to",
            "modality",
            "negated",
            "attributed_to",
            "note",
            "date",
        ],
        "evidence" => &["source", "quote", "occurrence"],
        "ignore" => &["source", "quote", "occurrence", "reason"],
        "allow" => &["lint", "subject", "reason"],
        "" => &[
            "id",
            "title",
            "author",
            "date",
            "copy_date",
            "copy_url",
            "publisher",
            "url",
            "notes",
            "text",
            "sha256",
        ],
        _ => &[],
    }
}

/// The canonical text of a TOML data file.
pub fn canonical_toml(text: &str) -> Result<String, CanonicalError> {
    let mut document: DocumentMut = text.parse()?;
    let root = document.as_table_mut();
    tidy_values(root, "", true);
    let mut first_record = !root.iter().any(|(_, item)| item.is_value());
    for (key, item) in root.iter_mut() {
        if let Some(records) = item.as_array_of_tables_mut() {
            tidy_records(records, key.get(), &mut first_record, false);
        }
    }
    let trailing = document
        .trailing()
        .as_str()
        .map(|raw| comments(raw, true, false))
        .unwrap_or_default();
    document.set_trailing(if trailing.is_empty() {
        String::new()
    } else {
        format!("\n{trailing}")
    });
    let mut canonical = document.to_string();
    while canonical.ends_with("\n\n") {
        canonical.pop();
    }
    if !canonical.is_empty() && !canonical.ends_with('\n') {
        canonical.push('\n');
    }
    Ok(canonical)
}

/// Each record of an array of tables: one blank line before its header
/// (none before the first thing in the file, none before a nested record
/// such as `[[relation.evidence]]`), its keys in order.
fn tidy_records(records: &mut ArrayOfTables, section: &str, first: &mut bool, nested: bool) {
    for record in records.iter_mut() {
        let prefix = decor_prefix(record.decor().prefix());
        let mut header = comments(&prefix, true, false);
        if !nested && !*first {
            header.insert(0, '\n');
        }
        *first = false;
        let suffix = trailing_comment(record.decor().suffix());
        record.decor_mut().set_prefix(header);
        record.decor_mut().set_suffix(suffix);
        tidy_values(record, section, false);
        for (key, item) in record.iter_mut() {
            if let Some(nested_records) = item.as_array_of_tables_mut() {
                tidy_records(nested_records, key.get(), first, true);
            }
        }
    }
}

/// A table's key-value pairs in canonical order, each as `key = value`
/// with its comments kept.
fn tidy_values(table: &mut Table, section: &str, is_root: bool) {
    let order = key_order(section);
    let rank = |key: &Key| {
        order
            .iter()
            .position(|known| *known == key.get())
            .unwrap_or(order.len())
    };
    // The comments before the first key are about the record (or, at the
    // top, the file): they stay first whichever key comes first.
    let mut leading = String::new();
    if let Some((mut key, _)) = table.iter_mut().find(|(_, item)| item.is_value()) {
        leading = decor_prefix(key.leaf_decor().prefix());
        key.leaf_decor_mut().set_prefix("");
    }
    // A stable sort: unknown keys keep their order after the known ones.
    table.sort_values_by(|a, _, b, _| rank(a).cmp(&rank(b)));
    let mut first = true;
    for (mut key, item) in table.iter_mut() {
        let Some(value) = item.as_value_mut() else {
            continue;
        };
        let mut prefix = decor_prefix(key.leaf_decor().prefix());
        if first {
            prefix.insert_str(0, &leading);
        }
        // The file's leading comments keep their blank lines; blank lines
        // inside a record go.
        let keep_blank_lines = is_root && first;
        key.leaf_decor_mut()
            .set_prefix(comments(&prefix, keep_blank_lines, keep_blank_lines));
        key.leaf_decor_mut().set_suffix(" ");
        first = false;
        let suffix = trailing_comment(value.decor().suffix());
        *value = canonical_value(value);
        value.decor_mut().set_prefix(" ");
        value.decor_mut().set_suffix(suffix);
    }
}

/// A string as a basic string (`"..."`, escaping `"` and `\\`) whatever it
/// holds, as most hand-written data has it; `toml_edit`'s default would pick
/// a literal string (`'...'`) for text with double quotes.
fn basic_string(text: &str) -> Value {
    use toml_writer::ToTomlValue;
    toml_writer::TomlStringBuilder::new(text)
        .as_basic()
        .to_toml_value()
        .parse()
        .unwrap_or_else(|_| Value::from(text))
}

fn decor_prefix(raw: Option<&RawString>) -> String {
    raw.and_then(RawString::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A value written the canonical way: scalars in their default form,
/// arrays and inline tables on one line with single spaces.
fn canonical_value(value: &Value) -> Value {
    match value {
        Value::String(string) => basic_string(string.value()),
        Value::Integer(integer) => Value::from(*integer.value()),
        Value::Float(float) => Value::from(*float.value()),
        Value::Boolean(boolean) => Value::from(*boolean.value()),
        Value::Datetime(datetime) => Value::from(*datetime.value()),
        Value::Array(array) => {
            let mut canonical: toml_edit::Array = array.iter().map(canonical_value).collect();
            canonical.fmt();
            Value::Array(canonical)
        }
        Value::InlineTable(table) => {
            let mut canonical = toml_edit::InlineTable::new();
            for (key, item) in table.iter() {
                canonical.insert(key, canonical_value(item));
            }
            canonical.fmt();
            Value::InlineTable(canonical)
        }
    }
}

/// The comment lines of a decor prefix, each ending in a newline, trailing
/// spaces trimmed. With `keep_blank_lines`, a run of blank lines between
/// or after comments is kept as one; leading blank lines always go.
fn comments(raw: &str, keep_blank_lines: bool, keep_trailing_blank: bool) -> String {
    let mut lines: Vec<&str> = raw.split('\n').collect();
    // What follows the last newline is the indentation of the key itself,
    // or, at the end of a file without a final newline, a last comment.
    if lines
        .last()
        .is_some_and(|last| !last.trim_start().starts_with('#'))
    {
        lines.pop();
    }
    let mut out = String::new();
    let mut blank_pending = false;
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if !line.starts_with('#') {
            continue;
        }
        if blank_pending && keep_blank_lines {
            out.push('\n');
        }
        blank_pending = false;
        out.push_str(line);
        out.push('\n');
    }
    if blank_pending && (keep_blank_lines || keep_trailing_blank) && !out.is_empty() {
        out.push('\n');
    }
    out
}

/// A comment after a value or header on its line, as ` # ...`; nothing
/// else.
fn trailing_comment(raw: Option<&RawString>) -> String {
    let raw = raw.and_then(RawString::as_str).unwrap_or_default().trim();
    if raw.starts_with('#') {
        format!(" {raw}")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_toml;

    #[test]
    fn keys_are_ordered_and_spacing_is_canonical_with_comments_kept() {
        let messy = "# Entities\n\n\n[[entity]]\nkind='state'   # a kind\nid   =   \"ukraine\"\n\n\nlabel = \"Ukraine\"\naliases=[ 'Kyiv',\"Kiev\", 'say \"hi\"' ]\n[[entity]]\n# the alliance\nlabel = \"NATO\"\nid = \"nato\"\nkind = \"organization\"\ndot = {shape='box',  fillcolor = \"#fff\"}\n\n\n# the end\n";
        let canonical = canonical_toml(messy).unwrap();
        assert_eq!(
            canonical,
            "# Entities\n\n[[entity]]\nid = \"ukraine\"\nlabel = \"Ukraine\"\nkind = \"state\" # a kind\naliases = [\"Kyiv\", \"Kiev\", \"say \\\"hi\\\"\"]\n\n[[entity]]\n# the alliance\nid = \"nato\"\nlabel = \"NATO\"\nkind = \"organization\"\ndot = { shape = \"box\", fillcolor = \"#fff\" }\n\n# the end\n"
        );
        assert_eq!(canonical_toml(&canonical).unwrap(), canonical);
    }

    #[test]
    fn a_last_comment_without_a_newline_is_kept() {
        assert_eq!(
            canonical_toml("[[kind]]\nname = \"a\"\n\n# the end").unwrap(),
            "[[kind]]\nname = \"a\"\n\n# the end\n"
        );
    }

    #[test]
    fn nested_evidence_follows_its_relation_without_a_blank_line() {
        let text = "[[relation]]\nto = \"b\"\nfrom = \"a\"\ntype = \"t\"\nmodality = \"actual\"\n\n[[relation.evidence]]\nquote = \"q\"\nsource = \"s\"\n[[relation]]\nfrom = \"c\"\ntype = \"t\"\nto = \"d\"\nmodality = \"actual\"\n[[relation.evidence]]\nsource = \"s\"\nquote = \"r\"\n";
        let canonical = canonical_toml(text).unwrap();
        assert_eq!(
            canonical,
            "[[relation]]\nfrom = \"a\"\ntype = \"t\"\nto = \"b\"\nmodality = \"actual\"\n[[relation.evidence]]\nsource = \"s\"\nquote = \"q\"\n\n[[relation]]\nfrom = \"c\"\ntype = \"t\"\nto = \"d\"\nmodality = \"actual\"\n[[relation.evidence]]\nsource = \"s\"\nquote = \"r\"\n"
        );
        assert_eq!(canonical_toml(&canonical).unwrap(), canonical);
    }

    #[test]
    fn a_source_file_keeps_its_leading_comments_and_orders_its_keys() {
        let text = "#:schema ../../schemas/source.schema.json\n# A source.\n\nsha256 = \"ab\"\nid = \"memo\"\ntext = 'sources/memo.txt'\n";
        assert_eq!(
            canonical_toml(text).unwrap(),
            "#:schema ../../schemas/source.schema.json\n# A source.\n\nid = \"memo\"\ntext = \"sources/memo.txt\"\nsha256 = \"ab\"\n"
        );
    }

    mod properties {
        use super::canonical_toml;
        use proptest::prelude::*;

        /// A record written any which way: keys in any order, any quoting,
        /// stray spaces, blank lines and comments.
        fn messy_record() -> impl Strategy<Value = String> {
            let text = "[ -~éé“”—\\\\\"'\n\t]{0,12}";
            (
                prop::collection::vec((text, any::<bool>(), 0..3usize, any::<bool>()), 1..6),
                any::<bool>(),
            )
                .prop_map(|(fields, comment)| {
                    let names = ["id", "label", "kind", "description", "wikidata", "extra"];
                    let mut record = String::from("[[entity]]\n");
                    if comment {
                        record.push_str("# about this entity\n");
                    }
                    for (index, (value, literal, blank_lines, spaced)) in
                        fields.into_iter().enumerate()
                    {
                        record.push_str(&"\n".repeat(blank_lines));
                        let name = names[(index * 5 + value.len()) % names.len()];
                        if record.contains(&format!("\n{name}")) {
                            continue;
                        }
                        let quoted = if literal && !value.contains(['\'', '\n', '\t']) {
                            format!("'{value}'")
                        } else {
                            toml::Value::String(value).to_string()
                        };
                        let equals = if spaced { "  =   " } else { "=" };
                        record.push_str(&format!("{name}{equals}{quoted}\n"));
                    }
                    record
                })
        }

        proptest! {
            #[test]
            fn formatting_keeps_the_meaning_and_is_idempotent(
                records in prop::collection::vec(messy_record(), 1..4)
            ) {
                let text = records.join("\n\n\n");
                let canonical = canonical_toml(&text).unwrap();
                prop_assert_eq!(canonical_toml(&canonical).unwrap(), canonical.clone());
                let before: toml::Table = text.parse().unwrap();
                let after: toml::Table = canonical.parse().unwrap();
                prop_assert_eq!(before, after);
            }
        }
    }
}
