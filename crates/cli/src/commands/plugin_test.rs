//! `sovstack plugin test PLUGIN.wasm --inventory INV --ruleset R --expect OUT.json`: a golden
//! test. The plugin judges each layer it reads with the requests `evaluate` sends
//! ([`sovstack_evaluate::Requests`]), the host checks each response as in a run
//! ([`sovstack_host::Host::evaluate`]), and the outcome is compared with the expected file:
//!
//! ```json
//! {"ruleset": "eu-sovereignty", "layers": {"os": {"findings": [...], "score": {...}, "error": null}}}
//! ```
//!
//! `--bless` writes that file instead. A difference is listed by the path of the field
//! (`layers.os.findings[2].severity`), with the expected and the actual value.

use super::plugin::TestArgs;
use crate::common::{load_kb, load_plugins, load_rulesets, new_host, read_inventory, OutputFormat};
use crate::{exit, output};
use anyhow::{bail, Context, Result};
use serde_json::{json, Map, Value};
use sovstack_evaluate::Requests;
use sovstack_report::source_date_epoch;

/// One field that differs: where, what was expected (`None`: absent), what came (`None`:
/// absent).
#[derive(Debug, PartialEq)]
pub struct Difference {
    /// `layers.os.findings[2].severity`.
    pub path: String,
    /// The expected value.
    pub expected: Option<Value>,
    /// The actual value.
    pub got: Option<Value>,
}

/// Every difference between `expected` and `got`, depth first, each object's keys sorted.
pub fn differences(expected: &Value, got: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    walk("", Some(expected), Some(got), &mut out);
    out
}

fn join(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{}]", Value::from(key)),
    }
}

fn walk(path: &str, expected: Option<&Value>, got: Option<&Value>, out: &mut Vec<Difference>) {
    match (expected, got) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                walk(&join(path, k), a.get(k), b.get(k), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            for i in 0..a.len().max(b.len()) {
                walk(&format!("{path}[{i}]"), a.get(i), b.get(i), out);
            }
        }
        (a, b) if a == b => {}
        (a, b) => out.push(Difference {
            path: if path.is_empty() {
                "(the whole document)".into()
            } else {
                path.into()
            },
            expected: a.cloned(),
            got: b.cloned(),
        }),
    }
}

/// A value for a person: compact JSON, cut at 300 bytes.
fn shown(v: &Option<Value>) -> String {
    match v {
        None => "(absent)".to_string(),
        Some(v) => {
            let s = v.to_string();
            if s.len() > 300 {
                let mut end = 300;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}... ({} bytes)", &s[..end], s.len())
            } else {
                s
            }
        }
    }
}

