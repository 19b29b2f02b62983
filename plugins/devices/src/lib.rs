//! The `devices` plugin: judges each maker of the organisation's computers, network equipment,
//! printers and phones (`manufacturer`), the organisation that owns it (`owner`) and whether a
//! public authority has named it a high-risk supplier (`high_risk_vendor`), each item weighing
//! the hosts it stands for.
//!
//! All judging is the SDK's (`sovstack_plugin_sdk::judge`); this crate only says who it is. It is
//! built for `wasm32-unknown-unknown` by `plugins/build.sh` into `plugins/dist/devices.wasm`,
//! which the CLI embeds.

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {
    name: "devices",
    version: env!("CARGO_PKG_VERSION"),
    description: "Judges who makes the organisation's computers, network equipment, printers and phones, who owns the makers, and makers named high-risk suppliers.",
    layer: Layer::Devices,
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

    fn actor(role: &str, name: &str, country: &str, blocs: Value, laws: Value) -> Value {
        json!({"role": role, "name": name, "country": country, "blocs": blocs,
               "laws": laws, "governance": "company"})
    }

    /// A fleet of 10 hosts: 6 Dell systems, 3 Huawei switches, 1 Stormshield firewall.
    fn request(rules: Value) -> Value {
        let us = || {
            actor(
                "manufacturer",
                "Dell Technologies",
                "US",
                json!(["NATO", "G7"]),
                json!(["us-cloud-act"]),
            )
        };
        let huawei = |role| {
            actor(
                role,
                "Huawei Technologies",
                "CN",
                json!(["BRICS", "SCO"]),
                json!(["cn-national-intelligence-law-art7"]),
            )
        };
        json!({
            "abi_version": ABI_VERSION,
            "layer": "devices",
            "ruleset": {"name": "t", "version": "1", "rules": rules, "scoring": {
                "method": "bloc_balance", "poles": [
                    {"id": "US", "name": "United States", "countries": ["US"]},
                    {"id": "CN", "name": "China", "countries": ["CN"]},
                    {"id": "EU", "name": "European Union", "blocs": ["EU"]}],
                "level_thresholds": [{"min_score": 50, "level": 4}, {"min_score": 0, "level": 0}]}},
            "items": [
                {"id": "dev0", "label": "Dell Inc. (system)", "weight": 6.0, "actors": [us()]},
                {"id": "dev1", "label": "Huawei (network)", "weight": 3.0,
                 "actors": [huawei("manufacturer"), huawei("high_risk_vendor")]},
                {"id": "dev2", "label": "Stormshield (network)", "weight": 1.0, "actors": [
                    actor("manufacturer", "Stormshield", "FR", json!(["EU", "NATO"]), json!([])),
                    actor("owner", "Airbus SE", "NL", json!(["EU", "NATO"]), json!([]))]}
            ]
        })
    }

    #[test]
    fn info_names_the_devices_layer() {
        let info: Value = serde_json::from_slice(&info_json(&info())).unwrap();
        assert_eq!(info["name"], "devices");
        assert_eq!(info["layers"], json!(["devices"]));
    }

    #[test]
    fn a_high_risk_vendor_is_a_finding_on_its_item_only() {
        let rule = json!({"id": "eu.devices.high-risk-vendor", "layer": "devices", "title": "t",
            "severity": "high", "weight": 1.0, "criterion": {"jurisdiction": {
            "roles": ["high_risk_vendor"], "pass_level": 1,
            "levels": {"home": 0, "foreign": 0, "extraterritorial": 0, "commons": 0, "unknown": 0}}}});
        let v = call(request(json!([rule])));
        assert_eq!(v["error"], Value::Null, "{v}");
        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{v}");
        assert_eq!(findings[0]["item"], "dev1");
        let m = findings[0]["message"].as_str().unwrap();
        assert!(m.contains("Huawei Technologies"), "{m}");
        assert!(m.contains("high-risk supplier"), "{m}");
    }

    #[test]
    fn shares_weigh_the_hosts_each_maker_stands_for() {
        let rule = json!({"id": "na.devices.concentration", "layer": "devices", "title": "t",
            "severity": "high", "weight": 1.0, "criterion": {"concentration": {
            "roles": ["manufacturer"], "max_share": 0.5, "max_index": 1.0}}});
        let v = call(request(json!([rule])));
        assert_eq!(v["error"], Value::Null, "{v}");
        assert_eq!(v["score"]["shares"]["US"], 0.6);
        assert_eq!(v["score"]["shares"]["CN"], 0.3);
        assert_eq!(v["score"]["shares"]["EU"], 0.1);
        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{v}");
        assert!(
            findings[0]["message"]
                .as_str()
                .unwrap()
                .contains("(US) hold 60% of the control over the devices"),
            "{v}"
        );
    }
}
