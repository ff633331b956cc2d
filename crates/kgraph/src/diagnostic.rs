//! Problems found in the data, with where they are, rendered like a
//! compiler's errors: `file:line:col`, the offending line and a caret.

use std::io::Write as _;
use std::ops::Range;

use codespan_reporting::diagnostic as cs;
use codespan_reporting::term;

mod files;

pub(crate) use files::Prepared;
pub use files::{FileId, Files};

/// A byte range in one of the [`Files`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// The file, as [`Files`] numbers it.
    pub file: FileId,
    /// Byte offsets into the file's text, end-exclusive.
    pub span: Range<usize>,
}

impl Origin {
    /// The range `span` of file `file`.
    pub fn new(file: FileId, span: Range<usize>) -> Origin {
        Origin { file, span }
    }
}

/// How bad a [`Diagnostic`] is. Errors come before warnings when sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The data is invalid: nothing is written.
    Error,
    /// Valid, but probably not what the curator meant.
    Warning,
}

/// Whether a problem lies in the data (exit code 1) or in reading it (exit
/// code 2: a missing file, a permission denied).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// The data is wrong.
    Data,
    /// The data could not be read.
    Io,
}

/// A place a diagnostic points at, with a short message under the caret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The range pointed at.
    pub origin: Origin,
    /// The message under the caret.
    pub message: String,
}

/// Every lint `kg lint` runs, by code, with what it finds. A lint can be
/// allowed in `reviewed.toml` (`[[allow]]`, with a reason), for one subject
/// or everywhere.
pub const LINTS: [(&str, &str); 13] = [
    (
        "alias-inside-name",
        "an alias of one entity inside a label or alias of another",
    ),
    (
        "confusable-names",
        "names of two entities that are different text but look alike (Unicode TR39 skeletons)",
    ),
    (
        "duplicate-relation",
        "two relations that state the same thing",
    ),
    ("isolated-entity", "an entity with no relation"),
    (
        "modality-in-type-name",
        "a relation type named `could_`, `should_`, `would_`, `might_`, `may_` or `not_`",
    ),
    ("self-loop", "a relation from an entity to itself"),
    (
        "suspicious-evidence",
        "evidence that mentions neither endpoint of its relation",
    ),
    (
        "symmetric-both-ways",
        "a symmetric relation stated in both directions",
    ),
    (
        "uncovered-sentence",
        "a sentence naming two entities that backs no relation",
    ),
    ("unmentioned-entity", "an entity no source mentions"),
    (
        "unused-allowance",
        "an `[[allow]]` in reviewed.toml that allows no warning",
    ),
    ("unused-kind", "a kind no entity has"),
    ("unused-relation-type", "a relation type no relation uses"),
];

/// One problem, with the place it points at and any notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// In the data, or in reading it: decides the exit code.
    pub class: Class,
    /// A stable name, such as `modality-in-type-name`, printed in brackets
    /// after the severity as rustc prints its lint names.
    pub code: Option<&'static str>,
    /// What a lint warning is about (an entity, relation, relation type,
    /// kind or source id), so that `[[allow]]` in `reviewed.toml` can
    /// allow it for that one thing.
    pub subject: Option<String>,
    /// What is wrong, lowercase, values in backticks; without the
    /// suggestion, which [`Diagnostic::headline`] adds.
    pub message: String,
    /// The name most likely meant, for a name that names nothing ("did you
    /// mean"): its own field, so that an editor can offer it as a fix.
    pub suggestion: Option<String>,
    /// The places it points at; the first is where the problem is.
    pub labels: Vec<Label>,
    /// Further lines after the source excerpt, such as a fix to try.
    pub notes: Vec<String>,
}

