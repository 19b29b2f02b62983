//! The materials layer (inventory 1.2.10, hosts' hypervisor 1.2.11) and its non-aligned rule (rulesets 1.9.0), on real
//! inputs: a captured root (an AMD EPYC's /proc/cpuinfo), the GLPI project's example inventories
//! and the FusionInventory capture. What the layer must say is derived here from the knowledge
//! base's own CSV files (`crates/kb/data/materials/`), not written out: the materials a
//! component needs, each producer's share of the production USGS attributes to countries, the
//! CRMA status, and the pole shares the non-aligned rule must find.

use crate::import::glpi_examples;
use crate::util::{fixture, layer_items, repo, ruleset, run, run_json, sovstack, tempdir};
use std::collections::{BTreeMap, BTreeSet};

/// A table of `crates/kb/data/materials/`, each row's leading fields (never quoted there).
fn csv(name: &str) -> Vec<Vec<String>> {
    std::fs::read_to_string(repo().join("crates/kb/data/materials").join(name))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

/// The materials a component class needs (components.csv).
fn materials_of(component: &str) -> BTreeSet<String> {
    csv("components.csv")
        .into_iter()
        .filter(|r| r[0] == component)
        .map(|r| r[1].clone())
        .collect()
}

/// The component classes an item holds (device-components.csv: `processor`, `device:KIND`).
fn components_of(item: &str) -> BTreeSet<String> {
    csv("device-components.csv")
        .into_iter()
        .filter(|r| r[0] == item)
        .map(|r| r[1].clone())
        .collect()
}

/// Each producer of `material` (ISO code, or `other`) and its share of the production USGS
/// attributes to countries, to four decimals, largest first, from production.csv.
fn producers(material: &str) -> Vec<(String, f64)> {
    let mut rows: Vec<(String, u64)> = csv("production.csv")
        .into_iter()
        .filter(|r| r[0] == material && r[3] != "world")
        .map(|r| (r[3].clone(), r[4].parse().unwrap()))
        .collect();
    let total: u64 = rows.iter().map(|(_, q)| q).sum();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows.into_iter()
        .map(|(c, q)| (c, (q as f64 / total as f64 * 10_000.0).round() / 10_000.0))
        .collect()
}

/// China's share (countries CN, HK, MO, as the non-aligned ruleset's pole lists them) of the
/// materials, each material weighing `weight(material)` and split among its producers by their
/// shares.
fn china_share(materials: &BTreeMap<String, f64>) -> f64 {
    let total: f64 = materials.values().sum();
    materials
        .iter()
        .map(|(m, w)| {
            let p = producers(m);
            let sum: f64 = p.iter().map(|(_, s)| s).sum();
            let cn: f64 = p
                .iter()
                .filter(|(c, _)| ["CN", "HK", "MO"].contains(&c.as_str()))
                .map(|(_, s)| s)
                .sum();
            w / total * cn / sum
        })
        .sum()
}

fn percent(share: f64) -> String {
    let s = format!("{:.1}", (share * 1000.0).round() / 10.0);
    match s.strip_suffix(".0") {
        Some(whole) => format!("{whole}%"),
        None => format!("{s}%"),
    }
}

/// The report's materials items, checked against the CSV: ids, producers in order with their
/// shares, CRMA status, the USGS chapter in the evidence.
fn check_items(report: &serde_json::Value, want: &BTreeSet<String>) {
    let items = layer_items(report, "materials");
    let ids: BTreeSet<String> = items
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(&ids, want);
    let crma: BTreeMap<String, String> = csv("crma.csv")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    for item in items {
        let id = item["id"].as_str().unwrap();
        let got: Vec<(String, f64)> = item["actors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                assert_eq!(a["role"], "producer");
                let c = a["country"].as_str().unwrap_or("other").to_string();
                (c, a["share"].as_f64().unwrap())
            })
            .collect();
        assert_eq!(got, producers(id), "{id}");
        // The status in plain words: `none` is a material on neither of the Regulation's lists.
        let words = match crma[id].as_str() {
            "strategic" => "strategic raw material (Annex I of Regulation (EU) 2024/1252)",
            "critical" => "critical raw material (Annex II of Regulation (EU) 2024/1252)",
            "none" => "not on the EU's lists of critical or strategic raw materials (Regulation (EU) 2024/1252)",
            other => panic!("{id}: CRMA status {other}"),
        };
        assert_eq!(item["facts"]["eu_crma"], words, "{id}");
        // The USGS chapter the material's production rows name.
        let row = std::fs::read_to_string(repo().join("crates/kb/data/materials/production.csv"))
            .unwrap()
            .lines()
            .find(|l| l.starts_with(&format!("{id},")))
            .unwrap()
            .to_string();
        let start = row.find("https://pubs.usgs.gov/").unwrap();
        let url = &row[start..start + row[start..].find(".pdf").unwrap() + 4];
        let evidence = item["actors"][0]["evidence"].to_string();
        assert!(evidence.contains(url), "{id}: {evidence}");
    }
}

