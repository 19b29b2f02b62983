//! Input errors in plain words: one sentence naming the file, line, column and field, said once,
//! and exit code 2.

use crate::util::*;

/// Runs, expects exit 2 and returns stderr.
fn fails(cmd: &mut std::process::Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    err
}

#[test]
fn an_io_error_is_said_once() {
    let dir = tempdir();
    let missing = dir.path().join("missing.txt");
    let err = fails(
        sovstack()
            .args(["scan", "--offline", "--layers", "network", "--endpoints"])
            .arg(&missing),
    );
    let os = std::fs::read(&missing).unwrap_err().to_string();
    assert_eq!(err.matches(&os).count(), 1, "{err}");
    assert_eq!(
        err.trim_end(),
        format!(
            "sovstack: error: cannot read endpoints file {}: {os}",
            missing.display()
        )
    );
}

#[test]
fn an_inventory_that_is_not_an_object_is_named_plainly() {
    let dir = tempdir();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, "[1,2,3]\n").unwrap();
    let err = fails(sovstack().arg("evaluate").arg(&path));
    assert_eq!(
        err.trim_end(),
        format!(
            "sovstack: error: {}:1:1: an inventory is a JSON object `{{ \"schema_version\": ... }}` (from `sovstack scan`), but this document is an array",
            path.display()
        )
    );
}

/// A real inventory of a fixture root, with its schema_version replaced.
fn inventory_with_version(dir: &std::path::Path, version: &str) -> std::path::PathBuf {
    let (code, out, err) = run(sovstack()
        .args(["scan", "--layers", "os", "--root"])
        .arg(fixture("os-alpine-3.23")));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ours = v["schema_version"].as_str().unwrap().to_string();
    let path = dir.join(format!("inv-{version}.json"));
    std::fs::write(
        &path,
        out.replacen(
            &format!("\"schema_version\": \"{ours}\""),
            &format!("\"schema_version\": \"{version}\""),
            1,
        ),
    )
    .unwrap();
    path
}

#[test]
fn a_newer_revision_is_refused_and_a_newer_addition_read_with_a_warning() {
    let dir = tempdir();
    let newer_revision = inventory_with_version(dir.path(), "1.3.0");
    let err = fails(
        sovstack()
            .args(["evaluate", "--format", "json"])
            .arg(&newer_revision),
    );
    assert!(
        err.contains(&format!(
            "{}: schema_version 1.3.0 is newer than this sovstack reads",
            newer_revision.display()
        )),
        "{err}"
    );

    // An addition far beyond this sovstack's (SCHEMA_VERSION grows with each one).
    let newer_addition = inventory_with_version(dir.path(), "1.2.999");
    let (code, out, err) = run(sovstack()
        .args(["evaluate", "--format", "json"])
        .arg(&newer_addition));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with(&format!(
            "sovstack: warning: {}: the inventory's schema_version 1.2.999 is a newer addition",
            newer_addition.display()
        )),
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"inventory/newer-addition"), "{codes:?}");
}

#[test]
fn a_plugin_that_is_not_wasm_is_said_so_in_one_line() {
    let dir = tempdir();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "hello\n").unwrap();
    let err = fails(sovstack().args(["plugin", "list", "--plugin"]).arg(&path));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "plugin {}: cannot compile the WebAssembly module: the file is not WebAssembly",
            path.display()
        )),
        "{err}"
    );
}

