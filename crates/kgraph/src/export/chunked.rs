//! Formatting the records of an export (nodes, edges, triples) on every
//! core while writing them in their one order.
//!
//! The records are cut into chunks; a group of a few chunks at a time is
//! formatted in parallel, each chunk into its own buffer, while the group
//! before it is written in order. What reaches `out` is exactly what
//! formatting the records one after another would give, so a writer stays
//! byte-stable: the only rule for the formatting closure is that a
//! record's bytes may depend on the record and its index, not on what was
//! written before it.
//!
//! Memory stays bounded: at most twice [`chunks_in_flight`] buffers of
//! about [`records_per_chunk`] records each exist at once, whatever the
//! size of the file. Rayon's pool is shared with the other files of `kg build`, so
//! a writer whose file is the last to finish gets the idle cores.

use std::io::{self, Write};

use rayon::prelude::*;

/// Records per chunk when the writer does not say otherwise: large enough
/// that a chunk is worth a task (hundreds of kilobytes for nodes and
/// edges), small enough that the buffers in flight stay a few megabytes.
const RECORDS_PER_CHUNK: usize = 1024;

#[cfg(test)]
thread_local! {
    /// A chunk size for the tests of this thread, so that the test
    /// fixtures (a few records) are split too.
    static TEST_RECORDS_PER_CHUNK: std::cell::Cell<Option<usize>> =
        const { std::cell::Cell::new(None) };
}

/// Runs `body` with every chunk holding `records` records (on this
/// thread, where writers call [`write_records`]).
#[cfg(test)]
pub(crate) fn with_records_per_chunk<R>(records: usize, body: impl FnOnce() -> R) -> R {
    let previous = TEST_RECORDS_PER_CHUNK.with(|cell| cell.replace(Some(records.max(1))));
    let result = body();
    TEST_RECORDS_PER_CHUNK.with(|cell| cell.set(previous));
    result
}

/// How many records a chunk holds.
pub(super) fn records_per_chunk() -> usize {
    #[cfg(test)]
    if let Some(records) = TEST_RECORDS_PER_CHUNK.with(std::cell::Cell::get) {
        return records;
    }
    RECORDS_PER_CHUNK
}

/// How many chunks are formatted at once: enough to keep every thread of
/// the pool busy, bounded so that memory does not grow with the file.
fn chunks_in_flight() -> usize {
    (rayon::current_num_threads() * 2).max(2)
}

/// Writes `records` in order into `out`, each formatted by
/// `format(buffer, index, record)` (index counts from 0 over all records),
/// with chunks of records formatted in parallel. A formatting error stops
/// the writing; what was written before it stays written.
pub(crate) fn write_records<'a, T, F>(
    out: &mut dyn Write,
    records: &'a [T],
    format: F,
) -> io::Result<()>
where
    T: Sync,
    F: Fn(&mut Vec<u8>, usize, &'a T) -> io::Result<()> + Sync,
{
    write_chunks(out, records, |buffer, start, chunk| {
        for (offset, record) in chunk.iter().enumerate() {
            format(buffer, start + offset, record)?;
        }
        Ok(())
    })
}

/// [`write_records`] for a writer that formats a whole chunk at once
/// (Turtle's serializer has state within a chunk):
/// `format(buffer, start, chunk)` appends the chunk that starts at record
/// `start`. Whatever the chunks, the bytes written must be the same.
pub(super) fn write_chunks<'a, T, F>(
    out: &mut dyn Write,
    records: &'a [T],
    format: F,
) -> io::Result<()>
where
    T: Sync,
    F: Fn(&mut Vec<u8>, usize, &'a [T]) -> io::Result<()> + Sync,
{
    let per_chunk = records_per_chunk();
    let in_flight = chunks_in_flight();
    if records.len() <= per_chunk {
        // One chunk: no task.
        let mut buffer = Vec::new();
        format(&mut buffer, 0, records)?;
        return out.write_all(&buffer);
    }
    let chunks: Vec<&'a [T]> = records.chunks(per_chunk).collect();
    let groups: Vec<&[&'a [T]]> = chunks.chunks(in_flight).collect();
    // Each group of chunks is formatted into one set of buffers while the
    // group before it is written from the other: the write's copy into
    // the kernel (a third of a large export's time) overlaps formatting
    // instead of leaving the other cores idle.
    let format_group = |buffers: &mut [Vec<u8>], group: usize| -> io::Result<()> {
        let Some(group_chunks) = groups.get(group) else {
            return Ok(());
        };
        let first_chunk = group * in_flight;
        buffers
            .par_iter_mut()
            .zip(group_chunks.par_iter())
            .enumerate()
            .try_for_each(|(offset, (buffer, chunk))| {
                buffer.clear();
                format(buffer, (first_chunk + offset) * per_chunk, chunk)
            })
    };
    let mut formatted: Vec<Vec<u8>> = vec![Vec::new(); in_flight];
    let mut to_write: Vec<Vec<u8>> = vec![Vec::new(); in_flight];
    format_group(&mut formatted, 0)?;
    for (group, group_chunks) in groups.iter().enumerate() {
        std::mem::swap(&mut formatted, &mut to_write);
        let mut next = Ok(());
        // In place: `out` need not be `Send`, it is written on this thread.
        let written = rayon::in_place_scope(|scope| {
            scope.spawn(|_| next = format_group(&mut formatted, group + 1));
            to_write[..group_chunks.len()]
                .iter()
                .try_for_each(|buffer| out.write_all(buffer))
        });
        written?;
        next?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formatted(records: &[u32]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        write_records(&mut out, records, |buffer, index, record| {
            writeln!(buffer, "{index}:{record}")
        })?;
        Ok(out)
    }

    #[test]
    fn order_is_kept_across_chunk_boundaries() {
        let records: Vec<u32> = (0..103).map(|n| n * 7).collect();
        let expected: String = records
            .iter()
            .enumerate()
            .map(|(index, record)| format!("{index}:{record}\n"))
            .collect();
        // One record per chunk, a size that leaves a short last chunk and a
        // short last group, and one chunk for everything.
        for size in [1, 2, 3, 10, 64, 103, 1000] {
            let out = with_records_per_chunk(size, || formatted(&records)).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                expected,
                "chunks of {size}"
            );
        }
        assert!(
            with_records_per_chunk(5, || formatted(&[]))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_formatting_error_stops_the_writing() {
        let records: Vec<u32> = (0..50).collect();
        let result = with_records_per_chunk(4, || {
            let mut out = Vec::new();
            write_records(&mut out, &records, |buffer, _, &record| {
                if record == 30 {
                    return Err(io::Error::other("refused"));
                }
                writeln!(buffer, "{record}")
            })
            .map(|()| out)
        });
        assert_eq!(result.unwrap_err().to_string(), "refused");
    }
}
