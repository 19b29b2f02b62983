//! What changed between two audits of the same organisation (`sovstack diff OLD NEW`): the
//! dependencies (organisations, in their role on a layer, with their country) that appeared or
//! went, the score and level of every ruleset, overall and per layer, and the findings that
//! appeared or were resolved. Findings are matched by ruleset, rule, layer and the item's identity
//! (the key of [`Report::keyed_findings`] without its occurrence, which SARIF fingerprints use:
//! a network endpoint is the endpoint as written, so relabelling it, or removing the line of a
//! neighbour, which renumbers `epN`, is no change; a declared service is its id; any other item
//! its label, which says what it is); when
//! one rule found a different number of things on an item in the two audits, each finding is
//! paired with the one whose sentence is closest.
//!
//! A **regression** is a finding that appeared, or a score or level that fell (overall or on a
//! layer both audits scored). A warning says when the audits used different rulesets, plugins,
//! knowledge bases or data packs: a change may then come from the tools, not the stack.

use crate::{Report, RulesetResult};
use serde::{Deserialize, Serialize};
use sovstack_abi::Severity;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// The differences between two reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Inputs that differ between the audits (rulesets, plugins, knowledge base, data packs).
    pub warnings: Vec<String>,
    /// Dependencies only the new audit has.
    pub dependencies_added: Vec<Dependency>,
    /// Dependencies only the old audit had.
    pub dependencies_removed: Vec<Dependency>,
    /// Every score or level that changed, overall (`layer: null`) and per layer.
    pub score_changes: Vec<ScoreChange>,
    /// Findings only the new audit has.
    pub findings_appeared: Vec<FindingChange>,
    /// Findings only the old audit had.
    pub findings_resolved: Vec<FindingChange>,
    /// Whether anything got worse, and what.
    pub regression: bool,
    /// One sentence per regression.
    pub regressions: Vec<String>,
}

/// An organisation in a role on a layer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Dependency {
    /// Layer id.
    pub layer: String,
    /// Role.
    pub role: String,
    /// Organisation; `null` when not identified.
    pub organisation: Option<String>,
    /// Headquarters country, when known.
    pub country: Option<String>,
    /// Whether the organisation is a community or an open standard, which has no country of its
    /// own (the text's country words); not part of the JSON.
    #[serde(skip)]
    pub community: bool,
}

/// A score or level that changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreChange {
    /// Ruleset name.
    pub ruleset: String,
    /// Layer id; `null` for the overall result.
    pub layer: Option<String>,
    /// Old score (absent when not scored).
    pub old_score: Option<f64>,
    /// New score.
    pub new_score: Option<f64>,
    /// Old level.
    pub old_level: Option<u8>,
    /// New level.
    pub new_level: Option<u8>,
}

/// A finding that appeared or was resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FindingChange {
    /// Ruleset name.
    pub ruleset: String,
    /// Rule id.
    pub rule: String,
    /// Layer id.
    pub layer: String,
    /// The item's label (the layer id for a layer-wide finding).
    pub item: String,
    /// Severity.
    pub severity: Severity,
    /// The finding's sentence.
    pub message: String,
}

fn dependencies(r: &Report) -> BTreeSet<Dependency> {
    r.layers
        .iter()
        .flat_map(|l| {
            l.items.iter().flat_map(move |i| {
                i.actors.iter().map(move |a| Dependency {
                    layer: l.id.clone(),
                    role: a.role.clone(),
                    organisation: a.name.clone(),
                    country: a.country.clone(),
                    community: crate::formats::is_community(a.governance),
                })
            })
        })
        .collect()
}

/// The findings by their key without the occurrence (ruleset, rule, layer, item label), each
/// group in report order.
fn findings(r: &Report) -> BTreeMap<String, Vec<FindingChange>> {
    let mut out: BTreeMap<String, Vec<FindingChange>> = BTreeMap::new();
    for k in r.keyed_findings() {
        let base = k.key.rsplit_once('\n').map_or(k.key.as_str(), |(b, _)| b);
        out.entry(base.to_string())
            .or_default()
            .push(FindingChange {
                ruleset: k.ruleset.to_string(),
                rule: k.finding.rule.clone(),
                layer: k.layer.to_string(),
                item: k.name,
                severity: k.finding.severity,
                message: k.finding.message.clone(),
            });
    }
    out
}

