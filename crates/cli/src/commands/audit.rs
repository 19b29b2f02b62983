//! `sovstack audit`: scan, evaluate and report in one run.

use super::scan::ScanOptions;
use crate::common::{evaluate_and_report, load_kb, EvalOptions};
use crate::config::Config;
use anyhow::Result;
use clap::Args as ClapArgs;
use std::path::Path;

/// Scan this host (or a root), evaluate it against the rulesets, and report.
#[derive(ClapArgs, Debug)]
#[command(after_help = format!("{}\n\n{}\n\n{}", "\
Examples:
  sovstack audit                                   this host, built-in rulesets, tables
  sovstack audit --format json -o report.json      the JSON report
  sovstack audit --root /mnt/image --ruleset non-aligned
  sovstack audit --fail-under 50 --fail-on critical   exit 1 when the gate fails
  sovstack audit --endpoints services.yaml         add the network layer for the listed services
  sovstack audit --layers network --domain example.org --format json", crate::common::SCORES_HELP, crate::data_packs::LOOKUP_HELP))]
pub struct Args {
    #[command(flatten)]
    pub scan: ScanOptions,

    #[command(flatten)]
    pub eval: EvalOptions,
}

impl Args {
    pub fn execute(mut self, config: Option<&Path>) -> Result<u8> {
        // One knowledge base for both steps: it is validated once, and the report's inputs
        // name the same version for the scan and the evaluation.
        let kb = load_kb()?;
        let config = Config::load(config, &kb)?;
        config.apply_to_scan(&mut self.scan);
        config.apply_to_eval(&mut self.eval);
        let mut inventory = self.scan.run(&kb, config.data_dir.as_deref())?;
        super::scan::set_organisation(&mut inventory, config.organisation.as_ref());
        evaluate_and_report(
            &kb,
            &inventory,
            &self.eval,
            &[],
            config.organisation.as_ref(),
        )
    }
}
