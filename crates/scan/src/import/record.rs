//! [`HostRecord`]: what one imported inventory file says about its host, whatever its format.
//! Each parser (`parse_glpi_json.rs`, `parse_fusion_xml.rs`) fills one; `fleet.rs` attributes
//! and aggregates them. A record keeps, for every value, the field it was read from (and the
//! line, where the format gives one), so the evidence of an item names the very field.

use std::collections::BTreeMap;

/// A value and where in its file it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The value, trimmed; never empty.
    pub value: String,
    /// The field's path in the document (`content.cpus[0].name`, `CONTENT/CPUS[0]/NAME`).
    pub field: String,
    /// 1-based line, where the format gives one (XML).
    pub line: Option<u32>,
}

impl Located {
    /// `Some` when `value` has something besides blanks.
    pub fn new(value: &str, field: String, line: Option<u32>) -> Option<Located> {
        let value = value.trim();
        (!value.is_empty()).then(|| Located {
            value: value.to_string(),
            field,
            line,
        })
    }
}

/// One processor entry (a socket or a package), as the agent reported it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CpuRecord {
    /// `manufacturer` (`Intel`, `AMD`, `Qualcomm`).
    pub manufacturer: Option<Located>,
    /// `name`, the model string (`Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz`).
    pub name: Option<Located>,
    /// `arch`, which the agents fill loosely (`i386` for 64-bit parts).
    pub arch: Option<Located>,
    /// The CPUID family, in decimal (`familynumber`, `FAMILYNUMBER`: `6`, `26`).
    pub family: Option<Located>,
    /// The CPUID model, in decimal (`model`, `MODEL`: `78`).
    pub model: Option<Located>,
}

/// The operating system, as the agent reported it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OsRecord {
    /// `name` (`Debian GNU/Linux`, `Fedora`; on Linux, os-release's `NAME`).
    pub name: Option<Located>,
    /// `full_name` (`Debian GNU/Linux 12 (bookworm)`).
    pub full_name: Option<Located>,
    /// `version` (`12.11`, `31 (Workstation Edition)`).
    pub version: Option<Located>,
    /// `arch` (`x86_64`, `arm64-v8a,armeabi-v7a,armeabi`).
    pub arch: Option<Located>,
    /// `kernel_name` (`linux`).
    pub kernel_name: Option<Located>,
    /// `kernel_version` (`6.1.0-18-amd64`; Android agents write the whole `uname -a` line).
    pub kernel_version: Option<Located>,
}

/// The maker and model of a device: a computer's system (BIOS `smanufacturer`, `smodel`), a
/// network device's, a printer's.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MakerRecord {
    /// The manufacturer as reported (`Dell Inc.`, `Cisco`).
    pub manufacturer: Option<Located>,
    /// The model as reported.
    pub model: Option<Located>,
}

/// One host's inventory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HostRecord {
    /// The agent's device id (`deviceid`), which names a host across its inventories.
    pub device_id: Option<String>,
    /// `itemtype` (`Computer`, `Phone`, `NetworkEquipment`, `Printer`), when given.
    pub kind: Option<String>,
    /// Host or device name.
    pub name: Option<String>,
    /// `accesslog.logdate`, when the inventory was collected, if well formed.
    pub collected_at: Option<String>,
    /// A `logdate` that is not `YYYY-MM-DD HH:MM:SS`, kept for the diagnostic.
    pub bad_collected_at: Option<String>,
    /// Whether the file is a partial inventory (GLPI `partial: true`), which updates only some
    /// sections of a host GLPI already holds.
    pub partial: bool,
    /// Labels (`tag`, `location`).
    pub labels: BTreeMap<String, String>,
    /// Processor entries, in file order.
    pub cpus: Vec<CpuRecord>,
    /// The operating system.
    pub os: Option<OsRecord>,
    /// The system's maker (computers, phones) or the device's (network equipment, printers).
    pub maker: Option<MakerRecord>,
    /// The firmware's (BIOS, UEFI) release date as the file writes it (GLPI `bios.bdate`,
    /// FusionInventory `BIOS/BDATE`), whatever its form; [`firmware_date`] reads it.
    pub firmware_date: Option<Located>,
    /// What the agent says the machine is (`hardware.vmsystem`, `HARDWARE/VMSYSTEM`):
    /// `Physical`, or the hypervisor (`VirtualBox`, `VMware`, `QEMU`, ...).
    pub vmsystem: Option<Located>,
    /// One field of each battery the agent lists (GLPI `batteries[]`, FusionInventory
    /// `BATTERIES`): its chemistry, else its name, maker, capacity or serial.
    pub batteries: Vec<Located>,
    /// One field of each monitor the agent lists (GLPI `monitors[]`, FusionInventory
    /// `MONITORS`): its name, else its caption, maker or serial.
    pub monitors: Vec<Located>,
    /// The SMBIOS chassis type (GLPI `hardware.chassis_type`, FusionInventory
    /// `HARDWARE/CHASSIS_TYPE`: `Laptop`, `Notebook`, `Desktop`, `Other`).
    pub chassis: Option<Located>,
}

