//! `kg diff`: what changed between two corpora or two built graphs, record
//! by record, for people (text) and for scripts (JSON).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::Context;
use kgraph::diff::{Changed, FieldChange, GraphDiff, Section};
use kgraph::{Format, KnowledgeGraph, LoadError};
use serde_json::{Map, Value};

use super::error::bail;
use super::printer::print_report;
use super::{Error, Result};

/// Show the entities and relations added, removed and changed between two graphs
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg diff old/data data              two data directories\n  kg diff old/graph.json output/graph.json\n  kg diff --git HEAD                 data/ now against data/ in the last commit\n  kg diff --git main --data corpus   corpus/ now against corpus/ on main\n  kg diff --format json a b | jq '.relations.changed[].id'\n\nRecords are matched by id (kinds and relation types by name); a relation\nwhose derived id changed with its modality or evidence is matched by its\nendpoints and type. Quotes are compared by source and text, not position.\nExit codes: 0 no differences, 1 differences, 2 invalid data or an error."
)]
pub(super) struct Args {
    /// The old side: a data directory (or a directory holding data/) or a graph.json
    #[arg(
        value_name = "OLD",
        required_unless_present = "git",
        conflicts_with = "git"
    )]
    old: Option<PathBuf>,
    /// The new side, as OLD
    #[arg(value_name = "NEW", required_unless_present = "git")]
    new: Option<PathBuf>,
    /// Compare the data directory now with the same directory at git revision REV
    #[arg(long, value_name = "REV")]
    git: Option<String>,
    /// The data directory for --git
    #[arg(long, value_name = "DIR", default_value = "data", requires = "git")]
    data: PathBuf,
    /// Output: `text` for people, `json` for scripts
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

pub(super) fn run(args: Args) -> Result {
    let (old, new) = match (&args.git, &args.old, &args.new) {
        (Some(revision), _, _) => {
            let checkout = data_at_revision(revision, &args.data)?;
            let old = read_side(
                checkout.path(),
                &format!("{revision}:{}", args.data.display()),
            )?;
            let new = read_side(&args.data, &args.data.display().to_string())?;
            (old, new)
        }
        (None, Some(old), Some(new)) => (
            read_side(old, &old.display().to_string())?,
            read_side(new, &new.display().to_string())?,
        ),
        _ => bail!("give OLD and NEW, or --git REV"),
    };
    let diff = kgraph::diff::diff(&old, &new).map_err(anyhow::Error::new)?;
    let mut stdout = std::io::stdout().lock();
    if args.format == "json" {
        serde_json::to_writer_pretty(&mut stdout, &as_json(&diff))?;
        writeln!(stdout)?;
    } else {
        write_text(&mut stdout, &diff)?;
    }
    if diff.is_empty() {
        Ok(())
    } else {
        // As diff(1): 1 says the sides differ.
        Err(Error::Failed)
    }
}

/// The node-link JSON of one side; [`Error::NotCompared`] after printing
/// the diagnostics of invalid data.
fn read_side(path: &Path, label: &str) -> Result<Value> {
    if path.is_dir() {
        let has_schema = ["schema.toml", "schema.json"]
            .iter()
            .any(|name| path.join(name).exists());
        let data = if !has_schema && path.join("data").is_dir() {
            path.join("data")
        } else {
            path.to_owned()
        };
        let dataset = match kgraph::load_with_limits(&data, super::project::limits()?) {
            Ok((dataset, _)) => dataset,
            Err(LoadError::Invalid(report)) => {
                print_report(&report)?;
                writeln!(
                    std::io::stderr().lock(),
                    "error: `{label}` is not valid data; nothing compared"
                )?;
                return Err(Error::NotCompared);
            }
            Err(error) => {
                return Err(anyhow::Error::new(error)
                    .context(format!("cannot load `{label}`"))
                    .into());
            }
        };
        let mut bytes = Vec::new();
        Format::Json
            .write(&KnowledgeGraph::new(dataset), &mut bytes)
            .with_context(|| format!("cannot export `{label}` as JSON"))?;
        return Ok(serde_json::from_slice(&bytes)?);
    }
    let bytes = std::fs::read(path).with_context(|| format!("cannot read `{label}`"))?;
    Ok(serde_json::from_slice(&bytes).with_context(|| format!("`{label}` is not JSON"))?)
}

/// The files of `data_dir` as committed at `revision`, written into a
/// temporary directory: `git ls-tree` lists them, `git show` reads each.
fn data_at_revision(revision: &str, data_dir: &Path) -> anyhow::Result<tempfile::TempDir> {
    let prefix = relative_to_working_directory(data_dir)?;
    let listing = git(&["ls-tree", "-r", "-z", revision, "--", &prefix])?;
    let checkout = tempfile::tempdir().context("cannot create a temporary directory")?;
    let mut files = 0;
    for entry in listing.split(|&byte| byte == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        // Only regular files: symbolic links (120000) and submodules are
        // not data.
        let mut meta = meta.split(' ');
        let (Some(mode), Some("blob")) = (meta.next(), meta.next()) else {
            continue;
        };
        if mode == "120000" {
            continue;
        }
        let Ok(relative) = Path::new(path).strip_prefix(&prefix) else {
            continue;
        };
        let bytes = git(&["show", "--no-textconv", &format!("{revision}:./{path}")])?;
        let target = checkout.path().join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&target, bytes)
            .with_context(|| format!("cannot write `{}`", target.display()))?;
        files += 1;
    }
    if files == 0 {
        anyhow::bail!("`{prefix}` has no files at git revision `{revision}`");
    }
    Ok(checkout)
}

