//! The configuration file, `sovstack.yaml` in the current directory or `--config FILE`: defaults
//! for an organisation's audits. Flags override it; `SOVSTACK_DATA_DIR` overrides its `data_dir`.
//!
//! ```yaml
//! organisation:
//!   name: Example Agency
//!   country: FR            # ISO 3166-1 alpha-2, a country the knowledge base knows
//! rulesets: [eu-sovereignty, rules/ours.yaml]
//! data_dir: /srv/sovstack  # holds network/ (the data directory lookup's third step)
//! resolver: 192.0.2.53:53
//! endpoints: services.yaml
//! declared: suppliers.yaml # the declared suppliers, as --declared
//! ```
//!
//! Every key is optional; unknown keys, wrong types, unknown countries and paths that are not there
//! (a ruleset that is neither built in nor a file, a missing endpoints, declared or data_dir) are
//! input errors that name the file, line and column (exit 2). Relative paths are relative to the
//! file's directory.

use anyhow::{bail, Result};
use serde::Deserialize;
use serde_saphyr::Spanned;
use sovstack_inventory::CountryCode;
use sovstack_kb::Kb;
use sovstack_report::Organisation;
use sovstack_ruleset::BUILTIN_NAMES;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The file looked for in the current directory when `--config` is not given.
pub const DEFAULT_FILE: &str = "sovstack.yaml";

/// The configuration file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    organisation: Option<RawOrganisation>,
    #[serde(default)]
    rulesets: Vec<Spanned<String>>,
    #[serde(default)]
    data_dir: Option<Spanned<PathBuf>>,
    #[serde(default, deserialize_with = "resolver")]
    resolver: Option<SocketAddr>,
    #[serde(default)]
    endpoints: Option<Spanned<PathBuf>>,
    #[serde(default)]
    declared: Option<Spanned<PathBuf>>,
}

/// `resolver:` as `--resolver` takes it (an address alone means port 53).
fn resolver<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<SocketAddr>, D::Error> {
    let text = String::deserialize(d)?;
    sovstack_scan::parse_resolver(&text)
        .map(Some)
        .map_err(serde::de::Error::custom)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrganisation {
    name: String,
    #[serde(default)]
    country: Option<Spanned<CountryCode>>,
}

/// The configuration, checked, with paths resolved against the file's directory.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Config {
    /// The file it was read from; `None` when there is none.
    pub file: Option<PathBuf>,
    /// The organisation audited, shown in reports.
    pub organisation: Option<Organisation>,
    /// Default rulesets: built-in names or files.
    pub rulesets: Vec<String>,
    /// The data directory (third in the lookup, after `--data-dir` and `SOVSTACK_DATA_DIR`).
    pub data_dir: Option<PathBuf>,
    /// Default DNS server.
    pub resolver: Option<SocketAddr>,
    /// Default endpoints file (which asks for the network layer, as `--endpoints` does).
    pub endpoints: Option<PathBuf>,
    /// Default declared-suppliers file (which asks for the suppliers layer, as `--declared`
    /// does).
    pub declared: Option<PathBuf>,
}

impl Config {
    /// Reads `--config FILE` (which must exist) or, without it, `sovstack.yaml` in the current
    /// directory when there is one.
    pub fn load(flag: Option<&Path>, kb: &Kb) -> Result<Config> {
        let path = match flag {
            Some(p) => p.to_path_buf(),
            None if Path::new(DEFAULT_FILE).is_file() => PathBuf::from(DEFAULT_FILE),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&path).map_err(|e| {
            anyhow::anyhow!("cannot read configuration file {}: {e}", path.display())
        })?;
        Config::parse(&path, &text, kb)
    }

