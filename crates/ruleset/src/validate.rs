//! Turns a raw ruleset into a [`ValidRuleset`]: every inconsistency is collected (cargo-deny's
//! `ValidationContext` habit), so a user fixes them all in one round.

use crate::parse::RawRuleset;
use crate::{Problem, RulesetError, ValidRuleset};
use serde_saphyr::Spanned;
use sovstack_abi::{Criterion, ScoringMethod, Severity};
use sovstack_inventory::{CountryCode, Layer};
use std::collections::BTreeSet;

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

    fn check_countries<T>(&mut self, at: &Spanned<T>, what: &str, countries: &[String]) {
        for c in countries {
            if CountryCode::new(c).is_err() {
                self.push(at, "ruleset/bad-country", format!("{what} names `{c}`, which is not an ISO 3166-1 alpha-2 code"));
            } else if !self.vocabulary.countries.is_empty() && !self.vocabulary.countries.contains(c) {
                self.push(at, "ruleset/unknown-country", format!("{what} names country `{c}`, which the knowledge base does not know"));
            }
        }
    }

    fn check_level<T>(&mut self, at: &Spanned<T>, what: &str, level: u8) {
        if level > 4 {
            self.push(at, "ruleset/bad-level", format!("{what} is {level}; levels run from 0 to 4"));
        }
    }
}

pub(crate) fn validate(
    origin: &str,
    text: &str,
    raw: RawRuleset,
    vocabulary: &Vocabulary,
) -> Result<ValidRuleset, RulesetError> {
    let mut cx = Ctx { problems: Vec::new(), vocabulary };

    let name = &raw.name.value;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        cx.push(&raw.name, "ruleset/bad-name", format!("name `{name}` must be kebab-case (a-z, 0-9, -)"));
    }
    if raw.version.value.trim().is_empty() {
        cx.push(&raw.version, "ruleset/bad-version", "version must not be empty".into());
    }
    check_scoring(&mut cx, &raw);
    check_rules(&mut cx, &raw);

    if !cx.problems.is_empty() {
        cx.problems.sort_by_key(|p| (p.line, p.column));
        return Err(RulesetError::Invalid { origin: origin.to_string(), problems: cx.problems });
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
        rules: raw.rules.value.into_iter().map(|r| r.value).collect(),
        sha256: hex::encode(sha2::Sha256::digest(text.as_bytes())),
    })
}

