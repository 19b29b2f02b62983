//! `sovstack cables FROM TO` on the shipped cable pack: the direct systems equal those a Python
//! script derives from the raw dataset on its own; hand-checked routes through an intermediate
//! country, over land and to an overseas territory; bad input.

use crate::util::{repo, run, run_json, sovstack, tempdir};
use std::collections::BTreeMap;

fn cables(args: &[&str]) -> serde_json::Value {
    run_json(
        sovstack()
            .arg("cables")
            .args(args)
            .args(["--format", "json"]),
    )
}

fn ids(v: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

#[test]
fn direct_systems_equal_the_ones_derived_from_the_raw_dataset() {
    // python3 is required (tools/install-deps.sh); a missing one fails the test.
    let out = std::process::Command::new("python3")
        .arg(repo().join("tests/cables/direct_systems.py"))
        .arg(repo().join("data/cables/cables.json"))
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expected: BTreeMap<String, BTreeMap<String, Vec<String>>> =
        serde_json::from_slice(&out.stdout).unwrap();
    assert!(expected.len() >= 10);
    let mut nonempty = 0;
    for (pair, want) in &expected {
        let (a, b) = pair.split_once('-').unwrap();
        let built = cables(&[a, b]);
        assert_eq!(ids(&built["routes"]["direct"]), want["built"], "{pair}");
        let all = cables(&[a, b, "--include-planned"]);
        assert_eq!(
            ids(&all["routes"]["direct"]),
            want["all"],
            "{pair} --include-planned"
        );
        nonempty += usize::from(!want["built"].is_empty());
    }
    assert!(nonempty >= 10, "the pairs must test something");
}

#[test]
fn france_to_brazil_goes_over_land_to_portugal_then_on_ellalink() {
    let v = cables(&["FR", "BR"]);
    let r = &v["routes"];
    assert_eq!(r["direct"], serde_json::json!([]));
    assert_eq!(r["land"], serde_json::Value::Null);
    let via = r["via"].as_array().unwrap();
    let pt = via
        .iter()
        .find(|x| x["via"]["code"] == "PT")
        .expect("via PT");
    assert_eq!(
        pt["first"],
        serde_json::json!({"kind": "land", "path": ["FR", "ES", "PT"]})
    );
    assert_eq!(pt["second"]["kind"], "cable");
    let ella = &pt["second"]["systems"][0];
    assert_eq!(ella["name"], "EllaLink");
    // Landing stations sorted by id: Funchal (Madeira) and Sines.
    assert_eq!(
        ella["from_landings"],
        serde_json::json!([
            {"id": "funchal-portugal", "name": "Funchal, Portugal"},
            {"id": "sines-portugal", "name": "Sines, Portugal"}
        ])
    );
    assert_eq!(ella["to_landings"][0]["name"], "Fortaleza, Brazil");
    assert!(v["note"].as_str().unwrap().contains("not observed paths"));
    assert_eq!(v["data_pack"]["name"], "cables");
    assert!(v["data_pack"]["licences"]
        .as_array()
        .unwrap()
        .contains(&"CC-BY-NC-SA-3.0".into()));
}

#[test]
fn a_land_pair_and_an_overseas_territory() {
    // France and Germany share a border: no cable needed, no route through a third country.
    let v = cables(&["fr", "de"]);
    assert_eq!(v["routes"]["land"], serde_json::json!(["FR", "DE"]));
    assert_eq!(v["routes"]["via"], serde_json::json!([]));
    // Guadeloupe is under France's jurisdiction and keeps its own landing stations: from
    // Martinique, ECFS and Southern Caribbean Fiber land there (checked in cables.json).
    let v = cables(&["MQ", "GP"]);
    assert_eq!(
        v["routes"]["to"],
        serde_json::json!({"code": "GP", "sovereign": "FR"})
    );
    let names: Vec<&str> = v["routes"]["direct"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Eastern Caribbean Fiber System (ECFS)",
            "Southern Caribbean Fiber"
        ]
    );
}

