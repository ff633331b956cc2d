//! When a snapshot is fresh: the state of the data directory's files
//! when it was taken ([`Fingerprint`]), and the program that wrote it
//! ([`Producer`]). The rule itself is told in the [module's](super) top
//! comment.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{RACY_SECONDS, Stale};

/// One input file: its path relative to the data directory, size,
/// modification time and, when needed, SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct InputFile {
    path: String,
    size: u64,
    modified_ns: i128,
    sha256: Option<[u8; 32]>,
}

/// The state of a data directory's files at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    data_dir: PathBuf,
    files: Vec<InputFile>,
}

/// What wrote a snapshot: it is used only by the same program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Producer {
    kgraph_version: String,
    executable_size: u64,
    executable_modified_ns: i128,
}

impl Producer {
    pub(super) fn current() -> Producer {
        let executable = std::env::current_exe().and_then(std::fs::metadata).ok();
        Producer {
            kgraph_version: env!("CARGO_PKG_VERSION").to_owned(),
            executable_size: executable.as_ref().map_or(0, |m| m.len()),
            executable_modified_ns: executable
                .and_then(|m| m.modified().ok())
                .map_or(0, nanoseconds),
        }
    }
}

fn nanoseconds(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => after.as_nanos() as i128,
        Err(before) => -(before.duration().as_nanos() as i128),
    }
}

fn sha256_of(path: &Path) -> io::Result<[u8; 32]> {
    let mut hasher = Sha256::new();
    let mut file = File::open(path)?;
    let mut buffer = vec![0; 1 << 16];
    loop {
        match file.read(&mut buffer)? {
            0 => break,
            n => hasher.update(&buffer[..n]),
        }
    }
    Ok(hasher.finalize().into())
}

/// Every file under `dir`, following symbolic links (each directory once),
/// skipping hidden directories such as `.git`; sorted, `/`-separated,
/// relative to `dir`.
fn files_under(dir: &Path) -> io::Result<Vec<FoundFile>> {
    let mut found = Vec::new();
    let mut visited = std::collections::HashSet::new();
    let mut pending = vec![(dir.to_owned(), String::new())];
    while let Some((directory, prefix)) = pending.pop() {
        if !visited.insert(directory.canonicalize()?) {
            continue;
        }
        let entries = std::fs::read_dir(&directory)?.collect::<io::Result<Vec<_>>>()?;
        // Statted on every core: a corpus may have tens of thousands of
        // source files, and this runs before every question.
        let statted: Vec<_> = entries
            .into_par_iter()
            .filter_map(|entry| {
                // The entry's own stat (relative to the open directory) for
                // anything but a link, which is followed.
                let metadata = match entry.file_type() {
                    Ok(kind) if !kind.is_symlink() => entry.metadata(),
                    _ => std::fs::metadata(entry.path()),
                };
                // A link that leads nowhere is an input too: it may appear.
                Some((entry, metadata.ok()?))
            })
            .collect();
        for (entry, metadata) in statted {
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            if metadata.is_dir() {
                if !name.starts_with('.') {
                    pending.push((entry.path(), format!("{relative}/")));
                }
            } else {
                found.push(FoundFile {
                    path: relative,
                    size: metadata.len(),
                    modified_ns: metadata.modified().map_or(0, nanoseconds),
                });
            }
        }
    }
    found.par_sort_unstable_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

/// A file [`files_under`] found: its relative path, size and time.
struct FoundFile {
    path: String,
    size: u64,
    modified_ns: i128,
}

impl Fingerprint {
    /// The state of every file under `data_dir` now. Take it before
    /// loading: an edit made while loading then makes the snapshot stale
    /// instead of passing unseen.
    pub fn take(data_dir: &Path) -> io::Result<Fingerprint> {
        let now = nanoseconds(SystemTime::now());
        let files = files_under(data_dir)?
            .into_par_iter()
            .map(
                |FoundFile {
                     path,
                     size,
                     modified_ns,
                 }| {
                    let racy = now - modified_ns < RACY_SECONDS * 1_000_000_000;
                    let sha256 = if racy {
                        Some(sha256_of(&data_dir.join(&path))?)
                    } else {
                        None
                    };
                    Ok(InputFile {
                        path,
                        size,
                        modified_ns,
                        sha256,
                    })
                },
            )
            .collect::<io::Result<_>>()?;
        Ok(Fingerprint {
            data_dir: data_dir.canonicalize()?,
            files,
        })
    }

    /// Why the files under the data directory no longer match, if they do
    /// not.
    pub(super) fn compare(&self, data_dir: &Path) -> Result<(), Stale> {
        let unreadable = |error: io::Error| Stale::Unreadable(error.to_string());
        if data_dir.canonicalize().map_err(unreadable)? != self.data_dir {
            return Err(Stale::OtherData);
        }
        let now = files_under(data_dir).map_err(unreadable)?;
        let mut recorded = self.files.iter().peekable();
        let mut current = now.iter().peekable();
        loop {
            match (recorded.peek(), current.peek()) {
                (None, None) => return Ok(()),
                (Some(file), None) => return Err(Stale::Removed(file.path.clone())),
                (None, Some(found)) => return Err(Stale::Added(found.path.clone())),
                (Some(file), Some(found)) if file.path < found.path => {
                    return Err(Stale::Removed(file.path.clone()));
                }
                (Some(file), Some(found)) if file.path > found.path => {
                    return Err(Stale::Added(found.path.clone()));
                }
                (Some(file), Some(found)) => {
                    let same = found.size == file.size
                        && found.modified_ns == file.modified_ns
                        && file.sha256.is_none_or(|recorded| {
                            sha256_of(&data_dir.join(&found.path)).is_ok_and(|now| now == recorded)
                        });
                    if !same {
                        return Err(Stale::Changed(found.path.clone()));
                    }
                    recorded.next();
                    current.next();
                }
            }
        }
    }
}
