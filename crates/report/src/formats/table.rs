//! Tables for people: one per layer (item, attribution chain, countries and blocs, findings),
//! then the scores per ruleset, layer by layer and overall.

use super::Format;
use crate::{ActorReport, Report, RulesetResult};
use comfy_table::{presets, Cell, Color, ContentArrangement, Table as Grid};
use sovstack_abi::{ScoringMethod, Severity};
use std::io;

/// Table renderer.
pub struct Table {
    /// Colour severities and levels (only on a terminal, never with `NO_COLOR`).
    pub color: bool,
}

/// The SEAL names of the EU Cloud Sovereignty Framework.
const SEAL_NAMES: [&str; 5] = [
    "No sovereignty",
    "Jurisdictional sovereignty",
    "Data sovereignty",
    "Digital resilience",
    "Full digital sovereignty",
];

impl Format for Table {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        writeln!(out, "sovstack {} — root {}{}", report.generator.version, report.scan.root, if report.scan.live_host { " (live host)" } else { "" })?;
        for layer in &report.layers {
            writeln!(out, "\n{} layer", title_case(&layer.id))?;
            let mut t = self.grid(["Item", "Attribution chain", "Countries and blocs", "Findings"]);
            for item in &layer.items {
                let mut head = format!("{}\n{}", item.id, item.label);
                for (k, v) in &item.facts {
                    head.push_str(&format!("\n{k}: {v}"));
                }
                let chain: Vec<String> = item.actors.iter().map(actor_line).collect();
                let geo: Vec<String> = item.actors.iter().map(geo_line).collect();
                let findings: Vec<String> = item
                    .findings
                    .iter()
                    .map(|f| format!("[{}] {}: {}", f.ruleset, f.finding.severity.as_str(), f.finding.message))
                    .collect();
                let findings_cell = if findings.is_empty() { Cell::new("none") } else { self.severity_cell(findings.join("\n"), item.findings.iter().map(|f| f.finding.severity).max()) };
                t.add_row(vec![Cell::new(head), Cell::new(chain.join("\n")), Cell::new(geo.join("\n")), findings_cell]);
            }
            writeln!(out, "{t}")?;
        }
        for r in &report.rulesets {
            self.write_scores(r, out)?;
        }
        if !report.diagnostics.is_empty() {
            writeln!(out, "\nDiagnostics")?;
            for d in &report.diagnostics {
                let path = d.path.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
                writeln!(out, "  {:?} {}: {}{path}", d.severity, d.code, d.message)?;
            }
        }
        if let Some(g) = &report.gate {
            writeln!(out, "\nPolicy gate: {}", if g.passed { "passed" } else { "FAILED" })?;
            for reason in &g.reasons {
                writeln!(out, "  {reason}")?;
            }
        }
        Ok(())
    }
}

impl Table {
    fn grid<const N: usize>(&self, header: [&str; N]) -> Grid {
        let mut t = Grid::new();
        t.load_style(presets::UTF8_FULL_CONDENSED);
        // A fixed width keeps files and pipes byte-identical whatever terminal ran the command.
        t.set_content_arrangement(ContentArrangement::Dynamic).set_width(160);
        if !self.color {
            t.force_no_tty();
        } else {
            t.enforce_styling();
        }
        t.set_header(header.to_vec());
        t
    }

    fn severity_cell(&self, text: String, severity: Option<Severity>) -> Cell {
        let cell = Cell::new(text);
        match (self.color, severity) {
            (true, Some(Severity::Critical | Severity::High)) => cell.fg(Color::Red),
            (true, Some(Severity::Medium)) => cell.fg(Color::Yellow),
            _ => cell,
        }
    }

    fn level_cell(&self, text: String, level: Option<u8>) -> Cell {
        let cell = Cell::new(text);
        match (self.color, level) {
            (true, Some(0 | 1)) => cell.fg(Color::Red),
            (true, Some(2)) => cell.fg(Color::Yellow),
            (true, Some(_)) => cell.fg(Color::Green),
            _ => cell,
        }
    }

