//! The `cable` layer (schema 1.2.4): for each country the organisation's data may travel to,
//! the candidate routes over submarine cables and land from the organisation's country, who
//! owns those cables and how diverse the routes are.
//!
//! These are **candidate routes from geography** (cables landing in both countries, land
//! borders), not observed paths. The data comes from the cable data pack (`data/cables/`,
//! CC BY-NC-SA 3.0), named with its sha256 in [`CableLayer::datasets`] and in the inventory's
//! `data_packs`.

use crate::{Actor, CountryCode, Evidence, Item};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The cable layer's section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CableLayer {
    /// The organisation's country: every route starts there.
    pub origin: CountryCode,
    /// What the routes are: candidates from geography, not observed paths.
    pub note: String,
    /// Why the layer could not be evaluated (`not evaluated: no cable data`), when it could not;
    /// there are then no destinations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_evaluated: Option<String>,
    /// Whether systems still planned when the data was published were counted.
    pub include_planned: bool,
    /// The files of the cable data pack, each with its licence and sha256.
    #[serde(default)]
    pub datasets: Vec<CableDataset>,
    /// One item per destination country, by code.
    #[serde(default)]
    pub destinations: Vec<CableDestination>,
    /// Where the landing stations the destinations' systems use are, by name, when the pack
    /// gives coordinates (schema 1.2.5; for maps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub landing_points: Vec<CableLandingPoint>,
}

/// A landing station's place (schema 1.2.5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CableLandingPoint {
    /// Its name, as the systems' `from_landings` and `to_landings` give it.
    pub name: String,
    /// Longitude, degrees east.
    pub lon: f64,
    /// Latitude, degrees north.
    pub lat: f64,
}

/// One file of the cable data pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CableDataset {
    /// Path inside the pack (`cables.json`); evidence sources name it `data:cables/<path>`.
    pub path: String,
    /// What it holds (`cables`, `owners`, `land-borders`, ...).
    pub kind: String,
    /// Date of the data, from the manifest.
    pub date: String,
    /// SPDX licence of the data.
    pub licence: String,
    /// sha256 of the file's bytes (checked against the manifest), lowercase hex.
    pub sha256: String,
}

/// A country the organisation's data may travel to, and the routes there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CableDestination {
    /// `ORIGIN-DEST` (`FR-US`).
    pub id: String,
    /// The destination (a territory keeps its own code).
    pub to: CountryCode,
    /// The state whose jurisdiction the destination is under (itself for a state).
    pub to_sovereign: CountryCode,
    /// Why it is a destination: `--to`, or the ids of the network endpoints located there.
    pub reasons: Vec<String>,
    /// The land path when the destination is at most two land borders away: no cable needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land: Option<Vec<CountryCode>>,
    /// The systems landing in both countries.
    #[serde(default)]
    pub direct: Vec<CableSystem>,
    /// The routes through one intermediate country.
    #[serde(default)]
    pub via: Vec<CableVia>,
    /// How diverse the routes are.
    pub diversity: CableDiversity,
    /// The owners of every system on the routes (`cable_owner`), each once.
    pub actors: Vec<Actor>,
    /// Where the routes come from.
    pub evidence: Vec<Evidence>,
}

/// A cable system on a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CableSystem {
    /// The dataset's id (`ellalink`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Ready-for-service year, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rfs_year: Option<u16>,
    /// Still planned when the data was published.
    pub planned: bool,
    /// Its owners as the dataset names them.
    pub owners: Vec<String>,
    /// Those of `owners` that are hyperscalers (Google, Meta, Microsoft, Amazon) by the pack's
    /// owners table (schema 1.2.9).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hyperscaler_owners: Vec<String>,
    /// Its landing stations in the leg's first country, by name.
    pub from_landings: Vec<String>,
    /// Its landing stations in the leg's second country, by name.
    pub to_landings: Vec<String>,
}

/// A route through one intermediate country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CableVia {
    /// The intermediate country.
    pub via: CountryCode,
    /// From the origin to it.
    pub first: CableLeg,
    /// From it to the destination.
    pub second: CableLeg,
}

/// One leg of a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CableLeg {
    /// Over land, through these countries in order.
    Land {
        /// The countries crossed, both ends included.
        path: Vec<CountryCode>,
    },
    /// By any one of these systems.
    Cable {
        /// The systems joining the leg's two countries.
        systems: Vec<CableSystem>,
    },
}

/// What one cut would break.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct CableDiversity {
    /// Distinct cable systems over all routes.
    pub systems: u32,
    /// Distinct landing stations in the origin that a route leaves from by cable.
    pub origin_landings: u32,
    /// Share of the systems' ownership per jurisdiction of the owners' headquarters (each owner
    /// of a consortium 1/n of its system; `??` unknown), four decimals.
    pub owner_shares: BTreeMap<String, f64>,
    /// Share of that ownership held by hyperscalers (Google, Meta, Microsoft, Amazon).
    pub hyperscaler_share: f64,
    /// Systems every route needs, by name.
    pub spof_cables: Vec<String>,
    /// Origin landing stations every route needs, by id.
    pub spof_landings: Vec<String>,
    /// Jurisdictions holding part of a system on every route.
    pub spof_jurisdictions: Vec<String>,
}

impl Item for CableDestination {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> String {
        match self.to == self.to_sovereign {
            true => format!("routes to {}", self.to),
            false => format!("routes to {} (under {})", self.to, self.to_sovereign),
        }
    }
    fn actors(&self) -> &[Actor] {
        &self.actors
    }
}
