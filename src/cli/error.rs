//! The one way a command fails, as `just` does it: every command returns
//! [`Result`], and [`Error::code`] is the exit code, so that the same
//! error ends every command the same way.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success; also a closed stdout (`kg ... \| head`) |
//! | 1 | invalid data, a name the data does not have, data a format cannot hold, a failed check |
//! | 2 | usage, unreadable files or directories, I/O |
//!
//! `kg diff` alone uses 1 for "the two sides differ", as diff(1) does, so
//! invalid data there exits 2 ([`Error::NotCompared`]).

use kgraph::query::QueryError;

/// What a command returns.
pub(crate) type Result<T = ()> = std::result::Result<T, Error>;

/// Why a command did not succeed.
#[derive(Debug)]
pub(crate) enum Error {
    /// The data is invalid; its diagnostics are already printed.
    InvalidData,
    /// Data files could not be read; their diagnostics are already printed.
    UnreadableData,
    /// A check failed (`--check`, `--strict`, `--deny-warnings`) or input
    /// was refused (`kg import`, `kg source add`); what failed is already
    /// printed.
    Failed,
    /// `kg diff` could not compare: one side is invalid data, already
    /// reported. Exit 2, since 1 means the sides differ.
    NotCompared,
    /// A name the data does not have: an entity, kind, relation type or
    /// source.
    Unknown(QueryError),
    /// Data that an export format cannot represent.
    Unexportable(anyhow::Error),
    /// stdout was closed by its reader: the command ends quietly.
    BrokenPipe,
    /// A usage error, or a file, directory or program that failed.
    Other(anyhow::Error),
}

impl Error {
    /// The exit code (see the module docs).
    pub(crate) fn code(&self) -> u8 {
        match self {
            Error::BrokenPipe => 0,
            Error::InvalidData | Error::Failed | Error::Unknown(_) | Error::Unexportable(_) => 1,
            Error::UnreadableData | Error::NotCompared | Error::Other(_) => 2,
        }
    }

    /// The error for data whose diagnostics `report` holds: unreadable if
    /// any file could not be read, else invalid.
    pub(crate) fn from_report(report: &kgraph::Report) -> Error {
        if report.has_io_errors() {
            Error::UnreadableData
        } else {
            Error::InvalidData
        }
    }

    /// The one line to print on stderr, if the error has not been reported
    /// already. Names and paths may come from the data: escaped, never raw.
    pub(crate) fn message(&self) -> Option<String> {
        let text = match self {
            Error::InvalidData
            | Error::UnreadableData
            | Error::Failed
            | Error::NotCompared
            | Error::BrokenPipe => return None,
            Error::Unknown(error) => error.to_string(),
            Error::Unexportable(error) | Error::Other(error) => format!("{error:#}"),
        };
        Some(format!("error: {}", kgraph::terminal::safe(&text)))
    }
}

/// Usage and I/O errors with context; a closed pipe or an export refusal
/// anywhere in the chain decides the kind.
impl From<anyhow::Error> for Error {
    fn from(error: anyhow::Error) -> Error {
        let kinds = error.chain().filter_map(|cause| {
            // serde_json wraps the write error in its own.
            cause
                .downcast_ref::<std::io::Error>()
                .map(|io| {
                    (
                        io.kind(),
                        io.get_ref()
                            .is_some_and(|inner| inner.is::<kgraph::export::ExportError>()),
                    )
                })
                .or_else(|| {
                    cause
                        .downcast_ref::<serde_json::Error>()
                        .and_then(serde_json::Error::io_error_kind)
                        .map(|kind| (kind, false))
                })
        });
        let mut refused = false;
        for (kind, export_error) in kinds {
            if kind == std::io::ErrorKind::BrokenPipe {
                return Error::BrokenPipe;
            }
            refused |= export_error;
        }
        if refused {
            Error::Unexportable(error)
        } else {
            Error::Other(error)
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Error {
        Error::from(anyhow::Error::from(error))
    }
}

impl From<serde_json::Error> for Error {
    fn from(error: serde_json::Error) -> Error {
        Error::from(anyhow::Error::from(error))
    }
}

/// Library errors that say what failed in their message: I/O or usage.
macro_rules! other_error {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for Error {
            fn from(error: $error) -> Error {
                Error::from(anyhow::Error::new(error))
            }
        }
    )*};
}

other_error!(kgraph::output::OutputError, kgraph::render::RenderError);

impl From<kgraph::export::ExportError> for Error {
    fn from(error: kgraph::export::ExportError) -> Error {
        Error::Unexportable(error.into())
    }
}

impl From<QueryError> for Error {
    fn from(error: QueryError) -> Error {
        Error::Unknown(error)
    }
}

/// `return Err(Error::Other(..))` with a formatted message: a usage error.
macro_rules! bail {
    ($($message:tt)*) => {
        return Err($crate::cli::error::Error::Other(anyhow::anyhow!($($message)*)))
    };
}
pub(crate) use bail;
