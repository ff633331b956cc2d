//! Which part of the graph to keep: the one selection used by
//! `kg query subgraph`, `kg render` and `kg export`, so that `--focus`,
//! `--depth`, `--modality`, `--type`, `--kind` and `--source` mean the same
//! everywhere.

use std::collections::BTreeSet;

use crate::graph::KnowledgeGraph;
use crate::model::{Entity, Modality, PartialDate, Relation};

use super::QueryError;
use super::filter::Filter;
use super::focus::{Direction, Focus};
use super::neighbors::neighbors;
use super::resolve::{closest, resolve};

/// What to keep of a graph. Empty sets mean "no restriction"; the default
/// keeps everything.
///
/// Relations are kept if their modality, type and at least one evidence
/// source are in the sets; entities if their kind is. With a focus, only
/// entities reached from it through kept relations and kept entities, at
/// most `depth` relations away, remain (the focus itself always does), with
/// every kept relation among them. When relations are filtered (modality,
/// type or source), entities left without a kept relation are dropped too,
/// except the focus, so that `--modality proposed` shows the proposals
/// rather than every entity.
///
/// # Example
/// ```
/// use kgraph::Modality;
/// use kgraph::query::Selection;
/// # let graph = kgraph::KnowledgeGraph::new(kgraph::Dataset::default());
/// let mut selection = Selection::around("nato", 2);
/// selection.modalities.insert(Modality::Actual);
/// selection.relation_types.insert("seeks_membership".to_owned());
/// // let subgraph = selection.apply(&graph)?; then export or render it.
/// # assert!(selection.apply(&graph).is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Keep only what lies around this entity; `None` keeps the whole graph.
    pub focus: Option<Focus>,
    /// Keep relations of these modalities; empty keeps every modality.
    pub modalities: BTreeSet<Modality>,
    /// Keep relations of these types; empty keeps every type.
    pub relation_types: BTreeSet<String>,
    /// Keep entities of these kinds; empty keeps every kind.
    pub kinds: BTreeSet<String>,
    /// Source ids: a relation is kept if any of its evidence is from one.
    pub sources: BTreeSet<String>,
    /// Relations dated on or after this date: a relation's date and this
    /// one each stand for the days they name (`2022` is all of 2022), and a
    /// relation is kept when its days reach this date's first day.
    pub since: Option<PartialDate>,
    /// Relations dated on or before this date: kept when their first day
    /// is no later than this date's last day.
    pub until: Option<PartialDate>,
    /// Drop relations without a date (which the date bounds keep, since
    /// nothing says they fall outside).
    pub dated_only: bool,
    /// Entities (ids, labels or aliases): a relation is kept if it is
    /// attributed to any of them.
    pub attributed_to: BTreeSet<String>,
    /// Keep relations attributed to no one: the source's author's own
    /// voice. Together with `attributed_to`, either kind is kept.
    pub unattributed: bool,
}

impl Selection {
    /// Everything within `depth` relations of `entity`, either way.
    pub fn around(entity: &str, depth: usize) -> Selection {
        Selection {
            focus: Some(Focus {
                entity: entity.to_owned(),
                depth,
                direction: Direction::Both,
            }),
            ..Selection::default()
        }
    }

    /// True if the selection keeps every entity and relation.
    pub fn is_everything(&self) -> bool {
        // Compared whole, so that a filter added later counts too.
        *self == Selection::default()
    }

    /// True if relations are filtered by modality, type, source, date or
    /// attribution.
    pub fn filters_relations(&self) -> bool {
        !(self.modalities.is_empty()
            && self.relation_types.is_empty()
            && self.sources.is_empty()
            && self.since.is_none()
            && self.until.is_none()
            && !self.dated_only
            && self.attributed_to.is_empty()
            && !self.unattributed)
    }

    /// Whether a relation passes the modality, type, source, date and
    /// attribution filters. Attribution names must be entity ids here
    /// ([`Selection::apply`] resolves labels and aliases first).
    pub fn admits_relation(&self, relation: &Relation) -> bool {
        (self.modalities.is_empty() || self.modalities.contains(&relation.modality))
            && (self.relation_types.is_empty()
                || self.relation_types.contains(&relation.relation_type))
            && (self.sources.is_empty()
                || relation
                    .evidence
                    .iter()
                    .any(|evidence| self.sources.contains(&evidence.source)))
            && self.admits_date(relation)
            && self.admits_attribution(relation)
    }

