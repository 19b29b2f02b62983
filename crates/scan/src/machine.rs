//! The scanned machine itself: its SMBIOS strings, and whether it is a hypervisor's guest.
//!
//! Read once per scan, by the first collector that needs it (devices, materials), through the
//! root like every other file:
//!
//! - the DMI strings the kernel exposes under `/sys/class/dmi/id/` (`product_name`,
//!   `sys_vendor`, `board_vendor`, `bios_vendor`, `product_version`);
//! - `/sys/hypervisor/type` (`xen` in a Xen domain), with `/sys/hypervisor/properties/features`
//!   and `/proc/xen/capabilities` to tell Xen's control domain (dom0, which runs on the
//!   machine itself) from its guests;
//! - the `hypervisor` flag of `/proc/cpuinfo`'s `flags` line (x86: CPUID leaf 1, ECX bit 31,
//!   which a hypervisor sets for its guests);
//! - on the live host only, the processor's CPUID signature of the hypervisor
//!   ([`crate::LiveHost::hypervisor_signature`]).
//!
//! Which strings name which hypervisor is the knowledge base's `devices/hypervisors.csv`
//! (systemd-detect-virt's DMI table), the same table imports read. The decision, in order:
//!
//! 1. DMI strings that name a hypervisor (`QEMU`, `VMware, Inc.`, `innotek GmbH`,
//!    `Microsoft Corporation` with `Virtual Machine`, a `Xen` BIOS, ...): its guest.
//! 2. `/sys/hypervisor/type` names one (`xen`): its guest, unless the domain is the control
//!    domain, which is no guest (its DMI strings are the machine's own).
//! 3. The processor's `hypervisor` flag (on the live host, also CPUID leaf 1 itself): a guest,
//!    of the hypervisor whose CPUID signature (leaf `0x40000000`, live host only) the table
//!    names (`KVMKVMKVM`), else of one nothing read names (this is how a VM without SMBIOS
//!    tables, such as Firecracker's, shows).
//!
//! Nothing else makes a guest: a container has no DMI tables of its own and reads the kernel's
//! (its host's), so a container on a physical machine is not one, and on a virtual machine is
//! that machine's guest-ness. A root with none of these files (an image, an Arm board) is not
//! said to be a guest: unknown, not guessed.

use crate::collector::{Context, Machine, ScanOut};
use sovstack_inventory::{Confidence, Evidence, Guest, Method};
use sovstack_kb::{DmiField, DmiStrings};

/// The kernel's copy of the SMBIOS strings.
pub(crate) const DMI_DIR: &str = "/sys/class/dmi/id";
const HYPERVISOR_TYPE: &str = "/sys/hypervisor/type";
const XEN_FEATURES: &str = "/sys/hypervisor/properties/features";
const XEN_CAPABILITIES: &str = "/proc/xen/capabilities";
const CPUINFO: &str = "/proc/cpuinfo";
/// `XENFEAT_dom0` (xen/include/public/features.h): the domain is the hardware domain.
const XENFEAT_DOM0: u32 = 11;

/// Reads the machine's files through the root and decides whether it is a guest.
pub(crate) fn read(cx: &Context<'_>, out: &mut ScanOut) -> Machine {
    let mut machine = Machine::default();
    let mut strings = DmiStrings::default();
    for field in DmiField::ALL {
        let path = format!("{DMI_DIR}/{}", field.file());
        if let Some((value, ev)) = first_line(cx, out, &path) {
            strings.set(field, &value);
            machine.dmi.insert(field, (value, ev));
        }
    }
    let flag = cpuinfo_hypervisor_flag(cx);
    if let Some(m) = cx.kb.hypervisor_from_dmi(&strings) {
        let mut evidence = Vec::new();
        if let Some(f) = m.dmi_field {
            evidence.extend(machine.dmi(f).map(|(_, e)| e.clone()));
        }
        // Hyper-V's rule reads the product name beside the vendor.
        if m.dmi_field == Some(DmiField::SysVendor) {
            evidence.extend(machine.dmi(DmiField::ProductName).map(|(_, e)| e.clone()));
        }
        evidence.push(m.evidence);
        evidence.extend(flag);
        machine.guest = Some(Guest {
            hypervisor: Some(m.name),
            evidence,
        });
        return machine;
    }
    if let Some((value, ev)) = first_line(cx, out, HYPERVISOR_TYPE) {
        if let Some(m) = cx.kb.hypervisor_from_hypervisor_type(&value) {
            if xen_control_domain(cx, out) {
                // Xen's dom0 runs on the machine: its DMI strings and device are the
                // machine's own, and its processor flag (if any) is Xen's paravirtualisation.
                return machine;
            }
            let mut evidence = vec![ev, m.evidence];
            evidence.extend(flag);
            machine.guest = Some(Guest {
                hypervisor: Some(m.name),
                evidence,
            });
            return machine;
        }
    }
    // On the live host, the processor itself: CPUID leaf 1 says whether a hypervisor is
    // present (what the flag shows), and leaf 0x40000000 its signature.
    let signature = cx.live.and_then(|l| l.hypervisor_signature.as_deref());
    let cpuid = signature.map(|sig| Evidence {
        source: "cpuid".to_string(),
        field: Some("leaf 0x40000000 (EBX, ECX, EDX)".to_string()),
        line: None,
        value: Some(sig.to_string()),
        method: Method::Cpuid,
        confidence: Confidence::High,
    });
    if flag.is_none() && cpuid.is_none() {
        return machine;
    }
    let named = signature.and_then(|sig| cx.kb.hypervisor_from_cpuid(sig));
    let mut evidence: Vec<Evidence> = flag.into_iter().chain(cpuid).collect();
    let hypervisor = named.map(|m| {
        evidence.push(m.evidence);
        m.name
    });
    machine.guest = Some(Guest {
        hypervisor,
        evidence,
    });
    machine
}

