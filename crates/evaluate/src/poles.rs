//! Where each item's control goes under a ruleset's `concentration` rules: the per-item terms
//! of the shares a plugin reports (`score.shares`), so that anyone can add them up again (the
//! JSON Lines output carries them per host, and a SQL `GROUP BY` gives the report's shares).
//!
//! The rule is the ABI's (`crates/abi/src/lib.rs`, "concentration"), applied by the plugins'
//! SDK (`plugins/sdk/src/judge/concentration.rs`): an item of weight above 0 with actors of the
//! rule's roles is judged, its control split evenly among those actors, each to the first of
//! commons, unknown, the first pole listing its country or one of its blocs, other. The e2e
//! test `jsonl` checks, on real fleets, that these terms add up to the plugins' shares.

use sovstack_abi::semantics::RESERVED_SHARES;
use sovstack_abi::{AttributedItem, Criterion, Pole};
use sovstack_report::ItemPole;
use sovstack_ruleset::ValidRuleset;

/// The bucket an actor's control goes to: a pole's index, or `commons` (0), `other` (1),
/// `unknown` (2) as in [`RESERVED_SHARES`].
fn bucket(actor: &sovstack_abi::Actor, poles: &[Pole]) -> Result<usize, usize> {
    let has = |list: &[String], code: &str| list.iter().any(|c| c.eq_ignore_ascii_case(code));
    if actor.governance.is_commons() {
        return Err(0);
    }
    let Some(country) = actor
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    else {
        return Err(2);
    };
    poles
        .iter()
        .position(|p| has(&p.countries, country) || actor.blocs.iter().any(|b| has(&p.blocs, b)))
        .ok_or(1)
}

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
            let each = 1.0 / held.len() as f64;
            for a in held {
                match bucket(a, poles) {
                    Ok(i) => slots[i] += each,
                    Err(r) => slots[poles.len() + r] += each,
                }
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
