//! Subcommands, one file each: its arguments, its help with examples, and
//! its `run`.

mod build;
mod completions;
mod coverage;
mod diff;
mod explain;
mod export;
mod fmt;
mod import;
mod init;
mod lint;
mod printer;
mod progress;
mod project;
mod query;
mod render;
mod selection;
mod source;
mod stats;
mod validate;
mod view;
mod watch;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use printer::{is_broken_pipe, is_unexportable_data};

/// What a command concluded, when it ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Invalid data or a failed check: exit code 1.
    Failure,
    /// Files that could not be read, already reported: exit code 2.
    IoFailure,
}

#[derive(Debug, Parser)]
#[command(
    name = "kg",
    version,
    about = "Build a validated knowledge graph from curated entities, relations and verbatim evidence",
    after_help = "Examples:\n  kg init my-corpus           start a new corpus that builds at once\n  kg source add ...           add a source text with its hash\n  kg validate                 check the curated files in data/\n  kg build                    write every export format into output/\n  kg build --check            exit 1 if output/ is out of date\n  kg export --format json -   print the graph as node-link JSON\n  kg render -o graph.svg      draw it with Graphviz\n  kg query neighbors Moscow   entities one relation away\n  kg explain ukraine nato     how two entities connect, with quotes\n  kg stats                    counts, central entities, components\n  kg coverage                 what the sources say that the graph does not\n  kg diff --git HEAD          what changed in data/ since the last commit\n\nExit codes: 0 ok, 1 invalid data or failed check, 2 usage or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print the time of each phase on stderr
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Print no notes about how the data was loaded and no progress
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    Build(build::Args),
    Validate(validate::Args),
    Export(export::Args),
    Coverage(coverage::Args),
    Lint(lint::Args),
    Render(render::Args),
    Query(query::Args),
    Explain(explain::Args),
    Stats(stats::Args),
    Diff(diff::Args),
    Fmt(fmt::Args),
    Import(import::Args),
    Init(init::Args),
    Source(source::Args),
    Completions(completions::Args),
}

/// `--data DIR`, shared by every command that reads the curated files.
#[derive(Debug, clap::Args)]
pub struct DataArgs {
    /// Directory holding schema.toml, entities.toml, relations.toml and sources/
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    progress::set(progress::Verbosity {
        verbose: cli.verbose,
        quiet: cli.quiet,
    });
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Export(args) => export::run(args),
        Command::Coverage(args) => coverage::run(args),
        Command::Lint(args) => lint::run(args),
        Command::Render(args) => render::run(args),
        Command::Query(args) => query::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Stats(args) => stats::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Import(args) => import::run(args),
        Command::Init(args) => init::run(args),
        Command::Source(args) => source::run(args),
        Command::Completions(args) => completions::run(args),
    }
}
