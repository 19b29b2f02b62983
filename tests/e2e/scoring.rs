//! How `supported` and `certified` rules score (rulesets eu-sovereignty 1.10.0, secnumcloud
//! 1.1.0; `crates/abi/src/lib.rs`, "Criteria"), and what each finding says to do, on real
//! inputs: the EPYC root's captured Debian 12 os-release checked at fixed dates (endoflife.date:
//! regular security support until 2026-07-11, Debian LTS until 2028-06-30), and a declared
//! supplier with and without a declared SecNumCloud qualification.

use crate::util::{fixture, layer_items, ruleset, run, sovstack, tempdir};
use serde_json::Value;

/// 2026-12-07: inside Debian 12's LTS window.
const IN_LTS: &str = "1796601600";
/// 2028-07-16: past Debian 12's LTS too.
const PAST_LTS: &str = "1847318400";

fn audit_epyc(epoch: Option<&str>, format: &str) -> String {
    let mut cmd = sovstack();
    cmd.env_remove("SOURCE_DATE_EPOCH");
    if let Some(e) = epoch {
        cmd.env("SOURCE_DATE_EPOCH", e);
    }
    let (code, out, err) = run(cmd
        .args([
            "audit",
            "--layers",
            "processor,os",
            "--format",
            format,
            "--root",
        ])
        .arg(fixture("x86-amd-epyc-debian12")));
    assert_eq!(code, 0, "{err}");
    out
}

fn os_score(report: &Value, name: &str) -> (f64, u64, Option<Value>) {
    let os = &ruleset(report, name)["layers"]["os"]["score"];
    (
        os["score"].as_f64().unwrap(),
        os["level"].as_u64().unwrap(),
        os["objectives"].get("SOV-8").cloned(),
    )
}

