//! The JSON report: the [`Report`] serialised as pretty JSON with a final newline. Its fields are
//! documented on the types; maps are ordered and lists kept in evaluation order, so equal
//! reports are equal bytes.

use super::Format;
use crate::Report;
use std::io;

/// JSON renderer.
pub struct Json;

impl Format for Json {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}