/// The findings of one group (same ruleset, rule, layer and item) that appeared and that were
/// resolved. When both audits have as many, they are the same findings (their figures may
/// differ). Otherwise one rule found a different number of things on the item (a pole's share
/// and the concentration index on a layer): each old finding is paired with the new one whose
/// sentence is closest, so that what is reported resolved is what went, not whichever came first.
fn unmatched(
    old: &[FindingChange],
    new: &[FindingChange],
) -> (Vec<FindingChange>, Vec<FindingChange>) {
    if old.len() == new.len() {
        return (Vec::new(), Vec::new());
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, o) in old.iter().enumerate() {
        for (j, n) in new.iter().enumerate() {
            pairs.push((strsim::normalized_levenshtein(&o.message, &n.message), i, j));
        }
    }
    // Most alike first; ties in report order, so the result does not depend on sorting.
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let (mut old_paired, mut new_paired) = (vec![false; old.len()], vec![false; new.len()]);
    for (_, i, j) in pairs {
        if !old_paired[i] && !new_paired[j] {
            old_paired[i] = true;
            new_paired[j] = true;
        }
    }
    let pick = |v: &[FindingChange], paired: &[bool]| -> Vec<FindingChange> {
        v.iter()
            .zip(paired)
            .filter(|(_, p)| !**p)
            .map(|(f, _)| f.clone())
            .collect()
    };
    (pick(new, &new_paired), pick(old, &old_paired))
}

/// What differs between the inputs two audits used, one sentence each.
pub fn input_warnings(old: &Report, new: &Report) -> Vec<String> {
    let mut w = Vec::new();
    let names = |v: Vec<String>| v.join(", ");
    let rulesets = |r: &Report| {
        names(
            r.inputs
                .rulesets
                .iter()
                .map(|x| {
                    format!(
                        "{} {} ({})",
                        x.data.name,
                        x.data.version,
                        &x.data.sha256[..12.min(x.data.sha256.len())]
                    )
                })
                .collect(),
        )
    };
    let plugins = |r: &Report| {
        names(
            r.inputs
                .plugins
                .iter()
                .map(|x| {
                    format!(
                        "{} {} ({})",
                        x.data.name,
                        x.data.version,
                        &x.data.sha256[..12.min(x.data.sha256.len())]
                    )
                })
                .collect(),
        )
    };
    let kb = |r: &Report| {
        format!(
            "{} {} ({})",
            r.inputs.knowledge_base.name,
            r.inputs.knowledge_base.version,
            &r.inputs.knowledge_base.sha256[..12.min(r.inputs.knowledge_base.sha256.len())]
        )
    };
    let packs = |r: &Report| {
        names(
            r.inputs
                .data_packs
                .iter()
                .map(|p| format!("{} {}", p.name, p.version))
                .collect(),
        )
    };
    for (what, f) in [
        ("rulesets", &rulesets as &dyn Fn(&Report) -> String),
        ("plugins", &plugins),
        ("knowledge base", &kb),
        ("data packs", &packs),
    ] {
        let (a, b) = (f(old), f(new));
        if a != b {
            w.push(format!(
                "the audits used different {what}: {} in the first, {} in the second",
                if a.is_empty() { "none" } else { &a },
                if b.is_empty() { "none" } else { &b }
            ));
        }
    }
    w
}

fn score_changes(old: &RulesetResult, new: &RulesetResult, out: &mut Vec<ScoreChange>) {
    let o = (old.overall.score, old.overall.level);
    let n = (new.overall.score, new.overall.level);
    if o != n {
        out.push(ScoreChange {
            ruleset: new.name.clone(),
            layer: None,
            old_score: o.0,
            new_score: n.0,
            old_level: o.1,
            new_level: n.1,
        });
    }
    let layers: BTreeSet<&String> = old.layers.keys().chain(new.layers.keys()).collect();
    for layer in layers {
        let get = |r: &RulesetResult| {
            r.layers
                .get(layer)
                .and_then(|l| l.score.as_ref())
                .map(|s| (s.score, s.level))
        };
        let (a, b) = (get(old), get(new));
        if a != b {
            out.push(ScoreChange {
                ruleset: new.name.clone(),
                layer: Some(layer.clone()),
                old_score: a.map(|x| x.0),
                new_score: b.map(|x| x.0),
                old_level: a.map(|x| x.1),
                new_level: b.map(|x| x.1),
            });
        }
    }
}

