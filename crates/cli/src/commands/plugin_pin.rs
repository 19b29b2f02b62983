//! `sovstack plugin pin RULESET`: writes the ruleset with the sha256 of the plugin that judges
//! each of its layers (`plugins: {LAYER: {sha256: ...}}`), the pins evaluation then enforces
//! (`plugin/pin-mismatch`). The rest of the file, comments included, is kept as it is: only a
//! top-level `plugins:` block is replaced, and the result is validated before it is written.

use super::plugin::PinArgs;
use crate::common::{load_kb, load_plugins, new_host, vocabulary};
use crate::{exit, output};
use anyhow::{bail, Context, Result};
use sovstack_abi::Layer;
use sovstack_ruleset::{builtin_source, ValidRuleset, BUILTIN_NAMES};
use std::collections::BTreeMap;
use std::path::Path;

pub fn execute(a: PinArgs) -> Result<u8> {
    let builtin = BUILTIN_NAMES.contains(&a.ruleset.as_str()) && !Path::new(&a.ruleset).exists();
    let (origin, text) = if builtin {
        if a.in_place {
            bail!(
                "`{}` is a built-in ruleset: write the pinned copy with -o FILE",
                a.ruleset
            );
        }
        let text = builtin_source(&a.ruleset).context("a built-in ruleset has its source")?;
        (format!("builtin:{}", a.ruleset), text.to_string())
    } else {
        let text = std::fs::read_to_string(&a.ruleset)
            .with_context(|| format!("cannot read ruleset {}", a.ruleset))?;
        (a.ruleset.clone(), text)
    };
    let kb = load_kb()?;
    let vocabulary = vocabulary(&kb);
    let ruleset = ValidRuleset::from_yaml(&origin, &text, &vocabulary)?;

    let layers: Vec<Layer> = ruleset
        .layers()
        .iter()
        .filter_map(|l| Layer::from_id(l))
        .collect();
    let trust = crate::signatures::run_trust(&[&ruleset])?;
    let host = new_host()?;
    let (plugins, diags) = load_plugins(&host, Some(&layers), &a.plugins, &trust)?;
    if let Some(d) = diags.first() {
        bail!("{}: {}", d.code, d.message);
    }
    let mut pins = BTreeMap::new();
    for layer in &layers {
        // The plugin evaluation would use: the last one that reads the layer.
        let plugin = plugins
            .iter()
            .rev()
            .find(|p| p.info.layers.iter().any(|l| l == layer.id()))
            .with_context(|| format!("no plugin reads layer `{layer}`: give one with --plugin"))?;
        pins.insert(layer.id().to_string(), plugin.sha256.clone());
    }

    let keys: Vec<String> = ruleset.trusted_keys.iter().map(|k| k.key.clone()).collect();
    let pinned = with_pins(&text, &pins, &keys);
    // What is written must read back as the same ruleset with exactly these pins.
    let check = ValidRuleset::from_yaml(&origin, &pinned, &vocabulary)
        .context("the pinned ruleset does not validate (a bug: please report it)")?;
    let keys_back: Vec<&String> = check.trusted_keys.iter().map(|k| &k.key).collect();
    if check.plugin_pins != pins
        || check.rules != ruleset.rules
        || keys_back != keys.iter().collect::<Vec<_>>()
    {
        bail!("the pinned ruleset does not read back as written (a bug: please report it)");
    }
    let target = if a.in_place {
        Some(Path::new(&a.ruleset))
    } else {
        a.output.as_deref()
    };
    output::emit(target, pinned.as_bytes())?;
    Ok(exit::SUCCESS)
}

/// The comment written above the pins (and removed with them).
const PINS_COMMENT: &str = "# The plugin each layer must be judged by, by the sha256 of its \
                            module (written by `sovstack plugin pin`).";

/// `text` without its top-level `plugins:` block (the line and the indented, blank or comment
/// lines after it), with the pins appended as a new one, after the ruleset's trusted keys
/// (`plugins: trusted_keys`), which are kept.
fn with_pins(text: &str, pins: &BTreeMap<String, String>, keys: &[String]) -> String {
    let mut out = String::with_capacity(text.len() + 100 * pins.len());
    let mut skipping = false;
    for line in text.split_inclusive('\n') {
        let top_level = !line.starts_with([' ', '\t', '#', '\n', '\r']);
        if top_level {
            skipping = line.starts_with("plugins:");
        }
        if !skipping && !line.starts_with(PINS_COMMENT) {
            out.push_str(line);
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push('\n');
    out.push_str(PINS_COMMENT);
    out.push_str("\nplugins:\n");
    if !keys.is_empty() {
        out.push_str("  trusted_keys:\n");
        for key in keys {
            out.push_str(&format!("    - \"{key}\"\n"));
        }
    }
    for (layer, sha256) in pins {
        out.push_str(&format!("  {layer}:\n    sha256: {sha256}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_replace_the_old_block_and_keep_the_rest() {
        let pins = BTreeMap::from([("os".to_string(), "b".repeat(64))]);
        let text =
            "name: x # kept\nplugins:\n  os:\n    sha256: old\n\n  # a comment in it\nrules: []\n";
        let out = with_pins(text, &pins, &[]);
        assert_eq!(
            out,
            format!(
                "name: x # kept\nrules: []\n\n# The plugin each layer must be judged by, by the \
                 sha256 of its module (written by `sovstack plugin pin`).\nplugins:\n  os:\n    \
                 sha256: {}\n",
                "b".repeat(64)
            )
        );
        // Pinning twice gives the same text.
        assert_eq!(with_pins(&out, &pins, &[]), out);
        // Trusted keys are written before the pins, and kept when pinning again.
        // A public key made by Debian's minisign 0.11 (`minisign -G -W`) for this test.
        let key = "RWSXdctTK/KkTF9EmrIAGHuLJ4qDZrCpl15It450xnSkakl5D/bOaPsF".to_string();
        let with_key = with_pins(text, &pins, std::slice::from_ref(&key));
        assert!(with_key.ends_with(&format!(
            "plugins:\n  trusted_keys:\n    - \"{key}\"\n  os:\n    sha256: {}\n",
            "b".repeat(64)
        )));
        assert_eq!(with_pins(&with_key, &pins, &[key]), with_key);
    }
}
