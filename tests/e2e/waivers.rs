//! `--waivers`: findings accepted for a while, with a reason and an owner. The audit is a real
//! one (the AMD EPYC server running Debian 12); the expiry is compared with the date of
//! `SOURCE_DATE_EPOCH`.

use crate::formats::sarif_errors;
use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

const WAIVERS: &str = "\
waivers:
  - rule: eu.processor.designer-jurisdiction
    item: AMD EPYC
    justification: Replacement planned with the 2030 hardware renewal
    owner: infrastructure@example.org
    expires: 2030-01-01
  - rule: eu.processor.extraterritorial-reach
    pattern: \"AMD *\"
    justification: Accepted by the board on 2026-11-02
    owner: ciso@example.org
    expires: 2030-01-01
  - rule: na.processor.concentration
    item: processor
    justification: No non-aligned x86 server is sold to us
    owner: ciso@example.org
    expires: 2030-01-01
  - rule: na.materials.concentration
    item: materials
    justification: No processor free of Chinese gallium is sold
    owner: ciso@example.org
    expires: 2030-01-01
  - rule: eu.os.openness
    item: Windows
    justification: For the desktop fleet
    owner: workplace@example.org
    expires: 2030-01-01
  - rule: eu.os.supported
    pattern: \"Debian *\"
    justification: Moving to Debian 13 with the 2030 renewal
    owner: infrastructure@example.org
    expires: 2030-01-01
";

/// 2030-01-01 and 2030-01-02 at noon UTC.
const LAST_DAY: &str = "1893499200";
const DAY_AFTER: &str = "1893585600";

