//! What the host checks in every response before it believes it ("What the host checks").
//!
//! A plugin is untrusted code, and so is what it says: a response that parses is not yet a
//! judgement. [`check_response`] holds an [`EvaluateResponse`] against the request it answers
//! (the layer's items, the ruleset's rules for the layer, its objectives and poles) and against
//! the ABI's ranges, and names the first field that contradicts them. `sovstack-host` refuses
//! the whole response on a violation: a plugin that lies about one finding is not believed about
//! the others. It lives here, beside the types, so that a plugin's own tests can run the very
//! checks the host makes; it is compiled by rustc 1.63 too.
//!
//! A response that sets `error` is a refusal; its findings and score are not read, so they are
//! not checked either.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::semantics::{base_severity, verdict_level, MAX_LEVEL, RESERVED_SHARES, SHARE_DECIMALS};
use crate::{AttributedItem, Criterion, EvaluateRequest, EvaluateResponse, Rule};

/// A field of a response that contradicts its request or the ABI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where, as a path into the response: `findings[3].severity`, `score.shares.US`.
    pub field: String,
    /// What is wrong: the value given and what the request or the ABI allows.
    pub problem: String,
}

/// The most of a plugin's `error` text the host keeps: a plugin's own words reach the report and
/// the terminal, and a plugin may send megabytes of them.
pub const MAX_ERROR_BYTES: usize = 4096;

