//! What a graph holds, in numbers: `kg stats`, and the README's table.

use std::collections::BTreeMap;

use crate::graph::KnowledgeGraph;
use crate::model::{Entity, Modality, Source};

/// Scores are rounded to this many decimals, so that output is the same
/// on every machine and ties are ties.
pub const DECIMALS: i32 = 4;

/// `value` rounded to [`DECIMALS`] decimals (never `-0`).
pub fn round(value: f64) -> f64 {
    let scale = 10f64.powi(DECIMALS);
    (value * scale).round() / scale + 0.0
}

/// How many entities have a kind, or relations a type or modality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub name: String,
    pub count: usize,
}

/// How much of the graph rests on one source.
#[derive(Debug, Clone)]
pub struct SourceCount<'g> {
    pub source: &'g Source,
    /// Relations with at least one quote from the source.
    pub relations: usize,
    /// Quotes from the source.
    pub quotes: usize,
}

/// An entity with a score; lists of them are ranked highest first, ties
/// by id.
#[derive(Debug, Clone)]
pub struct Ranked<'g, T> {
    pub entity: &'g Entity,
    pub value: T,
}

/// Counts and centralities of a graph.
#[derive(Debug, Clone)]
pub struct Stats<'g> {
    pub entity_count: usize,
    pub relation_count: usize,
    pub source_count: usize,
    pub quote_count: usize,
    /// Every kind of the schema, most entities first, ties by name.
    pub by_kind: Vec<Count>,
    /// Every relation type of the schema, most relations first.
    pub by_relation_type: Vec<Count>,
    /// Every modality, most relations first.
    pub by_modality: Vec<Count>,
    /// Every source, most relations first, ties by id.
    pub by_source: Vec<SourceCount<'g>>,
    /// Every entity by number of relations (a self-relation counts twice).
    pub degree: Vec<Ranked<'g, usize>>,
    /// Every entity by PageRank ([`KnowledgeGraph::page_rank`]), rounded.
    pub page_rank: Vec<Ranked<'g, f64>>,
    /// Every entity by betweenness ([`KnowledgeGraph::betweenness`]),
    /// rounded.
    pub betweenness: Vec<Ranked<'g, f64>>,
    /// `Some(k)` when betweenness was estimated from `k` pivots (graphs
    /// over [`crate::graph::BETWEENNESS_EXACT_LIMIT`] entities).
    pub betweenness_pivots: Option<usize>,
    /// Connected components, largest first ([`KnowledgeGraph::components`]).
    pub components: Vec<Vec<&'g str>>,
    /// Distinct ordered pairs of entities joined by a relation.
    pub linked_pairs: usize,
    /// `linked_pairs` over the `n(n-1)` possible ones, rounded; 0 for fewer
    /// than two entities.
    pub density: f64,
}

/// Counts by kind, relation type, modality and source; entities ranked by
/// degree, PageRank and betweenness; components and density.
///
/// Complexity: O(k|E|) for betweenness from k pivots (k = |V| up to
/// [`crate::graph::BETWEENNESS_EXACT_LIMIT`] entities); PageRank,
/// betweenness and components run at the same time, on all cores.
pub fn stats(graph: &KnowledgeGraph) -> Stats<'_> {
    let dataset = graph.dataset();
    let entities = graph.entities();
    let relations = graph.relations();

    let by_kind = counts(
        dataset.schema.kinds.iter().map(|kind| kind.name.as_str()),
        entities.iter().map(|entity| entity.kind.as_str()),
    );
    let by_relation_type = counts(
        dataset
            .schema
            .relation_types
            .iter()
            .map(|ty| ty.name.as_str()),
        relations
            .iter()
            .map(|relation| relation.relation_type.as_str()),
    );
    let by_modality = counts(
        Modality::ALL.iter().map(|modality| modality.as_str()),
        relations.iter().map(|relation| relation.modality.as_str()),
    );
    // One pass over the evidence, not one per source.
    let mut per_source: std::collections::HashMap<&str, (usize, usize)> =
        std::collections::HashMap::with_capacity(dataset.sources.len());
    for relation in relations {
        let mut seen: Vec<&str> = Vec::new();
        for evidence in &relation.evidence {
            let counts = per_source.entry(evidence.source.as_str()).or_default();
            counts.1 += 1;
            if !seen.contains(&evidence.source.as_str()) {
                seen.push(&evidence.source);
                counts.0 += 1;
            }
        }
    }
    let mut by_source: Vec<SourceCount> = dataset
        .sources
        .iter()
        .map(|source| {
            let (relations, quotes) = per_source
                .get(source.id.as_str())
                .copied()
                .unwrap_or_default();
            SourceCount {
                source,
                relations,
                quotes,
            }
        })
        .collect();
    by_source.sort_by(|a, b| {
        b.relations
            .cmp(&a.relations)
            .then_with(|| a.source.id.cmp(&b.source.id))
    });

    let mut degree: Vec<Ranked<usize>> = entities
        .iter()
        .map(|entity| Ranked {
            entity,
            value: graph.degree(&entity.id),
        })
        .collect();
    degree.sort_by(|a, b| {
        b.value
            .cmp(&a.value)
            .then_with(|| a.entity.id.cmp(&b.entity.id))
    });

    let (page_rank, (betweenness, components)) = rayon::join(
        || graph.page_rank(),
        || rayon::join(|| graph.betweenness(), || graph.components()),
    );
    let entity_count = entities.len();
    let linked_pairs = graph.linked_pair_count();
    let possible = entity_count * entity_count.saturating_sub(1);
    Stats {
        entity_count,
        relation_count: relations.len(),
        source_count: dataset.sources.len(),
        quote_count: relations.iter().map(|r| r.evidence.len()).sum(),
        by_kind,
        by_relation_type,
        by_modality,
        by_source,
        degree,
        page_rank: ranked(entities, page_rank),
        betweenness: ranked(entities, betweenness.scores),
        betweenness_pivots: betweenness.pivots,
        components,
        linked_pairs,
        density: if possible == 0 {
            0.0
        } else {
            round(linked_pairs as f64 / possible as f64)
        },
    }
}

