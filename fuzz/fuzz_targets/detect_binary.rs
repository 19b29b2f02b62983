//! Fuzzes the binary toolchain detector (`sovstack_binary::detect_bytes`): ELF, PE and Mach-O
//! headers, the Rich header, Go build info, Go's pclntab and runtime version string (Go without
//! build info), cargo-auditable sections, notes and dynamic tables.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_kb::Kb;
use std::sync::OnceLock;

/// The built-in knowledge base, loaded once per process.
fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("the built-in knowledge base loads"))
}

fuzz_target!(|data: &[u8]| {
    let kb = kb();
    match sovstack_binary::detect_bytes(kb.toolchain_marks(), data, "/fuzz") {
        Ok(Some(report)) => {
            for d in &report.detections {
                // Every detection names a known toolchain and carries evidence from the input.
                assert!(kb.toolchain(&d.toolchain).is_some(), "{}", d.toolchain);
                assert!(d.evidence.iter().any(|e| e.source == "/fuzz"));
            }
            // Nothing read can exceed the input: every offset named lies inside it.
            for e in report
                .detections
                .iter()
                .flat_map(|d| &d.evidence)
                .chain(&report.unattributed)
            {
                if let Some(off) = e
                    .field
                    .as_deref()
                    .and_then(|f| f.rsplit_once("@ 0x"))
                    .map(|(_, h)| h)
                {
                    let off = u64::from_str_radix(off, 16).unwrap();
                    assert!(
                        off <= data.len() as u64,
                        "offset {off:#x} past {} bytes",
                        data.len()
                    );
                }
            }
        }
        Ok(None) => {}
        Err(e) => assert!(!e.code().is_empty() && e.path() == "/fuzz"),
    }
});
