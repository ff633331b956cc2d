//! A snapshot of a validated dataset, so that questions (`kg query`,
//! `kg explain`, `kg stats`, `kg render`, `kg export`) are answered without
//! reading and validating the corpus again.
//!
//! `kg build` writes it as `.kg/graph.bin` in its output directory, in
//! [postcard]'s compact encoding:
//!
//! ```text
//! magic (8 bytes) | header length (u64 LE) | header: producer, fingerprint
//! meta: schema, sources without their texts, reviewed passages, allowances
//! entity chunks | relation chunks (16,384 each, each decoded on its own)
//! source texts, raw UTF-8, one after the other
//! layout: the byte length of every section | layout length (u64 LE)
//! ```
//!
//! The layout comes last because the snapshot is streamed like every
//! export: a section's length is known once it is written. A reader checks
//! the header first, then decodes the chunks in parallel, each read from the
//! one open file, and reads the source texts only when [`Needs`] asks for
//! them (the HTML export, counting mentions): at 500k relations, most of the
//! file is text a question never reads.
//!
//! # When a snapshot is fresh
//!
//! The fingerprint, taken before loading, lists every file under the data
//! directory with its size and modification time, and the SHA-256 of the
//! files modified less than [`RACY_SECONDS`] before it was taken. A
//! snapshot is used only when every file still has the size and time
//! recorded (and the hash, where one is), no file was added or removed, and
//! it was written by this very program; otherwise the data is loaded again.
//!
//! Why the hash of recent files only (git's "racy clean" rule): an edit
//! made after the fingerprint lands at a time at or after it, and a file
//! system with a clock granularity of `g` seconds records a time no earlier
//! than `now - g`. A file whose recorded time is at least [`RACY_SECONDS`]
//! older than the fingerprint therefore cannot be edited again with the
//! same recorded time, as long as `g <= RACY_SECONDS` (1 ns on ext4, XFS,
//! btrfs and APFS; 1 s on ext3 and HFS+; 2 s on FAT). A file modified more
//! recently than that may be edited again within the same tick, keeping its
//! size: only its hash tells, and it is hashed at every read. The unit test
//! `a_fresh_snapshot_reads_back_and_any_change_makes_it_stale` makes such a
//! same-size, same-second edit. What is not seen: an edit that keeps a
//! file's size and sets its modification time back to what it was (as
//! with `make`), and a file server whose clock runs more than
//! [`RACY_SECONDS`] behind this machine's.
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
const MAGIC: &[u8; 8] = b"KGSNAP\0\x02";

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
    /// The dataset, as validated when the snapshot was written.
    pub dataset: Dataset,
    /// True if [`crate::model::Entity::mentions`] holds the counts.
    pub mentions_counted: bool,
    /// True if the sources hold their texts (as [`Needs`] asked); if
    /// false, every [`crate::model::Source::text`] is empty.
    pub source_texts: bool,
}

/// Why a snapshot was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Stale {
    /// There is no snapshot file.
    #[error("there is no snapshot")]
    Missing,
    /// It was built from another data directory.
    #[error("it was built from another data directory")]
    OtherData,
    /// It was written by another build of kgraph (its format may differ).
    #[error("it was written by another build of kgraph")]
    OtherProgram,
    /// A data file changed since (its path).
    #[error("`{0}` changed")]
    Changed(String),
    /// A data file was added since (its path).
    #[error("`{0}` is new")]
    Added(String),
    /// A data file was removed since (its path).
    #[error("`{0}` was removed")]
    Removed(String),
    /// The snapshot file cannot be read or decoded (why).
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

/// Relations or entities per independently decoded chunk: enough chunks
/// to keep every core busy, each large enough that its bookkeeping is
/// nothing.
const CHUNK_ITEMS: usize = 16_384;

