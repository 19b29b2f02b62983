//! Fuzzes the reader of SPDX JSON SBOMs, which `scan --sbom` and `scan --import` take from any
//! file they are given, and the classing of the licences it reads.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_scan::software::parse_spdx_json::spdx_json;
use sovstack_scan::software::record::MAX_COMPONENTS;
use sovstack_scan::software::supply::licensing;

/// The built-in knowledge base, loaded once for every run.
fn kb() -> &'static sovstack_kb::Kb {
    static KB: std::sync::OnceLock<sovstack_kb::Kb> = std::sync::OnceLock::new();
    KB.get_or_init(|| sovstack_kb::Kb::builtin().expect("the built-in knowledge base loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(sbom) = spdx_json(text) {
        assert!(sbom.components.len() <= MAX_COMPONENTS);
        for c in &sbom.components {
            assert!(c.path.starts_with("packages["));
            assert!(!c.name.is_empty());
            assert!(c
                .purl
                .as_deref()
                .is_none_or(|p| !p.is_empty() && p.trim() == p));
            assert!(c.supplier.as_deref().is_none_or(|s| !s.is_empty()));
            let _ = licensing(kb(), &c.licence);
        }
    }
});
