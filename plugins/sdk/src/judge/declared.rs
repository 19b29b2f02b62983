//! `declared_vs_observed` and `certified` (`sovstack-abi`, "Criteria"): what a supplier
//! declares, checked. The host finds the contradictions between a declared service's claims and
//! what the network layer observed ([`AttributedItem::contradictions`], each pointing at the
//! claim's actor and the observation's) and carries the declared certifications
//! ([`AttributedItem::certifications`]); these criteria report them.

use super::criteria::finding;
use crate::abi::{AttributedItem, Finding, Rule};

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

/// The findings of a `certified` rule: one per item whose declared certifications hold none of
/// `any_of` (compared ignoring ASCII case). Gives no level.
pub(crate) fn certified(rule: &Rule, any_of: &[String], items: &[AttributedItem]) -> Vec<Finding> {
    items
        .iter()
        .filter(|item| {
            !item
                .certifications
                .iter()
                .any(|c| any_of.iter().any(|w| w.eq_ignore_ascii_case(c)))
        })
        .map(|item| {
            let declared = match item.certifications.is_empty() {
                true => "none is declared".to_string(),
                false => format!("declared: {}", item.certifications.join(", ")),
            };
            let message = format!(
                "{} has no {} certification ({declared})",
                item.label,
                any_of.join(" or ")
            );
            finding(rule, Some(&item.id), None, message, Vec::new())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::item;
    use super::*;
    use crate::abi::{Contradiction, Criterion, Severity};

    fn rule(criterion: Criterion) -> Rule {
        Rule {
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
    fn certified_wants_one_of_the_names_in_any_case() {
        let any_of = vec!["SecNumCloud".to_string(), "EUCS-high".to_string()];
        let r = rule(Criterion::Certified {
            any_of: any_of.clone(),
        });
        let with = |certs: &[&str]| AttributedItem {
            certifications: certs.iter().map(|c| c.to_string()).collect(),
            ..item("s", vec![])
        };
        assert!(certified(&r, &any_of, &[with(&["secnumcloud"])]).is_empty());
        assert!(certified(&r, &any_of, &[with(&["HDS", "EUCS-high"])]).is_empty());
        let got = certified(&r, &any_of, &[with(&["ISO-27001", "HDS"]), with(&[])]);
        // The whole judge finds the same on items of distinct ids (and the request is a test
        // vector of the suppliers layer).
        let distinct = [
            with(&["ISO-27001", "HDS"]),
            AttributedItem {
                id: "t".into(),
                ..with(&[])
            },
        ];
        let whole = super::super::vectors::judged_rule(&r, &distinct);
        assert_eq!(
            (whole.findings, whole.score),
            (certified(&r, &any_of, &distinct), None)
        );
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].message,
            "s label has no SecNumCloud or EUCS-high certification (declared: ISO-27001, HDS)"
        );
        assert_eq!(
            got[1].message,
            "s label has no SecNumCloud or EUCS-high certification (none is declared)"
        );
    }
}
