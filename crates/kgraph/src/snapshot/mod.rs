//! A snapshot of a validated dataset, so that questions (`kg query`,
//! `kg explain`, `kg stats`, `kg render`, `kg export`) are answered without
//! reading and validating the corpus again, and a question about a few
//! entities decodes only those entities and their relations.
//!
//! `kg build` writes it as `.kg/graph.bin` in its output directory. Records
//! are in [postcard]'s compact encoding, tables are fixed-width
//! little-endian integers:
//!
//! ```text
//! magic (8 bytes, the last one the format version) | header length (u64)
//! header: producer, fingerprint, whether mentions are counted
//! meta: schema, sources without their texts, reviewed passages, allowances
//! entity records, one after the other, in id order
//! relation records, one after the other, in id order
//! source texts, raw UTF-8, one after the other
//! entity offsets: u64 × (entities + 1), where each record starts and ends
//! relation offsets: u64 × (relations + 1)
//! link index: u64 × (entities + 1) row starts, then for every link
//!   the entity at the other end (u32), the relation (u32), flags (u8),
//!   as three columns; an entity's row lists its relations in id order
//! name index: every id, label and alias in lowercase, sorted: u64 offsets
//!   × (names + 1), the entity of each name (u32), the names (UTF-8)
//! layout: section lengths and counts | layout length (u64)
//! ```
//!
//! The layout comes last because the snapshot is streamed like every
//! export: a section's length is known once it is written. A reader checks
//! the header first, then reads only what a question needs ([`Part`]):
//! - the whole dataset (statistics, exports, drawings): the records in runs
//!   decoded in parallel, each run read from the one open file;
//! - a walk around an entity (`kg query neighbors`, `kg query subgraph`):
//!   the entity found by binary search over the records' ids (a label or
//!   an alias over the name index; a name found nowhere decodes every
//!   entity, to suggest the closest), its link
//!   rows followed as far as the walk goes, then only the relations among
//!   the entities reached and those entities decoded;
//! - paths (`kg query path`, `kg explain`): the link index without the
//!   relations column searched for the path, then the same decoding.
//!
//! The question is then asked of a graph of that part with the code that
//! answers it over the whole data (see `part.rs` for why the answer is the
//! same). The source texts are read only when [`Needs`] asks for them: all
//! of them for the HTML export and the mention count, those quoted by the
//! part for `kg explain`, which shows where a quote starts or ends
//! mid-sentence. At 500k relations most of the file is text a question
//! never reads.
//!
//! Every offset, length and index read from the file is checked before
//! use: a truncated, damaged or foreign snapshot is refused ([`Stale`])
//! and the data is loaded instead, never a panic.
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

mod file;
mod fingerprint;
mod part;

pub use fingerprint::Fingerprint;
pub use part::Part;

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::model::{Dataset, Relation, Source};

use file::{Layout, LinkIndex, NameIndex, SnapshotFile};
use fingerprint::Producer;

/// Where `kg build` writes the snapshot, relative to its output directory.
pub const SNAPSHOT_PATH: &str = ".kg/graph.bin";
/// Files modified this recently when the fingerprint is taken are hashed.
pub const RACY_SECONDS: i128 = 2;
/// The last byte is the format's version: 3 added the per-record offsets
/// and the link index.
const MAGIC: &[u8; 8] = b"KGSNAP\0\x03";

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    producer: Producer,
    fingerprint: Fingerprint,
    mentions_counted: bool,
}

/// A snapshot's dataset, when the snapshot is fresh.
#[derive(Debug)]
pub struct Snapshot {
    /// The dataset, as validated when the snapshot was written: all of it,
    /// or (when [`Snapshot::whole`] is false) the schema, the sources and
    /// the entities and relations of the [`Part`] asked for.
    pub dataset: Dataset,
    /// True if the dataset holds every entity and relation.
    pub whole: bool,
    /// True if [`crate::model::Entity::mentions`] holds the counts.
    pub mentions_counted: bool,
    /// True if the sources hold their texts (as [`Needs`] asked); if
    /// false, every [`crate::model::Source::text`] is empty but those
    /// [`Needs::quoted_texts`] asked for.
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

/// The small part of a dataset, decoded first: everything but the
/// entities, the relations and the source texts.
#[derive(Serialize, Deserialize)]
struct Meta {
    schema: crate::model::Schema,
    /// The sources, each with an empty `text` (the texts are a section of
    /// their own, read only when asked for).
    sources: Vec<Source>,
    reviewed: Vec<crate::model::Reviewed>,
    allowed: Vec<crate::model::Allowance>,
}

/// [`Meta`] as written, borrowing what it can (postcard encodes a
/// reference as the value, and a slice as a `Vec`).
#[derive(Serialize)]
struct MetaRef<'a> {
    schema: &'a crate::model::Schema,
    sources: Vec<Source>,
    reviewed: &'a [crate::model::Reviewed],
    allowed: &'a [crate::model::Allowance],
}

