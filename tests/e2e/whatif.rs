//! `sovstack whatif` end to end, on an inventory scanned from names a real DNS server on
//! loopback (dnsmasq) resolves to real addresses of the network data pack: Microsoft's AS8075
//! (located in the US), Amazon's São Paulo and Cape Town ranges (BR, ZA) and Hetzner (DE), with
//! the cable layer from France (`--org-country FR`). What each cut takes away is derived here
//! from the inventory's own JSON, independently of the command's code.

use crate::dnsmasq::Dnsmasq;
use crate::util::*;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const RECORDS: &[(&str, &str)] = &[
    ("crm.example.org", "52.101.0.10"),
    ("shop.example.org", "177.71.128.10"),
    ("files.example.org", "5.9.0.1"),
    ("backup.example.org", "13.244.0.10"),
];

const ENDPOINTS: &str = "\
crm.example.org     label=crm criticality=critical
shop.example.org    label=shop criticality=high
files.example.org   label=files criticality=medium
backup.example.org  label=backup criticality=low
";

fn inventory(dir: &Path) -> (PathBuf, Value) {
    let dns = Dnsmasq::start(RECORDS);
    let eps = dir.join("endpoints.txt");
    std::fs::write(&eps, ENDPOINTS).unwrap();
    let inv = dir.join("inv.json");
    let (code, _, err) = run(sovstack()
        .args(["scan", "--layers", "network,cable", "--org-country", "FR"])
        .args(["--resolver", &dns.addr])
        .arg("--endpoints")
        .arg(&eps)
        .arg("-o")
        .arg(&inv));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&inv).unwrap()).unwrap();
    (inv, v)
}

fn whatif(inv: &Path, cuts: &[&str]) -> Value {
    let mut cmd = sovstack();
    cmd.arg("whatif").arg(inv).args(["--format", "json"]);
    for c in cuts {
        cmd.args(["--cut", c]);
    }
    run_json(&mut cmd)
}

fn destination<'a>(inv: &'a Value, id: &str) -> &'a Value {
    inv["layers"]["cable"]["destinations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no destination {id}"))
}

fn outcome<'a>(w: &'a Value, id: &str) -> &'a Value {
    w["destinations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == id)
        .unwrap_or_else(|| panic!("no destination {id} in {w}"))
}

