//! The `toolchain` layer: walks the requested trees inside the root, detects the compilers,
//! linkers, C libraries and runtimes of every ELF, PE and Mach-O file (`sovstack-binary` does
//! the reading, with the knowledge base's marks), and groups the binaries into one item per
//! component, toolchain and version group, each attributed through the knowledge base to the
//! toolchain's steward (`kb:toolchain/toolchains.csv`), as the processor and OS layers attribute
//! theirs.
//!
//! Paths are taken inside the root, as every path of a scan is: `--paths /usr` on a mounted
//! image walks the image's `/usr`, and a symlink on the way (`/lib -> usr/lib`) is followed
//! inside the root, never out of it. Below the start of a walk nothing is followed at all.
//! Overlapping paths (`/usr` and `/usr/bin`) are walked once.
//!
//! A compiler or linker that left no mark counts as unknown (an item without a steward); a
//! binary without a C library or runtime mark is not counted for that component, because
//! "none" (a static Go program) and "unknown" cannot be told apart there.

use crate::collector::{Collector, Context, Progress as ScanProgress, ScanOut};
use crate::root::ReadError;
use sovstack_binary::walk::{Progress, WalkOptions};
use sovstack_binary::{BinaryReport, Component, DetectOptions, Format};
use sovstack_inventory::{
    Actor, BinaryFile, BinaryFormat, Confidence, Evidence, Method, Role, ToolchainDetection,
    ToolchainLayer, ToolchainUse,
};
use sovstack_kb::Kb;
use std::collections::{BTreeMap, BTreeSet};

/// How many binaries an item names as examples.
const EXAMPLES: usize = 5;

/// The toolchain layer's options, as the command line gives them: what it walks and how.
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolchainOptions {
    /// A tree or file to walk for binaries, as a path inside the root; repeatable
    /// [default: the whole root].
    #[arg(long = "paths", value_name = "PATH", num_args = 1.., help_heading = "Toolchain layer")]
    pub paths: Vec<String>,

    /// Open every file, also those whose name marks a non-executable format (.py, .gz, ...).
    #[arg(long = "all-files", help_heading = "Toolchain layer")]
    pub open_every_file: bool,

    /// Do not cross into other filesystems while walking.
    #[arg(long = "one-file-system", help_heading = "Toolchain layer")]
    pub one_filesystem: bool,
}

impl ToolchainOptions {
    /// Whether these options ask for the layer when no layer is named: paths were given.
    pub fn ask_for_layer(&self) -> bool {
        !self.paths.is_empty()
    }
}

/// Collects the `toolchain` layer.
pub(crate) struct ToolchainCollector {
    plan: ToolchainOptions,
}

impl ToolchainCollector {
    /// The collector of what `options` name.
    pub(crate) fn new(options: &ToolchainOptions) -> Self {
        ToolchainCollector {
            plan: options.clone(),
        }
    }
}

