//! The `os` plugin: judges who stands behind the operating system found, through three roles:
//! the distribution's steward (`steward`), the distribution it descends from (`lineage`) and the
//! kernel's maintainers (`kernel`).
//!
//! All judging is the SDK's (`sovstack_plugin_sdk::judge`); this crate only says who it is. It is
//! built for `wasm32-unknown-unknown` by `plugins/build.sh` into `plugins/dist/os.wasm`, which the
//! CLI embeds.

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {
    name: "os",
    version: env!("CARGO_PKG_VERSION"),
    description: "Judges operating systems by who stewards the distribution, where it descends from and who maintains its kernel.",
    layer: Layer::Os,
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

    fn request(layer: &str, rules: Value) -> Value {
        json!({
            "abi_version": ABI_VERSION,
            "layer": layer,
            "ruleset": {"name": "non-aligned", "version": "1", "rules": rules, "scoring": {
                "method": "bloc_balance", "commons_credit": 0.5,
                "poles": [{"id": "US", "name": "United States", "countries": ["US"]},
                          {"id": "CN", "name": "China", "countries": ["CN"]},
                          {"id": "EU", "name": "European Union", "blocs": ["EU"]}],
                "level_thresholds": [{"min_score": 80.0, "level": 4}, {"min_score": 60.0, "level": 3},
                                     {"min_score": 40.0, "level": 2}, {"min_score": 20.0, "level": 1},
                                     {"min_score": 0.0, "level": 0}]}},
            "items": [{
                "id": "os", "label": "Ubuntu 24.04 LTS",
                "actors": [
                    {"role": "steward", "name": "Canonical Ltd", "country": "GB", "blocs": ["NATO", "G7"],
                     "laws": ["uk-ipa"], "governance": "company"},
                    {"role": "lineage", "name": "Debian", "country": null, "governance": "community"},
                    {"role": "kernel", "name": "Linux kernel community", "country": null, "governance": "community"}
                ]
            }]
        })
    }

    fn concentration() -> Value {
        json!([{"id": "na.os.concentration", "layer": "os", "title": "t", "severity": "medium", "weight": 1.0,
                "criterion": {"concentration": {"roles": ["steward", "lineage", "kernel"],
                                                "max_share": 0.5, "max_index": 0.25}}}])
    }

    #[test]
    fn info_names_the_os_layer() {
        let info: Value = serde_json::from_slice(&info_json(&info())).unwrap();
        assert_eq!(info["name"], "os");
        assert_eq!(info["layers"], json!(["os"]));
        assert_eq!(info["abi_version"], ABI_VERSION);
    }

    #[test]
    fn scores_ubuntu_under_bloc_balance() {
        let v = call(request("os", concentration()));
        assert_eq!(v["error"], Value::Null);
        // Canonical (GB) is in no pole: other 1/3; Debian and the kernel community: commons 2/3.
        assert_eq!(v["findings"], json!([]));
        assert_eq!(
            v["score"]["shares"],
            json!({"CN": 0.0, "EU": 0.0, "US": 0.0,
                                                "commons": 0.6667, "other": 0.3333, "unknown": 0.0})
        );
        assert_eq!(v["score"]["concentration_index"], 0.0);
        assert_eq!(v["score"]["score"], 100.0);
        assert_eq!(v["score"]["level"], 4);
    }

    #[test]
    fn refuses_other_layers_and_processor_roles() {
        let v = call(request("processor", json!([])));
        assert_eq!(
            v["error"],
            "request/wrong-layer: the os plugin does not evaluate layer `processor` (it evaluates: os)"
        );
        let mut rules = concentration();
        rules[0]["criterion"]["concentration"]["roles"] = json!(["foundry"]);
        let v = call(request("os", rules));
        assert_eq!(v["error"], "ruleset/unknown-role: rule `na.os.concentration` names role `foundry`, which layer `os` has no actor in (roles: steward, lineage, kernel)");
    }
}
