//! Plugins third parties can trust: the host believes no response it has not checked, a
//! `--plugin` that fails never lets a built-in plugin judge in its place, the report names the
//! plugin of every layer, and the limits are the user's to set. Each lying plugin is a real
//! WebAssembly module (`replying`, shared with the host's tests) run by the real binary on a
//! fixture root captured from a real machine.

use crate::replying::replying;
use crate::util::*;
use std::path::{Path, PathBuf};

const ROOT: &str = "x86-amd-epyc-debian12";

/// A plugin named `name` for `layer` that answers `response`, written to `dir/name.wasm`.
fn plugin(dir: &Path, name: &str, layer: &str, response: &str) -> PathBuf {
    let path = dir.join(format!("{name}.wasm"));
    std::fs::write(&path, replying(name, &[layer], response)).unwrap();
    path
}

/// `audit --format json` of the fixture with `args`: (exit code, report, stderr).
fn audit(args: &[&str], plugins: &[&Path]) -> (i32, serde_json::Value, String) {
    let mut cmd = sovstack();
    cmd.args(["audit", "--format", "json", "--root"])
        .arg(fixture(ROOT))
        .args(args);
    for p in plugins {
        cmd.arg("--plugin").arg(p);
    }
    let (code, out, err) = run(&mut cmd);
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, report, err)
}

/// A lying processor plugin under `ruleset`: exit 2, `plugin/invalid-response` naming the plugin
/// file and `field`, the processor layer not evaluated, the os layer still judged.
fn refused(ruleset: &str, response: &str, field: &str, extra: &[&str]) -> serde_json::Value {
    let dir = tempdir();
    let liar = plugin(dir.path(), "liar", "processor", response);
    let mut args = vec!["--ruleset", ruleset];
    args.extend(extra);
    let (code, report, err) = audit(&args, &[&liar]);
    assert_eq!(code, 2, "{err}");
    let expected = format!(
        "sovstack: plugin/invalid-response: plugin {}: its response is refused: `{field}`: ",
        liar.display()
    );
    assert!(err.contains(&expected), "{expected}\n{err}");
    let r = ruleset_of(&report, ruleset);
    let processor = &r["layers"]["processor"];
    assert!(processor["score"].is_null(), "{processor}");
    assert_eq!(processor["findings"], serde_json::json!([]));
    assert_eq!(
        processor["not_evaluated"],
        format!("the plugin's response was refused (plugin/invalid-response: `{field}`)")
    );
    assert_eq!(
        processor["plugin_run"]["origin"],
        liar.display().to_string()
    );
    assert!(
        r["layers"]["os"]["score"]["score"].is_number(),
        "the os layer is still judged: {}",
        r["layers"]["os"]
    );
    assert!(report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "plugin/invalid-response"
            && d["message"].as_str().unwrap().contains(&field.to_string())));
    report
}

fn ruleset_of<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    ruleset(report, name)
}

#[test]
fn a_finding_for_a_rule_that_does_not_exist_is_refused() {
    refused(
        "eu-sovereignty",
        r#"{"findings":[{"rule":"eu.processor.made-up","item":"cpu0","severity":"high","objective":"SOV-5","level":1,"message":"Made up."}]}"#,
        "findings[0].rule",
        &[],
    );
    // Nor is a rule of another layer a rule of this one.
    refused(
        "eu-sovereignty",
        r#"{"findings":[{"rule":"eu.os.steward-jurisdiction","item":"cpu0","severity":"high","objective":"SOV-5","level":1,"message":"Made up."}]}"#,
        "findings[0].rule",
        &[],
    );
}

