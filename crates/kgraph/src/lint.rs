//! Warnings about data that is valid but probably not what the curator
//! meant: the coverage findings (unmentioned entities, uncovered sentences,
//! suspicious evidence) and structural smells (isolated entities,
//! self-loops, duplicates, unused vocabulary, aliases inside other
//! aliases). They never fail a build; `kg lint --deny-warnings` makes them.

use std::collections::{BTreeMap, HashMap};

use crate::coverage::{CoverageReport, MentionFinder};
use crate::diagnostic::{Diagnostic, Files, Origin};
use crate::graph::KnowledgeGraph;
use crate::model::Dataset;

/// Every warning for a dataset. `files` gains the source texts (under
/// `text_name(source.text_path)`) so that warnings can point into them.
pub fn lint(
    graph: &KnowledgeGraph,
    coverage: &CoverageReport,
    files: &mut Files,
    text_name: impl Fn(&str) -> String,
) -> Linted {
    let dataset = graph.dataset();
    let mut warnings = Vec::new();
    coverage_warnings(dataset, coverage, files, text_name, &mut warnings);
    structure_warnings(graph, &mut warnings);
    let mut linted = apply_allowances(dataset, warnings);
    crate::diagnostic::sort(&mut linted.warnings);
    linted
}

/// What `kg lint` found: the warnings left after `[[allow]]` entries, and
/// how many those entries allowed.
#[derive(Debug, Default)]
pub struct Linted {
    /// The warnings not allowed, in reading order.
    pub warnings: Vec<Diagnostic>,
    /// How many warnings `[[allow]]` entries allowed.
    pub allowed: usize,
}

/// Drops each warning an `[[allow]]` entry covers (same code, and the same
/// subject if it names one), and warns about an entry that covers none: a
/// stale allowance would hide the next real warning of its kind.
fn apply_allowances(dataset: &Dataset, warnings: Vec<Diagnostic>) -> Linted {
    let mut used = vec![false; dataset.allowed.len()];
    let mut linted = Linted::default();
    for warning in warnings {
        let allowance = dataset.allowed.iter().position(|allowance| {
            warning.code == Some(allowance.code.as_str())
                && allowance
                    .subject
                    .as_ref()
                    .is_none_or(|subject| warning.subject.as_ref() == Some(subject))
        });
        match allowance {
            Some(index) => {
                used[index] = true;
                linted.allowed += 1;
            }
            None => linted.warnings.push(warning),
        }
    }
    for (allowance, used) in dataset.allowed.iter().zip(used) {
        if !used {
            let scope = allowance
                .subject
                .as_ref()
                .map_or_else(String::new, |subject| format!(" for `{subject}`"));
            linted.warnings.push(
                Diagnostic::warning(format!(
                    "`{}` is allowed{scope}, but there is no such warning",
                    allowance.code
                ))
                .code("unused-allowance")
                .at(allowance.origin.clone(), "allows nothing")
                .note("remove the `[[allow]]`: the warning it was for is gone"),
            );
        }
    }
    linted
}

fn coverage_warnings(
    dataset: &Dataset,
    coverage: &CoverageReport,
    files: &mut Files,
    text_name: impl Fn(&str) -> String,
    warnings: &mut Vec<Diagnostic>,
) {
    for id in &coverage.unmentioned {
        let entity = dataset.entity(id).expect("coverage lists known entities");
        warnings.push(
            Diagnostic::warning(format!("entity `{id}` is mentioned in no source"))
                .code("unmentioned-entity")
.about(id)
                .at(entity.origin.clone(), "no source uses its label or any alias")
                .note("add the surface form the source uses as an alias, or check that the sources support this entity"),
        );
    }
    let mut text_files = HashMap::new();
    for candidate in &coverage.candidates {
        let file = *text_files
            .entry(candidate.source.clone())
            .or_insert_with(|| {
                let source = dataset
                    .source(&candidate.source)
                    .expect("coverage lists known sources");
                files.add(text_name(&source.text_path), source.text.clone())
            });
        let names: Vec<String> = candidate
            .entities
            .iter()
            .map(|id| format!("`{id}`"))
            .collect();
        warnings.push(
            Diagnostic::warning(format!(
                "sentence mentions {} but backs no relation",
                names.join(", ")
            ))
                .code("uncovered-sentence")
.about(candidate.source.clone())
            .at(Origin::new(file, candidate.byte_start..candidate.byte_end), "no evidence quote overlaps this sentence")
            .note("record the relation it states, or add it to reviewed.toml as an `[[ignore]]` with a reason"),
        );
    }
    for suspicious in &coverage.suspicious {
        let relation = dataset
            .relations
            .binary_search_by(|r| r.id.as_str().cmp(&suspicious.relation))
            .map(|index| &dataset.relations[index])
            .expect("coverage lists known relations");
        warnings.push(
            Diagnostic::warning(format!(
                "the evidence of `{}` mentions neither `{}` nor `{}`",
                suspicious.relation, suspicious.from, suspicious.to
            ))
            .code("suspicious-evidence")
            .about(suspicious.relation.clone())
            .at(relation.origin.clone(), "suspicious evidence")
            .note(format!(
                "quote, line {}: \"{}\"",
                suspicious.line,
                suspicious
                    .quote
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            )),
        );
    }
}

