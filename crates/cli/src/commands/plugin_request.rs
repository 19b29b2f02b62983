//! `sovstack plugin request INV --layer L --ruleset R`: the request a plugin judging that layer
//! under that ruleset receives, byte for byte. It is built by [`sovstack_evaluate::Requests`],
//! the builder `evaluate` and `audit` send every request with, and serialised by
//! [`sovstack_host::request_bytes`], the bytes the host writes into the plugin's memory.

use super::plugin::RequestArgs;
use crate::common::{load_kb, load_rulesets, read_inventory};
use crate::{exit, output};
use anyhow::{bail, Result};
use sovstack_evaluate::Requests;
use sovstack_report::source_date_epoch;

pub fn execute(a: RequestArgs) -> Result<u8> {
    let kb = load_kb()?;
    let inventory = read_inventory(&a.inventory)?;
    let rulesets = load_rulesets(std::slice::from_ref(&a.ruleset), &kb)?;
    let ruleset = &rulesets[0];
    let generated_at = source_date_epoch().map_err(anyhow::Error::msg)?;
    let requests = Requests::new(&kb, &inventory, generated_at.as_deref());
    let Some(request) = requests.request(ruleset, a.layer) else {
        let present = inventory.layers.present();
        if !present.contains(&a.layer) {
            let held: Vec<&str> = present.iter().map(|l| l.id()).collect();
            bail!(
                "inventory {} holds no `{}` layer (it holds: {}): no plugin is asked about it",
                a.inventory.display(),
                a.layer,
                if held.is_empty() {
                    "none".to_string()
                } else {
                    held.join(", ")
                }
            );
        }
        bail!(
            "ruleset {} has no rule for layer `{}`: no plugin is asked about it (its layers: {})",
            ruleset.name,
            a.layer,
            ruleset.layers().join(", ")
        );
    };
    let mut bytes = if a.pretty {
        serde_json::to_vec_pretty(&request)?
    } else {
        sovstack_host::request_bytes(&request)
    };
    bytes.push(b'\n');
    output::emit(a.output.as_deref(), &bytes)?;
    Ok(exit::SUCCESS)
}
