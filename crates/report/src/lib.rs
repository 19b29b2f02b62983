//! sovstack reports: the [`Report`] model and its renderings for people and machines.
//!
//! The evaluation fills a [`Report`]; each output format turns it into bytes through [`Format`]
//! (`formats/table.rs`, `formats/json.rs`). This crate knows nothing of how the facts were
//! collected or how the plugins ran: it never depends on the scanner or on wasmtime.
//!
//! Reports are deterministic: the same inventory, rulesets, plugins and knowledge base give the
//! same bytes. The only time a report carries comes from `SOURCE_DATE_EPOCH`, and every list is in
//! a fixed order.

#![deny(missing_docs)]

pub mod compare;
pub mod diff;
pub mod formats;
mod gate;
mod waivers;

pub use formats::{Format, FormatKind, RenderOptions, TableOptions, DEFAULT_WIDTH};
pub use gate::{Gate, GateOutcome};
pub use waivers::{Target, WaivedFinding, Waiver, WaiverReport, WaiverStatus};

use serde::{Deserialize, Serialize};
use sovstack_abi::{Finding, Governance, LayerScore, ScoringMethod, Severity};
use sovstack_inventory::{Confidence, CountryCode, DataPackRef, DataRef, Diagnostic, Generator};
use sovstack_ruleset::Overall;
use std::collections::BTreeMap;

/// Version of the report document (`MODEL.REVISION.ADDITION`).
pub const REPORT_VERSION: &str = "1.0.13";

/// The result of evaluating an inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    /// [`REPORT_VERSION`].
    pub report_version: String,
    /// The program that wrote it.
    pub generator: Generator,
    /// RFC 3339 UTC, only when `SOURCE_DATE_EPOCH` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_at: Option<String>,
    /// The organisation audited, as the configuration file names it. Added in report 1.0.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<Organisation>,
    /// What was scanned.
    pub scan: ScanSummary,
    /// Versions and sha256 of everything the result depends on.
    pub inputs: Inputs,
    /// Each layer's items with their attribution and findings.
    pub layers: Vec<LayerReport>,
    /// Each ruleset's scores, per layer and overall.
    pub rulesets: Vec<RulesetResult>,
    /// Problems met while scanning or evaluating (a plugin that failed, a layer no plugin reads).
    pub diagnostics: Vec<Diagnostic>,
    /// The waivers given (`--waivers`), each with what it waived; the gate does not count a
    /// waived finding. Added in report 1.0.4.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waivers: Vec<WaiverReport>,
    /// The policy gate, when one was asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateOutcome>,
    /// The cable layer's routes as a map draws them, when the layer has destinations and the
    /// cable data pack gives the landing stations' coordinates. Added in report 1.0.6.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cable_map: Option<CableMap>,
    /// How old the machines are and how long their systems and processors stay supported
    /// (objective SOV-8), when the inventory gives a firmware date or a support window. Added
    /// in report 1.0.8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sobriety: Option<Sobriety>,
    /// The critical raw materials the audited processors and devices depend on, and which
    /// country dominates each one's supply (informative; no rule scores it). Added in report
    /// 1.0.8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub materials: Option<MaterialsReport>,
    /// An organisation's hosts (a fleet made by `sovstack scan --import`), each with the items
    /// it counts in, in the inventory's order: what `--format jsonl` writes one line per host
    /// item from. Added in report 1.0.8.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<HostReport>,
}

/// One host of an organisation's fleet (added in report 1.0.8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HostReport {
    /// The device id its inventory gives (`file:PATH` for a sovstack inventory).
    pub id: String,
    /// Its name, when its inventory gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What it is (`Computer`, `NetworkEquipment`, ...), as its inventory says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The file it was imported from.
    pub source: String,
    /// Its labels (`tag`, `location`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// The items it counts in: layer id, then item id, in layer order.
    pub items: Vec<HostItem>,
}

/// An item a host counts in (added in report 1.0.8).
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct HostItem {
    /// The layer id (`processor`).
    pub layer: String,
    /// The item id (`cpu0`).
    pub item: String,
}