fn check_scoring(cx: &mut Ctx, raw: &RawRuleset) {
    let at = &raw.scoring;
    let s = &at.value;
    match s.method {
        ScoringMethod::SealWeakestLink => {
            if s.objectives.is_empty() {
                cx.push(at, "ruleset/missing-objectives", "seal_weakest_link needs `objectives` with their weights".into());
            }
            if s.home_blocs.is_empty() && s.home_countries.is_empty() {
                cx.push(at, "ruleset/missing-home", "seal_weakest_link needs `home_blocs` or `home_countries`: what counts as home".into());
            }
            for (key, empty) in [
                ("poles", s.poles.is_empty()),
                ("level_thresholds", s.level_thresholds.is_empty()),
                ("commons_credit", s.commons_credit == 0.0),
            ] {
                if !empty {
                    cx.push(at, "ruleset/misplaced-setting", format!("`{key}` applies to bloc_balance, not seal_weakest_link (the weakest objective decides the level)"));
                }
            }
        }
        ScoringMethod::BlocBalance => {
            if s.poles.is_empty() {
                cx.push(at, "ruleset/missing-poles", "bloc_balance needs `poles`: the powers whose shares are measured".into());
            }
            if s.level_thresholds.is_empty() {
                cx.push(at, "ruleset/missing-thresholds", "bloc_balance needs `level_thresholds`".into());
            } else if !s.level_thresholds.iter().any(|t| t.min_score <= 0.0) {
                cx.push(at, "ruleset/incomplete-thresholds", "`level_thresholds` must include `min_score: 0` so that every score gets a level".into());
            }
            if !(0.0..=1.0).contains(&s.commons_credit) {
                cx.push(at, "ruleset/bad-commons-credit", format!("commons_credit is {}; it must lie in 0..1", s.commons_credit));
            }
            for (key, empty) in [
                ("objectives", s.objectives.is_empty()),
                ("home_blocs", s.home_blocs.is_empty()),
                ("home_countries", s.home_countries.is_empty()),
            ] {
                if !empty {
                    cx.push(at, "ruleset/misplaced-setting", format!("`{key}` applies to seal_weakest_link, not bloc_balance"));
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    for o in &s.objectives {
        if !seen.insert(o.id.as_str()) {
            cx.push(at, "ruleset/duplicate-objective", format!("objective `{}` is declared twice", o.id));
        }
        // Written so that NaN fails too (NaN > 0.0 is false).
        if !o.weight.is_finite() || o.weight <= 0.0 {
            cx.push(at, "ruleset/bad-weight", format!("objective `{}` has weight {}; weights must be positive", o.id, o.weight));
        }
    }
    let mut seen = BTreeSet::new();
    for p in &s.poles {
        if !seen.insert(p.id.as_str()) {
            cx.push(at, "ruleset/duplicate-pole", format!("pole `{}` is declared twice", p.id));
        }
        if p.countries.is_empty() && p.blocs.is_empty() {
            cx.push(at, "ruleset/empty-pole", format!("pole `{}` holds no country and no bloc", p.id));
        }
        cx.check_countries(at, &format!("pole `{}`", p.id), &p.countries);
        cx.check_blocs(at, &format!("pole `{}`", p.id), &p.blocs);
    }
    for t in &s.level_thresholds {
        cx.check_level(at, "a level threshold's level", t.level);
    }
    cx.check_blocs(at, "home_blocs", &s.home_blocs);
    cx.check_countries(at, "home_countries", &s.home_countries);
}

fn check_rules(cx: &mut Ctx, raw: &RawRuleset) {
    let method = raw.scoring.value.method;
    let objectives: Vec<&str> = raw.scoring.value.objectives.iter().map(|o| o.id.as_str()).collect();
    if raw.rules.value.is_empty() {
        cx.push(&raw.rules, "ruleset/no-rules", "a ruleset needs at least one rule".into());
    }
    let mut ids = BTreeSet::new();
    for at in &raw.rules.value {
        let r = &at.value;
        let what = format!("rule `{}`", r.id);
        if !ids.insert(r.id.as_str()) {
            cx.push(at, "ruleset/duplicate-rule", format!("{what} is declared twice"));
        }
        if let Some(layer) = Layer::from_id(&r.layer) {
            let known: Vec<&str> = layer.roles().iter().map(|role| role.as_str()).collect();
            if r.criterion.names_roles() && r.criterion.roles().is_empty() {
                cx.push(at, "ruleset/no-roles", format!("{what} names no role to judge"));
            }
            for role in r.criterion.roles() {
                if !known.contains(&role.as_str()) {
                    cx.push(at, "ruleset/unknown-role", format!("{what} names role `{role}`, which layer `{}` has no actor in (roles: {})", r.layer, known.join(", ")));
                }
            }
        } else {
            let ids: Vec<&str> = Layer::ALL.iter().map(|l| l.id()).collect();
            cx.push(at, "ruleset/unknown-layer", format!("{what} names layer `{}` (layers: {})", r.layer, ids.join(", ")));
        }
        if !r.weight.is_finite() || r.weight <= 0.0 {
            cx.push(at, "ruleset/bad-weight", format!("{what} has weight {}; weights must be positive", r.weight));
        }
        match (method, &r.objective) {
            (ScoringMethod::SealWeakestLink, None) => {
                cx.push(at, "ruleset/missing-objective", format!("{what} needs an `objective` (one of {})", objectives.join(", ")))
            }
            (ScoringMethod::SealWeakestLink, Some(o)) if !objectives.contains(&o.as_str()) => {
                cx.push(at, "ruleset/unknown-objective", format!("{what} names objective `{o}`, which `scoring.objectives` does not declare"))
            }
            (ScoringMethod::BlocBalance, Some(_)) => {
                cx.push(at, "ruleset/misplaced-setting", format!("{what} names an objective, which bloc_balance does not use"))
            }
            _ => {}
        }
        match &r.criterion {
            Criterion::Jurisdiction { levels, pass_level, .. } => {
                for (k, v) in [
                    ("home", levels.home),
                    ("foreign", levels.foreign),
                    ("extraterritorial", levels.extraterritorial),
                    ("commons", levels.commons),
                    ("unknown", levels.unknown),
                ] {
                    cx.check_level(at, &format!("{what}'s `{k}` level"), v);
                }
                cx.check_level(at, &format!("{what}'s pass_level"), *pass_level);
            }
            Criterion::Openness { levels, pass_level, .. } => {
                for (k, v) in [
                    ("open_standard", levels.open_standard),
                    ("community", levels.community),
                    ("foundation", levels.foundation),
                    ("company", levels.company),
                    ("state", levels.state),
                    ("unknown", levels.unknown),
                ] {
                    cx.check_level(at, &format!("{what}'s `{k}` level"), v);
                }
                cx.check_level(at, &format!("{what}'s pass_level"), *pass_level);
            }
            Criterion::Concentration { max_share, max_index, .. } => {
                for (k, v) in [("max_share", max_share), ("max_index", max_index)] {
                    if !(*v > 0.0 && *v <= 1.0) {
                        cx.push(at, "ruleset/bad-threshold", format!("{what}'s {k} is {v}; it must lie in (0, 1]"));
                    }
                }
            }
            Criterion::KnownAttribution { .. } => {}
            // A service that could not be assessed is never a mere remark: such a finding would
            // vanish among the informational ones and read like a pass.
            Criterion::Assessed {} if r.severity < Severity::Low => cx.push(
                at,
                "ruleset/bad-severity",
                format!("{what} reports items that could not be assessed; its severity must be low or higher, not {}", r.severity.as_str()),
            ),
            Criterion::Assessed {} => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{RulesetError, ValidRuleset, Vocabulary};

    const EU: &str = include_str!("../../../rulesets/eu-sovereignty.yaml");

    fn problems(text: &str, vocabulary: &Vocabulary) -> Vec<(String, u64)> {
        match ValidRuleset::from_yaml("t.yaml", text, vocabulary) {
            Err(RulesetError::Invalid { problems, .. }) => {
                problems.into_iter().map(|p| (p.code.to_string(), p.line)).collect()
            }
            Ok(_) => vec![],
            Err(e) => panic!("not a validation error: {e}"),
        }
    }

    fn line_of(text: &str, needle: &str) -> u64 {
        text.lines().position(|l| l.contains(needle)).expect(needle) as u64 + 1
    }

    #[test]
    fn every_problem_is_reported_at_its_rule() {
        let text = EU
            .replace("roles: [core_designer, soc_vendor]", "roles: [core_designer, kernel]")
            .replace("objective: SOV-6\n    severity: medium\n    weight: 2\n    criterion:\n      openness:\n        roles: [isa_owner]", "objective: SOV-9\n    severity: medium\n    weight: 2\n    criterion:\n      openness:\n        roles: [isa_owner]")
            .replace("layer: os\n    title: The distribution's steward is known", "layer: oss\n    title: The distribution's steward is known");
        let got = problems(&text, &Vocabulary::default());
        let codes: Vec<&str> = got.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["ruleset/unknown-role", "ruleset/unknown-objective", "ruleset/unknown-layer"]);
        assert_eq!(got[0].1, line_of(&text, "id: eu.processor.designer-jurisdiction"));
        assert_eq!(got[1].1, line_of(&text, "id: eu.processor.isa-openness"));
        assert_eq!(got[2].1, line_of(&text, "id: eu.os.attribution-known"));
    }

    #[test]
    fn levels_above_four_and_duplicate_ids_are_refused() {
        let text = EU
            .replacen("home: 4, foreign: 2", "home: 5, foreign: 2", 1)
            .replace("id: eu.os.openness", "id: eu.os.steward-jurisdiction");
        let codes: Vec<String> = problems(&text, &Vocabulary::default()).into_iter().map(|p| p.0).collect();
        assert_eq!(codes, ["ruleset/bad-level", "ruleset/duplicate-rule"]);
    }

    #[test]
    fn blocs_and_countries_are_checked_against_the_vocabulary() {
        let vocabulary = Vocabulary { blocs: vec!["EEA".into()], countries: vec!["DE".into()] };
        let got = problems(EU, &vocabulary);
        assert_eq!(got, [("ruleset/unknown-bloc".to_string(), line_of(EU, "method: seal_weakest_link"))]);
        let text = EU.replace("home_blocs: [EU, EEA]", "home_blocs: [EEA]\n  home_countries: [de]");
        let codes: Vec<String> = problems(&text, &vocabulary).into_iter().map(|p| p.0).collect();
        assert_eq!(codes, ["ruleset/bad-country"]);
    }

    #[test]
    fn settings_of_the_other_method_are_refused() {
        let text = EU.replace("  home_blocs: [EU, EEA]\n", "  home_blocs: [EU, EEA]\n  commons_credit: 0.5\n");
        let codes: Vec<String> = problems(&text, &Vocabulary::default()).into_iter().map(|p| p.0).collect();
        assert_eq!(codes, ["ruleset/misplaced-setting"]);
    }

    #[test]
    fn a_rule_on_items_not_assessed_names_no_role_and_is_at_least_low() {
        // The built-in rule validates as it is (no roles, severity medium).
        assert_eq!(problems(EU, &Vocabulary::default()), []);
        let rule = "title: Every service could be assessed\n    objective: SOV-3\n    severity: medium";
        assert!(EU.contains(rule));
        let text = EU.replace(rule, &rule.replace("medium", "info"));
        assert_eq!(problems(&text, &Vocabulary::default()), [("ruleset/bad-severity".to_string(), line_of(&text, "id: eu.network.assessed"))]);
    }

    #[test]
    fn the_sha256_is_of_the_bytes() {
        let r = ValidRuleset::from_yaml("t.yaml", EU, &Vocabulary::default()).unwrap();
        assert_eq!(r.sha256.len(), 64);
        let r2 = ValidRuleset::from_yaml("t.yaml", &format!("{EU}\n"), &Vocabulary::default()).unwrap();
        assert_ne!(r.sha256, r2.sha256);
    }
}
