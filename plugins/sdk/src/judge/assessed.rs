//! `assessed`: one finding per item the scan could not assess (`sovstack-abi`, "Criteria"). Such
//! an item has no actor, so every other criterion passes over it; without this finding a service
//! nobody could look at would read like a service with nothing to report.

use super::criteria::finding;
use crate::abi::{AttributedItem, Finding, Rule};

/// The findings of an `assessed` rule, in item order. Gives no level.
pub(crate) fn assessed(rule: &Rule, items: &[AttributedItem]) -> Vec<Finding> {
    items
        .iter()
        .filter_map(|item| {
            let why = item.not_assessed.as_deref()?;
            let message = format!("{} could not be assessed: {why}", item.label);
            Some(finding(rule, Some(&item.id), None, message, Vec::new()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::item;
    use super::*;
    use crate::abi::{Criterion, Severity};

    #[test]
    fn one_finding_per_item_not_assessed_with_its_reason() {
        let rule = Rule {
            remediation: None,
            id: "a".into(),
            layer: "network".into(),
            title: "t".into(),
            objective: Some("SOV-3".into()),
            severity: Severity::Medium,
            weight: 1.0,
            criterion: Criterion::Assessed {},
        };
        let missing = AttributedItem {
            not_assessed: Some("the name does not exist (NXDOMAIN)".into()),
            ..item("ep0", vec![])
        };
        let items = vec![item("ep1", vec![]), missing];
        let got = assessed(&rule, &items);
        // The whole judge finds the same (and the request is a test vector of the network layer).
        let whole = super::super::vectors::judged_rule(&rule, &items);
        assert_eq!((whole.findings, whole.score), (got.clone(), None));
        assert_eq!(got.len(), 1);
        let f = &got[0];
        assert_eq!(
            (f.rule.as_str(), f.item.as_deref(), f.level, f.severity),
            ("a", Some("ep0"), None, Severity::Medium)
        );
        assert_eq!(f.objective.as_deref(), Some("SOV-3"));
        assert_eq!(
            f.message,
            "ep0 label could not be assessed: the name does not exist (NXDOMAIN)"
        );
        assert!(assessed(&rule, &[]).is_empty());
    }
}
