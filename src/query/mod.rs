//! Questions asked of a built graph: who is around an entity
//! ([`neighbors`]), how two entities are connected ([`paths`]), which part
//! of the graph to keep ([`Selection`], shared by `kg query subgraph`,
//! `kg render` and `kg export`), and what the graph holds ([`stats`]).
//!
//! Entities are named as people name them: by id, label or alias, in any
//! case ([`resolve`]). Answers borrow from the graph and come in a fixed
//! order, so the same question always gets the same bytes.
//!
//! ```
//! use kgraph::query::{Selection, resolve};
//! # let graph = kgraph::KnowledgeGraph::new(kgraph::Dataset::default());
//! // `kg query subgraph nato --depth 2`, or `kg render --focus nato --depth 2`:
//! let selection = Selection::around("nato", 2);
//! assert!(selection.apply(&graph).is_err()); // no `nato` in an empty graph
//! assert!(resolve(&graph, "NATO").is_err());
//! ```

mod filter;
mod focus;
mod neighbors;
mod path;
mod resolve;
mod select;
mod stats;

pub use filter::Filter;
pub use focus::{Direction, Focus};
pub use neighbors::{Neighbor, Neighborhood, neighbors};
pub use path::{ALL_PATHS_MAX_LEN, Hop, Path, PathQuery, Paths, Step, paths};
pub use resolve::resolve;
pub use select::Selection;
pub use stats::{Count, DECIMALS, Ranked, SourceCount, Stats, round, stats};

/// A question that names something the graph does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("unknown entity `{name}`{}", hint(.suggestion))]
    UnknownEntity {
        name: String,
        /// The closest id, label or alias, if one is close enough.
        suggestion: Option<String>,
    },
    #[error("`{name}` names more than one entity: {}", backticked(.candidates))]
    AmbiguousEntity {
        name: String,
        /// Ids of the entities it names, in order.
        candidates: Vec<String>,
    },
    #[error("unknown kind `{name}`{}", hint(.suggestion))]
    UnknownKind {
        name: String,
        suggestion: Option<String>,
    },
    #[error("unknown relation type `{name}`{}", hint(.suggestion))]
    UnknownRelationType {
        name: String,
        suggestion: Option<String>,
    },
    #[error("unknown source `{name}`{}", hint(.suggestion))]
    UnknownSource {
        name: String,
        suggestion: Option<String>,
    },
}

fn hint(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|name| format!(" (did you mean `{name}`?)"))
        .unwrap_or_default()
}

fn backticked(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
