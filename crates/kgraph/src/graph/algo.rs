//! Graph algorithms over a [`KnowledgeGraph`], answered in entity ids.
//!
//! Each algorithm runs on a *skeleton* of the graph: one node per entity
//! (node `i` is `entities()[i]`), one edge per linked pair of entities.
//! Parallel relations between the same two entities count once and
//! self-relations are left out, since neither changes who is connected to
//! whom. Paths, betweenness and components read the skeleton undirected
//! (or directed where asked); PageRank reads it directed.

use std::collections::BTreeSet;

use petgraph::EdgeType;
use petgraph::algo::{all_simple_paths, dijkstra};
use petgraph::graph::{DiGraph, Graph, NodeIndex, UnGraph};
use petgraph::visit::{EdgeRef, Reversed};
use rayon::prelude::*;

use super::KnowledgeGraph;

/// PageRank's usual damping factor: the chance of following a link rather
/// than jumping to a random entity.
pub const PAGE_RANK_DAMPING: f64 = 0.85;

/// PageRank stops when the ranks move less than this in total per entity,
/// or after [`PAGE_RANK_MAX_ITERATIONS`] (networkx's defaults).
const PAGE_RANK_TOLERANCE: f64 = 1.0e-6;
const PAGE_RANK_MAX_ITERATIONS: usize = 100;

/// Up to this many entities betweenness is exact: Brandes' algorithm from
/// every entity, O(|V||E|) (about a second at 5,000 entities and 25,000
/// links on two cores).
pub const BETWEENNESS_EXACT_LIMIT: usize = 5_000;
/// Beyond [`BETWEENNESS_EXACT_LIMIT`], betweenness is estimated from this
/// many pivots (networkx's `k`).
pub const BETWEENNESS_PIVOTS: usize = 1_000;
/// The seed of the pivot choice: fixed, so that estimates are repeatable.
pub const BETWEENNESS_SEED: u64 = 0x6b67_7261_7068;

/// Betweenness scores, and how they were computed.
#[derive(Debug, Clone, PartialEq)]
pub struct Betweenness {
    /// In the order of [`KnowledgeGraph::entities`].
    pub scores: Vec<f64>,
    /// `Some(k)` when estimated from `k` pivots; `None` when exact.
    pub pivots: Option<usize>,
}

/// Neighbour lists of a skeleton, in one flat array (compressed rows):
/// compact and fast to walk. Neighbours are in ascending order.
struct Adjacency {
    starts: Vec<usize>,
    /// Entity positions as `u32`: half the memory traffic of `usize` (four
    /// billion entities would not fit in memory as a dataset anyway).
    targets: Vec<u32>,
}

impl Adjacency {
    fn new(count: usize, edges: impl Iterator<Item = (usize, usize)>) -> Adjacency {
        let mut edges: Vec<(usize, usize)> = edges.collect();
        edges.sort_unstable();
        let mut starts = vec![0; count + 1];
        for &(from, _) in &edges {
            starts[from + 1] += 1;
        }
        for node in 0..count {
            starts[node + 1] += starts[node];
        }
        Adjacency {
            starts,
            targets: edges.into_iter().map(|(_, to)| to as u32).collect(),
        }
    }

    fn neighbors(&self, node: usize) -> &[u32] {
        &self.targets[self.starts[node]..self.starts[node + 1]]
    }
}

/// One entity's scratch state in a Brandes pass, kept together so that a
/// visit touches one cache line, not three arrays: at 100k entities the
/// passes are bound by memory access.
#[derive(Clone, Copy)]
struct Visit {
    /// Shortest paths from the source (σ).
    paths: f64,
    /// Dependency of the source on this entity (δ).
    dependency: f64,
    /// Distance from the source, -1 if not reached.
    distance: i32,
}

const UNVISITED: Visit = Visit {
    paths: 0.0,
    dependency: 0.0,
    distance: -1,
};

/// Brandes' dependency accumulation for unweighted graphs, with its
/// scratch space kept between sources.
struct Brandes {
    centrality: Vec<f64>,
    visits: Vec<Visit>,
    /// Entities in the order reached: the breadth-first queue too (the
    /// entities from `next` on are still to be expanded).
    order: Vec<u32>,
}

impl Brandes {
    fn new(count: usize) -> Brandes {
        Brandes {
            centrality: vec![0.0; count],
            visits: vec![UNVISITED; count],
            order: Vec::with_capacity(count),
        }
    }

