use std::io::Write;

use super::printer::{ReportFormat, diagnostic_records, load, load_quietly, plural};
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

#[derive(serde::Serialize)]
struct ValidationJson<'a> {
    valid: bool,
    errors: usize,
    warnings: usize,
    entities: Option<usize>,
    relations: Option<usize>,
    sources: Option<usize>,
    diagnostics: Vec<kgraph::diagnostic::DiagnosticRecord<'a>>,
}

pub(super) fn run(args: Args) -> Result {
    if args.format == ReportFormat::Json {
        let (dataset, report) = load_quietly(&args.data.data)?;
        let document = ValidationJson {
            valid: dataset.is_some(),
            errors: report.errors(),
            warnings: report.warnings(),
            entities: dataset.as_ref().map(|d| d.entities.len()),
            relations: dataset.as_ref().map(|d| d.relations.len()),
            sources: dataset.as_ref().map(|d| d.sources.len()),
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
    // The warnings `kg build` counts: validation's and the lint's.
    let graph = kgraph::KnowledgeGraph::new(dataset);
    let linted = super::lint::count_warnings(&graph, &mut report, &args.data.data, args.lint);
    let summary = match super::lint::warning_summary(report.warnings(), &linted) {
        none if none.is_empty() => " (0 warnings)".to_owned(),
        summary => summary,
    };
    writeln!(std::io::stdout(), "valid: {counts}{summary}")?;
    Ok(())
}
