//! Plugins through the CLI: the built-in ones are the checked-in bytes, and a hostile plugin is
//! stopped and reported while the others still run.

use crate::util::*;
use sha2::{Digest, Sha256};

#[test]
fn plugin_list_shows_the_checked_in_plugins() {
    let v = run_json(sovstack().args(["plugin", "list", "--format", "json"]));
    let plugins = v["plugins"].as_array().unwrap();
    // One per plugins/dist/*.wasm, none missing, none extra.
    let dist = std::fs::read_dir(repo().join("plugins/dist"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "wasm")
        })
        .count();
    assert_eq!(plugins.len(), dist);
    // One per layer.
    assert_eq!(plugins.len(), sovstack_abi::Layer::ALL.len());
    for p in plugins {
        let name = p["name"].as_str().unwrap();
        let bytes = std::fs::read(repo().join(format!("plugins/dist/{name}.wasm"))).unwrap();
        assert_eq!(p["sha256"], hex::encode(Sha256::digest(&bytes)), "{name}");
        assert_eq!(p["abi_version"], 1);
        assert_eq!(p["layers"][0], name);
    }
    let (code, out, _) = run(sovstack().args(["plugin", "list"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("processor")
            && out.contains("builtin:os")
            && out.contains("builtin:network")
            && out.contains("builtin:toolchain")
    );
}

#[test]
fn a_looping_plugin_is_stopped_and_the_other_layers_are_still_judged() {
    let dir = tempdir();
    let looping = wat_plugin(dir.path(), "infinite_loop");
    let report = dir.path().join("r.json");
    let (code, _, err) = run(sovstack()
        .args(["audit", "--format", "json", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .arg("--plugin")
        .arg(&looping)
        .arg("-o")
        .arg(&report));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("plugin/out-of-fuel") || err.contains("plugin/timeout"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let eu = ruleset(&v, "eu-sovereignty");
    assert!(
        eu["layers"]["processor"]["score"].is_null(),
        "the looping plugin judged nothing"
    );
    assert!(
        eu["layers"]["os"]["score"]["score"].is_number(),
        "the os plugin still ran"
    );
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"].as_str().unwrap().starts_with("plugin/")));
}

#[test]
fn a_plugin_file_that_is_not_webassembly_is_reported() {
    let dir = tempdir();
    let bogus = dir.path().join("bogus.wasm");
    std::fs::write(&bogus, b"#!/bin/sh\necho hi\n").unwrap();
    let (code, _, err) = run(sovstack().args(["plugin", "list", "--plugin"]).arg(&bogus));
    assert_eq!(code, 2);
    assert!(
        err.contains("plugin/compile-failed") && err.contains("bogus.wasm"),
        "{err}"
    );
}
