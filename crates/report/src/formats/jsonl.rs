//! JSON Lines (<https://jsonlines.org>) for engines that aggregate: DuckDB, Spark, pandas, jq.
//! One JSON object per line, UTF-8, `\n` after each; every object has a `type` first and its
//! keys in a fixed order, so the same report gives the same bytes. The line types, in the order
//! they are written (`docs/report.md` documents each field, and
//! `schema/report-jsonl-1.schema.json` is the JSON Schema of a line):
//!
//! - `audit`, once: the report version, time, organisation, rulesets and number of hosts;
//! - `item`, one per host and item the host counts in (an organisation's fleet, in host order:
//!   its processors, system and device), then one per item no host counts in (a single host's
//!   scan, the network endpoints, the software supply...), in layer and item order. Each carries
//!   the item's attribution (its actors: role, organisation, country, blocs, governance), its
//!   `weight` in the layer's shares (1 for a host's line: the item's weight is the number of
//!   hosts it stands for) and its `poles`: for each `concentration` rule of each ruleset, the
//!   fraction of the item's control each pole (or `commons`, `other`, `unknown`) holds. A
//!   layer's share of a pole under a rule is `Σ weight × fraction / Σ weight` over the lines the
//!   rule judges (those with a `poles` entry for it), and a ruleset's shares on a layer are the
//!   mean over its `concentration` rules of that layer (`docs/scale.md` gives the SQL);
//! - `score`, one per ruleset and layer judged: score, level, shares, concentration index;
//! - `finding`, one per finding, in ruleset, layer and finding order, with `waived`.

use super::Format;
use crate::{ActorReport, HostReport, ItemPole, ItemReport, Report};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// JSON Lines renderer.
pub struct Jsonl;

/// The version of the line format: the `format` field of the `audit` line.
pub const JSONL_FORMAT: &str = "sovstack-jsonl/1";

#[derive(Serialize)]
struct AuditLine<'a> {
    r#type: &'static str,
    format: &'static str,
    report_version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    generated_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    organisation: Option<&'a str>,
    rulesets: Vec<RulesetRef<'a>>,
    hosts: usize,
}

#[derive(Serialize)]
struct RulesetRef<'a> {
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct ItemLine<'a> {
    r#type: &'static str,
    host: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    labels: Option<&'a BTreeMap<String, String>>,
    layer: &'a str,
    item: &'a str,
    label: &'a str,
    weight: f64,
    actors: Vec<ActorLine<'a>>,
    poles: Vec<PoleLine<'a>>,
}

#[derive(Serialize)]
struct ActorLine<'a> {
    role: &'a str,
    name: Option<&'a str>,
    country: Option<&'a str>,
    blocs: &'a [String],
    governance: sovstack_abi::Governance,
    confidence: sovstack_inventory::Confidence,
}

#[derive(Serialize)]
struct PoleLine<'a> {
    ruleset: &'a str,
    rule: &'a str,
    pole: &'a str,
    fraction: f64,
}

#[derive(Serialize)]
struct ScoreLine<'a> {
    r#type: &'static str,
    ruleset: &'a str,
    layer: &'a str,
    score: f64,
    level: u8,
    shares: &'a BTreeMap<String, f64>,
    concentration_index: Option<f64>,
}

#[derive(Serialize)]
struct FindingLine<'a> {
    r#type: &'static str,
    ruleset: &'a str,
    layer: &'a str,
    rule: &'a str,
    severity: sovstack_abi::Severity,
    level: Option<u8>,
    objective: Option<&'a str>,
    item: Option<&'a str>,
    item_label: Option<&'a str>,
    message: &'a str,
    waived: bool,
}

fn line<T: Serialize>(out: &mut dyn io::Write, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")
}

fn actors(item: &ItemReport) -> Vec<ActorLine<'_>> {
    item.actors
        .iter()
        .map(|a: &ActorReport| ActorLine {
            role: &a.role,
            name: a.name.as_deref(),
            country: a.country.as_deref(),
            blocs: &a.blocs,
            governance: a.governance,
            confidence: a.confidence,
        })
        .collect()
}

fn poles(item: &ItemReport) -> Vec<PoleLine<'_>> {
    item.poles
        .iter()
        .map(|p: &ItemPole| PoleLine {
            ruleset: &p.ruleset,
            rule: &p.rule,
            pole: &p.pole,
            fraction: p.fraction,
        })
        .collect()
}

fn item_line<'a>(
    host: Option<&'a HostReport>,
    layer: &'a str,
    item: &'a ItemReport,
    weight: f64,
) -> ItemLine<'a> {
    ItemLine {
        r#type: "item",
        host: host.map(|h| h.id.as_str()),
        host_name: host.and_then(|h| h.name.as_deref()),
        labels: host.map(|h| &h.labels).filter(|l| !l.is_empty()),
        layer,
        item: &item.id,
        label: &item.label,
        weight,
        actors: actors(item),
        poles: poles(item),
    }
}

impl Format for Jsonl {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        line(
            out,
            &AuditLine {
                r#type: "audit",
                format: JSONL_FORMAT,
                report_version: &report.report_version,
                generated_at: report.generated_at.as_deref(),
                organisation: report.organisation.as_ref().map(|o| o.name.as_str()),
                rulesets: report
                    .rulesets
                    .iter()
                    .map(|r| RulesetRef {
                        name: &r.name,
                        version: &r.version,
                    })
                    .collect(),
                hosts: report.hosts.len(),
            },
        )?;
        let mut by_id: BTreeMap<(&str, &str), &ItemReport> = BTreeMap::new();
        for l in &report.layers {
            for i in &l.items {
                by_id.insert((l.id.as_str(), i.id.as_str()), i);
            }
        }
        // A host's line weighs 1: the item's weight is the number of hosts it stands for.
        let mut counted: BTreeSet<(&str, &str)> = BTreeSet::new();
        for h in &report.hosts {
            for hi in &h.items {
                let key = (hi.layer.as_str(), hi.item.as_str());
                if let Some(item) = by_id.get(&key) {
                    counted.insert(key);
                    line(out, &item_line(Some(h), &hi.layer, item, 1.0))?;
                }
            }
        }
        for l in &report.layers {
            for i in &l.items {
                if !counted.contains(&(l.id.as_str(), i.id.as_str())) {
                    line(out, &item_line(None, &l.id, i, i.weight.unwrap_or(1.0)))?;
                }
            }
        }
        for r in &report.rulesets {
            for (layer, result) in &r.layers {
                if let Some(s) = &result.score {
                    line(
                        out,
                        &ScoreLine {
                            r#type: "score",
                            ruleset: &r.name,
                            layer,
                            score: s.score,
                            level: s.level,
                            shares: &s.shares,
                            concentration_index: s.concentration_index,
                        },
                    )?;
                }
            }
        }
        let waived = report.waived_keys();
        for k in report.keyed_findings() {
            let f = k.finding;
            line(
                out,
                &FindingLine {
                    r#type: "finding",
                    ruleset: k.ruleset,
                    layer: k.layer,
                    rule: &f.rule,
                    severity: f.severity,
                    level: f.level,
                    objective: f.objective.as_deref(),
                    item: f.item.as_deref(),
                    item_label: k.item.map(|i| i.label.as_str()),
                    message: &f.message,
                    waived: waived.contains(k.key.as_str()),
                },
            )?;
        }
        Ok(())
    }
}