/// Where an item's control goes under one `concentration` rule: the fraction of the item's
/// weight each pole (or `commons`, `other`, `unknown`) holds, split evenly among the item's
/// actors of the rule's roles, each actor to the first of: commons (open standard or community
/// project), unknown (no headquarters country), the first pole of the ruleset listing its
/// country or one of its blocs, other. A layer's shares are the weighted sums of these over the
/// items the rule judges (added in report 1.0.8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemPole {
    /// The ruleset.
    pub ruleset: String,
    /// The `concentration` rule.
    pub rule: String,
    /// A pole id of the ruleset, or `commons`, `other`, `unknown`.
    pub pole: String,
    /// The fraction of the item's control it holds (0..1; an item's fractions under one rule
    /// sum to 1).
    pub fraction: f64,
}

/// Critical raw materials (report 1.0.8): the component classes the inventory's items are made
/// of, the materials those depend on, and each material's supply concentration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MaterialsReport {
    /// Each component class found, with the machines holding it.
    pub components: Vec<ComponentReport>,
    /// Each material those depend on, by name.
    pub materials: Vec<MaterialReport>,
}

/// A component class the inventory's items are made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ComponentReport {
    /// `logic chip`, `display`, `battery`, `electronic components`.
    pub component: String,
    /// The machines holding it: in a fleet, the hosts holding it through any of their items,
    /// each once (a hypervisor's guest is no machine; for a fleet inventory before 1.2.9, which
    /// names no host's devices item, at least the devices items' hosts); outside one, 1.
    pub machines: u64,
    /// The lowest confidence of the links from items to it (`medium` where it is assumed from
    /// the kind of device).
    pub confidence: Confidence,
    /// The materials it depends on.
    pub materials: Vec<String>,
}

/// A critical raw material and the concentration of its supply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MaterialReport {
    /// `gallium`, ...
    pub material: String,
    /// Its status under the EU Critical Raw Materials Act: `strategic` (Annex I), `critical`
    /// (Annex II) or `none`.
    pub crma: String,
    /// The supply step the figures are for (`mine`, `refinery`, `primary`) and their year.
    pub step: String,
    /// The year.
    pub year: String,
    /// The world total, rounded by USGS, and its unit.
    pub world: u64,
    /// `t`, `kg`.
    pub unit: String,
    /// The leading producer (ISO code) and its share of the production USGS attributes to
    /// countries, to a thousandth.
    pub dominant_country: String,
    /// Its share.
    pub dominant_share: f64,
    /// The components that need it.
    pub needed_by: Vec<String>,
    /// Where the figures, the status and the uses come from.
    pub sources: Vec<String>,
}

/// Sobriety (report 1.0.8): keeping hardware in use longer. Every date comes from the
/// inventory (firmware dates) or the knowledge base (endoflife.date's support windows, the
/// processors a vendor's newer OS refuses); ages and the time left are counted from `as_of`,
/// the day of `SOURCE_DATE_EPOCH`, and are absent without it so that the report stays
/// reproducible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Sobriety {
    /// The day ages and the time left are counted from (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// Machines whose firmware date is known, and those whose inventory gives none.
    pub machines_dated: u64,
    /// Machines whose inventory gives no firmware date.
    pub machines_undated: u64,
    /// The dated machines by firmware age, youngest band first (empty without `as_of`). The
    /// firmware's release date bounds the machine's age from below when it was updated.
    pub ages: Vec<AgeBand>,
    /// Each operating system and processor item with a support window, soonest end first.
    pub support: Vec<SupportWindow>,
    /// Processors a vendor's newer operating system refuses, with the last release that runs on
    /// them and the free system that still does; and (report 1.0.9) the vendor systems past
    /// their end of support on such machines.
    pub obsolescence: Vec<Obsolescence>,
    /// Where the figures come from.
    pub sources: Vec<String>,
}

