//! `scan --import` and `audit --import`: an organisation's fleet from the inventories it keeps.
//! Inputs are real: the GLPI project's example inventories, a FusionInventory inventory that
//! the test makes by running Debian's `fusioninventory-inventory` on this machine (the test
//! fails when the agent is missing: tools/install-deps.sh installs it), and a sovstack scan of
//! a captured fixture root.

use crate::util::{fixture, repo, run, run_json, sovstack, tempdir};
use std::path::Path;
use std::process::Command;

/// A FusionInventory inventory of this machine, tagged `tag`, written to `out`.
fn fusioninventory(tag: &str, out: &Path) {
    let output = Command::new("fusioninventory-inventory")
        .args(["-t", tag, "--no-category=process,software,environment,user,local_user"])
        .output()
        .expect("fusioninventory-inventory runs (Debian package fusioninventory-agent; tools/install-deps.sh installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(out, &output.stdout).unwrap();
}

fn glpi_examples() -> String {
    repo()
        .join("tests/fixtures/glpi-inventory-format/examples")
        .display()
        .to_string()
}

#[test]
fn a_fleet_from_glpi_fusioninventory_and_sovstack_inventories() {
    let dir = tempdir();
    fusioninventory("site-lyon", &dir.path().join("this-host.xml"));
    // A host scanned where it lives, by sovstack itself.
    let (code, _, err) = run(sovstack()
        .args(["scan", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .arg("-o")
        .arg(dir.path().join("epyc.json")));
    assert_eq!(code, 0, "{err}");
    // A hostile file among them is refused and skipped, never expanded.
    std::fs::write(
        dir.path().join("laughs.xml"),
        "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<REQUEST><CONTENT><HARDWARE><NAME>&b;</NAME></HARDWARE></CONTENT></REQUEST>\n",
    )
    .unwrap();
    let inv = run_json(
        sovstack()
            .args(["scan", "--import"])
            .arg(dir.path())
            .arg(glpi_examples()),
    );
    let fleet = &inv["fleet"];
    // 11 GLPI hosts (computer_3 and the Canon printer twice each, 7 partial updates skipped),
    // this machine, the fixture.
    assert_eq!(fleet["hosts"].as_array().unwrap().len(), 13, "{fleet}");
    assert_eq!(fleet["files_skipped"], 8);
    let diag = |code: &str| {
        inv["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .count()
    };
    assert_eq!(diag("import/malformed-file"), 1);
    assert_eq!(diag("import/partial-inventory"), 7);
    assert_eq!(diag("import/duplicate-host"), 2);
    let this = fleet["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["source"].as_str().unwrap().ends_with("this-host.xml"))
        .unwrap();
    assert_eq!(this["labels"]["tag"], "site-lyon");
    assert_eq!(this["format"], "fusioninventory_xml");
    // What the agent says of this machine's processor and system agrees with sovstack's own
    // scan of it: the same core designer and distribution steward.
    let live = run_json(sovstack().args(["scan"]));
    let role = |item: &serde_json::Value, role: &str| {
        item["actors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["role"] == role)
            .map(|a| a["name"].clone())
            .unwrap()
    };
    let by_id = |layer: &str, id: &serde_json::Value| {
        inv["layers"][layer]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == *id)
            .unwrap()
            .clone()
    };
    let cpu = by_id("processor", &this["processor"][0]);
    assert_eq!(
        role(&cpu, "core_designer"),
        role(&live["layers"]["processor"][0], "core_designer")
    );
    let os = by_id("os", &this["os"]);
    assert_eq!(
        role(&os, "steward"),
        role(&live["layers"]["os"][0], "steward")
    );
    // Counts: every host with a processor counts once in exactly one item here.
    let counted: u64 = inv["layers"]["processor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["hosts"].as_u64().unwrap())
        .sum();
    let with_cpu = fleet["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h.get("processor").is_some())
        .count() as u64;
    assert_eq!(counted, with_cpu);
}

#[test]
fn the_report_gives_shares_of_the_fleet_and_is_reproducible() {
    let dir = tempdir();
    fusioninventory("site-paris", &dir.path().join("this-host.xml"));
    let audit = |extra: &[&str]| {
        let mut cmd = sovstack();
        cmd.env("SOURCE_DATE_EPOCH", "1700000000")
            .args(["audit", "--format", "json", "--import"])
            .arg(dir.path())
            .arg(glpi_examples())
            .args(extra);
        run(&mut cmd)
    };
    let (code, first, err) = audit(&[]);
    assert_eq!(code, 0, "{err}");
    let (_, second, _) = audit(&[]);
    assert_eq!(first, second, "the same inventories give the same bytes");
    let report: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert!(report["scan"]["audited"][0]
        .as_str()
        .unwrap()
        .starts_with("12 hosts imported from "));
    let items = crate::util::layer_items(&report, "processor");
    let hosts: Vec<&str> = items
        .iter()
        .map(|i| i["facts"]["hosts"].as_str().unwrap())
        .collect();
    assert!(hosts.iter().all(|h| h.contains(" of 12 (")), "{hosts:?}");

    // Per site: the agents' tags (GLPI's computer_1 and computer_3 carry 000005, this machine
    // site-paris, the other GLPI hosts none).
    let (code, out, err) = audit(&["--group-by", "tag"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let by_tag: Vec<&str> = crate::util::layer_items(&report, "processor")
        .iter()
        .map(|i| i["facts"]["hosts by tag"].as_str().unwrap())
        .collect();
    assert!(
        by_tag.contains(&"site-paris: 1 of 1 (100.0%)"),
        "{by_tag:?}"
    );
    assert_eq!(
        by_tag
            .iter()
            .filter(|t| **t == "000005: 1 of 2 (50.0%)")
            .count(),
        2,
        "{by_tag:?}"
    );
    let (code, _, err) = audit(&["--group-by", "department"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no host carries that label (labels there are: location, tag)"),
        "{err}"
    );
    let (code, _, err) = run(sovstack()
        .args(["audit", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .args(["--group-by", "tag"]));
    assert_eq!(code, 2);
    assert!(err.contains("not an organisation's fleet"), "{err}");
}

#[test]
fn the_configured_organisation_is_recorded_and_reported() {
    let dir = tempdir();
    let config = dir.path().join("sovstack.yaml");
    std::fs::write(
        &config,
        "organisation:\n  name: Ministère de l'Exemple\n  country: FR\n",
    )
    .unwrap();
    let fleet = dir.path().join("fleet.json");
    let (code, _, err) = run(sovstack()
        .args(["--config"])
        .arg(&config)
        .args(["scan", "--import"])
        .arg(glpi_examples())
        .arg("-o")
        .arg(&fleet));
    assert_eq!(code, 0, "{err}");
    let inv: serde_json::Value = serde_json::from_slice(&std::fs::read(&fleet).unwrap()).unwrap();
    assert_eq!(
        inv["fleet"]["organisation"]["name"],
        "Ministère de l'Exemple"
    );
    assert_eq!(inv["fleet"]["organisation"]["country"], "FR");
    // Evaluated elsewhere, without the configuration, the report still names it.
    let report = run_json(
        sovstack()
            .args(["evaluate", "--format", "json"])
            .arg(&fleet),
    );
    assert_eq!(report["organisation"]["name"], "Ministère de l'Exemple");
    // A fleet inventory is no host's: imported again, it is skipped with a diagnostic.
    let again = run_json(
        sovstack()
            .args(["scan", "--import-format", "sovstack", "--import"])
            .arg(&fleet),
    );
    assert_eq!(again["fleet"]["hosts"].as_array().unwrap().len(), 0);
    assert_eq!(again["diagnostics"][0]["code"], "import/fleet-inventory");
}

#[test]
fn paths_that_hold_nothing_are_input_errors() {
    let (code, _, err) = run(sovstack().args(["scan", "--import", "/nonexistent/fleet"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/fleet does not exist"), "{err}");
    let empty = tempdir();
    let (code, _, err) = run(sovstack().args(["scan", "--import"]).arg(empty.path()));
    assert_eq!(code, 2);
    assert!(err.contains("no file to import under"), "{err}");
    let (code, _, err) = run(sovstack().args(["scan", "--import", "x", "--root", "/"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(sovstack().args(["scan", "--import-format", "glpi-json"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(sovstack()
        .args(["scan", "--import"])
        .arg(glpi_examples())
        .args(["--domain", "example.org"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--endpoints, --domain or --declared cannot be combined with --import"),
        "{err}"
    );
}
