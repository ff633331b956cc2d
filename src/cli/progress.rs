//! What `kg` says about its own work on stderr: on a terminal, a progress
//! bar for long phases (counts and rate, through `indicatif`); with `-v`,
//! the time of each phase; `--quiet` silences notes about how data was
//! loaded, and the bars.
//!
//! The library never prints: it writes each export into a writer the
//! command gives it, and [`Counted`] is such a writer, counting the bytes
//! into a bar on their way to the file.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;
use std::time::Instant;

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Verbosity {
    pub verbose: bool,
    pub quiet: bool,
}

static VERBOSITY: OnceLock<Verbosity> = OnceLock::new();

/// Set once, from the global flags.
pub(super) fn set(verbosity: Verbosity) {
    let _ = VERBOSITY.set(verbosity);
}

pub(super) fn verbosity() -> Verbosity {
    VERBOSITY.get().copied().unwrap_or_default()
}

/// A phase of a command: with `-v`, `phase: NAME 1.23 s` on stderr when it
/// ends.
pub(super) struct Phase {
    name: String,
    started: Instant,
}

impl Phase {
    pub(super) fn start(name: impl Into<String>) -> Phase {
        Phase {
            name: name.into(),
            started: Instant::now(),
        }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        if verbosity().verbose {
            let _ = writeln!(
                std::io::stderr().lock(),
                "phase: {} {:.3} s",
                self.name,
                self.started.elapsed().as_secs_f64()
            );
        }
    }
}

/// A note on stderr about how the command went (not about the data),
/// unless `--quiet`.
pub(super) fn note(message: impl std::fmt::Display) {
    if !verbosity().quiet {
        let _ = writeln!(std::io::stderr().lock(), "note: {message}");
    }
}

/// A line on stderr only with `-v`.
pub(super) fn detail(message: impl std::fmt::Display) {
    if verbosity().verbose {
        let _ = writeln!(std::io::stderr().lock(), "{message}");
    }
}

/// A progress bar on stderr, or nothing when stderr is not a terminal (a
/// pipe, a file, CI logs) or with `--quiet`.
pub(super) struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn shown() -> bool {
        !verbosity().quiet && std::io::stderr().is_terminal()
    }

    /// Bytes written into `files` files: size, rate and files done.
    pub(super) fn bytes(message: &str, files: usize) -> Bar {
        let bar = Bar::styled(
            message,
            "{spinner} {msg} {prefix} files, {binary_bytes} at {binary_bytes_per_sec} ({elapsed})",
        );
        if let Some(bar) = &bar.0 {
            bar.set_prefix(format!("0/{files}"));
        }
        bar
    }

    /// A phase without counts: a spinner with the time it has taken.
    pub(super) fn spinner(message: &str) -> Bar {
        Bar::styled(message, "{spinner} {msg} ({elapsed})")
    }

    /// A bar drawn with `template` on stderr, ticking on its own, or
    /// nothing when bars are not shown.
    fn styled(message: &str, template: &str) -> Bar {
        if !Bar::shown() {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            None,
            indicatif::ProgressDrawTarget::stderr_with_hz(8),
        );
        bar.set_style(indicatif::ProgressStyle::with_template(template).expect("a valid template"));
        bar.set_message(message.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(125));
        Bar(Some(bar))
    }

    /// Counts one more file done, of `files`.
    pub(super) fn file_done(&self, done: usize, files: usize) {
        if let Some(bar) = &self.0 {
            bar.set_prefix(format!("{done}/{files}"));
        }
    }

    /// A writer that counts what goes through it into this bar.
    pub(super) fn counted<'w>(&'w self, out: &'w mut dyn Write) -> Counted<'w> {
        Counted {
            bar: self,
            out,
            pending: 0,
        }
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

/// A writer that passes everything through and counts it into a [`Bar`],
/// a megabyte at a time: the exporters write millions of small pieces, and
/// the bar reads the clock on every count.
pub(super) struct Counted<'w> {
    bar: &'w Bar,
    out: &'w mut dyn Write,
    pending: u64,
}

impl Counted<'_> {
    const BATCH: u64 = 1 << 20;

    fn count(&mut self, bytes: usize) {
        self.pending += bytes as u64;
        if self.pending >= Counted::BATCH {
            self.report();
        }
    }

    fn report(&mut self) {
        if let Some(bar) = &self.bar.0 {
            bar.inc(self.pending);
        }
        self.pending = 0;
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.report();
    }
}

impl Write for Counted<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(buf)?;
        self.count(written);
        Ok(written)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.out.write_all(buf)?;
        self.count(buf.len());
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}
