//! `sovstack compare`: three real audits (an AMD EPYC server on Debian 12, an AWS Graviton3
//! server, a StarFive VisionFive 2 RISC-V board) in league tables, read back as JSON and by
//! Python's csv module.

use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn report(dir: &Path, fixture_name: &str, extra: &[&str]) -> PathBuf {
    let out = dir.join(format!("{fixture_name}.json"));
    let (code, _, err) = run(sovstack()
        .args(["audit", "--format", "json", "--root"])
        .arg(fixture(fixture_name))
        .args(extra)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn league_tables_rank_audits_by_overall_score_and_warn_when_tools_differ() {
    let dir = tempdir();
    let amd = report(dir.path(), "x86-amd-epyc-debian12", &[]);
    let arm = report(dir.path(), "arm-server-graviton3", &[]);
    let (code, out, err) = run(sovstack()
        .arg("compare")
        .arg(&amd)
        .arg(&arm)
        .args(["--format", "json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "", "same tools: no warning");
    let c: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(c["leagues"].as_array().unwrap().len(), 2);
    for league in c["leagues"].as_array().unwrap() {
        let rows = league["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 2);
        // Ranked by overall score, and each score is the one its report gives.
        let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
        assert!(scores[0] >= scores[1], "{scores:?}");
        for r in rows {
            let file = if r["audit"] == "x86-amd-epyc-debian12" {
                &amd
            } else {
                &arm
            };
            let rep: Value = serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap();
            let rs = rep["rulesets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["name"] == league["ruleset"])
                .unwrap();
            assert_eq!(r["score"], rs["overall"]["score"]);
            assert_eq!(
                r["layers"]["processor"]["score"],
                rs["layers"]["processor"]["score"]["score"]
            );
        }
    }
    let na = c["leagues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ruleset"] == "non-aligned")
        .unwrap();
    assert!(
        na["poles"].as_array().unwrap().iter().any(|p| p == "US"),
        "{}",
        na["poles"]
    );

    // A third audit with another ruleset set: compared, with a warning.
    let rv = report(
        dir.path(),
        "riscv-visionfive2-jh7110",
        &["--ruleset", "non-aligned"],
    );
    let csv = dir.path().join("league.csv");
    let (code, _, err) = run(sovstack()
        .arg("compare")
        .arg(&amd)
        .arg(&arm)
        .arg(&rv)
        .args(["--format", "csv", "-o"])
        .arg(&csv));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("warning: x86-amd-epyc-debian12 and riscv-visionfive2-jh7110: the audits used different rulesets"), "{err}");
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg("import csv, json, sys\nwith open(sys.argv[1], encoding='utf-8-sig', newline='') as f:\n    print(json.dumps(list(csv.DictReader(f, strict=True))))")
        .arg(&csv)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The table on stdout is data: the warning is said once, on stderr.
    let (code, table, err) = run(sovstack().arg("compare").arg(&amd).arg(&arm).arg(&rv));
    assert_eq!(code, 0, "{err}");
    assert!(!table.contains("warning"), "{table}");
    assert!(table.contains("Rank"), "{table}");
    assert_eq!(
        err.matches("warning: x86-amd-epyc-debian12 and riscv-visionfive2-jh7110")
            .count(),
        1,
        "{err}"
    );
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let overall: Vec<(&str, &str)> = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["layer"] == "overall" && r["ruleset"] == "non-aligned")
        .map(|r| (r["audit"].as_str().unwrap(), r["rank"].as_str().unwrap()))
        .collect();
    assert_eq!(overall.len(), 3, "{overall:?}");
    assert_eq!(overall[0].1, "1");
    let eu: usize = rows
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["layer"] == "overall" && r["ruleset"] == "eu-sovereignty")
        .count();
    assert_eq!(eu, 2, "the RISC-V audit did not apply eu-sovereignty");
    // Fewer than two reports is a usage error.
    let (code, _, _) = run(sovstack().arg("compare").arg(&amd));
    assert_eq!(code, 2);
}

/// `compare --format html`: the league tables of the JSON comparison, in a page that loads
/// nothing, with the poles' bars and the warning, and no serious accessibility violation.
#[test]
fn the_html_comparison_shows_the_leagues_of_the_json_one() {
    let dir = tempdir();
    let amd = report(dir.path(), "x86-amd-epyc-debian12", &[]);
    let arm = report(dir.path(), "arm-server-graviton3", &[]);
    let rv = report(
        dir.path(),
        "riscv-visionfive2-jh7110",
        &["--ruleset", "non-aligned"],
    );
    let compare = |format: &str| {
        let (code, out, err) = run(sovstack()
            .arg("compare")
            .args([&amd, &arm, &rv])
            .args(["--format", format]));
        assert_eq!(code, 0, "{err}");
        out
    };
    let c: Value = serde_json::from_str(&compare("json")).unwrap();
    let html = compare("html");
    assert_eq!(html, compare("html"), "byte-identical");
    assert!(html.contains("http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';"));
    for needle in [" src=", " href=", "<script", "<link", "url(", "@import"] {
        assert!(!html.contains(needle), "{needle} in the page");
    }
    assert!(html.contains("Not like for like"), "the warning is shown");
    for league in c["leagues"].as_array().unwrap() {
        let ruleset = league["ruleset"].as_str().unwrap();
        let at = html
            .find(&format!("<code>{ruleset}</code></h2>"))
            .unwrap_or_else(|| panic!("no league for {ruleset}"));
        let section = &html[at..];
        let section = &section[..section.find("</section>").unwrap()];
        for r in league["rows"].as_array().unwrap() {
            let row = format!(
                "<tr><td class=\"num\">{}</td><th scope=\"row\">{}</th><td>{} (level {})</td>",
                r["rank"],
                r["audit"].as_str().unwrap(),
                r["score"].as_f64().unwrap(),
                r["level"]
            );
            assert!(section.contains(&row), "{ruleset}: {row} missing");
        }
        let poles = league["poles"].as_array().unwrap();
        assert_eq!(
            section.contains("by pole of power</title>"),
            !poles.is_empty(),
            "{ruleset}: the poles' bars"
        );
    }
    let page = dir.path().join("league.html");
    std::fs::write(&page, &html).unwrap();
    crate::html::assert_axe_clean(dir.path(), &html);
}

/// Two real audits of different layer sets (the EPYC root's processor and os, and the same with
/// its toolchain): their overall scores are not comparable, and a report given twice is ranked
/// once.
#[test]
fn audits_of_different_layers_are_not_ranked_and_a_report_given_twice_counts_once() {
    let dir = tempdir();
    let plain = report(dir.path(), "x86-amd-epyc-debian12", &[]);
    let wider = dir.path().join("wider.json");
    let (code, _, err) = run(sovstack()
        .args(["audit", "--format", "json", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .arg("--sbom")
        .arg(repo().join("tests/fixtures/sbom/npm-project.cdx.json"))
        .arg("-o")
        .arg(&wider));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(sovstack()
        .arg("compare")
        .arg(&plain)
        .arg(&wider)
        .args(["--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let c: Value = serde_json::from_str(&out).unwrap();
    for l in c["leagues"].as_array().unwrap() {
        assert_eq!(l["comparable"], false, "{l}");
    }
    assert!(
        err.contains("the overall scores are not comparable") && err.contains("lacks software"),
        "{err}"
    );
    let (_, table, _) = run(sovstack().arg("compare").arg(&plain).arg(&wider));
    assert!(table.contains("not comparable"), "{table}");
    let (_, html, _) = run(sovstack()
        .arg("compare")
        .arg(&plain)
        .arg(&wider)
        .args(["--format", "html"]));
    assert!(html.contains("Not comparable:"), "{html}");

    // The same report twice: by path it is refused (one report left), by bytes ranked once.
    let (code, _, err) = run(sovstack().arg("compare").arg(&plain).arg(&plain));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("compare needs two different reports"), "{err}");
    let copy = dir.path().join("copy.json");
    std::fs::copy(&plain, &copy).unwrap();
    let (code, out, err) = run(sovstack()
        .arg("compare")
        .arg(&plain)
        .arg(&copy)
        .arg(&wider)
        .args(["--format", "json"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("is the same report as") && err.contains("ranked once"),
        "{err}"
    );
    let c: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(c["audits"].as_array().unwrap().len(), 2, "{c}");
}
