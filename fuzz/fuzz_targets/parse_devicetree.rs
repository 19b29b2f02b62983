//! Fuzzes the reader of the device tree's root `compatible` (a list of NUL-terminated
//! strings), which a hostile image can fill with any bytes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_scan::parse;

fuzz_target!(|data: &[u8]| {
    match parse::compatible(data) {
        Ok(entries) => {
            assert!(!entries.is_empty() && entries.len() <= parse::MAX_ENTRIES);
            for e in &entries {
                // Every string is non-empty printable ASCII, found verbatim in the input, and
                // splits at its first comma into vendor and model.
                assert!(!e.value.is_empty());
                assert!(e.value.bytes().all(|b| (0x20..0x7f).contains(&b)));
                assert!(data.windows(e.value.len()).any(|w| w == e.value.as_bytes()));
                match &e.vendor {
                    Some(v) => assert_eq!(format!("{v},{}", e.model), e.value),
                    None => assert_eq!(e.model, e.value),
                }
            }
        }
        Err(parse::MalformedCompatible::BadString { offset }) => assert!(offset <= data.len()),
        Err(parse::MalformedCompatible::Empty) => {
            assert!(data.iter().all(|&b| b == 0) && data.len() <= 1)
        }
    }
});
