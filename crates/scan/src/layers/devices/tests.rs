//! The devices collector on this machine's own `/sys/class/dmi/id`, and on roots holding the
//! SMBIOS strings of real machines.

use super::codes;
use crate::testutil::{codes as diag_codes, kb, names, scan_dir};
use sovstack_inventory::{Confidence, DeviceKind, Role};
use std::path::Path;

/// A root whose `/sys/class/dmi/id` holds `vendor` and `product`.
fn dmi_root(vendor: &str, product: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let id = dir.path().join("sys/class/dmi/id");
    std::fs::create_dir_all(&id).unwrap();
    // The kernel ends every DMI attribute with a newline.
    std::fs::write(id.join("sys_vendor"), format!("{vendor}\n")).unwrap();
    if let Some(p) = product {
        std::fs::write(id.join("product_name"), format!("{p}\n")).unwrap();
    }
    dir
}

#[test]
fn this_machine() {
    let inv = scan_dir(Path::new("/"), &["devices"], None);
    let devices = inv.layers.devices.as_ref().expect("the layer is present");
    let cpu_flag = std::fs::read_to_string("/proc/cpuinfo").is_ok_and(|c| {
        c.lines()
            .find(|l| l.starts_with("flags"))
            .is_some_and(|l| l.split_whitespace().any(|f| f == "hypervisor"))
    });
    if let Some(guest) = &inv.guest {
        // A virtual machine (the one these tests were written on: a KVM guest with no SMBIOS
        // tables and the `hypervisor` flag): no device, and what said so is on this machine.
        assert!(devices.is_empty(), "{devices:?}");
        assert!(diag_codes(&inv).contains(&codes::HYPERVISOR_GUEST));
        for e in guest.evidence.iter().filter(|e| !e.source.starts_with("kb:")) {
            let text = std::fs::read_to_string(&e.source).unwrap();
            assert!(text.contains(e.value.as_deref().unwrap()), "{e:?}");
        }
        if guest.hypervisor.is_none() {
            assert!(cpu_flag);
        }
        return;
    }
    assert!(!cpu_flag, "the hypervisor flag makes a guest");
    match std::fs::read_to_string("/sys/class/dmi/id/sys_vendor") {
        Ok(vendor) if !vendor.trim().is_empty() => {
            assert_eq!(devices.len(), 1);
            let d = &devices[0];
            assert_eq!(d.kind, DeviceKind::System);
            assert_eq!(d.maker.value, vendor.trim());
            assert_eq!(d.maker.evidence[0].source, "/sys/class/dmi/id/sys_vendor");
            let expected = kb()
                .device_maker(
                    DeviceKind::System,
                    vendor.trim(),
                    std::fs::read_to_string("/sys/class/dmi/id/product_name")
                        .ok()
                        .as_deref()
                        .map(str::trim),
                )
                .map(|a| a.name);
            assert_eq!(names(&d.actors, Role::Manufacturer), [expected.as_deref()]);
            assert!(!diag_codes(&inv).contains(&codes::MISSING_DMI));
        }
        // A container on a physical machine without SMBIOS: no item, a diagnostic, nothing
        // guessed.
        _ => {
            assert!(devices.is_empty(), "{devices:?}");
            assert!(diag_codes(&inv).contains(&codes::MISSING_DMI));
        }
    }
}

