//! A Cypher script in Kùzu's dialect (tested with Kùzu 0.11.3): the tables
//! first, then idempotent `MERGE`s.
//!
//! Load it from Python, which runs every statement of the script in order:
//!
//! ```text
//! import kuzu, pathlib
//! conn = kuzu.Connection(kuzu.Database("graph.kuzu"))
//! conn.execute(pathlib.Path("graph.kuzu.cypher").read_text(encoding="utf-8"))
//! ```
//!
//! Kùzu is schema-first: one node table `Entity` with the primary key `id`,
//! and one relationship table per relation type present (in
//! UPPER_SNAKE_CASE, `FROM Entity TO Entity`), each created `IF NOT
//! EXISTS`. Kùzu has no multiple labels: the kind is the `kind` property.
//! Nodes are merged on their primary key and relationships on their
//! endpoints and id, so running the script twice gives the same counts.
//! The properties are those of [`super::properties`] (`STRING`, `INT64`,
//! and `STRING[]` for aliases; evidence is a JSON string).
//!
//! Differences from Neo4j's dialect that this writer follows:
//!
//! - String literals: Kùzu knows only `\\`, `\'` and `\"`; it reads `\n`
//!   as `n` and `\u0001` as `u0001`. [`kuzu_string`] escapes the backslash
//!   and the quote, and writes control characters (line breaks and tabs
//!   included) from their UTF-8 bytes, `decode(BLOB('\\x0A'))`, so that
//!   every statement is one line and survives line-ending translation.
//! - Reserved words (`ORDER`, `DATE`, `GROUP`...) are refused as bare
//!   names and table names are case-insensitive: every name is
//!   backtick-quoted, and a relation type named `entity` is refused with
//!   [`ExportError::KuzuTableCollision`] rather than silently reusing the
//!   node table (`IF NOT EXISTS` would hide the clash).
//! - `SET n += {...}` does not exist: each property is set on its own.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::ExportError;
use super::properties::{
    self, ENTITY_LABEL, ENTITY_PROPERTIES, RELATION_PROPERTIES, Type, Value, quote_name,
};
use crate::graph::KnowledgeGraph;

/// Writes a string as a Kùzu expression: a single-quoted literal where `\`
/// becomes `\\` and `'` becomes `\'`, and each run of control characters
/// (line breaks and tabs included) as `decode(BLOB('\\x0D\\x0A'))`, the
/// parts joined with `+`.
///
/// Kùzu has no escapes for control characters (it reads `\n` as `n`). It
/// would keep them raw inside quotes, but a raw line break in a literal
/// does not survive tools that translate line endings (Python's
/// `read_text`, git's `autocrlf`), so the script holds none: every
/// statement is one line.
pub fn kuzu_string(text: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut literal = String::new();
    let mut controls = String::new();
    let flush_literal = |literal: &mut String, parts: &mut Vec<String>| {
        if !literal.is_empty() {
            parts.push(format!("'{literal}'"));
            literal.clear();
        }
    };
    let flush_controls = |controls: &mut String, parts: &mut Vec<String>| {
        if !controls.is_empty() {
            let hex: String = controls
                .bytes()
                .map(|byte| format!("\\\\x{byte:02X}"))
                .collect();
            parts.push(format!("decode(BLOB('{hex}'))"));
            controls.clear();
        }
    };
    for character in text.chars() {
        if character.is_control() {
            flush_literal(&mut literal, &mut parts);
            controls.push(character);
            continue;
        }
        flush_controls(&mut controls, &mut parts);
        match character {
            '\\' => literal.push_str("\\\\"),
            '\'' => literal.push_str("\\'"),
            c => literal.push(c),
        }
    }
    flush_literal(&mut literal, &mut parts);
    flush_controls(&mut controls, &mut parts);
    if parts.is_empty() {
        "''".to_owned()
    } else {
        parts.join(" + ")
    }
}

fn kuzu_type(ty: Type) -> &'static str {
    match ty {
        Type::Text => "STRING",
        Type::Int => "INT64",
        Type::Bool => "BOOLEAN",
        Type::TextList => "STRING[]",
    }
}

