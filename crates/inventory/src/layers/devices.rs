//! The `devices` layer's item (schema 1.2.7): one hardware maker for one kind of device (the
//! makers of an organisation's computers, network equipment, printers and phones), who stands
//! behind it, the models seen and the number of hosts it stands for.

use crate::{Actor, Fact, Item};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// What sort of device a maker made.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A computer's system (SMBIOS system manufacturer): a PC, a server, a virtual machine's
    /// platform.
    System,
    /// Network equipment: switches, routers, firewalls, wireless controllers.
    Network,
    /// A printer.
    Printer,
    /// A phone.
    Phone,
}

impl DeviceKind {
    /// Every kind.
    pub const ALL: [DeviceKind; 4] = [
        DeviceKind::System,
        DeviceKind::Network,
        DeviceKind::Printer,
        DeviceKind::Phone,
    ];

    /// The snake_case name (`system`, `network`, `printer`, `phone`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceKind::System => "system",
            DeviceKind::Network => "network",
            DeviceKind::Printer => "printer",
            DeviceKind::Phone => "phone",
        }
    }

    /// The kind with this name.
    pub fn from_name(name: &str) -> Option<DeviceKind> {
        DeviceKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl fmt::Display for DeviceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One maker of one kind of device: every host whose system (or which, as a network device,
/// printer or phone) was made by the same organisation is one item; a maker the knowledge base
/// does not know is one item per spelling, unattributed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Device {
    /// `dev0`, `dev1`, ... (most hosts first in a fleet).
    pub id: String,
    /// What sort of device.
    pub kind: DeviceKind,
    /// The maker as the first source read spells it (`Dell Inc.`, `LENOVO`), with where it was
    /// read.
    pub maker: Fact<String>,
    /// The models seen (`XPS 13 9350`), each with the number of hosts it was seen on (one for a
    /// single host's scan).
    #[serde(default)]
    pub models: BTreeMap<String, u64>,
    /// The manufacturer, its ultimate owner when another organisation controls it, and a
    /// high-risk-vendor designation by a public authority, when there is one.
    pub actors: Vec<Actor>,
    /// In a single host's scan, its firmware's (BIOS, UEFI) release date, `YYYY-MM-DD`, from
    /// SMBIOS (`/sys/class/dmi/id/bios_date`): the nearest the scan comes to the machine's age,
    /// a lower bound on it when the firmware was updated (schema 1.2.9). In a fleet each host's
    /// is in `fleet.hosts[].firmware_date`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware_date: Option<Fact<String>>,
    /// In a fleet inventory, the number of hosts it stands for, which is also its weight when
    /// judged; absent for a single host's scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<u64>,
}

impl Item for Device {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> String {
        format!("{} ({})", self.maker.value, self.kind)
    }
    fn actors(&self) -> &[Actor] {
        &self.actors
    }
    fn weight(&self) -> Option<f64> {
        self.hosts.map(|n| n as f64)
    }
}
