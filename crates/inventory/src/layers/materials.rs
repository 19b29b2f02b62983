//! The `materials` layer (schema 1.2.10): the critical raw materials the scanned processors and
//! devices depend on, through the knowledge base's component classes, and the countries
//! producing each at the supply step the knowledge base records, with their shares of world
//! production as the USGS Mineral Commodity Summaries attribute it.
//!
//! The layer reads nothing under the root: it is derived, at scan time, from the processor and
//! devices layers' items (as the cable layer is from the network layer's), so that an inventory
//! saved by `scan` is evaluated and reported without the scan's input.

use crate::{Actor, Confidence, Evidence, Item};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One critical raw material the inventory depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RawMaterial {
    /// The material's name in the knowledge base (`gallium`, `rare earths`): unique in the layer.
    pub id: String,
    /// The supply step the figures are for: `mine`, `refinery`, or `primary` (gallium's
    /// low-purity primary production).
    pub step: String,
    /// The year of the figures (an estimate for the latest year, as USGS gives it).
    pub year: String,
    /// Their unit (`t`, `kg`, `kt` for thousand metric tons, `t REO`).
    pub unit: String,
    /// The world total USGS gives (rounded by USGS).
    pub world: u64,
    /// The sum of the production USGS attributes to countries (its "other countries" row
    /// included): the denominator of each producer's share.
    pub attributed: u64,
    /// Status under the EU Critical Raw Materials Act (Regulation (EU) 2024/1252): `strategic`
    /// (Annex I), `critical` (Annex II) or `none`.
    pub crma: String,
    /// The component classes that need it, with the machines holding them.
    pub needed_by: Vec<MaterialUse>,
    /// Machines holding a component that needs it: in a fleet the hosts it stands for (each
    /// host once, whichever of its items hold the components), which is also its weight when
    /// judged; absent for a single host's scan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hosts: Option<u64>,
    /// The producing countries (`producer`, a state actor), largest first, each with its
    /// `share` of the attributed production; USGS's "other countries" is an actor with no
    /// country.
    pub actors: Vec<Actor>,
    /// Where it comes from: the knowledge-base rows of the production figures (naming the USGS
    /// chapter) and of the CRMA status.
    pub evidence: Vec<Evidence>,
}

/// A component class that needs a material.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MaterialUse {
    /// `logic chip`, `display`, `electronic components`, `battery`.
    pub component: String,
    /// Machines holding it: in a fleet, the hosts holding it through any of their processor and
    /// devices items, each once (a hypervisor's guest holds none; since 1.2.11); 1 for a single
    /// host.
    pub machines: u64,
    /// How sure the link from the inventory's items to the material is: the lowest of the
    /// item-to-component and component-to-material links.
    pub confidence: Confidence,
    /// The links: which items hold the component and why (`materials/device-components.csv`),
    /// then the USGS end-use sentence that links the component to the material
    /// (`materials/components.csv`).
    pub evidence: Vec<Evidence>,
}

impl Item for RawMaterial {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> String {
        let step = match self.step.as_str() {
            "mine" => "mine production",
            "refinery" => "refinery production",
            "primary" => "primary production",
            other => other,
        };
        // Shown after the id (`gallium primary production, 2025`), as every layer's label is.
        format!("{step}, {}", self.year)
    }
    fn actors(&self) -> &[Actor] {
        &self.actors
    }
    fn weight(&self) -> Option<f64> {
        self.hosts.map(|n| n as f64)
    }
}
