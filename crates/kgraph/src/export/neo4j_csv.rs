//! CSV files for Neo4j's bulk importer, `nodes.csv` and
//! `relationships.csv`, the fast way to load a large graph into an empty
//! database:
//!
//! ```text
//! neo4j-admin database import full neo4j --nodes=nodes.csv \
//!     --relationships=relationships.csv --multiline-fields=true
//! ```
//!
//! (`--multiline-fields=true` because descriptions and quotes may hold line
//! breaks; the array delimiter is the default `;`.) Kùzu reads the same
//! files with `COPY Entity FROM 'nodes.csv' (HEADER=true,
//! PARALLEL=false)` into tables whose columns follow the headers; the first
//! two columns of `relationships.csv` are the FROM and TO keys.
//!
//! The headers use neo4j-admin's syntax. `nodes.csv`: `id:ID`, the entity
//! properties of [`super::properties`] (`aliases:string[]`, plus
//! `aliases_json`, the exact list as JSON), and `:LABEL` (`Entity;State`).
//! `relationships.csv`: `:START_ID`, `:END_ID`, `:TYPE` (UPPER_SNAKE_CASE),
//! then `id` and the relation properties, offsets typed `:int`, evidence as
//! JSON. The files are RFC 4180 CSV written by the `csv` crate: fields
//! with a comma, quote or line break are quoted, quotes doubled, records
//! end in `\n`; an absent value is an empty field.
//!
//! Two documented changes to values, both for safety:
//!
//! - **Formulas.** A spreadsheet opening the file would run a cell that
//!   starts with `=`, `+`, `-`, `@`, tab or carriage return as a formula
//!   (CSV injection). [`neutralize_formula`] puts a `'` before such a text
//!   value, and before each such alias. This changes the stored value:
//!   `=SUM(A1)` is loaded as `'=SUM(A1)`; strip one leading `'` to get it
//!   back. Ids, labels, types and numbers never start with those
//!   characters and are left alone.
//! - **The array delimiter.** neo4j-admin has no escape for `;` inside an
//!   array element, so an alias containing `;` would be split in two. In
//!   `aliases:string[]` each `;` inside an alias is written as `；`
//!   (U+FF1B FULLWIDTH SEMICOLON); `aliases_json` keeps the exact aliases.

use std::borrow::Cow;
use std::io::{self, Write};

use super::chunked;
use super::json::string_list_json;
use super::properties::{self, ENTITY_LABEL, ENTITY_PROPERTIES, RELATION_PROPERTIES, Type, Value};
use crate::graph::KnowledgeGraph;

/// The array delimiter of `aliases:string[]`, neo4j-admin's default.
pub const ARRAY_DELIMITER: char = ';';

/// What a `;` inside an alias becomes in `aliases:string[]`.
const DELIMITER_STAND_IN: char = '\u{FF1B}';

/// Prefixes `'` to a text that a spreadsheet would run as a formula: one
/// that starts with `=`, `+`, `-`, `@`, tab or carriage return.
pub(super) fn neutralize_formula(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// One text cell of a property value: formulas neutralised, aliases joined.
fn cell(value: &Value<'_>) -> String {
    match value {
        Value::Text(text) => neutralize_formula(text).into_owned(),
        Value::Int(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::TextList(list) => list
            .iter()
            .map(|item| {
                neutralize_formula(item).replace(ARRAY_DELIMITER, &DELIMITER_STAND_IN.to_string())
            })
            .collect::<Vec<_>>()
            .join(&ARRAY_DELIMITER.to_string()),
        Value::Null => String::new(),
    }
}

/// The header name of a property: `name`, `name:int` or `name:string[]`.
fn header(name: &str, ty: Type) -> String {
    match ty {
        Type::Text => name.to_owned(),
        Type::Int => format!("{name}:int"),
        Type::Bool => format!("{name}:boolean"),
        Type::TextList => format!("{name}:string[]"),
    }
}

/// The csv crate's errors are I/O errors in disguise when writing; keep
/// their kind (a closed pipe must stay `BrokenPipe`).
fn io_error(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("cannot write CSV: {other:?}")),
    }
}