fn inventory(dir: &Path) -> PathBuf {
    let inv = dir.join("inv.json");
    let (code, _, err) = run(sovstack()
        .args(["scan", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .arg("-o")
        .arg(&inv));
    assert_eq!(code, 0, "{err}");
    inv
}

fn evaluate_at(inv: &Path, epoch: &str, args: &[&str]) -> (i32, String, String) {
    run(sovstack()
        .env("SOURCE_DATE_EPOCH", epoch)
        .arg("evaluate")
        .arg(inv)
        .args(args))
}

#[test]
fn waived_findings_are_marked_in_every_format_and_not_counted_by_the_gate() {
    let dir = tempdir();
    let inv = inventory(dir.path());
    let waivers = dir.path().join("waivers.yaml");
    std::fs::write(&waivers, WAIVERS).unwrap();
    let w = waivers.to_str().unwrap();

    // Without waivers, high findings fail the gate; with them, on their last day, it passes.
    let (code, _, _) = evaluate_at(&inv, LAST_DAY, &["--fail-on", "high"]);
    assert_eq!(code, 1);
    let out = |name: &str| dir.path().join(name);
    let (code, _, err) = evaluate_at(
        &inv,
        LAST_DAY,
        &[
            "--fail-on",
            "high",
            "--waivers",
            w,
            "-o",
            &format!("json={}", out("r.json").display()),
            "-o",
            &format!("sarif={}", out("r.sarif").display()),
            "-o",
            &format!("csv={}", out("r.csv").display()),
            "-o",
            &format!("markdown={}", out("r.md").display()),
            "-o",
            &format!("table={}", out("r.txt").display()),
        ],
    );
    assert_eq!(code, 0, "{err}");
    // The waiver that matches nothing is said on stderr, not only in the report.
    assert!(
        err.contains(
            "the waiver of eu.os.openness for item `Windows` matched no finding: it waives nothing"
        ),
        "{err}"
    );
    let report: Value = serde_json::from_slice(&std::fs::read(out("r.json")).unwrap()).unwrap();
    let statuses: Vec<(&str, &str, usize)> = report["waivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["rule"].as_str().unwrap(),
                w["status"].as_str().unwrap(),
                w["waived"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("eu.processor.designer-jurisdiction", "active", 1),
            ("eu.processor.extraterritorial-reach", "active", 1),
            ("na.processor.concentration", "active", 2),
            // The materials layer's two layer-wide findings (share and index).
            ("na.materials.concentration", "active", 2),
            ("eu.os.openness", "unused", 0),
            // Debian 12's support ended on 2026-07-11, before the 2030 evaluation date.
            ("eu.os.supported", "active", 1)
        ]
    );
    assert_eq!(report["gate"]["passed"], true);
    // SARIF: the waived results carry an accepted suppression, and the log stays valid.
    assert_eq!(sarif_errors(&out("r.sarif")), []);
    let sarif: Value = serde_json::from_slice(&std::fs::read(out("r.sarif")).unwrap()).unwrap();
    let suppressed: usize = sarif["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["results"].as_array().unwrap())
        .filter(|r| r["suppressions"][0]["status"] == "accepted")
        .count();
    assert_eq!(suppressed, 7);
    let csv = std::fs::read_to_string(out("r.csv")).unwrap();
    assert_eq!(csv.matches("by ciso@example.org").count(), 5, "{csv}");
    let md = std::fs::read_to_string(out("r.md")).unwrap();
    assert!(md.contains("## Waivers"), "{md}");
    assert_eq!(md.matches("(waived until 2030-01-01 by").count(), 7, "{md}");
    let table = std::fs::read_to_string(out("r.txt")).unwrap();
    assert!(table.contains("high (waived)"), "{table}");
    assert!(
        table.contains("in force but matching no finding"),
        "{table}"
    );

    // The day after, every waiver has expired: it is reported, waives nothing, and the gate fails.
    let (code, stdout, err) = evaluate_at(
        &inv,
        DAY_AFTER,
        &["--fail-on", "high", "--waivers", w, "--format", "json"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("expired on 2030-01-01: it waives nothing"),
        "{err}"
    );
    let report: Value = serde_json::from_str(&stdout).unwrap();
    for w in report["waivers"].as_array().unwrap() {
        assert_eq!(w["status"], "expired");
        assert_eq!(w["waived"], serde_json::json!([]));
    }
}

#[test]
fn a_bad_waiver_is_an_input_error_with_line_and_column() {
    let dir = tempdir();
    let inv = inventory(dir.path());
    let waivers = dir.path().join("waivers.yaml");
    std::fs::write(
        &waivers,
        "waivers:\n  - rule: eu.processor.designer-jurisdiction\n    item: AMD EPYC\n    justification: ok\n    owner: me\n    expires: 2030-01-01\n  - rule: eu.processor.no-such-rule\n    item: AMD EPYC\n    justification: ok\n    owner: me\n    expires: 2030-02-30\n",
    )
    .unwrap();
    let (code, out, err) = evaluate_at(&inv, LAST_DAY, &["--waivers", waivers.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(
        err.contains("waivers.yaml:7:11: waiver/unknown-rule: rule: `eu.processor.no-such-rule`"),
        "{err}"
    );
    assert!(
        err.contains("waivers.yaml:11:14: waiver/field: expires: `2030-02-30` is not a date"),
        "{err}"
    );
    std::fs::write(&waivers, "waivers:\n  - rule: x\n    because: y\n").unwrap();
    let (code, _, err) = evaluate_at(&inv, LAST_DAY, &["--waivers", waivers.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("waivers.yaml:3:5: waiver/syntax"), "{err}");
}

/// An item named as the table shows it, id then label (`cpu0 AMD EPYC`), is the item.
#[test]
fn an_item_named_as_the_table_shows_it_is_waived() {
    let dir = tempdir();
    let inv = inventory(dir.path());
    let (_, table, _) = evaluate_at(&inv, LAST_DAY, &["--ruleset", "eu-sovereignty"]);
    assert!(table.contains("cpu0 AMD EPYC"), "{table}");
    let waivers = dir.path().join("w.yaml");
    std::fs::write(
        &waivers,
        "waivers:\n  - rule: eu.processor.designer-jurisdiction\n    item: cpu0 AMD EPYC\n    justification: j\n    owner: o\n    expires: 2030-01-01\n",
    )
    .unwrap();
    let (code, out, err) = evaluate_at(
        &inv,
        LAST_DAY,
        &[
            "--ruleset",
            "eu-sovereignty",
            "--format",
            "json",
            "--waivers",
            waivers.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["waivers"][0]["status"], "active", "{err}");
    assert_eq!(report["waivers"][0]["waived"].as_array().unwrap().len(), 1);
    assert!(!err.contains("matched no finding"), "{err}");
}
