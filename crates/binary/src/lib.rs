//! Which compilers, linkers and C libraries built an executable or library, told from the file
//! itself, with the evidence for each answer.
//!
//! [`detect_file`] reads an ELF, PE or Mach-O file (fat/universal included) sparsely: the headers,
//! then only the sections that carry toolchain marks (`.comment`, `.go.buildinfo`, `.dep-v0`, the
//! dynamic table, the Rich header, `LC_BUILD_VERSION`...), never more than a per-file cap. Each
//! [`Detection`] names a toolchain by its id in the knowledge base (`gcc`, `rustc`) and carries
//! [`Evidence`]: the section or header, the string read and its file offset, how it was
//! interpreted (the `kb:toolchain/...` row used) and how sure we are. What each mark means comes
//! from the knowledge base's [`ToolchainMarks`] (`sovstack_kb::Kb::toolchain_marks`), handed in
//! by the caller; who stewards a toolchain, and under which licence, is not this crate's
//! business (`sovstack_kb::Kb::toolchain`). A stripped or unknown binary yields no compiler
//! detection: it is reported as unknown, never guessed.
//!
//! [`walk`] walks a tree in parallel and [`Tally`] aggregates the reports ("61% GCC 12").
//!
//! This crate does not build inventory items, load rulesets or print anything: the scan layer
//! and the CLI do that with what it returns.
//!
//! ```
//! use sovstack_binary::{detect_bytes, detect_file, Component, Format};
//!
//! let kb = sovstack_kb::Kb::builtin().unwrap();
//! let marks = kb.toolchain_marks();
//! // Text is not a binary.
//! assert!(detect_bytes(marks, b"#!/bin/sh", "/demo").unwrap().is_none());
//!
//! // This doctest's own executable was linked by the Rust toolchain.
//! let me = std::env::current_exe().unwrap();
//! let report = detect_file(marks, &me, "/self", &Default::default()).unwrap().unwrap();
//! assert_eq!(report.format, Format::Elf);
//! for d in &report.detections {
//!     // Each detection says where it was read: `.comment @ 0x…`, `PT_INTERP @ 0x…`...
//!     assert!(!d.evidence.is_empty());
//! }
//! if let Some(compiler) = report.primary_compiler() { // None would mean "unknown"
//!     assert!(kb.toolchain(&compiler.toolchain).is_some());
//! }
//! let _ = Component::Compiler;
//! ```

#![deny(missing_docs)]

/// The diagnostic codes this crate emits (besides `scan/unreadable-file`, the scanner's, for a
/// file that cannot be read).
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        OVER_CAP = "toolchain/over-cap": "a binary is larger than the per-file cap and was not read",
        MALFORMED_BINARY = "toolchain/malformed-binary": "a file with an ELF, PE or Mach-O signature whose structure is broken or truncated",
    }
}
mod detections;
mod idents;
mod parse_dep_v0;
mod parse_dotnet;
mod parse_elf;
mod parse_elf_dynamic;
mod parse_go_buildinfo;
mod parse_go_pclntab;
mod parse_macho;
mod parse_pe;
mod parse_rich_header;
mod report;
mod scan_rodata;
mod source;
mod tally;
pub mod walk;

pub use report::{BinaryReport, Component, Detection, Format, Platform, RichEntry};
pub use sovstack_inventory::{Confidence, Evidence, Method};
pub use sovstack_kb::ToolchainMarks;
pub use tally::{Share, Tally};
pub use walk::{walk, Progress, WalkOptions, WalkOutcome, NEVER_BINARY_EXTENSIONS};

use source::Source;
use std::fs::File;
use std::path::Path;
#[cfg(test)]
use std::sync::OnceLock;

/// The default cap on bytes read from one file: 256 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 256 << 20;

/// How much [`detect_file`] may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DetectOptions {
    /// Bytes read from one file at most, all reads together. Reading past it makes the file
    /// [`Error::OverCap`] rather than a partial answer.
    pub max_bytes: u64,
    /// Also search read-only data (`.rodata`, `.rdata`, `__TEXT,__const`) for marks that survive
    /// stripping (rustc's `/rustc/<commit>/` panic paths, the Free Pascal banner). It is the one
    /// read that grows with the program's size.
    pub scan_rodata: bool,
}

