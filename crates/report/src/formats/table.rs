//! Tables for people. Per layer: one line per actor (its role, its organisation, its country
//! beside it), then the layer's findings, each a sentence with its severity, rule id and
//! evidence. Then the scores per ruleset, layer by layer and overall, with a legend saying how a
//! level relates to a score.
//!
//! The width is the caller's choice ([`TableOptions::width`]): the CLI passes the terminal's
//! width on a terminal and 100 in a pipe or file, so that files stay byte-identical whatever
//! terminal ran the command. No line is longer than the width; `wide` lifts the limit and shows
//! every fact, every actor's blocs, laws and evidence.

use super::Format;
use crate::{ActorReport, ItemReport, LayerReport, Report, RulesetResult};
use comfy_table::{presets, Cell, Color, ContentArrangement, Table as Grid};
use sovstack_abi::{ScoringMethod, Severity};
use std::io;
use unicode_width::UnicodeWidthStr;

/// The width of tables in a pipe or a file, unless the caller says otherwise.
pub const DEFAULT_WIDTH: u16 = 100;

/// How tables are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableOptions {
    /// Colour severities and levels (only on a terminal, never with `NO_COLOR`).
    pub color: bool,
    /// The longest line, in columns; ignored when `wide`.
    pub width: u16,
    /// Borders in ASCII (`+`, `-`, `|`) instead of box-drawing characters, and ASCII for the few
    /// symbols the tables add (`-` for "unknown", `->` for a CNAME hop).
    pub ascii: bool,
    /// Everything: every fact, each actor's blocs, laws and evidence, every piece of a finding's
    /// evidence; no width limit.
    pub wide: bool,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            color: false,
            width: DEFAULT_WIDTH,
            ascii: false,
            wide: false,
        }
    }
}

/// Table renderer.
pub struct Table {
    /// How to draw.
    pub options: TableOptions,
}

/// The SEAL names of the EU Cloud Sovereignty Framework.
pub(super) const SEAL_NAMES: [&str; 5] = [
    "No sovereignty",
    "Jurisdictional sovereignty",
    "Data sovereignty",
    "Digital resilience",
    "Full digital sovereignty",
];

/// Facts shown only with `wide`: long lists that repeat what the actors already say.
const DETAIL_FACTS: [&str; 5] = ["addresses", "cname_chain", "examples", "mx", "ns"];