/// How often each name occurs, every one of `names` listed (zeros too),
/// most first, ties by name.
fn counts<'a>(
    names: impl Iterator<Item = &'a str>,
    occurrences: impl Iterator<Item = &'a str>,
) -> Vec<Count> {
    let mut tally: BTreeMap<&str, usize> = names.map(|name| (name, 0)).collect();
    for name in occurrences {
        *tally.entry(name).or_default() += 1;
    }
    let mut counts: Vec<Count> = tally
        .into_iter()
        .map(|(name, count)| Count {
            name: name.to_owned(),
            count,
        })
        .collect();
    // Stable: ties stay in name order.
    counts.sort_by_key(|count| std::cmp::Reverse(count.count));
    counts
}

/// Entities with rounded scores, highest first, ties by id.
fn ranked(entities: &[Entity], scores: Vec<f64>) -> Vec<Ranked<'_, f64>> {
    let mut ranked: Vec<Ranked<f64>> = entities
        .iter()
        .zip(scores)
        .map(|(entity, score)| Ranked {
            entity,
            value: round(score),
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.entity.id.cmp(&b.entity.id))
    });
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::graph_of;

    #[test]
    fn rounding_is_fixed_and_never_negative_zero() {
        assert_eq!(round(0.123_456), 0.1235);
        assert_eq!(round(-0.000_01).to_string(), "0");
        assert_eq!(round(2.0 / 3.0), 0.6667);
    }

    #[test]
    fn a_star_ranks_its_centre_first_on_every_measure() {
        // Spokes point at the hub; ties among them are broken by id.
        let graph = graph_of(
            &["c", "hub", "a", "b"],
            &[("a", "hub"), ("b", "hub"), ("c", "hub")],
        );
        let stats = stats(&graph);
        assert_eq!(
            stats
                .degree
                .iter()
                .map(|r| r.entity.id.as_str())
                .collect::<Vec<_>>(),
            ["hub", "a", "b", "c"]
        );
        assert_eq!(stats.degree[0].value, 3);
        assert_eq!(stats.page_rank[0].entity.id, "hub");
        assert_eq!(stats.betweenness[0].entity.id, "hub");
        assert_eq!(stats.betweenness[0].value, 1.0);
        assert_eq!(stats.betweenness[1].value, 0.0);
        assert_eq!(stats.linked_pairs, 3);
        assert_eq!(stats.density, 0.25);
        assert_eq!(stats.components, vec![vec!["a", "b", "c", "hub"]]);
        assert_eq!(
            stats.by_modality[0],
            Count {
                name: "actual".into(),
                count: 3
            }
        );
        assert_eq!(stats.by_modality[1].name, "historical");
    }

    #[test]
    fn an_empty_or_single_entity_graph_has_zero_density_and_no_nan() {
        let nothing = graph_of(&[], &[]);
        let empty = stats(&nothing);
        assert_eq!((empty.entity_count, empty.density), (0, 0.0));
        assert!(empty.page_rank.is_empty() && empty.components.is_empty());
        let loop_graph = graph_of(&["a"], &[("a", "a")]);
        let single = stats(&loop_graph);
        assert_eq!(single.density, 0.0);
        assert_eq!(single.page_rank[0].value, 1.0);
        assert_eq!(single.betweenness[0].value, 0.0);
        assert_eq!(single.degree[0].value, 2);
    }
}
