//! `sovstack compare A.json B.json ...`: several audits side by side.

use super::diff::read_report;
use crate::{exit, output};
use anyhow::Result;
use clap::{Args as ClapArgs, ValueEnum};
use std::path::PathBuf;

/// Compare audits of several organisations (JSON reports made with the same rulesets): a league
/// table per ruleset and layer, and the share of each pole of power.
#[derive(ClapArgs, Debug)]
#[command(after_help = "\
Examples:
  sovstack compare ministry-a.json ministry-b.json ministry-c.json
  sovstack compare reports/*.json --format csv -o league.csv
  sovstack compare reports/*.json --format html -o league.html

How the ranking is made: per ruleset, the audits are ranked by their overall score, the one
`evaluate` gives (0-100, higher is better; the ruleset's own mean over the layers it scored),
best first; equal scores share a rank, an audit without an overall score comes last. Each
layer's score and level are shown beside it, not ranked.

Overall scores are only comparable when the audits scored the same layers (an audit of
processor, os and devices is not measured like one that adds network, suppliers and software).
When they did not, the league is marked not comparable (`comparable: false` in JSON, \"not
comparable\" instead of the ranks in the table, CSV and HTML) and a warning names the layers
each audit lacks; compare the layers they share column by column instead.

A warning on stderr names every audit whose rulesets, plugins, knowledge base or data packs
differ from the first one's: a comparison must be like for like. The JSON document carries the
warnings as `warnings`, and the HTML page in its section \"Not like for like\"; the table and
CSV do not (they say \"not comparable\" in place of the ranks). A report given
twice (the same path, or the same bytes) is ranked once, with a warning. An inventory given
instead of a report exits 2 and says how to make the report.")]
pub struct Args {
    /// The reports (`--format json`), two or more.
    #[arg(value_name = "REPORT.json", num_args = 2.., required = true)]
    pub reports: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
    pub format: CompareFormat,

    /// Write to FILE instead of stdout (atomically, as reports are).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The formats of a comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Tables for people.
    Table,
    /// A JSON document.
    Json,
    /// CSV for spreadsheets, one row per ruleset, audit and layer.
    Csv,
    /// One self-contained HTML page (league tables, a bar per audit of the poles' shares; loads
    /// nothing, runs no script), to publish.
    Html,
}

impl Args {
    pub fn execute(self) -> Result<u8> {
        let inputs: Vec<&std::path::Path> = self.reports.iter().map(|p| p.as_path()).collect();
        output::refuse_overwriting_input(self.output.as_deref(), &inputs)?;
        let mut reports = Vec::new();
        let mut seen: Vec<(Option<PathBuf>, Vec<u8>, String)> = Vec::new();
        let mut twice = Vec::new();
        for p in &self.reports {
            let name = p.display().to_string();
            let bytes = std::fs::read(p).unwrap_or_default();
            let canonical = std::fs::canonicalize(p).ok();
            if let Some((_, _, first)) = seen
                .iter()
                .find(|(c, b, _)| (canonical.is_some() && *c == canonical) || *b == bytes)
            {
                twice.push(format!(
                    "{name} is the same report as {first} ({})",
                    if canonical.is_some() && seen.iter().any(|(c, _, _)| *c == canonical) {
                        "the same file"
                    } else {
                        "the same bytes"
                    }
                ));
                continue;
            }
            reports.push((name.clone(), read_report(p, "compare")?));
            seen.push((canonical, bytes, name));
        }
        if reports.len() < 2 {
            anyhow::bail!("compare needs two different reports; {}", twice.join("; "));
        }
        let mut c = sovstack_report::compare::compare(&reports);
        c.warnings
            .splice(0..0, twice.into_iter().map(|t| format!("{t}: ranked once")));
        let mut bytes = Vec::new();
        match self.format {
            CompareFormat::Table => c.write_text(&mut bytes)?,
            CompareFormat::Json => c.write_json(&mut bytes)?,
            CompareFormat::Csv => c.write_csv(&mut bytes)?,
            CompareFormat::Html => c.write_html(&mut bytes)?,
        }
        output::emit(self.output.as_deref(), &bytes)?;
        for w in &c.warnings {
            eprintln!("sovstack: warning: {w}");
        }
        Ok(exit::SUCCESS)
    }
}
