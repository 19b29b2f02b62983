//! `sovstack evaluate`: judge an inventory (made here or elsewhere) with rulesets and plugins.

use crate::common::{evaluate_and_report, load_kb, EvalOptions};
use crate::config::Config;
use anyhow::{Context, Result};
use clap::Args as ClapArgs;
use sovstack_inventory::Inventory;
use std::path::{Path, PathBuf};

/// Evaluate an inventory with the plugins against rulesets, and report.
#[derive(ClapArgs, Debug)]
#[command(after_help = "\
Examples:
  sovstack evaluate inv.json                            built-in rulesets, table
  sovstack evaluate inv.json --ruleset eu-sovereignty --format json -o report.json
  sovstack evaluate inv.json --ruleset my-rules.yaml --plugin my-plugin.wasm
  sovstack evaluate inv.json --fail-under 60 --fail-on high   a procurement gate")]
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
        let name = self.inventory.display().to_string();
        let text = if self.inventory.as_os_str() == "-" {
            std::io::read_to_string(std::io::stdin()).context("reading the inventory from stdin")?
        } else {
            std::fs::read_to_string(&self.inventory)
                .with_context(|| format!("cannot read inventory {name}"))?
        };
        let inventory = Inventory::from_json(&text).map_err(|e| match e {
            sovstack_inventory::Error::Json {
                line,
                column,
                message,
            } => anyhow::anyhow!("{name}:{line}:{column}: {message}"),
            other => anyhow::anyhow!("{name}: {other}"),
        })?;
        for d in inventory
            .diagnostics
            .iter()
            .filter(|d| d.code == "inventory/newer-addition")
        {
            eprintln!("sovstack: warning: {name}: {}", d.message);
        }
        evaluate_and_report(
            &kb,
            &inventory,
            &self.eval,
            &[&self.inventory],
            config.organisation.as_ref(),
        )
    }
}
