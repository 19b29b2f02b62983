//! sovstack's knowledge base: who designs, licenses, fabricates and stewards what, where those
//! organisations are headquartered, which blocs those countries belong to and which laws reach
//! companies there.
//!
//! Every fact is a row of a CSV table under `crates/kb/data/<area>/`, with a source for the row;
//! `crates/kb/data/README.md` describes each table, its columns, origin and licence. The tables
//! are embedded in the binary with `include_str!`, loaded and validated by [`Kb::builtin`] (keys
//! unique, every country an ISO code listed in `countries.csv`, every bloc and organisation
//! known, every pattern compiling and matching its own examples), and hashed into
//! [`Kb::data_ref`] so an inventory records exactly which knowledge produced it.
//!
//! Look-ups return an [`Attribution`]: the organisation's canonical name, country and
//! governance, and [`Evidence`] pointing at the rows used (the matching row first, then the
//! organisation's row in `orgs/organisations.csv`). Nothing is guessed: an unknown key gives
//! `None`.
//!
//! This crate does not read the scanned system (`sovstack-scan` does) and does not judge
//! anything (rulesets and plugins do).
//!
//! ```
//! let kb = sovstack_kb::Kb::builtin().expect("the embedded tables are valid");
//! let intel = kb.x86_vendor("GenuineIntel").unwrap();
//! assert_eq!(intel.name, "Intel Corporation");
//! assert_eq!(intel.country.as_ref().unwrap().as_str(), "US");
//! let us = kb.country("US").unwrap();
//! assert!(us.blocs.contains(&"NATO".to_string()));
//! let laws: Vec<&str> = kb.laws_reaching("US").iter().map(|l| l.id.as_str()).collect();
//! assert!(laws.contains(&"us-cloud-act"));
//! ```

#![deny(missing_docs)]

mod devices;
mod geo;
mod hypervisors;
mod lifecycle;
mod materials;
mod orgs;
mod os;
mod patterns;
mod processors;
mod software;
mod tables;
mod toolchain;

pub use devices::HighRiskDesignation;
pub use geo::{Bloc, Country, Law};
pub use hypervisors::{DmiField, DmiStrings, HypervisorMatch};
pub use lifecycle::{
    day_number, extended_support_name, is_date, FreeOs, VendorOsFloor, WINDOWS, WINDOWS_SERVER,
};
pub use materials::{
    ComponentNeed, ItemComponent, Material, MaterialNeed, MaterialUse, MaterialsNeeded, SupplyStep,
};
pub use processors::FabCountries;
pub use software::Registry;
pub use tables::{KbError, TableInfo};
pub use toolchain::{
    MachoPlatform, MachoTool, RichBuild, RichProduct, Signature, Toolchain, ToolchainMarks,
};

use sovstack_inventory::{Actor, CountryCode, DataRef, Evidence, Governance, Lifecycle, Role};
use std::sync::OnceLock;
use tables::Source;

/// An organisation found for a role, ready to become an inventory `Actor` (the caller adds the
/// role).
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// Canonical organisation name, as in `orgs/organisations.csv`.
    pub name: String,
    /// Headquarters, ISO 3166-1 alpha-2; `None` for international community projects.
    pub country: Option<CountryCode>,
    /// How the organisation is governed.
    pub governance: Governance,
    /// The KB rows used: the matching row first (`kb:<table>`, line, field, the key or pattern
    /// matched, `KbLookup` or `KbPattern`, confidence), then the organisation's row.
    pub evidence: Vec<Evidence>,
}

impl Attribution {
    /// The inventory actor in `role`: its evidence is `evidence` (the fact the organisation was
    /// attributed from, e.g. the `vendor_id` read) followed by the knowledge-base rows used.
    pub fn into_actor(self, role: Role, mut evidence: Vec<Evidence>) -> Actor {
        evidence.extend(self.evidence);
        Actor {
            role,
            name: Some(self.name),
            country: self.country,
            registered_country: None,
            share: None,
            governance: self.governance,
            evidence,
        }
    }
}

/// The loaded and validated knowledge base.
///
/// The tables most commands never read (processor, SoC and toolchain patterns, devices, and
/// the per-table listing) load on first use: their regular expressions took 17 of the 19 ms a
/// whole load took, on every command, a network scan's included (2026-12-07). Whether they
/// are valid does not depend on the run: the built-in tables are constant, and a test loads
/// them all ([`Kb::from_sources`] is eager). A section that failed to load on first use
/// would be a build from tables no test passed; it stops with that said.
#[derive(Debug)]
pub struct Kb {
    sources: Vec<Source>,
    sha256: String,
    geo: geo::Geo,
    orgs: orgs::Orgs,
    os: os::Os,
    lifecycles: lifecycle::Lifecycles,
    registries: software::Registries,
    materials: materials::Materials,
    hypervisors: hypervisors::Hypervisors,
    tables: OnceLock<Vec<TableInfo>>,
    processors: OnceLock<processors::Processors>,
    soc_vendors: OnceLock<patterns::PatternTable>,
    model_designers: OnceLock<patterns::PatternTable>,
    toolchains: OnceLock<toolchain::Toolchains>,
    devices: OnceLock<devices::Devices>,
}

/// A lazily loaded section, loading it on first use (see [`Kb`]).
fn section<T>(cell: &OnceLock<T>, load: impl FnOnce() -> Result<T, KbError>) -> &T {
    cell.get_or_init(|| {
        load().unwrap_or_else(|e| {
            panic!("the built-in knowledge base is invalid (a bug: please report it): {e}")
        })
    })
}

/// Loads a lazy section now, failing with its error.
#[cfg(test)]
fn load_now<T>(
    cell: &OnceLock<T>,
    load: impl FnOnce() -> Result<T, KbError>,
) -> Result<(), KbError> {
    if cell.get().is_none() {
        let _ = cell.set(load()?);
    }
    Ok(())
}

impl Kb {
    /// The embedded tables. The first tables load and are validated now; the rest on first
    /// use (see [`Kb`]). Errors name the table and line, e.g.
    /// `kb: geo/bloc-members.csv:12: unknown bloc `XX``.
    pub fn builtin() -> Result<Kb, KbError> {
        Kb::first_sections(Source::builtin())
    }

