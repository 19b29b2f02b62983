//! What several subcommands share: loading the knowledge base, rulesets and plugins, and the
//! evaluate-and-report step that `evaluate` and `audit` both end with.

use crate::builtin_plugins::BUILTIN_PLUGINS;
use crate::{exit, output};
use anyhow::{Context, Result};
use clap::builder::TypedValueParser;
use clap::{Args, ValueEnum};
use sovstack_abi::{Layer, Severity};
use sovstack_evaluate::Evaluator;
use sovstack_host::{Host, HostConfig, Plugin};
use sovstack_inventory::{Diagnostic, DiagnosticSeverity, Inventory};
use sovstack_kb::Kb;
use sovstack_report::{source_date_epoch, FormatKind, Gate, RenderOptions};
use sovstack_ruleset::{
    builtin_named, ValidRuleset, Vocabulary, BUILTIN_NAMES, DEFAULT_NAMES, ORGANISATION_NAMES,
};
use std::path::{Path, PathBuf};

/// Output format of listings (`ruleset`, `plugin`); reports take a [`FormatKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Tables for people.
    Table,
    /// A JSON document for machines.
    Json,
}

/// Severities as command-line values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
            SeverityArg::Critical => Severity::Critical,
        }
    }
}

/// Options of the evaluate step, shared by `evaluate` and `audit`.
#[derive(Args, Debug)]
pub struct EvalOptions {
    /// Ruleset to apply: a built-in name (eu-sovereignty, non-aligned, secnumcloud) or a YAML
    /// file. Repeat for several; default: eu-sovereignty and non-aligned for one host, and
    /// secnumcloud too for an organisation's audit (--import or --declared) when it holds the
    /// layers secnumcloud judges (network, suppliers).
    #[arg(long = "ruleset", value_name = "NAME|FILE")]
    pub rulesets: Vec<String>,

    /// Extra plugin (a .wasm file). It replaces the built-in plugin for the layers it reads.
    /// Repeat for several, one per layer. One that fails to load leaves the layers unjudged
    /// (exit 2): no built-in plugin stands in for it.
    #[arg(long = "plugin", value_name = "FILE.wasm")]
    pub plugins: Vec<PathBuf>,

    /// Fuel (about one unit per WebAssembly instruction) each plugin evaluation may spend
    /// [default: 1000000000, and 1000 per request byte for a large request; at most
    /// 100000000000]. Given, it is the budget of every evaluation, whatever its size.
    #[arg(long, value_name = "UNITS", value_parser = clap::value_parser!(u64).range(1..=HostConfig::MAX_FUEL))]
    pub plugin_fuel: Option<u64>,

