//! SARIF 2.1.0 (OASIS, <https://docs.oasis-open.org/sarif/sarif/v2.1.0/>), for the code-scanning
//! views CI systems already show.
//!
//! - One run per ruleset, in the report's order; `automationDetails.id` is
//!   `sovstack/RULESET/`, so a CI system keeps the rulesets' results apart.
//! - `tool.driver.rules`: every rule of the ruleset with its title (short description), a help
//!   text (what it asks, its layer, objective and severity, the ruleset and line defining it),
//!   its default level, and its layer, objective and severity as properties.
//! - Each result is located twice: at the ruleset rule (a physical location: the ruleset file,
//!   listed in `artifacts` with its sha256, at the rule's line; a built-in ruleset is
//!   `rulesets/NAME.yaml` under the base `SOVSTACK_SOURCE`, a ruleset file its path, relative to
//!   `RULESET_ROOT` when the path was relative) and at the inventory item (a logical location
//!   `LAYER/ITEM-ID`, named by the item's label; the layer alone for a layer-wide finding).
//! - Levels from severities: critical and high are `error`, medium `warning`, low and info
//!   `note`; the severity itself and the 0-4 level are properties.
//! - `fingerprints["sovstack/v1"]`: sha256 of the finding's key ([`Report::keyed_findings`]:
//!   ruleset, rule, layer, item identity, occurrence), the identity `sovstack diff` compares
//!   too: the same finding keeps its fingerprint across audits while the item stays what it is.
//!   An item's identity is its label, except a network endpoint's (the endpoint as written,
//!   not the label its owner gave it nor its position `epN`) and a declared service's (its id):
//!   [`crate::ItemReport::identity_in`].
//! - A waived finding (`--waivers`) is a result with an accepted external suppression whose
//!   justification names the waiver's owner, expiry and place.
//! - The diagnostics are not results.
//!
//! Written with `serde_json` (objects keep the insertion order given here), pretty, with a final
//! newline: equal reports are equal bytes.

use super::Format;
use crate::{Report, RuleReport, RulesetResult};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use sovstack_abi::Severity;
use std::io;

/// SARIF renderer.
pub struct Sarif;

/// The schema a SARIF 2.1.0 log names.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The base of a built-in ruleset's path: the sovstack sources.
const SOURCE_BASE: &str = "SOVSTACK_SOURCE";
/// The base of a ruleset file given by a relative path: the directory sovstack ran in.
const RULESET_BASE: &str = "RULESET_ROOT";

