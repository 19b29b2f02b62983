//! CSV for spreadsheets (RFC 4180, written by the `csv` crate): UTF-8 with a byte-order mark (so
//! that spreadsheets which guess the encoding read it as UTF-8), CRLF line ends, a header row,
//! every field quoted when it holds a comma, quote or line break. A field that starts with `=`,
//! `+`, `-`, `@`, a tab or a carriage return gets a `'` before it, as OWASP advises, so that
//! a spreadsheet never runs a label taken from a scanned file as a formula.
//!
//! Two tables, one per run ([`Csv::items`]):
//!
//! - findings (the default), one row per finding: `ruleset, layer, rule, rule_title,
//!   severity, level, objective, item, item_label, message, organisations, countries,
//!   evidence`; `item` and `item_label` are empty for a layer-wide finding; `organisations`
//!   and `countries` name the actors the finding is about (`; ` between them), `evidence` their
//!   evidence, one piece per line, `waiver` the waiver that waived it (`until DATE by OWNER:
//!   JUSTIFICATION`), empty when none did;
//! - items (`--csv-items`), one row per inventory item: `layer, item, label, facts, actors,
//!   countries, confidence, findings, worst_severity`; `facts` as `key=value` lines, `actors` as
//!   `role: organisation (country)` lines (`unknown` for what is unknown), `confidence` the lowest
//!   of its named actors' (none for what is not identified), `findings` how many findings all
//!   rulesets made on it, and the most severe.
//!
//! The columns come from the generic layer and item model: a new layer appears without an edit.

use super::Format;
use crate::{ActorReport, ItemReport, Report};
use sovstack_abi::Severity;
use std::io;

/// CSV renderer.
pub struct Csv {
    /// One row per item instead of one per finding.
    pub items: bool,
}

/// The byte-order mark that tells spreadsheets the file is UTF-8.
const BOM: &[u8] = "\u{feff}".as_bytes();

/// The findings table's header.
pub const FINDING_COLUMNS: [&str; 14] = [
    "ruleset",
    "layer",
    "rule",
    "rule_title",
    "severity",
    "level",
    "objective",
    "item",
    "item_label",
    "message",
    "organisations",
    "countries",
    "evidence",
    "waiver",
];

/// The items table's header.
pub const ITEM_COLUMNS: [&str; 9] = [
    "layer",
    "item",
    "label",
    "facts",
    "actors",
    "countries",
    "confidence",
    "findings",
    "worst_severity",
];

impl Format for Csv {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        out.write_all(BOM)?;
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        if self.items {
            w.write_record(ITEM_COLUMNS)?;
            for layer in &report.layers {
                for item in &layer.items {
                    w.write_record(item_row(&layer.id, item).iter().map(|f| safe(f)))?;
                }
            }
        } else {
            w.write_record(FINDING_COLUMNS)?;
            for k in report.keyed_findings() {
                let (f, item) = (k.finding, k.item);
                let actors: Vec<&ActorReport> = item
                    .map(|i| f.actors.iter().filter_map(|a| i.actors.get(*a)).collect())
                    .unwrap_or_default();
                let title = report
                    .rulesets
                    .iter()
                    .find(|r| r.name == k.ruleset)
                    .and_then(|r| r.rules.iter().find(|x| x.id == f.rule))
                    .map_or("", |x| x.title.as_str());
                let waiver = report.waiver_of(&k.key).map_or(String::new(), |w| {
                    format!("until {} by {}: {}", w.expires, w.owner, w.justification)
                });
                let row = [
                    k.ruleset.to_string(),
                    k.layer.to_string(),
                    f.rule.clone(),
                    title.to_string(),
                    f.severity.as_str().to_string(),
                    f.level.map(|l| l.to_string()).unwrap_or_default(),
                    f.objective.clone().unwrap_or_default(),
                    f.item.clone().unwrap_or_default(),
                    item.map(|i| i.label.clone()).unwrap_or_default(),
                    f.message.clone(),
                    join(actors.iter().map(|a| name(a)), "; "),
                    join(actors.iter().map(|a| country(a)), "; "),
                    join(actors.iter().flat_map(|a| a.evidence.iter().cloned()), "\n"),
                    waiver,
                ];
                w.write_record(row.iter().map(|f| safe(f)))?;
            }
        }
        w.flush()
    }
}

fn join(parts: impl Iterator<Item = String>, sep: &str) -> String {
    parts.collect::<Vec<_>>().join(sep)
}

fn name(a: &ActorReport) -> String {
    a.name.clone().unwrap_or_else(|| "unknown".to_string())
}

/// The headquarters country, or the registry's (said so), or `unknown`.
fn country(a: &ActorReport) -> String {
    match (&a.country, &a.registered_country) {
        (Some(c), _) => c.clone(),
        (None, Some(r)) => format!("registered in {r}"),
        (None, None) => "unknown".to_string(),
    }
}

fn item_row(layer: &str, item: &ItemReport) -> [String; 9] {
    let worst: Option<Severity> = item.findings.iter().map(|f| f.finding.severity).max();
    // What has no name has no confidence (`formats::actor_confidence`).
    let confidence = item
        .actors
        .iter()
        .filter(|a| a.name.is_some())
        .map(|a| a.confidence)
        .min();
    [
        layer.to_string(),
        item.id.clone(),
        item.label.clone(),
        join(item.facts.iter().map(|(k, v)| format!("{k}={v}")), "\n"),
        join(
            item.actors
                .iter()
                .map(|a| format!("{}: {} ({})", a.role, name(a), country(a))),
            "\n",
        ),
        join(
            {
                let mut c: Vec<String> = item.actors.iter().map(country).collect();
                c.sort();
                c.dedup();
                c.into_iter()
            },
            "; ",
        ),
        confidence
            .map(|c| {
                serde_json::to_value(c)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            })
            .unwrap_or_default(),
        item.findings.len().to_string(),
        worst.map(|s| s.as_str().to_string()).unwrap_or_default(),
    ]
}

/// A field a spreadsheet will not take for a formula.
pub fn safe(field: &str) -> String {
    match field.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{field}"),
        _ => field.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_defused_and_other_text_kept() {
        assert_eq!(safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe("-1+2"), "'-1+2");
        assert_eq!(safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe("Advanced Micro Devices"), "Advanced Micro Devices");
        assert_eq!(safe(""), "");
    }
}
