//! A snapshot of a validated dataset, so that questions (`kg query`,
//! `kg explain`, `kg stats`, `kg render`, `kg export`) are answered without
//! reading and validating the corpus again.
//!
//! `kg build` writes it as `.kg/graph.bin` in its output directory. It
//! holds the dataset in [postcard]'s compact encoding, behind a header with
//! the fingerprint of its inputs: every file under the data directory with
//! its size and modification time, and the SHA-256 of the files modified
//! less than [`RACY_SECONDS`] before the fingerprint was taken (their
//! modification time alone cannot tell a later edit in the same clock
//! tick). A snapshot is used only when every file still has the size and
//! time recorded (and the hash, where one is), no file was added or
//! removed, and it was written by this very program; otherwise the data is
//! loaded again. An edit that keeps a file's size and sets its modification
//! time back to what it was is not seen, as with `make`.
//!
//! The snapshot is a cache: not committed (it is as large as the input and
//! changes with every build of kgraph), and not part of `kg build --check`.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::Dataset;

/// Where `kg build` writes the snapshot, relative to its output directory.
pub const SNAPSHOT_PATH: &str = ".kg/graph.bin";
/// Files modified this recently when the fingerprint is taken are hashed.
pub const RACY_SECONDS: i128 = 2;
const MAGIC: &[u8; 8] = b"KGSNAP\0\x01";

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
struct Producer {
    kgraph_version: String,
    executable_size: u64,
    executable_modified_ns: i128,
}