impl Default for DetectOptions {
    fn default() -> Self {
        DetectOptions {
            max_bytes: DEFAULT_MAX_BYTES,
            scan_rodata: true,
        }
    }
}

/// Errors met reading one file. [`Error::code`] gives the diagnostic code a scan records.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file, as shown to the user.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A header points past the end of the file.
    #[error("{path}: {what} at offset {offset:#x} (+{len} bytes) lies beyond the end of the file ({file_len} bytes)")]
    Truncated {
        /// The file.
        path: String,
        /// What was being read.
        what: &'static str,
        /// Its offset.
        offset: u64,
        /// Its length.
        len: u64,
        /// The file's length.
        file_len: u64,
    },
    /// Reading what the headers point to would pass [`DetectOptions::max_bytes`].
    #[error("{path}: reading {what} ({len} bytes) would pass the cap of {cap} bytes per file")]
    OverCap {
        /// The file.
        path: String,
        /// What was being read.
        what: &'static str,
        /// Its length.
        len: u64,
        /// The cap.
        cap: u64,
    },
    /// The structure is inconsistent.
    #[error("{path}: malformed {format}: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// Its format.
        format: Format,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// The stable diagnostic code for this error: `scan/unreadable-file` when the file could
    /// not be read, `toolchain/over-cap` when it is too large to read within the cap, and
    /// `toolchain/malformed-binary` when its structure is broken.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Io { .. } => "scan/unreadable-file",
            Error::OverCap { .. } => codes::OVER_CAP,
            Error::Truncated { .. } | Error::Malformed { .. } => codes::MALFORMED_BINARY,
        }
    }

    /// The file the error is about.
    pub fn path(&self) -> &str {
        match self {
            Error::Io { path, .. }
            | Error::Truncated { path, .. }
            | Error::OverCap { path, .. }
            | Error::Malformed { path, .. } => path,
        }
    }
}

/// The format the first bytes of a file announce, if any. Cheap: a walk calls it before
/// reading anything else. Java class files share Mach-O fat's `CAFEBABE` magic; they are told
/// apart by the architecture count, which a class file's version makes implausibly large.
pub fn sniff(magic: &[u8]) -> Option<Format> {
    let m4 = magic.get(..4)?;
    match m4 {
        [0x7f, b'E', b'L', b'F'] => Some(Format::Elf),
        [0xfe, 0xed, 0xfa, 0xce]
        | [0xce, 0xfa, 0xed, 0xfe]
        | [0xfe, 0xed, 0xfa, 0xcf]
        | [0xcf, 0xfa, 0xed, 0xfe] => Some(Format::MachO),
        [0xca, 0xfe, 0xba, 0xbe] | [0xca, 0xfe, 0xba, 0xbf] => {
            let n = u32::from_be_bytes(magic.get(4..8)?.try_into().ok()?);
            // A class file has its minor and major version here (major ≥ 45); a fat header has
            // the number of architectures, a handful.
            (n > 0 && n < 45).then_some(Format::MachOFat)
        }
        [b'M', b'Z', ..] => Some(Format::Pe),
        _ => None,
    }
}

/// Detects the toolchains of a file held in memory, reading its marks with `marks` (the
/// knowledge base's [`sovstack_kb::Kb::toolchain_marks`]). `shown_as` is the path used in
/// evidence and errors. Returns `Ok(None)` when the bytes are not ELF, PE or Mach-O.
pub fn detect_bytes(
    marks: &ToolchainMarks,
    bytes: &[u8],
    shown_as: &str,
) -> Result<Option<BinaryReport>, Error> {
    let src = Source::bytes(bytes, shown_as, DEFAULT_MAX_BYTES);
    detect_source(marks, &src, &DetectOptions::default())
}

