//! What a plugin refuses before judging anything: a layer it does not evaluate, a criterion it
//! does not judge, a role it does not know, and settings no computation can use (levels above 4,
//! negative or non-finite weights of rules, objectives or items, item weights whose sum overflows,
//! shares outside 0..1, undeclared objectives). The first problem found is returned, naming the
//! rule, objective, pole or item involved, and becomes the response's `error`. The ruleset crate
//! validates the YAML for people; this is the plugin's own guard.

use std::collections::BTreeSet;

use super::concentration::RESERVED_SHARES;
use crate::abi::{Criterion, EvaluateRequest, Rule, Scoring, ScoringMethod};
use crate::Plugin;

fn level(what: &str, value: u8) -> Result<(), String> {
    if value > 4 {
        Err(format!("{what} is {value}, but levels run from 0 to 4"))
    } else {
        Ok(())
    }
}

fn fraction(what: &str, value: f64) -> Result<(), String> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(format!("{what} is {value}, outside 0..1"))
    }
}

fn weight(what: &str, value: f64) -> Result<(), String> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(format!(
            "{what} is {value}; weights are finite and not negative"
        ))
    }
}

/// Checks the whole request against what `plugin` can do.
pub(crate) fn request(plugin: &Plugin, req: &EvaluateRequest) -> Result<(), String> {
    if req.layer != plugin.layer.id() {
        return Err(format!(
            "the {} plugin does not evaluate layer `{}` (it evaluates: {})",
            plugin.name,
            req.layer,
            plugin.layer.id()
        ));
    }
    scoring(&req.ruleset.scoring).map_err(|e| format!("ruleset {}: {e}", req.ruleset.name))?;
    let mut rule_ids = BTreeSet::new();
    for r in &req.ruleset.rules {
        if !rule_ids.insert(r.id.as_str()) {
            return Err(format!("rule {} appears twice", r.id));
        }
        rule(plugin, req, r).map_err(|e| format!("rule {}: {e}", r.id))?;
    }
    let mut item_ids = BTreeSet::new();
    let mut total = 0.0;
    for item in &req.items {
        if !item_ids.insert(item.id.as_str()) {
            return Err(format!(
                "item {} appears twice in layer {}",
                item.id, req.layer
            ));
        }
        if let Some(w) = item.weight {
            weight("the weight", w).map_err(|e| format!("item {}: {e}", item.id))?;
        }
        total += item.effective_weight();
    }
    if !total.is_finite() {
        return Err(format!(
            "the item weights of layer {} add up to infinity; their sum must be finite",
            req.layer
        ));
    }
    Ok(())
}

fn scoring(s: &Scoring) -> Result<(), String> {
    let mut ids = BTreeSet::new();
    for o in &s.objectives {
        if !ids.insert(o.id.as_str()) {
            return Err(format!("objective {} is declared twice", o.id));
        }
        weight(&format!("the weight of objective {}", o.id), o.weight)?;
    }
    let mut ids = BTreeSet::new();
    for p in &s.poles {
        if RESERVED_SHARES.contains(&p.id.as_str()) {
            return Err(format!(
                "pole id `{}` is reserved for a share of its own",
                p.id
            ));
        }
        if !ids.insert(p.id.as_str()) {
            return Err(format!("pole {} is declared twice", p.id));
        }
    }
    fraction("commons_credit", s.commons_credit)?;
    for t in &s.level_thresholds {
        level("a level threshold's level", t.level)?;
        if !t.min_score.is_finite() {
            return Err(format!("a level threshold's min_score is {}", t.min_score));
        }
    }
    Ok(())
}

fn rule(plugin: &Plugin, req: &EvaluateRequest, r: &Rule) -> Result<(), String> {
    if r.layer != req.layer {
        return Err(format!("is for layer `{}`, not `{}`", r.layer, req.layer));
    }
    let name = r.criterion.name();
    if !plugin.criteria.contains(&name) {
        return Err(format!(
            "criterion `{name}` is not supported by the {} plugin (it supports: {})",
            plugin.name,
            plugin.criteria.join(", ")
        ));
    }
    let roles = r.criterion.roles();
    if roles.is_empty() && r.criterion.names_roles() {
        return Err("names no role".to_string());
    }
    for (i, role) in roles.iter().enumerate() {
        if !plugin.layer.roles().iter().any(|r| r.as_str() == role) {
            let known: Vec<&str> = plugin.layer.roles().iter().map(|r| r.as_str()).collect();
            return Err(format!(
                "role `{role}` is unknown to the {} plugin (it knows: {})",
                plugin.name,
                known.join(", ")
            ));
        }
        if roles[..i].contains(role) {
            return Err(format!("role `{role}` is named twice"));
        }
    }
    weight("the weight", r.weight)?;
    match &r.criterion {
        Criterion::Jurisdiction {
            levels, pass_level, ..
        } => {
            level("pass_level", *pass_level)?;
            for (what, v) in [
                ("home", levels.home),
                ("foreign", levels.foreign),
                ("extraterritorial", levels.extraterritorial),
                ("commons", levels.commons),
                ("unknown", levels.unknown),
            ] {
                level(&format!("the {what} level"), v)?;
            }
        }
        Criterion::Openness {
            levels, pass_level, ..
        } => {
            level("pass_level", *pass_level)?;
            for (what, v) in [
                ("open_standard", levels.open_standard),
                ("community", levels.community),
                ("foundation", levels.foundation),
                ("company", levels.company),
                ("state", levels.state),
                ("unknown", levels.unknown),
            ] {
                level(&format!("the {what} level"), v)?;
            }
        }
        Criterion::KnownAttribution { .. } | Criterion::Assessed {} => {}
        Criterion::Concentration {
            max_share,
            max_index,
            ..
        } => {
            fraction("max_share", *max_share)?;
            fraction("max_index", *max_index)?;
        }
    }
    let scoring = &req.ruleset.scoring;
    if scoring.method == ScoringMethod::SealWeakestLink {
        let gives_levels = matches!(
            r.criterion,
            Criterion::Jurisdiction { .. } | Criterion::Openness { .. }
        );
        match &r.objective {
            None if gives_levels => {
                return Err(
                    "gives levels under seal_weakest_link but names no objective".to_string(),
                )
            }
            Some(o) if !scoring.objectives.iter().any(|d| d.id == *o) => {
                return Err(format!(
                    "names objective {o}, which the ruleset's scoring does not declare"
                ))
            }
            _ => {}
        }
    }
    Ok(())
}
