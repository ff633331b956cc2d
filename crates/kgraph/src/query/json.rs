//! The answers as scripts read them: the documents `kg query neighbors
//! --json`, `kg query path --json` and `kg explain --json` print. They
//! borrow from the graph and serialize with serde, so that any program
//! linking the library gets the same shape the command line prints.

use serde::Serialize;

use crate::graph::KnowledgeGraph;
use crate::model::{Entity, Evidence, Relation};

use super::neighbors::Neighborhood;
use super::path::{PathQuery, Paths, Step};

/// Paths between two entities as scripts see them: both ends, the query
/// (with the length limit it applied), and each path's entities and hops,
/// every relation of a hop with the way the path walks it.
///
/// # Example
/// ```
/// # use kgraph::query::{PathQuery, PathsJson, paths};
/// # fn example(graph: &kgraph::KnowledgeGraph) -> Result<(), Box<dyn std::error::Error>> {
/// let query = PathQuery::default();
/// let found = paths(graph, "republic", "alliance", &query)?;
/// // `kg explain republic alliance --json`: with every quote.
/// let json = serde_json::to_string_pretty(&PathsJson::new(graph, &found, &query, true))?;
/// # Ok(()) }
/// ```
#[derive(Debug, Serialize)]
pub struct PathsJson<'g> {
    from: EntityJson<'g>,
    to: EntityJson<'g>,
    directed: bool,
    all: bool,
    max_len: Option<usize>,
    paths: Vec<PathJson<'g>>,
}

#[derive(Debug, Serialize)]
struct PathJson<'g> {
    length: usize,
    entities: Vec<&'g str>,
    hops: Vec<HopJson<'g>>,
}

#[derive(Debug, Serialize)]
struct HopJson<'g> {
    from: &'g str,
    to: &'g str,
    relations: Vec<RelationJson<'g>>,
}

