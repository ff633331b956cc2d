//! What `kg` says about its own work on stderr: with `-v`, the time of each
//! phase; `--quiet` silences notes about how data was loaded.

use std::io::Write;
use std::sync::OnceLock;
use std::time::Instant;

#[derive(Debug, Clone, Copy, Default)]
pub struct Verbosity {
    pub verbose: bool,
    pub quiet: bool,
}

static VERBOSITY: OnceLock<Verbosity> = OnceLock::new();

/// Set once, from the global flags.
pub fn set(verbosity: Verbosity) {
    let _ = VERBOSITY.set(verbosity);
}

pub fn verbosity() -> Verbosity {
    VERBOSITY.get().copied().unwrap_or_default()
}

/// A phase of a command: with `-v`, `phase: NAME 1.23 s` on stderr when it
/// ends.
pub struct Phase {
    name: String,
    started: Instant,
}

impl Phase {
    pub fn start(name: impl Into<String>) -> Phase {
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
pub fn note(message: impl std::fmt::Display) {
    if !verbosity().quiet {
        let _ = writeln!(std::io::stderr().lock(), "note: {message}");
    }
}

/// A line on stderr only with `-v`.
pub fn detail(message: impl std::fmt::Display) {
    if verbosity().verbose {
        let _ = writeln!(std::io::stderr().lock(), "{message}");
    }
}
