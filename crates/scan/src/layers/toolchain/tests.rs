//! The toolchain collector on real binaries placed in a scratch root: this test's own
//! executable (built by rustc), the machine's `/usr/bin/ls` (Debian-built and stripped of its
//! `.comment`), a broken ELF and a script; plus links that try to lead out of the root.

use super::*;
use crate::root::Root;
use crate::testutil::kb;
use sovstack_inventory::{Inventory, ToolchainComponent, ToolchainLayer};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::Command;

fn scan(root: &Path, paths: &[&str]) -> Inventory {
    let root_dir = fs::canonicalize(root).unwrap();
    let root = Root::new(root_dir);
    let options = ToolchainOptions {
        paths: paths.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    let cx = Context {
        root: &root,
        kb: kb(),
        live: None,
        progress: &|_| {},
    };
    crate::scan_root(root.dir(), &cx, &[&ToolchainCollector::new(&options)])
}

fn layer(inv: &Inventory) -> &ToolchainLayer {
    inv.layers.toolchain.as_ref().expect("toolchain layer")
}

/// `1.95` from `rustc 1.95.0 (59807616e 2026-04-14)`: what rustc itself says, not our parser.
fn rustc_minor() -> String {
    let out = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-V")
        .output()
        .unwrap();
    let v = String::from_utf8(out.stdout).unwrap();
    let ver = v.split_whitespace().nth(1).unwrap();
    ver.split('.').take(2).collect::<Vec<_>>().join(".")
}

struct Tree {
    _outside: tempfile::TempDir,
    root: tempfile::TempDir,
}

fn tree() -> Tree {
    let me = std::env::current_exe().unwrap();
    let outside = tempfile::tempdir().unwrap();
    fs::create_dir_all(outside.path().join("usr/lib")).unwrap();
    fs::copy(&me, outside.path().join("usr/lib/outside-elf")).unwrap();

    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    for d in ["usr/bin", "usr/lib", "opt/app", "proc/1"] {
        fs::create_dir_all(r.join(d)).unwrap();
    }
    fs::copy(&me, r.join("opt/app/tool")).unwrap();
    fs::copy("/usr/bin/ls", r.join("usr/bin/ls")).unwrap();
    fs::copy(&me, r.join("proc/1/exe")).unwrap();
    fs::write(r.join("usr/bin/script"), "#!/bin/sh\necho hi\n").unwrap();
    let mut broken = fs::read(&me).unwrap();
    broken.truncate(4096);
    fs::write(r.join("usr/lib/broken.so"), broken).unwrap();
    // Merged /usr, as Debian has it: absolute, so it must resolve inside the root.
    symlink("/usr/lib", r.join("lib")).unwrap();
    // Leads out of the root: never followed during a walk.
    symlink(outside.path().join("usr/lib"), r.join("usr/lib/escape")).unwrap();
    Tree {
        _outside: outside,
        root,
    }
}

#[test]
fn groups_binaries_by_toolchain_and_weighs_them() {
    let t = tree();
    let inv = scan(t.root.path(), &[]);
    let l = layer(&inv);
    assert_eq!(l.paths, vec!["/"]);
    let paths: Vec<&str> = l.binary_files.iter().map(|b| b.path.as_str()).collect();
    assert_eq!(
        paths,
        vec!["/opt/app/tool", "/usr/bin/ls"],
        "proc skipped, links not followed, broken file a diagnostic"
    );
    assert_eq!(l.binaries, 2);
    assert_eq!(l.files, 4, "tool, ls, script, broken.so");

    // Every binary counts once among the compiler items.
    let compilers: Vec<_> = l
        .toolchains
        .iter()
        .filter(|u| u.component == ToolchainComponent::Compiler)
        .collect();
    assert_eq!(compilers.iter().map(|u| u.binaries).sum::<u64>(), 2);
    let rustc = compilers
        .iter()
        .find(|u| u.toolchain.as_deref() == Some("rustc"))
        .expect("rustc item");
    assert_eq!(rustc.version.as_deref(), Some(rustc_minor().as_str()));
    assert_eq!(rustc.examples, vec!["/opt/app/tool"]);
    assert_eq!(rustc.id, format!("compiler/rustc/{}", rustc_minor()));
    assert_eq!(rustc.actors[0].role, Role::Compiler);
    assert!(
        rustc.actors[0].name.is_some(),
        "the Rust project stewards rustc"
    );
    // Debian strips .comment: ls's compiler is unknown, never guessed.
    let unknown = compilers
        .iter()
        .find(|u| u.toolchain.is_none())
        .expect("unknown compiler item");
    assert_eq!(unknown.examples, vec!["/usr/bin/ls"]);
    assert_eq!(unknown.id, "compiler/unknown");
    assert!(unknown.actors[0].name.is_none() && unknown.actors[0].country.is_none());
    // ls needs glibc: a libc item; the evidence names the file as the root sees it.
    let glibc = l
        .toolchains
        .iter()
        .find(|u| {
            u.component == ToolchainComponent::Libc && u.toolchain.as_deref() == Some("glibc")
        })
        .expect("glibc");
    assert!(glibc.examples.contains(&"/usr/bin/ls".to_string()));
    let ls = &l.binary_files[1];
    assert!(
        ls.detections
            .iter()
            .flat_map(|d| &d.evidence)
            .all(|e| e.source == "/usr/bin/ls" || e.source.starts_with("kb:")),
        "{ls:?}"
    );

    let codes: Vec<_> = inv
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.path.as_deref()))
        .collect();
    assert_eq!(
        codes,
        vec![("toolchain/malformed-binary", Some("/usr/lib/broken.so"))]
    );
}

