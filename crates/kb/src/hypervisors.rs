//! Hypervisors: `devices/hypervisors.csv`, the one definition of which strings say that a
//! machine is a hypervisor's guest, and of which hypervisor. A scanned root's SMBIOS strings
//! (`/sys/class/dmi/id/*`), its `/sys/hypervisor/type` and an imported inventory's agent
//! verdict (GLPI `hardware.vmsystem`, FusionInventory `HARDWARE/VMSYSTEM`) or BIOS section are
//! all read through it.
//!
//! A row has a `field`:
//!
//! - `dmi`: systemd-detect-virt's rule. The DMI strings are tried in systemd's order
//!   (`product_name`, `sys_vendor`, `board_vendor`, `bios_vendor`, `product_version`), and for
//!   each the rows in file order; the first row whose `prefix` starts the string (case
//!   counts, as in systemd) decides. `unless_product_name` names a text that, found in the
//!   product name, means a bare-metal machine (EC2's `*.metal`).
//! - `sys_vendor`: a vendor prefix that needs a `product_name` prefix too (Hyper-V's
//!   `Microsoft Corporation` `Virtual Machine`; Microsoft also makes Surfaces), tried before
//!   the `dmi` rows.
//! - `hypervisor_type`: the whole of `/sys/hypervisor/type` (`xen`).
//! - `vmsystem`: the whole of the agent's verdict, case aside.
//! - `cpuid`: the whole of the hypervisor's CPUID signature (leaf `0x40000000`), read on the
//!   live host when leaf 1 says there is a hypervisor (systemd's `vm_table`).
//!
//! A row with no `hypervisor` says that its string names none: the decision is "no guest"
//! (`Oracle Corporation`, the maker of Oracle's own servers, which systemd reads as
//! VirtualBox's board vendor).
//!
//! `hypervisor-sources/` keeps the excerpts of systemd's `virt.c` and the GLPI agent's
//! `Vmsystem.pm` the rows come from; a test holds the table equal to them.

use crate::tables::{self, required, row_err, KbError, Source};
use serde::de::IgnoredAny;
use serde::Deserialize;
use sovstack_inventory::{Confidence, Evidence, Method};

pub(crate) const TABLE: &str = "devices/hypervisors.csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Csv {
    hypervisor: String,
    field: String,
    prefix: String,
    product_name: String,
    unless_product_name: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Dmi,
    SysVendor,
    HypervisorType,
    Vmsystem,
    Cpuid,
}

#[derive(Debug)]
struct Row {
    line: u64,
    /// Empty: the string names no hypervisor.
    hypervisor: String,
    field: Field,
    prefix: String,
    product_name: String,
    unless_product_name: String,
}

/// One of the SMBIOS strings the kernel exposes under `/sys/class/dmi/id/`, by its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DmiField {
    /// `product_name` (SMBIOS type 1, Product Name).
    ProductName,
    /// `sys_vendor` (type 1, Manufacturer).
    SysVendor,
    /// `board_vendor` (type 2, Manufacturer).
    BoardVendor,
    /// `bios_vendor` (type 0, Vendor).
    BiosVendor,
    /// `product_version` (type 1, Version).
    ProductVersion,
}

impl DmiField {
    /// systemd's order of reading them.
    pub const ALL: [DmiField; 5] = [
        DmiField::ProductName,
        DmiField::SysVendor,
        DmiField::BoardVendor,
        DmiField::BiosVendor,
        DmiField::ProductVersion,
    ];

    /// The file's name under `/sys/class/dmi/id/`.
    pub fn file(self) -> &'static str {
        match self {
            DmiField::ProductName => "product_name",
            DmiField::SysVendor => "sys_vendor",
            DmiField::BoardVendor => "board_vendor",
            DmiField::BiosVendor => "bios_vendor",
            DmiField::ProductVersion => "product_version",
        }
    }
}

/// The DMI strings of a machine, each trimmed; absent when unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DmiStrings {
    /// Indexed as [`DmiField::ALL`].
    values: [Option<String>; 5],
}

impl DmiStrings {
    /// Sets one string (blank is absent).
    pub fn set(&mut self, field: DmiField, value: &str) {
        let v = value.trim();
        self.values[field as usize] = (!v.is_empty()).then(|| v.to_string());
    }

    /// One string.
    pub fn get(&self, field: DmiField) -> Option<&str> {
        self.values[field as usize].as_deref()
    }

    /// Whether none is known.
    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }
}

