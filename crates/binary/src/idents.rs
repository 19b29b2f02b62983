//! Ident strings: the NUL-separated compiler and linker banners in ELF `.comment` (and the same
//! strings where PE and Mach-O toolchains leave them), classified by the regex rows of
//! `kb:toolchain/binary-signatures.csv` in file order, first match wins.
//!
//! A string no row recognises is kept as unattributed evidence rather than guessed at.

use crate::detections::{file_evidence, Found};
use sovstack_inventory::{Confidence, Method};
use sovstack_kb::Signature;

/// The longest ident string kept; real ones are under 200 bytes.
const MAX_IDENT: usize = 512;

/// Splits a `.comment`-style section into its strings with their offsets in the section.
pub(crate) fn split(bytes: &[u8]) -> impl Iterator<Item = (usize, String)> + '_ {
    let mut off = 0;
    bytes.split(|&b| b == 0).filter_map(move |s| {
        let start = off;
        off += s.len() + 1;
        let t = String::from_utf8_lossy(&s[..s.len().min(MAX_IDENT)])
            .trim()
            .to_string();
        (!t.is_empty()).then_some((start, t))
    })
}

/// Classifies one ident string found at `field` (`.comment @ 0x1c`). Returns whether a row
/// recognised it.
pub(crate) fn classify(ident: &str, path: &str, field: String, found: &mut Found) -> bool {
    classify_among(found.marks().ident_signatures(), ident, path, field, found)
}

/// Classifies a string with one named row (the gold note's text).
pub(crate) fn classify_with(
    text: &str,
    id: &str,
    path: &str,
    field: String,
    found: &mut Found,
) -> bool {
    classify_among(
        std::iter::once(found.signature(id)),
        text,
        path,
        field,
        found,
    )
}

fn classify_among<'t>(
    sigs: impl Iterator<Item = &'t Signature>,
    ident: &str,
    path: &str,
    field: String,
    found: &mut Found,
) -> bool {
    for sig in sigs {
        let Some(re) = &sig.regex else { continue };
        let Some(caps) = re.captures(ident) else {
            continue;
        };
        let group = |g: Option<usize>| g.and_then(|g| caps.get(g)).map(|m| m.as_str().to_string());
        let Some(component) = sig.component else {
            continue;
        };
        let mut d = crate::detections::detection(
            component,
            &sig.toolchain,
            group(sig.version_group),
            vec![
                file_evidence(path, field, ident, Method::KbPattern, sig.confidence),
                sig.evidence(),
            ],
        );
        d.vendor = group(sig.vendor_group).filter(|v| !v.is_empty());
        found.add(d);
        return true;
    }
    found.unattributed.push(file_evidence(
        path,
        field,
        ident,
        Method::FileField,
        Confidence::High,
    ));
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Component;

    fn one(s: &str) -> Option<(Component, String, Option<String>, Option<String>)> {
        let mut f = Found::new(crate::test_marks());
        if !classify(s, "/f", "t".into(), &mut f) {
            return None;
        }
        let (d, _) = f.finish();
        let d = d.into_iter().next().unwrap();
        Some((d.component, d.toolchain, d.version, d.vendor))
    }

    #[test]
    fn ident_table() {
        let c = Component::Compiler;
        let s = |x: &str| Some(x.to_string());
        let cases = [
            ("GCC: (Debian 12.2.0-14) 12.2.0", Some((c, s("gcc"), s("12.2.0"), s("Debian 12.2.0-14")))),
            ("GCC: (GNU) 11.4.1 20231218 (Red Hat 11.4.1-3)", Some((c, s("gcc"), s("11.4.1"), s("Red Hat 11.4.1-3")))),
            // Node.js's official Linux build (/usr/bin/node of the nodejs package), built on RHEL.
            ("GCC: (GNU) 8.5.0 20210514 (Red Hat 8.5.0-28)", Some((c, s("gcc"), s("8.5.0"), s("Red Hat 8.5.0-28")))),
            // An upstream snapshot's DEV-PHASE is not a packager.
            ("GCC: (GNU) 14.0.1 20240411 (experimental)", Some((c, s("gcc"), s("14.0.1"), s("GNU")))),
            ("clang version 17.0.6", Some((c, s("clang"), s("17.0.6"), None))),
            ("Ubuntu clang version 14.0.0-1ubuntu1.1", Some((c, s("clang"), s("14.0.0"), s("Ubuntu")))),
            (
                "Android (11349228 based on r487747e) clang version 17.0.2 (https://android.googlesource.com/toolchain/llvm-project d9f89f4d16663d5012e5c09495f3b30ece3d2362)",
                Some((c, s("clang"), s("17.0.2"), s("Android (11349228 based on r487747e)"))),
            ),
            ("Apple clang version 15.0.0 (clang-1500.1.0.2.5)", Some((c, s("apple-clang"), s("15.0.0"), None))),
            ("rustc version 1.95.0 (59807616e 2026-04-14)", Some((c, s("rustc"), s("1.95.0"), None))),
            ("rustc version 1.80.0-nightly (abc123def 2024-05-01)", Some((c, s("rustc"), s("1.80.0-nightly"), None))),
            ("Linker: LLD 22.1.2 (/checkout/src/llvm-project/llvm 1cb4e38)", Some((Component::Linker, s("lld"), s("22.1.2"), None))),
            ("Linker: Debian LLD 14.0.6", Some((Component::Linker, s("lld"), s("14.0.6"), s("Debian")))),
            ("mold 2.4.0 (compatible with GNU ld)", Some((Component::Linker, s("mold"), s("2.4.0"), None))),
            (
                "Intel(R) oneAPI DPC++/C++ Compiler 2024.0.0 (2024.0.0.20231017)",
                Some((c, s("intel-oneapi"), s("2024.0.0"), None)),
            ),
            ("GHC 9.4.7", None),
            ("", None),
            ("GCC: (GNU)", None),
        ];
        for (input, want) in cases {
            let want = want.map(|(c, t, v, vd)| (c, t.unwrap(), v, vd));
            assert_eq!(one(input), want, "{input}");
        }
    }

    #[test]
    fn split_keeps_offsets() {
        let v: Vec<_> = split(b"\0GCC: (GNU) 13.2.0\0\0Linker: LLD 17\0").collect();
        assert_eq!(
            v,
            vec![
                (1, "GCC: (GNU) 13.2.0".to_string()),
                (20, "Linker: LLD 17".to_string())
            ]
        );
    }
}
