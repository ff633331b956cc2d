//! From the files in a data directory to a validated [`Dataset`]: read each
//! file into a spanned tree, read the trees into raw records, then check the
//! records against each other. Every problem is collected; the dataset is
//! returned only when there is none.

mod check;
mod direct;
mod files;
mod raw;
mod record;
mod tree;

pub(crate) use check::name_key;

use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::diagnostic::{self, Diagnostic, FileId, Files, Origin, Prepared};
use crate::evidence::MAX_TEXT_BYTES;
use crate::model::{Dataset, Source};
pub use files::Refusal;
use raw::{Document, RawDataset};
use tree::Syntax;

/// The files of a dataset and what was found wrong in them.
#[derive(Debug, Default)]
pub struct Report {
    /// Every file read, so that diagnostics can quote the lines they point at.
    pub files: Files,
    /// In reading order: by file, then position.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// How many diagnostics are errors.
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    /// How many diagnostics are warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// True if any error is about reading files rather than their content.
    pub fn has_io_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.is_error() && d.class == diagnostic::Class::Io)
    }
}

/// Why a dataset could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The data directory could not be read.
    #[error("cannot read data directory `{}`", path.display())]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The path given is not a directory.
    #[error("data directory `{}` is not a directory", path.display())]
    NotADirectory {
        /// The path given.
        path: PathBuf,
    },
    /// The data is invalid; the report holds every problem found.
    #[error("{} error(s) in the data", .0.errors())]
    Invalid(Report),
}

/// How much a data directory may hold: a corpus from a stranger must not
/// exhaust the memory of the machine that checks it. Set in `kgraph.toml`'s
/// `[limits]` table; see docs/data-format.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest schema, entities, relations, reviewed or source
    /// metadata file, in bytes.
    pub data_file_bytes: u64,
    /// The largest source text, in bytes.
    pub source_text_bytes: u64,
}

impl Limits {
    /// 4 GiB: five million relations with one quote each take about 1.4 GB
    /// of JSON, and a corpus that size must load as its curators wrote it.
    /// A corpus loads in about two and a half times its size in memory
    /// (docs/performance.md); where that is more than the machine has, the
    /// out-of-memory guard reports it rather than aborts.
    pub const DEFAULT_DATA_FILE_BYTES: u64 = 4 << 30;
    /// 256 MiB: a long book is 5 MB of text.
    pub const DEFAULT_SOURCE_TEXT_BYTES: u64 = 256 << 20;
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            data_file_bytes: Limits::DEFAULT_DATA_FILE_BYTES,
            source_text_bytes: Limits::DEFAULT_SOURCE_TEXT_BYTES,
        }
    }
}

/// Reads the file `relative` of the data directory under the rules every
/// load follows (see [`Limits`]): it must resolve inside `data_dir` (a
/// symbolic link may not lead out), be a regular file (never a pipe or a
/// device, which could make the read wait or never end) and hold at most
/// `limit` bytes. For commands that read data files themselves, such as
/// `kg fmt`.
pub fn read_data_file(data_dir: &Path, relative: &str, limit: u64) -> Result<Vec<u8>, Refusal> {
    files::read_inside(
        &files::resolved_root(data_dir),
        &data_dir.join(relative),
        limit,
    )
}

/// Reads the file at `path`, anywhere, under the same rules as a data
/// file but for where it lies: a regular file (never a pipe or a device)
/// of at most `limit` bytes. For a file a user names on the command line,
/// such as the text `kg source add` copies into the data directory.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    files::read_regular(path, limit)
}

/// Reads and validates the dataset in `data_dir`, with the default
/// [`Limits`].
pub fn load(data_dir: &Path) -> Result<(Dataset, Report), LoadError> {
    load_with_limits(data_dir, Limits::default())
}

