//! Export formats. One file per format; each writes to any `io::Write`, in
//! one deterministic order (entities and relations by id), so the same graph
//! always gives the same bytes.
//!
//! The graph-database formats (GraphML, Cypher, Kùzu Cypher, Neo4j CSV)
//! share one set of node and edge properties (listed in `docs/exports.md`),
//! so that a query written for one database reads the same in another.

pub(crate) mod chunked;
mod cypher;
mod cytoscape;
mod dot;
mod gexf;
mod graphml;
mod grass;
mod html;
mod jgf;
mod json;
mod kuzu;
mod mermaid;
mod neo4j_csv;
mod parquet;
mod properties;
mod style;
#[cfg(test)]
mod testing;
mod turtle;

pub use cypher::{CypherDialect, write_cypher};
pub use cytoscape::{CYTOSCAPE_FORMAT_VERSION, write_cytoscape};
pub use dot::{DotOptions, write_dot};
pub(crate) use dot::{KIND_DOT_ATTRIBUTES, TYPE_DOT_ATTRIBUTES};
pub use gexf::write_gexf;
pub use graphml::write_graphml;
pub use grass::write_grass;
pub use html::{HTML_DATA_VERSION, write_html};
pub use jgf::{JGF_METADATA_VERSION, write_jgf};
pub use json::{JSON_FORMAT_VERSION, write_json};
pub use kuzu::write_kuzu_cypher;
pub use mermaid::write_mermaid;
pub use neo4j_csv::{ARRAY_DELIMITER, write_csv_nodes, write_csv_relationships};
pub use parquet::{PARQUET_TABLES, write_parquet_table};
pub use turtle::{BaseIriError, DEFAULT_BASE_IRI, TurtleOptions, write_turtle};

use std::io;
use std::path::Path;

use crate::graph::KnowledgeGraph;

/// Data that an export format cannot represent. Exporters return it inside
/// an [`io::Error`] of kind [`io::ErrorKind::InvalidData`]; get it back
/// with `error.get_ref().and_then(|e| e.downcast_ref::<ExportError>())`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// A kind or relation type whose derived label or type is not a plain
    /// identifier (possible only in a dataset built by hand).
    #[error("{what} `{name}` does not give a label of the form {expected}")]
    InvalidName {
        /// What the name belongs to: `kind` or `relation type`.
        what: &'static str,
        /// The name as curated.
        name: String,
        /// The form the derived label must have, such as `[A-Z][A-Za-z0-9]* in UpperCamelCase`.
        expected: &'static str,
    },
    /// Kùzu compares table names case-insensitively, so a relation type
    /// named `entity` would collide with the node table `Entity`.
    #[error(
        "relation type `{relation_type}` collides with Kùzu's node table `{table}` (table names are case-insensitive); rename the type"
    )]
    KuzuTableCollision {
        /// The relation type's name.
        relation_type: String,
        /// The node table it collides with.
        table: &'static str,
    },
    /// A format that writes several files was asked for one stream.
    #[error("`{format}` writes a directory of files: give `-o DIRECTORY`")]
    DirectoryFormat {
        /// The format's name.
        format: &'static str,
    },
    /// A character that the format has no way to write in a string.
    #[error("{format} cannot hold the character U+{:04X} in a string", u32::from(*character))]
    UnrepresentableCharacter {
        /// The format's name.
        format: &'static str,
        /// The character it cannot write.
        character: char,
    },
}

impl From<ExportError> for io::Error {
    fn from(error: ExportError) -> io::Error {
        io::Error::new(io::ErrorKind::InvalidData, error)
    }
}

/// The options of the formats that have any, carried to the writer by
/// [`Format::write_with`], as oxigraph's serializer builder carries a base
/// IRI: a caller picks the format and its options in one place, and no
/// writer is called around [`Format`].
///
/// ```
/// use kgraph::Format;
/// use kgraph::export::{ExportOptions, TurtleOptions};
/// let options = ExportOptions::default()
///     .with_turtle(TurtleOptions::new("https://example.org/kg/").unwrap());
/// # let graph = kgraph::KnowledgeGraph::new(kgraph::Dataset::default());
/// let mut turtle = Vec::new();
/// Format::Turtle.write_with(&graph, &options, &mut turtle).unwrap();
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ExportOptions {
    /// How [`Format::Dot`] draws: legend, wrapping, clusters, attributes.
    pub dot: DotOptions,
    /// The base IRI of [`Format::Turtle`].
    pub turtle: TurtleOptions,
}

impl ExportOptions {
    /// These options with `dot` for [`Format::Dot`].
    pub fn with_dot(mut self, dot: DotOptions) -> ExportOptions {
        self.dot = dot;
        self
    }

