//! What the sources say that the graph does not: every mention of every
//! entity in every source, every sentence no evidence quote and no review
//! accounts for (those that mention two or more entities singled out as
//! candidate relations), relations whose quotes mention neither endpoint,
//! and coverage figures.
//!
//! One pass per text: the text is folded once, scanned once for mentions
//! (a word index over all labels and aliases) and split once into
//! sentences.

mod mentions;
mod sentences;

pub(crate) use mentions::MentionFinder;
pub(crate) use sentences::sentences;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use rayon::prelude::*;
use serde::Serialize;

use crate::evidence::fold;
use crate::model::Dataset;

/// A sentence of a source that no evidence quote overlaps: reported as
/// unaccounted for unless a reviewed passage overlaps it, and as a candidate
/// relation when it also mentions two or more entities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentenceFinding {
    /// The id of the source the sentence is in.
    pub source: String,
    /// The line the sentence starts on, 1-based.
    pub line: usize,
    /// Byte offset of the sentence's start in the source text.
    pub byte_start: usize,
    /// Byte offset one past the sentence's end.
    pub byte_end: usize,
    /// The sentence's text, with its whitespace as in the source.
    pub sentence: String,
    /// Entity ids mentioned, sorted; empty for a sentence that names none.
    pub entities: Vec<String>,
}

/// A relation none of whose quotes mentions either endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suspicious {
    /// The relation's id.
    pub relation: String,
    /// The id of the entity it goes from.
    pub from: String,
    /// The id of the entity it goes to.
    pub to: String,
    /// The source of its first quote.
    pub source: String,
    /// The line its first quote starts on, 1-based.
    pub line: usize,
    /// Its first quote.
    pub quote: String,
}

impl Suspicious {
    /// The finding for a relation, shown by its first quote.
    fn of(relation: &crate::model::Relation) -> Suspicious {
        let first = &relation.evidence[0];
        Suspicious {
            relation: relation.id.clone(),
            from: relation.from.clone(),
            to: relation.to.clone(),
            source: first.source.clone(),
            line: first.location.line,
            quote: first.quote.clone(),
        }
    }
}

/// Figures for one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceFigures {
    /// The source's id.
    pub source: String,
    /// Sentences in its text.
    pub sentences: usize,
    /// Sentences that mention at least one entity.
    pub sentences_with_mentions: usize,
    /// Sentences with a mention that overlap some relation's evidence.
    pub sentences_covered: usize,
    /// `sentences_covered / sentences_with_mentions`, 0 when there are none.
    pub coverage: f64,
    /// Sentences overlapping a passage recorded in `reviewed.toml`.
    pub sentences_reviewed: usize,
    /// Sentences overlapping neither evidence nor a reviewed passage.
    pub sentences_unaccounted: usize,
    /// Mentions of any entity, by label or alias, in its text.
    pub mentions: usize,
}

/// Everything `kg coverage` reports. Lists are sorted: by entity id, or by
/// source and position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    /// Figures per source, by source id.
    pub sources: Vec<SourceFigures>,
    /// Entities mentioned in no source.
    pub unmentioned: Vec<String>,
    /// Unaccounted sentences that mention two or more entities: the
    /// relations a curator most likely missed.
    pub candidates: Vec<SentenceFinding>,
    /// Every sentence that overlaps no evidence quote and no reviewed
    /// passage, whatever it mentions: the argument of a text often lives in
    /// sentences that name nothing.
    pub unaccounted: Vec<SentenceFinding>,
    /// Relations none of whose quotes mentions either endpoint, by relation id.
    pub suspicious: Vec<Suspicious>,
    /// Mentions per entity id, every entity listed.
    pub mentions: BTreeMap<String, usize>,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// Byte ranges of one text, asked "does anything overlap this range?" in
/// logarithmic time: sorted by start, with the furthest end seen so far.
struct SpanSet {
    starts: Vec<usize>,
    furthest_end: Vec<usize>,
}

