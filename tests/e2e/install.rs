//! sovstack installed like real software: where it finds its data packs (the lookup order of
//! `crates/cli/src/data_packs.rs`), which every inventory and report names.

use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The checkout's network pack.
fn network_pack() -> PathBuf {
    repo().join("data/network")
}

/// `root/sovstack/network`, a link to the checkout's pack: a data directory found by a search.
fn data_dir_with_pack(root: &Path) -> PathBuf {
    let dir = root.join("sovstack");
    std::fs::create_dir_all(&dir).unwrap();
    std::os::unix::fs::symlink(network_pack(), dir.join("network")).unwrap();
    dir
}

/// The data packs an offline network scan of one address names, as (dir, found_by).
fn packs(cmd: &mut std::process::Command, dir: &Path) -> Vec<(String, String)> {
    packs_with(cmd, dir, &[])
}

/// [`packs`] with more arguments to `scan`.
fn packs_with(
    cmd: &mut std::process::Command,
    dir: &Path,
    extra: &[&str],
) -> Vec<(String, String)> {
    let file = dir.join("endpoints.txt");
    std::fs::write(&file, "3.5.136.10\n").unwrap();
    let inv = run_json(
        cmd.args(["scan", "--offline", "--endpoints"])
            .arg(&file)
            .args(extra),
    );
    assert_eq!(inv["schema_version"], sovstack_inventory::SCHEMA_VERSION);
    inv["data_packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["name"], "network");
            assert_eq!(p["sha256"].as_str().unwrap().len(), 64);
            (
                p["dir"].as_str().unwrap().to_string(),
                p["found_by"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn one(dir: &Path, found_by: &str) -> Vec<(String, String)> {
    vec![(dir.display().to_string(), found_by.to_string())]
}

#[test]
fn the_checkout_is_the_last_resort() {
    if Path::new("/usr/share/sovstack/network/MANIFEST.csv").exists() {
        eprintln!("skipped: an installed /usr/share/sovstack comes first");
        return;
    }
    let t = tempdir();
    assert_eq!(
        packs(&mut sovstack(), t.path()),
        one(&network_pack(), "checkout")
    );
}

#[test]
fn the_xdg_data_directories_come_before_the_system_and_the_checkout() {
    let t = tempdir();
    let second = t.path().join("dirs-b");
    data_dir_with_pack(&second);
    let dirs = format!(
        "{}:relative/ignored:{}",
        t.path().join("dirs-a").display(),
        second.display()
    );
    let got = packs(sovstack().env("XDG_DATA_DIRS", &dirs), t.path());
    assert_eq!(got, one(&second.join("sovstack/network"), "XDG_DATA_DIRS"));

    // XDG_DATA_HOME comes before XDG_DATA_DIRS.
    let home = t.path().join("home");
    data_dir_with_pack(&home);
    let got = packs(
        sovstack()
            .env("XDG_DATA_DIRS", &dirs)
            .env("XDG_DATA_HOME", &home),
        t.path(),
    );
    assert_eq!(got, one(&home.join("sovstack/network"), "XDG_DATA_HOME"));

    // SOVSTACK_DATA_DIR comes before both, and --data-dir before it.
    let env_dir = repo().join("data");
    let got = packs(
        sovstack()
            .env("XDG_DATA_HOME", &home)
            .env("SOVSTACK_DATA_DIR", &env_dir),
        t.path(),
    );
    assert_eq!(got, one(&env_dir.join("network"), "SOVSTACK_DATA_DIR"));
    let pack = network_pack();
    let got = packs_with(
        sovstack().env("SOVSTACK_DATA_DIR", "/nonexistent"),
        t.path(),
        &["--data-dir", pack.to_str().unwrap()],
    );
    assert_eq!(got, one(&network_pack(), "--data-dir"));
}

#[test]
fn a_given_directory_without_the_pack_is_an_error_naming_it_and_its_source() {
    let t = tempdir();
    let (code, out, err) = run(sovstack().env("SOVSTACK_DATA_DIR", t.path()).args([
        "scan",
        "--offline",
        "--domain",
        "example.org",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert_eq!(
        err.trim_end(),
        format!(
            "sovstack: error: data directory {} holds no network data pack (neither MANIFEST.csv \
             nor network/MANIFEST.csv) (from SOVSTACK_DATA_DIR)",
            t.path().display()
        )
    );
    // A file, or a directory that does not exist, is named as such.
    let file = t.path().join("file");
    std::fs::write(&file, "").unwrap();
    for (dir, what) in [
        (file, "is a file, not a directory"),
        (t.path().join("nowhere"), "does not exist"),
    ] {
        let (code, _, err) = run(sovstack()
            .arg("scan")
            .arg("--offline")
            .arg("--data-dir")
            .arg(&dir)
            .args(["--domain", "example.org"]));
        assert_eq!(code, 2, "{err}");
        assert_eq!(
            err.trim_end(),
            format!(
                "sovstack: error: data directory {} {what} (from --data-dir)",
                dir.display()
            )
        );
    }
}

#[test]
fn next_to_the_executable_comes_before_the_checkout() {
    if Path::new("/usr/share/sovstack/network/MANIFEST.csv").exists() {
        eprintln!("skipped: an installed /usr/share/sovstack comes first");
        return;
    }
    let t = tempdir();
    let bin = t.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let exe = bin.join("sovstack");
    std::fs::hard_link(env!("CARGO_BIN_EXE_sovstack"), &exe)
        .or_else(|_| std::fs::copy(env!("CARGO_BIN_EXE_sovstack"), &exe).map(|_| ()))
        .unwrap();
    // EXE_DIR/data, then EXE_DIR/../share/sovstack before it.
    std::os::unix::fs::symlink(repo().join("data"), bin.join("data")).unwrap();
    assert_eq!(
        packs(&mut sovstack_at(&exe), t.path()),
        one(&bin.join("data/network"), "executable")
    );
    data_dir_with_pack(&t.path().join("share"));
    assert_eq!(
        packs(&mut sovstack_at(&exe), t.path()),
        one(&t.path().join("share/sovstack/network"), "executable")
    );
}

#[test]
fn reports_name_the_data_directory() {
    let t = tempdir();
    let file = t.path().join("endpoints.txt");
    std::fs::write(&file, "3.5.136.10\n").unwrap();
    let report: Value = run_json(
        sovstack()
            .args(["audit", "--offline", "--format", "json", "--data-dir"])
            .arg(repo().join("data"))
            .arg("--endpoints")
            .arg(&file),
    );
    assert_eq!(report["report_version"], sovstack_report::REPORT_VERSION);
    let p = &report["inputs"]["data_packs"][0];
    assert_eq!(
        (p["dir"].as_str().unwrap(), p["found_by"].as_str().unwrap()),
        (network_pack().to_str().unwrap(), "--data-dir")
    );
    let (code, out, err) = run(sovstack()
        .args(["audit", "--offline", "--data-dir"])
        .arg(repo().join("data"))
        .arg("--endpoints")
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    let line = format!(
        "network data {} from {} (found by --data-dir)",
        p["version"].as_str().unwrap(),
        network_pack().display()
    );
    assert!(out.contains(&line), "{out}");
    // A scan without the network layer reads no pack and names none.
    let inv = run_json(
        sovstack()
            .args(["scan", "--root"])
            .arg(fixture("arm-rk3588-biglittle")),
    );
    assert!(inv.get("data_packs").is_none(), "{inv}");
}

/// A directory holding `sovstack.yaml` with `text`, and an endpoints file beside it.
fn config_dir(text: &str) -> tempfile::TempDir {
    let t = tempdir();
    std::fs::write(t.path().join("sovstack.yaml"), text).unwrap();
    std::fs::write(t.path().join("services.txt"), "3.5.136.10 label=storage\n").unwrap();
    t
}

const CONFIG: &str = "\
organisation:
  name: Agence exemple
  country: FR
rulesets: [non-aligned]
data_dir: data
endpoints: services.txt
resolver: 127.0.0.1:5353
";

#[test]
fn the_configuration_file_gives_defaults_that_flags_override() {
    let t = config_dir(CONFIG);
    std::os::unix::fs::symlink(repo().join("data"), t.path().join("data")).unwrap();
    // sovstack.yaml in the current directory: organisation, rulesets, data directory and
    // endpoints (relative to the file), resolver.
    let report =
        run_json(
            sovstack()
                .current_dir(t.path())
                .args(["audit", "--offline", "--format", "json"]),
        );
    assert_eq!(report["organisation"]["name"], "Agence exemple");
    assert_eq!(report["organisation"]["country"], "FR");
    assert_eq!(report["organisation"]["source"], "sovstack.yaml");
    let rulesets: Vec<&str> = report["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(rulesets, ["non-aligned"]);
    assert_eq!(report["inputs"]["data_packs"][0]["found_by"], "config");
    // Named absolute, whichever directory the command ran from.
    assert_eq!(
        report["inputs"]["data_packs"][0]["dir"],
        t.path().join("data/network").display().to_string()
    );
    assert_eq!(
        report["scan"]["audited"]
            .as_array()
            .unwrap()
            .last()
            .unwrap(),
        "endpoints file services.txt"
    );
    let (code, out, err) = run(sovstack()
        .current_dir(t.path())
        .args(["audit", "--offline"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("for Agence exemple (FR)"), "{out}");
    let inv = run_json(
        sovstack()
            .current_dir(t.path())
            .args(["scan", "--layers", "network", "--dns-timeout", "0.05"])
            .env("SOVSTACK_DATA_DIR", repo().join("data")),
    );
    // The resolver of the file was asked (nothing listens there: no answer), and
    // SOVSTACK_DATA_DIR comes before the file's data_dir.
    assert_eq!(inv["layers"]["network"]["resolver"], "127.0.0.1:5353");
    assert_eq!(inv["data_packs"][0]["found_by"], "SOVSTACK_DATA_DIR");

    // Flags override the file.
    let report = run_json(sovstack().current_dir(t.path()).args([
        "audit",
        "--offline",
        "--format",
        "json",
        "--ruleset",
        "eu-sovereignty",
        "--layers",
        "os",
    ]));
    let rulesets: Vec<&str> = report["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(rulesets, ["eu-sovereignty"]);
    assert!(report["inputs"].get("data_packs").is_none());

    // --config FILE from elsewhere: paths relative to the file.
    let report = run_json(
        sovstack()
            .arg("--config")
            .arg(t.path().join("sovstack.yaml"))
            .args(["audit", "--offline", "--format", "json"]),
    );
    assert_eq!(report["organisation"]["name"], "Agence exemple");
    assert_eq!(
        report["inputs"]["data_packs"][0]["dir"],
        t.path().join("data/network").to_str().unwrap()
    );
}

#[test]
fn a_bad_configuration_file_is_an_input_error_with_line_and_column() {
    for (text, at, what) in [
        (
            "organisation:\n  name: X\nrulset: [non-aligned]\n",
            ":3:1:",
            "unknown field `rulset`",
        ),
        (
            "organisation:\n  name: X\n  contry: FR\n",
            ":3:3:",
            "unknown field `contry`",
        ),
        (
            "organisation:\n  name: X\n  country: ZZ\n",
            ":3:12:",
            "`ZZ` is not a country",
        ),
        ("organisation:\n  name: X\n  country: fr\n", ":3:12:", "fr"),
        ("resolver: not-an-address\n", ":1:11:", "resolver"),
        ("rulesets: non-aligned\n", ":1:11:", "list"),
        (
            "rulesets: [non-aligned, nope]\n",
            ":1:25:",
            "config/path: rulesets: `nope` is neither a built-in ruleset",
        ),
        (
            "endpoints: missing.txt\n",
            ":1:12:",
            "config/path: endpoints: missing.txt is not a file (it does not exist)",
        ),
        (
            "declared: .\n",
            ":1:11:",
            "config/path: declared: . is not a file",
        ),
        (
            "data_dir: services.txt\n",
            ":1:11:",
            "config/path: data_dir: services.txt is not a directory",
        ),
    ] {
        let t = config_dir(text);
        for cmd in ["scan", "audit"] {
            let (code, out, err) = run(sovstack()
                .current_dir(t.path())
                .args([cmd, "--layers", "os"]));
            assert_eq!(code, 2, "{text}: {err}");
            assert!(out.is_empty());
            assert!(
                err.contains(&format!("sovstack.yaml{at}")) && err.contains(what),
                "{text}: {err}"
            );
        }
    }
    let (code, _, err) = run(sovstack().args(["--config", "/nonexistent/sovstack.yaml", "scan"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/sovstack.yaml"), "{err}");
    // A broken file does not hide the version: it is named on a line of its own.
    let t = config_dir("rulset: [non-aligned]\n");
    let (code, out, err) = run(sovstack().current_dir(t.path()).arg("--version"));
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("sovstack "), "{out}");
    assert!(
        out.contains("configuration: not used: sovstack.yaml:1:1: config/syntax"),
        "{out}"
    );
}

#[test]
fn version_names_the_knowledge_base_rulesets_plugins_and_data_packs() {
    let (code, out, err) = run(sovstack().arg("--version"));
    assert_eq!(code, 0, "{err}");
    // The same versions and hashes as a report's inputs.
    let t = tempdir();
    let file = t.path().join("endpoints.txt");
    std::fs::write(&file, "3.5.136.10\n").unwrap();
    let report = run_json(
        sovstack()
            .args(["audit", "--offline", "--format", "json", "--endpoints"])
            .arg(&file),
    );
    let short = |v: &Value| v["sha256"].as_str().unwrap()[..12].to_string();
    let kb = &report["inputs"]["knowledge_base"];
    assert!(
        out.contains(&format!(
            "knowledge base: {} {} (sha256 {})",
            kb["name"].as_str().unwrap(),
            kb["version"].as_str().unwrap(),
            short(kb)
        )),
        "{out}"
    );
    for r in report["inputs"]["rulesets"].as_array().unwrap() {
        assert!(
            out.contains(&format!(
                "ruleset: {} {} (sha256 {}",
                r["name"].as_str().unwrap(),
                r["version"].as_str().unwrap(),
                short(r)
            )),
            "{out}"
        );
    }
    let plugins = run_json(sovstack().args(["plugin", "list", "--format", "json"]));
    for p in plugins["plugins"].as_array().unwrap() {
        assert!(
            out.contains(&format!(
                "plugin: {} {} (ABI {}, sha256 {}",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap(),
                p["abi_version"],
                short(p)
            )),
            "{out}"
        );
    }
    let pack = &report["inputs"]["data_packs"][0];
    let line = format!(
        "data pack: network {} (sha256 {}) in {} (found by {})",
        pack["version"].as_str().unwrap(),
        short(pack),
        pack["dir"].as_str().unwrap(),
        pack["found_by"].as_str().unwrap()
    );
    assert!(out.contains(&line), "{out}");
    // The configuration file's data directory takes part in the lookup.
    let t = config_dir("data_dir: data\n");
    std::os::unix::fs::symlink(repo().join("data"), t.path().join("data")).unwrap();
    let (code, out, err) = run(sovstack().current_dir(t.path()).arg("--version"));
    assert_eq!(code, 0, "{err}");
    let expected = format!(
        "in {} (found by config)",
        t.path().join("data/network").display()
    );
    assert!(out.contains(&expected), "{out}");
}

#[test]
fn man_pages_and_completions_are_generated_from_the_commands() {
    let t = tempdir();
    let (code, _, err) = run(sovstack().args(["generate", "man"]).arg(t.path()));
    assert_eq!(code, 0, "{err}");
    let mut pages: Vec<String> = std::fs::read_dir(t.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    for page in [
        "sovstack.1",
        "sovstack-audit.1",
        "sovstack-scan.1",
        "sovstack-ruleset-validate.1",
    ] {
        assert!(pages.iter().any(|p| p == page), "{page}: {pages:?}");
    }
    assert!(
        !pages.iter().any(|p| p.contains("generate")),
        "the hidden command has no page: {pages:?}"
    );
    let scan = std::fs::read_to_string(t.path().join("sovstack-scan.1")).unwrap();
    assert!(
        scan.starts_with(".ie \\n(.g .ds Aq") || scan.contains(".TH sovstack-scan"),
        "{scan}"
    );
    assert!(
        scan.contains("data\\-dir") && scan.contains("SOVSTACK_DATA_DIR"),
        "{scan}"
    );
    for (shell, mark) in [
        ("bash", "complete -F _sovstack"),
        ("zsh", "#compdef sovstack"),
        ("fish", "complete -c sovstack"),
    ] {
        let (code, out, err) = run(sovstack().args(["generate", "completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(
            out.contains(mark) && out.contains("data-dir"),
            "{shell}: {out}"
        );
    }
}