#[test]
fn every_bad_line_of_an_endpoints_file_is_reported_up_to_a_cap() {
    let dir = tempdir();
    let path = dir.path().join("endpoints.txt");
    std::fs::write(&path, "ok.example\n999.1.1.1\nhttp://[::1\nbad host\n").unwrap();
    let err = fails(
        sovstack()
            .args(["scan", "--offline", "--layers", "network", "--endpoints"])
            .arg(&path),
    );
    let p = path.display();
    assert_eq!(
        err.trim_end(),
        format!(
            "sovstack: error: {p}:2:1: `999.1.1.1` is not an IPv4 address: each of its four numbers must be 0 to 255\n\
             {p}:3:1: `http://[::1` is not a valid URL: invalid IPv6 address\n\
             {p}:4:5: `host`: expected label=NAME or criticality=low|medium|high|critical"
        )
    );
    // 25 bad lines: 20 listed, then a count.
    let text: String = (0..25).map(|i| format!("{i}.{i}.{i}.999\n")).collect();
    std::fs::write(&path, text).unwrap();
    let err = fails(
        sovstack()
            .args(["scan", "--offline", "--layers", "network", "--endpoints"])
            .arg(&path),
    );
    assert_eq!(err.lines().count(), 21, "{err}");
    assert!(
        err.contains(&format!("{p}:20:1: ")) && !err.contains(&format!("{p}:21:1: ")),
        "{err}"
    );
    assert_eq!(
        err.lines().last().unwrap(),
        format!("and 5 more problems in {p}")
    );
}

#[test]
fn a_wrong_typed_ruleset_field_is_named_in_plain_words_at_its_place_once() {
    let dir = tempdir();
    let path = dir.path().join("rules.yaml");
    let text = std::fs::read_to_string(repo().join("rulesets/non-aligned.yaml")).unwrap();
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with("weight:") && l.starts_with("    "))
        .unwrap();
    let id = text
        .lines()
        .take(line)
        .filter_map(|l| l.trim_start().strip_prefix("- id: "))
        .last()
        .unwrap()
        .to_string();
    let column = text.lines().nth(line).unwrap().find("weight:").unwrap() + "weight: ".len() + 1;
    let text: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == line {
                format!("{}weight: \"abc\"\n", &l[..l.find("weight:").unwrap()])
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    let err = fails(sovstack().args(["ruleset", "validate"]).arg(&path));
    assert_eq!(
        err.trim_end(),
        format!("{}:{}:{column}: ruleset/syntax: rule `{id}`, field `weight`: expected a number, found the string \"abc\"", path.display(), line + 1)
    );
}

#[test]
fn an_unclosed_quote_is_reported_on_the_line_where_it_opens() {
    let dir = tempdir();
    let path = dir.path().join("rules.yaml");
    let text = std::fs::read_to_string(repo().join("rulesets/non-aligned.yaml")).unwrap();
    // Open a quote in the first rule's title and do not close it; quote the next rule's title
    // properly. The parser then gives up on that next title, lines later.
    let titles: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("    title: "))
        .map(|(i, _)| i)
        .take(2)
        .collect();
    let (line, next) = (titles[0], titles[1]);
    let text: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            _ if i == line => "    title: \"unclosed\n".to_string(),
            _ if i == next => format!("    title: \"{}\"\n", &l["    title: ".len()..]),
            _ => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&path, text).unwrap();
    let err = fails(sovstack().args(["ruleset", "validate"]).arg(&path));
    let column = "    title: ".len() + 1;
    assert!(err.starts_with(&format!("{}:{}:{column}: ruleset/syntax: the double quote opened here is not closed on this line", path.display(), line + 1)), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn an_option_for_a_layer_left_out_of_layers_is_an_error_not_ignored() {
    let dir = tempdir();
    let endpoints = dir.path().join("endpoints.txt");
    std::fs::write(&endpoints, "193.48.0.1\n").unwrap();
    for cmd in ["scan", "audit"] {
        let err = fails(
            sovstack()
                .args([cmd, "--offline", "--layers", "processor", "--endpoints"])
                .arg(&endpoints),
        );
        assert_eq!(
            err.trim_end(),
            "sovstack: error: --endpoints, --domain or --declared asks for the network layer, which --layers \
             processor leaves out: add network to --layers, or leave --layers out"
        );
    }
    let err = fails(sovstack().args(["scan", "--layers", "os", "--paths", "/usr/bin"]));
    assert!(
        err.contains("--paths asks for the toolchain layer, which --layers os leaves out"),
        "{err}"
    );
    // Named with its layer, the option is taken.
    let (code, _, err) = run(sovstack()
        .args(["scan", "--offline", "--layers", "os,network", "-o"])
        .arg(dir.path().join("inv.json"))
        .arg("--endpoints")
        .arg(&endpoints));
    assert_eq!(code, 0, "{err}");
}
