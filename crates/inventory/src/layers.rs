//! The item types of each layer. Adding a layer means one type here, a field on
//! [`crate::Layers`], a `SCHEMA_VERSION` ADDITION and a newly generated schema file.

pub mod network;
pub mod toolchain;

use crate::{Actor, Fact, Item};
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
    fn as_processor(&self) -> Option<&Processor> {
        Some(self)
    }
}

/// An operating system, from `os-release` and the kernel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OperatingSystem {
    /// `os`.
    pub id: String,
    /// `os-release` `ID` (`debian`, `openEuler`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_id: Option<Fact<String>>,
    /// `os-release` `NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<Fact<String>>,
    /// `os-release` `VERSION_ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<Fact<String>>,
    /// `os-release` `PRETTY_NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretty_name: Option<Fact<String>>,
    /// `os-release` `ID_LIKE`, in the order given: the distributions it derives from.
    #[serde(default)]
    pub id_like: Vec<Fact<String>>,
    /// Kernel name and release (`Linux 6.1.0-18-amd64`), from the live host or `proc/version`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<Fact<String>>,
    /// Distribution steward, the stewards of its lineage, the kernel's steward.
    pub actors: Vec<Actor>,
}

impl Item for OperatingSystem {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> String {
        let pick = |f: &Option<Fact<String>>| f.as_ref().map(|f| f.value.clone());
        pick(&self.pretty_name)
            .or_else(|| match (pick(&self.name), pick(&self.version_id)) {
                (Some(n), Some(v)) => Some(format!("{n} {v}")),
                (n, _) => n,
            })
            .or_else(|| pick(&self.release_id))
            .unwrap_or_else(|| "unknown operating system".to_string())
    }
    fn actors(&self) -> &[Actor] {
        &self.actors
    }
    fn as_operating_system(&self) -> Option<&OperatingSystem> {
        Some(self)
    }
}
