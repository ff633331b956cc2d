use std::io::{BufWriter, Write};

use clap::Subcommand;
use kgraph::query::{self, Direction, Neighborhood, NeighborhoodJson, Path, PathQuery, Selection};
use kgraph::{Format, KnowledgeGraph};

use kgraph::snapshot::Part;

use super::printer::{Reads, keep_until_exit, load_part, plural};
use super::selection::{FilterArgs, WalkArgs};
use super::view::{self, arrow, entity_line, standing};
use super::{DataArgs, Result};

/// Ask the graph: the neighbours of an entity, paths between two, an ego graph
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg query neighbors Moscow               entities one relation away, either way\n  kg query path ukraine nato              a shortest path, relations read either way\n  kg query subgraph nato --depth 2 --format dot | dot -Tsvg > nato.svg\n\nEntities are named by id, label or alias, in any case.\nExit codes: 0 answered (also when there is no path), 1 unknown name or invalid data, 2 usage or I/O error."
)]
pub(super) struct Args {
    #[command(subcommand)]
    command: QueryCommand,
}

#[derive(Debug, Subcommand)]
enum QueryCommand {
    Neighbors(NeighborsArgs),
    Path(PathArgs),
    Subgraph(SubgraphArgs),
}

/// The entities around one entity, with the relations that connect them
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg query neighbors Moscow\n  kg query neighbors nato --depth 2 --direction in\n  kg query neighbors ukraine --modality actual,historical --type seeks_membership_of\n  kg query neighbors russia --json | jq -r '.neighbors[].id'\n\nEach neighbour is listed with the relations that reach it from one step closer."
)]
pub(super) struct NeighborsArgs {
    #[command(flatten)]
    data: DataArgs,
    /// An entity id, label or alias (any case)
    entity: String,
    #[command(flatten)]
    walk: WalkArgs,
    #[command(flatten)]
    filters: FilterArgs,
    /// Print JSON for scripts
    #[arg(long)]
    json: bool,
}

/// How two entities are connected: a shortest path, or all simple paths
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg query path ukraine nato\n  kg query path ukraine nato --directed\n  kg query path Kyiv Moscow --all --max-len 3 --json\n\nOf several shortest paths, the one with the smallest ids step by step is shown.\n`kg explain` shows the same path with its evidence."
)]
pub(super) struct PathArgs {
    #[command(flatten)]
    question: PathQuestion,
}

// What `kg query path` and `kg explain` ask: two entities and how to
// search the paths between them. (A `//` comment: a doc comment here
// would become the help's about text of both commands.)
#[derive(Debug, clap::Args)]
pub(super) struct PathQuestion {
    #[command(flatten)]
    data: DataArgs,
    /// Where the path starts: an id, label or alias
    from: String,
    /// Where the path ends: an id, label or alias
    to: String,
    /// The longest path to show, in relations [default: no limit, or 4 with --all]
    #[arg(long, value_name = "N")]
    max_len: Option<usize>,
    /// Show every simple path up to --max-len, shortest first
    #[arg(long)]
    all: bool,
    /// Follow relations only from subject to object (symmetric types either way)
    #[arg(long)]
    directed: bool,
    /// Print JSON for scripts
    #[arg(long)]
    json: bool,
}

impl PathQuestion {
    /// Loads the data, finds the paths and prints them
    /// ([`view::print_paths`]), each path's hops written by `write_path`;
    /// with every quote in the JSON when `with_evidence`.
    pub(super) fn answer(
        &self,
        with_evidence: bool,
        write_path: impl Fn(&mut dyn Write, &KnowledgeGraph, &Path) -> std::io::Result<()>,
    ) -> Result {
        let query = PathQuery {
            directed: self.directed,
            all: self.all,
            max_len: self.max_len,
        };
        // Explained paths show whether each quote starts or ends
        // mid-sentence: the texts around the quotes come along.
        let reads = if with_evidence {
            Reads::QUOTES
        } else {
            Reads::GRAPH
        };
        let part = Part::Between {
            from: &self.from,
            to: &self.to,
            query: &query,
        };
        let graph = keep_until_exit(load_part(&self.data.data, reads, part)?);
        let found = query::paths(&graph, &self.from, &self.to, &query)?;
        let write = |out: &mut dyn Write, path: &Path| write_path(out, &graph, path);
        view::print_paths(&graph, &found, &query, self.json, with_evidence, write)?;
        Ok(())
    }
}

