//! Turns a raw ruleset into a [`ValidRuleset`]: every inconsistency is collected (cargo-deny's
//! `ValidationContext` habit), so a user fixes them all in one round.
//!
//! The checks of what the ruleset says are `sovstack_abi::semantics::check`, the very function
//! every built-in plugin runs on the rules it receives; this module attaches each problem's line
//! and column and adds the checks no plugin can make ([`HOST_REFUSALS`]): those that need the
//! knowledge base, and those about the whole file.

use crate::parse::RawRuleset;
use crate::{Problem, RulesetError, TrustedKey, ValidRuleset};
use serde_saphyr::Spanned;
use sovstack_abi::semantics::{self, Place};
use sovstack_abi::{Layer, RulesetView};

/// The codes `sovstack-ruleset` gives besides `sovstack_abi::semantics::REFUSALS` (which it gives
/// too), with their meanings. No plugin refuses these: a plugin sees one layer's rules of a
/// ruleset already parsed, and no knowledge base.
pub const HOST_REFUSALS: &[(&str, &str)] = &[
    (
        "ruleset/syntax",
        "the file is not YAML, or not a ruleset's shape (an unknown key, a wrong type)",
    ),
    (
        "ruleset/unknown-builtin",
        "no built-in ruleset has that name",
    ),
    ("ruleset/no-rules", "the ruleset has no rule"),
    (
        "ruleset/unknown-layer",
        "a rule names a layer that does not exist",
    ),
    (
        "ruleset/bad-plugin-pin",
        "a plugin pin is not a sha256 (64 lowercase hex digits) or names a layer that does not exist",
    ),
    (
        "ruleset/bad-trusted-key",
        "a key under `plugins: trusted_keys` is not a minisign public key",
    ),
    (
        "ruleset/unknown-bloc",
        "a bloc the knowledge base does not know",
    ),
    (
        "ruleset/unknown-country",
        "a country the knowledge base does not know",
    ),
];

/// The bloc ids and country codes a ruleset may name. Empty lists are not checked (the
/// knowledge base supplies them in the CLI).
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Known bloc ids (`EU`, `NATO`, ...).
    pub blocs: Vec<String>,
    /// Known ISO 3166-1 alpha-2 codes.
    pub countries: Vec<String>,
}

struct Ctx<'v> {
    problems: Vec<Problem>,
    vocabulary: &'v Vocabulary,
}

impl Ctx<'_> {
    fn push<T>(&mut self, at: &Spanned<T>, code: &'static str, message: String) {
        self.problems.push(Problem {
            code,
            line: at.referenced.line(),
            column: at.referenced.column(),
            message,
        });
    }

    fn check_blocs<T>(&mut self, at: &Spanned<T>, what: &str, blocs: &[String]) {
        for b in blocs {
            if !self.vocabulary.blocs.is_empty() && !self.vocabulary.blocs.contains(b) {
                let known = self.vocabulary.blocs.join(", ");
                self.push(at, "ruleset/unknown-bloc", format!("{what} names bloc `{b}`, which the knowledge base does not know (known: {known})"));
            }
        }
    }

    /// Countries of the right form the knowledge base does not know (the form is
    /// `semantics::check`'s).
    fn check_countries<T>(&mut self, at: &Spanned<T>, what: &str, countries: &[String]) {
        for c in countries {
            if semantics::is_country_code(c)
                && !self.vocabulary.countries.is_empty()
                && !self.vocabulary.countries.contains(c)
            {
                self.push(
                    at,
                    "ruleset/unknown-country",
                    format!("{what} names country `{c}`, which the knowledge base does not know"),
                );
            }
        }
    }
}

