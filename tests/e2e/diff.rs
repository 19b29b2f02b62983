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

/// Audits of endpoints a real DNS server (dnsmasq on loopback) resolves: relabelling an
/// endpoint, or removing another's line (which renumbers every `epN` after it), is no finding
/// appeared nor resolved; the trial's case of an endpoint then named by a declared service only
/// (its label becomes the service's name) is the same endpoint.
#[test]
fn findings_are_paired_by_the_endpoint_not_its_label_or_position() {
    let dns = crate::dnsmasq::Dnsmasq::start(&[
        ("crm.example.org", "52.101.0.10"),
        ("files.example.org", "5.9.0.1"),
        ("portail.example.org", "177.71.128.10"),
    ]);
    let dir = tempdir();
    let declared = dir.path().join("suppliers.yaml");
    std::fs::write(
        &declared,
        "services:\n  - id: portail\n    name: Portail citoyen\n    supplier: { name: Integrateur Local SARL, country: FR }\n    jurisdiction: FR\n    data_locations: [FR]\n    endpoints: [portail.example.org]\n",
    )
    .unwrap();
    let audit = |name: &str, endpoints: &str| {
        let eps = dir.path().join(format!("{name}.txt"));
        std::fs::write(&eps, endpoints).unwrap();
        let out = dir.path().join(format!("{name}.json"));
        let (code, _, err) = run(sovstack()
            .args(["audit", "--layers", "network,suppliers"])
            .args(["--resolver", &dns.addr])
            .arg("--endpoints")
            .arg(&eps)
            .arg("--declared")
            .arg(&declared)
            .arg("-o")
            .arg(format!("json={}", out.display()))
            .arg("-o")
            .arg(format!("sarif={}", out.with_extension("sarif").display())));
        assert_eq!(code, 0, "{err}");
        out
    };
    let a = audit(
        "a",
        "crm.example.org label=identite criticality=critical\nfiles.example.org label=files\nportail.example.org label=portail\n",
    );
    let b = audit(
        "b",
        "crm.example.org label=identite-agents criticality=critical\nfiles.example.org label=files\nportail.example.org label=portail\n",
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    let crm = &layer_items(&report, "network")[0];
    assert_eq!(crm["identity"], "crm.example.org", "{crm}");
    assert!(
        !ruleset(&report, "eu-sovereignty")["layers"]["network"]["findings"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let d = diff_json(&a, &b, &["--fail-on-regression"], 0);
    assert!(d["findings_appeared"].as_array().unwrap().is_empty(), "{d}");
    assert!(d["findings_resolved"].as_array().unwrap().is_empty(), "{d}");
    // A report from before 1.0.11 has no `identity`: the endpoint is read back from its label
    // (`LABEL (ENDPOINT)`), so such an old report pairs with a new one the same way.
    let mut old_report = report.clone();
    for l in old_report["layers"].as_array_mut().unwrap() {
        for i in l["items"].as_array_mut().unwrap() {
            i.as_object_mut().unwrap().remove("identity");
        }
    }
    old_report["report_version"] = "1.0.9".into();
    let a_old = dir.path().join("a-old.json");
    std::fs::write(&a_old, serde_json::to_string_pretty(&old_report).unwrap()).unwrap();
    let d = diff_json(&a_old, &b, &["--fail-on-regression"], 0);
    assert!(d["findings_appeared"].as_array().unwrap().is_empty(), "{d}");
    assert!(d["findings_resolved"].as_array().unwrap().is_empty(), "{d}");
    // files.example.org's line removed: portail.example.org moves from ep2 to ep1 and takes
    // the declared service's name as its label. Nothing of portail's appears or goes.
    let c = audit("c", "crm.example.org label=identite criticality=critical\n");
    let d = diff_json(&a, &c, &[], 0);
    assert!(d["findings_appeared"].as_array().unwrap().is_empty(), "{d}");
    for f in d["findings_resolved"].as_array().unwrap() {
        assert!(
            f["item"].as_str().unwrap().contains("files.example.org"),
            "{f}"
        );
    }
    // SARIF fingerprints hash the same identity: equal for the relabelled endpoint.
    let prints = |r: &Path| -> std::collections::BTreeSet<String> {
        let v: Value =
            serde_json::from_str(&std::fs::read_to_string(r.with_extension("sarif")).unwrap())
                .unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                x["fingerprints"]["sovstack/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert!(!prints(&a).is_empty());
    assert_eq!(prints(&a), prints(&b));
}

#[test]
fn an_inventory_given_to_diff_or_compare_says_to_evaluate_it_first() {
    let dir = tempdir();
    let inv = dir.path().join("inv.json");
    let (code, _, err) = run(sovstack()
        .args(["scan", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .arg("-o")
        .arg(&inv));
    assert_eq!(code, 0, "{err}");
    let rep = report(dir.path(), "x86-amd-epyc-debian12");
    for cmd in ["diff", "compare"] {
        let (code, _, err) = run(sovstack().arg(cmd).arg(&inv).arg(&rep));
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("this is an inventory from `sovstack scan`, not a report; evaluate it first: `sovstack evaluate"),
            "{err}"
        );
        assert!(
            err.contains(&format!("then give `sovstack {cmd}` the reports")),
            "{err}"
        );
        // Flags about plugins mean nothing here: not in the help, refused.
        let (_, help, _) = run(sovstack().arg(cmd).arg("--help"));
        for flag in ["--no-plugin-cache", "--trusted-keys", "--require-signed"] {
            assert!(!help.contains(flag), "{cmd} --help lists {flag}");
        }
        let (code, _, err) = run(sovstack()
            .arg(cmd)
            .arg(&rep)
            .arg(&rep)
            .arg("--require-signed"));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("loads none"), "{err}");
    }
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
