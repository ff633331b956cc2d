use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use kgraph::Format;
use kgraph::KnowledgeGraph;
use kgraph::export::{DotOptions, ExportOptions};
use kgraph::output;
use kgraph::render::{self, Engine, ImageFormat, RenderError, RenderOptions};

use super::error::bail;
use super::printer::Reads;
use super::selection::SelectArgs;
use super::{DataArgs, Result};

/// Draw the graph with Graphviz (SVG, PNG or PDF)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg render -o graph.svg\n  kg render -o graph.png --width 1600        format from the extension; PNG 1600 pixels wide\n  kg render --engine sfdp --no-edge-labels -o big.svg\n  kg render --cluster kind --format pdf -o graph.pdf\n  kg render --focus Ukraine --depth 1 -o ukraine.svg\n  kg render --modality recommended -o advice.svg    only what the author recommends\n  kg render --top 20 --title \"The core of the graph\" -o overview.svg\n\nNeeds Graphviz (`dot`). Every render runs under a timeout and a memory cap;\na graph too large for the engine is refused with advice instead of hanging."
)]
pub(super) struct Args {
    #[command(flatten)]
    data: DataArgs,
    #[command(flatten)]
    select: SelectArgs,
    /// Image format [default: from the extension of --output, else svg]
    #[arg(long, short, value_name = "FORMAT", value_parser = super::names::named(&ImageFormat::ALL, ImageFormat::name))]
    format: Option<ImageFormat>,
    /// Graphviz layout engine
    #[arg(long, short, value_name = "ENGINE", default_value = "dot", value_parser = super::names::named(&Engine::ALL, Engine::name))]
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
    /// Only the N entities with the highest PageRank, and the relations among them
    #[arg(long, value_name = "N")]
    top: Option<usize>,
    /// A title above the picture
    #[arg(long, value_name = "TEXT")]
    title: Option<String>,
    /// Leave out the credit line that names the sources
    #[arg(long)]
    no_credit: bool,
    /// Width of a PNG in pixels (the drawing is scaled to it)
    #[arg(long, value_name = "PIXELS", value_parser = clap::value_parser!(u32).range(16..=20000))]
    width: Option<u32>,
    /// Resolution of a PNG in dots per inch [default: 96]
    #[arg(long, value_name = "DPI", value_parser = clap::value_parser!(u32).range(24..=1200))]
    dpi: Option<u32>,
    /// Stop Graphviz after this many seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    timeout: u64,
    /// Cap Graphviz's memory at this many MiB
    #[arg(long, value_name = "MIB", default_value_t = 4096)]
    memory_limit: u64,
}

/// The DOT drawing options for a render: readable defaults for each engine.
pub(super) fn dot_options(
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
        ]);
    }
    if !matches!(engine, Engine::Dot | Engine::Sfdp) {
        // Curved edges around nodes; sfdp is left with straight lines,
        // since spline routing takes it from about a second to past the
        // timeout on 1,500 entities (docs/engines/README.md).
        graph_attributes.push(("splines".to_owned(), "true".to_owned()));
    }
    if cluster_by_kind && engine == Engine::Dot {
        // Graphviz 2.43's default ranking fails on edges between clusters
        // ("trouble in init_rank"); the newer ranker does not.
        graph_attributes.push(("newrank".to_owned(), "true".to_owned()));
    }
    DotOptions {
        // neato, sfdp and circo ignore clusters and would scatter the legend.
        legend: legend && matches!(engine, Engine::Dot | Engine::Fdp),
        wrap: Some(wrap),
        edge_labels,
        cluster_by_kind,
        size_by_mentions: true,
        graph_attributes,
        highlight: None,
    }
}

/// The line that credits the sources, as a picture published alone needs.
fn credit(graph: &KnowledgeGraph) -> Option<String> {
    let drawn = "drawn with kgraph";
    match graph.dataset().sources.as_slice() {
        [] => None,
        [source] => {
            let mut line = format!("Source: {}", source.title);
            for part in [&source.author, &source.date] {
                if !part.is_empty() {
                    line.push_str(", ");
                    line.push_str(part);
                }
            }
            Some(format!("{line}; {drawn}"))
        }
        sources => Some(format!("Sources: {} documents; {drawn}", sources.len())),
    }
}

/// The image format: the flag, else the extension of the output file,
/// else SVG for stdout.
fn image_format(args: &Args) -> Result<ImageFormat> {
    let extension = args
        .output
        .extension()
        .map(|extension| extension.to_string_lossy().into_owned());
    let named = extension.as_deref().and_then(ImageFormat::from_name);
    match (args.format, named) {
        (Some(format), Some(named)) if format != named => bail!(
            "`{}` names a {} image but --format is {}: make them agree",
            args.output.display(),
            named.name().to_uppercase(),
            format.name()
        ),
        (Some(format), _) => Ok(format),
        (None, Some(named)) => Ok(named),
        (None, None) if args.output.as_os_str() == "-" => Ok(ImageFormat::Svg),
        (None, None) => bail!(
            "cannot tell the image format of `{}` from its name: end it in .svg, .png or .pdf, or give --format",
            args.output.display()
        ),
    }
}

