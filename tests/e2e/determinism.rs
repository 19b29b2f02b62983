//! Same inputs, same rulesets, same plugins: byte-identical reports. A time appears only from
//! SOURCE_DATE_EPOCH.

use crate::util::*;

#[test]
fn reports_are_byte_identical_between_runs() {
    for args in [
        vec!["audit", "--format", "json"],
        vec!["audit"],
        vec!["scan"],
    ] {
        let (_, a, _) = run(sovstack().args(&args));
        let (_, b, _) = run(sovstack().args(&args));
        assert!(!a.is_empty());
        assert_eq!(a, b, "{args:?} differs between runs on the live host");
    }
    let root = fixture("arm-server-phytium-ft2000plus");
    let (_, a, _) = run(sovstack()
        .args(["audit", "--format", "json", "--root"])
        .arg(&root));
    let (_, b, _) = run(sovstack()
        .args(["audit", "--format", "json", "--root"])
        .arg(&root));
    assert_eq!(a, b);
}

#[test]
fn the_only_time_comes_from_source_date_epoch() {
    let root = fixture("os-ubuntu-24.04");
    let v = run_json(
        sovstack()
            .args(["audit", "--format", "json", "--root"])
            .arg(&root),
    );
    assert!(v.get("generated_at").is_none());
    let v = run_json(
        sovstack()
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .args(["audit", "--format", "json", "--root"])
            .arg(&root),
    );
    assert_eq!(v["generated_at"], "2023-11-14T22:13:20Z");
    let v = run_json(
        sovstack()
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .args(["scan", "--root"])
            .arg(&root),
    );
    assert_eq!(v["generated_at"], "2023-11-14T22:13:20Z");
    let (code, _, err) = run(sovstack()
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(["scan", "--root"])
        .arg(&root));
    assert_eq!(code, 2);
    assert!(err.contains("SOURCE_DATE_EPOCH"), "{err}");
}
