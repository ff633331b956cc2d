//! The entities around one entity, level by level, with the relations
//! that lead to them: `kg query neighbors`, and the walk behind every
//! focused [`Selection`].

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::KnowledgeGraph;
use crate::model::{Entity, Relation};

use super::QueryError;
use super::filter::Filter;
use super::focus::{Direction, Focus};
use super::resolve::resolve;

/// An entity and what lies within some distance of it.
#[derive(Debug, Clone)]
pub struct Neighborhood<'g> {
    /// The entity asked about.
    pub center: &'g Entity,
    /// How many relations away the search went.
    pub depth: usize,
    /// Which relations it followed.
    pub direction: Direction,
    /// By distance, then by id; the center is not among them.
    pub neighbors: Vec<Neighbor<'g>>,
}

/// An entity reached from the center.
#[derive(Debug, Clone)]
pub struct Neighbor<'g> {
    /// The entity reached.
    pub entity: &'g Entity,
    /// How many relations away it is (1 for a direct neighbor).
    pub distance: usize,
    /// The relations that reach it from entities one step closer to the
    /// center, by id.
    pub via: Vec<&'g Relation>,
}

/// Entities within `focus.depth` relations of `focus.entity`, following
/// relations in `focus.direction` (symmetric relation types both ways)
/// that `filter` admits, through entities it admits. The `focus` field of
/// `filter` is ignored.
///
/// # Errors
/// An unknown or ambiguous focus name. Filter names are not checked or
/// resolved here: pass a [`Selection::resolved`](super::Selection::resolved).
///
/// # Example
/// ```
/// # use kgraph::query::{Direction, Focus, Selection, neighbors};
/// # fn example(graph: &kgraph::KnowledgeGraph) -> Result<(), kgraph::query::QueryError> {
/// let focus = Focus { entity: "Moscow".into(), depth: 2, direction: Direction::Both };
/// for neighbor in neighbors(graph, &focus, &Selection::default())?.neighbors {
///     println!("{} at {}", neighbor.entity.id, neighbor.distance);
/// }
/// # Ok(()) }
/// ```
///
/// Complexity: O(|V| + |E|) with the relations of each entity in hand.
pub fn neighbors<'g>(
    graph: &'g KnowledgeGraph,
    focus: &Focus,
    filter: &dyn Filter,
) -> Result<Neighborhood<'g>, QueryError> {
    let center = resolve(graph, &focus.entity)?;
    let symmetric = graph.dataset().schema.symmetric_types();
    let follows_out = focus.direction != Direction::In;
    let follows_in = focus.direction != Direction::Out;

    let mut seen: BTreeSet<&str> = BTreeSet::from([center.id.as_str()]);
    let mut frontier: Vec<&str> = vec![center.id.as_str()];
    let mut found = Vec::new();
    for distance in 1..=focus.depth {
        let mut next: BTreeMap<&str, Vec<&Relation>> = BTreeMap::new();
        for &id in &frontier {
            for relation in graph.relations_of(id) {
                if !filter.admits_relation(relation) {
                    continue;
                }
                let both_ways = symmetric.contains(relation.relation_type.as_str());
                let other = if relation.from == id && (follows_out || both_ways) {
                    relation.to.as_str()
                } else if relation.to == id && (follows_in || both_ways) {
                    relation.from.as_str()
                } else {
                    continue;
                };
                if seen.contains(other) {
                    continue;
                }
                match graph.entity(other) {
                    Some(entity) if filter.admits_entity(entity) => {
                        next.entry(other).or_default().push(relation);
                    }
                    _ => {}
                }
            }
        }
        if next.is_empty() {
            break;
        }
        frontier = next.keys().copied().collect();
        for (id, mut via) in next {
            seen.insert(id);
            via.sort_by(|a, b| a.id.cmp(&b.id));
            via.dedup_by(|a, b| a.id == b.id);
            found.push(Neighbor {
                entity: graph.entity(id).expect("a reached entity"),
                distance,
                via,
            });
        }
    }
    Ok(Neighborhood {
        center,
        depth: focus.depth,
        direction: focus.direction,
        neighbors: found,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{entity, graph, relation};
    use crate::model::{Modality, RelationType};
    use crate::query::Selection;

    /// hub <-x- a, hub -x-> b, b -y-> c, c -peer- d (symmetric), a -x-> a
    fn sample() -> KnowledgeGraph {
        let mut dataset = graph(
            vec![
                entity("a"),
                entity("b"),
                entity("c"),
                entity("d"),
                entity("hub"),
            ],
            vec![
                relation("a", "x", "hub", Modality::Actual),
                relation("hub", "x", "b", Modality::Proposed),
                relation("b", "y", "c", Modality::Actual),
                relation("c", "peer", "d", Modality::Actual),
                relation("a", "x", "a", Modality::Actual),
            ],
        )
        .dataset()
        .clone();
        dataset.schema.relation_types = vec![RelationType {
            name: "peer".into(),
            label: None,
            definition: String::new(),
            domain: Vec::new(),
            range: Vec::new(),
            symmetric: true,
            dot: Default::default(),
            origin: crate::diagnostic::Origin::new(0, 0..0),
        }];
        KnowledgeGraph::new(dataset)
    }

    fn listed(graph: &KnowledgeGraph, focus: Focus, filter: &Selection) -> Vec<(usize, String)> {
        neighbors(graph, &focus, filter)
            .unwrap()
            .neighbors
            .into_iter()
            .map(|n| (n.distance, n.entity.id.clone()))
            .collect()
    }

    fn focus(entity: &str, depth: usize, direction: Direction) -> Focus {
        Focus {
            entity: entity.into(),
            depth,
            direction,
        }
    }

    #[test]
    fn walks_level_by_level_in_the_asked_direction() {
        let graph = sample();
        let all = Selection::default();
        let pairs = |list: &[(usize, &str)]| -> Vec<(usize, String)> {
            list.iter().map(|(d, id)| (*d, id.to_string())).collect()
        };
        assert_eq!(
            listed(&graph, focus("hub", 1, Direction::Both), &all),
            pairs(&[(1, "a"), (1, "b")])
        );
        assert_eq!(
            listed(&graph, focus("hub", 9, Direction::Out), &all),
            pairs(&[(1, "b"), (2, "c"), (3, "d")])
        );
        assert_eq!(
            listed(&graph, focus("hub", 9, Direction::In), &all),
            pairs(&[(1, "a")])
        );
        // A symmetric relation is followed against its direction.
        assert_eq!(
            listed(&graph, focus("d", 1, Direction::Out), &all),
            pairs(&[(1, "c")])
        );
        assert_eq!(
            listed(&graph, focus("hub", 0, Direction::Both), &all),
            vec![]
        );
    }

    #[test]
    fn filters_stop_the_walk_and_via_names_the_relations() {
        let graph = sample();
        let mut actual = Selection::default();
        actual.modalities.insert(Modality::Actual);
        assert_eq!(
            listed(&graph, focus("hub", 3, Direction::Both), &actual),
            vec![(1, "a".to_string())]
        );
        let neighborhood = neighbors(
            &graph,
            &focus("c", 2, Direction::Both),
            &Selection::default(),
        )
        .unwrap();
        let via: Vec<Vec<&str>> = neighborhood
            .neighbors
            .iter()
            .map(|n| n.via.iter().map(|r| r.id.as_str()).collect())
            .collect();
        assert_eq!(via, vec![vec!["b.y.c"], vec!["c.peer.d"], vec!["hub.x.b"]]);
    }
}