impl Format for Table {
    fn write(&self, report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        let audited = if report.scan.audited.is_empty() {
            format!("root {}", report.scan.root)
        } else {
            report.scan.audited.join("; ")
        };
        self.para(
            out,
            &format!(
                "sovstack {} {} audited: {audited}",
                report.generator.version,
                self.dash()
            ),
            "",
        )?;
        if let Some(o) = &report.organisation {
            let country = o
                .country
                .as_ref()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default();
            self.para(out, &format!("  for {}{country}", o.name), "  ")?;
        }
        for p in &report.inputs.data_packs {
            self.para(
                out,
                &format!(
                    "{} data {} from {} (found by {})",
                    p.name,
                    p.dated(),
                    p.dir,
                    p.found_by
                ),
                "  ",
            )?;
        }
        for layer in &report.layers {
            writeln!(out, "\n{} layer", title_case(&layer.id))?;
            self.write_layer(report, layer, out)?;
        }
        for r in &report.rulesets {
            self.write_scores(report, r, out)?;
        }
        if !report.waivers.is_empty() {
            writeln!(out, "\nWaivers")?;
            for w in &report.waivers {
                let target = w
                    .item
                    .as_deref()
                    .map(|i| format!("on {i}"))
                    .or_else(|| {
                        w.pattern
                            .as_deref()
                            .map(|p| format!("on items matching {p}"))
                    })
                    .unwrap_or_default();
                self.para(
                    out,
                    &format!(
                        "  {} {target}, {} until {} (owner {}; {}): {}; {} finding(s) waived",
                        w.rule,
                        waiver_status(w.status),
                        w.expires,
                        w.owner,
                        w.source,
                        w.justification,
                        w.waived.len()
                    ),
                    "    ",
                )?;
            }
        }
        if let Some(s) = &report.sobriety {
            let rows = super::sobriety_rows(s);
            writeln!(out, "\nSobriety")?;
            self.para(out, &format!("  {}", rows.intro), "    ")?;
            if !rows.ages.is_empty() {
                let mut t = self.grid(["Firmware age", "Machines"]);
                for (label, n) in &rows.ages {
                    t.add_row(vec![label.clone(), n.to_string()]);
                }
                writeln!(out, "{t}")?;
            }
            if !rows.support.is_empty() {
                let mut t = self.grid(super::SUPPORT_HEADINGS);
                for r in &rows.support {
                    t.add_row(r.iter().map(|c| self.text(c)).collect::<Vec<_>>());
                }
                writeln!(out, "{t}")?;
            }
            for o in &rows.obsolescence {
                self.para(out, &format!("  {o}"), "    ")?;
            }
            self.para(
                out,
                &format!("  Sources: {}.", rows.sources.join("; ")),
                "    ",
            )?;
        }
        if let Some(m) = &report.materials {
            let rows = super::materials_rows(m);
            writeln!(out, "\nCritical raw materials")?;
            let mut t = self.grid(super::COMPONENT_HEADINGS);
            for r in &rows.components {
                t.add_row(r.to_vec());
            }
            writeln!(out, "{t}")?;
            let mut t = self.grid(super::MATERIAL_HEADINGS);
            for r in &rows.materials {
                t.add_row(r.to_vec());
            }
            writeln!(out, "{t}")?;
            for s in &rows.sources {
                self.para(out, &format!("  {s}"), "    ")?;
            }
        }
        if !report.diagnostics.is_empty() {
            writeln!(out, "\nDiagnostics")?;
            for d in &report.diagnostics {
                let path = super::shown_path(d)
                    .map(|p| format!(" ({p})"))
                    .unwrap_or_default();
                self.para(
                    out,
                    &format!("  {:?} {}: {}{path}", d.severity, d.code, d.message),
                    "    ",
                )?;
            }
        }
        if let Some(g) = &report.gate {
            writeln!(
                out,
                "\nPolicy gate: {}",
                if g.passed { "passed" } else { "FAILED" }
            )?;
            for reason in &g.reasons {
                self.para(out, &format!("  {reason}"), "    ")?;
            }
        }
        Ok(())
    }
}

impl Table {
    fn grid<const N: usize>(&self, header: [&str; N]) -> Grid {
        let mut t = Grid::new();
        t.load_style(if self.options.ascii {
            presets::ASCII_FULL_CONDENSED
        } else {
            presets::UTF8_FULL_CONDENSED
        });
        if self.options.wide {
            t.set_content_arrangement(ContentArrangement::Disabled);
        } else {
            // The width is given, never detected here: files and pipes stay byte-identical.
            t.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(self.options.width);
        }
        if !self.options.color {
            t.force_no_tty();
        } else {
            t.enforce_styling();
        }
        t.set_header(header.to_vec());
        t
    }

