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
