use std::io::Write;

use super::lint::Linted;
use super::printer::{
    ReportFormat, diagnostic_records, keep_until_exit, load, load_quietly, plural,
};
use super::{DataArgs, Error, Result};

/// Check the curated data and report every problem at once
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg validate\n  kg validate --data corpus\n  kg validate --format json | jq '.diagnostics[] | {code, message}'\n\nEvery problem is reported with file:line:column, the line and a caret, and a\nstable code (docs/diagnostics.md). With --format json, one document on stdout\nholds every diagnostic with its code, spans and notes.\nExit codes: 0 valid, 1 invalid data, 2 unreadable files."
)]
pub(super) struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Run the lint checks for the warning count even on sources larger than 4 MB in all
    #[arg(long)]
    lint: bool,
    /// How to print the result and the diagnostics
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
}

/// `kg validate --format json`: the text summary's counts, and each
/// validation diagnostic with its code and spans.
#[derive(serde::Serialize)]
struct ValidationJson<'a> {
    valid: bool,
    errors: usize,
    /// Validation's warnings and the lint's, as the text summary and
    /// `kg build` count them.
    warnings: usize,
    /// The lint's share of `warnings` (listed by `kg lint --format json`,
    /// as the text mode leaves them to `kg lint` too); `null` if the lint
    /// did not run: invalid data, or sources over the budget without
    /// `--lint`.
    lint_warnings: Option<usize>,
    entities: Option<usize>,
    relations: Option<usize>,
    sources: Option<usize>,
    diagnostics: Vec<kgraph::diagnostic::DiagnosticRecord<'a>>,
}

pub(super) fn run(args: Args) -> Result {
    if args.format == ReportFormat::Json {
        let (dataset, mut report) = load_quietly(&args.data.data)?;
        let graph = dataset.map(kgraph::KnowledgeGraph::new);
        let validation_diagnostics = report.diagnostics.len();
        let validation_warnings = report.warnings();
        let lint_warnings = graph.as_ref().and_then(|graph| {
            match super::lint::count_warnings(graph, &mut report, &args.data.data, args.lint) {
                Linted::Yes => Some(report.warnings() - validation_warnings),
                Linted::Skipped(_) => None,
            }
        });
        let warnings = report.warnings();
        // The lint's warnings are counted, not listed, as in the text mode.
        report.diagnostics.truncate(validation_diagnostics);
        let dataset = graph.as_ref().map(|graph| graph.dataset());
        let document = ValidationJson {
            valid: dataset.is_some(),
            errors: report.errors(),
            warnings,
            lint_warnings,
            entities: dataset.map(|d| d.entities.len()),
            relations: dataset.map(|d| d.relations.len()),
            sources: dataset.map(|d| d.sources.len()),
            diagnostics: diagnostic_records(&report),
        };
        super::view::write_json(&mut std::io::stdout().lock(), &document)?;
        return match dataset {
            Some(_) => Ok(()),
            None => Err(Error::from_report(&report)),
        };
    }
    let (dataset, mut report) = load(&args.data.data)?;
    let counts = format!(
        "{}, {}, {}",
        plural(dataset.entities.len(), "entity"),
        plural(dataset.relations.len(), "relation"),
        plural(dataset.sources.len(), "source"),
    );
    // The warnings `kg build` counts: validation's and the lint's. The
    // graph is built only for the lint.
    let linted = match super::lint::lint_skipped(&dataset, args.lint) {
        Some(skipped) => {
            keep_until_exit(dataset);
            skipped
        }
        None => {
            let graph = keep_until_exit(kgraph::KnowledgeGraph::new(dataset));
            super::lint::count_warnings(&graph, &mut report, &args.data.data, args.lint)
        }
    };
    let summary = match super::lint::warning_summary(report.warnings(), &linted) {
        none if none.is_empty() => " (0 warnings)".to_owned(),
        summary => summary,
    };
    writeln!(std::io::stdout(), "valid: {counts}{summary}")?;
    Ok(())
}
