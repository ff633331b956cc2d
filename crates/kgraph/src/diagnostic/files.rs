//! The files diagnostics point into, and their texts.

use std::hash::BuildHasher as _;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;

use codespan_reporting::files::Error;

/// Index of a file in [`Files`].
pub type FileId = usize;

/// The files a dataset was read from, kept so that any later step (lint,
/// coverage) can point into them and quote them.
///
/// The text of a data file of 32 KiB or more is not held once the loader
/// has read its records: for a large corpus it was a fifth of all a load
/// holds, and most of it is never quoted. It is read again the first
/// time something asks for it, and used only if it is, byte for byte, what
/// was read (same length, same line starts, same digest); if the file
/// changed in between, it is no longer quoted: [`Files::text`] gives
/// `None` and a diagnostic pointing into it is printed without the excerpt.
#[derive(Debug, Clone, Default)]
pub struct Files {
    files: Vec<File>,
}

#[derive(Debug, Clone)]
struct File {
    name: String,
    /// Where each line starts, so that lines and columns need no text.
    line_starts: Vec<usize>,
    text: Text,
}

#[derive(Debug, Clone)]
enum Text {
    Held(String),
    Released {
        path: PathBuf,
        len: usize,
        digest: u64,
        /// The text read again, once asked for; `None` if it could not be
        /// read or is not what was read before.
        again: OnceLock<Option<String>>,
    },
}

/// The digest that tells a text read again from the one read first. It
/// only has to notice an edit in between: the loaded data stays what it
/// was whatever the file holds now, and quoting bytes on char boundaries
/// of a text of the same length and lines cannot go wrong.
fn digest(text: &str) -> u64 {
    foldhash::quality::FixedState::with_seed(0x6b67_6669_6c65).hash_one(text.as_bytes())
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|newline| newline + 1))
        .collect()
}

/// A file made ready to be added ([`Files::add_prepared`]): files read
/// on several cores are prepared there, then added in order.
#[derive(Debug)]
pub(crate) struct Prepared(File);

impl Prepared {
    /// A file whose text is held.
    pub(crate) fn held(name: String, text: String) -> Prepared {
        Prepared(File {
            name,
            line_starts: line_starts(&text),
            text: Text::Held(text),
        })
    }

    /// A file whose text is not held: [`Files::text`] reads it again from
    /// `path`, as for a file released with [`Files::release`].
    pub(crate) fn released(name: String, text: &str, path: PathBuf) -> Prepared {
        Prepared(File {
            name,
            line_starts: line_starts(text),
            text: released(text, path),
        })
    }
}

/// What a released text keeps of itself, to tell it when read again.
fn released(text: &str, path: PathBuf) -> Text {
    Text::Released {
        path,
        len: text.len(),
        digest: digest(text),
        again: OnceLock::new(),
    }
}

impl Files {
    /// No files.
    pub fn new() -> Files {
        Files::default()
    }

    /// Adds a file with its text; returns its id.
    pub fn add(&mut self, name: String, text: String) -> FileId {
        self.add_prepared(Prepared::held(name, text))
    }

    /// Adds a prepared file; returns its id, which is
    /// [`Files::next_id`] before the call.
    pub(crate) fn add_prepared(&mut self, Prepared(file): Prepared) -> FileId {
        self.files.push(file);
        self.files.len() - 1
    }

    /// The id the next file added will have.
    pub(crate) fn next_id(&self) -> FileId {
        self.files.len()
    }

    /// The name of file `file`, as diagnostics print it.
    pub fn name(&self, file: FileId) -> Option<&str> {
        Some(self.files.get(file)?.name.as_str())
    }

    /// The text of file `file`: read again from `path` if it was released,
    /// and `None` if it then cannot be read or differs from what was read.
    pub fn text(&self, file: FileId) -> Option<&str> {
        let file = self.files.get(file)?;
        match &file.text {
            Text::Held(text) => Some(text),
            Text::Released {
                path,
                len,
                digest: expected,
                again,
            } => again
                .get_or_init(|| {
                    let bytes = crate::load::read_regular_file(path, *len as u64).ok()?;
                    let text = String::from_utf8(bytes).ok()?;
                    (text.len() == *len
                        && line_starts(&text) == file.line_starts
                        && digest(&text) == *expected)
                        .then_some(text)
                })
                .as_deref(),
        }
    }