/// An entity's ego graph, in any export format
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg query subgraph nato --depth 2 --format dot | dot -Tsvg > nato.svg\n  kg query subgraph Moscow --format json --modality actual > moscow.json\n\nThe ego graph holds every selected relation among the entities reached."
)]
pub(super) struct SubgraphArgs {
    #[command(flatten)]
    data: DataArgs,
    /// The entity at the centre: an id, label or alias
    entity: String,
    #[command(flatten)]
    walk: WalkArgs,
    #[command(flatten)]
    filters: FilterArgs,
    /// Output format
    #[arg(long, short, value_name = "FORMAT", value_parser = super::names::named(&Format::ALL, Format::name))]
    format: Format,
}

pub(super) fn run(args: Args) -> Result {
    match args.command {
        QueryCommand::Neighbors(args) => run_neighbors(args),
        QueryCommand::Path(args) => run_path(args),
        QueryCommand::Subgraph(args) => run_subgraph(args),
    }
}

fn run_neighbors(args: NeighborsArgs) -> Result {
    let focus = args.walk.from(args.entity);
    let selection = args.filters.selection(None);
    let walk = Selection {
        focus: Some(focus.clone()),
        ..selection.clone()
    };
    let graph = keep_until_exit(load_part(
        &args.data.data,
        Reads::GRAPH,
        Part::Around(&walk),
    )?);
    // Resolved once: `--attributed-to` names an entity by id, label or
    // alias, and the walk compares ids.
    let selection = selection.resolved(&graph)?;
    let neighborhood = query::neighbors(&graph, &focus, &selection)?;
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        view::write_json(&mut out, &NeighborhoodJson::new(&graph, &neighborhood))?;
    } else {
        write_neighborhood(&mut out, &graph, &neighborhood)?;
    }
    out.flush()?;
    Ok(())
}

fn write_neighborhood(
    out: &mut dyn Write,
    graph: &KnowledgeGraph,
    neighborhood: &Neighborhood,
) -> std::io::Result<()> {
    let count = neighborhood.neighbors.len();
    let way = match neighborhood.direction {
        Direction::Both => "",
        Direction::Out => ", following relations out",
        Direction::In => ", following relations in",
    };
    writeln!(
        out,
        "{}: {} within {}{way}",
        entity_line(neighborhood.center),
        if count == 0 {
            "no entities".to_owned()
        } else {
            plural(count, "entity")
        },
        plural(neighborhood.depth, "relation"),
    )?;
    let mut distance = 0;
    for neighbor in &neighborhood.neighbors {
        if neighbor.distance != distance {
            distance = neighbor.distance;
            writeln!(out, "distance {distance}")?;
        }
        writeln!(out, "  {}", entity_line(neighbor.entity))?;
        for relation in &neighbor.via {
            writeln!(
                out,
                "    {} ({})",
                arrow(graph, relation, true),
                standing(graph, relation)
            )?;
        }
    }
    Ok(())
}

fn run_path(args: PathArgs) -> Result {
    args.question.answer(false, |out, graph, path| {
        for (hop_number, hop) in path.hops.iter().enumerate() {
            for (index, step) in hop.relations.iter().enumerate() {
                let number = if index == 0 {
                    format!("{}.", hop_number + 1)
                } else {
                    "  ".to_owned()
                };
                writeln!(
                    out,
                    "  {number} {} ({})",
                    arrow(graph, step.relation, step.forward),
                    standing(graph, step.relation)
                )?;
            }
        }
        Ok(())
    })
}

fn run_subgraph(args: SubgraphArgs) -> Result {
    let selection = args.filters.selection(Some(args.walk.from(args.entity)));
    let graph = load_part(
        &args.data.data,
        Reads::for_format(args.format),
        Part::Around(&selection),
    )?;
    let subgraph = selection.apply(&graph)?;
    let mut bytes = Vec::new();
    args.format.write(&subgraph, &mut bytes)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&bytes)?;
    stdout.flush()?;
    Ok(())
}
