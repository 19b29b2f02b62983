//! A file of the cable pack that cannot be used: every variant names the file (relative to the
//! pack's directory) and, where it can, the line and the field.

/// A dataset of the cable pack that could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read (missing, unreadable).
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file, relative to the pack's directory.
        path: String,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A line of a CSV table is malformed, or a value in it is wrong.
    #[error("{path}:{line}: {message}")]
    Line {
        /// The file, relative to the pack's directory.
        path: String,
        /// 1-based line (the header is line 1).
        line: u64,
        /// What is wrong, naming the field.
        message: String,
    },
    /// A JSON document is malformed or does not have the expected shape.
    #[error("{path}:{line}:{column}: {message}")]
    Json {
        /// The file, relative to the pack's directory.
        path: String,
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A value inside a well-formed JSON document is wrong; `at` says where.
    #[error("{path}: {at}: {message}")]
    Value {
        /// The file, relative to the pack's directory.
        path: String,
        /// Where in the document (`cables[12] (2africa).landing_points[3].country`).
        at: String,
        /// What is wrong.
        message: String,
    },
    /// The file's bytes are not the ones the manifest lists.
    #[error("{path}: sha256 {actual} differs from the manifest's {expected}: the file is corrupt or was changed without updating MANIFEST.csv")]
    Digest {
        /// The file, relative to the pack's directory.
        path: String,
        /// The manifest's sha256.
        expected: String,
        /// The file's.
        actual: String,
    },
}

impl Error {
    pub(crate) fn line(path: &str, line: u64, message: impl Into<String>) -> Error {
        Error::Line {
            path: path.to_string(),
            line,
            message: message.into(),
        }
    }
}
