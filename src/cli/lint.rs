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

/// Up to this much source text, `kg build` and `kg validate` run the lint
/// checks to count their warnings in the summary (a coverage analysis of
/// every text: about a second per 10 MB); beyond it only with `--lint`.
const LINT_BUDGET_BYTES: usize = 4 << 20;

/// Whether the summary's warning count includes the lint warnings.
pub(super) enum Linted {
    Yes,
    /// Not run on this many bytes of source text.
    Skipped(usize),
}

/// Adds the lint warnings to `report` for the summary of `kg build` and
/// `kg validate` (one count in both), unless the sources are over the
/// budget and `force` is not given.
pub(super) fn count_warnings(
    graph: &KnowledgeGraph,
    report: &mut kgraph::Report,
    data: &std::path::Path,
    force: bool,
) -> Linted {
    if let Some(skipped) = lint_skipped(graph.dataset(), force) {
        return skipped;
    }
    let _phase = super::progress::Phase::start("lint");
    lint_into(graph, report, data);
    Linted::Yes
}

/// `Some(Linted::Skipped)` when the lint would not run for the warning
/// count: known before a graph is built for it.
pub(super) fn lint_skipped(dataset: &kgraph::Dataset, force: bool) -> Option<Linted> {
    let text_bytes: usize = dataset.sources.iter().map(|s| s.text.len()).sum();
    // The lint warnings only make a count in the summary: not worth a
    // coverage analysis of a large corpus unless asked for.
    (!force && text_bytes > LINT_BUDGET_BYTES).then_some(Linted::Skipped(text_bytes))
}

/// ` (14 warnings: run `kg lint`)`, or nothing without warnings.
pub(super) fn warning_summary(warnings: usize, linted: &Linted) -> String {
    match (warnings, linted) {
        (0, Linted::Yes) => String::new(),
        (n, Linted::Yes) => format!(" ({}: run `kg lint`)", plural(n, "warning")),
        (n, Linted::Skipped(bytes)) => format!(
            " ({} from validation; lint not run on {} MB of source text: run `kg lint`)",
            plural(n, "warning"),
            bytes.div_ceil(1_000_000)
        ),
    }
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
    let graph = super::printer::keep_until_exit(KnowledgeGraph::new(dataset));
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
