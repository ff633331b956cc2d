use std::path::PathBuf;
use std::time::Duration;

use kgraph::KnowledgeGraph;
use kgraph::export::{DotOptions, write_dot};
use kgraph::output;
use kgraph::render::{self, Engine, ImageFormat, RenderOptions};

use super::printer::Mentions;
use super::selection::SelectArgs;
use super::{DataArgs, Outcome};

/// Draw the graph with Graphviz (SVG, PNG or PDF)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg render -o graph.svg\n  kg render --engine sfdp --no-edge-labels -o big.svg\n  kg render --cluster kind --format pdf -o graph.pdf\n  kg render --focus Ukraine --depth 1 -o ukraine.svg\n  kg render --modality recommended -o advice.svg    only what the author recommends\n\nNeeds Graphviz (`dot`). Every render runs under a timeout and a memory cap;\na graph too large for the engine is refused with advice instead of hanging."
)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    select: SelectArgs,
    /// Image format
    #[arg(long, short, value_name = "FORMAT", default_value = "svg", value_parser = parse_image_format)]
    format: ImageFormat,
    /// Graphviz layout engine: dot, neato, fdp, sfdp or circo
    #[arg(long, short, value_name = "ENGINE", default_value = "dot", value_parser = parse_engine)]
    engine: Engine,
    /// File to write, or `-` for stdout
    #[arg(long, short, value_name = "FILE", default_value = "-")]
    output: PathBuf,
    /// Group nodes by kind in clusters, or not
    #[arg(long, value_name = "HOW", default_value = "none", value_parser = ["kind", "none"])]
    cluster: String,
    /// Leave out the legend of kinds and modalities
    #[arg(long)]
    no_legend: bool,
    /// Leave out edge labels (much faster layouts for large graphs)
    #[arg(long)]
    no_edge_labels: bool,
    /// Wrap node labels longer than this many characters
    #[arg(long, value_name = "CHARS", default_value_t = 18)]
    wrap: usize,
    /// Stop Graphviz after this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    timeout: u64,
    /// Cap Graphviz's memory at this many MiB
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    memory_limit: u64,
}

fn parse_engine(name: &str) -> Result<Engine, String> {
    Engine::from_name(name)
        .ok_or_else(|| format!("unknown engine `{name}` (engines: dot, neato, fdp, sfdp, circo)"))
}

fn parse_image_format(name: &str) -> Result<ImageFormat, String> {
    ImageFormat::from_name(name)
        .ok_or_else(|| format!("unknown image format `{name}` (formats: svg, png, pdf)"))
}

/// The DOT drawing options for a render: readable defaults for each engine.
pub fn dot_options(
    engine: Engine,
    legend: bool,
    edge_labels: bool,
    cluster_by_kind: bool,
    wrap: usize,
) -> DotOptions {
    let mut graph_attributes = vec![("layout".to_owned(), engine.name().to_owned())];
    if engine != Engine::Dot {
        // Force-directed engines overlap labels unless told not to.
        graph_attributes.extend([
            ("overlap".to_owned(), "prism".to_owned()),
            ("sep".to_owned(), "+12".to_owned()),
            ("splines".to_owned(), "true".to_owned()),
        ]);
    }
    DotOptions {
        // neato, sfdp and circo ignore clusters and would scatter the legend.
        legend: legend && matches!(engine, Engine::Dot | Engine::Fdp),
        wrap: Some(wrap),
        edge_labels,
        cluster_by_kind,
        size_by_mentions: true,
        graph_attributes,
    }
}

pub fn render_graph(graph: &KnowledgeGraph, args: &Args) -> anyhow::Result<Vec<u8>> {
    let options = RenderOptions {
        engine: args.engine,
        format: args.format,
        timeout: Duration::from_secs(args.timeout),
        memory_limit: args.memory_limit.saturating_mul(1 << 20),
        ..RenderOptions::default()
    };
    render::check_size(graph, args.engine, !args.no_edge_labels)?;
    let dot_options = dot_options(
        args.engine,
        !args.no_legend,
        !args.no_edge_labels,
        args.cluster == "kind",
        args.wrap,
    );
    let mut dot = Vec::new();
    write_dot(graph, &dot_options, &mut dot)?;
    Ok(render::render_dot(&dot, &options)?)
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let graph = match args.select.load(&args.data.data, Mentions::Count)? {
        Ok(graph) => graph,
        Err(outcome) => return Ok(outcome),
    };
    let image = render_graph(&graph, &args)?;
    if args.output.as_os_str() == "-" {
        std::io::Write::write_all(&mut std::io::stdout().lock(), &image)?;
    } else {
        output::write_file(&args.output, |out| out.write_all(&image))?;
    }
    Ok(Outcome::Success)
}
