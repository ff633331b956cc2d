//! The body of a snapshot file as sections, read by position: the layout
//! that says where each section is, records decoded by index, and the
//! rows of the link index. Every offset and index read from the file is
//! checked before it is used, so that a damaged file is an error, never a
//! panic or an allocation of its claimed size.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Records per run decoded by one task when much of a section is read:
/// enough runs to keep every core busy, each large enough that its
/// bookkeeping is nothing.
pub(super) const RUN_RECORDS: usize = 16_384;

/// Wanted records at most this many places apart are read in one piece:
/// reading the few unwanted records between them costs less than another
/// read.
const RUN_GAP: u32 = 32;

/// Where each section of the body is: the lengths of the variable ones
/// and the counts that give the lengths of the fixed-width tables, in file
/// order. Written after the body, since the lengths are known only once
/// each section is written; the last 8 bytes of the file are its length.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Layout {
    /// The byte length of the meta section.
    pub(super) meta: u64,
    /// How many entity records there are.
    pub(super) entity_count: u64,
    /// The byte length of the entity records.
    pub(super) entities: u64,
    /// How many relation records there are.
    pub(super) relation_count: u64,
    /// The byte length of the relation records.
    pub(super) relations: u64,
    /// The byte length of each source's text, in source order.
    pub(super) texts: Vec<u64>,
    /// How many entries the link rows hold in all.
    pub(super) link_count: u64,
    /// How many entries the name index has.
    pub(super) name_count: u64,
    /// The byte length of the names in the name index.
    pub(super) names: u64,
}

/// A relation seen from one of its entities: an entry of the link index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Link {
    /// The relation's position among the relations (their id order).
    pub(super) relation: u32,
    /// The entity at its other end (the same entity for a self-relation).
    pub(super) other: u32,
    /// [`SUBJECT`], [`OBJECT`] and [`SYMMETRIC`], as they apply.
    pub(super) flags: u8,
}

/// The entity is the relation's `from`.
pub(super) const SUBJECT: u8 = 1;
/// The entity is the relation's `to`.
pub(super) const OBJECT: u8 = 2;
/// The relation's type is symmetric.
pub(super) const SYMMETRIC: u8 = 4;

