//! The analyzer: raw records to a validated [`Dataset`], every problem
//! reported with where it is and, where one fits, a suggestion.

use std::collections::{BTreeMap, HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::raw::{RawDataset, RawEntity, RawRelation, RawReviewed, S};
use super::record::Spanned;
use crate::diagnostic::{Diagnostic, FileId, Origin, did_you_mean};
use crate::evidence::{Located, SourceIndex, fold_quote};
use crate::model::ids::{is_name, is_qid, is_relation_id, is_slug, is_web_url};
use crate::model::{
    Allowance, DateError, DotStyle, Entity, Evidence, Kind, Modality, PartialDate, Relation,
    RelationType, Reviewed, Schema, Source, TextSpan,
};

/// Graphviz attributes a kind may set. Others would be dropped silently by
/// Graphviz or clash with what kgraph sets itself (labels, tooltips).
pub(super) const KIND_DOT_ATTRIBUTES: [&str; 8] = [
    "color",
    "fillcolor",
    "fontcolor",
    "fontname",
    "fontsize",
    "penwidth",
    "peripheries",
    "shape",
];

/// Graphviz attributes a relation type may set; `style` is left to the
/// modality.
pub(super) const TYPE_DOT_ATTRIBUTES: [&str; 8] = [
    "arrowhead",
    "arrowsize",
    "arrowtail",
    "color",
    "dir",
    "fontcolor",
    "fontname",
    "penwidth",
];

fn origin(file: FileId, value: &S) -> Origin {
    Origin::new(file, value.span.clone())
}

/// What a relation claims besides its endpoints and type: how it holds, and
/// whose view it is. Part of a derived relation id, since the same words
/// said as a fact and as someone's proposal are two relations.
#[derive(Debug, Clone, Copy)]
pub(super) struct Claim<'a> {
    pub modality: Modality,
    pub negated: bool,
    pub attributed_to: &'a [&'a str],
}

#[cfg(test)]
impl Claim<'_> {
    /// A plain claim: the author's own, not negated.
    pub(super) fn plain(modality: Modality) -> Claim<'static> {
        Claim {
            modality,
            negated: false,
            attributed_to: &[],
        }
    }
}

