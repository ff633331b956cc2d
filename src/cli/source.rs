//! `kg source add` and `kg source rehash`: adding a source text and
//! recording its hash without computing one by hand.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use kgraph::MAX_TEXT_BYTES;
use kgraph::model::ids::{is_iso_date, is_slug};
use kgraph::query::QueryError;
use kgraph::text_hash;
use kgraph::{LoadError, Refusal};

use super::printer::{plural, print_report};
use super::{DataArgs, Error, Result};

/// Add a source text, or record the hash of one that changed
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg source add article.txt --id smith-2024 --title \"On Bridges\" --author \"Jane Smith\" \\\n      --date 2024-05-01 --publisher \"The Review\"\n  kg source rehash smith-2024     after correcting the text: check every quote, then record its hash"
)]
pub(super) struct Args {
    #[command(subcommand)]
    command: SourceCommand,
}

#[derive(Debug, clap::Subcommand)]
enum SourceCommand {
    // Boxed: its many metadata flags would make every `SourceCommand` large.
    Add(Box<AddArgs>),
    Rehash(RehashArgs),
}

/// Copy a text into data/sources/ byte for byte and write its metadata with its hash
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg source add article.txt --id smith-2024 --title \"On Bridges\" --author \"Jane Smith\" \\\n      --date 2024-05-01 --publisher \"The Review\" --url https://example.org/bridges\n\nWrites data/sources/ID.txt (the text, unchanged) and data/sources/ID.toml (its\nmetadata and SHA-256). Refuses, writing nothing, if either exists or a source\nalready has this id."
)]
pub(super) struct AddArgs {
    /// The source text: UTF-8, kept byte for byte as published
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Id that quotes cite: lowercase words joined by `-`, such as `smith-2024`
    #[arg(long)]
    id: String,
    #[arg(long)]
    title: String,
    #[arg(long)]
    author: String,
    /// Date first published: YYYY, YYYY-MM or YYYY-MM-DD
    #[arg(long)]
    date: String,
    /// The date on the copy FILE was taken from, when later than --date
    #[arg(long, value_name = "DATE")]
    copy_date: Option<String>,
    /// Where the copy FILE was taken from, when not --url
    #[arg(long, value_name = "URL")]
    copy_url: Option<String>,
    #[arg(long)]
    publisher: String,
    #[arg(long)]
    url: Option<String>,
    #[arg(long)]
    notes: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

/// Check every quote of a source against its changed text, then record the text's new hash
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg source rehash smith-2024\n\nLoads the data taking the text of the source as it is now. If every quote\nfrom it (in relations and reviewed passages) is still found, and the data is\nvalid, the new SHA-256 is written into the source's metadata, comments kept.\nOtherwise each quote that no longer matches is listed with the closest\npassage, and nothing is written."
)]
pub(super) struct RehashArgs {
    /// The id of the source whose text changed
    #[arg(value_name = "ID")]
    id: String,
    #[command(flatten)]
    data: DataArgs,
}

pub(super) fn run(args: Args) -> Result {
    match args.command {
        SourceCommand::Add(args) => add(*args),
        SourceCommand::Rehash(args) => rehash(args),
    }
}

/// The metadata `kg source add` writes, in the order a curator reads it.
#[derive(serde::Serialize)]
struct Metadata<'a> {
    id: &'a str,
    title: &'a str,
    author: &'a str,
    date: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    copy_date: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    copy_url: Option<&'a str>,
    publisher: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    notes: Option<&'a str>,
    text: &'a str,
    sha256: &'a str,
}

