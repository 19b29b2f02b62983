//! Fuzzes the reader of GLPI native inventories (JSON), which `scan --import` takes from any
//! file it is given, and the content sniffing that routes files to it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_scan::import::{detect, parse_glpi_json::glpi_json, record::is_logdate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = detect(text);
    if let Ok(host) = glpi_json(text) {
        // Dates are kept only in the agents' shape; every value read is trimmed, non-empty, and
        // names the field it came from.
        assert!(host.collected_at.as_deref().is_none_or(is_logdate));
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
            assert!(l.field.starts_with("content."));
            assert!(l.line.is_none());
        }
        for (k, v) in &host.labels {
            assert!(matches!(k.as_str(), "tag" | "location"));
            assert!(!v.is_empty() && v.trim() == v);
        }
    }
});
