use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use kgraph::output::{self, Artifact};
use kgraph::{Format, KnowledgeGraph};

use super::printer::{Loaded, load, plural};
use super::{DataArgs, Outcome};

/// Validate the data, build the graph and write its exports
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg build                        data/ -> output/: graph.dot, graph.json, graph.graphml,\n                                  graph.cypher, graph.kuzu.cypher, nodes.csv, relationships.csv\n  kg build --data corpus --out public\n  kg build --check                exit 1 naming each stale file in output/\n\nFiles are written atomically (temporary file, then rename); invalid data writes nothing."
)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Directory to write the exports into
    #[arg(long, value_name = "DIR", default_value = "output")]
    out: PathBuf,
    /// Write nothing; exit 1 if any file in the output directory differs from what would be written
    #[arg(long)]
    check: bool,
}

/// Every file `kg build` produces for a graph.
pub fn artifacts(graph: &KnowledgeGraph) -> anyhow::Result<Vec<Artifact>> {
    Format::ALL
        .into_iter()
        .map(|format| {
            let mut bytes = Vec::new();
            format
                .write(graph, &mut bytes)
                .with_context(|| format!("cannot write {}", format.name()))?;
            Ok(Artifact {
                path: format.file_name().to_owned(),
                bytes,
            })
        })
        .collect()
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let (dataset, report) = match load(&args.data.data)? {
        Loaded::Valid(dataset, report) => (dataset, report),
        Loaded::Invalid(outcome) => return Ok(outcome),
    };
    let counts = format!(
        "{}, {}, {}",
        plural(dataset.entities.len(), "entity"),
        plural(dataset.relations.len(), "relation"),
        plural(dataset.sources.len(), "source"),
    );
    let graph = KnowledgeGraph::new(dataset);
    let artifacts = artifacts(&graph)?;
    let mut stdout = std::io::stdout().lock();
    if args.check {
        let stale = output::stale(&args.out, &artifacts);
        if stale.is_empty() {
            writeln!(
                stdout,
                "up to date: {} in `{}`",
                plural(artifacts.len(), "file"),
                args.out.display()
            )?;
            return Ok(Outcome::Success);
        }
        drop(stdout);
        let mut stderr = std::io::stderr().lock();
        for artifact in stale {
            writeln!(
                stderr,
                "stale: `{}` differs from what `kg build` would write",
                args.out.join(&artifact.path).display()
            )?;
        }
        writeln!(
            stderr,
            "error: output is out of date; run `kg build` and commit the result"
        )?;
        return Ok(Outcome::Failure);
    }
    output::write_atomic(&args.out, &artifacts)?;
    let written: Vec<String> = artifacts
        .iter()
        .map(|artifact| args.out.join(&artifact.path).display().to_string())
        .collect();
    writeln!(
        stdout,
        "built {counts}{} -> {}",
        match report.warnings() {
            0 => String::new(),
            n => format!(" ({})", plural(n, "warning")),
        },
        written.join(", ")
    )?;
    Ok(Outcome::Success)
}
