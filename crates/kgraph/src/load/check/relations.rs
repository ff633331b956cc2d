//! Relations: what each refers to is resolved first (entities, type,
//! modality, sources), then its quotes are located, then the relations
//! whose every part holds are built, with their ids.

use rayon::prelude::*;

use super::ids::{IdIndex, IdUse, Taken, check_relation_ids, permute};
use super::{check_date, occurrence, origin};
use crate::diagnostic::{Diagnostic, Origin, suggest};
use crate::evidence::{Found, Occurrence, QuoteQuery, fold_quote, locate_quotes};
use crate::load::raw::{Batches, RawDataset, RawRelation};
use crate::model::ids::{Claim, derived_relation_id, is_relation_id};
use crate::model::{Entity, Evidence, Modality, Relation, Schema, Source};

/// Sets keyed by ids: a fast hash, since the keys are checked data and
/// nothing depends on the order of a set (see the README's dependency table).
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// What resolving a relation's references gave: its modality if every
/// reference resolved, else `None`. Quotes are checked even when the
/// relation has other errors, so that one run reports them all; only a
/// relation with a modality here is built.
type Resolved = Option<Modality>;

/// Checks the relations and builds those whose every reference resolves and
/// every quote is found once. The raw relations are taken by value: what
/// they hold moves into the relations built, uncopied, and each batch of
/// them is freed once built.
pub(in crate::load) fn check_relations(
    relations: Batches<RawRelation>,
    raw: &RawDataset,
    schema: &Schema,
    entities: &[Entity],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Relation> {
    let records: Vec<&RawRelation> = relations.iter().collect();
    let resolved = resolve_references(&records, raw, schema, entities, sources, diagnostics);
    let located = locate_evidence(&records, sources, diagnostics);
    let IdsChecked { ids, kept } = check_ids(
        &records,
        &resolved,
        &located.complete,
        entities,
        diagnostics,
    );
    drop(records);
    build_relations(relations, &resolved, located, ids, kept, sources)
}

/// Checks what each relation refers to (entities, its type, its modality,
/// its sources) and the fields that need no other record.
fn resolve_references(
    relations: &[&RawRelation],
    raw: &RawDataset,
    schema: &Schema,
    entities: &[Entity],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Resolved> {
    let entity_ids: Vec<&str> = entities.iter().map(|entity| entity.id.as_str()).collect();
    let entity_index = IdIndex::new(entity_ids.iter().copied());
    // Each entity's kind as the schema spells it where it is one, so that
    // comparing kinds reads a few strings, not a million.
    let kind_names: Vec<&str> = schema.kinds.iter().map(|kind| kind.name.as_str()).collect();
    let kind_of: Vec<&str> = entities
        .par_iter()
        .with_min_len(1024)
        .map(|entity| {
            let kind = entity.kind.as_str();
            kind_names
                .iter()
                .copied()
                .find(|name| *name == kind)
                .unwrap_or(kind)
        })
        .collect();
    let type_names: Vec<&str> = schema
        .relation_types
        .iter()
        .map(|ty| ty.name.as_str())
        .collect();
    let source_index = IdIndex::new(sources.iter().map(|source| source.id.as_str()));
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
        entity_index,
        kind_of,
        id_by_name: std::sync::OnceLock::new(),
        type_names,
        source_index,
        declared_sources,
    };
    // On every core, a block of relations at a time; each block's
    // diagnostics are kept with it and reported in file order.
    let blocks: Vec<(Vec<Resolved>, Vec<Diagnostic>)> = relations
        .par_chunks(BLOCK)
        .map(|block| {
            let mut found = Vec::new();
            // The endpoints of the block first, hashed then looked up in
            // two tight loops: most of a lookup is waiting for memory,
            // and there the waits overlap.
            let hashes: Vec<[u64; 2]> = block
                .iter()
                .map(|relation| {
                    [&relation.from, &relation.to].map(|end| context.entity_index.hash(&end.value))
                })
                .collect();
            let endpoints: Vec<[Option<usize>; 2]> = block
                .iter()
                .zip(hashes)
                .map(|(relation, [from, to])| {
                    [
                        context.entity_index.get_hashed(&relation.from.value, from),
                        context.entity_index.get_hashed(&relation.to.value, to),
                    ]
                })
                .collect();
            let resolved = block
                .iter()
                .zip(endpoints)
                .map(|(relation, endpoints)| context.resolve(relation, endpoints, &mut found))
                .collect();
            (resolved, found)
        })
        .collect();
    let mut resolved = Vec::with_capacity(relations.len());
    for (block, found) in blocks {
        resolved.extend(block);
        diagnostics.extend(found);
    }
    resolved
}

/// What every relation is checked against.
struct Context<'a> {
    raw: &'a RawDataset,
    schema: &'a Schema,
    entities: &'a [Entity],
    sources: &'a [Source],
    entity_ids: Vec<&'a str>,
    /// Entity id to its index in `entities`.
    entity_index: IdIndex,
    /// The kind of each entity, by index.
    kind_of: Vec<&'a str>,
    /// Labels and aliases, so that `from = "Russia"` suggests `russia`:
    /// made when a first unknown entity needs it.
    id_by_name: std::sync::OnceLock<std::collections::HashMap<String, &'a str>>,
    type_names: Vec<&'a str>,
    source_index: IdIndex,
    declared_sources: HashSet<&'a str>,
}

