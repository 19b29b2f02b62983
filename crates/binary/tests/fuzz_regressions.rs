//! Inputs the `detect_binary` fuzz target once broke (`testdata/fuzz-regressions/`), checked
//! against the same invariants the target asserts: no panic, every detection names a known
//! toolchain, and no evidence cites an offset past the end of the input.

use sovstack_kb::Kb;
use std::path::Path;

#[test]
fn fuzz_regressions_hold_the_invariants() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fuzz-regressions");
    let kb = Kb::builtin().unwrap();
    let mut n = 0;
    for f in std::fs::read_dir(dir).unwrap().flatten() {
        let data = std::fs::read(f.path()).unwrap();
        n += 1;
        let Ok(Some(r)) = sovstack_binary::detect_bytes(kb.toolchain_marks(), &data, "/fuzz")
        else {
            continue;
        };
        for d in &r.detections {
            assert!(kb.toolchain(&d.toolchain).is_some(), "{}", d.toolchain);
        }
        for e in r
            .detections
            .iter()
            .flat_map(|d| &d.evidence)
            .chain(&r.unattributed)
        {
            if let Some((_, h)) = e.field.as_deref().and_then(|f| f.rsplit_once("@ 0x")) {
                let off = u64::from_str_radix(h, 16).unwrap();
                assert!(
                    off <= data.len() as u64,
                    "{}: offset {off:#x} past {} bytes",
                    f.path().display(),
                    data.len()
                );
            }
        }
    }
    assert!(n >= 1);
}

/// Found by the fuzzer: a Mach-O whose `__swift5_*` section header points past the end of the
/// file was reported as Swift with evidence at that offset; it is now a malformed binary.
#[test]
fn swift_section_outside_the_file_is_malformed() {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/fuzz-regressions/swift-section-outside-file");
    let kb = Kb::builtin().unwrap();
    let e =
        sovstack_binary::detect_bytes(kb.toolchain_marks(), &std::fs::read(p).unwrap(), "/fuzz")
            .unwrap_err();
    assert_eq!(e.code(), "toolchain/malformed-binary");
}