/// What the table decided about a string: a hypervisor, with the row as evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct HypervisorMatch {
    /// The hypervisor (`QEMU`, `VMware`, `Hyper-V`, ...).
    pub name: String,
    /// The DMI string that decided, for a DMI match.
    pub dmi_field: Option<DmiField>,
    /// The table row.
    pub evidence: Evidence,
}

/// The loaded table.
#[derive(Debug)]
pub(crate) struct Hypervisors {
    rows: Vec<Row>,
}

impl Hypervisors {
    pub fn load(sources: &[Source]) -> Result<Self, KbError> {
        let mut rows = Vec::new();
        for row in tables::read::<Csv>(TABLE, tables::text_of(sources, TABLE)?)? {
            let (line, r) = (row.line, row.rec);
            required(TABLE, line, "source", &r.source)?;
            required(TABLE, line, "prefix", &r.prefix)?;
            let field = match r.field.as_str() {
                "dmi" => Field::Dmi,
                "sys_vendor" => Field::SysVendor,
                "hypervisor_type" => Field::HypervisorType,
                "vmsystem" => Field::Vmsystem,
                "cpuid" => Field::Cpuid,
                f => {
                    return Err(row_err(
                        TABLE,
                        line,
                        format!(
                        "unknown field `{f}` (dmi, sys_vendor, hypervisor_type, vmsystem, cpuid)"
                    ),
                    ))
                }
            };
            if (field == Field::SysVendor) == r.product_name.is_empty() {
                return Err(row_err(
                    TABLE,
                    line,
                    "`product_name` is for `sys_vendor` rows, which need one",
                ));
            }
            if !r.unless_product_name.is_empty() && field != Field::Dmi {
                return Err(row_err(
                    TABLE,
                    line,
                    "`unless_product_name` is for `dmi` rows",
                ));
            }
            if rows
                .iter()
                .any(|o: &Row| o.field == field && o.prefix == r.prefix)
            {
                return Err(row_err(
                    TABLE,
                    line,
                    format!("duplicate `{}` for field `{}`", r.prefix, r.field),
                ));
            }
            rows.push(Row {
                line,
                hypervisor: r.hypervisor.trim().to_string(),
                field,
                prefix: r.prefix,
                product_name: r.product_name,
                unless_product_name: r.unless_product_name,
            });
        }
        Ok(Hypervisors { rows })
    }

    fn decided(&self, row: &Row, dmi_field: Option<DmiField>) -> Option<HypervisorMatch> {
        (!row.hypervisor.is_empty()).then(|| HypervisorMatch {
            name: row.hypervisor.clone(),
            dmi_field,
            evidence: tables::evidence(
                TABLE,
                row.line,
                "hypervisor",
                &row.hypervisor,
                Method::KbLookup,
                Confidence::High,
            ),
        })
    }

    /// The hypervisor a machine's DMI strings name, if any (see the module's rules).
    pub fn by_dmi(&self, dmi: &DmiStrings) -> Option<HypervisorMatch> {
        let product = dmi.get(DmiField::ProductName).unwrap_or("");
        if let Some(vendor) = dmi.get(DmiField::SysVendor) {
            if let Some(row) = self.rows.iter().find(|r| {
                r.field == Field::SysVendor
                    && vendor.starts_with(&r.prefix)
                    && product.starts_with(&r.product_name)
            }) {
                return self.decided(row, Some(DmiField::SysVendor));
            }
        }
        for field in DmiField::ALL {
            let Some(s) = dmi.get(field) else { continue };
            if let Some(row) = self
                .rows
                .iter()
                .find(|r| r.field == Field::Dmi && s.starts_with(&r.prefix))
            {
                if !row.unless_product_name.is_empty() && product.contains(&row.unless_product_name)
                {
                    return None;
                }
                return self.decided(row, Some(field));
            }
        }
        None
    }

    /// The hypervisor `/sys/hypervisor/type` names (`xen`), if the table knows it.
    pub fn by_hypervisor_type(&self, value: &str) -> Option<HypervisorMatch> {
        let v = value.trim();
        let row = self
            .rows
            .iter()
            .find(|r| r.field == Field::HypervisorType && r.prefix == v)?;
        self.decided(row, None)
    }

    /// The hypervisor a CPUID signature names (leaf `0x40000000`, trailing NULs dropped:
    /// `KVMKVMKVM`), compared whole, as systemd does.
    pub fn by_cpuid(&self, signature: &str) -> Option<HypervisorMatch> {
        let row = self
            .rows
            .iter()
            .find(|r| r.field == Field::Cpuid && r.prefix == signature)?;
        self.decided(row, None)
    }

