//! Writing generated files: all content is produced in memory first, then
//! each file is written to a temporary file beside its target and renamed
//! over it, so a reader never sees a half-written file and a failed build
//! leaves the previous output intact.

use std::io::Write;
use std::path::{Path, PathBuf};

/// A generated file: its path relative to the output directory, and bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot create output directory `{}`", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write `{}`", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Writes every artifact into `dir`, each atomically.
pub fn write_atomic(dir: &Path, artifacts: &[Artifact]) -> Result<(), OutputError> {
    for artifact in artifacts {
        let target = dir.join(&artifact.path);
        let parent = target.parent().unwrap_or(dir);
        std::fs::create_dir_all(parent).map_err(|source| OutputError::CreateDir {
            path: parent.to_owned(),
            source,
        })?;
        let write_error = |source| OutputError::Write {
            path: target.clone(),
            source,
        };
        let mut temporary = tempfile::Builder::new()
            .prefix(".kg-")
            .suffix(".tmp")
            .tempfile_in(parent)
            .map_err(write_error)?;
        temporary.write_all(&artifact.bytes).map_err(write_error)?;
        // A temporary file is private (0600); an output file is not.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&target).map_or(0o644, |m| m.permissions().mode());
            temporary
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(mode))
                .map_err(write_error)?;
        }
        temporary.as_file().sync_all().map_err(write_error)?;
        temporary
            .persist(&target)
            .map_err(|error| write_error(error.error))?;
    }
    Ok(())
}

/// The artifacts whose file in `dir` is missing or has other bytes.
pub fn stale<'a>(dir: &Path, artifacts: &'a [Artifact]) -> Vec<&'a Artifact> {
    artifacts
        .iter()
        .filter(|artifact| {
            std::fs::read(dir.join(&artifact.path)).map_or(true, |bytes| bytes != artifact.bytes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_then_reports_nothing_stale_until_a_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let artifacts = vec![
            Artifact {
                path: "graph.dot".into(),
                bytes: b"digraph {}\n".to_vec(),
            },
            Artifact {
                path: "focus/a.dot".into(),
                bytes: b"digraph {}\n".to_vec(),
            },
        ];
        assert_eq!(stale(dir.path(), &artifacts).len(), 2);
        write_atomic(dir.path(), &artifacts).unwrap();
        assert!(stale(dir.path(), &artifacts).is_empty());
        std::fs::write(dir.path().join("graph.dot"), "changed").unwrap();
        assert_eq!(stale(dir.path(), &artifacts)[0].path, "graph.dot");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }
}
