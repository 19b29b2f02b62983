//! The organisation inventory (schema 1.2.3): an organisation's fleet of hosts, imported from the
//! inventories it already keeps (GLPI, FusionInventory, sovstack scans run on each host).
//!
//! A fleet inventory has the same layer sections as a host's, but each processor and operating
//! system item stands for every host that has it: its `hosts` count is the number of hosts it
//! stands for, and its weight when judged, so a concentration is a share of the fleet ("Intel:
//! 61% of 2,940 hosts"), not of distinct models. [`Fleet::hosts`] lists each host once, with the
//! file it came from, when that file says it was collected, and the ids of the items it counts
//! in, so every count can be checked against its hosts.
//!
//! How files are read, told apart and deduplicated is `sovstack-scan`'s business (its `import`
//! module); this module only defines what the document says.

use crate::CountryCode;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The organisation an audit is for, as its user declared it (the configuration file's
/// `organisation`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Organisation {
    /// Its name.
    pub name: String,
    /// Its country (ISO 3166-1 alpha-2), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// Where it was declared: the configuration file.
    pub source: String,
}

/// An organisation's hosts, imported from inventory files (schema 1.2.3).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Fleet {
    /// The organisation, when the configuration names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Organisation>,
    /// The files and directories given to `--import`, as given.
    pub inputs: Vec<String>,
    /// Files read and imported (a duplicate host's older file included).
    pub files_imported: u64,
    /// Files skipped: unreadable, too large, malformed, of no known format, or partial (each has
    /// a diagnostic naming it).
    pub files_skipped: u64,
    /// The hosts, each once (for two files of the same device id, the newer), in the order of
    /// their files.
    pub hosts: Vec<Host>,
}

/// The format an imported file was read as.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ImportFormat {
    /// GLPI's native inventory JSON (GLPI 10, the GLPI agent).
    GlpiJson,
    /// A FusionInventory agent's XML inventory (`fusioninventory-inventory`).
    FusioninventoryXml,
    /// An inventory written by `sovstack scan`.
    Sovstack,
    /// A CycloneDX SBOM (1.4 to 1.6, JSON): its components join the software layer (schema
    /// 1.2.5).
    Cyclonedx,
    /// An SPDX SBOM (2.3, JSON): its packages join the software layer (schema 1.2.5).
    Spdx,
}

impl ImportFormat {
    /// Every format, in the order `--import-format` lists them.
    pub const ALL: [ImportFormat; 5] = [
        ImportFormat::GlpiJson,
        ImportFormat::FusioninventoryXml,
        ImportFormat::Sovstack,
        ImportFormat::Cyclonedx,
        ImportFormat::Spdx,
    ];

    /// The name `--import-format` takes (`glpi-json`, `fusioninventory-xml`, `sovstack`).
    pub fn id(self) -> &'static str {
        match self {
            ImportFormat::GlpiJson => "glpi-json",
            ImportFormat::FusioninventoryXml => "fusioninventory-xml",
            ImportFormat::Sovstack => "sovstack",
            ImportFormat::Cyclonedx => "cyclonedx",
            ImportFormat::Spdx => "spdx",
        }
    }

    /// The format named `id`.
    pub fn from_id(id: &str) -> Option<ImportFormat> {
        ImportFormat::ALL.into_iter().find(|f| f.id() == id)
    }
}

/// One host of the fleet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Host {
    /// The device id its inventory gives (GLPI and FusionInventory `deviceid`); for a sovstack
    /// inventory, which carries none, `file:` and its path.
    pub id: String,
    /// What it is, as its inventory says (`Computer`, `Phone`, `NetworkEquipment`, `Printer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Its name (host name, or the device's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The file it was imported from, as found under the paths given.
    pub source: String,
    /// The file's format.
    pub format: ImportFormat,
    /// When its inventory was collected, as the file says it (GLPI and FusionInventory
    /// `accesslog.logdate`, `YYYY-MM-DD HH:MM:SS` in the agent's local time; a sovstack
    /// inventory's `generated_at`); absent when the file does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    /// Labels its inventory carries (`tag`: GLPI's `tag`, FusionInventory's `TAG` account
    /// info; `location` for network devices), for `--group-by`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// The ids of the processor items it counts in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processor: Vec<String>,
    /// The id of the operating system item it counts in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Its firmware's (BIOS, UEFI) release date, `YYYY-MM-DD`, as its inventory gives it (GLPI
    /// `bios.bdate`, FusionInventory `BIOS/BDATE`): the nearest the inventory comes to the
    /// device's age, a lower bound on it when the firmware was updated (schema 1.2.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware_date: Option<crate::Fact<String>>,
    /// The id of the devices item (its maker and kind) it counts in (schema 1.2.9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The hypervisor whose guest it is, as its inventory says (GLPI `hardware.vmsystem`,
    /// FusionInventory `HARDWARE/VMSYSTEM`: `VirtualBox`, `Xen`, ...; schema 1.2.11). A guest's
    /// system is virtual: it counts in no system device item (its SMBIOS names the
    /// hypervisor's vendor, not a machine's maker) and holds no raw materials; the machine it
    /// runs on is not in the inventory. Absent for a physical machine, a container (which
    /// reads its host's own SMBIOS tables) and a host whose inventory does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypervisor: Option<crate::Fact<String>>,
    /// The component classes (`battery`, `display`) its inventory shows it holds, each with
    /// the fields that show it (GLPI `batteries[]`, `monitors[]`, a portable
    /// `hardware.chassis_type`; FusionInventory `BATTERIES`, `MONITORS`,
    /// `HARDWARE/CHASSIS_TYPE`), high confidence; sorted by class. The materials derivation
    /// counts these for the host instead of the knowledge base's assumptions about its kind of
    /// device (schema 1.2.13).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<crate::Fact<String>>,
}