    fn admits_date(&self, relation: &Relation) -> bool {
        let Some(date) = relation
            .date
            .as_deref()
            .and_then(|text| PartialDate::parse(text).ok())
        else {
            return !self.dated_only;
        };
        self.since
            .is_none_or(|since| date.last_day() >= since.first_day())
            && self
                .until
                .is_none_or(|until| date.first_day() <= until.last_day())
    }

    fn admits_attribution(&self, relation: &Relation) -> bool {
        if self.attributed_to.is_empty() && !self.unattributed {
            return true;
        }
        (self.unattributed && relation.attributed_to.is_empty())
            || relation
                .attributed_to
                .iter()
                .any(|holder| self.attributed_to.contains(holder))
    }

    /// Whether an entity passes the kind filter.
    pub fn admits_entity(&self, entity: &Entity) -> bool {
        self.kinds.is_empty() || self.kinds.contains(&entity.kind)
    }

    /// Checks that every kind, relation type and source named exists in
    /// the graph's dataset, and that every `attributed_to` name names an
    /// entity (the focus is checked by [`resolve`]).
    ///
    /// # Errors
    /// The first unknown name, with a "did you mean".
    pub fn check(&self, graph: &KnowledgeGraph) -> Result<(), QueryError> {
        let dataset = graph.dataset();
        let kinds = || dataset.schema.kinds.iter().map(|kind| kind.name.as_str());
        for name in &self.kinds {
            if !kinds().any(|kind| kind == name) {
                return Err(QueryError::UnknownKind {
                    name: name.clone(),
                    suggestion: closest(name, kinds()),
                });
            }
        }
        let types = || {
            dataset
                .schema
                .relation_types
                .iter()
                .map(|ty| ty.name.as_str())
        };
        for name in &self.relation_types {
            if !types().any(|ty| ty == name) {
                return Err(QueryError::UnknownRelationType {
                    name: name.clone(),
                    suggestion: closest(name, types()),
                });
            }
        }
        let sources = || dataset.sources.iter().map(|source| source.id.as_str());
        for name in &self.sources {
            if !sources().any(|source| source == name) {
                return Err(QueryError::unknown_source(name, sources()));
            }
        }
        for name in &self.attributed_to {
            resolve(graph, name)?;
        }
        Ok(())
    }

    /// [`Selection::apply`], taking the graph: when the selection keeps
    /// everything, the graph itself comes back, with nothing copied.
    ///
    /// # Errors
    /// An unknown focus, kind, relation type or source.
    pub fn select(&self, graph: KnowledgeGraph) -> Result<KnowledgeGraph, QueryError> {
        if self.is_everything() {
            return Ok(graph);
        }
        self.apply(&graph)
    }

    /// The selected part of the graph, as a graph of its own (schema and
    /// sources kept whole) that any exporter can write.
    ///
    /// # Errors
    /// An unknown focus, kind, relation type or source.
    pub fn apply(&self, graph: &KnowledgeGraph) -> Result<KnowledgeGraph, QueryError> {
        self.resolved(graph)?.apply_checked(graph)
    }

    /// The same selection, checked against the graph ([`Selection::check`])
    /// and with each `attributed_to` name (an id, label or alias) turned
    /// into the id of the entity it names, as [`Selection::admits_relation`]
    /// and a walk by [`neighbors`](super::neighbors()) compare them.
    ///
    /// # Errors
    /// The first unknown kind, relation type, source or entity name, or an
    /// ambiguous entity name.
    ///
    /// # Example
    /// ```
    /// # use kgraph::query::{Direction, Focus, Selection, neighbors};
    /// # fn example(graph: &kgraph::KnowledgeGraph) -> Result<(), kgraph::query::QueryError> {
    /// let mut claims = Selection::default();
    /// claims.attributed_to.insert("the Kingdom".into()); // an alias
    /// let focus = Focus { entity: "republic".into(), depth: 1, direction: Direction::Both };
    /// let claimed = neighbors(graph, &focus, &claims.resolved(graph)?)?;
    /// # Ok(()) }
    /// ```
    pub fn resolved(&self, graph: &KnowledgeGraph) -> Result<Selection, QueryError> {
        self.check(graph)?;
        let attributed_to = self
            .attributed_to
            .iter()
            .map(|name| resolve(graph, name).map(|entity| entity.id.clone()))
            .collect::<Result<_, _>>()?;
        Ok(Selection {
            attributed_to,
            ..self.clone()
        })
    }