/// `data_dir` as git sees a path from the working directory: relative,
/// without a leading `./`.
fn relative_to_working_directory(data_dir: &Path) -> anyhow::Result<String> {
    let relative = if data_dir.is_absolute() {
        let here = std::env::current_dir().context("cannot read the working directory")?;
        data_dir
            .strip_prefix(&here)
            .with_context(|| {
                format!(
                    "`{}` is not under the working directory",
                    data_dir.display()
                )
            })?
            .to_owned()
    } else {
        data_dir.to_owned()
    };
    let parts: Vec<String> = relative
        .components()
        .filter(|part| !matches!(part, std::path::Component::CurDir))
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

/// Runs git and returns its stdout, or fails with its stderr.
fn git(args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let output = Command::new("git")
        .args(args)
        .output()
        .context("cannot run `git` (is it installed?)")?;
    if !output.status.success() {
        anyhow::bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(output.stdout)
}

/// The JSON for scripts: one object per kind of record, keyed as in
/// graph.json's plural names.
fn as_json(diff: &GraphDiff) -> Value {
    let mut object = Map::new();
    object.insert("identical".into(), Value::Bool(diff.is_empty()));
    for section in &diff.sections {
        object.insert(
            plural_name(section.record).replace(' ', "_"),
            serde_json::to_value(section).expect("a diff is plain data"),
        );
    }
    Value::Object(object)
}

fn plural_name(record: &str) -> String {
    match record.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{record}s"),
    }
}

fn write_text(out: &mut impl Write, diff: &GraphDiff) -> std::io::Result<()> {
    if diff.is_empty() {
        return writeln!(out, "no differences");
    }
    for section in &diff.sections {
        for (sign, records) in [("-", &section.removed), ("+", &section.added)] {
            for record in records {
                writeln!(
                    out,
                    "{sign} {} {}",
                    section.record,
                    headline(section, record)
                )?;
                // The quotes are what a reviewer checks a relation against.
                for item in record
                    .get("evidence")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    writeln!(out, "    evidence: {}", item_text(item))?;
                }
            }
        }
        for changed in &section.changed {
            write_changed(out, section, changed)?;
        }
    }
    let summary: Vec<String> = diff
        .sections
        .iter()
        .filter(|section| !section.is_empty())
        .map(|section| {
            let counts: Vec<String> = [
                (section.added.len(), "added"),
                (section.removed.len(), "removed"),
                (section.changed.len(), "changed"),
            ]
            .into_iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, what)| format!("{count} {what}"))
            .collect();
            format!("{}: {}", plural_name(section.record), counts.join(", "))
        })
        .collect();
    writeln!(out, "\n{}", summary.join("; "))
}

fn write_changed(
    out: &mut impl Write,
    section: &Section,
    changed: &Changed,
) -> std::io::Result<()> {
    write!(
        out,
        "~ {} {}",
        section.record,
        headline(section, &changed.record)
    )?;
    match &changed.new_id {
        Some(new_id) => writeln!(out, " (id {} -> {new_id})", changed.id)?,
        None => writeln!(out)?,
    }
    for field in &changed.fields {
        match field {
            FieldChange::Value { field, old, new } => {
                writeln!(
                    out,
                    "    {field}: {} -> {}",
                    value_text(old),
                    value_text(new)
                )?;
            }
            FieldChange::Items {
                field,
                added,
                removed,
            } => {
                for item in removed {
                    writeln!(out, "    {field}: - {}", item_text(item))?;
                }
                for item in added {
                    writeln!(out, "    {field}: + {}", item_text(item))?;
                }
            }
        }
    }
    Ok(())
}

/// How a record is named in a line of the diff.
fn headline(section: &Section, record: &Map<String, Value>) -> String {
    let text = |field: &str| {
        record
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    match section.record {
        "entity" => format!(
            "{}: {} ({})",
            text("id"),
            value_text(&Value::String(text("label"))),
            text("kind")
        ),
        "relation" => format!(
            "{} {} {} ({})",
            text("source"),
            text("type"),
            text("target"),
            text("modality")
        ),
        "source" => format!(
            "{}: {}",
            text("id"),
            value_text(&Value::String(text("title")))
        ),
        _ => text("name"),
    }
}

/// A value as JSON writes it (strings quoted and escaped), `(none)` for an
/// absent one.
fn value_text(value: &Value) -> String {
    match value {
        Value::Null => "(none)".to_owned(),
        other => other.to_string(),
    }
}

/// An item of a list: evidence as `source: "quote"`, anything else as JSON.
fn item_text(item: &Value) -> String {
    match (
        item.get("source").and_then(Value::as_str),
        item.get("quote"),
    ) {
        (Some(source), Some(quote)) => format!("{source}: {}", value_text(quote)),
        _ => value_text(item),
    }
}