/// Writes `nodes.csv`: one row per entity, in id order.
pub fn write_csv_nodes(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(&mut *out);
    let mut row: Vec<String> = vec!["id:ID".to_owned()];
    for (name, ty) in ENTITY_PROPERTIES {
        row.push(header(name, ty));
        if ty == Type::TextList {
            row.push(format!("{name}_json"));
        }
    }
    row.push(":LABEL".to_owned());
    writer.write_record(&row).map_err(io_error)?;
    writer.flush()?;
    drop(writer);
    write_rows(out, graph.entities(), |row, entity| {
        row.push(entity.id.clone());
        for value in properties::entity_values(entity) {
            row.push(cell(&value));
            if let Value::TextList(list) = value {
                row.push(neutralize_formula(&string_list_json(list)?).into_owned());
            }
        }
        row.push(format!(
            "{ENTITY_LABEL};{}",
            properties::node_label(&entity.kind)?
        ));
        Ok(())
    })
}

/// Writes one CSV row per record, `fill` giving the cells of a row, in
/// chunks formatted on every core. The csv crate quotes a field by its
/// content alone, so a chunk written by its own writer has the bytes the
/// rows would have in one writer.
fn write_rows<T: Sync>(
    out: &mut dyn Write,
    records: &[T],
    fill: impl Fn(&mut Vec<String>, &T) -> io::Result<()> + Sync,
) -> io::Result<()> {
    chunked::write_chunks(out, records, |buffer, _, chunk| {
        let mut writer = csv::Writer::from_writer(buffer);
        let mut row: Vec<String> = Vec::new();
        for record in chunk {
            row.clear();
            fill(&mut row, record)?;
            writer.write_record(&row).map_err(io_error)?;
        }
        writer.flush()
    })
}

/// Writes `relationships.csv`: one row per relation, in id order.
pub fn write_csv_relationships(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(&mut *out);
    let mut row: Vec<String> = [":START_ID", ":END_ID", ":TYPE", "id"]
        .map(str::to_owned)
        .to_vec();
    row.extend(
        RELATION_PROPERTIES
            .iter()
            .map(|(name, ty)| header(name, *ty)),
    );
    writer.write_record(&row).map_err(io_error)?;
    writer.flush()?;
    drop(writer);
    let schema = &graph.dataset().schema;
    write_rows(out, graph.relations(), |row, relation| {
        row.push(relation.from.clone());
        row.push(relation.to.clone());
        row.push(properties::relationship_type(&relation.relation_type)?);
        row.push(neutralize_formula(&relation.id).into_owned());
        row.extend(
            properties::relation_values(schema, relation)?
                .iter()
                .map(cell),
        );
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_leading_text_gets_a_quote_prefix() {
        for formula in ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"] {
            assert_eq!(neutralize_formula(formula), format!("'{formula}"));
        }
        for safe in ["plain", "a=b", " =x", "'quoted", "", "\nx", "🚀"] {
            assert_eq!(neutralize_formula(safe), safe);
        }
    }

    #[test]
    fn aliases_are_neutralised_one_by_one_and_keep_the_delimiter_free() {
        let aliases = vec![
            "=cmd".to_owned(),
            "a;b".to_owned(),
            "plain".to_owned(),
            "-x".to_owned(),
        ];
        assert_eq!(cell(&Value::TextList(&aliases)), "'=cmd;a；b;plain;'-x");
        assert_eq!(cell(&Value::TextList(&[])), "");
        assert_eq!(cell(&Value::Null), "");
        assert_eq!(cell(&Value::Int(7)), "7");
    }

    #[test]
    fn headers_carry_neo4j_types() {
        assert_eq!(header("line", Type::Int), "line:int");
        assert_eq!(header("aliases", Type::TextList), "aliases:string[]");
        assert_eq!(header("note", Type::Text), "note");
    }
}
