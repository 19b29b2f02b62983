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
- endpoint: static.example.org
  label: \"=SUM(1) | *x* <b>[l](u) & #\"
- missing.example.org
- 5.9.0.1
";

/// An inventory of the processor, OS and network layers, written in `dir`. One endpoint's label
/// is hostile to spreadsheets and Markdown (a formula, table pipes, emphasis, HTML, a link).
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

/// Microsoft's SARIF Multitool, installed by tools/install-deps.sh (npm, tools/npm).
fn multitool() -> PathBuf {
    let p = repo().join("tools/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    assert!(
        p.is_file(),
        "{} is missing: run tools/install-deps.sh",
        p.display()
    );
    p
}

/// The Multitool's `validate` verb on `file`: the (rule id, message) of each error it reports.
pub fn sarif_errors(file: &Path) -> Vec<(String, String)> {
    let log = file.with_extension("validation.sarif");
    let status = std::process::Command::new(multitool())
        .arg("validate")
        .arg(file)
        .arg("-o")
        .arg(&log)
        .arg("--quiet")
        .status()
        .expect("the SARIF Multitool runs");
    assert!(
        status.success(),
        "the Multitool failed on {}",
        file.display()
    );
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&log).unwrap()).unwrap();
    log["runs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["results"].as_array().cloned().unwrap_or_default())
        .filter(|r| r["level"] == "error")
        .map(|r| (r["ruleId"].to_string(), r["message"].to_string()))
        .collect()
}

#[test]
fn sarif_is_valid_for_the_multitool_and_locates_every_finding() {
    let dir = tempdir();
    let inv = rich_inventory(dir.path());
    let sarif = dir.path().join("r.sarif");
    let json = dir.path().join("r.json");
    evaluate(
        &inv,
        &[
            "-o",
            &format!("sarif={}", sarif.display()),
            "-o",
            &format!("json={}", json.display()),
        ],
        0,
    );
    assert_eq!(sarif_errors(&sarif), []);
    // The checker is not blind: a result without its message, a level SARIF does not have.
    let mut broken: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    broken["runs"][1]["results"][0]["level"] = "fatal".into();
    let bad = dir.path().join("bad.sarif");
    std::fs::write(&bad, serde_json::to_vec_pretty(&broken).unwrap()).unwrap();
    assert_eq!(sarif_errors(&bad).len(), 2);

    // One run per ruleset, every rule, every finding a result at its rule and its item.
    let log: serde_json::Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let runs = log["runs"].as_array().unwrap();
    let rulesets = report["rulesets"].as_array().unwrap();
    assert_eq!(runs.len(), rulesets.len());
    let eu_yaml = std::fs::read_to_string(repo().join("rulesets/eu-sovereignty.yaml")).unwrap();
    for (run, ruleset) in runs.iter().zip(rulesets) {
        let name = ruleset["name"].as_str().unwrap();
        assert_eq!(run["automationDetails"]["id"], format!("sovstack/{name}/"));
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), ruleset["rules"].as_array().unwrap().len());
        assert!(rules
            .iter()
            .all(|r| r["help"]["text"].as_str().unwrap().len() > 20));
        // Every built-in rule says what to do (its remediation): the help starts with it, in
        // text and Markdown, and the JSON report's rule carries the same words.
        for (rule, reported) in rules.iter().zip(ruleset["rules"].as_array().unwrap()) {
            let what = reported["remediation"].as_str().unwrap();
            assert!(what.len() > 40, "{reported}");
            assert!(
                rule["help"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("What to do: {what}\n\n")),
                "{rule}"
            );
            assert!(
                rule["help"]["markdown"]
                    .as_str()
                    .unwrap()
                    .starts_with(&format!("**What to do:** {what}\n\n")),
                "{rule}"
            );
        }
        let findings: Vec<&serde_json::Value> = ruleset["layers"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|l| l["findings"].as_array().unwrap())
            .collect();
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), findings.len(), "{name}");
        assert!(!results.is_empty());
        let mut fingerprints = std::collections::BTreeSet::new();
        for (res, f) in results.iter().zip(&findings) {
            assert_eq!(res["ruleId"], f["rule"]);
            let rule = &rules[res["ruleIndex"].as_u64().unwrap() as usize];
            assert_eq!(rule["id"], f["rule"]);
            let want = match f["severity"].as_str().unwrap() {
                "critical" | "high" => "error",
                "medium" => "warning",
                _ => "note",
            };
            assert_eq!(res["level"], want);
            let loc = &res["locations"][0];
            let logical = loc["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap();
            match f["item"].as_str() {
                Some(item) => assert!(logical.ends_with(&format!("/{item}")), "{logical}"),
                None => assert!(!logical.contains('/')),
            }
            // The physical location is the rule's line in the built-in ruleset's file.
            let line = loc["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .unwrap();
            if name == "eu-sovereignty" {
                assert_eq!(
                    loc["physicalLocation"]["artifactLocation"]["uri"],
                    "rulesets/eu-sovereignty.yaml"
                );
                assert_eq!(
                    eu_yaml.lines().nth(line as usize - 1).unwrap().trim(),
                    format!("- id: {}", f["rule"].as_str().unwrap())
                );
            }
            assert!(fingerprints.insert(res["fingerprints"]["sovstack/v1"].to_string()));
        }
    }
    // Byte-identical for the same inputs.
    assert_eq!(
        evaluate(&inv, &["--format", "sarif"], 0),
        std::fs::read_to_string(&sarif).unwrap()
    );
}

