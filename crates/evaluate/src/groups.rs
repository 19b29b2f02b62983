//! `--group-by LABEL`: per-group figures of a fleet. Each processor and operating system item
//! of the report gets a `hosts by LABEL` fact: for every value of the label (a site, a
//! department: the hosts' `tag` or `location`), how many of that group's hosts it stands for
//! ("site-lyon: 1 of 1 (100.0%); site-paris: 2 of 3 (66.7%)"). Hosts without the label form the
//! group `(none)`. The figures come from the fleet's host list, which names the items each host
//! counts in, so they add up to the item's `hosts`.

use sovstack_inventory::Inventory;
use sovstack_report::Report;
use std::collections::BTreeMap;

/// The group of hosts that lack the label.
pub const NO_LABEL: &str = "(none)";

/// Adds the `hosts by LABEL` fact to every item a fleet's hosts count in. An inventory without a
/// fleet, or whose hosts never carry `label`, is an error (the message names the labels there
/// are).
pub fn group_by(inventory: &Inventory, report: &mut Report, label: &str) -> Result<(), String> {
    let Some(fleet) = &inventory.fleet else {
        return Err(format!(
            "--group-by {label}: the inventory is not an organisation's fleet (make one with `sovstack scan --import`)"
        ));
    };
    if !fleet.hosts.iter().any(|h| h.labels.contains_key(label)) {
        let mut known: Vec<&str> = fleet
            .hosts
            .iter()
            .flat_map(|h| h.labels.keys().map(String::as_str))
            .collect();
        known.sort_unstable();
        known.dedup();
        let known = if known.is_empty() {
            "no host carries any label".to_string()
        } else {
            format!("labels there are: {}", known.join(", "))
        };
        return Err(format!(
            "--group-by {label}: no host carries that label ({known})"
        ));
    }
    let group_of = |h: &sovstack_inventory::Host| {
        h.labels
            .get(label)
            .cloned()
            .unwrap_or_else(|| NO_LABEL.to_string())
    };
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    // (item id) -> group -> hosts
    let mut counts: BTreeMap<(&str, &str), BTreeMap<String, u64>> = BTreeMap::new();
    for h in &fleet.hosts {
        let g = group_of(h);
        *totals.entry(g.clone()).or_default() += 1;
        let ids = h
            .processor
            .iter()
            .map(|id| ("processor", id.as_str()))
            .chain(h.os.iter().map(|id| ("os", id.as_str())));
        for key in ids {
            *counts.entry(key).or_default().entry(g.clone()).or_default() += 1;
        }
    }
    for layer in &mut report.layers {
        for item in &mut layer.items {
            let Some(groups) = counts.get(&(layer.id.as_str(), item.id.as_str())) else {
                continue;
            };
            let text: Vec<String> = groups
                .iter()
                .map(|(g, n)| {
                    let total = totals[g];
                    format!(
                        "{g}: {n} of {total} ({:.1}%)",
                        *n as f64 * 100.0 / total as f64
                    )
                })
                .collect();
            item.facts
                .insert(format!("hosts by {label}"), text.join("; "));
        }
    }
    Ok(())
}
