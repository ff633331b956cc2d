use std::io::Write;

use kgraph::KnowledgeGraph;
use kgraph::query::{Path, Step};

use super::Result;
use super::query::PathQuestion;
use super::view::{arrow, clean, excerpt, location, standing};

/// How two entities are connected, hop by hop, with the evidence for each
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg explain ukraine nato\n      Ukraine —seeks_membership→ NATO (actual): “…neighbors that have been eyeing NATO membership…” (kortunov-2022, line 28)\n  kg explain Kyiv Moscow --all --max-len 3\n  kg explain ukraine nato --json        the path with notes, dates and every quote\n\nEach hop is a relation with its modality, then every quote for it with its source\nand line. Relations walked against their direction are drawn ←type—."
)]
pub(super) struct Args {
    #[command(flatten)]
    question: PathQuestion,
}

pub(super) fn run(args: Args) -> Result {
    args.question.answer(true, write_path)
}

/// One line per hop (`also:` for more relations making the same hop, the
/// actual ones first), and under each relation a line for each further
/// quote and for its note.
fn write_path(out: &mut dyn Write, graph: &KnowledgeGraph, path: &Path) -> std::io::Result<()> {
    for (hop_number, hop) in path.hops.iter().enumerate() {
        for (index, step) in hop.relations.iter().enumerate() {
            let lead = if index == 0 {
                format!("{}.", hop_number + 1)
            } else {
                "   also:".to_owned()
            };
            writeln!(out, "{lead} {}", statement(graph, step))?;
            let indent = " ".repeat(lead.chars().count() + 1);
            let relation = step.relation;
            for evidence in relation.evidence.iter().skip(1) {
                writeln!(
                    out,
                    "{indent}{} {}",
                    excerpt(graph, evidence),
                    location(evidence)
                )?;
            }
            if let Some(note) = &relation.note {
                writeln!(out, "{indent}note: {}", clean(note))?;
            }
        }
    }
    Ok(())
}

/// `Ukraine —seeks_membership→ NATO (actual): “…” (kortunov-2022, line 12)`.
fn statement(graph: &KnowledgeGraph, step: &Step) -> String {
    let relation = step.relation;
    let date = relation
        .date
        .as_deref()
        .map(|date| format!(", {}", clean(date)))
        .unwrap_or_default();
    let mut line = format!(
        "{} ({}{date})",
        arrow(graph, relation, step.forward),
        standing(graph, relation)
    );
    if let Some(evidence) = relation.evidence.first() {
        line.push_str(&format!(
            ": {} {}",
            excerpt(graph, evidence),
            location(evidence)
        ));
    }
    line
}
