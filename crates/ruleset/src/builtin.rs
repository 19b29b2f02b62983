//! The built-in rulesets, compiled in from the repository's `rulesets/` directory so the binary
//! works on its own.

use crate::{RulesetError, ValidRuleset, Vocabulary};

/// Names of the built-in rulesets, in the order `ruleset list` shows them.
pub const BUILTIN_NAMES: &[&str] = &["eu-sovereignty", "non-aligned", "secnumcloud"];

/// The built-in rulesets evaluated when none is named for one host's audit, in that order: the
/// two general views. `secnumcloud` judges a provider against one qualification's requirements
/// (ANSSI SecNumCloud §19.6), which an organisation's suppliers face, not one machine: it is
/// asked for by name (`--ruleset secnumcloud`), or evaluated by default in an organisation's
/// audit ([`ORGANISATION_NAMES`]).
pub const DEFAULT_NAMES: &[&str] = &["eu-sovereignty", "non-aligned"];

/// The built-in rulesets evaluated when none is named for an organisation's audit (a fleet
/// imported with `--import`, or suppliers declared with `--declared`): the two general views
/// and `secnumcloud`, which judges the organisation's suppliers and providers.
pub const ORGANISATION_NAMES: &[&str] = &["eu-sovereignty", "non-aligned", "secnumcloud"];

const SOURCES: &[(&str, &str)] = &[
    (
        "eu-sovereignty",
        include_str!("../../../rulesets/eu-sovereignty.yaml"),
    ),
    (
        "non-aligned",
        include_str!("../../../rulesets/non-aligned.yaml"),
    ),
    (
        "secnumcloud",
        include_str!("../../../rulesets/secnumcloud.yaml"),
    ),
];

/// Every built-in ruleset, validated against the given vocabulary.
pub fn builtin_with(vocabulary: &Vocabulary) -> Result<Vec<ValidRuleset>, RulesetError> {
    SOURCES
        .iter()
        .map(|(name, text)| ValidRuleset::from_yaml(&format!("builtin:{name}"), text, vocabulary))
        .collect()
}

/// Every built-in ruleset, validated without a bloc and country vocabulary.
pub fn builtin() -> Result<Vec<ValidRuleset>, RulesetError> {
    builtin_with(&Vocabulary::default())
}

/// The YAML text of a built-in ruleset, comments included (a starting point for a custom one).
pub fn builtin_source(name: &str) -> Option<&'static str> {
    SOURCES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// One built-in ruleset by name.
pub fn builtin_named(name: &str, vocabulary: &Vocabulary) -> Result<ValidRuleset, RulesetError> {
    let (_, text) =
        SOURCES
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| RulesetError::UnknownBuiltin {
                name: name.to_string(),
            })?;
    ValidRuleset::from_yaml(&format!("builtin:{name}"), text, vocabulary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_validate_and_keep_their_names() {
        let all = builtin().unwrap();
        let names: Vec<_> = all.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, BUILTIN_NAMES);
        for r in &all {
            // The general views judge every host; SecNumCloud judges the services bought.
            let needed: &[&str] = match DEFAULT_NAMES.contains(&r.name.as_str()) {
                true => &["processor", "os", "network", "suppliers"],
                false => &["network", "suppliers"],
            };
            for layer in needed {
                assert!(r.layers().contains(layer), "{}: {layer}", r.name);
            }
        }
        assert!(DEFAULT_NAMES.iter().all(|n| BUILTIN_NAMES.contains(n)));
    }

    #[test]
    fn eu_objectives_carry_the_csf_weights() {
        let eu = builtin_named("eu-sovereignty", &Vocabulary::default()).unwrap();
        let weights: Vec<(String, f64)> = eu
            .scoring
            .objectives
            .iter()
            .map(|o| (o.id.clone(), o.weight))
            .collect();
        let expected = [15.0, 10.0, 10.0, 15.0, 20.0, 15.0, 10.0, 5.0];
        for (i, (id, w)) in weights.iter().enumerate() {
            assert_eq!(id, &format!("SOV-{}", i + 1));
            assert_eq!(*w, expected[i]);
        }
        assert_eq!(weights.iter().map(|(_, w)| w).sum::<f64>(), 100.0);
    }

    #[test]
    fn builtin_sources_are_the_rulesets_files() {
        for name in BUILTIN_NAMES {
            let file = std::fs::read_to_string(format!(
                "{}/../../rulesets/{name}.yaml",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap();
            assert_eq!(builtin_source(name), Some(file.as_str()), "{name}");
        }
        assert_eq!(builtin_source("nope"), None);
    }

    #[test]
    fn unknown_builtin_names_the_known_ones() {
        let e = builtin_named("nope", &Vocabulary::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("eu-sovereignty") && e.contains("non-aligned"),
            "{e}"
        );
    }
}
