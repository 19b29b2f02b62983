//! The `sovstack` command line: clap definitions, one file per subcommand, exit codes, terminal
//! handling. Everything else lives in the library crates; nothing depends on this one.

mod builtin_plugins;
mod codes;
mod commands;
mod common;
mod config;
mod data_packs;
mod exit;
mod output;
mod signatures;
mod version;
mod waivers;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Audit the digital sovereignty of a technology stack: who designed, licensed, fabricated and
/// stewards each layer, where those organisations sit, and how that scores against sovereignty
/// rulesets.
#[derive(Parser)]
#[command(name = "sovstack", version, about, long_about = None, disable_version_flag = true, arg_required_else_help = true)]
#[command(after_help = "\
Examples:
  sovstack audit                               audit this host with the built-in rulesets
  sovstack audit --format json -o report.json  the same, as a JSON document
  sovstack scan --root /mnt/image -o inv.json  inventory a mounted disk image
  sovstack evaluate inv.json --ruleset non-aligned --fail-under 50
  sovstack diff old.json new.json --fail-on-regression   what changed between two audits
  sovstack compare a.json b.json c.json        a league table of several audits
  sovstack cables FR US                        the submarine cables between two countries
  sovstack whatif inv.json --cut country:US    what stops if a country, cable or landing is cut
  sovstack graph inv.json | dot -Tsvg > g.svg  the dependency graph over every layer

Configuration: sovstack.yaml in the current directory, or --config FILE, gives defaults
(organisation: {name, country}, rulesets, data_dir, resolver, endpoints); flags override it.

Exit codes: 0 success, 1 the policy gate failed (--fail-under, --fail-on),
2 usage or input error (including a plugin that failed, the network layer asked for with
nothing to resolve, and a DNS resolver that answered no query).")]
pub(crate) struct Cli {
    /// Configuration file (organisation, default rulesets, data directory, resolver, endpoints)
    /// [default: sovstack.yaml in the current directory, when there is one]. Flags override it.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<std::path::PathBuf>,

    /// Compile every plugin afresh instead of using (and filling) the cache of compiled
    /// plugins in $XDG_CACHE_HOME/sovstack/plugins (default ~/.cache/sovstack/plugins).
    /// SOVSTACK_NO_PLUGIN_CACHE=1 (or true, yes, on) does the same.
    #[arg(
        long,
        global = true,
        env = "SOVSTACK_NO_PLUGIN_CACHE",
        hide_env_values = true,
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new(),
    )]
    no_plugin_cache: bool,

    /// Minisign public keys (`minisign -G`'s .pub files, one or several in one file) that may
    /// sign plugin files, besides those the run's rulesets list under `plugins: trusted_keys`: a
    /// plugin FILE.wasm with a FILE.wasm.minisig must verify with one of them, or it is not
    /// loaded (plugin/bad-signature).
    #[arg(long, global = true, value_name = "FILE")]
    trusted_keys: Option<std::path::PathBuf>,

    /// Load a plugin file only when its FILE.wasm.minisig verifies with a trusted key, from
    /// --trusted-keys or a ruleset's `plugins: trusted_keys` (plugin/unsigned otherwise). The
    /// built-in plugins are part of the binary.
    #[arg(long, global = true)]
    require_signed: bool,

    /// Print the version.
    #[arg(short = 'V', conflicts_with = "long_version")]
    short_version: bool,

    /// Print the versions of sovstack, its knowledge base, built-in rulesets and plugins, and
    /// each data pack with the directory it is found in.
    #[arg(long = "version")]
    long_version: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    Scan(commands::scan::Args),
    Evaluate(commands::evaluate::Args),
    Audit(commands::audit::Args),
    Diff(commands::diff::Args),
    Compare(commands::compare::Args),
    Cables(commands::cables::Args),
    Whatif(commands::whatif::Args),
    Graph(commands::graph::Args),
    #[command(subcommand)]
    Ruleset(commands::ruleset::Command),
    #[command(subcommand)]
    Plugin(commands::plugin::Command),
    #[command(subcommand, hide = true)]
    Generate(commands::generate::Command),
}

