//! The waivers file (`--waivers FILE`): YAML, strict (an unknown key is refused), every problem
//! with its line and column and a code, exit 2. What a waiver does is the report crate's
//! (`sovstack_report::Waiver`); this module reads and checks the file:
//!
//! ```yaml
//! waivers:
//!   - rule: eu.processor.designer-jurisdiction   # a rule of a ruleset this run applies
//!     item: AMD EPYC                  # an item's label or id (a layer id: a layer-wide finding)
//!     # pattern: "*.example.org"      # or a glob on item labels (one of the two)
//!     justification: Replacement planned with the 2027 hardware renewal
//!     owner: infrastructure@example.org
//!     expires: 2027-06-30             # the last day it waives
//! ```

use crate::codes;
use anyhow::{bail, Context, Result};
use serde::Deserialize;
use serde_saphyr::Spanned;
use sovstack_report::{Target, Waiver};
use sovstack_ruleset::ValidRuleset;
use std::path::Path;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    waivers: Vec<Spanned<RawWaiver>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Spanned<String>,
    #[serde(default)]
    item: Option<String>,
    #[serde(default)]
    pattern: Option<Spanned<String>>,
    justification: Spanned<String>,
    owner: Spanned<String>,
    expires: Spanned<String>,
}

/// The date format of `expires` and of today.
const DATE: &[time::format_description::FormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

/// Today as `YYYY-MM-DD` (UTC): the date of `SOURCE_DATE_EPOCH` when it is set, so that a
/// report is reproducible, else the system clock's.
pub fn today() -> Result<String> {
    let now = match sovstack_report::source_date_epoch().map_err(anyhow::Error::msg)? {
        Some(rfc3339) => return Ok(rfc3339[..10].to_string()),
        None => time::OffsetDateTime::now_utc(),
    };
    Ok(now.date().format(DATE)?)
}

/// Reads and checks a waivers file against the rules of the rulesets this run applies.
pub fn load(path: &Path, rulesets: &[ValidRuleset]) -> Result<Vec<Waiver>> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the waivers file {origin}"))?;
    let raw: RawFile = sovstack_ruleset::from_yaml_strict(&text).map_err(|e| {
        anyhow::anyhow!(
            "{origin}:{}:{}: {}: {}",
            e.line,
            e.column,
            codes::WAIVER_SYNTAX,
            e.message
        )
    })?;
    let rule_ids: Vec<&str> = rulesets
        .iter()
        .flat_map(|r| r.rules.iter().map(|x| x.id.as_str()))
        .collect();
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let at = |s: &serde_saphyr::Location| (s.line(), s.column());
    for w in raw.waivers {
        let place = at(&w.referenced);
        let w = w.value;
        if !rule_ids.contains(&w.rule.value.as_str()) {
            problems.push((
                at(&w.rule.referenced),
                codes::WAIVER_UNKNOWN_RULE,
                format!(
                    "rule: `{}` is not a rule of the rulesets this run applies ({})",
                    w.rule.value,
                    rulesets
                        .iter()
                        .map(|r| r.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        let target = match (&w.item, &w.pattern) {
            (Some(i), None) if !i.trim().is_empty() => Some(Target::Item(i.clone())),
            (None, Some(p)) => match glob::Pattern::new(&p.value) {
                Ok(g) => Some(Target::Pattern(g)),
                Err(e) => {
                    problems.push((
                        at(&p.referenced),
                        codes::WAIVER_TARGET,
                        format!("pattern: `{}` is not a glob pattern: {e}", p.value),
                    ));
                    None
                }
            },
            _ => {
                problems.push((
                    place,
                    codes::WAIVER_TARGET,
                    "a waiver names an item (`item:`) or a pattern (`pattern:`), one of the two"
                        .to_string(),
                ));
                None
            }
        };
        for (field, value) in [("justification", &w.justification), ("owner", &w.owner)] {
            if value.value.trim().is_empty() {
                problems.push((
                    at(&value.referenced),
                    codes::WAIVER_FIELD,
                    format!("{field}: is empty; a waiver says why, and who answers for it"),
                ));
            }
        }
        let expires = match time::Date::parse(w.expires.value.trim(), DATE) {
            Ok(d) => Some(d.format(DATE)?),
            Err(_) => {
                problems.push((
                    at(&w.expires.referenced),
                    codes::WAIVER_FIELD,
                    format!("expires: `{}` is not a date as YYYY-MM-DD", w.expires.value),
                ));
                None
            }
        };
        if let (Some(target), Some(expires)) = (target, expires) {
            out.push(Waiver {
                rule: w.rule.value,
                target,
                justification: w.justification.value,
                owner: w.owner.value,
                expires,
                source: format!("{origin}:{}", place.0),
            });
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.0);
        let lines: Vec<String> = problems
            .iter()
            .map(|((line, column), code, message)| {
                format!("{origin}:{line}:{column}: {code}: {message}")
            })
            .collect();
        bail!("{}", lines.join("\n"));
    }
    Ok(out)
}
