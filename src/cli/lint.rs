use std::io::Write;

use kgraph::{KnowledgeGraph, coverage, lint, load::display_path};

use super::printer::{Loaded, load, plural, print_report};
use super::{DataArgs, Outcome};

/// Warn about data that is valid but probably not what was meant
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg lint\n  kg lint --deny-warnings        exit 1 if there is any warning (for CI)\n\nWarnings: entities no source mentions, sentences mentioning two or more\nentities that back no relation, evidence that mentions neither endpoint,\nisolated entities, self-loops, duplicate relations, a symmetric relation\nstated both ways, unused kinds and relation types, and a label or alias\nthat contains another entity's name."
)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Fail (exit 1) when there is any warning
    #[arg(long)]
    deny_warnings: bool,
}

/// Lints a loaded dataset, adding the warnings to its report.
pub fn lint_into(graph: &KnowledgeGraph, report: &mut kgraph::Report, data: &std::path::Path) {
    let coverage = coverage::analyze(graph.dataset(), None);
    let warnings = lint::lint(graph, &coverage, &mut report.files, |path| {
        display_path(data, path)
    });
    report.diagnostics.extend(warnings);
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let (dataset, mut report) = match load(&args.data.data)? {
        Loaded::Valid(dataset, report) => (dataset, report),
        Loaded::Invalid(outcome) => return Ok(outcome),
    };
    let graph = KnowledgeGraph::new(dataset);
    // Validation warnings were printed while loading; print only the new.
    let already = report.diagnostics.len();
    lint_into(&graph, &mut report, &args.data.data);
    let new = kgraph::Report {
        files: std::mem::take(&mut report.files),
        diagnostics: report.diagnostics.split_off(already),
    };
    print_report(&new)?;
    let warnings = report.warnings() + new.warnings();
    writeln!(std::io::stdout(), "{}", plural(warnings, "warning"))?;
    Ok(if args.deny_warnings && warnings > 0 {
        Outcome::Failure
    } else {
        Outcome::Success
    })
}
