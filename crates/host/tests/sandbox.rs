//! The sandbox against hand-written plugins, one per behaviour (`tests/wat/*.wat`). Each test
//! asserts the error code the behaviour must produce.

mod common;

use std::time::{Duration, Instant};

use common::{request, wasm};
use sha2::{Digest, Sha256};
use sovstack_host::{Host, HostConfig, Plugin, PluginError};

fn host() -> Host {
    host_with(HostConfig::default())
}

fn host_with(config: HostConfig) -> Host {
    Host::new(config).expect("host starts")
}

fn origin(name: &str) -> String {
    format!("test:{name}")
}

fn load(host: &Host, name: &str) -> Plugin {
    host.load(&origin(name), &wasm(name))
        .unwrap_or_else(|e| panic!("{name} loads: {e}"))
}

/// Loading `name` fails; checks the message names the plugin.
fn load_error(host: &Host, name: &str) -> PluginError {
    let err = host.load(&origin(name), &wasm(name)).expect_err(name);
    assert_origin(&err, name);
    err
}

/// `name` loads, and evaluating the small request fails.
fn evaluate_error(host: &Host, name: &str) -> PluginError {
    let plugin = load(host, name);
    let err = host.evaluate(&plugin, &request()).expect_err(name);
    assert_origin(&err, name);
    err
}

fn assert_origin(err: &PluginError, name: &str) {
    assert_eq!(err.origin(), origin(name));
    assert!(
        err.to_string()
            .starts_with(&format!("plugin {}: ", origin(name))),
        "{err}"
    );
}

fn assert_contains(err: &PluginError, parts: &[&str]) {
    let message = err.to_string();
    for part in parts {
        assert!(
            message.contains(part),
            "{message:?} should contain {part:?}"
        );
    }
}

#[test]
fn well_behaved_plugin_loads_and_evaluates() {
    let host = host();
    let bytes = wasm("well_behaved");
    let plugin = load(&host, "well_behaved");
    assert_eq!(plugin.info.name, "wat-fixture");
    assert_eq!(plugin.info.abi_version, sovstack_abi::ABI_VERSION);
    assert_eq!(plugin.info.layers, ["processor"]);
    assert_eq!(plugin.sha256, hex::encode(Sha256::digest(&bytes)));
    assert_eq!(plugin.size, bytes.len());
    assert_eq!(plugin.origin, "test:well_behaved");

    let response = host.evaluate(&plugin, &request()).expect("evaluates");
    assert_eq!(response.findings.len(), 1);
    assert_eq!(
        response.findings[0].rule,
        "eu.processor.designer-jurisdiction"
    );
    assert_eq!(response.findings[0].item.as_deref(), Some("cpu0"));
    assert_eq!(response.score.expect("score").level, 1);
    assert_eq!(response.error, None);
}

#[test]
fn request_reaches_the_plugin_intact() {
    let host = host();
    let plugin = load(&host, "echo");
    let small = serde_json::to_vec(&request()).unwrap();
    assert_eq!(host.evaluate_raw(&plugin, &small).unwrap(), small);
    // Larger than the plugin's initial 64 KiB: its allocator grows the memory first.
    let large: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(host.evaluate_raw(&plugin, &large).unwrap(), large);
}

#[test]
fn endless_loop_runs_out_of_fuel() {
    // The default fuel, and a deadline far enough not to race it on a busy machine.
    let host = host_with(HostConfig {
        timeout: Duration::from_secs(60),
        ..HostConfig::default()
    });
    let err = evaluate_error(&host, "infinite_loop");
    assert_eq!(err.code(), "plugin/out-of-fuel", "{err}");
    assert_contains(&err, &["1000000000 units"]);
}

