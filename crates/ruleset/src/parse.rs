//! Strict YAML parsing of a ruleset file into its raw shape, keeping the location of the parts
//! that validation may need to point at.

use crate::RulesetError;
use serde::Deserialize;
use serde_saphyr::Spanned;
use sovstack_abi::{Rule, Scoring};
pub use sovstack_yaml::{from_yaml_strict, YamlError};

/// A ruleset as written, before validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRuleset {
    pub name: Spanned<String>,
    pub version: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub references: Vec<String>,
    pub scoring: Spanned<Scoring>,
    pub rules: Spanned<Vec<Spanned<Rule>>>,
    /// The plugin each layer must be judged by, pinned by sha256 (`sovstack plugin pin`), and
    /// the minisign keys that may sign plugin files (`trusted_keys`).
    #[serde(default)]
    pub plugins: Option<Spanned<RawPlugins>>,
}

/// The `plugins:` section: `trusted_keys: [KEY, ...]` and `LAYER: {sha256: ...}` entries side by
/// side. Read entry by entry (not with `#[serde(flatten)]`, which would buffer the values and
/// lose their lines and columns).
#[derive(Debug, Default)]
pub(crate) struct RawPlugins {
    /// Minisign public keys (the base64 line of a `minisign -G` `.pub` file), each where it is.
    pub trusted_keys: Vec<Spanned<String>>,
    /// The pins, by layer id.
    pub pins: std::collections::BTreeMap<String, PluginPin>,
}

/// The key of `plugins:` that is not a layer.
pub(crate) const TRUSTED_KEYS: &str = "trusted_keys";

