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

use super::properties::{
    self, ENTITY_LABEL, ENTITY_PROPERTIES, RELATION_PROPERTIES, Type, Value, quote_name,
};
use super::{ExportError, chunked};
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
#[cfg(test)]
pub(super) fn kuzu_string(text: &str) -> String {
    let mut out = Vec::new();
    push_kuzu_string(&mut out, text);
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// Appends `text` as a Kùzu expression (see [`kuzu_string`]).
fn push_kuzu_string(out: &mut Vec<u8>, text: &str) {
    // No control character (C0, DEL, or C1, whose UTF-8 starts with 0xC2)
    // and no backslash or quote: the usual case, one literal copied whole.
    let plain = !text
        .bytes()
        .any(|b| b < 0x20 || matches!(b, b'\\' | b'\'' | 0x7f | 0xc2));
    if plain {
        out.push(b'\'');
        out.extend_from_slice(text.as_bytes());
        out.push(b'\'');
        return;
    }
    // Each part is a literal or a run of controls; parts are joined by ` + `.
    #[derive(PartialEq)]
    enum Part {
        None,
        Literal,
        Controls,
    }
    let mut open = Part::None;
    let mut parts = 0;
    let close = |out: &mut Vec<u8>, open: &Part| match open {
        Part::Literal => out.push(b'\''),
        Part::Controls => out.extend_from_slice(b"'))"),
        Part::None => {}
    };
    let mut utf8 = [0; 4];
    for character in text.chars() {
        let kind = if character.is_control() {
            Part::Controls
        } else {
            Part::Literal
        };
        if kind != open {
            close(out, &open);
            if parts > 0 {
                out.extend_from_slice(b" + ");
            }
            parts += 1;
            out.extend_from_slice(match kind {
                Part::Literal => b"'".as_slice(),
                _ => b"decode(BLOB('".as_slice(),
            });
            open = kind;
        }
        let bytes = character.encode_utf8(&mut utf8).as_bytes();
        match (&open, character) {
            (Part::Controls, _) => {
                for byte in bytes {
                    let _ = write!(out, "\\\\x{byte:02X}");
                }
            }
            (_, '\\') => out.extend_from_slice(b"\\\\"),
            (_, '\'') => out.extend_from_slice(b"\\'"),
            _ => out.extend_from_slice(bytes),
        }
    }
    close(out, &open);
    if parts == 0 {
        out.extend_from_slice(b"''");
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

fn push_literal(out: &mut Vec<u8>, value: &Value<'_>) {
    match value {
        Value::Text(text) => push_kuzu_string(out, text),
        Value::Int(number) => {
            let _ = write!(out, "{number}");
        }
        Value::Bool(flag) => out.extend_from_slice(if *flag { b"true" } else { b"false" }),
        Value::TextList(list) => {
            out.push(b'[');
            for (index, item) in list.iter().enumerate() {
                if index > 0 {
                    out.extend_from_slice(b", ");
                }
                push_kuzu_string(out, item);
            }
            out.push(b']');
        }
        Value::Null => out.extend_from_slice(b"NULL"),
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
#[cfg(test)]
fn assignments(variable: &str, list: &[(&str, Type)], values: &[Value<'_>]) -> String {
    let targets = targets(variable, list);
    let mut out = Vec::new();
    push_assignments(&mut out, &targets, values);
    String::from_utf8(out).expect("escaping keeps UTF-8")
}

/// `` v.`name` = `` for each property, made once for every record.
fn targets(variable: &str, list: &[(&str, Type)]) -> Vec<String> {
    list.iter()
        .map(|(name, _)| format!("{variable}.{} = ", quote_name(name)))
        .collect()
}

/// Appends `` v.`name` = value, ... `` for a SET clause.
fn push_assignments(out: &mut Vec<u8>, targets: &[String], values: &[Value<'_>]) {
    for (index, (target, value)) in targets.iter().zip(values).enumerate() {
        if index > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(target.as_bytes());
        push_literal(out, value);
    }
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
    let node_targets = targets("n", &ENTITY_PROPERTIES);
    let node_start = format!("MERGE (n:{entity} {{{id}: ");
    chunked::write_records(out, graph.entities(), |buffer, _, node| {
        buffer.extend_from_slice(node_start.as_bytes());
        push_kuzu_string(buffer, &node.id);
        buffer.extend_from_slice(b"}) SET ");
        push_assignments(buffer, &node_targets, &properties::entity_values(node));
        buffer.extend_from_slice(b";\n");
        Ok(())
    })?;
    let tables = properties::QuotedLabels::new(
        graph.relations().iter().map(|r| r.relation_type.as_str()),
        properties::relationship_type,
    );
    let relation_targets = targets("r", &RELATION_PROPERTIES);
    let schema = &graph.dataset().schema;
    let match_a = format!("MATCH (a:{entity} {{{id}: ");
    let match_b = format!("}}), (b:{entity} {{{id}: ");
    let merge_id = format!(" {{{id}: ");
    chunked::write_records(out, graph.relations(), |buffer, _, relation| {
        buffer.extend_from_slice(match_a.as_bytes());
        push_kuzu_string(buffer, &relation.from);
        buffer.extend_from_slice(match_b.as_bytes());
        push_kuzu_string(buffer, &relation.to);
        buffer.extend_from_slice(b"}) MERGE (a)-[r:");
        buffer.extend_from_slice(tables.get(&relation.relation_type)?.as_bytes());
        buffer.extend_from_slice(merge_id.as_bytes());
        push_kuzu_string(buffer, &relation.id);
        buffer.extend_from_slice(b"}]->(b) SET ");
        push_assignments(
            buffer,
            &relation_targets,
            &properties::relation_values(schema, relation)?,
        );
        buffer.extend_from_slice(b";\n");
        Ok(())
    })
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
