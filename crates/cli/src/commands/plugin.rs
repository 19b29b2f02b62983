//! `sovstack plugin list`: the built-in plugins, as the host loads them; `sovstack plugin
//! inspect`: what a module file is, read without running it.

use crate::common::{load_plugins, new_host, OutputFormat};
use crate::{exit, output};
use anyhow::Result;
use clap::{Args, Subcommand};
use comfy_table::{presets, Table};
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
    /// ruleset with a `plugins:` section (replacing any there) to stdout, -o FILE, or the file
    /// itself with --in-place. A run whose plugin for a pinned layer has another sha256 refuses
    /// that layer (plugin/pin-mismatch, exit 2).
    #[command(after_help = "\
Examples:
  sovstack plugin pin my-rules.yaml -o pinned.yaml
  sovstack plugin pin eu-sovereignty --plugin my-os.wasm -o eu-pinned.yaml
  sovstack plugin pin my-rules.yaml --in-place")]
    Pin(PinArgs),
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
        }
    }
}

fn list(a: ListArgs) -> Result<u8> {
    let host = new_host()?;
    let (plugins, diags) = load_plugins(&host, None, &a.plugins)?;
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
            let mut t = Table::new();
            t.load_style(presets::UTF8_FULL_CONDENSED).force_no_tty();
            t.set_header(vec!["Name", "Version", "ABI", "Layers", "sha256", "Origin"]);
            for r in &refs {
                t.add_row(vec![
                    r.data.name.clone(),
                    r.data.version.clone(),
                    r.abi_version.to_string(),
                    r.layers.join(", "),
                    r.data.sha256.clone(),
                    r.origin.clone(),
                ]);
            }
            format!("{t}\n")
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
