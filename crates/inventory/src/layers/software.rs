//! The `software` layer (schema 1.2.8): the organisation's software supply, read from its SBOMs
//! (CycloneDX and SPDX JSON). Components are aggregated per registry they arrive through (told
//! from each component's package URL: `pkg:npm/...` came through the npm registry) and per
//! licensing class, so an item is "the 412 npm components under free licences": its weight is
//! its number of components, and a share of the layer is a share of the components.
//!
//! Each item has two actors: the organisation that operates the registry (`registry_operator`,
//! from the knowledge base's `software/registries.csv`), and the licences the components come
//! under (`licence`), commons when every one of them is a free-software licence (OSI- or
//! FSF-approved SPDX ids). How SBOMs are read and components counted is `sovstack-scan`'s
//! business; this module only defines what the document says.

use crate::{Actor, Evidence, Item};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The software layer's section.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct SoftwareLayer {
    /// The SBOMs read, in the order read.
    pub sboms: Vec<SbomDocument>,
    /// One item per registry and licensing class, by id.
    pub supplies: Vec<SoftwareSupply>,
}

/// The format of an SBOM.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SbomFormat {
    /// CycloneDX 1.4 to 1.6, JSON.
    Cyclonedx,
    /// SPDX 2.3 (or 2.2), JSON.
    Spdx,
}

/// One SBOM file read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SbomDocument {
    /// The file, as found under the paths given.
    pub source: String,
    /// Its format.
    pub format: SbomFormat,
    /// Its `specVersion` (CycloneDX) or `spdxVersion` (SPDX), as written.
    pub spec_version: String,
    /// The tools it names as its makers (CycloneDX `metadata.tools`, SPDX
    /// `creationInfo.creators`' `Tool:` entries), as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<String>,
    /// Components counted (the document's own subject, its `metadata.component` or the package
    /// it describes, is not a dependency and is not counted).
    pub components: u64,
    /// Of which without a package URL, whose registry is unknown.
    pub without_purl: u64,
}

/// Whether a component's declared licence is free software.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Licensing {
    /// An SPDX expression that holds with free-software licences only (each OSI-approved or
    /// FSF free/libre, by the `spdx` crate's licence list).
    Free,
    /// SPDX licence ids that cannot be satisfied with free-software licences only.
    NotFree,
    /// No licence declared (or `NOASSERTION`, `NONE`), or one that cannot be judged: a
    /// `LicenseRef-`, a name that is no SPDX id or expression.
    Unknown,
}

impl Licensing {
    /// The id's suffix and what a person calls it.
    pub fn id(self) -> &'static str {
        match self {
            Licensing::Free => "free",
            Licensing::NotFree => "not-free",
            Licensing::Unknown => "unknown-licence",
        }
    }
}

/// Components arriving through one registry under one licensing class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SoftwareSupply {
    /// `<ecosystem>/<licensing>` (`npm/free`, `pypi/unknown-licence`).
    pub id: String,
    /// The package URL type (`npm`, `pypi`, `cargo`, `maven`, `golang`, `deb`), with the
    /// namespace for types whose namespace names the vendor (`deb/debian`), and `@` and the
    /// registry for components whose package URL names another registry than the type's
    /// default (`repository_url`, whose operator is then unknown); `unknown` for components
    /// without a valid package URL.
    pub ecosystem: String,
    /// The registry the type says the components come from (`registry.npmjs.org`), when the
    /// knowledge base knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// The licensing class of every component counted here.
    pub licensing: Licensing,
    /// Components counted (each component of each SBOM once).
    pub components: u64,
    /// Declared licences (SPDX expressions as written, or licence names) and how many of the
    /// components declare each.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub licences: BTreeMap<String, u64>,
    /// Suppliers the SBOMs name (CycloneDX `supplier.name`, SPDX `supplier`) and how many of
    /// the components each supplies; components naming none are not listed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub suppliers: BTreeMap<String, u64>,
    /// The registry's operator (`registry_operator`) and the licences (`licence`).
    pub actors: Vec<Actor>,
    /// The SBOMs the components were read from, one per file, with the first component's field.
    pub evidence: Vec<Evidence>,
}

impl Item for SoftwareSupply {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> String {
        let what = match self.licensing {
            Licensing::Free => "under free licences",
            Licensing::NotFree => "under other licences",
            Licensing::Unknown => "of unknown licence",
        };
        let n = match self.components {
            1 => "1 component".to_string(),
            n => format!("{n} components"),
        };
        format!("{} {n} {what}", self.ecosystem)
    }
    fn actors(&self) -> &[Actor] {
        &self.actors
    }
    fn weight(&self) -> Option<f64> {
        Some(self.components as f64)
    }
}