    /// Parses and checks the text of the file at `path`.
    pub fn parse(path: &Path, text: &str, kb: &Kb) -> Result<Config> {
        let origin = path.display();
        // A file of blank lines and comments only is a configuration that sets nothing.
        let nothing = text.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#')
        });
        let raw: RawConfig = if nothing {
            RawConfig::default()
        } else {
            sovstack_ruleset::from_yaml_strict(text).map_err(|e| {
                anyhow::anyhow!(
                    "{origin}:{}:{}: {}: {}",
                    e.line,
                    e.column,
                    crate::codes::CONFIG_SYNTAX,
                    e.message
                )
            })?
        };
        let organisation = match raw.organisation {
            None => None,
            Some(o) => {
                if let Some(c) = &o.country {
                    if kb.country(c.value.as_str()).is_none() {
                        bail!(
                            "{origin}:{}:{}: {}: organisation: country: `{}` is not a country the knowledge base knows",
                            c.referenced.line(),
                            c.referenced.column(),
                            crate::codes::CONFIG_COUNTRY,
                            c.value.as_str()
                        );
                    }
                }
                Some(Organisation {
                    name: o.name,
                    country: o.country.map(|c| c.value),
                    source: origin.to_string(),
                })
            }
        };
        let base = path.parent().unwrap_or(Path::new(""));
        let resolve = |p: &Path| match p.is_relative() {
            true => base.join(p),
            false => p.to_path_buf(),
        };
        // A path the file names must be there: the error names the file, line and key, not
        // only the path, which the command that uses it later could not place.
        let check = |key: &str, given: &Spanned<PathBuf>, dir: bool| -> Result<PathBuf> {
            let p = resolve(&given.value);
            let (ok, what) = match dir {
                true => (p.is_dir(), "a directory"),
                false => (p.is_file(), "a file"),
            };
            if !ok {
                bail!(
                    "{origin}:{}:{}: {}: {key}: {} is not {what}{}",
                    given.referenced.line(),
                    given.referenced.column(),
                    crate::codes::CONFIG_PATH,
                    p.display(),
                    match p.exists() {
                        true => "",
                        false => " (it does not exist)",
                    }
                );
            }
            Ok(p)
        };
        let mut rulesets = Vec::with_capacity(raw.rulesets.len());
        for r in &raw.rulesets {
            if BUILTIN_NAMES.contains(&r.value.as_str()) {
                rulesets.push(r.value.clone());
                continue;
            }
            let p = resolve(Path::new(&r.value));
            if !p.is_file() {
                bail!(
                    "{origin}:{}:{}: {}: rulesets: `{}` is neither a built-in ruleset ({}) nor a file{}",
                    r.referenced.line(),
                    r.referenced.column(),
                    crate::codes::CONFIG_PATH,
                    r.value,
                    BUILTIN_NAMES.join(", "),
                    match p.exists() {
                        true => String::new(),
                        false => format!(" ({} does not exist)", p.display()),
                    }
                );
            }
            rulesets.push(p.display().to_string());
        }
        Ok(Config {
            file: Some(path.to_path_buf()),
            organisation,
            rulesets,
            data_dir: raw
                .data_dir
                .map(|d| check("data_dir", &d, true))
                .transpose()?,
            resolver: raw.resolver,
            endpoints: raw
                .endpoints
                .map(|e| check("endpoints", &e, false))
                .transpose()?,
            declared: raw
                .declared
                .map(|d| check("declared", &d, false))
                .transpose()?,
        })
    }

    /// Fills what the scan's flags left unset. The configured endpoints file is a default for
    /// the network layer: it applies when `--layers` is not given or names that layer.
    pub fn apply_to_scan(&self, scan: &mut crate::commands::scan::ScanOptions) {
        // An import builds its layers from the files: the configured endpoints are no default.
        let network_asked = scan.import.is_empty()
            && scan.layers.as_ref().is_none_or(|l| {
                l.iter()
                    .any(|id| id == sovstack_inventory::Layer::Network.id())
            });
        let net = &mut scan.options.network;
        if net.endpoints.is_none() && network_asked {
            net.endpoints = self.endpoints.clone();
        }
        if net.resolver.is_none() {
            net.resolver = self.resolver;
        }
        // The declared suppliers are the organisation's, imported fleet or not: a default
        // unless `--layers` leaves their layer out.
        let suppliers_asked = scan.layers.as_ref().is_none_or(|l| {
            l.iter()
                .any(|id| id == sovstack_inventory::Layer::Suppliers.id())
        });
        let sup = &mut scan.options.suppliers;
        if sup.declared.is_none() && suppliers_asked {
            sup.declared = self.declared.clone();
        }
    }

    /// Fills what the evaluation's flags left unset.
    pub fn apply_to_eval(&self, eval: &mut crate::common::EvalOptions) {
        if eval.rulesets.is_empty() {
            eval.rulesets = self.rulesets.clone();
        }
    }
}
