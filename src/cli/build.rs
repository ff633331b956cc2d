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
    after_help = "Examples:\n  kg build                        data/ -> output/: graph.dot, graph.json, graph.graphml,\n                                  graph.cypher, graph.memgraph.cypher, graph.falkordb.cypher,\n                                  graph.kuzu.cypher, nodes.csv, relationships.csv, graph.ttl,\n                                  graph.mmd, graph.jgf.json, graph.cytoscape.json, graph.grass,\n                                  graph.gexf, parquet/{entities,relations,evidence,sources}.parquet\n  kg build --data corpus --out public\n  kg build --check                exit 1 naming each stale file in output/\n  kg build --formats dot,json     only these formats (or `[build] formats` in kgraph.toml)\n\nFiles are written atomically (temporary file, then rename); invalid data writes nothing."
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
    /// Formats to write, comma-separated (default: `formats` in kgraph.toml, else all)
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = super::export::parse_format)]
    formats: Vec<Format>,
}

/// The project file, `kgraph.toml` in the working directory: settings that
/// would otherwise be repeated as flags.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Project {
    #[serde(default)]
    build: BuildSettings,
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

/// The files `kg build` produces for a graph: one per format, several for
/// a directory format such as Parquet.
pub fn artifacts(graph: &KnowledgeGraph, formats: &[Format]) -> anyhow::Result<Vec<Artifact>> {
    let mut artifacts = Vec::new();
    for &format in formats {
        let files = format
            .files(graph)
            .with_context(|| format!("cannot write {}", format.name()))?;
        artifacts.extend(
            files
                .into_iter()
                .map(|(path, bytes)| Artifact { path, bytes }),
        );
    }
    Ok(artifacts)
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    if args.out.as_os_str() == "-" {
        anyhow::bail!(
            "`kg build` writes several files into a directory; to print one format, use `kg export --format FORMAT -`"
        );
    }
    let (dataset, mut report) = match load(&args.data.data)? {
        Loaded::Valid(dataset, report) => (*dataset, report),
        Loaded::Invalid(outcome) => return Ok(outcome),
    };
    let counts = format!(
        "{}, {}, {}",
        plural(dataset.entities.len(), "entity"),
        plural(dataset.relations.len(), "relation"),
        plural(dataset.sources.len(), "source"),
    );
    let graph = KnowledgeGraph::new(dataset);
    super::lint::lint_into(&graph, &mut report, &args.data.data);
    let artifacts = artifacts(&graph, &formats(&args.formats)?)?;
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
            n => format!(" ({}: run `kg lint`)", plural(n, "warning")),
        },
        written.join(", ")
    )?;
    Ok(Outcome::Success)
}
