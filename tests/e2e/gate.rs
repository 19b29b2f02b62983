//! The policy gate: exit 1 when a threshold is crossed, with the reasons on stderr and in JSON.

use crate::util::*;

fn audit(extra: &[&str]) -> (i32, String, String) {
    run(sovstack()
        .args(["audit", "--format", "json", "--root"])
        .arg(fixture("arm-qualcomm-sdm450"))
        .args(extra))
}

#[test]
fn fail_under_fails_below_the_score_and_passes_above() {
    let (code, out, err) = audit(&["--fail-under", "99"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("policy gate failed") && err.contains("under 99"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["gate"]["passed"], false);

    let (code, out, _) = audit(&["--fail-under", "0"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["gate"]["passed"], true);
}

#[test]
fn fail_on_counts_findings_at_or_above_the_severity() {
    let (code, _, err) = audit(&["--fail-on", "high"]);
    assert_eq!(code, 1);
    assert!(err.contains("severity high"), "{err}");
    // The built-in rulesets have no critical rule.
    let (code, _, err) = audit(&["--fail-on", "critical"]);
    assert_eq!(code, 0, "{err}");
}

/// The reasons come ruleset by ruleset in the order the rulesets were given, each with its score
/// first and then its severities from the most severe down, on stderr and in the JSON alike.
#[test]
fn gate_reasons_come_in_a_stable_order() {
    for order in [
        ["eu-sovereignty", "non-aligned"],
        ["non-aligned", "eu-sovereignty"],
    ] {
        let (code, out, err) = audit(&[
            "--fail-under",
            "99",
            "--fail-on",
            "low",
            "--ruleset",
            order[0],
            "--ruleset",
            order[1],
        ]);
        assert_eq!(code, 1, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let reasons: Vec<&str> = v["gate"]["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        let rank = |r: &str| {
            let ruleset = order
                .iter()
                .position(|n| r.starts_with(&format!("{n}:")))
                .expect("names its ruleset");
            let what = ["overall score", "critical", "high", "medium", "low"]
                .iter()
                .position(|w| r.contains(w))
                .expect("a known reason");
            (ruleset, what)
        };
        let ranks: Vec<_> = reasons.iter().map(|r| rank(r)).collect();
        let mut sorted = ranks.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(ranks, sorted, "{order:?}: {reasons:#?}");
        assert!(
            ranks.iter().any(|r| r.0 == 0) && ranks.iter().any(|r| r.0 == 1),
            "{reasons:#?}"
        );
        let printed: Vec<&str> = err
            .lines()
            .filter_map(|l| l.strip_prefix("sovstack: policy gate failed: "))
            .collect();
        assert_eq!(printed, reasons);
    }
}

/// `--fail-under` compares the score as the report shows it (one decimal): on the real EPYC
/// root, the non-aligned overall score has two decimals, and a threshold equal to its shown
/// value passes while the next tenth fails, the message naming both values.
#[test]
fn fail_under_compares_the_score_as_shown() {
    let audit = |extra: &[&str]| {
        run(sovstack()
            .args([
                "audit",
                "--format",
                "json",
                "--ruleset",
                "non-aligned",
                "--root",
            ])
            .arg(fixture("x86-amd-epyc-debian12"))
            .args(extra))
    };
    let (code, out, err) = audit(&[]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let score = v["rulesets"][0]["overall"]["score"].as_f64().unwrap();
    let shown = format!("{score:.1}");
    let shown_value: f64 = shown.parse().unwrap();
    // The case the gate got wrong: the unrounded score is below what is shown.
    assert!(score < shown_value, "{score} shown {shown}");
    let (code, out, err) = audit(&["--fail-under", &shown]);
    assert_eq!(code, 0, "--fail-under {shown} on a shown {shown}: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["gate"]["passed"], true);
    let above = format!("{}", ((shown_value + 0.1) * 10.0).round() / 10.0);
    let (code, _, err) = audit(&["--fail-under", &above]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "non-aligned: overall score {shown} (as shown; {score} unrounded) is under {above}"
        )),
        "{err}"
    );
}