/// `text` cut to [`MAX_ERROR_BYTES`] (at a character boundary), followed by `... (N bytes cut)`
/// when it was longer; one line (line breaks and other control characters become spaces).
pub fn cap_error(text: &str) -> String {
    let mut end = text.len().min(MAX_ERROR_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out: String = text[..end]
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if end < text.len() {
        let _ = write!(out, "... ({} bytes cut)", text.len() - end);
    }
    out
}

/// How far the sum of the shares may exceed 1 per share: each share is rounded to
/// [`SHARE_DECIMALS`] places, half away from zero, so each may be up to half a unit of the last
/// place above its exact value.
fn share_rounding_slack(shares: usize) -> f64 {
    0.5 * 10f64.powi(-SHARE_DECIMALS) * shares as f64 + 1e-9
}

/// Checks `response` against `request`: `Err` names the first field that contradicts it.
pub fn check_response(
    request: &EvaluateRequest,
    response: &EvaluateResponse,
) -> Result<(), Violation> {
    if response.error.is_some() {
        return Ok(());
    }
    let rules: BTreeMap<&str, &Rule> = request
        .ruleset
        .rules
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let items: BTreeMap<&str, &AttributedItem> =
        request.items.iter().map(|i| (i.id.as_str(), i)).collect();
    for (i, f) in response.findings.iter().enumerate() {
        let at = |field: &str| format!("findings[{i}].{field}");
        let rule = rules.get(f.rule.as_str()).ok_or_else(|| Violation {
            field: at("rule"),
            problem: format!(
                "`{}` is not a rule of ruleset {} for layer `{}` (its rules there: {})",
                f.rule,
                request.ruleset.name,
                request.layer,
                listed(rules.keys().copied())
            ),
        })?;
        let layer_wide = matches!(rule.criterion, Criterion::Concentration { .. });
        let item = match (&f.item, layer_wide) {
            (Some(id), false) => Some(*items.get(id.as_str()).ok_or_else(|| Violation {
                field: at("item"),
                problem: format!(
                    "`{id}` is not an item of the request (layer `{}` has {} item(s))",
                    request.layer,
                    items.len()
                ),
            })?),
            (None, true) => None,
            (Some(id), true) => {
                return Err(Violation {
                    field: at("item"),
                    problem: format!(
                        "`{id}`, but rule {} judges concentration, whose findings are layer-wide \
                         (no item)",
                        rule.id
                    ),
                })
            }
            (None, false) => {
                return Err(Violation {
                    field: at("item"),
                    problem: format!(
                        "absent, but rule {} judges {}, whose findings are each about an item",
                        rule.id,
                        rule.criterion.name()
                    ),
                })
            }
        };
        let base = item.map_or(rule.severity, |it| base_severity(rule, it));
        let expected = item.map_or(rule.severity, |it| it.finding_severity(base));
        if f.severity != expected {
            let mut problem = format!(
                "`{}`, but rule {}'s severity is `{}`",
                f.severity.as_str(),
                rule.id,
                rule.severity.as_str()
            );
            if base != rule.severity {
                let _ = write!(
                    problem,
                    ", one step lower (`{}`) for an item in its extended support window",
                    base.as_str()
                );
            }
            if expected != base {
                let _ = write!(
                    problem,
                    " and the item is labelled critical, which makes it `{}`",
                    expected.as_str()
                );
            } else {
                problem.push_str(
                    " (only a finding about an item labelled critical is one step higher)",
                );
            }
            return Err(Violation {
                field: at("severity"),
                problem,
            });
        }
        if f.objective != rule.objective {
            return Err(Violation {
                field: at("objective"),
                problem: format!(
                    "{}, but rule {}'s objective is {}",
                    shown(f.objective.as_deref()),
                    rule.id,
                    shown(rule.objective.as_deref())
                ),
            });
        }
        let verdict = item.and_then(|it| verdict_level(rule, it));
        match (f.level, &rule.criterion) {
            (level, Criterion::Supported {}) | (level, Criterion::Certified { .. }) => {
                // Only an item below the met level gives a finding, and it carries its level.
                if level.is_none() || level != verdict || verdict >= Some(MAX_LEVEL) {
                    return Err(Violation {
                        field: at("level"),
                        problem: format!(
                            "{}, but rule {} judges {}, which gives this item {} (a finding only \
                             below level {MAX_LEVEL}, carrying its level)",
                            shown_level(level),
                            rule.id,
                            rule.criterion.name(),
                            shown_level(verdict)
                        ),
                    });
                }
            }
            (None, _) => {}
            (Some(level), Criterion::Jurisdiction { pass_level, .. })
            | (Some(level), Criterion::Openness { pass_level, .. }) => {
                if level >= *pass_level || level > MAX_LEVEL {
                    return Err(Violation {
                        field: at("level"),
                        problem: format!(
                            "{level}, but a finding of rule {} is about an item below its pass \
                             level {pass_level} (levels run from 0 to {MAX_LEVEL})",
                            rule.id
                        ),
                    });
                }
            }
            (Some(level), criterion) => {
                return Err(Violation {
                    field: at("level"),
                    problem: format!(
                        "{level}, but rule {} judges {}, which gives no level",
                        rule.id,
                        criterion.name()
                    ),
                })
            }
        }
        let actors = item.map_or(0, |it| it.actors.len());
        if let Some(bad) = f.actors.iter().find(|&&a| a >= actors) {
            return Err(Violation {
                field: at("actors"),
                problem: format!(
                    "index {bad}, but the item has {actors} actor(s) (indexes from 0; a \
                     layer-wide finding names none)"
                ),
            });
        }
    }
    if let Some(score) = &response.score {
        check_score("score.score", score.score)?;
        check_level("score.level", score.level)?;
        let objectives: BTreeSet<&str> = request
            .ruleset
            .scoring
            .objectives
            .iter()
            .map(|o| o.id.as_str())
            .collect();
        for (id, o) in &score.objectives {
            if !objectives.contains(id.as_str()) {
                return Err(Violation {
                    field: format!("score.objectives.{id}"),
                    problem: format!(
                        "`{id}` is not an objective of ruleset {} (its objectives: {})",
                        request.ruleset.name,
                        listed(objectives.iter().copied())
                    ),
                });
            }
            check_score(&format!("score.objectives.{id}.score"), o.score)?;
            check_level(&format!("score.objectives.{id}.level"), o.level)?;
        }
        let poles: BTreeSet<&str> = request
            .ruleset
            .scoring
            .poles
            .iter()
            .map(|p| p.id.as_str())
            .chain(RESERVED_SHARES)
            .collect();
        let mut sum = 0.0;
        for (id, &share) in &score.shares {
            let field = format!("score.shares.{id}");
            if request.ruleset.scoring.poles.is_empty() || !poles.contains(id.as_str()) {
                return Err(Violation {
                    field,
                    problem: format!(
                        "`{id}` is not a pole of ruleset {} nor one of {} (its poles: {})",
                        request.ruleset.name,
                        RESERVED_SHARES.join(", "),
                        listed(request.ruleset.scoring.poles.iter().map(|p| p.id.as_str()))
                    ),
                });
            }
            check_fraction(&field, share)?;
            sum += share;
        }
        if sum > 1.0 + share_rounding_slack(score.shares.len()) {
            return Err(Violation {
                field: "score.shares".into(),
                problem: format!(
                    "they sum to {sum}, more than 1: shares are fractions of the layer"
                ),
            });
        }
        if let Some(index) = score.concentration_index {
            check_fraction("score.concentration_index", index)?;
        }
    }
    Ok(())
}

fn shown_level(level: Option<u8>) -> String {
    match level {
        Some(l) => format!("level {l}"),
        None => "no level".to_string(),
    }
}

fn check_score(field: &str, score: f64) -> Result<(), Violation> {
    if (0.0..=100.0).contains(&score) {
        return Ok(());
    }
    Err(Violation {
        field: field.into(),
        problem: format!("{score}, outside 0..100"),
    })
}

fn check_level(field: &str, level: u8) -> Result<(), Violation> {
    if level <= MAX_LEVEL {
        return Ok(());
    }
    Err(Violation {
        field: field.into(),
        problem: format!("{level}, outside 0..{MAX_LEVEL}"),
    })
}

fn check_fraction(field: &str, x: f64) -> Result<(), Violation> {
    if (0.0..=1.0).contains(&x) {
        return Ok(());
    }
    Err(Violation {
        field: field.into(),
        problem: format!("{x}, outside 0..1"),
    })
}

/// `` `a`, `b` `` or `none`.
fn listed<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<String> = ids.map(|id| format!("`{id}`")).collect();
    if all.is_empty() {
        "none".into()
    } else {
        all.join(", ")
    }
}

/// `` `SOV-5` `` or `none`.
fn shown(objective: Option<&str>) -> String {
    objective.map_or("none".into(), |o| format!("`{o}`"))
}
