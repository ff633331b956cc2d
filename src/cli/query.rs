use std::io::{BufWriter, Write};

use clap::Subcommand;
use kgraph::query::{self, ALL_PATHS_MAX_LEN, Direction, Focus, Neighborhood, PathQuery, Paths};
use kgraph::{Format, KnowledgeGraph};
use serde::Serialize;

use super::printer::{Reads, keep_until_exit, load_graph, plural, query_failed};
use super::selection::{FilterArgs, parse_direction};
use super::view::{self, EntityJson, RelationJson, arrow, entity_line, standing};
use super::{DataArgs, Outcome};

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
    after_help = "Examples:\n  kg query neighbors Moscow\n  kg query neighbors nato --depth 2 --direction in\n  kg query neighbors ukraine --modality actual,historical --type seeks_membership\n  kg query neighbors russia --json | jq -r '.neighbors[].id'\n\nEach neighbour is listed with the relations that reach it from one step closer."
)]
pub(super) struct NeighborsArgs {
    #[command(flatten)]
    data: DataArgs,
    /// An entity id, label or alias (any case)
    entity: String,
    /// How many relations away to look
    #[arg(long, value_name = "N", default_value_t = 1)]
    depth: usize,
    /// Follow relations out of each entity, into it, or both
    #[arg(long, value_name = "DIRECTION", default_value = "both", value_parser = parse_direction)]
    direction: Direction,
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
    data: DataArgs,
    /// Where the path starts: an id, label or alias
    from: String,
    /// Where the path ends: an id, label or alias
    to: String,
    #[command(flatten)]
    options: PathOptions,
    /// Print JSON for scripts
    #[arg(long)]
    json: bool,
}

/// How paths are searched, for `kg query path` and `kg explain`.
#[derive(Debug, Clone, clap::Args)]
pub(super) struct PathOptions {
    /// The longest path to show, in relations [default: no limit, or 4 with --all]
    #[arg(long, value_name = "N")]
    max_len: Option<usize>,
    /// Show every simple path up to --max-len, shortest first
    #[arg(long)]
    all: bool,
    /// Follow relations only from subject to object (symmetric types either way)
    #[arg(long)]
    directed: bool,
}

impl PathOptions {
    pub(super) fn query(&self) -> PathQuery {
        PathQuery {
            directed: self.directed,
            all: self.all,
            max_len: self.max_len,
        }
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
    /// How many relations away to include
    #[arg(long, value_name = "N", default_value_t = 1)]
    depth: usize,
    /// Follow relations out of each entity, into it, or both
    #[arg(long, value_name = "DIRECTION", default_value = "both", value_parser = parse_direction)]
    direction: Direction,
    #[command(flatten)]
    filters: FilterArgs,
    /// Output format
    #[arg(long, short, value_name = "FORMAT", value_parser = super::export::parse_format)]
    format: Format,
}

pub(super) fn run(args: Args) -> anyhow::Result<Outcome> {
    match args.command {
        QueryCommand::Neighbors(args) => run_neighbors(args),
        QueryCommand::Path(args) => run_path(args),
        QueryCommand::Subgraph(args) => run_subgraph(args),
    }
}

fn run_neighbors(args: NeighborsArgs) -> anyhow::Result<Outcome> {
    let graph = match load_graph(&args.data.data, Reads::GRAPH)? {
        Ok(graph) => keep_until_exit(graph),
        Err(outcome) => return Ok(outcome),
    };
    let focus = Focus {
        entity: args.entity.clone(),
        depth: args.depth,
        direction: args.direction,
    };
    let selection = args.filters.selection(None);
    let answer = selection
        .check(&graph)
        .and_then(|()| query::neighbors(&graph, &focus, &selection));
    let neighborhood = match answer {
        Ok(neighborhood) => neighborhood,
        Err(error) => return query_failed(&error),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        view::write_json(&mut out, &NeighborhoodJson::new(&graph, &neighborhood))?;
    } else {
        write_neighborhood(&mut out, &graph, &neighborhood)?;
    }
    out.flush()?;
    Ok(Outcome::Success)
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

#[derive(Serialize)]
struct NeighborhoodJson<'a> {
    entity: EntityJson<'a>,
    depth: usize,
    direction: &'static str,
    neighbors: Vec<NeighborJson<'a>>,
}

#[derive(Serialize)]
struct NeighborJson<'a> {
    #[serde(flatten)]
    entity: EntityJson<'a>,
    distance: usize,
    relations: Vec<RelationJson<'a>>,
}

