//! The ABI as a specification: the messages' JSON Schemas are current and real messages
//! validate against them; the language-neutral test vectors (`plugins/vectors/`) give the same
//! responses from every built-in plugin of their layer, through the real host.

use crate::util::*;
use sovstack_abi::response::check_response;
use sovstack_abi::{EvaluateRequest, EvaluateResponse, Layer, ABI_VERSION};
use sovstack_host::{Host, HostConfig, Plugin};
use std::path::{Path, PathBuf};

/// The published schema of a message (`info`, `request`, `response`).
fn validator(message: &str) -> jsonschema::Validator {
    let path = repo()
        .join("schema")
        .join(sovstack_abi::schema::file_name(message));
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, value: &serde_json::Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:?}");
}

/// The published schemas must be what the types generate: regenerate them with
/// `SOVSTACK_BLESS=1 cargo test --test e2e plugin_abi` and review the diff. A published schema
/// is never edited: a change of the wire format gets a new ABI_VERSION, and new files.
#[test]
fn plugin_schemas_are_current() {
    for (message, schema) in sovstack_abi::schema::all() {
        let path = repo()
            .join("schema")
            .join(sovstack_abi::schema::file_name(message));
        assert!(path.ends_with(format!("plugin-{message}-{ABI_VERSION}.schema.json")));
        let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if std::env::var_os("SOVSTACK_BLESS").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let published = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with SOVSTACK_BLESS=1)", path.display()));
        assert_eq!(
            published,
            generated,
            "{} is stale: run with SOVSTACK_BLESS=1",
            path.display()
        );
        jsonschema::validator_for(&schema).unwrap();
    }
}