/// Machines whose firmware is between `min_years` (inclusive) and `max_years` (exclusive) old.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgeBand {
    /// `under 3 years`, `3 to 5 years`, ..., `10 years or more`.
    pub label: String,
    /// Lower bound, in years.
    pub min_years: u32,
    /// Upper bound, in years; absent for the last band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_years: Option<u32>,
    /// The number of machines in it.
    pub machines: u64,
}

/// The support window of an item (an operating system's release or kernel series, a
/// processor's family), as endoflife.date gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SupportWindow {
    /// `os` or `processor`.
    pub layer: String,
    /// The item's id.
    pub item: String,
    /// What it is (`Debian GNU/Linux 12 (bookworm)`, `the Linux 6.1 kernel series`).
    pub label: String,
    /// endoflife.date's product and cycle (`debian 12`).
    pub product: String,
    /// The cycle.
    pub cycle: String,
    /// The last day of support, when announced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_support: Option<String>,
    /// Whether support has ended on `as_of` (or the source says it has, without a date).
    pub ended: bool,
    /// The last day of extended support (Debian LTS, Ubuntu ESM, Windows ESU), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_of_extended_support: Option<String>,
    /// Years of support left on `as_of`, to a tenth (negative once ended); absent without
    /// `as_of` or an announced end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years_left: Option<f64>,
    /// Years of extended support left on `as_of`, to a tenth (negative once ended), when there
    /// is an extended support window; absent without `as_of` or such a window (report 1.0.12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_years_left: Option<f64>,
    /// The machines it stands for.
    pub machines: u64,
}

/// A processor its vendor's newer OS refuses: software obsolescence when the last release
/// that runs on it is past its end of support, while a free OS still supports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Obsolescence {
    /// `processor`: a processor the vendor's newer OS refuses; `os` (report 1.0.9): a vendor OS
    /// release past its end of support on machines whose processors its successor refuses.
    pub layer: String,
    /// The processor or operating-system item's id.
    pub item: String,
    /// Its model.
    pub label: String,
    /// The machines it stands for.
    pub machines: u64,
    /// The release that refuses it (`Windows 11`).
    pub refused_by: String,
    /// The last release that runs on it (`windows 10-22h2`) and when its support ends.
    pub last_release: String,
    /// Its end of support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_release_end_of_support: Option<String>,
    /// Whether that end has passed on `as_of`.
    pub last_release_ended: bool,
    /// The free OS release that supports it on `as_of` (`debian 13 (amd64)`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_os: Option<String>,
    /// Its end of support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_os_end_of_support: Option<String>,
    /// The conclusion in plain words.
    pub message: String,
}

/// The cable systems on the cable layer's routes, each between its landing stations (added in
/// report 1.0.6). Schematic: a map joins the landing stations, not the cables' true paths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CableMap {
    /// The organisation's country, where every route starts.
    pub origin: CountryCode,
    /// One link per system and leg, by system name then landing stations.
    pub links: Vec<CableLink>,
    /// The landing stations the links name, by name, with their coordinates.
    pub landing_points: Vec<sovstack_inventory::CableLandingPoint>,
}

/// A cable system on one leg of a route: its landing stations at each end of the leg.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct CableLink {
    /// The system's name.
    pub system: String,
    /// Its landing stations in the leg's first country.
    pub from: Vec<String>,
    /// Its landing stations in the leg's second country.
    pub to: Vec<String>,
    /// The destinations whose routes use it (`FR-US`).
    pub destinations: Vec<String>,
}

/// The organisation an audit is for, as its user declared it (added in report 1.0.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Organisation {
    /// Its name.
    pub name: String,
    /// Its country (ISO 3166-1 alpha-2), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<CountryCode>,
    /// Where it was declared: the configuration file.
    pub source: String,
}

/// What was scanned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScanSummary {
    /// The root, as given to the scan.
    pub root: String,
    /// Whether the live host was consulted.
    pub live_host: bool,
    /// What was actually audited, in words, in order: `root DIR` (with `(live host)`) when a
    /// layer read the root (processor, os, toolchain), `endpoints file FILE` and `domain D` for
    /// the network layer (`no network endpoints` when it had none). Added in report 1.0.1.
    #[serde(default)]
    pub audited: Vec<String>,
    /// The inventory's schema version.
    pub inventory_schema_version: String,
}

