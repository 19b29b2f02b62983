//! `sovstack diff`: two real audits (fixture roots captured from an AMD EPYC server running
//! Debian 12 and from an AWS Graviton3 server) compared, and a report compared with itself.

use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn report(dir: &Path, fixture_name: &str) -> PathBuf {
    let out = dir.join(format!("{fixture_name}.json"));
    let (code, _, err) = run(sovstack()
        .args(["audit", "--format", "json", "--root"])
        .arg(fixture(fixture_name))
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    out
}

fn diff_json(old: &Path, new: &Path, extra: &[&str], want: i32) -> Value {
    let (code, out, err) = run(sovstack()
        .arg("diff")
        .arg(old)
        .arg(new)
        .args(["--format", "json"])
        .args(extra));
    assert_eq!(code, want, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn names(v: &Value, key: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["layer"].as_str().unwrap(),
                d["role"].as_str().unwrap(),
                d["organisation"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

#[test]
fn two_audits_show_dependencies_scores_and_findings_that_changed() {
    let dir = tempdir();
    let amd = report(dir.path(), "x86-amd-epyc-debian12");
    let arm = report(dir.path(), "arm-server-graviton3");
    let d = diff_json(&amd, &arm, &[], 0);
    let added = names(&d, "dependencies_added");
    let removed = names(&d, "dependencies_removed");
    assert!(
        added.contains(&"processor core_designer Arm Ltd".to_string()),
        "{added:?}"
    );
    assert!(
        removed.contains(&"processor core_designer Advanced Micro Devices".to_string()),
        "{removed:?}"
    );
    assert!(
        removed.contains(&"processor isa_owner Intel Corporation".to_string()),
        "{removed:?}"
    );
    // The AMD findings are resolved, the Arm ones appeared, matched by item label.
    let items = |key: &str| -> Vec<String> {
        d[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["item"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(items("findings_resolved").iter().any(|i| i == "AMD EPYC"));
    assert!(items("findings_appeared")
        .iter()
        .any(|i| i == "Neoverse-V1"));
    assert!(!items("findings_appeared").iter().any(|i| i == "AMD EPYC"));
    // Every score change is one the two reports show.
    let old: Value = serde_json::from_slice(&std::fs::read(&amd).unwrap()).unwrap();
    let new: Value = serde_json::from_slice(&std::fs::read(&arm).unwrap()).unwrap();
    let overall = |r: &Value, name: &str| {
        r["rulesets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["name"] == name)
            .unwrap()["overall"]["score"]
            .clone()
    };
    for c in d["score_changes"].as_array().unwrap() {
        if c["layer"].is_null() {
            let name = c["ruleset"].as_str().unwrap();
            assert_eq!(c["old_score"], overall(&old, name));
            assert_eq!(c["new_score"], overall(&new, name));
        }
    }
    assert_eq!(d["regression"], true);
    assert!(
        d["warnings"].as_array().unwrap().is_empty(),
        "same tools: {}",
        d["warnings"]
    );

    // The gate: exit 1 on a regression, and the text says what regressed.
    let (code, out, err) = run(sovstack()
        .arg("diff")
        .arg(&amd)
        .arg(&arm)
        .arg("--fail-on-regression"));
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("Findings appeared"), "{out}");
    assert!(err.contains("sovstack: regression:"), "{err}");
    // The other way round, the findings that appeared are those that were resolved.
    let back = diff_json(&arm, &amd, &[], 0);
    assert_eq!(back["findings_appeared"], d["findings_resolved"]);
    assert_eq!(back["dependencies_removed"], d["dependencies_added"]);

    // A report against itself: nothing changed, no regression, exit 0 with the gate.
    let same = diff_json(&amd, &amd, &["--fail-on-regression"], 0);
    for key in [
        "dependencies_added",
        "dependencies_removed",
        "score_changes",
        "findings_appeared",
        "findings_resolved",
    ] {
        assert_eq!(same[key], serde_json::json!([]), "{key}");
    }
    assert_eq!(same["regression"], false);
}

#[test]
fn a_malformed_report_is_named_with_line_column_and_field() {
    let dir = tempdir();
    let amd = report(dir.path(), "x86-amd-epyc-debian12");
    let mut v: Value = serde_json::from_slice(&std::fs::read(&amd).unwrap()).unwrap();
    v["rulesets"][0]["overall"]["score"] = "high".into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let (code, _, err) = run(sovstack().arg("diff").arg(&amd).arg(&bad));
    assert_eq!(code, 2);
    assert!(
        err.contains("bad.json:") && err.contains("rulesets[0].overall.score: invalid type"),
        "{err}"
    );
    let line: usize = err
        .split("bad.json:")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let text = std::fs::read_to_string(&bad).unwrap();
    assert!(
        text.lines().nth(line - 1).unwrap().contains("\"high\""),
        "line {line}"
    );
    // A report of another model is refused.
    v["report_version"] = "2.0.0".into();
    std::fs::write(&bad, serde_json::to_string_pretty(&v).unwrap()).unwrap();
    let (code, _, err) = run(sovstack().arg("diff").arg(&amd).arg(&bad));
    assert_eq!(code, 2);
    assert!(err.contains("is not of model 1"), "{err}");
}

/// One rule may find several things on one layer: the processor concentration rule finds a pole
/// over its share and the concentration index over its limit. From an AMD EPYC (US holds 75%,
/// the index is 0.625) to an Apple M1 (no pole over half, the index still over its limit), what
/// went is the pole's share: the diff says that one was resolved, and keeps the index finding,
/// whose figure changed, as unchanged.
#[test]
fn a_rule_with_several_findings_on_a_layer_resolves_the_one_that_went() {
    let dir = tempdir();
    let (epyc, m1) = (
        report(dir.path(), "x86-amd-epyc-debian12"),
        report(dir.path(), "arm-apple-m1-asahi"),
    );
    let concentration = |v: &Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "na.processor.concentration")
            .map(|f| f["message"].as_str().unwrap().to_string())
            .collect()
    };
    let read =
        |p: &Path| -> Value { serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap() };
    let count = |v: &Value| {
        v["rulesets"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["layers"].get("processor"))
            .flat_map(|l| l["findings"].as_array().unwrap().iter())
            .filter(|f| f["rule"] == "na.processor.concentration")
            .count()
    };
    // The premise, from the reports themselves: two findings before, one after.
    assert_eq!((count(&read(&epyc)), count(&read(&m1))), (2, 1));
    let d = diff_json(&epyc, &m1, &[], 0);
    let resolved = concentration(&d, "findings_resolved");
    assert_eq!(resolved.len(), 1, "{resolved:?}");
    assert!(resolved[0].contains("hold 75%"), "{resolved:?}");
    assert!(concentration(&d, "findings_appeared").is_empty(), "{d:#}");
}

/// `diff` says roles and countries in the words the tables use, from the same definitions:
/// `chip vendor` (not `soc vendor`), and `none (international)` for a community with no country
/// of its own (not `not known`), on the real EPYC/Debian and M1/Asahi roots.
#[test]
fn diff_words_roles_and_countries_as_the_tables_do() {
    let dir = tempdir();
    let amd = report(dir.path(), "x86-amd-epyc-debian12");
    let m1 = report(dir.path(), "arm-apple-m1-asahi");
    let (code, text, err) = run(sovstack().arg("diff").arg(&amd).arg(&m1));
    assert_eq!(code, 0, "{err}");
    assert!(
        text.contains("+ processor layer, chip vendor: Apple Inc.; country: US"),
        "{text}"
    );
    assert!(!text.contains("soc vendor"), "{text}");
    assert!(
        text.contains("- os layer, steward: Debian Project; country: none (international)"),
        "{text}"
    );
    // The table of the same audit says the same of the Debian Project.
    let (code, table, err) = run(sovstack()
        .args(["audit", "--width", "1000", "--root"])
        .arg(fixture("x86-amd-epyc-debian12")));
    assert_eq!(code, 0, "{err}");
    let debian = table
        .lines()
        .find(|l| l.contains("Debian Project (community)"))
        .unwrap();
    assert!(debian.contains("none (international)"), "{debian}");
    // And the HTML dependency map, which said `not known`.
    let (code, html, err) = run(sovstack()
        .args(["audit", "--format", "html", "--root"])
        .arg(fixture("x86-amd-epyc-debian12")));
    assert_eq!(code, 0, "{err}");
    assert!(
        html.contains("Debian Project: none (international)."),
        "the map's description"
    );
    assert!(
        !html.contains("Debian Project: not known"),
        "the map's description"
    );
}
