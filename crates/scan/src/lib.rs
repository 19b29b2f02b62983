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
//! let opts = ScanOptions { root: root.into(), layers: vec!["processor".to_string()] };
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
mod layers;
mod live;
mod registry;
mod root;
#[cfg(test)]
mod testutil;

pub use collector::{Collector, ScanOut};
pub use live::{normalise_architecture, LiveCpu, LiveHost};
pub use root::{ReadError, Root, RootFile, MAX_FILE_BYTES, MAX_SYMLINK_HOPS};

use sovstack_inventory::{Generator, Inventory, LAYER_IDS, SCHEMA_VERSION};
use sovstack_kb::Kb;
use std::io;
use std::path::{Path, PathBuf};

/// The parsers of each input format, public for fuzzing and reuse. They never fail and never
/// panic: what they cannot read they report in their result.
pub mod parse {
    pub use crate::layers::os::parse_os_release::{os_release, Entry, LineError, OsRelease};
    pub use crate::layers::os::parse_proc_version::{proc_version, ProcVersion};
    pub use crate::layers::processor::identify::{
        distinct, parse_number, Architecture, Distinct, Family,
    };
    pub use crate::layers::processor::parse_cpuinfo::{cpuinfo, CpuInfo, Field, LogicalCpu};
}

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// The directory to scan as a root filesystem; `/` scans the live host.
    pub root: PathBuf,
    /// Layer ids from [`LAYER_IDS`] to scan; empty means all of them.
    pub layers: Vec<String>,
}

/// Bad input to [`scan`]. Problems met inside the root are diagnostics, not errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// The root does not exist.
    #[error("root {} does not exist", .0.display())]
    RootNotFound(PathBuf),
    /// The root is not a directory.
    #[error("root {} is not a directory", .0.display())]
    RootNotDirectory(PathBuf),
    /// The root could not be opened (permissions, I/O).
    #[error("cannot open root {}: {source}", path.display())]
    RootUnreadable {
        /// The root as given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A layer id that is not in [`LAYER_IDS`].
    #[error("unknown layer `{0}` (known layers: {known})", known = LAYER_IDS.join(", "))]
    UnknownLayer(String),
}

/// Scans `opts.root` for the requested layers.
///
/// The live host's own interfaces are consulted exactly when the root canonicalises to `/`;
/// any other root is read only through its files. The result has no `generated_at` (the CLI
/// sets it) and is otherwise a function of the root's contents and the knowledge base, so
/// two scans of the same root give byte-identical JSON.
pub fn scan(opts: &ScanOptions, kb: &Kb) -> Result<Inventory, ScanError> {
    let layers = requested_layers(&opts.layers)?;
    let dir = canonical_root(&opts.root)?;
    let live = (dir == Path::new("/")).then(LiveHost::probe);
    Ok(scan_root(
        &opts.root,
        &Root::new(dir),
        &layers,
        kb,
        live.as_ref(),
    ))
}

/// Runs the collectors of `layers` over `root`. `given` is the root as the user wrote it.
pub(crate) fn scan_root(
    given: &Path,
    root: &Root,
    layers: &[&str],
    kb: &Kb,
    live: Option<&LiveHost>,
) -> Inventory {
    let mut out = ScanOut::default();
    for collector in registry::COLLECTORS
        .iter()
        .filter(|c| layers.contains(&c.layer()))
    {
        collector.collect(root, kb, live, &mut out);
    }
    Inventory {
        schema_version: SCHEMA_VERSION.to_string(),
        generator: Generator {
            name: "sovstack".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        generated_at: None,
        root: given.display().to_string(),
        live_host: live.is_some(),
        knowledge_base: kb.data_ref(),
        layers: out.layers,
        diagnostics: out.diagnostics,
    }
}

/// The requested layer ids, checked, in [`LAYER_IDS`] order; all of them when none is given.
fn requested_layers(requested: &[String]) -> Result<Vec<&'static str>, ScanError> {
    if let Some(unknown) = requested.iter().find(|l| !LAYER_IDS.contains(&l.as_str())) {
        return Err(ScanError::UnknownLayer(unknown.clone()));
    }
    Ok(LAYER_IDS
        .iter()
        .copied()
        .filter(|id| requested.is_empty() || requested.iter().any(|r| r == id))
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
