//! `concentration`: how much of a layer each pole of power controls, and the Herfindahl-Hirschman
//! index over the poles. The same [`Shares`] feed the `bloc_balance` score in
//! [`super::scoring`]; what counts as a pole, the commons, other or unknown is decided by
//! `sovstack_abi::semantics::bucket`, which the host's per-item poles use too.

use std::collections::BTreeMap;

use super::actors::{and_list, held, role_subject, with_article};
use super::criteria::finding;
use super::round;
use crate::abi::semantics::{bucket, control_fractions, Bucket};
use crate::abi::{AttributedItem, Finding, Pole, Rule};

/// The keys of [`Shares::to_map`] besides the pole ids; a pole may not take one of them
/// (`ruleset/reserved-pole`).
use crate::abi::semantics::RESERVED_SHARES;

/// Shares of a layer's control, each 0..1, summing to 1, as measured (not rounded).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Shares {
    /// One per ruleset pole, in the ruleset's order.
    pub poles: Vec<f64>,
    pub commons: f64,
    pub other: f64,
    pub unknown: f64,
    /// How many items were judged (had an actor in the roles and a weight above 0).
    pub items: usize,
}

impl Shares {
    /// Every judged item weighs its weight (1 when absent), and its control is split among its
    /// actors in `roles` by `control_fractions` (evenly, or by the actors' `share`s); shares are fractions of the judged items' total weight. Items
    /// without such an actor, or of weight 0, are not judged; `None` when no item is. Weights are
    /// finite and not negative, and so is their sum (`validate` refuses any other).
    pub fn measure(items: &[AttributedItem], roles: &[String], poles: &[Pole]) -> Option<Shares> {
        let judged: Vec<_> = items
            .iter()
            .map(|item| (item.effective_weight(), held(item, roles)))
            .filter(|(weight, actors)| *weight > 0.0 && !actors.is_empty())
            .collect();
        // Summed in item order, so the same request always gives the same bits.
        let total: f64 = judged.iter().map(|(weight, _)| weight).sum();
        if judged.is_empty() || !total.is_finite() {
            return None;
        }
        let mut shares = Shares {
            poles: vec![0.0; poles.len()],
            commons: 0.0,
            other: 0.0,
            unknown: 0.0,
            items: judged.len(),
        };
        for (weight, actors) in &judged {
            // Without weights or actor shares, 1 / n: the very bits of the time every item
            // weighed the same.
            let of_item = weight / total;
            let held: Vec<&crate::abi::Actor> = actors.iter().map(|h| h.actor).collect();
            for (h, each) in actors.iter().zip(control_fractions(of_item, &held)) {
                let slot = match bucket(h.actor, poles) {
                    Bucket::Pole(i) => match shares.poles.get_mut(i) {
                        Some(slot) => slot,
                        None => continue,
                    },
                    Bucket::Commons => &mut shares.commons,
                    Bucket::Other => &mut shares.other,
                    Bucket::Unknown => &mut shares.unknown,
                };
                *slot += each;
            }
        }
        Some(shares)
    }

    /// Every share rounded to four decimals, as reported.
    pub fn rounded(&self) -> Shares {
        Shares {
            poles: self.poles.iter().map(|s| round(*s, 4)).collect(),
            commons: round(self.commons, 4),
            other: round(self.other, 4),
            unknown: round(self.unknown, 4),
            items: self.items,
        }
    }

    /// The largest share a single pole holds (0 without poles).
    pub fn dominance(&self) -> f64 {
        self.poles.iter().copied().fold(0.0, f64::max)
    }

    /// Herfindahl-Hirschman index over the poles: the sum of their squared shares. The commons,
    /// other and unknown are not single controllers and do not count.
    pub fn index(&self) -> f64 {
        self.poles.iter().map(|s| s * s).sum()
    }

    /// Pole ids plus `commons`, `other`, `unknown`, each with its share.
    pub fn to_map(&self, poles: &[Pole]) -> BTreeMap<String, f64> {
        let mut map: BTreeMap<String, f64> = poles
            .iter()
            .zip(&self.poles)
            .map(|(p, s)| (p.id.clone(), *s))
            .collect();
        for (key, value) in RESERVED_SHARES
            .iter()
            .zip([self.commons, self.other, self.unknown])
        {
            map.insert(key.to_string(), value);
        }
        map
    }
}

