//! The harness: a command for the built binary with a fixed environment, temporary directories,
//! and paths to the repository's fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture root captured from a real machine (see crates/scan/testdata/README.md).
pub fn fixture(name: &str) -> PathBuf {
    let p = repo().join("crates/scan/testdata").join(name);
    assert!(p.is_dir(), "missing fixture {}", p.display());
    p
}

/// A copy of fixture root `name` at `to` (`cp -a`: modes and symlinks kept), for the composites.
fn fixture_copy(name: &str, to: &Path) -> PathBuf {
    let copy = std::process::Command::new("cp")
        .args(["-a"])
        .arg(fixture(name))
        .arg(to)
        .status()
        .unwrap();
    assert!(copy.success());
    to.to_path_buf()
}

/// A physical machine running Debian 12, made in `dir` from two real captures: the development
/// machine's root (`x86-amd-epyc-debian12`: its os-release and kernel version) with a physical
/// desktop's processor (`x86-intel-pentium-g640`'s /proc/cpuinfo) in place of its own. The
/// development machine is a KVM guest, which holds no raw materials; tests that need a host's
/// materials and its operating system together use this composite, said as such.
pub fn physical_debian12_root(dir: &Path) -> PathBuf {
    let root = fixture_copy("x86-amd-epyc-debian12", &dir.join("physical-debian12"));
    std::fs::copy(
        fixture("x86-intel-pentium-g640").join("proc/cpuinfo"),
        root.join("proc/cpuinfo"),
    )
    .unwrap();
    root
}

/// A composite, said as such: the real EPYC/Debian 12 capture (`x86-amd-epyc-debian12`, taken
/// on a KVM guest) with the `hypervisor` CPU flag taken out of its `/proc/cpuinfo`, which is what
/// the same processor and system read on bare metal. For the tests about a physical AMD
/// server's materials and scores.
pub fn physical_epyc_root(dir: &Path) -> PathBuf {
    let root = fixture_copy("x86-amd-epyc-debian12", &dir.join("physical-epyc"));
    let cpuinfo = root.join("proc/cpuinfo");
    let text = std::fs::read_to_string(&cpuinfo).unwrap();
    assert!(text.contains(" hypervisor"), "the capture is a guest's");
    std::fs::write(&cpuinfo, text.replace(" hypervisor", "")).unwrap();
    root
}

/// `sovstack` with `SOURCE_DATE_EPOCH` unset, `NO_COLOR` set, and nothing else from the caller's
/// environment that could change the output: no `SOVSTACK_DATA_DIR`, and XDG data directories
/// that do not exist, so the network data comes from the checkout (or an installed
/// `/usr/share/sovstack`).
pub fn sovstack() -> Command {
    sovstack_at(Path::new(env!("CARGO_BIN_EXE_sovstack")))
}

/// [`sovstack`] with another copy of the binary.
pub fn sovstack_at(exe: &Path) -> Command {
    let mut c = Command::new(exe);
    c.env_remove("SOURCE_DATE_EPOCH")
        .env_remove("SOVSTACK_DATA_DIR")
        .env("XDG_DATA_HOME", "/nonexistent/sovstack-test/xdg-data-home")
        .env("XDG_DATA_DIRS", "/nonexistent/sovstack-test/xdg-data-dirs")
        // One cache of compiled plugins for the whole test run, not the user's.
        .env("XDG_CACHE_HOME", plugin_cache_home())
        .env_remove("SOVSTACK_NO_PLUGIN_CACHE")
        .env("NO_COLOR", "1")
        .current_dir(repo());
    c
}

/// The `XDG_CACHE_HOME` of the tests: under cargo's temporary directory for integration tests,
/// so that the plugins are compiled once per build of the test binary rather than per test.
pub fn plugin_cache_home() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("xdg-cache-home")
}

/// Runs and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("sovstack runs");
    (
        status.code().expect("exited"),
        String::from_utf8(stdout).expect("utf-8 stdout"),
        String::from_utf8(stderr).expect("utf-8 stderr"),
    )
}

/// Runs, expects exit 0, parses stdout as JSON.
pub fn run_json(cmd: &mut Command) -> serde_json::Value {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "stderr: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// A hand-written WAT module from the host's sandbox tests, compiled to a .wasm file in `dir`.
pub fn wat_plugin(dir: &Path, name: &str) -> PathBuf {
    let src = repo()
        .join("crates/host/tests/wat")
        .join(format!("{name}.wat"));
    let wasm = wat::parse_file(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
    let out = dir.join(format!("{name}.wasm"));
    std::fs::write(&out, wasm).unwrap();
    out
}

/// The actors of an item in a report, as (role, name, country).
pub fn actors(item: &serde_json::Value) -> Vec<(String, Option<String>, Option<String>)> {
    item["actors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["role"].as_str().unwrap().to_string(),
                a["name"].as_str().map(str::to_string),
                a["country"].as_str().map(str::to_string),
            )
        })
        .collect()
}

/// The items of a layer in a report.
pub fn layer_items<'a>(report: &'a serde_json::Value, layer: &str) -> &'a Vec<serde_json::Value> {
    report["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == layer)
        .unwrap_or_else(|| panic!("no layer {layer}"))["items"]
        .as_array()
        .unwrap()
}

/// A ruleset's result in a report.
pub fn ruleset<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["rulesets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap()
}

/// `minisign -G` (Debian's minisign) without a password: (public key file, secret key file) in
/// `dir`, named `name`.
pub fn minisign_keys(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let (public, secret) = (
        dir.join(format!("{name}.pub")),
        dir.join(format!("{name}.key")),
    );
    let status = std::process::Command::new("minisign")
        .args(["-G", "-W", "-p"])
        .arg(&public)
        .arg("-s")
        .arg(&secret)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("Debian's minisign is installed (tools/install-deps.sh)");
    assert!(status.success());
    (public, secret)
}

/// The findings of the rules whose id ends with `suffix` (`.os.supported`) on a report's `item`,
/// as (ruleset, message) pairs.
pub fn rule_findings(item: &serde_json::Value, suffix: &str) -> Vec<(String, String)> {
    item["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().ends_with(suffix))
        .map(|f| {
            (
                f["ruleset"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
