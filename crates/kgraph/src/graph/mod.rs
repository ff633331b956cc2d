//! The knowledge graph: a petgraph directed multigraph over a validated
//! dataset. Petgraph's indices stay in here; everything outside speaks in
//! entity and relation ids.

mod algo;

pub use algo::{BETWEENNESS_EXACT_LIMIT, BETWEENNESS_PIVOTS, BETWEENNESS_SEED, PAGE_RANK_DAMPING};

use std::collections::BTreeSet;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::model::{Dataset, Entity, Relation};

/// Entity ids come from untrusted files, so the hash is seeded per map,
/// as std's is; foldhash's costs a fraction of SipHash's on the million
/// lookups of a large graph's relation ends.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

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
    /// names an entity (as [`crate::load()`] guarantees).
    pub fn new(dataset: Dataset) -> KnowledgeGraph {
        let mut graph = DiGraph::with_capacity(dataset.entities.len(), dataset.relations.len());
        let mut node_of =
            HashMap::with_capacity_and_hasher(dataset.entities.len(), Default::default());
        for (index, entity) in dataset.entities.iter().enumerate() {
            node_of.insert(entity.id.clone(), graph.add_node(index));
        }
        // The lookups, most of the work, on all cores; the edges in order.
        let ends: Vec<Option<(NodeIndex, NodeIndex)>> = {
            use rayon::prelude::*;
            dataset
                .relations
                .par_iter()
                .map(|relation| Some((*node_of.get(&relation.from)?, *node_of.get(&relation.to)?)))
                .collect()
        };
        for (index, ends) in ends.into_iter().enumerate() {
            if let Some((from, to)) = ends {
                graph.add_edge(from, to, index);
            }
        }
        KnowledgeGraph {
            dataset,
            graph,
            node_of,
        }
    }

    /// For each relation, in the dataset's order, the positions in
    /// [`KnowledgeGraph::entities`] of its ends; `None` for a relation left
    /// out of the graph because an end is not an entity. Read off the
    /// edges, so that writers need not look every end up by its id again.
    pub(crate) fn relation_ends(&self) -> Vec<Option<(u32, u32)>> {
        let mut ends = vec![None; self.dataset.relations.len()];
        for edge in self.graph.edge_references() {
            // Nodes were added in entity order: a node's index is its
            // entity's position, as its weight says.
            ends[*edge.weight()] = Some((
                self.graph[edge.source()] as u32,
                self.graph[edge.target()] as u32,
            ));
        }
        ends
    }

    /// The validated dataset the graph is built over.
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

    /// The entity with this id (ids only: [`crate::query::resolve`] also
    /// reads labels and aliases).
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
            allowed: self.dataset.allowed.clone(),
        };
        KnowledgeGraph::new(dataset)
    }
}

/// Small graphs for unit tests, built without files.
#[cfg(test)]
pub(crate) mod tests {
    use std::collections::BTreeSet;

    use super::KnowledgeGraph;
    use crate::diagnostic::Origin;
    use crate::model::{Dataset, Entity, Kind, Modality, Relation, RelationType, Schema};

    /// An entity of kind `thing`, labelled with its id in capitals.
    pub(crate) fn entity(id: &str) -> Entity {
        Entity {
            id: id.to_owned(),
            label: id.to_uppercase(),
            kind: "thing".to_owned(),
            aliases: Vec::new(),
            description: String::new(),
            wikidata: None,
            mentions: 0,
            origin: Origin::new(0, 0..0),
        }
    }

    /// A relation `from -type-> to` with no evidence; its id is
    /// `from.type.to`.
    pub(crate) fn relation(
        from: &str,
        relation_type: &str,
        to: &str,
        modality: Modality,
    ) -> Relation {
        Relation {
            id: format!("{from}.{relation_type}.{to}"),
            from: from.to_owned(),
            relation_type: relation_type.to_owned(),
            to: to.to_owned(),
            modality,
            attributed_to: Vec::new(),
            negated: false,
            evidence: Vec::new(),
            note: None,
            date: None,
            origin: Origin::new(0, 0..0),
        }
    }

    /// A graph from entities and relations, sorted by id as `load` does,
    /// with a schema of the kinds and (asymmetric) relation types they use.
    pub(crate) fn graph(mut entities: Vec<Entity>, mut relations: Vec<Relation>) -> KnowledgeGraph {
        entities.sort_by(|a, b| a.id.cmp(&b.id));
        relations.sort_by(|a, b| a.id.cmp(&b.id));
        let kinds: BTreeSet<&str> = entities.iter().map(|e| e.kind.as_str()).collect();
        let types: BTreeSet<&str> = relations.iter().map(|r| r.relation_type.as_str()).collect();
        let schema = Schema {
            kinds: kinds
                .into_iter()
                .map(|name| Kind {
                    name: name.to_owned(),
                    description: String::new(),
                    dot: Default::default(),
                    origin: Origin::new(0, 0..0),
                })
                .collect(),
            relation_types: types
                .into_iter()
                .map(|name| RelationType {
                    name: name.to_owned(),
                    label: None,
                    definition: String::new(),
                    domain: Vec::new(),
                    range: Vec::new(),
                    symmetric: false,
                    dot: Default::default(),
                    origin: Origin::new(0, 0..0),
                })
                .collect(),
        };
        KnowledgeGraph::new(Dataset {
            schema,
            entities,
            relations,
            ..Dataset::default()
        })
    }

    /// A graph of `thing`s linked by `link` relations; a repeated pair
    /// becomes parallel relations.
    pub(crate) fn graph_of(ids: &[&str], links: &[(&str, &str)]) -> KnowledgeGraph {
        let relations = links
            .iter()
            .enumerate()
            .map(|(index, (from, to))| {
                let mut relation = relation(from, "link", to, Modality::Actual);
                relation.id = format!("{}.{index:03}", relation.id);
                relation
            })
            .collect();
        graph(ids.iter().map(|id| entity(id)).collect(), relations)
    }
}
