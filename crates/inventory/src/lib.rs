//! The sovstack inventory: the versioned JSON document a scan produces and an evaluation reads.
//!
//! An inventory can be produced on one host and evaluated on another, so it carries every fact
//! the evaluation needs, each with its [`Evidence`]: where it was read, how it was derived and how
//! sure we are. Unknown stays unknown: an actor whose identity could not be established has no
//! name, and no country is ever guessed.
//!
//! This crate owns the document's types, [`SCHEMA_VERSION`] and the JSON Schema generated from
//! the types ([`json_schema`]); the published copy lives in `schema/`. It does not collect
//! facts (`sovstack-scan`), hold the knowledge base (`sovstack-kb`) or judge anything.
//!
//! # Versioning
//! [`SCHEMA_VERSION`] is `MODEL.REVISION.ADDITION` (SchemaVer, as syft does): an ADDITION adds
//! optional fields and older readers ignore them; a REVISION may change what existing fields
//! mean; a MODEL change breaks readers. [`Inventory::from_json`] reads a document of our MODEL
//! and of our REVISION or an older one; a newer ADDITION of our MODEL.REVISION is read with an
//! `inventory/newer-addition` warning among its diagnostics (what it added is ignored); a newer
//! REVISION or another MODEL is refused.

#![deny(missing_docs)]

/// One module per layer, each with its item type. Adding a layer adds one here, a field on
/// [`Layers`] and its arms in [`Layers::has`], [`Layers::items`] and [`ItemRef`], a `SCHEMA_VERSION`
/// ADDITION and a newly generated schema file.
mod fleet;
mod layers {
    pub mod cable;
    pub mod devices;
    pub mod materials;
    pub mod network;
    pub mod os;
    pub mod processor;
    pub mod software;
    pub mod suppliers;
    pub mod toolchain;
}

/// Declares a crate's diagnostic codes (see `sovstack_abi`'s `diagnostics` module).
pub use sovstack_abi::diagnostic_codes;

/// The diagnostic codes this crate emits.
pub mod codes {
    crate::diagnostic_codes! {
        NEWER_ADDITION = "inventory/newer-addition": "the inventory was written by a newer sovstack (a later ADDITION of this schema): what that version added is ignored",
    }
}
pub use fleet::{Fleet, Host, ImportFormat, Organisation};
pub use layers::cable::{
    CableDataset, CableDestination, CableDiversity, CableLandingPoint, CableLayer, CableLeg,
    CableSystem, CableVia,
};
pub use layers::devices::{Device, DeviceKind};
pub use layers::materials::{MaterialUse, RawMaterial};
pub use layers::network::{
    suffix_evidence_value, Address, CloudRange, CnameHop, Criticality, DnsLookup, EndpointError,
    EndpointKind, NetworkDataset, NetworkEndpoint, NetworkLayer, Resolution,
};
pub use layers::os::{Lifecycle, OperatingSystem};
pub use layers::processor::{Processor, VendorOsFloor};
pub use layers::software::{Licensing, SbomDocument, SbomFormat, SoftwareLayer, SoftwareSupply};
pub use layers::suppliers::{
    Contradiction, ContradictionKind, DeclaredService, ServiceEndpoint, SuppliersLayer,
};
pub use layers::toolchain::{
    BinaryFile, BinaryFormat, ToolchainComponent, ToolchainDetection, ToolchainLayer,
    ToolchainLicence, ToolchainUse,
};
/// The layers and roles, defined once in the plugin ABI (`sovstack-abi`), which the host and every
/// plugin compile.
pub use sovstack_abi::{Layer, Role};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Version of the inventory document (`MODEL.REVISION.ADDITION`).
pub const SCHEMA_VERSION: &str = "1.2.13";

/// The pattern of the `schema_version`s this version reads: MODEL.REVISION.ADDITION with our
/// MODEL, a REVISION up to ours and any ADDITION (published in the JSON Schema).
pub const SCHEMA_VERSION_PATTERN: &str = r"^1\.[0-2]\.(0|[1-9][0-9]*)$";

