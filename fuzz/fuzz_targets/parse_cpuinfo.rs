//! Fuzzes the `/proc/cpuinfo` parser and the grouping of its logical CPUs into processors.
//!
//! Inputs are bytes, as a hostile image could hold any; the collector turns them into text
//! with lossy UTF-8 decoding, so this target does the same.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_scan::parse;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    let info = parse::cpuinfo(&text);
    // Line numbers point into the input, in order.
    assert!(info.malformed_lines.windows(2).all(|w| w[0] < w[1]));
    assert!(info
        .malformed_lines
        .iter()
        .all(|&l| l >= 1 && l as usize <= lines));
    for field in info
        .cpus
        .iter()
        .flat_map(|c| &c.fields)
        .chain(&info.globals)
    {
        assert!(field.line >= 1 && field.line as usize <= lines);
        assert!(!field.key.is_empty());
        assert_eq!(field.value, field.raw.trim());
    }
    let groups = parse::distinct(&info);
    let mut seen = std::collections::BTreeSet::new();
    for g in &groups {
        // Logical CPUs are ascending, unique within and across processors.
        assert!(g.logical_cpus.windows(2).all(|w| w[0] < w[1]));
        if groups.len() > 1 {
            for n in &g.logical_cpus {
                assert!(
                    seen.insert(*n)
                        || info.cpus.iter().filter(|c| c.number == Some(*n)).count() > 1
                );
            }
        }
        for f in g.identifiers.values() {
            let _ = parse::parse_number(&f.value);
        }
    }
});