#[test]
fn endless_loop_with_unbounded_fuel_times_out() {
    let timeout = Duration::from_millis(200);
    let host = host_with(HostConfig {
        fuel: HostConfig::MAX_FUEL,
        timeout,
        ..HostConfig::default()
    });
    let plugin = load(&host, "infinite_loop");
    let started = Instant::now();
    let err = host.evaluate(&plugin, &request()).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(err.code(), "plugin/timeout", "{err}");
    assert!(
        elapsed >= timeout / 2 && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
    assert_contains(&err, &["200ms"]);
}

#[test]
fn endless_start_function_is_stopped_at_load() {
    // A deadline far enough not to race the fuel on a machine busy with parallel tests.
    let host = host_with(HostConfig {
        timeout: Duration::from_secs(60),
        ..HostConfig::default()
    });
    let err = load_error(&host, "start_loop");
    assert_eq!(err.code(), "plugin/out-of-fuel", "{err}");
}

#[test]
fn unreachable_is_a_trap() {
    let err = evaluate_error(&host(), "trap");
    assert_eq!(err.code(), "plugin/trap", "{err}");
    assert_contains(&err, &["unreachable", "evaluate"]);
}

#[test]
fn endless_recursion_is_a_trap() {
    let err = evaluate_error(&host(), "recursion");
    assert_eq!(err.code(), "plugin/trap", "{err}");
    assert_contains(&err, &["stack"]);
}

#[test]
fn memory_growth_stops_at_the_cap() {
    for cap in [4 << 20, HostConfig::DEFAULT_MEMORY_BYTES] {
        let host = host_with(HostConfig {
            memory_bytes: cap,
            ..HostConfig::default()
        });
        match evaluate_error(&host, "memory_hog") {
            PluginError::MemoryLimit { desired, limit, .. } => {
                assert_eq!(limit, cap as u64);
                assert!(desired > limit);
            }
            other => panic!(
                "expected plugin/memory-limit, got {} ({other})",
                other.code()
            ),
        }
    }
}

#[test]
fn initial_memory_over_the_cap_is_refused() {
    let host = host_with(HostConfig {
        memory_bytes: 1 << 20,
        ..HostConfig::default()
    });
    // well_behaved.wat with 32 initial pages (2 MiB) instead of one.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/wat/well_behaved.wat"
    ))
    .unwrap()
    .replace(
        r#"(memory (export "memory") 1)"#,
        r#"(memory (export "memory") 32)"#,
    );
    let err = host
        .load("test:big_memory", &wat::parse_str(&text).unwrap())
        .unwrap_err();
    assert_eq!(err.code(), "plugin/memory-limit", "{err}");
}

#[test]
fn pointer_outside_memory_is_refused() {
    let err = evaluate_error(&host(), "bad_pointer");
    assert_eq!(err.code(), "plugin/bad-pointer", "{err}");
    assert_contains(&err, &["sovstack_evaluate", "0xffff0000"]);
}

#[test]
fn allocation_outside_memory_is_refused() {
    let err = evaluate_error(&host(), "bad_alloc");
    assert_eq!(err.code(), "plugin/bad-pointer", "{err}");
    assert_contains(&err, &["sovstack_alloc"]);
}

#[test]
fn oversized_output_length_is_refused() {
    let err = evaluate_error(&host(), "huge_output");
    assert_eq!(err.code(), "plugin/output-too-large", "{err}");
    assert_contains(&err, &["2147483647 bytes"]);
}

#[test]
fn output_cap_applies_to_evaluate_and_info() {
    let host = host_with(HostConfig {
        max_output_bytes: 1000,
        ..HostConfig::default()
    });
    let echo = load(&host, "echo");
    assert_eq!(host.evaluate_raw(&echo, &[b' '; 1000]).unwrap().len(), 1000);
    // An evaluation's cap grows with its request (4 bytes per request byte): the echo of 1001
    // bytes fits the grown 4004-byte cap. `oversized_output_length_is_refused` is its refusal.
    assert_eq!(host.evaluate_raw(&echo, &[b' '; 1001]).unwrap().len(), 1001);

    // The 168-byte PluginInfo is over a 100-byte cap.
    let host = host_with(HostConfig {
        max_output_bytes: 100,
        ..HostConfig::default()
    });
    let err = load_error(&host, "well_behaved");
    assert_eq!(err.code(), "plugin/output-too-large", "{err}");
    assert_contains(&err, &["sovstack_info"]);
}