    /// Adds every entity's dependency on the shortest paths from `source`.
    fn accumulate_from(&mut self, source: usize, adjacency: &Adjacency) {
        for &node in &self.order {
            self.visits[node as usize] = UNVISITED;
        }
        self.order.clear();
        self.visits[source] = Visit {
            paths: 1.0,
            dependency: 0.0,
            distance: 0,
        };
        self.order.push(source as u32);
        let mut next = 0;
        while let Some(&node) = self.order.get(next) {
            next += 1;
            let here = self.visits[node as usize];
            for &neighbor in adjacency.neighbors(node as usize) {
                let visit = &mut self.visits[neighbor as usize];
                if visit.distance < 0 {
                    visit.distance = here.distance + 1;
                    self.order.push(neighbor);
                }
                if visit.distance == here.distance + 1 {
                    visit.paths += here.paths;
                }
            }
        }
        for &node in self.order.iter().rev() {
            let here = self.visits[node as usize];
            for &previous in adjacency.neighbors(node as usize) {
                let visit = &mut self.visits[previous as usize];
                if visit.distance == here.distance - 1 {
                    visit.dependency += visit.paths / here.paths * (1.0 + here.dependency);
                }
            }
            if node as usize != source {
                self.centrality[node as usize] += here.dependency;
            }
        }
    }
}