/// The id of a relation that has none: its endpoints and type, readable, and
/// a hash of everything that makes it this relation. It depends on nothing
/// else in the dataset, so adding or reordering other relations never
/// changes it; quotes are hashed in folded form, so retyping a quote mark
/// does not either.
pub(super) fn derived_relation_id(
    from: &str,
    relation_type: &str,
    to: &str,
    claim: Claim<'_>,
    evidence: &[(&str, &str)],
) -> String {
    let mut hasher = Sha256::new();
    for part in [from, relation_type, to, claim.modality.as_str()] {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    // Hashed only when set, so that the ids of relations written before
    // attribution and negation existed do not change.
    if claim.negated {
        hasher.update(b"negated\x1f");
    }
    if !claim.attributed_to.is_empty() {
        let mut holders: Vec<&str> = claim.attributed_to.to_vec();
        holders.sort_unstable();
        holders.dedup();
        hasher.update(b"attributed_to");
        for holder in holders {
            hasher.update([0x1f]);
            hasher.update(holder.as_bytes());
        }
        hasher.update([0x1e]);
    }
    let mut quotes: Vec<(String, String)> = evidence
        .iter()
        .map(|(source, quote)| ((*source).to_owned(), fold_quote(quote)))
        .collect();
    quotes.sort();
    for (source, quote) in &quotes {
        hasher.update(source.as_bytes());
        hasher.update([0x1f]);
        hasher.update(quote.as_bytes());
        hasher.update([0x1e]);
    }
    let digest = hasher.finalize();
    let hex: String = digest[..4]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{from}.{relation_type}.{to}.{hex}")
}

fn style(
    file_pairs: &[(S, S)],
    file: FileId,
    allowed: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> DotStyle {
    let mut dot = DotStyle::new();
    for (key, value) in file_pairs {
        if allowed.contains(&key.value.as_str()) {
            dot.insert(key.value.clone(), value.value.clone());
        } else {
            diagnostics.push(
                Diagnostic::error(format!(
                    "unsupported DOT attribute `{}`{}",
                    key.value,
                    did_you_mean(&key.value, allowed.iter().copied())
                ))
                .code("unsupported-dot-attribute")
                .at(origin(file, key), "not allowed here")
                .note(format!("allowed: {}", allowed.join(", "))),
            );
        }
    }
    dot
}

/// Reports a second definition of an id, pointing at both.
fn check_unique<'a>(
    seen: &mut HashMap<&'a str, Origin>,
    what: &str,
    id: &'a str,
    here: Origin,
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    if let Some(first) = seen.get(id) {
        diagnostics.push(
            Diagnostic::error(format!("duplicate {what} `{id}`"))
                .code("duplicate-id")
                .at(here, "defined again here")
                .at(first.clone(), "first defined here"),
        );
        false
    } else {
        seen.insert(id, here);
        true
    }
}

fn check_not_empty(value: &S, file: FileId, what: &str, diagnostics: &mut Vec<Diagnostic>) {
    if value.value.trim().is_empty() {
        diagnostics.push(
            Diagnostic::error(format!("empty {what}"))
                .code("empty-value")
                .at(origin(file, value), format!("{what} is empty")),
        );
    }
}

pub(super) fn check_schema(raw: &RawDataset, diagnostics: &mut Vec<Diagnostic>) -> Schema {
    let mut seen = HashMap::new();
    let mut kinds = Vec::new();
    for kind in &raw.kinds {
        let file = kind.head.file;
        if !is_name(&kind.name.value) {
            diagnostics.push(
                Diagnostic::error(format!("invalid kind name `{}`", kind.name.value))
                    .code("invalid-name")
                    .at(origin(file, &kind.name), "expected `[a-z][a-z0-9_]*`"),
            );
        }
        if check_unique(
            &mut seen,
            "kind",
            &kind.name.value,
            origin(file, &kind.name),
            diagnostics,
        ) {
            kinds.push(Kind {
                name: kind.name.value.clone(),
                description: kind.description.value.clone(),
                dot: style(&kind.dot, file, &KIND_DOT_ATTRIBUTES, diagnostics),
                origin: kind.head.clone(),
            });
        }
    }
    let kind_names: Vec<&str> = raw
        .kinds
        .iter()
        .map(|kind| kind.name.value.as_str())
        .collect();
    let mut seen = HashMap::new();
    let mut relation_types = Vec::new();
    for ty in &raw.relation_types {
        let file = ty.head.file;
        if !is_name(&ty.name.value) {
            diagnostics.push(
                Diagnostic::error(format!("invalid relation type name `{}`", ty.name.value))
                    .code("invalid-name")
                    .at(origin(file, &ty.name), "expected `[a-z][a-z0-9_]*`"),
            );
        }
        check_not_empty(&ty.definition, file, "definition", diagnostics);
        if let Some(line_break) = ty.definition.value.find(['\n', '\r']) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "the definition of relation type `{}` is more than one line",
                    ty.name.value
                ))
                .code("multiline-definition")
                .at(origin(file, &ty.definition), "holds a line break")
                .note(format!(
                    "a definition is one line, shown as a tooltip and a table cell; the line break is at character {}",
                    ty.definition.value[..line_break].chars().count() + 1
                ))
                .note("put longer explanations in a comment beside the relation type"),
            );
        }
        if let Some(label) = &ty.label {
            check_not_empty(label, file, "label", diagnostics);
            if label.value.contains(['\n', '\r']) {
                diagnostics.push(
                    Diagnostic::error("relation type label spans several lines")
                        .code("multiline-label")
                        .at(origin(file, label), "a label is one line")
                        .note("the label is drawn on edges and in legends"),
                );
            }
        }
        for kind in ty.domain.iter().chain(&ty.range) {
            if !kind_names.contains(&kind.value.as_str()) {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "unknown kind `{}`{}",
                        kind.value,
                        did_you_mean(&kind.value, kind_names.iter().copied())
                    ))
                    .code("unknown-kind")
                    .at(origin(file, kind), "not a kind in the schema"),
                );
            }
        }
        if check_unique(
            &mut seen,
            "relation type",
            &ty.name.value,
            origin(file, &ty.name),
            diagnostics,
        ) {
            relation_types.push(RelationType {
                name: ty.name.value.clone(),
                label: ty.label.as_ref().map(|label| label.value.clone()),
                definition: ty.definition.value.clone(),
                domain: ty.domain.iter().map(|kind| kind.value.clone()).collect(),
                range: ty.range.iter().map(|kind| kind.value.clone()).collect(),
                symmetric: ty.symmetric,
                dot: style(&ty.dot, file, &TYPE_DOT_ATTRIBUTES, diagnostics),
                origin: ty.head.clone(),
            });
        }
    }
    kinds.sort_by(|a, b| a.name.cmp(&b.name));
    relation_types.sort_by(|a, b| a.name.cmp(&b.name));
    Schema {
        kinds,
        relation_types,
    }
}

