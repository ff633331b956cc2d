use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use kgraph::output::{self, Artifact};
use kgraph::{Format, KnowledgeGraph};

use super::printer::{Loaded, load};
use super::{DataArgs, Outcome};

/// Write the graph in one format, to a file or to stdout
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg export --format json -o graph.json\n  kg export --format dot | dot -Tsvg > graph.svg\n  kg export -o graph.gv            format taken from the extension"
)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Output format; if omitted, taken from the extension of --output
    #[arg(long, short, value_name = "FORMAT", value_parser = parse_format)]
    format: Option<Format>,
    /// File to write, or `-` for stdout (the default)
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    output: PathBuf,
}

pub fn parse_format(name: &str) -> Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format `{name}` (formats: {})", names.join(", "))
    })
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let to_stdout = args.output.as_os_str() == "-";
    let format = match args.format {
        Some(format) => format,
        None if to_stdout => anyhow::bail!("give --format when writing to stdout"),
        None => args
            .output
            .extension()
            .and_then(|extension| extension.to_str())
            .and_then(Format::from_extension)
            .with_context(|| {
                format!(
                    "cannot tell the format of `{}` from its extension: give --format",
                    args.output.display()
                )
            })?,
    };
    let dataset = match load(&args.data.data)? {
        Loaded::Valid(dataset, _) => dataset,
        Loaded::Invalid(outcome) => return Ok(outcome),
    };
    let graph = KnowledgeGraph::new(dataset);
    let mut bytes = Vec::new();
    format.write(&graph, &mut bytes)?;
    if to_stdout {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&bytes)?;
        stdout.flush()?;
    } else {
        let (directory, name) = match (args.output.parent(), args.output.file_name()) {
            (Some(parent), Some(name)) => (parent.to_owned(), name.to_string_lossy().into_owned()),
            _ => anyhow::bail!("`{}` is not a file path", args.output.display()),
        };
        output::write_atomic(&directory, &[Artifact { path: name, bytes }])?;
    }
    Ok(Outcome::Success)
}
