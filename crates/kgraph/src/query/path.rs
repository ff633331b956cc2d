//! How two entities are connected: `kg query path` and `kg explain`.

use crate::graph::KnowledgeGraph;
use crate::model::{Entity, Relation};

use super::QueryError;
use super::resolve::resolve;

/// How far `--all` looks when no `max_len` is given: the number of simple
/// paths grows fast with their length.
pub const ALL_PATHS_MAX_LEN: usize = 4;

/// What kind of paths to look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PathQuery {
    /// Follow relations only from subject to object (symmetric relation
    /// types either way); otherwise in both directions.
    pub directed: bool,
    /// Every simple path, not only a shortest one.
    pub all: bool,
    /// The longest path to report, in relations. `None`: no limit for a
    /// shortest path, [`ALL_PATHS_MAX_LEN`] for all paths.
    pub max_len: Option<usize>,
}

impl PathQuery {
    /// The longest path looked for: `max_len`, else [`ALL_PATHS_MAX_LEN`]
    /// for all paths, else no limit.
    pub fn limit(&self) -> Option<usize> {
        self.max_len.or(self.all.then_some(ALL_PATHS_MAX_LEN))
    }
}

/// The answer: paths between two entities.
#[derive(Debug, Clone)]
pub struct Paths<'g> {
    /// The entity the paths start at.
    pub from: &'g Entity,
    /// The entity the paths end at.
    pub to: &'g Entity,
    /// Shortest first, then by the ids along them; empty if none.
    pub paths: Vec<Path<'g>>,
}

/// A path: entities one after the other, and the hops between them.
#[derive(Debug, Clone)]
pub struct Path<'g> {
    /// The entities along the path, `from` first and `to` last.
    pub entities: Vec<&'g Entity>,
    /// `hops[i]` leads from `entities[i]` to `entities[i + 1]`.
    pub hops: Vec<Hop<'g>>,
}

impl Path<'_> {
    /// The number of hops.
    pub fn len(&self) -> usize {
        self.hops.len()
    }

    /// True for a path of no hops (from an entity to itself).
    pub fn is_empty(&self) -> bool {
        self.hops.is_empty()
    }
}

/// One step of a path, with every relation that makes it.
#[derive(Debug, Clone)]
pub struct Hop<'g> {
    /// The entity the hop leaves.
    pub from: &'g Entity,
    /// The entity the hop reaches.
    pub to: &'g Entity,
    /// Those pointing along the path first, then the others; each group
    /// by modality (actual first, as [`crate::Modality`] orders them), then
    /// by id.
    pub relations: Vec<Step<'g>>,
}

/// A relation taken in a hop.
#[derive(Debug, Clone, Copy)]
pub struct Step<'g> {
    /// The relation.
    pub relation: &'g Relation,
    /// True if the relation points from the hop's `from` to its `to`;
    /// false if the path walks it backwards.
    pub forward: bool,
}

