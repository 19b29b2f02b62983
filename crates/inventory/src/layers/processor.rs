//! The `processor` layer's item: a distinct processor and who designs, licenses, sells and
//! fabricates it.

use crate::{Actor, Fact, Item, Lifecycle};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A distinct processor: logical CPUs that report the same identity are one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Processor {
    /// `cpu0`, `cpu1`, ... in order of first appearance.
    pub id: String,
    /// Instruction-set architecture: `x86_64`, `aarch64`, `arm`, `riscv64`, `loongarch64`, or
    /// `unknown`.
    pub architecture: Fact<String>,
    /// Marketing name where the source gives one (`model name`, `uarch`, the Arm part name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<Fact<String>>,
    /// Logical processor numbers carrying this processor, ascending.
    pub logical_cpus: Vec<u32>,
    /// The raw identifiers it was recognised by (`vendor_id`, `cpu_family`, `cpu_model`,
    /// `implementer`, `part`, `mvendorid`, `isa`, `hardware`, ...).
    #[serde(default)]
    pub identifiers: BTreeMap<String, Fact<String>>,
    /// Instruction-set owner, core designer, SoC vendor, foundry.
    pub actors: Vec<Actor>,
    /// How long the processor's family is supported by its maker (schema 1.2.9), from
    /// endoflife.date's `intel-processors` data by CPUID family and model; absent when the
    /// knowledge base has no support window for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    /// When its vendor's newer operating system refuses it (Windows 11 refuses Intel Core
    /// processors before the 8th generation), which release refuses it and the support window
    /// of the last release that runs on it (schema 1.2.9). Absent says nothing either way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_os_floor: Option<VendorOsFloor>,
    /// In a fleet inventory, the number of hosts with this processor, which is also its weight
    /// when judged (schema 1.2.3); absent for a single host's scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<u64>,
}

/// A processor its vendor's newer operating system refuses (schema 1.2.9).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct VendorOsFloor {
    /// The release that refuses it (`Windows 11`).
    pub refused_by: String,
    /// The last release that runs on it (endoflife.date `windows` `10-22h2`), with the
    /// knowledge-base row that says the newer one refuses it first in its evidence.
    pub last: Lifecycle,
}

impl Item for Processor {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> String {
        match &self.model {
            Some(m) => m.value.clone(),
            None => format!("{} processor", self.architecture.value),
        }
    }
    fn actors(&self) -> &[Actor] {
        &self.actors
    }
    fn weight(&self) -> Option<f64> {
        self.hosts.map(|n| n as f64)
    }
}