    /// Loads and validates every table of `sources` now, in order: what the tests check the
    /// built-in tables and broken copies of them with.
    #[cfg(test)]
    fn from_sources(sources: Vec<Source>) -> Result<Kb, KbError> {
        let kb = Kb::first_sections(sources)?;
        load_now(&kb.processors, || kb.load_processors())?;
        load_now(&kb.soc_vendors, || kb.load_soc_vendors())?;
        load_now(&kb.model_designers, || kb.load_model_designers())?;
        load_now(&kb.toolchains, || kb.load_toolchains())?;
        load_now(&kb.devices, || kb.load_devices())?;
        load_now(&kb.tables, || kb.load_tables())?;
        Ok(kb)
    }

    /// The sections every command reads (and the others refer to): geography, organisations,
    /// operating systems, lifecycles, registries and materials.
    fn first_sections(sources: Vec<Source>) -> Result<Kb, KbError> {
        let geo = geo::Geo::load(&sources)?;
        let orgs = orgs::Orgs::load(&sources, &geo)?;
        let os = os::Os::load(&sources, &orgs)?;
        let lifecycles = lifecycle::Lifecycles::load(&sources)?;
        let registries = software::Registries::load(&sources, &orgs)?;
        let materials = materials::Materials::load(&sources, &geo)?;
        let hypervisors = hypervisors::Hypervisors::load(&sources)?;
        let sha256 = tables::combined_sha256(&sources);
        Ok(Kb {
            sources,
            sha256,
            geo,
            orgs,
            os,
            lifecycles,
            registries,
            materials,
            hypervisors,
            tables: OnceLock::new(),
            processors: OnceLock::new(),
            soc_vendors: OnceLock::new(),
            model_designers: OnceLock::new(),
            toolchains: OnceLock::new(),
            devices: OnceLock::new(),
        })
    }

    fn load_processors(&self) -> Result<processors::Processors, KbError> {
        processors::Processors::load(&self.sources, &self.orgs, &self.geo)
    }

    fn load_soc_vendors(&self) -> Result<patterns::PatternTable, KbError> {
        patterns::PatternTable::load(&self.sources, "processors/soc-vendors.csv", &self.orgs)
    }

    fn load_model_designers(&self) -> Result<patterns::PatternTable, KbError> {
        patterns::PatternTable::load(&self.sources, "processors/model-designers.csv", &self.orgs)
    }

    fn load_toolchains(&self) -> Result<toolchain::Toolchains, KbError> {
        toolchain::Toolchains::load(&self.sources, &self.geo)
    }

    fn load_devices(&self) -> Result<devices::Devices, KbError> {
        devices::Devices::load(&self.sources, &self.orgs)
    }

    fn load_tables(&self) -> Result<Vec<TableInfo>, KbError> {
        self.sources
            .iter()
            .map(|s| {
                Ok(TableInfo {
                    path: s.path,
                    rows: tables::count_rows(s.path, &s.text)?,
                    sha256: tables::sha256_hex(s.text.as_bytes()),
                    licence: s.licence,
                })
            })
            .collect()
    }

    fn processors(&self) -> &processors::Processors {
        section(&self.processors, || self.load_processors())
    }

    fn soc_vendors(&self) -> &patterns::PatternTable {
        section(&self.soc_vendors, || self.load_soc_vendors())
    }

    fn model_designers(&self) -> &patterns::PatternTable {
        section(&self.model_designers, || self.load_model_designers())
    }

    fn toolchain_tables(&self) -> &toolchain::Toolchains {
        section(&self.toolchains, || self.load_toolchains())
    }

    fn devices(&self) -> &devices::Devices {
        section(&self.devices, || self.load_devices())
    }

    /// Name `sovstack-kb`, the crate version, and a sha256 over every table: for each table in
    /// [`Kb::tables`] order, its path, a NUL byte, its bytes and a NUL byte.
    pub fn data_ref(&self) -> DataRef {
        DataRef {
            name: "sovstack-kb".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            sha256: self.sha256.clone(),
        }
    }

    /// The embedded tables, in a fixed order.
    pub fn tables(&self) -> Vec<TableInfo> {
        section(&self.tables, || self.load_tables()).clone()
    }

    /// The designer behind an x86 CPUID vendor string, as in `/proc/cpuinfo` `vendor_id`. The
    /// exact 12-character string is preferred (`"  Shanghai  "` has two spaces each side); a
    /// value the caller trimmed still matches, because no two ids are equal once trimmed.
    pub fn x86_vendor(&self, vendor_id: &str) -> Option<Attribution> {
        self.processors().x86_vendor(&self.orgs, vendor_id)
    }

    /// The designer behind an Arm MIDR implementer code (`0x41` is Arm Ltd).
    pub fn arm_implementer(&self, implementer: u32) -> Option<Attribution> {
        self.processors().arm_implementer(&self.orgs, implementer)
    }

    /// The SoC maker an Arm implementer's cores can only sit in (`0x61` Apple, `0x70` Phytium:
    /// `processors/captive-arm-implementers.csv`), for SoCs the device tree and the `Hardware`
    /// line do not name. `None` for implementers that license or sell cores to others.
    pub fn captive_soc_vendor(&self, implementer: u32) -> Option<Attribution> {
        self.processors()
            .captive_soc_vendor(&self.orgs, implementer)
    }

    /// The core name for an Arm MIDR implementer and part (`0x41`, `0xd0c` → `Neoverse-N1`),
    /// as util-linux's lscpu decodes it.
    pub fn arm_part_name(&self, implementer: u32, part: u32) -> Option<(String, Evidence)> {
        self.processors().arm_part_name(implementer, part)
    }

    /// The vendor behind a RISC-V `mvendorid` (`0x489` is SiFive). `0` means "not implemented"
    /// and gives `None`.
    pub fn riscv_vendor(&self, mvendorid: u64) -> Option<Attribution> {
        self.processors().riscv_vendor(&self.orgs, mvendorid)
    }

