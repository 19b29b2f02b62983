//! The policy gate a procurement pipeline scripts against: `--fail-under SCORE` and
//! `--fail-on SEVERITY`. The CLI turns a failed gate into exit code 1.

use crate::Report;
use serde::{Deserialize, Serialize};
use sovstack_abi::Severity;

/// The thresholds asked for.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Gate {
    /// Fail when any ruleset's overall score, as shown (to one decimal, [`crate::score_shown`]),
    /// is below this (or could not be computed).
    pub fail_under: Option<f64>,
    /// Fail when any finding is at least this severe.
    pub fail_on: Option<Severity>,
}

/// What the gate decided, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GateOutcome {
    /// Whether every threshold held.
    pub passed: bool,
    /// The score threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_under: Option<f64>,
    /// The severity threshold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<Severity>,
    /// One sentence per threshold crossed.
    pub reasons: Vec<String>,
}

impl Gate {
    /// Whether any threshold is set.
    pub fn is_set(&self) -> bool {
        self.fail_under.is_some() || self.fail_on.is_some()
    }

    /// Applies the gate to a report. The reasons come ruleset by ruleset, in the report's order
    /// (the order the rulesets were given in); within a ruleset, the score first, then the
    /// findings' severities from the most severe down.
    pub fn check(&self, report: &Report) -> GateOutcome {
        let mut reasons = Vec::new();
        for r in &report.rulesets {
            if let Some(min) = self.fail_under {
                // The score as the report shows it (one decimal), not the unrounded one.
                match r.overall.score {
                    Some(s) if crate::score_as_shown(s) < min => reasons.push(format!(
                        "{}: overall score {} (as shown; {s} unrounded) is under {min}",
                        r.name,
                        crate::score_shown(s)
                    )),
                    Some(_) => {}
                    None => reasons.push(format!("{}: no overall score could be computed", r.name)),
                }
            }
            if let Some(sev) = self.fail_on {
                let mut counts = std::collections::BTreeMap::new();
                // A waived finding is not counted.
                let waived = report.waived_keys();
                for f in report
                    .keyed_findings()
                    .into_iter()
                    .filter(|k| k.ruleset == r.name && !waived.contains(k.key.as_str()))
                    .map(|k| k.finding)
                {
                    if f.severity >= sev {
                        *counts.entry(f.severity).or_insert(0usize) += 1;
                    }
                }
                for (severity, n) in counts.into_iter().rev() {
                    reasons.push(format!(
                        "{}: {n} finding(s) of severity {}",
                        r.name,
                        severity.as_str()
                    ));
                }
            }
        }
        GateOutcome {
            passed: reasons.is_empty(),
            fail_under: self.fail_under,
            fail_on: self.fail_on,
            reasons,
        }
    }
}
