//! kgraph turns hand-curated files (a schema, source texts, entities, and
//! relations backed by verbatim quotes) into a validated knowledge graph,
//! exported byte-stable to Graphviz DOT, JSON and the formats graph
//! databases load.
//!
//! ```no_run
//! use std::path::Path;
//!
//! // Every problem in the data at once, or the dataset and its warnings.
//! let (dataset, _warnings) = kgraph::load(Path::new("data")).expect("valid data");
//! let graph = kgraph::KnowledgeGraph::new(dataset);
//! let mut dot = Vec::new();
//! kgraph::Format::Dot.write(&graph, &mut dot).unwrap();
//! ```
//!
//! The path from files to answers:
//!
//! - [`load()`] reads and checks a data directory into a [`Dataset`]; a
//!   [`Report`] holds its [`Diagnostic`]s, rendered by [`diagnostic`].
//!   [`model`] holds the data types and [`model::ids`] the grammar of ids
//!   and dates.
//! - [`KnowledgeGraph`] is the graph over a dataset, addressed by entity and
//!   relation ids.
//! - [`export`] writes it in each [`Format`]; [`render`] runs Graphviz on
//!   the DOT; [`output`] replaces a set of files as a whole, so that no
//!   reader sees a half-written one; [`snapshot`] keeps a validated dataset
//!   so that questions need no second validation, and decode only the
//!   entities and relations they read.
//! - [`query`] answers questions: the neighbours of an entity, paths
//!   between two with the evidence for each hop, the part of the graph a
//!   [`Selection`] keeps, and statistics with centralities.
//! - [`coverage`] finds what the sources say that the graph does not,
//!   [`lint`] warns about data that is valid but doubtful, [`diff`] compares
//!   two versions of a graph, and [`import`] reads spreadsheet CSV into
//!   records.
//!
//! The library never prints and never exits; the `kg` binary does both.
//! [`terminal`] only escapes text a caller is about to show.

// The namespaces a user works in. Each says in its `//!` docs what it is for.
pub mod coverage;
pub mod diagnostic;
pub mod diff;
pub mod export;
pub mod import;
pub mod lint;
pub mod model;
pub mod output;
pub mod query;
pub mod render;
pub mod snapshot;
pub mod terminal;

// Internals: reading and checking files, locating quotes, the petgraph graph
// and TOML layout. What a user needs from them is re-exported below.
mod canonical;
mod evidence;
mod graph;
mod load;

pub use canonical::{CanonicalError, canonical_toml};
pub use diagnostic::{Diagnostic, Files};
pub use evidence::MAX_TEXT_BYTES;
pub use export::Format;
pub use graph::KnowledgeGraph;
pub use load::{
    Limits, LoadError, Refusal, Report, display_path, load, load_with_changed_text,
    load_with_limits, read_data_file, read_regular_file, text_hash,
};
pub use model::{Dataset, Entity, Evidence, Modality, Relation, Source, TextSpan};
pub use query::{QueryError, Selection};