/// Reads and validates the dataset in `data_dir`.
///
/// Files read: `schema.{toml,json}` (required), `entities.{toml,json}`
/// (required), `relations.{toml,json}`, every `*.toml` or `*.json` file in
/// `relations/`, `reviewed.{toml,json}` and every `*.toml` or `*.json` file
/// in `sources/`, one source each. Where both extensions of one name exist,
/// both are read. Every file must be a regular file that resolves inside
/// `data_dir` and is no larger than `limits` allow.
pub fn load_with_limits(data_dir: &Path, limits: Limits) -> Result<(Dataset, Report), LoadError> {
    load_inner(data_dir, limits, None)
}

/// Like [`load_with_limits`], but takes the text of source `source_id` as
/// it is now, whatever hash its metadata records (or lacks), so that every
/// quote from it is checked against the changed text before a new hash is
/// recorded.
pub fn load_with_changed_text(
    data_dir: &Path,
    limits: Limits,
    source_id: &str,
) -> Result<(Dataset, Report), LoadError> {
    load_inner(data_dir, limits, Some(source_id))
}

fn load_inner(
    data_dir: &Path,
    limits: Limits,
    changed_text: Option<&str>,
) -> Result<(Dataset, Report), LoadError> {
    let metadata = std::fs::metadata(data_dir).map_err(|source| LoadError::DataDir {
        path: data_dir.to_owned(),
        source,
    })?;
    if !metadata.is_dir() {
        return Err(LoadError::NotADirectory {
            path: data_dir.to_owned(),
        });
    }
    let mut loader = Loader {
        data_dir,
        root: files::resolved_root(data_dir),
        limits,
        changed_text,
        report: Report::default(),
    };
    let dataset = loader.run();
    diagnostic::sort(&mut loader.report.diagnostics);
    let report = loader.report;
    match dataset {
        Some(dataset) if report.errors() == 0 => Ok((dataset, report)),
        _ => Err(LoadError::Invalid(report)),
    }
}

struct Loader<'a> {
    data_dir: &'a Path,
    /// `data_dir` with symbolic links resolved: every file read must lie
    /// under it once its own links are resolved.
    root: PathBuf,
    limits: Limits,
    /// The source whose recorded hash is not checked.
    changed_text: Option<&'a str>,
    report: Report,
}

/// A data file read and parsed.
/// Data files at least this large are not held once their records are
/// read (see [`Files`]): at a million relations their texts were a fifth
/// of what the load held. Smaller ones, such as a curated article's, cost
/// less to hold than to read again for each diagnostic.
const RELEASED_TEXT_BYTES: usize = 32 * 1024;

