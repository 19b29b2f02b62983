//! Fuzzes the attribution of hardware makers (`Kb::device_maker`, the devices layer): the maker
//! and model strings come from SMBIOS tables and inventory files, which anyone can write. Every
//! answer must not depend on surrounding blanks, and a maker named only by blanks is unknown.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_inventory::DeviceKind;
use sovstack_kb::Kb;
use std::sync::OnceLock;

fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("the built-in knowledge base loads"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The first line is the maker, the rest (if any) the model, as a DMI or agent record gives.
    let (maker, model) = match text.split_once('\n') {
        Some((a, b)) => (a, Some(b)),
        None => (text, None),
    };
    for kind in DeviceKind::ALL {
        let got = kb().device_maker(kind, maker, model).map(|a| a.name);
        let padded = format!("  {maker}\t");
        assert_eq!(got, kb().device_maker(kind, &padded, model).map(|a| a.name));
        if maker.trim().is_empty() {
            assert_eq!(got, None);
        }
        if let Some(a) = kb().device_maker(kind, maker, model) {
            // Every attribution names its table row and the organisation's.
            assert!(a.evidence.len() >= 2);
            assert_eq!(a.evidence[0].source, "kb:devices/makers.csv");
        }
    }
});
