//! Waivers: a finding an organisation has accepted, for a while, with a reason and an owner
//! (`--waivers FILE`; the CLI reads the file). A waived finding stays in the report, marked
//! waived in every format, and the policy gate does not count it. A waiver past its expiry date
//! waives nothing and is reported as expired; one that matched no finding is reported as unused.
//!
//! A waiver names a rule and either an item (its label, as the report shows it, or its id; the
//! layer id for a layer-wide finding) or a glob pattern on the label (`*.example.org`, the
//! `glob` crate's syntax). Findings are identified as [`Report::keyed_findings`] does.

use crate::Report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A waiver as the file gives it.
#[derive(Debug, Clone)]
pub struct Waiver {
    /// The rule id.
    pub rule: String,
    /// What it waives the rule on.
    pub target: Target,
    /// Why the finding is accepted.
    pub justification: String,
    /// Who answers for it.
    pub owner: String,
    /// The last day it waives (`YYYY-MM-DD`, validated by the reader).
    pub expires: String,
    /// Where it is written (`waivers.yaml:3`).
    pub source: String,
}

/// The findings a waiver covers.
#[derive(Debug, Clone)]
pub enum Target {
    /// An item, by label or id (a layer id for a layer-wide finding).
    Item(String),
    /// Items whose label matches a glob pattern.
    Pattern(glob::Pattern),
}

/// What a waiver did (added in report 1.0.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WaiverReport {
    /// The rule id.
    pub rule: String,
    /// The item it names (label or id), when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The glob pattern on item labels, when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Why the finding is accepted.
    pub justification: String,
    /// Who answers for it.
    pub owner: String,
    /// The last day it waives.
    pub expires: String,
    /// Where it is written (`FILE:LINE`).
    pub source: String,
    /// `active`, `expired` (past its date: waives nothing) or `unused` (active, matched nothing).
    pub status: WaiverStatus,
    /// The findings it waived.
    pub waived: Vec<WaivedFinding>,
}

/// A waiver's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WaiverStatus {
    /// In force, and it waived at least one finding.
    Active,
    /// In force, but no finding matched it.
    Unused,
    /// Past its expiry date: it waives nothing.
    Expired,
}

/// A finding a waiver covered, identified as [`Report::keyed_findings`] does.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct WaivedFinding {
    /// Ruleset name.
    pub ruleset: String,
    /// Layer id.
    pub layer: String,
    /// The item's label (the layer id for a layer-wide finding).
    pub item: String,
    /// Its key ([`crate::KeyedFinding::key`]).
    pub key: String,
}

impl Waiver {
    fn matches(&self, rule: &str, name: &str, id: Option<&str>) -> bool {
        self.rule == rule
            && match &self.target {
                // The label, the id, or both as tables show them (`cpu0 AMD EPYC`).
                Target::Item(i) => {
                    i == name
                        || Some(i.as_str()) == id
                        || id.is_some_and(|id| {
                            i.strip_prefix(id)
                                .and_then(|rest| rest.strip_prefix(' '))
                                .is_some_and(|rest| rest == name)
                        })
                }
                Target::Pattern(p) => p.matches(name),
            }
    }
}

impl Report {
    /// Applies waivers as of `today` (`YYYY-MM-DD`): each finding is waived by the first waiver
    /// in force that matches it; every waiver is recorded in [`Report::waivers`].
    pub fn apply_waivers(&mut self, waivers: &[Waiver], today: &str) {
        let keyed: Vec<(String, String, String, String, String, Option<String>)> = self
            .keyed_findings()
            .into_iter()
            .map(|k| {
                (
                    k.key,
                    k.ruleset.to_string(),
                    k.layer.to_string(),
                    k.finding.rule.clone(),
                    k.name,
                    k.finding.item.clone(),
                )
            })
            .collect();
        let mut taken: BTreeSet<&str> = BTreeSet::new();
        let mut out = Vec::new();
        for w in waivers {
            let expired = w.expires.as_str() < today;
            let mut waived = Vec::new();
            if !expired {
                for (key, ruleset, layer, rule, name, id) in &keyed {
                    if !taken.contains(key.as_str()) && w.matches(rule, name, id.as_deref()) {
                        taken.insert(key);
                        waived.push(WaivedFinding {
                            ruleset: ruleset.clone(),
                            layer: layer.clone(),
                            item: name.clone(),
                            key: key.clone(),
                        });
                    }
                }
            }
            let (item, pattern) = match &w.target {
                Target::Item(i) => (Some(i.clone()), None),
                Target::Pattern(p) => (None, Some(p.as_str().to_string())),
            };
            out.push(WaiverReport {
                rule: w.rule.clone(),
                item,
                pattern,
                justification: w.justification.clone(),
                owner: w.owner.clone(),
                expires: w.expires.clone(),
                source: w.source.clone(),
                status: if expired {
                    WaiverStatus::Expired
                } else if waived.is_empty() {
                    WaiverStatus::Unused
                } else {
                    WaiverStatus::Active
                },
                waived,
            });
        }
        self.waivers = out;
    }

    /// The keys of the waived findings.
    pub fn waived_keys(&self) -> BTreeSet<&str> {
        self.waivers
            .iter()
            .flat_map(|w| w.waived.iter().map(|f| f.key.as_str()))
            .collect()
    }

    /// The waiver that waived `rule`'s findings of `ruleset` on the item labelled `name` (the
    /// layer id for a layer-wide finding) of `layer`: a waiver covers every occurrence.
    pub fn waiver_on(
        &self,
        ruleset: &str,
        layer: &str,
        name: &str,
        rule: &str,
    ) -> Option<&WaiverReport> {
        self.waivers.iter().find(|w| {
            w.rule == rule
                && w.waived
                    .iter()
                    .any(|f| f.ruleset == ruleset && f.layer == layer && f.item == name)
        })
    }

    /// The waiver that waived the finding with this key.
    pub fn waiver_of(&self, key: &str) -> Option<&WaiverReport> {
        self.waivers
            .iter()
            .find(|w| w.waived.iter().any(|f| f.key == key))
    }
}