/// `12.5%`, `50%`: one decimal, none when it is zero. Rounding happens before formatting, half
/// away from zero: rustc 1.67 changed how `{:.1}` breaks exact ties, and the plugins (built by
/// 1.63) and their tests (run by any toolchain) must print the same text.
pub(crate) fn percent(share: f64) -> String {
    let s = format!("{:.1}", round(share * 100.0, 1));
    match s.strip_suffix(".0") {
        Some(whole) => format!("{whole}%"),
        None => format!("{s}%"),
    }
}

/// `0.625`: up to four decimals (as reported), trailing zeros dropped.
fn decimal(x: f64) -> String {
    let s = format!("{:.4}", round(x, 4));
    let s = s.trim_end_matches('0');
    s.strip_suffix('.').unwrap_or(s).to_string()
}

/// One layer-wide finding per pole holding more than `max_share` (in pole order), then one if the
/// index exceeds `max_index`, naming the poles that hold a share, the largest first. Shares and index are compared as reported, rounded to four
/// decimals; equal to the limit passes.
pub(crate) fn concentration(
    rule: &Rule,
    roles: &[String],
    max_share: f64,
    max_index: f64,
    poles: &[Pole],
    items: &[AttributedItem],
) -> Vec<Finding> {
    let measured = match Shares::measure(items, roles, poles) {
        Some(s) => s,
        None => return Vec::new(),
    };
    let shares = measured.rounded();
    let over: Vec<String> = roles.iter().map(|r| role_subject(r)).collect();
    let over = and_list(&over);
    let items = match shares.items {
        1 => "1 item".to_string(),
        n => format!("{n} items"),
    };
    let mut findings = Vec::new();
    for (pole, share) in poles.iter().zip(&shares.poles) {
        if *share > max_share {
            // Producing countries are states, not organisations, and their items are split by
            // their shares of production rather than evenly.
            let message = if roles.iter().all(|r| r == "producer") {
                format!(
                    "Producers in {} ({}) hold {} of {} ({}, each split among the producing countries by their shares of world production): more than the {} one pole may hold.",
                    with_article(&pole.name),
                    pole.id,
                    percent(*share),
                    over,
                    items,
                    percent(max_share)
                )
            } else {
                format!(
                    "Organisations headquartered in {} ({}) hold {} of the control over {} ({}): more than the {} one pole may hold.",
                    with_article(&pole.name),
                    pole.id,
                    percent(*share),
                    over,
                    items,
                    percent(max_share)
                )
            };
            findings.push(finding(rule, None, None, message, Vec::new()));
        }
    }
    let index = round(measured.index(), 4);
    if index > max_index {
        // The poles holding a share, the largest first, ties by id.
        let mut held: Vec<(&Pole, f64)> = poles
            .iter()
            .zip(&shares.poles)
            .filter(|(_, s)| **s > 0.0)
            .map(|(p, s)| (p, *s))
            .collect();
        held.sort_by(|a, b| {
            b.1.partial_cmp(&a.1)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.0.id.cmp(&b.0.id))
        });
        let held: Vec<String> = held
            .iter()
            .map(|(p, s)| format!("{} {}", p.id, percent(*s)))
            .collect();
        // Producing countries supply raw materials: their production is concentrated, they do
        // not control it.
        let subject = if roles.iter().all(|r| r == "producer") {
            let mut c = over.chars();
            match c.next() {
                Some(first) => first.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        } else {
            format!("Control over {}", over)
        };
        let message = format!(
            "{} is concentrated in few poles ({}; {}): the concentration index (HHI) is {}, above the {} the rule allows (1 means a single pole holds everything).",
            subject,
            held.join(", "),
            items,
            decimal(index),
            decimal(max_index)
        );
        findings.push(finding(rule, None, None, message, Vec::new()));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::{actor, item, pole, strings, weighed};
    use super::*;
    use crate::abi::{Actor, Criterion, Governance::*, Severity};

    fn poles() -> Vec<Pole> {
        vec![
            pole("US", &["US"], &[]),
            pole("CN", &["CN"], &[]),
            pole("EU", &[], &["EU"]),
        ]
    }

    fn rule() -> Rule {
        Rule {
            id: "c".into(),
            layer: "processor".into(),
            title: "t".into(),
            objective: None,
            severity: Severity::Medium,
            weight: 1.0,
            criterion: Criterion::KnownAttribution { roles: vec![] },
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
        actor(role, Some("Loongson"), Some("CN"), &[], &[], State)
    }

    fn approx(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn shares_split_judged_items_evenly_among_their_actors() {
        let roles = strings(&["isa_owner", "foundry"]);
        // (name, items, [US, CN, EU, commons, other, unknown], judged items)
        let cases: Vec<(&str, Vec<AttributedItem>, [f64; 6], usize)> = vec![
            (
                "one US item",
                vec![item("a", vec![us("isa_owner"), us("foundry")])],
                [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                1,
            ),
            (
                "a missing role is not counted",
                vec![item("a", vec![us("isa_owner")])],
                [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                1,
            ),
            (
                "other roles ignored",
                vec![item(
                    "a",
                    vec![cn("kernel"), us("isa_owner"), us("foundry")],
                )],
                [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                1,
            ),
            (
                "unjudged items do not dilute",
                vec![
                    item("a", vec![us("isa_owner")]),
                    item("b", vec![]),
                    item("c", vec![cn("kernel")]),
                ],
                [1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                1,
            ),
            (
                "three ways",
                vec![item(
                    "a",
                    vec![
                        actor(
                            "isa_owner",
                            Some("RISC-V"),
                            Some("CH"),
                            &[],
                            &[],
                            OpenStandard,
                        ),
                        actor("foundry", Some("TSMC"), Some("TW"), &[], &[], Company),
                        cn("foundry"),
                    ],
                )],
                [0.0, 1.0 / 3.0, 0.0, 1.0 / 3.0, 1.0 / 3.0, 0.0],
                1,
            ),
            (
                "a registry's country is not a headquarters: still unknown",
                vec![item(
                    "a",
                    vec![us("isa_owner"), {
                        let mut a = actor("foundry", Some("X"), None, &[], &[], Unknown);
                        a.registered_country = Some("FR".into());
                        a
                    }],
                )],
                [0.5, 0.0, 0.0, 0.0, 0.0, 0.5],
                1,
            ),
            (
                "items weigh the same",
                vec![
                    item("a", vec![us("isa_owner"), us("foundry")]),
                    item(
                        "b",
                        vec![
                            actor("isa_owner", Some("X"), Some("FR"), &["EU"], &[], Company),
                            actor("foundry", None, None, &[], &[], Unknown),
                        ],
                    ),
                ],
                [0.5, 0.0, 0.25, 0.0, 0.0, 0.25],
                2,
            ),
        ];
        for (name, items, want, judged) in cases {
            let s = Shares::measure(&items, &roles, &poles()).unwrap();
            let got = [
                s.poles[0], s.poles[1], s.poles[2], s.commons, s.other, s.unknown,
            ];
            for (g, w) in got.iter().zip(want) {
                assert!(approx(*g, w), "{name}: {got:?} != {want:?}");
            }
            assert!(approx(got.iter().sum::<f64>(), 1.0), "{name}");
            assert_eq!(s.items, judged, "{name}");
        }
        assert_eq!(Shares::measure(&[], &roles, &poles()), None, "empty layer");
        assert_eq!(
            Shares::measure(&[item("a", vec![cn("kernel")])], &roles, &poles()),
            None,
            "nothing judged"
        );
    }

    #[test]
    fn items_weigh_their_weight() {
        let roles = strings(&["isa_owner", "foundry"]);
        let measure = |items: &[AttributedItem]| Shares::measure(items, &roles, &poles());
        let us_cn = |wa: f64, wb: f64| {
            vec![
                weighed("a", wa, vec![us("isa_owner")]),
                weighed("b", wb, vec![cn("isa_owner")]),
            ]
        };
        // Weights 3 and 1: US 0.75, CN 0.25 (unweighted it would be 0.5 each).
        let s = measure(&us_cn(3.0, 1.0)).unwrap();
        assert_eq!((s.poles[0], s.poles[1], s.items), (0.75, 0.25, 2));
        assert_eq!(s.rounded().index(), 0.625);
        // Only ratios matter.
        assert_eq!(measure(&us_cn(300.0, 100.0)), Some(s.clone()));
        assert_eq!(measure(&us_cn(0.75, 0.25)), Some(s));
        // An explicit weight of 1 is the absent weight, to the bit.
        let plain = vec![
            item("a", vec![us("isa_owner")]),
            item("b", vec![cn("isa_owner")]),
            item("c", vec![cn("isa_owner"), us("foundry")]),
        ];
        let ones: Vec<AttributedItem> = plain
            .iter()
            .map(|i| AttributedItem {
                weight: Some(1.0),
                ..i.clone()
            })
            .collect();
        assert_eq!(measure(&plain), measure(&ones));
        // A weighed item is still split evenly among its actors: 4 × (US ½, CN ½) + 4 × commons.
        let s = measure(&[
            weighed("a", 4.0, vec![us("isa_owner"), cn("foundry")]),
            weighed(
                "b",
                4.0,
                vec![actor(
                    "isa_owner",
                    Some("RISC-V"),
                    Some("CH"),
                    &[],
                    &[],
                    OpenStandard,
                )],
            ),
        ])
        .unwrap();
        assert_eq!((s.poles[0], s.poles[1], s.commons), (0.25, 0.25, 0.5));
        // A weight-0 item holds no control and is not counted; all-zero judges nothing.
        let s = measure(&[
            weighed("a", 61.0, vec![us("isa_owner")]),
            weighed("zero", 0.0, vec![cn("isa_owner")]),
            weighed(
                "b",
                39.0,
                vec![actor("isa_owner", None, None, &[], &[], Unknown)],
            ),
        ])
        .unwrap();
        assert_eq!(
            (s.poles[0], s.poles[1], s.unknown, s.items),
            (0.61, 0.0, 0.39, 2)
        );
        assert_eq!(measure(&us_cn(0.0, 0.0)), None, "all weights 0");
        // Weights of items the rule does not judge do not dilute.
        let s = measure(&[
            weighed("a", 1.0, vec![us("isa_owner")]),
            weighed("other role", 99.0, vec![cn("kernel")]),
        ])
        .unwrap();
        assert_eq!((s.poles[0], s.items), (1.0, 1));
    }

    #[test]
    fn weighted_findings_count_the_items_that_weigh() {
        let roles = strings(&["isa_owner"]);
        let items = vec![
            weighed("gcc", 61.0, vec![us("isa_owner")]),
            weighed("rustc", 30.0, vec![cn("isa_owner")]),
            weighed("msvc", 9.0, vec![us("isa_owner")]),
            weighed("idle", 0.0, vec![cn("isa_owner")]),
        ];
        let got: Vec<String> = concentration(&rule(), &roles, 0.5, 0.5, &poles(), &items)
            .into_iter()
            .map(|f| f.message)
            .collect();
        assert_eq!(
            got,
            [
                "Organisations headquartered in US name (US) hold 70% of the control over the instruction set (3 items): more than the 50% one pole may hold.",
                "Control over the instruction set is concentrated in few poles (US 70%, CN 30%; 3 items): the concentration index (HHI) is 0.58, above the 0.5 the rule allows (1 means a single pole holds everything).",
            ]
        );
        let all_zero = vec![weighed("idle", 0.0, vec![cn("isa_owner")])];
        assert!(concentration(&rule(), &roles, 0.0, 0.0, &poles(), &all_zero).is_empty());
    }

    #[test]
    fn dominance_index_rounding_and_map() {
        let s = Shares {
            poles: vec![0.5, 0.25, 0.0],
            commons: 0.125,
            other: 0.0,
            unknown: 0.125,
            items: 4,
        };
        assert!(approx(s.dominance(), 0.5));
        assert!(approx(s.index(), 0.3125));
        let map = s.to_map(&poles());
        let keys: Vec<&str> = map.keys().map(String::as_str).collect();
        assert_eq!(keys, ["CN", "EU", "US", "commons", "other", "unknown"]);
        assert_eq!(map["commons"], 0.125);
        let none = Shares {
            poles: vec![],
            commons: 1.0,
            other: 0.0,
            unknown: 0.0,
            items: 1,
        };
        assert_eq!((none.dominance(), none.index()), (0.0, 0.0));
        let thirds = Shares {
            poles: vec![2.0 / 3.0],
            commons: 1.0 / 3.0,
            other: 0.0,
            unknown: 0.0,
            items: 3,
        };
        let r = thirds.rounded();
        assert_eq!((r.poles[0], r.commons, r.items), (0.6667, 0.3333, 3));
    }

    #[test]
    fn formats_numbers_for_people() {
        // 6.25% and 18.75% are exact ties at one decimal: half away from zero on every toolchain.
        let cases = [
            (0.5, "50%"),
            (1.0 / 3.0, "33.3%"),
            (0.125, "12.5%"),
            (0.0, "0%"),
            (1.0, "100%"),
            (0.0625, "6.3%"),
            (0.1875, "18.8%"),
        ];
        for (x, want) in cases {
            assert_eq!(percent(x), want);
        }
        let cases = [
            (0.625, "0.625"),
            (0.5, "0.5"),
            (1.0, "1"),
            (0.0, "0"),
            (1.0 / 3.0, "0.3333"),
            (0.5625, "0.5625"),
            (0.1 * 3.0, "0.3"),
        ];
        for (x, want) in cases {
            assert_eq!(decimal(x), want);
        }
    }

    #[test]
    fn findings_over_the_limits_only() {
        let roles = strings(&["isa_owner", "core_designer"]);
        let three_quarters_us = vec![
            item("a", vec![us("isa_owner"), us("core_designer")]),
            item("b", vec![us("isa_owner"), cn("core_designer")]),
            item("not judged", vec![cn("foundry")]),
        ];
        let messages = |items: &[AttributedItem], max_share, max_index| -> Vec<String> {
            concentration(&rule(), &roles, max_share, max_index, &poles(), items)
                .into_iter()
                .map(|f| {
                    assert_eq!(
                        (f.rule.as_str(), f.item.as_ref(), f.level),
                        ("c", None, None)
                    );
                    assert_eq!(f.severity, Severity::Medium);
                    f.message
                })
                .collect()
        };
        assert_eq!(
            messages(&three_quarters_us, 0.5, 0.4),
            [
                "Organisations headquartered in US name (US) hold 75% of the control over the instruction set and the core design (2 items): more than the 50% one pole may hold.",
                "Control over the instruction set and the core design is concentrated in few poles (US 75%, CN 25%; 2 items): the concentration index (HHI) is 0.625, above the 0.4 the rule allows (1 means a single pole holds everything).",
            ]
        );
        assert_eq!(
            messages(&three_quarters_us, 0.75, 0.625),
            Vec::<String>::new(),
            "equal passes"
        );
        assert_eq!(messages(&three_quarters_us, 0.8, 1.0), Vec::<String>::new());
        // A tie: both poles at 50% are each over 40%, reported in pole order.
        let tie = vec![
            item("a", vec![us("isa_owner"), us("core_designer")]),
            item("b", vec![cn("isa_owner"), cn("core_designer")]),
        ];
        let got = messages(&tie, 0.4, 1.0);
        assert_eq!(got.len(), 2);
        assert!(
            got[0].starts_with("Organisations headquartered in US name (US) hold 50%"),
            "{got:?}"
        );
        assert!(
            got[1].starts_with("Organisations headquartered in CN name (CN) hold 50%"),
            "{got:?}"
        );
        // Two thirds, reported as 0.6667, equal a limit written as 0.6667.
        let thirds = vec![
            item("a", vec![us("isa_owner"), us("core_designer")]),
            item("b", vec![us("isa_owner"), us("core_designer")]),
            item("c", vec![cn("isa_owner"), cn("core_designer")]),
        ];
        assert_eq!(messages(&thirds, 0.6667, 1.0), Vec::<String>::new());
        assert_eq!(messages(&thirds, 0.6666, 1.0).len(), 1);
        assert_eq!(messages(&[], 0.0, 0.0), Vec::<String>::new(), "empty layer");
        assert_eq!(
            messages(&[item("a", vec![])], 0.0, 0.0),
            Vec::<String>::new(),
            "nothing judged"
        );
        let commons_only = vec![item(
            "a",
            vec![
                actor(
                    "isa_owner",
                    Some("RISC-V"),
                    Some("CH"),
                    &[],
                    &[],
                    OpenStandard,
                ),
                actor("core_designer", Some("Debian"), None, &[], &[], Community),
            ],
        )];
        assert_eq!(
            messages(&commons_only, 0.0, 0.0),
            Vec::<String>::new(),
            "commons control nothing"
        );
    }
}