/// Everything the result depends on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Inputs {
    /// The knowledge base the inventory was attributed with.
    pub scan_knowledge_base: DataRef,
    /// The knowledge base used for blocs and laws at evaluation.
    pub knowledge_base: DataRef,
    /// The rulesets, in evaluation order.
    pub rulesets: Vec<InputRef>,
    /// The plugins that ran.
    pub plugins: Vec<PluginRef>,
    /// The run-time data packs the scan read, each with its directory and the lookup step that
    /// found it (from the inventory). Added in report 1.0.2; each pack's licences in 1.0.5.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_packs: Vec<DataPackRef>,
}

/// A ruleset (or other input) and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InputRef {
    /// Name, version, sha256.
    #[serde(flatten)]
    pub data: DataRef,
    /// `builtin:NAME` or a path.
    pub origin: String,
}

/// A plugin that ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PluginRef {
    /// Name, version, sha256 of the module.
    #[serde(flatten)]
    pub data: DataRef,
    /// ABI version it exports.
    pub abi_version: u32,
    /// Layers it reads.
    pub layers: Vec<String>,
    /// `builtin:NAME` or a path.
    pub origin: String,
}

/// One layer of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LayerReport {
    /// Layer id (`processor`).
    pub id: String,
    /// The items, in inventory order.
    pub items: Vec<ItemReport>,
}

/// One item with its attribution and what the rulesets found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemReport {
    /// Item id.
    pub id: String,
    /// Label.
    pub label: String,
    /// What identifies the item across two audits when its label does not (a network endpoint
    /// is the endpoint as written, without the label its owner gave it; a declared service its
    /// id): the key `diff` pairs its findings by, and SARIF fingerprints hash. Absent when the
    /// label is the identity. Added in report 1.0.11.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// Extra facts worth showing (`logical_cpus`, `kernel`, ...), ordered.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, String>,
    /// The actors behind it.
    pub actors: Vec<ActorReport>,
    /// Findings on this item, ruleset by ruleset.
    pub findings: Vec<ItemFinding>,
    /// What the item weighs when judged (the hosts it stands for, the binaries a toolchain
    /// built, the components of a registry, an endpoint's criticality); absent when it weighs
    /// the default, one. Added in report 1.0.8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// Where its control goes under each ruleset's `concentration` rules of its layer: what the
    /// layer's shares are made of. Added in report 1.0.8.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub poles: Vec<ItemPole>,
}

impl ItemReport {
    /// What identifies the item across audits, on `layer`: its `identity`; in a report older
    /// than 1.0.11, which lacks it, a network endpoint's is read back from its label
    /// (`LABEL (ENDPOINT)` or `ENDPOINT`) and a declared service's is its id; otherwise the
    /// label.
    pub fn identity_in(&self, layer: &str) -> String {
        if let Some(i) = &self.identity {
            return i.clone();
        }
        match layer {
            "network" => match self
                .label
                .strip_suffix(')')
                .and_then(|l| l.rsplit_once(" ("))
            {
                Some((_, endpoint)) => endpoint.to_string(),
                None => self.label.clone(),
            },
            "suppliers" => self.id.clone(),
            _ => self.label.clone(),
        }
    }
}

/// An actor as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActorReport {
    /// Role.
    pub role: String,
    /// Organisation; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Headquarters country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The country's name (`United States`), when known. Added in report 1.0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country_name: Option<String>,
    /// When the headquarters country is unknown: the country a registry delegated the actor's
    /// resources to (a network operator's address space), low confidence. Never a
    /// headquarters: no blocs or laws follow from it. Added in report 1.0.2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_country: Option<String>,
    /// The actor's share of the item, 0-1, when the item's actors do not hold it evenly (a
    /// producing country's share of a material's production, the materials layer). Added in
    /// report 1.0.9.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Blocs of that country.
    pub blocs: Vec<String>,
    /// Extraterritorial laws reaching it.
    pub laws: Vec<String>,
    /// The readable names of `laws`, in the same order (`US CLOUD Act`). Added in report 1.0.1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub law_names: Vec<String>,
    /// Governance.
    pub governance: Governance,
    /// The lowest confidence among the attribution's evidence.
    pub confidence: Confidence,
    /// The attribution's evidence, one line each (`proc/cpuinfo:5 vendor_id = AuthenticAMD
    /// (read from the file, high confidence)`). Added in report 1.0.1.
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// A finding on an item, with the ruleset that made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemFinding {
    /// Ruleset name.
    pub ruleset: String,
    /// The finding.
    #[serde(flatten)]
    pub finding: Finding,
}