/// The subcommands that load no plugin, and the global options about plugins that mean nothing
/// to them: left out of their help, refused on their command line.
const PLUGINLESS: &[&str] = &["diff", "compare", "graph"];
const PLUGIN_OPTIONS: &[(&str, &str)] = &[
    ("no_plugin_cache", "--no-plugin-cache"),
    ("trusted_keys", "--trusted-keys"),
    ("require_signed", "--require-signed"),
];

/// The command line's definition: [`Cli`], with the plugin options hidden from the help of the
/// subcommands that load no plugin (also what `generate man` and completions describe).
pub(crate) fn command() -> clap::Command {
    let mut cmd = <Cli as clap::CommandFactory>::command();
    // A subcommand that defines a global option itself keeps its own copy: a hidden one.
    let hidden: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| PLUGIN_OPTIONS.iter().any(|(id, _)| a.get_id() == *id))
        .map(|a| a.clone().hide(true))
        .collect();
    for sub in PLUGINLESS {
        cmd = cmd.mut_subcommand(*sub, |s| s.args(hidden.clone()));
    }
    cmd
}

fn parse() -> Result<Cli, clap::Error> {
    let matches = command().try_get_matches()?;
    if let Some((sub, m)) = matches.subcommand() {
        if PLUGINLESS.contains(&sub) {
            for (id, flag) in PLUGIN_OPTIONS {
                if m.value_source(id) == Some(clap::parser::ValueSource::CommandLine) {
                    return Err(clap::Error::raw(
                        clap::error::ErrorKind::ArgumentConflict,
                        format!("{flag} is about loading plugins, and `sovstack {sub}` loads none: leave it out\n"),
                    ));
                }
            }
        }
    }
    <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version itself; those are successes, the rest usage errors.
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::from(exit::SUCCESS)
                }
                _ => ExitCode::from(exit::USAGE_OR_INPUT),
            };
        }
    };
    common::NO_PLUGIN_CACHE.store(cli.no_plugin_cache, std::sync::atomic::Ordering::Relaxed);
    if let Err(e) = signatures::configure(cli.trusted_keys.as_deref(), cli.require_signed) {
        eprintln!("sovstack: error: {e:#}");
        return ExitCode::from(exit::USAGE_OR_INPUT);
    }
    let result = match cli.command {
        None if cli.short_version => print(&version::short()),
        None if cli.long_version => version::long(cli.config.as_deref()).and_then(|v| print(&v)),
        None => {
            eprintln!("sovstack: error: a subcommand is required (see sovstack --help)");
            Ok(exit::USAGE_OR_INPUT)
        }
        Some(_) if cli.short_version || cli.long_version => {
            eprintln!("sovstack: error: -V and --version take no subcommand");
            Ok(exit::USAGE_OR_INPUT)
        }
        Some(Command::Generate(c)) => c.execute(),
        Some(Command::Scan(a)) => a.execute(cli.config.as_deref()),
        Some(Command::Evaluate(a)) => a.execute(cli.config.as_deref()),
        Some(Command::Audit(a)) => a.execute(cli.config.as_deref()),
        Some(Command::Diff(a)) => a.execute(),
        Some(Command::Compare(a)) => a.execute(),
        Some(Command::Cables(a)) => a.execute(cli.config.as_deref()),
        Some(Command::Whatif(a)) => a.execute(cli.config.as_deref()),
        Some(Command::Graph(a)) => a.execute(),
        Some(Command::Ruleset(c)) => c.execute(),
        Some(Command::Plugin(c)) => c.execute(),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if output::is_broken_pipe(&e) => ExitCode::from(exit::SUCCESS),
        Err(e) => {
            eprintln!("sovstack: error: {e:#}");
            ExitCode::from(exit::USAGE_OR_INPUT)
        }
    }
}

/// Writes `text` to stdout.
fn print(text: &str) -> anyhow::Result<u8> {
    output::emit(None, text.as_bytes())?;
    Ok(exit::SUCCESS)
}
