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

#[test]
fn plugin_inspect_shows_each_built_in_plugins_manifest_as_it_says_at_run_time() {
    let listed = run_json(sovstack().args(["plugin", "list", "--format", "json"]));
    for p in listed["plugins"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let file = repo().join(format!("plugins/dist/{name}.wasm"));
        let v = run_json(
            sovstack()
                .args(["plugin", "inspect", "--format", "json"])
                .arg(&file),
        );
        // The manifest (read without running) agrees with sovstack_info (run).
        let m = &v["manifest"];
        assert_eq!(m["name"], p["name"], "{name}");
        assert_eq!(m["version"], p["version"], "{name}");
        assert_eq!(m["abi_version"], p["abi_version"], "{name}");
        assert_eq!(m["layers"], p["layers"], "{name}");
        assert_eq!(m["description"], p["description"], "{name}");
        assert_eq!(m["license"], "Apache-2.0 OR MIT");
        assert_eq!(m["source"], "https://github.com/sovstack/sovstack");
        assert_eq!(v["sha256"], p["sha256"], "{name}");
        assert_eq!(v["size"], p["size"], "{name}");
        assert_eq!(v["imports"], serde_json::json!([]));
        let exports: Vec<&str> = v["exports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        for abi in [
            "memory",
            "sovstack_abi_version",
            "sovstack_alloc",
            "sovstack_info",
            "sovstack_evaluate",
        ] {
            assert!(exports.contains(&abi), "{name}: {exports:?}");
        }
        let sections: u64 = v["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["size"].as_u64().unwrap())
            .sum();
        assert!(sections < v["size"].as_u64().unwrap(), "{name}");
    }
    let (code, out, err) = run(sovstack()
        .args(["plugin", "inspect"])
        .arg(repo().join("plugins/dist/os.wasm")));
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.contains("imports       none") && out.contains("license       Apache-2.0 OR MIT"),
        "{out}"
    );
}

#[test]
fn plugin_inspect_says_loudly_that_a_module_imports_something() {
    let dir = tempdir();
    let wasi = wat_plugin(dir.path(), "wasi_import");
    let (code, out, err) = run(sovstack().args(["plugin", "inspect"]).arg(&wasi));
    assert_eq!(code, 2, "{err}");
    assert!(
        out.contains("REFUSED: a plugin must import nothing"),
        "{out}"
    );
    assert!(out.contains("manifest      none"), "{out}");
    assert!(
        err.contains("plugin/import-not-allowed") && err.contains("IMPORTS 1 item(s)"),
        "{err}"
    );
    // Not WebAssembly: named, exit 2.
    let text = dir.path().join("notes.wasm");
    std::fs::write(&text, "hello").unwrap();
    let (code, _, err) = run(sovstack().args(["plugin", "inspect"]).arg(&text));
    assert_eq!(code, 2);
    assert!(
        err.contains("notes.wasm") && err.contains("not a readable WebAssembly module"),
        "{err}"
    );
}

/// The sha256 of a checked-in built-in plugin.
fn dist_sha256(layer: &str) -> String {
    let bytes = std::fs::read(repo().join(format!("plugins/dist/{layer}.wasm"))).unwrap();
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn plugin_pin_writes_the_pins_and_a_mismatch_refuses_the_layer_with_both_hashes() {
    let dir = tempdir();
    let rules = dir.path().join("eu.yaml");
    let original = sovstack_ruleset::builtin_source("eu-sovereignty").unwrap();
    std::fs::write(&rules, original).unwrap();

    // To stdout: the file itself is left alone.
    let (code, pinned, err) = run(sovstack().args(["plugin", "pin"]).arg(&rules));
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&rules).unwrap(), original);
    assert!(pinned.starts_with(original.trim_end()), "the rest is kept");
    for layer in ["processor", "os", "toolchain", "network", "cable"] {
        let pin = format!("  {layer}:\n    sha256: {}\n", dist_sha256(layer));
        assert!(pinned.contains(&pin), "{layer}: {pinned}");
    }
    // In place: the same text, and pinning again changes nothing.
    let (code, _, err) = run(sovstack().args(["plugin", "pin", "--in-place"]).arg(&rules));
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&rules).unwrap(), pinned);
    let (_, again, _) = run(sovstack().args(["plugin", "pin"]).arg(&rules));
    assert_eq!(again, pinned);

    // The pinned ruleset runs with the built-in plugins.
    let audit = |ruleset: &std::path::Path| {
        run(sovstack()
            .args(["audit", "--format", "json", "--root"])
            .arg(fixture("x86-amd-epyc-debian12"))
            .arg("--ruleset")
            .arg(ruleset))
    };
    let (code, out, err) = audit(&rules);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(ruleset(&v, "eu-sovereignty")["layers"]["os"]["score"]["score"].is_number());

    // The os layer pinned to another module: refused with both hashes, the processor still judged.
    let other = "0".repeat(64);
    let tampered = dir.path().join("tampered.yaml");
    std::fs::write(&tampered, pinned.replace(&dist_sha256("os"), &other)).unwrap();
    let (code, out, err) = audit(&tampered);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("plugin/pin-mismatch")
            && err.contains(&format!("to sha256 {other}"))
            && err.contains(&format!("has sha256 {}", dist_sha256("os")))
            && err.contains("layer `os` is not evaluated"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let eu = ruleset(&v, "eu-sovereignty");
    assert!(
        eu["layers"]["os"]["score"].is_null(),
        "{}",
        eu["layers"]["os"]
    );
    assert!(eu["layers"]["processor"]["score"]["score"].is_number());

    // A built-in name is pinned to -o, never in place; a malformed pin is an input error.
    let (code, _, err) = run(sovstack().args(["plugin", "pin", "eu-sovereignty", "--in-place"]));
    assert_eq!(code, 2);
    assert!(err.contains("built-in ruleset"), "{err}");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        format!("{original}\nplugins:\n  os:\n    sha256: nope\n"),
    )
    .unwrap();
    let (code, _, err) = audit(&bad);
    assert_eq!(code, 2);
    assert!(
        err.contains("ruleset/bad-plugin-pin") && err.contains("bad.yaml"),
        "{err}"
    );
}

