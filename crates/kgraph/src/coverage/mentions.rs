//! Finding every mention of every entity in a text in one pass.
//!
//! Surface forms are entity labels and aliases, folded like evidence quotes
//! (quote marks, dashes, whitespace). A mention must be a whole word. Short
//! all-caps forms ("US", "EU", "CFE 2") match case-sensitively, so "US" is
//! not found in "us"; other forms match ignoring ASCII case.
//!
//! Forms that start with a letter or digit are looked up word by word in
//! a hash index ([`words`]); the few others, and forms too long for the
//! index's bounds, go to an Aho-Corasick automaton. Both give every
//! whole-word match; one selection then keeps the longest at each place.

mod words;

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::evidence::{Folded, fold, fold_quote};
use crate::model::Entity;
use words::{Form, Limits, WordIndex};

/// One mention: which entity, and where in the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Mention {
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

    /// Appends every whole-word match in `text` as `(start, end, entity)`,
    /// overlapping ones included.
    fn hits(&self, text: &str, found: &mut Vec<(usize, usize, usize)>) {
        for hit in self.automaton.find_overlapping_iter(text) {
            if is_whole_word(text, hit.start(), hit.end()) {
                found.push((
                    hit.start(),
                    hit.end(),
                    self.owners[hit.pattern().as_usize()],
                ));
            }
        }
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

/// A folded surface form and the index of the entity it names.
type FormOf = (String, usize);

/// The folded labels and aliases of `entities`, each with the index of its
/// entity: the short all-caps forms, matched case-sensitively, then the
/// others, each list sorted and without repeats (identical forms of one
/// entity would be found twice).
fn surface_forms(entities: &[Entity]) -> (Vec<FormOf>, Vec<FormOf>) {
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
    for forms in [&mut exact, &mut loose] {
        forms.sort();
        forms.dedup();
    }
    (exact, loose)
}

/// Finds the mentions of a fixed set of entities in any number of texts.
pub(crate) struct MentionFinder {
    words: WordIndex,
    /// The forms the word index does not take, byte for byte and ignoring
    /// ASCII case.
    case_sensitive: Option<Patterns>,
    case_insensitive: Option<Patterns>,
    /// Report every form found, overlapping ones included, instead of the
    /// longest whole-word one at each place.
    overlapping: bool,
}

/// "US", "NATO", "CFE 2": up to five characters, letters all capitals.
pub(super) fn is_short_all_caps(form: &str) -> bool {
    form.chars().count() <= 5
        && form.chars().any(char::is_alphabetic)
        && !form.chars().any(char::is_lowercase)
}

impl MentionFinder {
    /// A finder for mentions in running text: the longest form wins.
    pub(crate) fn new(entities: &[Entity]) -> MentionFinder {
        MentionFinder::build(entities, false)
    }

    /// A finder that reports every form found, also inside a longer one
    /// ("Geneva" in "Lake Geneva"), as needed to compare names.
    pub(crate) fn overlapping(entities: &[Entity]) -> MentionFinder {
        MentionFinder::build(entities, true)
    }

    fn build(entities: &[Entity], overlapping: bool) -> MentionFinder {
        MentionFinder::build_with(entities, overlapping, Limits::DEFAULT)
    }

    fn build_with(entities: &[Entity], overlapping: bool, limits: Limits) -> MentionFinder {
        let (exact, loose) = surface_forms(entities);
        let (indexed_exact, exact): (Vec<_>, Vec<_>) = exact
            .into_iter()
            .partition(|(form, _)| words::takes(form, limits));
        let (indexed_loose, loose): (Vec<_>, Vec<_>) = loose
            .into_iter()
            .partition(|(form, _)| words::takes(form, limits));
        let indexed = (indexed_exact.iter().map(|form| (form, true)))
            .chain(indexed_loose.iter().map(|form| (form, false)))
            .map(|((text, entity), exact)| Form {
                text,
                entity: *entity,
                exact,
            });
        // Every match is needed, not just the longest at each place: the
        // longest can fail the whole-word test ("Luhansk separatist
        // republic" inside "... republics") where a shorter one passes.
        MentionFinder {
            words: WordIndex::new(indexed),
            case_sensitive: Patterns::new(exact, false),
            case_insensitive: Patterns::new(loose, true),
            overlapping,
        }
    }

    /// Every whole-word mention in `text`, in order, without overlaps (the
    /// longer form wins: "Council of Europe" over "Europe").
    pub(crate) fn find(&self, text: &str) -> Vec<Mention> {
        self.find_folded(&fold(text))
    }

    pub(crate) fn find_folded(&self, folded: &Folded) -> Vec<Mention> {
        let text = folded.text.as_str();
        let mut found: Vec<(usize, usize, usize)> = Vec::new();
        self.words.find(text, &mut found);
        for patterns in [&self.case_sensitive, &self.case_insensitive]
            .into_iter()
            .flatten()
        {
            patterns.hits(text, &mut found);
        }
        select(found, folded, self.overlapping)
    }
}

/// The mentions among whole-word `found` places `(start, end, entity)` of
/// `folded`'s text: longest first at each start, then, unless
/// `overlapping`, without what overlaps one kept.
fn select(
    mut found: Vec<(usize, usize, usize)>,
    folded: &Folded,
    overlapping: bool,
) -> Vec<Mention> {
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    found.dedup();
    let mut mentions: Vec<Mention> = Vec::with_capacity(found.len());
    let mut covered_until = 0;
    for (start, end, entity) in found {
        if start < covered_until && !overlapping {
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

    /// The finder as it was before the word index: Aho-Corasick over every
    /// form, each whole-word match kept. The word index must find exactly
    /// what this finds.
    struct Reference {
        patterns: Vec<Patterns>,
        overlapping: bool,
    }

    impl Reference {
        fn new(entities: &[Entity], overlapping: bool) -> Reference {
            // The forms are what the finder under test reads too; what is
            // checked is how they are found.
            let (exact, loose) = surface_forms(entities);
            let patterns = [Patterns::new(exact, false), Patterns::new(loose, true)];
            Reference {
                patterns: patterns.into_iter().flatten().collect(),
                overlapping,
            }
        }

        fn find(&self, text: &str) -> Vec<Mention> {
            let folded = fold(text);
            let text = folded.text.as_str();
            let mut found = Vec::new();
            for patterns in &self.patterns {
                patterns.hits(text, &mut found);
            }
            select(found, &folded, self.overlapping)
        }
    }

    #[test]
    fn forms_the_word_index_does_not_take_are_still_found() {
        let entities = [
            entity("hertogenbosch", "'s-Hertogenbosch", &[]),
            entity("dots", "...", &[]),
            entity("usa", "U.S.A.", &["U.S."]),
            entity(
                "long",
                "a b c d e f g h i j k l m n o p q r s t u v w x y z",
                &[],
            ),
            entity("tailed", "Tail!!!!!!!!!!!!", &["Org (formerly)"]),
        ];
        let finder = MentionFinder::new(&entities);
        let text = "In \u{2018}s-Hertogenbosch, ... the U.S. and U.S.A. met; \
                    a b c d e f g h i j k l m n o p q r s t u v w x y z, \
                    tail!!!!!!!!!!!!! and Org (formerly).";
        assert_eq!(
            names(&finder, &entities, text),
            vec![
                "hertogenbosch=\u{2018}s-Hertogenbosch",
                "dots=...",
                "usa=U.S.",
                "usa=U.S.A.",
                "long=a b c d e f g h i j k l m n o p q r s t u v w x y z",
                "tailed=tail!!!!!!!!!!!!",
                "tailed=Org (formerly)",
            ]
        );
        let reference = Reference::new(&entities, false);
        assert_eq!(finder.find(text), reference.find(text));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// Words and gaps that names and texts are made of: mixed case,
        /// digits, letters beyond ASCII (whose case the finder does not
        /// fold), quote marks and dashes that folding changes, whitespace
        /// runs, punctuation that ends abbreviations.
        const PIECES: &[&str] = &[
            "a",
            "A",
            "ab",
            "Ab",
            "AB",
            "aB",
            "ba",
            "b",
            "us",
            "US",
            "Us",
            "eu",
            "EU",
            "x1",
            "2",
            "12",
            "\u{e9}",
            "\u{c9}",
            "\u{e9}t\u{e9}",
            "\u{df}",
            "\u{4e2d}",
            "\u{3a3}",
            "\u{3c3}",
            " ",
            " ",
            " ",
            "  ",
            "\n",
            "\t",
            "\u{a0}",
            "-",
            "\u{2014}",
            "\u{2013}",
            "'",
            "\u{2019}",
            "\"",
            "\u{201c}",
            "\u{201d}",
            ".",
            ".",
            ",",
            "(",
            ")",
            "!",
            "_",
            "\u{300}",
        ];

        fn phrase(pieces: std::ops::Range<usize>) -> impl Strategy<Value = String> {
            prop::collection::vec(prop::sample::select(PIECES), pieces)
                .prop_map(|pieces| pieces.concat())
        }

        fn entities() -> impl Strategy<Value = Vec<Entity>> {
            prop::collection::vec(
                (phrase(1..6), prop::collection::vec(phrase(1..6), 0..3)),
                1..10,
            )
            .prop_map(|names| {
                names
                    .into_iter()
                    .enumerate()
                    .map(|(index, (label, aliases))| Entity {
                        id: format!("e{index}"),
                        label,
                        kind: "k".to_owned(),
                        aliases,
                        description: String::new(),
                        wikidata: None,
                        mentions: 0,
                        origin: Origin::new(0, 0..0),
                    })
                    .collect()
            })
        }

        /// A text made of the names themselves and pieces around them, so
        /// that most names occur, whole or in part.
        fn entities_and_text() -> impl Strategy<Value = (Vec<Entity>, String)> {
            entities().prop_flat_map(|entities| {
                let mut names: Vec<String> = PIECES.iter().map(|&p| p.to_owned()).collect();
                for entity in &entities {
                    names.push(entity.label.clone());
                    names.extend(entity.aliases.iter().cloned());
                    names.push(entity.label.to_uppercase());
                    names.push(entity.label.to_ascii_lowercase());
                }
                let text = prop::collection::vec(prop::sample::select(names), 0..30)
                    .prop_map(|parts| parts.concat());
                (Just(entities), text)
            })
        }

        fn check(entities: &[Entity], text: &str, limits: Limits) -> Result<(), TestCaseError> {
            for overlapping in [false, true] {
                let finder = MentionFinder::build_with(entities, overlapping, limits);
                let reference = Reference::new(entities, overlapping);
                prop_assert_eq!(
                    finder.find(text),
                    reference.find(text),
                    "overlapping: {}",
                    overlapping
                );
                for entity in entities {
                    prop_assert_eq!(finder.find(&entity.label), reference.find(&entity.label));
                }
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn the_word_index_finds_what_the_automaton_finds(
                (entities, text) in entities_and_text()
            ) {
                check(&entities, &text, Limits::DEFAULT)?;
            }

            #[test]
            fn so_it_does_with_forms_beyond_its_limits(
                (entities, text) in entities_and_text(),
                words in 1..3usize,
                tail in 0..3usize,
            ) {
                check(&entities, &text, Limits { words, tail })?;
            }
        }
    }
}