/// A single physical host (an HP desktop's Pentium G640): its processor is a logic chip; the
/// layer holds the logic chip's materials, each weighing the same, and the non-aligned rule
/// finds China's share of their production.
#[test]
fn a_host_audit_shows_the_materials_layer_and_scores_its_concentration() {
    let root = fixture("x86-intel-pentium-g640");
    let report = run_json(
        sovstack()
            .args(["audit", "--format", "json", "--root"])
            .arg(&root),
    );
    let want = materials_of("logic chip");
    check_items(&report, &want);
    let na = &ruleset(&report, "non-aligned")["layers"]["materials"];
    let weights: BTreeMap<String, f64> = want.iter().map(|m| (m.clone(), 1.0)).collect();
    let cn = china_share(&weights);
    let got = na["score"]["shares"]["CN"].as_f64().unwrap();
    assert!((got - cn).abs() < 1e-4, "CN {got}, from the CSV {cn}");
    assert!(
        cn > 0.5,
        "China produces most of the logic chip's materials"
    );
    let messages: Vec<&str> = na["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages[0],
        format!(
            "Producers in China (CN) hold {} of the production of the critical raw materials ({} items, each split among the producing countries by their shares of world production): more than the 50% one pole may hold.",
            percent(got),
            want.len()
        )
    );
    // eu-sovereignty has no materials rule (docs/layers/materials.md says why).
    assert!(ruleset(&report, "eu-sovereignty")["layers"]
        .get("materials")
        .is_none());
    // The table shows the layer and the finding.
    let (code, table, err) = run(sovstack()
        .args(["audit", "--width", "1000", "--root"])
        .arg(&root)
        .env("NO_COLOR", "1"));
    assert_eq!(code, 0, "{err}");
    assert!(table.contains("Critical raw materials layer"), "{table}");
    assert!(table.contains("Producers in China (CN) hold"), "{table}");
    assert!(table.contains("leading producer: China"), "{table}");
    // World totals with thousands separators, in the layer's facts and the materials section.
    let separated = |n: u64| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        out
    };
    let mut big = 0;
    for m in report["materials"]["materials"].as_array().unwrap() {
        let (world, unit) = (m["world"].as_u64().unwrap(), m["unit"].as_str().unwrap());
        let shown = format!("(world {} {unit})", separated(world));
        assert!(table.contains(&shown), "{shown}: {table}");
        if world >= 1000 {
            big += 1;
            assert!(!table.contains(&format!("world {world} ")), "{table}");
        }
    }
    assert!(big > 0, "a total of four digits or more is shown");
}

