//! Subcommands, one file each: its arguments, its help with examples, and
//! its `run`.

mod build;
mod completions;
mod coverage;
mod diff;
mod error;
mod explain;
mod export;
mod fmt;
mod import;
mod init;
mod lint;
mod names;
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

pub(crate) use error::{Error, Result};

#[derive(Debug, Parser)]
#[command(
    name = "kg",
    version,
    about = "Build a validated knowledge graph from curated entities, relations and verbatim evidence",
    after_help = "Examples:\n  kg init my-corpus           start a new corpus that builds at once\n  kg source add ...           add a source text with its hash\n  kg validate                 check the curated files in data/\n  kg build                    write every export format into output/\n  kg build --check            exit 1 if output/ is out of date\n  kg export --format json     print the graph as node-link JSON\n  kg render -o graph.svg      draw it with Graphviz\n  kg query neighbors Moscow   entities one relation away\n  kg explain ukraine nato     how two entities connect, with quotes\n  kg stats                    counts, central entities, components\n  kg coverage                 what the sources say that the graph does not\n  kg diff --git HEAD          what changed in data/ since the last commit\n\nExit codes, the same in every command:\n  0  success (also when a reader such as `head` closes the output early)\n  1  invalid data, a name the data does not have (entity, kind, type, source),\n     data an export format cannot hold, or a failed check (--check, --strict,\n     --deny-warnings); `kg diff`: the two sides differ\n  2  usage error, a missing or unreadable file or directory, an I/O error;\n     `kg diff`: either side is not valid data"
)]
pub(crate) struct Cli {
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
pub(crate) struct DataArgs {
    /// Directory holding schema.toml, entities.toml, relations.toml and sources/
    #[arg(long, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,
}

pub(crate) fn run(cli: Cli) -> Result {
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
