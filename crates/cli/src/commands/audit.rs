//! `sovstack audit`: scan, evaluate and report in one run.

use super::scan::ScanOptions;
use crate::common::{evaluate_and_report, load_kb, EvalOptions};
use anyhow::Result;
use clap::Args as ClapArgs;

/// Scan this host (or a root), evaluate it against the rulesets, and report.
#[derive(ClapArgs, Debug)]
#[command(after_help = "\
Examples:
  sovstack audit                                   this host, built-in rulesets, tables
  sovstack audit --format json -o report.json      the JSON report
  sovstack audit --root /mnt/image --ruleset non-aligned
  sovstack audit --fail-under 50 --fail-on critical   exit 1 when the gate fails
  sovstack audit --endpoints services.yaml         add the network layer for the listed services
  sovstack audit --layers network --domain example.org --format json")]
pub struct Args {
    #[command(flatten)]
    pub scan: ScanOptions,

    #[command(flatten)]
    pub eval: EvalOptions,
}

impl Args {
    pub fn execute(self) -> Result<u8> {
        // One knowledge base for both steps: it is validated once, and the report's inputs
        // name the same version for the scan and the evaluation.
        let kb = load_kb()?;
        let inventory = self.scan.run(&kb)?;
        evaluate_and_report(&kb, &inventory, &self.eval, &[])
    }
}