/// Reads the records of a parsed data file into a raw dataset.
type Reader = fn(&Document<'_>, &mut tree::Node, &mut RawDataset, &mut Vec<Diagnostic>);

struct Parsed {
    file: FileId,
    /// Where the file is, to read it again for a diagnostic once its text
    /// is released.
    path: PathBuf,
    root: tree::Node,
}

impl Loader<'_> {
    fn run(&mut self) -> Option<Dataset> {
        let mut raw = RawDataset::default();
        // Each tree is dropped once read: at a million relations the trees
        // are the largest thing in memory.
        let before = self.report.diagnostics.len();
        let schema_files = self.parse_named("schema", true, raw::SCHEMA_SECTIONS);
        raw.schema_complete = self.report.diagnostics.len() == before;
        let schema_missing = schema_files.is_empty();
        for mut parsed in schema_files {
            raw.schema_complete &= self.read(&mut parsed, &mut raw, raw::read_schema);
        }
        let before = self.report.diagnostics.len();
        let entity_files = self.parse_named("entities", true, raw::ENTITY_SECTIONS);
        raw.entities_complete = self.report.diagnostics.len() == before;
        let entities_missing = entity_files.is_empty();
        for mut parsed in entity_files {
            raw.entities_complete &= self.read(&mut parsed, &mut raw, raw::read_entities);
        }
        for mut parsed in self.parse_named("relations", false, raw::RELATION_SECTIONS) {
            self.read(&mut parsed, &mut raw, raw::read_relations);
        }
        self.read_directory(
            "relations",
            raw::RELATION_SECTIONS,
            &mut raw,
            raw::read_relations,
        );
        for mut parsed in self.parse_named("reviewed", false, raw::REVIEWED_SECTIONS) {
            self.read(&mut parsed, &mut raw, raw::read_reviewed);
        }
        raw.sources_complete = self.read_directory("sources", &[], &mut raw, raw::read_source);

        let schema = check::check_schema(&raw, &mut self.report.diagnostics);
        let raw_entities = std::mem::take(&mut raw.entities);
        // Reading and hashing the source texts and checking the entities
        // need nothing of each other: they run side by side, and their
        // diagnostics are reported in the order of a serial run.
        let ((entities, entity_diagnostics), (sources, text_diagnostics)) = rayon::join(
            || {
                let mut found = Vec::new();
                let entities = check::check_entities(raw_entities, &raw, &schema, &mut found);
                (entities, found)
            },
            || self.read_source_texts(&raw),
        );
        let diagnostics = &mut self.report.diagnostics;
        diagnostics.extend(entity_diagnostics);
        check::check_sources_metadata(&raw, diagnostics);
        diagnostics.extend(text_diagnostics);
        let raw_relations = std::mem::take(&mut raw.relations);
        let relations = check::check_relations(
            raw_relations,
            &raw,
            &schema,
            &entities,
            &sources,
            &mut self.report.diagnostics,
        );
        let reviewed = check::check_reviewed(&raw, &sources, &mut self.report.diagnostics);
        let allowed = check::check_allowances(
            &raw,
            &schema,
            &entities,
            &relations,
            &sources,
            &mut self.report.diagnostics,
        );
        if schema_missing || entities_missing {
            return None;
        }
        // The mention counts are not validation: they are left at 0 for
        // the commands that show them to count (`coverage::count_mentions`).
        Some(Dataset {
            schema,
            sources,
            entities,
            relations,
            reviewed,
            allowed,
        })
    }

    /// Reads the records of a parsed file into `raw`. Returns false if the
    /// file was rejected whole, as invalid JSON found only while reading
    /// its records (see `tree::Value::Unchecked`).
    fn read(&mut self, parsed: &mut Parsed, raw: &mut RawDataset, reader: Reader) -> bool {
        let text = self
            .report
            .files
            .text(parsed.file)
            .expect("a parsed file's text is held until its records are read");
        let rejected = std::sync::atomic::AtomicBool::new(false);
        let document = Document {
            file: parsed.file,
            text,
            rejected: &rejected,
        };
        reader(
            &document,
            &mut parsed.root,
            raw,
            &mut self.report.diagnostics,
        );
        // The records hold what they need; only a diagnostic may still
        // quote the text, and it is read again then.
        if text.len() >= RELEASED_TEXT_BYTES {
            self.report
                .files
                .release(parsed.file, std::mem::take(&mut parsed.path));
        }
        !rejected.into_inner()
    }

    fn display(&self, relative: &str) -> String {
        display_path(self.data_dir, relative)
    }

    /// Parses `NAME.toml` and `NAME.json`, whichever exist; `sections` are
    /// the keys of their record arrays.
    fn parse_named(&mut self, name: &str, required: bool, sections: &[&str]) -> Vec<Parsed> {
        let mut parsed = Vec::new();
        let mut found = false;
        for (extension, syntax) in Syntax::EXTENSIONS {
            let relative = format!("{name}.{extension}");
            // A link that leads nowhere exists too: reading it says why
            // it fails, where "no such file" would mislead.
            if std::fs::symlink_metadata(self.data_dir.join(&relative)).is_err() {
                continue;
            }
            found = true;
            if let Some(file) = self.parse_file(&relative, syntax, sections) {
                parsed.push(file);
            }
        }
        if required && !found {
            self.report.diagnostics.push(
                Diagnostic::error(format!(
                    "no {name} file in `{}`: expected `{name}.toml` or `{name}.json`",
                    self.data_dir.display()
                ))
                .code("missing-data-file")
                .io(),
            );
        }
        parsed
    }

    /// Reads every `*.toml` and `*.json` file of the directory `name`
    /// (`sources`, `relations`) into `raw`, in name order. Each file is
    /// read, parsed and its records read on one core, and its text let go
    /// at once if large (see [`RELEASED_TEXT_BYTES`]): a directory of tens
    /// of thousands of files is never held whole. Returns whether every
    /// file was read whole: none unreadable, empty or invalid.
    fn read_directory(
        &mut self,
        name: &str,
        sections: &[&str],
        raw: &mut RawDataset,
        reader: Reader,
    ) -> bool {
        let directory = self.data_dir.join(name);
        let entries = match std::fs::read_dir(&directory) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return true,
            Err(error) => {
                self.report.diagnostics.push(
                    Diagnostic::error(format!(
                        "cannot read directory `{}`: {error}",
                        self.display(name)
                    ))
                    .code("unreadable-directory")
                    .io(),
                );
                return false;
            }
        };
        // Every entry named like a data file is read, whatever its type:
        // a symbolic link or a pipe is reported by `read_bytes`, not
        // skipped in silence.
        let mut names: Vec<(String, Syntax)> = entries
            .filter_map(|entry| entry.ok())
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let extension = Path::new(&name).extension()?.to_str()?;
                let syntax = Syntax::from_extension(extension)?;
                Some((name, syntax))
            })
            .collect();
        // Directory order differs between machines; sorted order does not.
        names.sort();
        // The files are numbered in name order before they are read, so
        // that each can be read whole on its own core and its records
        // point into it; one that cannot be read is numbered too.
        let first = self.report.files.next_id();
        let this = &*self;
        let read: Vec<ReadFile> = names
            .into_par_iter()
            .enumerate()
            .map(|(index, (file_name, syntax))| {
                let relative = format!("{name}/{file_name}");
                this.read_whole(&relative, first + index, syntax, sections, reader)
            })
            .collect();
        let mut whole = true;
        for (index, file) in read.into_iter().enumerate() {
            let id = self.report.files.add_prepared(file.prepared);
            debug_assert_eq!(id, first + index, "the files are added as numbered");
            whole &= file.whole;
            self.report.diagnostics.extend(file.diagnostics);
            raw.append(file.raw);
        }
        whole
    }

    /// Reads, parses and reads the records of one file of a data
    /// directory, which is to be file `file`.
    fn read_whole(
        &self,
        relative: &str,
        file: FileId,
        syntax: Syntax,
        sections: &[&str],
        reader: Reader,
    ) -> ReadFile {
        let name = self.display(relative);
        let mut diagnostics = Vec::new();
        let mut raw = RawDataset::default();
        let text = match self.read_text(relative) {
            Ok(text) => text,
            Err(diagnostic) => {
                diagnostics.push(diagnostic);
                return ReadFile {
                    prepared: Prepared::held(name, String::new()),
                    whole: false,
                    diagnostics,
                    raw,
                };
            }
        };
        let whole =
            match parsed_or_why_not(parse_text(&text, syntax, sections), &name, syntax, file) {
                Ok(mut root) => {
                    let rejected = std::sync::atomic::AtomicBool::new(false);
                    let document = Document {
                        file,
                        text: &text,
                        rejected: &rejected,
                    };
                    reader(&document, &mut root, &mut raw, &mut diagnostics);
                    !rejected.into_inner()
                }
                Err(diagnostic) => {
                    diagnostics.push(diagnostic);
                    false
                }
            };
        // The records hold what they need; only a diagnostic may still
        // quote the text, and it is read again then.
        let prepared = match text.len() >= RELEASED_TEXT_BYTES {
            true => Prepared::released(name, &text, self.data_dir.join(relative)),
            false => Prepared::held(name, text),
        };
        ReadFile {
            prepared,
            whole,
            diagnostics,
            raw,
        }
    }

    /// Reads a file of the data directory, or says why not as a diagnostic
    /// (pointing at `origin` when given), which the caller reports: files
    /// are read on every core. `what` names the file in messages, such as
    /// "`data/entities.toml`" or "source text `...`".
    // A diagnostic is large, but reading a file is not a hot path: one
    // result per file, most of them `Ok`.
    #[allow(clippy::result_large_err)]
    fn read_bytes(
        &self,
        relative: &str,
        what: &str,
        (limit, setting): (u64, &str),
        origin: Option<Origin>,
    ) -> Result<Vec<u8>, Diagnostic> {
        let path = self.data_dir.join(relative);
        let refusal = match files::read_inside(&self.root, &path, limit) {
            Ok(bytes) => return Ok(bytes),
            Err(refusal) => refusal,
        };
        let diagnostic = match refusal {
            Refusal::Outside => Diagnostic::error(format!("{what} leads out of the data directory"))
                .code("file-outside-data-dir")
                .note("it is a symbolic link, or lies under one, whose target is outside the data directory: every data file and source text must resolve inside it"),
            Refusal::NotRegular(kind) => Diagnostic::error(format!(
                "cannot read {what}: it is {kind}, not a regular file"
            ))
            .code("not-a-regular-file")
            .io(),
            Refusal::TooLarge { size, limit } => {
                let diagnostic = Diagnostic::error(format!(
                    "{what} is larger than the limit of {}",
                    byte_size(limit)
                ))
                .code("file-too-large")
                .note(format!(
                    "it holds at least {size} bytes; `{setting}` in the `[limits]` table of `kgraph.toml` sets the limit (see docs/data-format.md)"
                ));
                // Relations are the one data file that grows with a corpus,
                // and the one that may be split.
                match relative.starts_with("relations") {
                    true => diagnostic.note(
                        "or split the relations across files in `relations/` (`relations/*.json` or `*.toml`), each under the limit",
                    ),
                    false => diagnostic,
                }
            }
            Refusal::Io(error) => Diagnostic::error(format!("cannot read {what}: {error}"))
                .code("unreadable-file").io(),
        };
        Err(match origin {
            Some(origin) => diagnostic.at(origin, "this file"),
            None => diagnostic,
        })
    }

    /// Reads and parses one data file, registering it for diagnostics.
    fn parse_file(&mut self, relative: &str, syntax: Syntax, sections: &[&str]) -> Option<Parsed> {
        match self.read_text(relative) {
            Ok(text) => self.register_and_parse(relative, syntax, text, sections),
            Err(diagnostic) => {
                self.report.diagnostics.push(diagnostic);
                None
            }
        }
    }

    /// The text of a data file, or why it cannot be read.
    #[allow(clippy::result_large_err)]
    fn read_text(&self, relative: &str) -> Result<String, Diagnostic> {
        let name = self.display(relative);
        let bytes = self.read_bytes(
            relative,
            &format!("`{name}`"),
            (self.limits.data_file_bytes, "data_file_bytes"),
            None,
        )?;
        String::from_utf8(bytes).map_err(|error| {
            let (line, column) =
                line_and_column(error.as_bytes(), error.utf8_error().valid_up_to());
            Diagnostic::error(format!(
                "`{name}` is not valid UTF-8: invalid byte at line {line}, column {column}"
            ))
            .code("invalid-utf8")
        })
    }

    /// Registers a data file's text for diagnostics and parses it.
    fn register_and_parse(
        &mut self,
        relative: &str,
        syntax: Syntax,
        text: String,
        sections: &[&str],
    ) -> Option<Parsed> {
        let parsed = parse_text(&text, syntax, sections);
        self.register(relative, syntax, text, parsed)
    }

    /// Registers a data file's text for diagnostics, with what parsing it
    /// gave ([`parse_text`]); reports an empty file or a syntax error.
    fn register(
        &mut self,
        relative: &str,
        syntax: Syntax,
        text: String,
        parsed: Option<Result<tree::Node, tree::SyntaxError>>,
    ) -> Option<Parsed> {
        let name = self.display(relative);
        let file = self.report.files.add(name.clone(), text);
        match parsed_or_why_not(parsed, &name, syntax, file) {
            Ok(root) => Some(Parsed {
                file,
                path: self.data_dir.join(relative),
                root,
            }),
            Err(diagnostic) => {
                self.report.diagnostics.push(diagnostic);
                None
            }
        }
    }

    /// Reads each source's text, checking that it stays inside the data
    /// directory and still has the hash the curator recorded. Returns the
    /// sources read and what was wrong with the others.
    fn read_source_texts(&self, raw: &RawDataset) -> (Vec<Source>, Vec<Diagnostic>) {
        // Each text is read and hashed on its own core; what is found is
        // kept in declaration order.
        #[allow(clippy::result_large_err)]
        let read = |source: &raw::RawSource| -> Result<Source, Diagnostic> {
            let at = |span: &std::ops::Range<usize>| Origin::new(source.file, span.clone());
            let text_origin = at(&source.text.span);
            let Some(relative) = inside_data_dir(&source.text.value) else {
                return Err(Diagnostic::error(format!(
                    "source text path `{}` leaves the data directory",
                    source.text.value
                ))
                .code("source-text-outside-data-dir")
                .at(
                    text_origin,
                    "must be a relative path inside the data directory",
                )
                .note(
                    "write the path relative to the data directory, such as `sources/article.txt`",
                ));
            };
            let shown = self.display(&relative);
            let limit = self.limits.source_text_bytes.min(MAX_TEXT_BYTES as u64);
            let bytes = self.read_bytes(
                &relative,
                &format!("source text `{shown}`"),
                (limit, "source_text_bytes"),
                Some(text_origin.clone()),
            )?;
            let actual = text_hash(&bytes);
            let changed = self.changed_text == Some(source.id.value.as_str());
            let recorded = match &source.sha256 {
                _ if changed => None,
                Some(recorded) => Some(recorded),
                None => {
                    return Err(Diagnostic::error(format!(
                        "source `{}` has no `sha256`",
                        source.id.value
                    ))
                    .code("missing-hash")
                    .at(at(&source.id.span), "this source has no hash of its text")
                    .note(format!(
                        "add this line, the SHA-256 of its text: sha256 = \"{actual}\""
                    )));
                }
            };
            if let Some(recorded) = recorded
                && actual != recorded.value.to_ascii_lowercase()
            {
                return Err(
                    Diagnostic::error(format!("source text `{shown}` does not match its `sha256`"))
                        .code("hash-mismatch")
                        .at(at(&recorded.span), "recorded hash")
                        .note(format!("the file's SHA-256 is {actual}"))
                        .note(format!("if the text changed on purpose, `kg source rehash {}` checks every quote from it, then records the new hash", source.id.value)),
                );
            }
            let text = match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(error) => {
                    let offset = error.utf8_error().valid_up_to();
                    return Err(
                        Diagnostic::error(format!("source text `{shown}` is not valid UTF-8 (first invalid byte at offset {offset})"))
                            .code("invalid-utf8")
                            .at(text_origin, "this file"),
                    );
                }
            };
            Ok(Source {
                id: source.id.value.clone(),
                title: source.title.value.clone(),
                author: source.author.value.clone(),
                date: source.date.value.clone(),
                copy_date: source.copy_date.as_ref().map(|d| d.value.clone()),
                copy_url: source.copy_url.as_ref().map(|u| u.value.clone()),
                publisher: source.publisher.value.clone(),
                url: source.url.as_ref().map(|u| u.value.clone()),
                notes: source.notes.as_ref().map(|n| n.value.clone()),
                text_path: relative,
                sha256: actual,
                text,
                origin: source.head.clone(),
            })
        };
        let read: Vec<Result<Source, Diagnostic>> = raw.sources.par_iter().map(read).collect();
        let mut sources = Vec::with_capacity(read.len());
        let mut diagnostics = Vec::new();
        for source in read {
            match source {
                Ok(source) => sources.push(source),
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
        sources.sort_by(|a, b| a.id.cmp(&b.id));
        sources.dedup_by(|a, b| a.id == b.id);
        (sources, diagnostics)
    }
}

