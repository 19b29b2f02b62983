//! Criticality (`sovstack-abi`, "Criticality"): a finding about an item its owner labelled
//! `critical` is one severity step above its rule's. Applied once, after every rule has run, so
//! the criteria themselves stay about what they judge.

use std::collections::BTreeMap;

use crate::abi::{AttributedItem, Finding};

/// Raises the severity of each finding about a `critical` item. The critical items' ids are
/// gathered once, so the cost is linear in findings and items (a layer of 10 000 endpoints gives
/// tens of thousands of findings: a search of the items per finding ran out of fuel).
pub(crate) fn raise_severities(findings: &mut [Finding], items: &[AttributedItem]) {
    let critical: BTreeMap<&str, &AttributedItem> = items
        .iter()
        .filter(|i| i.criticality.is_some())
        .map(|i| (i.id.as_str(), i))
        .collect();
    if critical.is_empty() {
        return;
    }
    for f in findings.iter_mut() {
        if let Some(item) = f.item.as_deref().and_then(|id| critical.get(id)) {
            f.severity = item.finding_severity(f.severity);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::item;
    use super::*;
    use crate::abi::{Criticality, Severity};

    fn on(item: Option<&str>) -> Finding {
        Finding {
            rule: "r".into(),
            item: item.map(str::to_string),
            severity: Severity::Medium,
            objective: None,
            level: None,
            message: "m".into(),
            actors: Vec::new(),
        }
    }

    #[test]
    fn findings_on_critical_items_are_one_step_more_severe() {
        let labelled = |id: &str, c: Option<Criticality>| AttributedItem {
            criticality: c,
            ..item(id, vec![])
        };
        let items = vec![
            labelled("crit", Some(Criticality::Critical)),
            labelled("high", Some(Criticality::High)),
            labelled("low", Some(Criticality::Low)),
            labelled("plain", None),
        ];
        let mut findings = vec![
            on(Some("crit")),
            on(Some("high")),
            on(Some("low")),
            on(Some("plain")),
            on(None),
        ];
        raise_severities(&mut findings, &items);
        let got: Vec<Severity> = findings.iter().map(|f| f.severity).collect();
        use Severity::*;
        assert_eq!(got, [High, Medium, Medium, Medium, Medium]);
        let steps: Vec<Severity> = Severity::ALL.iter().map(|s| s.step_up()).collect();
        assert_eq!(steps, [Low, Medium, High, Critical, Critical]);
    }
}
