//! `kg import csv`: entity and relation sheets into the data files, all
//! or nothing.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use kgraph::LoadError;
use kgraph::import::{Records, RowProblem};

use super::printer::plural;
use super::{DataArgs, Error, Result};

/// Import records from other tools
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg import csv --entities entities.csv --relations relations.csv\n\nSee `kg import csv --help` for the columns."
)]
pub(super) struct Args {
    #[command(subcommand)]
    command: ImportCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ImportCommand {
    Csv(CsvArgs),
}

/// Import Kumu-style entity and relation sheets (CSV) into data/
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg import csv --entities entities.csv --relations relations.csv\n  kg import csv --relations more-relations.csv --data corpus\n\nThe entity sheet has the columns id, label, kind (required), aliases,\ndescription, wikidata; the relation sheet from, type, to, modality, source,\nquote (required), id, negated, attributed_to, note, date, occurrence. The\nfirst row names the columns (any case, any order); several values in one\ncell (aliases, attributed_to) are separated by `|`. Each relation row is one\nrelation with its quote.\n\nThe records are added to data/entities.toml and data/relations.toml in the\nlayout `kg fmt` keeps, and the data is validated with them before anything\nis written: every bad cell is reported with its row and column (the header\nis row 1), and nothing is written if there is any."
)]
pub(super) struct CsvArgs {
    /// The entity sheet
    #[arg(long, value_name = "FILE", required_unless_present = "relations")]
    entities: Option<PathBuf>,
    /// The relation sheet
    #[arg(long, value_name = "FILE")]
    relations: Option<PathBuf>,
    #[command(flatten)]
    data: DataArgs,
}

pub(super) fn run(args: Args) -> Result {
    match args.command {
        ImportCommand::Csv(args) => csv(args),
    }
}

/// One sheet on its way into a data file.
struct Import {
    sheet: PathBuf,
    /// The data file, relative to the data directory.
    target: &'static str,
    what: &'static str,
    records: Records,
    /// Where the records start in the new file.
    base: usize,
    contents: String,
}