pub fn execute(a: TestArgs) -> Result<u8> {
    let kb = load_kb()?;
    let inventory = read_inventory(&a.inventory)?;
    let rulesets = load_rulesets(std::slice::from_ref(&a.ruleset), &kb)?;
    let ruleset = &rulesets[0];
    let expected = if a.bless {
        None
    } else {
        let text = std::fs::read_to_string(&a.expect).with_context(|| {
            format!(
                "cannot read the expected outcome {} (write it with --bless)",
                a.expect.display()
            )
        })?;
        let v: Value = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: not JSON: {e}",
                a.expect.display(),
                e.line(),
                e.column()
            )
        })?;
        match v.get("layers") {
            Some(Value::Object(_)) => Some(v),
            _ => bail!(
                "{}: no `layers` object: not an expected outcome written by `sovstack plugin test --bless`",
                a.expect.display()
            ),
        }
    };
    output::refuse_overwriting_input(
        a.bless.then_some(a.expect.as_path()),
        &[a.inventory.as_path(), a.plugin.as_path()],
    )?;

    let trust = crate::signatures::run_trust(&[ruleset])?;
    let host = new_host()?;
    let (plugins, diags) = load_plugins(&host, Some(&[]), std::slice::from_ref(&a.plugin), &trust)?;
    if let Some(d) = diags.first() {
        bail!("{}: {}", d.code, d.message);
    }
    let plugin = plugins.first().context("the plugin was loaded")?;
    let reads: Vec<sovstack_abi::Layer> = plugin
        .info
        .layers
        .iter()
        .filter_map(|l| sovstack_abi::Layer::from_id(l))
        .collect();
    for l in &a.layers {
        if !reads.contains(l) {
            bail!(
                "--layer {l}: plugin {} reads {}, not `{l}`",
                plugin.info.name,
                plugin.info.layers.join(", ")
            );
        }
    }
    let layers = if a.layers.is_empty() {
        reads
    } else {
        a.layers.clone()
    };

    let generated_at = source_date_epoch().map_err(anyhow::Error::msg)?;
    let requests = Requests::new(&kb, &inventory, generated_at.as_deref());
    let mut outcome = Map::new();
    for layer in layers {
        let Some(request) = requests.request(ruleset, layer) else {
            if a.layers.contains(&layer) {
                bail!(
                    "--layer {layer}: the inventory {} does not hold it, or ruleset {} has no rule for it",
                    a.inventory.display(),
                    ruleset.name
                );
            }
            continue;
        };
        let response = host.evaluate(plugin, &request).map_err(|e| {
            anyhow::anyhow!(
                "{}: {e} (layer `{layer}`, ruleset {})",
                e.code(),
                ruleset.name
            )
        })?;
        outcome.insert(layer.id().to_string(), serde_json::to_value(&response)?);
    }
    if outcome.is_empty() {
        bail!(
            "plugin {} reads {}: the inventory {} holds none of them with a rule in ruleset {}: nothing to test",
            plugin.info.name,
            plugin.info.layers.join(", "),
            a.inventory.display(),
            ruleset.name
        );
    }
    let got = json!({"ruleset": ruleset.name, "layers": Value::Object(outcome)});

    let Some(expected) = expected else {
        let text = serde_json::to_string_pretty(&got)? + "\n";
        output::emit(Some(&a.expect), text.as_bytes())?;
        eprintln!(
            "sovstack: wrote the outcome of plugin {} ({} layer(s)) to {}: review it",
            plugin.info.name,
            got["layers"].as_object().map_or(0, Map::len),
            a.expect.display()
        );
        return Ok(exit::SUCCESS);
    };
    let diffs = differences(&expected, &got);
    let text = match a.format {
        OutputFormat::Json => {
            let list: Vec<Value> = diffs
                .iter()
                .map(|d| json!({"path": d.path, "expected": d.expected, "got": d.got}))
                .collect();
            serde_json::to_string_pretty(&json!({
                "plugin": plugin.info.name, "expect": a.expect.display().to_string(),
                "passed": diffs.is_empty(), "differences": list,
            }))? + "\n"
        }
        OutputFormat::Table if diffs.is_empty() => format!(
            "ok: plugin {} gives the outcome of {}\n",
            plugin.info.name,
            a.expect.display()
        ),
        OutputFormat::Table => {
            let mut s = format!(
                "FAILED: plugin {} differs from {} in {} field(s):\n",
                plugin.info.name,
                a.expect.display(),
                diffs.len()
            );
            for d in &diffs {
                s.push_str(&format!(
                    "  {}\n    expected: {}\n    got:      {}\n",
                    d.path,
                    shown(&d.expected),
                    shown(&d.got)
                ));
            }
            s
        }
    };
    output::emit(None, text.as_bytes())?;
    Ok(if diffs.is_empty() {
        exit::SUCCESS
    } else {
        exit::POLICY_FAILED
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_the_path_and_both_values() {
        let a = json!({"layers": {"os": {"findings": [{"severity": "high"}, {"rule": "x"}], "score": {"score": 50}}}});
        let b = json!({"layers": {"os": {"findings": [{"severity": "medium"}], "score": {"score": 50}}, "odd key": 1}});
        let d = differences(&a, &b);
        assert_eq!(
            d,
            [
                Difference {
                    path: "layers[\"odd key\"]".into(),
                    expected: None,
                    got: Some(json!(1)),
                },
                Difference {
                    path: "layers.os.findings[0].severity".into(),
                    expected: Some(json!("high")),
                    got: Some(json!("medium")),
                },
                Difference {
                    path: "layers.os.findings[1]".into(),
                    expected: Some(json!({"rule": "x"})),
                    got: None,
                },
            ]
        );
        assert!(differences(&a, &a).is_empty());
        // 1 and 1.0 are different JSON (a plugin that changes how it writes numbers differs).
        assert_eq!(differences(&json!(1), &json!(1.0)).len(), 1);
    }
}