/// One ruleset's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RulesetResult {
    /// Name.
    pub name: String,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// Scoring method.
    pub method: ScoringMethod,
    /// Per layer: the plugin that judged it, its score and its findings.
    pub layers: BTreeMap<String, LayerResult>,
    /// Over all layers.
    pub overall: Overall,
    /// Every rule of the ruleset, in file order, with what it asks and where it is written (so
    /// that a finding can be explained and located from the report alone). Added in report 1.0.3.
    #[serde(default)]
    pub rules: Vec<RuleReport>,
}

impl RulesetResult {
    /// Who controls the stack (`bloc_balance`): the layers of control and the mean share of each
    /// pole over them ([`sovstack_ruleset::control_shares`]), as `overall` records
    /// them; for a report before 1.0.10, which does not, computed from its layers by the same
    /// function. Empty for `seal_weakest_link`.
    pub fn control_shares(&self) -> (Vec<String>, BTreeMap<String, f64>) {
        if self.method != ScoringMethod::BlocBalance {
            return (Vec::new(), BTreeMap::new());
        }
        if !self.overall.control_layers.is_empty() {
            return (
                self.overall.control_layers.clone(),
                self.overall.control_shares.clone(),
            );
        }
        let scored: BTreeMap<String, LayerScore> = self
            .layers
            .iter()
            .filter_map(|(id, l)| l.score.clone().map(|s| (id.clone(), s)))
            .collect();
        sovstack_ruleset::control_shares(&scored)
    }

    /// The scored layers that are not of control (the materials layer: producing countries of
    /// raw materials), with their shares, for the formats to show apart from control.
    pub fn production_shares(&self) -> Vec<(&str, &BTreeMap<String, f64>)> {
        if self.method != ScoringMethod::BlocBalance {
            return Vec::new();
        }
        self.layers
            .iter()
            .filter(|(id, _)| sovstack_abi::Layer::from_id(id).is_some_and(|l| !l.controls()))
            .filter_map(|(id, l)| l.score.as_ref().map(|s| (id.as_str(), &s.shares)))
            .collect()
    }
}

/// A rule as the report describes it (added in report 1.0.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleReport {
    /// Its id (`eu.processor.designer-jurisdiction`).
    pub id: String,
    /// The layer it judges.
    pub layer: String,
    /// One line saying what it asks.
    pub title: String,
    /// The objective it contributes to (`SOV-5`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    /// The severity of its findings.
    pub severity: Severity,
    /// The 1-based line of the ruleset file it starts on (its origin in `inputs.rulesets`:
    /// a built-in ruleset's file is `rulesets/NAME.yaml` of the sources).
    pub line: u64,
    /// What an organisation can do about a finding of the rule, as the ruleset says it; absent
    /// when the ruleset gives none. Added in report 1.0.12.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
}

/// A layer's result under one ruleset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LayerResult {
    /// The name of the plugin that judged it (or was to).
    pub plugin: String,
    /// Its score; absent when the plugin failed or nothing could be scored.
    pub score: Option<LayerScore>,
    /// Every finding, layer-wide ones included.
    pub findings: Vec<Finding>,
    /// The plugin that judged the layer (or was to), told apart from any other of the same
    /// name: its version, the sha256 of its module, where it came from (`builtin:ID` or the
    /// file given with `--plugin`), and what the evaluation cost. Added in report 1.0.7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin_run: Option<PluginRun>,
    /// Why the layer was not evaluated, when it was not: the plugin failed, its response was
    /// refused, or the plugin given for it did not load (the diagnostics say more). Its score
    /// is then absent and it has no findings. Added in report 1.0.7.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_evaluated: Option<String>,
}

