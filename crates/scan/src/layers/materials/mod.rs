//! The `materials` layer: the critical raw materials the scanned processors and devices depend
//! on, and the countries producing them with their shares of world production.
//!
//! It reads nothing under the root. The collector runs after the processor and devices
//! collectors ([`Layer::ALL`] order) and derives its items from the sections they wrote, through
//! the knowledge base's materials tables ([`Kb::materials_needed`], the derivation the report's
//! materials section uses too); `scan --import` derives them from the imported fleet with the
//! same [`materials_layer`].
//!
//! [`Layer::ALL`]: sovstack_inventory::Layer::ALL

use crate::collector::{Collector, Context, ScanOut};
use sovstack_abi::semantics::{round, SHARE_DECIMALS};
use sovstack_inventory::{
    Actor, Confidence, CountryCode, Evidence, Governance, Layers, MaterialUse, Method,
    RawMaterial, Role,
};
use sovstack_kb::Kb;

/// The diagnostic codes of the materials layer.
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        NO_HARDWARE = "scan/materials-no-hardware": "the materials layer was scanned without the processor or devices layer (or they found nothing): it has no item",
    }
}

const PRODUCTION: &str = "kb:materials/production.csv";
const CRMA: &str = "kb:materials/crma.csv";
const COMPONENTS: &str = "kb:materials/components.csv";
const ITEMS: &str = "kb:materials/device-components.csv";

/// Collects the `materials` layer from the processor and devices sections already collected.
pub(crate) struct MaterialsCollector;

impl Collector for MaterialsCollector {
    fn collect(&self, cx: &Context<'_>, out: &mut ScanOut) {
        let items = materials_layer(cx.kb, &out.layers);
        if items.is_empty() {
            out.diagnostics.push(sovstack_inventory::Diagnostic {
                code: codes::NO_HARDWARE.to_string(),
                severity: sovstack_inventory::DiagnosticSeverity::Warning,
                message: "the materials layer has no item: it is derived from the processor and \
                          devices layers, and neither was scanned or found anything (scan them \
                          with it: --layers processor,materials)"
                    .to_string(),
                path: None,
            });
        }
        out.layers.materials = Some(items);
    }
}

fn kb_evidence(source: &str, field: &str, value: String, confidence: Confidence) -> Evidence {
    Evidence {
        source: source.to_string(),
        field: Some(field.to_string()),
        line: None,
        value: Some(value),
        method: Method::KbLookup,
        confidence,
    }
}

/// The materials layer's items for `layers`' processors and devices: one per material their
/// component classes need that has production figures, at the knowledge base's first supply
/// step for it, with one `producer` actor per country row (USGS's "other countries" with no
/// country), each holding its share of the production USGS attributes to countries, rounded
/// to four decimals. Items and actors are in the tables' order, so equal inputs give equal
/// items.
pub fn materials_layer(kb: &Kb, layers: &Layers) -> Vec<RawMaterial> {
    let needed = kb.materials_needed(layers);
    let fleet = layers
        .processor
        .iter()
        .flatten()
        .map(|p| p.hosts)
        .chain(layers.devices.iter().flatten().map(|d| d.hosts))
        .any(|h| h.is_some());
    let component = |name: &str| needed.components.iter().find(|c| c.component == name);
    needed
        .materials
        .iter()
        .filter_map(|n| {
            let m = n.material;
            let step = m.steps.first()?;
            let attributed: u64 = step.countries.iter().map(|(_, q)| q).sum();
            if attributed == 0 {
                return None;
            }
            let figures = format!(
                "{} {} {} ({}): {}",
                m.name, step.step, step.year, step.unit, step.source
            );
            let actors = step
                .countries
                .iter()
                .map(|(code, quantity)| {
                    let share = round(*quantity as f64 / attributed as f64, SHARE_DECIMALS);
                    let country = CountryCode::new(code).ok();
                    let name = match &country {
                        Some(c) => kb
                            .country(c.as_str())
                            .map_or_else(|| c.to_string(), |k| k.name.clone()),
                        None => "other countries (USGS)".to_string(),
                    };
                    let value = format!(
                        "{code} {quantity} {unit} of the {attributed} {unit} attributed to \
                         countries ({share_pct}); {figures}",
                        unit = step.unit,
                        share_pct = sovstack_abi::semantics::round(share * 100.0, 2)
                            .to_string()
                            + "%",
                    );
                    Actor {
                        role: Role::Producer,
                        name: Some(name),
                        governance: match country {
                            Some(_) => Governance::State,
                            None => Governance::Unknown,
                        },
                        country,
                        registered_country: None,
                        share: Some(share),
                        evidence: vec![kb_evidence(
                            PRODUCTION,
                            "quantity",
                            value,
                            Confidence::High,
                        )],
                    }
                })
                .collect();
            let needed_by = n
                .uses
                .iter()
                .filter_map(|(c, end_use)| {
                    let c = component(c)?;
                    let mut evidence: Vec<Evidence> = c
                        .links
                        .iter()
                        .map(|(item, why)| {
                            kb_evidence(
                                ITEMS,
                                "component",
                                format!("{item}: {}: {why}", c.component),
                                c.confidence,
                            )
                        })
                        .collect();
                    evidence.push(kb_evidence(
                        COMPONENTS,
                        "material",
                        format!("{}: {}: {end_use}", c.component, m.name),
                        Confidence::High,
                    ));
                    Some(MaterialUse {
                        component: c.component.clone(),
                        machines: c.machines,
                        confidence: c.confidence,
                        evidence,
                    })
                })
                .collect();
            Some(RawMaterial {
                id: m.name.clone(),
                step: step.step.clone(),
                year: step.year.clone(),
                unit: step.unit.clone(),
                world: step.world,
                attributed,
                crma: m.crma.clone(),
                needed_by,
                hosts: fleet.then_some(n.machines),
                actors,
                evidence: vec![
                    kb_evidence(
                        PRODUCTION,
                        "world",
                        format!("{} {}; {figures}", step.world, step.unit),
                        Confidence::High,
                    ),
                    kb_evidence(
                        CRMA,
                        "status",
                        format!("{}: {}", m.crma, m.crma_source),
                        Confidence::High,
                    ),
                ],
            })
        })
        .collect()
}