/// The sections of one snapshot file, by absolute byte range.
#[derive(Debug)]
pub(super) struct Sections {
    pub(super) meta: Range<u64>,
    pub(super) entities: Range<u64>,
    pub(super) relations: Range<u64>,
    /// Each source's text, in source order.
    pub(super) texts: Vec<Range<u64>>,
    /// `entity_count + 1` little-endian u64 offsets into `entities`.
    pub(super) entity_offsets: Range<u64>,
    /// `relation_count + 1` little-endian u64 offsets into `relations`.
    pub(super) relation_offsets: Range<u64>,
    /// `entity_count + 1` little-endian u64 positions of each entity's
    /// first link.
    pub(super) link_starts: Range<u64>,
    /// The entity at the other end of each link, u32 LE.
    pub(super) link_others: Range<u64>,
    /// The relation of each link, u32 LE.
    pub(super) link_relations: Range<u64>,
    /// The flags of each link, a byte each.
    pub(super) link_flags: Range<u64>,
    /// `name_count + 1` little-endian u64 offsets into `names`.
    pub(super) name_offsets: Range<u64>,
    /// The entity each name names, u32 LE.
    pub(super) name_entities: Range<u64>,
    /// Every id, label and alias in lowercase, sorted, one after the other.
    pub(super) names: Range<u64>,
    pub(super) entity_count: u32,
    pub(super) relation_count: u32,
    pub(super) link_count: u64,
    pub(super) name_count: u64,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// The layout at the end of `file`, whose body starts at `body_start`,
/// turned into sections checked against the file's length.
pub(super) fn read_sections(
    file: &mut File,
    body_start: u64,
    file_len: u64,
) -> io::Result<Sections> {
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
    let too_many = || invalid("more records than an index holds");
    let entity_count = u32::try_from(layout.entity_count).map_err(|_| too_many())?;
    let relation_count = u32::try_from(layout.relation_count).map_err(|_| too_many())?;

    let mut cursor = body_start;
    let mut next = |len: Option<u64>| -> io::Result<Range<u64>> {
        let end = len
            .and_then(|len| cursor.checked_add(len))
            .filter(|&end| end <= layout_start)
            .ok_or_else(|| invalid("its sections do not add up to its length"))?;
        let range = cursor..end;
        cursor = end;
        Ok(range)
    };
    let table = |count: u64, width: u64| count.checked_add(1)?.checked_mul(width);
    let meta = next(Some(layout.meta))?;
    let entities = next(Some(layout.entities))?;
    let relations = next(Some(layout.relations))?;
    let texts = layout
        .texts
        .iter()
        .map(|&len| next(Some(len)))
        .collect::<io::Result<_>>()?;
    let entity_offsets = next(table(layout.entity_count, 8))?;
    let relation_offsets = next(table(layout.relation_count, 8))?;
    let link_starts = next(table(layout.entity_count, 8))?;
    let link_others = next(layout.link_count.checked_mul(4))?;
    let link_relations = next(layout.link_count.checked_mul(4))?;
    let link_flags = next(Some(layout.link_count))?;
    let name_offsets = next(table(layout.name_count, 8))?;
    let name_entities = next(layout.name_count.checked_mul(4))?;
    let names = next(Some(layout.names))?;
    if cursor != layout_start {
        return Err(invalid("its sections do not add up to its length"));
    }
    Ok(Sections {
        meta,
        entities,
        relations,
        texts,
        entity_offsets,
        relation_offsets,
        link_starts,
        link_others,
        link_relations,
        link_flags,
        name_offsets,
        name_entities,
        names,
        entity_count,
        relation_count,
        link_count: layout.link_count,
        name_count: layout.name_count,
    })
}

/// Which list of records.
#[derive(Debug, Clone, Copy)]
pub(super) enum Records {
    Entities,
    Relations,
}

/// Reads byte ranges of one open snapshot file, from several threads.
pub(super) struct SnapshotFile {
    #[cfg(unix)]
    file: File,
    #[cfg(not(unix))]
    file: std::sync::Mutex<File>,
    pub(super) sections: Sections,
}

impl SnapshotFile {
    pub(super) fn new(file: File, sections: Sections) -> SnapshotFile {
        SnapshotFile {
            #[cfg(unix)]
            file,
            #[cfg(not(unix))]
            file: std::sync::Mutex::new(file),
            sections,
        }
    }

    /// The bytes of `range`, which [`read_sections`] placed inside the file.
    pub(super) fn read(&self, range: Range<u64>) -> io::Result<Vec<u8>> {
        let len = usize::try_from(range.end - range.start).map_err(|_| invalid("too large"))?;
        let mut bytes = vec![0; len];
        #[cfg(unix)]
        std::os::unix::fs::FileExt::read_exact_at(&self.file, &mut bytes, range.start)?;
        #[cfg(not(unix))]
        {
            let mut file = self.file.lock().map_err(|_| io::Error::other("poisoned"))?;
            file.seek(SeekFrom::Start(range.start))?;
            file.read_exact(&mut bytes)?;
        }
        Ok(bytes)
    }

    /// Entries `first..first + count` of a table of little-endian values
    /// `width` bytes wide, checked to lie inside it.
    fn table(&self, table: &Range<u64>, width: u64, first: u64, count: u64) -> io::Result<Vec<u8>> {
        let start = first
            .checked_mul(width)
            .and_then(|start| start.checked_add(table.start));
        let end = count
            .checked_mul(width)
            .and_then(|len| start?.checked_add(len));
        match (start, end) {
            (Some(start), Some(end)) if end <= table.end => self.read(start..end),
            _ => Err(invalid("an index points outside its table")),
        }
    }

    fn u64s(&self, table: &Range<u64>, first: u64, count: u64) -> io::Result<Vec<u64>> {
        let bytes = self.table(table, 8, first, count)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
            .collect())
    }

    fn u32s(&self, table: &Range<u64>, first: u64, count: u64) -> io::Result<Vec<u32>> {
        let bytes = self.table(table, 4, first, count)?;
        Ok(bytes
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
            .collect())
    }

