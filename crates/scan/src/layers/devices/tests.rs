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
        for e in guest
            .evidence
            .iter()
            .filter(|e| !e.source.starts_with("kb:"))
        {
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

/// virt-what's test roots (real `/proc/cpuinfo`, `/sys/hypervisor`, `/proc/xen` files of
/// virtual and physical machines, and their `dmidecode` output, from which `sys/class/dmi/id`
/// was written; `testdata/README.md`), this development machine's capture (a KVM guest with no
/// SMBIOS tables), and a physical desktop's `/proc/cpuinfo`: each guest is told with its
/// hypervisor and has no device and no materials; each physical machine keeps its device,
/// made by its vendor, and its materials; containers are not guests.
#[test]
fn guests_and_machines() {
    use crate::layers::materials::codes::NO_HARDWARE;
    // (case, hypervisor (`Some(None)`: a guest of an unnamed one), the file that says so,
    // device maker)
    type Case<'a> = (&'a str, Option<Option<&'a str>>, &'a str, Option<&'a str>);
    let cases: &[Case] = &[
        // Old SeaBIOS under QEMU/KVM wrote `Bochs`; systemd names it so.
        (
            "virt-kvm",
            Some(Some("Bochs")),
            "/sys/class/dmi/id/product_name",
            None,
        ),
        (
            "virt-esx4.1",
            Some(Some("VMware")),
            "/sys/class/dmi/id/product_name",
            None,
        ),
        (
            "virt-hyperv",
            Some(Some("Hyper-V")),
            "/sys/class/dmi/id/sys_vendor",
            None,
        ),
        (
            "virt-parallels-desktop",
            Some(Some("Parallels")),
            "/sys/class/dmi/id/product_name",
            None,
        ),
        // Red Hat's HVM domU: the system says `Red Hat`, the BIOS `Xen`.
        (
            "virt-xen-domu-hvm",
            Some(Some("Xen")),
            "/sys/class/dmi/id/bios_vendor",
            None,
        ),
        // A paravirtualised domU has no SMBIOS tables: /sys/hypervisor/type says xen.
        (
            "virt-xen-domu-pv",
            Some(Some("Xen")),
            "/sys/hypervisor/type",
            None,
        ),
        ("x86-amd-epyc-debian12", Some(None), "/proc/cpuinfo", None),
        // Xen's control domain on a MacBook Pro: /sys/hypervisor/type says xen, and
        // /proc/xen/capabilities `control_d`; the machine is Apple's.
        ("virt-xen-dom0-macbookpro", None, "", Some("Apple Inc.")),
        (
            "virt-baremetal-thinkpad-t510",
            None,
            "",
            Some("Lenovo Group"),
        ),
        // An Oracle server's DMI strings (fusioninventory-agent's dmidecode capture): systemd
        // would read `Oracle Corporation` as VirtualBox; the machine is Oracle's.
        (
            "dmi-oracle-server-x5-2",
            None,
            "",
            Some("Oracle Corporation"),
        ),
        // Containers: no SMBIOS of their own, no hypervisor flag: not guests, maker unknown.
        ("virt-lxc", None, "", None),
        ("virt-docker", None, "", None),
        ("x86-intel-pentium-g640", None, "", None),
    ];
    for &(case, hypervisor, said_by, maker) in cases {
        let inv = crate::testutil::scan_fixture(case, &["processor", "devices", "materials"], None);
        let devices = inv.layers.devices.as_ref().unwrap();
        let materials = inv.layers.materials.as_ref().unwrap();
        let codes = diag_codes(&inv);
        assert_eq!(
            inv.guest.as_ref().map(|g| g.hypervisor.as_deref()),
            hypervisor,
            "{case}"
        );
        if let Some(g) = &inv.guest {
            assert_eq!(g.evidence[0].source, said_by, "{case}");
            assert!(devices.is_empty(), "{case}: {devices:?}");
            assert!(materials.is_empty(), "{case}");
            assert!(codes.contains(&codes::HYPERVISOR_GUEST), "{case}");
            assert!(!codes.contains(&codes::MISSING_DMI), "{case}");
            if g.hypervisor.is_some() {
                assert!(g
                    .evidence
                    .iter()
                    .any(|e| e.source == "kb:devices/hypervisors.csv"));
            }
            continue;
        }
        assert!(!codes.contains(&codes::HYPERVISOR_GUEST), "{case}");
        match maker {
            Some(m) => {
                assert_eq!(devices.len(), 1, "{case}");
                assert_eq!(names(&devices[0].actors, Role::Manufacturer), [Some(m)]);
                assert!(!materials.is_empty(), "{case}");
            }
            None => {
                assert!(devices.is_empty(), "{case}");
                assert!(codes.contains(&codes::MISSING_DMI), "{case}");
                // The processor alone still holds its logic chip's materials, when there is one.
                let has_cpu = !inv.layers.processor.as_ref().unwrap().is_empty();
                assert_eq!(!materials.is_empty(), has_cpu, "{case}");
                assert_eq!(codes.contains(&NO_HARDWARE), !has_cpu, "{case}");
            }
        }
    }
}

/// No other fixture root is taken for a guest: the real machines under `testdata/` (phones,
/// boards, servers, desktops) stay machines.
#[test]
fn only_the_guests_among_the_fixture_roots_are_guests() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut guests = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if !p.is_dir() {
            continue;
        }
        let inv = scan_dir(&p, &["devices"], None);
        if inv.guest.is_some() {
            guests.push(p.file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    guests.sort();
    assert_eq!(
        guests,
        [
            "virt-esx4.1",
            "virt-hyperv",
            "virt-kvm",
            "virt-parallels-desktop",
            "virt-xen-domu-hvm",
            "virt-xen-domu-pv",
            "x86-amd-epyc-debian12",
        ]
    );
}

/// The `sys/class/dmi/id` files of the virt-what roots are what their `dmidecode` printed, as
/// the kernel maps SMBIOS to them (drivers/firmware/dmi-id.c: type 0 Vendor and Release Date,
/// type 1 Manufacturer, Product Name and Version, type 2 Manufacturer), a string dmidecode
/// prints `Not Specified` being absent.
#[test]
fn the_dmi_files_are_their_dmidecode_output() {
    let map = [
        ("BIOS Information", "Vendor", "bios_vendor"),
        ("BIOS Information", "Release Date", "bios_date"),
        ("System Information", "Manufacturer", "sys_vendor"),
        ("System Information", "Product Name", "product_name"),
        ("System Information", "Version", "product_version"),
        ("Base Board Information", "Manufacturer", "board_vendor"),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut checked = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let root = e.unwrap().path();
        let Ok(dump) = std::fs::read_to_string(root.join("sbin/dmidecode")) else {
            continue;
        };
        let mut want = std::collections::BTreeMap::new();
        let mut section = "";
        for line in dump.lines() {
            if !line.starts_with(['\t', ' ']) {
                section = line.trim();
            } else if let Some((k, v)) = line.strip_prefix('\t').and_then(|l| l.split_once(": ")) {
                for (s, key, file) in map {
                    if s == section && key == k && v != "Not Specified" {
                        want.entry(file).or_insert(format!("{v}\n"));
                    }
                }
            }
        }
        let id = root.join("sys/class/dmi/id");
        let mut got = std::collections::BTreeMap::new();
        for e in std::fs::read_dir(&id).into_iter().flatten() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let file = map.iter().find(|m| m.2 == name).expect("a mapped file").2;
            got.insert(file, std::fs::read_to_string(e.path()).unwrap());
        }
        assert_eq!(got, want, "{}", root.display());
        checked += 1;
    }
    assert_eq!(checked, 10);
}
