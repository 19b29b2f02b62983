//! The `cable` plugin: judges each destination country the organisation's data may travel to
//! through who owns the submarine cables on the candidate routes there (`cable_owner`, each
//! owner of a consortium an actor, with its headquarters country).
//!
//! All judging is the SDK's (`sovstack_plugin_sdk::judge`); this crate only says who it is. It is
//! built for `wasm32-unknown-unknown` by `plugins/build.sh` into `plugins/dist/cable.wasm`,
//! which the CLI embeds.

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {
    name: "cable",
    version: env!("CARGO_PKG_VERSION"),
    description:
        "Judges the submarine cable routes to each destination country by who owns the cables.",
    layer: Layer::Cable,
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

    fn owner(name: &str, country: &str, blocs: Value) -> Value {
        json!({"role": "cable_owner", "name": name, "country": country, "blocs": blocs,
               "laws": [], "governance": "unknown"})
    }

    /// France to the United States: two US-held systems and one partly EU-held.
    fn request(layer: &str, rules: Value) -> Value {
        json!({
            "abi_version": ABI_VERSION,
            "layer": layer,
            "ruleset": {"name": "non-aligned", "version": "1", "rules": rules, "scoring": {
                "method": "bloc_balance", "poles": [
                    {"id": "US", "name": "United States", "countries": ["US"]},
                    {"id": "EU", "name": "European Union", "blocs": ["EU"]}],
                "level_thresholds": [{"min_score": 50, "level": 4}, {"min_score": 0, "level": 0}]}},
            "items": [{
                "id": "FR-US", "label": "routes to US",
                "actors": [
                    owner("Google LLC (Alphabet Inc.)", "US", json!(["NATO", "G7"])),
                    owner("Meta Platforms", "US", json!(["NATO", "G7"])),
                    owner("Orange S.A.", "FR", json!(["EU", "NATO", "G7"]))
                ]
            }]
        })
    }

    #[test]
    fn info_names_the_cable_layer() {
        let info: Value = serde_json::from_slice(&info_json(&info())).unwrap();
        assert_eq!(info["name"], "cable");
        assert_eq!(info["layers"], json!(["cable"]));
        assert_eq!(info["abi_version"], ABI_VERSION);
    }

    #[test]
    fn a_pole_holding_two_thirds_of_the_owners_is_a_finding() {
        let rule = json!({"id": "na.cable.concentration", "layer": "cable", "title": "t",
            "severity": "high", "weight": 1.0, "criterion": {"concentration": {
            "roles": ["cable_owner"], "max_share": 0.5, "max_index": 0.25}}});
        let v = call(request("cable", json!([rule])));
        assert_eq!(v["error"], Value::Null, "{v}");
        let findings = v["findings"].as_array().unwrap();
        // The US share (2 of 3 owners) and the concentration index (0.5556) are both too high.
        assert_eq!(findings.len(), 2, "{v}");
        assert!(findings
            .iter()
            .all(|f| f["rule"] == "na.cable.concentration"));
        let share = findings[0]["message"].as_str().unwrap();
        assert!(share.contains("(US) hold 66.7%"), "{share}");
        assert_eq!(v["score"]["shares"]["US"], 0.6667);
    }

    #[test]
    fn refuses_other_layers_and_roles() {
        let v = call(request("network", json!([])));
        assert_eq!(
            v["error"],
            "request/wrong-layer: the cable plugin does not evaluate layer `network` (it evaluates: cable)"
        );
        let rule = json!({"id": "r", "layer": "cable", "title": "t", "severity": "high",
            "weight": 1.0, "criterion": {"known_attribution": {"roles": ["location"]}}});
        let v = call(request("cable", json!([rule])));
        assert_eq!(v["error"], "ruleset/unknown-role: rule `r` names role `location`, which layer `cable` has no actor in (roles: cable_owner)");
    }
}
