//! The report formats and where they go: several outputs in one run (`-o FORMAT=PATH`), each
//! format read back by the consumer it is made for. The report judged is a real one: a fixture
//! root captured from a real machine, plus the network layer resolved against the DNS server on
//! loopback (`dns.rs`), so every layer kind and every finding kind appears.

use crate::dns;
use crate::util::*;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const ENDPOINTS: &str = "\
- endpoint: www.example.org
  label: website
  criticality: high
- endpoint: mail:example.org
  label: mail
  criticality: critical
- https://app.example.org/login
- static.example.org
- missing.example.org
- 5.9.0.1
";

/// An inventory of the processor, OS and network layers, written in `dir`.
pub fn rich_inventory(dir: &Path) -> PathBuf {
    let server = dns::start();
    let endpoints = dir.join("services.yaml");
    std::fs::write(&endpoints, ENDPOINTS).unwrap();
    let inv = dir.join("inventory.json");
    let (code, _, err) = run(sovstack()
        .args(["scan", "--layers", "processor,os,network", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .args(["--resolver", &server.addr.to_string(), "--endpoints"])
        .arg(&endpoints)
        .arg("-o")
        .arg(&inv));
    assert_eq!(code, 0, "{err}");
    inv
}

/// `evaluate INVENTORY` with `args`, expecting `want` as the exit code; returns stdout.
pub fn evaluate(inv: &Path, args: &[&str], want: i32) -> String {
    let (code, out, err) = run(sovstack().arg("evaluate").arg(inv).args(args));
    assert_eq!(code, want, "{args:?}: {err}");
    out
}

#[test]
fn several_outputs_in_one_run_equal_the_single_runs() {
    let dir = tempdir();
    let inv = rich_inventory(dir.path());
    let json = dir.path().join("r.json");
    let table = dir.path().join("r.txt");
    let plain = dir.path().join("plain.json");
    // An existing report is replaced, keeping its mode.
    std::fs::write(&table, "old").unwrap();
    std::fs::set_permissions(&table, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = evaluate(
        &inv,
        &[
            "-o",
            &format!("json={}", json.display()),
            "-o",
            &format!("table={}", table.display()),
        ],
        0,
    );
    assert_eq!(out, "", "every -o names its format: nothing on stdout");
    assert_eq!(
        std::fs::metadata(&table).unwrap().permissions().mode() & 0o777,
        0o640
    );
    // Each file is what a run with that format alone writes.
    let single_json = evaluate(&inv, &["--format", "json"], 0);
    assert_eq!(std::fs::read_to_string(&json).unwrap(), single_json);
    let single_table = evaluate(&inv, &["-o", "-"], 0);
    assert_eq!(std::fs::read_to_string(&table).unwrap(), single_table);
    // `-o PATH` with `--format` still works, beside a typed output, and so does --format alone.
    let out = evaluate(
        &inv,
        &[
            "--format",
            "json",
            "-o",
            plain.to_str().unwrap(),
            "-o",
            &format!("table={}", table.display()),
        ],
        0,
    );
    assert_eq!(out, "");
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), single_json);
    // --format with only typed outputs: that format goes to stdout as well.
    let out = evaluate(
        &inv,
        &[
            "--format",
            "json",
            "-o",
            &format!("table={}", table.display()),
        ],
        0,
    );
    assert_eq!(out, single_json);
    // No leftover temporary file.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn conflicting_or_unwritable_outputs_write_nothing() {
    let dir = tempdir();
    let inv = rich_inventory(dir.path());
    let a = dir.path().join("a");
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["-o".into(), "xml=x".into()],
            "`xml` in `xml=x` is not a report format (formats: table, json",
        ),
        (
            vec![
                "-o".into(),
                a.display().to_string(),
                "-o".into(),
                "b".into(),
            ],
            "only one -o may take the --format",
        ),
        (
            vec![
                "-o".into(),
                format!("json={}", a.display()),
                "-o".into(),
                format!("table={}/./a", dir.path().display()),
            ],
            "two reports would be written to",
        ),
        (
            vec![
                "--format".into(),
                "json".into(),
                "-o".into(),
                "table=-".into(),
            ],
            "two reports would be written to stdout",
        ),
        (
            vec![
                "-o".into(),
                format!("json={}", a.display()),
                "-o".into(),
                format!("table={}", sub.display()),
            ],
            "it is a directory",
        ),
        (
            vec!["-o".into(), format!("json={}", inv.display())],
            "would overwrite an input",
        ),
        (vec!["-o".into(), "json=".into()], "names no file after `=`"),
    ];
    for (args, message) in cases {
        let (code, out, err) = run(sovstack().arg("evaluate").arg(&inv).args(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}");
        assert!(!a.exists(), "{args:?}: nothing is written");
    }
    // A file whose name starts like a format is written with ./ before it.
    let (code, _, err) = run(sovstack()
        .current_dir(dir.path())
        .arg("evaluate")
        .arg(&inv)
        .args(["--format", "json", "-o", "./json=x"]));
    assert_eq!(code, 0, "{err}");
    assert!(dir.path().join("json=x").is_file());
}