/// A scan's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Inventory {
    /// [`SCHEMA_VERSION`] of the writer.
    #[schemars(regex(pattern = SCHEMA_VERSION_PATTERN))]
    pub schema_version: String,
    /// The program that wrote it.
    pub generator: Generator,
    /// RFC 3339 UTC time, only when `SOURCE_DATE_EPOCH` was set (reproducible output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
    /// The root that was scanned, as given (`/` for the live host).
    pub root: String,
    /// Whether the live host's own interfaces (sysinfo, uname) were consulted, which happens only
    /// when the root is `/`.
    pub live_host: bool,
    /// The knowledge base used to attribute the facts.
    pub knowledge_base: DataRef,
    /// The run-time data packs the scan used (the network layer's `network` pack), each with the
    /// directory it was read from and how that directory was found (schema 1.2.2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_packs: Vec<DataPackRef>,
    /// The organisation's hosts, when the inventory was imported from inventory files
    /// (`sovstack scan --import`); its layer items then each count the hosts they stand for
    /// (schema 1.2.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fleet: Option<Fleet>,
    /// The scanned machine is a hypervisor's guest (a live host or a root, schema 1.2.12): its
    /// SMBIOS strings are the hypervisor's, not a machine maker's, so it has no system device
    /// item and holds no raw materials. Absent for a physical machine, for a root whose files
    /// do not say (a container, an image without `/sys`, which is not a guest on that ground)
    /// and for an imported fleet (whose hosts say it each: `fleet.hosts[].hypervisor`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guest: Option<Guest>,
    /// One section per scanned layer.
    pub layers: Layers,
    /// Problems met while scanning (unreadable or malformed files); they never stop a scan.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
}

/// What says that a scanned machine is a hypervisor's guest, and which hypervisor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Guest {
    /// The hypervisor, as `devices/hypervisors.csv` names it (`QEMU`, `KVM`, `VMware`,
    /// `Hyper-V`, `Xen`, `VirtualBox`, ...); absent when nothing read names it (the processor's
    /// `hypervisor` flag alone says only that there is one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hypervisor: Option<String>,
    /// Each thing read that says so: the DMI file and its value, `/sys/hypervisor/type`, the
    /// `hypervisor` flag of `/proc/cpuinfo` (with its line), and the knowledge-base row that
    /// names the hypervisor.
    pub evidence: Vec<Evidence>,
}

/// The program that wrote a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Generator {
    /// `sovstack`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// A versioned, hashed piece of data (the knowledge base, a ruleset, a plugin).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct DataRef {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// sha256 of its bytes, lowercase hex.
    pub sha256: String,
}

/// A run-time data pack (`data/network`), where it was read from and how that place was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct DataPackRef {
    /// The pack's name, which is also its directory's name (`network`).
    pub name: String,
    /// Its version: the newest date among its datasets, from its manifest.
    pub version: String,
    /// sha256 of its manifest's bytes, lowercase hex.
    pub sha256: String,
    /// The directory it was read from, absolute when the lookup made it so.
    pub dir: String,
    /// Which step of the data lookup gave the directory: `--data-dir`, `SOVSTACK_DATA_DIR`,
    /// `config` (the configuration file's `data_dir`), `XDG_DATA_HOME`, `XDG_DATA_DIRS`,
    /// `/usr/share/sovstack`, `executable` (next to the executable) or `checkout` (the source
    /// tree the binary was built from).
    pub found_by: String,
    /// The licences of its files, distinct, in manifest order (schema 1.2.4).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licences: Vec<String>,
    /// When its oldest dataset describes the world, when that is earlier than the dataset's
    /// date (its manifest's `as_of`: `2022` for the cable pack, TeleGeography's map as of late
    /// 2022, republished in 2023): what it says may have changed since (schema 1.2.13).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

impl DataPackRef {
    /// Its version as shown wherever the pack is named: `2026-12-06`, or `2026-12-06, data as
    /// of 2022` when its data is older than its packaging ([`DataPackRef::as_of`]).
    pub fn dated(&self) -> String {
        match &self.as_of {
            Some(a) => format!("{}, data as of {a}", self.version),
            None => self.version.clone(),
        }
    }
}

