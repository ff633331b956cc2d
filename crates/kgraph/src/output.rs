//! Writing generated files so that readers never see a half-written one,
//! and a set of files (what `kg build` writes) is replaced as a whole.
//!
//! Each file is streamed straight into a temporary file beside its target
//! (`.kg-XXXXXX.tmp`), never held in memory, and the files of a set are
//! written in parallel. Only when every temporary file is complete and on
//! disk does the commit start: a journal naming every rename is written
//! (`.kg-journal`, itself atomically), the renames are done, and the journal
//! is removed. So:
//!
//! - a failed write (an export refusing the data, a full disk) or a kill
//!   before the commit leaves every previous file as it was; the
//!   temporary files it leaves are removed by the next build into the same
//!   directory and reported by [`check_set`] until then;
//! - a kill during the commit (a few renames, microseconds) leaves the
//!   journal, and the next [`write_set`] finishes the renames before doing
//!   anything else, so the set ends all new; [`check_set`] reports it.
//!
//! A file that is not a regular file (a device, a FIFO, `/dev/stdout`, a
//! process substitution) cannot be replaced by a rename and should not be:
//! [`write_file`] writes straight into it.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

/// The journal of a commit in progress, in the output directory.
pub const JOURNAL: &str = ".kg-journal";
const TEMP_PREFIX: &str = ".kg-";
const TEMP_SUFFIX: &str = ".tmp";
/// Large writes cost fewer system calls; the exporters write small pieces.
const BUFFER_BYTES: usize = 1 << 20;

