//! Fuzzes what the host does with a plugin's response (`sovstack_abi::response`): any bytes a
//! plugin returns are parsed as an `EvaluateResponse` and checked against a request built from
//! the built-in eu-sovereignty and non-aligned rulesets' processor rules and two items. Nothing
//! panics; a violation names a field of the response; a response that passes has only findings
//! of the request's rules and items, and scores, levels and shares in range; the error text is
//! capped.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_abi::response::{cap_error, check_response, MAX_ERROR_BYTES};
use sovstack_abi::{
    Actor, AttributedItem, Criticality, EvaluateRequest, EvaluateResponse, Governance, ABI_VERSION,
};
use std::sync::OnceLock;

fn requests() -> &'static [EvaluateRequest; 2] {
    static REQUESTS: OnceLock<[EvaluateRequest; 2]> = OnceLock::new();
    REQUESTS.get_or_init(|| {
        let kb = sovstack_kb::Kb::builtin().expect("the built-in knowledge base");
        let vocabulary = sovstack_ruleset::Vocabulary {
            blocs: kb.blocs().iter().map(|b| b.id.clone()).collect(),
            countries: kb
                .countries()
                .map(|c| c.code.as_str().to_string())
                .collect(),
        };
        let actor = |role: &str, country: &str| Actor {
            role: role.into(),
            name: Some("Org".into()),
            country: Some(country.into()),
            blocs: vec![],
            laws: vec![],
            governance: Governance::Company,
            country_name: None,
            law_names: vec![],
            registered_country: None,
            share: None,
        };
        let items = vec![
            AttributedItem {
                id: "cpu0".into(),
                label: "A".into(),
                actors: vec![actor("core_designer", "US"), actor("foundry", "TW")],
                weight: None,
                not_assessed: None,
                criticality: Some(Criticality::Critical),
                support_ended: None,
                support_extended: None,
                supported: false,
                support_years_left: None,
                contradictions: vec![],
                certifications: vec![],
                routes: None,
            },
            AttributedItem {
                id: "cpu1".into(),
                label: "B".into(),
                actors: vec![actor("core_designer", "FR")],
                weight: Some(2.0),
                not_assessed: None,
                criticality: None,
                support_ended: None,
                support_extended: None,
                supported: false,
                support_years_left: None,
                contradictions: vec![],
                certifications: vec![],
                routes: None,
            },
        ];
        ["eu-sovereignty", "non-aligned"].map(|name| {
            let ruleset = sovstack_ruleset::builtin_named(name, &vocabulary)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            EvaluateRequest {
                abi_version: ABI_VERSION,
                layer: "processor".into(),
                ruleset: ruleset.view_for("processor"),
                items: items.clone(),
            }
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let request = &requests()[usize::from(which % 2)];
    let Ok(response) = serde_json::from_slice::<EvaluateResponse>(bytes) else {
        if let Ok(text) = std::str::from_utf8(bytes) {
            let capped = cap_error(text);
            assert!(capped.len() <= MAX_ERROR_BYTES + 40, "{}", capped.len());
        }
        return;
    };
    match check_response(request, &response) {
        Err(v) => assert!(
            v.field.starts_with("findings[") || v.field.starts_with("score"),
            "{v:?}"
        ),
        Ok(()) if response.error.is_none() => {
            for f in &response.findings {
                assert!(request.ruleset.rules.iter().any(|r| r.id == f.rule));
                if let Some(item) = &f.item {
                    assert!(request.items.iter().any(|i| &i.id == item));
                }
                assert!(f.level.map_or(true, |l| l <= 4));
            }
            if let Some(s) = &response.score {
                assert!((0.0..=100.0).contains(&s.score) && s.level <= 4);
                assert!(s.shares.values().all(|x| (0.0..=1.0).contains(x)));
            }
        }
        Ok(()) => {}
    }
});
