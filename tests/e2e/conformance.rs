//! The conformance corpus (`tests/conformance/rulesets/`): every ruleset there goes through
//! `sovstack ruleset validate` (the real binary) and through every built-in plugin
//! (`plugins/dist/*.wasm`, run by `sovstack-host`, each shown its layer's rules as evaluation
//! shows them), and both must give the verdict the file's first line declares:
//!
//! * `# conformance: accept`: validate accepts it and no plugin refuses it;
//! * `# conformance: refuse CODE`: validate refuses it with CODE and nothing else, and a plugin
//!   refuses it with CODE (and none with another code); CODE is one of
//!   `sovstack_abi::semantics::REFUSALS`;
//! * `# conformance: refuse-by-validate CODE`: validate refuses it with CODE, and no plugin is
//!   shown the problem (the whole file or the knowledge base, which plugins never see); CODE is
//!   one of `sovstack_ruleset::HOST_REFUSALS`.
//!
//! Every code of `REFUSALS` must have a `refuse` file, so a refusal cannot be added to one side
//! only. The built-in rulesets are checked as `accept` files too.

use crate::util::*;
use sovstack_abi::semantics::REFUSALS;
use sovstack_abi::{EvaluateRequest, ABI_VERSION};
use sovstack_host::{Host, HostConfig, Plugin};
use sovstack_ruleset::{UnvalidatedRuleset, HOST_REFUSALS};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Accept,
    Refuse(String),
    RefuseByValidate(String),
}

fn declared(path: &Path, text: &str) -> Verdict {
    let first = text.lines().next().unwrap_or_default();
    let words: Vec<&str> = first
        .strip_prefix("# conformance:")
        .map(|v| v.split_whitespace().collect())
        .unwrap_or_default();
    match words.as_slice() {
        ["accept"] => Verdict::Accept,
        ["refuse", code] => Verdict::Refuse(code.to_string()),
        ["refuse-by-validate", code] => Verdict::RefuseByValidate(code.to_string()),
        _ => panic!("{}: the first line must be `# conformance: accept|refuse CODE|refuse-by-validate CODE`, not {first:?}", path.display()),
    }
}

/// The codes `sovstack ruleset validate` gives the file (empty when valid).
fn validate_codes(path: &Path) -> BTreeSet<String> {
    let (code, out, err) = run(sovstack()
        .args(["ruleset", "validate", "--format", "json"])
        .arg(path));
    let v: serde_json::Value = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("{}: {e}: {out} {err}", path.display()));
    let codes: BTreeSet<String> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        (code == 0, v["valid"] == true),
        (codes.is_empty(), codes.is_empty()),
        "{}: exit {code}, {out}",
        path.display()
    );
    codes
}

/// The codes the built-in plugins refuse the file with, each shown the rules of its layer (none
/// is asked about a layer the file has no rule for, as in evaluation); `None` when the file does
/// not parse, so that there is nothing to show them.
fn plugin_codes(
    host: &Host,
    plugins: &[Plugin],
    path: &Path,
    text: &str,
) -> Option<BTreeSet<String>> {
    let ruleset = UnvalidatedRuleset::from_yaml(&path.display().to_string(), text).ok()?;
    let mut codes = BTreeSet::new();
    for plugin in plugins {
        for layer in &plugin.info.layers {
            let view = ruleset.view_for(layer);
            if view.rules.is_empty() {
                continue;
            }
            let request = EvaluateRequest {
                abi_version: ABI_VERSION,
                layer: layer.clone(),
                ruleset: view,
                items: vec![],
            };
            let response = host
                .evaluate(plugin, &request)
                .unwrap_or_else(|e| panic!("{}: plugin {}: {e}", path.display(), plugin.info.name));
            if let Some(error) = response.error {
                let code = error.split(": ").next().unwrap().to_string();
                assert!(
                    code.starts_with("ruleset/"),
                    "{}: plugin {} refused for something else than the ruleset: {error}",
                    path.display(),
                    plugin.info.name
                );
                codes.insert(code);
            }
        }
    }
    Some(codes)
}

fn builtin_plugins(host: &Host) -> Vec<Plugin> {
    let dist = repo().join("plugins/dist");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        sovstack_abi::Layer::ALL.len(),
        "one built-in plugin per layer in {}",
        dist.display()
    );
    files
        .iter()
        .map(|f| {
            host.load(&f.display().to_string(), &std::fs::read(f).unwrap())
                .unwrap()
        })
        .collect()
}

#[test]
fn validate_and_every_built_in_plugin_give_each_corpus_ruleset_the_same_verdict() {
    let host = Host::new(HostConfig::default()).unwrap();
    let plugins = builtin_plugins(&host);
    let mut files: Vec<(PathBuf, Verdict)> = Vec::new();
    let corpus = repo().join("tests/conformance/rulesets");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        assert_eq!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml"),
            "{}: the corpus holds rulesets only",
            path.display()
        );
        let verdict = declared(&path, &std::fs::read_to_string(&path).unwrap());
        files.push((path, verdict));
    }
    for name in sovstack_ruleset::BUILTIN_NAMES {
        files.push((
            repo().join(format!("rulesets/{name}.yaml")),
            Verdict::Accept,
        ));
    }

    let abi_codes: BTreeSet<&str> = REFUSALS.iter().map(|(code, _)| *code).collect();
    let host_codes: BTreeSet<&str> = HOST_REFUSALS.iter().map(|(code, _)| *code).collect();
    let mut covered = BTreeSet::new();
    let mut failures = Vec::new();
    for (path, verdict) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let by_validate = validate_codes(path);
        let by_plugins = plugin_codes(&host, &plugins, path, &text);
        let one = |code: &str| BTreeSet::from([code.to_string()]);
        let agrees = match verdict {
            Verdict::Accept => by_validate.is_empty() && by_plugins == Some(BTreeSet::new()),
            Verdict::Refuse(code) => {
                assert!(
                    abi_codes.contains(code.as_str()),
                    "{}: `refuse {code}`: not a code of sovstack_abi::semantics::REFUSALS",
                    path.display()
                );
                covered.insert(code.clone());
                by_validate == one(code) && by_plugins == Some(one(code))
            }
            Verdict::RefuseByValidate(code) => {
                assert!(host_codes.contains(code.as_str()), "{}: `refuse-by-validate {code}`: not a code of sovstack_ruleset::HOST_REFUSALS", path.display());
                by_validate == one(code) && by_plugins.as_ref().is_none_or(|c| c.is_empty())
            }
        };
        if !agrees {
            failures.push(format!("{}: declared {verdict:?}; validate gave {by_validate:?}, the plugins {by_plugins:?}", path.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rulesets:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
    let missing: Vec<&&str> = abi_codes
        .iter()
        .filter(|c| !covered.contains(**c))
        .collect();
    assert!(
        missing.is_empty(),
        "refusals of sovstack_abi::semantics::REFUSALS with no `refuse` file in {}: {missing:?}",
        corpus.display()
    );
    assert!(files.iter().filter(|(_, v)| *v == Verdict::Accept).count() >= 4);
}
