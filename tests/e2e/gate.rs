//! The policy gate: exit 1 when a threshold is crossed, with the reasons on stderr and in JSON.

use crate::util::*;

fn audit(extra: &[&str]) -> (i32, String, String) {
    run(sovstack().args(["audit", "--format", "json", "--root"]).arg(fixture("arm-qualcomm-sdm450")).args(extra))
}

#[test]
fn fail_under_fails_below_the_score_and_passes_above() {
    let (code, out, err) = audit(&["--fail-under", "99"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("policy gate failed") && err.contains("under 99"), "{err}");
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
