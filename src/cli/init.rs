//! `kg init`: a new corpus that validates and builds at once, so that a
//! curator starts from working files rather than from the format reference.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::Result;
use super::error::bail;

/// Start a new corpus: schema, an example source, entities and a relation
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kg init                 a corpus in the current directory\n  kg init my-corpus       a corpus in my-corpus/ (created if missing)\n  cd my-corpus && kg build && kg render -o graph.svg\n\nWrites kgraph.toml, .gitignore, README.md, data/ (schema.toml,\nentities.toml, relations.toml, reviewed.toml, sources/example.toml and\nsources/example.txt), every file commented, and schemas/: the JSON Schemas\nthat editors (Taplo, VS Code's Even Better TOML) read through the `#:schema`\nline at the top of each TOML file. Refuses to run, writing\nnothing, if any of these files already exists or data/ holds anything."
)]
pub(super) struct Args {
    /// Directory for the new corpus
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
}

/// The files of a new corpus: path relative to its directory, contents.
const CORPUS: &[(&str, &str)] = &[
    ("kgraph.toml", include_str!("init/corpus/kgraph.toml")),
    // Stored without its dot: a `.gitignore` in the source tree would
    // apply to the template directory itself.
    (".gitignore", include_str!("init/corpus/gitignore")),
    ("README.md", include_str!("init/corpus/README.md")),
    (
        "data/schema.toml",
        include_str!("init/corpus/data/schema.toml"),
    ),
    (
        "data/entities.toml",
        include_str!("init/corpus/data/entities.toml"),
    ),
    (
        "data/relations.toml",
        include_str!("init/corpus/data/relations.toml"),
    ),
    (
        "data/reviewed.toml",
        include_str!("init/corpus/data/reviewed.toml"),
    ),
    (
        "data/sources/example.toml",
        include_str!("init/corpus/data/sources/example.toml"),
    ),
    (
        "data/sources/example.txt",
        include_str!("init/corpus/data/sources/example.txt"),
    ),
    // Read by editors through each TOML file's `#:schema` line (Taplo, Even
    // Better TOML), so that fields complete and are checked as one types.
    (
        "schemas/schema.schema.json",
        include_str!("../../docs/schemas/schema.schema.json"),
    ),
    (
        "schemas/entities.schema.json",
        include_str!("../../docs/schemas/entities.schema.json"),
    ),
    (
        "schemas/relations.schema.json",
        include_str!("../../docs/schemas/relations.schema.json"),
    ),
    (
        "schemas/reviewed.schema.json",
        include_str!("../../docs/schemas/reviewed.schema.json"),
    ),
    (
        "schemas/source.schema.json",
        include_str!("../../docs/schemas/source.schema.json"),
    ),
    (
        "schemas/kgraph.schema.json",
        include_str!("../../docs/schemas/kgraph.schema.json"),
    ),
];

pub(super) fn run(args: Args) -> Result {
    let existing: Vec<String> = CORPUS
        .iter()
        .map(|(relative, _)| args.dir.join(relative))
        .filter(|path| path.symlink_metadata().is_ok())
        .map(|path| format!("`{}`", path.display()))
        .collect();
    // Any data already there (say `entities.json`) would be read beside the
    // new files: a corpus is started in an empty `data/` only.
    let data = args.dir.join("data");
    if existing.is_empty()
        && std::fs::read_dir(&data).is_ok_and(|mut entries| entries.next().is_some())
    {
        bail!(
            "not creating a corpus: `{}` already holds files; nothing was written",
            data.display()
        );
    }
    if !existing.is_empty() {
        bail!(
            "not creating a corpus: {} already exist{}; nothing was written",
            existing.join(", "),
            if existing.len() == 1 { "s" } else { "" }
        );
    }
    let mut created = Vec::new();
    if let Err(error) = write_corpus(&args.dir, &mut created) {
        // Leave the directory as it was: a half-made corpus would refuse the
        // next `kg init`.
        for path in created.iter().rev() {
            let _ = std::fs::remove_file(path);
        }
        return Err(error.into());
    }
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "created a corpus in `{}`: {} files",
        args.dir.display(),
        CORPUS.len()
    )?;
    let schemas = CORPUS
        .iter()
        .filter(|(relative, _)| relative.starts_with("schemas/"))
        .count();
    for (relative, _) in CORPUS {
        if !relative.starts_with("schemas/") {
            writeln!(stdout, "  {relative}")?;
        }
    }
    writeln!(
        stdout,
        "  schemas/: {schemas} JSON Schemas that editors read through each TOML file's `#:schema` line"
    )?;
    let enter = if args.dir == Path::new(".") {
        String::new()
    } else {
        format!("cd {} && ", args.dir.display())
    };
    writeln!(
        stdout,
        "next: {enter}kg build, then kg render -o graph.svg to see it"
    )?;
    Ok(())
}

/// Creates each file, never replacing one (`create_new`, so a file that
/// appeared since the check is not overwritten either), and records what
/// it created.
fn write_corpus(dir: &Path, created: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for (relative, contents) in CORPUS {
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .with_context(|| format!("cannot create `{}`", path.display()))?;
        created.push(path.clone());
        file.write_all(contents.as_bytes())
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    Ok(())
}