impl Format for Sarif {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let log = json!({
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": report.rulesets.iter().map(|r| run(report, r)).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
        out.write_all(b"\n")
    }
}

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Where a ruleset's file is, as a SARIF artifact location.
fn ruleset_location(origin: &str) -> Value {
    if let Some(name) = origin.strip_prefix("builtin:") {
        json!({ "uri": format!("rulesets/{name}.yaml"), "uriBaseId": SOURCE_BASE })
    } else if origin.starts_with('/') {
        json!({ "uri": file_uri(origin) })
    } else {
        json!({ "uri": relative_uri(origin), "uriBaseId": RULESET_BASE })
    }
}

/// Percent-encodes what a URI path may not hold as it is (RFC 3986 `pchar` and `/`).
fn encode_path(path: &str) -> String {
    let mut s = String::new();
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => s.push(b as char),
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

fn file_uri(path: &str) -> String {
    format!("file://{}", encode_path(path))
}

/// A relative path as a relative URI reference (`./` dropped, `:` in a first segment encoded by
/// [`encode_path`], so it cannot read as a scheme).
fn relative_uri(path: &str) -> String {
    encode_path(path.trim_start_matches("./"))
}

fn rule(ruleset: &RulesetResult, origin: &str, r: &RuleReport) -> Value {
    let objective = r
        .objective
        .as_deref()
        .map(|o| format!(", objective {o}"))
        .unwrap_or_default();
    let help = format!(
        "{}. Layer {}{objective}, severity {}. Rule of the ruleset {} {} ({}), {} line {}.",
        r.title.trim_end_matches('.'),
        r.layer,
        r.severity.as_str(),
        ruleset.name,
        ruleset.version,
        ruleset.title,
        origin,
        r.line
    );
    let mut properties = Map::new();
    properties.insert("layer".into(), json!(r.layer));
    if let Some(o) = &r.objective {
        properties.insert("objective".into(), json!(o));
    }
    properties.insert("severity".into(), json!(r.severity.as_str()));
    let mut tags = vec![r.layer.clone()];
    tags.extend(r.objective.clone());
    properties.insert("tags".into(), json!(tags));
    json!({
        "id": r.id,
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": help },
        "help": { "text": help },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": properties,
    })
}

fn run(report: &Report, ruleset: &RulesetResult) -> Value {
    let input = report
        .inputs
        .rulesets
        .iter()
        .find(|i| i.data.name == ruleset.name);
    let origin = input.map_or(ruleset.name.as_str(), |i| i.origin.as_str());
    let mut artifact = Map::new();
    artifact.insert("location".into(), ruleset_location(origin));
    if let Some(i) = input {
        artifact.insert("hashes".into(), json!({ "sha-256": i.data.sha256 }));
    }
    artifact.insert(
        "description".into(),
        json!({ "text": format!("ruleset {} {}: {}", ruleset.name, ruleset.version, ruleset.title) }),
    );

    let mut results = Vec::new();
    for k in report
        .keyed_findings()
        .into_iter()
        .filter(|k| k.ruleset == ruleset.name)
    {
        let (f, layer, name) = (k.finding, k.layer, &k.name);
        let Some(index) = ruleset.rules.iter().position(|r| r.id == f.rule) else {
            continue;
        };
        let rule = &ruleset.rules[index];
        let qualified = match &f.item {
            Some(id) => format!("{layer}/{id}"),
            None => layer.to_string(),
        };
        let mut location = ruleset_location(origin);
        location["index"] = json!(0);
        let fingerprint = hex::encode(Sha256::digest(&k.key));
        let mut properties = Map::new();
        properties.insert("layer".into(), json!(layer));
        properties.insert("severity".into(), json!(f.severity.as_str()));
        if let Some(o) = &f.objective {
            properties.insert("objective".into(), json!(o));
        }
        if let Some(l) = f.level {
            properties.insert("level".into(), json!(l));
        }
        let evidence: Vec<&String> = k
            .item
            .map(|i| {
                f.actors
                    .iter()
                    .filter_map(|a| i.actors.get(*a))
                    .flat_map(|a| a.evidence.iter())
                    .collect()
            })
            .unwrap_or_default();
        if !evidence.is_empty() {
            properties.insert("evidence".into(), json!(evidence));
        }
        results.push(json!({
            "ruleId": f.rule,
            "ruleIndex": index,
            "level": level(f.severity),
            "message": { "text": f.message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": location,
                    "region": { "startLine": rule.line.max(1) },
                },
                "logicalLocations": [{
                    "name": name,
                    "fullyQualifiedName": qualified,
                    "kind": "resource",
                }],
            }],
            "fingerprints": { "sovstack/v1": fingerprint },
            "properties": properties,
        }));
        if let Some(w) = report.waiver_of(&k.key) {
            results.last_mut().expect("just pushed")["suppressions"] = json!([{
                "kind": "external",
                "status": "accepted",
                "justification": format!(
                    "{} (owner {}, until {}, {})",
                    w.justification, w.owner, w.expires, w.source
                ),
            }]);
        }
    }

    json!({
        "tool": {
            "driver": {
                "name": report.generator.name,
                "version": report.generator.version,
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": ruleset.rules.iter().map(|r| rule(ruleset, origin, r)).collect::<Vec<_>>(),
            }
        },
        "automationDetails": { "id": format!("sovstack/{}/", ruleset.name) },
        "originalUriBaseIds": {
            SOURCE_BASE: { "description": { "text": "the sovstack sources, where the built-in rulesets are written" } },
            RULESET_BASE: { "description": { "text": "the directory sovstack ran in, which ruleset paths are relative to" } },
        },
        "artifacts": [artifact],
        "results": results,
        "columnKind": "unicodeCodePoints",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_severities() {
        let got: Vec<&str> = Severity::ALL.iter().map(|s| level(*s)).collect();
        assert_eq!(got, ["note", "note", "warning", "error", "error"]);
    }

    #[test]
    fn ruleset_paths_become_uris() {
        assert_eq!(
            ruleset_location("builtin:non-aligned"),
            json!({"uri": "rulesets/non-aligned.yaml", "uriBaseId": SOURCE_BASE})
        );
        assert_eq!(
            ruleset_location("/srv/my rules.yaml"),
            json!({"uri": "file:///srv/my%20rules.yaml"})
        );
        assert_eq!(
            ruleset_location("./r/é.yaml"),
            json!({"uri": "r/%C3%A9.yaml", "uriBaseId": RULESET_BASE})
        );
    }
}