fn csv(args: CsvArgs) -> Result {
    let data = &args.data.data;
    let mut imports = Vec::new();
    let mut problems: Vec<(PathBuf, RowProblem)> = Vec::new();
    let mut unreadable = false;
    let sheets = [
        (
            &args.entities,
            "entities.toml",
            "entity",
            kgraph::import::entities as fn(&[u8]) -> _,
        ),
        (
            &args.relations,
            "relations.toml",
            "relation",
            kgraph::import::relations,
        ),
    ];
    for (sheet, target, what, read) in sheets {
        let Some(sheet) = sheet else { continue };
        let bytes =
            std::fs::read(sheet).with_context(|| format!("cannot read `{}`", sheet.display()))?;
        let (records, found) = read(&bytes);
        problems.extend(found.into_iter().map(|p| (sheet.clone(), p)));
        match records {
            Some(records) => {
                let existing = match std::fs::read_to_string(data.join(target)) {
                    Ok(text) => Some(text),
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
                    Err(error) => {
                        return Err(anyhow::Error::new(error)
                            .context(format!("cannot read `{}`", data.join(target).display()))
                            .into());
                    }
                };
                let head = match existing {
                    Some(text) if !text.trim().is_empty() => format!("{}\n\n", text.trim_end()),
                    _ => format!(
                        "# Imported from `{}` by `kg import csv`.\n\n",
                        sheet.display()
                    ),
                };
                imports.push(Import {
                    sheet: sheet.clone(),
                    target,
                    what,
                    base: head.len(),
                    contents: head + &records.toml,
                    records,
                });
            }
            None => unreadable = true,
        }
    }
    if unreadable {
        return refuse(&problems, &[]);
    }
    // Validate the data as it would be, in a scratch copy, before writing.
    let scratch = tempfile::tempdir().context("cannot create a temporary directory")?;
    copy_dir(data, scratch.path())
        .with_context(|| format!("cannot read the data directory `{}`", data.display()))?;
    for import in &imports {
        std::fs::write(scratch.path().join(import.target), &import.contents)?;
    }
    match kgraph::load_with_limits(scratch.path(), super::project::limits()?) {
        Ok(_) if !problems.is_empty() => refuse(&problems, &[]),
        Ok((dataset, _)) => {
            let paths: Vec<&str> = imports.iter().map(|import| import.target).collect();
            kgraph::output::write_set(data, &paths, |index, out| {
                out.write_all(imports[index].contents.as_bytes())
            })?;
            let mut stdout = std::io::stdout().lock();
            for import in &imports {
                writeln!(
                    stdout,
                    "imported {} from `{}` into `{}`",
                    plural(import.records.rows.len(), import.what),
                    import.sheet.display(),
                    kgraph::display_path(data, import.target)
                )?;
            }
            writeln!(
                stdout,
                "valid: {}, {}, {}",
                plural(dataset.entities.len(), "entity"),
                plural(dataset.relations.len(), "relation"),
                plural(dataset.sources.len(), "source"),
            )?;
            Ok(())
        }
        Err(LoadError::Invalid(report)) => {
            let mut unplaced = Vec::new();
            for diagnostic in report.diagnostics.iter().filter(|d| d.is_error()) {
                let place = diagnostic.labels.first().and_then(|label| {
                    let name = report.files.name(label.origin.file)?.to_owned();
                    let import = imports
                        .iter()
                        .find(|import| name.ends_with(&format!("/{}", import.target)))?;
                    let offset = label.origin.span.start.checked_sub(import.base)?;
                    let (row, column) = import.records.cell_at(offset)?;
                    Some((import, row, column, label.message.clone()))
                });
                match place {
                    // A cell already reported by the sheet's own checks.
                    Some((import, row, column, _))
                        if problems.iter().any(|(sheet, problem)| {
                            *sheet == import.sheet
                                && problem.row == row
                                && (problem.column.is_none() || problem.column == column)
                        }) => {}
                    Some((import, row, column, label)) => problems.push((
                        import.sheet.clone(),
                        RowProblem {
                            row,
                            column,
                            code: diagnostic.code,
                            message: std::iter::once(format!(
                                "{} ({label})",
                                diagnostic.headline()
                            ))
                            .chain(diagnostic.notes.iter().cloned())
                            .collect::<Vec<_>>()
                            .join("; "),
                        },
                    )),
                    None => unplaced.push(diagnostic.headline()),
                }
            }
            problems.sort_by(|(a, x), (b, y)| {
                (a, x.row, x.column.as_ref().map(|c| c.0)).cmp(&(
                    b,
                    y.row,
                    y.column.as_ref().map(|c| c.0),
                ))
            });
            refuse(&problems, &unplaced)
        }
        Err(error) => Err(anyhow::Error::new(error)
            .context("cannot load the data")
            .into()),
    }
}

/// Reports every problem and that nothing was written.
fn refuse(problems: &[(PathBuf, RowProblem)], unplaced: &[String]) -> Result {
    let mut stderr = std::io::stderr().lock();
    for (sheet, problem) in problems {
        let column = match &problem.column {
            Some((number, name)) if name.is_empty() => format!(", column {number}"),
            Some((number, name)) => format!(", column {number} (`{name}`)"),
            None => String::new(),
        };
        let code = problem
            .code
            .map(|code| format!("[{code}]"))
            .unwrap_or_default();
        writeln!(
            stderr,
            "error{code}: {}: row {}{column}: {}",
            sheet.display(),
            problem.row,
            problem.message
        )?;
    }
    for message in unplaced {
        writeln!(stderr, "error: {message}")?;
    }
    writeln!(
        stderr,
        "error: {}; nothing was imported",
        plural(problems.len() + unplaced.len(), "problem")
    )?;
    Err(Error::Failed)
}

/// Copies a data directory (files and subdirectories) for a trial load.
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