    fn apply_checked(&self, graph: &KnowledgeGraph) -> Result<KnowledgeGraph, QueryError> {
        let (center, mut entities): (Option<&str>, BTreeSet<&str>) = match &self.focus {
            Some(focus) => {
                let neighborhood = neighbors(graph, focus, self)?;
                let center = neighborhood.center.id.as_str();
                let reached = neighborhood
                    .neighbors
                    .iter()
                    .map(|neighbor| neighbor.entity.id.as_str());
                (Some(center), reached.chain([center]).collect())
            }
            None => (
                None,
                graph
                    .entities()
                    .iter()
                    .filter(|entity| self.admits_entity(entity))
                    .map(|entity| entity.id.as_str())
                    .collect(),
            ),
        };
        let relations: BTreeSet<&str> = graph
            .relations()
            .iter()
            .filter(|relation| {
                self.admits_relation(relation)
                    && entities.contains(relation.from.as_str())
                    && entities.contains(relation.to.as_str())
            })
            .map(|relation| relation.id.as_str())
            .collect();
        if self.filters_relations() {
            let touched: BTreeSet<&str> = graph
                .relations()
                .iter()
                .filter(|relation| relations.contains(relation.id.as_str()))
                .flat_map(|relation| [relation.from.as_str(), relation.to.as_str()])
                .collect();
            entities.retain(|id| touched.contains(id) || Some(*id) == center);
        }
        Ok(graph.subgraph(&entities, &relations))
    }

    /// The focus entity, resolved, if there is a focus.
    ///
    /// # Errors
    /// An unknown or ambiguous focus name.
    pub fn focus_entity<'g>(
        &self,
        graph: &'g KnowledgeGraph,
    ) -> Result<Option<&'g Entity>, QueryError> {
        self.focus
            .as_ref()
            .map(|focus| resolve(graph, &focus.entity))
            .transpose()
    }
}

impl Filter for Selection {
    fn admits_relation(&self, relation: &Relation) -> bool {
        Selection::admits_relation(self, relation)
    }

