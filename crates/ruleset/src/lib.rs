//! sovstack rulesets: what a sovereignty view asks of each layer, and how its scores aggregate.
//!
//! A ruleset is a YAML file (see `rulesets/` for the two built-in ones). This crate parses it
//! strictly (unknown keys are refused, every error carries a line and column), validates it into
//! a [`ValidRuleset`] the evaluation can trust (every problem is reported, not just the first),
//! hands each layer's rules to plugins as an [`sovstack_abi::RulesetView`], and aggregates the
//! plugins' layer scores into an overall score ([`aggregate`]).
//!
//! It does not judge items: the criteria are computed by plugins (`plugins/sdk`), whose semantics
//! the ABI crate documents.
//!
//! ```
//! let rulesets = sovstack_ruleset::builtin().unwrap();
//! assert!(rulesets.iter().any(|r| r.name == "eu-sovereignty"));
//! ```

#![deny(missing_docs)]

mod aggregate;
mod builtin;
mod parse;
mod validate;

pub use aggregate::{aggregate, control_shares, mean_shares, Overall};
pub use builtin::{
    builtin, builtin_named, builtin_source, BUILTIN_NAMES, DEFAULT_NAMES, ORGANISATION_NAMES,
};
pub use parse::{from_yaml_strict, YamlError};
pub use validate::{Vocabulary, HOST_REFUSALS};

use sovstack_abi::{Rule, RulesetView, Scoring};
use sovstack_inventory::DataRef;
use std::fmt;

/// A ruleset that passed validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRuleset {
    /// Where it came from: `builtin:NAME` or the file path.
    pub origin: String,
    /// Kebab-case name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// One line.
    pub title: String,
    /// A paragraph.
    pub description: String,
    /// Documents the ruleset follows.
    pub references: Vec<String>,
    /// How scores are computed.
    pub scoring: Scoring,
    /// The rules, in file order.
    pub rules: Vec<Rule>,
    /// The 1-based line each rule starts on, in the order of `rules` (0 when unknown).
    pub rule_lines: Vec<u64>,
    /// sha256 of the file's bytes.
    pub sha256: String,
    /// The sha256 of the plugin each layer must be judged by, by layer id (the file's
    /// `plugins: {LAYER: {sha256: ...}}`); a layer not named takes whichever plugin reads it.
    pub plugin_pins: std::collections::BTreeMap<String, String>,
    /// Minisign public keys that may sign plugin files (the file's `plugins: {trusted_keys:
    /// [...]}`), trusted besides those of `--trusted-keys`.
    pub trusted_keys: Vec<TrustedKey>,
}

/// A minisign public key a ruleset trusts to sign plugin files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedKey {
    /// The key: the base64 line of a `minisign -G` `.pub` file (checked to be one).
    pub key: String,
    /// The 1-based line it is on.
    pub line: u64,
}

impl ValidRuleset {
    /// Parses and validates ruleset text. `origin` names the file in messages.
    pub fn from_yaml(
        origin: &str,
        text: &str,
        vocabulary: &Vocabulary,
    ) -> Result<Self, RulesetError> {
        let raw = parse::parse(origin, text)?;
        validate::validate(origin, text, raw, vocabulary)
    }

    /// The view of the ruleset a plugin evaluating `layer` receives: settings plus that layer's
    /// rules.
    pub fn view_for(&self, layer: &str) -> RulesetView {
        layer_view(&self.name, &self.version, &self.scoring, &self.rules, layer)
    }

    /// Name, version and sha256, for the report's list of inputs.
    pub fn data_ref(&self) -> DataRef {
        DataRef {
            name: self.name.clone(),
            version: self.version.clone(),
            sha256: self.sha256.clone(),
        }
    }

    /// The layers the ruleset has rules for, in first-appearance order.
    pub fn layers(&self) -> Vec<&str> {
        let mut v: Vec<&str> = Vec::new();
        for r in &self.rules {
            if !v.contains(&r.layer.as_str()) {
                v.push(&r.layer);
            }
        }
        v
    }
}