    /// Memory each plugin evaluation may use, in MiB [default: 64, and 32 bytes per request
    /// byte for a large request; at most 4096]. Given, it is the cap of every evaluation.
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=(HostConfig::MAX_MEMORY_BYTES >> 20) as u64))]
    pub plugin_memory: Option<u64>,

    /// Wall-clock time each plugin evaluation may take, in seconds [default: 2, more in
    /// proportion for a large request's fuel; at most 120]. Given, it is every evaluation's.
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    pub plugin_timeout: Option<std::time::Duration>,

    /// Print on stderr what each plugin evaluation cost: fuel, peak memory and wall time (wall
    /// time differs from run to run, so it is never part of a report).
    #[arg(short, long)]
    pub verbose: bool,

    /// Output format. Default: table, unless every -o names its format (then nothing goes to
    /// stdout).
    #[arg(long, value_name = "FORMAT", value_parser = format_parser())]
    pub format: Option<FormatKind>,

    /// Write the report to PATH (in the --format; without it, in the format PATH's extension
    /// tells: .json, .jsonl, .sarif, .csv, .md, .html, else a table) or, as FORMAT=PATH, in that
    /// format; repeat for several formats in one run (-o html=r.html -o json=r.json). A regular file is replaced
    /// atomically (keeping its mode); devices, FIFOs, sockets and /dev/fd/N are written
    /// directly; - is stdout. A file whose name starts with a format's name and `=` is written
    /// with ./ before it.
    #[arg(short = 'o', long = "output", value_name = "[FORMAT=]PATH", value_parser = parse_output)]
    pub outputs: Vec<OutputSpec>,

    /// Waivers (YAML: rule, item or pattern, justification, owner, expires): a waived finding is
    /// reported as waived and not counted by --fail-on; an expired waiver, or one that matches no
    /// finding, waives nothing and is reported on stderr. The file:
    /// `waivers: [{rule: eu.processor.designer-jurisdiction, item: AMD EPYC, justification: ...,
    /// owner: it@example.org, expires: 2027-06-30}]` (item: a label or id as the tables show
    /// them, or `pattern: "*.example.org"`, a glob on labels).
    #[arg(long, value_name = "FILE")]
    pub waivers: Option<PathBuf>,

    /// CSV: one row per inventory item (its facts, organisations, countries, findings) instead
    /// of one per finding.
    #[arg(long)]
    pub csv_items: bool,

    /// Exit 1 when any ruleset's overall score (0-100) is below SCORE. The score is compared as
    /// the report shows it, to one decimal: a shown 46.9 (46.89 unrounded) passes 46.9.
    #[arg(long, value_name = "SCORE", value_parser = parse_score)]
    pub fail_under: Option<f64>,

    /// Exit 1 when any finding is at least this severe.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// Tables no wider than N columns. Default: the terminal's width on a terminal, 100 in a
    /// pipe or a file (so the bytes do not depend on the terminal).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(40..=1000))]
    pub width: Option<u16>,

    /// Tables with everything: every fact, each organisation's blocs, laws and evidence, all of
    /// a finding's evidence; no width limit.
    #[arg(long, conflicts_with = "width")]
    pub wide: bool,

    /// Per-group figures of an imported fleet: each processor and OS item's share of the hosts
    /// of each value of LABEL (the agents' `tag`, a network device's `location`).
    #[arg(long, value_name = "LABEL")]
    pub group_by: Option<String>,

    /// Table borders in ASCII. Default: ASCII on a terminal whose locale (LC_ALL, LC_CTYPE,
    /// LANG) is not UTF-8, box-drawing characters otherwise.
    #[arg(long)]
    pub ascii: bool,
}