/// The materials layer weighs in the non-aligned score: the same inventory without it scores
/// otherwise. A saved inventory is evaluated without the scan's input, the same bytes each time.
#[test]
fn the_layer_changes_the_non_aligned_score_and_output_is_deterministic() {
    let dir = tempdir();
    let root = crate::util::physical_debian12_root(dir.path());
    let inv = dir.path().join("inv.json");
    let again = dir.path().join("again.json");
    for out in [&inv, &again] {
        let (code, _, err) = run(sovstack()
            .args(["scan", "--root"])
            .arg(&root)
            .arg("-o")
            .arg(out));
        assert_eq!(code, 0, "{err}");
    }
    assert_eq!(std::fs::read(&inv).unwrap(), std::fs::read(&again).unwrap());
    let mut without: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&inv).unwrap()).unwrap();
    assert!(without["layers"]
        .as_object_mut()
        .unwrap()
        .remove("materials")
        .is_some());
    let bare = dir.path().join("without-materials.json");
    std::fs::write(&bare, serde_json::to_vec_pretty(&without).unwrap()).unwrap();
    let evaluate = |path: &std::path::Path| {
        let (code, out, err) = run(sovstack()
            .args(["evaluate", "--ruleset", "non-aligned", "--format", "json"])
            .arg(path));
        assert_eq!(code, 0, "{err}");
        out
    };
    let with = evaluate(&inv);
    assert_eq!(with, evaluate(&inv), "same inventory, same bytes");
    let with: serde_json::Value = serde_json::from_str(&with).unwrap();
    let without: serde_json::Value = serde_json::from_str(&evaluate(&bare)).unwrap();
    let overall = |r: &serde_json::Value| {
        ruleset(r, "non-aligned")["overall"]["score"]
            .as_f64()
            .unwrap()
    };
    let materials = ruleset(&with, "non-aligned")["layers"]["materials"]["score"]["score"]
        .as_f64()
        .unwrap();
    // Overall is the mean over the layers: the materials layer's low score pulls it down.
    assert!(materials < overall(&without), "{materials}");
    assert!(
        overall(&with) < overall(&without),
        "{} vs {}",
        overall(&with),
        overall(&without)
    );
}

