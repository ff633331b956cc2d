//! A Cypher script, one statement per line, in the dialect of Neo4j 5,
//! Memgraph or FalkorDB ([`CypherDialect`]). Kùzu's dialect, which needs
//! declared tables, is its own writer ([`super::write_kuzu_cypher`]).
//!
//! The dialects differ only where the databases do: the statements that
//! make `Entity.id` unique or indexed, and how a string literal escapes a
//! control character. Everything else is shared. Load it with
//! - Neo4j 5: `cypher-shell -a neo4j://localhost:7687 -u neo4j -f graph.cypher`;
//! - Memgraph: `mgconsole < graph.memgraph.cypher`;
//! - FalkorDB: one `GRAPH.QUERY` per line (see docs/exports.md).
//!
//! The script is idempotent: the schema statement(s), then one `MERGE` per
//! entity on its id and one `MERGE` per relation on its endpoints, type and
//! id, each followed by `SET ... += {...}`; running it twice changes
//! nothing. FalkorDB has no `IF NOT EXISTS` for indexes, so on a second
//! run its one schema statement fails with ``Attribute 'id' is already
//! indexed`` and everything else applies as before. Re-running a newer
//! export updates properties (a property that became absent is removed,
//! since it is set to `null`) but does not delete entities or relations
//! that were removed from the data, nor a kind label that changed: load
//! into an empty database for an exact copy. For large graphs, the CSV
//! files and `neo4j-admin database import` are much faster.
//!
//! Every node has the label `Entity` and the label of its kind in
//! UpperCamelCase (`:Entity:State`); relationship types are the relation
//! types in UPPER_SNAKE_CASE. The properties are those of
//! [`super::properties`]; lists are list properties, evidence a JSON
//! string. Every name is backtick-quoted (so reserved words such as `date`
//! are safe) and every string goes through [`cypher_string`] (or its
//! FalkorDB variant).

use std::io::{self, Write};

use super::properties::{
    self, ENTITY_LABEL, ENTITY_PROPERTIES, RELATION_PROPERTIES, Type, Value, quote_name,
};
use super::{ExportError, chunked};
use crate::graph::KnowledgeGraph;

/// The Cypher databases whose dialect [`write_cypher`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum CypherDialect {
    /// Neo4j 5 (`CREATE CONSTRAINT ... IF NOT EXISTS ... REQUIRE`).
    #[default]
    Neo4j,
    /// Memgraph (`CREATE CONSTRAINT ON ... ASSERT`, `CREATE INDEX ON`).
    Memgraph,
    /// FalkorDB (`CREATE INDEX FOR ... ON`; no `\u` escapes).
    Falkordb,
}

impl CypherDialect {
    /// Every dialect, in the order `--help` lists them.
    pub const ALL: [CypherDialect; 3] = [
        CypherDialect::Neo4j,
        CypherDialect::Memgraph,
        CypherDialect::Falkordb,
    ];

    /// The name used on the command line (`--dialect`).
    pub fn name(self) -> &'static str {
        match self {
            CypherDialect::Neo4j => "neo4j",
            CypherDialect::Memgraph => "memgraph",
            CypherDialect::Falkordb => "falkordb",
        }
    }

    /// The dialect named `name` (as `--dialect` spells it).
    pub fn from_name(name: &str) -> Option<CypherDialect> {
        CypherDialect::ALL
            .into_iter()
            .find(|dialect| dialect.name() == name)
    }

    /// The database's name as people write it.
    fn product(self) -> &'static str {
        match self {
            CypherDialect::Neo4j => "Neo4j 5",
            CypherDialect::Memgraph => "Memgraph",
            CypherDialect::Falkordb => "FalkorDB",
        }
    }

    /// How to run the script and run it again, for its header.
    fn how_to_load(self) -> &'static str {
        match self {
            CypherDialect::Neo4j => {
                "cypher-shell -f graph.cypher. Idempotent: run it twice, nothing changes."
            }
            CypherDialect::Memgraph => {
                "mgconsole < graph.memgraph.cypher. Idempotent: run it twice, nothing changes."
            }
            CypherDialect::Falkordb => {
                "send each line as GRAPH.QUERY. Idempotent: run it twice, nothing changes (the index line then fails as already indexed)."
            }
        }
    }

    /// The statements that make `Entity.id` unique or indexed, so that
    /// every `MERGE` finds its node by index.
    fn schema_statements(self) -> Vec<String> {
        let entity = quote_name(ENTITY_LABEL);
        let id = quote_name("id");
        match self {
            CypherDialect::Neo4j => vec![format!(
                "CREATE CONSTRAINT `kgraph_entity_id` IF NOT EXISTS FOR (n:{entity}) REQUIRE n.{id} IS UNIQUE;"
            )],
            // Memgraph answers an existing constraint or index with a
            // notice, not an error; its uniqueness constraint does not
            // index the property, hence the second statement.
            CypherDialect::Memgraph => vec![
                format!("CREATE CONSTRAINT ON (n:{entity}) ASSERT n.{id} IS UNIQUE;"),
                format!("CREATE INDEX ON :{entity}({id});"),
            ],
            // FalkorDB's unique constraints are a Redis command
            // (GRAPH.CONSTRAINT), not Cypher; an index is what MERGE needs.
            CypherDialect::Falkordb => {
                vec![format!("CREATE INDEX FOR (n:{entity}) ON (n.{id});")]
            }
        }
    }

    /// Appends a string as a literal of this dialect.
    fn push_string(self, out: &mut Vec<u8>, text: &str) -> Result<(), ExportError> {
        match self {
            CypherDialect::Neo4j | CypherDialect::Memgraph => {
                push_cypher_string(out, text);
                Ok(())
            }
            CypherDialect::Falkordb => push_falkordb_string(out, text),
        }
    }
}

