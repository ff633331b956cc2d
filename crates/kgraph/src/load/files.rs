//! Reading a file of the data directory as a corpus from a stranger may
//! offer it: only regular files, only inside the data directory (a symbolic
//! link may not lead out of it), never more than a size limit, and never
//! waiting on a named pipe.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Why a file of the data directory was not read.
#[derive(Debug)]
pub enum Refusal {
    /// The path, once symbolic links are followed, is outside the data
    /// directory.
    Outside,
    /// Not a regular file: what it is instead ("a directory", "a named
    /// pipe (FIFO)"...).
    NotRegular(&'static str),
    /// Larger than the limit, in bytes.
    TooLarge {
        /// How many bytes the file holds at least (reading stops past the
        /// limit, so a growing file is not read to its end).
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Reading failed.
    Io(std::io::Error),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Outside => write!(f, "it leads out of the data directory"),
            Refusal::NotRegular(kind) => write!(f, "it is {kind}, not a regular file"),
            Refusal::TooLarge { size, limit } => {
                write!(
                    f,
                    "it holds at least {size} bytes, over the limit of {limit}"
                )
            }
            Refusal::Io(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<std::io::Error> for Refusal {
    fn from(error: std::io::Error) -> Refusal {
        Refusal::Io(error)
    }
}

/// The data directory with every symbolic link resolved, against which
/// resolved file paths are compared.
pub(super) fn resolved_root(data_dir: &Path) -> PathBuf {
    data_dir
        .canonicalize()
        .unwrap_or_else(|_| data_dir.to_owned())
}

/// Reads `path`, which lies under the data directory whose resolved form is
/// `root`, if it resolves inside it, is a regular file and holds at most
/// `limit` bytes.
pub(super) fn read_inside(root: &Path, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let target = path.canonicalize()?;
    if !target.starts_with(root) {
        return Err(Refusal::Outside);
    }
    read_regular(&target, limit)
}

/// Reads `path` if it is a regular file of at most `limit` bytes: never a
/// named pipe, whose read would wait for a writer, nor a device that never
/// ends, nor more than the limit of a file that grows while it is read.
pub(crate) fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    // Checked before opening: opening a FIFO for reading blocks until a
    // writer comes, and /dev/zero never ends.
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(Refusal::NotRegular(describe(&metadata.file_type())));
    }
    let file = open_without_blocking(path)?;
    // The path may have been replaced between the check and the open: the
    // opened file is what counts.
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(Refusal::NotRegular(describe(&metadata.file_type())));
    }
    if metadata.len() > limit {
        return Err(Refusal::TooLarge {
            size: metadata.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // One byte past the limit tells a file that grew while being read.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

fn describe(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_outside_special_or_too_large() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(dir.path().join("secret.env"), "PASSWORD=x\n").unwrap();
        std::fs::write(data.join("small.toml"), "a = 1\n").unwrap();
        let root = resolved_root(&data);
        assert_eq!(
            read_inside(&root, &data.join("small.toml"), 100).unwrap(),
            b"a = 1\n"
        );
        assert!(matches!(
            read_inside(&root, &data.join("small.toml"), 3),
            Err(Refusal::TooLarge { size: 6, limit: 3 })
        ));
        assert!(matches!(
            read_inside(&root, &data, 100),
            Err(Refusal::NotRegular("a directory"))
        ));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("../secret.env", data.join("link.toml")).unwrap();
            assert!(matches!(
                read_inside(&root, &data.join("link.toml"), 100),
                Err(Refusal::Outside)
            ));
            std::os::unix::fs::symlink("small.toml", data.join("inside.toml")).unwrap();
            assert!(read_inside(&root, &data.join("inside.toml"), 100).is_ok());
            assert!(matches!(
                read_inside(&root, Path::new("/dev/zero"), 100),
                Err(Refusal::Outside)
            ));
            let inside_dev = resolved_root(Path::new("/dev"));
            assert!(matches!(
                read_inside(&inside_dev, Path::new("/dev/zero"), 100),
                Err(Refusal::NotRegular("a device"))
            ));
        }
    }
}