/// What a question needs from a snapshot beyond the graph itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Needs {
    /// The sources' texts ([`crate::model::Source::text`]): the HTML export
    /// and the mention count read them; the graph, its questions and most
    /// exports do not. Without them a snapshot's sources have empty texts.
    pub source_texts: bool,
    /// The mention counts ([`crate::model::Entity::mentions`]): when the
    /// snapshot has none, the texts are decoded too, to count them, and
    /// the whole dataset with them.
    pub mentions: bool,
    /// The texts of the sources that the relations read quote: `kg explain`
    /// shows whether a quote starts or ends mid-sentence.
    pub quoted_texts: bool,
}

/// Writes a snapshot of `graph`, loaded from the files `fingerprint`
/// describes. Each section is encoded and written in turn, so the snapshot
/// is never held in memory whole.
///
/// # Errors
/// A write error, or a dataset of more than `u32::MAX` entities or
/// relations (the link index counts them in 32 bits).
pub fn write(
    out: &mut dyn Write,
    graph: &crate::KnowledgeGraph,
    fingerprint: &Fingerprint,
    mentions_counted: bool,
) -> io::Result<()> {
    let dataset = graph.dataset();
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
    let links = LinkIndex::of(graph)?;
    let names = NameIndex::of(dataset);
    let header = Header {
        producer: Producer::current(),
        fingerprint: fingerprint.clone(),
        mentions_counted,
    };
    let header = postcard::to_stdvec(&header).map_err(io::Error::other)?;
    out.write_all(MAGIC)?;
    out.write_all(&(header.len() as u64).to_le_bytes())?;
    out.write_all(&header)?;

    let meta = MetaRef {
        schema,
        sources: sources.iter().map(source_without_text).collect(),
        reviewed,
        allowed,
    };
    let meta = postcard::to_stdvec(&meta).map_err(io::Error::other)?;
    out.write_all(&meta)?;
    let entity_offsets = write_records(out, entities)?;
    let relation_offsets = write_records(out, relations)?;
    let mut texts = Vec::with_capacity(sources.len());
    for source in sources {
        out.write_all(source.text.as_bytes())?;
        texts.push(source.text.len() as u64);
    }
    write_table(out, &entity_offsets, |n| n.to_le_bytes())?;
    write_table(out, &relation_offsets, |n| n.to_le_bytes())?;
    write_table(out, &links.starts, |n| n.to_le_bytes())?;
    write_table(out, &links.others, |n| n.to_le_bytes())?;
    write_table(out, &links.relations, |n| n.to_le_bytes())?;
    out.write_all(&links.flags)?;
    write_table(out, &names.offsets, |n| n.to_le_bytes())?;
    write_table(out, &names.entities, |n| n.to_le_bytes())?;
    out.write_all(&names.names)?;
    let layout = postcard::to_stdvec(&Layout {
        meta: meta.len() as u64,
        entity_count: entities.len() as u64,
        entities: entity_offsets.last().copied().unwrap_or(0),
        relation_count: relations.len() as u64,
        relations: relation_offsets.last().copied().unwrap_or(0),
        texts,
        link_count: links.others.len() as u64,
        name_count: names.entities.len() as u64,
        names: names.names.len() as u64,
    })
    .map_err(io::Error::other)?;
    out.write_all(&layout)?;
    out.write_all(&(layout.len() as u64).to_le_bytes())?;
    Ok(())
}

/// Writes the records in order, encoded on every core a chunk at a time
/// (`export::chunked`); returns where each starts and where the last ends,
/// relative to the first.
fn write_records<T: Serialize + Sync>(out: &mut dyn Write, records: &[T]) -> io::Result<Vec<u64>> {
    // Each record's length, stored by whichever core encodes it.
    let lengths: Vec<AtomicU64> = (0..records.len()).map(|_| AtomicU64::new(0)).collect();
    crate::export::chunked::write_records(out, records, |buffer, index, record| {
        let before = buffer.len();
        *buffer = postcard::to_extend(record, std::mem::take(buffer)).map_err(io::Error::other)?;
        lengths[index].store((buffer.len() - before) as u64, Ordering::Relaxed);
        Ok(())
    })?;
    let mut offsets = Vec::with_capacity(records.len() + 1);
    let mut end = 0;
    offsets.push(end);
    for length in lengths {
        end += length.into_inner();
        offsets.push(end);
    }
    Ok(offsets)
}

