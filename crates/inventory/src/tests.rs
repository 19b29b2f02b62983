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
        generator: Generator {
            name: "sovstack".into(),
            version: "0.1.0".into(),
        },
        generated_at: None,
        root: "/".into(),
        live_host: false,
        knowledge_base: DataRef {
            name: "kb".into(),
            version: "1".into(),
            sha256: "00".into(),
        },
        data_packs: Vec::new(),
        fleet: None,
        guest: None,
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
                    registered_country: None,
                    share: None,
                    governance: Governance::Company,
                    evidence: vec![ev("/proc/cpuinfo", "vendor_id")],
                }],
                lifecycle: None,
                vendor_os_floor: None,
                hosts: None,
            }]),
            os: None,
            toolchain: None,
            network: None,
            cable: None,
            suppliers: None,
            devices: Some(vec![crate::Device {
                id: "dev0".into(),
                kind: crate::DeviceKind::System,
                maker: Fact::new("Dell Inc.".into(), ev("/sys/class/dmi/id/sys_vendor", "")),
                models: [("XPS 13 9350".to_string(), 1)].into_iter().collect(),
                actors: vec![Actor {
                    role: Role::Manufacturer,
                    name: Some("Dell Technologies".into()),
                    country: Some(CountryCode::new("US").unwrap()),
                    registered_country: None,
                    share: None,
                    governance: Governance::Company,
                    evidence: vec![ev("/sys/class/dmi/id/sys_vendor", "")],
                }],
                firmware_date: None,
                hosts: None,
            }]),
            software: None,
            materials: None,
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
    // A newer REVISION of the same model may mean something else by the same fields.
    let json = sample().to_json().replace(SCHEMA_VERSION, "1.3.0");
    let err = Inventory::from_json(&json).unwrap_err().to_string();
    assert!(
        err.starts_with("schema_version 1.3.0 is newer than this sovstack reads"),
        "{err}"
    );
}

#[test]
fn a_newer_addition_is_read_with_a_warning_and_older_versions_silently() {
    let json = sample().to_json().replace(SCHEMA_VERSION, "1.2.999");
    let inv = Inventory::from_json(&json).unwrap();
    let last = inv.diagnostics.last().expect("a diagnostic");
    assert_eq!(
        (last.code.as_str(), last.severity),
        ("inventory/newer-addition", DiagnosticSeverity::Warning)
    );
    assert!(
        last.message.contains("1.2.999") && last.message.contains(SCHEMA_VERSION),
        "{}",
        last.message
    );
    for older in ["1.0.0", "1.1.0", "1.2.0", SCHEMA_VERSION] {
        let inv = Inventory::from_json(&sample().to_json().replace(SCHEMA_VERSION, older)).unwrap();
        assert_eq!(inv.diagnostics, sample().diagnostics, "{older}");
    }
}

#[test]
fn a_document_that_is_not_an_object_or_lacks_a_good_version_is_named_plainly() {
    // (document, line, message)
    let table = [
        ("[1,2,3]", 1, "an inventory is a JSON object `{ \"schema_version\": ... }` (from `sovstack scan`), but this document is an array"),
        ("\"x\"", 1, "an inventory is a JSON object `{ \"schema_version\": ... }` (from `sovstack scan`), but this document is a string"),
        ("{\n  \"root\": \"/\"\n}", 1, "there is no `schema_version`: is this an inventory from `sovstack scan`?"),
        ("{\n  \"schema_version\": 1\n}", 2, "field `schema_version`: expected a string such as \"{v}\", found 1"),
        ("{\n  \"schema_version\": \"1.2\"\n}", 2, "field `schema_version`: `1.2` is not MODEL.REVISION.ADDITION (three numbers, such as {v})"),
    ];
    for (text, want_line, want) in table {
        // The messages name the current version as the example.
        let want = want.replace("{v}", SCHEMA_VERSION);
        match Inventory::from_json(text).unwrap_err() {
            Error::Json { line, message, .. } => {
                assert_eq!(
                    (line, message.as_str()),
                    (want_line, want.as_str()),
                    "{text}"
                )
            }
            other => panic!("{text}: {other}"),
        }
    }
}

#[test]
fn the_schema_accepts_exactly_the_versions_this_version_reads() {
    let validator = jsonschema::validator_for(&json_schema()).unwrap();
    for v in [
        "1.0.0",
        "1.1.0",
        "1.2.0",
        "1.2.1",
        "1.2.9",
        "1.2.10",
        "1.2.11",
        "1.2.12",
        "1.2.13",
        "1.3.0",
        "2.0.0",
        "0.9.0",
        "1.2",
        "1.02.0",
        "1.2.0-rc1",
        "v1.2.0",
    ] {
        let json = sample().to_json().replace(SCHEMA_VERSION, v);
        let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(
            validator.is_valid(&doc),
            Inventory::from_json(&json).is_ok(),
            "{v}"
        );
    }
}

