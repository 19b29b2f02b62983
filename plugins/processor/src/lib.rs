//! The `processor` plugin: judges who stands behind each processor found, through four roles:
//! the instruction set's owner (`isa_owner`), the cores' designer (`core_designer`), the chip's
//! vendor (`soc_vendor`) and the foundry that fabricates it (`foundry`).
//!
//! All judging is the SDK's (`sovstack_plugin_sdk::judge`); this crate only says who it is. It is
//! built for `wasm32-unknown-unknown` by `plugins/build.sh` into `plugins/dist/processor.wasm`,
//! which the CLI embeds.

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {
    name: "processor",
    version: env!("CARGO_PKG_VERSION"),
    description: "Judges processors by who owns the instruction set, designs the cores, sells the chip and fabricates it.",
    layer: Layer::Processor,
    criteria: &sovstack_plugin_sdk::judge::CRITERIA,
};

sovstack_plugin_sdk::export_sdk_plugin!(PLUGIN);

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use sovstack_plugin_sdk::abi::ABI_VERSION;
    use sovstack_plugin_sdk::glue::{evaluate_value, info_json};

    fn call(request: Value) -> Value {
        evaluate_value(&request, evaluate)
    }

    fn request(scoring: Value, rules: Value) -> Value {
        json!({
            "abi_version": ABI_VERSION,
            "layer": "processor",
            "ruleset": {"name": "test", "version": "1", "scoring": scoring, "rules": rules},
            "items": [{
                "id": "cpu0", "label": "AMD EPYC 7B13",
                "actors": [
                    {"role": "isa_owner", "name": "Advanced Micro Devices, Inc.", "country": "US",
                     "blocs": ["NATO", "G7"], "laws": ["us-cloud-act", "us-fisa-702"], "governance": "company"},
                    {"role": "core_designer", "name": "Advanced Micro Devices, Inc.", "country": "US",
                     "blocs": ["NATO", "G7"], "laws": ["us-cloud-act", "us-fisa-702"], "governance": "company",
                     "country_name": "United States", "law_names": ["US CLOUD Act", "US FISA Section 702"]},
                    {"role": "soc_vendor", "name": "Advanced Micro Devices, Inc.", "country": "US",
                     "blocs": ["NATO", "G7"], "laws": ["us-cloud-act", "us-fisa-702"], "governance": "company"},
                    {"role": "foundry", "name": null, "country": null, "governance": "unknown"}
                ]
            }]
        })
    }

    fn rule(id: &str, criterion: Value) -> Value {
        json!({"id": id, "layer": "processor", "title": "t", "objective": "SOV-5",
               "severity": "high", "weight": 1.0, "criterion": criterion})
    }

    fn seal() -> Value {
        json!({"method": "seal_weakest_link", "home_blocs": ["EU"],
               "objectives": [{"id": "SOV-5", "name": "Supply chain", "weight": 20.0}]})
    }

    #[test]
    fn info_names_the_processor_layer_and_roles() {
        let info: Value = serde_json::from_slice(&info_json(&info())).unwrap();
        assert_eq!(info["name"], "processor");
        assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(info["abi_version"], ABI_VERSION);
        assert_eq!(info["layers"], json!(["processor"]));
        assert_eq!(
            info["criteria"],
            json!([
                "jurisdiction",
                "openness",
                "known_attribution",
                "concentration",
                "assessed",
                "supported",
                "declared_vs_observed",
                "certified",
                "route_diversity",
                "route_ownership",
                "hyperscaler_share",
                "long_lived_commons"
            ])
        );
    }

    #[test]
    fn judges_an_amd_epyc_through_json() {
        let rules = json!([
            rule(
                "eu.processor.designer-jurisdiction",
                json!({"jurisdiction": {"roles": ["core_designer"],
                "pass_level": 3, "levels": {"home": 4, "foreign": 2, "extraterritorial": 1, "commons": 3, "unknown": 0}}})
            ),
            rule(
                "eu.processor.foundry-known",
                json!({"known_attribution": {"roles": ["foundry"]}})
            ),
        ]);
        let v = call(request(seal(), rules));
        assert_eq!(v["error"], Value::Null);
        assert_eq!(v["findings"][0]["message"],
            "Advanced Micro Devices, Inc., headquartered in the United States (US), designed the processor core: \
             US CLOUD Act and US FISA Section 702 can compel it to hand over data it holds or controls, \
             wherever the data is stored. Level 1 of 4; the rule asks for 3 or more.");
        assert_eq!(
            v["findings"][1]["message"],
            "For AMD EPYC 7B13, the foundry that fabricated the chip is not identified."
        );
        // Each finding points at the actors it is about: the evidence in the report.
        assert_eq!(v["findings"][0]["actors"], json!([1]));
        assert_eq!(v["findings"][1]["actors"], json!([3]));
        assert_eq!(v["score"]["level"], 1);
        assert_eq!(v["score"]["score"], 25.0);
        assert_eq!(
            v["score"]["objectives"]["SOV-5"],
            json!({"level": 1, "score": 25.0})
        );
    }

    #[test]
    fn refuses_roles_of_other_layers() {
        let rules = json!([rule(
            "r1",
            json!({"openness": {"roles": ["steward"], "pass_level": 3, "levels": {
            "open_standard": 4, "community": 4, "foundation": 3, "company": 1, "state": 1, "unknown": 0}}})
        )]);
        let v = call(request(seal(), rules));
        assert_eq!(v["error"], "ruleset/unknown-role: rule `r1` names role `steward`, which layer `processor` has no actor in (roles: isa_owner, core_designer, soc_vendor, foundry)");
        assert_eq!(v["findings"], json!([]));
    }
}
