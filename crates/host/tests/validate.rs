//! The host believes no response it has not checked: one lying plugin per lie, each a real
//! WebAssembly module (`common::replying`) run by the real host, each refused with
//! `plugin/invalid-response` naming the plugin and the field.

mod common;

use common::replying::replying;
use common::request;
use sovstack_abi::{
    Criterion, Criticality, EvaluateRequest, Objective, Pole, Rule, ScoringMethod, Severity,
};
use sovstack_host::{Host, HostConfig, PluginError, MAX_ERROR_BYTES};

/// The sandbox tests' request, its ruleset declaring the objectives SOV-5 and SOV-6.
fn seal_request() -> EvaluateRequest {
    let mut r = request();
    r.ruleset.scoring.objectives = ["SOV-5", "SOV-6"]
        .iter()
        .map(|id| Objective {
            id: id.to_string(),
            name: id.to_string(),
            weight: 10.0,
        })
        .collect();
    r
}

/// The same items judged by a concentration rule under `bloc_balance`, with the poles US and CN.
fn balance_request() -> EvaluateRequest {
    let mut r = request();
    let scoring = &mut r.ruleset.scoring;
    scoring.method = ScoringMethod::BlocBalance;
    scoring.home_blocs.clear();
    scoring.poles = ["US", "CN"]
        .iter()
        .map(|id| Pole {
            id: id.to_string(),
            name: id.to_string(),
            countries: vec![id.to_string()],
            blocs: vec![],
        })
        .collect();
    r.ruleset.name = "non-aligned".into();
    r.ruleset.rules = vec![Rule {
        remediation: None,
        id: "na.processor.concentration".into(),
        layer: "processor".into(),
        title: "No pole designs most of the processors".into(),
        objective: None,
        severity: Severity::Medium,
        weight: 1.0,
        criterion: Criterion::Concentration {
            roles: vec!["core_designer".into()],
            max_share: 0.5,
            max_index: 0.5,
        },
    }];
    r
}

/// A finding of the request's rule about `cpu0`, with `fields` changed.
fn finding(fields: &str) -> String {
    let mut f = serde_json::json!({
        "rule": "eu.processor.designer-jurisdiction", "item": "cpu0", "severity": "high",
        "objective": "SOV-5", "level": 2, "message": "AMD designs the core in the US.",
        "actors": [1]
    });
    let changes: serde_json::Value = serde_json::from_str(&format!("{{{fields}}}")).unwrap();
    for (k, v) in changes.as_object().unwrap() {
        f[k] = v.clone();
    }
    f.to_string()
}

/// Runs a plugin answering `response` on `req`.
fn answer(
    req: &EvaluateRequest,
    response: &str,
) -> Result<sovstack_abi::EvaluateResponse, PluginError> {
    let host = Host::new(HostConfig::default()).expect("host starts");
    let plugin = host
        .load(
            "test:liar.wasm",
            &replying("liar", &["processor"], response),
        )
        .expect("the lying plugin loads: it lies only when asked to judge");
    host.evaluate(&plugin, req)
}

/// The response is refused, naming the plugin and `field`; returns the message.
fn refused(req: &EvaluateRequest, response: &str, field: &str) -> String {
    match answer(req, response) {
        Err(e @ PluginError::InvalidResponse { .. }) => {
            assert_eq!(e.code(), "plugin/invalid-response");
            assert_eq!(e.origin(), "test:liar.wasm");
            let message = e.to_string();
            assert!(
                message.starts_with(&format!(
                    "plugin test:liar.wasm: its response is refused: `{field}`: "
                )),
                "{message}"
            );
            message
        }
        other => panic!("expected plugin/invalid-response on `{field}`, got {other:?}"),
    }
}

#[test]
fn an_honest_response_is_accepted() {
    let response = format!(
        r#"{{"findings":[{}],"score":{{"score":50.0,"level":2,"objectives":{{"SOV-5":{{"level":2,"score":50.0}}}}}}}}"#,
        finding("")
    );
    let got = answer(&seal_request(), &response).expect("accepted");
    assert_eq!(got.findings.len(), 1);
    assert_eq!(got.score.unwrap().objectives["SOV-5"].level, 2);
}