/// The schemas say what the types say: what the strict reading refuses, they refuse too.
#[test]
fn plugin_schemas_refuse_what_the_host_refuses() {
    let response = validator("response");
    for (json, ok) in [
        (r#"{"findings":[]}"#, true),
        (
            r#"{"findings":[],"score":null,"error":"request/malformed: x"}"#,
            true,
        ),
        (r#"{}"#, false),
        (r#"{"finding":[]}"#, false),
        (r#"{"findings":[],"scores":null}"#, false),
        (
            r#"{"findings":[{"rule":"r","item":null,"severity":"grave","message":"m"}]}"#,
            false,
        ),
        (
            r#"{"findings":[{"rule":"r","item":null,"severity":"low","message":"m"}]}"#,
            true,
        ),
        // `item` may be absent: serde reads a missing `Option` as `None`, and so does the schema.
        (
            r#"{"findings":[{"rule":"r","severity":"low","message":"m"}]}"#,
            true,
        ),
        (
            r#"{"findings":[{"rule":"r","item":null,"message":"m"}]}"#,
            false,
        ),
        (
            r#"{"findings":[],"score":{"score":50.0,"level":-1}}"#,
            false,
        ),
    ] {
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let typed = serde_json::from_str::<EvaluateResponse>(json).is_ok();
        assert_eq!(typed, ok, "the types on {json}");
        assert_eq!(response.is_valid(&value), ok, "the schema on {json}");
    }
}

/// The built-in plugins, as `plugins/build.sh` left them in `plugins/dist/`.
pub fn builtin_plugins(host: &Host) -> Vec<(PathBuf, Plugin)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo().join("plugins/dist"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .collect();
    paths.sort();
    assert_eq!(
        paths.len(),
        Layer::ALL.len(),
        "one built-in plugin per layer"
    );
    paths
        .into_iter()
        .map(|p| {
            let plugin = host
                .load(&p.display().to_string(), &std::fs::read(&p).unwrap())
                .unwrap();
            (p, plugin)
        })
        .collect()
}

/// Inventories made by the real binary from real inputs: every fixture root captured from a
/// real machine, the GLPI agent's example inventories, the SBOMs of real generators and the
/// example declaration of suppliers.
fn real_inventories() -> Vec<(String, sovstack_inventory::Inventory)> {
    let mut commands: Vec<(String, Vec<std::ffi::OsString>)> = Vec::new();
    let mut roots: Vec<PathBuf> = std::fs::read_dir(repo().join("crates/scan/testdata"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    roots.sort();
    for root in roots {
        commands.push((
            root.display().to_string(),
            vec!["--root".into(), root.into_os_string()],
        ));
    }
    for import in [
        "tests/fixtures/glpi-inventory-format/examples",
        "tests/fixtures/sbom",
    ] {
        commands.push((
            import.into(),
            vec!["--import".into(), repo().join(import).into_os_string()],
        ));
    }
    commands.push((
        "declared".into(),
        vec![
            "--declared".into(),
            repo()
                .join("tests/fixtures/declared/example.yaml")
                .into_os_string(),
        ],
    ));
    commands
        .into_iter()
        .map(|(name, args)| {
            let inv = run_json(sovstack().args(["scan", "--offline"]).args(args));
            (name, serde_json::from_value(inv).unwrap())
        })
        .collect()
}

/// The requests the host builds for real inventories (as `sovstack_evaluate::Evaluator` does,
/// for every built-in ruleset and layer with rules) validate against the request schema, and
/// the built-in plugins' real responses to them, and their info, against theirs.
#[test]
fn real_requests_and_responses_validate_against_the_schemas() {
    let (info_schema, request_schema, response_schema) = (
        validator("info"),
        validator("request"),
        validator("response"),
    );
    let host = Host::new(HostConfig::default()).unwrap();
    let plugins = builtin_plugins(&host);
    for (path, plugin) in &plugins {
        let info = serde_json::to_value(&plugin.info).unwrap();
        assert_valid(&info_schema, &info, &path.display().to_string());
    }
    let kb = sovstack_kb::Kb::builtin().unwrap();
    let rulesets = sovstack_ruleset::builtin().unwrap();
    let mut layers_seen = std::collections::BTreeSet::new();
    let mut checked = 0;
    for (name, inventory) in real_inventories() {
        for layer in inventory.layers.present() {
            let items = sovstack_evaluate::attributed_items(&kb, &inventory, layer, None);
            for ruleset in &rulesets {
                let view = ruleset.view_for(layer.id());
                if view.rules.is_empty() {
                    continue;
                }
                let request = EvaluateRequest {
                    abi_version: ABI_VERSION,
                    layer: layer.to_string(),
                    ruleset: view,
                    items: items.clone(),
                };
                let what = format!("{name}, layer {layer}, ruleset {}", ruleset.name);
                let input = serde_json::to_vec(&request).unwrap();
                let value: serde_json::Value = serde_json::from_slice(&input).unwrap();
                assert_valid(&request_schema, &value, &what);
                let (_, plugin) = plugins
                    .iter()
                    .find(|(_, p)| p.info.layers.iter().any(|l| l == layer.id()))
                    .unwrap();
                let output = host.evaluate_raw(plugin, &input).unwrap();
                let response: serde_json::Value = serde_json::from_slice(&output).unwrap();
                assert_valid(&response_schema, &response, &what);
                assert_eq!(response["error"], serde_json::Value::Null, "{what}");
                layers_seen.insert(layer.to_string());
                checked += 1;
            }
        }
    }
    eprintln!("{checked} real requests over layers {layers_seen:?}");
    assert!(checked > 50, "{checked} requests");
    assert!(layers_seen.len() >= 5, "{layers_seen:?}");
}

/// The test vectors of a layer: (name, request bytes, response bytes).
pub fn vectors(layer: &str) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let dir = repo().join("plugins/vectors").join(layer);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|f| f.strip_suffix(".request.json").map(str::to_string))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let read = |ext: &str| std::fs::read(dir.join(format!("{n}.{ext}.json"))).unwrap();
            let (request, response) = (read("request"), read("response"));
            (n, request, response)
        })
        .collect()
}

/// Every vector of a layer, fed to every built-in plugin of that layer through the real host,
/// gives the vector's response byte for byte: the plugins are built from the very SDK the
/// vectors were recorded from, so any byte of difference (a float printed otherwise by the wasm
/// build, a map in another order) is a defect. Each vector validates against the published
/// schemas, and its response passes the host's checks against its request.
#[test]
fn builtin_plugins_give_the_vectors_responses() {
    let (request_schema, response_schema) = (validator("request"), validator("response"));
    let host = Host::new(HostConfig::default()).unwrap();
    let mut run = std::collections::BTreeMap::new();
    for (path, plugin) in builtin_plugins(&host) {
        for layer in &plugin.info.layers {
            for (name, request, want) in vectors(layer) {
                let got = host.evaluate_raw(&plugin, &request).unwrap();
                assert!(
                    got == want,
                    "{} on vector {layer}/{name}:\n got  {}\n want {}",
                    path.display(),
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&want)
                );
                // The vectors are messages of the published schemas.
                let what = format!("vector {layer}/{name}");
                assert_valid(
                    &request_schema,
                    &serde_json::from_slice(&request).unwrap(),
                    &what,
                );
                assert_valid(
                    &response_schema,
                    &serde_json::from_slice(&want).unwrap(),
                    &what,
                );
                let request: EvaluateRequest = serde_json::from_slice(&request).unwrap();
                let response: EvaluateResponse = serde_json::from_slice(&want).unwrap();
                check_response(&request, &response)
                    .unwrap_or_else(|v| panic!("vector {layer}/{name}: {v:?}"));
                *run.entry(layer.clone()).or_insert(0) += 1;
            }
        }
    }
    // Every vector on disk was run, each by the plugin of its layer.
    let mut on_disk = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(repo().join("plugins/vectors")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            let layer = path.file_name().unwrap().to_str().unwrap().to_string();
            assert!(Layer::from_id(&layer).is_some(), "{}", path.display());
            on_disk.insert(layer.clone(), vectors(&layer).len());
        }
    }
    assert_eq!(run, on_disk);
    assert!(on_disk.values().sum::<usize>() >= 40, "{on_disk:?}");
}

