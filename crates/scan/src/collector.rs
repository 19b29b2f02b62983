//! The [`Collector`] trait every layer implements, and [`ScanOut`], where collectors put their
//! items and diagnostics.
//!
//! A collector reads only through the [`Root`] it is given and consults the live host only
//! through the [`LiveHost`] it is given (present exactly when the root is the host's `/`). It
//! never fails: a file that is missing, unreadable or malformed becomes a diagnostic and the
//! collector reports what it could still establish, so one bad file never hides the rest of
//! a scan. The list of collectors, each built from its own layer's options, is in
//! `layers/mod.rs`; this module knows no layer.

use crate::codes;
use crate::live::LiveHost;
use crate::root::{warning, ReadError, Root, RootFile};
use sovstack_binary::walk::Progress as WalkProgress;
use sovstack_inventory::{Diagnostic, Evidence, Guest, Layers};
use sovstack_kb::{DmiField, Kb};
use std::collections::BTreeMap;

/// One layer's collector, built from that layer's options (`layers/mod.rs`), which it owns.
pub(crate) trait Collector: Sync {
    /// Collects its layer into `out.layers`.
    fn collect(&self, cx: &Context<'_>, out: &mut ScanOut);
}

/// What every collector may use, whatever its layer.
pub(crate) struct Context<'a> {
    /// The scanned tree, the only way to read its files.
    pub root: &'a Root,
    /// The knowledge base.
    pub kb: &'a Kb,
    /// The live host's own interfaces, `Some` only when scanning the live host.
    pub live: Option<&'a LiveHost>,
    /// Told how a long step goes (from several threads).
    pub progress: &'a (dyn Fn(Progress) + Sync),
}

/// How a long step of a scan is going, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The `toolchain` walk's counts (for the path being walked).
    Walk(WalkProgress),
    /// `--import`: `done` of `total` files read.
    Import {
        /// Files read, imported or skipped.
        done: usize,
        /// Files found under the paths given.
        total: usize,
    },
    /// The `network` layer's DNS resolution: `done` of `total` endpoints resolved.
    Resolve {
        /// Endpoints whose queries have all finished, answered or not.
        done: usize,
        /// Endpoints to resolve.
        total: usize,
    },
}

/// What collectors produce.
#[derive(Debug, Default)]
pub(crate) struct ScanOut {
    /// Layer sections; each collector fills its own.
    pub layers: Layers,
    /// Problems met, in the order they were met.
    pub diagnostics: Vec<Diagnostic>,
    /// The machine's SMBIOS strings and guest-ness, read by the first collector that asks
    /// ([`ScanOut::machine`]).
    pub machine: Option<Machine>,
}

impl ScanOut {
    /// Records a warning about a file inside the root.
    pub fn warn(&mut self, code: &str, path: &str, message: String) {
        self.diagnostics.push(warning(code, message, path));
    }

    /// Records a failed read. `missing_code` is the code for an absent file, or `None` when
    /// absence is normal for this file and deserves no diagnostic.
    pub fn read_failed(&mut self, err: &ReadError, missing_code: Option<&str>) {
        if let ReadError::NotFound {
            clamped: true,
            path,
        } = err
        {
            self.escaped(path);
        }
        match (err.is_not_found(), missing_code) {
            (true, None) => {}
            (_, code) => self
                .diagnostics
                .push(err.to_diagnostic(code.unwrap_or(codes::UNREADABLE_FILE))),
        }
    }

    /// The text of a file read through the root, recording what was odd about the read: a
    /// clamped `..`, truncation at the size cap (the cut last line is dropped, so a parser
    /// never sees half a line), bytes that are not UTF-8 (replaced, so parsers still see the
    /// readable lines).
    pub fn text(&mut self, file: &RootFile) -> String {
        if file.clamped {
            self.escaped(&file.path);
        }
        let mut bytes = file.bytes.as_slice();
        if file.truncated {
            self.warn(
                codes::FILE_TOO_LARGE,
                &file.path,
                format!(
                    "{}: larger than {} bytes; only the lines before that were read",
                    file.path,
                    bytes.len()
                ),
            );
            let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            bytes = &bytes[..end];
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                self.warn(
                    codes::INVALID_UTF8,
                    &file.path,
                    format!(
                        "{}:{line}: bytes that are not UTF-8 were replaced",
                        file.path
                    ),
                );
                String::from_utf8_lossy(bytes).into_owned()
            }
        }
    }

    /// Records that a read was held at the root (a `..` or link led above it).
    pub(crate) fn escaped(&mut self, path: &str) {
        self.warn(
            codes::PATH_ESCAPES_ROOT,
            path,
            format!("{path}: a `..` or symbolic link led above the root; it was held at the root"),
        );
    }
}