/// Runs a Python program with `args`; returns its stdout.
fn python(program: &str, args: &[&Path]) -> String {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(program)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Python's csv module reading a file as a spreadsheet would: the rows as JSON objects.
const READ_CSV: &str = r#"
import csv, json, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf"), "no UTF-8 byte-order mark"
assert b"\r\n" in raw, "rows end with CRLF"
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    reader = csv.reader(f, strict=True)
    header = next(reader)
    rows = [dict(zip(header, r)) for r in reader]
    assert all(len(r) == len(header) for r in rows)
print(json.dumps({"header": header, "rows": rows}))
"#;

#[test]
fn csv_reads_back_with_pythons_csv_module() {
    let dir = tempdir();
    let inv = rich_inventory(dir.path());
    let findings = dir.path().join("findings.csv");
    let items = dir.path().join("items.csv");
    let json = dir.path().join("r.json");
    evaluate(
        &inv,
        &[
            "-o",
            &format!("csv={}", findings.display()),
            "-o",
            &format!("json={}", json.display()),
        ],
        0,
    );
    evaluate(
        &inv,
        &["--csv-items", "-o", &format!("csv={}", items.display())],
        0,
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let unformula = |s: &str| s.strip_prefix('\'').unwrap_or(s).to_string();

    // One row per finding, in the report's order, each field as the report has it.
    let got: serde_json::Value = serde_json::from_str(&python(READ_CSV, &[&findings])).unwrap();
    assert_eq!(got["header"][0], "ruleset");
    let rows = got["rows"].as_array().unwrap();
    let mut want = Vec::new();
    for r in report["rulesets"].as_array().unwrap() {
        for (layer, l) in r["layers"].as_object().unwrap() {
            for f in l["findings"].as_array().unwrap() {
                want.push((r["name"].clone(), layer.clone(), f.clone()));
            }
        }
    }
    assert_eq!(rows.len(), want.len());
    let mut defused = 0;
    for (row, (ruleset, layer, f)) in rows.iter().zip(&want) {
        assert_eq!(&row["ruleset"], ruleset);
        assert_eq!(row["layer"], layer.as_str());
        assert_eq!(row["rule"], f["rule"]);
        assert_eq!(row["severity"], f["severity"]);
        assert_eq!(row["item"], f["item"].as_str().unwrap_or(""));
        if row["item_label"].as_str().unwrap().starts_with("'=SUM(1)") {
            defused += 1;
        }
        assert_eq!(
            unformula(row["message"].as_str().unwrap()),
            f["message"].as_str().unwrap()
        );
    }
    assert!(defused >= 1, "the hostile label starts with '=");

    // One row per item, with its label.
    let got: serde_json::Value = serde_json::from_str(&python(READ_CSV, &[&items])).unwrap();
    let rows = got["rows"].as_array().unwrap();
    let items_want: Vec<&serde_json::Value> = report["layers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|l| l["items"].as_array().unwrap())
        .collect();
    assert_eq!(rows.len(), items_want.len());
    for (row, item) in rows.iter().zip(items_want) {
        assert_eq!(row["item"], item["id"]);
        assert_eq!(
            unformula(row["label"].as_str().unwrap()),
            item["label"].as_str().unwrap()
        );
        assert_eq!(
            row["findings"],
            item["findings"].as_array().unwrap().len().to_string()
        );
    }
    assert!(rows
        .iter()
        .any(|r| r["label"].as_str().unwrap().starts_with("'=SUM(1)")));
}

/// Python-Markdown (with its tables extension) rendering a file: the HTML's headings, the
/// number of tables, and its text.
const RENDER_MARKDOWN: &str = r#"
import html.parser, json, markdown, sys
page = markdown.markdown(open(sys.argv[1], encoding="utf-8").read(), extensions=["tables"])
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.headings, self.where = [], [], [], None
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag in ("h1", "h2", "h3"):
            self.where = tag
    def handle_endtag(self, tag):
        if tag == self.where:
            self.where = None
    def handle_data(self, data):
        self.text.append(data)
        if self.where:
            self.headings.append((self.where, data))
p = P()
p.feed(page)
print(json.dumps({"tags": p.tags, "headings": p.headings, "text": "".join(p.text)}))
"#;

#[test]
fn markdown_renders_with_python_markdown_showing_the_text_as_it_is() {
    let dir = tempdir();
    let inv = rich_inventory(dir.path());
    let md = dir.path().join("r.md");
    let json = dir.path().join("r.json");
    evaluate(
        &inv,
        &[
            "-o",
            &format!("markdown={}", md.display()),
            "-o",
            &format!("json={}", json.display()),
        ],
        0,
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let got: serde_json::Value = serde_json::from_str(&python(RENDER_MARKDOWN, &[&md])).unwrap();
    let tags: Vec<&str> = got["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    // No markup came from the report's text: only the renderer's own tags.
    for t in &tags {
        assert!(
            [
                "h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "li",
                "strong", "code", "br"
            ]
            .contains(t),
            "unexpected <{t}>"
        );
    }
    let layers = report["layers"].as_array().unwrap();
    let rulesets = report["rulesets"].as_array().unwrap();
    // Summary, a table per ruleset, a table per layer, the sobriety section's (firmware ages,
    // support windows: each when it has rows), the materials section's, the inputs.
    let sobriety = &report["sobriety"];
    let sobriety_tables = ["ages", "support"]
        .iter()
        .filter(|k| sobriety[**k].as_array().is_some_and(|a| !a.is_empty()))
        .count();
    // The critical raw materials section: a table of components, one of materials.
    let materials_tables = if report["materials"].is_null() { 0 } else { 2 };
    assert_eq!(
        tags.iter().filter(|t| **t == "table").count(),
        1 + rulesets.len() + layers.len() + sobriety_tables + materials_tables + 1
    );
    let headings: Vec<String> = got["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[1].as_str().unwrap().to_string())
        .collect();
    for want in [
        "Summary",
        "Processor layer",
        "Operating-system layer",
        "Network layer",
        "Inputs",
    ] {
        assert!(headings.iter().any(|h| h == want), "{want}: {headings:?}");
    }
    // Every finding's message and every item's label reads as it is in the report.
    let text = got["text"].as_str().unwrap();
    for l in layers {
        for item in l["items"].as_array().unwrap() {
            assert!(
                text.contains(item["label"].as_str().unwrap()),
                "{}",
                item["label"]
            );
            for f in item["findings"].as_array().unwrap() {
                assert!(
                    text.contains(f["message"].as_str().unwrap()),
                    "{}",
                    f["message"]
                );
            }
        }
    }
    assert!(text.contains("=SUM(1) | *x* <b>[l](u) & #"));
    // Byte-identical for the same inputs.
    assert_eq!(
        evaluate(&inv, &["--format", "markdown"], 0),
        std::fs::read_to_string(&md).unwrap()
    );
}

#[test]
fn every_format_is_byte_identical_for_the_same_inputs() {
    let dir = tempdir();
    let inv = rich_inventory(dir.path());
    // Every format `--format` offers: a new one is listed here, or this fails.
    let formats = ["table", "json", "jsonl", "sarif", "csv", "markdown", "html"];
    let (_, help, _) = run(sovstack().args(["evaluate", "--help"]));
    let offered: Vec<&str> = help
        .split("Possible values:")
        .nth(1)
        .unwrap()
        .lines()
        .map(str::trim)
        .skip_while(|l| l.is_empty())
        .take_while(|l| l.starts_with("- "))
        .map(|l| l[2..].split(':').next().unwrap())
        .collect();
    assert_eq!(offered, formats);
    let outputs = |n: usize| -> Vec<String> {
        formats
            .iter()
            .map(|f| format!("{f}={}", dir.path().join(format!("{n}.{f}")).display()))
            .collect()
    };
    for n in 0..2 {
        let mut cmd = sovstack();
        cmd.env("SOURCE_DATE_EPOCH", "1796083200")
            .arg("evaluate")
            .arg(&inv)
            .args(["--waivers"])
            .arg(repo().join("tests/e2e/waivers.example.yaml"));
        for o in outputs(n) {
            cmd.arg("-o").arg(o);
        }
        let (code, _, err) = run(&mut cmd);
        assert_eq!(code, 0, "{err}");
    }
    for f in formats {
        let a = std::fs::read(dir.path().join(format!("0.{f}"))).unwrap();
        let b = std::fs::read(dir.path().join(format!("1.{f}"))).unwrap();
        assert!(a.len() > 500, "{f}: {} bytes", a.len());
        assert!(a == b, "{f} differs between two runs");
    }
    let json = std::fs::read_to_string(dir.path().join("0.json")).unwrap();
    assert!(json.contains("\"generated_at\": \"2026-12-01T00:00:00Z\""));
}