impl Diagnostic {
    /// An error about the data.
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            class: Class::Data,
            code: None,
            subject: None,
            message: message.into(),
            suggestion: None,
            labels: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// A warning about the data.
    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// The error for a name that names nothing: ``unknown {what} `{name}` ``,
    /// with the name most likely meant, if any, as its suggestion. Every
    /// "unknown kind", "unknown entity", "unknown source"... is built here.
    pub fn unknown(what: &str, name: &str, suggestion: Option<&str>) -> Diagnostic {
        Diagnostic::error(format!("unknown {what} `{name}`")).suggesting(suggestion)
    }

    /// Sets the name most likely meant (see [`Diagnostic::suggestion`]).
    pub fn suggesting(mut self, suggestion: Option<&str>) -> Diagnostic {
        self.suggestion = suggestion.map(str::to_owned);
        self
    }

    /// The message as the terminal prints it: with the suggestion, if any,
    /// as `` (did you mean `nato`?)``.
    pub fn headline(&self) -> String {
        match &self.suggestion {
            Some(suggestion) => format!("{} (did you mean `{suggestion}`?)", self.message),
            None => self.message.clone(),
        }
    }

    /// Gives the diagnostic its stable name.
    pub fn code(mut self, code: &'static str) -> Diagnostic {
        self.code = Some(code);
        self
    }

    /// Says which entity, relation, type, kind or source it is about.
    pub fn about(mut self, subject: impl Into<String>) -> Diagnostic {
        self.subject = Some(subject.into());
        self
    }

    /// Marks the problem as one of reading the data (exit code 2), not of
    /// the data itself.
    pub fn io(mut self) -> Diagnostic {
        self.class = Class::Io;
        self
    }

    /// Points at `origin`, with a short message under the caret.
    pub fn at(mut self, origin: Origin, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            origin,
            message: message.into(),
        });
        self
    }

    /// Adds a note printed after the source excerpt.
    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// True for an error, false for a warning.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Where the diagnostic points first, for sorting them by position.
    fn sort_key(&self) -> (FileId, usize) {
        self.labels.first().map_or((usize::MAX, 0), |label| {
            (label.origin.file, label.origin.span.start)
        })
    }
}

/// Puts diagnostics in reading order: by file, then by position; those that
/// point nowhere come last. The sort is stable, so equal positions keep the
/// order in which the checks found them.
pub(crate) fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(Diagnostic::sort_key);
}

/// Writes a diagnostic the way `kg` prints it on stderr; colours only if
/// `out` has them (`termcolor::NoColor` for plain text). Control characters
/// of the data (in a quoted line, a message or a note) are written as
/// visible escapes ([`crate::terminal`]), never raw.
pub fn render(
    out: &mut dyn termcolor::WriteColor,
    files: &Files,
    diagnostic: &Diagnostic,
) -> std::io::Result<()> {
    let mut config = term::Config::default();
    if points_into_a_long_line(files, diagnostic) {
        // Quoting a megabyte-long line (minified JSON) helps nobody.
        config.display_style = term::DisplayStyle::Medium;
    }
    let mut out = crate::terminal::SafeWriter::new(out);
    term::emit_to_write_style(&mut out, &config, files, &to_codespan(files, diagnostic))
        .map_err(codespan_error_to_io)?;
    out.flush()
}

/// A diagnostic as data, for `--format json`: its code, message,
/// suggestion, notes and every label with file and positions, so
/// that editors and CI annotations need not parse the terminal text.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DiagnosticRecord<'a> {
    /// `"error"` or `"warning"`.
    pub severity: &'static str,
    /// The stable name, if the diagnostic has one.
    pub code: Option<&'static str>,
    /// What a lint warning is about, if it says.
    pub subject: Option<&'a str>,
    /// What is wrong, without the suggestion.
    pub message: &'a str,
    /// The name most likely meant, for an unknown name ("did you mean").
    pub suggestion: Option<&'a str>,
    /// Every place it points at, the primary one first.
    pub labels: Vec<LabelRecord<'a>>,
    /// The notes printed after the excerpt.
    pub notes: &'a [String],
}

