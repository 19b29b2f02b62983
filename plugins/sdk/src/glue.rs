//! Transport: linear memory and JSON between the host and a plugin (`sovstack-abi`, "Transport").
//!
//! The host calls `sovstack_alloc(len)`, writes the request there, then calls
//! `sovstack_evaluate(ptr, len)` and reads the JSON answer at the packed pointer and length it
//! returns. Every call runs in a fresh instance that the host drops afterwards, so buffers handed
//! to the host are deliberately leaked: the instance's whole memory goes away with it.
//!
//! Nothing here panics on bad input. A request that is not valid JSON, has another ABI version, or
//! that the plugin refuses becomes an [`EvaluateResponse`] whose `error` says why; only a broken
//! host contract (a negative length) traps. Judging itself lives in [`crate::judge`].

use crate::abi::semantics::RequestRefusal;
use crate::abi::{EvaluateRequest, EvaluateResponse, PluginInfo, ABI_VERSION};

/// A plugin's evaluate function, as [`crate::export_plugin!`] receives it.
pub type EvaluateFn = fn(&EvaluateRequest) -> Result<EvaluateResponse, String>;

/// The value `sovstack_abi_version` returns.
pub fn abi_version() -> i32 {
    ABI_VERSION as i32
}

/// [`PluginInfo`] as the JSON `sovstack_info` returns.
pub fn info_json(info: &PluginInfo) -> Vec<u8> {
    // Only maps with non-string keys fail to serialize; PluginInfo has none.
    serde_json::to_vec(info).unwrap_or_else(|e| e.to_string().into_bytes())
}

/// Decodes a request, checks its ABI version, runs `evaluate` and encodes the response: the whole
/// of `sovstack_evaluate` except memory. Always returns a JSON [`EvaluateResponse`].
pub fn evaluate_json(input: &[u8], evaluate: EvaluateFn) -> Vec<u8> {
    let response = match serde_json::from_slice::<EvaluateRequest>(input) {
        Err(e) => error_response(format!(
            "{}: invalid request: {e}",
            RequestRefusal::BadRequest.code()
        )),
        Ok(request) if request.abi_version != ABI_VERSION => error_response(format!(
            "{}: request speaks ABI version {}, this plugin speaks version {ABI_VERSION}",
            RequestRefusal::AbiVersion.code(),
            request.abi_version
        )),
        Ok(request) => match evaluate(&request) {
            Ok(response) => response,
            Err(message) => error_response(message),
        },
    };
    encode(&response)
}

/// [`evaluate_json`] on a request given as a JSON value, its response read back as one: what
/// each plugin's tests call it with.
pub fn evaluate_value(request: &serde_json::Value, evaluate: EvaluateFn) -> serde_json::Value {
    let input = serde_json::to_vec(request).unwrap_or_default();
    serde_json::from_slice(&evaluate_json(&input, evaluate)).unwrap_or(serde_json::Value::Null)
}

fn error_response(message: String) -> EvaluateResponse {
    EvaluateResponse {
        error: Some(message),
        ..EvaluateResponse::default()
    }
}

fn encode(response: &EvaluateResponse) -> Vec<u8> {
    match serde_json::to_vec(response) {
        Ok(bytes) => bytes,
        // Unreachable with today's types (string-keyed maps only), but never panic: say so in JSON.
        Err(e) => {
            let fallback = error_response(format!("could not encode the response: {e}"));
            serde_json::to_vec(&fallback).unwrap_or_default()
        }
    }
}

/// `sovstack_alloc`: reserves `len` bytes and returns their address. A negative length breaks the
/// host's side of the contract and traps.
#[cfg(target_arch = "wasm32")]
pub fn alloc(len: i32) -> i32 {
    if len < 0 {
        std::process::abort();
    }
    let mut buffer = Vec::<u8>::with_capacity(len as usize);
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr as usize as i32
}

/// `sovstack_info`: the plugin's info, leaked and packed.
#[cfg(target_arch = "wasm32")]
pub fn info(info: fn() -> PluginInfo) -> i64 {
    hand_over(info_json(&info()))
}