#[test]
fn malformed_json_is_refused() {
    let err = evaluate_error(&host(), "malformed_output");
    assert_eq!(err.code(), "plugin/malformed-output", "{err}");
}

#[test]
fn missing_export_is_named() {
    let err = load_error(&host(), "missing_export");
    assert_eq!(err.code(), "plugin/missing-export", "{err}");
    assert_contains(&err, &["`sovstack_evaluate`", "(i32, i32) -> i64"]);
}

#[test]
fn wrong_export_signature_is_described() {
    let err = load_error(&host(), "bad_signature");
    assert_eq!(err.code(), "plugin/bad-export-signature", "{err}");
    assert_contains(
        &err,
        &[
            "`sovstack_evaluate`",
            "a function (i32) -> i32",
            "(i32, i32) -> i64",
        ],
    );
}

#[test]
fn other_abi_version_is_refused() {
    let err = load_error(&host(), "wrong_abi");
    assert_eq!(err.code(), "plugin/abi-mismatch", "{err}");
    assert_contains(
        &err,
        &["sovstack_abi_version", "ABI version 2", "speaks version 1"],
    );
}

#[test]
fn info_declaring_other_abi_version_is_refused() {
    let err = load_error(&host(), "info_wrong_abi");
    assert_eq!(err.code(), "plugin/abi-mismatch", "{err}");
    assert_contains(&err, &["sovstack_info", "ABI version 7"]);
}

#[test]
fn unusable_info_is_refused() {
    let err = load_error(&host(), "bad_info");
    assert_eq!(err.code(), "plugin/bad-info", "{err}");
}

#[test]
fn wasi_import_is_refused() {
    let err = load_error(&host(), "wasi_import");
    assert_eq!(err.code(), "plugin/import-not-allowed", "{err}");
    assert_contains(&err, &["`wasi_snapshot_preview1::fd_write`"]);
}

#[test]
fn bytes_that_are_not_wasm_are_refused() {
    let err = host()
        .load("test:garbage", b"\0asm but not really")
        .unwrap_err();
    assert_eq!(err.code(), "plugin/compile-failed", "{err}");
    assert_eq!(err.origin(), "test:garbage");
    assert!(!err.to_string().contains('\n'), "one line: {err}");
}

#[test]
fn a_file_that_is_not_wasm_is_said_so_in_one_line() {
    let err = host().load("notes.txt", b"hello, world\n").unwrap_err();
    assert_eq!(err.code(), "plugin/compile-failed", "{err}");
    assert_eq!(
        err.to_string(),
        "plugin notes.txt: cannot compile the WebAssembly module: the file is not WebAssembly \
         (a .wasm module starts with the bytes 00 61 73 6d, \"\\0asm\"; this one starts with \
         68 65 6c 6c)"
    );
    let err = host().load("empty.wasm", b"").unwrap_err();
    assert!(
        err.to_string()
            .ends_with("this one starts with nothing (the file is empty))"),
        "{err}"
    );
}

#[test]
fn failing_plugins_do_not_disturb_the_host() {
    let host = host_with(HostConfig {
        fuel: 50_000_000,
        timeout: Duration::from_secs(60),
        ..HostConfig::default()
    });
    let good = load(&host, "well_behaved");
    let expected = host.evaluate(&good, &request()).unwrap();
    for (name, code) in [
        ("infinite_loop", "plugin/out-of-fuel"),
        ("trap", "plugin/trap"),
        ("recursion", "plugin/trap"),
        ("memory_hog", "plugin/memory-limit"),
        ("bad_pointer", "plugin/bad-pointer"),
        ("malformed_output", "plugin/malformed-output"),
    ] {
        let bad = load(&host, name);
        for _ in 0..2 {
            // The same failure each time: a failed call leaves nothing behind.
            assert_eq!(
                host.evaluate(&bad, &request()).unwrap_err().code(),
                code,
                "{name}"
            );
            assert_eq!(
                host.evaluate(&good, &request()).unwrap(),
                expected,
                "after {name}"
            );
        }
    }
}