/// Detects the toolchains of the file at `path` with `marks`, reading at most
/// `options.max_bytes` of it. `shown_as` is the path used in evidence and errors (the path
/// inside a scanned root). Returns `Ok(None)` when the file is not ELF, PE or Mach-O.
pub fn detect_file(
    marks: &ToolchainMarks,
    path: &Path,
    shown_as: &str,
    options: &DetectOptions,
) -> Result<Option<BinaryReport>, Error> {
    let file = File::open(path).map_err(|source| Error::Io {
        path: shown_as.to_string(),
        source,
    })?;
    detect_open_file(marks, &file, shown_as, options)
}

/// [`detect_file`] on a file already open (the walk opens files relative to their directory,
/// without following links).
pub fn detect_open_file(
    marks: &ToolchainMarks,
    file: &File,
    shown_as: &str,
    options: &DetectOptions,
) -> Result<Option<BinaryReport>, Error> {
    let io = |source| Error::Io {
        path: shown_as.to_string(),
        source,
    };
    // Sniff before anything else: most files in a tree are not binaries, and for them this
    // costs one read and no stat.
    let mut magic = [0u8; 8];
    let n = read_up_to(file, &mut magic).map_err(io)?;
    if sniff(&magic[..n]).is_none() {
        return Ok(None);
    }
    detect_sniffed_file(marks, file, shown_as, options)
}

/// The rest of [`detect_open_file`] once the caller has sniffed the magic bytes itself (the
/// walk does, with one `pread` into a stack buffer): `fstat` for the length, then the parsers.
pub(crate) fn detect_sniffed_file(
    marks: &ToolchainMarks,
    file: &File,
    shown_as: &str,
    options: &DetectOptions,
) -> Result<Option<BinaryReport>, Error> {
    let len = file
        .metadata()
        .map_err(|source| Error::Io {
            path: shown_as.to_string(),
            source,
        })?
        .len();
    let src = Source::file(file, len, shown_as, options.max_bytes);
    detect_source(marks, &src, options)
}