/// Bytes gathered before each write of a table.
const BUFFER: usize = 1 << 20;

/// Writes a table of fixed-width numbers, little-endian.
fn write_table<T: Copy, const N: usize>(
    out: &mut dyn Write,
    values: &[T],
    bytes: impl Fn(T) -> [u8; N],
) -> io::Result<()> {
    let mut buffer = Vec::with_capacity(BUFFER);
    for chunk in values.chunks(BUFFER / N) {
        buffer.clear();
        buffer.extend(chunk.iter().flat_map(|&value| bytes(value)));
        out.write_all(&buffer)?;
    }
    Ok(())
}

/// A copy of `source` with an empty text, without copying the text.
fn source_without_text(source: &Source) -> Source {
    let Source {
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
    Source {
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

/// The whole snapshot at `path`, if it is fresh for `data_dir`; else why
/// not: [`read_part`] of [`Part::Whole`].
pub fn read(path: &Path, data_dir: &Path, needs: Needs) -> Result<Snapshot, Stale> {
    read_part(path, data_dir, needs, Part::Whole)
}

/// The snapshot at `path`, if it is fresh for `data_dir`, with the
/// entities and relations that `part` reads (and possibly more); else why
/// not. Nothing is decoded before the header says the snapshot is fresh,
/// and the source texts only as `needs` says.
///
/// # Errors
/// Why the snapshot cannot be used: missing, stale, or unreadable (also
/// when a section turns out damaged while the part is read).
pub fn read_part(
    path: &Path,
    data_dir: &Path,
    needs: Needs,
    part: Part,
) -> Result<Snapshot, Stale> {
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

    let sections =
        file::read_sections(&mut file, 16 + header_len, file_len).map_err(|e| unreadable(&e))?;
    // Read by position from the one open file: a build renaming a new
    // snapshot in meanwhile cannot mix two.
    let file = SnapshotFile::new(file, sections);
    // Counting mentions reads every entity: without counts, the whole.
    let part = if needs.mentions && !header.mentions_counted {
        Part::Whole
    } else {
        part
    };
    let (meta, found) = rayon::join(
        || {
            let bytes = file.read(file.sections.meta.clone())?;
            postcard::from_bytes::<Meta>(&bytes).map_err(io::Error::other)
        },
        || part::read(&file, part),
    );
    let found = found.map_err(|e| unreadable(&e))?;
    let Meta {
        schema,
        mut sources,
        reviewed,
        allowed,
    } = meta.map_err(|e| unreadable(&e))?;
    if sources.len() != file.sections.texts.len() {
        return Err(unreadable(&"the source count differs from the text count"));
    }
    let source_texts = needs.source_texts || (needs.mentions && !header.mentions_counted);
    let wanted: Vec<usize> = if source_texts {
        (0..sources.len()).collect()
    } else if needs.quoted_texts {
        quoted_sources(&sources, &found.relations)
    } else {
        Vec::new()
    };
    let texts: Vec<(usize, String)> = wanted
        .into_par_iter()
        .map(|index| {
            let bytes = file.read(file.sections.texts[index].clone())?;
            Ok((index, String::from_utf8(bytes).map_err(io::Error::other)?))
        })
        .collect::<io::Result<_>>()
        .map_err(|e| unreadable(&e))?;
    for (index, text) in texts {
        sources[index].text = text;
    }
    Ok(Snapshot {
        dataset: Dataset {
            schema,
            sources,
            entities: found.entities,
            relations: found.relations,
            reviewed,
            allowed,
        },
        whole: found.whole,
        mentions_counted: header.mentions_counted,
        source_texts,
    })
}

/// The positions of the sources that the evidence of `relations` quotes.
fn quoted_sources(sources: &[Source], relations: &[Relation]) -> Vec<usize> {
    let quoted: BTreeSet<&str> = relations
        .iter()
        .flat_map(|relation| relation.evidence.iter())
        .map(|evidence| evidence.source.as_str())
        .collect();
    sources
        .iter()
        .enumerate()
        .filter(|(_, source)| quoted.contains(source.id.as_str()))
        .map(|(index, _)| index)
        .collect()
}

#[cfg(test)]
mod tests;
