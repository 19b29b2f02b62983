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
mod layers;
mod live;
mod registry;
mod root;
#[cfg(test)]
mod testutil;

pub use collector::{Collector, Context, ScanOut};
pub use layers::network::{discover, NetworkPlan};
pub use layers::toolchain::ToolchainPlan;
pub use sovstack_binary::walk::Progress as WalkProgress;
pub use live::{normalise_architecture, LiveCpu, LiveHost};
pub use root::{ReadError, Root, RootFile, MAX_FILE_BYTES, MAX_SYMLINK_HOPS};

use sovstack_inventory::{Generator, Inventory, LAYER_IDS, SCHEMA_VERSION};
use sovstack_kb::Kb;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The parsers of each input format, public for fuzzing and reuse. They never fail and never
/// panic: what they cannot read they report in their result.
pub mod parse {
    pub use crate::layers::network::parse_endpoints::{endpoints, EndpointSpec, ParseError, MAX_LISTED_PROBLEMS};
    pub use crate::layers::os::parse_os_release::{os_release, Entry, LineError, OsRelease};
    pub use crate::layers::os::parse_proc_version::{proc_version, ProcVersion};
    pub use crate::layers::processor::identify::{
        distinct, parse_number, Architecture, Distinct, Family,
    };
    pub use crate::layers::processor::parse_cpuinfo::{cpuinfo, CpuInfo, Field, LogicalCpu};
}

/// The layers scanned when none is named: the ones that need no input besides the root and
/// read a few files only. `network` joins them when endpoints or domains are given;
/// `toolchain` (a walk of the whole tree) when paths are given.
pub const DEFAULT_LAYERS: &[&str] = &["processor", "os"];

/// What to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanOptions {
    /// The directory to scan as a root filesystem; `/` scans the live host.
    pub root: PathBuf,
    /// Layer ids from [`LAYER_IDS`] to scan; empty means [`DEFAULT_LAYERS`], plus `network`
    /// when `endpoints` or `domains` are given.
    pub layers: Vec<String>,
    /// `network`: the endpoints file (YAML when it ends in `.yaml`/`.yml`, else text).
    pub endpoints: Option<PathBuf>,
    /// `network`: domains whose usual records (MX, NS, SPF, `www`, `autodiscover`) are
    /// discovered.
    pub domains: Vec<String>,
    /// `network`: the DNS server to ask instead of the system's resolver.
    pub resolver: Option<SocketAddr>,
    /// `network`: ask no DNS; endpoints are recorded as unresolved.
    pub offline: bool,
    /// `network`: the data directory (holding `network/MANIFEST.csv`, or the manifest itself).
    pub data_dir: Option<PathBuf>,
    /// `network`: how long to wait for one DNS answer before retrying.
    pub dns_timeout: Duration,
    /// `toolchain`: the trees or files to walk, as paths inside the root; empty walks the
    /// whole root.
    pub paths: Vec<String>,
    /// `toolchain`: open every regular file, even those whose name marks a format that is
    /// never an executable (`.py`, `.gz`, ...).
    pub open_every_file: bool,
    /// `toolchain`: do not cross into other filesystems.
    pub one_filesystem: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            root: PathBuf::from("/"),
            layers: Vec::new(),
            endpoints: None,
            domains: Vec::new(),
            resolver: None,
            offline: false,
            data_dir: None,
            dns_timeout: Duration::from_secs(2),
            paths: Vec::new(),
            open_every_file: false,
            one_filesystem: false,
        }
    }
}

/// Bad input to [`scan`]. Problems met inside the root are diagnostics, not errors.
///
/// A variant that wraps an I/O error gives it as its [`std::error::Error::source`] and does not
/// repeat it in its own message: the CLI prints the chain (`cannot read endpoints file x: No
/// such file or directory`), which would otherwise say the cause twice.
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
    #[error("cannot open root {}", path.display())]
    RootUnreadable {
        /// The root as given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// A layer id that is not in [`LAYER_IDS`].
    #[error("unknown layer `{0}` (known layers: {known})", known = LAYER_IDS.join(", "))]
    UnknownLayer(String),
    /// The endpoints file cannot be read.
    #[error("cannot read endpoints file {}", path.display())]
    EndpointsUnreadable {
        /// The file as given.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The endpoints file is malformed. The message has one line per problem,
    /// `FILE:LINE:COLUMN: what`, up to [`parse::MAX_LISTED_PROBLEMS`], then how many more.
    #[error("{}", render_endpoint_errors(path, errors))]
    Endpoints {
        /// The file as given.
        path: PathBuf,
        /// Every problem, in file order (never empty).
        errors: Vec<parse::ParseError>,
    },
    /// A `--domain` is not a domain name.
    #[error("{0}")]
    Domain(String),
    /// The `network` layer was asked for with nothing to resolve.
    #[error(
        "the network layer has nothing to resolve: give --endpoints FILE (the services to \
         assess) or --domain DOMAIN (a domain's mail, DNS and web hosting)"
    )]
    NothingToResolve,
    /// The endpoints file lists no endpoint, and no `--domain` was given.
    #[error("endpoints file {} lists no endpoint: the network layer has nothing to resolve", .0.display())]
    NoEndpoints(PathBuf),
    /// The network layer needs the data directory and none was given or it cannot be loaded.
    #[error("network data: {0}")]
    NetworkData(String),
}

