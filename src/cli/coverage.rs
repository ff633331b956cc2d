use std::io::{IsTerminal, Write};

use kgraph::coverage::{self, CoverageReport};
use kgraph::query::QueryError;
use serde::Serialize;
use termcolor::{Color, ColorChoice, ColorSpec, StandardStream, WriteColor};

use super::printer::{load, plural};
use super::{DataArgs, Error, Result};

/// Show what the sources say that the graph does not
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg coverage\n  kg coverage --source kortunov-2022\n  kg coverage --format json | jq '.unaccounted[].sentence'\n  kg coverage --strict            exit 1 while any sentence is unaccounted for (for CI)\n\nReports entities no source mentions; every sentence that no evidence quote\noverlaps and reviewed.toml does not record (unaccounted sentences), those\nthat mention two or more entities also as candidate relations; relations\nwhose quotes mention neither endpoint; and coverage figures. A sentence\nlisted in reviewed.toml as an [[ignore]] is no longer reported."
)]
pub(super) struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Only this source
    #[arg(long, value_name = "ID")]
    source: Option<String>,
    /// Output format: text for people, json for scripts
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Fail (exit 1) while any sentence is unaccounted for
    #[arg(long)]
    strict: bool,
}

/// The JSON document, versioned like the graph JSON.
#[derive(Serialize)]
struct Document<'a> {
    format: &'static str,
    format_version: u32,
    #[serde(flatten)]
    report: &'a CoverageReport,
}

pub(super) fn run(args: Args) -> Result {
    let (dataset, _) = load(&args.data.data)?;
    if let Some(source) = &args.source
        && dataset.source(source).is_none()
    {
        // The error `kg query --source` and `kg export --source` give.
        let ids = dataset.sources.iter().map(|s| s.id.as_str());
        return Err(QueryError::unknown_source(source, ids).into());
    }
    let report = coverage::analyze(&dataset, args.source.as_deref());
    if args.format == "json" {
        let mut stdout = std::io::stdout().lock();
        serde_json::to_writer_pretty(
            &mut stdout,
            &Document {
                format: "kgraph-coverage",
                format_version: 1,
                report: &report,
            },
        )?;
        writeln!(stdout)?;
    } else {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        let choice = if !no_color && std::io::stdout().is_terminal() {
            ColorChoice::Auto
        } else {
            ColorChoice::Never
        };
        // Sentences and labels come from the data: escaped, never raw.
        let mut out = kgraph::terminal::SafeWriter::new(StandardStream::stdout(choice));
        print_text(&mut out, &dataset, &report)?;
        out.flush()?;
    }
    if args.strict && !report.unaccounted.is_empty() {
        // The report went to stdout, possibly into a pipe: the verdict goes
        // to stderr so that a CI log shows it either way.
        writeln!(
            std::io::stderr().lock(),
            "error: {} unaccounted for: quote each in a relation's evidence or record it in reviewed.toml with a reason",
            plural(report.unaccounted.len(), "sentence")
        )?;
        return Err(Error::Failed);
    }
    Ok(())
}

fn heading(out: &mut dyn WriteColor, text: &str) -> std::io::Result<()> {
    out.set_color(ColorSpec::new().set_bold(true).set_fg(Some(Color::Cyan)))?;
    writeln!(out, "\n{text}")?;
    out.reset()
}

fn dim(out: &mut dyn WriteColor, text: &str) -> std::io::Result<()> {
    out.set_color(ColorSpec::new().set_dimmed(true))?;
    write!(out, "{text}")?;
    out.reset()
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn print_text(
    out: &mut dyn WriteColor,
    dataset: &kgraph::Dataset,
    report: &CoverageReport,
) -> std::io::Result<()> {
    for figures in &report.sources {
        writeln!(
            out,
            "{}: {} sentences, {} with mentions, {} covered by evidence ({:.0}%), {} reviewed, {} unaccounted, {} mentions",
            figures.source,
            figures.sentences,
            figures.sentences_with_mentions,
            figures.sentences_covered,
            figures.coverage * 100.0,
            figures.sentences_reviewed,
            figures.sentences_unaccounted,
            figures.mentions
        )?;
    }
    heading(
        out,
        &format!(
            "Entities mentioned in no source ({})",
            report.unmentioned.len()
        ),
    )?;
    let width = report
        .unmentioned
        .iter()
        .map(|id| id.len())
        .max()
        .unwrap_or(0);
    for id in &report.unmentioned {
        let label = dataset.entity(id).map_or("", |e| e.label.as_str());
        writeln!(out, "  {id:width$}  {label}")?;
    }
    heading(
        out,
        &format!(
            "Candidate relations: sentences that mention two or more entities and back no relation ({})",
            report.candidates.len()
        ),
    )?;
    for candidate in &report.candidates {
        write!(out, "  {}:{}  ", candidate.source, candidate.line)?;
        writeln!(out, "{}", candidate.entities.join(", "))?;
        dim(
            out,
            &format!("    \u{201c}{}\u{201d}\n", one_line(&candidate.sentence)),
        )?;
    }
    heading(
        out,
        &format!(
            "Unaccounted sentences: in no evidence quote and not reviewed ({})",
            report.unaccounted.len()
        ),
    )?;
    for sentence in &report.unaccounted {
        write!(out, "  {}:{}", sentence.source, sentence.line)?;
        if sentence.entities.is_empty() {
            writeln!(out)?;
        } else {
            writeln!(out, "  {}", sentence.entities.join(", "))?;
        }
        dim(
            out,
            &format!("    \u{201c}{}\u{201d}\n", one_line(&sentence.sentence)),
        )?;
    }
    heading(
        out,
        &format!(
            "Suspicious evidence: quotes that mention neither endpoint ({})",
            report.suspicious.len()
        ),
    )?;
    for suspicious in &report.suspicious {
        writeln!(
            out,
            "  {}:{}  {} ({} \u{2192} {})",
            suspicious.source, suspicious.line, suspicious.relation, suspicious.from, suspicious.to
        )?;
        dim(
            out,
            &format!("    \u{201c}{}\u{201d}\n", one_line(&suspicious.quote)),
        )?;
    }
    heading(out, "Mentions per entity")?;
    let mut counts: Vec<(&String, &usize)> = report.mentions.iter().collect();
    counts.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let width = counts.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
    for (id, count) in counts {
        writeln!(out, "  {id:width$}  {count:>5}")?;
    }
    Ok(())
}
