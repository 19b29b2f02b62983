//! The command-line contract scripts rely on: exit codes, error messages that name the file and
//! position, atomic output, inputs left untouched.

use crate::util::*;

#[test]
fn help_and_version_succeed() {
    let (code, out, _) = run(sovstack().arg("--help"));
    assert_eq!(code, 0);
    for sub in [
        "scan",
        "evaluate",
        "audit",
        "ruleset",
        "plugin",
        "Exit codes",
    ] {
        assert!(out.contains(sub), "{sub}: {out}");
    }
    let (code, out, _) = run(sovstack().arg("-V"));
    assert_eq!(
        (code, out.trim()),
        (0, concat!("sovstack ", env!("CARGO_PKG_VERSION")))
    );
    let (code, out, _) = run(sovstack().arg("--version"));
    assert_eq!(
        (code, out.lines().next()),
        (0, Some(concat!("sovstack ", env!("CARGO_PKG_VERSION"))))
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["frobnicate"],
        vec!["scan", "--layers", "processor,gpu"],
        vec!["audit", "--ruleset", "no-such-ruleset"],
        vec!["audit", "--fail-under", "150"],
        vec!["audit", "--fail-on", "urgent"],
        vec!["scan", "--root", "/no/such/dir"],
        vec!["evaluate", "/no/such/inventory.json"],
    ] {
        let (code, _, err) = run(sovstack().args(&args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(!err.is_empty(), "{args:?} gave no message");
    }
    let (_, _, err) = run(sovstack().args(["scan", "--layers", "processor,gpu"]));
    assert!(
        err.contains("gpu") && err.contains("processor, os"),
        "{err}"
    );
}

#[test]
fn a_malformed_inventory_is_named_with_line_and_column() {
    let dir = tempdir();
    let path = dir.path().join("inv.json");
    std::fs::write(
        &path,
        "{\n  \"schema_version\": \"1.0.0\",\n  \"root\": [\n",
    )
    .unwrap();
    let (code, _, err) = run(sovstack().arg("evaluate").arg(&path));
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}:4:", path.display())), "{err}");
}

#[test]
fn an_invalid_ruleset_is_named_with_line_and_column() {
    let dir = tempdir();
    let path = dir.path().join("rules.yaml");
    let text = std::fs::read_to_string(repo().join("rulesets/non-aligned.yaml"))
        .unwrap()
        .replacen(
            "    severity: high\n",
            "    severity: high\n    colour: red\n",
            1,
        );
    let line = text.lines().position(|l| l.contains("colour")).unwrap() + 1;
    std::fs::write(&path, &text).unwrap();
    let (code, _, err) = run(sovstack().args(["ruleset", "validate"]).arg(&path));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("{}:{line}:", path.display())) && err.contains("colour"),
        "{err}"
    );

    // The same through audit, and as JSON for machines.
    let (code, _, err) = run(sovstack().args(["audit", "--ruleset"]).arg(&path));
    assert_eq!(code, 2, "{err}");
    let (code, out, _) = run(sovstack()
        .args(["ruleset", "validate", "--format", "json"])
        .arg(&path));
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["valid"], false);
    assert_eq!(v["problems"][0]["line"], line);
    assert_eq!(v["problems"][0]["code"], "ruleset/syntax");
}

#[test]
fn semantic_ruleset_problems_are_all_reported() {
    let dir = tempdir();
    let path = dir.path().join("rules.yaml");
    let text = std::fs::read_to_string(repo().join("rulesets/eu-sovereignty.yaml"))
        .unwrap()
        .replace("roles: [foundry]", "roles: [fab]")
        .replace("home_blocs: [EU, EEA]", "home_blocs: [EU, EEA, MARS]");
    std::fs::write(&path, text).unwrap();
    let (code, out, _) = run(sovstack()
        .args(["ruleset", "validate", "--format", "json"])
        .arg(&path));
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["ruleset/unknown-bloc", "ruleset/unknown-role"]);
}

#[test]
fn builtin_rulesets_validate_and_list() {
    for f in [
        "rulesets/eu-sovereignty.yaml",
        "rulesets/non-aligned.yaml",
        "rulesets/secnumcloud.yaml",
        "secnumcloud",
    ] {
        let (code, out, err) = run(sovstack().args(["ruleset", "validate", f]));
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("valid"));
    }
    let v = run_json(sovstack().args(["ruleset", "list", "--format", "json"]));
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["eu-sovereignty", "non-aligned", "secnumcloud"]);
}

#[test]
fn output_files_are_written_atomically_and_inputs_are_never_overwritten() {
    let dir = tempdir();
    let inv = dir.path().join("inv.json");
    let (code, _, err) = run(sovstack()
        .args(["scan", "-o"])
        .arg(&inv)
        .arg("--root")
        .arg(fixture("os-alpine-3.23")));
    assert_eq!(code, 0, "{err}");
    let before = std::fs::read(&inv).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        [std::ffi::OsString::from("inv.json")],
        "no temporary file left behind"
    );

    let (code, _, err) = run(sovstack().arg("evaluate").arg(&inv).arg("-o").arg(&inv));
    assert_eq!(code, 2);
    assert!(err.contains("overwrite an input"), "{err}");
    assert_eq!(std::fs::read(&inv).unwrap(), before);

    let report = dir.path().join("report.json");
    let (code, _, err) = run(sovstack()
        .arg("evaluate")
        .arg(&inv)
        .args(["--format", "json", "-o"])
        .arg(&report));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(v["report_version"], sovstack_report::REPORT_VERSION);
}

/// An output file gets the permissions any file the user creates gets (0666 less the umask),
/// not the private 0600 of a temporary file.
#[test]
fn output_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempdir();
    let inv = dir.path().join("inv.json");
    let script = format!(
        "umask 027; exec '{}' scan --layers os -o '{}'",
        env!("CARGO_BIN_EXE_sovstack"),
        inv.display()
    );
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(
        std::fs::metadata(&inv).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

/// scan on one machine, evaluate on another: the same report as audit in one go.
#[test]
fn scan_then_evaluate_equals_audit() {
    let dir = tempdir();
    let inv = dir.path().join("inv.json");
    let root = fixture("riscv-lpi4a-thead-c910");
    let (code, _, err) = run(sovstack()
        .args(["scan", "-o"])
        .arg(&inv)
        .arg("--root")
        .arg(&root));
    assert_eq!(code, 0, "{err}");
    let (_, evaluated, _) = run(sovstack()
        .arg("evaluate")
        .arg(&inv)
        .args(["--format", "json"]));
    let (_, audited, _) = run(sovstack()
        .args(["audit", "--format", "json", "--root"])
        .arg(&root));
    assert_eq!(evaluated, audited);
}
