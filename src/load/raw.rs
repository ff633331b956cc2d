//! Tables to raw records: every field with its span, nothing checked yet
//! beyond presence and type.

use super::record::{Record, Spanned};
use super::tree::Node;
use crate::diagnostic::{Diagnostic, FileId, Origin};

pub type S = Spanned<String>;

#[derive(Debug)]
pub struct RawKind {
    pub name: S,
    pub description: S,
    pub dot: Vec<(S, S)>,
    pub head: Origin,
}

#[derive(Debug)]
pub struct RawRelationType {
    pub name: S,
    pub label: Option<S>,
    pub definition: S,
    pub domain: Vec<S>,
    pub range: Vec<S>,
    pub symmetric: bool,
    pub dot: Vec<(S, S)>,
    pub head: Origin,
}

#[derive(Debug)]
pub struct RawSource {
    pub file: FileId,
    pub id: S,
    pub title: S,
    pub author: S,
    pub date: S,
    pub copy_date: Option<S>,
    pub copy_url: Option<S>,
    pub publisher: S,
    pub url: Option<S>,
    pub notes: Option<S>,
    pub text: S,
    /// Missing in a source just added by hand: reported with the text's
    /// hash once the text is read.
    pub sha256: Option<S>,
    pub head: Origin,
}

#[derive(Debug)]
pub struct RawEntity {
    pub file: FileId,
    pub id: S,
    pub label: S,
    pub kind: S,
    pub aliases: Vec<S>,
    pub description: Option<S>,
    pub wikidata: Option<S>,
    pub head: Origin,
}

#[derive(Debug)]
pub struct RawRelation {
    pub file: FileId,
    pub id: Option<S>,
    pub from: S,
    pub relation_type: S,
    pub to: S,
    pub modality: S,
    pub attributed_to: Vec<S>,
    pub negated: bool,
    pub evidence: Vec<RawEvidence>,
    pub note: Option<S>,
    pub date: Option<S>,
    pub head: Origin,
}

#[derive(Debug)]
pub struct RawEvidence {
    pub source: S,
    pub quote: S,
    /// Which match of a quote that occurs more than once (1-based).
    pub occurrence: Option<Spanned<i64>>,
}

#[derive(Debug)]
pub struct RawReviewed {
    pub file: FileId,
    pub source: S,
    pub quote: S,
    pub reason: S,
    pub head: Origin,
}

#[derive(Debug)]
pub struct RawAllowance {
    pub file: FileId,
    pub lint: S,
    pub subject: Option<S>,
    pub reason: S,
    pub head: Origin,
}

/// Everything read from the data directory's files.
#[derive(Debug, Default)]
pub struct RawDataset {
    /// False when a schema, entity or source file could not be read or
    /// parsed: references to what it may have defined are then not
    /// reported as unknown, since the real problem is already reported.
    pub schema_complete: bool,
    pub entities_complete: bool,
    pub sources_complete: bool,
    pub kinds: Vec<RawKind>,
    pub relation_types: Vec<RawRelationType>,
    pub sources: Vec<RawSource>,
    pub entities: Vec<RawEntity>,
    pub relations: Vec<RawRelation>,
    pub reviewed: Vec<RawReviewed>,
    pub allowed: Vec<RawAllowance>,
}

/// A parsed file's name and text, for positions; its tree is passed beside
/// it, mutably, since records move their values out of it.
#[derive(Clone, Copy)]
pub struct Document<'a> {
    pub file: FileId,
    pub text: &'a str,
}

impl Document<'_> {
    fn record<'n>(
        &self,
        node: &'n mut Node,
        what: &'static str,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Record<'n>> {
        Record::new(node, self.file, self.text, what, diagnostics)
    }

    /// Reads the top-level arrays of tables named in `sections`, calling
    /// `read` on each element, and reports unknown top-level keys.
    fn sections(
        &self,
        root: &mut Node,
        what: &'static str,
        sections: &[&'static str],
        diagnostics: &mut Vec<Diagnostic>,
        mut read: impl FnMut(&'static str, Record<'_>, &mut Vec<Diagnostic>),
    ) {
        let Some(mut top) = self.record(root, what, diagnostics) else {
            return;
        };
        for &section in sections {
            let Some(items) = top.array(section, diagnostics) else {
                continue;
            };
            for mut item in items {
                let item_what = section_what(section);
                if let Some(record) = self.record(&mut item, item_what, diagnostics) {
                    read(section, record, diagnostics);
                }
            }
        }
        top.finish(diagnostics);
    }
}

