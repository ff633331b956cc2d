//! kgraph turns hand-curated files (a schema, source texts, entities, and
//! relations backed by verbatim quotes) into a validated knowledge graph,
//! exported byte-stable to Graphviz DOT, JSON and the formats graph
//! databases load.
//!
//! ```no_run
//! use std::path::Path;
//!
//! let (dataset, _warnings) = kgraph::load(Path::new("data")).expect("valid data");
//! let graph = kgraph::KnowledgeGraph::new(dataset);
//! let mut dot = Vec::new();
//! kgraph::Format::Dot.write(&graph, &mut dot).unwrap();
//! ```
//!
//! A built graph answers questions ([`query`]): the neighbours of an entity,
//! paths between two with the evidence for each hop, the part of the graph
//! a [`Selection`] keeps, and statistics with centralities.
//!
//! The library never prints and never exits; the `kg` binary does both.

pub mod canonical;
pub mod coverage;
pub mod diagnostic;
pub mod diff;
pub mod evidence;
pub mod export;
pub mod graph;
pub mod import;
pub mod lint;
pub mod load;
pub mod model;
pub mod output;
pub mod query;
pub mod render;
pub mod snapshot;
pub mod terminal;

pub use diagnostic::{Diagnostic, Files};
pub use export::Format;
pub use graph::KnowledgeGraph;
pub use load::{LoadError, Report, load};
pub use model::{Dataset, Entity, Evidence, Modality, Relation, Source, TextSpan};
pub use query::{QueryError, Selection};
