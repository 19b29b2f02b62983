//! Per-call overhead of a plugin evaluation: fresh store, pooled instantiation, request written
//! through `sovstack_alloc`, the call, the response copied out and (for `evaluate`) parsed.
//!
//! The plugin is `tests/wat/well_behaved.wat`, which does no work of its own, so what is measured
//! is the host. Run with `cargo bench -p sovstack-host`.

#[path = "../tests/common/mod.rs"]
mod common;

use sovstack_host::{Host, HostConfig, Plugin};

fn main() {
    divan::main();
}

fn setup() -> (Host, Plugin, sovstack_abi::EvaluateRequest) {
    let host = Host::new(HostConfig::default()).expect("host");
    let plugin = host
        .load("bench:well_behaved", &common::wasm("well_behaved"))
        .expect("load");
    (host, plugin, common::request())
}

/// `Host::evaluate`: serialise the request, run, parse the response.
#[divan::bench]
fn evaluate(bencher: divan::Bencher) {
    let (host, plugin, request) = setup();
    bencher.bench_local(|| host.evaluate(&plugin, &request).expect("evaluate"));
}

/// `Host::evaluate_raw`: run only, with the request already serialised.
#[divan::bench]
fn evaluate_raw(bencher: divan::Bencher) {
    let (host, plugin, request) = setup();
    let input = serde_json::to_vec(&request).expect("request");
    bencher.bench_local(|| host.evaluate_raw(&plugin, &input).expect("evaluate"));
}

/// `Host::load` of an already compiled module: checks, `sovstack_abi_version`, `sovstack_info`.
#[divan::bench]
fn load_cached(bencher: divan::Bencher) {
    let (host, _, _) = setup();
    let wasm = common::wasm("well_behaved");
    bencher.bench_local(|| host.load("bench:well_behaved", &wasm).expect("load"));
}
