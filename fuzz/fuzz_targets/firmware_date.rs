//! Fuzzes the firmware-date normaliser (`sovstack_scan::import::record::firmware_date`): what
//! GLPI's `bios.bdate`, FusionInventory's `BIOS/BDATE` and sysfs's `bios_date` give, which anyone
//! who writes an inventory or a root can set. A date it returns exists (`YYYY-MM-DD`, a real day
//! of the calendar, a day number), reads back as itself, does not depend on surrounding blanks,
//! and is the input's own digits: SMBIOS's `MM/DD/YYYY` reordered, or an ISO date as written.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_kb::{day_number, is_date};
use sovstack_scan::import::record::firmware_date;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let got = firmware_date(text);
    assert_eq!(got, firmware_date(&format!(" \t{text}\n ")));
    let Some(date) = got else {
        return;
    };
    assert!(is_date(&date), "{date:?}");
    assert!(day_number(&date).is_some(), "{date:?}");
    assert_eq!(firmware_date(&date).as_deref(), Some(date.as_str()));
    let t = text.trim();
    let expected = match t.split('/').collect::<Vec<_>>().as_slice() {
        [m, d, y] => format!("{y}-{m}-{d}"),
        _ => t.to_string(),
    };
    assert_eq!(date, expected);
});
