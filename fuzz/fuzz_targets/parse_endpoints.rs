//! Fuzzes the endpoints-file parser, text and YAML: it never panics, and every error points at a line
//! of the input.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_scan::parse;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // YAML also breaks lines at a lone `\r`, so count those as breaks too: an upper bound for both
    // formats.
    let lines = text.split(['\n', '\r']).count() as u64;
    for yaml in [false, true] {
        match parse::endpoints(&text, yaml) {
            Ok(specs) => {
                for s in &specs {
                    // Every entry resolves a checked name, or is an address.
                    assert!(s.name.is_some() || s.ip.is_some());
                    assert!(s.line as u64 <= lines);
                }
            }
            Err(errors) => {
                assert!(!errors.is_empty());
                for e in &errors {
                    assert!(e.line <= lines && !e.message.is_empty(), "{e}");
                }
            }
        }
    }
});