/// A ruleset file parsed strictly (unknown keys and wrong types are still refused) but not
/// validated, and what a plugin evaluating each layer would be shown of it: the conformance
/// corpus's way to put a ruleset that `sovstack ruleset validate` refuses before the plugins, to
/// check that they refuse it too. Evaluation only ever uses a [`ValidRuleset`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnvalidatedRuleset {
    raw: RulesetView,
}

impl UnvalidatedRuleset {
    /// Parses ruleset text without validating it. `origin` names the file in messages.
    pub fn from_yaml(origin: &str, text: &str) -> Result<Self, RulesetError> {
        let raw = parse::parse(origin, text)?;
        Ok(UnvalidatedRuleset {
            raw: RulesetView {
                name: raw.name.value,
                version: raw.version.value,
                scoring: raw.scoring.value,
                rules: raw.rules.value.into_iter().map(|r| r.value).collect(),
            },
        })
    }

    /// The view a plugin evaluating `layer` would receive, as [`ValidRuleset::view_for`] makes it.
    pub fn view_for(&self, layer: &str) -> RulesetView {
        layer_view(
            &self.raw.name,
            &self.raw.version,
            &self.raw.scoring,
            &self.raw.rules,
            layer,
        )
    }
}

/// Settings plus the rules for `layer`, in file order.
fn layer_view(
    name: &str,
    version: &str,
    scoring: &Scoring,
    rules: &[Rule],
    layer: &str,
) -> RulesetView {
    RulesetView {
        name: name.to_string(),
        version: version.to_string(),
        scoring: scoring.clone(),
        rules: rules.iter().filter(|r| r.layer == layer).cloned().collect(),
    }
}

/// One problem in a ruleset, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Stable code (`ruleset/unknown-role`).
    pub code: &'static str,
    /// 1-based line (0 when unknown).
    pub line: u64,
    /// 1-based column (0 when unknown).
    pub column: u64,
    /// What is wrong.
    pub message: String,
}

/// Why a ruleset could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesetError {
    /// Not YAML, or not a ruleset's shape (an unknown key, a wrong type).
    #[error("{origin}:{line}:{column}: ruleset/syntax: {message}")]
    Syntax {
        /// The file.
        origin: String,
        /// 1-based line.
        line: u64,
        /// 1-based column.
        column: u64,
        /// What the parser said.
        message: String,
    },
    /// Well-formed but inconsistent: every problem found.
    #[error("{}", render_problems(origin, problems))]
    Invalid {
        /// The file.
        origin: String,
        /// Every problem, in file order.
        problems: Vec<Problem>,
    },
    /// No built-in ruleset of that name.
    #[error("no built-in ruleset named `{name}` (built-in: {}); to use a file, give its path", BUILTIN_NAMES.join(", "))]
    UnknownBuiltin {
        /// The name asked for.
        name: String,
    },
}

impl RulesetError {
    /// Every problem as `(code, line, column, message)`, for JSON diagnostics.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            RulesetError::Syntax {
                line,
                column,
                message,
                ..
            } => vec![Problem {
                code: "ruleset/syntax",
                line: *line,
                column: *column,
                message: message.clone(),
            }],
            RulesetError::Invalid { problems, .. } => problems.clone(),
            RulesetError::UnknownBuiltin { .. } => vec![Problem {
                code: "ruleset/unknown-builtin",
                line: 0,
                column: 0,
                message: self.to_string(),
            }],
        }
    }
}

fn render_problems(origin: &str, problems: &[Problem]) -> String {
    let mut s = String::new();
    for (i, p) in problems.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        s.push_str(&format!(
            "{origin}:{}:{}: {}: {}",
            p.line, p.column, p.code, p.message
        ));
    }
    s
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.column, self.code, self.message
        )
    }
}