/// Whether the agent says the machine is a hypervisor's guest, and which: the hypervisor's
/// name, the fields that say so, and the knowledge-base row that names it.
pub struct GuestOf<'r> {
    /// The hypervisor as `devices/hypervisors.csv` names it.
    pub name: String,
    /// The fields read.
    pub read: Vec<&'r Located>,
    /// The table row.
    pub row: sovstack_inventory::Evidence,
}

/// The SMBIOS chassis types (DMTF DSP0134 7.4.1, as GLPI and FusionInventory name them) of
/// machines built with their own screen: portables, tablets and all-in-ones.
const BUILT_IN_DISPLAY: &[&str] = &[
    "portable",
    "laptop",
    "notebook",
    "hand held",
    "sub notebook",
    "all in one",
    "tablet",
    "convertible",
    "detachable",
];

impl HostRecord {
    /// The component classes (`materials/components.csv`) the inventory shows the machine
    /// holds, each with the fields that show it: a `battery` for each battery listed; a
    /// `display` for each monitor listed and for a chassis with a built-in screen
    /// ([`BUILT_IN_DISPLAY`]). Sorted by class.
    pub fn components(&self) -> Vec<(&'static str, Vec<&Located>)> {
        let displays: Vec<&Located> = self
            .monitors
            .iter()
            .chain(
                self.chassis
                    .iter()
                    .filter(|c| BUILT_IN_DISPLAY.contains(&c.value.to_ascii_lowercase().as_str())),
            )
            .collect();
        [
            ("battery", self.batteries.iter().collect()),
            ("display", displays),
        ]
        .into_iter()
        .filter(|(_, v): &(_, Vec<&Located>)| !v.is_empty())
        .collect()
    }
}

impl HostRecord {
    /// Whether the machine is a hypervisor's guest, by the knowledge base's one table
    /// (`devices/hypervisors.csv`, which live scans read too): the agent's `vmsystem` verdict
    /// when it gives one (`VirtualBox`, `VMware`, `QEMU`, `Hyper-V`, `Xen`, `Virtual Machine`,
    /// the names the GLPI agent's `Vmsystem.pm` gives a guest), else the SMBIOS system maker
    /// and model by systemd's DMI vendor table (`QEMU`, `innotek GmbH`, `Microsoft
    /// Corporation` with `Virtual Machine`, ...), as a live scan reads them: an agent that
    /// wrote no verdict, or one that does not name a hypervisor (`Physical`, where its rules
    /// and systemd's differ, as on `Amazon EC2`). A guest's firmware is the hypervisor's
    /// virtual BIOS (VirtualBox writes 12/01/2006 on every guest), whose date says nothing of
    /// any machine's age. A container (`Docker`, `lxc`, `Virtuozzo`, `BSDJail`, ...) is no
    /// guest as such: it reads the SMBIOS tables of the machine it runs on, which decide (a
    /// container on a physical machine keeps that machine's device; on a virtual machine it
    /// is that machine's guest).
    pub fn guest_of(&self, kb: &sovstack_kb::Kb) -> Option<GuestOf<'_>> {
        if let Some(v) = &self.vmsystem {
            if let Some(m) = kb.hypervisor_from_vmsystem(&v.value) {
                return Some(GuestOf {
                    name: m.name,
                    read: vec![v],
                    row: m.evidence,
                });
            }
        }
        let maker = self.maker.as_ref()?;
        let vendor = maker.manufacturer.as_ref()?;
        let mut dmi = sovstack_kb::DmiStrings::default();
        dmi.set(sovstack_kb::DmiField::SysVendor, &vendor.value);
        if let Some(m) = &maker.model {
            dmi.set(sovstack_kb::DmiField::ProductName, &m.value);
        }
        let m = kb.hypervisor_from_dmi(&dmi)?;
        let read = match m.dmi_field {
            Some(sovstack_kb::DmiField::ProductName) => maker.model.iter().collect(),
            _ => std::iter::once(vendor)
                .chain(maker.model.as_ref())
                .collect(),
        };
        Some(GuestOf {
            name: m.name,
            read,
            row: m.evidence,
        })
    }
}

/// A firmware release date as agents write it, as `YYYY-MM-DD`: GLPI's `2016-02-06` as is,
/// and SMBIOS's `MM/DD/YYYY` (what dmidecode and FusionInventory print: `02/06/2016`)
/// reordered. `None` for any other form or a day that does not exist: unknown, not guessed.
pub fn firmware_date(s: &str) -> Option<String> {
    let s = s.trim();
    let iso = match s.split('/').collect::<Vec<_>>().as_slice() {
        [m, d, y] if m.len() == 2 && d.len() == 2 && y.len() == 4 => format!("{y}-{m}-{d}"),
        _ => s.to_string(),
    };
    sovstack_kb::is_date(&iso).then_some(iso)
}