    fn write_scores(&self, r: &RulesetResult, out: &mut dyn io::Write) -> io::Result<()> {
        writeln!(out, "\nRuleset {} {} — {}", r.name, r.version, r.title)?;
        let mut t = self.grid(["Layer", "Score", "Level", "Detail"]);
        for (layer, result) in &r.layers {
            let (score, level, mut detail) = match &result.score {
                Some(s) => (format!("{:.1}", s.score), Some(s.level), detail(r.method, &s.objectives, &s.shares, s.concentration_index)),
                None => ("—".to_string(), None, format!("not scored (plugin {})", result.plugin)),
            };
            // Layer-wide findings (concentration) belong to no item, so they are shown here.
            for f in result.findings.iter().filter(|f| f.item.is_none()) {
                detail.push_str(&format!("\n{}: {}", f.severity.as_str(), f.message));
            }
            t.add_row(vec![Cell::new(layer), Cell::new(score), self.level_cell(level_name(r.method, level), level), Cell::new(detail)]);
        }
        let o = &r.overall;
        let mut overall_detail = detail(r.method, &o.objectives, &o.shares, o.concentration_index);
        if !o.not_assessed.is_empty() {
            overall_detail.push_str(&format!("\nnot assessed: {}", o.not_assessed.join(", ")));
        }
        t.add_row(vec![
            Cell::new("overall"),
            Cell::new(o.score.map_or("—".to_string(), |s| format!("{s:.1}"))),
            self.level_cell(level_name(r.method, o.level), o.level),
            Cell::new(overall_detail),
        ]);
        writeln!(out, "{t}")
    }
}

fn level_name(method: ScoringMethod, level: Option<u8>) -> String {
    match (method, level) {
        (_, None) => "—".to_string(),
        (ScoringMethod::SealWeakestLink, Some(l)) => {
            format!("SEAL-{l} {}", SEAL_NAMES.get(l as usize).copied().unwrap_or(""))
        }
        (ScoringMethod::BlocBalance, Some(l)) => format!("level {l}"),
    }
}

fn detail(
    method: ScoringMethod,
    objectives: &std::collections::BTreeMap<String, sovstack_abi::ObjectiveScore>,
    shares: &std::collections::BTreeMap<String, f64>,
    index: Option<f64>,
) -> String {
    match method {
        ScoringMethod::SealWeakestLink => objectives
            .iter()
            .map(|(id, o)| format!("{id}: SEAL-{} ({:.1})", o.level, o.score))
            .collect::<Vec<_>>()
            .join("\n"),
        ScoringMethod::BlocBalance => {
            // Poles holding nothing are left out: the JSON report keeps every pole.
            let mut parts: Vec<(String, f64)> =
                shares.iter().filter(|(_, v)| **v > 0.0).map(|(k, v)| (k.clone(), *v)).collect();
            // Largest share first; ties by name so the order is stable.
            parts.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal).then(a.0.cmp(&b.0)));
            let mut s = parts.iter().map(|(k, v)| format!("{k} {:.0}%", v * 100.0)).collect::<Vec<_>>().join(", ");
            if let Some(i) = index {
                s.push_str(&format!("\nconcentration index (HHI) {i:.2}"));
            }
            s
        }
    }
}

fn actor_line(a: &ActorReport) -> String {
    let name = a.name.as_deref().unwrap_or("unknown");
    let governance = serde_json::to_value(a.governance).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    format!("{}: {name} [{governance}]", a.role.replace('_', " "))
}

fn geo_line(a: &ActorReport) -> String {
    let country = a.country.as_deref().unwrap_or("—");
    let mut s = country.to_string();
    if !a.blocs.is_empty() {
        s.push_str(&format!(" ({})", a.blocs.join(", ")));
    }
    if !a.laws.is_empty() {
        s.push_str(&format!(" reached by {}", a.laws.join(", ")));
    }
    s
}

fn title_case(s: &str) -> String {
    match s {
        "os" => "Operating-system".to_string(),
        _ => {
            let mut c = s.chars();
            c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
        }
    }
}
