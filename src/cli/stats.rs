use std::io::{BufWriter, Write};

use kgraph::query::{self, Count, Ranked, Stats};
use serde::Serialize;

use super::printer::{Reads, keep_until_exit, load_graph, plural};
use super::view::{self, clean, width};
use super::{DataArgs, Result};

/// What the graph holds: counts, central entities, components, density
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg stats\n  kg stats --top 5 --json | jq '.top.page_rank'\n  kg stats --markdown             the tables the README embeds\n\nPageRank follows relations from subject to object (damping 0.85); betweenness\nand components read relations either way; parallel relations count once.\nScores are rounded to 4 decimals; ties are listed by id."
)]
pub(super) struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// How many entities to list for each ranking
    #[arg(long, value_name = "N", default_value_t = 10)]
    top: usize,
    /// Print JSON for scripts
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// Print Markdown tables of counts by kind, relation type and modality
    #[arg(long)]
    markdown: bool,
}

pub(super) fn run(args: Args) -> Result {
    let graph = keep_until_exit(load_graph(&args.data.data, Reads::GRAPH)?);
    let stats = query::stats(&graph);
    let mut out = BufWriter::new(std::io::stdout().lock());
    if args.json {
        view::write_json(&mut out, &StatsJson::new(&stats, args.top))?;
    } else if args.markdown {
        write_markdown(&mut out, &stats)?;
    } else {
        write_text(&mut out, &stats, args.top)?;
    }
    out.flush()?;
    Ok(())
}

fn write_text(out: &mut dyn Write, stats: &Stats, top: usize) -> std::io::Result<()> {
    let n = stats.entity_count;
    writeln!(
        out,
        "{}, {}, {}, {}",
        plural(n, "entity"),
        plural(stats.relation_count, "relation"),
        plural(stats.source_count, "source"),
        plural(stats.quote_count, "quote"),
    )?;
    writeln!(
        out,
        "density {} ({} of {} ordered pairs linked), {}",
        stats.density,
        stats.linked_pairs,
        n * n.saturating_sub(1),
        plural(stats.components.len(), "connected component"),
    )?;
    for (title, counts) in [
        ("entities by kind", &stats.by_kind),
        ("relations by type", &stats.by_relation_type),
        ("relations by modality", &stats.by_modality),
    ] {
        writeln!(out, "\n{title}")?;
        let w = width(counts.iter().map(|c| c.count));
        for count in counts {
            writeln!(out, "  {:>w$}  {}", count.count, clean(&count.name))?;
        }
    }
    writeln!(out, "\nrelations by source")?;
    let w = width(stats.by_source.iter().map(|s| s.relations));
    for source in &stats.by_source {
        writeln!(
            out,
            "  {:>w$}  {} ({})",
            source.relations,
            source.source.id,
            plural(source.quotes, "quote")
        )?;
    }
    let degree: Vec<(&kgraph::Entity, String)> = stats
        .degree
        .iter()
        .map(|r| (r.entity, r.value.to_string()))
        .collect();
    fn scores<'a>(list: &[Ranked<'a, f64>]) -> Vec<(&'a kgraph::Entity, String)> {
        list.iter()
            .map(|r| (r.entity, format!("{:.4}", r.value)))
            .collect()
    }
    let betweenness_title = match stats.betweenness_pivots {
        None => "by betweenness".to_owned(),
        Some(k) => format!(
            "by betweenness (approximate, k = {k} pivots, seed {:#x})",
            kgraph::query::BETWEENNESS_SEED
        ),
    };
    for (title, ranking) in [
        ("by degree", degree),
        ("by PageRank", scores(&stats.page_rank)),
        (betweenness_title.as_str(), scores(&stats.betweenness)),
    ] {
        writeln!(out, "\ntop entities {title}")?;
        let shown = &ranking[..ranking.len().min(top)];
        let w = shown.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
        for (entity, value) in shown {
            writeln!(
                out,
                "  {value:>w$}  {} ({})",
                clean(&entity.label),
                entity.id
            )?;
        }
    }
    writeln!(out, "\nconnected components")?;
    let w = width(stats.components.iter().map(Vec::len));
    for component in stats.components.iter().take(top) {
        const SHOWN: usize = 8;
        let mut ids = component[..component.len().min(SHOWN)].join(", ");
        if component.len() > SHOWN {
            ids.push_str(&format!(", … ({} more)", component.len() - SHOWN));
        }
        writeln!(out, "  {:>w$}  {ids}", component.len())?;
    }
    if stats.components.len() > top {
        writeln!(
            out,
            "  … ({} more)",
            plural(stats.components.len() - top, "component")
        )?;
    }
    Ok(())
}