impl Context<'_> {
    /// Checks one relation; `endpoints` are the entities its `from` and
    /// `to` name, looked up already.
    fn resolve(
        &self,
        relation: &RawRelation,
        endpoints: [Option<usize>; 2],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Resolved {
        let Context {
            raw,
            schema,
            entities,
            sources,
            entity_ids,
            entity_index,
            kind_of,
            id_by_name,
            type_names,
            source_index,
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
        // The kinds of `from` and `to`, for their domain and range.
        let mut endpoint_kinds = [None; 2];
        for (position, endpoint) in [&relation.from, &relation.to]
            .into_iter()
            .chain(&relation.attributed_to)
            .enumerate()
        {
            let entity = match endpoints.get(position) {
                Some(entity) => *entity,
                None => entity_index.get(&endpoint.value),
            };
            if let (Some(entity), Some(kind)) = (entity, endpoint_kinds.get_mut(position)) {
                *kind = Some(kind_of[entity]);
            }
            if entity.is_none() {
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
            for ((endpoint, allowed, role), kind) in [
                (&relation.from, &ty.domain, "domain"),
                (&relation.to, &ty.range, "range"),
            ]
            .into_iter()
            .zip(endpoint_kinds)
            {
                if let Some(kind) = kind
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
            if source_index.get(&evidence.source.value).is_none() {
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

/// The ids of the relations, and which of them are kept.
struct IdsChecked {
    /// By relation, in file order: its id, if its references all resolved
    /// and its quotes were all found.
    ids: Vec<Option<String>>,
    /// The relations whose id is theirs (not taken by an entity or an
    /// earlier relation), by index in file order, in order of id.
    kept: Vec<usize>,
}

/// Gives an id to each relation whose references all resolved and whose
/// quotes were all found; reports ids used twice.
fn check_ids(
    raw_relations: &[&RawRelation],
    resolved: &[Resolved],
    complete: &[bool],
    entities: &[Entity],
    diagnostics: &mut Vec<Diagnostic>,
) -> IdsChecked {
    // The ids first, on every core: a derived id hashes its quotes.
    let ids: Vec<Option<String>> = raw_relations
        .par_iter()
        .zip(resolved)
        .zip(complete)
        .map(|((raw, modality), complete)| {
            let modality = (*modality)?;
            complete.then_some(())?;
            Some(relation_id(raw, modality))
        })
        .collect();
    // Then which of them are taken already: by an entity, or by an earlier
    // relation.
    let entity_ids: Vec<&str> = entities.iter().map(|entity| entity.id.as_str()).collect();
    let IdUse { kept, taken } = check_relation_ids(&ids, &entity_ids);
    drop(entity_ids);
    for (index, taken) in taken {
        let raw = raw_relations[index];
        let id = ids[index].as_deref().expect("a taken id exists");
        let id_origin = match &raw.id {
            Some(given) => origin(raw.file, given),
            None => raw.head.clone(),
        };
        let mut diagnostic = match taken {
            Taken::ByEntity(entity) => {
                Diagnostic::error(format!("relation id `{id}` is already an entity id"))
                    .code("id-collision")
                    .at(id_origin, "this relation")
                    .at(entities[entity].origin.clone(), "the entity")
                    .note("relation and entity ids share one namespace: every export names both")
            }
            Taken::ByRelation(first) => {
                let first = raw_relations[first];
                let first_origin = match &first.id {
                    Some(given) => origin(first.file, given),
                    None => first.head.clone(),
                };
                Diagnostic::error(format!("duplicate relation id `{id}`"))
                    .code("duplicate-id")
                    .at(id_origin, "this relation")
                    .at(first_origin, "first used here")
            }
        };
        if raw.id.is_none() {
            diagnostic = diagnostic.note(
                "the id is derived from endpoints, type, modality and quotes: two relations alike in all of them are the same relation; remove one",
            );
        }
        diagnostics.push(diagnostic);
    }
    IdsChecked { ids, kept }
}

/// Builds the relations `kept` (by index in file order, in order of id)
/// from their raw records, ids and located quotes, in order of id.
fn build_relations(
    raw_relations: Batches<RawRelation>,
    resolved: &[Resolved],
    located: LocatedQuotes,
    ids: Vec<Option<String>>,
    kept: Vec<usize>,
    sources: &[Source],
) -> Vec<Relation> {
    let mut keep = vec![false; resolved.len()];
    for &index in &kept {
        keep[index] = true;
    }
    // Made at its size at once, so never copied to grow; its pages are
    // only taken as it fills, while the batches of records are freed.
    let mut relations: Vec<Relation> = Vec::with_capacity(kept.len());
    let mut places: &[Found] = &located.places;
    let mut ids = ids.into_iter();
    let mut start = 0;
    // A batch of records at a time, built on every core and then freed:
    // the records of every relation and the whole model are never held at
    // once. Each relation only moves what its raw record holds, so the
    // order of the work does not matter.
    for batch in raw_relations.into_batches() {
        let end = start + batch.len();
        // Each relation's own places, in the order of its quotes.
        let mut batch_places: Vec<&[Found]> = Vec::with_capacity(batch.len());
        for raw in &batch {
            let (own, rest) = places.split_at(raw.evidence.len().min(places.len()));
            batch_places.push(own);
            places = rest;
        }
        let batch_ids: Vec<Option<String>> = ids.by_ref().take(batch.len()).collect();
        relations.par_extend(
            batch
                .into_par_iter()
                .zip(&resolved[start..end])
                .zip(batch_places)
                .zip(batch_ids)
                .zip(&keep[start..end])
                .filter_map(|((((raw, modality), places), id), kept)| {
                    // A relation is given an id, and kept, only when each
                    // of its quotes was found once.
                    let (true, Some(id), Some(modality)) = (*kept, id, *modality) else {
                        return None;
                    };
                    Some(build_relation(raw, id, modality, places, sources))
                }),
        );
        start = end;
    }
    // Then put in order of id, which `kept` is in: relation `kept[p]` is
    // the how-many-th kept one in file order that `built_at` says.
    let mut count = 0;
    let built_at: Vec<usize> = keep
        .into_iter()
        .map(|kept| {
            let at = count;
            count += usize::from(kept);
            at
        })
        .collect();
    let mut order = kept;
    for index in &mut order {
        *index = built_at[*index];
    }
    drop(built_at);
    permute(&mut relations, &order);
    relations
}

/// A relation from its checked raw record, its id and its located quotes.
fn build_relation(
    raw: RawRelation,
    id: String,
    modality: Modality,
    places: &[Found],
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
            .zip(
                places
                    .iter()
                    .filter_map(|place| place.as_ref()?.as_ref().ok()),
            )
            .map(|(typed, &(source, span))| {
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

/// How many relations are checked as one piece of work: enough that
/// handing out the work costs little, few enough that both cores are busy.
const BLOCK: usize = 1024;

/// Where every quote of the relations stands, in file order of relations
/// and of their quotes; a quote not found once holds `None` here, its
/// diagnostic reported.
struct LocatedQuotes {
    /// One per quote: flat, not a vector per relation, which at five
    /// million relations made five million small allocations.
    places: Vec<Found>,
    /// One per relation: whether each of its quotes was found once.
    complete: Vec<bool>,
}

/// Locates every quote of the pending relations. A quote not found once
/// is reported, or, if its source is not loaded, left to be reported where
/// the relation names it or where the source is declared.
fn locate_evidence(
    relations: &[&RawRelation],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> LocatedQuotes {
    // How many quotes each block of relations has: the queries of a block
    // are written, and its results read, on one core.
    let quote_counts: Vec<usize> = relations
        .par_chunks(BLOCK)
        .map(|block| block.iter().map(|raw| raw.evidence.len()).sum())
        .collect();
    // Made at their exact size and filled on every core: collected from a
    // flat map, they would be gathered in pieces and copied once more,
    // twice their size at once.
    let placeholder = QuoteQuery {
        source: "",
        quote: "",
        occurrence: Occurrence::Unpicked,
        here: Origin::new(0, 0..0),
    };
    let mut queries: Vec<QuoteQuery<'_>> = Vec::new();
    (0..quote_counts.iter().sum())
        .into_par_iter()
        .map(|_| placeholder.clone())
        .collect_into_vec(&mut queries);
    split_by_counts(&mut queries, &quote_counts)
        .into_par_iter()
        .zip(relations.par_chunks(BLOCK))
        .for_each(|(queries, block)| {
            let typed = block.iter().flat_map(|raw| {
                raw.evidence.iter().map(move |evidence| QuoteQuery {
                    source: &evidence.source.value,
                    quote: &evidence.quote.value,
                    occurrence: occurrence(raw.file, &evidence.occurrence),
                    here: origin(raw.file, &evidence.quote),
                })
            });
            for (query, typed) in queries.iter_mut().zip(typed) {
                *query = typed;
            }
        });
    let mut found = locate_quotes(&queries, sources);
    drop(queries);
    // Which relations have every quote found, a block at a time on every
    // core; the diagnostics of the others are taken out, each block's
    // reported in file order.
    let blocks: Vec<(Vec<bool>, Vec<Diagnostic>)> = relations
        .par_chunks(BLOCK)
        .zip(split_by_counts(&mut found, &quote_counts))
        .map(|(block, results)| {
            let mut results = results.iter_mut();
            let mut complete = Vec::with_capacity(block.len());
            let mut diagnostics = Vec::new();
            for raw in block {
                let mut all_found = true;
                for result in results.by_ref().take(raw.evidence.len()) {
                    match result {
                        Some(Ok(_)) => {}
                        Some(Err(_)) => {
                            all_found = false;
                            if let Some(Err(diagnostic)) = result.take() {
                                diagnostics.push(*diagnostic);
                            }
                        }
                        None => all_found = false,
                    }
                }
                complete.push(all_found);
            }
            (complete, diagnostics)
        })
        .collect();
    let mut complete = Vec::with_capacity(relations.len());
    for (block, found_diagnostics) in blocks {
        complete.extend(block);
        diagnostics.extend(found_diagnostics);
    }
    LocatedQuotes {
        places: found,
        complete,
    }
}

/// `items` cut into consecutive pieces of `counts[i]` items each (the
/// last pieces shorter or empty if there are too few).
fn split_by_counts<'a, T>(mut items: &'a mut [T], counts: &[usize]) -> Vec<&'a mut [T]> {
    let mut pieces = Vec::with_capacity(counts.len());
    for &count in counts {
        let (piece, rest) = items.split_at_mut(count.min(items.len()));
        pieces.push(piece);
        items = rest;
    }
    pieces
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
