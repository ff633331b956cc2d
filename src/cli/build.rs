use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use kgraph::output;
use kgraph::snapshot::{self, Fingerprint};
use kgraph::{Format, KnowledgeGraph};

use super::error::bail;
use super::printer::{load, plural};
use super::progress::{Bar, Phase, note};
use super::{DataArgs, Error, Result};

/// Validate the data, build the graph and write its exports
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg build                        data/ -> output/: graph.dot, graph.json, graph.graphml,\n                                  graph.cypher, graph.memgraph.cypher, graph.falkordb.cypher,\n                                  graph.kuzu.cypher, nodes.csv, relationships.csv, graph.ttl,\n                                  graph.mmd, graph.jgf.json, graph.cytoscape.json, graph.grass,\n                                  graph.gexf, graph.html,\n                                  parquet/{entities,relations,evidence,sources}.parquet\n  kg build --data corpus --out public\n  kg build --check                exit 1 naming each stale file in output/\n  kg build --formats dot,json     only these formats (or `[build] formats` in kgraph.toml)\n  kg build --watch                build again on every change under data/ (Ctrl-C stops)\n\nEach file is streamed to a temporary file, all in parallel; only when all are complete are they\nrenamed into place, under a journal that the next build finishes if a kill cut the renames short.\nA failed or interrupted build leaves the previous output whole; invalid data writes nothing.\nThe next build removes temporary files left by interrupted ones; --check reports them."
)]
pub(super) struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Directory to write the exports into
    #[arg(long, value_name = "DIR", default_value = "output")]
    out: PathBuf,
    /// Write nothing; exit 1 if any file in the output directory differs from what would be written
    #[arg(long)]
    check: bool,
    /// Run the lint checks for the warning count even on sources larger than 4 MB in all
    #[arg(long)]
    lint: bool,
    /// Formats to write, comma-separated (default: `formats` in kgraph.toml, else all)
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = super::names::named(&Format::ALL, Format::name))]
    formats: Vec<Format>,
    /// Build again whenever a file under the data directory changes, until interrupted
    #[arg(long, conflicts_with = "check")]
    watch: bool,
}

/// The project file, `kgraph.toml` in the working directory: settings that
/// would otherwise be repeated as flags.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Project {
    #[serde(default)]
    build: BuildSettings,
    /// Read by `project::limits` for every command that loads the data.
    #[serde(default, rename = "limits")]
    _limits: Option<toml::Table>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct BuildSettings {
    /// Format names, as for `--formats`.
    formats: Option<Vec<String>>,
}

const PROJECT_FILE: &str = "kgraph.toml";

/// The formats to build: the flag, else the project file, else all.
fn formats(flag: &[Format]) -> anyhow::Result<Vec<Format>> {
    if !flag.is_empty() {
        return Ok(flag.to_vec());
    }
    let text = match std::fs::read_to_string(PROJECT_FILE) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Format::ALL.to_vec());
        }
        Err(error) => return Err(error).with_context(|| format!("cannot read `{PROJECT_FILE}`")),
    };
    let project: Project =
        toml::from_str(&text).with_context(|| format!("invalid `{PROJECT_FILE}`"))?;
    match project.build.formats {
        None => Ok(Format::ALL.to_vec()),
        Some(names) => names
            .iter()
            .map(|name| {
                super::export::parse_format(name)
                    .map_err(|message| anyhow::anyhow!("{PROJECT_FILE}: {message}"))
            })
            .collect(),
    }
}

pub(super) fn run(args: Args) -> Result {
    if args.watch {
        return super::watch::run(&args.data.data, || build(&args));
    }
    build(&args)
}