/// Why a file or a set of files could not be written or checked.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// The output directory could not be created.
    #[error("cannot create output directory `{}`", path.display())]
    CreateDir {
        /// The path concerned.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A file could not be written or moved into place.
    #[error("cannot write `{}`", path.display())]
    Write {
        /// The path concerned.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A file could not be read (when checking).
    #[error("cannot read `{}`", path.display())]
    Read {
        /// The path concerned.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A target path is a directory.
    #[error("`{}` is a directory, not a file", path.display())]
    IsDirectory {
        /// The path concerned.
        path: PathBuf,
    },
    /// The output directory could not be opened or locked (writers wait
    /// for each other, so this is an I/O failure, not contention).
    #[error("cannot lock output directory `{}`", path.display())]
    Lock {
        /// The path concerned.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
}

/// What [`write_set`] found and tidied before writing.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Tidied {
    /// Temporary files left by interrupted or failed writes, now removed.
    pub removed: Vec<PathBuf>,
    /// True if an interrupted commit was found and finished.
    pub finished_commit: bool,
}

/// What [`check_set`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Relative paths whose file is missing or differs from what would be
    /// written.
    pub stale: Vec<String>,
    /// Temporary files left by interrupted or failed writes.
    pub leftovers: Vec<PathBuf>,
    /// True if a commit was interrupted (the journal is still there).
    pub interrupted_commit: bool,
}

impl CheckReport {
    /// True when the files are what would be written and nothing is left over.
    pub fn is_clean(&self) -> bool {
        self.stale.is_empty() && self.leftovers.is_empty() && !self.interrupted_commit
    }
}

/// Writes a set of files into `dir` as a whole: `write(index, out)` writes
/// the file `paths[index]` (relative to `dir`) into `out`. The files are
/// written in parallel; see the module documentation for what happens when
/// anything fails.
pub fn write_set<F>(dir: &Path, paths: &[&str], write: F) -> Result<Tidied, OutputError>
where
    F: Fn(usize, &mut dyn Write) -> io::Result<()> + Sync,
{
    write_set_with(dir, paths, write, None)
}

/// [`write_set`], stopping the commit after `stop_after_renames` renames
/// (to test recovery from a kill during the commit).
fn write_set_with<F>(
    dir: &Path,
    paths: &[&str],
    write: F,
    stop_after_renames: Option<usize>,
) -> Result<Tidied, OutputError>
where
    F: Fn(usize, &mut dyn Write) -> io::Result<()> + Sync,
{
    create_dir(dir)?;
    let _lock = lock(dir)?;
    let tidied = tidy(dir, paths)?;
    let temporaries: Vec<(tempfile::TempPath, PathBuf)> = paths
        .par_iter()
        .enumerate()
        .map(|(index, relative)| {
            let target = dir.join(relative);
            let temporary = write_temporary(&target, |out| write(index, out))?;
            Ok((temporary, target))
        })
        .collect::<Result<_, OutputError>>()?;
    commit(dir, temporaries, stop_after_renames)?;
    Ok(tidied)
}

/// Compares what `write` would write with the files in `dir`, without
/// holding any of them in memory, and reports leftovers of interrupted
/// writes.
pub fn check_set<F>(dir: &Path, paths: &[&str], write: F) -> Result<CheckReport, OutputError>
where
    F: Fn(usize, &mut dyn Write) -> io::Result<()> + Sync,
{
    let differs: Vec<bool> = paths
        .par_iter()
        .enumerate()
        .map(|(index, relative)| {
            let path = dir.join(relative);
            let file = match File::open(&path) {
                Ok(file) => file,
                Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(true),
                Err(source) => return Err(OutputError::Read { path, source }),
            };
            let mut comparison = Comparison::new(file);
            match write(index, &mut comparison) {
                Ok(()) => {}
                Err(_) if comparison.differs => {}
                Err(source) => return Err(OutputError::Write { path, source }),
            }
            comparison
                .finish()
                .map_err(|source| OutputError::Read { path, source })
        })
        .collect::<Result<_, _>>()?;
    let stale = paths
        .iter()
        .zip(differs)
        .filter(|(_, differs)| *differs)
        .map(|(path, _)| (*path).to_owned())
        .collect();
    let mut directories: Vec<PathBuf> = paths
        .iter()
        .map(|relative| dir.join(relative).parent().unwrap_or(dir).to_owned())
        .collect();
    directories.sort();
    directories.dedup();
    Ok(CheckReport {
        stale,
        leftovers: directories.iter().flat_map(|d| leftovers(d)).collect(),
        interrupted_commit: dir.join(JOURNAL).exists(),
    })
}

/// Writes one file: atomically (a temporary file renamed over it) when the
/// path is a regular file or does not exist yet; straight into it when it
/// is anything else (a device, a FIFO, a terminal, a pipe such as
/// `/dev/stdout` or `>(command)`), which a rename would replace instead of
/// writing to. A symbolic link to a regular file is followed: the file it
/// points to is replaced, and the link stays.
pub fn write_file(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), OutputError> {
    let write_error = |source| OutputError::Write {
        path: path.to_owned(),
        source,
    };
    let target = match std::fs::metadata(path) {
        Ok(metadata) if metadata.is_dir() => {
            return Err(OutputError::IsDirectory {
                path: path.to_owned(),
            });
        }
        Ok(metadata) if !metadata.is_file() => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(write_error)?;
            let mut out = BufWriter::with_capacity(BUFFER_BYTES, file);
            write(&mut out).map_err(write_error)?;
            return out.flush().map_err(write_error);
        }
        Ok(_) => path.canonicalize().map_err(write_error)?,
        Err(error) if error.kind() == io::ErrorKind::NotFound => path.to_owned(),
        Err(error) => return Err(write_error(error)),
    };
    let dir = parent(&target);
    create_dir(&dir)?;
    let _lock = lock(&dir)?;
    let temporary = write_temporary(&target, write)?;
    temporary
        .persist(&target)
        .map_err(|error| OutputError::Write {
            path: target.clone(),
            source: error.error,
        })
}

