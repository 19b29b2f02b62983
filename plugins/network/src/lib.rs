//! The `network` plugin: judges the endpoints an organisation depends on through who stands
//! behind their addresses: the operator of the announcing network (`network_operator`), the
//! cloud or CDN provider (`cloud_provider`), the DNS host (`dns_provider`) and the country where
//! the address is located (`location`, a state, so the jurisdiction criterion judges where the
//! data sits).
//!
//! All judging is the SDK's (`sovstack_plugin_sdk::judge`); this crate only says who it is. It is
//! built for `wasm32-unknown-unknown` by `plugins/build.sh` into `plugins/dist/network.wasm`,
//! which the CLI embeds.

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {
    name: "network",
    version: env!("CARGO_PKG_VERSION"),
    description: "Judges network endpoints by who operates, hosts and locates their addresses.",
    layer: Layer::Network,
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

    /// A mail endpoint at a US provider whose server stands in the Netherlands.
    fn request(layer: &str, rules: Value) -> Value {
        json!({
            "abi_version": ABI_VERSION,
            "layer": layer,
            "ruleset": {"name": "eu-sovereignty", "version": "1", "rules": rules, "scoring": {
                "method": "seal_weakest_link", "home_blocs": ["EU"],
                "objectives": [{"id": "SOV-2", "name": "Legal", "weight": 10.0},
                               {"id": "SOV-3", "name": "Data", "weight": 10.0}]}},
            "items": [{
                "id": "ep0", "label": "mail (mail:example.org)",
                "actors": [
                    {"role": "network_operator", "name": "Microsoft Corporation", "country": "US",
                     "blocs": ["NATO", "G7"], "laws": ["us-cloud-act"], "governance": "company"},
                    {"role": "cloud_provider", "name": "Microsoft 365", "country": "US",
                     "blocs": ["NATO", "G7"], "laws": ["us-cloud-act"], "governance": "company"},
                    {"role": "location", "name": "NL", "country": "NL", "blocs": ["EU", "NATO"],
                     "laws": [], "governance": "state"}
                ]
            }]
        })
    }

    fn jurisdiction(id: &str, objective: &str, roles: Value) -> Value {
        json!({"id": id, "layer": "network", "title": "t", "objective": objective, "severity": "high",
               "weight": 1.0, "criterion": {"jurisdiction": {"roles": roles,
               "levels": {"home": 4, "foreign": 2, "extraterritorial": 1, "commons": 4, "unknown": 0},
               "pass_level": 3}}})
    }

    #[test]
    fn info_names_the_network_layer() {
        let info: Value = serde_json::from_slice(&info_json(&info())).unwrap();
        assert_eq!(info["name"], "network");
        assert_eq!(info["layers"], json!(["network"]));
        assert_eq!(info["abi_version"], ABI_VERSION);
    }

    #[test]
    fn data_in_the_eu_held_by_a_us_operator() {
        let rules = json!([
            jurisdiction("eu.network.location", "SOV-3", json!(["location"])),
            jurisdiction(
                "eu.network.reach",
                "SOV-2",
                json!(["network_operator", "cloud_provider"])
            ),
        ]);
        let v = call(request("network", rules));
        assert_eq!(v["error"], Value::Null);
        // The location is home (level 4, no finding); the operator's reach is not (level 1).
        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0]["rule"], "eu.network.reach");
        assert_eq!(findings[0]["level"], 1);
        assert_eq!(v["score"]["objectives"]["SOV-3"]["level"], 4);
        assert_eq!(v["score"]["level"], 1);
    }

    #[test]
    fn refuses_other_layers_and_roles() {
        let v = call(request("os", json!([])));
        assert_eq!(
            v["error"],
            "request/wrong-layer: the network plugin does not evaluate layer `os` (it evaluates: network)"
        );
        let v = call(request(
            "network",
            json!([jurisdiction("r", "SOV-2", json!(["steward"]))]),
        ));
        assert_eq!(v["error"], "ruleset/unknown-role: rule `r` names role `steward`, which layer `network` has no actor in (roles: network_operator, cloud_provider, dns_provider, location)");
    }
}