/// The small part of a dataset, decoded first: everything but the
/// entities, the relations and the source texts.
#[derive(Serialize, Deserialize)]
struct Meta {
    schema: crate::model::Schema,
    /// The sources, each with an empty `text` (the texts are a section of
    /// their own, read only when asked for).
    sources: Vec<crate::model::Source>,
    reviewed: Vec<crate::model::Reviewed>,
    allowed: Vec<crate::model::Allowance>,
}

/// [`Meta`] as written, borrowing what it can (postcard encodes a
/// reference as the value, and a slice as a `Vec`).
#[derive(Serialize)]
struct MetaRef<'a> {
    schema: &'a crate::model::Schema,
    sources: Vec<crate::model::Source>,
    reviewed: &'a [crate::model::Reviewed],
    allowed: &'a [crate::model::Allowance],
}

/// Where each section of the body is: byte lengths, in file order (meta,
/// entity chunks, relation chunks, texts). Written after the body, since
/// the lengths are known only once each section is encoded; the last 8
/// bytes of the file are its length.
#[derive(Debug, Serialize, Deserialize)]
struct Layout {
    meta: u64,
    entity_chunks: Vec<u64>,
    relation_chunks: Vec<u64>,
    /// The byte length of each source's text, in source order.
    texts: Vec<u64>,
}

/// What a question needs from a snapshot beyond the graph itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// The sources' texts ([`crate::model::Source::text`]): the HTML export
    /// and the mention count read them; the graph, its questions and most
    /// exports do not. Without them a snapshot's sources have empty texts.
    pub source_texts: bool,
    /// The mention counts ([`crate::model::Entity::mentions`]): when the
    /// snapshot has none, the texts are decoded too, to count them.
    pub mentions: bool,
}

/// Writes a snapshot of `dataset`, loaded from the files `fingerprint`
/// describes. Each section is encoded and written in turn, so the snapshot
/// is never held in memory whole.
pub fn write(
    out: &mut dyn Write,
    dataset: &Dataset,
    fingerprint: &Fingerprint,
    mentions_counted: bool,
) -> io::Result<()> {
    // Every field by name: a field added to `Dataset` fails to compile here
    // instead of being left out of snapshots.
    let Dataset {
        schema,
        sources,
        entities,
        relations,
        reviewed,
        allowed,
    } = dataset;
    let header = Header {
        producer: Producer::current(),
        fingerprint: fingerprint.clone(),
        mentions_counted,
    };
    let header = postcard::to_stdvec(&header).map_err(io::Error::other)?;
    out.write_all(MAGIC)?;
    out.write_all(&(header.len() as u64).to_le_bytes())?;
    out.write_all(&header)?;

    let mut buffer = Vec::new();
    let mut section = |out: &mut dyn Write, value: &dyn erased::Encode| -> io::Result<u64> {
        buffer.clear();
        value.encode(&mut buffer)?;
        out.write_all(&buffer)?;
        Ok(buffer.len() as u64)
    };
    let meta = MetaRef {
        schema,
        sources: sources.iter().map(source_without_text).collect(),
        reviewed,
        allowed,
    };
    let meta = section(out, &meta)?;
    let entity_chunks = entities
        .chunks(CHUNK_ITEMS)
        .map(|chunk| section(out, &chunk))
        .collect::<io::Result<_>>()?;
    let relation_chunks = relations
        .chunks(CHUNK_ITEMS)
        .map(|chunk| section(out, &chunk))
        .collect::<io::Result<_>>()?;
    let mut texts = Vec::with_capacity(sources.len());
    for source in sources {
        out.write_all(source.text.as_bytes())?;
        texts.push(source.text.len() as u64);
    }
    let layout = postcard::to_stdvec(&Layout {
        meta,
        entity_chunks,
        relation_chunks,
        texts,
    })
    .map_err(io::Error::other)?;
    out.write_all(&layout)?;
    out.write_all(&(layout.len() as u64).to_le_bytes())?;
    Ok(())
}