/// An organisation's fleet imported from GLPI's examples and the FusionInventory capture: the
/// layer holds the materials of every component its processors and devices hold, each weighing
/// the machines that hold a component needing it, and `evaluate` of the saved inventory judges
/// it (table and JSON).
#[test]
fn an_imported_fleet_carries_the_layer_into_evaluate() {
    let dir = tempdir();
    let inv = dir.path().join("fleet.json");
    let (code, _, err) = run(sovstack()
        .args(["scan", "--import"])
        .arg(glpi_examples())
        .arg(repo().join("tests/fixtures/fusioninventory/debian12-amd-epyc.xml"))
        .arg("-o")
        .arg(&inv));
    assert_eq!(code, 0, "{err}");
    let fleet: serde_json::Value = serde_json::from_slice(&std::fs::read(&inv).unwrap()).unwrap();
    // Each host holds the components of the items it counts in (`fleet.hosts[]`'s processor
    // and device ids), from the CSV; a component's, and a material's, weight is the number of
    // hosts holding it through any of their items (the union: a host whose processor and
    // system device are both logic chips counts once). A hypervisor's guest holds nothing.
    let layers = &fleet["layers"];
    let kind_of = |layer: &str, id: &str| -> String {
        let item = layers[layer]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("no {layer} item {id}"));
        match layer {
            "processor" => "processor".to_string(),
            _ => format!("device:{}", item["kind"].as_str().unwrap()),
        }
    };
    let hosts = fleet["fleet"]["hosts"].as_array().unwrap();
    let mut weights: BTreeMap<String, f64> = BTreeMap::new();
    let mut kinds: BTreeSet<String> = BTreeSet::new();
    for host in hosts.iter().filter(|h| h.get("hypervisor").is_none()) {
        let mut items: Vec<String> = host["processor"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|id| kind_of("processor", id.as_str().unwrap()))
            .collect();
        items.extend(host["device"].as_str().map(|id| kind_of("devices", id)));
        kinds.extend(items.iter().cloned());
        // What the host's inventory lists (its batteries, its displays) it holds too.
        let listed = host["components"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| c["value"].as_str().unwrap().to_string());
        let materials: BTreeSet<String> = items
            .iter()
            .flat_map(|i| components_of(i))
            .chain(listed)
            .flat_map(|c| materials_of(&c))
            .collect();
        for m in materials {
            *weights.entry(m).or_default() += 1.0;
        }
    }
    assert!(kinds.len() >= 4, "{kinds:?}");
    let want: BTreeSet<String> = weights.keys().cloned().collect();
    // GLPI's phone brings the display and battery materials; the computers the capacitors'.
    for m in ["gallium", "tantalum", "cobalt", "lithium"] {
        assert!(want.contains(m), "{want:?}");
    }
    let items = layers["materials"].as_array().unwrap();
    for item in items {
        let id = item["id"].as_str().unwrap();
        assert_eq!(item["hosts"].as_f64().unwrap(), weights[id], "{id}");
    }
    // Every computer holds a logic chip, through its processor or its system device (the
    // FusionInventory EPYC names no BIOS maker, GLPI's computer_2 no processor): gallium is
    // needed by all the fleet's computers, not by the larger of the two counts.
    let computers = hosts
        .iter()
        .filter(|h| h["kind"].as_str().is_none_or(|k| k == "Computer"))
        .count() as f64;
    assert!(weights["gallium"] >= computers, "{weights:?}");
    // Batteries and displays from the inventories' own fields, read here from the files:
    // GLPI's Dell XPS 13 (`batteries`: lithium-ion, a monitor, a Laptop chassis) and Toshiba
    // Portégé (a Li-ION battery, a Notebook) hold them, not only the phone the knowledge base
    // assumes has them.
    const PORTABLE: &[&str] = &["Laptop", "Notebook", "Portable", "Sub Notebook"];
    let mut listed: BTreeMap<&str, u64> = BTreeMap::new();
    for host in hosts.iter().filter(|h| h.get("hypervisor").is_none()) {
        let source = host["source"].as_str().unwrap();
        let phone = host["kind"] == "Phone";
        let (battery, display) = if source.ends_with(".json") {
            let doc: serde_json::Value =
                serde_json::from_slice(&std::fs::read(source).unwrap()).unwrap();
            let c = &doc["content"];
            let some = |k: &str| c[k].as_array().is_some_and(|a| !a.is_empty());
            let chassis = c["hardware"]["chassis_type"].as_str().unwrap_or("");
            (
                some("batteries"),
                some("monitors") || PORTABLE.contains(&chassis),
            )
        } else {
            let text = std::fs::read_to_string(source).unwrap();
            (text.contains("<BATTERIES>"), text.contains("<MONITORS>"))
        };
        *listed.entry("battery").or_default() += u64::from(battery || phone);
        *listed.entry("display").or_default() += u64::from(display || phone);
    }
    assert!(
        listed["battery"] >= 3 && listed["display"] >= 3,
        "{listed:?}"
    );
    let report = run_json(sovstack().args(["evaluate", "--format", "json"]).arg(&inv));
    let machines = |name: &str| {
        report["materials"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["component"] == name)
            .map(|c| c["machines"].as_u64().unwrap())
    };
    assert_eq!(machines("battery"), Some(listed["battery"]));
    assert_eq!(machines("display"), Some(listed["display"]));
    // The layer's lithium names the field, at high confidence, before the phone's assumption.
    let lithium = items.iter().find(|i| i["id"] == "lithium").unwrap();
    let battery = lithium["needed_by"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["component"] == "battery")
        .unwrap();
    assert_eq!(battery["machines"].as_u64(), Some(listed["battery"]));
    let evidence = battery["evidence"].as_array().unwrap();
    assert!(
        evidence.iter().any(
            |e| e["source"].as_str().unwrap().ends_with("computer_1.json")
                && e["field"] == "content.batteries[0].chemistry"
                && e["value"] == "lithium-ion"
                && e["confidence"] == "high"
        ),
        "{battery}"
    );
    // The phone's battery is listed too (`batteries[0].capacity`): no assumption is left.
    assert!(
        !evidence
            .iter()
            .any(|e| e["value"].as_str().unwrap().contains("sovstack assumption")),
        "{battery}"
    );
    check_items(&report, &want);
    let na = &ruleset(&report, "non-aligned")["layers"]["materials"];
    let cn = china_share(&weights);
    let got = na["score"]["shares"]["CN"].as_f64().unwrap();
    assert!((got - cn).abs() < 1e-4, "CN {got}, from the CSV {cn}");
    // The share finding is there exactly when China's share, from the CSV, is over the rule's
    // half (the fleet's many tantalum- and palladium-holding machines dilute China's gallium).
    let over = na["findings"].as_array().unwrap().iter().any(|f| {
        f["message"]
            .as_str()
            .unwrap()
            .starts_with("Producers in China (CN)")
    });
    assert_eq!(over, cn > 0.5, "{na}");
    // The concentration index is that of the poles' shares (the unknown and USGS's "other
    // countries" are no pole); the high finding is there exactly when it is over the rule's
    // `max_index` 0.25 (with the laptops' batteries and displays counted, lithium, cobalt and
    // the display materials dilute gallium's weight: 0.234 on these files).
    let shares = na["score"]["shares"].as_object().unwrap();
    let hhi: f64 = shares
        .iter()
        .filter(|(p, _)| !["other", "unknown"].contains(&p.as_str()))
        .map(|(_, s)| s.as_f64().unwrap().powi(2))
        .sum();
    let index = na["score"]["concentration_index"].as_f64().unwrap();
    assert!((hhi - index).abs() < 1e-3, "{hhi} vs {index}");
    let concentrated = na["findings"].as_array().unwrap().iter().any(|f| {
        f["rule"] == "na.materials.concentration"
            && f["severity"] == "high"
            && f["message"]
                .as_str()
                .unwrap()
                .contains("the concentration index (HHI) is")
    });
    assert_eq!(concentrated, index > 0.25, "{na}");
    // A fleet inventory from before 1.2.9 names no host's devices item: the devices items'
    // hosts then weigh as a lower bound (never more than the hosts holding the component, and
    // the capacitors, held only through devices, keep their count).
    let components = |r: &serde_json::Value| -> BTreeMap<String, u64> {
        r["materials"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let name = c["component"].as_str().unwrap().to_string();
                (name, c["machines"].as_u64().unwrap())
            })
            .collect()
    };
    let mut old = fleet.clone();
    for h in old["fleet"]["hosts"].as_array_mut().unwrap() {
        h.as_object_mut().unwrap().remove("device");
    }
    let old_path = dir.path().join("fleet-1.2.8-hosts.json");
    std::fs::write(&old_path, serde_json::to_vec(&old).unwrap()).unwrap();
    let lower = components(&run_json(
        sovstack()
            .args(["evaluate", "--format", "json"])
            .arg(&old_path),
    ));
    let union = components(&report);
    assert_eq!(
        lower.keys().collect::<Vec<_>>(),
        union.keys().collect::<Vec<_>>()
    );
    for (c, n) in &lower {
        assert!(*n >= 1 && *n <= union[c], "{c}: {lower:?} vs {union:?}");
    }
    assert_eq!(
        lower["electronic components"],
        union["electronic components"]
    );
    let (code, table, err) = run(sovstack()
        .arg("evaluate")
        .arg(&inv)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200"));
    assert_eq!(code, 0, "{err}");
    assert!(table.contains("Critical raw materials layer"), "{table}");
    assert!(table.contains("plugin materials 0.1.0"), "{table}");
    assert!(table.contains("needed by: battery"), "{table}");
}

