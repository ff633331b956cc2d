//! Tables to raw records: every field with its span, nothing checked yet
//! beyond presence and type.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::record::{Record, Spanned};
use super::tree::{Node, Value};
use crate::diagnostic::{Diagnostic, FileId, Origin};

pub(super) type S = Spanned<String>;

#[derive(Debug)]
pub(super) struct RawKind {
    pub name: S,
    pub description: S,
    pub dot: Vec<(S, S)>,
    pub head: Origin,
}

#[derive(Debug)]
pub(super) struct RawRelationType {
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
pub(super) struct RawSource {
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

#[derive(Debug, PartialEq)]
pub(super) struct RawEntity {
    pub file: FileId,
    pub id: S,
    pub label: S,
    pub kind: S,
    pub aliases: Vec<S>,
    pub description: Option<S>,
    pub wikidata: Option<S>,
    pub head: Origin,
}

#[derive(Debug, PartialEq)]
pub(super) struct RawRelation {
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

#[derive(Debug, PartialEq)]
pub(super) struct RawEvidence {
    pub source: S,
    pub quote: S,
    /// Which match of a quote that occurs more than once (1-based).
    pub occurrence: Option<Spanned<i64>>,
}

#[derive(Debug)]
pub(super) struct RawReviewed {
    pub file: FileId,
    pub source: S,
    pub quote: S,
    pub occurrence: Option<Spanned<i64>>,
    pub reason: S,
    pub head: Origin,
}

#[derive(Debug)]
pub(super) struct RawAllowance {
    pub file: FileId,
    pub lint: S,
    pub subject: Option<S>,
    pub reason: S,
    pub head: Origin,
}

/// Everything read from the data directory's files.
#[derive(Debug, Default)]
pub(super) struct RawDataset {
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
    pub relations: Batches<RawRelation>,
    pub reviewed: Vec<RawReviewed>,
    pub allowed: Vec<RawAllowance>,
}

impl RawDataset {
    /// Adds the records of `other`, read from a later file, after these;
    /// the flags of `other` are not read.
    pub(super) fn append(&mut self, other: RawDataset) {
        let RawDataset {
            schema_complete: _,
            entities_complete: _,
            sources_complete: _,
            kinds,
            relation_types,
            sources,
            entities,
            relations,
            reviewed,
            allowed,
        } = other;
        self.kinds.add_file(kinds);
        self.relation_types.add_file(relation_types);
        self.sources.add_file(sources);
        self.entities.add_file(entities);
        self.relations.add_file(relations);
        self.reviewed.add_file(reviewed);
        self.allowed.add_file(allowed);
    }
}

/// The record arrays of each data file: the keys of its root table whose
/// elements are records, read by [`Document::sections`].
pub(super) const SCHEMA_SECTIONS: &[&str] = &["kind", "relation_type"];
pub(super) const ENTITY_SECTIONS: &[&str] = &["entity"];
pub(super) const RELATION_SECTIONS: &[&str] = &["relation"];
pub(super) const REVIEWED_SECTIONS: &[&str] = &["ignore", "allow"];

/// How many elements [`Document::sections`] reads as one batch: enough to
/// keep every core busy, few enough that a batch's trees stay small. A few
/// in unit tests, so that every test that reads records reads several
/// batches.
pub(super) const BATCH: usize = if cfg!(test) { 4 } else { 16 * 1024 };

/// Records kept in the batches [`Document::sections`] read them in, so
/// that each batch can be freed once what is built from it is built. In
/// one vector, every relation's record (about 360 bytes) stayed until the
/// last relation was built, beside the model: the peak of a load.
#[derive(Debug)]
pub(super) struct Batches<T>(Vec<Vec<T>>);

impl<T> Default for Batches<T> {
    fn default() -> Self {
        Batches(Vec::new())
    }
}

impl<T> Batches<T> {
    /// Every record, in the order read.
    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter().flatten()
    }

    /// The batches, in the order read, none empty.
    pub(super) fn into_batches(self) -> Vec<Vec<T>> {
        self.0
    }
}

/// What [`Document::sections`] puts the records it reads into, a batch
/// at a time.
pub(super) trait Gather<T>: Default {
    /// Room for `additional` more records, where that saves copies.
    fn reserve(&mut self, additional: usize);
    /// The next records, in order.
    fn gather(&mut self, batch: Vec<T>);
    /// Adds the records of another file after these.
    fn add_file(&mut self, other: Self);
}

impl<T> Gather<T> for Vec<T> {
    // Reserved at once: a record is a few hundred bytes, and growing by
    // doubling would copy a million of them several times over.
    fn reserve(&mut self, additional: usize) {
        Vec::reserve(self, additional);
    }

    fn gather(&mut self, batch: Vec<T>) {
        self.extend(batch);
    }

    fn add_file(&mut self, other: Self) {
        // The first file's records are moved as they are, not copied.
        if self.is_empty() {
            *self = other;
        } else {
            self.extend(other);
        }
    }
}

impl<T> Gather<T> for Batches<T> {
    // Each batch is a vector of its own: nothing is copied to grow.
    fn reserve(&mut self, _additional: usize) {}