/// A copy of `source` with an empty text, without copying the text.
fn source_without_text(source: &crate::model::Source) -> crate::model::Source {
    let crate::model::Source {
        id,
        title,
        author,
        date,
        copy_date,
        copy_url,
        publisher,
        url,
        notes,
        text_path,
        sha256,
        text: _,
        origin,
    } = source;
    crate::model::Source {
        id: id.clone(),
        title: title.clone(),
        author: author.clone(),
        date: date.clone(),
        copy_date: copy_date.clone(),
        copy_url: copy_url.clone(),
        publisher: publisher.clone(),
        url: url.clone(),
        notes: notes.clone(),
        text_path: text_path.clone(),
        sha256: sha256.clone(),
        text: String::new(),
        origin: origin.clone(),
    }
}

/// Postcard encoding behind one object-safe method, so that one closure
/// writes sections of different types.
mod erased {
    pub(super) trait Encode {
        fn encode(&self, buffer: &mut Vec<u8>) -> std::io::Result<()>;
    }

    impl<T: serde::Serialize> Encode for T {
        fn encode(&self, buffer: &mut Vec<u8>) -> std::io::Result<()> {
            postcard::to_io(self, buffer)
                .map(|_| ())
                .map_err(std::io::Error::other)
        }
    }
}

/// The snapshot at `path`, if it is fresh for `data_dir`; else why not.
/// The dataset is decoded only once its header says it is fresh, its
/// chunks in parallel, and the source texts only if `needs` says so.
pub fn read(path: &Path, data_dir: &Path, needs: Needs) -> Result<Snapshot, Stale> {
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
    if header_len > file_len.saturating_sub(16) {
        return Err(unreadable(&"truncated"));
    }
    let mut header = vec![0; header_len as usize];
    file.read_exact(&mut header).map_err(|e| unreadable(&e))?;
    let header: Header = postcard::from_bytes(&header).map_err(|e| unreadable(&e))?;
    if header.producer != Producer::current() {
        return Err(Stale::OtherProgram);
    }
    header.fingerprint.compare(data_dir)?;

    let body_start = 16 + header_len;
    let layout = read_layout(&mut file, body_start, file_len).map_err(|e| unreadable(&e))?;
    // Each chunk is read and decoded by its own task, from the one open
    // file (a build renaming a new snapshot in meanwhile cannot mix two),
    // into a buffer of its own size: no copy of the whole body in memory.
    let file = ChunkReader::new(file);
    let meta_start = body_start;
    let entities_start = meta_start + layout.meta;
    let relations_start = entities_start + layout.entity_chunks.iter().sum::<u64>();
    let texts_start = relations_start + layout.relation_chunks.iter().sum::<u64>();
    let (meta, (entities, relations)) = rayon::join(
        || {
            let bytes = file.read(meta_start, layout.meta)?;
            postcard::from_bytes::<Meta>(&bytes).map_err(io::Error::other)
        },
        || {
            rayon::join(
                || decode_chunks(&file, entities_start, &layout.entity_chunks),
                || decode_chunks(&file, relations_start, &layout.relation_chunks),
            )
        },
    );
    let (entities, relations) = (
        entities.map_err(|e| unreadable(&e))?,
        relations.map_err(|e| unreadable(&e))?,
    );
    let Meta {
        schema,
        mut sources,
        reviewed,
        allowed,
    } = meta.map_err(|e| unreadable(&e))?;
    if sources.len() != layout.texts.len() {
        return Err(unreadable(&"the source count differs from the text count"));
    }
    let source_texts = needs.source_texts || (needs.mentions && !header.mentions_counted);
    if source_texts {
        let mut offsets = Vec::with_capacity(layout.texts.len());
        let mut offset = texts_start;
        for &len in &layout.texts {
            offsets.push((offset, len));
            offset += len;
        }
        let texts: Vec<String> = offsets
            .into_par_iter()
            .map(|(offset, len)| {
                String::from_utf8(file.read(offset, len)?).map_err(io::Error::other)
            })
            .collect::<io::Result<_>>()
            .map_err(|e| unreadable(&e))?;
        for (source, text) in sources.iter_mut().zip(texts) {
            source.text = text;
        }
    }
    Ok(Snapshot {
        dataset: Dataset {
            schema,
            sources,
            entities,
            relations,
            reviewed,
            allowed,
        },
        mentions_counted: header.mentions_counted,
        source_texts,
    })
}