/// One file of a data directory, read on a core of its own
/// ([`Loader::read_whole`]).
struct ReadFile {
    prepared: Prepared,
    /// Read whole: not unreadable, empty or invalid.
    whole: bool,
    diagnostics: Vec<Diagnostic>,
    /// Its records.
    raw: RawDataset,
}

/// The tree of data file `file` (shown as `name`) as [`parse_text`] gave
/// it, or the diagnostic for a file that is empty or does not parse.
// A diagnostic is large, but this is one result per file, not a hot path.
#[allow(clippy::result_large_err)]
fn parsed_or_why_not(
    parsed: Option<Result<tree::Node, tree::SyntaxError>>,
    name: &str,
    syntax: Syntax,
    file: FileId,
) -> Result<tree::Node, Diagnostic> {
    match parsed {
        Some(Ok(root)) => Ok(root),
        Some(Err(error)) => Err(Diagnostic::error(format!(
            "invalid {}: {}",
            syntax_name(syntax),
            error.message
        ))
        .code("syntax-error")
        .at(Origin::new(file, error.span), "syntax error")),
        None => Err(Diagnostic::error(format!("`{name}` is empty")).code("empty-file")),
    }
}

/// A data file's text parsed, or `None` if it is empty (blank).
fn parse_text(
    text: &str,
    syntax: Syntax,
    sections: &[&str],
) -> Option<Result<tree::Node, tree::SyntaxError>> {
    (!text.trim().is_empty()).then(|| tree::parse(text, syntax, sections))
}