fn add(args: AddArgs) -> Result {
    let mut problems = Vec::new();
    if !is_slug(&args.id) {
        problems.push(format!(
            "source id `{}` is not a slug: use lowercase letters and digits, words joined by `-`",
            args.id
        ));
    }
    for (flag, date) in [
        ("--date", Some(&args.date)),
        ("--copy-date", args.copy_date.as_ref()),
    ] {
        if let Some(date) = date
            && !is_iso_date(date)
        {
            problems.push(format!(
                "`{flag}` `{date}` is not a date: YYYY, YYYY-MM or YYYY-MM-DD"
            ));
        }
    }
    for (flag, url) in [("--url", &args.url), ("--copy-url", &args.copy_url)] {
        if let Some(url) = url
            && (!url.contains("://") || url.chars().any(char::is_whitespace))
        {
            problems.push(format!(
                "`{flag}` `{url}` is not an absolute URL such as `https://example.org/article`"
            ));
        }
    }
    for (flag, value) in [
        ("--title", &args.title),
        ("--author", &args.author),
        ("--publisher", &args.publisher),
    ] {
        if value.trim().is_empty() {
            problems.push(format!("`{flag}` is empty"));
        }
    }
    let limits = super::project::limits()?;
    // A text named on the command line is read as a data file is: a named
    // pipe or a device is refused rather than waited on, and nothing over
    // the limit is read into memory.
    let limit = limits.source_text_bytes.min(MAX_TEXT_BYTES as u64);
    // A text over the limit is refused input (exit 1), like a source text
    // over it in `kg validate`; one that cannot be read is exit 2.
    let bytes = match kgraph::read_regular_file(&args.file, limit) {
        Ok(bytes) => bytes,
        Err(Refusal::TooLarge { size, limit }) => {
            problems.push(format!(
                "`{}` holds at least {size} bytes, over the limit of {limit} (`source_text_bytes` in the `[limits]` table of `kgraph.toml`; at most 4 GiB): split it into several sources",
                args.file.display()
            ));
            // Nothing read: the problem stops the command before any write.
            Vec::new()
        }
        Err(other) => {
            return Err(anyhow::Error::new(other)
                .context(format!("cannot read `{}`", args.file.display()))
                .into());
        }
    };
    if let Err(error) = std::str::from_utf8(&bytes) {
        problems.push(format!(
            "`{}` is not UTF-8 (first invalid byte at offset {}): convert it, keeping its words as published",
            args.file.display(),
            error.valid_up_to()
        ));
    }
    let sources = args.data.data.join("sources");
    let extension = text_extension(&args.file);
    let text_name = format!("{}.{extension}", args.id);
    let metadata_name = format!("{}.toml", args.id);
    for name in [&text_name, &metadata_name, &format!("{}.json", args.id)] {
        let path = sources.join(name);
        if path.symlink_metadata().is_ok() {
            problems.push(format!("`{}` already exists", path.display()));
        }
    }
    if let Some((_, file)) = declared_sources(&args.data.data, limits.data_file_bytes)
        .into_iter()
        .find(|(id, _)| *id == args.id)
    {
        problems.push(format!(
            "source `{}` already exists, in `{}`",
            args.id,
            file.display()
        ));
    }
    if !problems.is_empty() {
        let mut stderr = std::io::stderr().lock();
        for problem in &problems {
            writeln!(stderr, "error: {problem}")?;
        }
        writeln!(stderr, "error: source not added; nothing was written")?;
        return Err(Error::Failed);
    }

    let hash = text_hash(&bytes);
    let text_path = format!("sources/{text_name}");
    let metadata = Metadata {
        id: &args.id,
        title: &args.title,
        author: &args.author,
        date: &args.date,
        copy_date: args.copy_date.as_deref(),
        copy_url: args.copy_url.as_deref(),
        publisher: &args.publisher,
        url: args.url.as_deref(),
        notes: args.notes.as_deref(),
        text: &text_path,
        sha256: &hash,
    };
    let mut metadata_toml =
        toml::to_string(&metadata).context("cannot write the metadata as TOML")?;
    // In a corpus made by `kg init`, editors check the new file too.
    if args
        .data
        .data
        .join("../schemas/source.schema.json")
        .is_file()
    {
        metadata_toml.insert_str(0, "#:schema ../../schemas/source.schema.json\n");
    }
    std::fs::create_dir_all(&sources)
        .with_context(|| format!("cannot create `{}`", sources.display()))?;
    let text_target = sources.join(&text_name);
    create_new_atomically(&text_target, &bytes)?;
    if let Err(error) =
        create_new_atomically(&sources.join(&metadata_name), metadata_toml.as_bytes())
    {
        // A text without metadata is not a source: take it back.
        let _ = std::fs::remove_file(&text_target);
        return Err(error.into());
    }
    writeln!(
        std::io::stdout().lock(),
        "added source `{}`: {} ({}) and {}\nquote it with `source = \"{}\"` in the evidence of a relation",
        args.id,
        text_target.display(),
        plural(bytes.len(), "byte"),
        sources.join(&metadata_name).display(),
        args.id
    )?;
    Ok(())
}

/// The copied text keeps its file's extension, unless that would make it
/// read as source metadata (`.toml`, `.json`) or it has none.
fn text_extension(file: &Path) -> String {
    match file.extension().and_then(|extension| extension.to_str()) {
        Some(extension)
            if !extension.is_empty()
                && !["toml", "json"].contains(&extension.to_ascii_lowercase().as_str()) =>
        {
            extension.to_owned()
        }
        _ => "txt".to_owned(),
    }
}

/// Each source id declared in the data directory's `sources/`, with its
/// metadata file, in file order. Files are read as the loader reads them
/// (regular files inside the data directory, within `limit` bytes); those
/// that cannot be read or do not parse are left to `kg validate`.
fn declared_sources(data: &Path, limit: u64) -> Vec<(String, PathBuf)> {
    let sources = data.join("sources");
    let Ok(entries) = std::fs::read_dir(&sources) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?;
            let bytes = kgraph::read_data_file(data, &format!("sources/{name}"), limit).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let id = match path.extension()?.to_str()? {
                "toml" => text
                    .parse::<toml::Table>()
                    .ok()?
                    .get("id")?
                    .as_str()?
                    .to_owned(),
                "json" => serde_json::from_str::<serde_json::Value>(&text)
                    .ok()?
                    .get("id")?
                    .as_str()?
                    .to_owned(),
                _ => return None,
            };
            Some((id, path))
        })
        .collect()
}

