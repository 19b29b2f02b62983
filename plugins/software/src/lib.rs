//! The `software` plugin: judges the organisation's software supply, one item per registry the
//! components arrive through and licensing class, weighing its number of components: who
//! operates the registry (`registry_operator`, with its headquarters country) and whether the
//! components come under free-software licences (`licence`, commons when they do).
//!
//! All judging is the SDK's (`sovstack_plugin_sdk::judge`); this crate only says who it is. It is
//! built for `wasm32-unknown-unknown` by `plugins/build.sh` into `plugins/dist/software.wasm`,
//! which the CLI embeds.

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {
    name: "software",
    version: env!("CARGO_PKG_VERSION"),
    description: "Judges the registries software components arrive through, and their licences.",
    layer: Layer::Software,
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

    fn operator(name: &str, country: &str, blocs: Value, governance: &str) -> Value {
        json!({"role": "registry_operator", "name": name, "country": country, "blocs": blocs,
               "laws": [], "governance": governance})
    }

    fn free() -> Value {
        json!({"role": "licence", "name": "free-software licences (OSI or FSF)", "blocs": [],
               "laws": [], "governance": "community"})
    }

    /// 87 npm components and 10 PyPI ones (US registries), 3 Debian packages (community).
    fn request(rules: Value) -> Value {
        json!({
            "abi_version": ABI_VERSION,
            "layer": "software",
            "ruleset": {"name": "non-aligned", "version": "1", "rules": rules, "scoring": {
                "method": "bloc_balance", "poles": [
                    {"id": "US", "name": "United States", "countries": ["US"]},
                    {"id": "EU", "name": "European Union", "blocs": ["EU"]}],
                "level_thresholds": [{"min_score": 50, "level": 4}, {"min_score": 0, "level": 0}]}},
            "items": [
                {"id": "npm/free", "label": "npm", "weight": 87.0, "actors": [
                    operator("GitHub, Inc.", "US", json!(["NATO", "G7"]), "company"), free()]},
                {"id": "pypi/free", "label": "pypi", "weight": 10.0, "actors": [
                    operator("Python Software Foundation", "US", json!(["NATO", "G7"]), "foundation"), free()]},
                {"id": "deb/debian/free", "label": "deb", "weight": 3.0, "actors": [
                    json!({"role": "registry_operator", "name": "Debian Project", "blocs": [],
                           "laws": [], "governance": "community"}), free()]}
            ]
        })
    }

    #[test]
    fn info_names_the_software_layer() {
        let info: Value = serde_json::from_slice(&info_json(&info())).unwrap();
        assert_eq!(info["name"], "software");
        assert_eq!(info["layers"], json!(["software"]));
    }

    #[test]
    fn components_weigh_in_the_registry_concentration() {
        let rule = json!({"id": "na.software.registry-concentration", "layer": "software",
            "title": "t", "severity": "high", "weight": 1.0, "criterion": {"concentration": {
            "roles": ["registry_operator"], "max_share": 0.5, "max_index": 0.25}}});
        let v = call(request(json!([rule])));
        assert_eq!(v["error"], Value::Null, "{v}");
        let share = v["findings"][0]["message"].as_str().unwrap();
        // 97 of the 100 components arrive through registries held in the US.
        assert!(share.contains("(US) hold 97%"), "{share}");
        assert_eq!(v["score"]["shares"]["commons"], 0.03);
    }

    #[test]
    fn refuses_other_roles() {
        let rule = json!({"id": "r", "layer": "software", "title": "t", "severity": "high",
            "weight": 1.0, "criterion": {"known_attribution": {"roles": ["cable_owner"]}}});
        let v = call(request(json!([rule])));
        assert_eq!(v["error"], "ruleset/unknown-role: rule `r` names role `cable_owner`, which layer `software` has no actor in (roles: registry_operator, licence)");
    }
}
