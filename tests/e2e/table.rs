//! The tables people read: they fit the width asked for (the terminal's, 100 in a pipe,
//! `--width N`), give one line per actor with its country beside it, say findings in sentences
//! with their rule and evidence, draw ASCII borders with `--ascii`, show everything with
//! `--wide`, and say what was actually audited.

use crate::dns;
use crate::util::*;
use std::path::Path;

fn table(args: &[&str], root: &Path) -> String {
    let (code, out, err) = run(sovstack()
        .args(["audit"])
        .args(args)
        .arg("--root")
        .arg(root));
    assert_eq!(code, 0, "{err}");
    out
}

fn longest(out: &str) -> usize {
    out.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn tables_fit_the_width_asked_for_and_100_columns_in_a_pipe() {
    let root = fixture("x86-amd-epyc-debian12");
    for width in [80usize, 100, 120] {
        let out = table(&["--width", &width.to_string()], &root);
        for line in out.lines() {
            assert!(
                line.chars().count() <= width,
                "--width {width}: {} columns:\n{line}\n\n{out}",
                line.chars().count()
            );
        }
        // The tables use the room they are given (a table narrower than 80 would pass the test
        // above without showing anything about the width).
        assert!(
            longest(&out) > width - 10,
            "--width {width}: longest line {}",
            longest(&out)
        );
    }
    // In a pipe, without --width: 100 columns, the same bytes as --width 100.
    let piped = table(&[], &root);
    assert!(
        longest(&piped) <= 100 && longest(&piped) > 90,
        "{}",
        longest(&piped)
    );
    assert_eq!(piped, table(&["--width", "100"], &root));
    // Too narrow to be readable is a usage error.
    let (code, _, err) = run(sovstack()
        .args(["audit", "--width", "20", "--root"])
        .arg(&root));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn each_actor_has_its_own_line_with_its_country_beside_it() {
    let out = table(&["--width", "100"], &fixture("arm-qualcomm-sdm450"));
    let line_with = |needle: &str| -> &str {
        out.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle:?} in\n{out}"))
    };
    // The organisation, its governance and its country on the same line.
    let qualcomm = line_with("Qualcomm (company)");
    assert!(
        qualcomm.contains("chip vendor") && qualcomm.contains("United States (US)"),
        "{qualcomm}"
    );
    let arm = line_with("Arm Ltd (company)");
    assert!(
        arm.contains("instruction-set owner") && arm.contains("United Kingdom (GB)"),
        "{arm}"
    );
    // Findings are sentences about the actor with the rule's id and the evidence, not a copy
    // of the attribution chain; no raw law ids or "level 1 < 3". (--wide: sentences unwrapped.)
    let wide = table(&["--wide"], &fixture("arm-qualcomm-sdm450"));
    assert!(wide.contains("Qualcomm, headquartered in the United States (US), sells the chip (system on chip): US CLOUD Act and US FISA Section 702 can compel it"), "{wide}");
    assert!(out.contains("US CLOUD Act"), "{out}");
    assert!(
        out.contains("rule: eu.processor.designer-jurisdiction (eu-sovereignty)"),
        "{out}"
    );
    assert!(
        out.contains("evidence: chip vendor Qualcomm (high confidence): /proc/cpuinfo:"),
        "{out}"
    );
    for raw in ["us-cloud-act", " < 3", "soc_vendor", "isa owner"] {
        assert!(!out.contains(raw), "{raw:?} in\n{out}");
    }
    // Level and score are explained next to each other.
    assert!(out.contains("Level: the weakest link"), "{out}");
    assert!(out.contains("level SEAL-1, score"), "{out}");
    // UTF-8 borders by default in a pipe.
    assert!(out.contains('┆'), "{out}");
}

#[test]
fn ascii_draws_plain_borders() {
    let out = table(&["--ascii"], &fixture("x86-amd-epyc-debian12"));
    assert!(
        out.is_ascii(),
        "{}",
        out.chars().filter(|c| !c.is_ascii()).collect::<String>()
    );
    assert!(out.contains("+--") && out.contains('|'), "{out}");
    assert!(out.contains("Advanced Micro Devices"), "{out}");
}

#[test]
fn wide_shows_blocs_laws_and_every_piece_of_evidence() {
    let root = fixture("x86-amd-epyc-debian12");
    let narrow = table(&[], &root);
    let wide = table(&["--wide"], &root);
    for needle in [
        "Blocs and laws",
        "NATO",
        "reached by US CLOUD Act, US FISA Section 702",
        "Evidence",
    ] {
        assert!(wide.contains(needle), "{needle:?} missing in\n{wide}");
        assert!(
            !narrow.contains(needle),
            "{needle:?} in the default table\n{narrow}"
        );
    }
    // Nothing is wrapped: every finding sentence is on one line.
    assert!(wide.lines().any(|l| l.contains("Advanced Micro Devices, headquartered in the United States (US), designed the processor core: US CLOUD Act and US FISA Section 702 can compel it")), "{wide}");
    assert!(longest(&wide) > 160, "no width limit: {}", longest(&wide));
    let (code, _, err) = run(sovstack()
        .args(["audit", "--wide", "--width", "80", "--root"])
        .arg(&root));
    assert_eq!(code, 2, "--wide and --width conflict: {err}");
}

#[test]
fn a_network_only_audit_says_it_audited_the_endpoints_not_a_root() {
    let server = dns::start();
    let dir = tempdir();
    let file = dir.path().join("services.txt");
    std::fs::write(&file, "https://app.example.org/ label=app\n").unwrap();
    let resolver = server.addr.to_string();
    // --wide: nothing is wrapped, so sentences can be searched whole.
    let (code, out, err) = run(sovstack()
        .args([
            "audit",
            "--layers",
            "network",
            "--resolver",
            &resolver,
            "--wide",
        ])
        .arg("--endpoints")
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    let header = out.lines().next().unwrap();
    assert!(
        header.contains("audited: endpoints file") && header.contains("services.txt"),
        "{header}"
    );
    assert!(
        !out.contains("root /") && !out.contains("live host"),
        "{out}"
    );
    // The headline: where the data sits against whose law reaches who holds it.
    let joined = &out;
    assert!(joined.contains("located in the EU (Germany)"), "{out}");
    assert!(joined.contains("reachable by US law through"), "{out}");
    // A location is where an address is, never "headquartered".
    assert!(!joined.contains("location US is headquartered"), "{out}");
    assert!(
        joined.contains(
            "An address of the service is located in the United States (US), outside the EU/EEA"
        ),
        "{out}"
    );

    // With a domain: the domain, not a root.
    let (code, out, err) = run(sovstack().args([
        "audit",
        "--layers",
        "network",
        "--resolver",
        &resolver,
        "--domain",
        "example.org",
    ]));
    assert_eq!(code, 0, "{err}");
    let header = out.lines().next().unwrap();
    assert!(header.ends_with("audited: domain example.org"), "{header}");
    // And a root audit still names its root.
    let out = table(&[], &fixture("x86-amd-epyc-debian12"));
    assert!(
        out.lines().next().unwrap().contains("audited: root "),
        "{out}"
    );
}

/// A layer whose items have no finding but whose rulesets found something about the layer as a
/// whole (concentration) says so where it says "no findings", with the number the JSON report
/// holds, instead of leaving the reader to think nothing was found.
#[test]
fn a_layer_without_item_findings_points_to_its_layer_wide_findings() {
    // A physical machine's processor: its materials layer has layer-wide findings.
    let root = fixture("x86-intel-pentium-g640");
    let json = run_json(
        sovstack()
            .args(["audit", "--format", "json", "--root"])
            .arg(&root),
    );
    let wide: usize = json["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["layers"].get("materials"))
        .map(|l| {
            l["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["item"].is_null())
                .count()
        })
        .sum();
    assert!(wide > 0);
    let (code, table, err) = run(sovstack().args(["audit", "--root"]).arg(&root));
    assert_eq!(code, 0, "{err}");
    assert!(
        table.contains(&format!(
            "No findings on the materials layer's items; {wide} layer-wide finding(s)"
        )),
        "{table}"
    );
}
