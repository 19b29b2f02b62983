//! Markdown for wikis and merge requests: CommonMark with GitHub's pipe tables (which GitLab,
//! Gitea and Python-Markdown's `tables` extension read too).
//!
//! Sections, in order: the summary (each ruleset's overall score and level), the scores per
//! layer and ruleset (with the layer-wide findings), one section per layer (its items with their
//! organisations, countries and confidence, then the findings on them with their evidence), the
//! diagnostics, the policy gate, and the inputs (versions and sha256 of the knowledge base,
//! rulesets, plugins and data packs). Layers and items come from the generic model: a new layer
//! appears without an edit here.
//!
//! Text taken from the report (labels, messages, evidence) is escaped ([`escape`]): it can
//! neither break a table nor become a link, emphasis, HTML or a heading.

use super::table::{legend, FindingsAre, SEAL_NAMES};
use super::Format;
use crate::{ActorReport, ItemReport, Report, RulesetResult};
use sovstack_abi::ScoringMethod;
use std::io;

/// Markdown renderer.
pub struct Markdown;

impl Format for Markdown {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let title = match &report.organisation {
            Some(o) => format!("Sovereignty audit of {}", escape(&o.name)),
            None => "Sovereignty audit".to_string(),
        };
        writeln!(out, "# {title}\n")?;
        let audited = if report.scan.audited.is_empty() {
            format!("root {}", report.scan.root)
        } else {
            report.scan.audited.join("; ")
        };
        write!(
            out,
            "Made by {} {}. Audited: {}.",
            escape(&report.generator.name),
            escape(&report.generator.version),
            escape(&audited)
        )?;
        if let Some(t) = &report.generated_at {
            write!(out, " Generated at {}.", escape(t))?;
        }
        writeln!(out, "\n")?;

        writeln!(out, "## Summary\n")?;
        writeln!(out, "| Ruleset | Score (0-100) | Level | Findings |")?;
        writeln!(out, "|---|---:|---|---:|")?;
        for r in &report.rulesets {
            let findings: usize = r.layers.values().map(|l| l.findings.len()).sum();
            writeln!(
                out,
                "| {} ({}) | {} | {} | {findings} |",
                escape(&r.title),
                code(&r.name),
                score(r.overall.score),
                level_name(r.method, r.overall.level)
            )?;
        }
        writeln!(out)?;
        // Who controls the stack, and apart from it who produces its raw materials.
        let mut said = false;
        for r in &report.rulesets {
            let headline = super::headline(r);
            for line in headline.control.iter().chain(&headline.production) {
                writeln!(out, "- {}: {}", escape(&r.title), escape(line))?;
                said = true;
            }
        }
        if said {
            writeln!(out)?;
        }

        for r in &report.rulesets {
            write_scores(report, r, out)?;
        }
        for layer in &report.layers {
            writeln!(out, "## {} layer\n", escape(&layer_title(&layer.id)))?;
            if layer.items.is_empty() {
                writeln!(out, "No item.\n")?;
                continue;
            }
            writeln!(out, "| Item | Role | Organisation | Country | Confidence |")?;
            writeln!(out, "|---|---|---|---|---|")?;
            for item in &layer.items {
                write_item(item, out)?;
            }
            writeln!(out)?;
            let findings: Vec<_> = layer
                .items
                .iter()
                .flat_map(|i| i.findings.iter().map(move |f| (i, f)))
                .collect();
            if findings.is_empty() {
                writeln!(out, "{}\n", super::no_item_findings(report, &layer.id))?;
                continue;
            }
            writeln!(out, "### Findings\n")?;
            for (item, f) in findings {
                writeln!(
                    out,
                    "- **{}**{} {}: {} (rule {}, {})",
                    f.finding.severity.as_str(),
                    waived(report.waiver_on(&f.ruleset, &layer.id, &item.label, &f.finding.rule)),
                    code(&item.id),
                    escape(&f.finding.message),
                    code(&f.finding.rule),
                    escape(&f.ruleset)
                )?;
                if let Some(what) = report.remediation(&f.ruleset, &f.finding.rule) {
                    writeln!(out, "  - what to do: {}", escape(what))?;
                }
                for a in f.finding.actors.iter().filter_map(|i| item.actors.get(*i)) {
                    writeln!(
                        out,
                        "  - evidence for the {}: {}",
                        escape(&super::evidence_for(a)),
                        escape(&a.evidence.join("; "))
                    )?;
                }
            }
            writeln!(out)?;
        }