/// The C plugin (`plugins/examples/c-processor`), built by its own `build.sh` (Debian's clang
/// for wasm32 and wasm-ld, then `plugins/check-wasm.py`) once per test binary.
pub fn c_plugin() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("c-processor");
            let status =
                std::process::Command::new(repo().join("plugins/examples/c-processor/build.sh"))
                    .arg(&out)
                    .status()
                    .expect("bash runs");
            assert!(
                status.success(),
                "plugins/examples/c-processor/build.sh failed"
            );
            out.join("c-processor.wasm")
        })
        .clone()
}

/// A response as a verdict: what the host believes and reports as judgement, without the words
/// for a person. The ABI fixes every field of a finding but its `message`, which is the plugin's
/// own sentence, and a refusal's stable code (the text before the first `: `), not its wording.
fn verdict(mut response: EvaluateResponse) -> EvaluateResponse {
    for f in &mut response.findings {
        assert!(!f.message.trim().is_empty(), "a finding without a message");
        f.message.clear();
    }
    response.error = response.error.map(|e| {
        e.split_once(": ")
            .map_or(e.clone(), |(code, _)| code.to_string())
    });
    response
}

/// The criteria a request's rules use, by name.
fn criteria(request: &EvaluateRequest) -> Vec<&'static str> {
    request
        .ruleset
        .rules
        .iter()
        .map(|r| r.criterion.name())
        .collect()
}

/// Every vector of the C plugin's layer, through the real host, gives the built-in's verdict:
/// the responses are read as the host reads them (strictly, into `EvaluateResponse`) and compared
/// whole but for the messages' wording and the refusals' wording after their code. Not byte for
/// byte: the C plugin writes its own sentences and numbers in its own spelling (`100.00` for
/// `100.0`), which the host does not see. Each response also passes the host's checks.
#[test]
fn c_plugin_gives_the_vectors_verdicts() {
    let host = Host::new(HostConfig::default()).unwrap();
    let path = c_plugin();
    let plugin = host
        .load(&path.display().to_string(), &std::fs::read(&path).unwrap())
        .unwrap();
    assert_eq!(plugin.info.layers, ["processor"]);
    let (mut run, mut skipped) = (0, Vec::new());
    for layer in &plugin.info.layers {
        for (name, request_bytes, want) in vectors(layer) {
            let request: EvaluateRequest = serde_json::from_slice(&request_bytes).unwrap();
            // A plugin is held to the vectors whose criteria it declares.
            if !criteria(&request)
                .iter()
                .all(|c| plugin.info.criteria.iter().any(|d| d == c))
            {
                skipped.push(name);
                continue;
            }
            let got = host.evaluate_raw(&plugin, &request_bytes).unwrap();
            let got: EvaluateResponse = serde_json::from_slice(&got).unwrap_or_else(|e| {
                panic!("vector {name}: {e}: {}", String::from_utf8_lossy(&got))
            });
            check_response(&request, &got)
                .unwrap_or_else(|v| panic!("vector {name}: the host refuses {v:?}"));
            let want: EvaluateResponse = serde_json::from_slice(&want).unwrap();
            assert_eq!(verdict(got), verdict(want), "vector {layer}/{name}");
            run += 1;
        }
    }
    assert!(
        run >= 40 && skipped.is_empty(),
        "{run} run, skipped {skipped:?}"
    );
}