pub(super) fn check_entities(
    raw: &RawDataset,
    schema: &Schema,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Entity> {
    let kind_names: Vec<&str> = schema.kinds.iter().map(|kind| kind.name.as_str()).collect();
    let mut seen = HashMap::new();
    // Folded surface form -> the entity that claims it, and where.
    let mut surface_forms: HashMap<String, NameClaim<'_>> = HashMap::new();
    let mut entities = Vec::new();
    for entity in &raw.entities {
        let file = entity.file;
        let id = &entity.id.value;
        if !is_slug(id) {
            diagnostics.push(
                Diagnostic::error(format!("invalid entity id `{id}`"))
                    .code("invalid-id")
                    .at(
                        origin(file, &entity.id),
                        "expected a lowercase slug such as `north-atlantic-council`",
                    ),
            );
        }
        let unique = check_unique(
            &mut seen,
            "entity id",
            id,
            origin(file, &entity.id),
            diagnostics,
        );
        check_not_empty(&entity.label, file, "label", diagnostics);
        if raw.schema_complete && !kind_names.contains(&entity.kind.value.as_str()) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "unknown kind `{}`{}",
                    entity.kind.value,
                    did_you_mean(&entity.kind.value, kind_names.iter().copied())
                ))
                .code("unknown-kind")
                .at(origin(file, &entity.kind), "not a kind in the schema"),
            );
        }
        if let Some(qid) = &entity.wikidata
            && !is_qid(&qid.value)
        {
            diagnostics.push(
                Diagnostic::error(format!("malformed Wikidata id `{}`", qid.value))
                    .code("malformed-wikidata-id")
                    .at(
                        origin(file, qid),
                        "expected `Q` followed by digits, such as `Q7184`",
                    ),
            );
        }
        check_surface_forms(entity, &mut surface_forms, diagnostics);
        if unique {
            entities.push(Entity {
                id: id.clone(),
                label: entity.label.value.clone(),
                kind: entity.kind.value.clone(),
                aliases: entity
                    .aliases
                    .iter()
                    .map(|alias| alias.value.clone())
                    .collect(),
                description: entity
                    .description
                    .as_ref()
                    .map(|d| d.value.clone())
                    .unwrap_or_default(),
                wikidata: entity.wikidata.as_ref().map(|qid| qid.value.clone()),
                mentions: 0,
                origin: entity.head.clone(),
            });
        }
    }
    entities.sort_by(|a, b| a.id.cmp(&b.id));
    entities
}

/// The form under which two names are the same name: typographic quotes
/// and dashes folded (as for quotes), Unicode compatibility forms unified
/// (NFKC: fullwidth `Ｎ` is `N`, the ligature `ﬁ` is `fi`, a composed `é`
/// is `e` plus its accent), case folded, and invisible characters (zero-width
/// space, joiners, soft hyphen, bidirectional controls, variation
/// selectors) dropped. Names equal under this key cannot be told apart by a
/// reader, nor by `kg query`, which matches names ignoring case.
pub(crate) fn name_key(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let visible: String = fold_quote(name)
        .nfkc()
        .filter(|&character| !is_invisible(character))
        .collect();
    // Lowercasing can undo NFKC (U+0130 becomes `i` and a combining dot):
    // normalise once more.
    visible.to_lowercase().nfkc().collect()
}

/// Default-ignorable code points: drawn as nothing, so a name with one
/// looks exactly like the name without it.
fn is_invisible(character: char) -> bool {
    matches!(
        character,
        '\u{00ad}'
            | '\u{034f}'
            | '\u{061c}'
            | '\u{115f}'..='\u{1160}'
            | '\u{17b4}'..='\u{17b5}'
            | '\u{180b}'..='\u{180f}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0000}'..='\u{e0fff}'
    )
}

/// `name` with its invisible characters written as `\u{200b}`, so that a
/// message shows where two names that look alike differ.
fn show_invisible(name: &str) -> String {
    let mut shown = String::with_capacity(name.len());
    for character in name.chars() {
        if is_invisible(character) {
            shown.push_str(&format!("\\u{{{:x}}}", u32::from(character)));
        } else {
            shown.push(character);
        }
    }
    shown
}

