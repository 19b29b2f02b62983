//! The `os` layer: the distribution named by the root's `os-release`, the distributions it
//! derives from, the kernel, and the organisations that steward each.
//!
//! `os-release` is read from `/etc/os-release`, else `/usr/lib/os-release`, as the
//! freedesktop.org specification says. The kernel comes from the live host's `uname` when
//! scanning the live host, else from the root's `/proc/version` (present in captured roots,
//! absent from most images and containers, whose kernel is whatever host runs them).
//!
//! Actors: `steward` always (unknown when `ID` is absent or not in the knowledge base);
//! `lineage` once per `ID_LIKE` entry the knowledge base knows (an unknown ancestor adds no
//! actor: `ID_LIKE` is a compatibility hint, and an unknown one says nothing about control);
//! `kernel` always, because every OS runs on a kernel, unknown when none could be read.
//!
//! The syntax of each file is its parser's job (`parse_os_release.rs`, `parse_proc_version.rs`).

pub mod parse_os_release;
pub mod parse_proc_version;

use crate::collector::{Collector, Context, ScanOut};
use crate::live::LiveHost;
use crate::root::Root;
use parse_os_release::Entry;
use sovstack_inventory::{Actor, Confidence, Evidence, Fact, Method, OperatingSystem, Role};

/// Where `os-release` may live, in the specification's order.
const OS_RELEASE: &[&str] = &["/etc/os-release", "/usr/lib/os-release"];
/// The kernel's self-description.
const PROC_VERSION: &str = "/proc/version";

/// The operating-system layer's diagnostic codes (besides the root's, [`crate::codes`]).
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        MISSING_OS_RELEASE = "scan/missing-os-release": "neither `/etc/os-release` nor `/usr/lib/os-release` under the root",
        MALFORMED_OS_RELEASE = "scan/malformed-os-release": "a line of `os-release` that is not a valid assignment",
        MALFORMED_PROC_VERSION = "scan/malformed-proc-version": "`/proc/version` does not read `<name> version <release>`",
    }
}

/// Collects the `os` layer.
pub(crate) struct OsCollector;

impl Collector for OsCollector {
    fn collect(&self, cx: &Context<'_>, out: &mut ScanOut) {
        let (root, kb, live) = (cx.root, cx.kb, cx.live);
        let mut os = OperatingSystem {
            id: "os".to_string(),
            release_id: None,
            name: None,
            version_id: None,
            pretty_name: None,
            id_like: Vec::new(),
            kernel: None,
            lifecycle: None,
            kernel_lifecycle: None,
            actors: Vec::new(),
            hosts: None,
        };
        let release = read_os_release(root, out);
        let (source, entries) = release
            .as_ref()
            .map_or(("", &[][..]), |(s, e)| (s.as_str(), e.as_slice()));
        let get = |key: &str| entries.iter().rev().find(|e| e.key == key);
        let ev = |e: &Entry| Evidence {
            source: source.to_string(),
            field: Some(e.key.clone()),
            line: Some(e.line),
            value: Some(e.value.clone()),
            method: Method::FileField,
            confidence: Confidence::High,
        };
        let fact = |key: &str| {
            get(key)
                .filter(|e| !e.value.is_empty())
                .map(|e| Fact::new(e.value.clone(), ev(e)))
        };
        os.release_id = fact("ID");
        os.name = fact("NAME");
        os.version_id = fact("VERSION_ID");
        os.pretty_name = fact("PRETTY_NAME");
        if let Some(e) = get("ID_LIKE") {
            os.id_like = e
                .value
                .split_whitespace()
                .map(|id| Fact::new(id.to_string(), ev(e)))
                .collect();
        }

        match &os.release_id {
            Some(id) => os.actors.push(match kb.os_steward(&id.value) {
                Some(a) => a.into_actor(Role::Steward, id.evidence.clone()),
                None => Actor::unknown(Role::Steward, id.evidence.clone()),
            }),
            None => os.actors.push(Actor::unknown(Role::Steward, Vec::new())),
        }
        for like in &os.id_like {
            if let Some(a) = kb.os_steward(&like.value) {
                os.actors
                    .push(a.into_actor(Role::Lineage, like.evidence.clone()));
            }
        }

        os.kernel = live
            .and_then(live_kernel)
            .or_else(|| root_kernel(root, out));
        let kernel_name = os
            .kernel
            .as_ref()
            .and_then(|k| k.value.split_whitespace().next().map(str::to_string));
        let kernel_evidence = os
            .kernel
            .as_ref()
            .map(|k| k.evidence.clone())
            .unwrap_or_default();
        // Support windows: the release's (its ID and VERSION_ID), and the Linux kernel series'.
        if let (Some(id), Some(version)) = (&os.release_id, &os.version_id) {
            let name = os.name.as_ref().map(|n| n.value.as_str());
            os.lifecycle = kb
                .os_lifecycle(&id.value, name, &version.value)
                .map(|mut l| {
                    let mut evidence = id.evidence.clone();
                    evidence.extend(version.evidence.iter().cloned());
                    evidence.append(&mut l.evidence);
                    l.evidence = evidence;
                    l
                });
        }
        if let Some(k) = &os.kernel {
            let mut words = k.value.split_whitespace();
            if let (Some("Linux"), Some(release)) = (words.next(), words.next()) {
                os.kernel_lifecycle = kb.linux_kernel_lifecycle(release).map(|mut l| {
                    let mut evidence = k.evidence.clone();
                    evidence.append(&mut l.evidence);
                    l.evidence = evidence;
                    l
                });
            }
        }
        os.actors
            .push(match kernel_name.and_then(|n| kb.kernel_steward(&n)) {
                Some(a) => a.into_actor(Role::Kernel, kernel_evidence),
                None => Actor::unknown(Role::Kernel, kernel_evidence),
            });
        out.layers.os = Some(vec![os]);
    }
}