    fn gather(&mut self, batch: Vec<T>) {
        if !batch.is_empty() {
            self.0.push(batch);
        }
    }

    fn add_file(&mut self, other: Self) {
        self.0.extend(other.0);
    }
}

/// A parsed file's name and text, for positions; its tree is passed beside
/// it, mutably, since records move their values out of it.
#[derive(Clone, Copy)]
pub(super) struct Document<'a> {
    pub file: FileId,
    pub text: &'a str,
    /// Set when an unchecked record turned out invalid: the document is
    /// then rejected whole, with its first syntax error, as if it had
    /// failed to parse.
    pub rejected: &'a AtomicBool,
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
    /// `read` on each element, and reports unknown top-level keys. Elements
    /// are read on every core, a batch at a time, and what they give and
    /// report is kept in file order, so that the result does not depend on
    /// how the work was spread.
    ///
    /// If an unchecked element (see [`Value::Unchecked`]) is invalid, the
    /// document is rejected: nothing read from it is kept, and its first
    /// syntax error is reported.
    ///
    /// An element not built yet (deferred or unchecked) is first offered to
    /// `direct`, which reads it from the text without building its tree
    /// (see `direct.rs`); only when it declines is the element built and
    /// read by `read`.
    fn sections<T: Send, G: Gather<T>>(
        &self,
        root: &mut Node,
        what: &'static str,
        sections: &[&'static str],
        diagnostics: &mut Vec<Diagnostic>,
        direct: impl Fn(&'static str, Range<usize>) -> Option<T> + Sync,
        read: impl Fn(&'static str, Record<'_>, &mut Vec<Diagnostic>) -> Option<T> + Sync,
    ) -> G {
        let reported_before = diagnostics.len();
        let mut read_items = G::default();
        let Some(mut top) = self.record(root, what, diagnostics) else {
            return read_items;
        };
        for &section in sections {
            let Some(mut items) = top.array(section, diagnostics) else {
                continue;
            };
            let item_what = section_what(section);
            let read_one = |item: &mut Node| {
                let mut found = Vec::new();
                let mut item = std::mem::replace(item, Node::null());
                if matches!(item.value, Value::Deferred | Value::Unchecked) {
                    if let Some(value) = direct(section, item.span.clone()) {
                        #[cfg(test)]
                        DIRECT_READS.fetch_add(1, Ordering::Relaxed);
                        return (Some(value), found);
                    }
                    let unchecked = matches!(item.value, Value::Unchecked);
                    item = match super::tree::expand(self.text, item.span.clone()) {
                        Ok(item) => item,
                        Err(_) if unchecked => {
                            self.rejected.store(true, Ordering::Relaxed);
                            return (None, found);
                        }
                        Err(error) => {
                            found.push(syntax_error(self.file, error));
                            return (None, found);
                        }
                    };
                }
                let value = self
                    .record(&mut item, item_what, &mut found)
                    .and_then(|record| read(section, record, &mut found));
                (value, found)
            };
            read_items.reserve(items.len());
            for batch in items.chunks_mut(BATCH) {
                let results: Vec<(Option<T>, Vec<Diagnostic>)> = batch
                    .par_iter_mut()
                    .with_min_len(64)
                    .map(read_one)
                    .collect();
                if self.rejected.load(Ordering::Relaxed) {
                    break;
                }
                let mut values = Vec::with_capacity(results.len());
                for (value, found) in results {
                    values.extend(value);
                    diagnostics.extend(found);
                }
                read_items.gather(values);
            }
            if self.rejected.load(Ordering::Relaxed) {
                break;
            }
        }
        if self.rejected.load(Ordering::Relaxed) {
            diagnostics.truncate(reported_before);
            let error = super::tree::first_error(
                self.text,
                super::tree::SyntaxError {
                    message: "a record is not valid JSON".to_owned(),
                    span: 0..0,
                },
            );
            diagnostics.push(syntax_error(self.file, error));
            return G::default();
        }
        top.finish(diagnostics);
        read_items
    }
}

/// How many elements the direct readers have read, so that a test can
/// tell that the fast path is taken.
#[cfg(test)]
pub(super) static DIRECT_READS: std::sync::atomic::AtomicUsize =
    std::sync::atomic::AtomicUsize::new(0);

/// A JSON syntax error, reported as a document that fails to parse is.
fn syntax_error(file: FileId, error: super::tree::SyntaxError) -> Diagnostic {
    Diagnostic::error(format!("invalid JSON: {}", error.message))
        .code("syntax-error")
        .at(Origin::new(file, error.span), "syntax error")
}

/// One element of the schema.
enum SchemaItem {
    Kind(RawKind),
    RelationType(RawRelationType),
}

/// One element of the reviewed file.
enum ReviewedItem {
    Reviewed(RawReviewed),
    Allowance(RawAllowance),
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

pub(super) fn read_schema(
    document: &Document<'_>,
    root: &mut Node,
    raw: &mut RawDataset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let items: Vec<SchemaItem> = document.sections(
        root,
        "the schema",
        SCHEMA_SECTIONS,
        diagnostics,
        // Small files: the general reader is fast enough.
        |_, _| None,
        |section, mut record, diagnostics| {
            if section == "kind" {
                let name = record.required_str("name", diagnostics);
                let description = record.required_str("description", diagnostics);
                let dot = record.str_table("dot", diagnostics);
                let head = record.head_origin();
                record.finish(diagnostics);
                Some(SchemaItem::Kind(RawKind {
                    name: name?,
                    description: description?,
                    dot,
                    head,
                }))
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
                record.finish(diagnostics);
                Some(SchemaItem::RelationType(RawRelationType {
                    name: name?,
                    label,
                    definition: definition?,
                    domain,
                    range,
                    symmetric,
                    dot,
                    head,
                }))
            }
        },
    );
    for item in items {
        match item {
            SchemaItem::Kind(kind) => raw.kinds.push(kind),
            SchemaItem::RelationType(ty) => raw.relation_types.push(ty),
        }
    }
}

pub(super) fn read_source(
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

pub(super) fn read_entities(
    document: &Document<'_>,
    root: &mut Node,
    raw: &mut RawDataset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let entities: Vec<RawEntity> = document.sections(
        root,
        "the entities file",
        ENTITY_SECTIONS,
        diagnostics,
        |_, span| super::direct::entity(document.file, document.text, span),
        |_, record, diagnostics| read_entity(document, record, diagnostics),
    );
    raw.entities.add_file(entities);
}

/// One entity, read from its table: the general reader, and the reference
/// for `direct::entity`.
pub(super) fn read_entity(
    document: &Document<'_>,
    mut record: Record<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RawEntity> {
    let id = record.required_str("id", diagnostics);
    let label = record.required_str("label", diagnostics);
    let kind = record.required_str("kind", diagnostics);
    let aliases = record.str_list("aliases", diagnostics);
    let description = record.optional_str("description", diagnostics);
    let wikidata = record.optional_str("wikidata", diagnostics);
    let head = record.head_origin();
    record.finish(diagnostics);
    Some(RawEntity {
        file: document.file,
        id: id?,
        label: label?,
        kind: kind?,
        aliases,
        description,
        wikidata,
        head,
    })
}

pub(super) fn read_relations(
    document: &Document<'_>,
    root: &mut Node,
    raw: &mut RawDataset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let relations: Batches<RawRelation> = document.sections(
        root,
        "the relations file",
        RELATION_SECTIONS,
        diagnostics,
        |_, span| super::direct::relation(document.file, document.text, span),
        |_, record, diagnostics| read_relation(document, record, diagnostics),
    );
    raw.relations.add_file(relations);
}

/// One relation, read from its table: the general reader, and the
/// reference for `direct::relation`.
pub(super) fn read_relation(
    document: &Document<'_>,
    mut record: Record<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<RawRelation> {
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
            // Exactly as many as there are: the relation's evidence
            // is later built in this vector's memory, and the
            // smallest capacity a push would give (four) tripled
            // the evidence's memory at rest.
            evidence.reserve_exact(items.len());
            for mut item in items {
                let Some(mut quote_record) = document.record(&mut item, "evidence", diagnostics)
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
            Diagnostic::error("relation has no evidence: every relation needs at least one quote")
                .code("missing-evidence")
                .at(head.clone(), "no `evidence`")
                .note("add `[[relation.evidence]]` with `source` and `quote`"),
        ),
    }
    record.finish(diagnostics);
    Some(RawRelation {
        file: document.file,
        id,
        from: from?,
        relation_type: relation_type?,
        to: to?,
        modality: modality?,
        attributed_to,
        negated,
        evidence,
        note,
        date,
        head,
    })
}

pub(super) fn read_reviewed(
    document: &Document<'_>,
    root: &mut Node,
    raw: &mut RawDataset,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let items: Vec<ReviewedItem> = document.sections(
        root,
        "the reviewed file",
        REVIEWED_SECTIONS,
        diagnostics,
        // Small files: the general reader is fast enough.
        |_, _| None,
        |section, mut record, diagnostics| {
            if section == "allow" {
                let lint = record.required_str("lint", diagnostics);
                let subject = record.optional_str("subject", diagnostics);
                let reason = record.required_str("reason", diagnostics);
                let head = record.head_origin();
                record.finish(diagnostics);
                return Some(ReviewedItem::Allowance(RawAllowance {
                    file: document.file,
                    lint: lint?,
                    subject,
                    reason: reason?,
                    head,
                }));
            }
            let source = record.required_str("source", diagnostics);
            let quote = record.required_str("quote", diagnostics);
            let occurrence = record.optional_integer("occurrence", diagnostics);
            let reason = record.required_str("reason", diagnostics);
            let head = record.head_origin();
            record.finish(diagnostics);
            Some(ReviewedItem::Reviewed(RawReviewed {
                file: document.file,
                source: source?,
                quote: quote?,
                occurrence,
                reason: reason?,
                head,
            }))
        },
    );
    for item in items {
        match item {
            ReviewedItem::Reviewed(reviewed) => raw.reviewed.push(reviewed),
            ReviewedItem::Allowance(allowance) => raw.allowed.push(allowance),
        }
    }
}