/// The SHA-256 of a source text in lowercase hex, as its metadata's
/// `sha256` records it.
pub fn text_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// `256 MiB`, `1 GiB`, or a number of bytes when neither fits exactly.
fn byte_size(bytes: u64) -> String {
    const GIB: u64 = 1 << 30;
    const MIB: u64 = 1 << 20;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// 1-based line and column (in characters) of a byte offset into bytes that
/// are valid UTF-8 up to that offset.
fn line_and_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = &bytes[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |newline| newline + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (line, column)
}

/// How a path inside the data directory is shown in messages: as the user
/// would type it from where they ran `kg`.
pub fn display_path(data_dir: &Path, relative: &str) -> String {
    let base = data_dir.to_string_lossy();
    let base = base.trim_end_matches('/');
    if base.is_empty() || base == "." {
        relative.to_owned()
    } else {
        format!("{base}/{relative}")
    }
}

fn syntax_name(syntax: Syntax) -> &'static str {
    match syntax {
        Syntax::Toml => "TOML",
        Syntax::Json => "JSON",
    }
}

/// The path with `/` separators if it is relative and never climbs out
/// (`..`), else `None`.
fn inside_data_dir(path: &str) -> Option<String> {
    let path = Path::new(path);
    let mut parts = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::inside_data_dir;
    use super::raw::BATCH;

    /// A dataset whose relations file holds `ids.len()` relations, in
    /// that order, between two entities `a` and `b`, each quoting the one
    /// source; `unknown_to` names the relation whose `to` is `c`, which is
    /// not an entity.
    fn dataset_with_relations(ids: &[&str], unknown_to: Option<usize>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |relative: &str, text: &str| {
            let path = dir.path().join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "schema.toml",
            "[[kind]]\nname = \"state\"\ndescription = \"A state\"\n\n\
             [[relation_type]]\nname = \"borders\"\ndefinition = \"The subject borders the object\"\n\
             domain = [\"state\"]\nrange = [\"state\"]\n",
        );
        write(
            "entities.toml",
            "[[entity]]\nid = \"a\"\nlabel = \"A\"\nkind = \"state\"\n\n\
             [[entity]]\nid = \"b\"\nlabel = \"B\"\nkind = \"state\"\n",
        );
        let text = "A borders B along the river.\n";
        write("sources/memo.txt", text);
        write(
            "sources/memo.toml",
            &format!(
                "id = \"memo\"\ntitle = \"Memo\"\nauthor = \"X\"\ndate = \"2024\"\n\
                 publisher = \"P\"\ntext = \"sources/memo.txt\"\nsha256 = \"{}\"\n",
                super::text_hash(text.as_bytes())
            ),
        );
        let records: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(at, id)| {
                let to = if unknown_to == Some(at) { "c" } else { "b" };
                format!(
                    r#"{{"id": "{id}", "from": "a", "type": "borders", "to": "{to}", "modality": "actual", "note": "record {at}", "evidence": [{{"source": "memo", "quote": "A borders B"}}]}}"#
                )
            })
            .collect();
        write(
            "relations/many.json",
            &format!("{{\"relation\": [\n{}\n]}}\n", records.join(",\n")),
        );
        dir
    }

    /// Relations read in several batches, and not in order of id, come out
    /// in order of id, each built from its own record.
    #[test]
    fn relations_read_in_several_batches_are_built_in_order_of_id() {
        let ids: Vec<String> = (0..2 * BATCH + 3)
            .rev()
            .map(|n| format!("r-{n:03}"))
            .collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let dir = dataset_with_relations(&ids, None);
        let (dataset, report) = super::load(dir.path()).expect("the data is valid");
        assert_eq!(report.errors(), 0);
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        let built: Vec<&str> = dataset.relations.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(built, sorted);
        for relation in &dataset.relations {
            let at = ids.iter().position(|id| *id == relation.id).unwrap();
            assert_eq!(
                relation.note.as_deref(),
                Some(format!("record {at}").as_str())
            );
        }
    }

    /// An id used in one batch and again in another is reported at both
    /// records, beside an error in a batch between them.
    #[test]
    fn an_id_used_in_two_batches_is_reported_at_both_records() {
        let mut ids: Vec<String> = (0..2 * BATCH + 3).map(|n| format!("r-{n:03}")).collect();
        let (first, again) = (1, 2 * BATCH + 1);
        ids[first] = "r-dup".to_owned();
        ids[again] = "r-dup".to_owned();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let dir = dataset_with_relations(&ids, Some(BATCH + 1));
        let Err(super::LoadError::Invalid(report)) = super::load(dir.path()) else {
            panic!("the data is invalid");
        };
        let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes.len(), 2, "{:?}", report.diagnostics);
        assert!(codes.contains(&Some("unknown-entity")), "{codes:?}");
        let duplicate = report
            .diagnostics
            .iter()
            .find(|d| d.code == Some("duplicate-id"))
            .expect("the duplicate id is reported");
        let text = std::fs::read_to_string(dir.path().join("relations/many.json")).unwrap();
        let line_of = |label: &crate::diagnostic::Label| {
            let span = label.origin.span.clone();
            let line = text[..span.start].lines().count();
            (line, text[span].to_owned())
        };
        // Line 1 is `{"relation": [`: record n is on line n + 2.
        assert_eq!(
            line_of(&duplicate.labels[0]),
            (again + 2, "\"r-dup\"".to_owned())
        );
        assert_eq!(
            line_of(&duplicate.labels[1]),
            (first + 2, "\"r-dup\"".to_owned())
        );
    }

    #[test]
    fn source_paths_may_not_leave_the_data_directory() {
        assert_eq!(
            inside_data_dir("sources/a.txt").as_deref(),
            Some("sources/a.txt")
        );
        assert_eq!(
            inside_data_dir("./sources//a.txt").as_deref(),
            Some("sources/a.txt")
        );
        assert_eq!(inside_data_dir("../a.txt"), None);
        assert_eq!(inside_data_dir("sources/../../a.txt"), None);
        assert_eq!(inside_data_dir("/etc/passwd"), None);
        assert_eq!(inside_data_dir(""), None);
    }
}