#[test]
fn paths_resolve_inside_the_root_and_overlaps_are_walked_once() {
    let t = tree();
    // /lib -> /usr/lib must be the root's /usr/lib, not the scanning host's.
    let inv = scan(
        t.root.path(),
        &["/lib", "/opt", "/opt/app/tool", "/opt/app", "/nonexistent"],
    );
    let l = layer(&inv);
    assert_eq!(l.paths, vec!["/usr/lib", "/opt"]);
    let paths: Vec<&str> = l.binary_files.iter().map(|b| b.path.as_str()).collect();
    assert_eq!(paths, vec!["/opt/app/tool"]);
    let codes: Vec<_> = inv
        .diagnostics
        .iter()
        .map(|d| (d.code.as_str(), d.path.as_deref()))
        .collect();
    assert!(
        codes.contains(&("toolchain/malformed-binary", Some("/usr/lib/broken.so"))),
        "{codes:?}"
    );
    // The message names the file as the root does too, not as the walk of /usr/lib saw it.
    let broken = inv
        .diagnostics
        .iter()
        .find(|d| d.code == "toolchain/malformed-binary")
        .unwrap();
    assert!(
        broken.message.starts_with("/usr/lib/broken.so: "),
        "{}",
        broken.message
    );
    assert!(
        codes.contains(&("scan/unreadable-file", Some("/nonexistent"))),
        "{codes:?}"
    );
    // A walk that starts below the root names files, in paths and evidence, as the root does.
    let inv = scan(t.root.path(), &["/usr/bin"]);
    let ls = &layer(&inv).binary_files[0];
    assert_eq!(ls.path, "/usr/bin/ls");
    let sources: Vec<&str> = ls
        .detections
        .iter()
        .flat_map(|d| &d.evidence)
        .map(|e| e.source.as_str())
        .filter(|s| !s.starts_with("kb:"))
        .collect();
    assert!(
        !sources.is_empty() && sources.iter().all(|s| *s == "/usr/bin/ls"),
        "{sources:?}"
    );
    // A single file may be named.
    let inv = scan(t.root.path(), &["/usr/bin/ls"]);
    assert_eq!(layer(&inv).binary_files.len(), 1);
    assert_eq!(layer(&inv).files, 1);
    // `..` cannot climb out.
    let inv = scan(t.root.path(), &["/../../../usr/bin"]);
    assert_eq!(layer(&inv).paths, vec!["/usr/bin"]);
    assert!(
        inv.diagnostics
            .iter()
            .any(|d| d.code == "scan/path-escapes-root"),
        "{:?}",
        inv.diagnostics
    );
}

#[test]
fn same_tree_same_bytes() {
    let t = tree();
    let a = scan(t.root.path(), &[]).to_json();
    let b = scan(t.root.path(), &[]).to_json();
    assert_eq!(a, b);
}

/// Debian's gofmt as shipped, and a copy whose build info a release pipeline removed
/// (`objcopy --remove-section .go.buildinfo`): both count under one item, the Go release that
/// `go version` names, the second read from its pclntab and runtime version string.
#[test]
fn go_binaries_with_and_without_build_info_share_one_item() {
    let out = Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .expect("go (Debian's golang-go)");
    let gofmt = Path::new(String::from_utf8(out.stdout).unwrap().trim()).join("bin/gofmt");
    let out = Command::new("go").arg("version").output().unwrap();
    // `go version go1.19.8 linux/amd64` -> go1.19
    let text = String::from_utf8(out.stdout).unwrap();
    let minor = text
        .split_whitespace()
        .nth(2)
        .unwrap()
        .split('.')
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    let root = tempfile::tempdir().unwrap();
    fs::create_dir_all(root.path().join("usr/bin")).unwrap();
    fs::copy(&gofmt, root.path().join("usr/bin/gofmt")).unwrap();
    let stripped = root.path().join("usr/bin/gofmt-stripped");
    let status = Command::new("objcopy")
        .args(["--remove-section", ".go.buildinfo"])
        .arg(&gofmt)
        .arg(&stripped)
        .status()
        .unwrap();
    assert!(status.success());
    let inv = scan(root.path(), &[]);
    let l = layer(&inv);
    let go: Vec<_> = l
        .toolchains
        .iter()
        .filter(|u| {
            u.component == ToolchainComponent::Compiler && u.toolchain.as_deref() == Some("go")
        })
        .collect();
    assert_eq!(go.len(), 1, "{go:#?}");
    assert_eq!(go[0].id, format!("compiler/go/{minor}"));
    assert_eq!(
        go[0].examples,
        vec!["/usr/bin/gofmt", "/usr/bin/gofmt-stripped"]
    );
    let confidence = |path: &str| {
        let b = l.binary_files.iter().find(|b| b.path == path).unwrap();
        b.detections
            .iter()
            .find(|d| d.toolchain == "go")
            .unwrap()
            .evidence
            .iter()
            .filter(|e| !e.source.starts_with("kb:"))
            .map(|e| e.confidence)
            .collect::<Vec<_>>()
    };
    assert!(confidence("/usr/bin/gofmt-stripped").contains(&sovstack_inventory::Confidence::Medium));
}
