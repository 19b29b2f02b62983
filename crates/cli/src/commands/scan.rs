//! `sovstack scan`: collect the inventory of a root (the host, a mounted image, a container root).

use crate::common::load_kb;
use crate::{exit, output};
use anyhow::Result;
use clap::Args as ClapArgs;
use sovstack_inventory::{Inventory, LAYER_IDS};
use sovstack_kb::Kb;
use sovstack_report::source_date_epoch;
use std::path::PathBuf;

/// Collect facts about processors and operating system into an inventory (JSON).
#[derive(ClapArgs, Debug)]
#[command(after_help = "\
Examples:
  sovstack scan                                  this host, every layer, to stdout
  sovstack scan --root /mnt/image -o inv.json    a mounted disk image or container root
  sovstack scan --layers processor               one layer

With a --root other than /, only files under it are read (DIR/proc/cpuinfo, DIR/etc/os-release,
...), never the live host; links are followed only inside the root.")]
pub struct Args {
    #[command(flatten)]
    pub scan: ScanOptions,

    /// Write the inventory to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options of the scan step, shared by `scan` and `audit`.
#[derive(ClapArgs, Debug)]
pub struct ScanOptions {
    /// Root of the system to scan: / for this host, or a mounted image or unpacked container.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,

    /// Layers to scan, comma-separated.
    #[arg(long, value_name = "LAYER,...", value_delimiter = ',', default_values_t = LAYER_IDS.iter().map(|s| s.to_string()))]
    pub layers: Vec<String>,
}

impl ScanOptions {
    /// Runs the scan.
    pub fn run(&self, kb: &Kb) -> Result<Inventory> {
        for l in &self.layers {
            if !LAYER_IDS.contains(&l.as_str()) {
                anyhow::bail!("unknown layer `{l}` (layers: {})", LAYER_IDS.join(", "));
            }
        }
        let generated_at = source_date_epoch().map_err(anyhow::Error::msg)?;
        output::progress(&format!("scanning {} ({})", self.root.display(), self.layers.join(", ")));
        let opts = sovstack_scan::ScanOptions { root: self.root.clone(), layers: self.layers.clone() };
        let mut inventory = sovstack_scan::scan(&opts, kb)?;
        inventory.generated_at = generated_at;
        Ok(inventory)
    }
}

impl Args {
    pub fn execute(self) -> Result<u8> {
        let inventory = self.scan.run(&load_kb()?)?;
        output::emit(self.output.as_deref(), inventory.to_json().as_bytes())?;
        Ok(exit::SUCCESS)
    }
}
