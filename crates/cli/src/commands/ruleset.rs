//! `sovstack ruleset list|show|validate`.

use crate::common::{load_kb, load_ruleset_file, vocabulary, OutputFormat};
use crate::{exit, output};
use anyhow::Result;
use clap::{Args, Subcommand};
use serde_json::json;
use sovstack_ruleset::{builtin_named, builtin_source, RulesetError, BUILTIN_NAMES};
use std::path::{Path, PathBuf};

/// Work with rulesets.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// List the built-in rulesets.
    List(ListArgs),
    /// Print a built-in ruleset's YAML, comments included: a starting point for your own.
    #[command(
        after_help = "Example:\n  sovstack ruleset show eu-sovereignty -o my-rules.yaml\n  (edit it, then) sovstack ruleset validate my-rules.yaml\n  sovstack audit --ruleset my-rules.yaml"
    )]
    Show(ShowArgs),
    /// Check a ruleset strictly (a file, or a built-in name); errors give file, line and column.
    #[command(
        after_help = "Examples:\n  sovstack ruleset validate my-rules.yaml\n  sovstack ruleset validate eu-sovereignty\n\nExit code 0 when valid, 2 when not."
    )]
    Validate(ValidateArgs),
}

#[derive(Args, Debug)]
pub struct ShowArgs {
    /// The built-in ruleset (see `sovstack ruleset list`).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Write it to FILE instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// The ruleset: a YAML file, or the name of a built-in one (a file of that name wins).
    #[arg(value_name = "FILE|NAME")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
}

impl Command {
    pub fn execute(self) -> Result<u8> {
        match self {
            Command::List(a) => list(a),
            Command::Show(a) => show(a),
            Command::Validate(a) => validate(a),
        }
    }
}

fn list(a: ListArgs) -> Result<u8> {
    let kb = load_kb()?;
    let vocabulary = vocabulary(&kb);
    let rulesets = BUILTIN_NAMES
        .iter()
        .map(|n| builtin_named(n, &vocabulary))
        .collect::<Result<Vec<_>, _>>()?;
    let text = match a.format {
        OutputFormat::Json => {
            let v: Vec<_> = rulesets
                .iter()
                .map(|r| json!({
                    "name": r.name, "version": r.version, "title": r.title, "method": r.scoring.method,
                    "rules": r.rules.len(), "layers": r.layers(), "sha256": r.sha256, "origin": r.origin,
                }))
                .collect();
            serde_json::to_string_pretty(&v)? + "\n"
        }
        OutputFormat::Table => {
            let mut t = crate::output::listing_table();
            t.set_header(vec![
                "Name", "Version", "Method", "Rules", "Layers", "Title",
            ]);
            for r in &rulesets {
                let method = serde_json::to_value(r.scoring.method)?
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                t.add_row(vec![
                    r.name.clone(),
                    r.version.clone(),
                    method,
                    r.rules.len().to_string(),
                    r.layers().join(", "),
                    r.title.clone(),
                ]);
            }
            let hashes: Vec<(&str, &str)> = rulesets
                .iter()
                .map(|r| (r.name.as_str(), r.sha256.as_str()))
                .collect();
            output::with_hashes(&t, &hashes)
        }
    };
    output::emit(None, text.as_bytes())?;
    Ok(exit::SUCCESS)
}

fn show(a: ShowArgs) -> Result<u8> {
    let Some(text) = builtin_source(&a.name) else {
        anyhow::bail!(
            "there is no built-in ruleset `{}` (built-in rulesets: {})",
            a.name,
            BUILTIN_NAMES.join(", ")
        );
    };
    output::emit(a.output.as_deref(), text.as_bytes())?;
    Ok(exit::SUCCESS)
}

/// The name of the built-in ruleset `arg` names, when it names one and no file of that name exists
/// (the same rule as `--ruleset`).
fn builtin_name(arg: &Path) -> Option<&str> {
    let name = arg.to_str()?;
    (BUILTIN_NAMES.contains(&name) && !arg.exists()).then_some(name)
}

fn validate(a: ValidateArgs) -> Result<u8> {
    let kb = load_kb()?;
    let vocabulary = vocabulary(&kb);
    let (file, loaded) = match builtin_name(&a.file) {
        Some(name) => (
            format!("builtin:{name}"),
            builtin_named(name, &vocabulary).map_err(anyhow::Error::from),
        ),
        None => (
            a.file.display().to_string(),
            load_ruleset_file(&a.file, &vocabulary),
        ),
    };
    match loaded {
        Ok(r) => {
            let text = match a.format {
                OutputFormat::Json => {
                    serde_json::to_string_pretty(&json!({
                        "file": file, "valid": true, "name": r.name, "version": r.version,
                        "rules": r.rules.len(), "sha256": r.sha256, "problems": [],
                    }))? + "\n"
                }
                OutputFormat::Table => format!(
                    "{file}: valid ({} {}, {} rules)\n",
                    r.name,
                    r.version,
                    r.rules.len()
                ),
            };
            output::emit(None, text.as_bytes())?;
            Ok(exit::SUCCESS)
        }
        Err(e) => {
            let Some(ruleset_error) = e.downcast_ref::<RulesetError>() else {
                return Err(e);
            };
            match a.format {
                OutputFormat::Json => {
                    let problems: Vec<_> = ruleset_error
                        .problems()
                        .into_iter()
                        .map(|p| json!({"file": file, "line": p.line, "column": p.column, "code": p.code, "message": p.message}))
                        .collect();
                    let text = serde_json::to_string_pretty(
                        &json!({"file": file, "valid": false, "problems": problems}),
                    )? + "\n";
                    output::emit(None, text.as_bytes())?;
                }
                OutputFormat::Table => eprintln!("{ruleset_error}"),
            }
            Ok(exit::USAGE_OR_INPUT)
        }
    }
}