    fn records_of(&self, records: Records) -> (&Range<u64>, &Range<u64>, u32) {
        let s = &self.sections;
        match records {
            Records::Entities => (&s.entities, &s.entity_offsets, s.entity_count),
            Records::Relations => (&s.relations, &s.relation_offsets, s.relation_count),
        }
    }

    /// How many records of this list there are.
    pub(super) fn count(&self, records: Records) -> u32 {
        self.records_of(records).2
    }

    /// The records at `indices` (ascending, without repeats), in that
    /// order. Nearby records are read in one piece and the pieces decoded
    /// in parallel, so that reading every record costs what decoding the
    /// whole list in chunks does.
    pub(super) fn records<T>(&self, records: Records, indices: &[u32]) -> io::Result<Vec<T>>
    where
        T: serde::de::DeserializeOwned + Send,
    {
        let (section, offsets, count) = self.records_of(records);
        if indices.windows(2).any(|pair| pair[0] >= pair[1])
            || indices.last().is_some_and(|&last| last >= count)
        {
            return Err(invalid("a record index is out of order or out of range"));
        }
        let mut runs = Vec::new();
        let mut rest = indices;
        while let Some(&first) = rest.first() {
            let mut len = 1;
            while len < rest.len() && len < RUN_RECORDS && rest[len] - rest[len - 1] <= RUN_GAP {
                len += 1;
            }
            let (run, after) = rest.split_at(len);
            runs.push((first, run));
            rest = after;
        }
        let decoded: Vec<Vec<T>> = runs
            .into_par_iter()
            .map(|(first, run)| {
                let last = *run.last().expect("a run is never empty");
                let bounds = self.u64s(offsets, u64::from(first), u64::from(last - first) + 2)?;
                if bounds.windows(2).any(|pair| pair[0] > pair[1])
                    || bounds[bounds.len() - 1] > section.end - section.start
                {
                    return Err(invalid("a record offset is out of order or out of range"));
                }
                let base = bounds[0];
                let bytes =
                    self.read(section.start + base..section.start + bounds[bounds.len() - 1])?;
                run.iter()
                    .map(|&index| {
                        let at = (index - first) as usize;
                        let record =
                            &bytes[(bounds[at] - base) as usize..(bounds[at + 1] - base) as usize];
                        decode_exactly(record)
                    })
                    .collect()
            })
            .collect::<io::Result<_>>()?;
        let mut all = Vec::with_capacity(indices.len());
        for piece in decoded {
            all.extend(piece);
        }
        Ok(all)
    }

    /// Every record of the list, in order.
    pub(super) fn all_records<T>(&self, records: Records) -> io::Result<Vec<T>>
    where
        T: serde::de::DeserializeOwned + Send,
    {
        let indices: Vec<u32> = (0..self.count(records)).collect();
        self.records(records, &indices)
    }

    /// The id of the record at `index`: the first field of an entity and of
    /// a relation, decoded alone.
    fn id_at(&self, records: Records, index: u32) -> io::Result<String> {
        #[derive(Deserialize)]
        struct Leading {
            id: String,
        }
        let (section, offsets, _) = self.records_of(records);
        let bounds = self.u64s(offsets, u64::from(index), 2)?;
        if bounds[0] > bounds[1] || bounds[1] > section.end - section.start {
            return Err(invalid("a record offset is out of order or out of range"));
        }
        let bytes = self.read(section.start + bounds[0]..section.start + bounds[1])?;
        let (leading, _) =
            postcard::take_from_bytes::<Leading>(&bytes).map_err(io::Error::other)?;
        Ok(leading.id)
    }

