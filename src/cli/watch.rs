//! `kg build --watch`: build, then build again whenever a file under the
//! data directory changes, until interrupted.

use std::io::Write;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use notify::{EventKind, RecursiveMode, Watcher};

use super::error::bail;
use super::{Error, Result};

/// Changes arriving within this time of each other are one change: an
/// editor's save or a `git checkout` touches several files at once.
const SETTLE: Duration = Duration::from_millis(200);

/// Runs `build` now and after every change under `data`. Each run prints
/// its one-line summary or its diagnostics; invalid data never ends the
/// watch. Returns only when the watcher fails or stdout is closed.
pub(super) fn run(data: &Path, mut build: impl FnMut() -> Result) -> Result {
    let (events, changes) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(events).context("cannot watch for changes")?;
    watcher
        .watch(data, RecursiveMode::Recursive)
        .with_context(|| format!("cannot watch `{}`", data.display()))?;
    writeln!(
        std::io::stderr().lock(),
        "watching `{}` for changes; Ctrl-C stops",
        data.display()
    )?;
    loop {
        match build() {
            Ok(()) => {}
            Err(Error::BrokenPipe) => return Ok(()),
            // Invalid or unreadable data now may be fixed by the next
            // change: report it (if not yet reported) and watch on.
            Err(error) => {
                if let Some(message) = error.message() {
                    writeln!(std::io::stderr().lock(), "{message}")?;
                }
            }
        }
        loop {
            match changes.recv() {
                Ok(Ok(event)) if is_change(&event.kind) => break,
                Ok(Ok(_)) => {}
                Ok(Err(error)) => {
                    writeln!(std::io::stderr().lock(), "warning: watching: {error}")?;
                }
                Err(_) => bail!("the watcher stopped"),
            }
        }
        while changes.recv_timeout(SETTLE).is_ok() {}
        writeln!(
            std::io::stderr().lock(),
            "change in `{}`: building",
            data.display()
        )?;
    }
}

/// Whether an event changes what a build reads (reads and opens do not).
fn is_change(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) | EventKind::Any
    )
}
