//! Per-call cost of evaluating a layer with a real built-in plugin (the checked-in
//! `plugins/dist/processor.wasm`) under the eu-sovereignty ruleset: request serialisation, a
//! fresh sandboxed instance, the plugin's judging, and response parsing.
//!
//! `cargo bench -p sovstack-evaluate --bench builtin_plugin`

use sovstack_abi::{Actor, AttributedItem, EvaluateRequest, Governance, ABI_VERSION};
use sovstack_host::{Host, HostConfig, Plugin};
use sovstack_ruleset::builtin_named;

fn main() {
    divan::main();
}

fn actor(role: &str, name: &str, country: &str, laws: &[&str], governance: Governance) -> Actor {
    Actor {
        role: role.into(),
        name: Some(name.into()),
        country: Some(country.into()),
        blocs: vec!["NATO".into(), "G7".into()],
        laws: laws.iter().map(|l| l.to_string()).collect(),
        governance,
        country_name: None,
        law_names: vec![],
        registered_country: None,
        share: None,
    }
}

fn request(items: usize) -> EvaluateRequest {
    let ruleset = builtin_named("eu-sovereignty", &Default::default()).unwrap();
    let us_laws = ["us-cloud-act", "us-fisa-702"];
    EvaluateRequest {
        abi_version: ABI_VERSION,
        layer: "processor".into(),
        ruleset: ruleset.view_for("processor"),
        items: (0..items)
            .map(|i| AttributedItem {
                id: format!("cpu{i}"),
                label: "AMD EPYC 7B13".into(),
                actors: vec![
                    actor(
                        "isa_owner",
                        "Intel Corporation",
                        "US",
                        &us_laws,
                        Governance::Company,
                    ),
                    actor(
                        "isa_owner",
                        "Advanced Micro Devices",
                        "US",
                        &us_laws,
                        Governance::Company,
                    ),
                    actor(
                        "core_designer",
                        "Advanced Micro Devices",
                        "US",
                        &us_laws,
                        Governance::Company,
                    ),
                    actor("foundry", "TSMC", "TW", &[], Governance::Company),
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
            })
            .collect(),
    }
}

fn setup() -> (Host, Plugin) {
    let host = Host::new(HostConfig::default()).unwrap();
    let wasm = include_bytes!("../../../plugins/dist/processor.wasm");
    let plugin = host.load("builtin:processor", wasm).unwrap();
    (host, plugin)
}

#[divan::bench(args = [1, 10, 100])]
fn evaluate_processor_layer(bencher: divan::Bencher, items: usize) {
    let (host, plugin) = setup();
    let req = request(items);
    bencher.bench_local(|| host.evaluate(&plugin, divan::black_box(&req)).unwrap());
}
