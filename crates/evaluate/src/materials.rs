//! The report's critical raw materials section: which component classes the inventory's
//! processors and devices are made of (`materials/device-components.csv`), which materials
//! those depend on (`materials/components.csv`, USGS end-use text) and, for each material, who
//! dominates its supply (USGS Mineral Commodity Summaries 2026) and its EU CRMA status.
//! Informative: no rule scores it.

use sovstack_inventory::{Confidence, Inventory};
use sovstack_kb::Kb;
use sovstack_report::{ComponentReport, MaterialReport, MaterialsReport};
use std::collections::BTreeMap;

pub fn materials(kb: &Kb, inventory: &Inventory) -> Option<MaterialsReport> {
    // Component → (machines counted through the processor layer, through the devices layer,
    // lowest confidence). A machine's processor and its device both hold a logic chip: the
    // larger of the two counts is kept, a lower bound on the machines holding the component.
    let mut counts: BTreeMap<String, ([u64; 2], Confidence)> = BTreeMap::new();
    let mut add = |item: String, layer: usize, machines: u64| {
        for c in kb.item_components(&item) {
            let e = counts
                .entry(c.component.clone())
                .or_insert(([0, 0], Confidence::High));
            e.0[layer] += machines;
            e.1 = e.1.min(c.confidence);
        }
    };
    for p in inventory.layers.processor.iter().flatten() {
        add("processor".to_string(), 0, p.hosts.unwrap_or(1));
    }
    for d in inventory.layers.devices.iter().flatten() {
        add(format!("device:{}", d.kind), 1, d.hosts.unwrap_or(1));
    }
    if counts.is_empty() {
        return None;
    }
    let found: BTreeMap<String, (u64, Confidence)> = counts
        .into_iter()
        .map(|(c, (n, conf))| (c, (n[0].max(n[1]), conf)))
        .collect();
    let mut needed: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let components = found
        .into_iter()
        .map(|(component, (machines, confidence))| {
            let uses = kb.component_materials(&component);
            for u in uses {
                let e = needed.entry(u.material.clone()).or_default();
                e.0.push(component.clone());
                e.1.push(format!("{component}: {}", u.source));
            }
            ComponentReport {
                materials: uses.iter().map(|u| u.material.clone()).collect(),
                component,
                machines,
                confidence,
            }
        })
        .collect();
    let materials = needed
        .into_iter()
        .filter_map(|(name, (needed_by, uses))| {
            let m = kb.material(&name)?;
            let step = m.steps.first()?;
            let (country, share) = step.dominant()?;
            let mut sources = vec![step.source.clone(), m.crma_source.clone()];
            sources.extend(uses);
            Some(MaterialReport {
                crma: m.crma.clone(),
                step: step.step.clone(),
                year: step.year.clone(),
                world: step.world,
                unit: step.unit.clone(),
                dominant_country: country.to_string(),
                dominant_share: share,
                needed_by,
                sources,
                material: name,
            })
        })
        .collect();
    Some(MaterialsReport {
        components,
        materials,
    })
}