/// One place a diagnostic points at. Lines and columns are 1-based (columns
/// count characters); bytes are 0-based offsets into the file, end-exclusive.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LabelRecord<'a> {
    /// The file's path, as the diagnostic prints it.
    pub file: &'a str,
    /// The first label is where the problem is; the others give context.
    pub primary: bool,
    /// The message under the caret.
    pub message: &'a str,
    /// Line where the range starts.
    pub line: usize,
    /// Column where the range starts, in characters.
    pub column: usize,
    /// Line where the range ends.
    pub end_line: usize,
    /// Column where the range ends, in characters.
    pub end_column: usize,
    /// Byte offset of the range's start.
    pub byte_start: usize,
    /// Byte offset one past the range's end.
    pub byte_end: usize,
}

impl<'a> DiagnosticRecord<'a> {
    /// The record of `diagnostic`, with positions computed from `files`.
    pub fn new(files: &'a Files, diagnostic: &'a Diagnostic) -> DiagnosticRecord<'a> {
        use codespan_reporting::files::Files as _;
        let position = |file: FileId, byte: usize| {
            files
                .location(file, byte)
                .map_or((0, 0), |at| (at.line_number, at.column_number))
        };
        DiagnosticRecord {
            severity: match diagnostic.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            },
            code: diagnostic.code,
            subject: diagnostic.subject.as_deref(),
            message: &diagnostic.message,
            suggestion: diagnostic.suggestion.as_deref(),
            labels: diagnostic
                .labels
                .iter()
                .enumerate()
                .map(|(index, label)| {
                    let origin = &label.origin;
                    let (line, column) = position(origin.file, origin.span.start);
                    let (end_line, end_column) = position(origin.file, origin.span.end);
                    LabelRecord {
                        file: files.name(origin.file).unwrap_or(""),
                        primary: index == 0,
                        message: &label.message,
                        line,
                        column,
                        end_line,
                        end_column,
                        byte_start: origin.span.start,
                        byte_end: origin.span.end,
                    }
                })
                .collect(),
            notes: &diagnostic.notes,
        }
    }
}

/// Lines longer than this are not quoted under a diagnostic.
const LONGEST_QUOTED_LINE: usize = 1000;

fn points_into_a_long_line(files: &Files, diagnostic: &Diagnostic) -> bool {
    use codespan_reporting::files::Files as _;
    diagnostic.labels.iter().any(|label| {
        let file = label.origin.file;
        let line_range = |offset| {
            files
                .line_index(file, offset)
                .and_then(|line| files.line_range(file, line))
                .map_or(0, |range| range.len())
        };
        line_range(label.origin.span.start).max(line_range(label.origin.span.end))
            > LONGEST_QUOTED_LINE
    })
}

fn codespan_error_to_io(error: codespan_reporting::files::Error) -> std::io::Error {
    match error {
        codespan_reporting::files::Error::Io(error) => error,
        other => std::io::Error::other(other.to_string()),
    }
}

/// The diagnostic for codespan. A label whose file can no longer be quoted
/// (it changed since it was read, see [`Files`]) becomes a note that says
/// where it pointed, so that nothing of the diagnostic is lost.
fn to_codespan(files: &Files, diagnostic: &Diagnostic) -> cs::Diagnostic<FileId> {
    let base = match diagnostic.severity {
        Severity::Error => cs::Diagnostic::error(),
        Severity::Warning => cs::Diagnostic::warning(),
    };
    let mut labels = Vec::new();
    let mut unquoted = Vec::new();
    for (index, label) in diagnostic.labels.iter().enumerate() {
        let origin = &label.origin;
        if !files.quotable(origin.file, &origin.span) {
            unquoted.push(format!(
                "{}, bytes {}..{}: {} (not quoted: the file changed since it was read)",
                files.name(origin.file).unwrap_or("?"),
                origin.span.start,
                origin.span.end,
                label.message
            ));
            continue;
        }
        let style = if index == 0 {
            cs::LabelStyle::Primary
        } else {
            cs::LabelStyle::Secondary
        };
        labels.push(
            cs::Label::new(style, origin.file, origin.span.clone()).with_message(&label.message),
        );
    }
    let base = match diagnostic.code {
        Some(code) => base.with_code(code),
        None => base,
    };
    base.with_message(diagnostic.headline())
        .with_labels(labels)
        .with_notes(
            unquoted
                .into_iter()
                .chain(diagnostic.notes.iter().cloned())
                .collect(),
        )
}