    /// These options with `turtle` for [`Format::Turtle`].
    pub fn with_turtle(mut self, turtle: TurtleOptions) -> ExportOptions {
        self.turtle = turtle;
        self
    }
}

/// The formats kgraph writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Graphviz DOT, styled, with a legend.
    Dot,
    /// Node-link JSON that networkx reads as a MultiDiGraph.
    Json,
    /// GraphML for networkx, Gephi, yEd and Neo4j APOC.
    Graphml,
    /// An idempotent Cypher script for Neo4j 5, Memgraph or FalkorDB.
    Cypher(CypherDialect),
    /// A Cypher script in Kùzu's dialect: DDL, then idempotent MERGEs.
    CypherKuzu,
    /// The node file for `neo4j-admin database import full`.
    CsvNodes,
    /// The relationship file for `neo4j-admin database import full`.
    CsvRelationships,
    /// RDF Turtle, for rdflib, Oxigraph and any SPARQL store.
    Turtle,
    /// A Mermaid flowchart, drawn by GitHub and GitLab in Markdown.
    Mermaid,
    /// JSON Graph Format v2.
    Jgf,
    /// Cytoscape.js elements JSON.
    Cytoscape,
    /// A self-contained interactive page with the evidence of every relation.
    Html,
    /// A GraSS style sheet for Neo4j Browser: nodes coloured by kind.
    Grass,
    /// GEXF 1.3 with the viz module, for Gephi, networkx and graphology.
    Gexf,
    /// Apache Parquet tables (a directory): entities, relations, evidence,
    /// sources.
    Parquet,
}