impl<'g> PathsJson<'g> {
    /// The paths `found` for `query`; with `with_evidence`, every relation
    /// also carries its note, date and quotes (`kg explain`).
    pub fn new(
        graph: &KnowledgeGraph,
        found: &Paths<'g>,
        query: &PathQuery,
        with_evidence: bool,
    ) -> PathsJson<'g> {
        PathsJson {
            from: EntityJson::new(found.from),
            to: EntityJson::new(found.to),
            directed: query.directed,
            all: query.all,
            max_len: query.limit(),
            paths: found
                .paths
                .iter()
                .map(|path| PathJson {
                    length: path.len(),
                    entities: path.entities.iter().map(|e| e.id.as_str()).collect(),
                    hops: path
                        .hops
                        .iter()
                        .map(|hop| HopJson {
                            from: &hop.from.id,
                            to: &hop.to.id,
                            relations: hop
                                .relations
                                .iter()
                                .map(|step| RelationJson::step(graph, step, with_evidence))
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// An entity's neighbourhood as scripts see it: the center, the depth and
/// direction of the walk, and each neighbour with its distance and the
/// relations that reach it.
#[derive(Debug, Serialize)]
pub struct NeighborhoodJson<'g> {
    entity: EntityJson<'g>,
    depth: usize,
    direction: &'static str,
    neighbors: Vec<NeighborJson<'g>>,
}

#[derive(Debug, Serialize)]
struct NeighborJson<'g> {
    #[serde(flatten)]
    entity: EntityJson<'g>,
    distance: usize,
    relations: Vec<RelationJson<'g>>,
}

impl<'g> NeighborhoodJson<'g> {
    /// The neighbourhood found by [`neighbors`](super::neighbors()).
    pub fn new(graph: &KnowledgeGraph, neighborhood: &Neighborhood<'g>) -> NeighborhoodJson<'g> {
        NeighborhoodJson {
            entity: EntityJson::new(neighborhood.center),
            depth: neighborhood.depth,
            direction: neighborhood.direction.name(),
            neighbors: neighborhood
                .neighbors
                .iter()
                .map(|neighbor| NeighborJson {
                    entity: EntityJson::new(neighbor.entity),
                    distance: neighbor.distance,
                    relations: neighbor
                        .via
                        .iter()
                        .map(|relation| RelationJson::new(graph, relation))
                        .collect(),
                })
                .collect(),
        }
    }
}

/// An entity as scripts see it.
#[derive(Debug, Serialize)]
struct EntityJson<'g> {
    id: &'g str,
    label: &'g str,
    kind: &'g str,
}

impl<'g> EntityJson<'g> {
    fn new(entity: &'g Entity) -> EntityJson<'g> {
        EntityJson {
            id: &entity.id,
            label: &entity.label,
            kind: &entity.kind,
        }
    }
}

/// A relation as scripts see it; `forward`, `note`, `date` and
/// `evidence` only where they are asked for.
#[derive(Debug, Serialize)]
struct RelationJson<'g> {
    id: &'g str,
    from: &'g str,
    #[serde(rename = "type")]
    relation_type: &'g str,
    type_label: String,
    to: &'g str,
    modality: &'static str,
    negated: bool,
    attributed_to: &'g [String],
    /// In a path: whether the path walks the relation from `from` to `to`.
    #[serde(skip_serializing_if = "Option::is_none")]
    forward: Option<bool>,
    // `Some(None)` is written as `null`: asked for, and absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<Option<&'g str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<Option<&'g str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Vec<EvidenceJson<'g>>>,
}

impl<'g> RelationJson<'g> {
    fn new(graph: &KnowledgeGraph, relation: &'g Relation) -> RelationJson<'g> {
        RelationJson {
            id: &relation.id,
            from: &relation.from,
            relation_type: &relation.relation_type,
            type_label: graph.dataset().schema.type_label(&relation.relation_type),
            to: &relation.to,
            modality: relation.modality.as_str(),
            negated: relation.negated,
            attributed_to: &relation.attributed_to,
            forward: None,
            note: None,
            date: None,
            evidence: None,
        }
    }

    /// A relation taken in a path, with its note, date and evidence if
    /// `with_evidence`.
    fn step(graph: &KnowledgeGraph, step: &Step<'g>, with_evidence: bool) -> RelationJson<'g> {
        let relation = step.relation;
        let mut json = RelationJson::new(graph, relation);
        json.forward = Some(step.forward);
        if with_evidence {
            json.note = Some(relation.note.as_deref());
            json.date = Some(relation.date.as_deref());
            json.evidence = Some(relation.evidence.iter().map(EvidenceJson::new).collect());
        }
        json
    }
}

#[derive(Debug, Serialize)]
struct EvidenceJson<'g> {
    source: &'g str,
    quote: &'g str,
    line: usize,
    column: usize,
}

impl<'g> EvidenceJson<'g> {
    fn new(evidence: &'g Evidence) -> EvidenceJson<'g> {
        EvidenceJson {
            source: &evidence.source,
            quote: &evidence.quote,
            line: evidence.location.line,
            column: evidence.location.column,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::graph::tests::{entity, graph, relation};
    use crate::model::Modality;
    use crate::query::{ALL_PATHS_MAX_LEN, Direction, Focus, Selection, neighbors, paths};

    /// a -x-> b <-y- c, the first with a note and a date.
    fn sample() -> KnowledgeGraph {
        let mut noted = relation("a", "x", "b", Modality::Actual);
        noted.note = Some("as of the memo".into());
        noted.date = Some("1985".into());
        graph(
            vec![entity("a"), entity("b"), entity("c")],
            vec![noted, relation("c", "y", "b", Modality::Proposed)],
        )
    }

    fn to_json(value: &impl Serialize) -> serde_json::Value {
        serde_json::to_value(value).unwrap()
    }

    #[test]
    fn a_path_names_each_hop_and_the_way_it_is_walked() {
        let graph = sample();
        let query = PathQuery::default();
        let found = paths(&graph, "a", "c", &query).unwrap();
        let json = to_json(&PathsJson::new(&graph, &found, &query, false));
        assert_eq!(
            json["from"],
            json!({"id": "a", "label": "A", "kind": "thing"})
        );
        assert_eq!(json["max_len"], json!(null));
        assert_eq!(json["paths"][0]["length"], 2);
        assert_eq!(json["paths"][0]["entities"], json!(["a", "b", "c"]));
        let second = &json["paths"][0]["hops"][1]["relations"][0];
        assert_eq!(second["id"], "c.y.b");
        assert_eq!(second["forward"], false);
        assert_eq!(second["modality"], "proposed");
        // Without evidence asked for, the keys are absent, not null.
        assert!(second.get("evidence").is_none() && second.get("note").is_none());
    }

    #[test]
    fn with_evidence_every_relation_carries_note_date_and_quotes() {
        let graph = sample();
        let query = PathQuery {
            all: true,
            ..PathQuery::default()
        };
        let found = paths(&graph, "a", "c", &query).unwrap();
        let json = to_json(&PathsJson::new(&graph, &found, &query, true));
        assert_eq!(json["max_len"], ALL_PATHS_MAX_LEN);
        let hops = &json["paths"][0]["hops"];
        assert_eq!(hops[0]["relations"][0]["note"], "as of the memo");
        assert_eq!(hops[0]["relations"][0]["date"], "1985");
        assert_eq!(hops[0]["relations"][0]["evidence"], json!([]));
        // Asked for and absent: null.
        assert_eq!(hops[1]["relations"][0]["note"], json!(null));
    }

    #[test]
    fn a_neighborhood_lists_each_neighbor_with_the_relations_that_reach_it() {
        let graph = sample();
        let focus = Focus {
            entity: "b".into(),
            depth: 1,
            direction: Direction::In,
        };
        let found = neighbors(&graph, &focus, &Selection::default()).unwrap();
        let json = to_json(&NeighborhoodJson::new(&graph, &found));
        assert_eq!(json["direction"], "in");
        assert_eq!(json["neighbors"][0]["id"], "a");
        assert_eq!(json["neighbors"][0]["distance"], 1);
        assert_eq!(json["neighbors"][1]["relations"][0]["type"], "y");
        assert!(
            json["neighbors"][1]["relations"][0]
                .get("forward")
                .is_none()
        );
    }
}