/// Where an entity falls in the pivot order: FNV-1a of its id, mixed with
/// the seed (SplitMix64's finalizer), the same on every platform.
fn pivot_key(id: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ BETWEENNESS_SEED;
    for byte in id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

impl KnowledgeGraph {
    /// Linked pairs of entity positions, without self-relations; `(a, b)`
    /// with `a < b` when undirected. Sorted, so skeletons are built in one
    /// order whatever the input order.
    /// A symmetric relation links both ways, also when `directed`.
    fn linked_pairs(&self, directed: bool) -> BTreeSet<(usize, usize)> {
        let symmetric = self.dataset.schema.symmetric_types();
        let mut pairs = BTreeSet::new();
        for edge in self.graph.edge_references() {
            let (from, to) = (edge.source().index(), edge.target().index());
            if from == to {
                continue;
            }
            if !directed {
                pairs.insert((from.min(to), from.max(to)));
                continue;
            }
            pairs.insert((from, to));
            let relation = &self.dataset.relations[*edge.weight()];
            if symmetric.contains(relation.relation_type.as_str()) {
                pairs.insert((to, from));
            }
        }
        pairs
    }

    fn directed_skeleton(&self) -> DiGraph<(), ()> {
        self.skeleton(true)
    }

    fn undirected_skeleton(&self) -> UnGraph<(), ()> {
        self.skeleton(false)
    }

    /// The linked pairs as a plain graph with the same node indices.
    fn skeleton<Ty: EdgeType>(&self, directed: bool) -> Graph<(), (), Ty> {
        let mut skeleton = Graph::with_capacity(self.graph.node_count(), 0);
        for _ in self.graph.node_indices() {
            skeleton.add_node(());
        }
        for (from, to) in self.linked_pairs(directed) {
            skeleton.add_edge(NodeIndex::new(from), NodeIndex::new(to), ());
        }
        skeleton
    }

    fn id_at(&self, position: usize) -> &str {
        &self.dataset.entities[position].id
    }

    /// Number of distinct ordered pairs `(from, to)` of different entities
    /// joined by at least one relation (a symmetric one joins both ways):
    /// the numerator of the density.
    pub fn linked_pair_count(&self) -> usize {
        self.linked_pairs(true).len()
    }

    /// A shortest path from `from` to `to`, as entity ids from `from` to
    /// `to` inclusive; relations are followed either way unless `directed`.
    ///
    /// Of several shortest paths, the one whose ids are smallest step by
    /// step is returned, so the answer does not depend on input order.
    /// `None` if either id is unknown or no path exists.
    ///
    /// Complexity: O(|V| + |E|) (a unit-cost Dijkstra from `to`).
    pub fn shortest_path(&self, from: &str, to: &str, directed: bool) -> Option<Vec<&str>> {
        let (&start, &goal) = (self.node_of.get(from)?, self.node_of.get(to)?);
        if directed {
            let skeleton = self.directed_skeleton();
            // Distances *to* the goal: a search from it on reversed links.
            let to_goal = dijkstra(Reversed(&skeleton), goal, None, |_| 1usize);
            self.walk_down(
                start,
                goal,
                |node| to_goal.get(&node).copied(),
                |node| skeleton.neighbors(node),
            )
        } else {
            let skeleton = self.undirected_skeleton();
            let to_goal = dijkstra(&skeleton, goal, None, |_| 1usize);
            self.walk_down(
                start,
                goal,
                |node| to_goal.get(&node).copied(),
                |node| skeleton.neighbors(node),
            )
        }
    }

    /// Follows decreasing distances from `start` to `goal`, choosing the
    /// smallest id at each step.
    fn walk_down<I: Iterator<Item = NodeIndex>>(
        &self,
        start: NodeIndex,
        goal: NodeIndex,
        to_goal: impl Fn(NodeIndex) -> Option<usize>,
        neighbors: impl Fn(NodeIndex) -> I,
    ) -> Option<Vec<&str>> {
        let mut distance = to_goal(start)?;
        let mut node = start;
        let mut path = vec![self.id_at(node.index())];
        while node != goal {
            node = neighbors(node)
                .filter(|&next| to_goal(next) == Some(distance - 1))
                .min_by_key(|next| self.id_at(next.index()))?;
            distance -= 1;
            path.push(self.id_at(node.index()));
        }
        Some(path)
    }

    /// Every simple path (no entity twice) from `from` to `to` of at most
    /// `max_len` relations, as entity ids; relations are followed either
    /// way unless `directed`. Sorted by length, then by ids.
    ///
    /// The number of paths can grow exponentially with `max_len`.
    pub fn simple_paths(
        &self,
        from: &str,
        to: &str,
        max_len: usize,
        directed: bool,
    ) -> Vec<Vec<&str>> {
        let (Some(&start), Some(&goal)) = (self.node_of.get(from), self.node_of.get(to)) else {
            return Vec::new();
        };
        if start == goal || max_len == 0 {
            return if start == goal {
                vec![vec![self.id_at(start.index())]]
            } else {
                Vec::new()
            };
        }
        let intermediate = Some(max_len - 1);
        let found: Vec<Vec<NodeIndex>> = if directed {
            let skeleton = self.directed_skeleton();
            all_simple_paths::<Vec<_>, _, std::hash::RandomState>(
                &skeleton,
                start,
                goal,
                0,
                intermediate,
            )
            .collect()
        } else {
            let skeleton = self.undirected_skeleton();
            all_simple_paths::<Vec<_>, _, std::hash::RandomState>(
                &skeleton,
                start,
                goal,
                0,
                intermediate,
            )
            .collect()
        };
        let mut paths: Vec<Vec<&str>> = found
            .into_iter()
            .map(|path| path.iter().map(|node| self.id_at(node.index())).collect())
            .collect();
        paths.sort_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        paths
    }

    /// PageRank of every entity, in the order of [`KnowledgeGraph::entities`];
    /// the ranks sum to 1. Relations are links from `from` to `to`; an
    /// entity without outgoing links shares its rank with every entity.
    ///
    /// The same definition and stopping rule as networkx's `pagerank`
    /// (damping 0.85, tolerance 1e-6 per entity, at most 100 iterations),
    /// on the skeleton. Not petgraph's `page_rank`: in petgraph 0.8 it
    /// leaves out the random jump from entities that link to the one being
    /// ranked (petgraph issue #960), and takes O(|V|²|E|) per iteration.
    ///
    /// Each entity's new rank is pulled from the entities linking to it,
    /// on all cores; each sum runs in one fixed order, so the result is the
    /// same on every run and machine.
    ///
    /// Complexity: O(|V| + |E|) per iteration.
    pub fn page_rank(&self) -> Vec<f64> {
        let count = self.graph.node_count();
        if count == 0 {
            return Vec::new();
        }
        let pairs = self.linked_pairs(true);
        let mut out_degree = vec![0usize; count];
        for &(from, _) in &pairs {
            out_degree[from] += 1;
        }
        let incoming = Adjacency::new(count, pairs.iter().map(|&(from, to)| (to, from)));
        let uniform = 1.0 / count as f64;
        let mut ranks = vec![uniform; count];
        for _ in 0..PAGE_RANK_MAX_ITERATIONS {
            let dangling: f64 = (0..count)
                .filter(|&node| out_degree[node] == 0)
                .map(|node| ranks[node])
                .sum();
            let base = (PAGE_RANK_DAMPING * dangling + (1.0 - PAGE_RANK_DAMPING)) * uniform;
            let next: Vec<f64> = (0..count)
                .into_par_iter()
                .map(|to| {
                    base + incoming
                        .neighbors(to)
                        .iter()
                        .map(|&from| {
                            let from = from as usize;
                            PAGE_RANK_DAMPING * ranks[from] / out_degree[from] as f64
                        })
                        .sum::<f64>()
                })
                .collect();
            let change: f64 = next.iter().zip(&ranks).map(|(a, b)| (a - b).abs()).sum();
            ranks = next;
            if change < count as f64 * PAGE_RANK_TOLERANCE {
                break;
            }
        }
        ranks
    }

    /// Betweenness centrality of every entity, in the order of
    /// [`KnowledgeGraph::entities`]: the share of shortest paths between
    /// other entities that pass through it, relations read undirected,
    /// normalized to 0..=1 (networkx's `betweenness_centrality` on the
    /// undirected skeleton).
    ///
    /// Exact (Brandes' algorithm from every entity) up to
    /// [`BETWEENNESS_EXACT_LIMIT`] entities. Beyond, estimated from
    /// [`BETWEENNESS_PIVOTS`] pivot entities, chosen by a hash of their ids
    /// with a fixed seed and scaled as networkx scales its `k` sample: the
    /// same graph always gives the same estimate. The pivots are shared
    /// out over all cores in fixed chunks whose sums are added in order,
    /// so the result does not depend on the number of cores.
    ///
    /// Complexity: O(k|E|) for k pivots (k = |V| when exact).
    pub fn betweenness(&self) -> Betweenness {
        let count = self.graph.node_count();
        let adjacency = Adjacency::new(
            count,
            self.linked_pairs(false)
                .into_iter()
                .flat_map(|(a, b)| [(a, b), (b, a)]),
        );
        let (pivots, sampled) = if count <= BETWEENNESS_EXACT_LIMIT {
            ((0..count).collect::<Vec<_>>(), None)
        } else {
            let mut keyed: Vec<(u64, usize)> = (0..count)
                .map(|node| (pivot_key(self.id_at(node)), node))
                .collect();
            keyed.select_nth_unstable(BETWEENNESS_PIVOTS - 1);
            let mut pivots: Vec<usize> = keyed[..BETWEENNESS_PIVOTS]
                .iter()
                .map(|&(_, node)| node)
                .collect();
            pivots.sort_unstable();
            (pivots, Some(BETWEENNESS_PIVOTS))
        };
        const CHUNK: usize = 32;
        let partials: Vec<Vec<f64>> = pivots
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut brandes = Brandes::new(count);
                for &source in chunk {
                    brandes.accumulate_from(source, &adjacency);
                }
                brandes.centrality
            })
            .collect();
        let mut scores = vec![0.0; count];
        for partial in partials {
            for (score, add) in scores.iter_mut().zip(partial) {
                *score += add;
            }
        }
        let scale = if count > 2 {
            let normal = 1.0 / ((count - 1) * (count - 2)) as f64;
            match sampled {
                Some(k) => normal * count as f64 / k as f64,
                None => normal,
            }
        } else {
            0.0
        };
        for score in &mut scores {
            *score *= scale;
        }
        Betweenness {
            scores,
            pivots: sampled,
        }
    }

    /// The connected components, relations read undirected: each a list of
    /// ids in order, the largest component first (ties by first id).
    pub fn components(&self) -> Vec<Vec<&str>> {
        let skeleton = self.undirected_skeleton();
        let mut components: Vec<Vec<&str>> =
            rustworkx_core::connectivity::connected_components(&skeleton)
                .into_iter()
                .map(|component| {
                    let mut ids: Vec<&str> = component
                        .into_iter()
                        .map(|node| self.id_at(node.index()))
                        .collect();
                    ids.sort_unstable();
                    ids
                })
                .collect();
        components.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        components
    }
}