/// What the scan read of the machine (`machine`'s business: [`ScanOut::machine`]).
#[derive(Debug, Clone, Default)]
pub(crate) struct Machine {
    /// Each DMI string read (trimmed, not blank) with the evidence of its read.
    pub dmi: BTreeMap<DmiField, (String, Evidence)>,
    /// Set when the machine is a hypervisor's guest.
    pub guest: Option<Guest>,
}

impl Machine {
    /// One DMI string and its evidence.
    pub fn dmi(&self, field: DmiField) -> Option<&(String, Evidence)> {
        self.dmi.get(&field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(bytes: &[u8], truncated: bool, clamped: bool) -> RootFile {
        RootFile {
            path: "/f".into(),
            bytes: bytes.to_vec(),
            truncated,
            clamped,
        }
    }

    #[test]
    fn text_records_what_was_odd() {
        // (bytes, truncated, clamped, expected text, expected codes)
        type Row<'a> = (&'a [u8], bool, bool, &'a str, &'a [&'a str]);
        let table: &[Row] = &[
            (b"a\nb\n", false, false, "a\nb\n", &[]),
            (
                b"a\nb\nhalf a li",
                true,
                false,
                "a\nb\n",
                &[codes::FILE_TOO_LARGE],
            ),
            (
                b"no newline at all",
                true,
                false,
                "",
                &[codes::FILE_TOO_LARGE],
            ),
            (
                b"ok\n\xff\xfe\n",
                false,
                false,
                "ok\n\u{fffd}\u{fffd}\n",
                &[codes::INVALID_UTF8],
            ),
            (b"x", false, true, "x", &[codes::PATH_ESCAPES_ROOT]),
            // A multi-byte character cut by the cap is dropped with its line, not reported.
            (b"a\n\xe4\xb8", true, false, "a\n", &[codes::FILE_TOO_LARGE]),
        ];
        for (bytes, truncated, clamped, text, want) in table {
            let mut out = ScanOut::default();
            assert_eq!(out.text(&file(bytes, *truncated, *clamped)), *text);
            let got: Vec<_> = out.diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert_eq!(got, *want, "{bytes:?}");
        }
        let mut out = ScanOut::default();
        out.text(&file(b"1\n2\n\xff", false, false));
        assert_eq!(
            out.diagnostics[0].message,
            "/f:3: bytes that are not UTF-8 were replaced"
        );
    }

    #[test]
    fn read_failures() {
        let missing = |clamped| ReadError::NotFound {
            path: "/p".into(),
            clamped,
        };
        let loop_ = ReadError::SymlinkLoop { path: "/p".into() };
        // (error, missing code, expected codes)
        let table: Vec<(ReadError, Option<&str>, Vec<&str>)> = vec![
            (missing(false), None, vec![]),
            (
                missing(false),
                Some(crate::layers::processor::codes::MISSING_CPUINFO),
                vec![crate::layers::processor::codes::MISSING_CPUINFO],
            ),
            (missing(true), None, vec![codes::PATH_ESCAPES_ROOT]),
            (
                missing(true),
                Some(crate::layers::os::codes::MISSING_OS_RELEASE),
                vec![
                    codes::PATH_ESCAPES_ROOT,
                    crate::layers::os::codes::MISSING_OS_RELEASE,
                ],
            ),
            (loop_, None, vec![codes::SYMLINK_LOOP]),
        ];
        for (err, missing_code, want) in table {
            let mut out = ScanOut::default();
            out.read_failed(&err, missing_code);
            let got: Vec<_> = out.diagnostics.iter().map(|d| d.code.as_str()).collect();
            assert_eq!(got, want, "{err:?}");
        }
    }
}
