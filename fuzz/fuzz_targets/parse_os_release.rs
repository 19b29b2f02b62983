//! Fuzzes the `os-release` and `/proc/version` parsers.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_scan::parse;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    let parsed = parse::os_release(&text);
    for e in &parsed.entries {
        // Only valid keys get through, on lines that exist.
        assert!(e
            .key
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'));
        assert!(e.key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        assert!(e.line >= 1 && e.line as usize <= lines);
    }
    assert!(parsed
        .errors
        .iter()
        .all(|e| e.line >= 1 && e.line as usize <= lines && !e.message.is_empty()));
    // Every non-blank, non-comment line is either an entry or an error, never both.
    let mut numbered: Vec<u32> = parsed
        .entries
        .iter()
        .map(|e| e.line)
        .chain(parsed.errors.iter().map(|e| e.line))
        .collect();
    let total = numbered.len();
    numbered.sort_unstable();
    numbered.dedup();
    assert_eq!(numbered.len(), total);
    if let Some(v) = parse::proc_version(&text) {
        assert!(!v.kernel_name.is_empty() && !v.release.is_empty());
        assert!(!v.release.chars().any(char::is_whitespace));
    }
});
