//! Export formats. One file per format; each writes to any `io::Write`, in
//! one deterministic order (entities and relations by id), so the same graph
//! always gives the same bytes.

mod dot;
mod json;

pub use dot::{DotOptions, dot_quote, write_dot};
pub use json::{JSON_FORMAT_VERSION, write_json};

use std::io;

use crate::graph::KnowledgeGraph;

/// The formats kgraph writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Graphviz DOT, styled, with a legend.
    Dot,
    /// Node-link JSON that networkx reads as a MultiDiGraph.
    Json,
}

impl Format {
    pub const ALL: [Format; 2] = [Format::Dot, Format::Json];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
        }
    }

    /// The file name `kg build` writes in the output directory.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Dot => "graph.dot",
            Format::Json => "graph.json",
        }
    }

    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Dot => "dot",
            Format::Json => "json",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.name() == name)
    }

    pub fn from_extension(extension: &str) -> Option<Format> {
        let extension = extension.to_ascii_lowercase();
        match extension.as_str() {
            "gv" => Some(Format::Dot),
            _ => Format::ALL
                .into_iter()
                .find(|format| format.file_extension() == extension),
        }
    }

    /// Writes the graph in this format.
    pub fn write(self, graph: &KnowledgeGraph, out: &mut dyn io::Write) -> io::Result<()> {
        match self {
            Format::Dot => write_dot(graph, &DotOptions::default(), out),
            Format::Json => write_json(graph, out),
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
}
