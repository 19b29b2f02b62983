//! Marks searched for inside data sections, for what survives stripping or has no section of
//! its own: rustc's `/rustc/<commit>/` panic paths, the Free Pascal banner, the MinGW-w64
//! runtime's message, and ident strings (`GCC: (`...) that PE toolchains merge into `.rdata`.
//!
//! Searching is memchr's SIMD `memmem`, so the cost is reading the section, which the caller
//! bounds.

use crate::detections::{detection, file_evidence, Found};
use crate::idents;
use crate::report::Component;
use crate::source::Source;
use crate::Error;
use memchr::memmem;
use sovstack_inventory::Method;
use std::cell::RefCell;
use std::collections::HashSet;

/// Needles that start an ident string.
const IDENT_NEEDLES: &[&[u8]] = &[b"GCC: (", b"clang version ", b"Linker: ", b"rustc version "];
/// The start of rustc's panic paths (`rust-panic-path`), then 40 hex digits and `/`.
pub(crate) const RUSTC_PATH: &[u8] = b"/rustc/";
/// The MinGW-w64 runtime's message (`mingw-runtime`).
pub(crate) const MINGW_MESSAGE: &str = "Mingw-w64 runtime failure:";
/// Distinct ident strings kept per section; a MinGW `.rdata` repeats one per object file.
const MAX_IDENTS: usize = 64;

/// What to look for.
#[derive(Clone, Copy)]
pub(crate) struct Marks {
    pub rust: bool,
    pub fpc: bool,
    pub mingw: bool,
    pub idents: bool,
}

/// Bytes read at a time by [`scan_section`]: big enough for memmem to run at full speed, small
/// enough to stay in a core's L2 cache between the copy from the page cache and the searches
/// (each mark is its own pass). The buffer is kept per thread, not allocated per chunk.
const CHUNK: u64 = 256 << 10;
/// Overlap between chunks, so a mark straddling a boundary is still seen whole.
const OVERLAP: u64 = 256;

