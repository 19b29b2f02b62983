//! The plugin author's tools through the real binary: `plugin request` (checked against what a
//! plugin really receives), `plugin test` (golden outcomes), `plugin new` (its refusals; the
//! crate it writes is built by the scenario test), trusted keys inside a ruleset, and the whole
//! scenario: `plugin new` -> Debian's cargo and rustc 1.63 -> minisign -> `plugin pin` into a copy
//! of a built-in ruleset holding the key -> `audit --require-signed`.

use crate::util::*;
use std::path::{Path, PathBuf};

/// FNV-1a 64, as `crates/host/tests/wat/request_digest.wat` computes it.
fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// `sovstack scan` of a fixture root into `dir/inv.json`.
fn inventory(dir: &Path, fixture_name: &str) -> PathBuf {
    let inv = dir.join(format!("{fixture_name}.json"));
    let (code, _, err) = run(sovstack()
        .args(["scan", "--root"])
        .arg(fixture(fixture_name))
        .arg("-o")
        .arg(&inv));
    assert_eq!(code, 0, "{err}");
    inv
}

#[test]
fn plugin_request_prints_the_very_bytes_a_plugin_receives() {
    let dir = tempdir();
    let inv = inventory(dir.path(), "x86-amd-epyc-debian12");
    let digest = wat_plugin(dir.path(), "request_digest");
    let epoch = "1767225600"; // 2026-01-01: the day support is checked against.
                              // The plugin answers each request with its length and digest, as a refusal the report keeps.
    let (code, out, err) = run(sovstack()
        .env("SOURCE_DATE_EPOCH", epoch)
        .arg("evaluate")
        .arg(&inv)
        .args(["--ruleset", "eu-sovereignty", "--ruleset", "non-aligned"])
        .arg("--plugin")
        .arg(&digest)
        .args(["--format", "json"]));
    assert_eq!(code, 2, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    for ruleset in ["eu-sovereignty", "non-aligned"] {
        let (code, printed, err) = run(sovstack()
            .env("SOURCE_DATE_EPOCH", epoch)
            .args(["plugin", "request"])
            .arg(&inv)
            .args(["--layer", "os", "--ruleset", ruleset]));
        assert_eq!(code, 0, "{err}");
        let bytes = printed.strip_suffix('\n').unwrap().as_bytes();
        let said = format!("len {:08x} fnv1a64 {:016x}", bytes.len(), fnv1a64(bytes));
        let found = report["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["code"] == "plugin/refused-request"
                && d["message"].as_str().unwrap().contains(&said)
                && d["message"].as_str().unwrap().contains(ruleset)
        });
        assert!(found, "{ruleset}: {said} not in {}", report["diagnostics"]);
        // The request is the ruleset's view of the os layer and the inventory's os item.
        let request: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        assert_eq!(request["layer"], "os");
        assert_eq!(request["ruleset"]["name"], ruleset);
        assert_eq!(request["items"][0]["id"], "os");
        // --pretty is the same value, indented.
        let pretty = run_json(
            sovstack()
                .env("SOURCE_DATE_EPOCH", epoch)
                .args(["plugin", "request"])
                .arg(&inv)
                .args(["--layer", "os", "--ruleset", ruleset, "--pretty"]),
        );
        assert_eq!(pretty, request);
    }

    // A layer the inventory does not hold, or no ruleset rule for: exit 2, in plain words.
    let (code, _, err) = run(sovstack().args(["plugin", "request"]).arg(&inv).args([
        "--layer",
        "network",
        "--ruleset",
        "eu-sovereignty",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("holds no `network` layer"), "{err}");
    let (code, _, err) = run(sovstack().args(["plugin", "request"]).arg(&inv).args([
        "--layer",
        "dns",
        "--ruleset",
        "eu-sovereignty",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'dns'"), "{err}");
}

#[test]
fn plugin_test_blesses_passes_and_shows_each_difference() {
    let dir = tempdir();
    let epyc = inventory(dir.path(), "x86-amd-epyc-debian12");
    let m1 = inventory(dir.path(), "arm-apple-m1-asahi");
    let plugin = dir.path().join("os.wasm");
    std::fs::copy(repo().join("plugins/dist/os.wasm"), &plugin).unwrap();
    let expect = dir.path().join("expect.json");
    let test = |inv: &Path, extra: &[&str]| {
        run(sovstack()
            .args(["plugin", "test"])
            .arg(&plugin)
            .arg("--inventory")
            .arg(inv)
            .args(["--ruleset", "eu-sovereignty", "--expect"])
            .arg(&expect)
            .args(extra))
    };
    // No expected file yet: exit 2, saying how to make one.
    let (code, _, err) = test(&epyc, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--bless"), "{err}");
    let (code, _, err) = test(&epyc, &["--bless"]);
    assert_eq!(code, 0, "{err}");
    let blessed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&expect).unwrap()).unwrap();
    // What the report says of the layer is what was blessed.
    let report = run_json(sovstack().arg("evaluate").arg(&epyc).args([
        "--ruleset",
        "eu-sovereignty",
        "--format",
        "json",
    ]));
    let os = &report["rulesets"][0]["layers"]["os"];
    assert_eq!(blessed["ruleset"], "eu-sovereignty");
    assert_eq!(blessed["layers"]["os"]["score"], os["score"]);
    assert_eq!(blessed["layers"]["os"]["findings"], os["findings"]);
    assert_eq!(blessed["layers"].as_object().unwrap().len(), 1);

    let (code, out, err) = test(&epyc, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("ok: plugin os"), "{out}");

    // Another machine: the outcome differs, each field named with both values.
    let (code, out, _) = test(&m1, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("FAILED: plugin os differs from"), "{out}");
    assert!(out.contains("  layers.os."), "{out}");
    assert!(
        out.contains("    expected: ") && out.contains("    got:      "),
        "{out}"
    );
    let v = {
        let (code, out, _) = test(&m1, &["--format", "json"]);
        assert_eq!(code, 1);
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    assert_eq!(v["passed"], false);
    let diffs = v["differences"].as_array().unwrap();
    assert!(!diffs.is_empty());
    for d in diffs {
        let path = d["path"].as_str().unwrap();
        let pointer = format!("/{}", path.replace(['.', '['], "/").replace(']', ""));
        if !d["expected"].is_null() {
            assert_eq!(blessed.pointer(&pointer), Some(&d["expected"]), "{path}");
        }
    }

    // An edited expectation: exactly that field is shown.
    let mut edited = blessed.clone();
    edited["layers"]["os"]["score"]["level"] = serde_json::json!(0);
    std::fs::write(&expect, serde_json::to_vec_pretty(&edited).unwrap()).unwrap();
    let (code, out, _) = test(&epyc, &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains(&format!(
            "  layers.os.score.level\n    expected: 0\n    got:      {}\n",
            blessed["layers"]["os"]["score"]["level"]
        )),
        "{out}"
    );
    assert!(out.contains("in 1 field(s)"), "{out}");

    // Bad input: exit 2 with the file, line and column; a layer the plugin does not read.
    std::fs::write(&expect, "{\n  \"layers\": [,\n").unwrap();
    let (code, _, err) = test(&epyc, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("expect.json:2:"), "{err}");
    let (code, _, err) = test(&epyc, &["--bless", "--layer", "processor"]);
    assert_eq!(code, 2);
    assert!(err.contains("reads os, not `processor`"), "{err}");

    // A plugin whose output the host refuses (truncated JSON) is bad input, not a difference.
    let broken = wat_plugin(dir.path(), "malformed_output");
    let (code, _, err) = run(sovstack()
        .args(["plugin", "test"])
        .arg(&broken)
        .arg("--inventory")
        .arg(&epyc)
        .args(["--ruleset", "eu-sovereignty", "--expect"])
        .arg(dir.path().join("broken.json"))
        .arg("--bless"));
    assert_eq!(code, 2);
    assert!(
        err.contains("plugin/malformed-output") && err.contains("layer `processor`"),
        "{err}"
    );
    assert!(!dir.path().join("broken.json").exists());
    // A plugin that refuses the request: the refusal is its outcome, blessed and compared.
    let digest = wat_plugin(dir.path(), "request_digest");
    let refusal = dir.path().join("refusal.json");
    for extra in [&["--bless"][..], &[]] {
        let (code, _, err) = run(sovstack()
            .args(["plugin", "test"])
            .arg(&digest)
            .arg("--inventory")
            .arg(&epyc)
            .args(["--ruleset", "eu-sovereignty", "--expect"])
            .arg(&refusal)
            .args(extra));
        assert_eq!(code, 0, "{err}");
    }
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&refusal).unwrap()).unwrap();
    assert!(
        v["layers"]["os"]["error"]
            .as_str()
            .unwrap()
            .starts_with("len "),
        "{v}"
    );
}

#[test]
fn plugin_new_refuses_bad_names_unknown_layers_and_non_empty_directories() {
    let dir = tempdir();
    let new = |args: &[&str]| {
        run(sovstack()
            .current_dir(dir.path())
            .args(["plugin", "new"])
            .args(args))
    };
    for bad in ["My-Plugin", "1os", "fn", "serde", "sovstack-abi", "os-"] {
        let (code, _, err) = new(&[bad, "--layer", "os"]);
        assert_eq!(code, 2, "{bad}");
        assert!(err.contains(&format!("plugin name `{bad}`")), "{err}");
    }
    let (code, _, err) = new(&["ok", "--layer", "kernel"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'kernel'"), "{err}");
    std::fs::create_dir(dir.path().join("full")).unwrap();
    std::fs::write(dir.path().join("full/keep.txt"), "mine").unwrap();
    let (code, _, err) = new(&["ok", "--layer", "os", "--dir", "full"]);
    assert_eq!(code, 2);
    assert!(err.contains("full exists and is not empty"), "{err}");
    assert_eq!(
        std::fs::read_dir(dir.path().join("full")).unwrap().count(),
        1
    );
    std::fs::write(dir.path().join("afile"), "x").unwrap();
    let (code, _, err) = new(&["ok", "--layer", "os", "--dir", "afile"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not a directory"), "{err}");
    // An empty directory, or none: the crate is written there, and nothing is left beside it.
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let (code, _, err) = new(&["ok", "--layer", "devices", "--dir", "empty"]);
    assert_eq!(code, 0, "{err}");
    let lib = std::fs::read_to_string(dir.path().join("empty/src/lib.rs")).unwrap();
    assert!(lib.contains("layer: Layer::Devices"), "{lib}");
    let (code, _, err) = new(&["second", "--layer", "cable"]);
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["afile", "empty", "full", "second"]);
    // The SDK and ABI sources written are the repository's, byte for byte.
    for (written, original) in [
        (
            "second/sovstack/sdk/src/judge/mod.rs",
            "plugins/sdk/src/judge/mod.rs",
        ),
        ("second/sovstack/abi/src/lib.rs", "crates/abi/src/lib.rs"),
        ("second/sovstack/LICENSE-MIT", "LICENSE-MIT"),
    ] {
        assert_eq!(
            std::fs::read(dir.path().join(written)).unwrap(),
            std::fs::read(repo().join(original)).unwrap(),
            "{written}"
        );
    }
}

#[test]
fn a_ruleset_with_a_bad_trusted_key_is_refused_where_it_is() {
    let dir = tempdir();
    let eu = std::fs::read_to_string(repo().join("rulesets/eu-sovereignty.yaml")).unwrap();
    let lines = eu.lines().count();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        format!("{eu}\nplugins:\n  trusted_keys:\n    - RWQnotakey\n"),
    )
    .unwrap();
    let (code, _, err) = run(sovstack().args(["ruleset", "validate"]).arg(&bad));
    assert_eq!(code, 2);
    assert!(
        err.contains("ruleset/bad-trusted-key")
            && err.contains(&format!("{}:{}:7", bad.display(), lines + 4)),
        "{err}"
    );
    // A misspelt key: the strict reader refuses it (not a pin's shape), with line and column.
    std::fs::write(
        &bad,
        format!("{eu}\nplugins:\n  trusted_key:\n    - RWQnotakey\n"),
    )
    .unwrap();
    let (code, _, err) = run(sovstack().args(["ruleset", "validate"]).arg(&bad));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("{}:{}:", bad.display(), lines + 4)),
        "{err}"
    );
}

/// `minisign -S`: writes `file.minisig`.
fn minisign_sign(secret: &Path, file: &Path) {
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

/// The base64 key line of a `minisign -G` .pub file.
fn key_line(public: &Path) -> String {
    std::fs::read_to_string(public)
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string()
}

#[test]
fn a_new_plugin_built_signed_and_pinned_runs_under_require_signed() {
    let dir = tempdir();
    let root = dir.path();
    // 1. `plugin new`, as an outside author would, far from any checkout.
    let (code, _, err) = run(sovstack().current_dir(root).args([
        "plugin",
        "new",
        "ngo-os",
        "--layer",
        "os",
        "--license",
        "MIT",
    ]));
    assert_eq!(code, 0, "{err}");
    let krate = root.join("ngo-os");

    // 2. Built to wasm by Debian's cargo and rustc 1.63 (the CI machine's, offline): Debian's
    //    cargo cannot reach crates.io, so crates.io is pointed at the vendored copies of the
    //    versions the crate's Cargo.lock pins (plugins/vendor), as its README says.
    std::fs::create_dir(krate.join(".cargo")).unwrap();
    std::fs::write(
        krate.join(".cargo/config.toml"),
        format!(
            "[source.crates-io]\nreplace-with = \"vendored-sources\"\n\n[source.vendored-sources]\ndirectory = \"{}\"\n",
            repo().join("plugins/vendor").display()
        ),
    )
    .unwrap();
    let lock_before = std::fs::read(krate.join("Cargo.lock")).unwrap();
    let out = std::process::Command::new("/usr/bin/cargo")
        .current_dir(&krate)
        .args([
            "build",
            "--release",
            "--offline",
            "--locked",
            "--target",
            "wasm32-unknown-unknown",
        ])
        .env("RUSTC", "/usr/bin/rustc")
        .env("RUSTFLAGS", "-C linker=wasm-ld")
        .env("CARGO_HOME", root.join("cargo-home"))
        .env("CARGO_TARGET_DIR", root.join("target"))
        .env_remove("RUSTC_WRAPPER")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("Debian's cargo is installed (tools/install-deps.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(krate.join("Cargo.lock")).unwrap(),
        lock_before
    );
    let plugin = root.join("ngo-os.wasm");
    std::fs::copy(
        root.join("target/wasm32-unknown-unknown/release/ngo_os.wasm"),
        &plugin,
    )
    .unwrap();
    let inspect = run_json(
        sovstack()
            .args(["plugin", "inspect", "--format", "json"])
            .arg(&plugin),
    );
    assert_eq!(inspect["manifest"]["name"], "ngo-os", "{inspect}");
    assert_eq!(inspect["manifest"]["layers"], serde_json::json!(["os"]));
    assert_eq!(inspect["manifest"]["license"], "MIT");
    assert_eq!(inspect["imports"], serde_json::json!([]));

    // 3. Signed with Debian's minisign; a copy of a built-in ruleset lists the key, and
    //    `plugin pin` pins the os layer to the module, keeping the key.
    let (public, secret) = minisign_keys(root, "ngo");
    let (_, other_secret) = minisign_keys(root, "stranger");
    minisign_sign(&secret, &plugin);
    let rules = root.join("ngo-rules.yaml");
    let (code, _, err) = run(sovstack()
        .args(["ruleset", "show", "eu-sovereignty", "-o"])
        .arg(&rules));
    assert_eq!(code, 0, "{err}");
    let mut text = std::fs::read_to_string(&rules).unwrap();
    text.push_str(&format!(
        "\nplugins:\n  # The NGO's signing key.\n  trusted_keys:\n    - {}\n",
        key_line(&public)
    ));
    std::fs::write(&rules, text).unwrap();
    let (code, _, err) = run(sovstack()
        .args(["plugin", "pin"])
        .arg(&rules)
        .arg("--plugin")
        .arg(&plugin)
        .arg("--in-place"));
    assert_eq!(code, 0, "{err}");
    let pinned = std::fs::read_to_string(&rules).unwrap();
    let sha256 = inspect["sha256"].as_str().unwrap();
    assert!(
        pinned.contains(&format!("  os:\n    sha256: {sha256}\n"))
            && pinned.contains(&key_line(&public)),
        "{pinned}"
    );

    // 4. The audit: no --trusted-keys, the ruleset's key is the only one; the report names the
    //    plugin as the os layer's judge.
    let audit = |require: bool| {
        let mut c = sovstack();
        c.args(["audit", "--format", "json", "--root"])
            .arg(fixture("x86-amd-epyc-debian12"))
            .arg("--ruleset")
            .arg(&rules)
            .arg("--plugin")
            .arg(&plugin);
        if require {
            c.arg("--require-signed");
        }
        run(&mut c)
    };
    let (code, out, err) = audit(true);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let os = &v["rulesets"][0]["layers"]["os"];
    assert_eq!(os["plugin"], "ngo-os", "{os}");
    assert_eq!(os["plugin_run"]["sha256"], sha256);
    assert_eq!(os["plugin_run"]["origin"], plugin.display().to_string());
    assert!(os["score"]["score"].is_number(), "{os}");

    // It judges as the built-in os plugin does (the same SDK): a golden outcome blessed with
    // the built-in module passes with the new one.
    let inv = inventory(root, "x86-amd-epyc-debian12");
    let expect = root.join("os-expected.json");
    for (module, extra) in [
        (repo().join("plugins/dist/os.wasm"), &["--bless"][..]),
        (plugin.clone(), &[]),
    ] {
        let (code, out, err) = run(sovstack()
            .args(["plugin", "test"])
            .arg(&module)
            .arg("--inventory")
            .arg(&inv)
            .arg("--ruleset")
            .arg(&rules)
            .arg("--expect")
            .arg(&expect)
            .args(extra));
        assert_eq!(code, 0, "{out}{err}");
    }

    // Unsigned: refused under --require-signed.
    let signature = root.join("ngo-os.wasm.minisig");
    std::fs::remove_file(&signature).unwrap();
    let (code, _, err) = audit(true);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("plugin/unsigned"), "{err}");
    // Signed by a key the ruleset does not list: refused, naming the ruleset's key.
    minisign_sign(&other_secret, &plugin);
    let (code, _, err) = audit(true);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("plugin/bad-signature") && err.contains(&format!("{}:", rules.display())),
        "{err}"
    );
    // Signed, then changed: refused, with or without --require-signed.
    minisign_sign(&secret, &plugin);
    let mut bytes = std::fs::read(&plugin).unwrap();
    bytes.push(0);
    std::fs::write(&plugin, &bytes).unwrap();
    for require in [true, false] {
        let (code, _, err) = audit(require);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("plugin/bad-signature"), "{err}");
    }
}