/// A name claimed by an entity: the entity, where, and the name as written.
struct NameClaim<'a> {
    owner: &'a str,
    origin: Origin,
    written: &'a str,
}

/// Each label and alias names one entity only: otherwise a mention in a text
/// could not be attributed. Names are compared by [`name_key`], so two that
/// differ only in case, Unicode form or invisible characters collide too.
fn check_surface_forms<'a>(
    entity: &'a RawEntity,
    claimed: &mut HashMap<String, NameClaim<'a>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (index, form) in std::iter::once(&entity.label)
        .chain(&entity.aliases)
        .enumerate()
    {
        let here = origin(entity.file, form);
        if index > 0 && form.value.trim().is_empty() {
            diagnostics.push(
                Diagnostic::error("empty alias")
                    .code("empty-value")
                    .at(here, "alias is empty"),
            );
            continue;
        }
        let key = name_key(&form.value);
        if key.is_empty() {
            continue;
        }
        let id = entity.id.value.as_str();
        match claimed.get(&key) {
            Some(first) if first.owner != id && fold_quote(first.written) == fold_quote(&form.value) => {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "alias `{}` is claimed by two entities, `{}` and `{id}`",
                        form.value, first.owner
                    ))
                    .code("alias-claimed-twice")
                    .at(here, format!("claimed by `{id}`"))
                    .at(first.origin.clone(), format!("claimed by `{}`", first.owner)),
                )
            }
            Some(first) if first.owner != id => diagnostics.push(
                Diagnostic::error(format!(
                    "`{}` of `{id}` looks the same as `{}` of `{}`",
                    show_invisible(&form.value),
                    show_invisible(first.written),
                    first.owner
                ))
                .code("names-look-the-same")
                .at(here, format!("claimed by `{id}`"))
                .at(first.origin.clone(), format!("claimed by `{}`", first.owner))
                .note("the two differ only in case, Unicode form (NFKC: composed or decomposed accents, fullwidth letters, ligatures) or invisible characters: a reader, and `kg query`, cannot tell them apart"),
            ),
            // Case variants of one entity's name can be deliberate: short
            // capitals ("NATO") match case-sensitively, "Nato" adds the
            // other spelling.
            Some(first) if fold_quote(first.written) != fold_quote(&form.value) => {}
            Some(first) => diagnostics.push(
                Diagnostic::warning(format!(
                    "`{}` is listed twice for `{id}`",
                    form.value
                ))
                .code("alias-repeated")
                .at(here, "repeated here")
                .at(first.origin.clone(), "first here"),
            ),
            None => {
                claimed.insert(
                    key,
                    NameClaim {
                        owner: id,
                        origin: here,
                        written: &form.value,
                    },
                );
            }
        }
    }
}

pub(super) fn check_sources_metadata(raw: &RawDataset, diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = HashMap::new();
    for source in &raw.sources {
        let file = source.file;
        if !is_slug(&source.id.value) {
            diagnostics.push(
                Diagnostic::error(format!("invalid source id `{}`", source.id.value))
                    .code("invalid-id")
                    .at(
                        origin(file, &source.id),
                        "expected a lowercase slug such as `kortunov-2022`",
                    ),
            );
        }
        check_unique(
            &mut seen,
            "source id",
            &source.id.value,
            origin(file, &source.id),
            diagnostics,
        );
        check_not_empty(&source.title, file, "title", diagnostics);
        check_date(&source.date, file, diagnostics);
        if let Some(copy_date) = &source.copy_date {
            check_date(copy_date, file, diagnostics);
        }
        for url in source.url.iter().chain(&source.copy_url) {
            check_url(url, file, diagnostics);
        }
    }
}

fn check_url(url: &S, file: FileId, diagnostics: &mut Vec<Diagnostic>) {
    if is_web_url(&url.value) {
        return;
    }
    let scheme = url.value.split_once(':').map(|(scheme, _)| scheme);
    let diagnostic = match scheme {
        Some(scheme)
            if !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") =>
        {
            Diagnostic::error(format!(
                "url `{}` is not a web address: scheme `{scheme}` is not allowed",
                url.value
            ))
            .code("url-scheme")
            .at(origin(file, url), "expected `http` or `https`")
            .note(
                "only http and https URLs are accepted: exports and the HTML view make them links",
            )
        }
        _ => Diagnostic::error(format!("malformed url `{}`", url.value))
            .code("malformed-url")
            .at(
                origin(file, url),
                "expected an absolute URL such as `https://example.org/page`",
            ),
    };
    diagnostics.push(diagnostic);
}

