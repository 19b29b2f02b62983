//! Hypervisor guests in scans of a root and of this host (inventory 1.2.12's `guest`): a
//! virtual machine's SMBIOS strings name the hypervisor, whose vendor made no machine, so it
//! has no system device and holds no raw materials; a physical machine keeps its device, made
//! by its vendor. Real roots: virt-what's test machines, the development machine's capture and
//! this machine itself (see crates/scan/testdata/README.md).

use crate::util::*;

const LAYERS: &str = "processor,devices,materials";

fn scan(root: &std::path::Path) -> serde_json::Value {
    run_json(
        sovstack()
            .args(["scan", "--layers", LAYERS, "--root"])
            .arg(root),
    )
}

fn codes(inv: &serde_json::Value) -> Vec<&str> {
    inv["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

#[test]
fn guests_have_no_device_and_no_materials_and_machines_keep_theirs() {
    for (case, hypervisor, source) in [
        (
            "virt-esx4.1",
            Some("VMware"),
            "/sys/class/dmi/id/product_name",
        ),
        (
            "virt-hyperv",
            Some("Hyper-V"),
            "/sys/class/dmi/id/sys_vendor",
        ),
        (
            "virt-xen-domu-hvm",
            Some("Xen"),
            "/sys/class/dmi/id/bios_vendor",
        ),
        ("virt-xen-domu-pv", Some("Xen"), "/sys/hypervisor/type"),
        ("x86-amd-epyc-debian12", None, "/proc/cpuinfo"),
    ] {
        let inv = scan(&fixture(case));
        let guest = &inv["guest"];
        assert_eq!(guest["hypervisor"].as_str(), hypervisor, "{case}");
        assert_eq!(guest["evidence"][0]["source"], source, "{case}");
        assert_eq!(inv["layers"]["devices"], serde_json::json!([]), "{case}");
        assert_eq!(inv["layers"]["materials"], serde_json::json!([]), "{case}");
        assert!(!inv["layers"]["processor"].as_array().unwrap().is_empty());
        assert_eq!(codes(&inv), ["scan/hypervisor-guest"], "{case}");
        // Judged: no device maker, no materials finding, and the diagnostic in the table.
        let (code, table, err) = run(sovstack()
            .args(["audit", "--layers", LAYERS, "--width", "200", "--root"])
            .arg(fixture(case)));
        assert_eq!(code, 0, "{case}: {err}");
        assert!(!table.contains("na.materials.concentration"), "{case}");
        assert!(
            table.contains("scan/hypervisor-guest: the machine is a"),
            "{case}: {table}"
        );
    }
    // Physical machines: a ThinkPad, Xen's control domain on a MacBook Pro, an Oracle server
    // (whose `Oracle Corporation` systemd's table would read as VirtualBox's).
    for (case, maker) in [
        ("virt-baremetal-thinkpad-t510", "Lenovo Group"),
        ("virt-xen-dom0-macbookpro", "Apple Inc."),
        ("dmi-oracle-server-x5-2", "Oracle Corporation"),
    ] {
        let inv = scan(&fixture(case));
        assert!(inv.get("guest").is_none(), "{case}");
        let devices = inv["layers"]["devices"].as_array().unwrap();
        assert_eq!(devices.len(), 1, "{case}");
        let makers: Vec<&str> = devices[0]["actors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["role"] == "manufacturer")
            .filter_map(|a| a["name"].as_str())
            .collect();
        assert_eq!(makers, [maker], "{case}");
        assert!(!inv["layers"]["materials"].as_array().unwrap().is_empty());
        assert!(!codes(&inv).contains(&"scan/hypervisor-guest"), "{case}");
    }
    // Containers read their machine's tables; with none and no hypervisor flag, no guest.
    for case in ["virt-lxc", "virt-docker"] {
        let inv = scan(&fixture(case));
        assert!(inv.get("guest").is_none(), "{case}");
        assert!(codes(&inv).contains(&"scan/missing-dmi"), "{case}");
    }
}

/// This machine: a guest exactly when its own files say so (the machine these tests were
/// written on is a KVM guest with the `hypervisor` flag and no SMBIOS tables), and then its
/// audit has no device and no materials, and still succeeds.
#[test]
fn this_host_is_a_guest_when_its_files_say_so() {
    let inv = run_json(sovstack().args(["scan", "--layers", LAYERS]));
    assert_eq!(inv["live_host"], true);
    let flag = std::fs::read_to_string("/proc/cpuinfo").is_ok_and(|c| {
        c.lines()
            .find(|l| l.starts_with("flags"))
            .is_some_and(|l| l.split_whitespace().any(|f| f == "hypervisor"))
    });
    let dmi = |f: &str| std::fs::read_to_string(format!("/sys/class/dmi/id/{f}")).ok();
    let dmi_vendor = dmi("sys_vendor");
    if flag {
        assert!(inv.get("guest").is_some(), "{inv:#}");
    }
    match inv.get("guest") {
        Some(g) => {
            for e in g["evidence"].as_array().unwrap() {
                let source = e["source"].as_str().unwrap();
                if source == "cpuid" {
                    // The processor's own answer (leaf 0x40000000), named by systemd's table.
                    assert_eq!(e["method"], "cpuid");
                } else if !source.starts_with("kb:") {
                    let text = std::fs::read_to_string(source).unwrap();
                    assert!(text.contains(e["value"].as_str().unwrap()), "{e}");
                }
            }
            assert_eq!(inv["layers"]["devices"], serde_json::json!([]));
            assert_eq!(inv["layers"]["materials"], serde_json::json!([]));
        }
        None => assert!(dmi_vendor.is_some() || !flag),
    }
    let report = run_json(sovstack().args(["audit", "--format", "json"]));
    // The report's materials section is there exactly for a physical machine.
    assert_eq!(
        report.get("materials").is_some(),
        inv.get("guest").is_none(),
        "{report:#}"
    );
}
