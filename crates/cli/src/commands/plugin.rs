//! `sovstack plugin list`: the built-in plugins, as the host loads them; `sovstack plugin
//! inspect`: what a module file is, read without running it.

use crate::common::{load_plugins, new_host, OutputFormat};
use crate::{exit, output};
use anyhow::Result;
use clap::{Args, Subcommand};
use sovstack_evaluate::plugin_ref;
use std::path::PathBuf;

/// Work with plugins.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the built-in plugins (and any given with --plugin): name, version, ABI version,
    /// layers, sha256.
    List(ListArgs),
    /// Describe a plugin file without running it: sha256, size, its manifest (name, version,
    /// ABI version, layers, authors, licence, source), imports (a plugin must have none),
    /// exports and sections.
    #[command(after_help = "\
Examples:
  sovstack plugin inspect plugins/dist/os.wasm
  sovstack plugin inspect my-plugin.wasm --format json

Exit codes: 0 described; 2 the file cannot be read, is not a WebAssembly module, imports
something (sovstack would refuse to load it) or has a malformed manifest.")]
    Inspect(InspectArgs),
    /// Pin each layer of a ruleset to the plugin that judges it now, by sha256: writes the
    /// ruleset with a `plugins:` section (replacing the pins there, keeping its
    /// `trusted_keys`) to stdout, -o FILE, or the file itself with --in-place. A run whose plugin for a pinned layer has another sha256 refuses
    /// that layer (plugin/pin-mismatch, exit 2).
    #[command(after_help = "\
Examples:
  sovstack plugin pin my-rules.yaml -o pinned.yaml
  sovstack plugin pin eu-sovereignty --plugin my-os.wasm -o eu-pinned.yaml
  sovstack plugin pin my-rules.yaml --in-place")]
    Pin(PinArgs),
    /// Print the request (JSON) a plugin judging LAYER under RULESET receives for an inventory,
    /// byte for byte: the host builds it with the code `evaluate` and `audit` use.
    #[command(after_help = "\
Examples:
  sovstack scan -o inv.json
  sovstack plugin request inv.json --layer os --ruleset eu-sovereignty
  sovstack plugin request inv.json --layer processor --ruleset my-rules.yaml --pretty

The time support is checked against comes from SOURCE_DATE_EPOCH, as in a report.

Exit codes: 0 printed; 2 an unreadable inventory or ruleset, a layer the inventory does not
hold, or one the ruleset has no rule for (no plugin would be asked).")]
    Request(RequestArgs),
    /// Write a new plugin crate: Rust, built for wasm32-unknown-unknown, judging LAYER with
    /// sovstack's SDK, with its manifest section. The SDK and ABI sources of this sovstack are
    /// written into it (sovstack/), so it builds without a checkout of sovstack, with current
    /// stable Rust or Debian 12's rustc 1.63.
    #[command(after_help = "\
Examples:
  sovstack plugin new my-os --layer os
  sovstack plugin new ngo-processor --layer processor --dir plugins/ngo --license MIT
  cd my-os && cargo build --release --target wasm32-unknown-unknown

Exit codes: 0 written; 2 a bad name, an unknown layer, or a directory that exists and is not
empty.")]
    New(NewArgs),
    /// Golden test of a plugin: run it on an inventory under a ruleset and compare its checked
    /// responses, layer by layer, with an expected file (--bless writes that file).
    #[command(after_help = "\
Examples:
  sovstack plugin test my-os.wasm --inventory inv.json --ruleset eu-sovereignty \\
      --expect tests/eu.json --bless       write the expected outcome (review it)
  sovstack plugin test my-os.wasm --inventory inv.json --ruleset eu-sovereignty \\
      --expect tests/eu.json               compare with it

The expected file holds the ruleset's name and, for each layer judged, the plugin's response
as the host accepted it (findings, score, error). A difference is shown as the path of the
field with the expected and the actual value.

Exit codes: 0 as expected (or written with --bless); 1 a difference; 2 bad input: an unreadable
or malformed file, a plugin that does not load, fails or whose response the host refuses.")]
    Test(TestArgs),
}

#[derive(Args, Debug)]
pub struct RequestArgs {
    /// The inventory (JSON, from `sovstack scan`); - reads stdin.
    #[arg(value_name = "INVENTORY")]
    pub inventory: PathBuf,
    /// The layer whose request is printed.
    #[arg(long, value_name = "LAYER", value_parser = crate::common::layer_parser())]
    pub layer: sovstack_abi::Layer,
    /// The ruleset: a built-in name or a YAML file.
    #[arg(long, value_name = "NAME|FILE")]
    pub ruleset: String,
    /// Indent the JSON (the plugin receives it compact, as printed without this flag).
    #[arg(long)]
    pub pretty: bool,
    /// Write it to FILE (atomically) instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct NewArgs {
    /// The plugin's name, also its crate's: lowercase letters, digits, `-` and `_`.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// The layer the plugin judges.
    #[arg(long, value_name = "LAYER", value_parser = crate::common::layer_parser())]
    pub layer: sovstack_abi::Layer,
    /// Where to write the crate: a new or empty directory [default: ./NAME].
    #[arg(long, value_name = "PATH")]
    pub dir: Option<PathBuf>,
    /// The author, in Cargo.toml and the plugin's manifest ("Name <mail>").
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// The plugin's licence, an SPDX expression, in Cargo.toml and the manifest.
    #[arg(long, value_name = "SPDX")]
    pub license: Option<String>,
    /// Where its source is published (a URL), in Cargo.toml and the manifest.
    #[arg(long, value_name = "URL")]
    pub source: Option<String>,
}

