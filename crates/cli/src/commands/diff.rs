//! `sovstack diff OLD.json NEW.json`: what changed between two audits of one organisation.

use crate::common::OutputFormat;
use crate::{exit, output};
use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use sovstack_report::Report;
use std::path::{Path, PathBuf};

/// Compare two JSON reports of the same organisation: dependencies added and removed, score and
/// level changes, findings appeared and resolved.
#[derive(ClapArgs, Debug)]
#[command(after_help = "\
Examples:
  sovstack diff last-quarter.json today.json
  sovstack diff old.json new.json --format json -o changes.json
  sovstack diff old.json new.json --fail-on-regression   exit 1 when anything got worse

A regression is a finding that appeared, or a score or level that fell. Findings are paired by
ruleset, rule, layer and what identifies the item: a network endpoint is the endpoint as
written (`mail:example.org`), not its label nor its position (`ep3`), so relabelling an
endpoint or removing another's line changes nothing; a declared service is its id; any other
item its label, which says what it is (`AMD EPYC 7B13`). A warning says when the
two audits used different rulesets, plugins, knowledge bases or data packs.")]
pub struct Args {
    /// The earlier report (`--format json`).
    #[arg(value_name = "OLD.json")]
    pub old: PathBuf,

    /// The later report.
    #[arg(value_name = "NEW.json")]
    pub new: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Write to FILE instead of stdout (atomically, as reports are).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit 1 when a finding appeared or a score or level fell.
    #[arg(long)]
    pub fail_on_regression: bool,
}

/// Reads a JSON report, naming the file, line and column of what is wrong; an inventory given
/// instead (`sovstack scan`'s output) is named as such, with the command that makes a report of
/// it. `command` is the subcommand reading it (`diff`, `compare`).
pub fn read_report(path: &Path, command: &str) -> Result<Report> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read report {}", path.display()))?;
    sovstack_report::from_json(&text).map_err(|(line, column, message)| {
        let inventory = serde_json::from_str::<serde_json::Value>(&text).is_ok_and(|v| {
            v.get("schema_version").is_some() && v.get("report_version").is_none()
        });
        if inventory {
            anyhow::anyhow!(
                "{0}: this is an inventory from `sovstack scan`, not a report; evaluate it first: `sovstack evaluate {0} --format json -o report.json`, then give `sovstack {command}` the reports",
                path.display()
            )
        } else {
            anyhow::anyhow!("{}:{line}:{column}: {message}", path.display())
        }
    })
}

impl Args {
    pub fn execute(self) -> Result<u8> {
        output::refuse_overwriting_input(self.output.as_deref(), &[&self.old, &self.new])?;
        let old = read_report(&self.old, "diff")?;
        let new = read_report(&self.new, "diff")?;
        let diff = sovstack_report::diff::diff(&old, &new);
        let mut bytes = Vec::new();
        match self.format {
            OutputFormat::Table => diff.write_text(&mut bytes)?,
            OutputFormat::Json => diff.write_json(&mut bytes)?,
        }
        output::emit(self.output.as_deref(), &bytes)?;
        for w in &diff.warnings {
            eprintln!("sovstack: warning: {w}");
        }
        if self.fail_on_regression && diff.regression {
            for r in &diff.regressions {
                eprintln!("sovstack: regression: {r}");
            }
            return Ok(exit::POLICY_FAILED);
        }
        Ok(exit::SUCCESS)
    }
}