#[cfg(test)]
mod tests {
    use crate::graph::tests::graph_of;

    #[test]
    fn shortest_path_ignores_direction_unless_asked_and_breaks_ties_by_id() {
        // a -> b -> d, a -> c -> d, e -> a
        let graph = graph_of(
            &["a", "b", "c", "d", "e"],
            &[("a", "b"), ("b", "d"), ("a", "c"), ("c", "d"), ("e", "a")],
        );
        assert_eq!(
            graph.shortest_path("a", "d", false),
            Some(vec!["a", "b", "d"])
        );
        assert_eq!(
            graph.shortest_path("d", "e", false),
            Some(vec!["d", "b", "a", "e"])
        );
        assert_eq!(graph.shortest_path("d", "e", true), None);
        assert_eq!(
            graph.shortest_path("e", "d", true),
            Some(vec!["e", "a", "b", "d"])
        );
        assert_eq!(graph.shortest_path("a", "a", false), Some(vec!["a"]));
        assert_eq!(graph.shortest_path("a", "nowhere", false), None);
    }

    #[test]
    fn simple_paths_are_bounded_and_sorted() {
        let graph = graph_of(
            &["a", "b", "c", "d"],
            &[("a", "b"), ("b", "d"), ("a", "c"), ("c", "d"), ("a", "d")],
        );
        assert_eq!(
            graph.simple_paths("a", "d", 2, false),
            vec![vec!["a", "d"], vec!["a", "b", "d"], vec!["a", "c", "d"]]
        );
        assert_eq!(graph.simple_paths("a", "d", 1, false), vec![vec!["a", "d"]]);
        assert_eq!(
            graph.simple_paths("d", "a", 3, true),
            Vec::<Vec<&str>>::new()
        );
        // d - b - a - c - d is not simple; b - a - c - d and b - d - ... are.
        assert_eq!(
            graph.simple_paths("b", "c", 3, false),
            vec![
                vec!["b", "a", "c"],
                vec!["b", "d", "c"],
                vec!["b", "a", "d", "c"],
                vec!["b", "d", "a", "c"]
            ]
        );
    }

