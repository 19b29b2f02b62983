//! Judging an [`EvaluateRequest`]: the criteria and scoring methods exactly as `sovstack-abi`'s
//! documentation ("Criteria", "Scoring") specifies them, shared by every built-in plugin.
//!
//! [`evaluate`] first refuses what the plugin cannot do (`validate`), then runs the rules in
//! order, each over the items in order, so findings come out in rule order then item order; the
//! layer's score follows the ruleset's method. Maps are `BTreeMap`s and sums run in input order,
//! so the same request always gives the same bytes. Nothing here panics or does I/O: problems are
//! `Err(String)` naming the rule, objective, pole or item involved.

mod actors;
mod assessed;
mod commons;
mod concentration;
mod criteria;
mod criticality;
mod declared;
mod routes;
mod scoring;
mod supported;
mod validate;
#[cfg(test)]
mod vectors;

use crate::abi::{Criterion, EvaluateRequest, EvaluateResponse, ScoringMethod};
use crate::Plugin;

/// The criteria the SDK implements, by their snake_case names.
pub const CRITERIA: [&str; 12] = [
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
    "long_lived_commons",
];

/// Scores are reported to two decimals, shares and the index to four (`sovstack-abi`,
/// "Scoring"), and limits are compared with the reported values, so a share of exactly two thirds
/// equals a limit written `0.6667`. One rounding for host and plugins.
pub(crate) use crate::abi::semantics::round;

