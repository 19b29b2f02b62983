//! The error type of the data side of the crate: a dataset that cannot be read or parsed.
//!
//! Every variant names the file, relative to the data directory, and where it can (CSV, text
//! lists, JSON) the line, so a user can open the file at the fault. DNS failures are not here:
//! they are per-name outcomes, recorded in [`crate::dns::LookupError`].

use std::path::PathBuf;

/// A dataset of the data directory that could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read at all (missing, unreadable).
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file, relative to the data directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A CSV or text line is malformed: bad field count, unknown column, bad value.
    #[error("{path}:{line}: {message}")]
    Line {
        /// The file, relative to the data directory.
        path: PathBuf,
        /// 1-based line number (the header is line 1 in CSV files).
        line: u64,
        /// What is wrong with the line.
        message: String,
    },
    /// A JSON document is malformed or does not have the expected shape.
    #[error("{path}:{line}:{column}: {message}")]
    Json {
        /// The file, relative to the data directory.
        path: PathBuf,
        /// 1-based line of the fault (0 when serde_json could not tell).
        line: usize,
        /// 1-based column of the fault.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A value inside a well-formed JSON document is wrong (a bad CIDR, say); `at` says where.
    #[error("{path}: {at}: {message}")]
    Value {
        /// The file, relative to the data directory.
        path: PathBuf,
        /// A JSON-pointer-like location, e.g. `prefixes[12].ip_prefix`.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// A MaxMind DB file is corrupt or has an unexpected schema.
    #[error("{path}: bad MaxMind DB: {message}")]
    Mmdb {
        /// The file, relative to the data directory.
        path: PathBuf,
        /// The reader's complaint.
        message: String,
    },
}

impl Error {
    /// The file, relative to the data directory, that this error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Error::Io { path, .. }
            | Error::Line { path, .. }
            | Error::Json { path, .. }
            | Error::Value { path, .. }
            | Error::Mmdb { path, .. } => path,
        }
    }

    pub(crate) fn line(path: &std::path::Path, line: u64, message: impl Into<String>) -> Self {
        Error::Line {
            path: path.to_owned(),
            line,
            message: message.into(),
        }
    }

    pub(crate) fn json(path: &std::path::Path, err: &serde_json::Error) -> Self {
        Error::Json {
            path: path.to_owned(),
            line: err.line(),
            column: err.column(),
            message: err.to_string(),
        }
    }

    pub(crate) fn value(
        path: &std::path::Path,
        at: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Value {
            path: path.to_owned(),
            at: at.into(),
            message: message.into(),
        }
    }
}