fn parent(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

fn create_dir(dir: &Path) -> Result<(), OutputError> {
    std::fs::create_dir_all(dir).map_err(|source| OutputError::CreateDir {
        path: dir.to_owned(),
        source,
    })
}

/// An exclusive lock on a directory, held while kgraph writes into it, so
/// that tidying up leftovers never removes the temporary file of a write
/// still running. Released when dropped (and by the system if the process
/// dies).
fn lock(dir: &Path) -> Result<Option<File>, OutputError> {
    if !cfg!(unix) {
        return Ok(None);
    }
    let lock_error = |source| OutputError::Lock {
        path: dir.to_owned(),
        source,
    };
    let handle = File::open(dir).map_err(lock_error)?;
    handle.lock().map_err(lock_error)?;
    Ok(Some(handle))
}

/// Streams a file into a new temporary file beside `target`, with the
/// permissions of `target` (or 0644), flushed to disk.
fn write_temporary(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<tempfile::TempPath, OutputError> {
    let write_error = |source| OutputError::Write {
        path: target.to_owned(),
        source,
    };
    let dir = parent(target);
    create_dir(&dir)?;
    let temporary = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(&dir)
        .map_err(write_error)?;
    let (file, path) = temporary.into_parts();
    let mut out = BufWriter::with_capacity(BUFFER_BYTES, file);
    write(&mut out).map_err(write_error)?;
    let file = out
        .into_inner()
        .map_err(|error| write_error(error.into_error()))?;
    // A temporary file is private (0600); an output file is not.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(target).map_or(0o644, |m| m.permissions().mode());
        file.set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(write_error)?;
    }
    file.sync_all().map_err(write_error)?;
    Ok(path)
}

/// Renames every complete temporary file over its target, under a journal
/// that lets an interrupted commit be finished.
fn commit(
    dir: &Path,
    temporaries: Vec<(tempfile::TempPath, PathBuf)>,
    stop_after_renames: Option<usize>,
) -> Result<(), OutputError> {
    let journal_path = dir.join(JOURNAL);
    let write_error = |source| OutputError::Write {
        path: journal_path.clone(),
        source,
    };
    let mut journal = String::new();
    for (temporary, target) in &temporaries {
        for path in [temporary.as_ref(), target.as_path()] {
            let relative = path.strip_prefix(dir).unwrap_or(path);
            journal.push_str(&relative.to_string_lossy());
            journal.push('\t');
        }
        journal.pop();
        journal.push('\n');
    }
    let staged = write_temporary(&journal_path, |out| out.write_all(journal.as_bytes()))?;
    staged
        .persist(&journal_path)
        .map_err(|e| write_error(e.error))?;
    let mut remaining = temporaries.into_iter();
    let mut done = 0;
    while let Some((temporary, target)) = remaining.next() {
        let result = if stop_after_renames == Some(done) {
            // Simulates a kill: this and the remaining renames are not done.
            Err((temporary, io::Error::other("stopped")))
        } else {
            temporary
                .persist(&target)
                .map_err(|error| (error.path, error.error))
        };
        if let Err((temporary, source)) = result {
            // Keep every temporary file the journal names, so that the next
            // write can finish the commit.
            for (rest, _) in std::iter::once((temporary, target.clone())).chain(remaining) {
                let _ = rest.keep();
            }
            if stop_after_renames == Some(done) {
                return Ok(());
            }
            return Err(OutputError::Write {
                path: target,
                source,
            });
        }
        done += 1;
    }
    sync_dir(dir);
    std::fs::remove_file(&journal_path).map_err(write_error)?;
    Ok(())
}

/// Makes renames in `dir` durable. Best effort: not every platform can open
/// a directory.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

/// Finishes an interrupted commit in `dir` and removes leftover temporary
/// files in the directories the set writes into. Call with the lock held.
fn tidy(dir: &Path, paths: &[&str]) -> Result<Tidied, OutputError> {
    let mut tidied = Tidied::default();
    let journal_path = dir.join(JOURNAL);
    match std::fs::read_to_string(&journal_path) {
        Ok(journal) => {
            // Every temporary file named was complete and on disk before the
            // journal was written: finishing the renames is safe.
            for line in journal.lines() {
                let Some((temporary, target)) = line.split_once('\t') else {
                    continue;
                };
                let temporary = dir.join(temporary);
                if temporary.exists() {
                    std::fs::rename(&temporary, dir.join(target)).map_err(|source| {
                        OutputError::Write {
                            path: dir.join(target),
                            source,
                        }
                    })?;
                }
            }
            sync_dir(dir);
            std::fs::remove_file(&journal_path).map_err(|source| OutputError::Write {
                path: journal_path.clone(),
                source,
            })?;
            tidied.finished_commit = true;
        }
        Err(error) if error.kind() == io::ErrorKind::NotFound => {}
        Err(source) => {
            return Err(OutputError::Read {
                path: journal_path,
                source,
            });
        }
    }
    let mut directories: Vec<PathBuf> = paths.iter().map(|p| parent(&dir.join(p))).collect();
    directories.sort();
    directories.dedup();
    for directory in directories {
        for leftover in leftovers(&directory) {
            if std::fs::remove_file(&leftover).is_ok() {
                tidied.removed.push(leftover);
            }
        }
    }
    Ok(tidied)
}

/// The temporary files of interrupted or failed writes in `dir`, sorted.
pub fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.starts_with(TEMP_PREFIX)
                && name.ends_with(TEMP_SUFFIX)
                && entry.file_type().is_ok_and(|t| t.is_file())
        })
        .map(|entry| entry.path())
        .collect();
    found.sort();
    found
}

