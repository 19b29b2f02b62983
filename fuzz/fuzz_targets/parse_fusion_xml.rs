//! Fuzzes the reader of FusionInventory XML inventories, which `scan --import` takes from any
//! file it is given: roxmltree with DTDs refused, so no entity is ever expanded.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_scan::import::{parse_fusion_xml::fusion_xml, record::is_logdate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(host) = fusion_xml(text) {
        // A document that declared entities was refused, so every value read is text found
        // in the input (XML's five predefined escapes, character references and its
        // end-of-line normalisation of CR aside), on a line of it.
        assert!(host.collected_at.as_deref().is_none_or(is_logdate));
        let lines = text.split('\n').count() as u32;
        let located = host
            .cpus
            .iter()
            .flat_map(|c| [&c.manufacturer, &c.name, &c.arch, &c.family, &c.model])
            .chain(
                host.os
                    .iter()
                    .flat_map(|o| {
                        [
                            &o.name,
                            &o.full_name,
                            &o.version,
                            &o.arch,
                            &o.kernel_name,
                            &o.kernel_version,
                        ]
                    }),
            )
            .chain(host.maker.iter().flat_map(|m| [&m.manufacturer, &m.model]))
            .flatten();
        for l in located {
            assert!(!l.value.is_empty() && l.value.trim() == l.value);
            assert!(l.field.starts_with("CONTENT/"));
            let line = l.line.expect("XML values have a line");
            assert!(line >= 1 && line <= lines, "line {line} of {lines}");
            if !text.contains('&') && !text.contains('\r') {
                assert!(text.contains(&l.value));
            }
        }
    }
});