fn check_date(date: &S, file: FileId, diagnostics: &mut Vec<Diagnostic>) {
    match PartialDate::parse(&date.value) {
        Ok(_) => {}
        Err(DateError::Malformed) => diagnostics.push(
            Diagnostic::error(format!("malformed date `{}`", date.value))
                .code("malformed-date")
                .at(
                    origin(file, date),
                    "expected `YYYY`, `YYYY-MM` or `YYYY-MM-DD`",
                ),
        ),
        Err(DateError::Impossible(why)) => diagnostics.push(
            Diagnostic::error(format!("impossible date `{}`", date.value))
                .code("impossible-date")
                .at(origin(file, date), "not a date in the calendar")
                .note(why),
        ),
    }
}

/// A relation waiting for its quotes. Quotes are checked even when the
/// relation has other errors, so that one run reports them all; only a
/// relation with `modality` set (every reference resolved) is built.
struct Pending<'a> {
    raw: &'a RawRelation,
    modality: Option<Modality>,
}

pub(super) fn check_relations(
    raw: &RawDataset,
    schema: &Schema,
    entities: &[Entity],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Relation> {
    let entity_ids: Vec<&str> = entities.iter().map(|entity| entity.id.as_str()).collect();
    let kind_of: HashMap<&str, &str> = entities
        .iter()
        .map(|e| (e.id.as_str(), e.kind.as_str()))
        .collect();
    // Labels and aliases, so that `from = "Russia"` suggests `russia`.
    let mut id_by_name: HashMap<String, &str> = HashMap::new();
    for entity in entities {
        for name in std::iter::once(&entity.label).chain(&entity.aliases) {
            id_by_name.entry(name.to_lowercase()).or_insert(&entity.id);
        }
    }
    let type_names: Vec<&str> = schema
        .relation_types
        .iter()
        .map(|ty| ty.name.as_str())
        .collect();
    let source_ids: HashSet<&str> = sources.iter().map(|source| source.id.as_str()).collect();
    // Sources declared but not loaded (hash mismatch, missing text) are
    // reported where they are declared, not at every quote.
    let declared_sources: Vec<&str> = raw
        .sources
        .iter()
        .map(|source| source.id.value.as_str())
        .collect();

    let mut pending = Vec::new();
    for relation in &raw.relations {
        let file = relation.file;
        let mut ok = true;
        let mut holders = HashSet::new();
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
                let suggestion = match id_by_name.get(&endpoint.value.to_lowercase()) {
                    Some(id) => format!(" (did you mean `{id}`?)"),
                    None => did_you_mean(&endpoint.value, entity_ids.iter().copied()),
                };
                diagnostics.push(
                    Diagnostic::error(format!("unknown entity `{}`{suggestion}", endpoint.value))
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
                Diagnostic::error(format!(
                    "unknown relation type `{}`{}",
                    relation.relation_type.value,
                    did_you_mean(&relation.relation_type.value, type_names.iter().copied())
                ))
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
                Diagnostic::error(format!(
                    "unknown modality `{}`{}",
                    relation.modality.value,
                    did_you_mean(
                        &relation.modality.value,
                        Modality::ALL.iter().map(|m| m.as_str())
                    )
                ))
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
                if declared_sources.contains(&evidence.source.value.as_str())
                    || !raw.sources_complete
                {
                    continue;
                }
                diagnostics.push(
                    Diagnostic::error(format!(
                        "unknown source `{}`{}",
                        evidence.source.value,
                        did_you_mean(
                            &evidence.source.value,
                            sources.iter().map(|source| source.id.as_str())
                        )
                    ))
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
        pending.push(Pending {
            raw: relation,
            modality: modality.ok().filter(|_| ok),
        });
    }

    let located = locate_evidence(&pending, sources, diagnostics);
    let mut seen: HashMap<String, Origin> = entities
        .iter()
        .map(|e| (e.id.clone(), e.origin.clone()))
        .collect();
    let mut relations = Vec::new();
    for (relation, evidence) in pending.iter().zip(located) {
        let (Some(evidence), Some(modality)) = (evidence, relation.modality) else {
            continue;
        };
        let raw = relation.raw;
        let (id, id_origin) = match &raw.id {
            Some(id) => (id.value.clone(), origin(raw.file, id)),
            None => {
                let quotes: Vec<(&str, &str)> = raw
                    .evidence
                    .iter()
                    .map(|e| (e.source.value.as_str(), e.quote.value.as_str()))
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
                let id = derived_relation_id(
                    &raw.from.value,
                    &raw.relation_type.value,
                    &raw.to.value,
                    claim,
                    &quotes,
                );
                (id, raw.head.clone())
            }
        };
        if let Some(first) = seen.get(&id) {
            let mut diagnostic = if kind_of.contains_key(id.as_str()) {
                Diagnostic::error(format!("relation id `{id}` is already an entity id"))
                    .code("id-collision")
                    .at(id_origin, "this relation")
                    .at(first.clone(), "the entity")
                    .note("relation and entity ids share one namespace: every export names both")
            } else {
                Diagnostic::error(format!("duplicate relation id `{id}`"))
                    .code("duplicate-id")
                    .at(id_origin, "this relation")
                    .at(first.clone(), "first used here")
            };
            if raw.id.is_none() {
                diagnostic = diagnostic.note(
                    "the id is derived from endpoints, type, modality and quotes: two relations alike in all of them are the same relation; remove one",
                );
            }
            diagnostics.push(diagnostic);
            continue;
        }
        seen.insert(id.clone(), id_origin);
        relations.push(Relation {
            id,
            from: raw.from.value.clone(),
            relation_type: raw.relation_type.value.clone(),
            to: raw.to.value.clone(),
            modality,
            attributed_to: raw
                .attributed_to
                .iter()
                .map(|holder| holder.value.clone())
                .collect(),
            negated: raw.negated,
            evidence,
            note: raw.note.as_ref().map(|n| n.value.clone()),
            date: raw.date.as_ref().map(|d| d.value.clone()),
            origin: raw.head.clone(),
        });
    }
    relations.sort_by(|a, b| a.id.cmp(&b.id));
    relations
}

/// Locates every quote, one index and one pass per source. Returns, per
/// pending relation, its resolved evidence, or `None` if a quote failed.
fn locate_evidence(
    pending: &[Pending<'_>],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Option<Vec<Evidence>>> {
    // Source id -> (relation index, evidence index) of each quote in it.
    let mut by_source: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    for (relation_index, relation) in pending.iter().enumerate() {
        for (evidence_index, evidence) in relation.raw.evidence.iter().enumerate() {
            by_source
                .entry(&evidence.source.value)
                .or_default()
                .push((relation_index, evidence_index));
        }
    }
    let mut results: Vec<Vec<Option<Evidence>>> = pending
        .iter()
        .map(|relation| vec![None; relation.raw.evidence.len()])
        .collect();
    // Each source is independent: locate them on every core, then merge in
    // source order so that results and diagnostics do not depend on timing.
    let jobs: Vec<(&Source, Vec<(usize, usize)>)> = by_source
        .into_iter()
        .filter_map(|(source_id, places)| {
            let found = sources.binary_search_by(|source| source.id.as_str().cmp(source_id));
            found.ok().map(|index| (&sources[index], places))
        })
        .collect();
    let locate = |(source, places): &(&Source, Vec<(usize, usize)>)| -> Vec<Located> {
        let quotes: Vec<&str> = places
            .iter()
            .map(|&(r, e)| pending[r].raw.evidence[e].quote.value.as_str())
            .collect();
        SourceIndex::new(&source.text).locate_all(&quotes)
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = jobs.len().div_ceil(threads).max(1);
    let located: Vec<Vec<Located>> = std::thread::scope(|scope| {
        let workers: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(locate).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("locating quotes does not panic"))
            .collect()
    });
    for ((source, places), found) in jobs.iter().zip(located) {
        for (&(r, e), located) in places.iter().zip(found) {
            let raw = &pending[r].raw;
            let evidence = &raw.evidence[e];
            let here = origin(raw.file, &evidence.quote);
            let chosen = match &evidence.occurrence {
                Some(occurrence) => {
                    choose_occurrence(located, occurrence, &source.id, raw.file, here)
                }
                None => match located {
                    Located::Unique(span) => Ok(span),
                    other => Err(quote_problem(other, &source.id, here, true)),
                },
            };
            match chosen {
                Ok(span) => {
                    results[r][e] = Some(Evidence {
                        source: source.id.clone(),
                        quote: source.text[span.byte_start..span.byte_end].to_owned(),
                        location: span,
                    });
                }
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
    }
    results
        .into_iter()
        .map(|evidence| evidence.into_iter().collect::<Option<Vec<_>>>())
        .collect()
}

/// Checks `[[allow]]` entries: a known lint, and a subject that names
/// something in the dataset.
pub(super) fn check_allowances(
    raw: &RawDataset,
    schema: &Schema,
    entities: &[Entity],
    relations: &[Relation],
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Allowance> {
    let codes = || crate::diagnostic::LINTS.iter().map(|(code, _)| *code);
    let mut allowed = Vec::new();
    for item in &raw.allowed {
        check_not_empty(&item.reason, item.file, "reason", diagnostics);
        if !codes().any(|code| code == item.lint.value) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "unknown lint `{}`{}",
                    item.lint.value,
                    did_you_mean(&item.lint.value, codes())
                ))
                .code("unknown-lint")
                .at(origin(item.file, &item.lint), "not a lint of `kg lint`")
                .note(format!("lints: {}", codes().collect::<Vec<_>>().join(", "))),
            );
            continue;
        }
        if let Some(subject) = &item.subject {
            let known = entities.iter().any(|e| e.id == subject.value)
                || relations.iter().any(|r| r.id == subject.value)
                || schema.relation_type(&subject.value).is_some()
                || schema.kind(&subject.value).is_some()
                || sources.iter().any(|s| s.id == subject.value);
            // Unknown only when every file it could name was read.
            if !known && raw.entities_complete && raw.schema_complete && raw.sources_complete {
                let names = entities
                    .iter()
                    .map(|e| e.id.as_str())
                    .chain(relations.iter().map(|r| r.id.as_str()))
                    .chain(schema.relation_types.iter().map(|t| t.name.as_str()))
                    .chain(schema.kinds.iter().map(|k| k.name.as_str()))
                    .chain(sources.iter().map(|s| s.id.as_str()));
                diagnostics.push(
                    Diagnostic::error(format!(
                        "unknown subject `{}`{}",
                        subject.value,
                        did_you_mean(&subject.value, names)
                    ))
                    .code("unknown-subject")
                    .at(
                        origin(item.file, subject),
                        "no entity, relation, relation type, kind or source has this id",
                    ),
                );
                continue;
            }
        }
        allowed.push(Allowance {
            code: item.lint.value.clone(),
            subject: item.subject.as_ref().map(|s| s.value.clone()),
            reason: item.reason.value.clone(),
            origin: item.head.clone(),
        });
    }
    allowed
}

/// Locates the quotes of reviewed passages, as evidence quotes are located.
pub(super) fn check_reviewed(
    raw: &RawDataset,
    sources: &[Source],
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Reviewed> {
    let declared: HashSet<&str> = raw
        .sources
        .iter()
        .map(|source| source.id.value.as_str())
        .collect();
    let mut by_source: BTreeMap<&str, Vec<&RawReviewed>> = BTreeMap::new();
    for item in &raw.reviewed {
        check_not_empty(&item.reason, item.file, "reason", diagnostics);
        let id = item.source.value.as_str();
        if sources
            .binary_search_by(|source| source.id.as_str().cmp(id))
            .is_ok()
        {
            by_source.entry(id).or_default().push(item);
        } else if !declared.contains(id) && raw.sources_complete {
            diagnostics.push(
                Diagnostic::error(format!(
                    "unknown source `{id}`{}",
                    did_you_mean(id, sources.iter().map(|source| source.id.as_str()))
                ))
                .code("unknown-source")
                .at(origin(item.file, &item.source), "no source has this id"),
            );
        }
    }
    let mut reviewed = Vec::new();
    for (source_id, items) in by_source {
        let source = sources
            .iter()
            .find(|source| source.id == source_id)
            .expect("grouped by known sources");
        let index = SourceIndex::new(&source.text);
        let quotes: Vec<&str> = items.iter().map(|item| item.quote.value.as_str()).collect();
        for (item, located) in items.iter().zip(index.locate_all(&quotes)) {
            let here = origin(item.file, &item.quote);
            match located {
                Located::Unique(span) => reviewed.push(Reviewed {
                    source: source.id.clone(),
                    quote: source.text[span.byte_start..span.byte_end].to_owned(),
                    location: span,
                    reason: item.reason.value.clone(),
                    origin: item.head.clone(),
                }),
                other => diagnostics.push(quote_problem(other, source_id, here, false)),
            }
        }
    }
    reviewed.sort_by(|a, b| {
        (&a.source, a.location.byte_start).cmp(&(&b.source, b.location.byte_start))
    });
    reviewed
}

/// The place an `occurrence = N` picks among a quote's matches, or why it
/// picks none.
fn choose_occurrence(
    located: Located,
    occurrence: &Spanned<i64>,
    source_id: &str,
    file: FileId,
    here: Origin,
) -> Result<TextSpan, Diagnostic> {
    let at = Origin::new(file, occurrence.span.clone());
    match located {
        Located::Ambiguous(places) => usize::try_from(occurrence.value)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|index| places.get(index).copied())
            .ok_or_else(|| {
                Diagnostic::error(format!(
                    "`occurrence = {}` is out of range: the quote occurs {} times in source `{source_id}`",
                    occurrence.value,
                    places.len()
                ))
                .code("occurrence-out-of-range")
                .at(at, format!("expected 1 to {}", places.len()))
                .at(here, "this quote")
                .note(list_places(&places))
            }),
        Located::Unique(span) => Err(Diagnostic::error(format!(
            "`occurrence` is given, but the quote occurs only once in source `{source_id}`"
        ))
        .code("occurrence-on-unique-quote")
        .at(at, "remove this field")
        .at(here, "found once")
        .note(format!("found at line {}, column {}", span.line, span.column))),
        other => Err(quote_problem(other, source_id, here, false)),
    }
}

/// Every place of a quote, for a note: `line:column` each, in text order.
fn list_places(places: &[TextSpan]) -> String {
    const SHOWN: usize = 10;
    let mut listed: Vec<String> = places
        .iter()
        .take(SHOWN)
        .enumerate()
        .map(|(index, span)| format!("{}: line {}, column {}", index + 1, span.line, span.column))
        .collect();
    if places.len() > SHOWN {
        listed.push(format!("and {} more", places.len() - SHOWN));
    }
    format!("occurrences: {}", listed.join("; "))
}

/// The diagnostic for a quote that was not found exactly once. Evidence
/// can pick one occurrence of a repeated quote, so for evidence the
/// ambiguous case suggests the field.
fn quote_problem(
    located: Located,
    source_id: &str,
    here: Origin,
    can_pick_occurrence: bool,
) -> Diagnostic {
    match located {
        Located::Ambiguous(places) => {
            let advice = if can_pick_occurrence {
                "ambiguous: make the quote longer, or add `occurrence = N`"
            } else {
                "ambiguous: make the quote longer so that it is unique"
            };
            let diagnostic = Diagnostic::error(format!(
                "quote found {} times in source `{source_id}`",
                places.len()
            ))
            .code("quote-ambiguous")
            .at(here, advice)
            .note(list_places(&places));
            if can_pick_occurrence {
                diagnostic.note(
                    "`occurrence = 1` picks the first, `occurrence = 2` the second, and so on",
                )
            } else {
                diagnostic
            }
        }
        Located::NotFound(closest) => {
            let diagnostic = Diagnostic::error(format!("quote not found in source `{source_id}`"))
                .code("quote-not-found")
                .at(here, "not in the source text");
            match closest {
                Some(closest) => diagnostic.note(format!(
                    "closest passage, line {}: \"{}\"",
                    closest.span.line,
                    one_line(&closest.passage)
                )),
                None => diagnostic.note("no passage of the source resembles this quote"),
            }
        }
        Located::Empty | Located::Unique(_) => Diagnostic::error("empty quote")
            .code("empty-quote")
            .at(here, "quote is empty"),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_derived_relation_id_ignores_quote_typography_but_not_content() {
        let a = derived_relation_id(
            "ukraine",
            "seeks_membership",
            "nato",
            Claim::plain(Modality::Actual),
            &[("s", "\u{201c}join NATO\u{201d}")],
        );
        let b = derived_relation_id(
            "ukraine",
            "seeks_membership",
            "nato",
            Claim::plain(Modality::Actual),
            &[("s", "\"join  NATO\"")],
        );
        let c = derived_relation_id(
            "ukraine",
            "seeks_membership",
            "nato",
            Claim::plain(Modality::Proposed),
            &[("s", "\"join NATO\"")],
        );
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert!(a.starts_with("ukraine.seeks_membership.nato."));
    }
}