/// The layout at the end of the file, checked against the file's length.
fn read_layout(file: &mut File, body_start: u64, file_len: u64) -> io::Result<Layout> {
    use std::io::{Seek, SeekFrom};
    let invalid = |what: &str| io::Error::new(io::ErrorKind::InvalidData, what.to_owned());
    if file_len < body_start + 8 {
        return Err(invalid("truncated"));
    }
    file.seek(SeekFrom::Start(file_len - 8))?;
    let mut len = [0u8; 8];
    file.read_exact(&mut len)?;
    let layout_len = u64::from_le_bytes(len);
    if layout_len > file_len - 8 - body_start {
        return Err(invalid("truncated"));
    }
    let layout_start = file_len - 8 - layout_len;
    file.seek(SeekFrom::Start(layout_start))?;
    let mut bytes = vec![0; layout_len as usize];
    file.read_exact(&mut bytes)?;
    let layout: Layout = postcard::from_bytes(&bytes).map_err(io::Error::other)?;
    let sections = [
        layout.meta,
        layout.entity_chunks.iter().sum(),
        layout.relation_chunks.iter().sum(),
        layout.texts.iter().sum(),
    ];
    let body_len = sections
        .iter()
        .try_fold(0u64, |total, &len| total.checked_add(len));
    if body_len != Some(layout_start - body_start) {
        return Err(invalid("its sections do not add up to its length"));
    }
    Ok(layout)
}

/// Reads byte ranges of one open file from several threads.
struct ChunkReader {
    #[cfg(unix)]
    file: File,
    #[cfg(not(unix))]
    file: std::sync::Mutex<File>,
}

impl ChunkReader {
    fn new(file: File) -> ChunkReader {
        ChunkReader {
            #[cfg(unix)]
            file,
            #[cfg(not(unix))]
            file: std::sync::Mutex::new(file),
        }
    }

    /// The `len` bytes at `offset` (which [`read_layout`] checked lie
    /// inside the file).
    fn read(&self, offset: u64, len: u64) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; len as usize];
        #[cfg(unix)]
        std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut bytes, offset)?;
        #[cfg(not(unix))]
        {
            use std::io::{Seek, SeekFrom};
            let mut file = self.file.lock().map_err(|_| io::Error::other("poisoned"))?;
            file.seek(SeekFrom::Start(offset))?;
            file.read_exact(&mut bytes)?;
        }
        Ok(bytes)
    }
}