/// Names longer than this get no suggestion: edit distance costs the
/// product of both lengths, and a name this long is no typo.
const LONGEST_SUGGESTED_NAME: usize = 256;

/// The candidate closest to `name`, if it is close enough to be a likely
/// typo: "did you mean" material.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let length = name.chars().count();
    if length > LONGEST_SUGGESTED_NAME {
        return None;
    }
    let lowered = name.to_lowercase();
    let threshold = (length / 3).max(if length >= 4 { 2 } else { 1 });
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        // Edit distance costs the product of both lengths, and is at least
        // their difference: skip candidates that cannot be close enough, so
        // that a name of 100,000 characters is not compared letter by letter.
        if candidate.chars().count().abs_diff(length) > threshold {
            continue;
        }
        let distance = if candidate.to_lowercase() == lowered {
            0
        } else {
            strsim::levenshtein(name, candidate)
        };
        if best.is_none_or(|(best_distance, _)| distance < best_distance) {
            best = Some((distance, candidate));
        }
    }
    best.filter(|&(distance, _)| distance <= threshold)
        .map(|(_, candidate)| candidate)
}

/// ` (did you mean `x`?)`, or nothing.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    suggest(name, candidates)
        .map(|candidate| format!(" (did you mean `{candidate}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_close_name_and_not_a_far_one() {
        let names = ["nato", "russia", "ukraine"];
        assert_eq!(suggest("natoo", names), Some("nato"));
        assert_eq!(suggest("Russia", names), Some("russia"));
        assert_eq!(suggest("china", names), None);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_named_not_quoted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relations.toml");
        let text = "a = 1\nfrom = \"natoo\"\n";
        std::fs::write(&path, text).unwrap();
        let mut files = Files::new();
        let file = files.add("data/relations.toml".to_owned(), text.to_owned());
        files.release(file, path.clone());
        std::fs::write(&path, text.replace("natoo", "otan!")).unwrap();
        let diagnostic = Diagnostic::error("unknown entity `natoo`")
            .at(Origin::new(file, 13..20), "did you mean `nato`?")
            .note("a note");
        let mut out = termcolor::NoColor::new(Vec::new());
        render(&mut out, &files, &diagnostic).unwrap();
        let text = String::from_utf8(out.into_inner()).unwrap();
        assert!(!text.contains("otan"), "{text}");
        assert!(
            text.contains("data/relations.toml, bytes 13..20: did you mean `nato`? (not quoted: the file changed since it was read)"),
            "{text}"
        );
        assert!(text.contains("a note"), "{text}");
    }

    #[test]
    fn renders_file_line_column_and_caret() {
        let mut files = Files::new();
        let file = files.add(
            "data/relations.toml".to_owned(),
            "a = 1\nfrom = \"natoo\"\n".to_owned(),
        );
        let diagnostic = Diagnostic::error("unknown entity `natoo`")
            .at(Origin::new(file, 13..20), "did you mean `nato`?");
        let mut out = termcolor::NoColor::new(Vec::new());
        render(&mut out, &files, &diagnostic).unwrap();
        let text = String::from_utf8(out.into_inner()).unwrap();
        assert!(text.contains("data/relations.toml:2:8"), "{text}");
        assert!(text.contains("^^^^^^^"), "{text}");
    }
}