fn build(args: &Args) -> Result {
    if args.out.as_os_str() == "-" {
        bail!(
            "`kg build` writes several files into a directory; to print one format, use `kg export --format FORMAT -`"
        );
    }
    let formats = formats(&args.formats)?;
    // Before loading: an edit made meanwhile then makes the snapshot stale.
    let fingerprint = if args.check {
        None
    } else {
        let _phase = Phase::start("fingerprint inputs");
        match Fingerprint::take(&args.data.data) {
            Ok(fingerprint) => Some(fingerprint),
            Err(error) => {
                note(format!("no snapshot for questions this time: {error}"));
                None
            }
        }
    };
    let phase = Phase::start("load and validate");
    let spinner = Bar::spinner("loading and validating");
    let loaded = load(&args.data.data);
    drop(spinner);
    let (mut dataset, mut report) = loaded?;
    drop(phase);
    let mentions_counted = formats.iter().any(|format| format.shows_mentions());
    if mentions_counted {
        let _phase = Phase::start("count mentions");
        let _spinner = Bar::spinner("counting mentions");
        kgraph::coverage::count_mentions(&mut dataset);
    }
    let counts = format!(
        "{}, {}, {}",
        plural(dataset.entities.len(), "entity"),
        plural(dataset.relations.len(), "relation"),
        plural(dataset.sources.len(), "source"),
    );
    let graph = super::printer::keep_until_exit(KnowledgeGraph::new(dataset));
    // One entry per file: a directory format (Parquet) has several.
    let parts: Vec<(Format, usize, String)> = formats
        .iter()
        .flat_map(|&format| {
            format
                .file_names()
                .into_iter()
                .enumerate()
                .map(move |(part, path)| (format, part, path))
        })
        .collect();
    let mut paths: Vec<&str> = parts.iter().map(|(_, _, path)| path.as_str()).collect();
    let write = |index: usize, out: &mut dyn Write| match parts.get(index) {
        Some((format, part, _)) => format.write_part(&graph, *part, out),
        None => match &fingerprint {
            Some(fingerprint) => snapshot::write(out, &graph, fingerprint, mentions_counted),
            None => Ok(()),
        },
    };
    if args.check {
        return check(&args.out, &paths, write);
    }
    let linted = super::lint::count_warnings(&graph, &mut report, &args.data.data, args.lint);
    // The snapshot is replaced with the exports, as one set.
    if fingerprint.is_some() {
        paths.push(snapshot::SNAPSHOT_PATH);
    }
    let phase = Phase::start("write");
    let bar = Bar::bytes("writing", paths.len());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tidied = output::write_set(&args.out, &paths, |index, out| {
        write(index, &mut bar.counted(out))?;
        let done = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        bar.file_done(done, paths.len());
        Ok(())
    })?;
    drop(bar);
    drop(phase);
    if tidied.finished_commit || !tidied.removed.is_empty() {
        let mut stderr = std::io::stderr().lock();
        if tidied.finished_commit {
            writeln!(
                stderr,
                "note: finished the renames of a build interrupted during its commit in `{}`",
                args.out.display()
            )?;
        }
        if !tidied.removed.is_empty() {
            writeln!(
                stderr,
                "note: removed {} left by interrupted builds",
                plural(tidied.removed.len(), "temporary file")
            )?;
        }
    }
    let written: Vec<String> = paths[..parts.len()]
        .iter()
        .map(|path| args.out.join(path).display().to_string())
        .collect();
    writeln!(
        std::io::stdout().lock(),
        "built {counts}{} -> {}",
        super::lint::warning_summary(report.warnings(), &linted),
        written.join(", ")
    )?;
    Ok(())
}

/// `kg build --check`: compares without writing, and fails on leftovers of
/// interrupted builds too, so that CI never commits them.
fn check(
    out: &Path,
    paths: &[&str],
    write: impl Fn(usize, &mut dyn Write) -> std::io::Result<()> + Sync,
) -> Result {
    let report = output::check_set(out, paths, write)?;
    if report.is_clean() {
        writeln!(
            std::io::stdout().lock(),
            "up to date: {} in `{}`",
            plural(paths.len(), "file"),
            out.display()
        )?;
        return Ok(());
    }
    let mut stderr = std::io::stderr().lock();
    for path in &report.stale {
        writeln!(
            stderr,
            "stale: `{}` differs from what `kg build` would write",
            out.join(path).display()
        )?;
    }
    for leftover in &report.leftovers {
        writeln!(
            stderr,
            "leftover: `{}` is a temporary file of an interrupted build (`kg build` removes it)",
            leftover.display()
        )?;
    }
    if report.interrupted_commit {
        writeln!(
            stderr,
            "interrupted: `{}` names renames a build did not finish (`kg build` finishes them)",
            out.join(output::JOURNAL).display()
        )?;
    }
    writeln!(
        stderr,
        "error: output is out of date; run `kg build` and commit the result"
    )?;
    Err(Error::Failed)
}
