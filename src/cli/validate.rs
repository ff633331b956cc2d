use std::io::Write;

use super::printer::{Loaded, load, plural};
use super::{DataArgs, Outcome};

/// Check the curated data and report every problem at once
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg validate\n  kg validate --data tests/fixtures/valid/hostile\n\nEvery problem is reported with file:line:column, the line and a caret.\nExit codes: 0 valid, 1 invalid data, 2 unreadable files."
)]
pub struct Args {
    #[command(flatten)]
    data: DataArgs,
}

pub fn run(args: Args) -> anyhow::Result<Outcome> {
    let (dataset, report) = match load(&args.data.data)? {
        Loaded::Valid(dataset, report) => (dataset, report),
        Loaded::Invalid(outcome) => return Ok(outcome),
    };
    writeln!(
        std::io::stdout(),
        "valid: {}, {}, {} ({})",
        plural(dataset.entities.len(), "entity"),
        plural(dataset.relations.len(), "relation"),
        plural(dataset.sources.len(), "source"),
        plural(report.warnings(), "warning"),
    )?;
    Ok(Outcome::Success)
}
