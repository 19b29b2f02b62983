//! Real inventories validate against the published JSON Schema, and keep the naming convention.

use crate::util::*;

fn validator() -> jsonschema::Validator {
    let path = repo().join(format!(
        "schema/inventory-{}.schema.json",
        sovstack_inventory::SCHEMA_VERSION
    ));
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_snake_case_keys(v: &serde_json::Value, path: &str) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, child) in map {
                // Maps keyed by data (identifiers) are values, not field names.
                let is_data_key = path.ends_with(".identifiers") || path.ends_with(".owner_shares");
                if !is_data_key {
                    assert!(
                        k.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
                        "{path}.{k}"
                    );
                }
                assert_snake_case_keys(child, &format!("{path}.{k}"));
            }
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|i| assert_snake_case_keys(i, path))
        }
        _ => {}
    }
}

#[test]
fn inventories_of_real_machines_validate_against_the_schema() {
    let validator = validator();
    let mut roots: Vec<Option<std::path::PathBuf>> = vec![None];
    for entry in std::fs::read_dir(repo().join("crates/scan/testdata")).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            roots.push(Some(p));
        }
    }
    assert!(roots.len() > 10);
    for root in roots {
        let mut cmd = sovstack();
        cmd.arg("scan");
        if let Some(r) = &root {
            cmd.arg("--root").arg(r);
        }
        let inv = run_json(&mut cmd);
        let errors: Vec<String> = validator
            .iter_errors(&inv)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{root:?}: {errors:?}");
        assert_snake_case_keys(&inv, "");
    }
}

/// A cable layer's inventory (land, direct, through a third country, a territory) validates.
#[test]
fn a_cable_inventory_validates_against_the_schema() {
    let (code, out, err) = run(sovstack().args([
        "scan",
        "--layers",
        "cable",
        "--org-country",
        "FR",
        "--to",
        "US,BR,DE,GP",
    ]));
    assert_eq!(code, 0, "{err}");
    let inv: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        inv["layers"]["cable"]["destinations"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let errors: Vec<String> = validator()
        .iter_errors(&inv)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_snake_case_keys(&inv, "");
}

/// Real reports (the live host, fixtures of other machines, with a gate, with the toolchain and
/// network layers) validate against the published report schema.
#[test]
fn reports_validate_against_the_report_schema() {
    let path = repo().join(format!(
        "schema/report-{}.schema.json",
        sovstack_report::REPORT_VERSION
    ));
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = tempdir();
    let endpoints = dir.path().join("endpoints.txt");
    std::fs::write(&endpoints, "192.0.2.1 label=doc\n8.8.8.8\n").unwrap();
    let runs: Vec<Vec<std::ffi::OsString>> = vec![
        vec![
            "audit".into(),
            "--fail-under".into(),
            "50".into(),
            "--fail-on".into(),
            "high".into(),
        ],
        vec![
            "audit".into(),
            "--root".into(),
            fixture("arm-qualcomm-sdm450").into(),
        ],
        vec![
            "audit".into(),
            "--layers".into(),
            "toolchain".into(),
            "--paths".into(),
            "/usr/bin/ls".into(),
        ],
        vec![
            "audit".into(),
            "--offline".into(),
            "--endpoints".into(),
            endpoints.clone().into(),
        ],
        vec![
            "audit".into(),
            "--layers".into(),
            "cable".into(),
            "--org-country".into(),
            "FR".into(),
            "--to".into(),
            "US,BR,DE".into(),
        ],
    ];
    for args in runs {
        let (code, out, err) = run(sovstack().args(&args).args(["--format", "json"]));
        assert!(code == 0 || code == 1, "{args:?}: {err}");
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
    }
}

/// The declared-suppliers file's JSON Schema (`schema/declared-suppliers-1.schema.json`, written
/// by hand: the reader's raw types carry YAML locations) accepts the documented example, refuses
/// what the reader refuses for its shape, and lists exactly the certifications the reader knows.
#[test]
fn the_declared_suppliers_schema_agrees_with_the_reader() {
    let path = repo().join("schema/declared-suppliers-1.schema.json");
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let certs: Vec<&str> = schema["$defs"]["certification"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let known: Vec<&str> = sovstack_abi::certifications::ALL
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(certs, known);
    // The documented example: read by the reader, valid for the schema.
    let example = repo().join("tests/fixtures/declared/example.yaml");
    let text = std::fs::read_to_string(&example).unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert!(validator.is_valid(&doc), "{example:?}");
    let kb = sovstack_kb::Kb::builtin().unwrap();
    let known_country = |c: &str| kb.country(c).is_some();
    assert_eq!(
        sovstack_scan::parse::declared(&text, &known_country)
            .unwrap()
            .len(),
        2
    );
    // Each change is refused by both.
    for bad in [
        "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: FR\n    sla: 1\n",
        "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: fr\n",
        "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: FR\n    certifications: [SNC]\n",
        "services:\n  - id: a\n    supplier: {name: X, parent_country: FR}\n    jurisdiction: FR\n",
        "services:\n  - id: a b\n    supplier: {name: X}\n    jurisdiction: FR\n",
        "services:\n  - id: a\n    supplier: {name: X}\n",
        "services: []\n",
    ] {
        let doc: serde_json::Value = serde_saphyr::from_str(bad).unwrap();
        assert!(!validator.is_valid(&doc), "schema accepts {bad}");
        assert!(
            sovstack_scan::parse::declared(bad, &known_country).is_err(),
            "reader accepts {bad}"
        );
    }
}