impl Producer {
    fn current() -> Producer {
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

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    producer: Producer,
    fingerprint: Fingerprint,
    mentions_counted: bool,
}

/// A snapshot's dataset, when the snapshot is fresh.
#[derive(Debug)]
pub struct Snapshot {
    pub dataset: Dataset,
    /// True if [`crate::model::Entity::mentions`] holds the counts.
    pub mentions_counted: bool,
}

/// Why a snapshot was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stale {
    #[error("there is no snapshot")]
    Missing,
    #[error("it was built from another data directory")]
    OtherData,
    #[error("it was written by another build of kgraph")]
    OtherProgram,
    #[error("`{0}` changed")]
    Changed(String),
    #[error("`{0}` is new")]
    Added(String),
    #[error("`{0}` was removed")]
    Removed(String),
    #[error("it cannot be read ({0})")]
    Unreadable(String),
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
fn files_under(dir: &Path) -> io::Result<Vec<(String, std::fs::Metadata)>> {
    let mut found = Vec::new();
    let mut visited = std::collections::HashSet::new();
    let mut pending = vec![(dir.to_owned(), String::new())];
    while let Some((directory, prefix)) = pending.pop() {
        if !visited.insert(directory.canonicalize()?) {
            continue;
        }
        for entry in std::fs::read_dir(&directory)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = format!("{prefix}{name}");
            // A link that leads nowhere is an input too: it may appear.
            let Ok(metadata) = std::fs::metadata(entry.path()) else {
                continue;
            };
            if metadata.is_dir() {
                if !name.starts_with('.') {
                    pending.push((entry.path(), format!("{relative}/")));
                }
            } else {
                found.push((relative, metadata));
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

impl Fingerprint {
    /// The state of every file under `data_dir` now. Take it before
    /// loading: an edit made while loading then makes the snapshot stale
    /// instead of passing unseen.
    pub fn take(data_dir: &Path) -> io::Result<Fingerprint> {
        let now = nanoseconds(SystemTime::now());
        let files = files_under(data_dir)?
            .into_par_iter()
            .map(|(path, metadata)| {
                let modified_ns = metadata.modified().map_or(0, nanoseconds);
                let racy = now - modified_ns < RACY_SECONDS * 1_000_000_000;
                let sha256 = if racy {
                    Some(sha256_of(&data_dir.join(&path))?)
                } else {
                    None
                };
                Ok(InputFile {
                    path,
                    size: metadata.len(),
                    modified_ns,
                    sha256,
                })
            })
            .collect::<io::Result<_>>()?;
        Ok(Fingerprint {
            data_dir: data_dir.canonicalize()?,
            files,
        })
    }

    /// Why the files under the data directory no longer match, if they do
    /// not.
    fn compare(&self, data_dir: &Path) -> Result<(), Stale> {
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
                (None, Some((path, _))) => return Err(Stale::Added(path.clone())),
                (Some(file), Some((path, _))) if file.path < *path => {
                    return Err(Stale::Removed(file.path.clone()));
                }
                (Some(file), Some((path, _))) if file.path > *path => {
                    return Err(Stale::Added(path.clone()));
                }
                (Some(file), Some((path, metadata))) => {
                    let same = metadata.len() == file.size
                        && metadata.modified().map_or(0, nanoseconds) == file.modified_ns
                        && file.sha256.is_none_or(|recorded| {
                            sha256_of(&data_dir.join(path)).is_ok_and(|now| now == recorded)
                        });
                    if !same {
                        return Err(Stale::Changed(path.clone()));
                    }
                    recorded.next();
                    current.next();
                }
            }
        }
    }
}

/// Writes a snapshot of `dataset`, loaded from the files `fingerprint`
/// describes.
pub fn write(
    out: &mut dyn Write,
    dataset: &Dataset,
    fingerprint: &Fingerprint,
    mentions_counted: bool,
) -> io::Result<()> {
    let header = Header {
        producer: Producer::current(),
        fingerprint: fingerprint.clone(),
        mentions_counted,
    };
    let header = postcard::to_stdvec(&header).map_err(io::Error::other)?;
    out.write_all(MAGIC)?;
    out.write_all(&(header.len() as u64).to_le_bytes())?;
    out.write_all(&header)?;
    postcard::to_io(dataset, out).map_err(io::Error::other)?;
    Ok(())
}

/// The snapshot at `path`, if it is fresh for `data_dir`; else why not.
/// The dataset is decoded only once its header says it is fresh.
pub fn read(path: &Path, data_dir: &Path) -> Result<Snapshot, Stale> {
    let unreadable = |error: &dyn std::fmt::Display| Stale::Unreadable(error.to_string());
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(Stale::Missing),
        Err(error) => return Err(unreadable(&error)),
    };
    let mut start = [0u8; 16];
    file.read_exact(&mut start).map_err(|e| unreadable(&e))?;
    if start[..8] != MAGIC[..] {
        return Err(Stale::OtherProgram);
    }
    let header_len = u64::from_le_bytes(start[8..].try_into().expect("8 bytes"));
    let file_len = file.metadata().map_err(|e| unreadable(&e))?.len();
    if header_len > file_len {
        return Err(unreadable(&"truncated"));
    }
    let mut header = vec![0; header_len as usize];
    file.read_exact(&mut header).map_err(|e| unreadable(&e))?;
    let header: Header = postcard::from_bytes(&header).map_err(|e| unreadable(&e))?;
    if header.producer != Producer::current() {
        return Err(Stale::OtherProgram);
    }
    header.fingerprint.compare(data_dir)?;
    let mut body = Vec::with_capacity((file_len - 16 - header_len) as usize);
    file.read_to_end(&mut body).map_err(|e| unreadable(&e))?;
    let dataset: Dataset = postcard::from_bytes(&body).map_err(|e| unreadable(&e))?;
    Ok(Snapshot {
        dataset,
        mentions_counted: header.mentions_counted,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dataset() -> Dataset {
        crate::graph::tests::graph_of(&["a", "b"], &[("a", "b")])
            .dataset()
            .clone()
    }

    fn snapshot_of(data: &Path) -> Vec<u8> {
        let fingerprint = Fingerprint::take(data).unwrap();
        let mut bytes = Vec::new();
        write(&mut bytes, &dataset(), &fingerprint, true).unwrap();
        bytes
    }

    #[test]
    fn a_fresh_snapshot_reads_back_and_any_change_makes_it_stale() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(data.join("sources")).unwrap();
        std::fs::write(data.join("entities.toml"), "a").unwrap();
        std::fs::write(data.join("sources/s.txt"), "text").unwrap();
        let path = dir.path().join("graph.bin");
        std::fs::write(&path, snapshot_of(&data)).unwrap();
        let snapshot = read(&path, &data).unwrap();
        assert!(snapshot.mentions_counted);
        assert_eq!(snapshot.dataset.relations.len(), 1);

        // Same size, written within the same second: only the hash sees it.
        std::fs::write(data.join("sources/s.txt"), "TEXT").unwrap();
        assert_eq!(
            read(&path, &data).unwrap_err(),
            Stale::Changed("sources/s.txt".into())
        );
        std::fs::write(&path, snapshot_of(&data)).unwrap();
        std::fs::write(data.join("relations.json"), "{}").unwrap();
        assert_eq!(
            read(&path, &data).unwrap_err(),
            Stale::Added("relations.json".into())
        );
        std::fs::remove_file(data.join("relations.json")).unwrap();
        std::fs::remove_file(data.join("entities.toml")).unwrap();
        assert_eq!(
            read(&path, &data).unwrap_err(),
            Stale::Removed("entities.toml".into())
        );
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        assert_eq!(read(&path, &other).unwrap_err(), Stale::OtherData);
    }

    #[test]
    fn a_missing_truncated_or_foreign_snapshot_is_never_used() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("schema.toml"), "x").unwrap();
        let path = dir.path().join("graph.bin");
        assert_eq!(read(&path, &data).unwrap_err(), Stale::Missing);
        let bytes = snapshot_of(&data);
        for cut in [3, 20, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(
                matches!(read(&path, &data), Err(Stale::Unreadable(_))),
                "cut at {cut}"
            );
        }
        std::fs::write(&path, b"GIF89a and more bytes than a header").unwrap();
        assert_eq!(read(&path, &data).unwrap_err(), Stale::OtherProgram);
    }
}
