//! Relations: what each refers to is resolved first (entities, type,
//! modality, sources), then its quotes are located, then the relations
//! whose every part holds are built, with their ids.

use rayon::prelude::*;

use super::{check_date, origin};
use crate::diagnostic::{Diagnostic, Origin, suggest};
use crate::evidence::{Occurrence, QuoteQuery, fold_quote, locate_quotes};
use crate::load::raw::{RawDataset, RawRelation};
use crate::model::ids::{Claim, derived_relation_id, is_relation_id};
use crate::model::{Entity, Evidence, Modality, Relation, Schema, Source, TextSpan};

/// Maps keyed by ids: a fast hash, since the keys are checked data and
/// nothing depends on the order of a map (see the README's dependency table).
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// What resolving a relation's references gave: its modality if every
/// reference resolved, else `None`. Quotes are checked even when the
/// relation has other errors, so that one run reports them all; only a
/// relation with a modality here is built.
type Resolved = Option<Modality>;

/// Checks the relations and builds those whose every reference resolves and
/// every quote is found once. The raw relations are taken by value: what
/// they hold moves into the relations built, uncopied.
pub(in crate::load) fn check_relations(
    relations: Vec<RawRelation>,
    raw: &RawDataset,
    schema: &Schema,
    entities: &[Entity],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Relation> {
    let resolved = resolve_references(&relations, raw, schema, entities, sources, diagnostics);
    let located = locate_evidence(&relations, sources, diagnostics);
    build_relations(
        relations,
        &resolved,
        located,
        entities,
        sources,
        diagnostics,
    )
}

/// Checks what each relation refers to (entities, its type, its modality,
/// its sources) and the fields that need no other record.
fn resolve_references(
    relations: &[RawRelation],
    raw: &RawDataset,
    schema: &Schema,
    entities: &[Entity],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Resolved> {
    let entity_ids: Vec<&str> = entities.iter().map(|entity| entity.id.as_str()).collect();
    let kind_of: HashMap<&str, &str> = entities
        .iter()
        .map(|e| (e.id.as_str(), e.kind.as_str()))
        .collect();
    let type_names: Vec<&str> = schema
        .relation_types
        .iter()
        .map(|ty| ty.name.as_str())
        .collect();
    let source_ids: HashSet<&str> = sources.iter().map(|source| source.id.as_str()).collect();
    // Sources declared but not loaded (hash mismatch, missing text) are
    // reported where they are declared, not at every quote.
    let declared_sources: HashSet<&str> = raw
        .sources
        .iter()
        .map(|source| source.id.value.as_str())
        .collect();
    let context = Context {
        raw,
        schema,
        entities,
        sources,
        entity_ids,
        kind_of,
        id_by_name: std::sync::OnceLock::new(),
        type_names,
        source_ids,
        declared_sources,
    };
    // On every core; each relation's diagnostics are kept with it and
    // reported in file order.
    let resolved: Vec<(Resolved, Vec<Diagnostic>)> = relations
        .par_iter()
        .with_min_len(1024)
        .map(|relation| {
            let mut found = Vec::new();
            let resolved = context.resolve(relation, &mut found);
            (resolved, found)
        })
        .collect();
    resolved
        .into_iter()
        .map(|(resolved, found)| {
            diagnostics.extend(found);
            resolved
        })
        .collect()
}

/// What every relation is checked against.
struct Context<'a> {
    raw: &'a RawDataset,
    schema: &'a Schema,
    entities: &'a [Entity],
    sources: &'a [Source],
    entity_ids: Vec<&'a str>,
    kind_of: HashMap<&'a str, &'a str>,
    /// Labels and aliases, so that `from = "Russia"` suggests `russia`:
    /// made when a first unknown entity needs it.
    id_by_name: std::sync::OnceLock<std::collections::HashMap<String, &'a str>>,
    type_names: Vec<&'a str>,
    source_ids: HashSet<&'a str>,
    declared_sources: HashSet<&'a str>,
}

impl Context<'_> {
    fn resolve(&self, relation: &RawRelation, diagnostics: &mut Vec<Diagnostic>) -> Resolved {
        let Context {
            raw,
            schema,
            entities,
            sources,
            entity_ids,
            kind_of,
            id_by_name,
            type_names,
            source_ids,
            declared_sources,
        } = self;
        let file = relation.file;
        let mut ok = true;
        let mut holders = HashSet::default();
        for holder in &relation.attributed_to {
            if !holders.insert(holder.value.as_str()) {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "`{}` is listed twice in `attributed_to`",
                        holder.value
                    ))
                    .code("attribution-repeated")
                    .at(origin(file, holder), "listed again here"),
                );
            }
        }
        for endpoint in [&relation.from, &relation.to]
            .into_iter()
            .chain(&relation.attributed_to)
        {
            if !kind_of.contains_key(endpoint.value.as_str()) {
                ok = false;
                if !raw.entities_complete {
                    continue;
                }
                let id_by_name = id_by_name.get_or_init(|| {
                    let mut id_by_name = std::collections::HashMap::new();
                    for entity in entities.iter() {
                        for name in std::iter::once(&entity.label).chain(&entity.aliases) {
                            id_by_name
                                .entry(name.to_lowercase())
                                .or_insert(entity.id.as_str());
                        }
                    }
                    id_by_name
                });
                let suggestion = match id_by_name.get(&endpoint.value.to_lowercase()) {
                    Some(id) => Some(*id),
                    None => suggest(&endpoint.value, entity_ids.iter().copied()),
                };
                diagnostics.push(
                    Diagnostic::unknown("entity", &endpoint.value, suggestion)
                        .code("unknown-entity")
                        .at(origin(file, endpoint), "no entity has this id"),
                );
            }
        }
        let relation_type = schema.relation_type(&relation.relation_type.value);
        if relation_type.is_none() {
            ok = false;
        }
        if relation_type.is_none() && raw.schema_complete {
            diagnostics.push(
                Diagnostic::unknown(
                    "relation type",
                    &relation.relation_type.value,
                    suggest(&relation.relation_type.value, type_names.iter().copied()),
                )
                .code("unknown-relation-type")
                .at(
                    origin(file, &relation.relation_type),
                    "not a relation type in the schema",
                ),
            );
        }
        let modality = relation.modality.value.parse::<Modality>();
        if modality.is_err() {
            ok = false;
            diagnostics.push(
                Diagnostic::unknown(
                    "modality",
                    &relation.modality.value,
                    suggest(
                        &relation.modality.value,
                        Modality::ALL.iter().map(|m| m.as_str()),
                    ),
                )
                .code("unknown-modality")
                .at(origin(file, &relation.modality), "not a modality")
                .note("modalities: actual, historical, proposed, hypothetical, recommended"),
            );
        }
        if let Some(ty) = relation_type {
            for (endpoint, allowed, role) in [
                (&relation.from, &ty.domain, "domain"),
                (&relation.to, &ty.range, "range"),
            ] {
                if let Some(kind) = kind_of.get(endpoint.value.as_str())
                    && !allowed.is_empty()
                    && !allowed.iter().any(|k| k == kind)
                {
                    ok = false;
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "`{}` is of kind `{kind}`, outside the {role} of `{}`",
                            endpoint.value, ty.name
                        ))
                        .code("domain-range-violation")
                        .at(origin(file, endpoint), format!("of kind `{kind}`"))
                        .at(ty.origin.clone(), format!("`{}` is defined here", ty.name))
                        .note(format!(
                            "the {role} of `{}` is: {}",
                            ty.name,
                            allowed.join(", ")
                        )),
                    );
                }
            }
        }
        for evidence in &relation.evidence {
            if !source_ids.contains(&evidence.source.value.as_str()) {
                ok = false;
                if declared_sources.contains(evidence.source.value.as_str())
                    || !raw.sources_complete
                {
                    continue;
                }
                diagnostics.push(
                    Diagnostic::unknown(
                        "source",
                        &evidence.source.value,
                        suggest(
                            &evidence.source.value,
                            sources.iter().map(|source| source.id.as_str()),
                        ),
                    )
                    .code("unknown-source")
                    .at(origin(file, &evidence.source), "no source has this id"),
                );
            }
        }
        if let Some(date) = &relation.date {
            check_date(date, file, diagnostics);
        }
        if let Some(id) = &relation.id
            && !is_relation_id(&id.value)
        {
            diagnostics.push(
                Diagnostic::error(format!("invalid relation id `{}`", id.value))
                    .code("invalid-id")
                    .at(
                        origin(file, id),
                        "expected lowercase letters, digits, `.`, `_` or `-`",
                    ),
            );
        }
        modality.ok().filter(|_| ok)
    }
}

