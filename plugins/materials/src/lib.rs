//! The `materials` plugin: judges the critical raw materials the hardware depends on through the
//! countries producing them (`producer`, a state actor per country, holding its share of the
//! production USGS attributes to countries), so that a `concentration` rule weighs each country
//! by its share of world production rather than each producer evenly.
//!
//! All judging is the SDK's (`sovstack_plugin_sdk::judge`); this crate only says who it is. It is
//! built for `wasm32-unknown-unknown` by `plugins/build.sh` into `plugins/dist/materials.wasm`,
//! which the CLI embeds.

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {
    name: "materials",
    version: env!("CARGO_PKG_VERSION"),
    description: "Judges the critical raw materials the hardware depends on by which countries produce them, each by its share of world production.",
    layer: Layer::Materials,
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

    fn producer(country: &str, blocs: Value, share: f64) -> Value {
        json!({"role": "producer", "name": country, "country": country, "blocs": blocs,
               "laws": [], "governance": "state", "share": share})
    }

    /// Primary gallium: China 99% of the production USGS attributes to countries.
    fn request(layer: &str, rules: Value) -> Value {
        json!({
            "abi_version": ABI_VERSION,
            "layer": layer,
            "ruleset": {"name": "non-aligned", "version": "1", "rules": rules, "scoring": {
                "method": "bloc_balance", "poles": [
                    {"id": "CN", "name": "China", "countries": ["CN"]},
                    {"id": "RU", "name": "Russia", "countries": ["RU"]},
                    {"id": "JP", "name": "Japan", "countries": ["JP"]}],
                "level_thresholds": [{"min_score": 50, "level": 4}, {"min_score": 0, "level": 0}]}},
            "items": [{
                "id": "gallium", "label": "gallium (primary production, 2025)",
                "actors": [
                    producer("CN", json!(["BRICS"]), 0.9901),
                    producer("RU", json!(["BRICS"]), 0.0066),
                    producer("JP", json!(["G7"]), 0.0033)
                ]
            }]
        })
    }

    #[test]
    fn info_names_the_layer() {
        let info: Value = serde_json::from_slice(&info_json(&info())).unwrap();
        assert_eq!(info["name"], "materials");
        assert_eq!(info["layers"], json!(["materials"]));
        assert_eq!(info["abi_version"], ABI_VERSION);
    }

    #[test]
    fn concentration_weighs_each_country_by_its_share_of_production() {
        let rule = json!({"id": "na.materials.concentration", "layer": "materials",
            "title": "t", "severity": "high", "weight": 1.0,
            "criterion": {"concentration": {"roles": ["producer"], "max_share": 0.5,
                                            "max_index": 0.25}}});
        let v = call(request("materials", json!([rule])));
        assert_eq!(v["error"], Value::Null, "{v}");
        assert_eq!(v["score"]["shares"]["CN"], 0.9901);
        assert_eq!(v["score"]["shares"]["JP"], 0.0033);
        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 2, "{findings:?}");
        let share = findings[0]["message"].as_str().unwrap();
        assert!(
            share.starts_with("Producers in China (CN) hold 99% of the production"),
            "{share}"
        );
    }

    #[test]
    fn refuses_other_layers_and_roles() {
        let v = call(request("cable", json!([])));
        assert_eq!(
            v["error"],
            "request/wrong-layer: the materials plugin does not evaluate layer `cable` (it evaluates: materials)"
        );
        let rule = json!({"id": "r", "layer": "materials", "title": "t", "severity": "high",
            "weight": 1.0, "criterion": {"known_attribution": {"roles": ["cable_owner"]}}});
        let v = call(request("materials", json!([rule])));
        assert_eq!(v["error"], "ruleset/unknown-role: rule `r` names role `cable_owner`, which layer `materials` has no actor in (roles: producer)");
    }
}