/// `minisign -S`: writes `file.minisig`.
fn minisign_sign(secret: &std::path::Path, file: &std::path::Path) {
    let status = std::process::Command::new("minisign")
        .arg("-S")
        .arg("-s")
        .arg(secret)
        .arg("-m")
        .arg(file)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("minisign runs");
    assert!(status.success());
}

#[test]
fn signed_plugins_under_require_signed_and_every_refusal() {
    let dir = tempdir();
    let (public, secret) = minisign_keys(dir.path(), "ours");
    let (_, other_secret) = minisign_keys(dir.path(), "theirs");
    let plugin = dir.path().join("os.wasm");
    std::fs::copy(repo().join("plugins/dist/os.wasm"), &plugin).unwrap();
    minisign_sign(&secret, &plugin);

    let audit = |extra: &[&std::ffi::OsStr]| {
        run(sovstack()
            .args(["audit", "--format", "json", "--root"])
            .arg(fixture("x86-amd-epyc-debian12"))
            .args(extra))
    };
    let (p, k) = (plugin.as_os_str(), public.as_os_str());
    let signed = [
        "--plugin".as_ref(),
        p,
        "--trusted-keys".as_ref(),
        k,
        "--require-signed".as_ref(),
    ];
    // Signed by a trusted key: loaded and run.
    let (code, out, err) = audit(&signed);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["inputs"]["plugins"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["origin"] == plugin.display().to_string()));

    // Signed by another key: refused, the built-in os plugin judges nothing in its stead.
    minisign_sign(&other_secret, &plugin);
    let (code, _, err) = audit(&signed);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("plugin/bad-signature")
            && err.contains("does not verify with any trusted key"),
        "{err}"
    );

    // Signed, then changed: refused, with or without --require-signed.
    minisign_sign(&secret, &plugin);
    let mut bytes = std::fs::read(&plugin).unwrap();
    bytes.push(0);
    std::fs::write(&plugin, &bytes).unwrap();
    let (code, _, err) = audit(&signed[..4]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("plugin/bad-signature"), "{err}");

    // No signature under --require-signed: refused; without it, loaded.
    std::fs::copy(repo().join("plugins/dist/os.wasm"), &plugin).unwrap();
    std::fs::remove_file(dir.path().join("os.wasm.minisig")).unwrap();
    let (code, _, err) = audit(&signed);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("plugin/unsigned"), "{err}");
    let (code, _, err) = audit(&signed[..4]);
    assert_eq!(code, 0, "{err}");

    // --require-signed needs keys; a keys file that holds none is named.
    let (code, _, err) = audit(&["--require-signed".as_ref()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--require-signed needs trusted keys: --trusted-keys FILE"),
        "{err}"
    );
    let junk = dir.path().join("junk.pub");
    std::fs::write(&junk, "untrusted comment: x\nnot-a-key\n").unwrap();
    let (code, _, err) = audit(&["--trusted-keys".as_ref(), junk.as_os_str()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("junk.pub:2: not a minisign public key"),
        "{err}"
    );
}