        if let Some(s) = &report.sobriety {
            let rows = super::sobriety_rows(s);
            writeln!(out, "## Sobriety\n\n{}\n", escape(&rows.intro))?;
            if !rows.ages.is_empty() {
                writeln!(out, "| Firmware age | Machines |\n|---|---:|")?;
                for (label, n) in &rows.ages {
                    writeln!(out, "| {} | {n} |", escape(label))?;
                }
                writeln!(out)?;
            }
            if !rows.support.is_empty() {
                writeln!(out, "| {} |", super::SUPPORT_HEADINGS.join(" | "))?;
                writeln!(out, "|---|---|---|---|---:|")?;
                for r in &rows.support {
                    let cells: Vec<String> = r.iter().map(|c| escape(c)).collect();
                    writeln!(out, "| {} |", cells.join(" | "))?;
                }
                writeln!(out)?;
            }
            for o in &rows.obsolescence {
                writeln!(out, "- {}", escape(o))?;
            }
            if !rows.obsolescence.is_empty() {
                writeln!(out)?;
            }
            writeln!(out, "Sources: {}.\n", escape(&rows.sources.join("; ")))?;
        }
        if let Some(m) = &report.materials {
            let rows = super::materials_rows(m);
            writeln!(out, "## Critical raw materials\n")?;
            writeln!(
                out,
                "| {} |\n|---|---:|---|---|",
                super::COMPONENT_HEADINGS.join(" | ")
            )?;
            for r in &rows.components {
                let cells: Vec<String> = r.iter().map(|c| escape(c)).collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
            writeln!(out)?;
            writeln!(
                out,
                "| {} |\n|---|---|---|---|---:|---|",
                super::MATERIAL_HEADINGS.join(" | ")
            )?;
            for r in &rows.materials {
                let cells: Vec<String> = r.iter().map(|c| escape(c)).collect();
                writeln!(out, "| {} |", cells.join(" | "))?;
            }
            writeln!(out)?;
            for s in &rows.sources {
                writeln!(out, "- {}", escape(s))?;
            }
            writeln!(out)?;
        }
        if !report.diagnostics.is_empty() {
            writeln!(out, "## Diagnostics\n")?;
            for d in &report.diagnostics {
                let path = super::shown_path(d)
                    .map(|p| format!(" ({})", escape(p)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "- {:?} {}: {}{path}",
                    d.severity,
                    code(&d.code),
                    escape(&d.message)
                )?;
            }
            writeln!(out)?;
        }
        if !report.waivers.is_empty() {
            writeln!(out, "## Waivers\n")?;
            writeln!(
                out,
                "| Rule | On | Status | Expires | Owner | Justification | Waived | Written in |"
            )?;
            writeln!(out, "|---|---|---|---|---|---|---:|---|")?;
            for w in &report.waivers {
                let on = match (&w.item, &w.pattern) {
                    (Some(i), _) => escape(i),
                    (None, Some(p)) => format!("items matching {}", code(p)),
                    (None, None) => String::new(),
                };
                writeln!(
                    out,
                    "| {} | {on} | {} | {} | {} | {} | {} | {} |",
                    code(&w.rule),
                    super::table::waiver_status(w.status),
                    escape(&w.expires),
                    escape(&w.owner),
                    escape(&w.justification),
                    w.waived.len(),
                    escape(&w.source)
                )?;
            }
            writeln!(out)?;
        }
        if let Some(g) = &report.gate {
            writeln!(
                out,
                "## Policy gate: {}\n",
                if g.passed { "passed" } else { "failed" }
            )?;
            for reason in &g.reasons {
                writeln!(out, "- {}", escape(reason))?;
            }
            writeln!(out)?;
        }

        writeln!(out, "## Inputs\n")?;
        writeln!(out, "| Input | Name | Version | sha256 | From |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for x in super::input_rows(&report.inputs) {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                x.kind,
                escape(x.name),
                escape(&x.version),
                code(x.sha256),
                escape(x.from)
            )?;
        }
        Ok(())
    }
}