fn structure_warnings(graph: &KnowledgeGraph, warnings: &mut Vec<Diagnostic>) {
    let dataset = graph.dataset();
    // An entity whose only part is holding a view (`attributed_to`) is
    // connected to the graph through the claims it makes.
    let holders: std::collections::BTreeSet<&str> = dataset
        .relations
        .iter()
        .flat_map(|relation| relation.attributed_to.iter().map(String::as_str))
        .collect();
    for entity in &dataset.entities {
        if graph.degree(&entity.id) == 0 && !holders.contains(entity.id.as_str()) {
            warnings.push(
                Diagnostic::warning(format!("entity `{}` has no relation", entity.id))
                    .code("isolated-entity")
                    .about(entity.id.clone())
                    .at(entity.origin.clone(), "isolated entity"),
            );
        }
    }
    // Same endpoints, type and claim: a relation and its denial, or the
    // author's fact and someone else's claim, are not duplicates.
    type Claim<'a> = (
        &'a str,
        &'a str,
        &'a str,
        crate::model::Modality,
        bool,
        &'a [String],
    );
    let mut seen: BTreeMap<Claim<'_>, &crate::model::Relation> = BTreeMap::new();
    for relation in &dataset.relations {
        if relation.from == relation.to {
            warnings.push(
                Diagnostic::warning(format!(
                    "relation `{}` connects `{}` to itself",
                    relation.id, relation.from
                ))
                .code("self-loop")
                .about(relation.id.clone())
                .at(relation.origin.clone(), "self-loop"),
            );
        }
        let key = (
            relation.from.as_str(),
            relation.relation_type.as_str(),
            relation.to.as_str(),
            relation.modality,
            relation.negated,
            relation.attributed_to.as_slice(),
        );
        if let Some(first) = seen.get(&key) {
            warnings.push(
                Diagnostic::warning(format!(
                    "relations `{}` and `{}` state the same thing",
                    first.id, relation.id
                ))
                .code("duplicate-relation")
                .about(relation.id.clone())
                .at(
                    relation.origin.clone(),
                    "same from, type, to, modality, negation and attribution",
                )
                .at(first.origin.clone(), "as this one")
                .note("merge their evidence into one relation"),
            );
        } else {
            seen.insert(key, relation);
        }
    }
    for relation in &dataset.relations {
        let symmetric = dataset.schema.is_symmetric(&relation.relation_type);
        let reverse = (
            relation.to.as_str(),
            relation.relation_type.as_str(),
            relation.from.as_str(),
            relation.modality,
            relation.negated,
            relation.attributed_to.as_slice(),
        );
        if symmetric
            && relation.from < relation.to
            && let Some(other) = seen.get(&reverse)
        {
            warnings.push(
                Diagnostic::warning(format!(
                    "symmetric `{}` is stated in both directions between `{}` and `{}`",
                    relation.relation_type, relation.from, relation.to
                ))
                .code("symmetric-both-ways")
                .about(relation.id.clone())
                .at(other.origin.clone(), "the reverse")
                .at(relation.origin.clone(), "this one")
                .note("a symmetric relation reads both ways: keep one"),
            );
        }
    }
    for kind in &dataset.schema.kinds {
        if !dataset
            .entities
            .iter()
            .any(|entity| entity.kind == kind.name)
        {
            warnings.push(
                Diagnostic::warning(format!("kind `{}` is used by no entity", kind.name))
                    .code("unused-kind")
                    .about(kind.name.clone())
                    .at(kind.origin.clone(), "unused kind"),
            );
        }
    }
    for ty in &dataset.schema.relation_types {
        if !dataset
            .relations
            .iter()
            .any(|relation| relation.relation_type == ty.name)
        {
            warnings.push(
                Diagnostic::warning(format!(
                    "relation type `{}` is used by no relation",
                    ty.name
                ))
                .code("unused-relation-type")
                .about(ty.name.clone())
                .at(ty.origin.clone(), "unused relation type"),
            );
        }
    }
    modality_in_type_names(dataset, warnings);
    alias_inside_alias(dataset, warnings);
    confusable_names(dataset, warnings);
}

