//! The `[limits]` table of the project file, `kgraph.toml` in the working
//! directory: how large a data file or source text may be before loading
//! refuses it. `kg build` reads the file's `[build]` table itself.

use anyhow::Context;
use kgraph::load::Limits;

const PROJECT_FILE: &str = "kgraph.toml";

#[derive(Debug, Default, serde::Deserialize)]
struct Project {
    #[serde(default)]
    limits: LimitSettings,
}

/// Sizes in bytes; TOML allows `268_435_456`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitSettings {
    data_file_bytes: Option<u64>,
    source_text_bytes: Option<u64>,
}

/// The limits `kgraph.toml` sets, the defaults for what it does not set or
/// if there is no such file.
pub fn limits() -> anyhow::Result<Limits> {
    let text = match std::fs::read_to_string(PROJECT_FILE) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(Limits::default());
        }
        Err(error) => return Err(error).with_context(|| format!("cannot read `{PROJECT_FILE}`")),
    };
    let project: Project =
        toml::from_str(&text).with_context(|| format!("invalid `{PROJECT_FILE}`"))?;
    let defaults = Limits::default();
    Ok(Limits {
        data_file_bytes: project
            .limits
            .data_file_bytes
            .unwrap_or(defaults.data_file_bytes),
        source_text_bytes: project
            .limits
            .source_text_bytes
            .unwrap_or(defaults.source_text_bytes),
    })
}