/// Paths from the entity named `from` to the entity named `to` (ids,
/// labels or aliases, as [`resolve`] reads them).
///
/// A shortest path counts relations, reading them either way unless
/// `query.directed`; of several, the one with the smallest ids step by
/// step is given. With `query.all`, every simple path up to the length
/// limit, shortest first.
///
/// # Errors
/// An unknown or ambiguous name.
///
/// # Example
/// ```
/// # use kgraph::query::{PathQuery, paths};
/// # fn example(graph: &kgraph::KnowledgeGraph) -> Result<(), kgraph::query::QueryError> {
/// let found = paths(graph, "Ukraine", "NATO", &PathQuery::default())?;
/// if let Some(path) = found.paths.first() {
///     println!("{} relations apart", path.len());
/// }
/// # Ok(()) }
/// ```
pub fn paths<'g>(
    graph: &'g KnowledgeGraph,
    from: &str,
    to: &str,
    query: &PathQuery,
) -> Result<Paths<'g>, QueryError> {
    let from = resolve(graph, from)?;
    let to = resolve(graph, to)?;
    let found: Vec<Vec<&str>> = if query.all {
        let max_len = query.limit().unwrap_or(ALL_PATHS_MAX_LEN);
        graph.simple_paths(&from.id, &to.id, max_len, query.directed)
    } else {
        graph
            .shortest_path(&from.id, &to.id, query.directed)
            .filter(|path| query.max_len.is_none_or(|max| path.len() - 1 <= max))
            .into_iter()
            .collect()
    };
    let symmetric =
        |relation: &Relation| graph.dataset().schema.is_symmetric(&relation.relation_type);
    let paths = found
        .into_iter()
        .map(|ids| {
            let entities: Vec<&Entity> = ids
                .iter()
                .map(|id| graph.entity(id).expect("a path runs through entities"))
                .collect();
            let hops = entities
                .windows(2)
                .map(|pair| {
                    let (a, b) = (pair[0], pair[1]);
                    let mut relations: Vec<Step> = graph
                        .relations_of(&a.id)
                        .into_iter()
                        .filter_map(|relation| {
                            if relation.from == a.id && relation.to == b.id {
                                Some(Step {
                                    relation,
                                    forward: true,
                                })
                            } else if relation.from == b.id
                                && relation.to == a.id
                                && (!query.directed || symmetric(relation))
                            {
                                Some(Step {
                                    relation,
                                    forward: false,
                                })
                            } else {
                                None
                            }
                        })
                        .collect();
                    relations.sort_by(|x, y| {
                        y.forward
                            .cmp(&x.forward)
                            .then_with(|| x.relation.modality.cmp(&y.relation.modality))
                            .then_with(|| x.relation.id.cmp(&y.relation.id))
                    });
                    Hop {
                        from: a,
                        to: b,
                        relations,
                    }
                })
                .collect();
            Path { entities, hops }
        })
        .collect();
    Ok(Paths { from, to, paths })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{entity, graph, relation};
    use crate::model::Modality;

    /// a -x-> b <-y- c, a -z-> b, c -x-> d
    fn sample() -> KnowledgeGraph {
        graph(
            vec![entity("a"), entity("b"), entity("c"), entity("d")],
            vec![
                relation("a", "x", "b", Modality::Actual),
                relation("a", "z", "b", Modality::Hypothetical),
                relation("c", "y", "b", Modality::Actual),
                relation("c", "x", "d", Modality::Actual),
            ],
        )
    }

    fn describe(path: &Path) -> Vec<String> {
        path.hops
            .iter()
            .flat_map(|hop| {
                hop.relations.iter().map(|step| {
                    format!(
                        "{}{}",
                        if step.forward { "+" } else { "-" },
                        step.relation.id
                    )
                })
            })
            .collect()
    }

    #[test]
    fn a_shortest_path_lists_every_relation_of_each_hop() {
        let graph = sample();
        let found = paths(&graph, "a", "D", &PathQuery::default()).unwrap();
        assert_eq!(found.to.id, "d");
        assert_eq!(found.paths.len(), 1);
        assert_eq!(
            describe(&found.paths[0]),
            ["+a.x.b", "+a.z.b", "-c.y.b", "+c.x.d"]
        );
        let too_short = PathQuery {
            max_len: Some(2),
            ..PathQuery::default()
        };
        assert!(
            paths(&graph, "a", "d", &too_short)
                .unwrap()
                .paths
                .is_empty()
        );
    }

    #[test]
    fn directed_paths_follow_relations_forward_only() {
        let graph = sample();
        let directed = PathQuery {
            directed: true,
            ..PathQuery::default()
        };
        assert!(paths(&graph, "a", "d", &directed).unwrap().paths.is_empty());
        let found = paths(&graph, "c", "b", &directed).unwrap();
        assert_eq!(describe(&found.paths[0]), ["+c.y.b"]);
    }

    #[test]
    fn all_paths_come_shortest_first() {
        let graph = sample();
        let all = PathQuery {
            all: true,
            ..PathQuery::default()
        };
        let found = paths(&graph, "b", "d", &all).unwrap();
        let lengths: Vec<usize> = found.paths.iter().map(Path::len).collect();
        assert_eq!(lengths, [2]);
        let same = paths(&graph, "b", "b", &all).unwrap();
        assert_eq!(same.paths.len(), 1);
        assert!(same.paths[0].is_empty());
    }
}
