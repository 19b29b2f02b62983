use super::*;

fn ev(source: &str, field: &str) -> Evidence {
    Evidence {
        source: source.into(),
        field: Some(field.into()),
        line: Some(1),
        value: Some("x".into()),
        method: Method::FileField,
        confidence: Confidence::High,
    }
}

fn sample() -> Inventory {
    Inventory {
        schema_version: SCHEMA_VERSION.into(),
        generator: Generator { name: "sovstack".into(), version: "0.1.0".into() },
        generated_at: None,
        root: "/".into(),
        live_host: false,
        knowledge_base: DataRef { name: "kb".into(), version: "1".into(), sha256: "00".into() },
        layers: Layers {
            processor: Some(vec![Processor {
                id: "cpu0".into(),
                architecture: Fact::new("x86_64".into(), ev("/proc/cpuinfo", "flags")),
                model: None,
                logical_cpus: vec![0, 1],
                identifiers: Default::default(),
                actors: vec![Actor {
                    role: Role::CoreDesigner,
                    name: Some("AMD".into()),
                    country: Some(CountryCode::new("US").unwrap()),
                    governance: Governance::Company,
                    evidence: vec![ev("/proc/cpuinfo", "vendor_id")],
                }],
            }]),
            os: None,
            network: None,
        },
        diagnostics: vec![],
    }
}

#[test]
fn round_trips_through_json() {
    let inv = sample();
    let back = Inventory::from_json(&inv.to_json()).unwrap();
    assert_eq!(back, inv);
}

#[test]
fn country_codes_are_two_upper_case_letters() {
    assert!(CountryCode::new("DE").is_ok());
    for bad in ["de", "DEU", "", "D1", "É"] {
        assert!(CountryCode::new(bad).is_err(), "{bad}");
    }
    let json = sample().to_json().replace("\"US\"", "\"usa\"");
    let err = Inventory::from_json(&json).unwrap_err().to_string();
    assert!(err.contains("usa") && err.contains("line"), "{err}");
}

#[test]
fn another_model_version_is_refused_with_a_version_message() {
    let json = sample().to_json().replace(SCHEMA_VERSION, "2.0.0");
    let err = Inventory::from_json(&json).unwrap_err().to_string();
    assert!(err.contains("2.0.0"), "{err}");
    // An ADDITION of the same model is read.
    let json = sample().to_json().replace(SCHEMA_VERSION, "1.9.0");
    assert!(Inventory::from_json(&json).is_ok());
}

#[test]
fn json_errors_carry_line_and_column() {
    let err = Inventory::from_json("{\n  \"schema_version\": \"1.0.0\",\n  \"root\": 3\n}").unwrap_err();
    match err {
        Error::Json { line, .. } => assert!(line >= 3, "{line}"),
        other => panic!("{other}"),
    }
}

#[test]
fn sample_validates_against_the_generated_schema() {
    let schema = json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&sample().to_json()).unwrap();
    assert!(validator.is_valid(&doc));
    let mut bad = doc.clone();
    bad["layers"]["processor"][0]["actors"][0]["country"] = "usa".into();
    assert!(!validator.is_valid(&bad), "the schema must reject a non-ISO country");
}

/// The published schema file must be what the types generate: regenerate it with
/// `SOVSTACK_BLESS=1 cargo test -p sovstack-inventory` and review the diff.
#[test]
fn published_schema_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../schema/inventory-{SCHEMA_VERSION}.schema.json"));
    let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    if std::env::var_os("SOVSTACK_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let published = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with SOVSTACK_BLESS=1)", path.display()));
    assert_eq!(published, generated, "schema/ is stale: run with SOVSTACK_BLESS=1");
}