/// The formats `--format` and `-o FORMAT=PATH` take, with their help (from [`FormatKind::ALL`]).
pub fn format_names() -> String {
    FormatKind::ALL
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--format`'s values, listed by `--help` and checked by clap, from [`FormatKind::ALL`].
fn format_parser() -> impl TypedValueParser<Value = FormatKind> {
    let values = FormatKind::ALL
        .iter()
        .map(|k| clap::builder::PossibleValue::new(k.name()).help(k.help()));
    clap::builder::PossibleValuesParser::new(values)
        .map(|s| FormatKind::from_name(&s).expect("clap only accepts the listed names"))
}

/// One `-o`: a path in the `--format`, or a path in a format of its own.
#[derive(Clone, Debug, PartialEq)]
pub enum OutputSpec {
    /// `-o PATH`.
    Plain(PathBuf),
    /// `-o FORMAT=PATH`.
    Typed(FormatKind, PathBuf),
}

/// `FORMAT=PATH` when what comes before the first `=` is a word (letters, digits, `-`): a known
/// format, or an error naming the formats; anything else is a path (`./json=x` is a file).
fn parse_output(s: &str) -> Result<OutputSpec, String> {
    if let Some((word, path)) = s.split_once('=') {
        if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            let kind = FormatKind::from_name(word).ok_or_else(|| {
                format!(
                    "`{word}` in `{s}` is not a report format (formats: {}); a file whose name holds `=` is written ./{s}",
                    format_names()
                )
            })?;
            if path.is_empty() {
                return Err(format!("`{s}` names no file after `=`"));
            }
            return Ok(OutputSpec::Typed(kind, PathBuf::from(path)));
        }
    }
    if s.is_empty() {
        return Err("an empty file name".to_string());
    }
    Ok(OutputSpec::Plain(PathBuf::from(s)))
}

/// Where each format of a run goes: `None` is stdout (no `-o`), `Some(path)` an `-o` (`-` is
/// stdout too, given explicitly).
pub fn destinations(
    format: Option<FormatKind>,
    outputs: &[OutputSpec],
) -> Result<Vec<(FormatKind, Option<PathBuf>)>> {
    let plain: Vec<&PathBuf> = outputs
        .iter()
        .filter_map(|o| match o {
            OutputSpec::Plain(p) => Some(p),
            OutputSpec::Typed(..) => None,
        })
        .collect();
    if plain.len() > 1 {
        anyhow::bail!(
            "-o {} and -o {}: only one -o may take the --format; name the others' format (-o json={})",
            plain[0].display(),
            plain[1].display(),
            plain[1].display()
        );
    }
    let mut out: Vec<(FormatKind, Option<PathBuf>)> = Vec::new();
    let typed = outputs.iter().any(|o| matches!(o, OutputSpec::Typed(..)));
    match (plain.first(), format) {
        // Without --format, the file's extension tells (report.json is JSON); else a table.
        (Some(p), f) => out.push((
            f.or_else(|| FormatKind::from_path(p))
                .unwrap_or(FormatKind::Table),
            Some(p.to_path_buf()),
        )),
        (None, Some(f)) => out.push((f, None)),
        (None, None) if !typed => out.push((FormatKind::Table, None)),
        (None, None) => {}
    }
    for o in outputs {
        if let OutputSpec::Typed(k, p) = o {
            out.push((*k, Some(p.clone())));
        }
    }
    // Two outputs to one place would leave only the last: refuse it before writing anything.
    for (i, (_, a)) in out.iter().enumerate() {
        for (_, b) in &out[..i] {
            if same_destination(a.as_deref(), b.as_deref()) {
                let shown = |p: Option<&Path>| match p {
                    Some(p) if p != Path::new("-") => p.display().to_string(),
                    _ => "stdout".to_string(),
                };
                anyhow::bail!(
                    "two reports would be written to {}; give each -o its own file",
                    shown(a.as_deref())
                );
            }
        }
    }
    Ok(out)
}

/// Whether two destinations are the same place: both stdout, the same path, or two paths to one
/// existing file.
fn same_destination(a: Option<&Path>, b: Option<&Path>) -> bool {
    let stdout = |p: Option<&Path>| p.is_none_or(|p| p == Path::new("-"));
    match (a, b) {
        _ if stdout(a) || stdout(b) => stdout(a) && stdout(b),
        (Some(a), Some(b)) => a == b || place(a) == place(b),
        _ => false,
    }
}

/// A path with its symlinks resolved: the file's own when it exists, else its directory's
/// joined with its name (`a` and `./a` of a file not yet written are one place).
fn place(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match (dir.canonicalize(), p.file_name()) {
        (Ok(d), Some(name)) => d.join(name),
        _ => p.to_path_buf(),
    }
}

/// `--plugin-timeout`: seconds, from 1 ms to [`HostConfig::MAX_TIMEOUT`].
fn parse_timeout(s: &str) -> Result<std::time::Duration, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    let max = HostConfig::MAX_TIMEOUT.as_secs_f64();
    if !(0.001..=max).contains(&secs) {
        return Err(format!("{s} is outside 0.001..{max} seconds"));
    }
    Ok(std::time::Duration::from_secs_f64(secs))
}

fn parse_score(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is outside 0..100"))
    }
}

/// Reads an inventory file (`-`: stdin) strictly: a syntax error names the file, line and
/// column; a newer schema's additions are a warning on stderr.
pub fn read_inventory(path: &Path) -> Result<Inventory> {
    let name = path.display().to_string();
    let text = if path.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading the inventory from stdin")?
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read inventory {name}"))?
    };
    let inventory = Inventory::from_json(&text).map_err(|e| match e {
        sovstack_inventory::Error::Json {
            line,
            column,
            message,
        } => anyhow::anyhow!("{name}:{line}:{column}: {message}"),
        other => anyhow::anyhow!("{name}: {other}"),
    })?;
    for d in inventory
        .diagnostics
        .iter()
        .filter(|d| d.code == "inventory/newer-addition")
    {
        eprintln!("sovstack: warning: {name}: {}", d.message);
    }
    Ok(inventory)
}

/// `--layer`'s values: the layer ids, listed by `--help` and checked by clap.
pub fn layer_parser() -> impl TypedValueParser<Value = Layer> {
    clap::builder::PossibleValuesParser::new(Layer::ALL.iter().map(|l| l.id()))
        .map(|s| Layer::from_id(&s).expect("clap only accepts the listed ids"))
}

/// The built-in knowledge base; a failure here is a bug in the embedded data, reported as such.
pub fn load_kb() -> Result<Kb> {
    Kb::builtin().context("the built-in knowledge base is invalid (a bug: please report it)")
}

/// The blocs and countries rulesets may name.
pub fn vocabulary(kb: &Kb) -> Vocabulary {
    Vocabulary {
        blocs: kb.blocs().iter().map(|b| b.id.clone()).collect(),
        countries: kb
            .countries()
            .map(|c| c.code.as_str().to_string())
            .collect(),
    }
}

/// Whether an inventory is an organisation's rather than one host's: a fleet imported with
/// `--import`, or services declared with `--declared`. With no `--ruleset`, an organisation's
/// audit is judged by [`ORGANISATION_NAMES`] (secnumcloud too), one host's by
/// [`DEFAULT_NAMES`].
pub fn is_organisation_audit(inventory: &Inventory) -> bool {
    inventory.fleet.is_some()
        || inventory
            .layers
            .suppliers
            .as_ref()
            .is_some_and(|s| !s.services.is_empty())
}

/// Loads rulesets by built-in name or path; with none named, the default built-in ones
/// (`DEFAULT_NAMES`: `secnumcloud` is asked for by name).
pub fn load_rulesets(specs: &[String], kb: &Kb) -> Result<Vec<ValidRuleset>> {
    load_rulesets_for(specs, kb, false)
}

/// [`load_rulesets`], where an organisation's audit defaults to [`ORGANISATION_NAMES`].
pub fn load_rulesets_for(
    specs: &[String],
    kb: &Kb,
    organisation: bool,
) -> Result<Vec<ValidRuleset>> {
    let vocabulary = vocabulary(kb);
    let specs: Vec<String> = if specs.is_empty() {
        let names = if organisation {
            ORGANISATION_NAMES
        } else {
            DEFAULT_NAMES
        };
        names.iter().map(|s| s.to_string()).collect()
    } else {
        specs.to_vec()
    };
    let mut out: Vec<ValidRuleset> = Vec::new();
    for spec in specs {
        let ruleset = if BUILTIN_NAMES.contains(&spec.as_str()) && !Path::new(&spec).exists() {
            builtin_named(&spec, &vocabulary)?
        } else {
            load_ruleset_file(Path::new(&spec), &vocabulary)?
        };
        if out.iter().any(|r| r.name == ruleset.name) {
            anyhow::bail!("ruleset `{}` is given twice", ruleset.name);
        }
        out.push(ruleset);
    }
    Ok(out)
}

/// Reads and validates one ruleset file.
pub fn load_ruleset_file(path: &Path, vocabulary: &Vocabulary) -> Result<ValidRuleset> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read ruleset {} (built-in rulesets: {})",
            path.display(),
            BUILTIN_NAMES.join(", ")
        )
    })?;
    Ok(ValidRuleset::from_yaml(
        &path.display().to_string(),
        &text,
        vocabulary,
    )?)
}

/// The host with its default limits, keeping compiled plugins in [`plugin_cache`].
pub fn new_host() -> Result<Host> {
    new_host_with(HostConfig::default())
}

/// The host with `config`'s limits, keeping compiled plugins in [`plugin_cache`] (the cache's
/// key holds the engine's settings, which limits do not change).
pub fn new_host_with(config: HostConfig) -> Result<Host> {
    let host = Host::new(config).context("starting the WebAssembly engine")?;
    Ok(match plugin_cache() {
        Some(cache) => host.with_cache(cache),
        None => host,
    })
}

/// Set by `--no-plugin-cache` (or `SOVSTACK_NO_PLUGIN_CACHE`), before any host starts.
pub static NO_PLUGIN_CACHE: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Where compiled plugins are kept between runs: `$XDG_CACHE_HOME/sovstack/plugins` (by
/// default `~/.cache/sovstack/plugins`), unless `--no-plugin-cache`; none when there is no
/// home directory.
pub fn plugin_cache() -> Option<sovstack_host::ModuleCache> {
    if NO_PLUGIN_CACHE.load(std::sync::atomic::Ordering::Relaxed) {
        return None;
    }
    let dir = dirs::cache_dir()?.join("sovstack").join("plugins");
    Some(sovstack_host::ModuleCache::new(dir))
}

impl EvalOptions {
    /// The plugin host's limits: the defaults, with those `--plugin-fuel`, `--plugin-memory`
    /// and `--plugin-timeout` set (clap keeps each within its hard cap), which then no longer
    /// grow with the request.
    pub fn host_config(&self) -> HostConfig {
        let default = HostConfig::default();
        HostConfig {
            fuel: self.plugin_fuel.unwrap_or(default.fuel),
            memory_bytes: self
                .plugin_memory
                .map_or(default.memory_bytes, |mib| (mib as usize) << 20),
            timeout: self.plugin_timeout.unwrap_or(default.timeout),
            fixed: sovstack_host::Fixed {
                fuel: self.plugin_fuel.is_some(),
                memory: self.plugin_memory.is_some(),
                timeout: self.plugin_timeout.is_some(),
            },
            ..default
        }
    }
}

/// The origin a `--plugin` file is known by: its path, with `./` before one that would read as
/// a built-in plugin's (`builtin:os`), so that no file passes for a built-in plugin.
pub fn user_origin(path: &Path) -> String {
    let shown = path.display().to_string();
    if sovstack_report::is_builtin_origin(&shown) {
        format!("./{shown}")
    } else {
        shown
    }
}

/// Refuses two `--plugin` files that read the same layer, naming both (the last would
/// otherwise win without a word).
pub fn refuse_two_plugins_per_layer(plugins: &[Plugin]) -> Result<()> {
    let mut seen: Vec<(&str, &Plugin)> = Vec::new();
    for p in plugins
        .iter()
        .filter(|p| !sovstack_report::is_builtin_origin(&p.origin))
    {
        for layer in &p.info.layers {
            if let Some((_, first)) = seen.iter().find(|(l, _)| l == layer) {
                anyhow::bail!(
                    "--plugin {} and --plugin {} both read layer `{layer}`: give one plugin per layer",
                    first.origin,
                    p.origin
                );
            }
            seen.push((layer, p));
        }
    }
    Ok(())
}

/// Loads the built-in plugins (those of `layers`, or all with `None`), then the user's, each
/// checked against the signature policy of `trust` ([`crate::signatures::run_trust`]). A plugin
/// that fails to load or is refused is reported as a diagnostic and left out; the others still
/// run.
pub fn load_plugins(
    host: &Host,
    layers: Option<&[Layer]>,
    user: &[PathBuf],
    trust: &crate::signatures::Trust,
) -> Result<(Vec<Plugin>, Vec<Diagnostic>)> {
    let mut plugins = Vec::new();
    let mut diags = Vec::new();
    let mut record = |r: Result<Plugin, sovstack_host::PluginError>| match r {
        Ok(p) => plugins.push(p),
        Err(e) => diags.push(Diagnostic {
            code: e.code().to_string(),
            severity: DiagnosticSeverity::Error,
            message: e.to_string(),
            path: None,
        }),
    };
    let mut modules: Vec<(String, Vec<u8>)> = BUILTIN_PLUGINS
        .iter()
        // Compiling a plugin is most of a run's time: skip those no layer of this run needs.
        .filter(|(layer, _)| layers.is_none_or(|l| l.contains(layer)))
        .map(|(layer, wasm)| {
            (
                format!("{}{layer}", sovstack_report::BUILTIN_ORIGIN_PREFIX),
                wasm.to_vec(),
            )
        })
        .collect();
    let mut refused = Vec::new();
    for path in user {
        let wasm = std::fs::read(path)
            .with_context(|| format!("cannot read plugin {}", path.display()))?;
        // Signatures (--trusted-keys, --require-signed): a refused file is not loaded.
        if let Err((code, message)) = crate::signatures::check_with(trust, path, &wasm) {
            refused.push(Diagnostic {
                code: code.to_string(),
                severity: DiagnosticSeverity::Error,
                message,
                path: None,
            });
            continue;
        }
        modules.push((user_origin(path), wasm));
    }
    // Compiling a module dominates a run's time; the host is shared between threads, so the
    // plugins compile side by side. Results keep the command line's order.
    let loaded: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = modules
            .iter()
            .map(|(origin, wasm)| scope.spawn(move || host.load(origin, wasm)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("plugin loading does not panic"))
            .collect()
    });
    loaded.into_iter().for_each(&mut record);
    diags.extend(refused);
    // Warnings about the cache (a file refused and recompiled): the run goes on unchanged.
    for note in host.take_cache_notes() {
        eprintln!("sovstack: warning: {}: {}", note.code, note.message);
    }
    Ok((plugins, diags))
}

/// Diagnostics that mean a layer asked for could not be assessed at all (a DNS resolver that
/// answered no query): printed on stderr, and exit 2 even though the inventory or report was
/// written, so that a script does not take the missing layer for a pass.
const UNASSESSED: &[&str] = &[
    sovstack_scan::network_codes::DNS_NO_ANSWER,
    sovstack_scan::network_codes::DNS_UNAVAILABLE,
];

/// Prints the diagnostics that mean a layer could not be assessed; `Some(2)` when there are any.
pub fn unassessed_exit(diagnostics: &[Diagnostic]) -> Option<u8> {
    let found: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| UNASSESSED.contains(&d.code.as_str()))
        .collect();
    for d in &found {
        eprintln!("sovstack: {}: {}", d.code, d.message);
    }
    (!found.is_empty()).then_some(exit::USAGE_OR_INPUT)
}

/// Evaluates an inventory, renders the report, applies the gate, and returns the exit code.
pub fn evaluate_and_report(
    kb: &Kb,
    inventory: &Inventory,
    opts: &EvalOptions,
    inputs: &[&Path],
    organisation: Option<&sovstack_report::Organisation>,
) -> Result<u8> {
    let destinations = destinations(opts.format, &opts.outputs)?;
    let mut inputs = inputs.to_vec();
    inputs.extend(opts.waivers.as_deref());
    for (_, path) in &destinations {
        output::refuse_overwriting_input(path.as_deref(), &inputs)?;
        output::refuse_unwritable(path.as_deref())?;
    }
    let generated_at = source_date_epoch().map_err(anyhow::Error::msg)?;
    let mut rulesets = load_rulesets_for(&opts.rulesets, kb, is_organisation_audit(inventory))?;
    if opts.rulesets.is_empty() {
        // A ruleset an organisation's audit adds by default (secnumcloud) that has no rule for
        // any layer the inventory holds could give no score: left out, and said, rather than
        // evaluated into an empty result that a `--fail-under` gate would count as a failure.
        let present = inventory.layers.present();
        rulesets.retain(|r| {
            let applies = DEFAULT_NAMES.contains(&r.name.as_str())
                || r.layers()
                    .iter()
                    .any(|l| present.iter().any(|p| p.id() == *l));
            if !applies {
                eprintln!(
                    "note: ruleset {} left out: it judges the {} layer(s), which this inventory does not hold (name it with --ruleset to apply it anyway)",
                    r.name,
                    r.layers().join(", ")
                );
            }
            applies
        });
    }
    let waivers = match &opts.waivers {
        Some(path) => Some((
            crate::waivers::load(path, &rulesets)?,
            crate::waivers::today()?,
        )),
        None => None,
    };
    let trust = crate::signatures::run_trust(&rulesets.iter().collect::<Vec<_>>())?;
    let host = new_host_with(opts.host_config())?;
    let (plugins, mut load_diags) = load_plugins(
        &host,
        Some(&inventory.layers.present()),
        &opts.plugins,
        &trust,
    )?;
    refuse_two_plugins_per_layer(&plugins)?;
    let failed_plugins: Vec<String> = opts
        .plugins
        .iter()
        .map(|p| user_origin(p))
        .filter(|origin| !plugins.iter().any(|p| &p.origin == origin))
        .collect();
    if !failed_plugins.is_empty() {
        load_diags.push(Diagnostic {
            code: crate::codes::PLUGIN_NOT_LOADED.to_string(),
            severity: DiagnosticSeverity::Error,
            message: format!(
                "--plugin {} did not load (see the plugin/ diagnostic before this one); the \
                 layers it was meant for cannot be known, so no built-in plugin stands in for it \
                 and only the layers another --plugin reads are evaluated",
                failed_plugins.join(", --plugin ")
            ),
            path: None,
        });
    }
    output::progress(&format!(
        "evaluating with {} plugin(s) and {} ruleset(s)",
        plugins.len(),
        rulesets.len()
    ));
    let evaluator = Evaluator {
        kb,
        host: &host,
        plugins: &plugins,
        rulesets: &rulesets,
        failed_plugins: &failed_plugins,
    };
    let mut report = evaluator.evaluate(inventory, load_diags, generated_at);
    // The date of the check comes only from SOURCE_DATE_EPOCH, so that a report is reproducible:
    // without it, nothing is past its end of support. Said once, where a person reads it.
    if let Some(s) = report
        .sobriety
        .as_ref()
        .filter(|s| s.as_of.is_none() && !s.support.is_empty())
    {
        eprintln!(
            "note: end of support not checked ({} support window(s) known): the date of the check comes only from SOURCE_DATE_EPOCH; SOURCE_DATE_EPOCH=$(date +%s) checks it as of now",
            s.support.len()
        );
    }
    if let Some(label) = &opts.group_by {
        sovstack_evaluate::group_by(inventory, &mut report, label).map_err(anyhow::Error::msg)?;
    }
    // The configuration's organisation, else the one a fleet inventory was imported for.
    report.organisation = organisation.cloned().or_else(|| {
        let org = inventory.fleet.as_ref()?.organisation.as_ref()?;
        Some(sovstack_report::Organisation {
            name: org.name.clone(),
            country: org.country.clone(),
            source: org.source.clone(),
        })
    });
    if let Some((waivers, today)) = &waivers {
        report.apply_waivers(waivers, today);
        for w in &report.waivers {
            let target = w
                .item
                .as_deref()
                .map(|i| format!("item `{i}`"))
                .or_else(|| w.pattern.as_deref().map(|p| format!("pattern `{p}`")))
                .unwrap_or_default();
            match w.status {
                sovstack_report::WaiverStatus::Expired => eprintln!(
                    "sovstack: warning: {}: the waiver of {} expired on {}: it waives nothing",
                    w.source, w.rule, w.expires
                ),
                sovstack_report::WaiverStatus::Unused => eprintln!(
                    "sovstack: warning: {}: the waiver of {} for {target} matched no finding: it waives nothing \
                     (an item is named by its label or its id, as the tables show them: `AMD EPYC`, `cpu0` or `cpu0 AMD EPYC`)",
                    w.source, w.rule
                ),
                sovstack_report::WaiverStatus::Active => {}
            }
        }
    }

    let gate = Gate {
        fail_under: opts.fail_under,
        fail_on: opts.fail_on.map(Into::into),
    };
    if gate.is_set() {
        report.gate = Some(gate.check(&report));
    }
    // Every format is rendered before any is written: a rendering error writes nothing.
    let mut rendered = Vec::new();
    for (kind, path) in &destinations {
        let options = RenderOptions {
            table: output::table_options(path.is_some(), opts.width, opts.wide, opts.ascii),
            csv_items: opts.csv_items,
        };
        rendered.push((kind.render(&report, options)?, path));
    }
    for (bytes, path) in rendered {
        output::emit(path.as_deref(), &bytes)?;
    }

    if opts.verbose {
        print_costs(&report);
    }
    let plugin_failed = report
        .diagnostics
        .iter()
        .any(|d| d.code.starts_with("plugin/"));
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("plugin/"))
    {
        eprintln!("sovstack: {}: {}", d.code, d.message);
    }
    let unassessed = unassessed_exit(&report.diagnostics);
    Ok(if plugin_failed {
        exit::USAGE_OR_INPUT
    } else if let Some(code) = unassessed {
        code
    } else if report.gate.as_ref().is_some_and(|g| !g.passed) {
        for reason in &report.gate.as_ref().expect("checked").reasons {
            eprintln!("sovstack: policy gate failed: {reason}");
        }
        exit::POLICY_FAILED
    } else {
        exit::SUCCESS
    })
}

/// `--verbose`: what each plugin evaluation cost, one line each on stderr.
fn print_costs(report: &sovstack_report::Report) {
    for r in &report.rulesets {
        for (layer, result) in &r.layers {
            let Some(run) = &result.plugin_run else {
                continue;
            };
            let cost = match &run.resources {
                Some(c) => format!(
                    "fuel {} of {}, peak memory {} of {} bytes, {:.1} ms",
                    c.fuel,
                    c.fuel_limit,
                    c.memory_peak_bytes,
                    c.memory_limit_bytes,
                    c.wall_time_us as f64 / 1000.0
                ),
                None => "not run".to_string(),
            };
            eprintln!(
                "sovstack: plugin {} on layer `{layer}`, ruleset {}: {cost}",
                run.describe(false),
                r.name
            );
        }
    }
}

/// What `evaluate --help` and `audit --help` say of scores and levels (docs/report.md, "Scores
/// and levels", gives the exact rules).
pub const SCORES_HELP: &str = "\
Scores and levels:
  Each ruleset gives every layer, and the whole audit, a score (0-100) and a level (0-4).
  eu-sovereignty: the levels are the EU Cloud Sovereignty Framework's SEAL levels, and a level is
  the weakest link (the lowest any rule gave any item) while the score is a mean (how far all the
  items go together): \"SEAL-1, score 81\" means most items are fine but at least one is not, and
  the findings name it. The overall score is the weighted mean over the objectives (SOV-1..SOV-8)
  some rule assessed; the others are listed as not assessed.
  non-aligned: a layer scores 100 x (1 - the largest pole's share - the unknown share) plus a
  credit for commons (free software, open ISAs, community projects); its level follows from the
  score by the ruleset's thresholds.
  --fail-under compares each ruleset's overall score. docs/report.md (\"Scores and levels\") gives
  the exact rules.";