fn supported_findings(report: &Value) -> Vec<(String, String, Option<u64>, String)> {
    layer_items(report, "os")[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().ends_with(".os.supported"))
        .map(|f| {
            (
                f["ruleset"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["level"].as_u64(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Debian 12 past every end of support gives SOV-8 level 0, which lowers the os layer's score
/// and level and the overall score; inside its LTS window it gives level 2 and a medium finding
/// that says regular support ended and LTS continues; with no date its support is unknown and
/// SOV-8 stays not assessed, as every release was scored before.
#[test]
fn end_of_support_scores_sov_8_on_the_real_epyc_root() {
    let undated: Value = serde_json::from_str(&audit_epyc(None, "json")).unwrap();
    let lts: Value = serde_json::from_str(&audit_epyc(Some(IN_LTS), "json")).unwrap();
    let past: Value = serde_json::from_str(&audit_epyc(Some(PAST_LTS), "json")).unwrap();
    let eu = "eu-sovereignty";

    // Unknown support: not judged, SOV-8 not assessed (the os layer's 90.63 of before).
    assert_eq!(os_score(&undated, eu), (90.63, 3, None));
    let not_assessed = |r: &Value| ruleset(r, eu)["overall"]["not_assessed"].clone();
    assert!(not_assessed(&undated)
        .as_array()
        .unwrap()
        .contains(&"SOV-8".into()));
    assert!(supported_findings(&undated).is_empty());

    // Inside the LTS window: level 2, one step below the rule's severity (high -> medium).
    let (score, level, sov8) = os_score(&lts, eu);
    assert_eq!(sov8, Some(serde_json::json!({"level": 2, "score": 50.0})));
    assert_eq!((score, level), (86.11, 2));
    let f = supported_findings(&lts);
    let message = "Debian GNU/Linux 12 (bookworm) is in its extended support window: regular \
                   security support of debian 12 ended on 2026-07-11; Debian LTS continues until \
                   2028-06-30 (endoflife.date; checked as of 2026-12-07). Level 2 of 4: security \
                   fixes still come, from a narrower programme than regular support";
    assert_eq!(
        f,
        [
            (
                eu.to_string(),
                "medium".to_string(),
                Some(2),
                message.to_string()
            ),
            (
                "non-aligned".to_string(),
                "low".to_string(),
                Some(2),
                message.to_string()
            ),
        ]
    );
    assert!(!message.contains("past the end"));
    // The sobriety section counts the LTS years left.
    let window = &lts["sobriety"]["support"][0];
    assert_eq!(
        (
            &window["product"],
            &window["ended"],
            &window["extended_years_left"]
        ),
        (&"debian".into(), &true.into(), &1.6.into())
    );
    let markdown = audit_epyc(Some(IN_LTS), "markdown");
    assert!(
        markdown.contains("| ended; 1.6 years of extended support |"),
        "{markdown}"
    );

    // Past every end: level 0, the rule's severity, the layer and the overall lower.
    let (past_score, past_level, sov8) = os_score(&past, eu);
    assert_eq!(sov8, Some(serde_json::json!({"level": 0, "score": 0.0})));
    assert_eq!((past_score, past_level), (80.56, 0));
    assert!(past_score < score && score < 90.63);
    let f = supported_findings(&past);
    assert_eq!((f[0].1.as_str(), f[0].2), ("high", Some(0)));
    assert!(
        f[0].3.contains("is past the end of its support: debian 12 support ended on 2026-07-11, extended support on 2028-06-30"),
        "{f:?}"
    );
    assert!(!not_assessed(&past)
        .as_array()
        .unwrap()
        .contains(&"SOV-8".into()));
    let overall = |r: &Value| ruleset(r, eu)["overall"]["score"].as_f64().unwrap();
    assert!(
        overall(&past) < overall(&lts),
        "{} {}",
        overall(&past),
        overall(&lts)
    );
    assert_eq!(ruleset(&past, eu)["overall"]["level"], 0);

    // What to do, under the finding (table) and in the report's rule.
    let table = audit_epyc(Some(PAST_LTS), "table");
    assert!(
        table.contains("what to do: Plan the upgrade to a supported release"),
        "{table}"
    );
    let rule = ruleset(&past, eu)["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "eu.os.supported")
        .unwrap()
        .clone();
    assert!(rule["remediation"].as_str().unwrap().starts_with(
        "Plan the upgrade to a supported release (for a Debian 12 system, Debian 13)"
    ));
}

const SUPPLIER: &str = "\
services:
  - id: files
    name: File exchange
    supplier:
      name: Hetzner Online GmbH
      country: DE
    jurisdiction: DE
    data_locations: [DE]
";

fn secnumcloud(text: &str, format: &str) -> String {
    let dir = tempdir();
    let file = dir.path().join("suppliers.yaml");
    std::fs::write(&file, text).unwrap();
    let (code, out, err) = run(sovstack()
        .args([
            "audit",
            "--offline",
            "--ruleset",
            "secnumcloud",
            "--format",
            format,
        ])
        .args(["--layers", "processor,network,suppliers", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .arg("--declared")
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    out
}

/// A supplier that declares no SecNumCloud qualification holds SNC-QUAL at level 0, and the
/// overall score includes it; declared, it reaches 4 and gives no finding.
#[test]
fn an_uncertified_supplier_scores_snc_qual() {
    let report: Value = serde_json::from_str(&secnumcloud(SUPPLIER, "json")).unwrap();
    let snc = ruleset(&report, "secnumcloud");
    let overall = &snc["overall"];
    assert_eq!(
        overall["objectives"]["SNC-QUAL"],
        serde_json::json!({"level": 0, "score": 0.0})
    );
    assert!(!overall["not_assessed"]
        .as_array()
        .unwrap()
        .contains(&"SNC-QUAL".into()));
    // Three objectives assessed (19.6a and 19.2 met, the qualification not): 200 / 3.
    assert_eq!(
        (overall["score"].as_f64(), overall["level"].as_u64()),
        (Some(66.67), Some(0))
    );
    let findings = snc["layers"]["suppliers"]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(
        (
            &findings[0]["rule"],
            &findings[0]["level"],
            &findings[0]["severity"]
        ),
        (&"snc.suppliers.qualified".into(), &0.into(), &"high".into())
    );
    // What to do: shown under the finding in Markdown and HTML.
    let what = "Ask the supplier for its SecNumCloud qualification certificate and check it \
                against ANSSI's list of qualified offers";
    let markdown = secnumcloud(SUPPLIER, "markdown");
    assert!(
        markdown.contains(&format!("  - what to do: {what}")),
        "{markdown}"
    );
    let html = secnumcloud(SUPPLIER, "html");
    assert!(
        html.contains(&format!("What to do: {}", what.replace('\'', "&#39;"))),
        "{}",
        &html[html.find("What to do").unwrap_or(0)..][..300.min(html.len())]
    );

    let certified = SUPPLIER.replace(
        "    data_locations: [DE]\n",
        "    data_locations: [DE]\n    certifications: [SecNumCloud]\n",
    );
    let report: Value = serde_json::from_str(&secnumcloud(&certified, "json")).unwrap();
    let snc = ruleset(&report, "secnumcloud");
    assert_eq!(
        snc["overall"]["objectives"]["SNC-QUAL"],
        serde_json::json!({"level": 4, "score": 100.0})
    );
    assert_eq!(snc["overall"]["score"].as_f64(), Some(100.0));
    assert!(snc["layers"]["suppliers"]["findings"]
        .as_array()
        .unwrap()
        .is_empty());
}
