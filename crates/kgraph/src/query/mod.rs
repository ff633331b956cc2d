//! Questions asked of a built graph: who is around an entity
//! ([`neighbors`]), how two entities are connected ([`paths`]), both as the
//! JSON scripts read ([`NeighborhoodJson`], [`PathsJson`]), which part
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
mod json;
mod neighbors;
mod path;
mod resolve;
mod select;
mod stats;

pub use filter::Filter;
pub use focus::{Direction, Focus};
pub use json::{NeighborhoodJson, PathsJson};
pub use neighbors::{Neighbor, Neighborhood, neighbors};
pub use path::{ALL_PATHS_MAX_LEN, Hop, Path, PathQuery, Paths, Step, paths};
pub use resolve::resolve;
pub(crate) use resolve::{names_of, resolve_among};
pub use select::Selection;
pub use stats::{Count, DECIMALS, Ranked, SourceCount, Stats, round, stats};

/// The parameters behind [`Stats`]' centralities, so that a report can say
/// how its numbers were computed.
pub use crate::graph::{
    BETWEENNESS_EXACT_LIMIT, BETWEENNESS_PIVOTS, BETWEENNESS_SEED, PAGE_RANK_DAMPING,
};

/// A question that names something the graph does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// No entity has this id, label or alias.
    #[error("unknown entity `{name}`{}", hint(.suggestion))]
    UnknownEntity {
        /// The name as asked.
        name: String,
        /// The closest id, label or alias, if one is close enough.
        suggestion: Option<String>,
    },
    /// More than one entity has this label or alias.
    #[error("`{name}` names more than one entity: {}", backticked(.candidates))]
    AmbiguousEntity {
        /// The name as asked.
        name: String,
        /// Ids of the entities it names, in order.
        candidates: Vec<String>,
    },
    /// The schema has no such kind.
    #[error("unknown kind `{name}`{}", hint(.suggestion))]
    UnknownKind {
        /// The name as asked.
        name: String,
        /// The closest kind, if one is close enough.
        suggestion: Option<String>,
    },
    /// The schema has no such relation type.
    #[error("unknown relation type `{name}`{}", hint(.suggestion))]
    UnknownRelationType {
        /// The name as asked.
        name: String,
        /// The closest relation type, if one is close enough.
        suggestion: Option<String>,
    },
    /// No source has this id.
    #[error("unknown source `{name}`{}", hint(.suggestion))]
    UnknownSource {
        /// The id as asked.
        name: String,
        /// The closest source id, if one is close enough.
        suggestion: Option<String>,
    },
}

impl QueryError {
    /// [`QueryError::UnknownSource`] for `name`, suggesting the closest of
    /// the source ids the data has.
    pub fn unknown_source<'a>(name: &str, ids: impl IntoIterator<Item = &'a str>) -> QueryError {
        QueryError::UnknownSource {
            name: name.to_owned(),
            suggestion: resolve::closest(name, ids.into_iter()),
        }
    }
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