    /// The position of the entity with this id, by binary search over the
    /// entity records (sorted by id, as a dataset's entities are).
    pub(super) fn find_entity(&self, id: &str) -> io::Result<Option<u32>> {
        let (mut low, mut high) = (0, self.sections.entity_count);
        while low < high {
            let middle = low + (high - low) / 2;
            match self.id_at(Records::Entities, middle)?.as_str().cmp(id) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return Ok(Some(middle)),
            }
        }
        Ok(None)
    }

    /// The name at `index` of the name index.
    fn name_at(&self, index: u64) -> io::Result<Vec<u8>> {
        let s = &self.sections;
        let bounds = self.u64s(&s.name_offsets, index, 2)?;
        if bounds[0] > bounds[1] || bounds[1] > s.names.end - s.names.start {
            return Err(invalid("a name offset is out of order or out of range"));
        }
        self.read(s.names.start + bounds[0]..s.names.start + bounds[1])
    }

    /// The positions of the entities whose id, label or an alias is
    /// `lowercase` once lowercased, by binary search over the name index;
    /// ascending, without repeats.
    pub(super) fn find_names(&self, lowercase: &str) -> io::Result<Vec<u32>> {
        let s = &self.sections;
        let (mut low, mut high) = (0, s.name_count);
        while low < high {
            let middle = low + (high - low) / 2;
            if self.name_at(middle)?.as_slice() < lowercase.as_bytes() {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        let mut found = Vec::new();
        while low < s.name_count && self.name_at(low)? == lowercase.as_bytes() {
            let entity = self.u32s(&s.name_entities, low, 1)?[0];
            if entity >= s.entity_count {
                return Err(invalid("a name points outside the records"));
            }
            found.push(entity);
            low += 1;
        }
        found.sort_unstable();
        found.dedup();
        Ok(found)
    }

    /// The links of one entity, in relation order.
    pub(super) fn row(&self, node: u32) -> io::Result<Vec<Link>> {
        let s = &self.sections;
        if node >= s.entity_count {
            return Err(invalid("an entity index is out of range"));
        }
        let bounds = self.u64s(&s.link_starts, u64::from(node), 2)?;
        if bounds[0] > bounds[1] || bounds[1] > s.link_count {
            return Err(invalid("a link row is out of order or out of range"));
        }
        let (first, count) = (bounds[0], bounds[1] - bounds[0]);
        let others = self.u32s(&s.link_others, first, count)?;
        let relations = self.u32s(&s.link_relations, first, count)?;
        let flags = self.table(&s.link_flags, 1, first, count)?;
        let links: Vec<Link> = others
            .into_iter()
            .zip(relations)
            .zip(flags)
            .map(|((other, relation), flags)| Link {
                relation,
                other,
                flags,
            })
            .collect();
        if links
            .iter()
            .any(|link| link.other >= s.entity_count || link.relation >= s.relation_count)
        {
            return Err(invalid("a link points outside the records"));
        }
        Ok(links)
    }

    /// Who links to whom, for every entity at once: what a search across
    /// the whole graph reads.
    pub(super) fn skeleton(&self) -> io::Result<Skeleton> {
        let s = &self.sections;
        let (starts, (others, flags)) = rayon::join(
            || self.u64s(&s.link_starts, 0, u64::from(s.entity_count) + 1),
            || {
                rayon::join(
                    || self.u32s(&s.link_others, 0, s.link_count),
                    || self.table(&s.link_flags, 1, 0, s.link_count),
                )
            },
        );
        let (starts, others, flags) = (starts?, others?, flags?);
        if starts.first() != Some(&0)
            || starts.last() != Some(&s.link_count)
            || starts.windows(2).any(|pair| pair[0] > pair[1])
        {
            return Err(invalid("the link rows are out of order or out of range"));
        }
        if others.iter().any(|&other| other >= s.entity_count) {
            return Err(invalid("a link points outside the records"));
        }
        Ok(Skeleton {
            starts,
            others,
            flags,
        })
    }
}

/// A record decoded from exactly its bytes: trailing bytes mean damage.
fn decode_exactly<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> io::Result<T> {
    match postcard::take_from_bytes(bytes) {
        Ok((value, [])) => Ok(value),
        Ok(_) => Err(invalid("a record is longer than its value")),
        Err(error) => Err(io::Error::other(error)),
    }
}

/// The link index without the relations: the ends and flags of every
/// link, row by row (checked by [`SnapshotFile::skeleton`]).
pub(super) struct Skeleton {
    starts: Vec<u64>,
    others: Vec<u32>,
    flags: Vec<u8>,
}

impl Skeleton {
    /// How many entities there are.
    pub(super) fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// The other ends and flags of the links of `node`.
    pub(super) fn row(&self, node: u32) -> impl Iterator<Item = (u32, u8)> + '_ {
        let range = self.starts[node as usize] as usize..self.starts[node as usize + 1] as usize;
        self.others[range.clone()]
            .iter()
            .copied()
            .zip(self.flags[range].iter().copied())
    }
}

