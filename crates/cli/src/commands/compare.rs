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

A warning on stderr names every audit whose rulesets, plugins, knowledge base or data packs
differ from the first one's: a comparison must be like for like. The JSON document carries it
as `warnings`, and the HTML page in its section \"Not like for like\"; the table and CSV do not.")]
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
        for p in &self.reports {
            reports.push((p.display().to_string(), read_report(p)?));
        }
        let c = sovstack_report::compare::compare(&reports);
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
