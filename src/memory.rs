//! Running out of memory ends `kg` with a message and exit code 2, never
//! with an abort (exit 134, "memory allocation failed").
//!
//! Two guards:
//! - before loading, [`check_estimate`] compares an estimate of what the
//!   data will take (from the input's size) with what is available (the
//!   `MemAvailable` of `/proc/meminfo`, and the room left under
//!   `RLIMIT_AS`), and refuses a load that cannot fit;
//! - the estimate can be wrong, so the global allocator [`ExitOnOom`]
//!   turns any failed allocation into the same kind of error. Rust's
//!   default is to abort; the hook that would change that is unstable.
//!
//! Underneath is mimalloc, not the system allocator: loading a large
//! corpus makes millions of small allocations (ids, quotes, records) on
//! every core, and with glibc's malloc `kg validate` at 500k relations
//! spent about a quarter of its CPU time in `malloc`, `free` and
//! `malloc_consolidate`; mimalloc takes about 25% less CPU time for the
//! whole run. It returns null when memory runs out, as the system
//! allocator does, so the guard works the same.
//!
//! A build that stops either way has written nothing in place: its
//! exports are still temporary files, which the next build removes.
//!
//! mimalloc 3 keeps freed memory for a second before it gives it back
//! to the system ([`tune_allocator`]): a load frees its raw records while
//! it builds the model, so the peak held both. With 10 ms, mimalloc 2's
//! default, `kg validate` at N = 100k peaked at 0.61 GiB instead of 0.75
//! GiB, in the same time (docs/performance.md).

use std::alloc::{GlobalAlloc, Layout};

use mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`, by its place in `mi_option_e`
/// (mimalloc.h): the crate exports no constant for it. A test checks the
/// place against the option's default.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays with mimalloc before it is given back, in
/// milliseconds.
const PURGE_DELAY_MS: std::ffi::c_long = 10;

/// Sets mimalloc's options for kg, unless the user set them with
/// mimalloc's environment variables (`MIMALLOC_PURGE_DELAY`). Call first
/// thing in `main`, before any thread starts.
pub(crate) fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is not thread safe, and no other
        // thread runs yet; the option is an integer one.
        unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, PURGE_DELAY_MS) }
    }
}

/// mimalloc, exiting with code 2 and a message when memory runs out.
pub(crate) struct ExitOnOom;

fn out_of_memory(layout: Layout) -> ! {
    // No allocation from here on: a fixed message, the size formatted
    // into a stack buffer, and `_exit` (no destructors, no atexit).
    let mut message = [0u8; 160];
    let mut length = 0;
    let mut push = |bytes: &[u8]| {
        for &byte in bytes {
            if length < message.len() {
                message[length] = byte;
                length += 1;
            }
        }
    };
    push(b"error: out of memory (an allocation of ");
    let mut digits = [0u8; 20];
    let mut size = layout.size();
    let mut count = 0;
    loop {
        digits[count] = b'0' + (size % 10) as u8;
        count += 1;
        size /= 10;
        if size == 0 {
            break;
        }
    }
    digits[..count].reverse();
    push(&digits[..count]);
    push(b" bytes failed); nothing was replaced\n");
    // SAFETY: writing a valid buffer to stderr and ending the process are
    // both safe at any point; `_exit` skips the destructors that could
    // allocate again.
    unsafe {
        libc::write(2, message.as_ptr().cast(), length);
        libc::_exit(2);
    }
}

// SAFETY: every call is passed to mimalloc unchanged; a null
// result never returns to the caller.
unsafe impl GlobalAlloc for ExitOnOom {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `GlobalAlloc`'s, which mimalloc implements.
        let pointer = unsafe { MiMalloc.alloc(layout) };
        if pointer.is_null() {
            out_of_memory(layout);
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let pointer = unsafe { MiMalloc.alloc_zeroed(layout) };
        if pointer.is_null() {
            out_of_memory(layout);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: as for `alloc`.
        unsafe { MiMalloc.dealloc(pointer, layout) }
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let moved = unsafe { MiMalloc.realloc(pointer, layout, new_size) };
        if moved.is_null() {
            // SAFETY: `new_size` was accepted by the caller's contract.
            out_of_memory(unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) });
        }
        moved
    }
}

/// Memory the loaded data takes per byte of input, at most: measured at
/// N = 100k on the synthetic corpus (`examples/corpus.rs`), 1.76 GB peak
/// for 277 MB of input is 6.4; rounded down so that the estimate refuses
/// only what cannot fit, and the allocator guard catches the rest.
const BYTES_PER_INPUT_BYTE: u64 = 4;

/// The bytes of memory available to this process now, if known: the
/// smaller of `MemAvailable` and the room under `RLIMIT_AS`.
fn available() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let mem_available = meminfo
        .as_deref()
        .and_then(|text| kilobytes(text, "MemAvailable:"));
    let (soft, _) = rlimit::getrlimit(rlimit::Resource::AS).ok()?;
    let under_limit = (soft != rlimit::INFINITY).then(|| {
        let status = std::fs::read_to_string("/proc/self/status").ok();
        let used = status
            .as_deref()
            .and_then(|text| kilobytes(text, "VmSize:"));
        soft.saturating_sub(used.unwrap_or(0))
    });
    match (mem_available, under_limit) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The value of a `Name:   123 kB` line, in bytes.
fn kilobytes(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|line| line.starts_with(name))?;
    let value: u64 = line[name.len()..]
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(value * 1024)
}

/// The bytes of every file under `dir` (following links, as loading does).
fn input_bytes(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![dir.to_owned()];
    while let Some(directory) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&directory) else {
            continue;
        };
        for entry in entries.flatten() {
            match std::fs::metadata(entry.path()) {
                Ok(metadata) if metadata.is_dir() => {
                    if !entry.file_name().to_string_lossy().starts_with('.') {
                        pending.push(entry.path());
                    }
                }
                Ok(metadata) => total += metadata.len(),
                Err(_) => {}
            }
        }
    }
    total
}

/// Refuses to load `data` when the estimate of the memory it takes exceeds
/// what is available (when that is known).
pub(crate) fn check_estimate(data: &std::path::Path) -> anyhow::Result<()> {
    let Some(available) = available() else {
        return Ok(());
    };
    let input = input_bytes(data);
    let needed = input.saturating_mul(BYTES_PER_INPUT_BYTE);
    if needed > available {
        anyhow::bail!(
            "not enough memory to load `{}`: its {} MB of files take about {} MB in memory, and {} MB are available",
            data.display(),
            input.div_ceil(1_000_000),
            needed.div_ceil(1_000_000),
            available / 1_000_000
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option at `PURGE_DELAY` is the purge delay: mimalloc 3's
    /// default for it, 1000 ms, is no other option's. Unit tests never run
    /// `main`, so nothing has changed it (unless the environment did).
    #[test]
    fn purge_delay_is_the_option_at_its_index() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reading an integer option.
        let delay = unsafe { libmimalloc_sys::mi_option_get(PURGE_DELAY) };
        assert_eq!(delay, 1000);
    }
}
