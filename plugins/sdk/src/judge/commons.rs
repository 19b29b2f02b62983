//! `long_lived_commons` (`sovstack-abi`, "Criteria"): one credit per item that is a commons and
//! stays supported for long. A commons is an item whose actors of the rule's roles are all open
//! standards or community projects; its support horizon is
//! [`AttributedItem::support_years_left`], which the host dates. An unknown horizon earns nothing.

use super::actors::held;
use super::criteria::finding;
use crate::abi::{AttributedItem, Finding, Rule};

/// The credits of a `long_lived_commons` rule, in item order. Gives no level.
pub(crate) fn long_lived_commons(
    rule: &Rule,
    roles: &[String],
    min_years: f64,
    items: &[AttributedItem],
) -> Vec<Finding> {
    items
        .iter()
        .filter_map(|item| {
            let years = item.support_years_left?;
            let actors = held(item, roles);
            if actors.is_empty()
                || !actors.iter().all(|h| h.actor.governance.is_commons())
                || years < min_years
            {
                return None;
            }
            let names: Vec<&str> = actors
                .iter()
                .map(|h| h.actor.name.as_deref().unwrap_or("an unnamed project"))
                .collect();
            let message = format!(
                "{} is a commons ({}) with {:.1} years of support left (at least {} asked): \
                 a long-lived commons, credited",
                item.label,
                names.join(", "),
                years,
                min_years
            );
            let indices = actors.iter().map(|h| h.index).collect();
            Some(finding(rule, Some(&item.id), None, message, indices))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::{actor, item};
    use super::*;
    use crate::abi::{Criterion, Governance, Severity};

    #[test]
    fn commons_with_long_support_are_credited() {
        let rule = Rule {
            remediation: None,
            id: "na.os.long-lived-commons".into(),
            layer: "os".into(),
            title: "t".into(),
            objective: Some("SOV-8".into()),
            severity: Severity::Info,
            weight: 1.0,
            criterion: Criterion::LongLivedCommons {
                roles: vec!["steward".into()],
                min_years: 1.0,
            },
        };
        let debian = || {
            actor(
                "steward",
                Some("Debian Project"),
                None,
                &[],
                &[],
                Governance::Community,
            )
        };
        let canonical = actor(
            "steward",
            Some("Canonical Ltd"),
            Some("GB"),
            &["G7"],
            &[],
            Governance::Company,
        );
        let with = |id: &str, actors, years: Option<f64>| AttributedItem {
            support_years_left: years,
            ..item(id, actors)
        };
        let items = [
            // Debian 13 on 2026-12-06: 1.7 years left; credited.
            with("debian13", vec![debian()], Some(1.7)),
            // An ended release of the same commons: not credited.
            with("debian10", vec![debian()], Some(-4.2)),
            // A company's distribution, however long supported: not credited.
            with("ubuntu", vec![canonical], Some(2.5)),
            // A commons whose horizon is unknown: not credited.
            with("kylin", vec![debian()], None),
            // No actor of the roles: not judged.
            with("none", vec![], Some(9.0)),
        ];
        let got = long_lived_commons(&rule, &["steward".to_string()], 1.0, &items);
        let whole = super::super::vectors::judged_rule(&rule, &items);
        assert_eq!((whole.findings, whole.score), (got.clone(), None));
        assert_eq!(got.len(), 1);
        let f = &got[0];
        assert_eq!(
            (f.item.as_deref(), f.level, f.severity, f.actors.clone()),
            (Some("debian13"), None, Severity::Info, vec![0])
        );
        assert_eq!(
            f.message,
            "debian13 label is a commons (Debian Project) with 1.7 years of support left (at \
             least 1 asked): a long-lived commons, credited"
        );
        // A higher bar than the years left: nothing.
        assert!(long_lived_commons(&rule, &["steward".to_string()], 2.0, &items).is_empty());
    }
}
