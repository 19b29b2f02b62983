//! Strict YAML parsing of a ruleset file into its raw shape, keeping the location of the parts
//! that validation may need to point at.

use crate::RulesetError;
use serde::Deserialize;
use serde_saphyr::Spanned;
use sovstack_abi::{Rule, Scoring};

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
}

/// Parses ruleset text. Unknown keys, wrong types and malformed YAML are refused with the line
/// and column serde-saphyr reports.
pub(crate) fn parse(origin: &str, text: &str) -> Result<RawRuleset, RulesetError> {
    serde_saphyr::from_str::<RawRuleset>(text).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
        RulesetError::Syntax { origin: origin.to_string(), line, column, message: first_line(&e.to_string()) }
    })
}

/// serde-saphyr's message can carry a rendered snippet after the first line; the location is
/// reported separately, so keep the sentence only.
fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or_default().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_error(text: &str) -> (u64, u64, String) {
        match parse("t.yaml", text) {
            Err(RulesetError::Syntax { line, column, message, .. }) => (line, column, message),
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

    #[test]
    fn rules_keep_their_locations() {
        let text = format!(
            "{HEAD}rules:\n  - id: a\n    layer: os\n    title: x\n    severity: low\n    weight: 1\n    criterion:\n      known_attribution: {{roles: [steward]}}\n"
        );
        let raw = parse("t.yaml", &text).unwrap();
        assert_eq!(raw.rules.value[0].referenced.line(), 7);
    }
}