/// The README's tables: totals, then counts by kind, type and modality.
fn write_markdown(out: &mut dyn Write, stats: &Stats) -> std::io::Result<()> {
    writeln!(out, "| What | Count |\n|---|---:|")?;
    for (name, count) in [
        ("entities", stats.entity_count),
        ("relations", stats.relation_count),
        ("sources", stats.source_count),
        ("quotes", stats.quote_count),
    ] {
        writeln!(out, "| {name} | {count} |")?;
    }
    for (heading, noun, counts) in [
        ("Kind", "Entities", &stats.by_kind),
        ("Relation type", "Relations", &stats.by_relation_type),
        ("Modality", "Relations", &stats.by_modality),
    ] {
        writeln!(out, "\n| {heading} | {noun} |\n|---|---:|")?;
        for count in counts {
            writeln!(
                out,
                "| `{}` | {} |",
                markdown_cell(&count.name),
                count.count
            )?;
        }
    }
    Ok(())
}

/// A name made safe inside a table cell's code span.
fn markdown_cell(name: &str) -> String {
    clean(name).replace('|', "\\|").replace('`', "'")
}

#[derive(Serialize)]
struct StatsJson<'a> {
    entities: usize,
    relations: usize,
    sources: usize,
    quotes: usize,
    linked_pairs: usize,
    density: f64,
    by_kind: Vec<CountJson<'a>>,
    by_relation_type: Vec<CountJson<'a>>,
    by_modality: Vec<CountJson<'a>>,
    by_source: Vec<SourceJson<'a>>,
    top: TopJson<'a>,
    components: &'a [Vec<&'a str>],
}

#[derive(Serialize)]
struct CountJson<'a> {
    name: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    id: &'a str,
    relations: usize,
    quotes: usize,
}

#[derive(Serialize)]
struct TopJson<'a> {
    degree: Vec<ScoreJson<'a, usize>>,
    page_rank: Vec<ScoreJson<'a, f64>>,
    betweenness: Vec<ScoreJson<'a, f64>>,
    /// `null` when exact, else the number of pivots it was estimated from.
    betweenness_pivots: Option<usize>,
}

#[derive(Serialize)]
struct ScoreJson<'a, T> {
    id: &'a str,
    label: &'a str,
    value: T,
}

impl<'a> StatsJson<'a> {
    fn new(stats: &'a Stats<'a>, top: usize) -> StatsJson<'a> {
        let counts = |list: &'a [Count]| -> Vec<CountJson<'a>> {
            list.iter()
                .map(|c| CountJson {
                    name: &c.name,
                    count: c.count,
                })
                .collect()
        };
        fn ranking<'a, T: Copy>(list: &[Ranked<'a, T>], top: usize) -> Vec<ScoreJson<'a, T>> {
            list.iter()
                .take(top)
                .map(|r| ScoreJson {
                    id: &r.entity.id,
                    label: &r.entity.label,
                    value: r.value,
                })
                .collect()
        }
        StatsJson {
            entities: stats.entity_count,
            relations: stats.relation_count,
            sources: stats.source_count,
            quotes: stats.quote_count,
            linked_pairs: stats.linked_pairs,
            density: stats.density,
            by_kind: counts(&stats.by_kind),
            by_relation_type: counts(&stats.by_relation_type),
            by_modality: counts(&stats.by_modality),
            by_source: stats
                .by_source
                .iter()
                .map(|s| SourceJson {
                    id: &s.source.id,
                    relations: s.relations,
                    quotes: s.quotes,
                })
                .collect(),
            top: TopJson {
                degree: ranking(&stats.degree, top),
                page_rank: ranking(&stats.page_rank, top),
                betweenness: ranking(&stats.betweenness, top),
                betweenness_pivots: stats.betweenness_pivots,
            },
            components: &stats.components,
        }
    }
}