impl<'de> Deserialize<'de> for RawPlugins {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawPlugins;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a map of `trusted_keys: [minisign public key, ...]` and `LAYER: {sha256: ...}`")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawPlugins, A::Error> {
                let mut out = RawPlugins::default();
                let mut keys_seen = false;
                while let Some(key) = map.next_key::<String>()? {
                    if key == TRUSTED_KEYS {
                        if keys_seen {
                            return Err(serde::de::Error::duplicate_field(TRUSTED_KEYS));
                        }
                        keys_seen = true;
                        out.trusted_keys = map.next_value()?;
                    } else {
                        let pin = map.next_value()?;
                        if out.pins.insert(key.clone(), pin).is_some() {
                            return Err(serde::de::Error::custom(format!(
                                "plugins: `{key}` is given twice"
                            )));
                        }
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// One layer's pinned plugin.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PluginPin {
    /// The sha256 of the plugin's module, 64 lowercase hex digits.
    pub sha256: String,
}

/// Parses ruleset text. Unknown keys, wrong types and malformed YAML are refused with the line
/// and column serde-saphyr reports, in plain words that name the rule and field (see
/// `sovstack_yaml`); an unclosed quote is reported where it opens.
pub(crate) fn parse(origin: &str, text: &str) -> Result<RawRuleset, RulesetError> {
    from_yaml_strict(text).map_err(|e| RulesetError::Syntax {
        origin: origin.to_string(),
        line: e.line,
        column: e.column,
        message: e.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_error(text: &str) -> (u64, u64, String) {
        match parse("t.yaml", text) {
            Err(RulesetError::Syntax {
                line,
                column,
                message,
                ..
            }) => (line, column, message),
            Ok(_) => panic!("parsed"),
            Err(e) => panic!("{e}"),
        }
    }

    const HEAD: &str = "name: t\nversion: '1'\ntitle: T\nscoring:\n  method: bloc_balance\n";

    #[test]
    fn unknown_top_level_key_is_refused_with_its_line() {
        let (line, _, msg) = syntax_error(&format!("{HEAD}rules: []\nextra: 1\n"));
        assert_eq!(line, 7, "{msg}");
        assert!(msg.contains("extra"), "{msg}");
    }

    #[test]
    fn unknown_key_in_a_rule_is_refused_with_its_line() {
        let text = format!(
            "{HEAD}rules:\n  - id: a\n    layer: os\n    title: x\n    severity: low\n    weight: 1\n    colour: red\n    criterion:\n      known_attribution: {{roles: [steward]}}\n"
        );
        let (line, col, msg) = syntax_error(&text);
        assert_eq!(line, 12, "{msg}");
        assert!(col > 0);
        assert!(msg.contains("colour"), "{msg}");
    }

    #[test]
    fn unknown_criterion_and_bad_severity_are_refused() {
        let rule = |sev: &str, crit: &str| {
            format!("{HEAD}rules:\n  - id: a\n    layer: os\n    title: x\n    severity: {sev}\n    weight: 1\n    criterion:\n      {crit}\n")
        };
        let (_, _, msg) = syntax_error(&rule("low", "vibes: {roles: [steward]}"));
        assert!(msg.contains("vibes"), "{msg}");
        let (line, _, msg) = syntax_error(&rule("urgent", "known_attribution: {roles: [steward]}"));
        assert_eq!(line, 10, "{msg}");
    }

    #[test]
    fn malformed_yaml_is_refused_with_a_location() {
        let (line, _, _) = syntax_error("name: [unclosed\nversion: 1\n");
        assert!(line >= 1);
    }

    fn rule_with(weight: &str, criterion: &str) -> String {
        format!("{HEAD}rules:\n  - id: eu.os.x\n    layer: os\n    title: x\n    severity: low\n    weight: {weight}\n    criterion:{criterion}\n")
    }

    #[test]
    fn wrong_types_are_said_in_plain_words_naming_rule_and_field_once() {
        // (text, line, column, message)
        let table = [
            (rule_with("\"abc\"", "\n      known_attribution: {roles: [steward]}"), 11, 13, "rule `eu.os.x`, field `weight`: expected a number, found the string \"abc\""),
            (rule_with("1", " [1]"), 12, 16, "rule `eu.os.x`, field `criterion`: expected one key naming the kind, with its settings below it (such as `known_attribution: {roles: [steward]}`), found a list"),
            (rule_with("[1]", "\n      known_attribution: {roles: [steward]}"), 11, 13, "rule `eu.os.x`, field `weight`: expected a single value, found a list"),
            (format!("{HEAD}rules: 3\n"), 6, 8, "field `rules`: expected a list, found the number 3"),
        ];
        for (text, line, column, message) in table {
            let (l, c, m) = syntax_error(&text);
            assert_eq!((l, c, m.as_str()), (line, column, message), "{text}");
        }
        // serde-saphyr gives up at the end of the file here; the value is on line 12.
        let (l, c, m) = syntax_error(&rule_with("1", " known_attribution"));
        assert_eq!(
            (l, c, m.as_str()),
            (12, 16, "rule `eu.os.x`, field `criterion`: expected a mapping (`key: value` lines), found the string \"known_attribution\"")
        );
        let (_, _, m) = syntax_error(&format!("{HEAD}rules:\n  - id: a\n    title: x\n    severity: low\n    weight: 1\n    criterion:\n      known_attribution: {{roles: [steward]}}\n"));
        assert_eq!(m, "rule `a`: missing field `layer`");
        let (_, _, m) = syntax_error(&format!("{HEAD}rules:\n  - id: a\n    colour: red\n"));
        assert!(
            m.starts_with("rule `a`: unknown field `colour`; the fields here are `id`, "),
            "{m}"
        );
    }

    #[test]
    fn an_unclosed_quote_is_reported_where_it_opens() {
        // Line 11 opens a quote; the next quote, on line 16, closes it, and the parser stops there.
        let text = format!("{HEAD}rules:\n  - id: a\n    layer: os\n    severity: low\n    weight: 1\n    title: \"oops\n    criterion:\n      known_attribution: {{roles: [steward]}}\n  - id: b\n    layer: os\n    title: \"x\"\n");
        for (quote, text) in [('"', text.clone()), ('\'', text.replace('"', "'"))] {
            let (line, column, message) = syntax_error(&text);
            assert_eq!((line, column), (11, 12), "{quote}: {message}");
            assert!(
                message.contains("not closed on this line") && message.contains("line 16"),
                "{message}"
            );
        }
        // A quote that never closes is reported where it opens as well.
        let (line, column, _) = syntax_error(&format!("{HEAD}rules:\n  - id: 'a\n    layer: os\n"));
        assert_eq!((line, column), (7, 9));
        // Quotes in comments and inside plain values are not openings; a string closed on its
        // line is not the culprit.
        let text = format!("# it's a comment\n{HEAD}rules:\n  - id: don't\n    title: \"fine\"\n    layer: os\n    weight: \"x\"\n    severity: low\n    criterion: {{known_attribution: {{roles: [steward]}}}}\n");
        let (line, _, message) = syntax_error(&text);
        assert_eq!(line, 11, "{message}");
        assert!(message.contains("field `weight`"), "{message}");
    }

    #[test]
    fn rules_keep_their_locations() {
        let text = format!(
            "{HEAD}rules:\n  - id: a\n    layer: os\n    title: x\n    severity: low\n    weight: 1\n    criterion:\n      known_attribution: {{roles: [steward]}}\n"
        );
        let raw = parse("t.yaml", &text).unwrap();
        assert_eq!(raw.rules.value[0].referenced.line(), 7);
    }
}
