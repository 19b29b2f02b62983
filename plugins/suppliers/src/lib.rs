//! The `suppliers` plugin: judges each declared service (`--declared`) through its supplier and
//! parent (`supplier`, `supplier_parent`, with their headquarters), what the supplier claims
//! (`claimed_jurisdiction`, `data_location`, certifications) and what the network layer observed
//! of its endpoints (`observed_operator`, `observed_location`), and reports the claims the
//! observations contradict (`declared_vs_observed`).
//!
//! All judging is the SDK's (`sovstack_plugin_sdk::judge`); this crate only says who it is. It is
//! built for `wasm32-unknown-unknown` by `plugins/build.sh` into `plugins/dist/suppliers.wasm`,
//! which the CLI embeds.

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {
    name: "suppliers",
    version: env!("CARGO_PKG_VERSION"),
    description: "Judges declared suppliers by their headquarters, claims and certifications, and where observations contradict their claims.",
    layer: Layer::Suppliers,
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

    fn state(role: &str, country: &str, blocs: Value) -> Value {
        json!({"role": role, "name": country, "country": country, "blocs": blocs,
               "laws": [], "governance": "state"})
    }

    /// A mail service claimed French, observed on Amazon's network in Ireland.
    fn request(rules: Value) -> Value {
        json!({
            "abi_version": ABI_VERSION,
            "layer": "suppliers",
            "ruleset": {"name": "secnumcloud", "version": "1", "rules": rules, "scoring": {
                "method": "seal_weakest_link", "home_blocs": ["EU", "EEA"],
                "objectives": [{"id": "SOV-2", "name": "Legal", "weight": 10}]}},
            "items": [{
                "id": "mail", "label": "Mail",
                "actors": [
                    {"role": "supplier", "name": "Example SAS", "country": "FR", "blocs": ["EU"],
                     "laws": [], "governance": "company"},
                    state("claimed_jurisdiction", "FR", json!(["EU"])),
                    {"role": "observed_operator", "name": "Amazon.com, Inc.", "country": "US",
                     "blocs": ["NATO"], "laws": ["us-cloud-act"], "governance": "company"},
                    state("observed_location", "IE", json!(["EU"]))
                ],
                "contradictions": [{"message": "claims FR (EU), observed Amazon.com, Inc. (US)",
                                    "actors": [1, 2]}],
                "certifications": ["ISO-27001"]
            }]
        })
    }

    #[test]
    fn info_names_the_suppliers_layer() {
        let info: Value = serde_json::from_slice(&info_json(&info())).unwrap();
        assert_eq!(info["name"], "suppliers");
        assert_eq!(info["layers"], json!(["suppliers"]));
        assert_eq!(info["abi_version"], ABI_VERSION);
    }

    #[test]
    fn contradictions_and_missing_certifications_are_findings() {
        let rules = json!([
            {"id": "s.dvo", "layer": "suppliers", "title": "t", "objective": "SOV-2",
             "severity": "high", "weight": 1.0, "criterion": {"declared_vs_observed": {}}},
            {"id": "s.cert", "layer": "suppliers", "title": "t", "objective": "SOV-2",
             "severity": "high", "weight": 1.0,
             "criterion": {"certified": {"any_of": ["SecNumCloud"]}}},
            {"id": "s.hq", "layer": "suppliers", "title": "t", "objective": "SOV-2",
             "severity": "high", "weight": 1.0, "criterion": {"jurisdiction": {
                "roles": ["observed_operator"],
                "levels": {"home": 4, "foreign": 2, "extraterritorial": 0, "commons": 4, "unknown": 1},
                "pass_level": 3}}}
        ]);
        let v = call(request(rules));
        assert_eq!(v["error"], Value::Null, "{v}");
        let f = v["findings"].as_array().unwrap();
        assert_eq!(f.len(), 3, "{v}");
        assert_eq!(f[0]["rule"], "s.dvo");
        assert_eq!(f[0]["actors"], json!([1, 2]));
        assert_eq!(
            f[0]["message"],
            "Mail: claims FR (EU), observed Amazon.com, Inc. (US)"
        );
        assert_eq!(
            f[1]["message"],
            "Mail has no SecNumCloud certification (declared: ISO-27001). Level 0 of 4"
        );
        // The certified rule gives its level (0: not declared) like a jurisdiction rule.
        assert_eq!(f[1]["level"], 0);
        assert_eq!(f[2]["level"], 0);
        assert_eq!(v["score"]["level"], 0);
    }

    #[test]
    fn refuses_an_unknown_certification() {
        let rules = json!([{"id": "s.cert", "layer": "suppliers", "title": "t",
            "objective": "SOV-2", "severity": "high", "weight": 1.0,
            "criterion": {"certified": {"any_of": ["SNC"]}}}]);
        let v = call(request(rules));
        assert!(
            v["error"].as_str().unwrap().starts_with(
                "ruleset/unknown-certification: rule `s.cert` names certification `SNC`"
            ),
            "{v}"
        );
    }
}
