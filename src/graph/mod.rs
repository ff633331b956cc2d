//! The knowledge graph: a petgraph directed multigraph over a validated
//! dataset. Petgraph's indices stay in here; everything outside speaks in
//! entity and relation ids.

use std::collections::{BTreeSet, HashMap};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::{Dataset, Entity, Relation};

/// A dataset with its graph. Node weights index `dataset.entities`, edge
/// weights index `dataset.relations`; parallel relations are kept.
#[derive(Debug, Clone)]
pub struct KnowledgeGraph {
    dataset: Dataset,
    graph: DiGraph<usize, usize>,
    node_of: HashMap<String, NodeIndex>,
}

impl KnowledgeGraph {
    /// Builds the graph. The dataset must be valid: every relation endpoint
    /// names an entity (as [`crate::load`] guarantees).
    pub fn new(dataset: Dataset) -> KnowledgeGraph {
        let mut graph = DiGraph::with_capacity(dataset.entities.len(), dataset.relations.len());
        let mut node_of = HashMap::with_capacity(dataset.entities.len());
        for (index, entity) in dataset.entities.iter().enumerate() {
            node_of.insert(entity.id.clone(), graph.add_node(index));
        }
        for (index, relation) in dataset.relations.iter().enumerate() {
            if let (Some(&from), Some(&to)) =
                (node_of.get(&relation.from), node_of.get(&relation.to))
            {
                graph.add_edge(from, to, index);
            }
        }
        KnowledgeGraph {
            dataset,
            graph,
            node_of,
        }
    }

    pub fn dataset(&self) -> &Dataset {
        &self.dataset
    }

    /// Entities, sorted by id.
    pub fn entities(&self) -> &[Entity] {
        &self.dataset.entities
    }

    /// Relations, sorted by id.
    pub fn relations(&self) -> &[Relation] {
        &self.dataset.relations
    }

    pub fn entity(&self, id: &str) -> Option<&Entity> {
        self.node_of
            .get(id)
            .map(|&node| &self.dataset.entities[self.graph[node]])
    }

    /// Relations that start or end at `id`, in id order.
    pub fn relations_of(&self, id: &str) -> Vec<&Relation> {
        let Some(&node) = self.node_of.get(id) else {
            return Vec::new();
        };
        let mut indices: Vec<usize> = self
            .graph
            .edges_directed(node, petgraph::Direction::Outgoing)
            .chain(
                self.graph
                    .edges_directed(node, petgraph::Direction::Incoming),
            )
            .map(|edge| *edge.weight())
            .collect();
        indices.sort_unstable();
        indices.dedup();
        indices
            .into_iter()
            .map(|i| &self.dataset.relations[i])
            .collect()
    }

    /// Number of relations touching `id`, a self-loop counted twice.
    pub fn degree(&self, id: &str) -> usize {
        self.node_of.get(id).map_or(0, |&node| {
            self.graph
                .edges_directed(node, petgraph::Direction::Outgoing)
                .count()
                + self
                    .graph
                    .edges_directed(node, petgraph::Direction::Incoming)
                    .count()
        })
    }

    /// The graph restricted to the given entities and the given relations
    /// whose both endpoints are kept. Sources and schema are kept whole.
    pub fn subgraph(
        &self,
        entities: &BTreeSet<&str>,
        relations: &BTreeSet<&str>,
    ) -> KnowledgeGraph {
        let dataset = Dataset {
            schema: self.dataset.schema.clone(),
            sources: self.dataset.sources.clone(),
            entities: self
                .dataset
                .entities
                .iter()
                .filter(|entity| entities.contains(entity.id.as_str()))
                .cloned()
                .collect(),
            relations: self
                .dataset
                .relations
                .iter()
                .filter(|relation| {
                    relations.contains(relation.id.as_str())
                        && entities.contains(relation.from.as_str())
                        && entities.contains(relation.to.as_str())
                })
                .cloned()
                .collect(),
            reviewed: self.dataset.reviewed.clone(),
        };
        KnowledgeGraph::new(dataset)
    }
}