fn names(v: &Value, key: &str) -> BTreeSet<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn whatif_on_a_dns_resolved_inventory() {
    let dir = tempdir();
    let (inv, before) = inventory(dir.path());
    let dests = names(&before["layers"]["cable"]["destinations"], "id");
    assert_eq!(
        dests,
        ["FR-BR", "FR-DE", "FR-US", "FR-ZA"]
            .map(String::from)
            .into()
    );

    // The one system every route from France to Brazil needs (over land to Portugal, then
    // EllaLink): cutting it leaves longer routes (by cable twice), no endpoint loses anything.
    let br = destination(&before, "FR-BR");
    let spof = br["diversity"]["spof_cables"].as_array().unwrap();
    assert_eq!(spof.len(), 1, "{br}");
    let only = spof[0].as_str().unwrap().to_string();
    let w = whatif(&inv, &[&format!("cable:{}", only.to_uppercase())]);
    assert_eq!(names(&w["systems_cut"], "name"), [only.clone()].into());
    assert_eq!(w["systems_cut"][0]["why"], "named by the cut");
    let o = outcome(&w, "FR-BR");
    assert_eq!(o["status"], "rerouted", "{o}");
    assert_eq!(o["systems_before"], br["diversity"]["systems"]);
    assert!(!o["systems_left"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s == &only[..]));
    assert_eq!(outcome(&w, "FR-DE")["status"], "unchanged");
    assert!(w["endpoints"].as_array().unwrap().is_empty(), "{w}");

    // Cutting the United States: the destination is lost, and every endpoint with an address
    // located there or operated or hosted from there is lost, most critical first.
    let w = whatif(&inv, &["country:us"]);
    assert_eq!(outcome(&w, "FR-US")["status"], "lost");
    assert_eq!(outcome(&w, "FR-US")["systems_after"], 0);
    assert_eq!(outcome(&w, "FR-DE")["status"], "unchanged");
    let us_systems = names(&destination(&before, "FR-US")["direct"], "name");
    assert!(names(&w["systems_cut"], "name").is_superset(&us_systems));
    // Expected from the inventory: an address is lost when its location, its operator's parent
    // or its cloud provider is in the US.
    let mut expected = Vec::new();
    for ep in before["layers"]["network"]["endpoints"].as_array().unwrap() {
        let cloud_us = |a: &Value| {
            ep["actors"].as_array().unwrap().iter().any(|x| {
                x["role"] == "cloud_provider"
                    && x["country"] == "US"
                    && a["cloud"]["provider"]["evidence"][0] == x["evidence"][0]
            })
        };
        let lost = ep["addresses"].as_array().unwrap().iter().all(|a| {
            a["location"]["value"] == "US" || a["parent_hq_country"]["value"] == "US" || cloud_us(a)
        });
        if lost {
            expected.push(ep["label"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(expected, ["crm", "shop", "backup"]);
    let got: Vec<String> = w["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["status"], "lost", "{e}");
            e["label"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(got, ["crm", "shop", "backup"], "critical, high, low");
    let crm = &w["endpoints"][0];
    assert_eq!(crm["criticality"], "critical");
    let why = crm["addresses_lost"][0]["why"].to_string();
    assert!(
        why.contains("Microsoft") && why.contains("located in US"),
        "{why}"
    );

    // The scores before are those `evaluate` gives the inventory, ruleset by ruleset; the
    // network layer after is judged on what is left (the Hetzner endpoint alone).
    let report = run_json(
        sovstack()
            .arg("evaluate")
            .arg(&inv)
            .args(["--format", "json"]),
    );
    let rs = w["rulesets"].as_array().unwrap();
    assert_eq!(rs.len(), 2);
    for r in rs {
        let name = r["name"].as_str().unwrap();
        assert_eq!(
            r["overall_before"],
            ruleset(&report, name)["overall"]["score"]
        );
        let net = r["layers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["layer"] == "network")
            .unwrap();
        assert_ne!(net["before"], net["after"], "{r}");
    }

    // The same inputs, the same bytes; the table says the same.
    let a =
        run(sovstack()
            .arg("whatif")
            .arg(&inv)
            .args(["--cut", "country:US", "--format", "json"]));
    let b =
        run(sovstack()
            .arg("whatif")
            .arg(&inv)
            .args(["--cut", "country:US", "--format", "json"]));
    assert_eq!(a, b);
    let (code, table, err) = run(sovstack()
        .arg("whatif")
        .arg(&inv)
        .args(["--cut", "country:US"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        table.contains("United States (FR-US)") && table.contains("lost"),
        "{table}"
    );
    assert!(
        table.contains("crm") && table.contains("critical"),
        "{table}"
    );
}

#[test]
fn whatif_refuses_unknown_targets_with_close_matches() {
    let dir = tempdir();
    let (inv, before) = inventory(dir.path());
    let landing = before["layers"]["cable"]["destinations"][0]["direct"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(destination(&before, "FR-US")["direct"].as_array().unwrap())
        .flat_map(|s| s["from_landings"].as_array().unwrap())
        .next()
        .unwrap()
        .as_str()
        .unwrap()
        .to_string();
    // A letter dropped from a landing station of the routes, and from a cable's name.
    let typo: String = landing
        .chars()
        .enumerate()
        .filter(|&(i, _)| i != 2)
        .map(|(_, c)| c)
        .collect();
    for (cut, wanted) in [
        (format!("landing:{typo}"), landing.clone()),
        ("cable:Elalink".to_string(), "EllaLink".to_string()),
    ] {
        let (code, _, err) = run(sovstack().arg("whatif").arg(&inv).args(["--cut", &cut]));
        assert_eq!(code, 2, "{cut}: {err}");
        assert!(
            err.contains("close matches") && err.contains(&wanted),
            "{cut}: {err}"
        );
    }
    for bad in [
        "country:XX",
        "country:FRA",
        "planet:mars",
        "cable:",
        "EllaLink",
    ] {
        let (code, _, err) = run(sovstack().arg("whatif").arg(&inv).args(["--cut", bad]));
        assert_eq!(code, 2, "{bad}: {err}");
        assert!(err.contains(bad.split(':').next().unwrap()), "{bad}: {err}");
    }
    // A cable cut on an inventory without a cable layer.
    let plain = dir.path().join("plain.json");
    let mut v = before.clone();
    v["layers"].as_object_mut().unwrap().remove("cable");
    std::fs::write(&plain, v.to_string()).unwrap();
    let (code, _, err) = run(sovstack()
        .arg("whatif")
        .arg(&plain)
        .args(["--cut", "cable:EllaLink"]));
    assert_eq!(code, 2);
    assert!(err.contains("no cable layer"), "{err}");
}