/// Decodes chunks of postcard-encoded lists, lying one after the other
/// from `start` with the given lengths, in parallel, into one list.
fn decode_chunks<T>(file: &ChunkReader, start: u64, lengths: &[u64]) -> io::Result<Vec<T>>
where
    T: serde::de::DeserializeOwned + Send,
{
    let mut pieces = Vec::with_capacity(lengths.len());
    let mut offset = start;
    for &len in lengths {
        pieces.push((offset, len));
        offset += len;
    }
    let chunks: Vec<Vec<T>> = pieces
        .into_par_iter()
        .map(|(offset, len)| {
            let bytes = file.read(offset, len)?;
            postcard::from_bytes::<Vec<T>>(&bytes).map_err(io::Error::other)
        })
        .collect::<io::Result<_>>()?;
    let mut all = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        all.extend(chunk);
    }
    Ok(all)
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
        let snapshot = read(&path, &data, Needs::default()).unwrap();
        assert!(snapshot.mentions_counted);
        assert_eq!(snapshot.dataset.relations.len(), 1);

        // Same size, written within the same second: only the hash sees it.
        std::fs::write(data.join("sources/s.txt"), "TEXT").unwrap();
        assert_eq!(
            read(&path, &data, Needs::default()).unwrap_err(),
            Stale::Changed("sources/s.txt".into())
        );
        std::fs::write(&path, snapshot_of(&data)).unwrap();
        std::fs::write(data.join("relations.json"), "{}").unwrap();
        assert_eq!(
            read(&path, &data, Needs::default()).unwrap_err(),
            Stale::Added("relations.json".into())
        );
        std::fs::remove_file(data.join("relations.json")).unwrap();
        std::fs::remove_file(data.join("entities.toml")).unwrap();
        assert_eq!(
            read(&path, &data, Needs::default()).unwrap_err(),
            Stale::Removed("entities.toml".into())
        );
        let other = dir.path().join("other");
        std::fs::create_dir(&other).unwrap();
        assert_eq!(
            read(&path, &other, Needs::default()).unwrap_err(),
            Stale::OtherData
        );
    }

    fn source(id: &str, text: &str) -> crate::model::Source {
        crate::model::Source {
            id: id.to_owned(),
            title: format!("title of {id}"),
            author: "author".to_owned(),
            date: "2001".to_owned(),
            copy_date: Some("2002".to_owned()),
            copy_url: None,
            publisher: "publisher".to_owned(),
            url: Some("https://example.org/".to_owned()),
            notes: None,
            text_path: format!("sources/{id}.txt"),
            sha256: "00".repeat(32),
            text: text.to_owned(),
            origin: crate::diagnostic::Origin::new(3, 5..9),
        }
    }

    #[test]
    fn a_dataset_of_many_chunks_reads_back_whole_with_texts_only_when_needed() {
        let ids: Vec<String> = (0..CHUNK_ITEMS + 7).map(|n| format!("e{n:06}")).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let links: Vec<(&str, &str)> = ids.windows(2).map(|w| (w[0], w[1])).collect();
        let mut dataset = crate::graph::tests::graph_of(&ids, &links)
            .dataset()
            .clone();
        dataset.sources = vec![
            source("a", "first text, «quoted»"),
            source("b", ""),
            source("c", "third"),
        ];
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("schema.toml"), "x").unwrap();
        let mut bytes = Vec::new();
        write(
            &mut bytes,
            &dataset,
            &Fingerprint::take(&data).unwrap(),
            false,
        )
        .unwrap();
        let path = dir.path().join("graph.bin");
        std::fs::write(&path, &bytes).unwrap();

        let needs = Needs {
            source_texts: true,
            mentions: false,
        };
        let whole = read(&path, &data, needs).unwrap();
        assert!(whole.source_texts);
        assert_eq!(format!("{:?}", whole.dataset), format!("{dataset:?}"));

        let graph_only = read(&path, &data, Needs::default()).unwrap();
        assert!(!graph_only.source_texts);
        for source in &mut dataset.sources {
            source.text.clear();
        }
        assert_eq!(format!("{:?}", graph_only.dataset), format!("{dataset:?}"));

        // Mentions not counted in the snapshot: the texts come along to
        // count them.
        let mentions = Needs {
            source_texts: false,
            mentions: true,
        };
        assert!(read(&path, &data, mentions).unwrap().source_texts);
    }

    #[test]
    fn a_missing_truncated_or_foreign_snapshot_is_never_used() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("schema.toml"), "x").unwrap();
        let path = dir.path().join("graph.bin");
        assert_eq!(
            read(&path, &data, Needs::default()).unwrap_err(),
            Stale::Missing
        );
        let bytes = snapshot_of(&data);
        for cut in [3, 20, bytes.len() / 2, bytes.len() - 9, bytes.len() - 1] {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            assert!(
                matches!(
                    read(&path, &data, Needs::default()),
                    Err(Stale::Unreadable(_))
                ),
                "cut at {cut}"
            );
        }
        std::fs::write(&path, b"GIF89a and more bytes than a header").unwrap();
        assert_eq!(
            read(&path, &data, Needs::default()).unwrap_err(),
            Stale::OtherProgram
        );
    }
}
