//! Output formats. Each writes a whole [`Report`] to any `io::Write`; adding one means a module
//! here and a line in [`FormatKind`].

mod json;
mod table;

pub use json::Json;
pub use table::{Table, TableOptions, DEFAULT_WIDTH};

use crate::Report;
use std::io;

/// A way to render a report.
pub trait Format {
    /// Writes the report.
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()>;
}

/// The formats the CLI offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatKind {
    /// Tables for people.
    Table,
    /// The JSON document for machines.
    Json,
}

impl FormatKind {
    /// The renderer; `table` says how tables are drawn (JSON ignores it).
    pub fn renderer(self, table: TableOptions) -> Box<dyn Format> {
        match self {
            FormatKind::Table => Box::new(Table { options: table }),
            FormatKind::Json => Box::new(Json),
        }
    }
}