/// Builds the relations whose references all resolved and whose quotes
/// were all found, with their ids; reports ids used twice.
fn build_relations(
    raw_relations: Vec<RawRelation>,
    resolved: &[Resolved],
    located: Vec<Option<Vec<Located>>>,
    entities: &[Entity],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Relation> {
    // The ids first, on every core: a derived id hashes its quotes.
    let ids: Vec<Option<String>> = raw_relations
        .par_iter()
        .zip(resolved)
        .zip(&located)
        .map(|((raw, modality), evidence)| {
            let modality = (*modality)?;
            evidence.as_ref()?;
            Some(relation_id(raw, modality))
        })
        .collect();
    // Then, in file order, which of them are taken already.
    let mut keep = vec![false; raw_relations.len()];
    let mut seen: HashMap<&str, Origin> = HashMap::default();
    seen.reserve(entities.len() + raw_relations.len());
    for entity in entities {
        seen.insert(entity.id.as_str(), entity.origin.clone());
    }
    for (index, (raw, id)) in raw_relations.iter().zip(&ids).enumerate() {
        let Some(id) = id else {
            continue;
        };
        let id_origin = || match &raw.id {
            Some(given) => origin(raw.file, given),
            None => raw.head.clone(),
        };
        let Some(first) = seen.get(id.as_str()) else {
            seen.insert(id, id_origin());
            keep[index] = true;
            continue;
        };
        let mut diagnostic = if entities
            .binary_search_by(|entity| entity.id.as_str().cmp(id))
            .is_ok()
        {
            Diagnostic::error(format!("relation id `{id}` is already an entity id"))
                .code("id-collision")
                .at(id_origin(), "this relation")
                .at(first.clone(), "the entity")
                .note("relation and entity ids share one namespace: every export names both")
        } else {
            Diagnostic::error(format!("duplicate relation id `{id}`"))
                .code("duplicate-id")
                .at(id_origin(), "this relation")
                .at(first.clone(), "first used here")
        };
        if raw.id.is_none() {
            diagnostic = diagnostic.note(
                "the id is derived from endpoints, type, modality and quotes: two relations alike in all of them are the same relation; remove one",
            );
        }
        diagnostics.push(diagnostic);
    }
    drop(seen);
    // Built on every core: each relation only moves what its raw record
    // holds, so the order of the work does not matter.
    let mut relations: Vec<Relation> = raw_relations
        .into_par_iter()
        .zip(resolved.par_iter())
        .zip(located)
        .zip(ids)
        .zip(keep)
        .filter_map(|((((raw, modality), evidence), id), kept)| {
            let (true, Some(id), Some(evidence), Some(modality)) = (kept, id, evidence, *modality)
            else {
                return None;
            };
            Some(build_relation(raw, id, modality, evidence, sources))
        })
        .collect();
    relations.par_sort_unstable_by(|a, b| a.id.cmp(&b.id));
    relations
}

/// A relation from its checked raw record, its id and its located quotes.
fn build_relation(
    raw: RawRelation,
    id: String,
    modality: Modality,
    evidence: Vec<Located>,
    sources: &[Source],
) -> Relation {
    // The quote as the source has it: most often what the curator typed,
    // which is then moved, not copied. In a vector of its own size, not
    // collected in place into the raw evidence's larger buffer, which
    // would then stay as long as the model.
    let mut quotes = Vec::with_capacity(raw.evidence.len());
    quotes.extend(
        raw.evidence
            .into_iter()
            .zip(evidence)
            .map(|(typed, (source, span))| {
                let text = &sources[source].text[span.byte_start..span.byte_end];
                Evidence {
                    source: typed.source.value,
                    quote: match typed.quote.value == text {
                        true => typed.quote.value,
                        false => text.to_owned(),
                    },
                    location: span,
                }
            }),
    );
    Relation {
        id,
        from: raw.from.value,
        relation_type: raw.relation_type.value,
        to: raw.to.value,
        modality,
        attributed_to: crate::load::record::values(raw.attributed_to),
        negated: raw.negated,
        evidence: quotes,
        note: raw.note.map(|n| n.value),
        date: raw.date.map(|d| d.value),
        origin: raw.head,
    }
}

/// The id a relation gives, or the one derived from what it claims.
fn relation_id(raw: &RawRelation, modality: Modality) -> String {
    if let Some(id) = &raw.id {
        return id.value.clone();
    }
    // Folded, so that retyping a quote mark does not change the id.
    let folded: Vec<(&str, String)> = raw
        .evidence
        .iter()
        .map(|e| (e.source.value.as_str(), fold_quote(&e.quote.value)))
        .collect();
    let quotes: Vec<(&str, &str)> = folded
        .iter()
        .map(|(source, quote)| (*source, quote.as_str()))
        .collect();
    let holders: Vec<&str> = raw
        .attributed_to
        .iter()
        .map(|holder| holder.value.as_str())
        .collect();
    let claim = Claim {
        modality,
        negated: raw.negated,
        attributed_to: &holders,
    };
    derived_relation_id(
        &raw.from.value,
        &raw.relation_type.value,
        &raw.to.value,
        claim,
        &quotes,
    )
}

/// A quote found: the index of its source, and where it stands there.
type Located = (usize, TextSpan);

/// Locates every quote of the pending relations. Returns, per relation, its
/// evidence, or `None` if a quote was not found once (reported) or its
/// source is not loaded (reported where the relation names it, or where
/// the source is declared).
fn locate_evidence(
    relations: &[RawRelation],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Option<Vec<Located>>> {
    let queries: Vec<QuoteQuery<'_>> = relations
        .iter()
        .flat_map(|raw| {
            raw.evidence.iter().map(move |evidence| QuoteQuery {
                source: &evidence.source.value,
                quote: &evidence.quote.value,
                occurrence: match &evidence.occurrence {
                    Some(occurrence) => Occurrence::Picked {
                        n: occurrence.value,
                        at: Origin::new(raw.file, occurrence.span.clone()),
                    },
                    None => Occurrence::Unpicked,
                },
                here: origin(raw.file, &evidence.quote),
            })
        })
        .collect();
    let mut found = locate_quotes(&queries, sources).into_iter();
    drop(queries);
    relations
        .iter()
        .map(|raw| {
            let mut complete = true;
            let mut evidence = Vec::with_capacity(raw.evidence.len());
            for _ in &raw.evidence {
                match found.next().flatten() {
                    Some(Ok(placed)) => evidence.push(placed),
                    Some(Err(diagnostic)) => {
                        complete = false;
                        diagnostics.push(*diagnostic);
                    }
                    None => complete = false,
                }
            }
            complete.then_some(evidence)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derived_id(modality: Modality, quote: &str) -> String {
        let claim = Claim {
            modality,
            negated: false,
            attributed_to: &[],
        };
        derived_relation_id(
            "ukraine",
            "seeks_membership",
            "nato",
            claim,
            &[("s", &fold_quote(quote))],
        )
    }

    #[test]
    fn a_derived_relation_id_ignores_quote_typography_but_not_content() {
        let a = derived_id(Modality::Actual, "\u{201c}join NATO\u{201d}");
        let b = derived_id(Modality::Actual, "\"join  NATO\"");
        let c = derived_id(Modality::Proposed, "\"join NATO\"");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.starts_with("ukraine.seeks_membership.nato."));
    }
}
