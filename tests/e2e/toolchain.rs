//! The toolchain layer end to end: a root holding binaries nobody here wrote (Debian's `ls`,
//! Debian's Go toolchain, pip's MSVC-built Windows launcher, an npm package's macOS module) and
//! sovstack's own executable, scanned, judged by the built-in plugin and rulesets, validated
//! against the published schema.

use crate::util::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Output of a command, trimmed.
fn stdout_of(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}"));
    assert!(out.status.success(), "{cmd} {args:?}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// pip's distlib directory, which ships MSVC-built launchers (t64.exe).
fn distlib_dir() -> PathBuf {
    PathBuf::from(stdout_of(
        "python3",
        &[
            "-c",
            "import os, pip._vendor.distlib as d; print(os.path.dirname(d.__file__))",
        ],
    ))
}

/// Debian's `go` executable (golang-go), links resolved.
fn go_binary() -> PathBuf {
    let goroot = stdout_of("go", &["env", "GOROOT"]);
    Path::new(&goroot).join("bin/go")
}

/// A root with five binaries and a few files that are not.
fn root_with_binaries() -> tempfile::TempDir {
    let dir = tempdir();
    let r = dir.path();
    for d in ["usr/bin", "usr/share/doc", "opt/win", "opt/mac", "srv/app"] {
        fs::create_dir_all(r.join(d)).unwrap();
    }
    fs::copy(env!("CARGO_BIN_EXE_sovstack"), r.join("srv/app/sovstack")).unwrap();
    fs::copy("/usr/bin/ls", r.join("usr/bin/ls")).unwrap();
    fs::copy(go_binary(), r.join("usr/bin/go")).unwrap();
    fs::copy(distlib_dir().join("t64.exe"), r.join("opt/win/t64.exe")).unwrap();
    fs::copy(
        repo().join("crates/binary/testdata/fsevents-2.3.3/fsevents.node"),
        r.join("opt/mac/fsevents.node"),
    )
    .unwrap();
    fs::write(r.join("usr/share/doc/README.txt"), "not a binary\n").unwrap();
    fs::write(r.join("srv/app/tool.py"), "print('not a binary')\n").unwrap();
    dir
}

fn compilers(layer: &Value) -> Vec<(Option<String>, Option<String>, u64)> {
    layer["toolchains"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["component"] == "compiler")
        .map(|u| {
            (
                u["toolchain"].as_str().map(String::from),
                u["version"].as_str().map(String::from),
                u["binaries"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn scan_finds_each_binary_and_groups_them_by_toolchain() {
    let root = root_with_binaries();
    let inv = run_json(
        sovstack()
            .args(["scan", "--layers", "toolchain", "--root"])
            .arg(root.path()),
    );
    assert_eq!(inv["schema_version"], sovstack_inventory::SCHEMA_VERSION);
    let schema: Value = serde_json::from_slice(
        &fs::read(repo().join(format!(
            "schema/inventory-{}.schema.json",
            sovstack_inventory::SCHEMA_VERSION
        )))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&inv)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    let layer = &inv["layers"]["toolchain"];
    let paths: Vec<&str> = layer["binary_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        vec![
            "/opt/mac/fsevents.node",
            "/opt/win/t64.exe",
            "/srv/app/sovstack",
            "/usr/bin/go",
            "/usr/bin/ls"
        ]
    );
    assert_eq!(layer["binaries"], 5);
    assert_eq!(layer["files"], 7);
    assert!(
        layer["skipped_by_name"].as_u64().unwrap() >= 1,
        "tool.py is not opened: {layer}"
    );

    // Every binary counts once among the compilers.
    let c = compilers(layer);
    assert_eq!(c.iter().map(|x| x.2).sum::<u64>(), 5, "{c:?}");
    // rustc and Go as their own tools say; MSVC from the Rich header; Debian's ls is stripped.
    let rustc = stdout_of("rustc", &["-V"]);
    let rustc_minor = rustc
        .split_whitespace()
        .nth(1)
        .unwrap()
        .split('.')
        .take(2)
        .collect::<Vec<_>>()
        .join(".");
    let go = stdout_of("go", &["env", "GOVERSION"]);
    let go_minor = go.split('.').take(2).collect::<Vec<_>>().join(".");
    let has = |t: &str, v: Option<&str>| {
        c.iter()
            .any(|(tt, vv, _)| tt.as_deref() == Some(t) && (v.is_none() || vv.as_deref() == v))
    };
    assert!(has("rustc", Some(&rustc_minor)), "{c:?} vs {rustc}");
    assert!(has("go", Some(&go_minor)), "{c:?} vs {go}");
    assert!(has("msvc", None), "{c:?}");
    let unknown = layer["toolchains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == "compiler/unknown")
        .expect("ls's compiler is unknown");
    assert!(unknown["examples"]
        .as_array()
        .unwrap()
        .contains(&Value::from("/usr/bin/ls")));
    assert!(unknown["actors"][0].get("name").is_none());
    // Each known item names its steward.
    let go_item = layer["toolchains"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["toolchain"] == "go" && u["component"] == "compiler")
        .unwrap();
    assert_eq!(go_item["actors"][0]["role"], "compiler");
    assert_eq!(go_item["actors"][0]["country"], "US");

    // --paths walks only what it names, inside the root.
    let inv = run_json(
        sovstack()
            .args([
                "scan",
                "--paths",
                "/usr/bin",
                "--layers",
                "toolchain",
                "--root",
            ])
            .arg(root.path()),
    );
    let layer = &inv["layers"]["toolchain"];
    assert_eq!(layer["paths"], serde_json::json!(["/usr/bin"]));
    assert_eq!(layer["binaries"], 2);
}

/// The share a pole holds, computed here from the inventory's items and their weights, the
/// way the ABI documents it: weight of the items whose steward sits in the pole, over all.
fn expected_share(inv: &Value, country: &str) -> f64 {
    let items = inv["layers"]["toolchain"]["toolchains"].as_array().unwrap();
    let total: f64 = items.iter().map(|u| u["binaries"].as_f64().unwrap()).sum();
    let held: f64 = items
        .iter()
        .filter(|u| {
            let a = &u["actors"][0];
            a["country"] == country
                && !matches!(
                    a["governance"].as_str(),
                    Some("community" | "open_standard")
                )
        })
        .map(|u| u["binaries"].as_f64().unwrap())
        .sum();
    held / total
}

#[test]
fn audit_weighs_each_toolchain_by_the_binaries_it_built() {
    let root = root_with_binaries();
    let inv = run_json(
        sovstack()
            .args(["scan", "--layers", "toolchain", "--root"])
            .arg(root.path()),
    );
    let report = run_json(
        sovstack()
            .args([
                "audit",
                "--layers",
                "toolchain",
                "--format",
                "json",
                "--root",
            ])
            .arg(root.path()),
    );
    let na = report["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "non-aligned")
        .unwrap();
    let score = &na["layers"]["toolchain"]["score"];
    let us = score["shares"]["US"].as_f64().expect("a US share");
    let want = expected_share(&inv, "US");
    assert!(
        (us - want).abs() < 1e-4,
        "US share {us}, from the items' weights {want}"
    );
    assert!(want > 0.0 && want < 1.0);
    let unknown = score["shares"]["unknown"].as_f64().unwrap_or(0.0);
    assert!(
        unknown > 0.0,
        "ls's compiler and linker are unknown: {score}"
    );

    let eu = report["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "eu-sovereignty")
        .unwrap();
    let eu_layer = &eu["layers"]["toolchain"];
    assert_eq!(eu_layer["plugin"], "toolchain");
    let rules: Vec<&str> = eu_layer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"eu.toolchain.compiler-known"), "{rules:?}");
    assert!(
        rules.contains(&"eu.toolchain.openness"),
        "MSVC is a company's proprietary compiler: {rules:?}"
    );
    assert!(eu_layer["score"]["objectives"]["SOV-5"].is_object());

    // The report lists the layer's items with their share of the binaries.
    let layer = report["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == "toolchain")
        .unwrap();
    let msvc = layer["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"].as_str().unwrap().starts_with("compiler: msvc"))
        .unwrap();
    assert_eq!(msvc["facts"]["binaries"], "1 of 5 (20.0%)");

    // The table names the layer too.
    let (code, table, err) = run(sovstack()
        .args(["audit", "--layers", "toolchain", "--root"])
        .arg(root.path()));
    assert_eq!(code, 0, "{err}");
    assert!(table.contains("compiler: msvc"), "{table}");
    assert_eq!(err, "", "the walk's progress is drawn only on a terminal");
}

#[test]
fn a_missing_path_is_recorded_and_the_scan_goes_on() {
    let root = root_with_binaries();
    let inv = run_json(
        sovstack()
            .args([
                "scan",
                "--layers",
                "toolchain",
                "--paths",
                "/nonexistent",
                "--paths",
                "/opt",
                "--root",
            ])
            .arg(root.path()),
    );
    assert_eq!(inv["layers"]["toolchain"]["binaries"], 2);
    let diags: Vec<(&str, &str)> = inv["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        diags.contains(&("scan/unreadable-file", "/nonexistent")),
        "{diags:?}"
    );
}

/// The packager a GCC ident names is shown beside the toolchain, also when it is Red Hat's
/// `GCC: (GNU) VERSION DATE (Red Hat VERSION-RELEASE)` form: Node.js's official Linux build (the
/// `node` this machine has) was built so, and readelf, the independent reader, says by whom.
#[test]
fn the_packager_of_a_red_hat_built_gcc_is_shown() {
    let node = match which_node() {
        Some(p) => p,
        None => {
            eprintln!("skipped: no node binary on this machine");
            return;
        }
    };
    let comment = stdout_of("readelf", &["-p", ".comment", node.to_str().unwrap()]);
    let packagers: Vec<&str> = comment
        .lines()
        .filter_map(|l| l.split_once("GCC: (GNU) ").map(|(_, rest)| rest))
        .filter_map(|rest| rest.split_once(" (").map(|(_, p)| p.trim_end_matches(')')))
        .filter(|p| p.starts_with("Red Hat"))
        .collect();
    if packagers.is_empty() {
        eprintln!(
            "skipped: {} names no Red Hat packager:\n{comment}",
            node.display()
        );
        return;
    }
    let report = run_json(
        sovstack()
            .args([
                "audit",
                "--format",
                "json",
                "--ruleset",
                "non-aligned",
                "--layers",
                "toolchain",
                "--paths",
            ])
            .arg(&node),
    );
    let gcc: Vec<&Value> = layer_items(&report, "toolchain")
        .iter()
        .filter(|i| i["id"].as_str().unwrap().starts_with("compiler/gcc/"))
        .collect();
    assert!(!gcc.is_empty(), "{report:#}");
    for item in gcc {
        let shown = item["facts"]["packaged by"]
            .as_str()
            .unwrap_or_else(|| panic!("no packager: {item:#}"));
        assert!(
            packagers.iter().any(|p| shown.contains(p)),
            "{shown} vs readelf's {packagers:?}"
        );
        assert!(!shown.contains("GNU"), "{shown}");
    }
}

fn which_node() -> Option<PathBuf> {
    let out = Command::new("sh")
        .args(["-c", "command -v node"])
        .output()
        .ok()?;
    let p = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    fs::canonicalize(p).ok().filter(|p| p.is_file())
}