#[test]
fn state_does_not_leak_between_calls() {
    let host = host();
    let plugin = load(&host, "counter");
    for _ in 0..3 {
        let response = host.evaluate(&plugin, &request()).unwrap();
        assert_eq!(response.error.as_deref(), Some("calls=1,1"));
    }
}

#[test]
fn concurrent_evaluations_beyond_the_pool_wait_their_turn() {
    let host = host();
    let plugin = load(&host, "well_behaved");
    let expected = host.evaluate(&plugin, &request()).unwrap();
    std::thread::scope(|scope| {
        for _ in 0..24 {
            scope.spawn(|| {
                for _ in 0..10 {
                    assert_eq!(host.evaluate(&plugin, &request()).unwrap(), expected);
                }
            });
        }
    });
}

#[test]
fn plugin_of_another_host_is_refused() {
    let plugin = load(&host(), "well_behaved");
    let err = host().evaluate(&plugin, &request()).unwrap_err();
    assert_eq!(err.code(), "plugin/instantiate-failed", "{err}");
}

#[test]
fn same_bytes_load_twice() {
    let host = host();
    let a = load(&host, "well_behaved");
    let b = host.load("test:again", &wasm("well_behaved")).unwrap();
    assert_eq!(a.sha256, b.sha256);
    assert_eq!(b.origin, "test:again");
    assert_eq!(
        host.evaluate(&a, &request()).unwrap(),
        host.evaluate(&b, &request()).unwrap()
    );
}

#[test]
fn invalid_config_is_refused() {
    let err = Host::new(HostConfig {
        memory_bytes: 0,
        ..HostConfig::default()
    })
    .unwrap_err();
    assert_eq!(err.code(), "host/invalid-config", "{err}");
}

#[test]
fn dropping_the_host_stops_its_ticker_promptly() {
    let host = host();
    let started = Instant::now();
    drop(host);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_evaluation_says_what_it_cost() {
    let host = host_with(HostConfig {
        timeout: Duration::from_secs(60),
        ..HostConfig::default()
    });
    let plugin = load(&host, "well_behaved");
    let first = host.evaluate_measured(&plugin, &request());
    let usage = first.usage.expect("measured");
    assert!(first.result.is_ok());
    // A few dozen instructions of its allocator; one page of memory, never grown.
    assert!(usage.fuel > 0 && usage.fuel < 1_000, "{usage:?}");
    assert_eq!(usage.memory_peak_bytes, 65_536);
    assert_eq!(usage.fuel_limit, HostConfig::DEFAULT_FUEL);
    assert_eq!(
        usage.memory_limit_bytes,
        HostConfig::DEFAULT_MEMORY_BYTES as u64
    );
    // Deterministic: the same request costs the same again.
    let again = host.evaluate_measured(&plugin, &request()).usage.unwrap();
    assert_eq!(
        (again.fuel, again.memory_peak_bytes),
        (usage.fuel, usage.memory_peak_bytes)
    );
    // A request larger than its memory makes it grow, and the peak says so.
    let echo = load(&host, "echo");
    let large: Vec<u8> = vec![b' '; 300_000];
    let mut req = request();
    req.items[0].label = String::from_utf8(large).unwrap();
    let grown = host.evaluate_measured(&echo, &req).usage.unwrap();
    assert!(grown.memory_peak_bytes > 300_000, "{grown:?}");
    // A plugin that runs out of fuel spent all of it.
    let looping = load(&host, "infinite_loop");
    let out = host.evaluate_measured(&looping, &request());
    assert_eq!(out.result.unwrap_err().code(), "plugin/out-of-fuel");
    assert_eq!(out.usage.unwrap().fuel, HostConfig::DEFAULT_FUEL);
}