fn write_scores(report: &Report, r: &RulesetResult, out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(
        out,
        "## {} ({} {})\n",
        escape(&r.title),
        code(&r.name),
        escape(&r.version)
    )?;
    writeln!(
        out,
        "| Layer | Score (0-100) | Level | Layer-wide findings |"
    )?;
    writeln!(out, "|---|---:|---|---|")?;
    for (layer, result) in &r.layers {
        let wide: Vec<String> = result
            .findings
            .iter()
            .filter(|f| f.item.is_none())
            .map(|f| {
                let what = report
                    .remediation(&r.name, &f.rule)
                    .map_or(String::new(), |w| format!(" What to do: {}", escape(w)));
                format!(
                    "**{}**{} {} (rule {}){what}",
                    f.severity.as_str(),
                    waived(report.waiver_on(&r.name, layer, layer, &f.rule)),
                    escape(&f.message),
                    code(&f.rule)
                )
            })
            .collect();
        let (s, l) = match &result.score {
            Some(s) => (score(Some(s.score)), level_name(r.method, Some(s.level))),
            None => match &result.not_evaluated {
                Some(why) => (
                    "not evaluated".to_string(),
                    escape(&result.not_evaluated_label(why)),
                ),
                None => (
                    "not scored".to_string(),
                    format!("plugin {}", escape(&result.plugin_label())),
                ),
            },
        };
        writeln!(
            out,
            "| {} | {s} | {l} | {} |",
            escape(layer),
            wide.join("<br>")
        )?;
    }
    writeln!(
        out,
        "| **overall** | {} | {} | |\n",
        score(r.overall.score),
        level_name(r.method, r.overall.level)
    )?;
    // `write` puts the scores before the layers and their findings.
    writeln!(out, "{}\n", escape(&legend(r.method, FindingsAre::Below)))
}

/// ` (waived until DATE by OWNER)` for a waived finding.
fn waived(w: Option<&crate::WaiverReport>) -> String {
    w.map_or(String::new(), |w| {
        format!(
            " (waived until {} by {})",
            escape(&w.expires),
            escape(&w.owner)
        )
    })
}

fn write_item(item: &ItemReport, out: &mut dyn io::Write) -> io::Result<()> {
    let mut label = format!("{} {}", code(&item.id), escape(&item.label));
    for (k, v) in &item.facts {
        label.push_str(&format!(
            "<br>{}: {}",
            escape(&k.replace('_', " ")),
            escape(v)
        ));
    }
    if item.actors.is_empty() {
        return writeln!(out, "| {label} | | no actor recorded | | |");
    }
    for (i, a) in item.actors.iter().enumerate() {
        let first = if i == 0 { label.as_str() } else { "" };
        writeln!(
            out,
            "| {first} | {} | {} | {} | {} |",
            escape(&super::actor_role(a)),
            escape(a.name.as_deref().unwrap_or("not identified")),
            country(a),
            super::actor_confidence(a)
        )?;
    }
    Ok(())
}

fn country(a: &ActorReport) -> String {
    escape(&super::actor_country(a))
}

fn score(s: Option<f64>) -> String {
    s.map_or("not scored".to_string(), crate::score_shown)
}

fn level_name(method: ScoringMethod, level: Option<u8>) -> String {
    match (method, level) {
        (_, None) => "none".to_string(),
        (ScoringMethod::SealWeakestLink, Some(l)) => format!(
            "SEAL-{l} {}",
            SEAL_NAMES.get(l as usize).copied().unwrap_or("")
        ),
        (ScoringMethod::BlocBalance, Some(l)) => format!("level {l}"),
    }
}

/// The layer's title (`Operating-system`), or its id for a layer this build does not know.
fn layer_title(id: &str) -> String {
    sovstack_abi::Layer::from_id(id).map_or(id.to_string(), |l| l.title().to_string())
}

/// Report text as Markdown that shows it as it is: the characters Markdown gives a meaning to
/// are backslash-escaped, `<`, `>` and `&` written as entities (HTML and autolinks cannot
/// start), line breaks as spaces (a table row is one line).
pub fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '!' | '~' => {
                s.push('\\');
                s.push(ch);
            }
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '&' => s.push_str("&amp;"),
            '\n' | '\r' => s.push(' '),
            _ => s.push(ch),
        }
    }
    s
}

/// An identifier in code style; ids hold no backtick, but one would end the span: it is
/// escaped as text instead.
fn code(id: &str) -> String {
    if id.contains('`') || id.contains('|') || id.is_empty() {
        escape(id)
    } else {
        format!("`{id}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape("a|b *c* [x](y) <script> & #1\nnext"),
            "a\\|b \\*c\\* \\[x\\](y) &lt;script&gt; &amp; \\#1 next"
        );
        assert_eq!(code("eu.processor.isa"), "`eu.processor.isa`");
        assert_eq!(code("a|b"), "a\\|b");
    }
}