/// The non-aligned headline on the real EPYC/Debian root, through the CLI: the overall score
/// stays the mean over the layers (materials included), but who controls the stack counts only
/// the layers of control (processor, os), and the producing countries of raw materials are shown
/// apart, as production. Expected shares are recomputed here from the report's own layer shares.
#[test]
fn the_headline_counts_control_layers_and_shows_raw_material_production_apart() {
    // A physical machine: the EPYC capture is a virtual machine's, which holds no materials.
    let dir = tempdir();
    let root = crate::util::physical_epyc_root(dir.path());
    let audit = |format: &str| {
        let (code, out, err) = run(sovstack()
            .args([
                "audit",
                "--ruleset",
                "non-aligned",
                "--width",
                "1000",
                "--format",
                format,
            ])
            .arg("--root")
            .arg(&root));
        assert_eq!(code, 0, "{err}");
        out
    };
    let report: serde_json::Value = serde_json::from_str(&audit("json")).unwrap();
    let na = ruleset(&report, "non-aligned");
    let shares = |layer: &str| -> BTreeMap<String, f64> {
        serde_json::from_value(na["layers"][layer]["score"]["shares"].clone()).unwrap()
    };
    let (processor, os, materials) = (shares("processor"), shares("os"), shares("materials"));
    // Control: the mean over processor and os.
    let mut control: BTreeMap<String, f64> = BTreeMap::new();
    for s in [&processor, &os] {
        for (pole, v) in s {
            *control.entry(pole.clone()).or_default() += v / 2.0;
        }
    }
    let got: BTreeMap<String, f64> =
        serde_json::from_value(na["overall"]["control_shares"].clone()).unwrap();
    for (pole, v) in &control {
        assert!((got[pole] - v).abs() < 1e-4, "{pole}: {} vs {v}", got[pole]);
    }
    assert_eq!(
        na["overall"]["control_layers"],
        serde_json::json!(["os", "processor"])
    );
    let top = |s: &BTreeMap<String, f64>| -> (String, f64) {
        let mut v: Vec<(&String, &f64)> = s
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "commons" | "other" | "unknown"))
            .collect();
        v.sort_by(|a, b| b.1.partial_cmp(a.1).unwrap().then(a.0.cmp(b.0)));
        (v[0].0.clone(), *v[0].1)
    };
    let (controller, control_share) = top(&control);
    let (producer, production_share) = top(&materials);
    let mixed: BTreeMap<String, f64> =
        serde_json::from_value(na["overall"]["shares"].clone()).unwrap();
    // What the trial saw: the mean over all layers puts the producer first.
    assert_eq!(top(&mixed).0, producer);
    assert_ne!(controller, producer, "the case in point");
    let control_sentence = format!(
        "the pole of power holding the largest share of control is {controller} ({:.0}%)",
        control_share * 100.0
    );
    let production_sentence = format!(
        "{producer} produces the largest share ({:.0}%)",
        production_share * 100.0
    );
    let wrong = format!("the largest share of control is {producer}");
    for format in ["html", "markdown", "table"] {
        let out = audit(format);
        assert!(out.contains(&control_sentence), "{format}: {out}");
        assert!(out.contains(&production_sentence), "{format}: {out}");
        assert!(
            out.contains("Production of the raw materials the hardware needs"),
            "{format}"
        );
        assert!(!out.contains(&wrong), "{format}: {out}");
    }
    // The materials layer's row says its shares are of production.
    assert!(audit("table").contains("production of raw materials: CN "));
    // The concentration finding names the poles largest first, and producers control nothing.
    let index = na["layers"]["materials"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .find(|m| m.contains("concentration index"))
        .unwrap();
    assert!(
        index.starts_with("The production of the critical raw materials is concentrated"),
        "{index}"
    );
    let listed: Vec<f64> = index
        .split_once('(')
        .and_then(|(_, r)| r.split_once(';'))
        .unwrap()
        .0
        .split(", ")
        .map(|p| {
            p.rsplit(' ')
                .next()
                .unwrap()
                .trim_end_matches('%')
                .parse()
                .unwrap()
        })
        .collect();
    assert!(listed.len() > 2, "{index}");
    assert!(listed.windows(2).all(|w| w[0] >= w[1]), "{index}");
}
