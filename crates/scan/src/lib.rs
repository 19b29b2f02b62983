//! sovstack's scanner: reads a host, a mounted disk image or a container root and writes an
//! [`Inventory`] of its layers, each fact with its evidence.
//!
//! A scan runs one [`Collector`] per requested layer (the list is in `registry.rs`). Collectors
//! read files only through a [`Root`], which confines every path to the scanned tree as a
//! chroot would, and consult the live host's own interfaces ([`LiveHost`]: `sysinfo`, `uname`)
//! only when the root is the host's `/`. Problems with single files become the inventory's
//! diagnostics ([`codes`] lists them); only bad input (a missing root, an unknown layer) is an
//! error.
//!
//! This crate collects and attributes facts; judging them is for plugins and rulesets, and the
//! knowledge it attributes with is `sovstack-kb`'s. The parsers are public in [`parse`] so they
//! can be fuzzed and reused.
//!
//! ```
//! use sovstack_scan::{scan, ScanOptions};
//!
//! let kb = sovstack_kb::Kb::builtin().unwrap();
//! let root = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/arm-rk3588-biglittle");
//! let opts = ScanOptions { root: root.into(), layers: vec!["processor".to_string()], ..Default::default() };
//! let inventory = scan(&opts, &kb).unwrap();
//! let processors = inventory.layers.processor.unwrap();
//! // A big.LITTLE SoC: two distinct processors, four cores each.
//! assert_eq!(processors.len(), 2);
//! assert_eq!(processors[1].logical_cpus, vec![4, 5, 6, 7]);
//! assert!(!inventory.live_host);
//! ```

#![deny(missing_docs)]

pub mod codes;
mod collector;
mod error;
pub mod import;
mod layers;
mod live;
mod machine;
mod root;
#[cfg(test)]
mod testutil;

pub use collector::Progress;
pub use error::ScanError;
pub use layers::cable::cable_layer;
pub use layers::materials::materials_layer;
pub use layers::network::{codes as network_codes, discover, parse_resolver, NetworkOptions};
/// The software layer's SBOM readers and aggregation (public for the fuzz targets).
pub use layers::software;
pub use layers::toolchain::ToolchainOptions;
pub use layers::LayerOptions;

/// Every diagnostic code the scan may emit, list by list: the root's ([`codes`]), then each
/// layer's, named by who declares it (docs/diagnostics.md is generated from these).
pub fn code_lists() -> Vec<(String, &'static [(&'static str, &'static str)])> {
    let mut lists = vec![
        (
            "reading the scanned root (`crates/scan/src/codes.rs`)".to_string(),
            codes::ALL,
        ),
        (
            "importing inventory files (`crates/scan/src/import/mod.rs`)".to_string(),
            import::codes::ALL,
        ),
    ];
    for layer in sovstack_inventory::Layer::ALL {
        let (declared_in, list) = layers::codes(layer);
        lists.push((format!("the {} layer (`{declared_in}`)", layer.id()), list));
    }
    lists
}
pub use live::{normalise_architecture, LiveCpu, LiveHost};
pub use root::{ReadError, Root, RootFile, MAX_FILE_BYTES, MAX_SYMLINK_HOPS};
pub use sovstack_binary::walk::Progress as WalkProgress;

use collector::{Collector, Context, ScanOut};
use sovstack_inventory::{Generator, Inventory, Layer, SCHEMA_VERSION};
use sovstack_kb::Kb;
use std::io;
use std::path::{Path, PathBuf};

/// The parsers of each input format, public for fuzzing and reuse. They never fail and never
/// panic: what they cannot read they report in their result.
pub mod parse {
    pub use crate::layers::network::parse_endpoints::{
        endpoints, EndpointSpec, ParseError, MAX_LISTED_PROBLEMS,
    };
    pub use crate::layers::os::parse_os_release::{os_release, Entry, LineError, OsRelease};
    pub use crate::layers::os::parse_proc_version::{proc_version, ProcVersion};
    pub use crate::layers::processor::identify::{
        distinct, parse_number, Architecture, Distinct, Family,
    };
    pub use crate::layers::processor::parse_cpuinfo::{cpuinfo, CpuInfo, Field, LogicalCpu};
    pub use crate::layers::processor::parse_devicetree::{
        compatible, Entry as CompatibleEntry, Malformed as MalformedCompatible, MAX_ENTRIES,
    };
    pub use crate::layers::suppliers::parse_declared::{declared, AtLine, DeclaredSpec};
}

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// The directory to scan as a root filesystem; `/` scans the live host.
    pub root: PathBuf,
    /// Layer ids to scan; empty means the layers scanned by default
    /// ([`Layer::scanned_by_default`]) plus those the layer options ask for
    /// ([`LayerOptions::ask_for`]: `--endpoints` the network layer, `--paths` the toolchain
    /// layer).
    pub layers: Vec<String>,
    /// Each layer's own options.
    pub options: LayerOptions,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            root: PathBuf::from("/"),
            layers: Vec::new(),
            options: LayerOptions::default(),
        }
    }
}