/// A writer that compares what is written with a file, chunk by chunk.
struct Comparison {
    file: io::BufReader<File>,
    differs: bool,
    buffer: Vec<u8>,
}

impl Comparison {
    fn new(file: File) -> Comparison {
        Comparison {
            file: io::BufReader::with_capacity(BUFFER_BYTES, file),
            differs: false,
            buffer: Vec::new(),
        }
    }

    /// True if the file differs: other bytes, or more of them.
    fn finish(mut self) -> io::Result<bool> {
        if self.differs {
            return Ok(true);
        }
        let mut byte = [0; 1];
        Ok(self.file.read(&mut byte)? > 0)
    }
}

impl Write for Comparison {
    fn write(&mut self, written: &[u8]) -> io::Result<usize> {
        if self.differs {
            // Stop the writer early: the answer is known.
            return Err(io::Error::other("differs"));
        }
        self.buffer.resize(written.len(), 0);
        let mut filled = 0;
        while filled < written.len() {
            match self.file.read(&mut self.buffer[filled..])? {
                0 => break,
                n => filled += n,
            }
        }
        if filled < written.len() || self.buffer[..filled] != *written {
            self.differs = true;
            return Err(io::Error::other("differs"));
        }
        Ok(written.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATHS: [&str; 3] = ["graph.dot", "graph.json", "focus/a.dot"];

    fn contents(version: &str) -> impl Fn(usize, &mut dyn Write) -> io::Result<()> + Sync + '_ {
        move |index, out| writeln!(out, "{version} file {index}")
    }

    fn read(dir: &Path, relative: &str) -> String {
        std::fs::read_to_string(dir.join(relative)).unwrap()
    }

    fn temporaries_in(dir: &Path) -> Vec<PathBuf> {
        let mut all = leftovers(dir);
        all.extend(leftovers(&dir.join("focus")));
        all
    }

    #[test]
    fn writes_then_reports_nothing_stale_until_a_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let report = check_set(dir.path(), &PATHS, contents("new")).unwrap();
        assert_eq!(report.stale.len(), 3);
        write_set(dir.path(), &PATHS, contents("new")).unwrap();
        assert!(
            check_set(dir.path(), &PATHS, contents("new"))
                .unwrap()
                .is_clean()
        );
        assert_eq!(read(dir.path(), "focus/a.dot"), "new file 2\n");
        std::fs::write(dir.path().join("graph.dot"), "new file 0\nand more").unwrap();
        let report = check_set(dir.path(), &PATHS, contents("new")).unwrap();
        assert_eq!(report.stale, ["graph.dot"]);
        std::fs::write(dir.path().join("graph.dot"), "new file").unwrap();
        let report = check_set(dir.path(), &PATHS, contents("new")).unwrap();
        assert_eq!(report.stale, ["graph.dot"]);
        assert!(temporaries_in(dir.path()).is_empty());
        assert!(!dir.path().join(JOURNAL).exists());
    }