fn render_endpoint_errors(path: &Path, errors: &[parse::ParseError]) -> String {
    let mut lines: Vec<String> = errors
        .iter()
        .take(parse::MAX_LISTED_PROBLEMS)
        .map(|e| format!("{}:{}:{}: {}", path.display(), e.line, e.column, e.message))
        .collect();
    if let Some(more) = errors.len().checked_sub(parse::MAX_LISTED_PROBLEMS).filter(|&n| n > 0) {
        lines.push(format!("and {more} more problem{} in {}", if more == 1 { "" } else { "s" }, path.display()));
    }
    lines.join("\n")
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

/// How a long step of a scan is going, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The `toolchain` walk's counts (for the path being walked).
    Walk(WalkProgress),
    /// The `network` layer's DNS resolution: `done` of `total` endpoints resolved.
    Resolve {
        /// Endpoints whose queries have all finished, answered or not.
        done: usize,
        /// Endpoints to resolve.
        total: usize,
    },
}

/// [`scan`], calling `progress` as the `toolchain` walk and the `network` layer's resolution
/// go (from several threads).
pub fn scan_with_progress(
    opts: &ScanOptions,
    kb: &Kb,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Inventory, ScanError> {
    let wants_network = opts.endpoints.is_some() || !opts.domains.is_empty();
    let mut layers = requested_layers(&opts.layers)?;
    if opts.layers.is_empty() && wants_network {
        layers.push("network");
    }
    if opts.layers.is_empty() && !opts.paths.is_empty() {
        layers.push("toolchain");
    }
    // Layers in report order whatever was added.
    layers.sort_by_key(|l| LAYER_IDS.iter().position(|id| id == l));
    // Input errors (a bad endpoints file, a missing data directory) surface before any
    // collector runs.
    let plan = match layers.contains(&"network") {
        true => Some(network_plan(opts, progress)?),
        false => None,
    };
    let dir = canonical_root(&opts.root)?;
    let live = (dir == Path::new("/")).then(LiveHost::probe);
    let root = Root::new(dir);
    let walk_progress = |p: WalkProgress| progress(Progress::Walk(p));
    let toolchain = ToolchainPlan {
        paths: opts.paths.clone(),
        open_every_file: opts.open_every_file,
        one_filesystem: opts.one_filesystem,
        progress: &walk_progress,
    };
    let cx = Context { root: &root, kb, live: live.as_ref(), network: plan.as_ref(), toolchain: Some(&toolchain) };
    Ok(scan_root(&opts.root, &cx, &layers))
}

/// Reads the endpoints file, expands the domains and loads the data directory.
fn network_plan<'a>(
    opts: &ScanOptions,
    progress: &'a (dyn Fn(Progress) + Sync),
) -> Result<NetworkPlan<'a>, ScanError> {
    if opts.endpoints.is_none() && opts.domains.is_empty() {
        return Err(ScanError::NothingToResolve);
    }
    let mut endpoints = Vec::new();
    if let Some(path) = &opts.endpoints {
        let text = std::fs::read_to_string(path)
            .map_err(|source| ScanError::EndpointsUnreadable { path: path.clone(), source })?;
        let yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
        endpoints = parse::endpoints(&text, yaml)
            .map_err(|errors| ScanError::Endpoints { path: path.clone(), errors })?;
    }
    for d in &opts.domains {
        endpoints.extend(discover(d).map_err(ScanError::Domain)?);
    }
    if let (true, Some(path)) = (endpoints.is_empty(), &opts.endpoints) {
        return Err(ScanError::NoEndpoints(path.clone()));
    }
    let data = match endpoints.is_empty() {
        true => None,
        false => {
            let dir = opts.data_dir.as_ref().ok_or_else(|| {
                ScanError::NetworkData("no data directory given (--data-dir or SOVSTACK_DATA_DIR)".into())
            })?;
            let net = match dir.join(sovstack_netdata::MANIFEST).is_file() {
                true => dir.clone(),
                false => dir.join("network"),
            };
            let loaded = sovstack_netdata::DataDir::new(&net).load().map_err(|e| {
                ScanError::NetworkData(format!("{}: {e}", net.display()))
            })?;
            Some(std::sync::Arc::new(loaded))
        }
    };
    Ok(NetworkPlan {
        endpoints,
        endpoints_file: opts.endpoints.as_ref().map(|p| p.display().to_string()),
        resolver: opts.resolver,
        offline: opts.offline,
        timeout: opts.dns_timeout,
        data,
        progress,
    })
}

/// Runs the collectors of `layers` in `cx`. `given` is the root as the user wrote it.
pub(crate) fn scan_root(given: &Path, cx: &Context<'_>, layers: &[&str]) -> Inventory {
    let mut out = ScanOut::default();
    for collector in registry::COLLECTORS
        .iter()
        .filter(|c| layers.contains(&c.layer()))
    {
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
        layers: out.layers,
        diagnostics: out.diagnostics,
    }
}

/// The requested layer ids, checked, in [`LAYER_IDS`] order; [`DEFAULT_LAYERS`] when none is
/// given.
fn requested_layers(requested: &[String]) -> Result<Vec<&'static str>, ScanError> {
    if let Some(unknown) = requested.iter().find(|l| !LAYER_IDS.contains(&l.as_str())) {
        return Err(ScanError::UnknownLayer(unknown.clone()));
    }
    Ok(LAYER_IDS
        .iter()
        .copied()
        .filter(|id| match requested.is_empty() {
            true => DEFAULT_LAYERS.contains(id),
            false => requested.iter().any(|r| r == id),
        })
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