impl LayerResult {
    /// Why the layer was not evaluated and, when it ran, by which plugin.
    pub fn not_evaluated_label(&self, why: &str) -> String {
        match &self.plugin_run {
            Some(run) => format!("{why}; plugin {}", run.describe(false)),
            None => why.to_string(),
        }
    }

    /// The plugin, as a person reads it: `os 0.1.0 (built-in, sha256 0123abcd…)`, or only its
    /// name in a report written before 1.0.7.
    pub fn plugin_label(&self) -> String {
        match &self.plugin_run {
            Some(run) => run.describe(false),
            None => self.plugin.clone(),
        }
    }
}

/// The plugin of one evaluation (a layer under a ruleset), and what the evaluation cost (added
/// in report 1.0.7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PluginRun {
    /// Name, version, sha256 of the module.
    #[serde(flatten)]
    pub data: DataRef,
    /// `builtin:ID` for a built-in plugin, else the path given with `--plugin`.
    pub origin: String,
    /// What the evaluation cost; absent when the plugin was never instantiated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Resources>,
}

/// What the origin of a built-in plugin starts with: `builtin:ID`.
pub const BUILTIN_ORIGIN_PREFIX: &str = "builtin:";

/// A count as every report shows it: `2940` as `2,940`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A material's status under the EU Critical Raw Materials Act ([`MaterialReport::crma`]) in
/// plain words, as the materials layer's facts and the materials section say it: `none` is not
/// missing data but a material on neither of the Regulation's lists.
pub fn crma_words(status: &str) -> String {
    match status {
        "strategic" => "strategic raw material (Annex I of Regulation (EU) 2024/1252)".to_string(),
        "critical" => "critical raw material (Annex II of Regulation (EU) 2024/1252)".to_string(),
        "none" => "not on the EU's lists of critical or strategic raw materials (Regulation (EU) \
                   2024/1252)"
            .to_string(),
        other => other.to_string(),
    }
}

/// A score (0-100) as every format shows it: to one decimal (`46.9` for 46.89).
pub fn score_shown(score: f64) -> String {
    format!("{score:.1}")
}

/// The value of a score as shown ([`score_shown`]): what `--fail-under` compares, so that a
/// shown 46.9 passes `--fail-under 46.9`.
pub fn score_as_shown(score: f64) -> f64 {
    score_shown(score).parse().unwrap_or(score)
}

/// Whether a plugin's origin is that of a plugin built into sovstack (`builtin:ID`), rather than
/// a file given with `--plugin`.
pub fn is_builtin_origin(origin: &str) -> bool {
    origin.starts_with(BUILTIN_ORIGIN_PREFIX)
}

impl PluginRun {
    /// Whether the plugin is one of those built into sovstack.
    pub fn is_builtin(&self) -> bool {
        is_builtin_origin(&self.origin)
    }

    /// `os 0.1.0 (built-in, sha256 0123abcd…)` or `os 0.1.0 (./os.wasm, sha256 0123abcd…)`,
    /// the first 16 hex digits of the sha256 (`--wide` and the JSON report give all 64).
    pub fn describe(&self, full_sha256: bool) -> String {
        self.describe_with(full_sha256, "…")
    }

    /// [`PluginRun::describe`], with `ellipsis` after a shortened sha256 (`...` for ASCII).
    pub fn describe_with(&self, full_sha256: bool, ellipsis: &str) -> String {
        let place = if self.is_builtin() {
            "built-in"
        } else {
            self.origin.as_str()
        };
        let sha = if full_sha256 {
            self.data.sha256.clone()
        } else {
            format!(
                "{}{ellipsis}",
                self.data.sha256.get(..16).unwrap_or(&self.data.sha256)
            )
        };
        format!(
            "{} {} ({place}, sha256 {sha})",
            self.data.name, self.data.version
        )
    }
}

