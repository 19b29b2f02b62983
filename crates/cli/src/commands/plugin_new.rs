//! `sovstack plugin new NAME --layer L`: writes a plugin crate an outside author builds without a
//! checkout of sovstack.
//!
//! How the crate gets the SDK: the sources of the SDK (`plugins/sdk/src`) and of the ABI crate
//! (`crates/abi/src`) are compiled into this binary with `include_str!` and written under the
//! new crate's `sovstack/` directory, as two path dependencies. They are the very files the
//! built-in plugins are built from (a test checks that every file of both directories is
//! embedded, so none can be left behind), with sovstack's licence files beside them. The only
//! other dependencies are serde and serde_json from crates.io, pinned by a `Cargo.lock` made
//! from the built-in plugins' own (`plugins/Cargo.lock`): versions Debian's rustc 1.63 builds,
//! in a lockfile of version 3, which Debian's cargo 1.65 reads.

use super::plugin::NewArgs;
use crate::exit;
use anyhow::{bail, Context, Result};
use sovstack_abi::Layer;
use std::path::{Path, PathBuf};

/// The files written under `sovstack/` of a new crate: (path in this repository, contents).
macro_rules! embed {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../../../../", $path)))),*]
    };
}

/// The SDK's and the ABI crate's sources (every `.rs` file under `plugins/sdk/src` and
/// `crates/abi/src`), and sovstack's licence files.
pub const EMBEDDED: &[(&str, &str)] = embed!(
    "crates/abi/src/certifications.rs",
    "crates/abi/src/diagnostics.rs",
    "crates/abi/src/layers.rs",
    "crates/abi/src/lib.rs",
    "crates/abi/src/response.rs",
    "crates/abi/src/schema.rs",
    "crates/abi/src/semantics.rs",
    "plugins/sdk/src/glue.rs",
    "plugins/sdk/src/lib.rs",
    "plugins/sdk/src/manifest.rs",
    "plugins/sdk/src/judge/actors.rs",
    "plugins/sdk/src/judge/assessed.rs",
    "plugins/sdk/src/judge/commons.rs",
    "plugins/sdk/src/judge/concentration.rs",
    "plugins/sdk/src/judge/criteria.rs",
    "plugins/sdk/src/judge/criticality.rs",
    "plugins/sdk/src/judge/declared.rs",
    "plugins/sdk/src/judge/mod.rs",
    "plugins/sdk/src/judge/routes.rs",
    "plugins/sdk/src/judge/scoring.rs",
    "plugins/sdk/src/judge/supported.rs",
    "plugins/sdk/src/judge/validate.rs",
    "plugins/sdk/src/judge/vectors.rs",
    "LICENSE-APACHE",
    "LICENSE-MIT",
);

/// The built-in plugins' lockfile: the pinned serde family, and the SDK's and ABI's entries.
const PLUGINS_LOCK: &str = include_str!("../../../../plugins/Cargo.lock");

/// Where an embedded file goes in the new crate.
fn destination(repo_path: &str) -> String {
    if let Some(rest) = repo_path.strip_prefix("crates/abi/") {
        format!("sovstack/abi/{rest}")
    } else if let Some(rest) = repo_path.strip_prefix("plugins/sdk/") {
        format!("sovstack/sdk/{rest}")
    } else {
        format!("sovstack/{repo_path}")
    }
}

/// The Rust path of a layer's variant (`Layer::Os`).
fn variant(layer: Layer) -> &'static str {
    match layer {
        Layer::Processor => "Processor",
        Layer::Os => "Os",
        Layer::Toolchain => "Toolchain",
        Layer::Network => "Network",
        Layer::Cable => "Cable",
        Layer::Suppliers => "Suppliers",
        Layer::Devices => "Devices",
        Layer::Software => "Software",
        Layer::Materials => "Materials",
    }
}