    #[test]
    fn page_rank_matches_networkx_on_a_small_graph() {
        // networkx 3.6.1: nx.pagerank(nx.DiGraph([(a,b),(d,b),(d,a),(c,b),(c,a)]))
        let graph = graph_of(
            &["a", "b", "c", "d"],
            &[("a", "b"), ("d", "b"), ("d", "a"), ("c", "b"), ("c", "a")],
        );
        let ranks: Vec<f64> = graph
            .page_rank()
            .iter()
            .map(|r| (r * 1e4).round() / 1e4)
            .collect();
        assert_eq!(ranks, vec![0.2544, 0.4706, 0.1375, 0.1375]);
        assert!((graph.page_rank().iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn betweenness_of_a_star_is_one_at_the_centre() {
        let graph = graph_of(
            &["a", "b", "c", "hub"],
            &[("a", "hub"), ("hub", "b"), ("c", "hub"), ("c", "hub")],
        );
        assert_eq!(graph.betweenness().scores, vec![0.0, 0.0, 0.0, 1.0]);
        assert_eq!(graph.betweenness().pivots, None);
    }

    #[test]
    fn components_come_largest_first() {
        let graph = graph_of(
            &["a", "b", "c", "d", "e"],
            &[("e", "d"), ("c", "a"), ("a", "b"), ("b", "b")],
        );
        assert_eq!(
            graph.components(),
            vec![vec!["a", "b", "c"], vec!["d", "e"]]
        );
        assert_eq!(graph.linked_pair_count(), 3);
    }

    /// A graph of `count` entities with pseudo-random links (a fixed LCG).
    fn tangle(count: usize, links: usize) -> crate::graph::KnowledgeGraph {
        let ids: Vec<String> = (0..count).map(|i| format!("e{i:05}")).collect();
        let mut state: u64 = 7;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % count
        };
        let pairs: Vec<(String, String)> = (0..links)
            .map(|_| (ids[next()].clone(), ids[next()].clone()))
            .collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let pair_refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        graph_of(&id_refs, &pair_refs)
    }

    #[test]
    fn exact_betweenness_agrees_with_rustworkx() {
        let graph = tangle(300, 700);
        let ours = graph.betweenness();
        assert_eq!(ours.pivots, None);
        let skeleton = graph.undirected_skeleton();
        let theirs = rustworkx_core::centrality::betweenness_centrality(&skeleton, false, true, 1);
        for (a, b) in ours.scores.iter().zip(theirs) {
            assert!((a - b.unwrap_or(0.0)).abs() < 1e-12, "{a} vs {b:?}");
        }
    }

    #[test]
    fn sampled_betweenness_is_repeatable_and_near_the_exact_one() {
        let count = super::BETWEENNESS_EXACT_LIMIT + 1_000;
        let graph = tangle(count, count * 3);
        let sampled = graph.betweenness();
        assert_eq!(sampled.pivots, Some(super::BETWEENNESS_PIVOTS));
        assert_eq!(graph.betweenness(), sampled);
        let skeleton = graph.undirected_skeleton();
        let exact = rustworkx_core::centrality::betweenness_centrality(&skeleton, false, true, 1);
        let top_exact = exact
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.partial_cmp(b.1).unwrap())
            .unwrap();
        let estimate = sampled.scores[top_exact.0];
        let truth = top_exact.1.unwrap();
        assert!(
            (estimate - truth).abs() < truth * 0.25,
            "{estimate} vs {truth}"
        );
    }
}