    fn admits_entity(&self, entity: &Entity) -> bool {
        Selection::admits_entity(self, entity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{entity, graph, relation};

    /// a -x-> b -y-> c -x-> d, and e alone; b is a `place`.
    fn chain() -> KnowledgeGraph {
        let mut b = entity("b");
        b.kind = "place".into();
        graph(
            vec![entity("a"), b, entity("c"), entity("d"), entity("e")],
            vec![
                relation("a", "x", "b", Modality::Actual),
                relation("b", "y", "c", Modality::Proposed),
                relation("c", "x", "d", Modality::Actual),
            ],
        )
    }

    #[test]
    fn selecting_everything_hands_the_graph_back_without_copying_it() {
        let graph = chain();
        let entities = graph.entities().as_ptr();
        let selected = Selection::default().select(graph).unwrap();
        assert_eq!(selected.entities().as_ptr(), entities);
        let mut only_actual = Selection::default();
        only_actual.modalities.insert(Modality::Actual);
        assert!(!only_actual.is_everything());
        assert_eq!(only_actual.select(selected).unwrap().relations().len(), 2);
    }

    fn ids(graph: &KnowledgeGraph) -> (Vec<&str>, Vec<&str>) {
        (
            graph.entities().iter().map(|e| e.id.as_str()).collect(),
            graph.relations().iter().map(|r| r.id.as_str()).collect(),
        )
    }

    #[test]
    fn the_default_selection_keeps_everything() {
        let graph = chain();
        assert!(Selection::default().is_everything());
        let all = Selection::default().apply(&graph).unwrap();
        assert_eq!(ids(&all), ids(&graph));
    }

    #[test]
    fn a_focus_keeps_the_ego_graph_with_every_relation_among_it() {
        let graph = chain();
        let selection = Selection::around("C", 1);
        assert_eq!(
            ids(&selection.apply(&graph).unwrap()),
            (vec!["b", "c", "d"], vec!["b.y.c", "c.x.d"])
        );
        let mut outward = selection.clone();
        outward.focus.as_mut().unwrap().direction = Direction::Out;
        outward.focus.as_mut().unwrap().depth = 5;
        assert_eq!(
            ids(&outward.apply(&graph).unwrap()),
            (vec!["c", "d"], vec!["c.x.d"])
        );
    }

    #[test]
    fn relation_filters_drop_entities_they_leave_alone_but_not_the_focus() {
        let graph = chain();
        let mut actual = Selection::default();
        actual.modalities.insert(Modality::Actual);
        assert_eq!(
            ids(&actual.apply(&graph).unwrap()),
            (vec!["a", "b", "c", "d"], vec!["a.x.b", "c.x.d"])
        );
        // Around c, actual relations only: d, but not b (reached by `y`).
        actual.focus = Selection::around("c", 3).focus;
        assert_eq!(
            ids(&actual.apply(&graph).unwrap()),
            (vec!["c", "d"], vec!["c.x.d"])
        );
        let mut proposals = Selection::around("e", 2);
        proposals.modalities.insert(Modality::Proposed);
        assert_eq!(ids(&proposals.apply(&graph).unwrap()), (vec!["e"], vec![]));
    }

    #[test]
    fn a_kind_filter_also_stops_the_walk() {
        let graph = chain();
        let mut things = Selection::around("a", 3);
        things.kinds.insert("thing".into());
        assert_eq!(ids(&things.apply(&graph).unwrap()), (vec!["a"], vec![]));
        things.focus = None;
        assert_eq!(
            ids(&things.apply(&graph).unwrap()),
            (vec!["a", "c", "d", "e"], vec!["c.x.d"])
        );
    }

    /// The chain, with `a -x-> b` attributed to `e`, whose label is
    /// `Experts` and alias `the panel`.
    fn claimed_chain() -> KnowledgeGraph {
        let chain = chain();
        let mut entities = chain.entities().to_vec();
        let experts = entities.iter_mut().find(|e| e.id == "e").unwrap();
        experts.label = "Experts".into();
        experts.aliases = vec!["the panel".into()];
        let mut relations = chain.relations().to_vec();
        relations[0].attributed_to = vec!["e".into()];
        graph(entities, relations)
    }

    #[test]
    fn attribution_names_an_entity_by_id_label_or_alias() {
        let graph = claimed_chain();
        for name in ["e", "Experts", "THE PANEL"] {
            let mut claims = Selection::default();
            claims.attributed_to.insert(name.into());
            assert_eq!(
                ids(&claims.apply(&graph).unwrap()),
                (vec!["a", "b"], vec!["a.x.b"]),
                "{name}"
            );
            let resolved = claims.resolved(&graph).unwrap();
            assert_eq!(resolved.attributed_to, BTreeSet::from(["e".to_owned()]));
            let walk = Selection::around("b", 2).focus.unwrap();
            let reached: Vec<&str> = neighbors(&graph, &walk, &resolved)
                .unwrap()
                .neighbors
                .iter()
                .map(|neighbor| neighbor.entity.id.as_str())
                .collect();
            assert_eq!(reached, ["a"], "{name}");
        }
        let mut unknown = Selection::default();
        unknown.attributed_to.insert("the jury".into());
        assert!(matches!(
            unknown.resolved(&graph),
            Err(QueryError::UnknownEntity { .. })
        ));
    }

    #[test]
    fn unknown_names_are_refused_with_did_you_mean() {
        let mut graph_dataset = chain().dataset().clone();
        graph_dataset.schema.kinds = vec![crate::model::Kind {
            name: "place".into(),
            description: String::new(),
            dot: Default::default(),
            origin: crate::diagnostic::Origin::new(0, 0..0),
        }];
        let graph = KnowledgeGraph::new(graph_dataset);
        let mut selection = Selection::default();
        selection.kinds.insert("palce".into());
        assert_eq!(
            selection.apply(&graph).unwrap_err().to_string(),
            "unknown kind `palce` (did you mean `place`?)"
        );
        assert_eq!(
            Selection::around("zz", 1)
                .apply(&graph)
                .unwrap_err()
                .to_string(),
            "unknown entity `zz`"
        );
    }
}