/// The SMBIOS system manufacturer and product of the laptop GLPI's `computer_1.json` example was
/// inventoried on (`content.bios.smanufacturer`, `smodel`), laid out as the kernel exposes them.
#[test]
fn a_dell_laptop() {
    let root = dmi_root("Dell Inc.", Some("XPS 13 9350"));
    // Its firmware date, `bios.bdate` 2016-02-06 there, as the kernel prints SMBIOS's.
    std::fs::write(
        root.path().join("sys/class/dmi/id/bios_date"),
        "02/06/2016\n",
    )
    .unwrap();
    let inv = scan_dir(root.path(), &["devices"], None);
    let d = &inv.layers.devices.as_ref().unwrap()[0];
    let date = d.firmware_date.as_ref().unwrap();
    assert_eq!(date.value, "2016-02-06");
    assert_eq!(date.evidence[0].source, "/sys/class/dmi/id/bios_date");
    assert_eq!(date.evidence[0].value.as_deref(), Some("02/06/2016"));
    assert_eq!(d.id, "dev0");
    assert_eq!(d.maker.value, "Dell Inc.");
    assert_eq!(d.maker.evidence[0].line, Some(1));
    assert_eq!(d.models.keys().collect::<Vec<_>>(), ["XPS 13 9350"]);
    assert_eq!(d.hosts, None);
    assert_eq!(
        names(&d.actors, Role::Manufacturer),
        [Some("Dell Technologies")]
    );
    // Dell answers to no parent in the knowledge base, and no authority names it.
    assert!(names(&d.actors, Role::Owner).is_empty());
    assert!(names(&d.actors, Role::HighRiskVendor).is_empty());
    let m = &d.actors[0];
    assert_eq!(m.country.as_ref().unwrap().as_str(), "US");
    assert_eq!(m.evidence[0].source, "/sys/class/dmi/id/sys_vendor");
    assert!(m
        .evidence
        .iter()
        .any(|e| e.source == "kb:devices/makers.csv"));
    assert!(inv.diagnostics.is_empty(), "{:?}", inv.diagnostics);
}

#[test]
fn placeholders_stay_unknown_and_owners_and_designations_are_actors() {
    // The firmware of many white-box boards leaves the field at the BIOS vendor's default.
    let root = dmi_root("To Be Filled By O.E.M.", None);
    let inv = scan_dir(root.path(), &["devices"], None);
    let d = &inv.layers.devices.as_ref().unwrap()[0];
    assert_eq!(names(&d.actors, Role::Manufacturer), [None]);
    assert_eq!(d.actors.len(), 1);
    assert!(d.models.is_empty());

    let k = kb();
    let read = |v: &str| {
        vec![sovstack_inventory::Evidence {
            source: "s".into(),
            field: None,
            line: None,
            value: Some(v.into()),
            method: sovstack_inventory::Method::FileField,
            confidence: Confidence::High,
        }]
    };
    let actors = super::actors(k, DeviceKind::Network, "Huawei", None, read("Huawei"));
    assert_eq!(
        names(&actors, Role::Manufacturer),
        [Some("Huawei Technologies")]
    );
    assert_eq!(
        names(&actors, Role::HighRiskVendor),
        [Some("Huawei Technologies")]
    );
    let h = actors
        .iter()
        .find(|a| a.role == Role::HighRiskVendor)
        .unwrap();
    assert!(h
        .evidence
        .iter()
        .any(|e| e.source == "kb:devices/high-risk-vendors.csv"));
    let actors = super::actors(k, DeviceKind::Network, "H3C", None, read("H3C"));
    assert_eq!(names(&actors, Role::Owner), [Some("Tsinghua Unigroup")]);
    let actors = super::actors(k, DeviceKind::Printer, "Lexmark", None, read("Lexmark"));
    assert_eq!(names(&actors, Role::Owner), [Some("Xerox Holdings")]);
    // Spellings of one maker are one item; unknown spellings are items of their own.
    assert_eq!(
        super::item_key(k, DeviceKind::System, "DELL", None),
        super::item_key(k, DeviceKind::System, "Dell Inc.", None)
    );
    assert_ne!(
        super::item_key(k, DeviceKind::System, "Dell Inc.", None),
        super::item_key(k, DeviceKind::Network, "Dell Inc.", None)
    );
    assert_eq!(
        super::item_key(k, DeviceKind::System, "Default  string", None),
        super::item_key(k, DeviceKind::System, "default string", None)
    );
}
