//! The errors newsdex reports. Every one of them ends a command with exit status 2 and a
//! one-line message that names the problem and the input it is about; [`Error::is_user_error`]
//! tells mistakes in what the user asked for apart from faults of the machine or the index.

use std::path::PathBuf;

use crate::date::DateError;
use crate::query::QueryError;

/// Result of newsdex operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can stop a newsdex command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The query does not parse.
    #[error("{0}")]
    Query(#[from] QueryError),
    /// A date bound does not parse.
    #[error("{0}")]
    Date(#[from] DateError),
    /// An argument is out of range or contradicts another.
    #[error("{0}")]
    Usage(String),
    /// There is no index where one was expected.
    #[error("no index at {}: build one with `newsdex index DIR --index {}`", .0.display(), .0.display())]
    NoIndex(PathBuf),
    /// The folder exists but holds something other than a newsdex index.
    #[error("{} is not a newsdex index ({reason}); choose another --index folder", .path.display())]
    NotAnIndex {
        /// The folder.
        path: PathBuf,
        /// Why it is not ours.
        reason: String,
    },
    /// The index was written under another schema version.
    #[error(
        "the index at {} was written by an incompatible version of newsdex ({found}; this version needs schema {expected}); run `newsdex index --rebuild`",
        .path.display()
    )]
    Incompatible {
        /// The folder.
        path: PathBuf,
        /// What it holds.
        found: String,
        /// The schema version this build reads.
        expected: u32,
    },
    /// Another process holds the index writer lock.
    #[error("the index at {} is being updated by another process; try again when it has finished", .0.display())]
    Locked(PathBuf),
    /// Index files are missing or corrupt.
    #[error("index damaged ({0}); re-run `newsdex index --rebuild`")]
    Damaged(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// Tantivy failed for another reason.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl Error {
    /// True when the user asked for something that cannot be done as asked (as opposed to a
    /// fault of the machine or of the index).
    pub fn is_user_error(&self) -> bool {
        matches!(self, Error::Query(_) | Error::Date(_) | Error::Usage(_) | Error::NoIndex(_))
    }

    /// An I/O error about a path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}
