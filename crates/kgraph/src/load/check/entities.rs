//! Entities: ids, labels, kinds, and the names (labels and aliases) each
//! claims, which no two entities may share.

use rayon::prelude::*;

use super::{check_not_empty, check_unique, origin};
use crate::diagnostic::{Diagnostic, Origin, suggest};
use crate::evidence::fold_quote;
use crate::load::raw::{RawDataset, RawEntity};
use crate::model::ids::{is_qid, is_slug};
use crate::model::{Entity, Schema};

/// Maps keyed by ids and name keys: a fast hash, since the keys are checked
/// data and nothing depends on the order of a map.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

pub(in crate::load) fn check_entities(
    raw_entities: Vec<RawEntity>,
    raw: &RawDataset,
    schema: &Schema,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Entity> {
    let kind_names: Vec<&str> = schema.kinds.iter().map(|kind| kind.name.as_str()).collect();
    // The name keys (folding, Unicode normalisation) are the costly part:
    // made on every core first, then compared in file order.
    let keys: Vec<Vec<String>> = raw_entities
        .par_iter()
        .with_min_len(256)
        .map(|entity| {
            std::iter::once(&entity.label)
                .chain(&entity.aliases)
                .map(|form| name_key(&form.value))
                .collect()
        })
        .collect();
    let mut seen = HashMap::default();
    seen.reserve(raw_entities.len());
    // Folded surface form -> the entity that claims it, and where.
    let mut surface_forms: HashMap<String, NameClaim<'_>> = HashMap::default();
    let mut unique = Vec::with_capacity(raw_entities.len());
    for (entity, keys) in raw_entities.iter().zip(keys) {
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
        unique.push(check_unique(
            &mut seen,
            "entity id",
            id,
            origin(file, &entity.id),
            diagnostics,
        ));
        check_not_empty(&entity.label, file, "label", diagnostics);
        if raw.schema_complete && !kind_names.contains(&entity.kind.value.as_str()) {
            diagnostics.push(
                Diagnostic::unknown(
                    "kind",
                    &entity.kind.value,
                    suggest(&entity.kind.value, kind_names.iter().copied()),
                )
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
        check_surface_forms(entity, keys, &mut surface_forms, diagnostics);
    }
    drop((seen, surface_forms));
    // What the entities hold moves into the model, uncopied.
    let mut entities: Vec<Entity> = raw_entities
        .into_par_iter()
        .zip(unique)
        .filter(|(_, unique)| *unique)
        .map(|(entity, _)| Entity {
            id: entity.id.value,
            label: entity.label.value,
            kind: entity.kind.value,
            aliases: crate::load::record::values(entity.aliases),
            description: entity.description.map(|d| d.value).unwrap_or_default(),
            wikidata: entity.wikidata.map(|qid| qid.value),
            mentions: 0,
            origin: entity.head,
        })
        .collect();
    // Ids are unique now: an unstable sort gives the one order.
    entities.par_sort_unstable_by(|a, b| a.id.cmp(&b.id));
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
    if name.is_ascii() {
        // ASCII is its own NFKC form and holds no invisible character:
        // folding and lowercasing is all there is to do.
        let mut key = fold_quote(name);
        key.make_ascii_lowercase();
        return key;
    }
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
/// `keys` are the [`name_key`]s of the entity's label and aliases, in
/// that order.
fn check_surface_forms<'a>(
    entity: &'a RawEntity,
    keys: Vec<String>,
    claimed: &mut HashMap<String, NameClaim<'a>>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (index, (form, key)) in std::iter::once(&entity.label)
        .chain(&entity.aliases)
        .zip(keys)
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
