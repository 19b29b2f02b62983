//! `sovstack --version`: the program's version and those of everything a report depends on: the
//! knowledge base, the built-in rulesets and plugins, and each data pack with the directory the
//! lookup finds it in (`-V` prints the first line only).

use crate::common::{load_kb, load_plugins, load_rulesets, new_host};
use crate::config::Config;
use crate::data_packs;
use anyhow::Result;
use sovstack_evaluate::plugin_ref;
use std::fmt::Write;
use std::path::Path;

/// The first line: `sovstack VERSION`.
pub fn short() -> String {
    format!("sovstack {}\n", env!("CARGO_PKG_VERSION"))
}

/// Every line. `config` is `--config`, whose `data_dir` takes part in the lookup.
pub fn long(config: Option<&Path>) -> Result<String> {
    let kb = load_kb()?;
    let mut s = short();
    // A broken configuration file does not hide the version: it is one more line.
    let config = Config::load(config, &kb).unwrap_or_else(|e| {
        s.push_str(&format!("configuration: not used: {e:#}\n"));
        Config::default()
    });
    let short_hash = |h: &str| h.chars().take(12).collect::<String>();
    let kb_ref = kb.data_ref();
    writeln!(
        s,
        "knowledge base: {} {} (sha256 {})",
        kb_ref.name,
        kb_ref.version,
        short_hash(&kb_ref.sha256)
    )?;
    for r in load_rulesets(&[], &kb)? {
        writeln!(
            s,
            "ruleset: {} {} (sha256 {}, {})",
            r.name,
            r.version,
            short_hash(&r.sha256),
            r.origin
        )?;
    }
    let host = new_host()?;
    let (plugins, diags) = load_plugins(&host, None, &[], &Default::default())?;
    for p in plugins.iter().map(plugin_ref) {
        writeln!(
            s,
            "plugin: {} {} (ABI {}, sha256 {}, {})",
            p.data.name,
            p.data.version,
            p.abi_version,
            short_hash(&p.data.sha256),
            p.origin
        )?;
    }
    for d in diags {
        writeln!(s, "plugin: failed: {}", d.message)?;
    }
    let candidates = data_packs::candidates(
        None,
        config.data_dir.as_deref(),
        &data_packs::Env::process(),
    );
    for pack in data_packs::PACKS {
        let line = data_packs::find(pack, &candidates)
            .and_then(|found| data_packs::describe(pack, &found));
        match line {
            Ok(p) => writeln!(
                s,
                "data pack: {} {} (sha256 {}) in {} (found by {})",
                p.name,
                p.dated(),
                short_hash(&p.sha256),
                p.dir,
                p.found_by
            )?,
            Err(e) => writeln!(s, "data pack: {pack}: {e}")?,
        }
    }
    Ok(s)
}