impl SpanSet {
    fn new(mut spans: Vec<Range<usize>>) -> SpanSet {
        spans.sort_by_key(|span| span.start);
        let mut furthest = 0;
        let furthest_end = spans
            .iter()
            .map(|span| {
                furthest = furthest.max(span.end);
                furthest
            })
            .collect();
        SpanSet {
            starts: spans.iter().map(|span| span.start).collect(),
            furthest_end,
        }
    }

    fn overlaps(&self, range: &Range<usize>) -> bool {
        // Spans starting before the range ends overlap it if one of them
        // ends after it starts.
        let before_end = self.starts.partition_point(|&start| start < range.end);
        before_end > 0 && self.furthest_end[before_end - 1] > range.start
    }
}

fn line_of(line_starts: &[usize], byte: usize) -> usize {
    line_starts.partition_point(|&start| start <= byte)
}

/// Analyses every source, or only `only_source` if given (mention counts
/// and unmentioned entities then refer to that source alone).
pub fn analyze(dataset: &Dataset, only_source: Option<&str>) -> CoverageReport {
    let finder = MentionFinder::new(&dataset.entities);
    let mut counts = vec![0usize; dataset.entities.len()];
    let mut report = CoverageReport {
        sources: Vec::new(),
        unmentioned: Vec::new(),
        candidates: Vec::new(),
        unaccounted: Vec::new(),
        suspicious: Vec::new(),
        mentions: BTreeMap::new(),
    };
    let index_of: BTreeMap<&str, usize> = dataset
        .entities
        .iter()
        .enumerate()
        .map(|(index, entity)| (entity.id.as_str(), index))
        .collect();
    // Grouped once: a scan of every relation per source is quadratic at
    // thousands of sources.
    let mut evidence_by_source: BTreeMap<&str, Vec<Range<usize>>> = BTreeMap::new();
    let mut single_source_relations: BTreeMap<&str, Vec<&crate::model::Relation>> = BTreeMap::new();
    for relation in &dataset.relations {
        for evidence in &relation.evidence {
            evidence_by_source
                .entry(&evidence.source)
                .or_default()
                .push(evidence.location.byte_start..evidence.location.byte_end);
        }
        if let Some(first) = relation.evidence.first()
            && relation.evidence.iter().all(|e| e.source == first.source)
        {
            single_source_relations
                .entry(&first.source)
                .or_default()
                .push(relation);
        }
    }
    let mut reviewed_by_source: BTreeMap<&str, Vec<Range<usize>>> = BTreeMap::new();
    for item in &dataset.reviewed {
        reviewed_by_source
            .entry(&item.source)
            .or_default()
            .push(item.location.byte_start..item.location.byte_end);
    }

    for source in dataset
        .sources
        .iter()
        .filter(|s| only_source.is_none_or(|only| s.id == only))
    {
        let text = source.text.as_str();
        let mentions = finder.find_folded(&fold(text));
        for mention in &mentions {
            counts[mention.entity] += 1;
        }
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(offset, _)| offset + 1))
            .collect();
        let evidence = SpanSet::new(
            evidence_by_source
                .remove(source.id.as_str())
                .unwrap_or_default(),
        );
        let reviewed = SpanSet::new(
            reviewed_by_source
                .remove(source.id.as_str())
                .unwrap_or_default(),
        );
        let mention_starts: Vec<usize> =
            mentions.iter().map(|mention| mention.span.start).collect();

        let mut figures = SourceFigures {
            source: source.id.clone(),
            sentences: 0,
            sentences_with_mentions: 0,
            sentences_covered: 0,
            coverage: 0.0,
            sentences_reviewed: 0,
            sentences_unaccounted: 0,
            mentions: mentions.len(),
        };
        // Mentions are in text order, so one cursor walks them with the
        // sentences.
        let mut cursor = 0;
        for sentence in sentences(text) {
            figures.sentences += 1;
            let is_reviewed = reviewed.overlaps(&sentence);
            if is_reviewed {
                figures.sentences_reviewed += 1;
            }
            while cursor < mentions.len() && mentions[cursor].span.start < sentence.start {
                cursor += 1;
            }
            let mut entities = BTreeSet::new();
            let mut next = cursor;
            while next < mentions.len() && mentions[next].span.start < sentence.end {
                entities.insert(dataset.entities[mentions[next].entity].id.clone());
                next += 1;
            }
            let covered = evidence.overlaps(&sentence);
            if !entities.is_empty() {
                figures.sentences_with_mentions += 1;
                if covered {
                    figures.sentences_covered += 1;
                }
            }
            if covered || is_reviewed {
                continue;
            }
            figures.sentences_unaccounted += 1;
            let finding = SentenceFinding {
                source: source.id.clone(),
                line: line_of(&line_starts, sentence.start),
                byte_start: sentence.start,
                byte_end: sentence.end,
                sentence: text[sentence.clone()].to_owned(),
                entities: entities.into_iter().collect(),
            };
            if finding.entities.len() >= 2 {
                report.candidates.push(finding.clone());
            }
            report.unaccounted.push(finding);
        }
        if figures.sentences_with_mentions > 0 {
            figures.coverage =
                figures.sentences_covered as f64 / figures.sentences_with_mentions as f64;
        }
        report.sources.push(figures);

        for relation in single_source_relations
            .remove(source.id.as_str())
            .unwrap_or_default()
        {
            let endpoints = [
                index_of[relation.from.as_str()],
                index_of[relation.to.as_str()],
            ];
            // Mentions are sorted by start and do not overlap each other, so
            // those inside a quote are a contiguous run.
            let mentioned = relation.evidence.iter().any(|e| {
                let quote = e.location.byte_start..e.location.byte_end;
                let first = mention_starts
                    .partition_point(|&start| start < quote.start)
                    .saturating_sub(1);
                mentions[first..]
                    .iter()
                    .take_while(|mention| mention.span.start < quote.end)
                    .any(|mention| {
                        endpoints.contains(&mention.entity) && overlaps(&quote, &mention.span)
                    })
            });
            if !mentioned {
                report.suspicious.push(Suspicious::of(relation));
            }
        }
    }
    // Relations quoting several sources: each quote is searched on its own.
    for relation in &dataset.relations {
        let sources: BTreeSet<&str> = relation
            .evidence
            .iter()
            .map(|e| e.source.as_str())
            .collect();
        if sources.len() < 2 || only_source.is_some_and(|only| !sources.contains(only)) {
            continue;
        }
        let endpoints = [
            index_of[relation.from.as_str()],
            index_of[relation.to.as_str()],
        ];
        let mentioned = relation.evidence.iter().any(|e| {
            finder
                .find(&e.quote)
                .iter()
                .any(|mention| endpoints.contains(&mention.entity))
        });
        if !mentioned {
            report.suspicious.push(Suspicious::of(relation));
        }
    }
    report
        .suspicious
        .sort_by(|a, b| (&a.source, a.line, &a.relation).cmp(&(&b.source, b.line, &b.relation)));
    for (entity, count) in dataset.entities.iter().zip(counts) {
        if count == 0 {
            report.unmentioned.push(entity.id.clone());
        }
        report.mentions.insert(entity.id.clone(), count);
    }
    report
}

/// Sets each entity's mention count from all the sources.
pub fn count_mentions(dataset: &mut Dataset) {
    let finder = MentionFinder::new(&dataset.entities);
    let entities = dataset.entities.len();
    // One source per task, on every core: sums do not depend on the order.
    let counts = dataset
        .sources
        .par_iter()
        .fold(
            || vec![0usize; entities],
            |mut counts, source| {
                for mention in finder.find(&source.text) {
                    counts[mention.entity] += 1;
                }
                counts
            },
        )
        .reduce(
            || vec![0usize; entities],
            |mut total, counts| {
                total.iter_mut().zip(counts).for_each(|(t, c)| *t += c);
                total
            },
        );
    for (entity, count) in dataset.entities.iter_mut().zip(counts) {
        entity.mentions = count;
    }
}
