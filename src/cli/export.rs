use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use kgraph::Format;
use kgraph::export::{CypherDialect, ExportOptions, PARQUET_TABLES, TurtleOptions};
use kgraph::output;

use super::error::bail;
use super::printer::Reads;
use super::selection::SelectArgs;
use super::{DataArgs, Result};

/// Write the graph in one format, to a file or to stdout
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg export --format json -o graph.json\n  kg export --format dot | dot -Tsvg > graph.svg\n  kg export -o graph.gv            format taken from the file name\n  kg export -o graph.jgf.json      JSON Graph Format (longest extension wins)\n  kg export -o graph.kuzu.cypher   Kùzu's dialect; `.cypher` alone is Neo4j's\n  kg export --format csv-nodes -o people.csv\n  kg export --format mermaid --focus nato --depth 1 --modality actual\n  kg export --format turtle --base-iri https://example.org/kg/ -o graph.ttl\n  kg export --format cypher --dialect falkordb -o graph.falkordb.cypher\n  kg export --format parquet -o tables     tables/entities.parquet, relations, evidence, sources\n  kg export -o graph.html --focus nato --depth 2   interactive page, evidence beside every relation\n\nFormats: dot, json, graphml, cypher, cypher-memgraph, cypher-falkordb, cypher-kuzu, csv-nodes, csv-relationships, turtle, mermaid, jgf, cytoscape, grass, gexf, parquet, html (see docs/exports.md)."
)]
pub(super) struct Args {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    select: SelectArgs,
    /// Output format; if omitted, taken from the extension of --output
    #[arg(long, short, value_name = "FORMAT", value_parser = super::names::named(&Format::ALL, Format::name))]
    format: Option<Format>,
    /// File to write, or `-` for stdout (the default); a directory for parquet
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    /// Base of every IRI in the Turtle export (an absolute IRI ending in `/` or `#`) [default: https://kgraph.example/]
    #[arg(long, value_name = "IRI", value_parser = parse_base_iri)]
    base_iri: Option<TurtleOptions>,
    /// The Cypher database to write for [default: neo4j, or the one the format names]; Kùzu's dialect is --format cypher-kuzu
    #[arg(long, value_name = "DATABASE", value_parser = super::names::named(&CypherDialect::ALL, CypherDialect::name))]
    dialect: Option<CypherDialect>,
}

fn parse_base_iri(iri: &str) -> std::result::Result<TurtleOptions, String> {
    TurtleOptions::new(iri).map_err(|error| error.to_string())
}

pub(super) fn parse_format(name: &str) -> std::result::Result<Format, String> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        format!("unknown format `{name}` (formats: {})", names.join(", "))
    })
}

pub(super) fn run(args: Args) -> Result {
    let to_stdout = args.output.as_os_str() == "-";
    let format = match args.format {
        Some(format) => format,
        None if to_stdout => bail!("give --format when writing to stdout"),
        None => Format::from_path(&args.output).with_context(|| {
            format!(
                "cannot tell the format of `{}` from its name: give --format",
                args.output.display()
            )
        })?,
    };
    let format = match (format, args.dialect) {
        (format, None) => format,
        (Format::Cypher(named), Some(dialect))
            if named == dialect || named == CypherDialect::default() =>
        {
            Format::Cypher(dialect)
        }
        (Format::Cypher(named), Some(dialect)) => bail!(
            "--dialect {} contradicts --format {}",
            dialect.name(),
            Format::Cypher(named).name()
        ),
        (_, Some(_)) => bail!("--dialect applies only to --format cypher"),
    };
    let mut options = ExportOptions::default();
    if let Some(turtle) = args.base_iri {
        if format != Format::Turtle {
            bail!("--base-iri applies only to --format turtle");
        }
        options = options.with_turtle(turtle);
    }
    let graph = super::printer::keep_until_exit(
        args.select
            .load(&args.data.data, Reads::for_format(format))?,
    );
    if format.is_directory() {
        if to_stdout {
            bail!(
                "`{}` writes a directory of files: give `-o DIRECTORY`",
                format.name()
            );
        }
        // Inside the directory the user named, as one set.
        output::write_set(&args.output, &PARQUET_TABLES, |part, out| {
            format.write_part(&graph, part, out)
        })?;
        return Ok(());
    }
    // Checked first: a pipe cannot take back half an export.
    format.check_representable(&graph)?;
    let write = |out: &mut dyn Write| format.write_with(&graph, &options, out);
    if to_stdout {
        let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
        write(&mut stdout)?;
        stdout.flush()?;
    } else {
        output::write_file(&args.output, write)?;
    }
    Ok(())
}
