//! The language-neutral test vectors (`plugins/vectors/LAYER/NAME.request.json` and
//! `NAME.response.json`), taken from the judge's own tests: every request those tests give a
//! built-in plugin (one that judges every criterion of [`CRITERIA`] and is named after its
//! layer) is written as JSON with the bytes the plugin answers it with, through the very glue
//! the wasm exports run ([`crate::glue::evaluate_json`]).
//!
//! A test calls [`judged`] where it would call [`evaluate`]. Without `SOVSTACK_BLESS` the files
//! must already hold what the test gives (the vectors are current); `plugins/vectors/bless.sh`
//! rewrites them all. A request JSON cannot carry (a NaN or infinite weight) is not written: a
//! vector is what any plugin can be sent.
//!
//! Tests of one criterion, which call its function directly, record their input as a request of
//! the rule's layer through [`judged_rule`].
//!
//! `NAME` is the test's name and the call's rank in it (`bloc_balance_weighs_items-2`).

use std::cell::{Cell, RefCell};
use std::path::PathBuf;

use super::{evaluate, CRITERIA};
use crate::abi::{
    AttributedItem, EvaluateRequest, EvaluateResponse, Layer, Objective, Rule, RulesetView,
    Scoring, ScoringMethod, ABI_VERSION,
};
use crate::Plugin;

thread_local! {
    /// The layer of the built-in plugin being recorded, for [`builtin_evaluate`].
    static LAYER: Cell<Option<Layer>> = Cell::new(None);
    /// The test the calls are counted for, and how many were recorded.
    static CALLS: RefCell<(String, usize)> = RefCell::new((String::new(), 0));
}

/// The built-in plugin of the layer being recorded, as `plugins/LAYER` declares it (its version
/// and description change no response).
fn builtin_evaluate(req: &EvaluateRequest) -> Result<EvaluateResponse, String> {
    let layer = LAYER.with(|l| l.get()).expect("set by judged");
    let plugin = Plugin {
        name: layer.id(),
        version: "0.0.0",
        description: "",
        layer,
        criteria: &CRITERIA,
    };
    evaluate(&plugin, req)
}

/// [`evaluate`], recording the request and the response as a test vector when `plugin` is a
/// built-in one.
pub fn judged(plugin: &Plugin, req: &EvaluateRequest) -> Result<EvaluateResponse, String> {
    let got = evaluate(plugin, req);
    if plugin.criteria == CRITERIA && plugin.name == plugin.layer.id() {
        record(plugin.layer, req);
    }
    got
}

fn record(layer: Layer, req: &EvaluateRequest) {
    let request = serde_json::to_vec_pretty(req).unwrap();
    match serde_json::from_slice::<EvaluateRequest>(&request) {
        Ok(back) if back == *req => {}
        _ => return, // not expressible in JSON
    }
    LAYER.with(|l| l.set(Some(layer)));
    let response = crate::glue::evaluate_json(&request, builtin_evaluate);
    let test = std::thread::current()
        .name()
        .and_then(|n| n.rsplit("::").next())
        .expect("a test thread is named after its test")
        .to_string();
    let rank = CALLS.with(|c| {
        let mut c = c.borrow_mut();
        if c.0 != test {
            *c = (test.clone(), 0);
        }
        c.1 += 1;
        c.1
    });
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors")
        .join(layer.id());
    let name = format!("{test}-{rank}");
    let mut request = request;
    request.push(b'\n');
    for (file, bytes) in [
        (format!("{name}.request.json"), &request),
        (format!("{name}.response.json"), &response),
    ] {
        let path = dir.join(&file);
        if std::env::var_os("SOVSTACK_BLESS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, bytes).unwrap();
        }
        let published = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run plugins/vectors/bless.sh to write the test vectors)",
                path.display()
            )
        });
        assert!(
            published == *bytes,
            "{} is stale: run plugins/vectors/bless.sh and review the diff",
            path.display()
        );
    }
}

/// The response of the built-in plugin of `rule`'s layer to a request holding `items` and that
/// one rule, under a `seal_weakest_link` ruleset declaring the rule's objective with home the
/// EU: for the tests of one criterion, which call its function directly, to record what they
/// judge as a vector of the rule's layer (and to check the whole judge finds the same).
pub fn judged_rule(rule: &Rule, items: &[AttributedItem]) -> EvaluateResponse {
    let layer = Layer::from_id(&rule.layer).expect("a layer of the ABI");
    let objective = rule.objective.clone().expect("a rule with an objective");
    let req = EvaluateRequest {
        abi_version: ABI_VERSION,
        layer: rule.layer.clone(),
        ruleset: RulesetView {
            name: "eu-sovereignty".into(),
            version: "1".into(),
            scoring: Scoring {
                method: ScoringMethod::SealWeakestLink,
                home_blocs: vec!["EU".into()],
                home_countries: Vec::new(),
                objectives: vec![Objective {
                    id: objective,
                    name: "o".into(),
                    weight: 1.0,
                }],
                poles: Vec::new(),
                commons_credit: 0.0,
                level_thresholds: Vec::new(),
            },
            rules: vec![rule.clone()],
        },
        items: items.to_vec(),
    };
    let plugin = Plugin {
        name: layer.id(),
        version: "0.0.0",
        description: "",
        layer,
        criteria: &CRITERIA,
    };
    judged(&plugin, &req).expect("a request the built-in plugin judges")
}