/// Writes a new file through a temporary file beside it, never replacing
/// one that exists.
fn create_new_atomically(target: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let parent = target.parent().unwrap_or(Path::new("."));
    let error = || format!("cannot write `{}`", target.display());
    let mut temporary = tempfile::Builder::new()
        .prefix(".kg-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .with_context(error)?;
    temporary.write_all(bytes).with_context(error)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temporary
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(error)?;
    }
    temporary.as_file().sync_all().with_context(error)?;
    temporary
        .persist_noclobber(target)
        .map_err(|failure| failure.error)
        .with_context(error)?;
    Ok(())
}

fn rehash(args: RehashArgs) -> Result {
    let data = &args.data.data;
    // A missing data directory is that, not an unknown source in it.
    if let Err(source) = std::fs::read_dir(data) {
        let error = LoadError::DataDir {
            path: data.clone(),
            source,
        };
        return Err(anyhow::Error::new(error)
            .context("cannot load the data")
            .into());
    }
    let limits = super::project::limits()?;
    let declared = declared_sources(data, limits.data_file_bytes);
    if !declared.iter().any(|(id, _)| *id == args.id) {
        let ids = declared.iter().map(|(id, _)| id.as_str());
        return Err(QueryError::unknown_source(&args.id, ids).into());
    }
    let (dataset, report) = match kgraph::load_with_changed_text(data, limits, &args.id) {
        Ok(loaded) => loaded,
        Err(LoadError::Invalid(report)) => {
            print_report(&report)?;
            writeln!(
                std::io::stderr().lock(),
                "error: the new hash of `{}` is not recorded: fix the problems above, then run `kg source rehash {}` again",
                args.id,
                args.id
            )?;
            return Err(Error::from_report(&report));
        }
        Err(error) => {
            return Err(anyhow::Error::new(error)
                .context("cannot load the data")
                .into());
        }
    };
    let source = dataset
        .source(&args.id)
        .context("a declared source of valid data is loaded")?;
    let metadata_path = PathBuf::from(
        report
            .files
            .name(source.origin.file)
            .context("the source's metadata file is registered")?,
    );
    let quotes = dataset
        .relations
        .iter()
        .flat_map(|relation| &relation.evidence)
        .filter(|evidence| evidence.source == source.id)
        .count()
        + dataset
            .reviewed
            .iter()
            .filter(|reviewed| reviewed.source == source.id)
            .count();
    let checked = format!("{} found in the text", plural(quotes, "quote"));
    // The metadata as the load read and checked it: held, or read again
    // only if unchanged since.
    let text = report
        .files
        .text(source.origin.file)
        .context("the source's metadata file is registered and unchanged")?
        .to_owned();
    let Some(updated) = with_hash(&metadata_path, &text, &source.sha256)? else {
        writeln!(
            std::io::stdout().lock(),
            "`{}` already records the hash of its text ({checked}); nothing to do",
            metadata_path.display()
        )?;
        return Ok(());
    };
    let parent = metadata_path.parent().unwrap_or(Path::new("."));
    let name = metadata_path
        .file_name()
        .context("the metadata path names a file")?
        .to_string_lossy()
        .into_owned();
    kgraph::output::write_file(&parent.join(name), |out| out.write_all(updated.as_bytes()))?;
    writeln!(
        std::io::stdout().lock(),
        "recorded the new hash of `{}` in `{}`: {}, sha256 = \"{}\"",
        source.id,
        metadata_path.display(),
        checked,
        source.sha256
    )?;
    Ok(())
}

/// The metadata text with `sha256` set to `hash`, everything else kept as
/// it was; `None` if it already records that hash.
fn with_hash(path: &Path, text: &str, hash: &str) -> anyhow::Result<Option<String>> {
    use anyhow::bail;
    let shown = path.display();
    if path
        .extension()
        .is_some_and(|extension| extension == "json")
    {
        // Replacing the one string keeps the file's own layout.
        let value: serde_json::Value =
            serde_json::from_str(text).with_context(|| format!("cannot read `{shown}`"))?;
        let Some(old) = value.get("sha256").and_then(serde_json::Value::as_str) else {
            bail!("`{shown}` has no `sha256`: add `\"sha256\": \"{hash}\"` to it");
        };
        if old.eq_ignore_ascii_case(hash) {
            return Ok(None);
        }
        let quoted = format!("\"{old}\"");
        if text.matches(&quoted).count() != 1 {
            bail!(
                "cannot tell which `{quoted}` in `{shown}` to replace: set `sha256` to `{hash}` by hand"
            );
        }
        return Ok(Some(text.replacen(&quoted, &format!("\"{hash}\""), 1)));
    }
    let mut document: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("cannot read `{shown}`"))?;
    if document
        .get("sha256")
        .and_then(toml_edit::Item::as_str)
        .is_some_and(|old| old.eq_ignore_ascii_case(hash))
    {
        return Ok(None);
    }
    match document
        .get_mut("sha256")
        .and_then(toml_edit::Item::as_value_mut)
    {
        // Keeps the comments and spacing around the old value.
        Some(value) => {
            let decor = value.decor().clone();
            *value = toml_edit::Value::from(hash);
            *value.decor_mut() = decor;
        }
        None => document["sha256"] = toml_edit::value(hash),
    }
    Ok(Some(document.to_string()))
}
