//! Loading with diagnostics printed, shared by every command that reads
//! the data.

use std::io::{IsTerminal, Write};

use kgraph::{Dataset, LoadError, Report};

use super::{Error, Result};
use termcolor::{ColorChoice, StandardStream, WriteColor};

use super::progress::{Phase, detail, note};

fn color_choice() -> ColorChoice {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    if !no_color && std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    }
}

/// Prints every diagnostic of a report on stderr, then a count.
pub(super) fn print_report(report: &Report) -> std::io::Result<()> {
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

/// Loads and validates the data directory, printing every diagnostic.
/// Invalid data is [`Error::InvalidData`], unreadable files
/// [`Error::UnreadableData`], a missing directory or too little memory for
/// the data an I/O error.
pub(super) fn load(data: &std::path::Path) -> Result<(Dataset, Report)> {
    #[cfg(unix)]
    crate::memory::check_estimate(data)?;
    match kgraph::load_with_limits(data, super::project::limits()?) {
        Ok((dataset, report)) => {
            print_report(&report)?;
            Ok((dataset, report))
        }
        Err(LoadError::Invalid(report)) => {
            print_report(&report)?;
            Err(Error::from_report(&report))
        }
        Err(error) => Err(anyhow::Error::new(error)
            .context("cannot load the data")
            .into()),
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
/// dataset if it is valid, and the report either way (for invalid data,
/// [`Error::from_report`] is the error to end with).
pub(super) fn load_quietly(data: &std::path::Path) -> Result<(Option<Dataset>, Report)> {
    match kgraph::load_with_limits(data, super::project::limits()?) {
        Ok((dataset, report)) => Ok((Some(dataset), report)),
        Err(LoadError::Invalid(report)) => Ok((None, report)),
        Err(error) => Err(anyhow::Error::new(error)
            .context("cannot load the data")
            .into()),
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
/// text), the source texts themselves (the HTML export), and the texts of
/// the sources its relations quote (`kg explain` shows where a quote starts
/// or ends mid-sentence). A snapshot decodes the texts only for a command
/// that reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Reads {
    mentions: bool,
    source_texts: bool,
    quoted_texts: bool,
}

impl Reads {
    /// The graph only: entities, relations, quotes.
    pub(super) const GRAPH: Reads = Reads {
        mentions: false,
        source_texts: false,
        quoted_texts: false,
    };
    /// The graph and the mention counts.
    pub(super) const MENTIONS: Reads = Reads {
        mentions: true,
        source_texts: false,
        quoted_texts: false,
    };
    /// The graph and the texts around its quotes.
    pub(super) const QUOTES: Reads = Reads {
        mentions: false,
        source_texts: false,
        quoted_texts: true,
    };

    pub(super) fn for_format(format: kgraph::Format) -> Reads {
        Reads {
            mentions: format.shows_mentions(),
            source_texts: format.reads_source_texts(),
            quoted_texts: false,
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
/// there but stale). Invalid data is an error, its diagnostics printed.
pub(super) fn load_graph(data: &std::path::Path, reads: Reads) -> Result<kgraph::KnowledgeGraph> {
    load_part(data, reads, kgraph::snapshot::Part::Whole)
}

/// [`load_graph`] for a question that reads only `part` of the graph: from
/// a fresh snapshot, a graph of that part alone (what the question reads,
/// decoded without the rest); from the data, the whole graph.
pub(super) fn load_part(
    data: &std::path::Path,
    reads: Reads,
    part: kgraph::snapshot::Part,
) -> Result<kgraph::KnowledgeGraph> {
    use kgraph::snapshot::{self, Needs, Stale};
    let path = snapshot_path();
    let phase = Phase::start("read snapshot");
    let needs = Needs {
        source_texts: reads.source_texts,
        mentions: reads.mentions,
        quoted_texts: reads.quoted_texts,
    };
    let mut dataset = match snapshot::read_part(&path, data, needs, part) {
        Ok(snapshot) => {
            drop(phase);
            detail(format!("answered from the snapshot `{}`", path.display()));
            let mut dataset = snapshot.dataset;
            if reads.mentions && !snapshot.mentions_counted {
                let _phase = Phase::start("count mentions");
                kgraph::coverage::count_mentions(&mut dataset);
            }
            return Ok(kgraph::KnowledgeGraph::new(dataset));
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
            load(data)?.0
        }
    };
    if reads.mentions {
        let _phase = Phase::start("count mentions");
        kgraph::coverage::count_mentions(&mut dataset);
    }
    Ok(kgraph::KnowledgeGraph::new(dataset))
}

/// Hands a graph (or a dataset) to the end of the process instead of
/// freeing it: freeing a large graph string by string takes longer than
/// the question asked of it (at 500k relations, about a second of the
/// seven `kg validate` took), and the operating system takes the memory
/// back at exit anyway. Only for values a command holds until it returns.
pub(super) fn keep_until_exit<T>(value: T) -> std::mem::ManuallyDrop<T> {
    std::mem::ManuallyDrop::new(value)
}