fn section_what(section: &str) -> &'static str {
    match section {
        "kind" => "kind",
        "relation_type" => "relation type",
        "entity" => "entity",
        "relation" => "relation",
        "ignore" => "reviewed passage",
        "allow" => "lint allowance",
        _ => "table",
    }
}

pub fn read_schema(
    document: &Document<'_>,
    root: &mut Node,
    raw: &mut RawDataset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    document.sections(
        root,
        "the schema",
        &["kind", "relation_type"],
        diagnostics,
        |section, mut record, diagnostics| {
            if section == "kind" {
                let name = record.required_str("name", diagnostics);
                let description = record.required_str("description", diagnostics);
                let dot = record.str_table("dot", diagnostics);
                if let (Some(name), Some(description)) = (name, description) {
                    raw.kinds.push(RawKind {
                        name,
                        description,
                        dot,
                        head: record.head_origin(),
                    });
                }
                record.finish(diagnostics);
            } else {
                let name = record.required_str("name", diagnostics);
                let label = record.optional_str("label", diagnostics);
                let definition = record.required_str("definition", diagnostics);
                let domain = record.str_list("domain", diagnostics);
                let range = record.str_list("range", diagnostics);
                let symmetric = record
                    .optional_bool("symmetric", diagnostics)
                    .unwrap_or(false);
                let dot = record.str_table("dot", diagnostics);
                let head = record.head_origin();
                for (key, list) in [("domain", &domain), ("range", &range)] {
                    if list.is_empty() {
                        diagnostics.push(
                            Diagnostic::error(format!(
                                "relation type needs a non-empty `{key}`: the kinds it may connect"
                            ))
                            .code("empty-domain-or-range")
                            .at(head.clone(), format!("no `{key}` kinds")),
                        );
                    }
                }
                if let (Some(name), Some(definition)) = (name, definition) {
                    raw.relation_types.push(RawRelationType {
                        name,
                        label,
                        definition,
                        domain,
                        range,
                        symmetric,
                        dot,
                        head,
                    });
                }
                record.finish(diagnostics);
            }
        },
    );
}

pub fn read_source(
    document: &Document<'_>,
    root: &mut Node,
    raw: &mut RawDataset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(mut record) = document.record(root, "source", diagnostics) else {
        return;
    };
    let id = record.required_str("id", diagnostics);
    let title = record.required_str("title", diagnostics);
    let author = record.required_str("author", diagnostics);
    let date = record.required_str("date", diagnostics);
    let copy_date = record.optional_str("copy_date", diagnostics);
    let copy_url = record.optional_str("copy_url", diagnostics);
    let publisher = record.required_str("publisher", diagnostics);
    let url = record.optional_str("url", diagnostics);
    let notes = record.optional_str("notes", diagnostics);
    let text = record.required_str("text", diagnostics);
    let sha256 = record.optional_str("sha256", diagnostics);
    if let (Some(id), Some(title), Some(author), Some(date), Some(publisher), Some(text)) =
        (id, title, author, date, publisher, text)
    {
        raw.sources.push(RawSource {
            file: document.file,
            id,
            title,
            author,
            date,
            copy_date,
            copy_url,
            publisher,
            url,
            notes,
            text,
            sha256,
            head: record.head_origin(),
        });
    }
    record.finish(diagnostics);
}