#[test]
fn a_finding_for_a_rule_that_does_not_exist_is_refused() {
    let response = format!(r#"{{"findings":[{}]}}"#, finding(r#""rule":"eu.made-up""#));
    let message = refused(&seal_request(), &response, "findings[0].rule");
    assert!(
        message
            .contains("`eu.made-up` is not a rule of ruleset eu-sovereignty for layer `processor`")
            && message.contains("`eu.processor.designer-jurisdiction`"),
        "{message}"
    );
}

#[test]
fn a_finding_for_a_rule_of_another_layer_is_refused() {
    // The request carries the layer's rules only: a rule of the os layer is no rule here.
    let response = format!(
        r#"{{"findings":[{}]}}"#,
        finding(r#""rule":"eu.os.steward-jurisdiction""#)
    );
    refused(&seal_request(), &response, "findings[0].rule");
}

#[test]
fn layer_levels_of_7_and_9_and_a_score_of_150_are_refused() {
    for (score, field) in [
        (r#"{"score":50.0,"level":7}"#, "score.level"),
        (r#"{"score":50.0,"level":9}"#, "score.level"),
        (r#"{"score":150.0,"level":2}"#, "score.score"),
        (r#"{"score":-0.5,"level":2}"#, "score.score"),
        (
            r#"{"score":50.0,"level":2,"objectives":{"SOV-5":{"level":5,"score":50.0}}}"#,
            "score.objectives.SOV-5.level",
        ),
        (
            r#"{"score":50.0,"level":2,"objectives":{"SOV-5":{"level":2,"score":100.01}}}"#,
            "score.objectives.SOV-5.score",
        ),
    ] {
        let message = refused(
            &seal_request(),
            &format!(r#"{{"findings":[],"score":{score}}}"#),
            field,
        );
        assert!(message.contains("outside"), "{message}");
    }
    // A finding's level: 0-4, and below the rule's pass level.
    let message = refused(
        &seal_request(),
        &format!(r#"{{"findings":[{}]}}"#, finding(r#""level":7"#)),
        "findings[0].level",
    );
    assert!(message.contains("pass level 3"), "{message}");
}

#[test]
fn a_share_of_3_5_and_shares_summing_past_1_are_refused() {
    let share = |shares: &str| {
        format!(
            r#"{{"findings":[],"score":{{"score":40.0,"level":1,"shares":{shares},"concentration_index":0.5}}}}"#
        )
    };
    let message = refused(
        &balance_request(),
        &share(r#"{"US":3.5}"#),
        "score.shares.US",
    );
    assert!(message.contains("3.5, outside 0..1"), "{message}");
    let message = refused(
        &balance_request(),
        &share(r#"{"CN":0.5,"US":0.6}"#),
        "score.shares",
    );
    assert!(message.contains("more than 1"), "{message}");
    // A pole the ruleset does not declare.
    refused(
        &balance_request(),
        &share(r#"{"RU":0.5}"#),
        "score.shares.RU",
    );
    // Shares of 0.50005 and 0.49995, each rounded to four decimals half away from zero, are
    // 0.5001 and 0.5: a sum just over 1 of shares that are each right.
    answer(&balance_request(), &share(r#"{"CN":0.5001,"US":0.5}"#))
        .expect("rounded shares are accepted");
    refused(
        &balance_request(),
        r#"{"findings":[],"score":{"score":40.0,"level":1,"shares":{"US":1.0},"concentration_index":1.5}}"#,
        "score.concentration_index",
    );
}

#[test]
fn an_objective_the_ruleset_does_not_declare_is_refused() {
    let message = refused(
        &seal_request(),
        r#"{"findings":[],"score":{"score":50.0,"level":2,"objectives":{"SOV-99":{"level":2,"score":50.0}}}}"#,
        "score.objectives.SOV-99",
    );
    assert!(
        message.contains("`SOV-99` is not an objective of ruleset eu-sovereignty")
            && message.contains("`SOV-5`, `SOV-6`"),
        "{message}"
    );
    // A finding's objective is its rule's.
    let message = refused(
        &seal_request(),
        &format!(r#"{{"findings":[{}]}}"#, finding(r#""objective":"SOV-99""#)),
        "findings[0].objective",
    );
    assert!(
        message.contains("rule eu.processor.designer-jurisdiction's objective is `SOV-5`"),
        "{message}"
    );
}

#[test]
fn a_finding_for_an_item_that_does_not_exist_is_refused() {
    let message = refused(
        &seal_request(),
        &format!(r#"{{"findings":[{}]}}"#, finding(r#""item":"cpu9""#)),
        "findings[0].item",
    );
    assert!(
        message.contains("`cpu9` is not an item of the request"),
        "{message}"
    );
    // Nor is a finding of an item rule without an item, nor one naming an actor it lacks.
    refused(
        &seal_request(),
        &format!(r#"{{"findings":[{}]}}"#, finding(r#""item":null"#)),
        "findings[0].item",
    );
    refused(
        &seal_request(),
        &format!(r#"{{"findings":[{}]}}"#, finding(r#""actors":[2]"#)),
        "findings[0].actors",
    );
}

#[test]
fn a_severity_raised_to_critical_is_refused_unless_the_item_is_labelled_critical() {
    let response = format!(
        r#"{{"findings":[{}]}}"#,
        finding(r#""severity":"critical""#)
    );
    let message = refused(&seal_request(), &response, "findings[0].severity");
    assert!(
        message.contains(
            "`critical`, but rule eu.processor.designer-jurisdiction's severity is `high`"
        ),
        "{message}"
    );
    // The one documented override: an item labelled critical raises the rule's severity a step.
    let mut req = seal_request();
    req.items[0].criticality = Some(Criticality::Critical);
    answer(&req, &response).expect("high, one step up, is critical");
    let lowered = format!(r#"{{"findings":[{}]}}"#, finding(""));
    let message = refused(&req, &lowered, "findings[0].severity");
    assert!(message.contains("which makes it `critical`"), "{message}");
}

#[test]
fn a_refusal_is_not_checked_and_its_text_is_capped() {
    // A refusal's findings are not read: no check, no error about them.
    let got = answer(
        &seal_request(),
        r#"{"findings":[{"rule":"x","item":"y","severity":"info","message":"m"}],"error":"request/unsupported-criterion: no"}"#,
    )
    .expect("a refusal is a response");
    assert_eq!(
        got.error.as_deref(),
        Some("request/unsupported-criterion: no")
    );
    // 1 MiB of error text keeps its first 4 KiB and says how much was cut.
    let long = "e".repeat(1 << 20);
    let got = answer(
        &seal_request(),
        &format!(r#"{{"findings":[],"error":"{long}"}}"#),
    )
    .unwrap();
    let error = got.error.unwrap();
    assert_eq!(
        error,
        format!(
            "{}... ({} bytes cut)",
            &long[..MAX_ERROR_BYTES],
            (1 << 20) - MAX_ERROR_BYTES
        )
    );
}
