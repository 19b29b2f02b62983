//! Fixtures shared by the sandbox tests and the benchmark: the WAT plugins and a small request.

#![allow(dead_code)] // Each user takes what it needs.

pub mod replying;

use sovstack_abi::{
    Actor, AttributedItem, Criterion, EvaluateRequest, Governance, JurisdictionLevels, Rule,
    RulesetView, Scoring, ScoringMethod, Severity, ABI_VERSION,
};

/// The plugin `tests/wat/<name>.wat`, assembled.
pub fn wasm(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/wat/{name}.wat", env!("CARGO_MANIFEST_DIR"));
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A processor layer of two items judged by one jurisdiction rule.
pub fn request() -> EvaluateRequest {
    let actor = |role: &str, name: &str, country: &str, governance| Actor {
        role: role.into(),
        name: Some(name.into()),
        country: Some(country.into()),
        blocs: vec![],
        laws: vec![],
        governance,
        country_name: None,
        law_names: vec![],
        registered_country: None,
        share: None,
    };
    EvaluateRequest {
        abi_version: ABI_VERSION,
        layer: "processor".into(),
        ruleset: RulesetView {
            name: "eu-sovereignty".into(),
            version: "1.0.0".into(),
            scoring: Scoring {
                method: ScoringMethod::SealWeakestLink,
                home_blocs: vec!["EU".into()],
                home_countries: vec![],
                objectives: vec![],
                poles: vec![],
                commons_credit: 0.0,
                level_thresholds: vec![],
            },
            rules: vec![Rule {
                remediation: None,
                id: "eu.processor.designer-jurisdiction".into(),
                layer: "processor".into(),
                title: "The core designer is headquartered at home".into(),
                objective: Some("SOV-5".into()),
                severity: Severity::High,
                weight: 1.0,
                criterion: Criterion::Jurisdiction {
                    roles: vec!["core_designer".into()],
                    levels: JurisdictionLevels {
                        home: 4,
                        foreign: 2,
                        extraterritorial: 1,
                        commons: 3,
                        unknown: 0,
                    },
                    pass_level: 3,
                },
            }],
        },
        items: vec![
            AttributedItem {
                id: "cpu0".into(),
                label: "AMD EPYC 7B13".into(),
                actors: vec![
                    actor("isa_owner", "Intel", "US", Governance::Company),
                    actor("core_designer", "AMD", "US", Governance::Company),
                ],
                weight: None,
                not_assessed: None,
                support_ended: None,
                support_years_left: None,
                support_extended: None,
                supported: false,
                contradictions: Vec::new(),
                certifications: Vec::new(),
                routes: None,
                criticality: None,
            },
            AttributedItem {
                id: "cpu1".into(),
                label: "SiFive P550".into(),
                actors: vec![
                    actor(
                        "isa_owner",
                        "RISC-V International",
                        "CH",
                        Governance::OpenStandard,
                    ),
                    actor("core_designer", "SiFive", "US", Governance::Company),
                ],
                weight: None,
                not_assessed: None,
                support_ended: None,
                support_years_left: None,
                support_extended: None,
                supported: false,
                contradictions: Vec::new(),
                certifications: Vec::new(),
                routes: None,
                criticality: None,
            },
        ],
    }
}