/// The `n` entities of highest PageRank (ties by id) and the relations
/// among them.
fn top_entities(graph: &KnowledgeGraph, n: usize) -> KnowledgeGraph {
    let ranks = graph.page_rank();
    let mut order: Vec<usize> = (0..graph.entities().len()).collect();
    order.sort_by(|&a, &b| ranks[b].total_cmp(&ranks[a]).then(a.cmp(&b)));
    let kept: BTreeSet<&str> = order
        .iter()
        .take(n)
        .map(|&index| graph.entities()[index].id.as_str())
        .collect();
    let relations: BTreeSet<&str> = graph
        .relations()
        .iter()
        .filter(|relation| {
            kept.contains(relation.from.as_str()) && kept.contains(relation.to.as_str())
        })
        .map(|relation| relation.id.as_str())
        .collect();
    graph.subgraph(&kept, &relations)
}

/// One line that says what to try when Graphviz fails.
fn graphviz_advice(args: &Args) -> &'static str {
    if args.cluster == "kind" {
        "try without `--cluster kind`, or `--engine fdp`"
    } else if args.engine == Engine::Dot {
        "try `--engine sfdp --no-edge-labels`, or a focused view (`--focus ENTITY --depth 1`)"
    } else {
        "try `--engine dot`, `--no-edge-labels`, or a focused view (`--focus ENTITY --depth 1`)"
    }
}

pub(super) fn render_graph(
    graph: &KnowledgeGraph,
    args: &Args,
    format: ImageFormat,
) -> Result<Vec<u8>> {
    let options = RenderOptions {
        engine: args.engine,
        format,
        timeout: Duration::from_secs(args.timeout),
        memory_limit: args.memory_limit.saturating_mul(1 << 20),
        ..RenderOptions::default()
    };
    render::check_size(graph, args.engine, !args.no_edge_labels)?;
    let mut dot_options = dot_options(
        args.engine,
        !args.no_legend,
        !args.no_edge_labels,
        args.cluster == "kind",
        args.wrap,
    );
    dot_options.highlight = args
        .select
        .focus
        .as_deref()
        .and_then(|name| kgraph::query::resolve(graph, name).ok())
        .map(|entity| entity.id.clone());
    let credit = credit(graph).filter(|_| !args.no_credit);
    let label = match (&args.title, credit) {
        (Some(title), Some(credit)) => Some((format!("{title}\n{credit}"), "t", "16")),
        (Some(title), None) => Some((title.clone(), "t", "16")),
        (None, Some(credit)) => Some((credit, "b", "10")),
        (None, None) => None,
    };
    if let Some((text, location, size)) = label {
        dot_options.graph_attributes.extend([
            ("label".to_owned(), text),
            ("labelloc".to_owned(), location.to_owned()),
            ("labeljust".to_owned(), "l".to_owned()),
            ("fontsize".to_owned(), size.to_owned()),
        ]);
    }
    if format == ImageFormat::Png {
        let dpi = args.dpi.unwrap_or(96);
        dot_options
            .graph_attributes
            .push(("dpi".to_owned(), dpi.to_string()));
        if let Some(width) = args.width {
            // Inches; `!` scales the drawing up or down until its width
            // is reached (the height bound is never the tighter one).
            let inches = f64::from(width) / f64::from(dpi);
            dot_options
                .graph_attributes
                .push(("size".to_owned(), format!("{inches:.4},10000!")));
        }
    }
    let mut dot = Vec::new();
    let export = ExportOptions::default().with_dot(dot_options);
    Format::Dot.write_with(graph, &export, &mut dot)?;
    match render::render_dot(&dot, &options) {
        Ok(image) => Ok(image),
        Err(RenderError::Failed { status, stderr }) => bail!(
            "Graphviz failed ({status}: {}); {}",
            first_line(&stderr),
            graphviz_advice(args)
        ),
        Err(error) => Err(error.into()),
    }
}

/// Graphviz's first line of complaint, without the lines of internals
/// that follow it.
fn first_line(stderr: &str) -> &str {
    stderr
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .map_or("no message", |line| line.trim_start_matches("Error: "))
}

pub(super) fn run(args: Args) -> Result {
    let format = image_format(&args)?;
    if format != ImageFormat::Png && (args.width.is_some() || args.dpi.is_some()) {
        bail!("--width and --dpi apply only to PNG images");
    }
    let to_stdout = args.output.as_os_str() == "-";
    if to_stdout && format != ImageFormat::Svg && std::io::stdout().is_terminal() {
        bail!(
            "refusing to write a binary {} image to the terminal: give `-o graph.{}` or redirect the output",
            format.name().to_uppercase(),
            format.name()
        );
    }
    let graph = args.select.load(&args.data.data, Reads::MENTIONS)?;
    let graph = super::printer::keep_until_exit(match args.top {
        Some(n) => top_entities(&graph, n),
        None => graph,
    });
    let image = render_graph(&graph, &args, format)?;
    if to_stdout {
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(&image)?;
        stdout.flush()?;
    } else {
        output::write_file(&args.output, |out| out.write_all(&image))?;
    }
    Ok(())
}