/// Rust's keywords (a crate's library name may not be one).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Checks a plugin name: it names the crate (Cargo) and the plugin (its manifest, the report).
pub fn check_name(name: &str) -> Result<(), String> {
    let lib = name.replace('-', "_");
    // The packages of the new crate's lockfile, and names Cargo or rustc keep for themselves.
    let taken: Vec<&str> = lock_blocks()
        .into_iter()
        .filter(|b| is_kept(b))
        .map(block_name)
        .chain(["sovstack", "std", "core", "alloc", "proc_macro", "test"])
        .collect();
    if name.is_empty() || name.len() > 64 {
        Err(format!("plugin name `{name}`: 1 to 64 characters"))
    } else if !name.starts_with(|c: char| c.is_ascii_lowercase())
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        || name.ends_with(['-', '_'])
    {
        Err(format!(
            "plugin name `{name}`: a lowercase letter, then lowercase letters, digits, `-` or \
             `_`, not ending in `-` or `_` (a Cargo package name)"
        ))
    } else if KEYWORDS.contains(&lib.as_str()) {
        Err(format!(
            "plugin name `{name}`: a Rust keyword cannot name a crate"
        ))
    } else if taken.iter().any(|t| t.replace('-', "_") == lib) {
        Err(format!(
            "plugin name `{name}`: taken by a crate the plugin is built with ({})",
            taken.join(", ")
        ))
    } else {
        Ok(())
    }
}

/// The `[[package]]` blocks of [`PLUGINS_LOCK`].
fn lock_blocks() -> Vec<&'static str> {
    PLUGINS_LOCK
        .split("\n[[package]]\n")
        .skip(1)
        .map(|b| b.trim_end())
        .collect()
}

/// Whether a package of [`PLUGINS_LOCK`] goes into a new crate's lockfile: those from crates.io,
/// the ABI crate and the SDK (not the built-in plugins).
fn is_kept(block: &str) -> bool {
    block.contains("\nsource = \"registry+")
        || matches!(block_name(block), "sovstack-abi" | "sovstack-plugin-sdk")
}