/// `sovstack_evaluate`: reads the request at `ptr..ptr+len`, judges it, hands the answer over.
///
/// # Safety
///
/// `ptr..ptr+len` must be initialised memory of this instance, as the host guarantees by writing
/// into a region `sovstack_alloc(len)` returned.
#[cfg(target_arch = "wasm32")]
pub unsafe fn evaluate(ptr: i32, len: i32, evaluate: EvaluateFn) -> i64 {
    if len < 0 {
        std::process::abort();
    }
    let input: &[u8] = if len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller (see above).
        unsafe { std::slice::from_raw_parts(ptr as u32 as usize as *const u8, len as usize) }
    };
    hand_over(evaluate_json(input, evaluate))
}

/// Leaks `bytes` for the host to read and packs their address and length.
#[cfg(target_arch = "wasm32")]
fn hand_over(bytes: Vec<u8>) -> i64 {
    let bytes = bytes.into_boxed_slice();
    let len = bytes.len() as u32;
    let ptr = Box::into_raw(bytes) as *mut u8 as usize as u32;
    crate::abi::pack(ptr, len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{Finding, Severity};
    use serde_json::{json, Value};

    fn ok(_: &EvaluateRequest) -> Result<EvaluateResponse, String> {
        Ok(EvaluateResponse {
            findings: vec![Finding {
                rule: "r".into(),
                item: Some("cpu0".into()),
                severity: Severity::Low,
                objective: None,
                level: Some(2),
                message: "m".into(),
                actors: vec![],
            }],
            score: None,
            error: None,
        })
    }

    fn refuse(_: &EvaluateRequest) -> Result<EvaluateResponse, String> {
        Err("rule r: nope".into())
    }

    fn request(abi_version: u32) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "abi_version": abi_version,
            "layer": "processor",
            "ruleset": {"name": "r", "version": "1", "scoring": {"method": "bloc_balance"}, "rules": []},
            "items": []
        }))
        .unwrap()
    }

    fn call(input: &[u8], f: EvaluateFn) -> Value {
        let out = evaluate_json(input, f);
        // The answer must always decode as an EvaluateResponse.
        serde_json::from_slice::<EvaluateResponse>(&out).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn evaluate_json_answers_every_input_with_a_response() {
        let cases: Vec<(&str, Vec<u8>, EvaluateFn, &str)> = vec![
            ("valid", request(ABI_VERSION), ok, ""),
            ("refused", request(ABI_VERSION), refuse, "rule r: nope"),
            (
                "empty",
                Vec::new(),
                ok,
                "request/malformed: invalid request: EOF while parsing",
            ),
            (
                "not json",
                b"\xff\x00".to_vec(),
                ok,
                "request/malformed: invalid request: expected value",
            ),
            (
                "wrong shape",
                br#"{"abi_version":1}"#.to_vec(),
                ok,
                "request/malformed: invalid request: missing field",
            ),
            (
                "other abi",
                request(ABI_VERSION + 1),
                ok,
                "request/abi-version: request speaks ABI version 2",
            ),
        ];
        for (name, input, f, error) in cases {
            let v = call(&input, f);
            if error.is_empty() {
                assert_eq!(v["error"], Value::Null, "{name}");
                assert_eq!(v["findings"][0]["level"], 2, "{name}");
            } else {
                let got = v["error"].as_str().unwrap_or_default();
                assert!(got.starts_with(error), "{name}: {got}");
                assert_eq!(v["findings"], json!([]), "{name}");
            }
        }
    }

    #[test]
    fn info_json_is_the_plugin_info() {
        let info = PluginInfo {
            name: "os".into(),
            version: "0.1.0".into(),
            abi_version: ABI_VERSION,
            layers: vec!["os".into()],
            criteria: vec!["openness".into()],
            description: "d".into(),
        };
        let back: PluginInfo = serde_json::from_slice(&info_json(&info)).unwrap();
        assert_eq!(back, info);
        assert_eq!(abi_version(), 1);
    }
}