/// Compares two reports.
pub fn diff(old: &Report, new: &Report) -> Diff {
    let (od, nd) = (dependencies(old), dependencies(new));
    let (of, nf) = (findings(old), findings(new));
    let mut changes = Vec::new();
    for n in &new.rulesets {
        if let Some(o) = old.rulesets.iter().find(|o| o.name == n.name) {
            score_changes(o, n, &mut changes);
        }
    }
    let (mut appeared, mut resolved) = (Vec::new(), Vec::new());
    let none: Vec<FindingChange> = Vec::new();
    let bases: BTreeSet<&String> = of.keys().chain(nf.keys()).collect();
    for base in bases {
        let (a, r) = unmatched(of.get(base).unwrap_or(&none), nf.get(base).unwrap_or(&none));
        appeared.extend(a);
        resolved.extend(r);
    }
    let mut regressions = Vec::new();
    for c in &changes {
        let place = match &c.layer {
            Some(l) => format!("{} on the {l} layer", c.ruleset),
            None => format!("{} overall", c.ruleset),
        };
        if let (Some(a), Some(b)) = (c.old_score, c.new_score) {
            if b < a {
                regressions.push(format!("{place}: score fell from {a} to {b}"));
            }
        }
        if let (Some(a), Some(b)) = (c.old_level, c.new_level) {
            if b < a {
                regressions.push(format!("{place}: level fell from {a} to {b}"));
            }
        }
    }
    if !appeared.is_empty() {
        regressions.push(format!("{} finding(s) appeared", appeared.len()));
    }
    Diff {
        warnings: input_warnings(old, new),
        dependencies_added: nd.difference(&od).cloned().collect(),
        dependencies_removed: od.difference(&nd).cloned().collect(),
        score_changes: changes,
        findings_appeared: appeared,
        findings_resolved: resolved,
        regression: !regressions.is_empty(),
        regressions,
    }
}

fn dependency_text(d: &Dependency) -> String {
    format!(
        "{} layer, {}: {}; country: {}",
        d.layer,
        crate::formats::role_words(&d.role),
        d.organisation.as_deref().unwrap_or("not identified"),
        crate::formats::country_words(d.country.as_deref(), None, None, d.community)
    )
}

fn opt<T: std::fmt::Display>(v: Option<T>) -> String {
    v.map_or("-".to_string(), |v| v.to_string())
}

impl Diff {
    /// The diff as text for people.
    pub fn write_text(&self, out: &mut dyn io::Write) -> io::Result<()> {
        for w in &self.warnings {
            writeln!(out, "warning: {w}")?;
        }
        let section = |out: &mut dyn io::Write, title: &str, lines: Vec<String>| {
            writeln!(out, "{title} ({})", lines.len())?;
            for l in lines {
                writeln!(out, "  {l}")?;
            }
            io::Result::Ok(())
        };
        section(
            out,
            "Dependencies added",
            self.dependencies_added
                .iter()
                .map(|d| format!("+ {}", dependency_text(d)))
                .collect(),
        )?;
        section(
            out,
            "Dependencies removed",
            self.dependencies_removed
                .iter()
                .map(|d| format!("- {}", dependency_text(d)))
                .collect(),
        )?;
        section(
            out,
            "Score and level changes",
            self.score_changes
                .iter()
                .map(|c| {
                    format!(
                        "{} {}: score {} -> {}, level {} -> {}",
                        c.ruleset,
                        c.layer.as_deref().unwrap_or("overall"),
                        opt(c.old_score),
                        opt(c.new_score),
                        opt(c.old_level),
                        opt(c.new_level)
                    )
                })
                .collect(),
        )?;
        let finding = |sign: &str, f: &FindingChange| {
            format!(
                "{sign} [{}] {} {} on {} ({} layer): {}",
                f.severity.as_str(),
                f.ruleset,
                f.rule,
                f.item,
                f.layer,
                f.message
            )
        };
        section(
            out,
            "Findings appeared",
            self.findings_appeared
                .iter()
                .map(|f| finding("+", f))
                .collect(),
        )?;
        section(
            out,
            "Findings resolved",
            self.findings_resolved
                .iter()
                .map(|f| finding("-", f))
                .collect(),
        )?;
        if self.regression {
            writeln!(out, "Regression:")?;
            for r in &self.regressions {
                writeln!(out, "  {r}")?;
            }
        } else {
            writeln!(out, "No regression.")?;
        }
        Ok(())
    }

    /// The diff as pretty JSON with a final newline.
    pub fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}