    fn dash(&self) -> &'static str {
        if self.options.ascii {
            "-"
        } else {
            "—"
        }
    }

    /// Text the table adds, in ASCII when asked.
    fn text(&self, s: &str) -> String {
        if self.options.ascii {
            s.replace('—', "-")
                .replace('→', "->")
                .replace('×', "x")
                .replace('≥', ">=")
        } else {
            s.to_string()
        }
    }

    /// Writes a paragraph wrapped at the width (never with `wide`), continuation lines indented.
    fn para(&self, out: &mut dyn io::Write, text: &str, indent: &str) -> io::Result<()> {
        let text = self.text(text);
        if self.options.wide {
            return writeln!(out, "{text}");
        }
        for line in wrap(&text, self.options.width as usize, indent) {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    fn write_layer(
        &self,
        report: &Report,
        layer: &LayerReport,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let mut t = if self.options.wide {
            self.grid([
                "Item",
                "Role",
                "Organisation",
                "Country",
                "Blocs and laws",
                "Evidence",
            ])
        } else {
            self.grid(["Item", "Role", "Organisation", "Country"])
        };
        for item in &layer.items {
            // The item's label beside its first actor; its facts after its last actor, in a row
            // of their own, so that no fact line sits beside an actor it does not describe.
            let mut facts: Vec<String> = Vec::new();
            let mut hidden = 0;
            for (k, v) in &item.facts {
                if !self.options.wide && DETAIL_FACTS.contains(&k.as_str()) {
                    hidden += 1;
                    continue;
                }
                facts.push(self.text(&format!("{}: {v}", k.replace('_', " "))));
            }
            if hidden > 0 {
                facts.push(format!(
                    "(--wide: {hidden} more fact{})",
                    if hidden == 1 { "" } else { "s" }
                ));
            }
            let rows = item.actors.len().max(1);
            for i in 0..rows {
                let left = if i == 0 {
                    format!("{} {}", item.id, item.label)
                } else {
                    String::new()
                };
                let mut row = vec![Cell::new(left)];
                match item.actors.get(i) {
                    Some(a) => {
                        row.push(Cell::new(super::actor_role(a)));
                        row.push(Cell::new(self.organisation(a)));
                        row.push(Cell::new(self.country(a)));
                        if self.options.wide {
                            row.push(Cell::new(blocs_and_laws(a)));
                            row.push(Cell::new(a.evidence.join("\n")));
                        }
                    }
                    None => {
                        row.push(Cell::new("(no actor recorded)"));
                    }
                }
                t.add_row(row);
            }
            if !facts.is_empty() {
                t.add_row(vec![Cell::new(facts.join("\n"))]);
            }
        }
        writeln!(out, "{t}")?;
        self.write_findings(report, layer, out)
    }

    fn organisation(&self, a: &ActorReport) -> String {
        let governance = serde_json::to_value(a.governance)
            .ok()
            .and_then(|v| v.as_str().map(|g| g.replace('_', " ")))
            .unwrap_or_default();
        match &a.name {
            // A place is a country, not an organisation: its "name" is the country.
            _ if super::is_place(a) => "(a country)".to_string(),
            // What governs an organisation is said when known, never "unknown".
            Some(n) if a.governance == sovstack_abi::Governance::Unknown => n.clone(),
            Some(n) => format!("{n} ({governance})"),
            None => "not identified".to_string(),
        }
    }

    fn country(&self, a: &ActorReport) -> String {
        super::actor_country(a)
    }

    /// The layer's item findings: severity, the sentence, the rule and the evidence.
    fn write_findings(
        &self,
        report: &Report,
        layer: &LayerReport,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        let findings: Vec<(&ItemReport, &crate::ItemFinding)> = layer
            .items
            .iter()
            .flat_map(|i| i.findings.iter().map(move |f| (i, f)))
            .collect();
        if findings.is_empty() {
            for line in wrap(
                &super::no_item_findings(report, &layer.id),
                self.options.width as usize,
                "  ",
            ) {
                writeln!(out, "{line}")?;
            }
            return Ok(());
        }
        let mut t = self.grid(["Item", "Severity", "Finding"]);
        for (item, f) in findings {
            let mut text = f.finding.message.clone();
            text.push_str(&format!("\nrule: {} ({})", f.finding.rule, f.ruleset));
            if let Some(what) = report.remediation(&f.ruleset, &f.finding.rule) {
                text.push_str(&format!("\nwhat to do: {what}"));
            }
            for line in self.evidence(item, &f.finding.actors) {
                text.push_str(&format!("\n{line}"));
            }
            let waiver = report.waiver_on(&f.ruleset, &layer.id, &item.label, &f.finding.rule);
            if let Some(w) = waiver {
                text.push_str(&format!(
                    "\nwaived until {} by {}: {} ({})",
                    w.expires, w.owner, w.justification, w.source
                ));
            }
            t.add_row(vec![
                Cell::new(&item.id),
                self.severity_cell(
                    match waiver {
                        Some(_) => format!("{} (waived)", f.finding.severity.as_str()),
                        None => f.finding.severity.as_str().to_string(),
                    },
                    Some(f.finding.severity),
                ),
                Cell::new(self.text(&text)),
            ]);
        }
        writeln!(out, "{t}")
    }

    /// What a finding rests on: the actors it is about, each with its confidence and its first
    /// piece of evidence (all of it with `wide`).
    fn evidence(&self, item: &ItemReport, actors: &[usize]) -> Vec<String> {
        let mut lines = Vec::new();
        for a in actors.iter().filter_map(|i| item.actors.get(*i)) {
            let mut line = format!("evidence: {}", super::evidence_for(a));
            let shown = if self.options.wide {
                a.evidence.len()
            } else {
                a.evidence.len().min(1)
            };
            if shown > 0 {
                line.push_str(&format!(": {}", a.evidence[..shown].join("; ")));
            }
            if a.evidence.len() > shown {
                line.push_str(&format!("; {} more with --wide", a.evidence.len() - shown));
            }
            lines.push(line);
        }
        lines
    }

    fn severity_cell(&self, text: String, severity: Option<Severity>) -> Cell {
        let cell = Cell::new(text);
        match (self.options.color, severity) {
            (true, Some(Severity::Critical | Severity::High)) => cell.fg(Color::Red),
            (true, Some(Severity::Medium)) => cell.fg(Color::Yellow),
            _ => cell,
        }
    }

    fn level_cell(&self, text: String, level: Option<u8>) -> Cell {
        let cell = Cell::new(text);
        match (self.options.color, level) {
            (true, Some(0 | 1)) => cell.fg(Color::Red),
            (true, Some(2)) => cell.fg(Color::Yellow),
            (true, Some(_)) => cell.fg(Color::Green),
            _ => cell,
        }
    }

    fn write_scores(
        &self,
        report: &Report,
        r: &RulesetResult,
        out: &mut dyn io::Write,
    ) -> io::Result<()> {
        writeln!(out)?;
        self.para(
            out,
            &format!(
                "Ruleset {} {} {} {}",
                r.name,
                r.version,
                self.dash(),
                r.title
            ),
            "  ",
        )?;
        let mut t = self.grid(["Layer", "Score", "Level", "Detail"]);
        for (layer, result) in &r.layers {
            let (score, level, mut detail) = match &result.score {
                Some(s) => {
                    let mut d = detail(r.method, &s.objectives, &s.shares, s.concentration_index);
                    // A layer that is not of control (the materials layer): its shares are of
                    // the production of raw materials, and said so.
                    if r.method == ScoringMethod::BlocBalance
                        && sovstack_abi::Layer::from_id(layer).is_some_and(|l| !l.controls())
                    {
                        d.insert_str(0, "production of raw materials: ");
                    }
                    (crate::score_shown(s.score), Some(s.level), d)
                }
                None => (
                    self.dash().to_string(),
                    None,
                    match &result.not_evaluated {
                        Some(why) => format!("not evaluated: {why}"),
                        None => "not scored: nothing to judge".to_string(),
                    },
                ),
            };
            // Which plugin judged the layer: a file given with --plugin is told apart from the
            // built-in plugin of the same name by its path and sha256.
            let sep = if detail.is_empty() { "" } else { "\n" };
            match &result.plugin_run {
                Some(run) => {
                    let ellipsis = if self.options.ascii { "..." } else { "…" };
                    detail.push_str(&format!(
                        "{sep}plugin {}",
                        run.describe_with(self.options.wide, ellipsis)
                    ));
                    if let (true, Some(c)) = (self.options.wide, &run.resources) {
                        detail.push_str(&format!(
                            "; fuel {} of {}, peak memory {} of {} bytes",
                            c.fuel, c.fuel_limit, c.memory_peak_bytes, c.memory_limit_bytes
                        ));
                    }
                }
                // A report before 1.0.7 names the plugin only; a layer whose plugin never ran
                // (one given with --plugin failed to load) says so above.
                None if result.not_evaluated.is_none() => {
                    detail.push_str(&format!("{sep}plugin {}", result.plugin))
                }
                None => {}
            }
            // Layer-wide findings (concentration) belong to no item, so they are shown here.
            for f in result.findings.iter().filter(|f| f.item.is_none()) {
                let waived = report
                    .waiver_on(&r.name, layer, layer, &f.rule)
                    .map_or(String::new(), |w| {
                        format!(" (waived until {} by {})", w.expires, w.owner)
                    });
                detail.push_str(&format!(
                    "\n{}{waived}: {}\nrule: {}",
                    f.severity.as_str(),
                    f.message,
                    f.rule
                ));
                if let Some(what) = report.remediation(&r.name, &f.rule) {
                    detail.push_str(&format!("\nwhat to do: {what}"));
                }
            }
            t.add_row(vec![
                Cell::new(layer),
                Cell::new(score),
                self.level_cell(self.level_name(r.method, level), level),
                Cell::new(detail),
            ]);
        }
        let o = &r.overall;
        // Who controls the stack (the layers of control only), and apart from it the raw
        // materials' production: never the mean of both, which would count producing
        // countries as controllers.
        let mut overall_detail = match r.method {
            ScoringMethod::SealWeakestLink => {
                detail(r.method, &o.objectives, &o.shares, o.concentration_index)
            }
            ScoringMethod::BlocBalance => {
                let headline = super::headline(r);
                let mut lines: Vec<String> = headline
                    .control
                    .into_iter()
                    .chain(headline.production)
                    .collect();
                if let Some(i) = o.concentration_index {
                    lines.push(format!(
                        "concentration index (HHI) {i:.2}, the mean over the layers"
                    ));
                }
                lines.join("\n")
            }
        };
        if !o.not_assessed.is_empty() {
            let sep = if overall_detail.is_empty() { "" } else { "\n" };
            overall_detail.push_str(&format!("{sep}not assessed: {}", o.not_assessed.join(", ")));
        }
        t.add_row(vec![
            Cell::new("overall"),
            Cell::new(o.score.map_or(self.dash().to_string(), crate::score_shown)),
            self.level_cell(self.level_name(r.method, o.level), o.level),
            Cell::new(overall_detail),
        ]);
        writeln!(out, "{t}")?;
        // The layers and their findings are written before the scores (`write`).
        self.para(out, &legend(r.method, FindingsAre::Above), "  ")
    }

    fn level_name(&self, method: ScoringMethod, level: Option<u8>) -> String {
        match (method, level) {
            (_, None) => self.dash().to_string(),
            (ScoringMethod::SealWeakestLink, Some(l)) => {
                format!(
                    "SEAL-{l} {}",
                    SEAL_NAMES.get(l as usize).copied().unwrap_or("")
                )
            }
            (ScoringMethod::BlocBalance, Some(l)) => format!("level {l}"),
        }
    }
}

/// A waiver's state in words.
pub(super) fn waiver_status(s: crate::WaiverStatus) -> &'static str {
    match s {
        crate::WaiverStatus::Active => "in force",
        crate::WaiverStatus::Unused => "in force but matching no finding",
        crate::WaiverStatus::Expired => "EXPIRED, waiving nothing",
    }
}