/// The link index of a dataset: for every entity, its relations in id
/// order, each with the entity at the other end and flags; relations whose
/// ends are not entities are left out, as [`crate::KnowledgeGraph`] leaves
/// them out of its graph.
pub(super) struct LinkIndex {
    pub(super) starts: Vec<u64>,
    pub(super) others: Vec<u32>,
    pub(super) relations: Vec<u32>,
    pub(super) flags: Vec<u8>,
}

impl LinkIndex {
    pub(super) fn of(graph: &crate::KnowledgeGraph) -> io::Result<LinkIndex> {
        let dataset = graph.dataset();
        let too_many = || {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "more records than a snapshot indexes",
            )
        };
        u32::try_from(dataset.entities.len()).map_err(|_| too_many())?;
        u32::try_from(dataset.relations.len()).map_err(|_| too_many())?;
        let symmetric = dataset.schema.symmetric_types();
        // The graph has every end as a position already: looking each up
        // by its id again was a third of the snapshot's cost at 500k
        // relations.
        let ends: Vec<Option<(u32, u32, u8)>> = graph
            .relation_ends()
            .into_par_iter()
            .zip(&dataset.relations)
            .map(|(ends, relation)| {
                let flag = if symmetric.contains(relation.relation_type.as_str()) {
                    SYMMETRIC
                } else {
                    0
                };
                ends.map(|(from, to)| (from, to, flag))
            })
            .collect();
        let mut starts = vec![0u64; dataset.entities.len() + 1];
        for &(from, to, _) in ends.iter().flatten() {
            starts[from as usize + 1] += 1;
            if to != from {
                starts[to as usize + 1] += 1;
            }
        }
        for index in 1..starts.len() {
            starts[index] += starts[index - 1];
        }
        let total = starts[starts.len() - 1] as usize;
        let (mut others, mut relations, mut flags) =
            (vec![0u32; total], vec![0u32; total], vec![0u8; total]);
        let mut cursor: Vec<u64> = starts[..starts.len() - 1].to_vec();
        let mut put = |node: u32, other: u32, relation: usize, flag: u8| {
            let at = cursor[node as usize] as usize;
            cursor[node as usize] += 1;
            others[at] = other;
            relations[at] = relation as u32;
            flags[at] = flag;
        };
        // Relations in id order, so each row is in id order too.
        for (relation, ends) in ends.iter().enumerate() {
            let Some(&(from, to, symmetric)) = ends.as_ref() else {
                continue;
            };
            if from == to {
                put(from, to, relation, SUBJECT | OBJECT | symmetric);
            } else {
                put(from, to, relation, SUBJECT | symmetric);
                put(to, from, relation, OBJECT | symmetric);
            }
        }
        Ok(LinkIndex {
            starts,
            others,
            relations,
            flags,
        })
    }
}

/// Every id, label and alias of every entity in lowercase, with the
/// entity's position, sorted by name: what [`crate::query::resolve`]
/// compares a name with, searchable without decoding the entities.
pub(super) struct NameIndex {
    pub(super) offsets: Vec<u64>,
    pub(super) entities: Vec<u32>,
    pub(super) names: Vec<u8>,
}

impl NameIndex {
    pub(super) fn of(dataset: &crate::model::Dataset) -> NameIndex {
        let mut pairs: Vec<(String, u32)> = dataset
            .entities
            .par_iter()
            .enumerate()
            .flat_map_iter(|(position, entity)| {
                crate::query::names_of(entity)
                    .map(move |name| (name.to_lowercase(), position as u32))
            })
            .collect();
        pairs.par_sort_unstable();
        pairs.dedup();
        let mut offsets = Vec::with_capacity(pairs.len() + 1);
        offsets.push(0);
        let mut names = Vec::new();
        let mut entities = Vec::with_capacity(pairs.len());
        for (name, entity) in pairs {
            names.extend_from_slice(name.as_bytes());
            offsets.push(names.len() as u64);
            entities.push(entity);
        }
        NameIndex {
            offsets,
            entities,
            names,
        }
    }
}