/// Names of two entities that are different text but may look the same:
/// a Cyrillic `А` in `Аlliance`, a digit `0` for a capital `O`. Compared by
/// the confusable skeleton of Unicode TR39 (`unicode-security`), on names
/// already brought to one form by [`name_key`](crate::load::name_key); names
/// equal under that key are errors already.
fn confusable_names(dataset: &Dataset, warnings: &mut Vec<Diagnostic>) {
    // Skeleton -> (entity index, name as written, its key), in entity order.
    let mut by_skeleton: BTreeMap<String, Vec<(usize, &str, String)>> = BTreeMap::new();
    for (index, entity) in dataset.entities.iter().enumerate() {
        for form in std::iter::once(&entity.label).chain(&entity.aliases) {
            let key = crate::load::name_key(form);
            let skeleton: String = unicode_security::skeleton(&key).collect();
            by_skeleton
                .entry(skeleton)
                .or_default()
                .push((index, form, key));
        }
    }
    for names in by_skeleton.values() {
        let Some((first_index, first_name, first_key)) = names.first() else {
            continue;
        };
        // One warning per entity that clashes with the first claimant.
        let mut reported = Vec::new();
        for (index, name, key) in &names[1..] {
            if index == first_index || key == first_key || reported.contains(index) {
                continue;
            }
            reported.push(*index);
            let (entity, first) = (&dataset.entities[*index], &dataset.entities[*first_index]);
            warnings.push(
                Diagnostic::warning(format!(
                    "`{name}` of `{}` can be mistaken for `{first_name}` of `{}`",
                    entity.id, first.id
                ))
                .code("confusable-names")
                .about(entity.id.clone())
                .at(entity.origin.clone(), "this entity")
                .at(first.origin.clone(), "the other entity")
                .note(format!(
                    "they are different text that looks alike ({} against {}): rename one, or check that they are two entities",
                    code_points(name),
                    code_points(first_name)
                )),
            );
        }
    }
}

/// The characters of a name outside ASCII, with their code points
/// (`` `А` U+0410 ``): where two names that look alike differ.
fn code_points(name: &str) -> String {
    let mut unusual: Vec<String> = Vec::new();
    for character in name.chars().filter(|c| !c.is_ascii()) {
        let shown = format!(
            "`{}` U+{:04X}",
            crate::terminal::safe(&character.to_string()),
            u32::from(character)
        );
        if !unusual.contains(&shown) {
            unusual.push(shown);
        }
    }
    if unusual.is_empty() {
        "ASCII only".to_owned()
    } else {
        unusual.join(", ")
    }
}

/// Words that say how a relation holds, which the `modality` and `negated`
/// fields carry: in a type name they repeat the modality (and contradict
/// it, once the option is taken: `could_recognize` cannot say that the
/// recognition happened).
const MODALITY_PREFIXES: [&str; 6] = ["could_", "should_", "would_", "might_", "may_", "not_"];

fn modality_in_type_names(dataset: &Dataset, warnings: &mut Vec<Diagnostic>) {
    for ty in &dataset.schema.relation_types {
        let Some(prefix) = MODALITY_PREFIXES
            .iter()
            .find(|prefix| ty.name.starts_with(*prefix))
        else {
            continue;
        };
        let word = prefix.trim_end_matches('_');
        let advice = if word == "not" {
            "name what holds, and set `negated = true` on the relations that deny it".to_owned()
        } else {
            format!(
                "name the relation with a neutral verb (`{}`), and let each relation's `modality` say `{word}`",
                &ty.name[prefix.len()..]
            )
        };
        warnings.push(
            Diagnostic::warning(format!(
                "relation type `{}` puts modality in its name",
                ty.name
            ))
            .code("modality-in-type-name")
            .about(ty.name.clone())
            .at(ty.origin.clone(), format!("`{word}` is modality"))
            .note(advice),
        );
    }
}

/// An alias of one entity found, as a whole word, inside a label or alias
/// of another ("Moscow" in "Carnegie Moscow Center"): the longer name wins
/// in running text, so the curator should know that such mentions never
/// count for the alias's entity. Labels inside longer names ("Europe" in
/// "Council of Europe") are how compound names are made and are not
/// reported. Found with the mention finder, so linear in the total
/// length of the names.
fn alias_inside_alias(dataset: &Dataset, warnings: &mut Vec<Diagnostic>) {
    let finder = MentionFinder::overlapping(&dataset.entities);
    for (index, entity) in dataset.entities.iter().enumerate() {
        for form in std::iter::once(&entity.label).chain(&entity.aliases) {
            for mention in finder.find(form) {
                let whole = mention.span.start == 0 && mention.span.end == form.len();
                let other = &dataset.entities[mention.entity];
                let found = &form[mention.span.clone()];
                let is_alias = other
                    .aliases
                    .iter()
                    .any(|alias| alias.eq_ignore_ascii_case(found));
                if mention.entity != index
                    && !whole
                    && is_alias
                    && !other.label.eq_ignore_ascii_case(found)
                {
                    warnings.push(
                        Diagnostic::warning(format!(
                            "`{form}` of `{}` contains `{found}`, an alias of `{}`",
                            entity.id, other.id
                        ))
                        .code("alias-inside-name")
                        .about(entity.id.clone())
                        .at(
                            entity.origin.clone(),
                            format!("in text, `{form}` is never read as `{}`", other.id),
                        )
                        .at(other.origin.clone(), "the other entity"),
                    );
                }
            }
        }
    }
}