pub fn read_entities(
    document: &Document<'_>,
    root: &mut Node,
    raw: &mut RawDataset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    document.sections(
        root,
        "the entities file",
        &["entity"],
        diagnostics,
        |_, mut record, diagnostics| {
            let id = record.required_str("id", diagnostics);
            let label = record.required_str("label", diagnostics);
            let kind = record.required_str("kind", diagnostics);
            let aliases = record.str_list("aliases", diagnostics);
            let description = record.optional_str("description", diagnostics);
            let wikidata = record.optional_str("wikidata", diagnostics);
            if let (Some(id), Some(label), Some(kind)) = (id, label, kind) {
                raw.entities.push(RawEntity {
                    file: document.file,
                    id,
                    label,
                    kind,
                    aliases,
                    description,
                    wikidata,
                    head: record.head_origin(),
                });
            }
            record.finish(diagnostics);
        },
    );
}

pub fn read_relations(
    document: &Document<'_>,
    root: &mut Node,
    raw: &mut RawDataset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    document.sections(
        root,
        "the relations file",
        &["relation"],
        diagnostics,
        |_, mut record, diagnostics| {
            let id = record.optional_str("id", diagnostics);
            let from = record.required_str("from", diagnostics);
            let relation_type = record.required_str("type", diagnostics);
            let to = record.required_str("to", diagnostics);
            let modality = record.required_str("modality", diagnostics);
            let attributed_to = record.str_list("attributed_to", diagnostics);
            let negated = record
                .optional_bool("negated", diagnostics)
                .unwrap_or(false);
            let note = record.optional_str("note", diagnostics);
            let date = record.optional_str("date", diagnostics);
            let head = record.head_origin();
            let mut evidence = Vec::new();
            match record.array("evidence", diagnostics) {
                Some(items) if !items.is_empty() => {
                    for mut item in items {
                        let Some(mut quote_record) =
                            document.record(&mut item, "evidence", diagnostics)
                        else {
                            continue;
                        };
                        let source = quote_record.required_str("source", diagnostics);
                        let quote = quote_record.required_str("quote", diagnostics);
                        let occurrence = quote_record.optional_integer("occurrence", diagnostics);
                        if let (Some(source), Some(quote)) = (source, quote) {
                            evidence.push(RawEvidence {
                                source,
                                quote,
                                occurrence,
                            });
                        }
                        quote_record.finish(diagnostics);
                    }
                }
                _ => diagnostics.push(
                    Diagnostic::error(
                        "relation has no evidence: every relation needs at least one quote",
                    )
                    .code("missing-evidence")
                    .at(head.clone(), "no `evidence`")
                    .note("add `[[relation.evidence]]` with `source` and `quote`"),
                ),
            }
            if let (Some(from), Some(relation_type), Some(to), Some(modality)) =
                (from, relation_type, to, modality)
            {
                raw.relations.push(RawRelation {
                    file: document.file,
                    id,
                    from,
                    relation_type,
                    to,
                    modality,
                    attributed_to,
                    negated,
                    evidence,
                    note,
                    date,
                    head,
                });
            }
            record.finish(diagnostics);
        },
    );
}

pub fn read_reviewed(
    document: &Document<'_>,
    root: &mut Node,
    raw: &mut RawDataset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    document.sections(
        root,
        "the reviewed file",
        &["ignore", "allow"],
        diagnostics,
        |section, mut record, diagnostics| {
            if section == "allow" {
                let lint = record.required_str("lint", diagnostics);
                let subject = record.optional_str("subject", diagnostics);
                let reason = record.required_str("reason", diagnostics);
                if let (Some(lint), Some(reason)) = (lint, reason) {
                    raw.allowed.push(RawAllowance {
                        file: document.file,
                        lint,
                        subject,
                        reason,
                        head: record.head_origin(),
                    });
                }
                record.finish(diagnostics);
                return;
            }
            let source = record.required_str("source", diagnostics);
            let quote = record.required_str("quote", diagnostics);
            let reason = record.required_str("reason", diagnostics);
            if let (Some(source), Some(quote), Some(reason)) = (source, quote, reason) {
                raw.reviewed.push(RawReviewed {
                    file: document.file,
                    source,
                    quote,
                    reason,
                    head: record.head_origin(),
                });
            }
            record.finish(diagnostics);
        },
    );
}
