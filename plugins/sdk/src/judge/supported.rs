//! `supported`: one finding per item past the end of its support (`sovstack-abi`, "Criteria"):
//! an operating system its vendor no longer patches. The host dates the evaluation and says why
//! in [`AttributedItem::support_ended`]; this criterion only reports it.

use super::criteria::finding;
use crate::abi::{AttributedItem, Finding, Rule};

/// The findings of a `supported` rule, in item order. Gives no level.
pub(crate) fn supported(rule: &Rule, items: &[AttributedItem]) -> Vec<Finding> {
    items
        .iter()
        .filter_map(|item| {
            let why = item.support_ended.as_deref()?;
            let message = format!("{} is past the end of its support: {why}", item.label);
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
    fn one_finding_per_item_past_its_support() {
        let rule = Rule {
            id: "s".into(),
            layer: "os".into(),
            title: "t".into(),
            objective: Some("SOV-8".into()),
            severity: Severity::High,
            weight: 1.0,
            criterion: Criterion::Supported {},
        };
        let ended = AttributedItem {
            support_ended: Some("security support ended on 2024-08-14".into()),
            ..item("os", vec![])
        };
        let items = [item("other", vec![]), ended];
        let got = supported(&rule, &items);
        // The whole judge finds the same (and the request is a test vector of the os layer).
        let whole = super::super::vectors::judged_rule(&rule, &items);
        assert_eq!((whole.findings, whole.score), (got.clone(), None));
        assert_eq!(got.len(), 1);
        let f = &got[0];
        assert_eq!(
            (f.rule.as_str(), f.item.as_deref(), f.level, f.severity),
            ("s", Some("os"), None, Severity::High)
        );
        assert_eq!(f.objective.as_deref(), Some("SOV-8"));
        assert_eq!(
            f.message,
            "os label is past the end of its support: security support ended on 2024-08-14"
        );
        assert!(supported(&rule, &[item("os", vec![])]).is_empty());
    }
}
