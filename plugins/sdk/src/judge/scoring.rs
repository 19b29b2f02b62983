//! The two scoring methods (`sovstack-abi`, "Scoring"): `seal_weakest_link` aggregates the levels
//! the rules gave the items; `bloc_balance` measures the shares the poles hold. Both return `None`
//! when nothing was judged. Scores are rounded to two decimals, shares and the index to four.

use std::collections::BTreeMap;

use super::concentration::Shares;
use super::round;
use crate::abi::semantics::threshold_level;
use crate::abi::{AttributedItem, Criterion, LayerScore, ObjectiveScore, Rule, Scoring};

/// The weighted mean of `(value, weight)` pairs; the plain mean when the weights sum to zero.
/// `None` if empty.
fn weighted_mean(values: &[(f64, f64)]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let total: f64 = values.iter().map(|(_, w)| w).sum();
    if total > 0.0 {
        Some(values.iter().map(|(v, w)| v * w).sum::<f64>() / total)
    } else {
        Some(values.iter().map(|(v, _)| v).sum::<f64>() / values.len() as f64)
    }
}

/// `seal_weakest_link`. `graded` holds each level-giving rule with the level and weight of each
/// item it judged. Per objective, in the ruleset's order: the level is the lowest any of its rules
/// gave any item, whatever the item's weight; the score is the rule-weighted mean of the rules'
/// item-weighted mean item levels (plain means when the weights sum to zero), as a percentage of
/// level 4. The layer takes the lowest objective level and the objective-weighted mean of the
/// (rounded) objective scores. Rules that judged no item, and objectives without such a rule,
/// are left out.
pub(crate) fn seal_weakest_link(
    scoring: &Scoring,
    graded: &[(&Rule, &[(u8, f64)])],
) -> Option<LayerScore> {
    let mut objectives = BTreeMap::new();
    let mut layer: Vec<(f64, f64)> = Vec::new();
    let mut layer_level = u8::MAX;
    for objective in &scoring.objectives {
        let mut level = u8::MAX;
        let mut means: Vec<(f64, f64)> = Vec::new();
        for (rule, levels) in graded {
            if rule.objective.as_deref() != Some(objective.id.as_str()) {
                continue;
            }
            let lowest = match levels.iter().map(|(l, _)| *l).min() {
                Some(l) => l,
                None => continue,
            };
            level = level.min(lowest);
            // Without item weights (all 1) this is the plain mean, to the bit.
            let items: Vec<(f64, f64)> = levels.iter().map(|(l, w)| (f64::from(*l), *w)).collect();
            if let Some(mean) = weighted_mean(&items) {
                means.push((mean, rule.weight));
            }
        }
        let mean = match weighted_mean(&means) {
            Some(m) => m,
            None => continue,
        };
        let score = round(mean / 4.0 * 100.0, 2);
        objectives.insert(objective.id.clone(), ObjectiveScore { level, score });
        layer.push((score, objective.weight));
        layer_level = layer_level.min(level);
    }
    let score = weighted_mean(&layer)?;
    Some(LayerScore {
        score: round(score, 2),
        level: layer_level,
        objectives,
        shares: BTreeMap::new(),
        concentration_index: None,
    })
}

