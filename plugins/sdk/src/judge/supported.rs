//! `supported` (`sovstack-abi`, "Criteria"): an operating system or a processor its vendor no
//! longer supports. The host dates the evaluation and says where each item stands
//! ([`AttributedItem::support_status`]): supported (level 4, no finding), in its extended
//! support window (level 2, a finding one severity step below the rule's), or past its end
//! (level 0, a finding); an item whose support is unknown is not judged. The levels and the
//! severity are `sovstack-abi`'s ([`semantics::support_level`], [`semantics::base_severity`]),
//! which the host checks.

use super::criteria::{finding, Graded};
use crate::abi::semantics::{base_severity, support_level, MAX_LEVEL};
use crate::abi::{AttributedItem, Rule, SupportStatus};

/// The findings and levels of a `supported` rule, in item order.
pub(crate) fn supported(rule: &Rule, items: &[AttributedItem]) -> Graded {
    let mut graded = Graded {
        findings: Vec::new(),
        levels: Vec::new(),
    };
    for item in items {
        let level = match support_level(item) {
            Some(l) => l,
            None => continue,
        };
        graded.levels.push((level, item.effective_weight()));
        if level >= MAX_LEVEL {
            continue;
        }
        let message = match (
            item.support_status(),
            &item.support_ended,
            &item.support_extended,
        ) {
            (Some(SupportStatus::Ended), Some(why), _) => {
                format!("{} is past the end of its support: {why}", item.label)
            }
            (_, _, Some(why)) => format!(
                "{} is in its extended support window: {why}. Level {level} of {MAX_LEVEL}: \
                 security fixes still come, from a narrower programme than regular support",
                item.label
            ),
            _ => continue,
        };
        let mut f = finding(rule, Some(&item.id), Some(level), message, Vec::new());
        f.severity = base_severity(rule, item);
        graded.findings.push(f);
    }
    graded
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::item;
    use super::*;
    use crate::abi::{Criterion, ObjectiveScore, Severity};

    fn rule() -> Rule {
        Rule {
            remediation: None,
            id: "s".into(),
            layer: "os".into(),
            title: "t".into(),
            objective: Some("SOV-8".into()),
            severity: Severity::High,
            weight: 1.0,
            criterion: Criterion::Supported {},
        }
    }

    #[test]
    fn one_finding_per_item_past_its_support() {
        let rule = rule();
        let ended = AttributedItem {
            support_ended: Some("security support ended on 2024-08-14".into()),
            ..item("os", vec![])
        };
        let items = [item("other", vec![]), ended];
        let got = supported(&rule, &items);
        // The unknown item is not judged; the ended one is at level 0, which is the layer's
        // (the whole judge finds the same, and the request is a test vector of the os layer).
        assert_eq!(got.levels, vec![(0, 1.0)]);
        let whole = super::super::vectors::judged_rule(&rule, &items);
        assert_eq!(whole.findings, got.findings);
        let score = whole.score.expect("an item was judged");
        assert_eq!(
            score.objectives["SOV-8"],
            ObjectiveScore {
                level: 0,
                score: 0.0
            }
        );
        assert_eq!(got.findings.len(), 1);
        let f = &got.findings[0];
        assert_eq!(
            (f.rule.as_str(), f.item.as_deref(), f.level, f.severity),
            ("s", Some("os"), Some(0), Severity::High)
        );
        assert_eq!(f.objective.as_deref(), Some("SOV-8"));
        assert_eq!(
            f.message,
            "os label is past the end of its support: security support ended on 2024-08-14"
        );
        // Support unknown: not judged, no score.
        let unknown = supported(&rule, &[item("os", vec![])]);
        assert!(unknown.findings.is_empty() && unknown.levels.is_empty());
        let none = super::super::vectors::judged_rule(&rule, &[item("os", vec![])]);
        assert_eq!((none.findings.len(), none.score), (0, None));
    }

    #[test]
    fn supported_items_reach_4_and_extended_support_2_one_step_lower() {
        let rule = rule();
        let fine = AttributedItem {
            supported: true,
            ..item("os", vec![])
        };
        let extended = AttributedItem {
            support_extended: Some(
                "regular security support ended on 2026-07-11; Debian LTS continues until 2028-06-30".into(),
            ),
            ..item("lts", vec![])
        };
        let items = [fine, extended];
        let got = supported(&rule, &items);
        assert_eq!(got.levels, vec![(4, 1.0), (2, 1.0)]);
        let whole = super::super::vectors::judged_rule(&rule, &items);
        assert_eq!(whole.findings, got.findings);
        let score = whole.score.expect("two items judged");
        // Levels 4 and 2: mean 3 of 4, the weakest link at 2.
        assert_eq!((score.level, score.score), (2, 75.0));
        assert_eq!(got.findings.len(), 1);
        let f = &got.findings[0];
        assert_eq!(
            (f.item.as_deref(), f.level, f.severity),
            (Some("lts"), Some(2), Severity::Medium)
        );
        assert_eq!(
            f.message,
            "lts label is in its extended support window: regular security support ended on 2026-07-11; Debian LTS continues until 2028-06-30. Level 2 of 4: security fixes still come, from a narrower programme than regular support"
        );
        // A supported item alone: level 4, no finding.
        let alone = super::super::vectors::judged_rule(&rule, &items[..1]);
        assert!(alone.findings.is_empty());
        assert_eq!(alone.score.map(|s| (s.level, s.score)), Some((4, 100.0)));
    }
}
