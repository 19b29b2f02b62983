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
//! `NAME` is the test's name and the call's rank in it (`bloc_balance_weighs_items-2`).

use std::cell::{Cell, RefCell};
use std::path::PathBuf;

use super::{evaluate, CRITERIA};
use crate::abi::{EvaluateRequest, EvaluateResponse, Layer};
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