/// Judges one layer under one ruleset for `plugin`.
pub fn evaluate(plugin: &Plugin, req: &EvaluateRequest) -> Result<EvaluateResponse, String> {
    validate::request(plugin, req)?;
    let scoring = &req.ruleset.scoring;
    let items = &req.items;
    let mut findings = Vec::new();
    let mut graded = Vec::new();
    for rule in &req.ruleset.rules {
        match &rule.criterion {
            Criterion::Jurisdiction {
                roles,
                levels,
                pass_level,
            } => {
                let g = criteria::jurisdiction(rule, roles, levels, *pass_level, scoring, items);
                findings.extend(g.findings);
                graded.push((rule, g.levels));
            }
            Criterion::Openness {
                roles,
                levels,
                pass_level,
            } => {
                let g = criteria::openness(rule, roles, levels, *pass_level, items);
                findings.extend(g.findings);
                graded.push((rule, g.levels));
            }
            Criterion::KnownAttribution { roles } => {
                findings.extend(criteria::known_attribution(rule, roles, items));
            }
            Criterion::Assessed {} => findings.extend(assessed::assessed(rule, items)),
            Criterion::Supported {} => findings.extend(supported::supported(rule, items)),
            Criterion::DeclaredVsObserved {} => {
                findings.extend(declared::declared_vs_observed(rule, items))
            }
            Criterion::Certified { any_of } => {
                findings.extend(declared::certified(rule, any_of, items))
            }
            Criterion::RouteDiversity { min_systems } => {
                findings.extend(routes::route_diversity(rule, *min_systems, scoring, items))
            }
            Criterion::RouteOwnership { max_share } => findings.extend(routes::route_ownership(
                rule,
                *max_share,
                &scoring.poles,
                items,
            )),
            Criterion::HyperscalerShare { max_share } => {
                findings.extend(routes::hyperscaler_share(rule, *max_share, items))
            }
            Criterion::LongLivedCommons { roles, min_years } => {
                findings.extend(commons::long_lived_commons(rule, roles, *min_years, items))
            }
            Criterion::Concentration {
                roles,
                max_share,
                max_index,
            } => {
                findings.extend(concentration::concentration(
                    rule,
                    roles,
                    *max_share,
                    *max_index,
                    &scoring.poles,
                    items,
                ));
            }
        }
    }
    criticality::raise_severities(&mut findings, items);
    let score = match scoring.method {
        ScoringMethod::SealWeakestLink => {
            let graded: Vec<_> = graded.iter().map(|(r, l)| (*r, l.as_slice())).collect();
            scoring::seal_weakest_link(scoring, &graded)
        }
        ScoringMethod::BlocBalance => scoring::bloc_balance(scoring, &req.ruleset.rules, items),
    };
    Ok(EvaluateResponse {
        findings,
        score,
        error: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    // Every request given to the built-in processor plugin here is a test vector.
    use super::vectors::judged as evaluate;
    use crate::abi::{EvaluateResponse, Layer, Severity, ABI_VERSION};
    use serde_json::{json, Value};

    const PROCESSOR: Plugin = Plugin {
        name: "processor",
        version: "0.1.0",
        description: "d",
        layer: Layer::Processor,
        criteria: &CRITERIA,
    };

    const NARROW: Plugin = Plugin {
        name: "narrow",
        version: "0.1.0",
        description: "d",
        layer: Layer::Processor,
        criteria: &["known_attribution"],
    };

    fn amd_epyc() -> Value {
        json!({"id": "cpu0", "label": "AMD EPYC 7B13", "actors": [
            {"role": "isa_owner", "name": "Advanced Micro Devices, Inc.", "country": "US", "blocs": ["NATO"],
             "laws": ["us-cloud-act", "us-fisa-702"], "governance": "company"},
            {"role": "core_designer", "name": "Advanced Micro Devices, Inc.", "country": "US", "blocs": ["NATO"],
             "laws": ["us-cloud-act", "us-fisa-702"], "governance": "company"},
            {"role": "foundry", "name": "Taiwan Semiconductor Manufacturing Company", "country": "TW",
             "governance": "company"}
        ]})
    }

    fn riscv_board() -> Value {
        json!({"id": "cpu1", "label": "SiFive U74", "actors": [
            {"role": "isa_owner", "name": "RISC-V International", "country": "CH", "governance": "open_standard"},
            {"role": "core_designer", "name": "SiFive, Inc.", "country": "US", "blocs": ["NATO"],
             "laws": ["us-cloud-act"], "governance": "company"},
            {"role": "soc_vendor", "name": null, "country": null, "governance": "unknown"}
        ]})
    }

    fn eu_ruleset(rules: Value) -> Value {
        json!({"name": "eu-sovereignty", "version": "1", "scoring": {
            "method": "seal_weakest_link", "home_blocs": ["EU"], "home_countries": [],
            "objectives": [{"id": "SOV-1", "name": "Strategic", "weight": 15.0},
                           {"id": "SOV-5", "name": "Supply chain", "weight": 20.0}]
        }, "rules": rules})
    }

    fn jurisdiction_rule() -> Value {
        json!({"id": "eu.processor.designer-jurisdiction", "layer": "processor", "title": "t",
               "objective": "SOV-5", "severity": "high", "weight": 2.0,
               "criterion": {"jurisdiction": {"roles": ["core_designer"], "pass_level": 3,
                   "levels": {"home": 4, "foreign": 2, "extraterritorial": 1, "commons": 3, "unknown": 0}}}})
    }

    fn openness_rule() -> Value {
        json!({"id": "eu.processor.isa-openness", "layer": "processor", "title": "t",
               "objective": "SOV-1", "severity": "medium", "weight": 1.0,
               "criterion": {"openness": {"roles": ["isa_owner"], "pass_level": 3, "levels": {
                   "open_standard": 4, "community": 4, "foundation": 3, "company": 1, "state": 1, "unknown": 0}}}})
    }

    fn attribution_rule() -> Value {
        json!({"id": "eu.processor.known", "layer": "processor", "title": "t", "objective": "SOV-5",
               "severity": "low", "weight": 1.0,
               "criterion": {"known_attribution": {"roles": ["soc_vendor"]}}})
    }

    fn concentration_rule() -> Value {
        json!({"id": "na.processor.concentration", "layer": "processor", "title": "t",
               "severity": "high", "weight": 1.0,
               "criterion": {"concentration": {"roles": ["isa_owner", "core_designer"],
                   "max_share": 0.5, "max_index": 0.4}}})
    }

    /// Under seal_weakest_link every rule names an objective.
    fn with_objective(mut rule: Value) -> Value {
        rule["objective"] = json!("SOV-5");
        rule
    }

    fn request(ruleset: Value, items: Value) -> EvaluateRequest {
        serde_json::from_value(json!({"abi_version": ABI_VERSION, "layer": "processor",
                                      "ruleset": ruleset, "items": items}))
        .unwrap()
    }

    fn eu_request() -> EvaluateRequest {
        let rules = json!([jurisdiction_rule(), openness_rule(), attribution_rule()]);
        request(eu_ruleset(rules), json!([amd_epyc(), riscv_board()]))
    }

    #[test]
    fn seal_weakest_link_end_to_end() {
        let got = evaluate(&PROCESSOR, &eu_request()).unwrap();
        let findings: Vec<(&str, Option<&str>, Option<u8>, &str)> = got
            .findings
            .iter()
            .map(|f| {
                (
                    f.rule.as_str(),
                    f.item.as_deref(),
                    f.level,
                    f.message.as_str(),
                )
            })
            .collect();
        assert_eq!(findings, [
            ("eu.processor.designer-jurisdiction", Some("cpu0"), Some(1),
             "Advanced Micro Devices, Inc., headquartered in US, designed the processor core: us-cloud-act and us-fisa-702 can compel it to hand over data it holds or controls, wherever the data is stored. Level 1 of 4; the rule asks for 3 or more."),
            ("eu.processor.designer-jurisdiction", Some("cpu1"), Some(1),
             "SiFive, Inc., headquartered in US, designed the processor core: us-cloud-act can compel it to hand over data it holds or controls, wherever the data is stored. Level 1 of 4; the rule asks for 3 or more."),
            ("eu.processor.isa-openness", Some("cpu0"), Some(1),
             "Advanced Micro Devices, Inc., a company, owns the instruction set: a single organisation decides, not an open community or an open standard. Level 1 of 4; the rule asks for 3 or more."),
            ("eu.processor.known", Some("cpu1"), None, "For SiFive U74, the vendor of the chip is not identified."),
        ]);
        let score = got.score.unwrap();
        // SOV-5: jurisdiction levels [1, 1] → 25%; SOV-1: openness [1, 4] → 62.5%.
        assert_eq!(score.level, 1);
        assert_eq!(score.objectives["SOV-5"].score, 25.0);
        assert_eq!(score.objectives["SOV-1"].score, 62.5);
        assert_eq!(score.objectives["SOV-1"].level, 1);
        // (25 × 20 + 62.5 × 15) / 35 = 41.0714… → 41.07.
        assert_eq!(score.score, 41.07);
        assert_eq!(got.error, None);
    }

    #[test]
    fn bloc_balance_end_to_end() {
        let ruleset = json!({"name": "non-aligned", "version": "1", "scoring": {
            "method": "bloc_balance", "commons_credit": 0.5,
            "poles": [{"id": "US", "name": "United States", "countries": ["US"]},
                      {"id": "CN", "name": "China", "countries": ["CN"]},
                      {"id": "EU", "name": "European Union", "blocs": ["EU"]}],
            "level_thresholds": [{"min_score": 75.0, "level": 4}, {"min_score": 50.0, "level": 3},
                                 {"min_score": 25.0, "level": 2}, {"min_score": 10.0, "level": 1},
                                 {"min_score": 0.0, "level": 0}]
        }, "rules": [concentration_rule()]});
        let got = evaluate(
            &PROCESSOR,
            &request(ruleset, json!([amd_epyc(), riscv_board()])),
        )
        .unwrap();
        // isa_owner + core_designer: cpu0 US/US, cpu1 commons/US → US 75%, commons 25%.
        let messages: Vec<&str> = got.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, [
            "Organisations headquartered in the United States (US) hold 75% of the control over the instruction set and the core design (2 items): more than the 50% one pole may hold.",
            "Control over the instruction set and the core design is concentrated in few poles (US 75%; 2 items): the concentration index (HHI) is 0.5625, above the 0.4 the rule allows (1 means a single pole holds everything).",
        ]);
        let score = got.score.unwrap();
        assert_eq!(score.score, 100.0 * 0.25 + 0.5 * 0.25 * 100.0);
        assert_eq!(score.level, 2);
        assert_eq!(score.concentration_index, Some(0.5625));
        assert_eq!(score.shares["US"], 0.75);
        assert_eq!(score.shares["commons"], 0.25);
        assert_eq!(score.shares["CN"], 0.0);
    }

    fn weighed(mut item: Value, weight: f64) -> Value {
        item["weight"] = json!(weight);
        item
    }

    fn us_cn_items(us_weight: f64, cn_weight: f64) -> Value {
        let us = json!({"id": "us", "label": "US chip", "actors": [
            {"role": "isa_owner", "name": "Intel Corporation", "country": "US", "laws": ["us-cloud-act"],
             "governance": "company"}]});
        let cn = json!({"id": "cn", "label": "CN chip", "actors": [
            {"role": "isa_owner", "name": "Loongson Technology", "country": "CN", "governance": "state"}]});
        json!([weighed(us, us_weight), weighed(cn, cn_weight)])
    }

    #[test]
    fn bloc_balance_weighs_items() {
        let ruleset = json!({"name": "non-aligned", "version": "1", "scoring": {
            "method": "bloc_balance", "commons_credit": 0.5,
            "poles": [{"id": "US", "name": "United States", "countries": ["US"]},
                      {"id": "CN", "name": "China", "countries": ["CN"]}],
            "level_thresholds": [{"min_score": 50.0, "level": 3}, {"min_score": 20.0, "level": 1},
                                 {"min_score": 0.0, "level": 0}]
        }, "rules": [concentration_rule()]});
        let weighed_request = request(ruleset.clone(), us_cn_items(3.0, 1.0));
        let got = evaluate(&PROCESSOR, &weighed_request).unwrap();
        let score = got.score.unwrap();
        assert_eq!((score.shares["US"], score.shares["CN"]), (0.75, 0.25));
        assert_eq!(score.concentration_index, Some(0.625));
        assert_eq!((score.score, score.level), (25.0, 1));
        let messages: Vec<&str> = got.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, [
            "Organisations headquartered in the United States (US) hold 75% of the control over the instruction set and the core design (2 items): more than the 50% one pole may hold.",
            "Control over the instruction set and the core design is concentrated in few poles (US 75%, CN 25%; 2 items): the concentration index (HHI) is 0.625, above the 0.4 the rule allows (1 means a single pole holds everything).",
        ]);
        // Equal weights are no weights.
        let equal = request(ruleset.clone(), us_cn_items(1.0, 1.0));
        let got = evaluate(&PROCESSOR, &equal).unwrap();
        assert_eq!(got.score.unwrap().shares["US"], 0.5);
        // Every item weighing 0: nothing judged, no finding, no score.
        let got = evaluate(&PROCESSOR, &request(ruleset, us_cn_items(0.0, 0.0))).unwrap();
        assert_eq!(got, EvaluateResponse::default());
    }

    const MATERIALS: Plugin = Plugin {
        name: "materials",
        version: "0.1.0",
        description: "d",
        layer: Layer::Materials,
        criteria: &CRITERIA,
    };

    fn producer(code: Option<&str>, share: f64) -> Value {
        let (name, governance) = match code {
            Some(c) => (c.to_string(), "state"),
            None => ("other countries (USGS)".to_string(), "unknown"),
        };
        json!({"role": "producer", "name": name, "country": code, "governance": governance,
               "share": share})
    }

    /// Two materials whose producers hold them by their shares of world production (USGS
    /// Mineral Commodity Summaries 2026's primary gallium and refined indium, rounded as the
    /// materials layer rounds them), judged by a concentration rule over `producer`.
    #[test]
    fn materials_concentration_weighs_producer_shares() {
        let ruleset = json!({"name": "non-aligned", "version": "1", "scoring": {
            "method": "bloc_balance", "commons_credit": 0.5,
            "poles": [{"id": "US", "name": "United States", "countries": ["US"]},
                      {"id": "CN", "name": "China", "countries": ["CN"]},
                      {"id": "RU", "name": "Russia", "countries": ["RU"]},
                      {"id": "JP", "name": "Japan", "countries": ["JP"]},
                      {"id": "KR", "name": "South Korea", "countries": ["KR"]}],
            "level_thresholds": [{"min_score": 50.0, "level": 3}, {"min_score": 20.0, "level": 1},
                                 {"min_score": 0.0, "level": 0}]
        }, "rules": [{"id": "na.materials.concentration", "layer": "materials", "title": "t",
                      "severity": "high", "weight": 1.0,
                      "criterion": {"concentration": {"roles": ["producer"],
                          "max_share": 0.5, "max_index": 0.25}}}]});
        let items = json!([
            {"id": "gallium", "label": "gallium (primary production, 2025)", "actors": [
                producer(Some("CN"), 0.9901), producer(Some("RU"), 0.0066),
                producer(Some("JP"), 0.0033)]},
            {"id": "indium", "label": "indium (refinery production, 2025)", "actors": [
                producer(Some("CN"), 0.6972), producer(Some("KR"), 0.1927),
                producer(Some("JP"), 0.0642), producer(None, 0.0459)]}
        ]);
        let req = |items: Value| -> EvaluateRequest {
            serde_json::from_value(json!({"abi_version": ABI_VERSION, "layer": "materials",
                                          "ruleset": ruleset.clone(), "items": items}))
            .unwrap()
        };
        let got = evaluate(&MATERIALS, &req(items.clone())).unwrap();
        let score = got.score.unwrap();
        // China: (0.9901 + 0.6972) / 2 of the two materials, each split by its shares.
        assert_eq!(score.shares["CN"], 0.8437);
        assert_eq!(score.shares["KR"], 0.0964);
        assert_eq!(score.shares["unknown"], 0.023);
        // 100 × (1 − 0.8437 − 0.023): USGS's "other countries" are unattributed control.
        assert_eq!((score.score, score.level), (13.33, 0));
        let messages: Vec<&str> = got.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages[0], "Producers in China (CN) hold 84.4% of the production of the critical raw materials (2 items, each split among the producing countries by their shares of world production): more than the 50% one pole may hold.");
        // Producers are not said to control; the poles come largest share first (the
        // poles are listed US, CN, RU, JP, KR, as the non-aligned ruleset lists them).
        assert_eq!(messages[1], "The production of the critical raw materials is concentrated in few poles (CN 84.4%, KR 9.6%, JP 3.4%, RU 0.3%; 2 items): the concentration index (HHI) is 0.7222, above the 0.25 the rule allows (1 means a single pole holds everything).");
        // Without shares each producer would hold an even part: China only 0.4167.
        let mut even = items.clone();
        for item in even.as_array_mut().unwrap() {
            for a in item["actors"].as_array_mut().unwrap() {
                a.as_object_mut().unwrap().remove("share");
            }
        }
        let got = evaluate(&MATERIALS, &req(even)).unwrap();
        assert_eq!(got.score.unwrap().shares["CN"], 0.2917);
        // A share outside 0-1 is refused.
        let mut bad = items;
        bad[0]["actors"][0]["share"] = json!(1.5);
        assert_eq!(
            evaluate(&MATERIALS, &req(bad)),
            Err("request/bad-actor-share: item gallium: an actor's share is 1.5; shares are finite numbers from 0 to 1".to_string())
        );
    }

    #[test]
    fn seal_weakest_link_weighs_the_mean_not_the_level() {
        // Jurisdiction with home EU: US item level 1 (weight 3), CN item level 2 (weight 1).
        let rules = json!([patch_roles(jurisdiction_rule(), json!(["isa_owner"]))]);
        let got = evaluate(
            &PROCESSOR,
            &request(eu_ruleset(rules.clone()), us_cn_items(3.0, 1.0)),
        )
        .unwrap();
        let score = got.score.unwrap();
        // (1 × 3 + 2 × 1) / 4 = 1.25 → 31.25%; unweighted it would be 1.5 → 37.5%.
        assert_eq!(score.objectives["SOV-5"].score, 31.25);
        assert_eq!((score.level, score.score), (1, 31.25));
        assert_eq!(got.findings.len(), 2, "findings do not depend on weights");
        let got = evaluate(
            &PROCESSOR,
            &request(eu_ruleset(rules.clone()), us_cn_items(1.0, 1.0)),
        )
        .unwrap();
        assert_eq!(got.score.unwrap().score, 37.5);
        // A weight-0 item still sets the level: the US item at weight 0 leaves the mean to the CN
        // item (level 2, 50%), but its level 1 stays the weakest link, and its finding stays.
        let got = evaluate(
            &PROCESSOR,
            &request(eu_ruleset(rules), us_cn_items(0.0, 1.0)),
        )
        .unwrap();
        let score = got.score.unwrap();
        assert_eq!((score.level, score.score), (1, 50.0));
        assert_eq!(got.findings.len(), 2);
    }

    fn patch_roles(mut rule: Value, roles: Value) -> Value {
        *rule.pointer_mut("/criterion/jurisdiction/roles").unwrap() = roles;
        rule
    }

    #[test]
    fn refuses_item_weights_that_are_not_finite_or_negative() {
        let with = |weights: &[f64]| {
            let mut req = request(eu_ruleset(json!([])), us_cn_items(1.0, 1.0));
            for (item, w) in req.items.iter_mut().zip(weights) {
                item.weight = Some(*w);
            }
            evaluate(&PROCESSOR, &req)
        };
        let cases: Vec<(&[f64], &str)> = vec![
            (
                &[1.0, -1.0],
                "request/bad-item-weight: item cn: the weight is -1; weights are finite and not negative",
            ),
            (
                &[f64::NAN, 1.0],
                "request/bad-item-weight: item us: the weight is NaN; weights are finite and not negative",
            ),
            (
                &[1.0, f64::INFINITY],
                "request/bad-item-weight: item cn: the weight is inf; weights are finite and not negative",
            ),
            (
                &[f64::MAX, f64::MAX],
                "request/bad-item-weight: the item weights of layer processor add up to infinity; their sum must be finite",
            ),
        ];
        for (weights, want) in cases {
            assert_eq!(with(weights), Err(want.to_string()), "{weights:?}");
        }
        assert!(with(&[0.0, f64::MAX]).is_ok());
        // From JSON too: a negative weight is refused, not read as absent.
        let req = request(eu_ruleset(json!([])), json!([weighed(amd_epyc(), -0.5)]));
        assert_eq!(
            evaluate(&PROCESSOR, &req),
            Err("request/bad-item-weight: item cpu0: the weight is -0.5; weights are finite and not negative".to_string())
        );
    }

    #[test]
    fn items_not_assessed_are_findings_raised_on_critical_items() {
        let rule = json!({"id": "eu.processor.assessed", "layer": "processor", "title": "t",
                          "objective": "SOV-5", "severity": "medium", "weight": 1.0,
                          "criterion": {"assessed": {}}});
        let items = json!([
            {"id": "a", "label": "A", "actors": [], "not_assessed": "no address"},
            {"id": "b", "label": "B", "actors": [], "not_assessed": "timed out", "criticality": "critical"},
            amd_epyc()
        ]);
        let got = evaluate(&PROCESSOR, &request(eu_ruleset(json!([rule])), items)).unwrap();
        let found: Vec<(Option<&str>, Severity, &str)> = got
            .findings
            .iter()
            .map(|f| (f.item.as_deref(), f.severity, f.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    Some("a"),
                    Severity::Medium,
                    "A could not be assessed: no address"
                ),
                (
                    Some("b"),
                    Severity::High,
                    "B could not be assessed: timed out"
                ),
            ]
        );
        assert_eq!(got.score, None, "gives no level");
        // Other criteria raise their findings on critical items too.
        let mut critical = amd_epyc();
        critical["criticality"] = json!("critical");
        let got = evaluate(
            &PROCESSOR,
            &request(eu_ruleset(json!([jurisdiction_rule()])), json!([critical])),
        )
        .unwrap();
        assert_eq!(got.findings[0].severity, Severity::Critical);
    }

    #[test]
    fn empty_layer_gives_no_findings_and_no_score() {
        let rules = json!([
            jurisdiction_rule(),
            openness_rule(),
            attribution_rule(),
            with_objective(concentration_rule())
        ]);
        let got = evaluate(&PROCESSOR, &request(eu_ruleset(rules), json!([]))).unwrap();
        assert_eq!(got, EvaluateResponse::default());
    }

    #[test]
    fn same_request_same_bytes() {
        let a = serde_json::to_vec(&evaluate(&PROCESSOR, &eu_request()).unwrap()).unwrap();
        let b = serde_json::to_vec(&evaluate(&PROCESSOR, &eu_request()).unwrap()).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn refusals_name_what_is_wrong() {
        let with = |rule: Value| request(eu_ruleset(json!([rule])), json!([amd_epyc()]));
        let patch = |mut rule: Value, pointer: &str, value: Value| {
            *rule.pointer_mut(pointer).unwrap() = value;
            rule
        };
        let jr = jurisdiction_rule;
        let lv = "/criterion/jurisdiction/levels";
        let cases: Vec<(&str, &Plugin, EvaluateRequest, &str)> = vec![
            ("unsupported criterion", &NARROW, with(jr()),
             "request/unsupported-criterion: rule `eu.processor.designer-jurisdiction`: criterion `jurisdiction` is not supported by the narrow plugin (it supports: known_attribution)"),
            ("unknown role", &PROCESSOR, with(patch(jr(), "/criterion/jurisdiction/roles", json!(["core_designer", "kernel"]))),
             "ruleset/unknown-role: rule `eu.processor.designer-jurisdiction` names role `kernel`, which layer `processor` has no actor in (roles: isa_owner, core_designer, soc_vendor, foundry)"),
            ("no role", &PROCESSOR, with(patch(jr(), "/criterion/jurisdiction/roles", json!([]))),
             "ruleset/no-roles: rule `eu.processor.designer-jurisdiction` names no role to judge"),
            ("role twice", &PROCESSOR, with(patch(jr(), "/criterion/jurisdiction/roles", json!(["foundry", "foundry"]))),
             "ruleset/duplicate-role: rule `eu.processor.designer-jurisdiction` names role `foundry` twice"),
            ("other layer", &PROCESSOR, with(patch(jr(), "/layer", json!("os"))),
             "request/wrong-layer: rule `eu.processor.designer-jurisdiction` is for layer `os`, not `processor`"),
            ("level above 4", &PROCESSOR, with(patch(jr(), &format!("{lv}/home"), json!(5))),
             "ruleset/bad-level: rule `eu.processor.designer-jurisdiction`'s `home` level is 5; levels run from 0 to 4"),
            ("pass level above 4", &PROCESSOR, with(patch(jr(), "/criterion/jurisdiction/pass_level", json!(9))),
             "ruleset/bad-level: rule `eu.processor.designer-jurisdiction`'s pass_level is 9; levels run from 0 to 4"),
            ("openness level above 4", &PROCESSOR, with(patch(openness_rule(), "/criterion/openness/levels/state", json!(7))),
             "ruleset/bad-level: rule `eu.processor.isa-openness`'s `state` level is 7; levels run from 0 to 4"),
            ("negative weight", &PROCESSOR, with(patch(jr(), "/weight", json!(-1.0))),
             "ruleset/bad-weight: rule `eu.processor.designer-jurisdiction` has weight -1; weights are finite and not negative"),
            ("share above 1", &PROCESSOR, with(with_objective(patch(concentration_rule(), "/criterion/concentration/max_share", json!(1.5)))),
             "ruleset/bad-threshold: rule `na.processor.concentration`'s max_share is 1.5; it must lie in 0..1"),
            ("no objective", &PROCESSOR, with(patch(jr(), "/objective", Value::Null)),
             "ruleset/missing-objective: rule `eu.processor.designer-jurisdiction` needs an `objective` (one of SOV-1, SOV-5)"),
            ("undeclared objective", &PROCESSOR, with(patch(attribution_rule(), "/objective", json!("SOV-9"))),
             "ruleset/unknown-objective: rule `eu.processor.known` names objective `SOV-9`, which `scoring.objectives` does not declare"),
            ("rule twice", &PROCESSOR, request(eu_ruleset(json!([jr(), jr()])), json!([])),
             "ruleset/duplicate-rule: rule `eu.processor.designer-jurisdiction` is declared twice"),
            ("item twice", &PROCESSOR, request(eu_ruleset(json!([])), json!([amd_epyc(), amd_epyc()])),
             "request/duplicate-item: item cpu0 appears twice in layer processor"),
        ];
        for (name, plugin, req, want) in cases {
            assert_eq!(evaluate(plugin, &req), Err(want.to_string()), "{name}");
        }
        // What validate accepts, the plugin accepts: weights of 0, limits of 0.
        let zero = with_objective(patch(
            patch(concentration_rule(), "/weight", json!(0.0)),
            "/criterion/concentration/max_share",
            json!(0.0),
        ));
        assert!(evaluate(&PROCESSOR, &with(zero)).is_ok());
    }

    #[test]
    fn refusals_of_scoring_and_layer() {
        let base = || {
            json!({"method": "bloc_balance", "commons_credit": 0.5,
                   "poles": [{"id": "US", "name": "u", "countries": ["US"]}],
                   "level_thresholds": [{"min_score": 50.0, "level": 2}, {"min_score": 0.0, "level": 0}]})
        };
        let with = |key: &str, value: Value| {
            let mut scoring = base();
            scoring[key] = value;
            request(
                json!({"name": "na", "version": "1", "scoring": scoring, "rules": []}),
                json!([]),
            )
        };
        assert!(evaluate(&PROCESSOR, &with("commons_credit", json!(0.5))).is_ok());
        let cases: Vec<(&str, EvaluateRequest, &str)> = vec![
            (
                "reserved pole",
                with("poles", json!([{"id": "commons", "name": "c", "countries": ["CH"]}])),
                "ruleset/reserved-pole: pole `commons` takes the name of a share of its own (commons, other and unknown are reported besides the poles)",
            ),
            (
                "pole twice",
                with("poles", json!([{"id": "US", "name": "u", "countries": ["US"]}, {"id": "US", "name": "u", "countries": ["US"]}])),
                "ruleset/duplicate-pole: pole `US` is declared twice",
            ),
            (
                "credit above 1",
                with("commons_credit", json!(2.0)),
                "ruleset/bad-commons-credit: commons_credit is 2; it must lie in 0..1",
            ),
            (
                "threshold level",
                with("level_thresholds", json!([{"min_score": 10.0, "level": 6}, {"min_score": 0.0, "level": 0}])),
                "ruleset/bad-level: the level of the threshold at min_score 10 is 6; levels run from 0 to 4",
            ),
            (
                "thresholds out of order",
                with("level_thresholds", json!([{"min_score": 0.0, "level": 0}, {"min_score": 50.0, "level": 2}])),
                "ruleset/threshold-order: the threshold {min_score: 50, level: 2} follows {min_score: 0, level: 0}; list level_thresholds from the highest min_score and level down, each lower than the one before (the first threshold a score reaches gives its level)",
            ),
            (
                "thresholds not ending at 0",
                with("level_thresholds", json!([{"min_score": 50.0, "level": 2}])),
                "ruleset/incomplete-thresholds: `level_thresholds` must end with `min_score: 0` so that every score gets a level",
            ),
            (
                "objective of the other method",
                with("objectives", json!([{"id": "S", "name": "s", "weight": 1.0}])),
                "ruleset/misplaced-setting: `objectives` applies to seal_weakest_link, not bloc_balance",
            ),
        ];
        for (name, req, want) in cases {
            assert_eq!(evaluate(&PROCESSOR, &req), Err(want.to_string()), "{name}");
        }
        let mut os = eu_request();
        os.layer = "os".into();
        assert_eq!(
            evaluate(&PROCESSOR, &os),
            Err(
                "request/wrong-layer: the processor plugin does not evaluate layer `os` (it evaluates: processor)"
                    .to_string()
            )
        );
    }

    #[test]
    fn items_without_actors_of_the_named_roles_are_not_judged() {
        let items = json!([
            {"id": "a", "label": "A", "actors": []},
            {"id": "b", "label": "B", "actors": [{"role": "mystery", "name": null, "country": "FR",
                                                   "blocs": ["EU"], "governance": "unknown"}]}
        ]);
        let rules = json!([jurisdiction_rule(), openness_rule(), attribution_rule()]);
        let got = evaluate(&PROCESSOR, &request(eu_ruleset(rules), items)).unwrap();
        assert_eq!(got, EvaluateResponse::default());
        let items = json!([{"id": "a", "label": "A", "actors": []}, amd_epyc()]);
        let got = evaluate(
            &PROCESSOR,
            &request(eu_ruleset(json!([jurisdiction_rule()])), items),
        )
        .unwrap();
        let judged: Vec<Option<&str>> = got.findings.iter().map(|f| f.item.as_deref()).collect();
        assert_eq!(judged, [Some("cpu0")]);
        assert_eq!(got.score.unwrap().objectives["SOV-5"].score, 25.0);
    }
}
