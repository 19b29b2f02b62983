//! `sovstack compare`: three real audits (an AMD EPYC server on Debian 12, an AWS Graviton3
//! server, a StarFive VisionFive 2 RISC-V board) in league tables, read back as JSON and by
//! Python's csv module.

use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The layers every audit of a ranked league holds here.
const SAME_LAYERS: [&str; 2] = ["--layers", "processor,os"];

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
    // The same layers for each: the EPYC capture is a virtual machine's (no devices, no
    // materials), and audits of different layers are not ranked.
    let amd = report(dir.path(), "x86-amd-epyc-debian12", &SAME_LAYERS);
    let arm = report(dir.path(), "arm-server-graviton3", &SAME_LAYERS);
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
        &["--layers", "processor,os", "--ruleset", "non-aligned"],
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
    let amd = report(dir.path(), "x86-amd-epyc-debian12", &SAME_LAYERS);
    let arm = report(dir.path(), "arm-server-graviton3", &SAME_LAYERS);
    let rv = report(
        dir.path(),
        "riscv-visionfive2-jh7110",
        &["--layers", "processor,os", "--ruleset", "non-aligned"],
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
    for needle in [" src=", " href=", "<script", "<link", "@import"] {
        assert!(!html.contains(needle), "{needle} in the page");
    }
    // `url(` only for the patterns defined in the page itself.
    assert!(
        html.split("url(").skip(1).all(|t| t.starts_with('#')),
        "url( to elsewhere"
    );
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

/// The HTML comparison in a 1280 x 900 px Chromium window, on real audits (an AMD EPYC server on
/// Debian 12, alone and with five addresses of providers in five countries and the cables to
/// them, and an AWS Graviton3 server; 12 poles hold a share): every pole of a ruleset has a fill
/// of its own (a colour, then a pattern over it when the 9 colours run out) in the bars and the
/// legend; every legend entry lies inside its figure (wrapped to lines); the page is no wider
/// than the window (a wide league scrolls in its own box, which the keyboard reaches); axe finds
/// nothing serious.
#[test]
fn the_html_comparison_fits_the_window_and_tells_every_pole_apart() {
    let dir = tempdir();
    let arm = report(dir.path(), "arm-server-graviton3", &[]);
    // Addresses of five countries' providers, located offline by the network pack, and the
    // cable routes from France to them: owners in every pole of the non-aligned ruleset. The
    // same fixture's plain audit is written to the same name after it, so this one is moved.
    let endpoints = dir.path().join("endpoints.txt");
    std::fs::write(
        &endpoints,
        "5.9.0.1\n8.8.8.8\n77.88.8.8\n110.242.68.66\n133.242.0.1\n",
    )
    .unwrap();
    let net = report(
        dir.path(),
        "x86-amd-epyc-debian12",
        &[
            "--offline",
            "--org-country",
            "FR",
            "--endpoints",
            endpoints.to_str().unwrap(),
        ],
    );
    let net_named = dir.path().join("network.json");
    std::fs::rename(&net, &net_named).unwrap();
    let amd = report(dir.path(), "x86-amd-epyc-debian12", &[]);
    let (code, html, err) = run(sovstack()
        .arg("compare")
        .args([&amd, &arm, &net_named])
        .args(["--format", "html"]));
    assert_eq!(code, 0, "{err}");
    let na = &html[html
        .find("<code>non-aligned</code></h2>")
        .expect("the non-aligned league")..];
    let na = &na[..na.find("</section>").unwrap()];
    // The legend's swatches: one per pole, every fill different.
    let fills: Vec<&str> = na
        .split("width=\"12\" height=\"12\" fill=\"")
        .skip(1)
        .map(|t| &t[..t.find('"').unwrap()])
        .collect();
    let poles = na.matches("<th scope=\"col\">Share ").count();
    assert_eq!(fills.len(), poles, "{fills:?}");
    let distinct: std::collections::BTreeSet<&&str> = fills.iter().collect();
    assert_eq!(distinct.len(), fills.len(), "a fill used twice: {fills:?}");
    // More poles than colours: the patterns are needed.
    assert!(poles > 9, "{poles} poles");
    // Laid out by Chromium: the legend's texts inside their figure, the page inside the window.
    let measured = crate::html::in_chromium(
        dir.path(),
        &html,
        "var out = []; document.querySelectorAll('figure svg').forEach(function (s) { \
         var w = s.viewBox.baseVal.width, h = s.viewBox.baseVal.height; \
         s.querySelectorAll('text, rect').forEach(function (t) { var b = t.getBBox(); \
         if (b.x < 0 || b.x + b.width > w + 0.5 || b.y + b.height > h + 0.5) out.push(t.textContent || t.outerHTML); }); }); \
         var wide = document.documentElement.scrollWidth > window.innerWidth; \
         var boxes = Array.prototype.map.call(document.querySelectorAll('.scroll'), function (d) { return d.scrollWidth > d.clientWidth; }); \
         return JSON.stringify({outside: out, page_wider: wide, scrolling: boxes});",
    );
    let m: Value = serde_json::from_str(&measured).unwrap();
    assert_eq!(
        m["outside"],
        serde_json::json!([]),
        "outside its figure: {m}"
    );
    assert_eq!(
        m["page_wider"], false,
        "the page is wider than the window: {m}"
    );
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
