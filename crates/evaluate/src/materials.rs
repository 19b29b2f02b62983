//! The report's critical raw materials section: which component classes the inventory's
//! processors and devices are made of (`materials/device-components.csv`), which materials
//! those depend on (`materials/components.csv`, USGS end-use text) and, for each material, who
//! dominates its supply (USGS Mineral Commodity Summaries 2026) and its EU CRMA status.
//! The derivation is the knowledge base's ([`Kb::materials_needed`]), the one the materials
//! layer is scanned with; rules score that layer, this section informs.

use sovstack_inventory::Inventory;
use sovstack_kb::Kb;
use sovstack_report::{ComponentReport, MaterialReport, MaterialsReport};

pub fn materials(kb: &Kb, inventory: &Inventory) -> Option<MaterialsReport> {
    let needed = kb.materials_needed(
        &inventory.layers,
        inventory.fleet.as_ref(),
        inventory.guest.is_some(),
    );
    if needed.components.is_empty() {
        return None;
    }
    let components = needed
        .components
        .iter()
        .map(|c| ComponentReport {
            materials: kb
                .component_materials(&c.component)
                .iter()
                .map(|u| u.material.clone())
                .collect(),
            component: c.component.clone(),
            machines: c.machines,
            confidence: c.confidence,
        })
        .collect();
    let materials = needed
        .materials
        .iter()
        .filter_map(|n| {
            let m = n.material;
            let step = m.steps.first()?;
            let (country, share) = step.dominant()?;
            let mut sources = vec![step.source.clone(), m.crma_source.clone()];
            sources.extend(n.uses.iter().map(|(c, s)| format!("{c}: {s}")));
            Some(MaterialReport {
                crma: m.crma.clone(),
                step: step.step.clone(),
                year: step.year.clone(),
                world: step.world,
                unit: step.unit.clone(),
                dominant_country: country.to_string(),
                dominant_share: share,
                needed_by: n.uses.iter().map(|(c, _)| c.clone()).collect(),
                sources,
                material: m.name.clone(),
            })
        })
        .collect();
    Some(MaterialsReport {
        components,
        materials,
    })
}
