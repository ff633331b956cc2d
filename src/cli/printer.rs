//! Loading with diagnostics printed, shared by every command that reads
//! the data.

use std::io::{IsTerminal, Write};

use anyhow::Context;
use kgraph::{Dataset, LoadError, Report};
use termcolor::{ColorChoice, StandardStream, WriteColor};

use super::progress::{Phase, detail, note};

/// True if the error, or any error under it, is a write to a closed pipe.
pub(crate) fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        let kind = cause
            .downcast_ref::<std::io::Error>()
            .map(std::io::Error::kind)
            // serde_json wraps the write error in its own.
            .or_else(|| {
                cause
                    .downcast_ref::<serde_json::Error>()
                    .and_then(serde_json::Error::io_error_kind)
            });
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// True if an export refused the data (a value its format cannot hold):
/// a data problem, exit code 1, not an I/O failure.
pub(crate) fn is_unexportable_data(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .is_some_and(|inner| inner.is::<kgraph::export::ExportError>())
    })
}

fn color_choice() -> ColorChoice {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    if !no_color && std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

/// Prints every diagnostic of a report on stderr, then a count.
pub(super) fn print_report(report: &Report) -> anyhow::Result<()> {
    let mut stderr = StandardStream::stderr(color_choice());
    for diagnostic in &report.diagnostics {
        kgraph::diagnostic::render(&mut stderr, &report.files, diagnostic)?;
    }
    if report.errors() > 0 {
        stderr.set_color(
            termcolor::ColorSpec::new()
                .set_fg(Some(termcolor::Color::Red))
                .set_bold(true),
        )?;
        write!(stderr, "error")?;
        stderr.reset()?;
        writeln!(
            stderr,
            ": the data has {} and {}; nothing was written",
            plural(report.errors(), "error"),
            plural(report.warnings(), "warning")
        )?;
    }
    stderr.flush()?;
    Ok(())
}

/// `1 entity`, `2 entities`, `0 relations`.
pub(super) fn plural(count: usize, noun: &str) -> String {
    match (count, noun.strip_suffix('y')) {
        (1, _) => format!("1 {noun}"),
        (_, Some(stem)) => format!("{count} {stem}ies"),
        (_, None) => format!("{count} {noun}s"),
    }
}

/// What loading the data came to, for a command to act on.
pub(super) enum Loaded {
    Valid(Box<Dataset>, Report),
    /// The diagnostics are printed; the command should exit with this code.
    Invalid(super::Outcome),
}

/// Loads and validates the data directory, printing every diagnostic.
/// I/O failures (missing directory, unreadable files) are errors: exit 2.
pub(super) fn load(data: &std::path::Path) -> anyhow::Result<Loaded> {
    #[cfg(unix)]
    crate::memory::check_estimate(data)?;
    match kgraph::load_with_limits(data, super::project::limits()?) {
        Ok((dataset, report)) => {
            print_report(&report)?;
            Ok(Loaded::Valid(Box::new(dataset), report))
        }
        Err(LoadError::Invalid(report)) => {
            print_report(&report)?;
            Ok(Loaded::Invalid(if report.has_io_errors() {
                super::Outcome::IoFailure
            } else {
                super::Outcome::Failure
            }))
        }
        Err(error) => Err(error).context("cannot load the data"),
    }
}

/// How a command prints its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(super) enum ReportFormat {
    /// Like a compiler, on stderr
    #[default]
    Text,
    /// One JSON document on stdout, with each diagnostic's code and spans
    Json,
}

/// Loads and validates the data directory without printing anything: the
/// dataset if it is valid, and the report either way, with the exit
/// outcome for invalid data.
pub(super) fn load_quietly(
    data: &std::path::Path,
) -> anyhow::Result<(Option<Dataset>, Report, super::Outcome)> {
    match kgraph::load_with_limits(data, super::project::limits()?) {
        Ok((dataset, report)) => Ok((Some(dataset), report, super::Outcome::Success)),
        Err(LoadError::Invalid(report)) => {
            let outcome = if report.has_io_errors() {
                super::Outcome::IoFailure
            } else {
                super::Outcome::Failure
            };
            Ok((None, report, outcome))
        }
        Err(error) => Err(error).context("cannot load the data"),
    }
}