    /// The hypervisor an inventory agent's verdict (`vmsystem`) names, if it names one (not
    /// `Physical`, nor a container's `Docker`, `lxc`, ...).
    pub fn by_vmsystem(&self, value: &str) -> Option<HypervisorMatch> {
        let v = value.trim();
        let row = self
            .rows
            .iter()
            .find(|r| r.field == Field::Vmsystem && r.prefix.eq_ignore_ascii_case(v))?;
        self.decided(row, None)
    }
}

#[cfg(test)]
mod tests {
    use crate::Kb;
    use std::collections::BTreeSet;

    fn kb() -> Kb {
        Kb::builtin().unwrap()
    }

    fn source(name: &str) -> String {
        std::fs::read_to_string(format!(
            "{}/data/devices/hypervisor-sources/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn rows(field: &str, source_contains: &str) -> BTreeSet<(String, String)> {
        let text = include_str!("../data/devices/hypervisors.csv");
        let mut r = csv::Reader::from_reader(text.as_bytes());
        r.records()
            .map(|rec| rec.unwrap())
            .filter(|rec| &rec[1] == field && rec[6].contains(source_contains))
            .map(|rec| (rec[2].to_string(), rec[0].to_string()))
            .collect()
    }

    /// Every entry of systemd's `dmi_vendor_table` is a `dmi` row with the same prefix and the
    /// hypervisor systemd's id stands for (`Oracle Corporation` a row naming none, said in its
    /// notes), every `dmi` row is one of them, and the DMI files are read in systemd's order.
    #[test]
    fn the_table_is_equal_to_its_sources() {
        let c = source("systemd-virt.c.txt");
        let ids = [
            ("VIRTUALIZATION_KVM", "KVM"),
            ("VIRTUALIZATION_AMAZON", "Amazon EC2"),
            ("VIRTUALIZATION_QEMU", "QEMU"),
            ("VIRTUALIZATION_VMWARE", "VMware"),
            ("VIRTUALIZATION_ORACLE", "VirtualBox"),
            ("VIRTUALIZATION_XEN", "Xen"),
            ("VIRTUALIZATION_BOCHS", "Bochs"),
            ("VIRTUALIZATION_PARALLELS", "Parallels"),
            ("VIRTUALIZATION_BHYVE", "bhyve"),
            ("VIRTUALIZATION_MICROSOFT", "Hyper-V"),
            ("VIRTUALIZATION_APPLE", "Apple Virtualization"),
            ("VIRTUALIZATION_GOOGLE", "Google Compute Engine"),
            ("VIRTUALIZATION_QNX", "QNX"),
            ("VIRTUALIZATION_ACRN", "ACRN"),
            ("VIRTUALIZATION_SRE", "SRE"),
        ];
        let mut entries = BTreeSet::new();
        let mut cpuid = BTreeSet::new();
        let mut order = Vec::new();
        let mut in_cpuid = false;
        for line in c.lines() {
            let l = line.trim();
            if l.starts_with("} vm_table[]") {
                in_cpuid = true;
            } else if l.starts_with("} dmi_vendor_table[]") {
                in_cpuid = false;
            } else if let Some(rest) = l.strip_prefix("{ \"") {
                let (prefix, rest) = rest.split_once('"').unwrap();
                let id = rest
                    .trim_start_matches([',', ' '])
                    .split_whitespace()
                    .next()
                    .unwrap();
                let name = ids.iter().find(|(i, _)| *i == id).unwrap().1;
                if in_cpuid {
                    cpuid.insert((prefix.to_string(), name.to_string()));
                    continue;
                }
                let name = if prefix == "Oracle Corporation" {
                    ""
                } else {
                    name
                };
                entries.insert((prefix.to_string(), name.to_string()));
            } else if let Some(rest) = l.strip_prefix("\"/sys/class/dmi/id/") {
                order.push(rest.split('"').next().unwrap().to_string());
            }
        }
        assert_eq!(entries.len(), 17);
        assert_eq!(rows("dmi", "systemd/systemd@"), entries);
        assert_eq!(rows("dmi", ""), entries, "every dmi row is systemd's");
        assert_eq!(cpuid.len(), 11);
        assert_eq!(
            rows("cpuid", ""),
            cpuid,
            "the cpuid rows are systemd's vm_table"
        );
        let ours: Vec<&str> = super::DmiField::ALL.iter().map(|f| f.file()).collect();
        assert_eq!(ours, order);

        // The GLPI agent's verdicts that name a hypervisor: its kernel-log matches and the
        // SMBIOS tests of `_getType` (its other verdicts are `Physical` and containers).
        let pm = source("glpi-agent-Vmsystem.pm.txt");
        let mut names = BTreeSet::new();
        for line in pm.lines() {
            let l = line.trim();
            if let Some(rest) = l.strip_prefix("return '") {
                names.insert(rest.split('\'').next().unwrap().to_string());
            } else if let Some((k, _)) = l.split_once("=> _assemblePatterns") {
                names.insert(k.trim().trim_matches('\'').to_string());
            }
        }
        let vmsystem: BTreeSet<String> = rows("vmsystem", "glpi-agent")
            .into_iter()
            .map(|(prefix, name)| {
                assert_eq!(prefix, name);
                name
            })
            .collect();
        assert_eq!(vmsystem, names);
        assert_eq!(rows("vmsystem", ""), rows("vmsystem", "glpi-agent"));
        // Its Hyper-V test: `Microsoft` with a `Virtual` model.
        assert!(pm.contains(
            "return 'Hyper-V' if $SMANUFACTURER =~ /Microsoft/ && $SMODEL && $SMODEL =~ /Virtual/;"
        ));
        assert_eq!(
            rows("sys_vendor", "glpi-agent"),
            BTreeSet::from([("Microsoft".to_string(), "Hyper-V".to_string())])
        );
    }

    #[test]
    fn decisions() {
        let kb = kb();
        let h = |pairs: &[(super::DmiField, &str)]| {
            let mut d = super::DmiStrings::default();
            for (f, v) in pairs {
                d.set(*f, v);
            }
            kb.hypervisor_from_dmi(&d).map(|m| (m.name, m.dmi_field))
        };
        use super::DmiField::*;
        assert_eq!(
            h(&[
                (SysVendor, "QEMU"),
                (ProductName, "Standard PC (i440FX + PIIX, 1996)")
            ]),
            Some(("QEMU".into(), Some(SysVendor)))
        );
        // systemd reads the product name first: KVM over QEMU.
        assert_eq!(
            h(&[(SysVendor, "QEMU"), (ProductName, "KVM Virtual Machine")]),
            Some(("KVM".into(), Some(ProductName)))
        );
        assert_eq!(
            h(&[
                (SysVendor, "Microsoft Corporation"),
                (ProductName, "Virtual Machine")
            ]),
            Some(("Hyper-V".into(), Some(SysVendor)))
        );
        assert_eq!(
            h(&[
                (SysVendor, "Microsoft Corporation"),
                (ProductName, "Surface Go 2")
            ]),
            None
        );
        assert_eq!(
            h(&[(SysVendor, "Amazon EC2"), (ProductName, "m5.large")]),
            Some(("Amazon EC2".into(), Some(SysVendor)))
        );
        assert_eq!(
            h(&[(SysVendor, "Amazon EC2"), (ProductName, "m5.metal")]),
            None
        );
        assert_eq!(
            h(&[
                (SysVendor, "Oracle Corporation"),
                (ProductName, "ORACLE SERVER X5-2")
            ]),
            None
        );
        assert_eq!(
            h(&[
                (SysVendor, "innotek GmbH"),
                (ProductName, "VirtualBox"),
                (BoardVendor, "Oracle Corporation")
            ]),
            Some(("VirtualBox".into(), Some(ProductName)))
        );
        assert_eq!(
            h(&[(SysVendor, "Dell Inc."), (ProductName, "PowerEdge R640")]),
            None
        );
        // Case counts, as in systemd.
        assert_eq!(h(&[(BiosVendor, "xen")]), None);
        assert_eq!(
            h(&[
                (SysVendor, "Red Hat"),
                (ProductName, "HVM domU"),
                (BiosVendor, "Xen")
            ]),
            Some(("Xen".into(), Some(BiosVendor)))
        );
        assert_eq!(
            kb.hypervisor_from_vmsystem("virtualbox").map(|m| m.name),
            Some("VirtualBox".into())
        );
        for not in ["Physical", "Docker", "lxc", ""] {
            assert_eq!(kb.hypervisor_from_vmsystem(not), None, "{not}");
        }
        assert_eq!(
            kb.hypervisor_from_hypervisor_type("xen\n").map(|m| m.name),
            Some("Xen".into())
        );
        assert_eq!(
            kb.hypervisor_from_cpuid("KVMKVMKVM").map(|m| m.name),
            Some("KVM".into())
        );
        assert_eq!(
            kb.hypervisor_from_cpuid("bhyve bhyve ").map(|m| m.name),
            Some("bhyve".into())
        );
        assert_eq!(kb.hypervisor_from_cpuid("KVMKVM"), None);
    }
}
