//! The `devices` layer: who makes the organisation's computers, network equipment, printers and
//! phones. An item is one maker of one kind of device ([`sovstack_inventory::Device`]).
//!
//! On a scanned root (the live host or an image) the item is the system's maker, read from the
//! kernel's copy of the SMBIOS tables: `/sys/class/dmi/id/sys_vendor` and `product_name`. A
//! root without them (a container, most Arm boards, a disk image) gives no item and a
//! diagnostic: the maker is left unknown, never guessed. An imported fleet (`--import`) gets its
//! items from the inventories' BIOS and network-device sections, attributed by the same
//! [`actors`] (`import/fleet.rs`).
//!
//! Actors: `manufacturer` always (unknown when the knowledge base does not know the spelling:
//! placeholders such as `To Be Filled By O.E.M.` stay unknown); `owner` when the knowledge base
//! records a parent above the manufacturer (the top of the chain); `high_risk_vendor` when a
//! public authority has named the manufacturer or its owner a high-risk supplier
//! (`devices/high-risk-vendors.csv`).

use crate::collector::{Collector, Context, ScanOut};
use sovstack_inventory::{Actor, Device, DeviceKind, Evidence, Fact, Method, Role};
use sovstack_kb::{DmiField, Kb};
use std::collections::BTreeMap;

/// The system's maker, as the kernel exposes SMBIOS (DMI type 1, "Manufacturer").
const SYS_VENDOR: &str = "/sys/class/dmi/id/sys_vendor";
/// The firmware's release date (DMI type 0, "Release Date", `MM/DD/YYYY`).
const BIOS_DATE: &str = "/sys/class/dmi/id/bios_date";

/// The devices layer's diagnostic codes (besides the root's, [`crate::codes`]).
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        MISSING_DMI = "scan/missing-dmi": "no `/sys/class/dmi/id/sys_vendor` under the root (a container, a board without SMBIOS, an image): the system's maker is unknown",
        HYPERVISOR_GUEST = "scan/hypervisor-guest": "the machine is a hypervisor's guest (its DMI strings, `/sys/hypervisor/type` or the processor's `hypervisor` flag say so; the inventory's `guest`): its system is virtual, so no device maker is recorded, and it holds no raw materials",
    }
}

/// The actors of a device whose maker is spelled `maker`: the manufacturer the knowledge base
/// names for that spelling, kind and model (unknown otherwise), its ultimate owner, and its
/// designations as a high-risk supplier. `read` is the evidence of the spelling (and model).
pub(crate) fn actors(
    kb: &Kb,
    kind: DeviceKind,
    maker: &str,
    model: Option<&str>,
    read: Vec<Evidence>,
) -> Vec<Actor> {
    let Some(m) = kb.device_maker(kind, maker, model) else {
        return vec![Actor::unknown(Role::Manufacturer, read)];
    };
    let name = m.name.clone();
    let mut actors = vec![m.into_actor(Role::Manufacturer, read.clone())];
    let owner = kb.ultimate_parent(&name);
    let owner_name = owner.as_ref().map(|o| o.name.clone());
    if let Some(o) = owner {
        actors.push(o.into_actor(Role::Owner, read.clone()));
    }
    for who in std::iter::once(name).chain(owner_name) {
        for d in kb.high_risk_designations(&who) {
            actors.push(d.attribution.into_actor(Role::HighRiskVendor, read.clone()));
        }
    }
    actors
}

/// What makes two devices the same item: their kind and the manufacturer the knowledge base
/// names, or, for a spelling it does not know, the spelling itself (case and blanks aside).
pub(crate) fn item_key(kb: &Kb, kind: DeviceKind, maker: &str, model: Option<&str>) -> String {
    match kb.device_maker(kind, maker, model) {
        Some(m) => format!("{kind}\u{1f}{}", m.name),
        None => format!(
            "{kind}\u{1f}?{}",
            maker
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        ),
    }
}

/// Collects the `devices` layer from the root's DMI files.
pub(crate) struct DevicesCollector;

impl Collector for DevicesCollector {
    fn collect(&self, cx: &Context<'_>, out: &mut ScanOut) {
        let mut devices = Vec::new();
        let machine = out.machine(cx);
        if let Some(guest) = &machine.guest {
            // A hypervisor's guest: its SMBIOS strings are the hypervisor's, whose vendor made
            // no machine. The machine it runs on is not scanned: no system device.
            let path = guest
                .evidence
                .first()
                .map_or(SYS_VENDOR, |e| e.source.as_str())
                .to_string();
            out.warn(
                codes::HYPERVISOR_GUEST,
                &path,
                format!(
                    "the machine is {}: its system is virtual, so no device maker is recorded, and it holds no raw materials",
                    crate::machine::describe(guest)
                ),
            );
            out.layers.devices = Some(devices);
            return;
        }
        match machine.dmi(DmiField::SysVendor).cloned() {
            Some((vendor, vendor_ev)) => {
                let product = machine.dmi(DmiField::ProductName).cloned();
                let mut read = vec![vendor_ev.clone()];
                read.extend(product.iter().map(|(_, ev)| ev.clone()));
                let model = product.as_ref().map(|(m, _)| m.as_str());
                let actors = actors(cx.kb, DeviceKind::System, &vendor, model, read);
                let models: BTreeMap<String, u64> =
                    product.into_iter().map(|(m, _)| (m, 1)).collect();
                let firmware_date = crate::machine::first_line(cx, out, BIOS_DATE).and_then(|(d, mut ev)| {
                    let date = crate::import::record::firmware_date(&d)?;
                    ev.method = Method::Derived;
                    Some(Fact::new(date, ev))
                });
                devices.push(Device {
                    id: "dev0".to_string(),
                    kind: DeviceKind::System,
                    actors,
                    maker: Fact::new(vendor, vendor_ev),
                    models,
                    firmware_date,
                    hosts: None,
                });
            }
            None => out.warn(
                codes::MISSING_DMI,
                SYS_VENDOR,
                format!("no readable {SYS_VENDOR}: the system's maker is unknown (containers and boards without SMBIOS have none)"),
            ),
        }
        out.layers.devices = Some(devices);
    }
}

#[cfg(test)]
mod tests;
