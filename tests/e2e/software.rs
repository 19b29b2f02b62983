//! The software layer, on SBOMs the test makes with the real generators
//! (`tests/sbom/make-sboms.sh`: `cyclonedx-py environment` and spdx-tools on a virtualenv with
//! packages from PyPI; `@cyclonedx/cyclonedx-npm` and `npm sbom` on an npm project installed
//! from the npm registry). The test fails when a generator is missing (tools/install-deps.sh
//! installs them) or the registries cannot be reached.

use crate::util::{repo, ruleset, run, run_json, sovstack, tempdir};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Makes the four SBOMs in `dir`.
fn make_sboms(dir: &Path) {
    let output = Command::new(repo().join("tests/sbom/make-sboms.sh"))
        .arg(dir)
        .output()
        .expect("tests/sbom/make-sboms.sh runs");
    assert!(
        output.status.success(),
        "make-sboms.sh (needs cyclonedx-py, spdx-tools, npm and tools/npm's cyclonedx-npm: tools/install-deps.sh): {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Components per package URL type, counted from the raw JSON, independently of sovstack's
/// parsers: CycloneDX components at any depth (the document's `metadata.component` aside),
/// SPDX packages other than those the document describes.
fn purl_types(doc: &Value) -> BTreeMap<String, u64> {
    fn cdx(list: &Value, out: &mut Vec<String>) {
        for c in list.as_array().into_iter().flatten() {
            out.push(c["purl"].as_str().unwrap_or("none").to_string());
            cdx(&c["components"], out);
        }
    }
    let mut purls = Vec::new();
    if doc["bomFormat"] == "CycloneDX" {
        cdx(&doc["components"], &mut purls);
    } else {
        let mut subject: Vec<&str> = doc["documentDescribes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for r in doc["relationships"].as_array().into_iter().flatten() {
            if r["spdxElementId"] == "SPDXRef-DOCUMENT" && r["relationshipType"] == "DESCRIBES" {
                subject.push(r["relatedSpdxElement"].as_str().unwrap());
            }
        }
        for p in doc["packages"].as_array().unwrap() {
            if subject.contains(&p["SPDXID"].as_str().unwrap()) {
                continue;
            }
            let purl = p["externalRefs"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["referenceType"] == "purl")
                .and_then(|r| r["referenceLocator"].as_str());
            purls.push(purl.unwrap_or("none").to_string());
        }
    }
    let mut out = BTreeMap::new();
    for p in purls {
        let ty = p
            .strip_prefix("pkg:")
            .and_then(|p| p.split('/').next())
            .unwrap_or("unknown");
        *out.entry(ty.to_string()).or_default() += 1;
    }
    out
}

/// The software layer's components per ecosystem, and the operator and country of each.
fn per_ecosystem(inv: &Value) -> BTreeMap<String, (u64, String, String)> {
    let mut out: BTreeMap<String, (u64, String, String)> = BTreeMap::new();
    for s in inv["layers"]["software"]["supplies"].as_array().unwrap() {
        let op = s["actors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["role"] == "registry_operator")
            .unwrap();
        let e = out
            .entry(s["ecosystem"].as_str().unwrap().to_string())
            .or_insert((
                0,
                op["name"].as_str().unwrap_or("?").to_string(),
                op["country"].as_str().unwrap_or("?").to_string(),
            ));
        e.0 += s["components"].as_u64().unwrap();
    }
    out
}

#[test]
fn sboms_from_the_real_generators_give_the_registries_and_their_operators() {
    let dir = tempdir();
    make_sboms(dir.path());
    let inv = run_json(sovstack().args(["scan", "--import"]).arg(dir.path()));
    let sboms = inv["layers"]["software"]["sboms"].as_array().unwrap();
    assert_eq!(sboms.len(), 4, "{sboms:?}");
    let mut expected: BTreeMap<String, u64> = BTreeMap::new();
    for name in [
        "npm-project.cdx.json",
        "npm-project.spdx.json",
        "python-venv.cdx.json",
        "python-venv.spdx.json",
    ] {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let types = purl_types(&doc);
        let sbom = sboms
            .iter()
            .find(|s| s["source"].as_str().unwrap().ends_with(name))
            .unwrap();
        assert_eq!(
            sbom["components"].as_u64().unwrap(),
            types.values().sum::<u64>(),
            "{name}"
        );
        assert_eq!(sbom["without_purl"], 0, "{name}");
        eprintln!("{name}: {} {types:?}", sbom["spec_version"]);
        for (t, n) in types {
            *expected.entry(t).or_default() += n;
        }
    }
    let got = per_ecosystem(&inv);
    eprintln!("attributed: {got:?}");
    let counts: BTreeMap<String, u64> = got.iter().map(|(k, v)| (k.clone(), v.0)).collect();
    assert_eq!(counts, expected);
    assert_eq!(got["npm"].1, "GitHub, Inc.");
    assert_eq!(got["npm"].2, "US");
    assert_eq!(got["pypi"].1, "Python Software Foundation");
    assert_eq!(got["pypi"].2, "US");
    // The generators' own records: which tool made each SBOM.
    let tools: Vec<String> = sboms
        .iter()
        .flat_map(|s| s["tools"].as_array().unwrap().clone())
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    for t in [
        "CycloneDX/cyclonedx-py",
        "@cyclonedx/cyclonedx-npm",
        "npm/cli-",
        "spdx-tools",
    ] {
        assert!(tools.iter().any(|x| x.starts_with(t)), "{t}: {tools:?}");
    }
    // Most of these packages declare free licences; requests (Apache-2.0) is one.
    let free: u64 = inv["layers"]["software"]["supplies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["licensing"] == "free")
        .map(|s| s["components"].as_u64().unwrap())
        .sum();
    let total: u64 = expected.values().sum();
    eprintln!("free licences: {free} of {total}");
    assert!(free * 10 >= total * 9, "{free} of {total}");

    // The audit: every component arrives through a registry held in the US, so the non-aligned
    // view says so, and the free licences are credited as commons.
    let report = run_json(
        sovstack()
            .args(["audit", "--format", "json", "--import"])
            .arg(dir.path()),
    );
    let audited = report["scan"]["audited"].as_array().unwrap();
    assert!(
        audited.contains(&Value::from(format!("4 SBOM(s) with {total} components"))),
        "{audited:?}"
    );
    let na = &ruleset(&report, "non-aligned")["layers"]["software"];
    let messages: Vec<&str> = na["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.iter().any(|m| m.contains(
            "Organisations headquartered in the United States (US) hold 100% of the control over the registry operator"
        )),
        "{messages:?}"
    );
    assert!(
        na["score"]["shares"]["commons"].as_f64().unwrap() > 0.45,
        "{na}"
    );
    let eu = &ruleset(&report, "eu-sovereignty")["layers"]["software"];
    assert!(
        eu["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "eu.software.registry-jurisdiction"),
        "{eu}"
    );
}

#[test]
fn the_committed_sboms_read_alike_by_sbom_and_by_import() {
    let fixtures = repo().join("tests/fixtures/sbom");
    let a = run_json(sovstack().args(["scan", "--import"]).arg(&fixtures));
    let mut cmd = sovstack();
    cmd.args(["scan", "--layers", "software"]);
    for f in [
        "npm-project.cdx.json",
        "npm-project.spdx.json",
        "python-venv.cdx.json",
        "python-venv.spdx.json",
    ] {
        cmd.arg("--sbom").arg(fixtures.join(f));
    }
    let b = run_json(&mut cmd);
    // The same items, whichever way the SBOMs were given (sources are paths as given).
    let ids = |inv: &Value| {
        inv["layers"]["software"]["supplies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["id"].clone(),
                    s["components"].clone(),
                    s["licences"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(
        per_ecosystem(&a),
        BTreeMap::from([
            (
                "npm".to_string(),
                (146, "GitHub, Inc.".to_string(), "US".to_string())
            ),
            (
                "pypi".to_string(),
                (
                    16,
                    "Python Software Foundation".to_string(),
                    "US".to_string()
                )
            ),
        ])
    );
}

#[test]
fn a_broken_sbom_is_a_diagnostic_naming_file_and_json_path() {
    let dir = tempdir();
    let good = repo().join("tests/fixtures/sbom/python-venv.cdx.json");
    std::fs::copy(&good, dir.path().join("a.cdx.json")).unwrap();
    std::fs::write(
        dir.path().join("b.cdx.json"),
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\",\n \"components\": [{\"name\": \"x\", \"purl\": 7}]}",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("c.spdx.json"),
        "{\"spdxVersion\": \"SPDX-3.0\"}",
    )
    .unwrap();
    let text = std::fs::read_to_string(&good).unwrap();
    std::fs::write(dir.path().join("d.cdx.json"), &text[..text.len() / 2]).unwrap();
    let inv = run_json(sovstack().args(["scan", "--import"]).arg(dir.path()));
    assert_eq!(inv["fleet"]["files_skipped"], 3);
    let diags: Vec<(String, String)> = inv["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(diags.len(), 3, "{diags:?}");
    let codes: Vec<&str> = diags.iter().map(|(c, _)| c.as_str()).collect();
    // A truncated document is no JSON object at all: its format cannot be told, but it is a
    // malformed file, said with the line and column where the JSON stops.
    assert_eq!(
        codes,
        [
            "import/malformed-file",
            "import/malformed-file",
            "import/malformed-file"
        ]
    );
    assert!(
        diags[0].1.ends_with("b.cdx.json: cyclonedx: line 2, column 39: at `components[0].purl`: invalid type: integer `7`, expected a string; skipped"),
        "{}",
        diags[0].1
    );
    assert!(
        diags[1]
            .1
            .contains("c.spdx.json: spdx: at `spdxVersion`: SPDX-3.0 is not read"),
        "{}",
        diags[1].1
    );
    assert!(
        diags[2]
            .1
            .contains("d.cdx.json: not valid JSON: EOF while parsing")
            && diags[2].1.contains("its format cannot be told"),
        "{}",
        diags[2].1
    );
    assert_eq!(
        inv["layers"]["software"]["sboms"].as_array().unwrap().len(),
        1
    );
    // Through --sbom: the same, as the scan's own diagnostics; the good file still counts.
    let inv = run_json(
        sovstack()
            .args(["scan", "--layers", "software", "--sbom"])
            .arg(dir.path().join("a.cdx.json"))
            .arg("--sbom")
            .arg(dir.path().join("b.cdx.json"))
            .arg("--sbom")
            .arg(dir.path().join("missing.json")),
    );
    let codes: Vec<&str> = inv["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["scan/sbom-malformed", "scan/sbom-unreadable"]);
    assert_eq!(
        inv["layers"]["software"]["sboms"].as_array().unwrap().len(),
        1
    );
    // --sbom belongs to a scan; an import takes SBOMs among its files.
    let (code, _, err) = run(sovstack()
        .args(["scan", "--sbom", "x.json", "--import"])
        .arg(dir.path()));
    assert_eq!(code, 2);
    assert!(err.contains("give the SBOMs to --import"), "{err}");
    // Forcing a format reads every file as it; the one file given then reads as nothing, an
    // input error naming why.
    let (code, _, err) = run(sovstack()
        .args(["scan", "--import-format", "spdx", "--import"])
        .arg(dir.path().join("a.cdx.json")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing field `spdxVersion`"), "{err}");
}

/// The PyPI licences of `inv`: per package, the item it counts in, and the licence actor's
/// evidence from PyPI's classifier list (value, confidence).
/// Items (id, components) and classifier evidence (value, confidence).
type ClassifierItems = (Vec<(String, u64)>, Vec<(String, String)>);

fn classifier_items(inv: &Value) -> ClassifierItems {
    let supplies = inv["layers"]["software"]["supplies"].as_array().unwrap();
    let items = supplies
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_string(),
                s["components"].as_u64().unwrap(),
            )
        })
        .collect();
    let evidence = supplies
        .iter()
        .flat_map(|s| s["actors"].as_array().unwrap().clone())
        .filter(|a| a["role"] == "licence")
        .flat_map(|a| a["evidence"].as_array().unwrap().clone())
        .filter(|e| e["source"] == "kb:software/pypi-osi-classifiers.csv")
        .map(|e| {
            (
                e["value"].as_str().unwrap().to_string(),
                e["confidence"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (items, evidence)
}

/// Jinja2 and itsdangerous declare their licence only by PyPI's classifier `License :: OSI
/// Approved :: BSD License` (as `cyclonedx-py environment` writes it): free software, with the
/// classifier as evidence at medium confidence (which BSD licence is not said), on the SBOM the
/// real generator makes now and on the committed one.
#[test]
fn pypi_osi_classifiers_are_free_software_licences() {
    let dir = tempdir();
    let output = Command::new(repo().join("tests/sbom/make-classifier-sbom.sh"))
        .arg(dir.path())
        .output()
        .expect("tests/sbom/make-classifier-sbom.sh runs");
    assert!(
        output.status.success(),
        "make-classifier-sbom.sh (needs cyclonedx-py: tools/install-deps.sh): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    for sbom in [
        dir.path().join("python-classifiers.cdx.json"),
        repo().join("tests/fixtures/sbom-classifiers/python-classifiers.cdx.json"),
    ] {
        let text = std::fs::read_to_string(&sbom).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let named: Vec<&str> = doc["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["licenses"][0]["license"]["name"] == "License :: OSI Approved :: BSD License"
            })
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(named, ["Jinja2", "itsdangerous"], "{}", sbom.display());
        let total = doc["components"].as_array().unwrap().len() as u64;
        let inv = run_json(
            sovstack()
                .args(["scan", "--layers", "software", "--sbom"])
                .arg(&sbom),
        );
        let (items, evidence) = classifier_items(&inv);
        assert_eq!(
            items,
            [("pypi/free".to_string(), total)],
            "{}",
            sbom.display()
        );
        assert_eq!(
            evidence,
            [(
                "License :: OSI Approved :: BSD License".to_string(),
                "medium".to_string()
            )]
        );
    }
}
