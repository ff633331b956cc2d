//! Export formats. One file per format; each writes to any `io::Write`, in
//! one deterministic order (entities and relations by id), so the same graph
//! always gives the same bytes.
//!
//! The graph-database formats (GraphML, Cypher, Kùzu Cypher, Neo4j CSV)
//! share one set of node and edge properties, described in
//! [`properties`].

mod cypher;
mod dot;
mod graphml;
mod json;
mod kuzu;
mod neo4j_csv;
pub mod properties;

pub use cypher::{cypher_string, write_cypher};
pub use dot::{DotOptions, dot_quote, write_dot};
pub use graphml::{write_graphml, xml_text};
pub use json::{JSON_FORMAT_VERSION, write_json};
pub use kuzu::{kuzu_string, write_kuzu_cypher};
pub use neo4j_csv::{
    ARRAY_DELIMITER, neutralize_formula, write_csv_nodes, write_csv_relationships,
};

use std::io;

use crate::graph::KnowledgeGraph;

/// Data that an export format cannot represent. Exporters return it inside
/// an [`io::Error`] of kind [`io::ErrorKind::InvalidData`]; get it back
/// with `error.get_ref().and_then(|e| e.downcast_ref::<ExportError>())`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// XML 1.0 has no way to write most C0 control characters, not even as
    /// character references.
    #[error(
        "{item}: `{field}` contains U+{:04X}, a control character that XML 1.0 cannot hold; remove it from the data",
        u32::from(*character)
    )]
    XmlForbiddenCharacter {
        item: String,
        field: String,
        character: char,
    },
    /// A kind or relation type whose derived label or type is not a plain
    /// identifier (possible only in a dataset built by hand).
    #[error("{what} `{name}` does not give a label of the form {expected}")]
    InvalidName {
        what: &'static str,
        name: String,
        expected: &'static str,
    },
    /// Kùzu compares table names case-insensitively, so a relation type
    /// named `entity` would collide with the node table `Entity`.
    #[error(
        "relation type `{relation_type}` collides with Kùzu's node table `{table}` (table names are case-insensitive); rename the type"
    )]
    KuzuTableCollision {
        relation_type: String,
        table: &'static str,
    },
}

impl From<ExportError> for io::Error {
    fn from(error: ExportError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, error)
    }
}

/// The formats kgraph writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Graphviz DOT, styled, with a legend.
    Dot,
    /// Node-link JSON that networkx reads as a MultiDiGraph.
    Json,
    /// GraphML for networkx, Gephi, yEd and Neo4j APOC.
    Graphml,
    /// A Cypher script for Neo4j 5 (and Memgraph), idempotent.
    Cypher,
    /// A Cypher script in Kùzu's dialect: DDL, then idempotent MERGEs.
    CypherKuzu,
    /// The node file for `neo4j-admin database import full`.
    CsvNodes,
    /// The relationship file for `neo4j-admin database import full`.
    CsvRelationships,
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Dot,
        Format::Json,
        Format::Graphml,
        Format::Cypher,
        Format::CypherKuzu,
        Format::CsvNodes,
        Format::CsvRelationships,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Graphml => "graphml",
            Format::Cypher => "cypher",
            Format::CypherKuzu => "cypher-kuzu",
            Format::CsvNodes => "csv-nodes",
            Format::CsvRelationships => "csv-relationships",
        }
    }

    /// The file name `kg build` writes in the output directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Dot => "graph.dot",
            Format::Json => "graph.json",
            Format::Graphml => "graph.graphml",
            Format::Cypher => "graph.cypher",
            Format::CypherKuzu => "graph.kuzu.cypher",
            Format::CsvNodes => "nodes.csv",
            Format::CsvRelationships => "relationships.csv",
        }
    }

    /// The last extension of [`Format::file_name`]. Several formats share
    /// one (`cypher`, `csv`); see [`Format::from_file_name`].
    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Graphml => "graphml",
            Format::Cypher | Format::CypherKuzu => "cypher",
            Format::CsvNodes | Format::CsvRelationships => "csv",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }

    /// The format an extension stands for, if only one: `cypher` is Neo4j's
    /// dialect, and `csv` is `None` (nodes or relationships?).
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension.to_ascii_lowercase().as_str() {
            "dot" | "gv" => Some(Format::Dot),
            "json" => Some(Format::Json),
            "graphml" => Some(Format::Graphml),
            "cypher" | "cyp" => Some(Format::Cypher),
            _ => None,
        }
    }

    /// The format a file name stands for: the exact name `kg build` writes
    /// (such as `nodes.csv`), a name ending in `.kuzu.cypher`, or else its
    /// extension.
    pub fn from_file_name(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        if let Some(format) = Format::ALL
            .into_iter()
            .find(|format| format.file_name() == lower)
        {
            return Some(format);
        }
        if lower.ends_with(".kuzu.cypher") {
            return Some(Format::CypherKuzu);
        }
        let (_, extension) = lower.rsplit_once('.')?;
        Format::from_extension(extension)
    }

    /// Writes the graph in this format.
    pub fn write(self, graph: &KnowledgeGraph, out: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Format::Dot => write_dot(graph, &DotOptions::default(), out),
            Format::Json => write_json(graph, out),
            Format::Graphml => write_graphml(graph, out),
            Format::Cypher => write_cypher(graph, out),
            Format::CypherKuzu => write_kuzu_cypher(graph, out),
            Format::CsvNodes => write_csv_nodes(graph, out),
            Format::CsvRelationships => write_csv_relationships(graph, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_file_names_lead_back_to_the_format() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
            assert_eq!(Format::from_file_name(format.file_name()), Some(format));
        }
        assert_eq!(Format::from_extension("GV"), Some(Format::Dot));
        assert_eq!(Format::from_name("svg"), None);
    }

    #[test]
    fn shared_extensions_resolve_only_when_unambiguous() {
        assert_eq!(Format::from_file_name("x.cypher"), Some(Format::Cypher));
        assert_eq!(
            Format::from_file_name("x.Kuzu.cypher"),
            Some(Format::CypherKuzu)
        );
        assert_eq!(Format::from_file_name("people.csv"), None);
        assert_eq!(Format::from_file_name("NODES.CSV"), Some(Format::CsvNodes));
        assert_eq!(Format::from_file_name("graph"), None);
    }

    #[test]
    fn export_errors_travel_inside_io_errors() {
        let error = io::Error::from(ExportError::KuzuTableCollision {
            relation_type: "entity".into(),
            table: "Entity",
        });
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
        assert!(
            error
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<ExportError>())
                .is_some()
        );
    }
}