/// True if `text` holds nothing that a Cypher string literal escapes in any
/// dialect: no backslash, no quote, no C0 control or DEL, and no C1
/// control (U+0080 to U+009F, whose UTF-8 starts with 0xC2). Most curated
/// text is like this and is copied in one piece.
fn needs_no_escape(text: &str) -> bool {
    !text
        .bytes()
        .any(|b| b < 0x20 || matches!(b, b'\\' | b'\'' | b'"' | 0x7f | 0xc2))
}

/// Quotes a string as a Cypher literal in single quotes, with backslash
/// escapes: `\\`, `\'`, `\"`, `\n`, `\r`, `\t`, and other control
/// characters as `\uXXXX`. The result never contains a raw line break, so
/// every statement stays on one line.
#[cfg(test)]
pub(super) fn cypher_string(text: &str) -> String {
    let mut quoted = Vec::new();
    push_cypher_string(&mut quoted, text);
    String::from_utf8(quoted).expect("escaping keeps UTF-8")
}

/// Appends `text` as a Cypher literal (see [`cypher_string`]).
pub(super) fn push_cypher_string(quoted: &mut Vec<u8>, text: &str) {
    quoted.push(b'\'');
    if needs_no_escape(text) {
        quoted.extend_from_slice(text.as_bytes());
        quoted.push(b'\'');
        return;
    }
    let mut utf8 = [0; 4];
    for character in text.chars() {
        match character {
            '\\' => quoted.extend_from_slice(b"\\\\"),
            '\'' => quoted.extend_from_slice(b"\\'"),
            '"' => quoted.extend_from_slice(b"\\\""),
            '\n' => quoted.extend_from_slice(b"\\n"),
            '\r' => quoted.extend_from_slice(b"\\r"),
            '\t' => quoted.extend_from_slice(b"\\t"),
            c if c.is_control() => {
                // C0, DEL and C1 controls: invisible, and some terminals
                // act on them.
                let _ = write!(quoted, "\\u{:04X}", u32::from(c));
            }
            c => quoted.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes()),
        }
    }
    quoted.push(b'\'');
}

/// Quotes a string as a FalkorDB literal. FalkorDB's parser knows `\\`,
/// `\'`, `\"`, `\n`, `\r`, `\t`, `\b` and `\f` but reads `\u0007` as the
/// six characters it is written with, so other control characters are
/// written as themselves (none of them is `\n`, so the statement stays on
/// one line). U+0000 ends a string inside FalkorDB and cannot be written
/// at all.
#[cfg(test)]
fn falkordb_string(text: &str) -> Result<String, ExportError> {
    let mut quoted = Vec::new();
    push_falkordb_string(&mut quoted, text)?;
    Ok(String::from_utf8(quoted).expect("escaping keeps UTF-8"))
}

