//! Plugins that answer every request with a response of the test's choosing: real WebAssembly
//! modules, assembled from WAT text, that go through the real host. The host's tests
//! (`tests/validate.rs`) and the end-to-end tests (`tests/e2e/lying_plugins.rs`, which includes
//! this file) build their lying plugins here.

/// A plugin named `name` that reads `layers` and answers `sovstack_evaluate` with `response`
/// (JSON, any bytes), whatever the request.
pub fn replying(name: &str, layers: &[&str], response: &str) -> Vec<u8> {
    let layers: Vec<String> = layers.iter().map(|l| format!("\"{l}\"")).collect();
    let info = format!(
        "{{\"name\":\"{name}\",\"version\":\"0.1.0\",\"abi_version\":1,\"layers\":[{}],\
         \"criteria\":[\"jurisdiction\"],\"description\":\"Answers every request alike.\"}}",
        layers.join(",")
    );
    const INFO_AT: usize = 1024;
    const RESPONSE_AT: usize = 65536;
    const PAGE: usize = 65536;
    assert!(info.len() < RESPONSE_AT - INFO_AT);
    // The response, then room for requests (the bump allocator grows the memory as needed).
    let heap = (RESPONSE_AT + response.len()).div_ceil(PAGE) * PAGE;
    let pages = heap / PAGE + 1;
    let text = format!(
        r#"(module
  (memory (export "memory") {pages})
  (global $heap (mut i32) (i32.const {heap}))
  (data (i32.const {INFO_AT}) "{info_data}")
  (data (i32.const {RESPONSE_AT}) "{response_data}")
  (func (export "sovstack_abi_version") (result i32) (i32.const 1))
  (func (export "sovstack_alloc") (param $len i32) (result i32)
    (local $ptr i32) (local $end i32)
    (local.set $ptr (global.get $heap))
    (local.set $end (i32.add (local.get $ptr) (local.get $len)))
    (if (i32.gt_u (local.get $end) (i32.mul (memory.size) (i32.const 65536)))
      (then
        (if (i32.eq
              (memory.grow
                (i32.sub
                  (i32.div_u (i32.add (local.get $end) (i32.const 65535)) (i32.const 65536))
                  (memory.size)))
              (i32.const -1))
          (then unreachable))))
    (global.set $heap (local.get $end))
    (local.get $ptr))
  (func (export "sovstack_info") (result i64) (i64.const {info_packed}))
  (func (export "sovstack_evaluate") (param i32 i32) (result i64) (i64.const {response_packed})))"#,
        info_data = wat_string(&info),
        response_data = wat_string(response),
        info_packed = packed(INFO_AT, info.len()),
        response_packed = packed(RESPONSE_AT, response.len()),
    );
    wat::parse_str(&text).unwrap_or_else(|e| panic!("replying plugin: {e}"))
}

/// `(ptr << 32) | len`, as the exports return it.
fn packed(ptr: usize, len: usize) -> i64 {
    ((ptr as u64) << 32 | len as u64) as i64
}

/// Bytes as the contents of a WAT string: printable ASCII as is, the rest as `\hh`.
fn wat_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'"' | b'\\' => out.push_str(&format!("\\{b:02x}")),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:02x}")),
        }
    }
    out
}
