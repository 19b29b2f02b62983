//! What a plugin refuses before judging anything. What the ruleset says is checked by
//! `sovstack_abi::semantics::check`, the very checks `sovstack ruleset validate` makes, so a
//! ruleset that validates is never refused here for what it says; the rest of the request (its
//! layer, the criteria the plugin supports, the items and their weights) is checked here, with
//! the codes of `sovstack_abi::semantics::REQUEST_REFUSALS`. The first problem found becomes the
//! response's `error`: its code, `: `, and what is wrong, naming the rule, objective, pole or item.

use std::collections::BTreeSet;

use crate::abi::semantics::{self, RequestRefusal};
use crate::abi::EvaluateRequest;
use crate::Plugin;

fn refuse(refusal: RequestRefusal, message: String) -> Result<(), String> {
    Err(format!("{}: {message}", refusal.code()))
}

/// Checks the whole request against what `plugin` can do.
pub(crate) fn request(plugin: &Plugin, req: &EvaluateRequest) -> Result<(), String> {
    if req.layer != plugin.layer.id() {
        return refuse(
            RequestRefusal::WrongLayer,
            format!(
                "the {} plugin does not evaluate layer `{}` (it evaluates: {})",
                plugin.name,
                req.layer,
                plugin.layer.id()
            ),
        );
    }
    for r in &req.ruleset.rules {
        if r.layer != req.layer {
            return refuse(
                RequestRefusal::WrongLayer,
                format!(
                    "rule `{}` is for layer `{}`, not `{}`",
                    r.id, r.layer, req.layer
                ),
            );
        }
        let name = r.criterion.name();
        if !plugin.criteria.contains(&name) {
            return refuse(
                RequestRefusal::UnsupportedCriterion,
                format!(
                    "rule `{}`: criterion `{name}` is not supported by the {} plugin (it supports: {})",
                    r.id,
                    plugin.name,
                    plugin.criteria.join(", ")
                ),
            );
        }
    }
    if let Some(problem) = semantics::check(&req.ruleset).into_iter().next() {
        return Err(problem.to_string());
    }
    let mut item_ids = BTreeSet::new();
    let mut total = 0.0;
    for item in &req.items {
        if !item_ids.insert(item.id.as_str()) {
            return refuse(
                RequestRefusal::DuplicateItem,
                format!("item {} appears twice in layer {}", item.id, req.layer),
            );
        }
        if let Some(w) = item.weight {
            if !(w.is_finite() && w >= 0.0) {
                return refuse(
                    RequestRefusal::BadItemWeight,
                    format!(
                        "item {}: the weight is {w}; weights are finite and not negative",
                        item.id
                    ),
                );
            }
        }
        total += item.effective_weight();
        for a in &item.actors {
            if let Some(share) = a.share {
                if !(share.is_finite() && (0.0..=1.0).contains(&share)) {
                    return refuse(
                        RequestRefusal::BadActorShare,
                        format!(
                            "item {}: an actor's share is {share}; shares are finite numbers from 0 to 1",
                            item.id
                        ),
                    );
                }
            }
        }
    }
    if !total.is_finite() {
        return refuse(
            RequestRefusal::BadItemWeight,
            format!(
                "the item weights of layer {} add up to infinity; their sum must be finite",
                req.layer
            ),
        );
    }
    Ok(())
}