/// Appends `text` as a FalkorDB literal (see [`falkordb_string`]).
fn push_falkordb_string(quoted: &mut Vec<u8>, text: &str) -> Result<(), ExportError> {
    quoted.push(b'\'');
    if needs_no_escape(text) {
        quoted.extend_from_slice(text.as_bytes());
        quoted.push(b'\'');
        return Ok(());
    }
    let mut utf8 = [0; 4];
    for character in text.chars() {
        match character {
            '\\' => quoted.extend_from_slice(b"\\\\"),
            '\'' => quoted.extend_from_slice(b"\\'"),
            '"' => quoted.extend_from_slice(b"\\\""),
            '\n' => quoted.extend_from_slice(b"\\n"),
            '\r' => quoted.extend_from_slice(b"\\r"),
            '\t' => quoted.extend_from_slice(b"\\t"),
            '\u{8}' => quoted.extend_from_slice(b"\\b"),
            '\u{c}' => quoted.extend_from_slice(b"\\f"),
            '\0' => {
                return Err(ExportError::UnrepresentableCharacter {
                    format: "FalkorDB Cypher",
                    character: '\0',
                });
            }
            c => quoted.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes()),
        }
    }
    quoted.push(b'\'');
    Ok(())
}

/// Appends a value as a Cypher expression.
fn push_literal(
    out: &mut Vec<u8>,
    value: &Value<'_>,
    dialect: CypherDialect,
) -> Result<(), ExportError> {
    match value {
        Value::Text(text) => dialect.push_string(out, text)?,
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
                dialect.push_string(out, item)?;
            }
            out.push(b']');
        }
        Value::Null => out.extend_from_slice(b"null"),
    }
    Ok(())
}

/// A value as a Cypher expression.
#[cfg(test)]
fn literal(value: &Value<'_>, dialect: CypherDialect) -> Result<String, ExportError> {
    let mut out = Vec::new();
    push_literal(&mut out, value, dialect)?;
    Ok(String::from_utf8(out).expect("escaping keeps UTF-8"))
}

