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
use schemars::JsonSchema;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// JSON Lines renderer.
pub struct Jsonl;

/// The version of the line format: the `format` field of the `audit` line.
pub const JSONL_FORMAT: &str = "sovstack-jsonl/1";

/// One line: its `type` first, then the fields of its kind.
#[derive(Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[schemars(title = "A line of sovstack's --format jsonl")]
enum Line<'a> {
    /// The audit, once, first.
    Audit(AuditLine<'a>),
    /// A host's item, or an item no host counts in (`host` null).
    Item(ItemLine<'a>),
    /// A layer's score under a ruleset.
    Score(ScoreLine<'a>),
    /// A finding.
    Finding(FindingLine<'a>),
}

/// The JSON Schema of one line of `--format jsonl`, generated from the types that write it;
/// the published copy is `schema/report-jsonl-1.schema.json`, checked current by a test.
pub fn jsonl_schema() -> serde_json::Value {
    let schema = schemars::generate::SchemaSettings::default()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Line>();
    serde_json::to_value(schema).expect("a schema always serialises")
}

/// The audit: what the lines are of.
#[derive(Serialize, JsonSchema)]
struct AuditLine<'a> {
    /// `sovstack-jsonl/1`: the version of the line format.
    format: &'static str,
    /// The report version the lines were written from.
    report_version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// RFC 3339 UTC, only when `SOURCE_DATE_EPOCH` was set.
    generated_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The organisation, as the configuration names it.
    organisation: Option<&'a str>,
    /// The rulesets, in evaluation order.
    rulesets: Vec<RulesetRef<'a>>,
    /// The fleet's hosts (0 when the audit is not of a fleet).
    hosts: usize,
}

/// A ruleset's name and version.
#[derive(Serialize, JsonSchema)]
struct RulesetRef<'a> {
    /// Name.
    name: &'a str,
    /// Version.
    version: &'a str,
}

/// An item, once per host that counts in it (or once, `host` null, when no host does).
#[derive(Serialize, JsonSchema)]
struct ItemLine<'a> {
    /// The host's device id; null for an item no host counts in.
    host: Option<&'a str>,
    /// The host's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    host_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The host's labels (`tag`, `location`), for GROUP BY.
    labels: Option<&'a BTreeMap<String, String>>,
    /// Layer id.
    layer: &'a str,
    /// Item id.
    item: &'a str,
    /// Item label.
    label: &'a str,
    /// What the line weighs in the layer's shares: 1 for a host's line, else the item's weight.
    weight: f64,
    /// The item's attribution.
    actors: Vec<ActorLine<'a>>,
    /// Per ruleset and concentration rule, the fraction of the item's control each pole holds.
    poles: Vec<PoleLine<'a>>,
}

/// An actor of the item.
#[derive(Serialize, JsonSchema)]
struct ActorLine<'a> {
    /// Its role (`core_designer`, `steward`, `manufacturer`).
    role: &'a str,
    /// The organisation; null when unknown.
    name: Option<&'a str>,
    /// Its headquarters country (ISO 3166-1 alpha-2); null when unknown.
    country: Option<&'a str>,
    /// The country's blocs.
    blocs: &'a [String],
    /// How it is governed.
    governance: sovstack_abi::Governance,
    /// The lowest confidence of its evidence.
    confidence: sovstack_inventory::Confidence,
}

/// Where part of the item's control goes under a concentration rule.
#[derive(Serialize, JsonSchema)]
struct PoleLine<'a> {
    /// The ruleset.
    ruleset: &'a str,
    /// The concentration rule.
    rule: &'a str,
    /// A pole of the ruleset, or `commons`, `other`, `unknown`.
    pole: &'a str,
    /// The fraction of the item's control (an item's fractions under one rule sum to 1).
    fraction: f64,
}

/// A layer's score under a ruleset, as the report gives it.
#[derive(Serialize, JsonSchema)]
struct ScoreLine<'a> {
    /// The ruleset.
    ruleset: &'a str,
    /// The layer.
    layer: &'a str,
    /// 0-100.
    score: f64,
    /// 0-4.
    level: u8,
    /// bloc_balance: each pole's share (and commons, other, unknown), rounded to 4 decimals.
    shares: &'a BTreeMap<String, f64>,
    /// bloc_balance: the Herfindahl-Hirschman index over the poles.
    concentration_index: Option<f64>,
}

/// A finding.
#[derive(Serialize, JsonSchema)]
struct FindingLine<'a> {
    /// The ruleset.
    ruleset: &'a str,
    /// The layer.
    layer: &'a str,
    /// The rule.
    rule: &'a str,
    /// Its severity.
    severity: sovstack_abi::Severity,
    /// The level the rule gave the item, where it gives one.
    level: Option<u8>,
    /// The rule's objective.
    objective: Option<&'a str>,
    /// The item id; null for a layer-wide finding.
    item: Option<&'a str>,
    /// The item's label.
    item_label: Option<&'a str>,
    /// What was found, in words.
    message: &'a str,
    /// Whether a waiver (`--waivers`) waived it.
    waived: bool,
}

fn line(out: &mut dyn io::Write, value: &Line<'_>) -> io::Result<()> {
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
            &Line::Audit(AuditLine {
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
            }),
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
                    line(out, &Line::Item(item_line(Some(h), &hi.layer, item, 1.0)))?;
                }
            }
        }
        for l in &report.layers {
            for i in &l.items {
                if !counted.contains(&(l.id.as_str(), i.id.as_str())) {
                    let weight = i.weight.unwrap_or(1.0);
                    line(out, &Line::Item(item_line(None, &l.id, i, weight)))?;
                }
            }
        }
        for r in &report.rulesets {
            for (layer, result) in &r.layers {
                if let Some(s) = &result.score {
                    line(
                        out,
                        &Line::Score(ScoreLine {
                            ruleset: &r.name,
                            layer,
                            score: s.score,
                            level: s.level,
                            shares: &s.shares,
                            concentration_index: s.concentration_index,
                        }),
                    )?;
                }
            }
        }
        let waived = report.waived_keys();
        for k in report.keyed_findings() {
            let f = k.finding;
            line(
                out,
                &Line::Finding(FindingLine {
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
                }),
            )?;
        }
        Ok(())
    }
}