/// Whether `s` is `YYYY-MM-DD HH:MM:SS`, the agents' `logdate`, which then sorts as text.
pub fn is_logdate(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            10 => c == b' ',
            13 | 16 => c == b':',
            _ => c.is_ascii_digit(),
        })
}

impl HostRecord {
    /// Sets `collected_at` from a `logdate`, or keeps it aside when malformed.
    pub fn set_logdate(&mut self, logdate: &str) {
        let logdate = logdate.trim();
        if is_logdate(logdate) {
            self.collected_at = Some(logdate.to_string());
        } else if !logdate.is_empty() {
            self.bad_collected_at = Some(logdate.to_string());
        }
    }

    /// Adds a label, ignoring blanks.
    pub fn label(&mut self, key: &str, value: &str) {
        let value = value.trim();
        if !value.is_empty() {
            self.labels.insert(key.to_string(), value.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logdates() {
        for (s, ok) in [
            ("2020-06-12 14:19:54", true),
            ("2019-54-17 10:54:37", true), // the shape only: agents' clocks are their own
            ("2020-06-12T14:19:54", false),
            ("2020-06-12 14:19", false),
            ("", false),
            ("２020-06-12 14:19:54", false),
        ] {
            assert_eq!(is_logdate(s), ok, "{s}");
        }
    }
}

#[cfg(test)]
mod firmware_date_tests {
    use super::firmware_date;

    #[test]
    fn firmware_dates_are_read_in_both_forms() {
        assert_eq!(firmware_date("2016-02-06").as_deref(), Some("2016-02-06"));
        // dmidecode's `Release Date: 02/06/2016` (tests/fixtures/dmidecode) is month first.
        assert_eq!(firmware_date(" 02/06/2016 ").as_deref(), Some("2016-02-06"));
        for bad in [
            "06.02.2016",
            "2/6/2016",
            "13/01/2016",
            "2016-02-30",
            "",
            "Not Specified",
        ] {
            assert_eq!(firmware_date(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod guest_tests {
    use super::*;
    use crate::testutil::kb;

    fn host(vmsystem: Option<&str>, maker: Option<(&str, &str)>) -> HostRecord {
        HostRecord {
            vmsystem: vmsystem.and_then(|v| Located::new(v, "HARDWARE/VMSYSTEM".into(), None)),
            maker: maker.map(|(m, p)| MakerRecord {
                manufacturer: Located::new(m, "BIOS/SMANUFACTURER".into(), None),
                model: Located::new(p, "BIOS/SMODEL".into(), None),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn hypervisor_guests_are_told_from_machines_and_containers() {
        // Rudder's Windows 11 capture says VirtualBox; FusionInventory in this test machine's
        // container says Docker; GLPI's Windows 10 capture says Physical.
        for (v, guest) in [
            (Some("VirtualBox"), Some("VirtualBox")),
            (Some("Hyper-V"), Some("Hyper-V")),
            (Some("Virtual Machine"), Some("Virtual Machine")),
            (Some("QEMU"), Some("QEMU")),
            (Some("Physical"), None),
            (Some("Docker"), None),
            (Some("lxc"), None),
            (None, None),
        ] {
            let h = host(v, None);
            assert_eq!(h.guest_of(kb()).map(|g| g.name).as_deref(), guest, "{v:?}");
        }
        // Without the agent's verdict, the SMBIOS strings decide, by the table live scans
        // read: virt-what's Hyper-V and ESX 4.1 test machines, and a Surface Go 2 (a machine
        // Microsoft made).
        for (maker, guest) in [
            (
                ("Microsoft Corporation", "Virtual Machine"),
                Some("Hyper-V"),
            ),
            (("VMware, Inc.", "VMware Virtual Platform"), Some("VMware")),
            (("Microsoft Corporation", "Surface Go 2"), None),
        ] {
            let h = host(None, Some(maker));
            let g = h.guest_of(kb());
            assert_eq!(g.as_ref().map(|g| g.name.as_str()), guest, "{maker:?}");
            if let Some(g) = g {
                assert!(g.read[0].field.starts_with("BIOS/S"));
                assert_eq!(g.row.source, "kb:devices/hypervisors.csv");
            }
        }
        // A container reads its machine's SMBIOS strings, which decide: on a physical
        // machine it is no guest, on a QEMU one it is.
        let h = host(
            Some("lxc"),
            Some(("QEMU", "Standard PC (i440FX + PIIX, 1996)")),
        );
        assert_eq!(h.guest_of(kb()).map(|g| g.name).as_deref(), Some("QEMU"));
        let h = host(Some("Docker"), Some(("Dell Inc.", "PowerEdge R640")));
        assert!(h.guest_of(kb()).is_none());
    }
}
