//! Fuzzes the declared-suppliers reader (`--declared`): it never panics, every error points at a
//! line of the input, and what it accepts is checked: ids unique, countries the knowledge base
//! knows, certifications as spelt in the closed list, host names lower case, lines in the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_scan::parse;
use std::sync::OnceLock;

fn kb() -> &'static sovstack_kb::Kb {
    static KB: OnceLock<sovstack_kb::Kb> = OnceLock::new();
    KB.get_or_init(|| sovstack_kb::Kb::builtin().expect("the built-in knowledge base loads"))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split(['\n', '\r']).count() as u32;
    let known = |c: &str| kb().country(c).is_some();
    match parse::declared(&text, &known) {
        Ok(services) => {
            assert!(!services.is_empty());
            let mut ids: Vec<&str> = services.iter().map(|s| s.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), services.len(), "ids are unique");
            for s in &services {
                assert!(s.line >= 1 && s.line <= lines);
                for c in std::iter::once(&s.jurisdiction)
                    .chain(&s.data_locations)
                    .chain(&s.supplier_country)
                    .chain(&s.parent_country)
                {
                    assert!(known(&c.value), "{}", c.value);
                    assert!(c.line <= lines);
                }
                for c in &s.certifications {
                    assert_eq!(
                        sovstack_abi::certifications::canonical(&c.value),
                        Some(c.value.as_str())
                    );
                }
                for e in &s.endpoints {
                    assert_eq!(e.value, e.value.to_ascii_lowercase());
                    assert!(!e.value.is_empty() && e.line <= lines);
                }
                assert!(!s.supplier.value.trim().is_empty());
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty());
            for e in &errors {
                assert!(e.line <= lines as u64 && !e.message.is_empty(), "{e}");
            }
        }
    }
});
