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
    Actor, Confidence, CountryCode, Evidence, Fleet, Governance, Layers, MaterialUse, Method,
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
        let machine = out.machine(cx);
        let items = materials_layer(cx.kb, &out.layers, None, machine.guest.is_some());
        if let Some(guest) = &machine.guest {
            // Said once, by the devices layer when it was scanned too.
            let code = crate::layers::devices::codes::HYPERVISOR_GUEST;
            if !out.diagnostics.iter().any(|d| d.code == code) {
                let path = guest
                    .evidence
                    .first()
                    .map_or(String::new(), |e| e.source.clone());
                out.warn(
                    code,
                    &path,
                    format!(
                        "the machine is {}: a virtual machine holds no raw materials",
                        crate::machine::describe(guest)
                    ),
                );
            }
        } else if items.is_empty() {
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

/// The materials layer's items for `layers`' processors and devices (of `fleet`'s hosts, each
/// counted once, in an imported fleet; of one machine without): one per material their
/// component classes need that has production figures, at the knowledge base's first supply
/// step for it, with one `producer` actor per country row (USGS's "other countries" with no
/// country), each holding its share of the production USGS attributes to countries, rounded
/// to four decimals. Items and actors are in the tables' order, so equal inputs give equal
/// items.
pub fn materials_layer(
    kb: &Kb,
    layers: &Layers,
    fleet: Option<&Fleet>,
    guest: bool,
) -> Vec<RawMaterial> {
    let needed = kb.materials_needed(layers, fleet, guest);
    let fleet = fleet.is_some();
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
                        share_pct =
                            sovstack_abi::semantics::round(share * 100.0, 2).to_string() + "%",
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
                    // What the inventories list first (the file's field, high), then the
                    // knowledge base's rows about kinds of item.
                    let mut evidence: Vec<Evidence> = c.observed.clone();
                    evidence.extend(c.links.iter().map(|(item, why, confidence)| {
                        kb_evidence(
                            ITEMS,
                            "component",
                            format!("{item}: {}: {why}", c.component),
                            *confidence,
                        )
                    }));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{fixture_dir, kb, scan_dir};
    use std::collections::BTreeMap;
    use std::path::Path;

    /// The knowledge base's CSV, read here on its own (the first columns of these tables are
    /// never quoted): what the layer must say, derived from the source rows, not written out.
    fn csv(name: &str) -> Vec<Vec<String>> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../kb/data/materials")
            .join(name);
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    }

    /// Materials a component class needs, in components.csv, sorted.
    fn materials_of(component: &str) -> Vec<String> {
        let mut m: Vec<String> = csv("components.csv")
            .into_iter()
            .filter(|r| r[0] == component)
            .map(|r| r[1].clone())
            .collect();
        m.sort();
        m.dedup();
        m
    }

    /// Each producing country's share, from production.csv: quantity / the sum of the country
    /// rows (not `world`), to four decimals, largest first.
    fn producers(material: &str) -> Vec<(String, f64)> {
        let rows: Vec<(String, u64)> = csv("production.csv")
            .into_iter()
            .filter(|r| r[0] == material && r[3] != "world")
            .map(|r| (r[3].clone(), r[4].parse().unwrap()))
            .collect();
        let total: u64 = rows.iter().map(|(_, q)| q).sum();
        let mut v: Vec<(String, u64)> = rows;
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.into_iter()
            .map(|(c, q)| (c, (q as f64 / total as f64 * 10_000.0).round() / 10_000.0))
            .collect()
    }

    /// A real machine's root (an HP s5-1224 desktop's Pentium G640, its /proc/cpuinfo with no
    /// `hypervisor` flag): its processor is a logic chip, whose materials are the layer's
    /// items, each producer with its USGS share.
    #[test]
    fn a_real_root_gives_the_logic_chip_materials_with_usgs_shares() {
        let inv = scan_dir(
            &fixture_dir("x86-intel-pentium-g640"),
            &["processor", "os", "materials"],
            None,
        );
        let items = inv.layers.materials.as_ref().unwrap();
        let ids: Vec<&str> = items.iter().map(|m| m.id.as_str()).collect();
        let want = materials_of("logic chip");
        assert!(!want.is_empty());
        assert_eq!(ids, want);
        let crma: BTreeMap<String, String> = csv("crma.csv")
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone()))
            .collect();
        for m in items {
            let got: Vec<(String, f64)> = m
                .actors
                .iter()
                .map(|a| {
                    assert_eq!(a.role, Role::Producer);
                    let code = a.country.as_ref().map_or("other", |c| c.as_str());
                    (code.to_string(), a.share.unwrap())
                })
                .collect();
            assert_eq!(got, producers(&m.id), "{}", m.id);
            assert_eq!(m.crma, crma[&m.id]);
            assert_eq!(m.hosts, None);
            assert_eq!(m.needed_by.len(), 1);
            assert_eq!(
                (m.needed_by[0].component.as_str(), m.needed_by[0].machines),
                ("logic chip", 1)
            );
            let url = format!(
                "https://pubs.usgs.gov/periodicals/mcs2026/mcs2026-{}.pdf",
                m.id
            );
            assert!(
                m.actors[0].evidence[0]
                    .value
                    .as_deref()
                    .unwrap()
                    .contains(&url),
                "{:?}",
                m.actors[0].evidence
            );
            // The end-use sentence linking the logic chip to the material, quoted from USGS.
            let link = &m.needed_by[0].evidence;
            assert_eq!(link[0].source, ITEMS);
            assert!(link[1].value.as_deref().unwrap().contains(&url));
        }
        let gallium = &items[ids.iter().position(|i| *i == "gallium").unwrap()];
        assert_eq!(gallium.actors[0].country.as_ref().unwrap().as_str(), "CN");
        assert!(gallium.actors[0].share.unwrap() > 0.98);
        assert!(!inv.diagnostics.iter().any(|d| d.code == codes::NO_HARDWARE));
    }

    /// Two processor items of one big.LITTLE SoC are one machine.
    #[test]
    fn a_single_host_is_one_machine_whatever_its_processor_items() {
        let inv = scan_dir(
            &fixture_dir("arm-rk3588-biglittle"),
            &["processor", "materials"],
            None,
        );
        assert_eq!(inv.layers.processor.as_ref().unwrap().len(), 2);
        for m in inv.layers.materials.as_ref().unwrap() {
            assert_eq!(m.needed_by[0].machines, 1, "{}", m.id);
        }
    }

    /// Named alone, the layer has nothing to derive from, and says so.
    #[test]
    fn without_hardware_layers_there_is_no_item_and_a_diagnostic() {
        let inv = scan_dir(&fixture_dir("x86-intel-pentium-g640"), &["materials"], None);
        assert_eq!(inv.layers.materials, Some(Vec::new()));
        assert!(inv.diagnostics.iter().any(|d| d.code == codes::NO_HARDWARE));
        assert!(materials_layer(kb(), &Layers::default(), None, false).is_empty());
    }

    /// The development machine's own capture (a KVM guest: an AMD EPYC whose /proc/cpuinfo
    /// has the `hypervisor` flag, and no SMBIOS tables): a virtual machine holds no materials,
    /// its processor layer is kept, and the inventory says it is a guest.
    #[test]
    fn a_hypervisor_guest_holds_no_materials() {
        let inv = scan_dir(
            &fixture_dir("x86-amd-epyc-debian12"),
            &["processor", "os", "materials"],
            None,
        );
        assert_eq!(inv.layers.processor.as_ref().unwrap().len(), 1);
        assert_eq!(inv.layers.materials, Some(Vec::new()));
        let guest = inv.guest.as_ref().expect("a guest");
        assert_eq!(guest.hypervisor, None);
        assert_eq!(guest.evidence[0].source, "/proc/cpuinfo");
        assert_eq!(guest.evidence[0].field.as_deref(), Some("flags"));
        let codes: Vec<&str> = inv.diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert_eq!(
            codes,
            [crate::layers::devices::codes::HYPERVISOR_GUEST],
            "{:?}",
            inv.diagnostics
        );
        assert!(materials_layer(kb(), &inv.layers, None, true).is_empty());
    }

    /// On the live host the processor's CPUID signature names the hypervisor the flag only
    /// announces: the development machine's (`KVMKVMKVM`, as its kernel logs "Hypervisor
    /// detected: KVM").
    #[test]
    fn the_live_cpuid_signature_names_the_hypervisor() {
        let live = crate::LiveHost {
            hypervisor_signature: Some("KVMKVMKVM".into()),
            ..Default::default()
        };
        let inv = scan_dir(
            &fixture_dir("x86-amd-epyc-debian12"),
            &["processor", "materials"],
            Some(&live),
        );
        let guest = inv.guest.as_ref().unwrap();
        assert_eq!(guest.hypervisor.as_deref(), Some("KVM"));
        let sources: Vec<&str> = guest.evidence.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(
            sources,
            ["/proc/cpuinfo", "cpuid", "kb:devices/hypervisors.csv"]
        );
        assert_eq!(guest.evidence[1].method, Method::Cpuid);
        assert_eq!(inv.layers.materials, Some(Vec::new()));
        // A signature the table does not know still makes a guest (CPUID says a hypervisor
        // is there), of an unnamed hypervisor.
        let live = crate::LiveHost {
            hypervisor_signature: Some("NoSuchHvSig!".into()),
            ..Default::default()
        };
        let inv = scan_dir(
            &fixture_dir("x86-intel-pentium-g640"),
            &["processor", "materials"],
            Some(&live),
        );
        let guest = inv.guest.as_ref().unwrap();
        assert_eq!(guest.hypervisor, None);
        assert_eq!(guest.evidence[0].source, "cpuid");
    }
}
