//! `sovstack ruleset list|show|validate` as a user meets them: built-in names work wherever
//! `ruleset list` names them, and hashes are printed whole.

use crate::util::*;

#[test]
fn validate_accepts_the_names_ruleset_list_gives() {
    let listed = run_json(sovstack().args(["ruleset", "list", "--format", "json"]));
    for r in listed.as_array().unwrap() {
        let name = r["name"].as_str().unwrap();
        let (code, out, err) = run(sovstack().args(["ruleset", "validate", name]));
        assert_eq!(code, 0, "{name}: {err}");
        assert!(out.contains(&format!("builtin:{name}: valid")), "{out}");
        let v = run_json(sovstack().args(["ruleset", "validate", "--format", "json", name]));
        assert_eq!(v["valid"], true);
        assert_eq!(v["sha256"], r["sha256"], "{name}");
    }
    // A name that is neither a file nor a built-in ruleset: exit 2, the built-in names listed.
    let (code, _, err) = run(sovstack().args(["ruleset", "validate", "eu-sovreignty"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("eu-sovreignty") && err.contains("eu-sovereignty, non-aligned"),
        "{err}"
    );
}

#[test]
fn show_prints_the_built_in_ruleset_as_a_starting_point() {
    let dir = tempdir();
    for name in ["eu-sovereignty", "non-aligned"] {
        let (code, out, err) = run(sovstack().args(["ruleset", "show", name]));
        assert_eq!(code, 0, "{err}");
        let file = std::fs::read_to_string(repo().join(format!("rulesets/{name}.yaml"))).unwrap();
        assert_eq!(out, file, "{name}: the file as shipped, comments included");

        // Written to a file, it validates, and is the same ruleset (same sha256).
        let copy = dir.path().join(format!("my-{name}.yaml"));
        let (code, _, err) = run(sovstack().args(["ruleset", "show", name, "-o"]).arg(&copy));
        assert_eq!(code, 0, "{err}");
        let v = run_json(
            sovstack()
                .args(["ruleset", "validate", "--format", "json"])
                .arg(&copy),
        );
        let builtin = run_json(sovstack().args(["ruleset", "validate", "--format", "json", name]));
        assert_eq!(v["sha256"], builtin["sha256"]);
    }
    let (code, out, err) = run(sovstack().args(["ruleset", "show", "nope"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("no built-in ruleset `nope`") && err.contains("eu-sovereignty, non-aligned"),
        "{err}"
    );
}

#[test]
fn list_prints_whole_hashes_as_plugin_list_does() {
    let listed = run_json(sovstack().args(["ruleset", "list", "--format", "json"]));
    let (code, table, err) = run(sovstack().args(["ruleset", "list"]));
    assert_eq!(code, 0, "{err}");
    for r in listed.as_array().unwrap() {
        let sha = r["sha256"].as_str().unwrap();
        assert_eq!(sha.len(), 64);
        assert!(table.contains(sha), "{sha} whole in:\n{table}");
    }
}

/// Listings fit the 100 columns of a pipe, as the reports' tables do.
#[test]
fn listings_fit_a_pipe() {
    for args in [["ruleset", "list"], ["plugin", "list"]] {
        let (code, out, err) = run(sovstack().args(args));
        assert_eq!(code, 0, "{err}");
        let widest = out.lines().map(|l| l.chars().count()).max().unwrap();
        assert!(widest <= 100, "{args:?}: {widest} columns\n{out}");
        assert!(
            out.contains("eu-sovereignty") || out.contains("processor"),
            "{out}"
        );
    }
}