/// The layer sections. A layer that was not scanned is absent.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct Layers {
    /// Distinct processors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processor: Option<Vec<Processor>>,
    /// Operating systems (one for a host or an image).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<Vec<OperatingSystem>>,
    /// The toolchains that built the binaries found, and those binaries (schema 1.2.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<ToolchainLayer>,
    /// Endpoints the organisation depends on, and the data they were attributed with (schema
    /// 1.1.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<NetworkLayer>,
    /// Candidate cable routes from the organisation's country to each destination (schema
    /// 1.2.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cable: Option<CableLayer>,
    /// The services the organisation declares it buys, their suppliers' claims and what was
    /// observed of them (schema 1.2.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppliers: Option<SuppliersLayer>,
    /// The makers of the hosts' systems, network equipment, printers and phones (schema 1.2.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub devices: Option<Vec<Device>>,
    /// The registries the organisation's software components arrive through, from its SBOMs
    /// (schema 1.2.8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<SoftwareLayer>,
    /// The critical raw materials the processors and devices depend on, and who produces them
    /// (schema 1.2.10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materials: Option<Vec<RawMaterial>>,
}

impl Layers {
    /// Whether the layer was scanned (its section is present, even empty).
    pub fn has(&self, layer: Layer) -> bool {
        match layer {
            Layer::Processor => self.processor.is_some(),
            Layer::Os => self.os.is_some(),
            Layer::Toolchain => self.toolchain.is_some(),
            Layer::Network => self.network.is_some(),
            Layer::Cable => self.cable.is_some(),
            Layer::Suppliers => self.suppliers.is_some(),
            Layer::Devices => self.devices.is_some(),
            Layer::Software => self.software.is_some(),
            Layer::Materials => self.materials.is_some(),
        }
    }

    /// The layers present, in [`Layer::ALL`] order.
    pub fn present(&self) -> Vec<Layer> {
        Layer::ALL
            .iter()
            .copied()
            .filter(|&l| self.has(l))
            .collect()
    }

    /// The items of a layer, each as its own type ([`ItemRef`]) and, through it, as what every
    /// item has ([`Item`]).
    pub fn items(&self, layer: Layer) -> Vec<ItemRef<'_>> {
        match layer {
            Layer::Processor => self
                .processor
                .iter()
                .flatten()
                .map(ItemRef::Processor)
                .collect(),
            Layer::Os => self.os.iter().flatten().map(ItemRef::Os).collect(),
            Layer::Toolchain => self
                .toolchain
                .iter()
                .flat_map(|t| &t.toolchains)
                .map(ItemRef::Toolchain)
                .collect(),
            Layer::Network => self
                .network
                .iter()
                .flat_map(|n| &n.endpoints)
                .map(ItemRef::Network)
                .collect(),
            Layer::Cable => self
                .cable
                .iter()
                .flat_map(|c| &c.destinations)
                .map(ItemRef::Cable)
                .collect(),
            Layer::Suppliers => self
                .suppliers
                .iter()
                .flat_map(|s| &s.services)
                .map(ItemRef::Suppliers)
                .collect(),
            Layer::Devices => self.devices.iter().flatten().map(ItemRef::Device).collect(),
            Layer::Software => self
                .software
                .iter()
                .flat_map(|s| &s.supplies)
                .map(ItemRef::Software)
                .collect(),
            Layer::Materials => self
                .materials
                .iter()
                .flatten()
                .map(ItemRef::Material)
                .collect(),
        }
    }
}

