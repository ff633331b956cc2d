//! Export formats. One file per format; each writes to any `io::Write`, in
//! one deterministic order (entities and relations by id), so the same graph
//! always gives the same bytes.

mod cytoscape;
mod dot;
mod jgf;
mod json;
mod mermaid;
#[cfg(test)]
mod testing;
mod turtle;

pub use cytoscape::{CYTOSCAPE_FORMAT_VERSION, write_cytoscape};
pub use dot::{DotOptions, dot_quote, write_dot};
pub use jgf::{JGF_METADATA_VERSION, write_jgf};
pub use json::{JSON_FORMAT_VERSION, write_json};
pub use mermaid::{mermaid_label, mermaid_node_id, write_mermaid, write_mermaid_subgraph};
pub use turtle::{BaseIriError, DEFAULT_BASE_IRI, TurtleOptions, iri_segment, write_turtle};

use std::io;
use std::path::Path;

use crate::graph::KnowledgeGraph;

/// The formats kgraph writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Graphviz DOT, styled, with a legend.
    Dot,
    /// Node-link JSON that networkx reads as a MultiDiGraph.
    Json,
    /// RDF Turtle, for rdflib, Oxigraph and any SPARQL store.
    Turtle,
    /// A Mermaid flowchart, drawn by GitHub and GitLab in Markdown.
    Mermaid,
    /// JSON Graph Format v2.
    Jgf,
    /// Cytoscape.js elements JSON.
    Cytoscape,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Dot,
        Format::Json,
        Format::Turtle,
        Format::Mermaid,
        Format::Jgf,
        Format::Cytoscape,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Turtle => "turtle",
            Format::Mermaid => "mermaid",
            Format::Jgf => "jgf",
            Format::Cytoscape => "cytoscape",
        }
    }

    /// The file name `kg build` writes in the output directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Dot => "graph.dot",
            Format::Json => "graph.json",
            Format::Turtle => "graph.ttl",
            Format::Mermaid => "graph.mmd",
            Format::Jgf => "graph.jgf.json",
            Format::Cytoscape => "graph.cytoscape.json",
        }
    }

    /// The extension of [`Format::file_name`]; it may hold a dot
    /// (`jgf.json`), see [`Format::from_path`].
    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
            Format::Turtle => "ttl",
            Format::Mermaid => "mmd",
            Format::Jgf => "jgf.json",
            Format::Cytoscape => "cytoscape.json",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }

    pub fn from_extension(extension: &str) -> Option<Format> {
        let extension = extension.to_ascii_lowercase();
        match extension.as_str() {
            "gv" => Some(Format::Dot),
            "mermaid" => Some(Format::Mermaid),
            "jgf" => Some(Format::Jgf),
            "cyjs" => Some(Format::Cytoscape),
            _ => Format::ALL
                .into_iter()
                .find(|format| format.file_extension() == extension),
        }
    }

    /// The format of a file, from the longest extension of its name that
    /// names one: `graph.jgf.json` is JGF, `my.graph.json` is JSON.
    pub fn from_path(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_str()?;
        name.match_indices('.')
            .filter(|&(index, _)| index > 0)
            .find_map(|(index, _)| Format::from_extension(&name[index + 1..]))
    }

    /// Writes the graph in this format, with default options.
    pub fn write(self, graph: &KnowledgeGraph, out: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Format::Dot => write_dot(graph, &DotOptions::default(), out),
            Format::Json => write_json(graph, out),
            Format::Turtle => write_turtle(graph, &TurtleOptions::default(), out),
            Format::Mermaid => write_mermaid(graph, out),
            Format::Jgf => write_jgf(graph, out),
            Format::Cytoscape => write_cytoscape(graph, out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_extensions_lead_back_to_the_format() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
            assert_eq!(
                Format::from_extension(format.file_extension()),
                Some(format)
            );
        }
        assert_eq!(Format::from_extension("GV"), Some(Format::Dot));
        assert_eq!(Format::from_name("svg"), None);
    }

    #[test]
    fn paths_name_the_format_by_their_longest_extension() {
        for format in Format::ALL {
            assert_eq!(
                Format::from_path(Path::new(format.file_name())),
                Some(format)
            );
        }
        let of = |path: &str| Format::from_path(Path::new(path));
        assert_eq!(of("out/my.graph.json"), Some(Format::Json));
        assert_eq!(of("x.JGF.json"), Some(Format::Jgf));
        assert_eq!(of("x.cyjs"), Some(Format::Cytoscape));
        assert_eq!(of(".ttl"), None);
        assert_eq!(of("graph"), None);
    }
}