/// `bloc_balance`: the shares and index of the layer's `concentration` rules (each over its own
/// roles, averaged over the rules that judged an item), then `100 × (1 − dominance − unknown
/// share) + commons_credit × commons share × 100`, clamped to 0..100, from the rounded shares.
/// Control nobody could attribute counts against the layer: it cannot be shown to be balanced,
/// and an all-unknown layer must not score as a perfectly balanced one.
pub(crate) fn bloc_balance(
    scoring: &Scoring,
    rules: &[Rule],
    items: &[AttributedItem],
) -> Option<LayerScore> {
    let poles = &scoring.poles;
    let measured: Vec<Shares> = rules
        .iter()
        .filter_map(|rule| match &rule.criterion {
            Criterion::Concentration { roles, .. } => Shares::measure(items, roles, poles),
            _ => None,
        })
        .collect();
    if measured.is_empty() {
        return None;
    }
    let n = measured.len() as f64;
    let mean = |f: &dyn Fn(&Shares) -> f64| measured.iter().map(f).sum::<f64>() / n;
    let shares = Shares {
        poles: (0..poles.len())
            .map(|i| mean(&|s: &Shares| s.poles.get(i).copied().unwrap_or(0.0)))
            .collect(),
        commons: mean(&|s: &Shares| s.commons),
        other: mean(&|s: &Shares| s.other),
        unknown: mean(&|s: &Shares| s.unknown),
        items: measured.iter().map(|s| s.items).max().unwrap_or(0),
    }
    .rounded();
    let index = round(mean(&|s: &Shares| s.index()), 4);
    let raw = 100.0 * (1.0 - shares.dominance() - shares.unknown)
        + scoring.commons_credit * shares.commons * 100.0;
    let score = round(raw.clamp(0.0, 100.0), 2);
    Some(LayerScore {
        score,
        level: threshold_level(&scoring.level_thresholds, score),
        objectives: BTreeMap::new(),
        shares: shares.to_map(poles),
        concentration_index: Some(index),
    })
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::{actor, item, pole, strings};
    use super::*;
    use crate::abi::{Actor, Governance::*, LevelThreshold, Objective, ScoringMethod, Severity};

    fn rule(id: &str, objective: &str, weight: f64, criterion: Criterion) -> Rule {
        Rule {
            remediation: None,
            id: id.into(),
            layer: "processor".into(),
            title: "t".into(),
            objective: Some(objective.into()),
            severity: Severity::High,
            weight,
            criterion,
        }
    }

    fn ka() -> Criterion {
        Criterion::KnownAttribution { roles: vec![] }
    }

    fn conc(roles: &[&str]) -> Criterion {
        Criterion::Concentration {
            roles: strings(roles),
            max_share: 1.0,
            max_index: 1.0,
        }
    }

    fn seal(objectives: &[(&str, f64)]) -> Scoring {
        Scoring {
            method: ScoringMethod::SealWeakestLink,
            home_blocs: strings(&["EU"]),
            home_countries: vec![],
            objectives: objectives
                .iter()
                .map(|(id, w)| Objective {
                    id: id.to_string(),
                    name: format!("{id} name"),
                    weight: *w,
                })
                .collect(),
            poles: vec![],
            commons_credit: 0.0,
            level_thresholds: vec![],
        }
    }

    /// Levels of items without a weight (each weighs 1).
    fn unit(levels: &[u8]) -> Vec<(u8, f64)> {
        levels.iter().map(|l| (*l, 1.0)).collect()
    }

    #[test]
    fn seal_weakest_link_weighs_items_but_not_the_level() {
        let s = seal(&[("SOV-5", 1.0), ("SOV-1", 1.0)]);
        let a = rule("a", "SOV-5", 1.0, ka());
        let b = rule("b", "SOV-1", 1.0, ka());
        // Levels 4 and 0 on items of weights 3 and 1: mean 3 → 75%; the weight-1 item still sets
        // the level to 0. Unweighted, the same levels would give 50%.
        let got = seal_weakest_link(&s, &[(&a, &[(4, 3.0), (0, 1.0)])]).unwrap();
        assert_eq!(
            got.objectives["SOV-5"],
            ObjectiveScore {
                level: 0,
                score: 75.0
            }
        );
        assert_eq!((got.level, got.score), (0, 75.0));
        assert_eq!(
            seal_weakest_link(&s, &[(&a, &unit(&[4, 0]))])
                .unwrap()
                .score,
            50.0
        );
        // A weight-0 item counts in no mean but still sets the level (weakest link).
        let got = seal_weakest_link(&s, &[(&a, &[(4, 2.0), (1, 0.0)])]).unwrap();
        assert_eq!((got.level, got.score), (1, 100.0));
        // All weights 0: the plain mean of the levels.
        let got = seal_weakest_link(&s, &[(&a, &[(4, 0.0), (1, 0.0)])]).unwrap();
        assert_eq!((got.level, got.score), (1, 62.5));
        // Toolchain-like: levels 3, 4, 1, 0 weighing 61, 30, 8, 1 → 3.11 → 77.75%; with a second
        // objective at 100%, the layer is (77.75 + 100) / 2 = 88.875 → 88.88.
        let toolchain = [(3, 61.0), (4, 30.0), (1, 8.0), (0, 1.0)];
        let got =
            seal_weakest_link(&s, &[(&a, &toolchain), (&b, &[(4, 61.0), (4, 39.0)])]).unwrap();
        assert_eq!(got.objectives["SOV-5"].score, 77.75);
        assert_eq!(got.objectives["SOV-1"].score, 100.0);
        assert_eq!((got.level, got.score), (0, 88.88));
    }

    #[test]
    fn weighted_mean_cases() {
        // ((value, weight) pairs, mean)
        type Case = (Vec<(f64, f64)>, Option<f64>);
        let cases: Vec<Case> = vec![
            (vec![], None),
            (vec![(10.0, 1.0)], Some(10.0)),
            (vec![(10.0, 1.0), (40.0, 2.0)], Some(30.0)),
            (vec![(10.0, 0.0), (40.0, 0.0)], Some(25.0)),
            (vec![(10.0, 0.0), (40.0, 1.0)], Some(40.0)),
        ];
        for (values, want) in cases {
            assert_eq!(weighted_mean(&values), want, "{values:?}");
        }
    }

    #[test]
    fn seal_weakest_link_aggregates_levels() {
        let s = seal(&[("SOV-1", 10.0), ("SOV-5", 30.0), ("SOV-7", 60.0)]);
        let r1 = rule("r1", "SOV-5", 1.0, ka());
        let r2 = rule("r2", "SOV-5", 3.0, ka());
        let r3 = rule("r3", "SOV-1", 1.0, ka());
        let idle = rule("idle", "SOV-7", 1.0, ka());
        // SOV-5: r1 mean 2 (w1), r2 mean 3 (w3) → 2.75 → 68.75%, level min(1, 2) = 1.
        // SOV-1: mean 4 → 100%, level 4. SOV-7: its rule judged no item, so absent and not weighed.
        let (l1, l2, l3) = (unit(&[1, 3]), unit(&[2, 4]), unit(&[4, 4]));
        let graded: Vec<(&Rule, &[(u8, f64)])> =
            vec![(&r1, &l1), (&r2, &l2), (&r3, &l3), (&idle, &[])];
        let got = seal_weakest_link(&s, &graded).unwrap();
        assert_eq!(got.level, 1);
        assert_eq!(
            got.objectives.keys().collect::<Vec<_>>(),
            ["SOV-1", "SOV-5"]
        );
        assert_eq!(
            got.objectives["SOV-5"],
            ObjectiveScore {
                level: 1,
                score: 68.75
            }
        );
        assert_eq!(
            got.objectives["SOV-1"],
            ObjectiveScore {
                level: 4,
                score: 100.0
            }
        );
        // (68.75 × 30 + 100 × 10) / 40 = 76.5625 → 76.56.
        assert_eq!(got.score, 76.56);
        assert!(got.shares.is_empty() && got.concentration_index.is_none());
    }

    #[test]
    fn seal_weakest_link_edge_cases() {
        let s = seal(&[("SOV-5", 0.0), ("SOV-6", 0.0)]);
        let a = rule("a", "SOV-5", 0.0, ka());
        let b = rule("b", "SOV-6", 0.0, ka());
        let undeclared = rule("u", "SOV-9", 1.0, ka());
        // Zero weights everywhere: plain means.
        let got = seal_weakest_link(&s, &[(&a, &unit(&[0, 4])), (&b, &unit(&[4]))]).unwrap();
        assert_eq!((got.level, got.score), (0, 75.0));
        // Thirds are rounded to two decimals: levels 1, 2, 2 → 41.666… → 41.67.
        let got = seal_weakest_link(&s, &[(&a, &unit(&[1, 2, 2]))]).unwrap();
        assert_eq!((got.objectives["SOV-5"].score, got.score), (41.67, 41.67));
        // Nothing judged, no level-giving rules, or only undeclared objectives: no score.
        assert_eq!(seal_weakest_link(&s, &[(&a, &[])]), None);
        assert_eq!(seal_weakest_link(&s, &[]), None);
        assert_eq!(seal_weakest_link(&s, &[(&undeclared, &unit(&[3]))]), None);
        let one = seal(&[("SOV-5", 1.0)]);
        assert_eq!(
            seal_weakest_link(&one, &[(&a, &unit(&[0, 0]))])
                .unwrap()
                .score,
            0.0
        );
        assert_eq!(
            seal_weakest_link(&one, &[(&a, &unit(&[4]))]).unwrap().score,
            100.0
        );
    }

    fn balance(commons_credit: f64) -> Scoring {
        Scoring {
            method: ScoringMethod::BlocBalance,
            home_blocs: vec![],
            home_countries: vec![],
            objectives: vec![],
            poles: vec![pole("US", &["US"], &[]), pole("CN", &["CN"], &[])],
            commons_credit,
            level_thresholds: vec![
                LevelThreshold {
                    min_score: 80.0,
                    level: 4,
                },
                LevelThreshold {
                    min_score: 60.0,
                    level: 3,
                },
                LevelThreshold {
                    min_score: 40.0,
                    level: 2,
                },
                LevelThreshold {
                    min_score: 20.0,
                    level: 1,
                },
            ],
        }
    }

    fn us(role: &str) -> Actor {
        actor(
            role,
            Some("AMD"),
            Some("US"),
            &[],
            &["us-cloud-act"],
            Company,
        )
    }

    fn cn(role: &str) -> Actor {
        actor(role, Some("X"), Some("CN"), &[], &[], State)
    }

    #[test]
    fn bloc_balance_scores_dominance_and_commons() {
        let rules = vec![rule("c", "x", 1.0, conc(&["isa_owner", "core_designer"]))];
        let riscv = || {
            actor(
                "isa_owner",
                Some("RISC-V International"),
                Some("CH"),
                &[],
                &[],
                OpenStandard,
            )
        };
        // (name, commons_credit, items, score, level, index)
        type Case<'a> = (&'a str, f64, Vec<AttributedItem>, f64, u8, f64);
        let cases: Vec<Case> = vec![
            (
                "all US",
                0.5,
                vec![item("a", vec![us("isa_owner"), us("core_designer")])],
                0.0,
                0,
                1.0,
            ),
            (
                "half commons",
                0.5,
                vec![item("a", vec![riscv(), us("core_designer")])],
                75.0,
                3,
                0.25,
            ),
            (
                "half commons, no credit",
                0.0,
                vec![item("a", vec![riscv(), us("core_designer")])],
                50.0,
                2,
                0.25,
            ),
            (
                "capped",
                1.0,
                vec![item(
                    "a",
                    vec![
                        riscv(),
                        actor("core_designer", Some("Debian"), None, &[], &[], Community),
                    ],
                )],
                100.0,
                4,
                0.0,
            ),
            (
                "unknown holds no pole but counts against the layer",
                0.5,
                vec![item(
                    "a",
                    vec![actor("isa_owner", None, None, &[], &[], Unknown)],
                )],
                0.0,
                0,
                0.0,
            ),
            (
                "a quarter unknown",
                0.0,
                vec![
                    item("a", vec![us("isa_owner")]),
                    item("b", vec![cn("isa_owner")]),
                    item("c", vec![cn("isa_owner")]),
                    item("d", vec![actor("isa_owner", None, None, &[], &[], Unknown)]),
                ],
                25.0,
                1,
                0.3125,
            ),
            (
                "tie",
                0.0,
                vec![
                    item("a", vec![us("isa_owner"), us("core_designer")]),
                    item("b", vec![cn("isa_owner"), cn("core_designer")]),
                ],
                50.0,
                2,
                0.5,
            ),
            (
                "thirds",
                0.0,
                vec![
                    item("a", vec![us("isa_owner")]),
                    item("b", vec![us("isa_owner")]),
                    item("c", vec![cn("isa_owner")]),
                ],
                33.33,
                1,
                0.5556,
            ),
        ];
        for (name, credit, items, score, level, index) in cases {
            let got = bloc_balance(&balance(credit), &rules, &items).unwrap();
            assert_eq!(got.score, score, "{name}");
            assert_eq!(got.level, level, "{name}");
            assert_eq!(got.concentration_index, Some(index), "{name}");
            assert_eq!(
                got.shares.keys().collect::<Vec<_>>(),
                ["CN", "US", "commons", "other", "unknown"],
                "{name}"
            );
            assert!(
                (got.shares.values().sum::<f64>() - 1.0).abs() < 1e-3,
                "{name}"
            );
            assert!(got.objectives.is_empty(), "{name}");
        }
        let items = vec![item("a", vec![us("isa_owner")])];
        assert_eq!(
            bloc_balance(&balance(0.0), &rules, &[]),
            None,
            "empty layer"
        );
        assert_eq!(
            bloc_balance(&balance(0.0), &rules, &[item("a", vec![us("foundry")])]),
            None,
            "nothing judged"
        );
        assert_eq!(
            bloc_balance(&balance(0.0), &[rule("k", "x", 1.0, ka())], &items),
            None,
            "no concentration rule"
        );
    }

    #[test]
    fn bloc_balance_averages_over_concentration_rules() {
        let items = vec![item("a", vec![us("isa_owner"), cn("foundry")])];
        let rules = vec![
            rule("isa", "x", 1.0, conc(&["isa_owner"])),
            rule("k", "x", 1.0, ka()),
            rule("fab", "x", 1.0, conc(&["foundry"])),
            rule("judges nothing", "x", 1.0, conc(&["soc_vendor"])),
        ];
        // isa: US 1 (index 1); fab: CN 1 (index 1). Mean shares US 0.5, CN 0.5; mean index 1.
        let got = bloc_balance(&balance(0.0), &rules, &items).unwrap();
        assert_eq!((got.shares["US"], got.shares["CN"]), (0.5, 0.5));
        assert_eq!(got.concentration_index, Some(1.0));
        assert_eq!((got.score, got.level), (50.0, 2));
    }
}
