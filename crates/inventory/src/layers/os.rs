//! The `os` layer's item: an operating system and who stewards it, its lineage and its kernel.

use crate::{Actor, Evidence, Fact, Item};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    /// How long the release found is supported (schema 1.2.3): absent when the knowledge base
    /// has no lifecycle for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
    /// How long the kernel's series is supported (schema 1.2.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel_lifecycle: Option<Lifecycle>,
    /// Distribution steward, the stewards of its lineage, the kernel's steward.
    pub actors: Vec<Actor>,
    /// In a fleet inventory, the number of hosts running this system, which is also its weight
    /// when judged (schema 1.2.3); absent for a single host's scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<u64>,
}

/// The support window of a release cycle, from endoflife.date's data (schema 1.2.3). Dates are
/// ISO 8601 (`2026-07-11`), as the source gives them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Lifecycle {
    /// The endoflife.date product (`debian`, `ubuntu`, `linux-kernel`).
    pub product: String,
    /// The release cycle the version belongs to (`12`, `24.04`, `6.1`).
    pub cycle: String,
    /// When the cycle was first released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    /// The last day of (security) support; absent when not announced, or when the source says
    /// only that support has ended ([`Lifecycle::ended`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_support: Option<String>,
    /// The source says support has ended without giving a date.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ended: bool,
    /// The last day of extended support (Debian LTS, Ubuntu ESM, RHEL ELS), where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_extended_support: Option<String>,
    /// The version read and the knowledge-base row used.
    pub evidence: Vec<Evidence>,
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
    fn weight(&self) -> Option<f64> {
        self.hosts.map(|n| n as f64)
    }
}