/// The name used on the command line (`cypher-kuzu`).
impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Format {
    /// Every format, in the order `kg build` writes them.
    pub const ALL: [Format; 17] = [
        Format::Dot,
        Format::Json,
        Format::Graphml,
        Format::Cypher(CypherDialect::Neo4j),
        Format::Cypher(CypherDialect::Memgraph),
        Format::Cypher(CypherDialect::Falkordb),
        Format::CypherKuzu,
        Format::CsvNodes,
        Format::CsvRelationships,
        Format::Turtle,
        Format::Mermaid,
        Format::Jgf,
        Format::Cytoscape,
        Format::Html,
        Format::Grass,
        Format::Gexf,
        Format::Parquet,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Graphml => "graphml",
            Format::Cypher(CypherDialect::Neo4j) => "cypher",
            Format::Cypher(CypherDialect::Memgraph) => "cypher-memgraph",
            Format::Cypher(CypherDialect::Falkordb) => "cypher-falkordb",
            Format::CypherKuzu => "cypher-kuzu",
            Format::CsvNodes => "csv-nodes",
            Format::CsvRelationships => "csv-relationships",
            Format::Turtle => "turtle",
            Format::Mermaid => "mermaid",
            Format::Jgf => "jgf",
            Format::Cytoscape => "cytoscape",
            Format::Html => "html",
            Format::Grass => "grass",
            Format::Gexf => "gexf",
            Format::Parquet => "parquet",
        }
    }

    /// The file name `kg build` writes in the output directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Dot => "graph.dot",
            Format::Json => "graph.json",
            Format::Graphml => "graph.graphml",
            Format::Cypher(CypherDialect::Neo4j) => "graph.cypher",
            Format::Cypher(CypherDialect::Memgraph) => "graph.memgraph.cypher",
            Format::Cypher(CypherDialect::Falkordb) => "graph.falkordb.cypher",
            Format::CypherKuzu => "graph.kuzu.cypher",
            Format::CsvNodes => "nodes.csv",
            Format::CsvRelationships => "relationships.csv",
            Format::Turtle => "graph.ttl",
            Format::Mermaid => "graph.mmd",
            Format::Jgf => "graph.jgf.json",
            Format::Cytoscape => "graph.cytoscape.json",
            Format::Html => "graph.html",
            Format::Grass => "graph.grass",
            Format::Gexf => "graph.gexf",
            // A directory: see [`Format::files`].
            Format::Parquet => "parquet",
        }
    }

    /// The extension of [`Format::file_name`]. It may hold a dot
    /// (`jgf.json`), and the two CSV formats share `csv`; see
    /// [`Format::from_path`].
    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Graphml => "graphml",
            Format::Cypher(CypherDialect::Neo4j) => "cypher",
            Format::Cypher(CypherDialect::Memgraph) => "memgraph.cypher",
            Format::Cypher(CypherDialect::Falkordb) => "falkordb.cypher",
            Format::CypherKuzu => "kuzu.cypher",
            Format::CsvNodes | Format::CsvRelationships => "csv",
            Format::Turtle => "ttl",
            Format::Mermaid => "mmd",
            Format::Jgf => "jgf.json",
            Format::Cytoscape => "cytoscape.json",
            Format::Html => "html",
            Format::Grass => "grass",
            Format::Gexf => "gexf",
            Format::Parquet => "parquet",
        }
    }

    /// The format named `name` (as `--format` spells it, such as `cypher-kuzu`).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }

    /// The format an extension names, if exactly one does (`csv` does not).
    pub fn from_extension(extension: &str) -> Option<Format> {
        let extension = extension.to_ascii_lowercase();
        match extension.as_str() {
            "gv" => Some(Format::Dot),
            "cyp" => Some(Format::Cypher(CypherDialect::Neo4j)),
            "mermaid" => Some(Format::Mermaid),
            "jgf" => Some(Format::Jgf),
            "cyjs" => Some(Format::Cytoscape),
            "htm" => Some(Format::Html),
            // Several files share these: the format must be named.
            "csv" | "parquet" => None,
            _ => Format::ALL
                .into_iter()
                .find(|format| format.file_extension() == extension),
        }
    }

    /// The format of a file: the exact name `kg build` writes (such as
    /// `nodes.csv`), else the longest extension of its name that names one
    /// (`graph.jgf.json` is JGF, `my.graph.json` is JSON,
    /// `x.kuzu.cypher` is Kùzu's dialect).
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if let Some(format) = Format::ALL
            .into_iter()
            .find(|format| format.file_name() == name)
        {
            return Some(format);
        }
        name.match_indices('.')
            .filter(|&(index, _)| index > 0)
            .find_map(|(index, _)| Format::from_extension(&name[index + 1..]))
    }

    /// True for a format that writes a directory of files rather than one
    /// file ([`Format::file_names`]).
    pub fn is_directory(self) -> bool {
        self == Format::Parquet
    }

    /// The files of this format, relative to the output directory:
    /// [`Format::file_name`] for a one-file format, the files inside the
    /// directory [`Format::file_name`] for a directory format. Write each
    /// with [`Format::write_part`].
    pub fn file_names(self) -> Vec<String> {
        match self {
            Format::Parquet => PARQUET_TABLES
                .iter()
                .map(|table| format!("{}/{table}", self.file_name()))
                .collect(),
            _ => vec![self.file_name().to_owned()],
        }
    }

    /// Writes the file `file_names()[part]` of this format: for a one-file
    /// format, part 0 is [`Format::write`].
    pub fn write_part(
        self,
        graph: &KnowledgeGraph,
        part: usize,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        match self {
            Format::Parquet => write_parquet_table(graph, part, out),
            _ => self.write(graph, out),
        }
    }

    /// What this format would refuse in the graph, found before a byte is
    /// written: a stream (stdout, a pipe) cannot take back what it was
    /// given when an export stops half-way.
    pub fn check_representable(self, graph: &KnowledgeGraph) -> Result<(), ExportError> {
        let labelled = matches!(
            self,
            Format::Cypher(_)
                | Format::CypherKuzu
                | Format::Graphml
                | Format::CsvNodes
                | Format::CsvRelationships
                | Format::Grass
        );
        if !labelled {
            return Ok(());
        }
        let kinds: std::collections::BTreeSet<&str> =
            graph.entities().iter().map(|e| e.kind.as_str()).collect();
        for kind in kinds {
            properties::node_label(kind)?;
        }
        let types: std::collections::BTreeSet<&str> = graph
            .relations()
            .iter()
            .map(|r| r.relation_type.as_str())
            .collect();
        for relation_type in types {
            let table = properties::relationship_type(relation_type)?;
            if self == Format::CypherKuzu {
                kuzu::check_table_name(relation_type, &table)?;
            }
        }
        Ok(())
    }

    /// True if this format shows how often the sources mention each entity
    /// ([`crate::model::Entity::mentions`]), which must then be counted.
    pub fn shows_mentions(self) -> bool {
        matches!(
            self,
            Format::Dot | Format::Json | Format::Gexf | Format::Parquet
        )
    }

    /// True if this format reads the sources' texts
    /// ([`crate::model::Source::text`]); the others write the same bytes
    /// for a dataset whose texts were left out (as a snapshot read for a
    /// question leaves them out).
    pub fn reads_source_texts(self) -> bool {
        matches!(self, Format::Html)
    }

    /// Writes the graph in this format, with default options. A directory
    /// format ([`Format::is_directory`]) fails with
    /// [`ExportError::DirectoryFormat`]: use [`Format::write_part`].
    pub fn write(self, graph: &KnowledgeGraph, out: &mut dyn io::Write) -> io::Result<()> {
        self.write_with(graph, &ExportOptions::default(), out)
    }

    /// [`Format::write`] with the options of this format taken from
    /// `options` (the others are not used).
    pub fn write_with(
        self,
        graph: &KnowledgeGraph,
        options: &ExportOptions,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        match self {
            Format::Dot => write_dot(graph, &options.dot, out),
            Format::Json => write_json(graph, out),
            Format::Graphml => write_graphml(graph, out),
            Format::Cypher(dialect) => write_cypher(graph, dialect, out),
            Format::CypherKuzu => write_kuzu_cypher(graph, out),
            Format::CsvNodes => write_csv_nodes(graph, out),
            Format::CsvRelationships => write_csv_relationships(graph, out),
            Format::Turtle => write_turtle(graph, &options.turtle, out),
            Format::Mermaid => write_mermaid(graph, out),
            Format::Jgf => write_jgf(graph, out),
            Format::Cytoscape => write_cytoscape(graph, out),
            Format::Html => write_html(graph, out),
            Format::Grass => write_grass(graph, out),
            Format::Gexf => write_gexf(graph, out),
            Format::Parquet => Err(ExportError::DirectoryFormat {
                format: self.name(),
            }
            .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Dataset;

    #[test]
    fn names_and_file_names_lead_back_to_the_format() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
            assert_eq!(
                Format::from_path(Path::new(format.file_name())),
                Some(format)
            );
            if !matches!(format.file_extension(), "csv" | "parquet") {
                assert_eq!(
                    Format::from_extension(format.file_extension()),
                    Some(format)
                );
            }
        }
        assert_eq!(Format::from_extension("GV"), Some(Format::Dot));
        assert_eq!(Format::from_name("svg"), None);
    }

    #[test]
    fn paths_name_the_format_by_their_longest_extension() {
        let of = |path: &str| Format::from_path(Path::new(path));
        assert_eq!(of("out/my.graph.json"), Some(Format::Json));
        assert_eq!(of("x.JGF.json"), Some(Format::Jgf));
        assert_eq!(of("x.cyjs"), Some(Format::Cytoscape));
        assert_eq!(of("x.cypher"), Some(Format::Cypher(CypherDialect::Neo4j)));
        assert_eq!(
            of("x.falkordb.cypher"),
            Some(Format::Cypher(CypherDialect::Falkordb))
        );
        assert_eq!(of("x.Kuzu.cypher"), Some(Format::CypherKuzu));
        assert_eq!(of("NODES.CSV"), Some(Format::CsvNodes));
        assert_eq!(of("people.csv"), None);
        assert_eq!(of(".ttl"), None);
        assert_eq!(of("graph"), None);
    }

    /// The hostile graph with characters only a verbatim source can bring
    /// (C0 controls, non-characters, a lone CR) in its quotes and labels.
    fn graph_with_control_characters() -> KnowledgeGraph {
        const RAW: &str = "nul\u{0} ff\u{c} del\u{7f} nc\u{fffe}\u{ffff} lone\rcr 𝄞 \u{2028}";
        let mut dataset = testing::hostile_graph().dataset().clone();
        for entity in &mut dataset.entities {
            entity.label.push_str(RAW);
            entity.aliases.push(RAW.to_owned());
        }
        for relation in &mut dataset.relations {
            relation.evidence[0].quote = RAW.to_owned();
            relation.note = Some(RAW.to_owned());
        }
        KnowledgeGraph::new(dataset)
    }

    #[test]
    fn every_format_writes_the_same_bytes_whatever_its_chunks() {
        let graphs = [
            testing::hostile_graph(),
            graph_with_control_characters(),
            KnowledgeGraph::new(Dataset::default()),
        ];
        for (graph, format) in graphs
            .iter()
            .flat_map(|graph| Format::ALL.map(|format| (graph, format)))
        {
            for part in 0..format.file_names().len() {
                // A format that refuses a character (Cypher and NUL) must
                // refuse it whatever the chunks.
                let write = || {
                    let mut out = Vec::new();
                    format
                        .write_part(graph, part, &mut out)
                        .map(|()| out)
                        .map_err(|error| error.to_string())
                };
                let whole = write();
                if let Err(error) = &whole {
                    // Only the verbatim characters may be refused, never
                    // the hostile but valid text of the other graphs.
                    assert!(
                        error.contains("character") && std::ptr::eq(graph, &graphs[1]),
                        "{format} part {part}: {error}"
                    );
                }
                // One record per chunk, then chunks that end mid-way
                // through the entities and the relations.
                for records in [1, 2, 4] {
                    let chunked = chunked::with_records_per_chunk(records, write);
                    assert!(
                        chunked == whole,
                        "{format} part {part} differs in chunks of {records}"
                    );
                }
            }
        }
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