/// The first readable `os-release`, as (in-root path, assignments). Each failed candidate
/// leaves a diagnostic unless it is merely absent; both absent is `scan/missing-os-release`.
fn read_os_release(root: &Root, out: &mut ScanOut) -> Option<(String, Vec<Entry>)> {
    for path in OS_RELEASE {
        match root.read(path) {
            Ok(file) => {
                let text = out.text(&file);
                let parsed = parse_os_release::os_release(&text);
                for err in &parsed.errors {
                    out.warn(
                        codes::MALFORMED_OS_RELEASE,
                        &file.path,
                        format!(
                            "{}:{}: {}; the line was ignored",
                            file.path, err.line, err.message
                        ),
                    );
                }
                return Some((file.path, parsed.entries));
            }
            Err(err) => out.read_failed(&err, None),
        }
    }
    out.warn(
        codes::MISSING_OS_RELEASE,
        OS_RELEASE[0],
        format!(
            "no readable {} or {}: the distribution is unknown",
            OS_RELEASE[0], OS_RELEASE[1]
        ),
    );
    None
}

/// The running kernel, as the live host's `uname` reports it.
fn live_kernel(live: &LiveHost) -> Option<Fact<String>> {
    let (name, release) = (
        live.kernel_name.as_deref()?,
        live.kernel_release.as_deref()?,
    );
    let value = format!("{name} {release}");
    Some(Fact::new(
        value.clone(),
        Evidence {
            source: "sysinfo".to_string(),
            field: Some("kernel_long_version".to_string()),
            line: None,
            value: Some(value),
            method: Method::Sysinfo,
            confidence: Confidence::High,
        },
    ))
}

/// The kernel named by the root's `/proc/version`. Its absence is normal (images, containers)
/// and is not reported.
fn root_kernel(root: &Root, out: &mut ScanOut) -> Option<Fact<String>> {
    let file = match root.read(PROC_VERSION) {
        Ok(file) => file,
        Err(err) => {
            out.read_failed(&err, None);
            return None;
        }
    };
    let text = out.text(&file);
    let Some(v) = parse_proc_version::proc_version(&text) else {
        out.warn(
            codes::MALFORMED_PROC_VERSION,
            &file.path,
            format!("{}:1: does not read `<name> version <release>`", file.path),
        );
        return None;
    };
    let first_line = text.lines().next().unwrap_or_default();
    // The evidence keeps the words that were read, not the whole line: the rest is build
    // metadata (compiler, date) that identifies nothing.
    let read: String = first_line
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    Some(Fact::new(
        format!("{} {}", v.kernel_name, v.release),
        Evidence {
            source: file.path.clone(),
            field: None,
            line: Some(1),
            value: Some(read),
            method: Method::FileField,
            confidence: Confidence::High,
        },
    ))
}

#[cfg(test)]
mod tests;
