use std::io::Write;

use kgraph::{KnowledgeGraph, coverage, display_path, lint};

use super::printer::{ReportFormat, diagnostic_records, load, load_quietly, plural, print_report};
use super::{DataArgs, Error, Result};

/// Warn about data that is valid but probably not what was meant
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg lint\n  kg lint --deny-warnings        exit 1 if there is any warning (for CI)\n  kg lint --format json          every warning with its code and spans\n\nA warning looked at can be allowed, with a reason, by `[[allow]]` in\nreviewed.toml (docs/diagnostics.md).\n\nWarnings: entities no source mentions, sentences mentioning two or more\nentities that back no relation, evidence that mentions neither endpoint,\nisolated entities, self-loops, duplicate relations, a symmetric relation\nstated both ways, unused kinds and relation types, and a label or alias\nthat contains another entity's name."
)]
pub(super) struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Fail (exit 1) when there is any warning
    #[arg(long)]
    deny_warnings: bool,
    /// How to print the warnings
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

#[derive(serde::Serialize)]
struct LintJson<'a> {
    warnings: usize,
    allowed: usize,
    diagnostics: Vec<kgraph::diagnostic::DiagnosticRecord<'a>>,
}

/// Lints a loaded dataset, adding the warnings to its report; returns how
/// many warnings `[[allow]]` entries allowed.
pub(super) fn lint_into(
    graph: &KnowledgeGraph,
    report: &mut kgraph::Report,
    data: &std::path::Path,
) -> usize {
    let coverage = coverage::analyze(graph.dataset(), None);
    let linted = lint::lint(graph, &coverage, &mut report.files, |path| {
        display_path(data, path)
    });
    report.diagnostics.extend(linted.warnings);
    linted.allowed
}

pub(super) fn run(args: Args) -> Result {
    if args.format == ReportFormat::Json {
        let (dataset, mut report) = load_quietly(&args.data.data)?;
        let valid = dataset.is_some();
        let allowed = match dataset {
            Some(dataset) => lint_into(&KnowledgeGraph::new(dataset), &mut report, &args.data.data),
            None => 0,
        };
        let document = LintJson {
            warnings: report.warnings(),
            allowed,
            diagnostics: diagnostic_records(&report),
        };
        super::view::write_json(&mut std::io::stdout().lock(), &document)?;
        return if !valid {
            Err(Error::from_report(&report))
        } else if args.deny_warnings && report.warnings() > 0 {
            Err(Error::Failed)
        } else {
            Ok(())
        };
    }
    let (dataset, mut report) = load(&args.data.data)?;
    let graph = KnowledgeGraph::new(dataset);
    // Validation warnings were printed while loading; print only the new.
    let already = report.diagnostics.len();
    let allowed = lint_into(&graph, &mut report, &args.data.data);
    let new = kgraph::Report {
        files: std::mem::take(&mut report.files),
        diagnostics: report.diagnostics.split_off(already),
    };
    print_report(&new)?;
    let warnings = report.warnings() + new.warnings();
    if allowed > 0 {
        writeln!(
            std::io::stdout(),
            "{} ({allowed} allowed in reviewed.toml)",
            plural(warnings, "warning")
        )?;
    } else {
        writeln!(std::io::stdout(), "{}", plural(warnings, "warning"))?;
    }
    if args.deny_warnings && warnings > 0 {
        return Err(Error::Failed);
    }
    Ok(())
}