    /// The designer named by a processor model name (`Loongson-3A5000` → Loongson), for
    /// processors without a vendor id. See `processors/model-designers.csv`.
    pub fn model_designer(&self, model_name: &str) -> Option<Attribution> {
        self.model_designers().attribute(model_name, &self.orgs)
    }

    /// The owners or licensors of an architecture as `uname -m` prints it (`x86_64` → Intel and
    /// AMD; `riscv64` → RISC-V International). Empty when the architecture is unknown.
    pub fn isa_owners(&self, architecture: &str) -> Vec<Attribution> {
        self.processors().isa_owners(&self.orgs, architecture)
    }

    /// The SoC vendor named by an Arm `/proc/cpuinfo` `Hardware` value (with or without the
    /// `Hardware :` label) or a device-tree model string. See `processors/soc-vendors.csv`.
    pub fn soc_vendor(&self, hardware: &str) -> Option<Attribution> {
        self.soc_vendors().attribute(hardware, &self.orgs)
    }

    /// The SoC maker named by a device-tree vendor prefix (`qcom` of `qcom,sdm845`), from the
    /// Linux kernel's vendor-prefix registry. Only prefixes of companies that sell SoCs are
    /// listed: a board maker's prefix (`radxa`, `pine64`) gives `None`.
    pub fn dt_soc_vendor(&self, prefix: &str) -> Option<Attribution> {
        self.processors().dt_vendor(&self.orgs, prefix)
    }

    /// The foundry that made a processor, when `model_name` matches a family of
    /// `processors/processor-foundry.csv` designed by `designer` (canonical name or alias) and
    /// that family has one known foundry for its compute die. `None` otherwise: dual-sourced or
    /// undisclosed families are never guessed. The confidence is the row's.
    pub fn foundry(&self, designer: &str, model_name: &str) -> Option<Attribution> {
        self.processors().foundry(&self.orgs, designer, model_name)
    }

    /// The foundry of an x86 processor's compute die from its CPUID vendor string, family and
    /// model (as `/proc/cpuinfo` prints them in decimal: `cpu family : 25`, `model : 1`), for
    /// the generations `processors/x86-family-foundry.csv` documents; `None` otherwise. This
    /// needs no brand string, so it works where the model name is generic (`AMD EPYC`).
    pub fn x86_foundry(&self, vendor_id: &str, cpu_family: u32, model: u32) -> Option<Attribution> {
        self.processors()
            .x86_foundry(&self.orgs, vendor_id, cpu_family, model)
    }

    /// The foundry of an x86 processor by its designer (canonical name or alias: `Intel`) and
    /// CPUID family and model (decimal, as agents report them), for inventories that give no
    /// vendor id: the `processors/x86-family-foundry.csv` rows of the designer's vendor ids.
    pub fn x86_foundry_by_designer(
        &self,
        designer: &str,
        cpu_family: u32,
        model: u32,
    ) -> Option<Attribution> {
        self.processors()
            .x86_foundry_by_designer(&self.orgs, designer, cpu_family, model)
    }

    /// The countries where a foundry (canonical name or alias) has fabs.
    pub fn fab_countries(&self, foundry: &str) -> Option<&FabCountries> {
        self.processors().fab_countries(&self.orgs, foundry)
    }

    /// The support window of an operating-system release, by exact `os-release` `ID` and its
    /// `VERSION_ID` (`debian` `12`; `rhel` `9.3` belongs to cycle `9`), from endoflife.date's
    /// data (`lifecycle/`). `None` when the id has no product there or the version no cycle.
    /// `name` is `os-release`'s `NAME`, which tells apart releases sharing an `ID`
    /// (`CentOS Stream` and CentOS Linux both write `centos`: `lifecycle/os-name-products.csv`).
    pub fn os_lifecycle(
        &self,
        release_id: &str,
        name: Option<&str>,
        version_id: &str,
    ) -> Option<Lifecycle> {
        self.lifecycles.os(release_id, name, version_id)
    }

    /// The support window of a Windows release (client or server) from an inventory's product
    /// name (`Microsoft Windows 10 Pro`, `Microsoft Windows Server 2012 R2 Standard`) and
    /// kernel version (`10.0.19045`, `6.3.9600`): the version's endoflife.date cycles
    /// (`lifecycle/windows-builds.csv`), the edition picking a client's servicing channel, the
    /// year a server's release. `None` when either does not tell (unknown, never guessed).
    pub fn windows_lifecycle(&self, full_name: &str, kernel_version: &str) -> Option<Lifecycle> {
        self.lifecycles.windows(full_name, kernel_version)
    }

    /// The support window of a Linux kernel series, from a release as `uname -r` prints it
    /// (`6.1.0-18-amd64` belongs to series `6.1`).
    pub fn linux_kernel_lifecycle(&self, release: &str) -> Option<Lifecycle> {
        self.lifecycles.linux_kernel(release)
    }

    /// The support window of an Intel processor family, by CPUID family and model (decimal),
    /// from endoflife.date's `intel-processors` data; `None` where the model is not in
    /// `lifecycle/intel-cpuid-cycles.csv` (unknown, never guessed).
    pub fn intel_processor_lifecycle(&self, cpu_family: u32, model: u32) -> Option<Lifecycle> {
        self.lifecycles.intel_processor(cpu_family, model)
    }

    /// Whether a vendor's newer OS refuses an x86 processor (CPUID vendor id, family and model,
    /// decimal: `GenuineIntel` 6 78 is refused by Windows 11), with the support window of the
    /// last release that runs on it (`lifecycle/vendor-os-floor.csv`). `None` says nothing.
    pub fn vendor_os_floor(
        &self,
        vendor_id: &str,
        cpu_family: u32,
        model: u32,
    ) -> Option<VendorOsFloor> {
        self.lifecycles
            .vendor_os_floor(vendor_id, cpu_family, model)
    }

    /// Whether a core designer (`Intel Corporation`, `Advanced Micro Devices, Inc.`) is one an
    /// x86 CPUID vendor id names (`processors/x86-cpuid-vendors.csv`): a processor it designed
    /// with a CPUID family is an x86 part.
    pub fn is_x86_designer(&self, designer: &str) -> bool {
        !self
            .processors()
            .x86_vendor_ids(&self.orgs, designer)
            .is_empty()
    }