/// Where a format puts the layers' findings relative to its scores: the scores' legend points
/// there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FindingsAre {
    /// The findings come before the scores (the table: layer by layer, then the scores).
    Above,
    /// The scores come first, the layers and their findings after (HTML, Markdown).
    Below,
}

/// How a level relates to a score, under the scores table; `findings` says where the format
/// puts the findings that name a weak item.
pub(super) fn legend(method: ScoringMethod, findings: FindingsAre) -> String {
    match method {
        ScoringMethod::SealWeakestLink => format!(
            "Level: the weakest link, the lowest SEAL level (0-4) any rule gave any item; overall, the lowest \
             objective level. Score (0-100): the mean of all the items' levels, weighted by rule and objective, \
             as a percentage of SEAL-4. A high score beside a low level means most items do well but at least \
             one is weak: the findings {}, layer by layer, name it.",
            match findings {
                FindingsAre::Above => "above",
                FindingsAre::Below => "below",
            }
        ),
        ScoringMethod::BlocBalance => "Score (0-100): 100 x (1 - the largest share one pole holds - the share nobody could attribute) \
             + credit for the commons (open standards, community projects). Level (0-4): the band of the \
             ruleset's thresholds the score falls in. Overall: score, level and index are the means over the \
             layers; who controls the stack counts only the layers of control, and the raw materials' \
             production (producing countries, which control none of it) is shown apart."
            .to_string(),
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
            .map(|(id, o)| format!("{id}: level SEAL-{}, score {:.1}", o.level, o.score))
            .collect::<Vec<_>>()
            .join("\n"),
        ScoringMethod::BlocBalance => {
            // Poles holding nothing are left out: the JSON report keeps every pole.
            let mut s = super::shares_words(shares);
            if let Some(i) = index {
                s.push_str(&format!("\nconcentration index (HHI) {i:.2}"));
            }
            s
        }
    }
}