#[derive(Args, Debug)]
pub struct TestArgs {
    /// The plugin module.
    #[arg(value_name = "PLUGIN.wasm")]
    pub plugin: PathBuf,
    /// The inventory (JSON, from `sovstack scan`).
    #[arg(long, value_name = "FILE")]
    pub inventory: PathBuf,
    /// The ruleset: a built-in name or a YAML file.
    #[arg(long, value_name = "NAME|FILE")]
    pub ruleset: String,
    /// The expected outcome (JSON).
    #[arg(long, value_name = "FILE")]
    pub expect: PathBuf,
    /// Only this layer (repeat for several) [default: every layer the plugin reads that the
    /// inventory holds and the ruleset has rules for].
    #[arg(long = "layer", value_name = "LAYER", value_parser = crate::common::layer_parser())]
    pub layers: Vec<sovstack_abi::Layer>,
    /// Write the outcome to the --expect file (atomically) instead of comparing.
    #[arg(long)]
    pub bless: bool,
    /// Output format of the result.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct PinArgs {
    /// The ruleset: a YAML file, or a built-in name (then -o or stdout).
    #[arg(value_name = "RULESET")]
    pub ruleset: String,
    /// A plugin file that judges the layers it reads instead of the built-in one, as with
    /// `audit --plugin`. Repeat for several.
    #[arg(long = "plugin", value_name = "FILE.wasm")]
    pub plugins: Vec<PathBuf>,
    /// Write the pinned ruleset to FILE (atomically) instead of stdout.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FILE",
        conflicts_with = "in_place"
    )]
    pub output: Option<PathBuf>,
    /// Replace the ruleset file itself (atomically).
    #[arg(long)]
    pub in_place: bool,
}

#[derive(Args, Debug)]
pub struct InspectArgs {
    /// The plugin module.
    #[arg(value_name = "FILE.wasm")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Also load and describe this plugin file. Repeat for several.
    #[arg(long = "plugin", value_name = "FILE.wasm")]
    pub plugins: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

impl Command {
    pub fn execute(self) -> Result<u8> {
        match self {
            Command::List(a) => list(a),
            Command::Inspect(a) => crate::commands::plugin_inspect::execute(a),
            Command::Pin(a) => crate::commands::plugin_pin::execute(a),
            Command::Request(a) => crate::commands::plugin_request::execute(a),
            Command::New(a) => crate::commands::plugin_new::execute(a),
            Command::Test(a) => crate::commands::plugin_test::execute(a),
        }
    }
}

fn list(a: ListArgs) -> Result<u8> {
    let trust = crate::signatures::run_trust(&[])?;
    let host = new_host()?;
    let (plugins, diags) = load_plugins(&host, None, &a.plugins, &trust)?;
    let refs: Vec<_> = plugins.iter().map(plugin_ref).collect();
    let text = match a.format {
        OutputFormat::Json => {
            let v: Vec<_> = plugins
                    .iter()
                    .zip(&refs)
                    .map(|(p, r)| serde_json::json!({
                        "name": r.data.name, "version": r.data.version, "abi_version": r.abi_version,
                        "layers": r.layers, "criteria": p.info.criteria, "sha256": r.data.sha256,
                        "size": p.size, "origin": r.origin, "description": p.info.description,
                    }))
                    .collect();
            serde_json::to_string_pretty(&serde_json::json!({"plugins": v, "diagnostics": diags}))?
                + "\n"
        }
        OutputFormat::Table => {
            let mut t = crate::output::listing_table();
            t.set_header(vec!["Name", "Version", "ABI", "Layers", "Origin"]);
            for r in &refs {
                t.add_row(vec![
                    r.data.name.clone(),
                    r.data.version.clone(),
                    r.abi_version.to_string(),
                    r.layers.join(", "),
                    r.origin.clone(),
                ]);
            }
            let hashes: Vec<(&str, &str)> = refs
                .iter()
                .map(|r| (r.data.name.as_str(), r.data.sha256.as_str()))
                .collect();
            output::with_hashes(&t, &hashes)
        }
    };
    output::emit(None, text.as_bytes())?;
    for d in &diags {
        eprintln!("sovstack: {}: {}", d.code, d.message);
    }
    Ok(if diags.is_empty() {
        exit::SUCCESS
    } else {
        exit::USAGE_OR_INPUT
    })
}
