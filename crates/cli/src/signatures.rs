//! Detached minisign signatures of plugin files (`FILE.wasm.minisig`), verified with the
//! `minisign-verify` crate against the keys of `--trusted-keys FILE` and those the run's rulesets
//! list under `plugins: trusted_keys`; `--require-signed` makes a valid signature mandatory for
//! every plugin file. The built-in plugins are part of the binary
//! (rebuilt byte for byte by `plugins/check-reproducible.sh`) and are not signed separately.
//!
//! The policy, per plugin file:
//! * a `.minisig` beside it and trusted keys given: it must verify with one of them
//!   (`plugin/bad-signature` otherwise), whether or not signatures are required;
//! * no `.minisig` (or no trusted keys): accepted, unless `--require-signed`
//!   (`plugin/unsigned`).
//!
//! A refused plugin is a diagnostic, as a plugin that fails to load is, and the other plugins
//! still run; the command then exits 2.

use anyhow::{bail, Context, Result};
use minisign_verify::{PublicKey, Signature};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The keys and the policy of this run, set once from the command line.
#[derive(Debug, Default)]
pub struct Trust {
    /// Trusted public keys, each with where it was read (`FILE:LINE`).
    pub keys: Vec<(String, PublicKey)>,
    /// `--require-signed`.
    pub require: bool,
}

static TRUST: OnceLock<Trust> = OnceLock::new();

/// Sets the run's trust from `--trusted-keys` and `--require-signed`. Whether any key is
/// trusted at all is known once the rulesets are read ([`Trust::with_ruleset_keys`]).
pub fn configure(keys: Option<&Path>, require: bool) -> Result<()> {
    let keys = match keys {
        Some(path) => read_keys(path)?,
        None => Vec::new(),
    };
    // Set once, from main, before any plugin is read.
    let _ = TRUST.set(Trust { keys, require });
    Ok(())
}

/// The run's trust: `--trusted-keys` and `--require-signed`, with the keys the rulesets list
/// (`plugins: trusted_keys`), each known by `RULESET-FILE:LINE`. The rulesets were validated,
/// so every key of theirs parses. `--require-signed` with no key from either is a usage error.
pub fn run_trust(rulesets: &[&sovstack_ruleset::ValidRuleset]) -> Result<Trust> {
    let empty = Trust::default();
    let base = TRUST.get().unwrap_or(&empty);
    base.with_ruleset_keys(rulesets)
}

impl Trust {
    /// This trust with the keys of `rulesets` added (see [`run_trust`]).
    pub fn with_ruleset_keys(&self, rulesets: &[&sovstack_ruleset::ValidRuleset]) -> Result<Trust> {
        let mut keys = self.keys.clone();
        for r in rulesets {
            for k in &r.trusted_keys {
                let place = format!("{}:{}", r.origin, k.line);
                let key = PublicKey::from_base64(&k.key)
                    .map_err(|e| anyhow::anyhow!("{place}: not a minisign public key ({e})"))?;
                keys.push((place, key));
            }
        }
        if self.require && keys.is_empty() {
            bail!(
                "--require-signed needs trusted keys: --trusted-keys FILE (the minisign public \
                 keys to trust), or a ruleset listing them under `plugins: trusted_keys`"
            );
        }
        Ok(Trust {
            keys,
            require: self.require,
        })
    }
}

/// Reads minisign public keys: `.pub` files as `minisign -G` writes them (an `untrusted
/// comment:` line, then the key), one or several in one file; blank lines and `#` comments are
/// skipped. A line that is not a key is an input error naming the file and line.
pub fn read_keys(path: &Path) -> Result<Vec<(String, PublicKey)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the trusted keys {}", path.display()))?;
    let mut keys = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with("untrusted comment:") {
            continue;
        }
        let place = format!("{}:{}", path.display(), n + 1);
        let key = PublicKey::from_base64(line)
            .map_err(|e| anyhow::anyhow!("{place}: not a minisign public key ({e})"))?;
        keys.push((place, key));
    }
    if keys.is_empty() {
        bail!("{}: no minisign public key in it", path.display());
    }
    Ok(keys)
}

fn signature_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".minisig");
    PathBuf::from(s)
}

/// Checks the plugin file `path` with bytes `wasm` under `trust` ([`run_trust`]):
/// `Err((code, message))` when it must be refused.
pub fn check_with(trust: &Trust, path: &Path, wasm: &[u8]) -> Result<(), (&'static str, String)> {
    let sig_path = signature_path(path);
    let shown = path.display();
    let text = match std::fs::read_to_string(&sig_path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err((
                crate::codes::PLUGIN_BAD_SIGNATURE,
                format!(
                    "plugin {shown}: cannot read its signature {}: {e}",
                    sig_path.display()
                ),
            ))
        }
    };
    let (Some(text), false) = (text, trust.keys.is_empty()) else {
        return if trust.require {
            Err((
                crate::codes::PLUGIN_UNSIGNED,
                format!(
                    "plugin {shown}: --require-signed, and there is no signature {} (sign it \
                     with `minisign -Sm {shown}`)",
                    sig_path.display()
                ),
            ))
        } else {
            Ok(())
        };
    };
    let refuse = |why: String| {
        Err((
            crate::codes::PLUGIN_BAD_SIGNATURE,
            format!(
                "plugin {shown}: its signature {} {why}: the plugin is not loaded",
                sig_path.display()
            ),
        ))
    };
    let signature = match Signature::decode(&text) {
        Ok(s) => s,
        Err(e) => return refuse(format!("is not a minisign signature ({e})")),
    };
    // Only prehashed (current minisign) signatures: legacy ones sign the raw bytes.
    if trust
        .keys
        .iter()
        .any(|(_, key)| key.verify(wasm, &signature, false).is_ok())
    {
        return Ok(());
    }
    let places: Vec<&str> = trust.keys.iter().map(|(p, _)| p.as_str()).collect();
    refuse(format!(
        "does not verify with any trusted key ({}): signed by another key, or the file changed \
         since it was signed",
        places.join(", ")
    ))
}
