//! What the sources say that the graph does not: every mention of every
//! entity in every source, the sentences that mention two or more entities
//! but back no relation, relations whose quotes mention neither endpoint,
//! and coverage figures.
//!
//! One pass per text: the text is folded once, scanned once for mentions
//! (Aho-Corasick over all labels and aliases) and split once into
//! sentences.

mod mentions;
mod sentences;

pub use mentions::{Mention, MentionFinder, is_short_all_caps};
pub use sentences::sentences;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Serialize;

use crate::evidence::fold;
use crate::model::Dataset;

/// A sentence that mentions two or more entities and overlaps no relation's
/// evidence: a relation the curator may have missed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub source: String,
    pub line: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub sentence: String,
    /// Entity ids mentioned, sorted.
    pub entities: Vec<String>,
}

/// A relation none of whose quotes mentions either endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suspicious {
    pub relation: String,
    pub from: String,
    pub to: String,
    pub source: String,
    pub line: usize,
    pub quote: String,
}

/// Figures for one source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceFigures {
    pub source: String,
    pub sentences: usize,
    pub sentences_with_mentions: usize,
    /// Sentences with a mention that overlap some relation's evidence.
    pub sentences_covered: usize,
    /// `sentences_covered / sentences_with_mentions`, 0 when there are none.
    pub coverage: f64,
    /// Sentences overlapping a passage recorded in `reviewed.toml`.
    pub sentences_reviewed: usize,
    pub mentions: usize,
}

/// Everything `kg coverage` reports. Lists are sorted: by entity id, or by
/// source and position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    pub sources: Vec<SourceFigures>,
    /// Entities mentioned in no source.
    pub unmentioned: Vec<String>,
    pub candidates: Vec<Candidate>,
    pub suspicious: Vec<Suspicious>,
    /// Mentions per entity id, every entity listed.
    pub mentions: BTreeMap<String, usize>,
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
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
        suspicious: Vec::new(),
        mentions: BTreeMap::new(),
    };
    let index_of: BTreeMap<&str, usize> = dataset
        .entities
        .iter()
        .enumerate()
        .map(|(index, entity)| (entity.id.as_str(), index))
        .collect();

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
        let evidence: Vec<Range<usize>> = dataset
            .relations
            .iter()
            .flat_map(|relation| &relation.evidence)
            .filter(|evidence| evidence.source == source.id)
            .map(|evidence| evidence.location.byte_start..evidence.location.byte_end)
            .collect();
        let reviewed: Vec<Range<usize>> = dataset
            .reviewed
            .iter()
            .filter(|item| item.source == source.id)
            .map(|item| item.location.byte_start..item.location.byte_end)
            .collect();

        let mut figures = SourceFigures {
            source: source.id.clone(),
            sentences: 0,
            sentences_with_mentions: 0,
            sentences_covered: 0,
            coverage: 0.0,
            sentences_reviewed: 0,
            mentions: mentions.len(),
        };
        // Mentions are in text order, so one cursor walks them with the
        // sentences.
        let mut cursor = 0;
        for sentence in sentences(text) {
            figures.sentences += 1;
            let is_reviewed = reviewed.iter().any(|span| overlaps(span, &sentence));
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
            if entities.is_empty() {
                continue;
            }
            figures.sentences_with_mentions += 1;
            let covered = evidence.iter().any(|span| overlaps(span, &sentence));
            if covered {
                figures.sentences_covered += 1;
            } else if entities.len() >= 2 && !reviewed.iter().any(|span| overlaps(span, &sentence))
            {
                report.candidates.push(Candidate {
                    source: source.id.clone(),
                    line: line_of(&line_starts, sentence.start),
                    byte_start: sentence.start,
                    byte_end: sentence.end,
                    sentence: text[sentence.clone()].to_owned(),
                    entities: entities.into_iter().collect(),
                });
            }
        }
        if figures.sentences_with_mentions > 0 {
            figures.coverage =
                figures.sentences_covered as f64 / figures.sentences_with_mentions as f64;
        }
        report.sources.push(figures);

        for relation in &dataset.relations {
            let quotes: Vec<_> = relation
                .evidence
                .iter()
                .filter(|e| e.source == source.id)
                .collect();
            if quotes.is_empty() || relation.evidence.iter().any(|e| e.source != source.id) {
                // Relations with quotes from several sources are judged below.
                continue;
            }
            let endpoints = [
                index_of[relation.from.as_str()],
                index_of[relation.to.as_str()],
            ];
            let mentioned = mentions.iter().any(|mention| {
                endpoints.contains(&mention.entity)
                    && quotes.iter().any(|e| {
                        overlaps(&(e.location.byte_start..e.location.byte_end), &mention.span)
                    })
            });
            if !mentioned {
                report.suspicious.push(Suspicious {
                    relation: relation.id.clone(),
                    from: relation.from.clone(),
                    to: relation.to.clone(),
                    source: source.id.clone(),
                    line: quotes[0].location.line,
                    quote: quotes[0].quote.clone(),
                });
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
            let first = &relation.evidence[0];
            report.suspicious.push(Suspicious {
                relation: relation.id.clone(),
                from: relation.from.clone(),
                to: relation.to.clone(),
                source: first.source.clone(),
                line: first.location.line,
                quote: first.quote.clone(),
            });
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
    let mut counts = vec![0usize; dataset.entities.len()];
    for source in &dataset.sources {
        for mention in finder.find(&source.text) {
            counts[mention.entity] += 1;
        }
    }
    for (entity, count) in dataset.entities.iter_mut().zip(counts) {
        entity.mentions = count;
    }
}