/// Scans `opts.root` for the requested layers.
///
/// The live host's own interfaces are consulted exactly when the root canonicalises to `/`;
/// any other root is read only through its files. The result has no `generated_at` (the CLI
/// sets it) and is otherwise a function of the root's contents and the knowledge base, so
/// two scans of the same root give byte-identical JSON.
pub fn scan(opts: &ScanOptions, kb: &Kb) -> Result<Inventory, ScanError> {
    scan_with_progress(opts, kb, &|_| {})
}

/// [`scan`], calling `progress` as the `toolchain` walk and the `network` layer's resolution
/// go (from several threads).
pub fn scan_with_progress(
    opts: &ScanOptions,
    kb: &Kb,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Inventory, ScanError> {
    let layers = requested_layers(&opts.layers, &opts.options)?;
    // Input errors (a bad endpoints file, a missing data directory) surface before any
    // collector runs: each collector is built from its options first.
    let collectors = layers
        .iter()
        .map(|&l| layers::collector(l, &opts.options, kb))
        .collect::<Result<Vec<_>, _>>()?;
    let dir = canonical_root(&opts.root)?;
    let live = (dir == Path::new("/")).then(LiveHost::probe);
    let root = Root::new(dir);
    let cx = Context {
        root: &root,
        kb,
        live: live.as_ref(),
        progress,
    };
    let collectors: Vec<&dyn Collector> = collectors.iter().map(|c| c.as_ref()).collect();
    Ok(scan_root(&opts.root, &cx, &collectors))
}

/// Runs `collectors` in `cx`. `given` is the root as the user wrote it.
pub(crate) fn scan_root(
    given: &Path,
    cx: &Context<'_>,
    collectors: &[&dyn Collector],
) -> Inventory {
    let mut out = ScanOut::default();
    for collector in collectors {
        collector.collect(cx, &mut out);
    }
    Inventory {
        schema_version: SCHEMA_VERSION.to_string(),
        generator: Generator {
            name: "sovstack".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        generated_at: None,
        root: given.display().to_string(),
        live_host: cx.live.is_some(),
        knowledge_base: cx.kb.data_ref(),
        data_packs: Vec::new(),
        fleet: None,
        guest: out.machine.and_then(|m| m.guest),
        layers: out.layers,
        diagnostics: out.diagnostics,
    }
}

/// The requested layers, checked, in [`Layer::ALL`] order. None named means the layers
/// scanned by default and those the options ask for.
fn requested_layers(requested: &[String], options: &LayerOptions) -> Result<Vec<Layer>, ScanError> {
    let mut named = Vec::new();
    for id in requested {
        named.push(Layer::from_id(id).ok_or_else(|| ScanError::UnknownLayer(id.clone()))?);
    }
    if named.is_empty() {
        return Ok(Layer::ALL
            .iter()
            .copied()
            .filter(|&l| l.scanned_by_default() || options.ask_for(l))
            .collect());
    }
    // `--layers processor --endpoints F` would silently drop the endpoints: say so instead.
    if let Some(&layer) = Layer::ALL
        .iter()
        .find(|&&l| options.ask_for(l) && !named.contains(&l))
    {
        return Err(ScanError::LayerNotRequested {
            layer,
            flags: LayerOptions::asking_flags(layer),
            requested: requested.join(","),
        });
    }
    Ok(Layer::ALL
        .iter()
        .copied()
        .filter(|l| named.contains(l))
        .collect())
}

fn canonical_root(root: &Path) -> Result<PathBuf, ScanError> {
    let dir = std::fs::canonicalize(root).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => ScanError::RootNotFound(root.to_path_buf()),
        io::ErrorKind::NotADirectory => ScanError::RootNotDirectory(root.to_path_buf()),
        _ => ScanError::RootUnreadable {
            path: root.to_path_buf(),
            source: e,
        },
    })?;
    if !dir.is_dir() {
        return Err(ScanError::RootNotDirectory(root.to_path_buf()));
    }
    Ok(dir)
}

#[cfg(test)]
mod tests;