impl<'a> NeighborhoodJson<'a> {
    fn new(graph: &KnowledgeGraph, neighborhood: &Neighborhood<'a>) -> NeighborhoodJson<'a> {
        NeighborhoodJson {
            entity: EntityJson::new(neighborhood.center),
            depth: neighborhood.depth,
            direction: neighborhood.direction.name(),
            neighbors: neighborhood
                .neighbors
                .iter()
                .map(|neighbor| NeighborJson {
                    entity: EntityJson::new(neighbor.entity),
                    distance: neighbor.distance,
                    relations: neighbor
                        .via
                        .iter()
                        .map(|r| RelationJson::new(graph, r))
                        .collect(),
                })
                .collect(),
        }
    }
}

fn run_path(args: PathArgs) -> anyhow::Result<Outcome> {
    answer_paths(
        &args.data,
        &args.from,
        &args.to,
        &args.options,
        args.json,
        false,
        |out, graph, path| {
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
        },
    )
}

/// What `kg query path` and `kg explain` share: load, find the paths, print
/// them as JSON (with every quote when `with_evidence`) or as text, each
/// path written by `write_path` under a numbered heading when there are
/// several.
pub(super) fn answer_paths(
    data: &DataArgs,
    from: &str,
    to: &str,
    options: &PathOptions,
    json: bool,
    with_evidence: bool,
    write_path: impl Fn(&mut dyn Write, &KnowledgeGraph, &kgraph::query::Path) -> std::io::Result<()>,
) -> anyhow::Result<Outcome> {
    let graph = match load_graph(&data.data, Reads::GRAPH)? {
        Ok(graph) => keep_until_exit(graph),
        Err(outcome) => return Ok(outcome),
    };
    let query = options.query();
    let found = match query::paths(&graph, from, to, &query) {
        Ok(found) => found,
        Err(error) => return query_failed(&error),
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    if json {
        view::write_json(
            &mut out,
            &PathsJson::new(&graph, &found, &query, with_evidence),
        )?;
    } else {
        write_paths_header(&mut out, &found, &query)?;
        for (number, path) in found.paths.iter().enumerate() {
            if found.paths.len() > 1 {
                // Explained paths are paragraphs; listed ones are compact.
                let gap = if with_evidence { "\n" } else { "" };
                writeln!(
                    out,
                    "{gap}path {}: {}",
                    number + 1,
                    plural(path.len(), "relation")
                )?;
            }
            write_path(&mut out, &graph, path)?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// `Kingdom (kingdom, state) to Republic (republic, state): 2 relations`,
/// or how many paths, or that there is none.
pub(super) fn write_paths_header(
    out: &mut dyn Write,
    found: &Paths,
    query: &PathQuery,
) -> std::io::Result<()> {
    let ends = format!("{} to {}", entity_line(found.from), entity_line(found.to));
    let limit = match (query.all, query.max_len) {
        (_, Some(max)) => format!(" within {}", plural(max, "relation")),
        (true, None) => format!(" within {}", plural(ALL_PATHS_MAX_LEN, "relation")),
        (false, None) => String::new(),
    };
    let way = if query.directed {
        ", following relations forward"
    } else {
        ""
    };
    match found.paths.as_slice() {
        [] => writeln!(out, "{ends}: no path{limit}{way}"),
        [path] if !query.all => writeln!(out, "{ends}: {}{way}", plural(path.len(), "relation")),
        paths => writeln!(out, "{ends}: {}{limit}{way}", plural(paths.len(), "path")),
    }
}

/// Paths as scripts see them; `detailed` adds notes, dates and evidence.
#[derive(Serialize)]
pub(super) struct PathsJson<'a> {
    from: EntityJson<'a>,
    to: EntityJson<'a>,
    directed: bool,
    all: bool,
    max_len: Option<usize>,
    paths: Vec<PathJson<'a>>,
}

#[derive(Serialize)]
struct PathJson<'a> {
    length: usize,
    entities: Vec<&'a str>,
    hops: Vec<HopJson<'a>>,
}

#[derive(Serialize)]
struct HopJson<'a> {
    from: &'a str,
    to: &'a str,
    relations: Vec<RelationJson<'a>>,
}

impl<'a> PathsJson<'a> {
    pub(super) fn new(
        graph: &KnowledgeGraph,
        found: &Paths<'a>,
        query: &PathQuery,
        detailed: bool,
    ) -> PathsJson<'a> {
        PathsJson {
            from: EntityJson::new(found.from),
            to: EntityJson::new(found.to),
            directed: query.directed,
            all: query.all,
            max_len: query.max_len.or(query.all.then_some(ALL_PATHS_MAX_LEN)),
            paths: found
                .paths
                .iter()
                .map(|path| PathJson {
                    length: path.len(),
                    entities: path.entities.iter().map(|e| e.id.as_str()).collect(),
                    hops: path
                        .hops
                        .iter()
                        .map(|hop| HopJson {
                            from: &hop.from.id,
                            to: &hop.to.id,
                            relations: hop
                                .relations
                                .iter()
                                .map(|step| RelationJson::step(graph, step, detailed))
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

fn run_subgraph(args: SubgraphArgs) -> anyhow::Result<Outcome> {
    let graph = match load_graph(&args.data.data, Reads::for_format(args.format))? {
        Ok(graph) => graph,
        Err(outcome) => return Ok(outcome),
    };
    let selection = args.filters.selection(Some(Focus {
        entity: args.entity,
        depth: args.depth,
        direction: args.direction,
    }));
    let subgraph = match selection.apply(&graph) {
        Ok(subgraph) => subgraph,
        Err(error) => return query_failed(&error),
    };
    let mut bytes = Vec::new();
    args.format.write(&subgraph, &mut bytes)?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&bytes)?;
    stdout.flush()?;
    Ok(Outcome::Success)
}
