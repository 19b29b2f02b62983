//! `declared_vs_observed` and `certified` (`sovstack-abi`, "Criteria"): what a supplier
//! declares, checked. The host finds the contradictions between a declared service's claims and
//! what the network layer observed ([`AttributedItem::contradictions`], each pointing at the
//! claim's actor and the observation's) and carries the declared certifications
//! ([`AttributedItem::certifications`]); these criteria report them.

use super::criteria::{finding, Graded};
use crate::abi::semantics::{verdict_level, MAX_LEVEL};
use crate::abi::{AttributedItem, Criterion, Finding, Rule};

/// The findings of a `declared_vs_observed` rule: one per contradiction, in item order, each
/// pointing at the actors of the claim and of the observation. Gives no level.
pub(crate) fn declared_vs_observed(rule: &Rule, items: &[AttributedItem]) -> Vec<Finding> {
    let mut out = Vec::new();
    for item in items {
        for c in &item.contradictions {
            let mut actors: Vec<usize> = c
                .actors
                .iter()
                .copied()
                .filter(|&i| i < item.actors.len())
                .collect();
            actors.sort_unstable();
            actors.dedup();
            let message = format!("{}: {}", item.label, c.message);
            out.push(finding(rule, Some(&item.id), None, message, actors));
        }
    }
    out
}

/// The findings and levels of a `certified` rule: every item is judged, level 4 when its
/// declared certifications hold one of `any_of` (compared ignoring ASCII case), else level 0
/// and one finding (`sovstack-abi`'s [`verdict_level`]).
pub(crate) fn certified(rule: &Rule, items: &[AttributedItem]) -> Graded {
    let mut graded = Graded {
        findings: Vec::new(),
        levels: Vec::new(),
    };
    let any_of: &[String] = match &rule.criterion {
        Criterion::Certified { any_of } => any_of,
        _ => &[],
    };
    for item in items {
        let level = match verdict_level(rule, item) {
            Some(l) => l,
            None => continue,
        };
        graded.levels.push((level, item.effective_weight()));
        if level >= MAX_LEVEL {
            continue;
        }
        let declared = match item.certifications.is_empty() {
            true => "none is declared".to_string(),
            false => format!("declared: {}", item.certifications.join(", ")),
        };
        let message = format!(
            "{} has no {} certification ({declared}). Level {level} of {MAX_LEVEL}",
            item.label,
            any_of.join(" or ")
        );
        graded.findings.push(finding(
            rule,
            Some(&item.id),
            Some(level),
            message,
            Vec::new(),
        ));
    }
    graded
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::item;
    use super::*;
    use crate::abi::{Contradiction, Criterion, Severity};

    fn rule(criterion: Criterion) -> Rule {
        Rule {
            remediation: None,
            id: "r".into(),
            layer: "suppliers".into(),
            title: "t".into(),
            objective: Some("SOV-2".into()),
            severity: Severity::High,
            weight: 1.0,
            criterion,
        }
    }

    #[test]
    fn one_finding_per_contradiction_pointing_at_both_actors() {
        use super::super::actors::tests::actor;
        use crate::abi::Governance;
        let a = |role| actor(role, Some("x"), Some("FR"), &[], &[], Governance::State);
        let contradicted = AttributedItem {
            contradictions: vec![
                Contradiction {
                    message: "claims FR, observed US".into(),
                    actors: vec![1, 0],
                },
                Contradiction {
                    message: "second".into(),
                    actors: vec![0, 9],
                },
            ],
            ..item(
                "mail",
                vec![a("claimed_jurisdiction"), a("observed_operator")],
            )
        };
        let r = rule(Criterion::DeclaredVsObserved {});
        let items = [item("ok", vec![]), contradicted];
        let got = declared_vs_observed(&r, &items);
        // The whole judge finds the same (and the request is a test vector of the suppliers layer).
        let whole = super::super::vectors::judged_rule(&r, &items);
        assert_eq!((whole.findings, whole.score), (got.clone(), None));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].message, "mail label: claims FR, observed US");
        assert_eq!((got[0].item.as_deref(), got[0].level), (Some("mail"), None));
        assert_eq!(got[0].actors, vec![0, 1]);
        // An index past the item's actors points at nothing.
        assert_eq!(got[1].actors, vec![0]);
    }

    #[test]
    fn certified_wants_one_of_the_names_in_any_case_and_gives_levels_4_or_0() {
        use crate::abi::ObjectiveScore;
        let any_of = vec!["SecNumCloud".to_string(), "EUCS-high".to_string()];
        let r = rule(Criterion::Certified { any_of });
        let with = |id: &str, certs: &[&str]| AttributedItem {
            certifications: certs.iter().map(|c| c.to_string()).collect(),
            routes: None,
            ..item(id, vec![])
        };
        let met = certified(&r, &[with("s", &["secnumcloud"])]);
        assert_eq!((met.findings.len(), met.levels), (0, vec![(4, 1.0)]));
        let met = certified(&r, &[with("s", &["HDS", "EUCS-high"])]);
        assert_eq!((met.findings.len(), met.levels), (0, vec![(4, 1.0)]));
        let items = [
            with("s", &["ISO-27001", "HDS"]),
            with("t", &[]),
            with("u", &["SecNumCloud"]),
        ];
        let got = certified(&r, &items);
        assert_eq!(got.levels, vec![(0, 1.0), (0, 1.0), (4, 1.0)]);
        // The whole judge finds the same and scores the objective: levels 0, 0 and 4 give the
        // level 0 and a mean of 4/3 of 4 (the request is a test vector of the suppliers layer).
        let whole = super::super::vectors::judged_rule(&r, &items);
        assert_eq!(whole.findings, got.findings);
        let score = whole.score.expect("a certified rule scores its objective");
        assert_eq!(
            score.objectives["SOV-2"],
            ObjectiveScore {
                level: 0,
                score: 33.33
            }
        );
        assert_eq!((score.level, score.score), (0, 33.33));
        assert_eq!(got.findings.len(), 2);
        assert_eq!(
            (got.findings[0].level, got.findings[0].severity),
            (Some(0), Severity::High)
        );
        assert_eq!(
            got.findings[0].message,
            "s label has no SecNumCloud or EUCS-high certification (declared: ISO-27001, HDS). Level 0 of 4"
        );
        assert_eq!(
            got.findings[1].message,
            "t label has no SecNumCloud or EUCS-high certification (none is declared). Level 0 of 4"
        );
    }
}