/// What one evaluation cost a plugin, and the limits it ran under (grown with the size of the
/// request). Deterministic: the same module and request give the same figures. Wall time is
/// not, so it is never written to the report (`--verbose` prints it on stderr), and two
/// `Resources` that differ only in it are equal.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Resources {
    /// Fuel spent: about one unit per WebAssembly instruction.
    pub fuel: u64,
    /// The fuel the evaluation was given.
    pub fuel_limit: u64,
    /// The largest size the plugin's linear memory reached, in bytes.
    pub memory_peak_bytes: u64,
    /// The memory cap, in bytes.
    pub memory_limit_bytes: u64,
    /// Wall-clock time of the evaluation, in microseconds: kept for `--verbose`, never
    /// serialised (it differs from run to run).
    #[serde(skip)]
    #[schemars(skip)]
    pub wall_time_us: u64,
}

impl PartialEq for Resources {
    fn eq(&self, other: &Self) -> bool {
        (
            self.fuel,
            self.fuel_limit,
            self.memory_peak_bytes,
            self.memory_limit_bytes,
        ) == (
            other.fuel,
            other.fuel_limit,
            other.memory_peak_bytes,
            other.memory_limit_bytes,
        )
    }
}

/// A finding with what identifies it across audits (see [`Report::keyed_findings`]).
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedFinding<'a> {
    /// The ruleset's name.
    pub ruleset: &'a str,
    /// The layer id.
    pub layer: &'a str,
    /// The item it is on; `None` for a layer-wide finding or an item the report lacks.
    pub item: Option<&'a ItemReport>,
    /// The finding.
    pub finding: &'a Finding,
    /// The item's label (the layer id for a layer-wide finding, the item id for an item the
    /// report lacks).
    pub name: String,
    /// Ruleset, rule, layer, the item's identity ([`ItemReport::identity_in`]) and the
    /// occurrence among the findings sharing those, one per line: equal in two audits when the
    /// same rule finds the same thing on the same item, whatever its position or label.
    pub key: String,
}

impl Report {
    /// Every finding of every ruleset with its identity across audits, in report order. The
    /// item id is not part of it (it is the item's position in the inventory), nor a label its
    /// owner gave it: the item's identity is ([`ItemReport::identity_in`]).
    /// A rule may find several things on one item (a pole's share and the concentration index
    /// on a layer): the occurrence tells them apart.
    pub fn keyed_findings(&self) -> Vec<KeyedFinding<'_>> {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut out = Vec::new();
        for r in &self.rulesets {
            for (layer, result) in &r.layers {
                for f in &result.findings {
                    let item = f.item.as_deref().and_then(|id| self.item(layer, id));
                    let name = match (&f.item, item) {
                        (Some(_), Some(i)) => i.label.clone(),
                        (Some(id), None) => id.clone(),
                        (None, _) => layer.clone(),
                    };
                    let identity = match (&f.item, item) {
                        (Some(_), Some(i)) => i.identity_in(layer),
                        _ => name.clone(),
                    };
                    let base = [r.name.as_str(), &f.rule, layer, &identity].join("\n");
                    let n = seen.entry(base.clone()).or_insert(0);
                    let key = format!("{base}\n{n}");
                    *n += 1;
                    out.push(KeyedFinding {
                        ruleset: &r.name,
                        layer,
                        item,
                        finding: f,
                        name,
                        key,
                    });
                }
            }
        }
        out
    }

    /// The item `id` of `layer`.
    pub fn item(&self, layer: &str, id: &str) -> Option<&ItemReport> {
        self.layers
            .iter()
            .find(|l| l.id == layer)
            .and_then(|l| l.items.iter().find(|i| i.id == id))
    }

    /// Every finding of every ruleset, with its ruleset name.
    pub fn findings(&self) -> impl Iterator<Item = (&str, &Finding)> {
        self.rulesets.iter().flat_map(|r| {
            r.layers
                .values()
                .flat_map(move |l| l.findings.iter().map(move |f| (r.name.as_str(), f)))
        })
    }
}