    #[test]
    fn a_failed_write_leaves_every_previous_file_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        write_set(dir.path(), &PATHS, contents("old")).unwrap();
        let failing = |index: usize, out: &mut dyn Write| {
            writeln!(out, "new file {index}")?;
            if index == 1 {
                return Err(io::Error::new(io::ErrorKind::StorageFull, "disk full"));
            }
            Ok(())
        };
        let error = write_set(dir.path(), &PATHS, failing).unwrap_err();
        assert!(error.to_string().contains("graph.json"), "{error}");
        for (index, path) in PATHS.iter().enumerate() {
            assert_eq!(read(dir.path(), path), format!("old file {index}\n"));
        }
        assert!(temporaries_in(dir.path()).is_empty());
    }

    #[test]
    fn leftovers_of_a_killed_write_are_reported_then_removed() {
        let dir = tempfile::tempdir().unwrap();
        write_set(dir.path(), &PATHS, contents("old")).unwrap();
        // What a kill during writing leaves: a partial temporary file.
        let leftover = dir.path().join(".kg-abc123.tmp");
        std::fs::write(&leftover, "new fi").unwrap();
        let report = check_set(dir.path(), &PATHS, contents("old")).unwrap();
        assert!(report.stale.is_empty());
        assert_eq!(report.leftovers, std::slice::from_ref(&leftover));
        assert!(!report.is_clean());
        let tidied = write_set(dir.path(), &PATHS, contents("new")).unwrap();
        assert_eq!(tidied.removed, [leftover]);
        assert!(temporaries_in(dir.path()).is_empty());
    }

    #[test]
    fn a_commit_cut_short_is_reported_then_finished_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        write_set(dir.path(), &PATHS, contents("old")).unwrap();
        write_set_with(dir.path(), &PATHS, contents("new"), Some(1)).unwrap();
        // A kill after one rename: a mix, with the journal to say so.
        assert_eq!(read(dir.path(), PATHS[0]), "new file 0\n");
        assert_eq!(read(dir.path(), PATHS[1]), "old file 1\n");
        let report = check_set(dir.path(), &PATHS, contents("new")).unwrap();
        assert!(report.interrupted_commit);
        // Finishing the commit gives the whole new set, even when the next
        // build then fails.
        let failing = |_: usize, _: &mut dyn Write| Err(io::Error::other("export failed"));
        let tidied = write_set(dir.path(), &PATHS, failing);
        assert!(tidied.is_err());
        for (index, path) in PATHS.iter().enumerate() {
            assert_eq!(read(dir.path(), path), format!("new file {index}\n"));
        }
        assert!(!dir.path().join(JOURNAL).exists());
        assert!(temporaries_in(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_into_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
        };
        write_file(&fifo, |out| out.write_all(b"through the pipe\n")).unwrap();
        assert_eq!(reader.join().unwrap(), "through the pipe\n");
        let file_type = std::fs::metadata(&fifo).unwrap().file_type();
        use std::os::unix::fs::FileTypeExt;
        assert!(file_type.is_fifo());
        assert!(leftovers(dir.path()).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_a_file_stays_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_file(&link, |out| out.write_all(b"new")).unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn a_new_file_is_written_atomically_and_a_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/new.dot");
        write_file(&path, |out| out.write_all(b"digraph {}\n")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "digraph {}\n");
        let error = write_file(dir.path(), |out| out.write_all(b"x")).unwrap_err();
        assert!(matches!(error, OutputError::IsDirectory { .. }));
        // A failed write leaves the previous file.
        let failed = write_file(&path, |out| {
            out.write_all(b"half")?;
            Err(io::Error::other("export failed"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "digraph {}\n");
        assert!(leftovers(&dir.path().join("sub")).is_empty());
    }
}