/// A role in a person's words.
pub(crate) fn role_words(role: &str) -> String {
    match role {
        "isa_owner" => "instruction-set owner".to_string(),
        "soc_vendor" => "chip vendor".to_string(),
        "dns_provider" => "DNS host".to_string(),
        "libc" => "C library".to_string(),
        "lineage" => "derived from".to_string(),
        "location" => "located in".to_string(),
        other => other.replace('_', " "),
    }
}

pub(super) fn blocs_and_laws(a: &ActorReport) -> String {
    let mut lines = Vec::new();
    if !a.blocs.is_empty() {
        lines.push(a.blocs.join(", "));
    }
    let laws: Vec<&str> = a
        .laws
        .iter()
        .enumerate()
        .map(|(i, id)| a.law_names.get(i).map_or(id.as_str(), String::as_str))
        .collect();
    if !laws.is_empty() {
        lines.push(format!("reached by {}", laws.join(", ")));
    }
    lines.join("\n")
}

/// Word-wraps `text` (which may hold newlines) at `width` columns; continuation lines start
/// with `indent`. A word longer than the width is cut.
fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let width = width.max(indent.width() + 8);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split(' ') {
            let mut word = word.to_string();
            loop {
                let sep = if line.is_empty() || line == indent {
                    0
                } else {
                    1
                };
                if line.width() + sep + word.width() <= width {
                    if sep == 1 {
                        line.push(' ');
                    }
                    line.push_str(&word);
                    break;
                }
                if line.is_empty() || line == indent {
                    // The word alone is too long: cut it.
                    let room = width - line.width();
                    let mut cut = String::new();
                    let mut rest = String::new();
                    for c in word.chars() {
                        if rest.is_empty() && (cut.width() + c.to_string().width()) <= room {
                            cut.push(c);
                        } else {
                            rest.push(c);
                        }
                    }
                    line.push_str(&cut);
                    out.push(std::mem::take(&mut line));
                    line = indent.to_string();
                    word = rest;
                    if word.is_empty() {
                        break;
                    }
                    continue;
                }
                out.push(std::mem::take(&mut line));
                line = indent.to_string();
            }
        }
        out.push(line);
    }
    out
}

fn title_case(s: &str) -> String {
    match sovstack_abi::Layer::from_id(s) {
        Some(layer) => layer.title().to_string(),
        None => {
            let mut c = s.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_line_within_the_width() {
        let text = "sovstack 0.1.0 — audited: root /a/very/long/path/that/goes/on/and/on/without/any/space/at/all/anywhere/really; endpoints file x.yaml";
        for width in [20, 40, 80] {
            let lines = wrap(text, width, "  ");
            assert!(
                lines.iter().all(|l| l.width() <= width),
                "{width}: {lines:?}"
            );
            let joined: String = lines.iter().map(|l| l.trim()).collect::<Vec<_>>().join("");
            assert_eq!(
                joined.replace(' ', ""),
                text.replace(' ', ""),
                "nothing lost"
            );
        }
        assert_eq!(wrap("a b c", 80, ""), ["a b c"]);
        assert_eq!(wrap("one two three", 9, "  "), ["one two", "  three"]);
    }
}