    /// Stops holding the text of `file`, which stands in the file at
    /// `path`; [`Files::text`] reads it again when asked.
    pub(crate) fn release(&mut self, file: FileId, path: PathBuf) {
        let Some(file) = self.files.get_mut(file) else {
            return;
        };
        if let Text::Held(text) = &file.text {
            file.text = released(text, path);
        }
    }

    /// Whether the byte range `span` of `file` can be quoted: the file's
    /// text is at hand and the range lies on its character boundaries.
    pub(crate) fn quotable(&self, file: FileId, span: &Range<usize>) -> bool {
        self.text(file).is_some_and(|text| {
            span.start <= span.end
                && text.is_char_boundary(span.start)
                && text.is_char_boundary(span.end)
        })
    }

    fn file(&self, file: FileId) -> Result<&File, Error> {
        self.files.get(file).ok_or(Error::FileMissing)
    }

    fn line_start(&self, file: FileId, line: usize) -> Result<usize, Error> {
        let starts = &self.file(file)?.line_starts;
        match line.cmp(&starts.len()) {
            std::cmp::Ordering::Less => Ok(starts[line]),
            std::cmp::Ordering::Equal => Ok(self.len(file)?),
            std::cmp::Ordering::Greater => Err(Error::LineTooLarge {
                given: line,
                max: starts.len() - 1,
            }),
        }
    }

    fn len(&self, file: FileId) -> Result<usize, Error> {
        Ok(match &self.file(file)?.text {
            Text::Held(text) => text.len(),
            Text::Released { len, .. } => *len,
        })
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Files {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, file: FileId) -> Result<&'a str, Error> {
        Ok(&self.file(file)?.name)
    }

    fn source(&'a self, file: FileId) -> Result<&'a str, Error> {
        self.text(file).ok_or(Error::FileMissing)
    }

    fn line_index(&'a self, file: FileId, byte: usize) -> Result<usize, Error> {
        Ok(self
            .file(file)?
            .line_starts
            .binary_search(&byte)
            .unwrap_or_else(|next_line| next_line - 1))
    }

    fn line_range(&'a self, file: FileId, line: usize) -> Result<Range<usize>, Error> {
        Ok(self.line_start(file, line)?..self.line_start(file, line + 1)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn released(text: &str) -> (tempfile::TempDir, PathBuf, Files, FileId) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("relations.json");
        std::fs::write(&path, text).unwrap();
        let mut files = Files::new();
        let file = files.add("data/relations.json".to_owned(), text.to_owned());
        files.release(file, path.clone());
        (dir, path, files, file)
    }

    #[test]
    fn a_released_text_is_read_again_when_asked_for() {
        let (_dir, _path, files, file) = released("{\n  \"relation\": []\n}\n");
        assert!(matches!(files.files[file].text, Text::Released { .. }));
        assert_eq!(files.text(file), Some("{\n  \"relation\": []\n}\n"));
        assert_eq!(files.name(file), Some("data/relations.json"));
    }

    #[test]
    fn a_released_text_that_changed_since_is_not_quoted() {
        let text = "{\n  \"relation\": []\n}\n";
        // The same length and the same lines, one byte changed.
        let (_dir, path, files, file) = released(text);
        std::fs::write(&path, text.replace("relation", "relatiom")).unwrap();
        assert_eq!(files.text(file), None);
        assert!(!files.quotable(file, &(4..12)));
        // Lines are still known without the text.
        use codespan_reporting::files::Files as _;
        assert_eq!(files.line_index(file, 4).unwrap(), 1);
    }

    #[test]
    fn a_released_file_gone_or_grown_is_not_quoted() {
        let (_dir, path, files, file) = released("{}\n");
        std::fs::remove_file(&path).unwrap();
        assert_eq!(files.text(file), None);
        let (_dir, path, files, file) = released("{}\n");
        std::fs::write(&path, "{}\n\n").unwrap();
        assert_eq!(files.text(file), None);
    }
}