#[test]
fn bad_codes_and_a_missing_pack_are_input_errors() {
    for (args, needle) in [
        (["FRA", "US"], "FROM `FRA` is not an ISO 3166-1 alpha-2"),
        (["FR", "XX"], "TO `XX` is not an ISO 3166-1 alpha-2"),
        (["FR", "fr"], "the same country"),
    ] {
        let (code, _, err) = run(sovstack().arg("cables").args(args));
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let dir = tempdir();
    let (code, _, err) = run(sovstack()
        .args(["cables", "FR", "US", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(code, 2);
    assert!(err.contains("no cable data"), "{err}");
    // A corrupt file: named, with its hash mismatch.
    let pack = dir.path().join("cables");
    std::fs::create_dir(&pack).unwrap();
    for f in std::fs::read_dir(repo().join("data/cables")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, pack.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(pack.join("owners.csv"), "owner\n").unwrap();
    let (code, _, err) = run(sovstack()
        .args(["cables", "FR", "US", "--data-dir"])
        .arg(dir.path()));
    assert_eq!(code, 2);
    assert!(err.contains("owners.csv: sha256"), "{err}");
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    for format in ["json", "table"] {
        let a = run(sovstack().args(["cables", "FR", "US", "--format", format]));
        let b = run(sovstack().args(["cables", "FR", "US", "--format", format]));
        assert_eq!(a.0, 0, "{}", a.2);
        assert_eq!(a, b);
    }
}

/// An offline network scan of two addresses: 5.9.0.1 (Hetzner, located in DE by the network
/// pack's country database) and 8.8.8.8 (Google, located in the US).
fn endpoints(dir: &std::path::Path) -> std::path::PathBuf {
    let file = dir.join("endpoints.txt");
    std::fs::write(&file, "5.9.0.1\n8.8.8.8\n").unwrap();
    file
}

#[test]
fn org_country_with_a_network_layer_adds_the_cable_layer() {
    let dir = tempdir();
    let inv = run_json(
        sovstack()
            .args(["scan", "--offline", "--org-country", "FR", "--endpoints"])
            .arg(endpoints(dir.path())),
    );
    let cable = &inv["layers"]["cable"];
    assert_eq!(cable["origin"], "FR");
    let dests: Vec<(&str, Vec<&str>)> = cable["destinations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let reasons = d["reasons"].as_array().unwrap();
            (
                d["id"].as_str().unwrap(),
                reasons.iter().map(|r| r.as_str().unwrap()).collect(),
            )
        })
        .collect();
    // Each endpoint's location gives a destination, and the endpoint is its reason.
    assert_eq!(dests, [("FR-DE", vec!["ep0"]), ("FR-US", vec!["ep1"])]);
    assert_eq!(
        cable["destinations"][0]["land"],
        serde_json::json!(["FR", "DE"])
    );
    // Both packs are named, the cable pack with its licences.
    let packs: Vec<&str> = inv["data_packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(packs, ["network", "cables"]);
    assert!(inv["data_packs"][1]["licences"]
        .as_array()
        .unwrap()
        .contains(&"CC-BY-NC-SA-3.0".into()));
    // The audit judges the owners of the FR-US systems with both rulesets.
    let (code, out, err) = run(sovstack()
        .args([
            "audit",
            "--offline",
            "--org-country",
            "FR",
            "--format",
            "json",
            "--endpoints",
        ])
        .arg(endpoints(dir.path())));
    assert!(code == 0 || code == 1, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    // Findings are per ruleset and layer.
    let rules: Vec<&str> = report["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["layers"]["cable"]["findings"].as_array().unwrap())
        .filter(|f| f["item"] == "FR-US")
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"eu.cable.owner-jurisdiction"), "{rules:?}");
    assert!(rules.contains(&"na.cable.owner-known"), "{rules:?}");
    // The non-aligned score splits the owners among the poles.
    let na = report["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "non-aligned")
        .unwrap();
    let us = na["layers"]["cable"]["score"]["shares"]["US"]
        .as_f64()
        .unwrap();
    assert!(us > 0.0 && us < 1.0, "{us}");
}

#[test]
fn without_the_pack_the_layer_is_not_evaluated_and_the_rest_works() {
    // A data directory holding the network pack alone.
    let dir = tempdir();
    std::os::unix::fs::symlink(repo().join("data/network"), dir.path().join("network")).unwrap();
    let inv = run_json(
        sovstack()
            .args(["scan", "--offline", "--org-country", "FR", "--data-dir"])
            .arg(dir.path())
            .arg("--endpoints")
            .arg(endpoints(dir.path())),
    );
    let cable = &inv["layers"]["cable"];
    assert!(cable["not_evaluated"]
        .as_str()
        .unwrap()
        .starts_with("not evaluated: no cable data"));
    assert_eq!(cable["destinations"], serde_json::json!([]));
    let codes: Vec<&str> = inv["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"scan/cable-no-data"), "{codes:?}");
    // Everything else is there: the default layers and the network layer with its pack.
    for layer in ["processor", "os", "network"] {
        assert!(
            inv["layers"][layer].is_array() || inv["layers"][layer].is_object(),
            "{layer}"
        );
    }
    assert_eq!(inv["data_packs"].as_array().unwrap().len(), 1);
    // A corrupt file is named.
    let pack = dir.path().join("cables");
    std::fs::create_dir(&pack).unwrap();
    for f in std::fs::read_dir(repo().join("data/cables")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, pack.join(f.file_name().unwrap())).unwrap();
    }
    std::fs::write(pack.join("cables.json"), "[]").unwrap();
    let inv = run_json(
        sovstack()
            .args([
                "scan",
                "--layers",
                "cable",
                "--org-country",
                "FR",
                "--to",
                "US",
                "--data-dir",
            ])
            .arg(dir.path()),
    );
    let d = inv["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "scan/cable-bad-data")
        .expect("scan/cable-bad-data");
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .contains("cables.json: sha256"),
        "{d}"
    );
}

#[test]
fn the_layer_needs_an_origin_and_good_codes() {
    for (args, needle) in [
        (
            vec!["--layers", "cable", "--to", "US"],
            "needs the organisation's country",
        ),
        (
            vec!["--layers", "cable", "--org-country", "FR"],
            "has no destination",
        ),
        (
            vec!["--org-country", "FRA", "--to", "US"],
            "--org-country `FRA` is not an ISO",
        ),
        (
            vec!["--org-country", "FR", "--to", "US,QQ"],
            "--to `QQ` is not an ISO",
        ),
    ] {
        let (code, _, err) = run(sovstack().arg("scan").args(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}