fn literal(value: &Value<'_>) -> String {
    match value {
        Value::Text(text) => kuzu_string(text),
        Value::Int(number) => number.to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::TextList(list) => {
            let items: Vec<String> = list.iter().map(|item| kuzu_string(item)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Null => "NULL".to_owned(),
    }
}

/// `` `name` TYPE, ... `` for a table definition.
fn columns(list: &[(&str, Type)]) -> String {
    list.iter()
        .map(|(name, ty)| format!("{} {}", quote_name(name), kuzu_type(*ty)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `` v.`name` = value, ... `` for a SET clause.
fn assignments(variable: &str, list: &[(&str, Type)], values: &[Value<'_>]) -> String {
    list.iter()
        .zip(values)
        .map(|((name, _), value)| format!("{variable}.{} = {}", quote_name(name), literal(value)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes the graph as a Kùzu Cypher script.
pub fn write_kuzu_cypher(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let entity = quote_name(ENTITY_LABEL);
    let id = quote_name("id");
    writeln!(
        out,
        "// Generated by kgraph {}; rebuild with `kg build`, do not edit.",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(
        out,
        "// Kùzu: conn.execute(pathlib.Path(\"graph.kuzu.cypher\").read_text(encoding=\"utf-8\")). Idempotent."
    )?;
    writeln!(
        out,
        "CREATE NODE TABLE IF NOT EXISTS {entity}({id} STRING, {}, PRIMARY KEY({id}));",
        columns(&ENTITY_PROPERTIES)
    )?;
    let types: BTreeSet<&str> = graph
        .relations()
        .iter()
        .map(|relation| relation.relation_type.as_str())
        .collect();
    for relation_type in types {
        let table = properties::relationship_type(relation_type)?;
        check_table_name(relation_type, &table)?;
        writeln!(
            out,
            "CREATE REL TABLE IF NOT EXISTS {}(FROM {entity} TO {entity}, {id} STRING, {});",
            quote_name(&table),
            columns(&RELATION_PROPERTIES)
        )?;
    }
    for node in graph.entities() {
        writeln!(
            out,
            "MERGE (n:{entity} {{{id}: {}}}) SET {};",
            kuzu_string(&node.id),
            assignments("n", &ENTITY_PROPERTIES, &properties::entity_values(node)),
        )?;
    }
    for relation in graph.relations() {
        let table = quote_name(&properties::relationship_type(&relation.relation_type)?);
        writeln!(
            out,
            "MATCH (a:{entity} {{{id}: {}}}), (b:{entity} {{{id}: {}}}) MERGE (a)-[r:{table} {{{id}: {}}}]->(b) SET {};",
            kuzu_string(&relation.from),
            kuzu_string(&relation.to),
            kuzu_string(&relation.id),
            assignments(
                "r",
                &RELATION_PROPERTIES,
                &properties::relation_values(&graph.dataset().schema, relation)?
            ),
        )?;
    }
    Ok(())
}

/// Kùzu compares table names case-insensitively: a relation type's table
/// must not be the node table's.
pub(super) fn check_table_name(relation_type: &str, table: &str) -> Result<(), ExportError> {
    if table.eq_ignore_ascii_case(ENTITY_LABEL) {
        return Err(ExportError::KuzuTableCollision {
            relation_type: relation_type.to_owned(),
            table: ENTITY_LABEL,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backslash_and_quote_are_escaped_and_controls_decoded_from_hex() {
        assert_eq!(kuzu_string("plain"), "'plain'");
        assert_eq!(kuzu_string(""), "''");
        assert_eq!(kuzu_string("O'Neil"), r"'O\'Neil'");
        assert_eq!(kuzu_string(r"a\nb"), r"'a\\nb'");
        assert_eq!(kuzu_string("say \"hi\""), "'say \"hi\"'");
        assert_eq!(
            kuzu_string("line\r\nbreak\ttab\u{1}"),
            r"'line' + decode(BLOB('\\x0D\\x0A')) + 'break' + decode(BLOB('\\x09')) + 'tab' + decode(BLOB('\\x01'))"
        );
        // A C1 control is two bytes in UTF-8.
        assert_eq!(kuzu_string("\u{85}x"), r"decode(BLOB('\\xC2\\x85')) + 'x'");
    }

    #[test]
    fn columns_and_assignments_quote_every_name() {
        assert_eq!(
            columns(&[("date", Type::Text), ("line", Type::Int)]),
            "`date` STRING, `line` INT64"
        );
        assert_eq!(
            assignments(
                "r",
                &[("order", Type::TextList), ("note", Type::Text)],
                &[Value::TextList(&[]), Value::Null]
            ),
            "r.`order` = [], r.`note` = NULL"
        );
    }
}