    /// [`Kb::vendor_os_floor`] for inventories that give the designer (`Intel Corporation`,
    /// an alias too) rather than the CPUID vendor id: the first of its vendor ids a row names.
    pub fn vendor_os_floor_by_designer(
        &self,
        designer: &str,
        cpu_family: u32,
        model: u32,
    ) -> Option<VendorOsFloor> {
        self.processors()
            .x86_vendor_ids(&self.orgs, designer)
            .into_iter()
            .find_map(|id| self.vendor_os_floor(id, cpu_family, model))
    }

    /// The component classes an item is made of: `processor`, or `device:KIND` (`device:phone`),
    /// from `materials/device-components.csv`.
    pub fn item_components(&self, item: &str) -> &[ItemComponent] {
        self.materials.item_components(item)
    }

    /// What the inventory's processors and devices depend on: their component classes and the
    /// critical raw materials those need. The one derivation the materials layer (scan time)
    /// and the report's materials section both use.
    /// In a fleet (`fleet`: the inventory's hosts) each host is a machine holding the items it
    /// counts in, and every count is of hosts (see [`MaterialsNeeded`]); without, the items
    /// are of one machine, which holds nothing when it is a hypervisor's `guest` (the
    /// inventory's `guest`).
    pub fn materials_needed(
        &self,
        layers: &sovstack_inventory::Layers,
        fleet: Option<&sovstack_inventory::Fleet>,
        guest: bool,
    ) -> MaterialsNeeded<'_> {
        self.materials.needed(layers, fleet, guest)
    }

    /// The critical raw materials a component class (`logic chip`, `battery`) depends on, each
    /// with the USGS end-use text that says so.
    pub fn component_materials(&self, component: &str) -> &[MaterialUse] {
        self.materials.component_materials(component)
    }

    /// A material's supply steps (world production by country) and EU CRMA status.
    pub fn material(&self, name: &str) -> Option<&Material> {
        self.materials.material(name)
    }

    /// The free OS that supports an architecture (`x86_64` → Debian's `amd64`) and its newest
    /// release still supported on `as_of` (`YYYY-MM-DD`), from `lifecycle/free-os-ports.csv`.
    pub fn free_os(&self, architecture: &str, as_of: &str) -> Option<FreeOs> {
        self.lifecycles.free_os(architecture, as_of)
    }

    /// The `os-release` ids whose support window the knowledge base knows, sorted.
    pub fn lifecycle_release_ids(&self) -> Vec<&str> {
        self.lifecycles.release_ids()
    }

    /// The steward of a distribution, by exact `os-release` `ID` (case matters: `openEuler`).
    pub fn os_steward(&self, release_id: &str) -> Option<Attribution> {
        self.os.steward(&self.orgs, release_id)
    }

    /// The steward of a distribution, by its name (os-release `NAME`, as inventory agents
    /// report it: `Debian GNU/Linux`, `Fedora`), ignoring case; medium confidence.
    pub fn os_steward_by_name(&self, name: &str) -> Option<Attribution> {
        self.os.steward_by_name(&self.orgs, name)
    }

    /// The os-release `ID` of a distribution by its name (os-release `NAME`, as inventory agents
    /// report it: `Debian GNU/Linux` → `debian`), ignoring case, with the row as evidence
    /// (medium confidence); `None` for a name no row or several rows have.
    pub fn os_release_id_by_name(&self, name: &str) -> Option<(String, Evidence)> {
        self.os.release_id_by_name(name)
    }

    /// The steward of a system that has no os-release `ID` (Microsoft Windows, Android), by the
    /// kernel name an inventory agent reports (`MSWin32`) and a whole word of the system's name
    /// (`Windows`, `Q Android 10.0`), both ignoring case (`os/vendor-systems.csv`).
    pub fn vendor_system_steward(&self, kernel_name: &str, name: &str) -> Option<Attribution> {
        self.os.vendor_system_steward(&self.orgs, kernel_name, name)
    }

    /// The endoflife.date product a system with no os-release `ID` is a release of, by its
    /// `os/vendor-systems.csv` row (the kernel name, when known, and a whole word of `name`,
    /// both ignoring case): `windows` for Windows, `windows-server` when a word of the name is
    /// `Server`, `android` for Android. The steward and this product come from the same row, so a
    /// kernel name added to the table reaches both. `None` when no row matches or the row names
    /// no product.
    pub fn vendor_system_product(&self, kernel_name: Option<&str>, name: &str) -> Option<&str> {
        self.os.vendor_system_product(kernel_name, name)
    }

    /// The support window of a system with no os-release `ID` whose `os/vendor-systems.csv`
    /// row names an endoflife.date product (Android): the release is the word of `name` after
    /// the row's word (`Q Android 10.0` → `android` `10`), with the row and the cycle as
    /// evidence. `None` when not found: unknown, never guessed.
    pub fn vendor_system_lifecycle(&self, kernel_name: &str, name: &str) -> Option<Lifecycle> {
        let (product, release, ev) = self.os.vendor_system_release(kernel_name, name)?;
        let mut l = self.lifecycles.release(&product, &release)?;
        l.evidence.insert(0, ev);
        Some(l)
    }

    /// The steward of a kernel, by `uname -s` name (`Linux`, `FreeBSD`, `Darwin`), ignoring case.
    pub fn kernel_steward(&self, kernel_name: &str) -> Option<Attribution> {
        self.os.kernel_steward(&self.orgs, kernel_name)
    }

    /// The toolchain with this id (`gcc`, `rustc`), as detections name it; its steward is
    /// [`Toolchain::steward`].
    pub fn toolchain(&self, id: &str) -> Option<&Toolchain> {
        self.toolchain_tables().get(id)
    }

    /// The registry a package URL's type (and, for `deb`, namespace) says a component came
    /// from, and its operator (`software/registries.csv`).
    pub fn registry(&self, purl_type: &str, namespace: &str) -> Option<Registry> {
        self.registries.registry(&self.orgs, purl_type, namespace)
    }

    /// The `software/pypi-osi-classifiers.csv` row of a PyPI trove classifier that says a
    /// licence is OSI-approved (`License :: OSI Approved :: BSD License`), as evidence; `None`
    /// for a text PyPI's official list does not hold under `License :: OSI Approved`.
    pub fn pypi_osi_classifier(&self, text: &str) -> Option<Evidence> {
        self.registries.osi_classifier(text)
    }

    /// Whether a package URL type's registries are told apart by namespace (`deb/debian`,
    /// `deb/ubuntu`).
    pub fn registry_by_namespace(&self, purl_type: &str) -> bool {
        self.registries.by_namespace(purl_type)
    }

    /// Every toolchain, in table order.
    pub fn toolchains(&self) -> &[Toolchain] {
        &self.toolchain_tables().toolchains
    }

    /// What tells a binary's toolchains apart: the marks each leaves and the Rich header and
    /// Mach-O id tables, for `sovstack-binary`'s detector.
    pub fn toolchain_marks(&self) -> &ToolchainMarks {
        &self.toolchain_tables().marks
    }

    /// An organisation by canonical name or alias, ignoring case (`AMD` → Advanced Micro
    /// Devices).
    pub fn organisation(&self, name: &str) -> Option<Attribution> {
        let id = self.orgs.find(name)?;
        Some(self.orgs.attribute(id, Vec::new()))
    }

    /// The organisation that owns or controls `name` (Red Hat → IBM, Arm Ltd → SoftBank Group),
    /// when the KB records one.
    pub fn parent(&self, name: &str) -> Option<Attribution> {
        let org = self.orgs.get(self.orgs.find(name)?);
        self.organisation(org.parent.as_deref()?)
    }

    /// The organisation at the top of `name`'s chain of parents (New H3C → Unisplendour →
    /// Tsinghua Unigroup), when the KB records a parent; `None` when it answers to no one the KB
    /// names.
    pub fn ultimate_parent(&self, name: &str) -> Option<Attribution> {
        let mut current = self.orgs.get(self.orgs.find(name)?);
        let mut seen = vec![current.name.as_str()];
        while let Some(parent) = current.parent.as_deref() {
            let next = self.orgs.get(self.orgs.find(parent)?);
            if seen.contains(&next.name.as_str()) {
                break;
            }
            seen.push(next.name.as_str());
            current = next;
        }
        (seen.len() > 1)
            .then(|| self.organisation(&current.name))
            .flatten()
    }

    /// The company behind a hardware maker as an inventory spells it (`Dell Inc.`, `LENOVO`,
    /// `Hewlett-Packard`), for a kind of device and, when known, its model (`HP` with
    /// `ProLiant DL360p Gen8` is Hewlett Packard Enterprise) (`devices/makers.csv`).
    /// Placeholders (`To Be Filled By O.E.M.`) and brands several companies share give `None`.
    pub fn device_maker(
        &self,
        kind: sovstack_inventory::DeviceKind,
        maker: &str,
        model: Option<&str>,
    ) -> Option<Attribution> {
        self.devices().maker(&self.orgs, kind, maker, model)
    }

    /// The hypervisor a machine's SMBIOS strings name (`devices/hypervisors.csv`: systemd's
    /// DMI vendor table, and the GLPI agent's Hyper-V rule): `Some` when the machine is that
    /// hypervisor's guest.
    pub fn hypervisor_from_dmi(&self, dmi: &DmiStrings) -> Option<HypervisorMatch> {
        self.hypervisors.by_dmi(dmi)
    }

    /// The hypervisor `/sys/hypervisor/type` names (`xen`), if known.
    pub fn hypervisor_from_hypervisor_type(&self, value: &str) -> Option<HypervisorMatch> {
        self.hypervisors.by_hypervisor_type(value)
    }

    /// The hypervisor a CPUID signature names (leaf `0x40000000`: `KVMKVMKVM`, `Microsoft Hv`;
    /// systemd's `vm_table`).
    pub fn hypervisor_from_cpuid(&self, signature: &str) -> Option<HypervisorMatch> {
        self.hypervisors.by_cpuid(signature)
    }

    /// The hypervisor an inventory agent's `vmsystem` verdict names (`VirtualBox`, `Xen`,
    /// ...): `None` for `Physical`, containers and anything else.
    pub fn hypervisor_from_vmsystem(&self, value: &str) -> Option<HypervisorMatch> {
        self.hypervisors.by_vmsystem(value)
    }

    /// Where a public authority has named the organisation `name` a high-risk supplier
    /// (`devices/high-risk-vendors.csv`: the European Commission's 5G toolbox communication of
    /// 15 June 2023 names Huawei and ZTE).
    pub fn high_risk_designations(&self, name: &str) -> Vec<HighRiskDesignation> {
        self.devices().high_risk(&self.orgs, name)
    }

    #[cfg(test)]
    fn devices_referenced_orgs(&self) -> Vec<orgs::OrgId> {
        self.devices().referenced_orgs()
    }

    /// A country by ISO 3166-1 alpha-2 code (upper case).
    pub fn country(&self, code: &str) -> Option<&Country> {
        self.geo.country(code)
    }

    /// The extraterritorial laws that reach a company headquartered in `code`.
    pub fn laws_reaching(&self, code: &str) -> Vec<&Law> {
        self.geo.laws_reaching(code)
    }

    /// Every law in the KB, extraterritorial or not.
    pub fn laws(&self) -> &[Law] {
        self.geo.laws()
    }

    /// Every bloc.
    pub fn blocs(&self) -> &[Bloc] {
        self.geo.blocs()
    }

    /// The members of a bloc, as ISO codes sorted; empty for an unknown bloc.
    pub fn bloc_members(&self, bloc: &str) -> Vec<&str> {
        self.geo.members(bloc)
    }

    /// Every country of ISO 3166-1, by code.
    pub fn countries(&self) -> impl Iterator<Item = &Country> {
        self.geo.countries()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sovstack_inventory::{Confidence, Method};
    use std::borrow::Cow;

    fn kb() -> Kb {
        Kb::builtin().expect("builtin KB loads")
    }

    /// The built-in tables load whole and valid, every section now: what makes the lazy
    /// sections of [`Kb::builtin`] safe to load on first use.
    #[test]
    fn every_builtin_section_loads_and_validates() {
        let kb = Kb::from_sources(Source::builtin()).expect("every built-in table is valid");
        assert!(kb.processors.get().is_some() && kb.soc_vendors.get().is_some());
        assert!(kb.model_designers.get().is_some() && kb.toolchains.get().is_some());
        assert!(kb.devices.get().is_some() && kb.tables.get().is_some());
        // A lazy load gives the same sections, the same data.
        let lazy = kb_lazy_touched();
        assert_eq!(lazy.tables(), kb.tables());
        assert_eq!(lazy.data_ref(), kb.data_ref());
    }

    /// The built-in KB with every lazy section loaded through its accessor.
    fn kb_lazy_touched() -> Kb {
        let kb = kb();
        assert!(
            kb.processors.get().is_none(),
            "processors load on first use"
        );
        let _ = (kb.processors(), kb.soc_vendors(), kb.model_designers());
        let _ = (kb.toolchain_tables(), kb.devices(), kb.tables());
        kb
    }

    #[test]
    fn builtin_loads_and_describes_its_tables() {
        let kb = kb();
        let tables = kb.tables();
        assert_eq!(tables.len(), tables::BUILTIN.len());
        for t in &tables {
            assert!(t.rows > 0, "{} is empty", t.path);
            assert_eq!(t.sha256.len(), 64);
            assert!(!t.licence.is_empty());
        }
        let countries = tables
            .iter()
            .find(|t| t.path == "geo/countries.csv")
            .unwrap();
        assert_eq!(countries.rows, 249);
        let parts = tables
            .iter()
            .find(|t| t.path == "processors/arm-midr-parts.csv")
            .unwrap();
        assert!(parts.licence.contains("util-linux"));
    }

    #[test]
    fn data_ref_is_stable_and_covers_every_table() {
        let a = kb().data_ref();
        assert_eq!(a, kb().data_ref());
        assert_eq!(a.name, "sovstack-kb");
        assert_eq!(a.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(a.sha256.len(), 64);
        // Changing any table's bytes changes the hash.
        let mut sources = Source::builtin();
        let laws = sources
            .iter_mut()
            .find(|s| s.path == "geo/laws.csv")
            .unwrap();
        laws.text = Cow::Owned(format!("{}", laws.text).replace("2018", "2019"));
        let b = Kb::from_sources(sources).unwrap().data_ref();
        assert_ne!(a.sha256, b.sha256);
    }

    #[test]
    fn known_real_inputs() {
        let kb = kb();
        let name = |a: Option<Attribution>| a.map(|a| a.name);
        assert_eq!(
            name(kb.x86_vendor("GenuineIntel")).as_deref(),
            Some("Intel Corporation")
        );
        assert_eq!(
            name(kb.x86_vendor("AuthenticAMD")).as_deref(),
            Some("Advanced Micro Devices")
        );
        assert_eq!(
            name(kb.x86_vendor("HygonGenuine")).as_deref(),
            Some("Hygon Information Technology")
        );
        assert_eq!(name(kb.arm_implementer(0x41)).as_deref(), Some("Arm Ltd"));
        assert_eq!(name(kb.arm_implementer(0x48)).as_deref(), Some("HiSilicon"));
        assert_eq!(kb.arm_part_name(0x41, 0xd0c).unwrap().0, "Neoverse-N1");
        assert_eq!(name(kb.riscv_vendor(0x489)).as_deref(), Some("SiFive"));
        assert_eq!(
            name(kb.soc_vendor("Qualcomm Technologies, Inc SDM845")).as_deref(),
            Some("Qualcomm")
        );
        assert_eq!(name(kb.soc_vendor("MT6765")).as_deref(), Some("MediaTek"));
        assert_eq!(
            name(kb.soc_vendor("Hardware : BCM2835")).as_deref(),
            Some("Broadcom Inc.")
        );
        assert_eq!(
            name(kb.model_designer("Loongson-3A5000")).as_deref(),
            Some("Loongson Technology")
        );
        let isa: Vec<String> = kb
            .isa_owners("x86_64")
            .into_iter()
            .map(|a| a.name)
            .collect();
        assert_eq!(isa, vec!["Intel Corporation", "Advanced Micro Devices"]);
        for (id, steward) in [
            ("debian", "Debian Project"),
            ("ubuntu", "Canonical Ltd"),
            ("openEuler", "OpenAtom Foundation"),
            ("kylin", "Kylinsoft"),
            ("rhel", "Red Hat"),
            ("alpine", "Alpine Linux project"),
        ] {
            assert_eq!(name(kb.os_steward(id)).as_deref(), Some(steward), "{id}");
        }
        assert_eq!(
            name(kb.kernel_steward("Linux")).as_deref(),
            Some("Linux kernel community")
        );
        assert_eq!(
            name(kb.foundry("Apple", "Apple M2")).as_deref(),
            Some("TSMC")
        );
    }

    #[test]
    fn negative_inputs() {
        let kb = kb();
        assert!(kb.x86_vendor("NotAVendorId").is_none());
        assert!(kb.arm_implementer(0x00).is_none());
        assert!(kb.arm_part_name(0x41, 0x000).is_none());
        assert!(kb.riscv_vendor(0).is_none());
        assert!(kb.model_designer("Unknown CPU").is_none());
        assert!(kb.isa_owners("vax").is_empty());
        assert!(kb.soc_vendor("").is_none());
        assert!(kb.foundry("Loongson", "Loongson-3A6000").is_none());
        assert!(kb.os_steward("nonexistent").is_none());
        assert!(kb.kernel_steward("TempleOS").is_none());
        assert!(kb.organisation("Initech").is_none());
        assert!(kb.parent("Canonical Ltd").is_none());
        assert!(kb.country("ZZ").is_none());
        assert!(kb.laws_reaching("ZZ").is_empty());
    }

    #[test]
    fn attribution_evidence_points_at_rows() {
        let kb = kb();
        let a = kb.x86_vendor("AuthenticAMD").unwrap();
        assert_eq!(a.evidence.len(), 2);
        let row = &a.evidence[0];
        assert_eq!(row.source, "kb:processors/x86-cpuid-vendors.csv");
        assert_eq!(row.line, Some(3));
        assert_eq!(row.field.as_deref(), Some("vendor_id"));
        assert_eq!(row.value.as_deref(), Some("AuthenticAMD"));
        assert_eq!(
            (row.method, row.confidence),
            (Method::KbLookup, Confidence::High)
        );
        let org = &a.evidence[1];
        assert_eq!(org.source, "kb:orgs/organisations.csv");
        assert_eq!(org.value.as_deref(), Some("Advanced Micro Devices"));
        // The line really is that organisation's row.
        let text = tables::BUILTIN
            .iter()
            .find(|t| t.0 == "orgs/organisations.csv")
            .unwrap()
            .1;
        let line = text.lines().nth(org.line.unwrap() as usize - 1).unwrap();
        assert!(line.starts_with("Advanced Micro Devices,"), "{line}");
    }

    #[test]
    fn organisations_and_parents() {
        let kb = kb();
        let amd = kb.organisation("amd").unwrap();
        assert_eq!(amd.name, "Advanced Micro Devices");
        assert_eq!(amd.evidence.len(), 1);
        assert_eq!(kb.parent("Red Hat").unwrap().name, "IBM");
        assert_eq!(kb.parent("Arm").unwrap().country.unwrap().as_str(), "JP");
        assert_eq!(kb.parent("HiSilicon").unwrap().name, "Huawei Technologies");
        assert_eq!(
            kb.fab_countries("Samsung Foundry").unwrap().leading_edge[0].as_str(),
            "KR"
        );
    }

    /// Android's support window from endoflife.date's `android` cycles, by the release in the
    /// name the GLPI Android agent reports (`Q Android 10.0`); every product
    /// `os/vendor-systems.csv` names has cycles.
    #[test]
    fn a_system_without_an_os_release_id_gets_its_support_window() {
        let kb = kb();
        let l = kb
            .vendor_system_lifecycle("linux", "Q Android 10.0")
            .unwrap();
        assert_eq!((l.product.as_str(), l.cycle.as_str()), ("android", "10"));
        assert_eq!(l.end_of_support.as_deref(), Some("2023-03-06"));
        let sources: Vec<&str> = l.evidence.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(
            sources,
            ["kb:os/vendor-systems.csv", "kb:lifecycle/endoflife.csv"]
        );
        assert_eq!(
            kb.vendor_system_lifecycle("linux", "Android 8.1.0")
                .unwrap()
                .cycle,
            "8.1"
        );
        assert!(kb.vendor_system_lifecycle("linux", "Android 99").is_none());
        assert!(kb
            .vendor_system_lifecycle("MSWin32", "Windows 10")
            .is_none());
        for product in kb.os.vendor_system_products() {
            assert!(kb.lifecycles.has_product(product), "{product}");
        }
    }

    #[test]
    fn every_hq_country_is_listed_and_every_organisation_is_used_or_a_parent() {
        let kb = kb();
        let mut used: std::collections::BTreeSet<usize> =
            kb.processors().referenced_orgs().into_iter().collect();
        used.extend(kb.os.referenced_orgs());
        for org in kb.orgs.all() {
            if let Some(c) = &org.country {
                assert!(kb.country(c.as_str()).is_some(), "{}", org.name);
            }
            if let Some(p) = &org.parent {
                used.insert(kb.orgs.find(p).unwrap());
            }
        }
        // Organisations reached through the device tables.
        for row in &kb.devices_referenced_orgs() {
            used.insert(*row);
        }
        // Organisations reached only through the pattern tables.
        for probe in [
            "MediaTek",
            "Unisoc",
            "Rockchip",
            "sun8i",
            "Amlogic",
            "Tegra",
            "TI AM625 SK",
            "armada",
            "Realtek RTD1295",
            "StarFive",
            "Sophgo",
            "thead,th1520",
        ] {
            let a = kb.soc_vendor(probe).unwrap_or_else(|| panic!("{probe}"));
            used.insert(kb.orgs.find(&a.name).unwrap());
        }
        for probe in [
            "Baikal-M",
            "Ingenic Xburst",
            "E8C2",
            "Graviton3",
            "Cobalt-100",
            "Kunpeng",
            "Hygon",
        ] {
            let a = kb
                .model_designer(probe)
                .unwrap_or_else(|| panic!("{probe}"));
            used.insert(kb.orgs.find(&a.name).unwrap());
        }
        for (ty, ns) in [
            ("npm", ""),
            ("pypi", ""),
            ("cargo", ""),
            ("maven", ""),
            ("golang", ""),
            ("gem", ""),
            ("nuget", ""),
            ("github", ""),
            ("deb", "debian"),
            ("deb", "ubuntu"),
        ] {
            let r = kb.registry(ty, ns).unwrap_or_else(|| panic!("{ty}"));
            let a = r.operator.unwrap_or_else(|| panic!("{ty}: no operator"));
            used.insert(kb.orgs.find(&a.name).unwrap());
        }
        let unused: Vec<&str> = kb
            .orgs
            .all()
            .enumerate()
            .filter(|(i, _)| !used.contains(i))
            .map(|(_, o)| o.name.as_str())
            .collect();
        // Kept on purpose: parents of no row yet, or organisations named in notes.
        let allowed = ["Linux Foundation"];
        for name in unused {
            assert!(
                allowed.contains(&name),
                "organisation `{name}` is referenced by no table"
            );
        }
    }

    #[test]
    fn registries_by_purl_type() {
        let kb = Kb::builtin().unwrap();
        let cases = [
            (
                "npm",
                "",
                Some(("registry.npmjs.org", Some(("GitHub, Inc.", "US")))),
            ),
            (
                "PyPI",
                "",
                Some(("pypi.org", Some(("Python Software Foundation", "US")))),
            ),
            (
                "maven",
                "org.apache",
                Some((
                    "repo.maven.apache.org/maven2",
                    Some(("Sonatype, Inc.", "US")),
                )),
            ),
            (
                "golang",
                "github.com/x",
                Some(("proxy.golang.org", Some(("Google LLC", "US")))),
            ),
            (
                "deb",
                "ubuntu",
                Some(("archive.ubuntu.com", Some(("Canonical Ltd", "GB")))),
            ),
            // Packagist's operator is not established: the registry is known, its operator not.
            ("composer", "symfony", Some(("packagist.org", None))),
            // A deb purl of another distribution names no registry known here.
            ("deb", "alpine", None),
            ("swift", "", None),
        ];
        for (ty, ns, want) in cases {
            let got = kb.registry(ty, ns).map(|r| {
                let op = r
                    .operator
                    .map(|a| (a.name, a.country.map(|c| c.as_str().to_string())));
                (r.registry, op)
            });
            let want = want.map(|(r, op)| {
                (
                    r.to_string(),
                    op.map(|(n, c): (&str, &str)| (n.to_string(), Some(c.to_string()))),
                )
            });
            assert_eq!(got, want, "{ty}/{ns}");
        }
        // The Debian archive is the Debian project's: a community, no country.
        let debian = kb.registry("deb", "debian").unwrap().operator.unwrap();
        assert_eq!(
            (debian.country, debian.governance),
            (None, Governance::Community)
        );
        assert!(kb.registry_by_namespace("deb") && !kb.registry_by_namespace("npm"));
    }

    #[test]
    fn a_bad_table_fails_the_whole_load_with_table_and_line() {
        let cases = [
            (
                "geo/bloc-members.csv",
                "bloc,country,source\nEU,DE,s\nXX,FR,s\n",
                "kb: geo/bloc-members.csv:3: unknown bloc `XX`",
            ),
            (
                "orgs/organisations.csv",
                "name,aliases,country,governance,parent,notes,source\n\"unterminated,x\n",
                "kb: orgs/organisations.csv:",
            ),
            (
                "os/kernels.csv",
                "kernel,steward,notes,source\nLinux,Linus,,s\n",
                "kb: os/kernels.csv:2: unknown organisation `Linus`",
            ),
            (
                "processors/isa.csv",
                "architecture,isa,organisation,notes\nx86_64,x,Intel Corporation,n\n",
                "kb: processors/isa.csv:2: ",
            ),
        ];
        for (path, text, want) in cases {
            let mut sources = Source::builtin();
            sources.iter_mut().find(|s| s.path == path).unwrap().text = Cow::Borrowed(text);
            let err = Kb::from_sources(sources).expect_err(want).to_string();
            assert!(err.starts_with(want), "want {want}\n got {err}");
        }
        let missing: Vec<Source> = Source::builtin()
            .into_iter()
            .filter(|s| s.path != "os/kernels.csv")
            .collect();
        assert_eq!(
            Kb::from_sources(missing).unwrap_err().to_string(),
            "kb: os/kernels.csv: table is missing"
        );
    }

    #[test]
    fn x86_foundry_by_cpuid_family_and_model() {
        let kb = Kb::builtin().unwrap();
        let name = |a: Option<Attribution>| a.map(|a| a.name);
        // (vendor, family, model, foundry): AMD EPYC 7763 (Milan, 25/1), the development
        // machine's EPYC (26/2, Zen 5), Zen+ Ryzen 2700X (23/8), Rome (23/49), Raptor Lake
        // (6/0xB7), Lunar Lake (6/0xBD), and families no row documents.
        let table: &[(&str, u32, u32, Option<&str>)] = &[
            ("AuthenticAMD", 25, 1, Some("TSMC")),
            ("AuthenticAMD", 26, 2, Some("TSMC")),
            ("AuthenticAMD", 23, 8, Some("GlobalFoundries")),
            ("AuthenticAMD", 23, 49, Some("TSMC")),
            ("GenuineIntel", 6, 0xb7, Some("Intel Corporation")),
            ("GenuineIntel", 6, 0xbd, Some("TSMC")),
            // Sandy Bridge-EP (the Xeon E5-2670 of a real FusionInventory capture), Ivy
            // Bridge-EP (Rudder's Windows Server 2012 capture, 62), Haswell (GLPI's example
            // i5-4210U, 69), Broadwell-DE: Intel's own fabs.
            ("GenuineIntel", 6, 0x2d, Some("Intel Corporation")),
            ("GenuineIntel", 6, 62, Some("Intel Corporation")),
            ("GenuineIntel", 6, 69, Some("Intel Corporation")),
            ("GenuineIntel", 6, 0x56, Some("Intel Corporation")),
            // Westmere (32nm too, but no retrieved source in the table): unknown.
            ("GenuineIntel", 6, 0x2c, None),
            ("GenuineIntel", 6, 0xc5, None),
            ("AuthenticAMD", 26, 0x50, None),
            ("HygonGenuine", 24, 2, None),
            ("NotAVendor", 6, 0xb7, None),
        ];
        for &(vendor, family, model, want) in table {
            assert_eq!(
                name(kb.x86_foundry(vendor, family, model)).as_deref(),
                want,
                "{vendor} {family} {model:#x}"
            );
        }
        // The name pattern and the CPUID row agree on the EPYC 7763.
        assert_eq!(
            name(kb.foundry("AMD", "AMD EPYC 7763 64-Core Processor")).as_deref(),
            Some("TSMC")
        );
    }

    #[test]
    fn overlapping_x86_model_ranges_are_refused() {
        let path = "processors/x86-family-foundry.csv";
        let mut sources = Source::builtin();
        let s = sources.iter_mut().find(|s| s.path == path).unwrap();
        let mut text = s.text.to_string();
        let line = text.lines().count() + 1;
        text.push_str("AuthenticAMD,25,0x0f-0x10,Overlap,TSMC,,N7,high,,x\n");
        s.text = std::borrow::Cow::Owned(text);
        let err = Kb::from_sources(sources).unwrap_err().to_string();
        assert!(
            err.contains(&format!(
                "x86-family-foundry.csv:{line}: model 0x0f is also in line 4"
            )),
            "{err}"
        );
    }
}