impl Collector for ToolchainCollector {
    fn collect(&self, cx: &Context<'_>, out: &mut ScanOut) {
        let plan = &self.plan;
        let progress = |p: Progress| (cx.progress)(ScanProgress::Walk(p));
        let mut layer = ToolchainLayer::default();
        let mut found: Vec<(String, BinaryReport)> = Vec::new();
        for path in start_paths(cx, plan, out) {
            layer.paths.push(path.in_root.clone());
            walk_one(cx.kb, &path, plan, &progress, &mut layer, &mut found, out);
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        found.dedup_by(|a, b| a.0 == b.0);
        layer.binaries = found.len() as u64;
        layer.toolchains = uses(cx.kb, &found);
        layer.binary_files = found.iter().map(|(p, r)| binary_file(p, r)).collect();
        out.layers.toolchain = Some(layer);
    }
}

/// A requested path, located inside the root.
struct Start {
    host: std::path::PathBuf,
    in_root: String,
}

/// The requested paths located inside the root, those under another one dropped, in the order
/// given. A path that does not exist is a diagnostic.
fn start_paths(cx: &Context<'_>, plan: &ToolchainOptions, out: &mut ScanOut) -> Vec<Start> {
    let requested = if plan.paths.is_empty() {
        vec!["/".to_string()]
    } else {
        plan.paths.clone()
    };
    let mut located: Vec<Start> = Vec::new();
    for p in &requested {
        match cx.root.locate(p) {
            Ok((host, in_root, clamped)) => {
                if clamped {
                    out.read_failed(
                        &ReadError::NotFound {
                            path: p.clone(),
                            clamped: true,
                        },
                        None,
                    );
                }
                if !host.exists() {
                    out.read_failed(
                        &ReadError::NotFound {
                            path: p.clone(),
                            clamped: false,
                        },
                        Some(crate::codes::UNREADABLE_FILE),
                    );
                    continue;
                }
                located.push(Start { host, in_root });
            }
            Err(e) => out.read_failed(&e, Some(crate::codes::UNREADABLE_FILE)),
        }
    }
    let within = |inner: &str, outer: &str| {
        inner == outer
            || outer == "/"
            || inner
                .strip_prefix(outer)
                .is_some_and(|rest| rest.starts_with('/'))
    };
    let all: Vec<String> = located.iter().map(|s| s.in_root.clone()).collect();
    let mut kept: Vec<Start> = Vec::new();
    for (i, s) in located.into_iter().enumerate() {
        // Under another path (the first of two equal ones wins).
        let covered = all
            .iter()
            .enumerate()
            .any(|(j, o)| j != i && within(&s.in_root, o) && (s.in_root != *o || j < i));
        if !covered {
            kept.push(s);
        }
    }
    kept
}

/// Walks one located path (or detects one file) into `layer` and `found`.
fn walk_one(
    kb: &Kb,
    start: &Start,
    plan: &ToolchainOptions,
    progress: &(dyn Fn(Progress) + Sync),
    layer: &mut ToolchainLayer,
    found: &mut Vec<(String, BinaryReport)>,
    out: &mut ScanOut,
) {
    let detect = DetectOptions::default();
    let is_dir = std::fs::symlink_metadata(&start.host)
        .map(|m| m.is_dir())
        .unwrap_or(false);
    if !is_dir {
        layer.files += 1;
        match sovstack_binary::detect_file(
            kb.toolchain_marks(),
            &start.host,
            &start.in_root,
            &detect,
        ) {
            Ok(Some(r)) => found.push((start.in_root.clone(), r)),
            Ok(None) => {}
            Err(e) => out.warn(e.code(), &start.in_root, e.to_string()),
        }
        return;
    }
    let options = WalkOptions {
        detect,
        one_filesystem: plan.one_filesystem,
        // Kernel views exist only at the root's top.
        skip_at_root: if start.in_root == "/" {
            WalkOptions::default().skip_at_root
        } else {
            Vec::new()
        },
        open_every_file: plan.open_every_file,
        // Paths, evidence and messages name files as the root does.
        shown_as: start.in_root.clone(),
    };
    match sovstack_binary::walk(kb.toolchain_marks(), &start.host, &options, progress) {
        Ok(outcome) => {
            layer.files += outcome.files;
            layer.skipped_by_name += outcome.skipped_by_name;
            found.extend(outcome.binaries);
            out.diagnostics.extend(outcome.diagnostics);
        }
        Err(e) => out.warn(crate::codes::UNREADABLE_FILE, &start.in_root, e.to_string()),
    }
}

fn role(c: Component) -> Role {
    match c {
        Component::Compiler => Role::Compiler,
        Component::Linker => Role::Linker,
        Component::Libc => Role::Libc,
        Component::Runtime => Role::Runtime,
    }
}

/// A group of binaries: (toolchain, version group) -> the binaries in path order, and their
/// packagers.
type Groups<'a> = BTreeMap<(Option<String>, Option<String>), (Vec<&'a str>, BTreeSet<&'a str>)>;

/// The layer's items: per component, each toolchain and version group with the binaries it
/// built, largest first; unknown compilers and linkers included.
fn uses(kb: &Kb, found: &[(String, BinaryReport)]) -> Vec<ToolchainUse> {
    let mut items = Vec::new();
    for c in [
        Component::Compiler,
        Component::Linker,
        Component::Libc,
        Component::Runtime,
    ] {
        let mut groups = Groups::new();
        for (path, report) in found {
            let d = report.primary(c);
            if d.is_none() && matches!(c, Component::Libc | Component::Runtime) {
                continue;
            }
            let key = (
                d.map(|d| d.toolchain.clone()),
                d.and_then(|d| d.version_key()),
            );
            let (paths, packagers) = groups.entry(key).or_default();
            paths.push(path);
            // GCC's default PKGVERSION, `GNU`, names no packager.
            packagers.extend(d.and_then(|d| d.vendor.as_deref()).filter(|v| *v != "GNU"));
        }
        let mut group_items: Vec<ToolchainUse> = groups
            .into_iter()
            .map(|((t, v), (paths, packagers))| item(kb, c, t, v, &paths, packagers))
            .collect();
        group_items.sort_by(|a, b| {
            b.binaries
                .cmp(&a.binaries)
                .then_with(|| a.toolchain.cmp(&b.toolchain))
                .then_with(|| a.version.cmp(&b.version))
        });
        items.extend(group_items);
    }
    items
}

fn item(
    kb: &Kb,
    comp: Component,
    toolchain: Option<String>,
    version: Option<String>,
    paths: &[&str],
    packagers: BTreeSet<&str>,
) -> ToolchainUse {
    let id = match (&toolchain, &version) {
        (Some(t), Some(v)) => format!("{}/{t}/{v}", comp.as_str()),
        (Some(t), None) => format!("{}/{t}", comp.as_str()),
        (None, _) => format!("{}/unknown", comp.as_str()),
    };
    let known = toolchain.as_deref().and_then(|t| kb.toolchain(t));
    let actor = match (known, &toolchain) {
        (Some(t), _) => t.steward().into_actor(role(comp), Vec::new()),
        // Detected, but the table lacks the row: the code and the table disagree; stay honest.
        (None, Some(t)) => Actor::unknown(
            role(comp),
            vec![derived(format!(
                "toolchain `{t}` has no row in kb:toolchain/toolchains.csv"
            ))],
        ),
        (None, None) => Actor::unknown(
            role(comp),
            vec![derived(format!(
                "no {} mark in {} binaries (stripped, or a toolchain the signatures do not know)",
                comp.as_str(),
                paths.len()
            ))],
        ),
    };
    ToolchainUse {
        id,
        component: comp,
        name: known.map(|t| t.name.clone()),
        licence: known.map(|t| t.licence),
        toolchain,
        version,
        binaries: paths.len() as u64,
        examples: paths.iter().take(EXAMPLES).map(|p| p.to_string()).collect(),
        packagers: packagers.into_iter().map(str::to_string).collect(),
        actors: vec![actor],
    }
}

fn derived(value: String) -> Evidence {
    Evidence {
        source: "kb:toolchain/binary-signatures.csv".to_string(),
        field: None,
        line: None,
        value: Some(value),
        method: Method::Derived,
        confidence: Confidence::High,
    }
}

fn binary_file(path: &str, r: &BinaryReport) -> BinaryFile {
    BinaryFile {
        path: path.to_string(),
        format: match r.format {
            Format::Elf => BinaryFormat::Elf,
            Format::Pe => BinaryFormat::Pe,
            Format::MachO => BinaryFormat::MachO,
            Format::MachOFat => BinaryFormat::MachOFat,
        },
        arches: r.arches.clone(),
        detections: r
            .detections
            .iter()
            .map(|d| ToolchainDetection {
                component: d.component,
                toolchain: d.toolchain.clone(),
                version: d.version.clone(),
                vendor: d.vendor.clone(),
                detail: d.detail.clone(),
                evidence: d.evidence.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