#[test]
fn layer_levels_of_7_and_9_and_a_score_of_150_are_refused_and_the_overall_score_stays_in_range() {
    for (score, field) in [
        (r#"{"score":50.0,"level":7}"#, "score.level"),
        (r#"{"score":50.0,"level":9}"#, "score.level"),
        (r#"{"score":150.0,"level":4}"#, "score.score"),
    ] {
        let report = refused(
            "non-aligned",
            &format!(r#"{{"findings":[],"score":{score}}}"#),
            field,
            &[],
        );
        let overall = &ruleset_of(&report, "non-aligned")["overall"];
        assert!(
            overall["score"].as_f64().unwrap() <= 100.0 && overall["level"].as_u64().unwrap() <= 4,
            "{overall}"
        );
    }
}

#[test]
fn a_share_of_3_5_and_objective_sov_99_are_refused() {
    refused(
        "non-aligned",
        r#"{"findings":[],"score":{"score":40.0,"level":1,"shares":{"US":3.5},"concentration_index":0.5}}"#,
        "score.shares.US",
        &[],
    );
    refused(
        "eu-sovereignty",
        r#"{"findings":[],"score":{"score":50.0,"level":2,"objectives":{"SOV-99":{"level":2,"score":50.0}}}}"#,
        "score.objectives.SOV-99",
        &[],
    );
}

#[test]
fn a_finding_for_an_item_that_does_not_exist_does_not_vanish_silently() {
    refused(
        "eu-sovereignty",
        r#"{"findings":[{"rule":"eu.processor.designer-jurisdiction","item":"cpu999","severity":"high","objective":"SOV-5","level":1,"message":"About nothing."}]}"#,
        "findings[0].item",
        &[],
    );
}

#[test]
fn a_severity_raised_to_critical_does_not_flip_fail_on_critical() {
    let report = refused(
        "eu-sovereignty",
        r#"{"findings":[{"rule":"eu.processor.designer-jurisdiction","item":"cpu0","severity":"critical","objective":"SOV-5","level":1,"message":"Raised."}]}"#,
        "findings[0].severity",
        &["--fail-on", "critical"],
    );
    // The gate saw no critical finding: the exit code is the refusal's, 2, not the gate's 1.
    assert_eq!(report["gate"]["passed"], true, "{}", report["gate"]);
}

#[test]
fn a_plugin_that_fails_to_load_leaves_the_layers_unjudged_rather_than_the_built_in_judging() {
    let dir = tempdir();
    for (wat, code_expected) in [
        ("wrong_abi", "plugin/abi-mismatch"),
        ("wasi_import", "plugin/import-not-allowed"),
        ("missing_export", "plugin/missing-export"),
    ] {
        let broken = wat_plugin(dir.path(), wat);
        let (code, report, err) = audit(&["--ruleset", "eu-sovereignty"], &[&broken]);
        assert_eq!(code, 2, "{wat}: {err}");
        assert!(err.contains(code_expected), "{wat}: {err}");
        assert!(
            err.contains("plugin/not-loaded")
                && err.contains(&format!("--plugin {} did not load", broken.display())),
            "{wat}: {err}"
        );
        for layer in ["processor", "os"] {
            let l = &ruleset_of(&report, "eu-sovereignty")["layers"][layer];
            assert!(l["score"].is_null(), "{wat}: {layer}: {l}");
            assert!(
                l["not_evaluated"]
                    .as_str()
                    .unwrap()
                    .contains("the built-in plugin does not stand in for it"),
                "{wat}: {layer}: {l}"
            );
            assert!(l["plugin_run"].is_null(), "the built-in did not run: {l}");
        }
    }
    // The table says so, and names no built-in plugin as having judged.
    let broken = wat_plugin(dir.path(), "wrong_abi");
    let (code, table, err) = run(sovstack()
        .args(["audit", "--ruleset", "eu-sovereignty", "--wide", "--root"])
        .arg(fixture(ROOT))
        .arg("--plugin")
        .arg(&broken));
    assert_eq!(code, 2, "{err}");
    assert!(
        table.contains("not evaluated: the plugin given with --plugin")
            && !table.contains("(built-in"),
        "{table}"
    );
}

#[test]
fn a_plugin_that_fails_to_load_does_not_stop_another_plugin_given_for_its_own_layer() {
    let dir = tempdir();
    let broken = wat_plugin(dir.path(), "wrong_abi");
    let os = plugin(dir.path(), "os", "os", r#"{"findings":[]}"#);
    let (code, report, err) = audit(&["--ruleset", "eu-sovereignty"], &[&broken, &os]);
    assert_eq!(code, 2, "{err}");
    let layers = &ruleset_of(&report, "eu-sovereignty")["layers"];
    assert!(layers["processor"]["not_evaluated"].is_string());
    assert!(layers["os"]["not_evaluated"].is_null(), "{}", layers["os"]);
    assert_eq!(
        layers["os"]["plugin_run"]["origin"],
        os.display().to_string()
    );
}

#[test]
fn two_plugins_for_one_layer_are_a_usage_error_naming_both() {
    let dir = tempdir();
    let a = plugin(dir.path(), "first", "os", r#"{"findings":[]}"#);
    let b = plugin(dir.path(), "second", "os", r#"{"findings":[]}"#);
    let out = dir.path().join("r.json");
    let (code, stdout, err) = run(sovstack()
        .args(["audit", "--root"])
        .arg(fixture(ROOT))
        .arg("--plugin")
        .arg(&a)
        .arg("--plugin")
        .arg(&b)
        .arg("-o")
        .arg(&out));
    assert_eq!(code, 2, "{err}");
    assert_eq!(stdout, "");
    assert!(
        err.contains(&format!(
            "--plugin {} and --plugin {} both read layer `os`",
            a.display(),
            b.display()
        )),
        "{err}"
    );
    assert!(!out.exists(), "no report is written");
}

#[test]
fn the_report_and_the_table_name_each_layers_plugin_built_in_or_file() {
    let dir = tempdir();
    // A plugin named like the built-in one, in a file named like a built-in origin.
    let impostor = dir.path().join("builtin:os");
    std::fs::write(&impostor, replying("os", &["os"], r#"{"findings":[]}"#)).unwrap();
    let (code, report, err) = run_in(dir.path(), &["--ruleset", "eu-sovereignty"], "builtin:os");
    assert_eq!(code, 0, "{err}");
    let layers = &ruleset_of(&report, "eu-sovereignty")["layers"];
    let builtin = std::fs::read(repo().join("plugins/dist/processor.wasm")).unwrap();
    let p = &layers["processor"]["plugin_run"];
    assert_eq!(p["origin"], "builtin:processor");
    assert_eq!(p["name"], "processor");
    assert_eq!(
        p["sha256"],
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&builtin))
    );
    assert!(p["version"].is_string());
    let o = &layers["os"]["plugin_run"];
    assert_eq!(
        (o["name"].as_str(), o["origin"].as_str()),
        (Some("os"), Some("./builtin:os"))
    );
    assert_ne!(
        o["sha256"],
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
            std::fs::read(repo().join("plugins/dist/os.wasm")).unwrap()
        ))
    );
    // The table says which judged each layer.
    let (code, table, err) = run(sovstack()
        .current_dir(dir.path())
        .args(["audit", "--ruleset", "eu-sovereignty", "--wide", "--root"])
        .arg(fixture(ROOT))
        .args(["--plugin", "builtin:os"]));
    assert_eq!(code, 0, "{err}");
    let sha = p["sha256"].as_str().unwrap();
    assert!(
        table.contains(&format!(
            "plugin processor {} (built-in, sha256 {sha})",
            p["version"].as_str().unwrap()
        )),
        "{table}"
    );
    assert!(
        table.contains(&format!(
            "plugin os 0.1.0 (./builtin:os, sha256 {})",
            o["sha256"].as_str().unwrap()
        )),
        "{table}"
    );
}

/// `audit --format json` in `dir` with `--plugin PLUGIN` given relative to it.
fn run_in(dir: &Path, args: &[&str], plugin: &str) -> (i32, serde_json::Value, String) {
    let (code, out, err) = run(sovstack()
        .current_dir(dir)
        .args(["audit", "--format", "json", "--root"])
        .arg(fixture(ROOT))
        .args(args)
        .args(["--plugin", plugin]));
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, report, err)
}

#[test]
fn a_plugins_megabyte_of_error_text_is_cut_to_4_kib_and_shown_once() {
    let dir = tempdir();
    let long = "x".repeat(1 << 20);
    let talker = plugin(
        dir.path(),
        "talker",
        "os",
        &format!(r#"{{"findings":[],"error":"request/unsupported-criterion: {long}"}}"#),
    );
    // Both built-in rulesets judge the os layer: the plugin refuses twice with the same words.
    let (code, report, err) = audit(&[], &[&talker]);
    assert_eq!(code, 2, "{}", &err[..err.len().min(2000)]);
    let cut = format!(
        "... ({} bytes cut)",
        "request/unsupported-criterion: ".len() + (1 << 20) - 4096
    );
    assert_eq!(err.matches(&cut).count(), 1, "{}", err.len());
    assert!(err.len() < 8 * 1024, "stderr is {} bytes", err.len());
    assert!(
        err.contains("the same error as with ruleset eu-sovereignty"),
        "{err}"
    );
    let text = report.to_string();
    assert_eq!(text.matches(&cut).count(), 1);
    for r in ["eu-sovereignty", "non-aligned"] {
        assert_eq!(
            ruleset_of(&report, r)["layers"]["os"]["not_evaluated"],
            "the plugin refused the request (plugin/refused-request)"
        );
    }
}

#[test]
fn the_report_gives_each_evaluations_fuel_and_peak_memory_and_verbose_its_wall_time() {
    let (code, report, err) = audit(&["--ruleset", "eu-sovereignty", "--verbose"], &[]);
    assert_eq!(code, 0, "{err}");
    for layer in ["processor", "os"] {
        let r = &ruleset_of(&report, "eu-sovereignty")["layers"][layer]["plugin_run"]["resources"];
        let fuel = r["fuel"].as_u64().unwrap();
        let peak = r["memory_peak_bytes"].as_u64().unwrap();
        assert!(
            fuel > 1000 && fuel < r["fuel_limit"].as_u64().unwrap(),
            "{r}"
        );
        assert_eq!(r["fuel_limit"], 1_000_000_000u64);
        assert!(peak >= 65536 && peak.is_multiple_of(65536), "{r}");
        assert_eq!(r["memory_limit_bytes"], 64u64 << 20);
        assert!(
            r.get("wall_time_us").is_none(),
            "wall time is not reproducible: {r}"
        );
        assert!(
            err.contains(&format!("on layer `{layer}`, ruleset eu-sovereignty: fuel {fuel} of 1000000000, peak memory {peak} of 67108864 bytes, ")) ,
            "{err}"
        );
    }
    assert!(err.contains(" ms\n"), "{err}");
}

#[test]
fn plugin_limits_are_set_from_the_command_line_within_the_hard_caps() {
    // Too little fuel: the message names the flag that gives more.
    let (code, report, err) = audit(
        &["--ruleset", "eu-sovereignty", "--plugin-fuel", "1000"],
        &[],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("plugin/out-of-fuel") && err.contains("raise it with --plugin-fuel"),
        "{err}"
    );
    let os = &ruleset_of(&report, "eu-sovereignty")["layers"]["os"];
    assert_eq!(os["plugin_run"]["resources"]["fuel"], 1000);
    assert_eq!(
        os["not_evaluated"],
        "the plugin failed (plugin/out-of-fuel)"
    );
    // More than the defaults, within the caps.
    let (code, report, err) = audit(
        &[
            "--ruleset",
            "eu-sovereignty",
            "--plugin-fuel",
            "5000000000",
            "--plugin-memory",
            "128",
            "--plugin-timeout",
            "10",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let r = &ruleset_of(&report, "eu-sovereignty")["layers"]["os"]["plugin_run"]["resources"];
    assert_eq!(r["fuel_limit"], 5_000_000_000u64);
    assert_eq!(r["memory_limit_bytes"], 128u64 << 20);
    // Past the hard caps, or nothing at all: usage errors naming the flag.
    for (flag, value) in [
        ("--plugin-fuel", "0"),
        ("--plugin-fuel", "100000000001"),
        ("--plugin-memory", "4097"),
        ("--plugin-memory", "0"),
        ("--plugin-timeout", "121"),
        ("--plugin-timeout", "0"),
        ("--plugin-timeout", "soon"),
    ] {
        let (code, _, err) = run(sovstack()
            .args(["audit", "--root"])
            .arg(fixture(ROOT))
            .args([flag, value]));
        assert_eq!(code, 2, "{flag} {value}: {err}");
        assert!(err.contains(flag), "{flag} {value}: {err}");
    }
}
