//! Names to entities: what `kg query neighbors Moscow` means by `Moscow`.

use std::collections::BTreeSet;

use crate::diagnostic::suggest;
use crate::graph::KnowledgeGraph;
use crate::model::Entity;

use super::QueryError;

/// The entity a person means by `name`: an exact id first, else the one
/// entity whose id, label or an alias equals `name` ignoring case (and
/// surrounding whitespace).
///
/// # Errors
/// [`QueryError::UnknownEntity`], with the closest id, label or alias as a
/// suggestion, if nothing matches; [`QueryError::AmbiguousEntity`] if the
/// name is the label or alias of several entities.
///
/// # Example
/// ```
/// # use kgraph::query::{QueryError, resolve};
/// # fn example(graph: &kgraph::KnowledgeGraph) -> Result<(), QueryError> {
/// let nato = resolve(graph, "the alliance")?; // an alias, any case
/// # Ok(()) }
/// ```
pub fn resolve<'g>(graph: &'g KnowledgeGraph, name: &str) -> Result<&'g Entity, QueryError> {
    resolve_in(graph.entities(), |id| graph.entity(id), name)
}

/// [`resolve`] among `entities` (sorted by id, as a dataset's are), for a
/// snapshot that has decoded its entities but built no graph.
pub(crate) fn resolve_among<'e>(
    entities: &'e [Entity],
    name: &str,
) -> Result<&'e Entity, QueryError> {
    let by_id = |id: &str| {
        entities
            .binary_search_by(|entity| entity.id.as_str().cmp(id))
            .ok()
            .map(|index| &entities[index])
    };
    resolve_in(entities, by_id, name)
}

/// The one rule behind [`resolve`] and [`resolve_among`]: `by_id` finds
/// an exact id, `entities` are searched for labels and aliases.
fn resolve_in<'e>(
    entities: &'e [Entity],
    by_id: impl Fn(&str) -> Option<&'e Entity>,
    name: &str,
) -> Result<&'e Entity, QueryError> {
    if let Some(entity) = by_id(name) {
        return Ok(entity);
    }
    let wanted = name.trim().to_lowercase();
    let matches: BTreeSet<&str> = entities
        .iter()
        .filter(|entity| names_of(entity).any(|candidate| candidate.to_lowercase() == wanted))
        .map(|entity| entity.id.as_str())
        .collect();
    let mut matches = matches.into_iter();
    match (matches.next(), matches.next()) {
        // Found in `entities` itself: a damaged snapshot's unsorted list
        // cannot make a binary search miss it.
        (Some(id), None) => Ok(entities
            .iter()
            .find(|entity| entity.id == id)
            .expect("an id taken from the list")),
        (Some(first), Some(second)) => Err(QueryError::AmbiguousEntity {
            name: name.to_owned(),
            candidates: [first, second]
                .into_iter()
                .chain(matches)
                .map(str::to_owned)
                .collect(),
        }),
        (None, _) => Err(QueryError::UnknownEntity {
            name: name.to_owned(),
            suggestion: closest(name, entities.iter().flat_map(names_of)),
        }),
    }
}

/// Every name an entity answers to: id, label, aliases.
pub(crate) fn names_of(entity: &Entity) -> impl Iterator<Item = &str> {
    [entity.id.as_str(), entity.label.as_str()]
        .into_iter()
        .chain(entity.aliases.iter().map(String::as_str))
}

/// The candidate closest to `name` ignoring case, as written in the data.
pub(super) fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let candidates: Vec<&str> = candidates.collect();
    let lowered: Vec<String> = candidates.iter().map(|c| c.to_lowercase()).collect();
    let best = suggest(
        &name.trim().to_lowercase(),
        lowered.iter().map(String::as_str),
    )?;
    let position = lowered.iter().position(|candidate| candidate == best)?;
    Some(candidates[position].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::tests::{entity, graph};

    fn sample() -> KnowledgeGraph {
        let mut nato = entity("nato");
        nato.label = "NATO".into();
        nato.aliases = vec!["the Alliance".into(), "North Atlantic Alliance".into()];
        let mut moscow = entity("russia");
        moscow.label = "Russia".into();
        moscow.aliases = vec!["Moscow".into()];
        let mut twin = entity("twin");
        twin.label = "Russia".into();
        graph(vec![nato, moscow, entity("ukraine"), twin], Vec::new())
    }

    #[test]
    fn names_an_entity_by_id_label_or_alias_in_any_case() {
        let graph = sample();
        assert_eq!(resolve(&graph, "nato").unwrap().id, "nato");
        assert_eq!(resolve(&graph, "NATO").unwrap().id, "nato");
        assert_eq!(resolve(&graph, "THE ALLIANCE").unwrap().id, "nato");
        assert_eq!(resolve(&graph, " moscow ").unwrap().id, "russia");
        assert_eq!(resolve(&graph, "Ukraine").unwrap().id, "ukraine");
    }

    #[test]
    fn an_exact_id_wins_over_a_shared_label() {
        let graph = sample();
        assert_eq!(resolve(&graph, "russia").unwrap().id, "russia");
        assert_eq!(
            resolve(&graph, "RUSSIA").unwrap_err().to_string(),
            "`RUSSIA` names more than one entity: `russia`, `twin`"
        );
    }

    #[test]
    fn an_unknown_name_gets_did_you_mean() {
        let graph = sample();
        assert_eq!(
            resolve(&graph, "natoo").unwrap_err().to_string(),
            "unknown entity `natoo` (did you mean `nato`?)"
        );
        assert_eq!(
            resolve(&graph, "Mosow").unwrap_err().to_string(),
            "unknown entity `Mosow` (did you mean `Moscow`?)"
        );
        assert_eq!(
            resolve(&graph, "china").unwrap_err().to_string(),
            "unknown entity `china`"
        );
    }
}