/// Every diagnostic of a report as data, for `--format json`.
pub(super) fn diagnostic_records(report: &Report) -> Vec<kgraph::diagnostic::DiagnosticRecord<'_>> {
    report
        .diagnostics
        .iter()
        .map(|diagnostic| kgraph::diagnostic::DiagnosticRecord::new(&report.files, diagnostic))
        .collect()
}

/// What a command reads beyond the graph: how often the sources mention
/// each entity (DOT and JSON exports, drawings; counting scans every source
/// text), and the source texts themselves (the HTML export). A snapshot
/// decodes the texts only for a command that reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Reads {
    mentions: bool,
    source_texts: bool,
}

impl Reads {
    /// The graph only: entities, relations, quotes.
    pub(super) const GRAPH: Reads = Reads {
        mentions: false,
        source_texts: false,
    };
    /// The graph and the mention counts.
    pub(super) const MENTIONS: Reads = Reads {
        mentions: true,
        source_texts: false,
    };

    pub(super) fn for_format(format: kgraph::Format) -> Reads {
        Reads {
            mentions: format.shows_mentions(),
            source_texts: format.reads_source_texts(),
        }
    }
}

/// The snapshot `kg build` writes for questions, under the default output
/// directory.
pub(super) fn snapshot_path() -> std::path::PathBuf {
    std::path::Path::new("output").join(kgraph::snapshot::SNAPSHOT_PATH)
}

/// The graph of the data: from the snapshot of the last `kg build` when it
/// is fresh, else loaded and validated (saying why, when a snapshot was
/// there but stale). `Err(outcome)` if the data is invalid: the
/// diagnostics are printed and the command should end so.
pub(super) fn load_graph(
    data: &std::path::Path,
    reads: Reads,
) -> anyhow::Result<Result<kgraph::KnowledgeGraph, super::Outcome>> {
    use kgraph::snapshot::{self, Needs, Stale};
    let path = snapshot_path();
    let phase = Phase::start("read snapshot");
    let needs = Needs {
        source_texts: reads.source_texts,
        mentions: reads.mentions,
    };
    let mut dataset = match snapshot::read(&path, data, needs) {
        Ok(snapshot) => {
            drop(phase);
            detail(format!("answered from the snapshot `{}`", path.display()));
            let mut dataset = snapshot.dataset;
            if reads.mentions && !snapshot.mentions_counted {
                let _phase = Phase::start("count mentions");
                kgraph::coverage::count_mentions(&mut dataset);
            }
            return Ok(Ok(kgraph::KnowledgeGraph::new(dataset)));
        }
        Err(stale) => {
            drop(phase);
            if !matches!(stale, Stale::Missing | Stale::OtherData) {
                note(format!(
                    "not using the snapshot `{}`: {stale}; loading `{}` (`kg build` refreshes it)",
                    path.display(),
                    data.display()
                ));
            }
            let _phase = Phase::start("load and validate");
            match load(data)? {
                Loaded::Valid(dataset, _) => *dataset,
                Loaded::Invalid(outcome) => return Ok(Err(outcome)),
            }
        }
    };
    if reads.mentions {
        let _phase = Phase::start("count mentions");
        kgraph::coverage::count_mentions(&mut dataset);
    }
    Ok(Ok(kgraph::KnowledgeGraph::new(dataset)))
}

/// Hands a graph to the end of the process instead of freeing it: freeing
/// a large graph string by string takes longer than the question asked of
/// it, and the operating system takes the memory back at exit anyway.
pub(super) fn keep_until_exit(
    graph: kgraph::KnowledgeGraph,
) -> std::mem::ManuallyDrop<kgraph::KnowledgeGraph> {
    std::mem::ManuallyDrop::new(graph)
}

/// Reports a question about something the data does not have (an unknown
/// entity, kind, type or source): one line on stderr, exit code 1.
pub(super) fn query_failed(error: &kgraph::query::QueryError) -> anyhow::Result<super::Outcome> {
    let message = error.to_string();
    writeln!(
        std::io::stderr().lock(),
        "error: {}",
        kgraph::terminal::safe(&message)
    )?;
    Ok(super::Outcome::Failure)
}