/// Appends `{`name`: value, ...}`; `quoted_names` are the names already
/// backtick-quoted.
fn push_map(
    out: &mut Vec<u8>,
    quoted_names: &[String],
    values: &[Value<'_>],
    dialect: CypherDialect,
) -> Result<(), ExportError> {
    out.push(b'{');
    for (index, (name, value)) in quoted_names.iter().zip(values).enumerate() {
        if index > 0 {
            out.extend_from_slice(b", ");
        }
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        push_literal(out, value, dialect)?;
    }
    out.push(b'}');
    Ok(())
}

/// Writes the graph as a Cypher script in the given dialect.
pub fn write_cypher(
    graph: &KnowledgeGraph,
    dialect: CypherDialect,
    out: &mut dyn Write,
) -> io::Result<()> {
    let entity = quote_name(ENTITY_LABEL);
    let id = quote_name("id");
    writeln!(
        out,
        "// Generated by kgraph {}; rebuild with `kg build`, do not edit.",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "// {}: {}", dialect.product(), dialect.how_to_load())?;
    for statement in dialect.schema_statements() {
        writeln!(out, "{statement}")?;
    }
    let entity_names = quoted_names(&ENTITY_PROPERTIES);
    let kind_labels = properties::QuotedLabels::new(
        graph.entities().iter().map(|e| e.kind.as_str()),
        properties::node_label,
    );
    let node_start = format!("MERGE (n:{entity} {{{id}: ");
    chunked::write_records(out, graph.entities(), |buffer, _, node| {
        buffer.extend_from_slice(node_start.as_bytes());
        dialect.push_string(buffer, &node.id)?;
        buffer.extend_from_slice(b"}) SET n += ");
        push_map(
            buffer,
            &entity_names,
            &properties::entity_values(node),
            dialect,
        )?;
        buffer.extend_from_slice(b" SET n:");
        buffer.extend_from_slice(kind_labels.get(&node.kind)?.as_bytes());
        buffer.extend_from_slice(b";\n");
        Ok(())
    })?;
    let relation_names = quoted_names(&RELATION_PROPERTIES);
    let relationship_types = properties::QuotedLabels::new(
        graph.relations().iter().map(|r| r.relation_type.as_str()),
        properties::relationship_type,
    );
    let schema = &graph.dataset().schema;
    let match_a = format!("MATCH (a:{entity} {{{id}: ");
    let match_b = format!("}}) MATCH (b:{entity} {{{id}: ");
    let merge_id = format!(" {{{id}: ");
    chunked::write_records(out, graph.relations(), |buffer, _, relation| {
        buffer.extend_from_slice(match_a.as_bytes());
        dialect.push_string(buffer, &relation.from)?;
        buffer.extend_from_slice(match_b.as_bytes());
        dialect.push_string(buffer, &relation.to)?;
        buffer.extend_from_slice(b"}) MERGE (a)-[r:");
        buffer.extend_from_slice(relationship_types.get(&relation.relation_type)?.as_bytes());
        buffer.extend_from_slice(merge_id.as_bytes());
        dialect.push_string(buffer, &relation.id)?;
        buffer.extend_from_slice(b"}]->(b) SET r += ");
        push_map(
            buffer,
            &relation_names,
            &properties::relation_values(schema, relation)?,
            dialect,
        )?;
        buffer.extend_from_slice(b";\n");
        Ok(())
    })
}

/// Each property's name quoted, made once for every record.
fn quoted_names(properties: &[(&str, Type)]) -> Vec<String> {
    properties
        .iter()
        .map(|(name, _)| quote_name(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::testing::hostile_graph;

    #[test]
    fn strings_are_single_quoted_with_backslash_escapes() {
        assert_eq!(cypher_string("plain"), "'plain'");
        assert_eq!(cypher_string("O'Neil"), r"'O\'Neil'");
        assert_eq!(cypher_string(r#"say "hi" \N"#), r#"'say \"hi\" \\N'"#);
        assert_eq!(cypher_string("a\nb\r\nc\td"), r"'a\nb\r\nc\td'");
        assert_eq!(
            cypher_string("bell\u{7}del\u{7F}"),
            r"'bell\u0007del\u007F'"
        );
        assert_eq!(cypher_string("`x` $HOME // 🚀"), "'`x` $HOME // 🚀'");
    }

    #[test]
    fn falkordb_strings_write_controls_it_cannot_escape_as_themselves() {
        assert_eq!(
            falkordb_string("O'Neil \"q\" \\N\r\n\t").unwrap(),
            r#"'O\'Neil \"q\" \\N\r\n\t'"#
        );
        assert_eq!(
            falkordb_string("bell\u{7} bs\u{8} ff\u{c} nel\u{85}").unwrap(),
            "'bell\u{7} bs\\b ff\\f nel\u{85}'"
        );
        assert_eq!(
            falkordb_string("a\0b"),
            Err(ExportError::UnrepresentableCharacter {
                format: "FalkorDB Cypher",
                character: '\0'
            })
        );
    }

    #[test]
    fn values_become_cypher_literals() {
        let neo4j = CypherDialect::Neo4j;
        let aliases = vec!["a".to_owned(), "b'c".to_owned()];
        assert_eq!(
            literal(&Value::TextList(&aliases), neo4j).unwrap(),
            r"['a', 'b\'c']"
        );
        assert_eq!(literal(&Value::TextList(&[]), neo4j).unwrap(), "[]");
        assert_eq!(literal(&Value::Null, neo4j).unwrap(), "null");
        assert_eq!(literal(&Value::Int(42), neo4j).unwrap(), "42");
    }

    fn script(dialect: CypherDialect) -> String {
        let mut bytes = Vec::new();
        write_cypher(&hostile_graph(), dialect, &mut bytes).unwrap();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn dialects_differ_only_in_schema_statements_and_string_escapes() {
        let statements = |dialect| -> Vec<String> {
            script(dialect)
                .lines()
                .filter(|line| !line.starts_with("//"))
                .map(str::to_owned)
                .collect()
        };
        let neo4j = statements(CypherDialect::Neo4j);
        let memgraph = statements(CypherDialect::Memgraph);
        let falkordb = statements(CypherDialect::Falkordb);
        assert!(neo4j[0].contains("IF NOT EXISTS FOR (n:`Entity`) REQUIRE n.`id` IS UNIQUE"));
        assert_eq!(
            memgraph[..2],
            [
                "CREATE CONSTRAINT ON (n:`Entity`) ASSERT n.`id` IS UNIQUE;",
                "CREATE INDEX ON :`Entity`(`id`);"
            ]
        );
        assert_eq!(falkordb[0], "CREATE INDEX FOR (n:`Entity`) ON (n.`id`);");
        assert_eq!(neo4j[1..], memgraph[2..]);
        // The hostile graph has no control characters beyond \r \n \t.
        assert_eq!(neo4j[1..], falkordb[1..]);
    }

    #[test]
    fn every_statement_stays_on_one_line() {
        let graph = hostile_graph();
        for dialect in CypherDialect::ALL {
            let script = script(dialect);
            let merges = script.lines().filter(|l| l.contains("MERGE ")).count();
            assert_eq!(
                merges,
                graph.entities().len() + graph.relations().len(),
                "{}",
                dialect.name()
            );
        }
    }
}