pub(crate) fn validate(
    origin: &str,
    text: &str,
    raw: RawRuleset,
    vocabulary: &Vocabulary,
) -> Result<ValidRuleset, RulesetError> {
    let mut cx = Ctx {
        problems: Vec::new(),
        vocabulary,
    };

    let view = RulesetView {
        name: raw.name.value.clone(),
        version: raw.version.value.clone(),
        scoring: raw.scoring.value.clone(),
        rules: raw.rules.value.iter().map(|r| r.value.clone()).collect(),
    };
    for p in semantics::check(&view) {
        let (line, column) = match p.place {
            Place::Name => (raw.name.referenced.line(), raw.name.referenced.column()),
            Place::Version => (
                raw.version.referenced.line(),
                raw.version.referenced.column(),
            ),
            Place::Scoring => (
                raw.scoring.referenced.line(),
                raw.scoring.referenced.column(),
            ),
            Place::Rule(i) => raw
                .rules
                .value
                .get(i)
                .map_or((0, 0), |r| (r.referenced.line(), r.referenced.column())),
        };
        cx.problems.push(Problem {
            code: p.refusal.code(),
            line,
            column,
            message: p.message,
        });
    }
    let s = &raw.scoring.value;
    for p in &s.poles {
        cx.check_countries(&raw.scoring, &format!("pole `{}`", p.id), &p.countries);
        cx.check_blocs(&raw.scoring, &format!("pole `{}`", p.id), &p.blocs);
    }
    cx.check_blocs(&raw.scoring, "home_blocs", &s.home_blocs);
    cx.check_countries(&raw.scoring, "home_countries", &s.home_countries);
    if raw.rules.value.is_empty() {
        cx.push(
            &raw.rules,
            "ruleset/no-rules",
            "a ruleset needs at least one rule".into(),
        );
    }
    for at in &raw.rules.value {
        let r = &at.value;
        if Layer::from_id(&r.layer).is_none() {
            let ids: Vec<&str> = Layer::ALL.iter().map(|l| l.id()).collect();
            cx.push(
                at,
                "ruleset/unknown-layer",
                format!(
                    "rule `{}` names layer `{}` (layers: {})",
                    r.id,
                    r.layer,
                    ids.join(", ")
                ),
            );
        }
    }

    if let Some(plugins) = &raw.plugins {
        for key in &plugins.value.trusted_keys {
            if let Err(e) = minisign_verify::PublicKey::from_base64(key.value.trim()) {
                cx.push(
                    key,
                    "ruleset/bad-trusted-key",
                    format!(
                        "plugins: trusted_keys: `{}` is not a minisign public key ({e}); give \
                         the second line of a `minisign -G` .pub file",
                        key.value
                    ),
                );
            }
        }
        for (layer, pin) in &plugins.value.pins {
            if Layer::from_id(layer).is_none() {
                let ids: Vec<&str> = Layer::ALL.iter().map(|l| l.id()).collect();
                cx.push(
                    plugins,
                    "ruleset/bad-plugin-pin",
                    format!(
                        "plugins: `{layer}` is not a layer (layers: {}) nor `trusted_keys`",
                        ids.join(", ")
                    ),
                );
            }
            let hex = pin.sha256.len() == 64
                && pin
                    .sha256
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !hex {
                cx.push(
                    plugins,
                    "ruleset/bad-plugin-pin",
                    format!(
                        "plugins: the pin of layer `{layer}` is `{}`, not a sha256 (64 lowercase \
                         hex digits, as `sovstack plugin list` shows)",
                        pin.sha256
                    ),
                );
            }
        }
    }

    if !cx.problems.is_empty() {
        // Stable: problems at the same place keep the order of the checks.
        cx.problems.sort_by_key(|p| (p.line, p.column));
        return Err(RulesetError::Invalid {
            origin: origin.to_string(),
            problems: cx.problems,
        });
    }
    use sha2::Digest;
    Ok(ValidRuleset {
        origin: origin.to_string(),
        name: raw.name.value,
        version: raw.version.value,
        title: raw.title,
        description: raw.description,
        references: raw.references,
        scoring: raw.scoring.value,
        rule_lines: raw
            .rules
            .value
            .iter()
            .map(|r| r.referenced.line())
            .collect(),
        rules: raw.rules.value.into_iter().map(|r| r.value).collect(),
        sha256: hex::encode(sha2::Sha256::digest(text.as_bytes())),
        trusted_keys: raw
            .plugins
            .as_ref()
            .map(|p| {
                p.value
                    .trusted_keys
                    .iter()
                    .map(|k| TrustedKey {
                        key: k.value.trim().to_string(),
                        line: k.referenced.line(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        plugin_pins: raw
            .plugins
            .map(|p| {
                p.value
                    .pins
                    .into_iter()
                    .map(|(l, pin)| (l, pin.sha256))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use crate::{RulesetError, TrustedKey, ValidRuleset, Vocabulary};

    const EU: &str = include_str!("../../../rulesets/eu-sovereignty.yaml");

    fn problems(text: &str, vocabulary: &Vocabulary) -> Vec<(String, u64)> {
        match ValidRuleset::from_yaml("t.yaml", text, vocabulary) {
            Err(RulesetError::Invalid { problems, .. }) => problems
                .into_iter()
                .map(|p| (p.code.to_string(), p.line))
                .collect(),
            Ok(_) => vec![],
            Err(e) => panic!("not a validation error: {e}"),
        }
    }

    fn line_of(text: &str, needle: &str) -> u64 {
        text.lines().position(|l| l.contains(needle)).expect(needle) as u64 + 1
    }

    #[test]
    fn plugin_pins_are_read_and_checked() {
        let good = "a".repeat(64);
        let text = format!("{EU}\nplugins:\n  os:\n    sha256: {good}\n");
        let r = ValidRuleset::from_yaml("t.yaml", &text, &Vocabulary::default()).unwrap();
        assert_eq!(
            r.plugin_pins,
            std::collections::BTreeMap::from([("os".to_string(), good.clone())])
        );
        assert!(
            ValidRuleset::from_yaml("t.yaml", EU, &Vocabulary::default())
                .unwrap()
                .plugin_pins
                .is_empty()
        );
        // Reported where the map of pins starts: the line after `plugins:`.
        let at = EU.lines().count() as u64 + 3;
        for bad in [
            format!("plugins:\n  oss:\n    sha256: {good}\n"),
            format!("plugins:\n  os:\n    sha256: {}\n", "A".repeat(64)),
            "plugins:\n  os:\n    sha256: abc\n".to_string(),
        ] {
            let got = problems(&format!("{EU}\n{bad}"), &Vocabulary::default());
            assert_eq!(got, [("ruleset/bad-plugin-pin".to_string(), at)], "{bad}");
        }
        // An unknown key in a pin is a syntax error.
        let text = format!("{EU}\nplugins:\n  os:\n    sha1: {good}\n");
        assert!(ValidRuleset::from_yaml("t.yaml", &text, &Vocabulary::default()).is_err());
    }

    #[test]
    fn trusted_keys_are_read_beside_the_pins_and_checked_where_they_are() {
        // A public key made by Debian's minisign 0.11 (`minisign -G -W`) for this test.
        let key = "RWSXdctTK/KkTF9EmrIAGHuLJ4qDZrCpl15It450xnSkakl5D/bOaPsF";
        let good = "a".repeat(64);
        let text =
            format!("{EU}\nplugins:\n  trusted_keys:\n    - {key}\n  os:\n    sha256: {good}\n");
        let r = ValidRuleset::from_yaml("t.yaml", &text, &Vocabulary::default()).unwrap();
        let line = EU.lines().count() as u64 + 4;
        assert_eq!(
            r.trusted_keys,
            [TrustedKey {
                key: key.to_string(),
                line
            }]
        );
        assert_eq!(r.plugin_pins.len(), 1);
        // Not a key: reported at the key itself.
        let bad = format!("{EU}\nplugins:\n  trusted_keys:\n    - {key}\n    - RWQx\n");
        assert_eq!(
            problems(&bad, &Vocabulary::default()),
            [("ruleset/bad-trusted-key".to_string(), line + 1)]
        );
        // Given twice, or not a list: a syntax error.
        for bad in [
            format!("plugins:\n  trusted_keys: [{key}]\n  trusted_keys: [{key}]\n"),
            format!("plugins:\n  trusted_keys: {key}\n"),
        ] {
            let text = format!("{EU}\n{bad}");
            assert!(matches!(
                ValidRuleset::from_yaml("t.yaml", &text, &Vocabulary::default()),
                Err(RulesetError::Syntax { .. })
            ));
        }
    }

    #[test]
    fn every_problem_is_reported_at_its_rule() {
        let text = EU
            .replace("roles: [core_designer, soc_vendor]", "roles: [core_designer, kernel]")
            .replace("objective: SOV-6\n    severity: medium\n    weight: 2\n    criterion:\n      openness:\n        roles: [isa_owner]", "objective: SOV-9\n    severity: medium\n    weight: 2\n    criterion:\n      openness:\n        roles: [isa_owner]")
            .replace("layer: os\n    title: The distribution's steward is known", "layer: oss\n    title: The distribution's steward is known");
        let got = problems(&text, &Vocabulary::default());
        let codes: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            codes,
            [
                "ruleset/unknown-role",
                "ruleset/unknown-objective",
                "ruleset/unknown-layer"
            ]
        );
        assert_eq!(
            got[0].1,
            line_of(&text, "id: eu.processor.designer-jurisdiction")
        );
        assert_eq!(got[1].1, line_of(&text, "id: eu.processor.isa-openness"));
        assert_eq!(got[2].1, line_of(&text, "id: eu.os.attribution-known"));
    }

    #[test]
    fn levels_above_four_and_duplicate_ids_are_refused() {
        let text = EU
            .replacen("home: 4, foreign: 2", "home: 5, foreign: 2", 1)
            .replace("id: eu.os.openness", "id: eu.os.steward-jurisdiction");
        let codes: Vec<String> = problems(&text, &Vocabulary::default())
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(codes, ["ruleset/bad-level", "ruleset/duplicate-rule"]);
    }

    #[test]
    fn blocs_and_countries_are_checked_against_the_vocabulary() {
        let vocabulary = Vocabulary {
            blocs: vec!["EEA".into()],
            countries: vec!["DE".into()],
        };
        let got = problems(EU, &vocabulary);
        assert_eq!(
            got,
            [(
                "ruleset/unknown-bloc".to_string(),
                line_of(EU, "method: seal_weakest_link")
            )]
        );
        let text = EU.replace(
            "home_blocs: [EU, EEA]",
            "home_blocs: [EEA]\n  home_countries: [de]",
        );
        let codes: Vec<String> = problems(&text, &vocabulary)
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(codes, ["ruleset/bad-country"]);
    }

    #[test]
    fn settings_of_the_other_method_are_refused() {
        let text = EU.replace(
            "  home_blocs: [EU, EEA]\n",
            "  home_blocs: [EU, EEA]\n  commons_credit: 0.5\n",
        );
        let codes: Vec<String> = problems(&text, &Vocabulary::default())
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(codes, ["ruleset/misplaced-setting"]);
    }

    #[test]
    fn a_rule_on_items_not_assessed_names_no_role_and_is_at_least_low() {
        // The built-in rule validates as it is (no roles, severity medium).
        assert_eq!(problems(EU, &Vocabulary::default()), []);
        let rule = "severity: medium\n    weight: 1\n    criterion:\n      assessed: {}";
        assert!(EU.contains(rule));
        let text = EU.replace(rule, &rule.replace("medium", "info"));
        assert_eq!(
            problems(&text, &Vocabulary::default()),
            [(
                "ruleset/bad-severity".to_string(),
                line_of(&text, "id: eu.network.assessed")
            )]
        );
    }

    const NA: &str = include_str!("../../../rulesets/non-aligned.yaml");

    #[test]
    fn the_plugins_checks_are_reported_at_their_place() {
        // Thresholds out of order, at `scoring`; a role twice and a pole named `other`.
        let text = NA
            .replace(
                "    - { min_score: 60, level: 3 }\n    - { min_score: 40, level: 2 }",
                "    - { min_score: 40, level: 2 }\n    - { min_score: 60, level: 3 }",
            )
            .replace(
                "roles: [isa_owner, core_designer]",
                "roles: [isa_owner, core_designer, isa_owner]",
            )
            .replace(
                "{ id: IN, name: India, countries: [IN] }",
                "{ id: other, name: India, countries: [IN] }",
            );
        let got = problems(&text, &Vocabulary::default());
        let scoring = line_of(&text, "method: bloc_balance");
        assert_eq!(
            got,
            [
                ("ruleset/threshold-order".to_string(), scoring),
                ("ruleset/reserved-pole".to_string(), scoring),
                (
                    "ruleset/duplicate-role".to_string(),
                    line_of(&text, "id: na.processor.attribution-known")
                ),
            ]
        );
        // What the plugins accept, validate accepts: weights of 0 and limits of 0.
        let text = NA
            .replacen("weight: 1", "weight: 0", 1)
            .replacen("max_share: 0.5", "max_share: 0", 1)
            .replacen("max_index: 0.25", "max_index: 0", 1);
        assert_eq!(problems(&text, &Vocabulary::default()), []);
    }

    #[test]
    fn every_code_this_crate_gives_is_declared_once() {
        use sovstack_abi::semantics::REFUSALS;
        let shared: Vec<&str> = REFUSALS.iter().map(|(code, _)| *code).collect();
        for (code, meaning) in crate::HOST_REFUSALS {
            assert!(
                !shared.contains(code),
                "{code} is the ABI's (sovstack_abi::semantics::REFUSALS)"
            );
            assert!(
                code.starts_with("ruleset/") && !meaning.is_empty() && !meaning.contains('\n'),
                "{code}"
            );
        }
        let declared = |code: &str| {
            shared.contains(&code) || crate::HOST_REFUSALS.iter().any(|(c, _)| *c == code)
        };
        for (file, source) in [
            ("lib.rs", include_str!("lib.rs")),
            ("parse.rs", include_str!("parse.rs")),
            ("validate.rs", include_str!("validate.rs")),
            ("builtin.rs", include_str!("builtin.rs")),
            ("aggregate.rs", include_str!("aggregate.rs")),
        ] {
            for (i, _) in source.match_indices("\"ruleset/") {
                let code: String = source[i + 1..].chars().take_while(|c| *c != '"').collect();
                if code == "ruleset/" {
                    continue; // this test's own needle
                }
                assert!(
                    declared(&code),
                    "{file}: `{code}` is used but declared in no list"
                );
            }
        }
    }

    #[test]
    fn the_sha256_is_of_the_bytes() {
        let r = ValidRuleset::from_yaml("t.yaml", EU, &Vocabulary::default()).unwrap();
        assert_eq!(r.sha256.len(), 64);
        let r2 =
            ValidRuleset::from_yaml("t.yaml", &format!("{EU}\n"), &Vocabulary::default()).unwrap();
        assert_ne!(r.sha256, r2.sha256);
    }

    #[test]
    fn each_rule_carries_the_line_its_id_is_on() {
        let r = ValidRuleset::from_yaml("t.yaml", EU, &Vocabulary::default()).unwrap();
        assert_eq!(r.rule_lines.len(), r.rules.len());
        let lines: Vec<&str> = EU.lines().collect();
        for (rule, line) in r.rules.iter().zip(&r.rule_lines) {
            let text = lines[*line as usize - 1];
            assert_eq!(text.trim(), format!("- id: {}", rule.id), "line {line}");
        }
    }
}