fn read_up_to(mut file: &File, buf: &mut [u8]) -> std::io::Result<usize> {
    use std::io::Read;
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn detect_source(
    marks: &ToolchainMarks,
    src: &Source<'_>,
    options: &DetectOptions,
) -> Result<Option<BinaryReport>, Error> {
    let magic = src.read_prefix(0, 8, "magic bytes")?;
    let Some(format) = sniff(&magic) else {
        return Ok(None);
    };
    let report = match format {
        Format::Elf => parse_elf::detect(src, marks, options)?,
        Format::Pe => match parse_pe::detect(src, marks, options)? {
            Some(r) => r,
            // "MZ" alone is a DOS program or a text file that happens to start so.
            None => return Ok(None),
        },
        Format::MachO | Format::MachOFat => parse_macho::detect(src, format, marks, options)?,
    };
    Ok(Some(report))
}

/// The built-in knowledge base's marks, loaded once for the unit tests.
#[cfg(test)]
pub(crate) fn test_marks() -> &'static ToolchainMarks {
    static KB: OnceLock<sovstack_kb::Kb> = OnceLock::new();
    KB.get_or_init(|| sovstack_kb::Kb::builtin().expect("the built-in knowledge base loads"))
        .toolchain_marks()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_table() {
        let cases: &[(&[u8], Option<Format>)] = &[
            (b"\x7fELF\x02\x01\x01\x00", Some(Format::Elf)),
            (b"MZ\x90\x00\x03\x00\x00\x00", Some(Format::Pe)),
            (b"\xcf\xfa\xed\xfe\x0c\x00\x00\x01", Some(Format::MachO)),
            (b"\xce\xfa\xed\xfe\x07\x00\x00\x00", Some(Format::MachO)),
            (b"\xca\xfe\xba\xbe\x00\x00\x00\x02", Some(Format::MachOFat)),
            // A Java class file, version 52 (Java 8).
            (b"\xca\xfe\xba\xbe\x00\x00\x00\x34", None),
            (b"#!/bin/sh\n", None),
            (b"\x7fEL", None),
            (b"", None),
        ];
        for (magic, want) in cases {
            assert_eq!(sniff(magic), *want, "{magic:?}");
        }
    }

    #[test]
    fn text_is_not_a_binary() {
        assert!(
            detect_bytes(test_marks(), b"MZ is how this text starts", "/t")
                .unwrap()
                .is_none()
        );
        assert!(detect_bytes(test_marks(), b"", "/t").unwrap().is_none());
    }

    /// Every signature row and toolchain the code names (`signature("…")`, `detection(Component::…,
    /// "…")`, the Mach-O tool map) is in the knowledge base: a renamed row fails here, not as a
    /// panic or an unattributable detection during a scan.
    #[test]
    fn ids_named_by_the_code_are_in_the_knowledge_base() {
        let kb = sovstack_kb::Kb::builtin().unwrap();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let signature = regex::Regex::new(r#"signature\("([a-z0-9-]+)"\)"#).unwrap();
        let toolchain = regex::Regex::new(r#"Component::[A-Za-z]+,\s*"([a-z0-9-]+)""#).unwrap();
        let (mut signatures, mut toolchains) = (
            vec!["glibc-interp", "musl-interp"]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>(),
            Vec::new(),
        );
        for f in std::fs::read_dir(src).unwrap() {
            let text = std::fs::read_to_string(f.unwrap().path()).unwrap();
            signatures.extend(signature.captures_iter(&text).map(|c| c[1].to_string()));
            toolchains.extend(toolchain.captures_iter(&text).map(|c| c[1].to_string()));
        }
        assert!(
            signatures.len() > 20 && toolchains.len() > 10,
            "{signatures:?} {toolchains:?}"
        );
        for id in &signatures {
            assert!(
                kb.toolchain_marks().signature(id).is_some(),
                "signature `{id}` is not in kb:toolchain/binary-signatures.csv"
            );
        }
        // Named outside a `Component::…, "…"` pair: Apple's numbering of tool 1 (parse_macho).
        toolchains.push("apple-clang".to_string());
        for id in &toolchains {
            assert!(
                kb.toolchain(id).is_some(),
                "toolchain `{id}` is not in kb:toolchain/toolchains.csv"
            );
        }
        for s in kb
            .toolchain_marks()
            .signatures()
            .iter()
            .filter(|s| !s.toolchain.is_empty())
        {
            assert!(kb.toolchain(&s.toolchain).is_some(), "{}", s.id);
        }
    }

    /// The bytes the code searches for are the `literal` rows' patterns (`\xNN` escapes decoded).
    #[test]
    fn literals_searched_for_are_the_knowledge_base_rows() {
        fn unescape(p: &str) -> Vec<u8> {
            let (mut out, b) = (Vec::new(), p.as_bytes());
            let mut i = 0;
            while i < b.len() {
                if b[i..].starts_with(b"\\x") {
                    out.push(u8::from_str_radix(&p[i + 2..i + 4], 16).unwrap());
                    i += 4;
                } else {
                    out.push(b[i]);
                    i += 1;
                }
            }
            out
        }
        let used: [(&str, &[u8]); 6] = [
            ("glibc-needed", parse_elf::GLIBC_SONAME.as_bytes()),
            ("mingw-runtime", scan_rodata::MINGW_MESSAGE.as_bytes()),
            ("rust-panic-path", scan_rodata::RUSTC_PATH),
            ("swift-sections", parse_macho::SWIFT_SECTIONS.as_bytes()),
            ("go-buildinfo", parse_go_buildinfo::MAGIC),
            ("go-modinfo", parse_go_pclntab::MODINFO_START),
        ];
        for (id, bytes) in used {
            let sig = test_marks().signature(id).unwrap();
            assert!(sig.regex.is_none(), "{id}");
            assert_eq!(unescape(&sig.pattern), bytes, "{id}");
        }
    }

    #[test]
    fn error_codes() {
        let e = Error::Malformed {
            path: "/x".into(),
            format: Format::Elf,
            message: "m".into(),
        };
        assert_eq!(e.code(), "toolchain/malformed-binary");
        assert_eq!(e.path(), "/x");
        let e = Error::Io {
            path: "/y".into(),
            source: std::io::Error::other("denied"),
        };
        assert_eq!(e.code(), "scan/unreadable-file");
    }
}
