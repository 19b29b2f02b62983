//! Fuzzes the cable data pack's readers (`data/cables/`, which `--data-dir` may point anywhere):
//! the manifest, the five CSV tables (landing points included), `cables.json` and the owner-string splitter. None panics;
//! an error names the file it read; the splitter never yields an empty owner.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let (path, err) = match which % 8 {
        0 => ("MANIFEST.csv", sovstack_cables::parse_manifest(bytes).err()),
        1 => (
            "countries.csv",
            sovstack_cables::parse_countries("countries.csv", bytes).err(),
        ),
        2 => (
            "sovereignty.csv",
            sovstack_cables::parse_sovereignty("sovereignty.csv", bytes).err(),
        ),
        3 => (
            "land-borders.csv",
            sovstack_cables::parse_borders("land-borders.csv", bytes).err(),
        ),
        4 => (
            "owners.csv",
            sovstack_cables::parse_owners("owners.csv", bytes).err(),
        ),
        6 => (
            "landing-points.csv",
            sovstack_cables::parse_landing_points("landing-points.csv", bytes).err(),
        ),
        5 => {
            let names = BTreeMap::from([
                ("France".to_string(), "FR".to_string()),
                ("Brazil".to_string(), "BR".to_string()),
            ]);
            (
                "cables.json",
                sovstack_cables::parse_cables("cables.json", bytes, &names).err(),
            )
        }
        _ => {
            let s = String::from_utf8_lossy(bytes);
            assert!(sovstack_cables::split_owners(&s)
                .iter()
                .all(|o| !o.trim().is_empty()));
            return;
        }
    };
    if let Some(e) = err {
        let message = e.to_string();
        assert!(message.starts_with(path), "{message}");
    }
});
