//! The `toolchain` plugin: judges the toolchains that built the binaries found, through the
//! steward of each component: the compiler of the program's own code (`compiler`), the linker
//! that produced the file (`linker`), the C library it links (`libc`) and a runtime it targets
//! (`runtime`). The steward is whoever governs that toolchain: the GNU Project and its Free
//! Software Foundation (a US foundation) for GCC, binutils and glibc, the LLVM Foundation (a US
//! foundation) for clang and lld, Microsoft (a US company) for MSVC, Apple (a US company) for its
//! toolchain, Google (a US company) for Go, the Rust project for rustc. A component that left no
//! mark has a steward without a name or country, of unknown governance. Who stewards what is the
//! host's knowledge base's to say; this plugin only judges the actors it is given.
//!
//! Each item is one toolchain at one version in one component (`compiler/gcc/12`) and weighs the
//! number of binaries it built ([`AttributedItem::weight`]), so `concentration` sees "61% of the
//! binaries built by GCC", not "one toolchain among four".
//!
//! All judging is the SDK's (`sovstack_plugin_sdk::judge`); this crate only says who it is. It is
//! built for `wasm32-unknown-unknown` by `plugins/build.sh` into `plugins/dist/toolchain.wasm`,
//! which the CLI embeds.
//!
//! [`AttributedItem::weight`]: sovstack_plugin_sdk::abi::AttributedItem::weight

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {
    name: "toolchain",
    version: env!("CARGO_PKG_VERSION"),
    description: "Judges the toolchains that built the binaries by who stewards their compilers, linkers, C libraries and runtimes.",
    layer: Layer::Toolchain,
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

    fn us(role: &str, name: &str, governance: &str) -> Value {
        json!({"role": role, "name": name, "country": "US", "blocs": ["NATO", "G7"],
               "laws": ["us-cloud-act", "us-fisa-702"], "governance": governance})
    }

    fn use_of(id: &str, label: &str, weight: f64, steward: Value) -> Value {
        json!({"id": id, "label": label, "weight": weight, "actors": [steward]})
    }

    /// 100 binaries: 61 built by GCC, 30 by rustc, 8 by MSVC, 1 by a compiler that left no mark.
    fn compilers() -> Value {
        json!([
            use_of(
                "compiler/gcc/12",
                "compiler: gcc 12",
                61.0,
                us(
                    "compiler",
                    "Free Software Foundation (GNU Project)",
                    "foundation"
                )
            ),
            use_of(
                "compiler/rustc/1.63",
                "compiler: rustc 1.63",
                30.0,
                json!({"role": "compiler", "name": "Rust project", "country": null,
                          "governance": "community"})
            ),
            use_of(
                "compiler/msvc/19",
                "compiler: msvc 19",
                8.0,
                us("compiler", "Microsoft Corporation", "company")
            ),
            use_of(
                "compiler/unknown",
                "compiler: unknown",
                1.0,
                json!({"role": "compiler", "name": null, "country": null, "governance": "unknown"})
            ),
        ])
    }

    fn request(layer: &str, ruleset: Value, items: Value) -> Value {
        json!({"abi_version": ABI_VERSION, "layer": layer, "ruleset": ruleset, "items": items})
    }

    fn non_aligned(rules: Value) -> Value {
        json!({"name": "non-aligned", "version": "1", "rules": rules, "scoring": {
            "method": "bloc_balance", "commons_credit": 0.5,
            "poles": [{"id": "US", "name": "United States", "countries": ["US"]},
                      {"id": "CN", "name": "China", "countries": ["CN"]},
                      {"id": "EU", "name": "European Union", "blocs": ["EU"]}],
            "level_thresholds": [{"min_score": 75.0, "level": 4}, {"min_score": 50.0, "level": 3},
                                 {"min_score": 25.0, "level": 2}, {"min_score": 10.0, "level": 1},
                                 {"min_score": 0.0, "level": 0}]}})
    }

    fn eu(rules: Value) -> Value {
        json!({"name": "eu-sovereignty", "version": "1", "rules": rules, "scoring": {
            "method": "seal_weakest_link", "home_blocs": ["EU"],
            "objectives": [{"id": "SOV-1", "name": "Strategic", "weight": 15.0},
                           {"id": "SOV-5", "name": "Supply chain", "weight": 20.0}]}})
    }

    fn concentration() -> Value {
        json!({"id": "na.toolchain.concentration", "layer": "toolchain", "title": "t",
               "severity": "high", "weight": 1.0, "criterion": {"concentration": {
                   "roles": ["compiler", "linker", "libc", "runtime"],
                   "max_share": 0.5, "max_index": 0.25}}})
    }

    fn known() -> Value {
        json!({"id": "na.toolchain.compiler-known", "layer": "toolchain", "title": "t",
               "severity": "low", "weight": 1.0,
               "criterion": {"known_attribution": {"roles": ["compiler"]}}})
    }

    fn jurisdiction() -> Value {
        json!({"id": "eu.toolchain.compiler-jurisdiction", "layer": "toolchain", "title": "t",
               "objective": "SOV-5", "severity": "high", "weight": 1.0,
               "criterion": {"jurisdiction": {"roles": ["compiler"], "pass_level": 3,
                   "levels": {"home": 4, "foreign": 2, "extraterritorial": 1, "commons": 3, "unknown": 0}}}})
    }

    fn openness() -> Value {
        json!({"id": "eu.toolchain.compiler-openness", "layer": "toolchain", "title": "t",
               "objective": "SOV-1", "severity": "medium", "weight": 1.0,
               "criterion": {"openness": {"roles": ["compiler"], "pass_level": 3, "levels": {
                   "open_standard": 4, "community": 4, "foundation": 3, "company": 1, "state": 1,
                   "unknown": 0}}}})
    }

    fn messages(v: &Value) -> Vec<(&str, Option<&str>, &str)> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap(),
                    f["item"].as_str(),
                    f["message"].as_str().unwrap(),
                )
            })
            .collect()
    }

    #[test]
    fn info_names_the_toolchain_layer() {
        let info: Value = serde_json::from_slice(&info_json(&info())).unwrap();
        assert_eq!(info["name"], "toolchain");
        assert_eq!(info["layers"], json!(["toolchain"]));
        assert_eq!(info["abi_version"], ABI_VERSION);
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
    fn bloc_balance_weighs_toolchains_by_the_binaries_they_built() {
        let v = call(request(
            "toolchain",
            non_aligned(json!([concentration(), known()])),
            compilers(),
        ));
        assert_eq!(v["error"], Value::Null);
        // GCC 61 + MSVC 8 → US 69%; rustc 30 → commons 30%; the unmarked binary → unknown 1%.
        // Counting toolchains instead of binaries would give US 50%, commons 25%, unknown 25%.
        let score = &v["score"];
        assert_eq!(
            score["shares"],
            json!({"US": 0.69, "CN": 0.0, "EU": 0.0, "commons": 0.3, "other": 0.0, "unknown": 0.01})
        );
        assert_eq!(score["concentration_index"], 0.4761);
        // 100 × (1 − 0.69 − 0.01) + 0.5 × 0.30 × 100 = 45 → level 2.
        assert_eq!(score["score"], 45.0);
        assert_eq!(score["level"], 2);
        assert_eq!(messages(&v), [
            ("na.toolchain.concentration", None,
             "Organisations headquartered in the United States (US) hold 69% of the control over the compilers, the linkers, the C libraries and the runtimes (4 items): more than the 50% one pole may hold."),
            ("na.toolchain.concentration", None,
             "Control over the compilers, the linkers, the C libraries and the runtimes is concentrated in few poles (US 69%; 4 items): the concentration index (HHI) is 0.4761, above the 0.25 the rule allows (1 means a single pole holds everything)."),
            ("na.toolchain.compiler-known", Some("compiler/unknown"),
             "For compiler: unknown, the steward of the compiler is not identified."),
        ]);
    }

    #[test]
    fn a_toolchain_that_built_nothing_holds_nothing() {
        let mut items = compilers();
        items[0]["weight"] = json!(0.0);
        let v = call(request(
            "toolchain",
            non_aligned(json!([concentration()])),
            items,
        ));
        // Without GCC's 61 binaries: MSVC 8 of 39 (20.5%), rustc 30 (76.9%), unknown 1 (2.6%).
        let shares = &v["score"]["shares"];
        assert_eq!(
            (&shares["US"], &shares["commons"], &shares["unknown"]),
            (&json!(0.2051), &json!(0.7692), &json!(0.0256))
        );
        assert_eq!(messages(&v), [] as [(&str, Option<&str>, &str); 0]);
        let mut none = compilers();
        for item in none.as_array_mut().unwrap() {
            item["weight"] = json!(0.0);
        }
        let v = call(request(
            "toolchain",
            non_aligned(json!([concentration()])),
            none,
        ));
        assert_eq!(v, json!({"findings": [], "score": null, "error": null}));
    }

    #[test]
    fn seal_weakest_link_weighs_the_mean_and_keeps_the_weakest_link() {
        let v = call(request(
            "toolchain",
            eu(json!([jurisdiction(), openness()])),
            compilers(),
        ));
        assert_eq!(v["error"], Value::Null);
        let score = &v["score"];
        // Jurisdiction, home EU: GCC 1 (×61), rustc commons 3 (×30), MSVC 1 (×8), unknown 0 (×1)
        // → 1.59 → 39.75% (unweighted 1.25 → 31.25%). The unmarked binary, weight 1 of 100,
        // still sets the level to 0.
        assert_eq!(
            score["objectives"]["SOV-5"],
            json!({"level": 0, "score": 39.75})
        );
        // Openness: foundation 3, community 4, company 1, unknown 0 → 3.11 → 77.75% (unweighted 50%).
        assert_eq!(
            score["objectives"]["SOV-1"],
            json!({"level": 0, "score": 77.75})
        );
        // (39.75 × 20 + 77.75 × 15) / 35 = 56.0357… → 56.04.
        assert_eq!(score["score"], 56.04);
        assert_eq!(score["level"], 0);
        // Findings do not depend on weights: every item below the pass level, whatever it weighs.
        let j = "eu.toolchain.compiler-jurisdiction";
        let o = "eu.toolchain.compiler-openness";
        assert_eq!(messages(&v), [
            (j, Some("compiler/gcc/12"),
             "Free Software Foundation (GNU Project), headquartered in US, stewards the compiler: us-cloud-act and us-fisa-702 can compel it to hand over data it holds or controls, wherever the data is stored. Level 1 of 4; the rule asks for 3 or more."),
            (j, Some("compiler/msvc/19"),
             "Microsoft Corporation, headquartered in US, stewards the compiler: us-cloud-act and us-fisa-702 can compel it to hand over data it holds or controls, wherever the data is stored. Level 1 of 4; the rule asks for 3 or more."),
            (j, Some("compiler/unknown"),
             "The steward of the compiler is not identified, nor where it is headquartered. Level 0 of 4; the rule asks for 3 or more."),
            (o, Some("compiler/msvc/19"), "Microsoft Corporation, a company, stewards the compiler: a single organisation decides, not an open community or an open standard. Level 1 of 4; the rule asks for 3 or more."),
            (o, Some("compiler/unknown"), "The steward of the compiler is not identified, so how it is governed is not known. Level 0 of 4; the rule asks for 3 or more."),
        ]);
    }

    #[test]
    fn refuses_other_layers_roles_and_bad_weights() {
        let v = call(request("network", eu(json!([])), compilers()));
        assert_eq!(
            v["error"],
            "request/wrong-layer: the toolchain plugin does not evaluate layer `network` (it evaluates: toolchain)"
        );
        let mut rule = jurisdiction();
        rule["criterion"]["jurisdiction"]["roles"] = json!(["compiler", "steward"]);
        let v = call(request("toolchain", eu(json!([rule])), compilers()));
        assert_eq!(v["error"], "ruleset/unknown-role: rule `eu.toolchain.compiler-jurisdiction` names role `steward`, which layer `toolchain` has no actor in (roles: compiler, linker, libc, runtime)");
        let mut items = compilers();
        items[2]["weight"] = json!(-8.0);
        let v = call(request("toolchain", eu(json!([])), items));
        assert_eq!(
            v["error"],
            "request/bad-item-weight: item compiler/msvc/19: the weight is -8; weights are finite and not negative"
        );
    }
}