/// Searches `size` bytes of `section` at file offset `at` in chunks, stopping as soon as every
/// mark asked for has been found. Used for ELF and Mach-O read-only data, which runs to tens of
/// megabytes in large libraries; ident strings are not searched this way.
pub(crate) fn scan_section(
    src: &Source<'_>,
    at: u64,
    size: u64,
    section: &str,
    marks: Marks,
    found: &mut Found,
) -> Result<(), Error> {
    thread_local! {
        /// One chunk buffer per thread, kept from file to file: a walk reads hundreds of
        /// megabytes of read-only data, and a fresh buffer per chunk cost as much again in
        /// zeroing and page faults.
        static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    BUF.with(|buf| match buf.try_borrow_mut() {
        Ok(mut buf) => scan_chunks(src, at, size, section, marks, found, &mut buf),
        Err(_) => scan_chunks(src, at, size, section, marks, found, &mut Vec::new()),
    })
}

fn scan_chunks(
    src: &Source<'_>,
    at: u64,
    size: u64,
    section: &str,
    marks: Marks,
    found: &mut Found,
    buf: &mut Vec<u8>,
) -> Result<(), Error> {
    let mut start = 0;
    while start < size {
        let marks = Marks {
            rust: marks.rust && !found.has(Component::Compiler, "rustc"),
            fpc: marks.fpc && !found.has(Component::Compiler, "fpc"),
            mingw: marks.mingw && !found.has(Component::Runtime, "mingw-w64"),
            idents: false,
        };
        if !(marks.rust || marks.fpc || marks.mingw) {
            break;
        }
        let len = CHUNK.min(size - start);
        let data = src.read_reusing(at + start, len, "read-only data", buf)?;
        scan(data, at + start, section, src.path(), marks, found);
        if len < CHUNK {
            break;
        }
        start += len - OVERLAP;
    }
    Ok(())
}

/// Searches `data`, which was read from `section` at file offset `base`.
pub(crate) fn scan(
    data: &[u8],
    base: u64,
    section: &str,
    path: &str,
    marks: Marks,
    found: &mut Found,
) {
    if marks.rust {
        if let Some((off, hash)) = rustc_commit(data) {
            let sig = found.signature("rust-panic-path");
            let field = format!("{section} @ {:#x}", base + off as u64);
            let mut d = detection(
                Component::Compiler,
                "rustc",
                None,
                vec![
                    file_evidence(
                        path,
                        field,
                        format!("/rustc/{hash}/"),
                        Method::KbPattern,
                        sig.confidence,
                    ),
                    sig.evidence(),
                ],
            );
            d.detail = Some(format!("rustc commit {hash}"));
            found.add(d);
        }
    }
    if marks.fpc {
        let sig = found.signature("fpc-banner");
        for i in memmem::find_iter(data, b"FPC ").take(16) {
            let s = String::from_utf8_lossy(&data[i..data.len().min(i + 128)]);
            let s = s.split('\0').next().unwrap_or_default();
            if let Some(caps) = sig.regex.as_ref().and_then(|re| re.captures(s)) {
                let field = format!("{section} @ {:#x}", base + i as u64);
                let banner = caps.get(0).map(|m| m.as_str()).unwrap_or_default();
                let version = caps.get(1).map(|m| m.as_str().to_string());
                let ev = vec![
                    file_evidence(path, field, banner, Method::KbPattern, sig.confidence),
                    sig.evidence(),
                ];
                found.add(detection(Component::Compiler, "fpc", version, ev));
                break;
            }
        }
    }
    if marks.mingw {
        let sig = found.signature("mingw-runtime");
        if let Some(i) = memmem::find(data, MINGW_MESSAGE.as_bytes()) {
            let field = format!("{section} @ {:#x}", base + i as u64);
            let ev = vec![
                file_evidence(
                    path,
                    field,
                    MINGW_MESSAGE,
                    Method::KbPattern,
                    sig.confidence,
                ),
                sig.evidence(),
            ];
            found.add(detection(Component::Runtime, "mingw-w64", None, ev));
        }
    }
    if marks.idents {
        let mut seen = HashSet::new();
        for needle in IDENT_NEEDLES {
            for i in memmem::find_iter(data, needle) {
                if seen.len() >= MAX_IDENTS {
                    break;
                }
                // The ident is the whole NUL-terminated string the needle sits in.
                let start = data[i.saturating_sub(256)..i]
                    .iter()
                    .rposition(|&b| b == 0)
                    .map_or(i.saturating_sub(256), |p| i.saturating_sub(256) + p + 1);
                let end = data[i..]
                    .iter()
                    .take(512)
                    .position(|&b| b == 0)
                    .map_or(data.len().min(i + 512), |p| i + p);
                let s = String::from_utf8_lossy(&data[start..end])
                    .trim()
                    .to_string();
                if seen.insert(s.clone()) {
                    idents::classify(
                        &s,
                        path,
                        format!("{section} @ {:#x}", base + start as u64),
                        found,
                    );
                }
            }
        }
    }
}

/// The first `/rustc/<40 hex>/` path and its offset.
fn rustc_commit(data: &[u8]) -> Option<(usize, String)> {
    let n = RUSTC_PATH.len();
    memmem::find_iter(data, RUSTC_PATH).find_map(|i| {
        let hash = data.get(i + n..i + n + 40)?;
        let ok = hash
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
            && data.get(i + n + 40) == Some(&b'/');
        ok.then(|| (i, String::from_utf8_lossy(hash).into_owned()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: Marks = Marks {
        rust: true,
        fpc: true,
        mingw: true,
        idents: true,
    };

    #[test]
    fn finds_marks() {
        let data = b"junk/rustc/notahash/\0/rustc/82e1608dfa6e0b5569232559e3d385fea5a93112/library/core/src/fmt.rs\0\
FPC 3.2.2 [2021/05/16] for x86_64 - Linux\0Mingw-w64 runtime failure:\n\0xxGCC: (GNU) 13.2.0\0GCC: (GNU) 13.2.0\0";
        let mut f = Found::new(crate::test_marks());
        scan(data, 0x1000, ".rodata", "/f", ALL, &mut f);
        let (d, unattributed) = f.finish();
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.toolchain.as_str(), d.version.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("fpc", Some("3.2.2")),
                ("gcc", Some("13.2.0")),
                ("rustc", None),
                ("mingw-w64", None)
            ]
        );
        let rust = d.iter().find(|d| d.toolchain == "rustc").unwrap();
        assert_eq!(
            rust.detail.as_deref(),
            Some("rustc commit 82e1608dfa6e0b5569232559e3d385fea5a93112")
        );
        assert_eq!(rust.evidence[0].field.as_deref(), Some(".rodata @ 0x1015"));
        let gcc = d.iter().find(|d| d.toolchain == "gcc").unwrap();
        assert_eq!(gcc.evidence[0].value.as_deref(), Some("GCC: (GNU) 13.2.0"));
        // The string is bounded by NULs, not by the needle: "xxGCC: ..." is not an ident and is
        // kept unattributed rather than read as GCC.
        assert_eq!(
            unattributed[0].value.as_deref(),
            Some("xxGCC: (GNU) 13.2.0")
        );
    }

    #[test]
    fn chunks_overlap_and_stop_early() {
        // A mark straddling the first chunk boundary, then another that must not be read.
        let mut data = vec![0u8; (CHUNK * 3) as usize];
        let mark = b"/rustc/82e1608dfa6e0b5569232559e3d385fea5a93112/";
        let at = CHUNK as usize - 20;
        data[at..at + mark.len()].copy_from_slice(mark);
        let src = Source::bytes(&data, "/f", u64::MAX);
        let mut f = Found::new(crate::test_marks());
        let marks = Marks {
            rust: true,
            fpc: false,
            mingw: false,
            idents: false,
        };
        scan_section(&src, 0, data.len() as u64, ".rodata", marks, &mut f).unwrap();
        let (d, _) = f.finish();
        assert_eq!(
            d[0].evidence[0].field.as_deref(),
            Some(&*format!(".rodata @ {at:#x}"))
        );
        // Found in the second chunk; the third was never needed.
        let src = Source::bytes(&data, "/f", 2 * CHUNK);
        let mut f = Found::new(crate::test_marks());
        scan_section(&src, 0, data.len() as u64, ".rodata", marks, &mut f).unwrap();
        assert!(f.has(Component::Compiler, "rustc"));
    }

    #[test]
    fn nothing_in_plain_data() {
        let mut f = Found::new(crate::test_marks());
        scan(&[0u8; 4096], 0, ".rodata", "/f", ALL, &mut f);
        assert!(f.finish().0.is_empty());
    }
}