/// An item of some layer, as its own type: what a `match` needs to handle each layer's items,
/// exhaustively (a new layer is a compile error wherever its items are not handled yet).
#[derive(Debug, Clone, Copy)]
pub enum ItemRef<'a> {
    /// A processor.
    Processor(&'a Processor),
    /// An operating system.
    Os(&'a OperatingSystem),
    /// A toolchain and the binaries it built.
    Toolchain(&'a ToolchainUse),
    /// A network endpoint.
    Network(&'a NetworkEndpoint),
    /// A cable destination (schema 1.2.4).
    Cable(&'a CableDestination),
    /// A declared service (schema 1.2.6).
    Suppliers(&'a DeclaredService),
    /// A maker of one kind of device (schema 1.2.7).
    Device(&'a Device),
    /// Software components arriving through one registry under one licensing class (schema
    /// 1.2.8).
    Software(&'a SoftwareSupply),
    /// A critical raw material (schema 1.2.10).
    Material(&'a RawMaterial),
}

impl<'a> ItemRef<'a> {
    /// The item as what every item has.
    pub fn item(self) -> &'a dyn Item {
        match self {
            ItemRef::Processor(i) => i,
            ItemRef::Os(i) => i,
            ItemRef::Toolchain(i) => i,
            ItemRef::Network(i) => i,
            ItemRef::Cable(i) => i,
            ItemRef::Suppliers(i) => i,
            ItemRef::Device(i) => i,
            ItemRef::Software(i) => i,
            ItemRef::Material(i) => i,
        }
    }

    /// Its layer.
    pub fn layer(self) -> Layer {
        match self {
            ItemRef::Processor(_) => Layer::Processor,
            ItemRef::Os(_) => Layer::Os,
            ItemRef::Toolchain(_) => Layer::Toolchain,
            ItemRef::Network(_) => Layer::Network,
            ItemRef::Cable(_) => Layer::Cable,
            ItemRef::Suppliers(_) => Layer::Suppliers,
            ItemRef::Device(_) => Layer::Devices,
            ItemRef::Software(_) => Layer::Software,
            ItemRef::Material(_) => Layer::Materials,
        }
    }
}

/// What every item of every layer has: an id, a label and its actors.
pub trait Item {
    /// Identifier, unique within the layer.
    fn id(&self) -> &str;
    /// What a person calls it.
    fn label(&self) -> String;
    /// The actors behind it.
    fn actors(&self) -> &[Actor];
    /// What identifies the item across two audits of the same organisation (`diff`, SARIF
    /// fingerprints): what it is, never its position (`ep3`, `cpu0`) nor a name its owner gave
    /// it. By default its label, which the layers derive from what the item is (`AMD EPYC`);
    /// a network endpoint is the endpoint as written (`mail:example.org`), without its label; a
    /// declared service its id in the declared file.
    fn identity(&self) -> String {
        self.label()
    }
    /// How much the item counts when judged (a toolchain weighs the binaries it built); `None`
    /// is the default weight of one.
    fn weight(&self) -> Option<f64> {
        None
    }
}

/// A fact and the evidence for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Fact<T> {
    /// The value.
    pub value: T,
    /// Where and how it was established.
    pub evidence: Vec<Evidence>,
}

impl<T> Fact<T> {
    /// A fact with one piece of evidence.
    pub fn new(value: T, evidence: Evidence) -> Self {
        Fact {
            value,
            evidence: vec![evidence],
        }
    }
}

/// Where a fact was read, how it was derived, how sure we are.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Evidence {
    /// The file read (as seen inside the scanned root, e.g. `/proc/cpuinfo`), or the knowledge
    /// base table (`kb:processors/x86-cpuid-vendors.csv`), or `sysinfo`.
    pub source: String,
    /// The field or key within the source (`vendor_id`, `ID_LIKE`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// 1-based line within the source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The raw value found there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// How the fact was derived.
    pub method: Method,
    /// How sure we are.
    pub confidence: Confidence,
}

/// How a fact was derived.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Read verbatim from a field of a file.
    FileField,
    /// Looked up by exact key in a knowledge-base table.
    KbLookup,
    /// Matched by a name pattern in a knowledge-base table.
    KbPattern,
    /// Asked the live host through the `sysinfo` crate.
    Sysinfo,
    /// Asked the live host's processor with the CPUID instruction (a hypervisor's signature,
    /// schema 1.2.12).
    Cpuid,
    /// Follows from another fact by definition (x86-64 → its licensors).
    Derived,
    /// Answered by DNS (schema 1.1.0).
    Dns,
    /// Looked up in a dataset of the network data directory (schema 1.1.0), or of the cable
    /// data pack (schema 1.2.4).
    DatasetLookup,
    /// Declared by the organisation (`--declared`): a claim, not established (schema 1.2.6).
    Declared,
}

/// How sure we are of a fact.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Could be wrong.
    Low,
    /// Probably right.
    Medium,
    /// Read or looked up exactly.
    High,
}

/// How an organisation is governed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Governance {
    /// An open standard anyone may implement without a licence.
    OpenStandard,
    /// A community-governed project.
    Community,
    /// A non-profit foundation.
    Foundation,
    /// A company.
    Company,
    /// A state or state-owned body.
    State,
    /// Not established.
    Unknown,
}

/// An organisation behind an item, in one role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Actor {
    /// The role.
    pub role: Role,
    /// The organisation; absent when it could not be established.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Headquarters country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// When the headquarters is unknown: the country a regional Internet registry delegated the
    /// organisation's resources to (a network operator's address space). It is where the
    /// resources were registered, never a headquarters, so no jurisdiction follows from it; its
    /// evidence has low confidence. Absent whenever `country` is known (schema 1.2.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_country: Option<CountryCode>,
    /// The actor's share of the item, 0-1, when the item's actors do not hold it evenly: a
    /// producing country's share of a material's production, as USGS attributes it (the
    /// materials layer, schema 1.2.10). Absent: the item's actors hold it evenly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// How it is governed.
    pub governance: Governance,
    /// Where the attribution comes from.
    pub evidence: Vec<Evidence>,
}

impl Actor {
    /// An actor whose identity could not be established, with the evidence of why.
    pub fn unknown(role: Role, evidence: Vec<Evidence>) -> Self {
        Actor {
            role,
            name: None,
            country: None,
            registered_country: None,
            share: None,
            governance: Governance::Unknown,
            evidence,
        }
    }
}

/// An ISO 3166-1 alpha-2 country code (`DE`, `US`, `CN`).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
#[schemars(with = "CountryCodeSchema")]
pub struct CountryCode(String);

/// Schema stand-in for [`CountryCode`]: two upper-case letters.
#[allow(dead_code)] // read by schemars only
#[derive(JsonSchema)]
#[schemars(transparent)]
struct CountryCodeSchema(#[schemars(regex(pattern = r"^[A-Z]{2}$"))] String);

impl CountryCode {
    /// Parses a code: exactly two ASCII upper-case letters.
    pub fn new(code: &str) -> Result<Self, Error> {
        if sovstack_abi::semantics::is_country_code(code) {
            Ok(CountryCode(code.to_string()))
        } else {
            Err(Error::CountryCode(code.to_string()))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CountryCode {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        CountryCode::new(&s)
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A problem met while scanning. Recorded, never fatal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
pub struct Diagnostic {
    /// Stable kebab-case code qualified by area (`scan/unreadable-file`).
    pub code: String,
    /// `warning` or `error`.
    pub severity: DiagnosticSeverity,
    /// What happened, for a person.
    pub message: String,
    /// The file involved, as seen inside the scanned root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// Severity of a [`Diagnostic`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticSeverity {
    /// Something could not be read or understood; the scan went on.
    Warning,
    /// A whole layer could not be collected.
    Error,
}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not a two-letter upper-case code.
    #[error("`{0}` is not an ISO 3166-1 alpha-2 country code")]
    CountryCode(String),
    /// The document is not valid JSON for this model.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde said.
        message: String,
    },
    /// The document's version is another MODEL, or a newer REVISION of ours.
    #[error(
        "schema_version {found} is newer than this sovstack reads (up to {SCHEMA_VERSION} and its later \
         additions); evaluate it with a newer sovstack, or scan again with this one"
    )]
    Version {
        /// The version found.
        found: String,
    },
}

/// serde's "invalid type: integer `3`, expected a string" as "expected a text value, found the
/// number 3"; other messages as they are.
fn plain_json_message(message: &str) -> String {
    let Some((unexpected, expected)) = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .and_then(|m| m.split_once(", expected "))
    else {
        return message.to_string();
    };
    let found = match unexpected {
        "sequence" => "a list".to_string(),
        "map" => "an object".to_string(),
        "null" => "null".to_string(),
        u => {
            let u = u.replace('`', "");
            match u.split_once(' ') {
                Some(("integer" | "floating", rest)) => {
                    format!("the number {}", rest.trim_start_matches("point "))
                }
                Some(("string", rest)) => format!("the string {rest}"),
                Some(("boolean", rest)) => rest.to_string(),
                _ => u,
            }
        }
    };
    let expected = match expected {
        "a string" => "a text value",
        "a sequence" => "a list",
        "a boolean" => "true or false",
        "u8" | "u16" | "u32" | "u64" | "usize" | "i64" => "a whole number",
        "f32" | "f64" => "a number",
        e if e.starts_with("struct ") || e.starts_with("a map") => "an object",
        e => e,
    };
    format!("expected {expected}, found {found}")
}

/// `MODEL.REVISION.ADDITION`, each a number without leading zeros.
fn schema_ver(v: &str) -> Option<[u64; 3]> {
    let mut parts = v.split('.').map(|p| {
        (!p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p == "0" || !p.starts_with('0')))
        .then(|| p.parse::<u64>().ok())
        .flatten()
    });
    let out = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(out)
}

/// Reads the top of a document: it must be a JSON object, and its `schema_version` (if any).
struct Head(Option<serde_json::Value>);

impl<'de> Deserialize<'de> for Head {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        fn not_an_object<E: serde::de::Error>(found: &str) -> E {
            E::custom(format!("an inventory is a JSON object `{{ \"schema_version\": ... }}` (from `sovstack scan`), but this document is {found}"))
        }
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Head;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an inventory: a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Head, A::Error> {
                let mut version = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "schema_version" {
                        version = Some(map.next_value::<serde_json::Value>()?);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(Head(version))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> Result<Head, A::Error> {
                Err(not_an_object("an array"))
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Head, E> {
                Err(not_an_object("a string"))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Head, E> {
                Err(not_an_object("a boolean"))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Head, E> {
                Err(not_an_object("a number"))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Head, E> {
                Err(not_an_object("a number"))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Head, E> {
                Err(not_an_object("a number"))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Head, E> {
                Err(not_an_object("null"))
            }
        }
        d.deserialize_any(V)
    }
}

impl Inventory {
    /// Parses an inventory, checking that this version can read its `schema_version` (see the
    /// crate's Versioning). A newer ADDITION is read with an `inventory/newer-addition` warning
    /// appended to its diagnostics.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        let json_err = |e: serde_json::Error| Error::Json {
            line: e.line(),
            column: e.column(),
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string(),
        };
        // Look at the version first, so a document from an incompatible future model gets a
        // version message rather than a confusing field error.
        let Head(version) = serde_json::from_str(text).map_err(json_err)?;
        let at_version = |message: String| {
            // The line of `"schema_version"`, for the message (the key is unique in the document's
            // top level, and a nested one would be a later line).
            let line = text
                .lines()
                .position(|l| l.contains("\"schema_version\""))
                .map_or(1, |i| i + 1);
            let column = text
                .lines()
                .nth(line - 1)
                .and_then(|l| l.find("\"schema_version\""))
                .map_or(1, |c| c + 1);
            Error::Json {
                line,
                column,
                message,
            }
        };
        let found = match version {
            None => return Err(at_version("there is no `schema_version`: is this an inventory from `sovstack scan`?".into())),
            Some(serde_json::Value::String(s)) => s,
            Some(other) => {
                return Err(at_version(format!("field `schema_version`: expected a string such as \"{SCHEMA_VERSION}\", found {other}")))
            }
        };
        let Some(theirs) = schema_ver(&found) else {
            return Err(at_version(format!(
                "field `schema_version`: `{found}` is not MODEL.REVISION.ADDITION (three numbers, such as {SCHEMA_VERSION})"
            )));
        };
        let ours = schema_ver(SCHEMA_VERSION).expect("SCHEMA_VERSION is MODEL.REVISION.ADDITION");
        if theirs[0] != ours[0] || theirs[1] > ours[1] {
            return Err(Error::Version { found });
        }
        // serde_path_to_error names the field a type error is in (`layers.os[0].name`).
        let mut de = serde_json::Deserializer::from_str(text);
        let mut inventory: Inventory = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let Error::Json {
                line,
                column,
                message,
            } = json_err(inner)
            else {
                unreachable!("json_err makes Json")
            };
            let message = plain_json_message(&message);
            let message = if path == "." || path.is_empty() {
                message
            } else {
                format!("field `{path}`: {message}")
            };
            Error::Json {
                line,
                column,
                message,
            }
        })?;
        de.end().map_err(json_err)?;
        if theirs[1] == ours[1] && theirs[2] > ours[2] {
            inventory.diagnostics.push(Diagnostic {
                code: codes::NEWER_ADDITION.into(),
                severity: DiagnosticSeverity::Warning,
                message: format!(
                    "the inventory's schema_version {found} is a newer addition than this sovstack's \
                     {SCHEMA_VERSION}: it is read, but what the addition brought is ignored"
                ),
                path: None,
            });
        }
        Ok(inventory)
    }

    /// Serialises the inventory as pretty JSON with a final newline. Field order is fixed by the
    /// types and every map is ordered, so equal inventories give equal bytes.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("an inventory always serialises");
        s.push('\n');
        s
    }
}

/// The JSON Schema of the inventory document, generated from the types.
pub fn json_schema() -> serde_json::Value {
    let schema = schemars::schema_for!(Inventory);
    serde_json::to_value(schema).expect("a schema always serialises")
}

#[cfg(test)]
mod tests;
