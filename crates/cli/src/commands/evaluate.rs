//! `sovstack evaluate`: judge an inventory (made here or elsewhere) with rulesets and plugins.

use crate::common::{evaluate_and_report, load_kb, read_inventory, EvalOptions};
use crate::config::Config;
use anyhow::Result;
use clap::Args as ClapArgs;
use std::path::{Path, PathBuf};

/// Evaluate an inventory with the plugins against rulesets, and report.
#[derive(ClapArgs, Debug)]
#[command(after_help = format!("{}\n\n{}", "\
Examples:
  sovstack evaluate inv.json                            built-in rulesets, table
  sovstack evaluate inv.json --ruleset eu-sovereignty --format json -o report.json
  sovstack evaluate inv.json --ruleset my-rules.yaml --plugin my-plugin.wasm
  sovstack evaluate inv.json --fail-under 60 --fail-on high   a procurement gate", crate::common::SCORES_HELP))]
pub struct Args {
    /// The inventory (JSON, from `sovstack scan`); - reads stdin.
    #[arg(value_name = "INVENTORY")]
    pub inventory: PathBuf,

    #[command(flatten)]
    pub eval: EvalOptions,
}

impl Args {
    pub fn execute(mut self, config: Option<&Path>) -> Result<u8> {
        let kb = load_kb()?;
        let config = Config::load(config, &kb)?;
        config.apply_to_eval(&mut self.eval);
        let inventory = read_inventory(&self.inventory)?;
        evaluate_and_report(
            &kb,
            &inventory,
            &self.eval,
            &[&self.inventory],
            config.organisation.as_ref(),
        )
    }
}