/// `sovstack plugin inspect` reads the C plugin's manifest, finds no import and the ABI's
/// exports.
#[test]
fn c_plugin_is_inspected() {
    let path = c_plugin();
    let v = run_json(
        sovstack()
            .args(["plugin", "inspect", "--format", "json"])
            .arg(&path),
    );
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("plugins/examples/c-processor/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(v["manifest"], manifest);
    assert_eq!(v["manifest"]["name"], "c-processor");
    assert_eq!(v["imports"], serde_json::json!([]));
    let exports: Vec<&str> = v["exports"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    for name in [
        "memory",
        "sovstack_abi_version",
        "sovstack_alloc",
        "sovstack_info",
        "sovstack_evaluate",
    ] {
        assert!(exports.contains(&name), "{name} in {exports:?}");
    }
    let (code, out, err) = run(sovstack().args(["plugin", "inspect"]).arg(&path));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("c-processor"), "{out}");
}

/// `sovstack audit --plugin c-processor.wasm` on real machines' roots: the processor layer is
/// judged by the C plugin (named in the report) with the built-in's scores, levels and findings
/// (but for their wording), under both built-in rulesets, and so the same overall scores.
#[test]
fn audit_with_the_c_plugin_gives_the_builtin_scores() {
    let path = c_plugin();
    let judgement = |layer: &serde_json::Value| {
        let findings: Vec<serde_json::Value> = layer["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f.as_object_mut().unwrap().remove("message");
                f
            })
            .collect();
        (layer["score"].clone(), findings)
    };
    let mut compared = 0;
    for root in [
        "arm-apple-m1-asahi",
        "arm-server-graviton3",
        "loongarch-3a5000",
        "arm-rk3588-biglittle",
        "arm-server-phytium-ft2000plus",
        "arm-qualcomm-sdm450",
    ] {
        let builtin = run_json(
            sovstack()
                .args(["audit", "--format", "json", "--root"])
                .arg(fixture(root)),
        );
        let (code, out, err) = run(sovstack()
            .args(["audit", "--format", "json", "--root"])
            .arg(fixture(root))
            .arg("--plugin")
            .arg(&path));
        assert!(code == 0 || code == 1, "{root}: {err}");
        let c: serde_json::Value = serde_json::from_str(&out).unwrap();
        for name in ["eu-sovereignty", "non-aligned"] {
            let (b, c) = (ruleset(&builtin, name), ruleset(&c, name));
            assert_eq!(
                c["layers"]["processor"]["plugin"], "c-processor",
                "{root} {name}"
            );
            assert_eq!(
                b["layers"]["processor"]["plugin"], "processor",
                "{root} {name}"
            );
            assert_eq!(
                judgement(&c["layers"]["processor"]),
                judgement(&b["layers"]["processor"]),
                "{root} {name}"
            );
            assert!(
                !b["layers"]["processor"]["score"].is_null(),
                "{root} {name}"
            );
            assert_eq!(c["overall"], b["overall"], "{root} {name}");
            compared += 1;
        }
    }
    assert_eq!(compared, 12);
}

/// The same C plugin built to import a clock from the host (`-DSOVSTACK_IMPORT_PROBE`) is
/// refused by `plugins/check-wasm.py`, by `sovstack plugin inspect` and by `sovstack audit
/// --plugin`: what keeps the C plugin sandboxed is checked, not assumed.
#[test]
fn c_plugin_that_imports_is_refused() {
    let dir = tempdir();
    let status = std::process::Command::new("make")
        .args(["-s", "-C"])
        .arg(repo().join("plugins/examples/c-processor"))
        .arg(format!("O={}", dir.path().display()))
        .arg("EXTRA_CFLAGS=-DSOVSTACK_IMPORT_PROBE")
        .status()
        .expect("make runs");
    assert!(status.success());
    let wasm = dir.path().join("c-processor.wasm");
    let out = std::process::Command::new("python3")
        .arg(repo().join("plugins/check-wasm.py"))
        .arg(&wasm)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("env.clock_ms"), "{said}");
    let (code, out, err) = run(sovstack().args(["plugin", "inspect"]).arg(&wasm));
    assert_eq!(code, 2, "{err}");
    assert!(
        out.contains("REFUSED: a plugin must import nothing"),
        "{out}"
    );
    assert!(err.contains("plugin/import-not-allowed"), "{err}");
    let (code, _, err) = run(sovstack()
        .args(["audit", "--root"])
        .arg(fixture("arm-server-graviton3"))
        .arg("--plugin")
        .arg(&wasm));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("plugin/import-not-allowed") && err.contains("env::clock_ms"),
        "{err}"
    );
}