/// What says that the machine is a guest, for a diagnostic: "a QEMU guest
/// (/sys/class/dmi/id/sys_vendor: QEMU)", "a hypervisor's guest (/proc/cpuinfo:20: `flags` has
/// `hypervisor`)".
pub(crate) fn describe(guest: &Guest) -> String {
    let said = guest
        .evidence
        .iter()
        .filter(|e| !e.source.starts_with("kb:"))
        .map(|e| {
            let at = match e.line {
                Some(l) if e.field.is_some() => format!("{}:{l}", e.source),
                _ => e.source.clone(),
            };
            match (&e.field, &e.value) {
                (Some(f), Some(v)) => format!("{at}: `{f}` has `{v}`"),
                (None, Some(v)) => format!("{at}: {v}"),
                _ => at,
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    format!(
        "a {} guest ({said})",
        guest.hypervisor.as_deref().unwrap_or("hypervisor's")
    )
}

/// The first line of a small text file (a DMI attribute, a sysfs value), trimmed, with the
/// evidence of its read; `None` when absent, unreadable or blank.
pub(crate) fn first_line(
    cx: &Context<'_>,
    out: &mut ScanOut,
    path: &str,
) -> Option<(String, Evidence)> {
    let file = match cx.root.read(path) {
        Ok(f) => f,
        Err(err) => {
            out.read_failed(&err, None);
            return None;
        }
    };
    let text = out.text(&file);
    let value = text.lines().next().unwrap_or_default().trim().to_string();
    (!value.is_empty()).then(|| {
        let ev = Evidence {
            source: file.path.clone(),
            field: None,
            line: Some(1),
            value: Some(value.clone()),
            method: Method::FileField,
            confidence: Confidence::High,
        };
        (value, ev)
    })
}

/// The evidence of the `hypervisor` flag on the first logical CPU's `flags` line of
/// `/proc/cpuinfo` (read with the processor layer's parser), if set. Read quietly: the
/// processor layer reports what is wrong with the file.
fn cpuinfo_hypervisor_flag(cx: &Context<'_>) -> Option<Evidence> {
    let file = cx.root.read(CPUINFO).ok()?;
    let info = crate::parse::cpuinfo(&String::from_utf8_lossy(&file.bytes));
    let flags = info.cpus.first()?.get("flags")?;
    flags
        .value
        .split_whitespace()
        .any(|f| f == "hypervisor")
        .then(|| Evidence {
            source: file.path.clone(),
            field: Some("flags".to_string()),
            line: Some(flags.line),
            value: Some("hypervisor".to_string()),
            method: Method::FileField,
            confidence: Confidence::High,
        })
}

/// Whether this Xen domain is the control domain: `XENFEAT_dom0` in
/// `/sys/hypervisor/properties/features` (hex), else `control_d` among
/// `/proc/xen/capabilities`' words (systemd's test, in its order).
fn xen_control_domain(cx: &Context<'_>, out: &mut ScanOut) -> bool {
    if let Some((features, _)) = first_line(cx, out, XEN_FEATURES) {
        if let Ok(bits) = u64::from_str_radix(features.trim_start_matches("0x"), 16) {
            return bits & (1 << XENFEAT_DOM0) != 0;
        }
    }
    first_line(cx, out, XEN_CAPABILITIES)
        .is_some_and(|(caps, _)| caps.split(',').any(|c| c.trim() == "control_d"))
}

impl ScanOut {
    /// The scanned machine (its DMI strings, whether it is a hypervisor's guest), read on first
    /// use.
    pub fn machine(&mut self, cx: &Context<'_>) -> Machine {
        if self.machine.is_none() {
            let m = read(cx, self);
            self.machine = Some(m);
        }
        self.machine.clone().unwrap_or_default()
    }
}
