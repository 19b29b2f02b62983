//! `sovstack plugin inspect FILE.wasm`: what a plugin module is, read without running it
//! (`sovstack_host::inspect`): sha256, size, manifest, imports, exports, sections.

use super::plugin::InspectArgs;
use crate::common::OutputFormat;
use crate::{exit, output};
use anyhow::{Context, Result};
use sovstack_host::{codes, Inspection};
use std::fmt::Write as _;

pub fn execute(a: InspectArgs) -> Result<u8> {
    let wasm =
        std::fs::read(&a.file).with_context(|| format!("cannot read {}", a.file.display()))?;
    let file = a.file.display().to_string();
    let i = sovstack_host::inspect(&wasm).with_context(|| file.clone())?;
    let text = match a.format {
        OutputFormat::Json => serde_json::to_string_pretty(&json(&file, &i))? + "\n",
        OutputFormat::Table => table(&file, &i),
    };
    output::emit(None, text.as_bytes())?;
    let mut code = exit::SUCCESS;
    if let Some(first) = i.imports.first() {
        eprintln!(
            "sovstack: error: {}: {file} IMPORTS {} item(s), the first `{}::{}`: sovstack refuses \
             to load a plugin that imports anything (the host offers no WASI, clock, filesystem, \
             network or environment)",
            codes::IMPORT_NOT_ALLOWED,
            i.imports.len(),
            first.module,
            first.name
        );
        code = exit::USAGE_OR_INPUT;
    }
    if let Some(Err(e)) = &i.manifest {
        eprintln!("sovstack: error: {}: {file}: {e}", codes::BAD_MANIFEST);
        code = exit::USAGE_OR_INPUT;
    }
    Ok(code)
}

fn json(file: &str, i: &Inspection) -> serde_json::Value {
    let (manifest, manifest_error) = match &i.manifest {
        None => (serde_json::Value::Null, serde_json::Value::Null),
        Some(Ok(m)) => (serde_json::json!(m), serde_json::Value::Null),
        Some(Err(e)) => (serde_json::Value::Null, serde_json::json!(e)),
    };
    serde_json::json!({
        "file": file,
        "sha256": i.sha256,
        "size": i.size,
        "manifest": manifest,
        "manifest_error": manifest_error,
        "imports": i.imports.iter().map(|m| serde_json::json!({
            "module": m.module, "name": m.name, "kind": m.kind,
        })).collect::<Vec<_>>(),
        "exports": i.exports.iter().map(|(name, kind)| serde_json::json!({
            "name": name, "kind": kind,
        })).collect::<Vec<_>>(),
        "sections": i.sections.iter().map(|(name, size)| serde_json::json!({
            "name": name, "size": size,
        })).collect::<Vec<_>>(),
    })
}

fn table(file: &str, i: &Inspection) -> String {
    let mut t = String::new();
    // Writing to a String cannot fail.
    let mut line = |k: &str, v: &str| {
        let _ = writeln!(t, "{k:<14}{v}");
    };
    line("file", file);
    line("sha256", &i.sha256);
    line("size", &format!("{} bytes", i.size));
    match &i.manifest {
        None => line(
            "manifest",
            "none (no sovstack_manifest section: the module does not describe itself)",
        ),
        Some(Err(e)) => line("manifest", &format!("MALFORMED: {e}")),
        Some(Ok(m)) => {
            line("name", &m.name);
            line("version", &m.version);
            line("abi version", &m.abi_version.to_string());
            line("layers", &m.layers.join(", "));
            line("authors", &m.authors.join(", "));
            line("license", &m.license);
            line("source", &m.source);
            line("description", &m.description);
        }
    }
    if i.imports.is_empty() {
        line("imports", "none");
    } else {
        line(
            "imports",
            &format!(
                "{} — REFUSED: a plugin must import nothing",
                i.imports.len()
            ),
        );
        for m in &i.imports {
            line("", &format!("{}::{} ({})", m.module, m.name, m.kind));
        }
    }
    line("exports", &i.exports.len().to_string());
    for (name, kind) in &i.exports {
        line("", &format!("{name} ({kind})"));
    }
    line("sections", &i.sections.len().to_string());
    for (name, size) in &i.sections {
        line("", &format!("{name} ({size} bytes)"));
    }
    t
}