#[test]
fn field_errors_name_the_field_in_plain_words() {
    let err =
        Inventory::from_json("{\n  \"schema_version\": \"1.0.0\",\n  \"root\": 3\n}").unwrap_err();
    match err {
        Error::Json { line, message, .. } => {
            assert_eq!(
                (line, message.as_str()),
                (3, "field `root`: expected a text value, found the number 3")
            )
        }
        other => panic!("{other}"),
    }
    let json = sample()
        .to_json()
        .replacen("\"live_host\": false", "\"live_host\": \"no\"", 1);
    let err = Inventory::from_json(&json).unwrap_err().to_string();
    assert!(
        err.ends_with("field `live_host`: expected true or false, found the string \"no\""),
        "{err}"
    );
}

#[test]
fn json_errors_carry_line_and_column() {
    let err =
        Inventory::from_json("{\n  \"schema_version\": \"1.0.0\",\n  \"root\": 3\n}").unwrap_err();
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
    assert!(
        !validator.is_valid(&bad),
        "the schema must reject a non-ISO country"
    );
}

/// The published schema file must be what the types generate: regenerate it with
/// `SOVSTACK_BLESS=1 cargo test -p sovstack-inventory` and review the diff.
#[test]
fn published_schema_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../schema/inventory-{SCHEMA_VERSION}.schema.json"
    ));
    let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
    if std::env::var_os("SOVSTACK_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let published = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with SOVSTACK_BLESS=1)", path.display()));
    assert_eq!(
        published, generated,
        "schema/ is stale: run with SOVSTACK_BLESS=1"
    );
}

/// A toolchain section: its items weigh the binaries they built, and an unknown compiler
/// stays nameless.
fn toolchain_sample() -> Inventory {
    let mut inv = sample();
    let gcc = ToolchainUse {
        id: "compiler/gcc/12".into(),
        component: ToolchainComponent::Compiler,
        toolchain: Some("gcc".into()),
        name: Some("GNU Compiler Collection (GCC)".into()),
        version: Some("12".into()),
        licence: Some(ToolchainLicence::Free),
        binaries: 61,
        packagers: Vec::new(),
        examples: vec!["/usr/bin/python3.11".into()],
        actors: vec![Actor {
            role: Role::Compiler,
            name: Some("GNU Project / Free Software Foundation".into()),
            country: Some(CountryCode::new("US").unwrap()),
            registered_country: None,
            share: None,
            governance: Governance::Foundation,
            evidence: vec![ev("kb:toolchain/toolchains.csv", "gcc")],
        }],
    };
    let unknown = ToolchainUse {
        id: "compiler/unknown".into(),
        toolchain: None,
        name: None,
        version: None,
        licence: None,
        binaries: 39,
        packagers: Vec::new(),
        examples: vec![],
        actors: vec![Actor::unknown(Role::Compiler, vec![])],
        ..gcc.clone()
    };
    inv.layers.toolchain = Some(ToolchainLayer {
        paths: vec!["/usr".into()],
        files: 1000,
        skipped_by_name: 0,
        binaries: 100,
        toolchains: vec![gcc, unknown],
        binary_files: vec![BinaryFile {
            path: "/usr/bin/python3.11".into(),
            format: BinaryFormat::Elf,
            arches: vec!["x86_64".into()],
            detections: vec![ToolchainDetection {
                component: ToolchainComponent::Compiler,
                toolchain: "gcc".into(),
                version: Some("12.2.0".into()),
                vendor: Some("Debian 12.2.0-14".into()),
                detail: None,
                evidence: vec![ev("/usr/bin/python3.11", ".comment @ 0x1000")],
            }],
        }],
    });
    inv
}

#[test]
fn toolchain_items_weigh_their_binaries() {
    let inv = toolchain_sample();
    let back = Inventory::from_json(&inv.to_json()).unwrap();
    assert_eq!(back, inv);
    assert_eq!(
        inv.layers.present(),
        vec![Layer::Processor, Layer::Toolchain, Layer::Devices]
    );
    let items: Vec<&dyn Item> = inv
        .layers
        .items(Layer::Toolchain)
        .into_iter()
        .map(ItemRef::item)
        .collect();
    let got: Vec<_> = items.iter().map(|i| (i.label(), i.weight())).collect();
    assert_eq!(
        got,
        vec![
            ("compiler: gcc 12".to_string(), Some(61.0)),
            ("compiler: unknown".to_string(), Some(39.0))
        ]
    );
    assert!(items[1].actors()[0].name.is_none());
    let schema = json_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&inv.to_json()).unwrap();
    assert!(validator.is_valid(&doc));
    let mut bad = doc.clone();
    bad["layers"]["toolchain"]["toolchains"][0]["component"] = "assembler".into();
    assert!(
        !validator.is_valid(&bad),
        "the schema must reject an unknown component"
    );
}