/// The JSON Schema of the report document, generated from the types; the published copy is
/// `schema/report-REPORT_VERSION.schema.json`, checked current by a test.
pub fn json_schema() -> serde_json::Value {
    // The report is only ever written: its schema is the serialisation contract (a field skipped
    // when empty is optional).
    let schema = schemars::generate::SchemaSettings::default()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Report>();
    serde_json::to_value(schema).expect("a schema always serialises")
}

/// Reads a report written by `--format json` (any report of model 1: fields added since 1.0.0
/// default to empty). `Err` carries the line, column and message.
pub fn from_json(text: &str) -> Result<Report, (usize, usize, String)> {
    // The version first: a report of another model may have another shape.
    #[derive(Deserialize)]
    struct Version {
        report_version: String,
    }
    if let Ok(Version { report_version }) = serde_json::from_str::<Version>(text) {
        if report_version.split('.').next() != Some("1") {
            return Err((
                1,
                1,
                format!(
                    "report version {report_version} is not of model 1, which this sovstack reads"
                ),
            ));
        }
    }
    // serde_path_to_error names the field an error is in (`rulesets[0].overall`).
    let mut de = serde_json::Deserializer::from_str(text);
    let report: Report = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        // serde_json's message ends with its own "at line L column C": the caller places it.
        let message = inner.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        let message = if matches!(path.as_str(), "." | "?" | "") {
            message
        } else {
            format!("{path}: {message}")
        };
        (inner.line(), inner.column().max(1), message)
    })?;
    Ok(report)
}

/// Parses the JSON a [`Report`] serialises to back into a generic value (for tests and tools).
pub fn to_value(report: &Report) -> serde_json::Value {
    serde_json::to_value(report).expect("a report always serialises")
}

/// Reads `SOURCE_DATE_EPOCH` (the reproducible-builds convention) as an RFC 3339 UTC time.
/// `None` when unset; an error when set but not a whole number of seconds.
pub fn source_date_epoch() -> Result<Option<String>, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Err(_) => Ok(None),
        // Exported empty, as some CI systems do: the same as not set.
        Ok(s) if s.trim().is_empty() => Ok(None),
        Ok(s) => {
            let secs: i64 = s
                .trim()
                .parse()
                .map_err(|_| format!("SOURCE_DATE_EPOCH=`{s}` is not a whole number of seconds"))?;
            Ok(Some(rfc3339(secs)))
        }
    }
}

/// Formats seconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, Howard
/// Hinnant's algorithm), to avoid a date crate for one conversion.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The published schema file must be what the types generate: regenerate it with
    /// `SOVSTACK_BLESS=1 cargo test -p sovstack-report` and review the diff. A published schema
    /// is never edited: a change of the report's shape gets a new REPORT_VERSION.
    #[test]
    fn published_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../schema/report-{REPORT_VERSION}.schema.json"));
        let generated = serde_json::to_string_pretty(&json_schema()).unwrap() + "\n";
        if std::env::var_os("SOVSTACK_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let published = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with SOVSTACK_BLESS=1)", path.display()));
        assert_eq!(
            published, generated,
            "schema/ is stale: run with SOVSTACK_BLESS=1"
        );
        // It is a schema a validator accepts.
        jsonschema::validator_for(&json_schema()).unwrap();
    }

    /// The published schema of a `--format jsonl` line must be what the types generate
    /// (`SOVSTACK_BLESS=1 cargo test -p sovstack-report`); tests/e2e/jsonl.rs checks real
    /// output against it.
    #[test]
    fn published_jsonl_schema_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../schema/report-jsonl-1.schema.json");
        let generated = serde_json::to_string_pretty(&formats::jsonl_schema()).unwrap() + "\n";
        if std::env::var_os("SOVSTACK_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let published = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with SOVSTACK_BLESS=1)", path.display()));
        assert_eq!(
            published, generated,
            "schema/ is stale: run with SOVSTACK_BLESS=1"
        );
        jsonschema::validator_for(&formats::jsonl_schema()).unwrap();
    }

    #[test]
    fn rfc3339_matches_known_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}
