//! Finding every mention of every entity in a text in one pass.
//!
//! Surface forms are entity labels and aliases, folded like evidence quotes
//! (quote marks, dashes, whitespace). A mention must be a whole word. Short
//! all-caps forms ("US", "EU", "CFE 2") match case-sensitively, so "US" is
//! not found in "us"; other forms match ignoring ASCII case.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::evidence::{Folded, fold, fold_quote};
use crate::model::Entity;

/// One mention: which entity, and where in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Index into the entity list the finder was built from.
    pub entity: usize,
    pub span: Range<usize>,
}

/// An automaton and, per pattern, the entity it names.
struct Patterns {
    automaton: AhoCorasick,
    owners: Vec<usize>,
}

impl Patterns {
    fn new(forms: Vec<(String, usize)>, ignore_case: bool) -> Option<Patterns> {
        if forms.is_empty() {
            return None;
        }
        let (patterns, owners): (Vec<String>, Vec<usize>) = forms.into_iter().unzip();
        let automaton = AhoCorasick::builder()
            .kind(automaton_kind(&patterns))
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(ignore_case)
            .build(&patterns)
            .expect("surface forms are within the automaton's limits");
        Some(Patterns { automaton, owners })
    }
}

/// Patterns longer than this are matched with an NFA, not a DFA.
///
/// Building a DFA follows failure links for every state and every byte
/// class, so its cost grows with the number of states times the length of
/// the longest pattern: a 16,000-character label took 41 s, a 200,000 one
/// did not finish. Real names are short, so for them the crate keeps its
/// own choice (a DFA for a few patterns); beyond this length the contiguous
/// NFA, built in time linear in the patterns, is used instead.
const LONGEST_DFA_PATTERN: usize = 256;

fn automaton_kind(patterns: &[String]) -> Option<AhoCorasickKind> {
    patterns
        .iter()
        .any(|pattern| pattern.len() > LONGEST_DFA_PATTERN)
        .then_some(AhoCorasickKind::ContiguousNFA)
}

/// Finds the mentions of a fixed set of entities in any number of texts.
pub struct MentionFinder {
    case_sensitive: Option<Patterns>,
    case_insensitive: Option<Patterns>,
    /// Report every form found, overlapping ones included, instead of the
    /// longest whole-word one at each place.
    overlapping: bool,
}

/// "US", "NATO", "CFE 2": up to five characters, letters all capitals.
pub fn is_short_all_caps(form: &str) -> bool {
    form.chars().count() <= 5
        && form.chars().any(char::is_alphabetic)
        && !form.chars().any(char::is_lowercase)
}

impl MentionFinder {
    /// A finder for mentions in running text: the longest form wins.
    pub fn new(entities: &[Entity]) -> MentionFinder {
        MentionFinder::build(entities, false)
    }

    /// A finder that reports every form found, also inside a longer one
    /// ("Geneva" in "Lake Geneva"), as needed to compare names.
    pub fn overlapping(entities: &[Entity]) -> MentionFinder {
        MentionFinder::build(entities, true)
    }

    fn build(entities: &[Entity], overlapping: bool) -> MentionFinder {
        let mut exact = Vec::new();
        let mut loose = Vec::new();
        for (index, entity) in entities.iter().enumerate() {
            for form in std::iter::once(&entity.label).chain(&entity.aliases) {
                let folded = fold_quote(form);
                if folded.is_empty() {
                    continue;
                }
                if is_short_all_caps(&folded) {
                    exact.push((folded, index));
                } else {
                    loose.push((folded, index));
                }
            }
        }
        // Identical forms of one entity would be found twice.
        for forms in [&mut exact, &mut loose] {
            forms.sort();
            forms.dedup();
        }
        // Every match is needed, not just the longest at each place: the
        // longest can fail the whole-word test ("Luhansk separatist
        // republic" inside "... republics") where a shorter one passes.
        MentionFinder {
            case_sensitive: Patterns::new(exact, false),
            case_insensitive: Patterns::new(loose, true),
            overlapping,
        }
    }

    /// Every whole-word mention in `text`, in order, without overlaps (the
    /// longer form wins: "Council of Europe" over "Europe").
    pub fn find(&self, text: &str) -> Vec<Mention> {
        self.find_folded(&fold(text))
    }

    pub fn find_folded(&self, folded: &Folded) -> Vec<Mention> {
        let text = folded.text.as_str();
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        for patterns in [&self.case_sensitive, &self.case_insensitive]
            .into_iter()
            .flatten()
        {
            for hit in patterns.automaton.find_overlapping_iter(text) {
                if is_whole_word(text, hit.start(), hit.end()) {
                    found.push((
                        hit.start(),
                        hit.end(),
                        patterns.owners[hit.pattern().as_usize()],
                    ));
                }
            }
        }
        // Longest first at each start, then drop what overlaps a kept one.
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        found.dedup();
        let mut mentions: Vec<Mention> = Vec::with_capacity(found.len());
        let mut covered_until = 0;
        for (start, end, entity) in found {
            if start < covered_until && !self.overlapping {
                continue;
            }
            covered_until = end;
            mentions.push(Mention {
                entity,
                span: folded.original_offset(start)..folded.original_offset(end),
            });
        }
        mentions
    }
}

fn is_whole_word(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Origin;

    fn entity(id: &str, label: &str, aliases: &[&str]) -> Entity {
        Entity {
            id: id.to_owned(),
            label: label.to_owned(),
            kind: "k".to_owned(),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            description: String::new(),
            wikidata: None,
            mentions: 0,
            origin: Origin::new(0, 0..0),
        }
    }

    fn names(finder: &MentionFinder, entities: &[Entity], text: &str) -> Vec<String> {
        finder
            .find(text)
            .into_iter()
            .map(|m| format!("{}={}", entities[m.entity].id, &text[m.span]))
            .collect()
    }

    #[test]
    fn whole_words_only_and_short_capitals_are_case_sensitive() {
        let entities = [
            entity("us", "United States", &["US", "Washington"]),
            entity("russia", "Russia", &["Moscow"]),
            entity("coe", "Council of Europe", &[]),
            entity("europe", "Europe", &[]),
        ];
        let finder = MentionFinder::new(&entities);
        assert_eq!(
            names(
                &finder,
                &entities,
                "Let us ask the US and russia\u{2019}s Moscow, not Russian or Muscovites."
            ),
            vec!["us=US", "russia=russia", "russia=Moscow"]
        );
        assert_eq!(
            names(&finder, &entities, "The Council of\nEurope is in Europe."),
            vec!["coe=Council of\nEurope", "europe=Europe"]
        );
    }

    #[test]
    fn a_longer_form_that_is_not_a_whole_word_leaves_room_for_a_shorter_one() {
        let entities = [entity(
            "luhansk",
            "Luhansk separatist republic",
            &["Luhansk"],
        )];
        let finder = MentionFinder::new(&entities);
        assert_eq!(
            names(
                &finder,
                &entities,
                "Donetsk and Luhansk separatist republics"
            ),
            vec!["luhansk=Luhansk"]
        );
    }
}