fn block_name(block: &str) -> &str {
    block
        .lines()
        .find_map(|l| l.strip_prefix("name = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or("")
}

fn block_version(block: &str) -> &str {
    block
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|l| l.strip_suffix('"'))
        .unwrap_or("")
}

/// The new crate's `Cargo.lock`: the registry packages and the ABI's and SDK's entries of
/// [`PLUGINS_LOCK`], and the plugin's own, in Cargo's order (by name).
fn lockfile(name: &str, version: &str) -> Result<String> {
    let mut blocks: Vec<String> = lock_blocks()
        .into_iter()
        .filter(|b| is_kept(b))
        .map(str::to_string)
        .collect();
    for needed in ["sovstack-abi", "sovstack-plugin-sdk", "serde", "serde_json"] {
        if !blocks.iter().any(|b| block_name(b) == needed) {
            bail!("plugins/Cargo.lock has no `{needed}` (a bug: please report it)");
        }
    }
    blocks.push(format!(
        "name = \"{name}\"\nversion = \"{version}\"\ndependencies = [\n \"serde_json\",\n \"sovstack-plugin-sdk\",\n]"
    ));
    blocks.sort_by(|a, b| block_name(a).cmp(block_name(b)));
    let head = PLUGINS_LOCK
        .split("\n[[package]]\n")
        .next()
        .unwrap_or_default()
        .trim_end();
    let mut out = format!("{head}\n");
    for b in blocks {
        out.push_str("\n[[package]]\n");
        out.push_str(&b);
        out.push('\n');
    }
    Ok(out)
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Rust string literal.
fn rust_string(s: &str) -> String {
    format!("{s:?}")
}

/// Every file of the new crate: (path relative to the crate, contents).
pub fn files(a: &NewArgs) -> Result<Vec<(String, String)>> {
    let name = a.name.as_str();
    let layer = a.layer;
    let lib = name.replace('-', "_");
    let sdk_version = lock_blocks()
        .into_iter()
        .find(|b| block_name(b) == "sovstack-plugin-sdk")
        .map(block_version)
        .context("plugins/Cargo.lock has the SDK (a bug: please report it)")?;
    let abi_version = lock_blocks()
        .into_iter()
        .find(|b| block_name(b) == "sovstack-abi")
        .map(block_version)
        .context("plugins/Cargo.lock has the ABI crate (a bug: please report it)")?;
    let version = "0.1.0";
    let mut package_extra = String::new();
    if let Some(author) = &a.author {
        package_extra.push_str(&format!("authors = [{}]\n", toml_string(author)));
    }
    if let Some(license) = &a.license {
        package_extra.push_str(&format!("license = {}\n", toml_string(license)));
    }
    if let Some(source) = &a.source {
        package_extra.push_str(&format!("repository = {}\n", toml_string(source)));
    }
    let description = format!(
        "Judges the {} layer with the sovstack SDK's criteria and scoring.",
        layer.id()
    );

    let cargo_toml = format!(
        r#"# A sovstack plugin, written by `sovstack plugin new` (sovstack {sovstack}).
# Build: cargo build --release --target wasm32-unknown-unknown (see README.md).
[package]
name = "{name}"
version = "{version}"
edition = "2021"
# Debian 12's rustc 1.63 builds it, as it builds sovstack's own plugins; so does current stable.
rust-version = "1.63"
description = {description_toml}
{package_extra}publish = false

[lib]
crate-type = ["cdylib"]

[dependencies]
sovstack-plugin-sdk = {{ path = "sovstack/sdk" }}

[dev-dependencies]
serde_json = "1.0.100"

# A workspace of its own (sovstack/abi and sovstack/sdk are its members through the paths).
[workspace]
resolver = "2"

# Small, reproducible modules, as sovstack's own plugins are built.
[profile.release]
opt-level = "s"
lto = true
codegen-units = 1
panic = "abort"
strip = true
debug = 0
incremental = false
"#,
        sovstack = env!("CARGO_PKG_VERSION"),
        description_toml = toml_string(&description),
    );

    let abi_toml = format!(
        r#"# sovstack's ABI crate: the wire types of the plugin ABI. Its sources are crates/abi/src of
# sovstack {sovstack}, written here by `sovstack plugin new`; do not edit them.
[package]
name = "sovstack-abi"
version = "{abi_version}"
edition = "2021"
rust-version = "1.63"
license = "Apache-2.0 OR MIT"
repository = "https://github.com/sovstack/sovstack"
publish = false

[dependencies]
serde = {{ version = "1.0.100", features = ["derive"] }}
serde_json = "1.0.100"

[features]
# sovstack's JSON Schema generation; never enabled in a plugin.
schema = []
"#,
        sovstack = env!("CARGO_PKG_VERSION"),
    );
    let sdk_toml = format!(
        r#"# sovstack's plugin SDK: the ABI's exports and the criteria and scoring of the built-in
# plugins. Its sources are plugins/sdk/src of sovstack {sovstack}, written here by `sovstack plugin
# new`; do not edit them.
[package]
name = "sovstack-plugin-sdk"
version = "{sdk_version}"
edition = "2021"
rust-version = "1.63"
license = "Apache-2.0 OR MIT"
repository = "https://github.com/sovstack/sovstack"
publish = false

[dependencies]
sovstack-abi = {{ path = "../abi" }}
serde = {{ version = "1.0.100", features = ["derive"] }}
serde_json = "1.0.100"
"#,
        sovstack = env!("CARGO_PKG_VERSION"),
    );

    let lib_rs = format!(
        r#"//! `{name}`: a sovstack plugin for the `{layer_id}` layer.
//!
//! It judges with the SDK (`sovstack/sdk`): every criterion the built-in plugins implement, and
//! their scoring, on the rules a ruleset gives for the layer. To judge differently, replace
//! `export_sdk_plugin!` by your own `info()` and `evaluate()` functions handed to
//! `sovstack_plugin_sdk::export_plugin!`, and keep `sovstack_plugin_sdk::manifest!` (see the
//! SDK's documentation in `sovstack/sdk/src/lib.rs`).

use sovstack_plugin_sdk::abi::Layer;
use sovstack_plugin_sdk::Plugin;

/// The plugin's identity and what it can judge.
pub const PLUGIN: Plugin = Plugin {{
    name: {name_lit},
    version: env!("CARGO_PKG_VERSION"),
    description: {description_lit},
    layer: Layer::{variant},
    criteria: &sovstack_plugin_sdk::judge::CRITERIA,
}};

// Defines `info()` and `evaluate()`, exports them, and writes the module's manifest section
// (name, version, layers, and the authors, licence and repository of Cargo.toml).
sovstack_plugin_sdk::export_sdk_plugin!(PLUGIN);

#[cfg(test)]
mod tests {{
    use super::*;
    use sovstack_plugin_sdk::abi::ABI_VERSION;

    #[test]
    fn info_names_the_layer() {{
        let info = info();
        assert_eq!(info.name, {name_lit});
        assert_eq!(info.layers, [{layer_lit}]);
        assert_eq!(info.abi_version, ABI_VERSION);
    }}

    #[test]
    fn a_request_for_another_layer_is_refused() {{
        // A layer this plugin does not read.
        let other = {other_lit};
        let request = serde_json::from_value(serde_json::json!({{
            "abi_version": ABI_VERSION,
            "layer": other,
            "ruleset": {{"name": "r", "version": "1", "scoring": {{"method": "bloc_balance"}}, "rules": []}},
            "items": []
        }}))
        .unwrap();
        assert!(evaluate(&request).is_err());
    }}
}}
"#,
        layer_id = layer.id(),
        name_lit = rust_string(name),
        description_lit = rust_string(&description),
        variant = variant(layer),
        layer_lit = rust_string(layer.id()),
        other_lit = rust_string(
            Layer::ALL
                .iter()
                .find(|l| **l != layer)
                .expect("there are several layers")
                .id()
        ),
    );

    let readme = format!(
        r#"# {name}

A [sovstack](https://github.com/sovstack/sovstack) plugin for the `{layer_id}` layer, made by
`sovstack plugin new` (sovstack {sovstack}). It judges with sovstack's SDK: the criteria and
scoring of the built-in plugins, on the rules a ruleset gives for the layer. Change `src/lib.rs`
to judge your own way.

## Where the SDK comes from

`sovstack/abi` and `sovstack/sdk` are sovstack's ABI crate and plugin SDK, written here from the
sources sovstack {sovstack}'s own plugins are built from (Apache-2.0 OR MIT, licence files in
`sovstack/`). Do not edit them; a newer `sovstack plugin new` writes newer ones. The only other
dependencies are serde and serde_json, pinned in `Cargo.lock` to versions Debian 12's rustc 1.63
builds.

## Build

With rustup (current stable; crates.io reachable):

```sh
rustup target add wasm32-unknown-unknown
cargo test
cargo build --release --locked --target wasm32-unknown-unknown
# target/wasm32-unknown-unknown/release/{lib}.wasm
```

With Debian 12's toolchain (`apt install rustc cargo libstd-rust-dev-wasm32 lld`), whose cargo
cannot reach crates.io: vendor the dependencies once (`cargo vendor` with any cargo that can, or a
sovstack checkout's `plugins/vendor`, which holds the same versions), point crates.io at them in
`.cargo/config.toml`:

```toml
[source.crates-io]
replace-with = "vendored-sources"

[source.vendored-sources]
directory = "/path/to/vendor"
```

then:

```sh
RUSTFLAGS="-C linker=wasm-ld" cargo build --release --offline --locked --target wasm32-unknown-unknown
```

## Check, test, sign, pin

```sh
sovstack plugin inspect target/wasm32-unknown-unknown/release/{lib}.wasm
sovstack scan -o inventory.json
sovstack plugin request inventory.json --layer {layer_id} --ruleset eu-sovereignty   # what it receives
sovstack plugin test {lib}.wasm --inventory inventory.json --ruleset eu-sovereignty --expect expected.json --bless
sovstack plugin test {lib}.wasm --inventory inventory.json --ruleset eu-sovereignty --expect expected.json
minisign -Sm {lib}.wasm                                 # {lib}.wasm.minisig
sovstack ruleset show eu-sovereignty -o my-rules.yaml   # add your key under plugins: trusted_keys
sovstack plugin pin my-rules.yaml --plugin {lib}.wasm --in-place
sovstack audit --ruleset my-rules.yaml --plugin {lib}.wasm --require-signed
```
"#,
        layer_id = layer.id(),
        sovstack = env!("CARGO_PKG_VERSION"),
    );

    let mut files = vec![
        ("Cargo.toml".to_string(), cargo_toml),
        ("Cargo.lock".to_string(), lockfile(name, version)?),
        ("README.md".to_string(), readme),
        ("src/lib.rs".to_string(), lib_rs),
        (".gitignore".to_string(), "/target\n".to_string()),
        ("sovstack/abi/Cargo.toml".to_string(), abi_toml),
        ("sovstack/sdk/Cargo.toml".to_string(), sdk_toml),
    ];
    files.extend(
        EMBEDDED
            .iter()
            .map(|(path, text)| (destination(path), text.to_string())),
    );
    Ok(files)
}

pub fn execute(a: NewArgs) -> Result<u8> {
    if let Err(e) = check_name(&a.name) {
        bail!("{e}");
    }
    let dir = a.dir.clone().unwrap_or_else(|| PathBuf::from(&a.name));
    match std::fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => {
            let mut entries = std::fs::read_dir(&dir)
                .with_context(|| format!("cannot read directory {}", dir.display()))?;
            if entries.next().is_some() {
                bail!(
                    "{} exists and is not empty: give a new or empty directory with --dir",
                    dir.display()
                );
            }
        }
        Ok(_) => bail!(
            "{} exists and is not a directory: give a new or empty directory with --dir",
            dir.display()
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => bail!("cannot read {}: {e}", dir.display()),
    }
    let files = files(&a)?;
    // Written into a temporary directory beside the target, then renamed into place: the crate
    // appears whole or not at all.
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create directory {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".sovstack-plugin-new-")
        .tempdir_in(&parent)
        .with_context(|| format!("cannot create a directory in {}", parent.display()))?;
    for (path, text) in &files {
        write(staging.path(), path, text)?;
    }
    let staged = staging.keep();
    if let Err(e) = std::fs::rename(&staged, &dir) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e).with_context(|| format!("cannot create {}", dir.display()));
    }
    // tempfile makes its directories 0700; a crate is as readable as any other directory.
    set_mode(&dir)?;
    eprintln!(
        "sovstack: wrote plugin `{}` for layer `{}` in {} ({} files); build it with `cargo build \
         --release --target wasm32-unknown-unknown` there (see its README.md)",
        a.name,
        a.layer,
        dir.display(),
        files.len()
    );
    Ok(exit::SUCCESS)
}

fn write(root: &Path, path: &str, text: &str) -> Result<()> {
    let full = root.join(path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create directory {}", parent.display()))?;
    }
    std::fs::write(&full, text).with_context(|| format!("cannot write {}", full.display()))
}

#[cfg(unix)]
fn set_mode(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot set the mode of {}", dir.display()))
}

#[cfg(not(unix))]
fn set_mode(_: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The directories whose files [`EMBEDDED`] must hold, all of them.
    const EMBEDDED_DIRS: &[&str] = &["crates/abi/src", "plugins/sdk/src"];

    /// Every `.rs` file of the SDK and the ABI crate is embedded, and nothing else of theirs: a
    /// file added to either is caught here, before a new crate would fail to build.
    #[test]
    fn every_sdk_and_abi_source_is_embedded() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut on_disk = Vec::new();
        let mut stack: Vec<PathBuf> = EMBEDDED_DIRS.iter().map(|d| repo.join(d)).collect();
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(repo).unwrap();
                    on_disk.push(rel.to_str().unwrap().to_string());
                }
            }
        }
        on_disk.sort();
        let mut embedded: Vec<String> = EMBEDDED
            .iter()
            .map(|(p, _)| p.to_string())
            .filter(|p| EMBEDDED_DIRS.iter().any(|d| p.starts_with(d)))
            .collect();
        embedded.sort();
        assert_eq!(embedded, on_disk);
    }

    #[test]
    fn names_are_checked() {
        for good in ["my-os", "ngo_rules", "a", "os2"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "My",
            "1os",
            "my os",
            "os-",
            "fn",
            "serde",
            "serde-json",
            "sovstack-abi",
            "sovstack_plugin_sdk",
            "é",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(check_name(&"a".repeat(65)).is_err());
    }

    #[test]
    fn the_lockfile_pins_what_the_plugins_lock_pins() {
        let lock = lockfile("my-os", "0.1.0").unwrap();
        assert!(lock.contains("version = 3"));
        for b in lock_blocks()
            .into_iter()
            .filter(|b| b.contains("source = \"registry+"))
        {
            assert!(lock.contains(b), "{b}");
        }
        let names: Vec<&str> = lock
            .split("\n[[package]]\n")
            .skip(1)
            .map(block_name)
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        assert!(names.contains(&"my-os"));
        assert!(!names
            .iter()
            .any(|n| n.starts_with("sovstack-plugin-") && *n != "sovstack-plugin-sdk"));
    }
}
