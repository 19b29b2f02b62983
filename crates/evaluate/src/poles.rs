//! Where each item's control goes under a ruleset's `concentration` rules: the per-item terms
//! of the shares a plugin reports (`score.shares`), so that anyone can add them up again (the
//! JSON Lines output carries them per host, and a SQL `GROUP BY` gives the report's shares).
//!
//! The rule is the ABI's (`crates/abi/src/lib.rs`, "concentration"), applied by the plugins'
//! SDK (`plugins/sdk/src/judge/concentration.rs`): an item of weight above 0 with actors of the
//! rule's roles is judged, its control split among those actors by [`control_fractions`]
//! (evenly, or by their shares), each to its [`bucket`], the very functions the SDK sums. The e2e
//! test `jsonl` checks, on real fleets, that these terms add up to the plugins' shares.

use sovstack_abi::semantics::{bucket, control_fractions, Bucket, RESERVED_SHARES};
use sovstack_abi::{AttributedItem, Criterion};
use sovstack_report::ItemPole;
use sovstack_ruleset::ValidRuleset;

/// The item's poles under every `concentration` rule of `layer` in `rulesets`, in ruleset,
/// rule, then pole order (the ruleset's poles, then commons, other, unknown); nothing for an
/// item a rule does not judge (no actor in its roles, or a weight of 0).
pub(crate) fn item_poles(
    rulesets: &[ValidRuleset],
    layer: &str,
    item: &AttributedItem,
) -> Vec<ItemPole> {
    let mut out = Vec::new();
    if item.effective_weight() <= 0.0 {
        return out;
    }
    for ruleset in rulesets {
        let poles = &ruleset.scoring.poles;
        for rule in ruleset.rules.iter().filter(|r| r.layer == layer) {
            let Criterion::Concentration { roles, .. } = &rule.criterion else {
                continue;
            };
            let held: Vec<_> = item
                .actors
                .iter()
                .filter(|a| roles.contains(&a.role))
                .collect();
            if held.is_empty() {
                continue;
            }
            let mut slots = vec![0.0_f64; poles.len() + RESERVED_SHARES.len()];
            for (a, each) in held.iter().zip(control_fractions(1.0, &held)) {
                // After the poles: commons, other, unknown, as in RESERVED_SHARES.
                let slot = match bucket(a, poles) {
                    Bucket::Pole(i) => i,
                    Bucket::Commons => poles.len(),
                    Bucket::Other => poles.len() + 1,
                    Bucket::Unknown => poles.len() + 2,
                };
                slots[slot] += each;
            }
            let names = poles
                .iter()
                .map(|p| p.id.as_str())
                .chain(RESERVED_SHARES.iter().copied());
            for (pole, fraction) in names.zip(slots) {
                if fraction > 0.0 {
                    out.push(ItemPole {
                        ruleset: ruleset.name.clone(),
                        rule: rule.id.clone(),
                        pole: pole.to_string(),
                        fraction,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(weight: Option<f64>, actors: serde_json::Value) -> AttributedItem {
        serde_json::from_value(json!({
            "id": "x0", "label": "x", "weight": weight, "actors": actors,
        }))
        .unwrap()
    }

    fn actor(
        role: &str,
        country: Option<&str>,
        blocs: &[&str],
        governance: &str,
    ) -> serde_json::Value {
        json!({"role": role, "name": "N", "country": country, "blocs": blocs, "laws": [],
               "governance": governance})
    }

    fn terms(poles: &[ItemPole]) -> Vec<(&str, f64)> {
        poles
            .iter()
            .map(|p| (p.pole.as_str(), p.fraction))
            .collect()
    }

    /// The non-aligned ruleset's processor rule: each actor of its roles takes an even part,
    /// to commons, unknown, the first pole holding its country or bloc, or other; actors of
    /// other roles and the seal ruleset (no concentration rule) give nothing.
    #[test]
    fn control_is_split_among_the_rules_actors_by_bucket() {
        let rulesets = sovstack_ruleset::builtin().unwrap();
        let it = item(
            Some(3.0),
            json!([
                actor("isa_owner", Some("US"), &["NATO"], "company"),
                actor("core_designer", Some("FR"), &["EU"], "company"),
                actor("soc_vendor", None, &[], "company"),
                actor("foundry", Some("TW"), &[], "open_standard"),
                actor("packager", Some("CN"), &[], "company"),
            ]),
        );
        let poles = item_poles(&rulesets, "processor", &it);
        assert!(poles
            .iter()
            .all(|p| p.ruleset == "non-aligned" && p.rule == "na.processor.concentration"));
        assert_eq!(
            terms(&poles),
            [
                ("US", 0.25),
                ("EU", 0.25),
                ("commons", 0.25),
                ("unknown", 0.25)
            ]
        );
        // A country no pole holds is `other`.
        let it = item(None, json!([actor("steward", Some("BR"), &[], "company")]));
        assert_eq!(terms(&item_poles(&rulesets, "os", &it)), [("other", 1.0)]);
        // Weight 0, or no actor of the rule's roles: not judged.
        let it = item(
            Some(0.0),
            json!([actor("steward", Some("US"), &[], "company")]),
        );
        assert!(item_poles(&rulesets, "os", &it).is_empty());
        let it = item(None, json!([actor("packager", Some("US"), &[], "company")]));
        assert!(item_poles(&rulesets, "os", &it).is_empty());
    }
}
