//! `kg fmt`: the data files in their canonical layout, comments kept, so
//! that review diffs show only meaning.

use std::io::Write;
use std::path::Path;

use kgraph::canonical_toml;

use super::printer::plural;
use super::{DataArgs, Error, Result};

/// Format the TOML data files canonically, keeping comments
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg fmt                 rewrite what is not canonical\n  kg fmt --check         exit 1 naming each file that would change (for CI)\n\nFormats schema.toml, entities.toml, relations.toml, reviewed.toml and\nsources/*.toml: keys of each record in one order, strings quoted and arrays\nand inline tables spaced one way, one blank line between records, none inside\none; comments stay. Running it twice changes nothing the second time. JSON\ndata files are left as they are. A file that is not valid TOML is reported\nand nothing is written."
)]
pub(super) struct Args {
    #[command(flatten)]
    data: DataArgs,
    /// Write nothing; exit 1 if any file is not canonical
    #[arg(long)]
    check: bool,
}

/// The TOML data files of a data directory, relative to it, sorted.
fn data_files(data: &Path) -> anyhow::Result<Vec<String>> {
    let mut files: Vec<String> = ["schema", "entities", "relations", "reviewed"]
        .iter()
        .map(|name| format!("{name}.toml"))
        // Anything by that name: a directory or a device is refused when
        // read, not skipped as if the file were not there.
        .filter(|relative| std::fs::symlink_metadata(data.join(relative)).is_ok())
        .collect();
    if let Ok(entries) = std::fs::read_dir(data.join("sources")) {
        let mut sources: Vec<String> = entries
            .filter_map(|entry| entry.ok())
            .filter(|entry| entry.file_type().is_ok_and(|kind| kind.is_file()))
            .filter_map(|entry| entry.file_name().into_string().ok())
            .filter(|name| name.ends_with(".toml"))
            .map(|name| format!("sources/{name}"))
            .collect();
        sources.sort();
        files.extend(sources);
    }
    if files.is_empty() {
        anyhow::bail!("no TOML data files in `{}`", data.display());
    }
    Ok(files)
}

pub(super) fn run(args: Args) -> Result {
    let data = &args.data.data;
    let mut changed = Vec::new();
    let mut unchanged = 0;
    let mut failed = false;
    let mut stderr = std::io::stderr().lock();
    for relative in data_files(data)? {
        let shown = kgraph::display_path(data, &relative);
        // The rules of loading: a link out of the data directory is not
        // followed, so no line of its target can appear in an error.
        let limit = super::project::limits()?.data_file_bytes;
        let text = match kgraph::read_data_file(data, &relative, limit)
            .map_err(|refusal| refusal.to_string())
            .and_then(|bytes| String::from_utf8(bytes).map_err(|error| error.to_string()))
        {
            Ok(text) => text,
            Err(error) => {
                writeln!(stderr, "error: cannot read `{shown}`: {error}")?;
                return Err(Error::UnreadableData);
            }
        };
        match canonical_toml(&text) {
            Ok(canonical) if canonical == text => unchanged += 1,
            Ok(canonical) => changed.push((relative, shown, canonical)),
            Err(error) => {
                // The error quotes the file's line: escaped, never raw.
                let error = error.to_string();
                writeln!(
                    stderr,
                    "error: cannot format `{shown}`: {}",
                    kgraph::terminal::safe(&error)
                )?;
                failed = true;
            }
        }
    }
    if failed {
        writeln!(
            stderr,
            "error: nothing was formatted; `kg validate` shows every problem"
        )?;
        return Err(Error::Failed);
    }
    drop(stderr);
    if args.check {
        if changed.is_empty() {
            writeln!(
                std::io::stdout().lock(),
                "canonical: {}",
                plural(unchanged, "file")
            )?;
            return Ok(());
        }
        let mut stderr = std::io::stderr().lock();
        for (_, shown, _) in &changed {
            writeln!(stderr, "not canonical: `{shown}`")?;
        }
        writeln!(
            stderr,
            "error: {} would be reformatted; run `kg fmt`",
            plural(changed.len(), "file")
        )?;
        return Err(Error::Failed);
    }
    // All files or none: a half-formatted corpus would make a noisy diff.
    let paths: Vec<&str> = changed
        .iter()
        .map(|(relative, _, _)| relative.as_str())
        .collect();
    kgraph::output::write_set(data, &paths, |index, out| {
        out.write_all(changed[index].2.as_bytes())
    })?;
    let mut stdout = std::io::stdout().lock();
    for (_, shown, _) in &changed {
        writeln!(stdout, "formatted `{shown}`")?;
    }
    writeln!(
        stdout,
        "{} formatted, {} already canonical",
        plural(changed.len(), "file"),
        unchanged
    )?;
    Ok(())
}
