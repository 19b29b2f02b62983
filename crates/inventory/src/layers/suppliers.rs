//! The `suppliers` layer (schema 1.2.6): the services the organisation declares it buys
//! (`--declared FILE`), what each supplier claims, and what the network layer observed of the
//! endpoints that deliver them.
//!
//! Claims and observations are kept apart on purpose: a claim (a jurisdiction, a data location,
//! a headquarters the knowledge base does not know) is recorded with the declared file and line
//! as its evidence (method `declared`, low confidence), an observation with the DNS answer and
//! the network data pack's dataset. Where the two disagree, [`Contradiction`] holds both.

use crate::{Actor, CountryCode, Evidence, Fact, Item};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The suppliers layer's section.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SuppliersLayer {
    /// The declared file, as given.
    pub file: String,
    /// sha256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// One item per declared service, in file order.
    #[serde(default)]
    pub services: Vec<DeclaredService>,
}

/// A service the organisation declares it buys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DeclaredService {
    /// The file's `id`, unique in the file.
    pub id: String,
    /// What people call it, when the file says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where it is declared: the file and the line of its entry.
    pub given: Evidence,
    /// The supplier, as declared.
    pub supplier: Fact<String>,
    /// Its parent, as declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Fact<String>>,
    /// The jurisdiction the supplier claims.
    pub jurisdiction: Fact<CountryCode>,
    /// Where the supplier says the data is located.
    #[serde(default)]
    pub data_locations: Vec<Fact<CountryCode>>,
    /// The certifications the supplier declares (names of `sovstack_abi::certifications`).
    #[serde(default)]
    pub certifications: Vec<Fact<String>>,
    /// The endpoints that deliver it, and what the network layer made of each.
    #[serde(default)]
    pub endpoints: Vec<ServiceEndpoint>,
    /// Claims the observations contradict.
    #[serde(default)]
    pub contradictions: Vec<Contradiction>,
    /// `supplier`, `supplier_parent`, `claimed_jurisdiction`, `data_location`,
    /// `observed_operator`, `observed_location`.
    pub actors: Vec<Actor>,
}

/// An endpoint a declared service names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceEndpoint {
    /// The host name, lower case.
    pub name: String,
    /// 1-based line in the declared file.
    pub line: u32,
    /// The network layer's endpoint that resolved it (`ep3`), when the layer ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_endpoint: Option<String>,
    /// The addresses it resolved to.
    #[serde(default)]
    pub addresses: Vec<String>,
}

/// What is contradicted.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ContradictionKind {
    /// A jurisdiction claimed in the EU/EEA, an operator whose parent is headquartered outside.
    Jurisdiction,
    /// An address located outside the declared data locations.
    DataLocation,
}

/// A claim contradicted by an observation, with the evidence of both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Contradiction {
    /// What is contradicted.
    pub kind: ContradictionKind,
    /// The claim and the observation in a sentence.
    pub message: String,
    /// The claim's evidence (the declared file and line).
    pub claim: Vec<Evidence>,
    /// The observation's evidence (the DNS answer, the dataset).
    pub observation: Vec<Evidence>,
    /// Indexes (from 0) into the service's `actors`: the claim's actor, then the observation's.
    pub actors: Vec<usize>,
}

impl Item for DeclaredService {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> String {
        match &self.name {
            Some(n) => format!("{n} ({})", self.supplier.value),
            None => format!("{} ({})", self.id, self.supplier.value),
        }
    }
    fn actors(&self) -> &[Actor] {
        &self.actors
    }
    fn identity(&self) -> String {
        self.id.clone()
    }
}
