//! The item-by-item criteria: `jurisdiction` and `openness`, which give every judged item a level,
//! and `known_attribution`, which only reports. An item with no actor in the roles a rule names is
//! not judged by it. Each returns findings in item order; the layer-wide `concentration` lives in
//! [`super::concentration`], scores in [`super::scoring`].

use super::actors::{held, seat, Held, Seat};
use crate::abi::{
    AttributedItem, Finding, Governance, JurisdictionLevels, OpennessLevels, Rule, Scoring,
};

/// What a level-giving rule produced: its findings, and the level of each item it judged with
/// the item's weight (item order; unjudged items have none). The weight only weighs the rule's
/// mean item level in [`super::scoring`]: levels and findings ignore it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Graded {
    pub findings: Vec<Finding>,
    pub levels: Vec<(u8, f64)>,
}

pub(crate) fn finding(
    rule: &Rule,
    item: Option<&str>,
    level: Option<u8>,
    message: String,
) -> Finding {
    Finding {
        rule: rule.id.clone(),
        item: item.map(str::to_string),
        severity: rule.severity,
        objective: rule.objective.clone(),
        level,
        message,
    }
}

/// Gives each judged item the lowest level among its actors in `roles`; an item below `pass`
/// gets a finding describing each of its actors below `pass`.
fn grade<F>(rule: &Rule, roles: &[String], pass: u8, items: &[AttributedItem], judge: F) -> Graded
where
    F: Fn(&Held) -> (u8, String),
{
    let mut graded = Graded {
        findings: Vec::new(),
        levels: Vec::with_capacity(items.len()),
    };
    for item in items {
        let judged: Vec<(u8, String)> = held(item, roles).iter().map(&judge).collect();
        let level = match judged.iter().map(|(l, _)| *l).min() {
            Some(level) => level,
            None => continue,
        };
        graded.levels.push((level, item.effective_weight()));
        if level < pass {
            let why: Vec<&str> = judged
                .iter()
                .filter(|(l, _)| *l < pass)
                .map(|(_, s)| s.as_str())
                .collect();
            let message = format!("{}: level {level} < {pass}", why.join("; "));
            graded
                .findings
                .push(finding(rule, Some(&item.id), Some(level), message));
        }
    }
    graded
}

/// `jurisdiction`: where the actors are headquartered and which laws reach them.
pub(crate) fn jurisdiction(
    rule: &Rule,
    roles: &[String],
    levels: &JurisdictionLevels,
    pass: u8,
    scoring: &Scoring,
    items: &[AttributedItem],
) -> Graded {
    grade(rule, roles, pass, items, |h| {
        let at = match h.country() {
            Some(c) => format!("headquartered in {c}"),
            None => "without a known headquarters".to_string(),
        };
        match seat(h, scoring) {
            Seat::Home => (levels.home, format!("{} is {at}, at home", h.who())),
            Seat::Extraterritorial => (
                levels.extraterritorial,
                format!("{} is {at}, reached by {}", h.who(), h.laws().join(", ")),
            ),
            Seat::Foreign => (
                levels.foreign,
                format!("{} is {at}, outside the home countries", h.who()),
            ),
            Seat::Commons => (
                levels.commons,
                format!("{} is {at}, part of the commons", h.who()),
            ),
            Seat::Unknown => (levels.unknown, format!("{} is {at}", h.who())),
        }
    })
}

fn governance_words(g: Governance) -> &'static str {
    match g {
        Governance::OpenStandard => "is an open standard",
        Governance::Community => "is a community project",
        Governance::Foundation => "is a foundation",
        Governance::Company => "is a company",
        Governance::State => "is a state body",
        Governance::Unknown => "has unknown governance",
    }
}

/// `openness`: how the actors are governed.
pub(crate) fn openness(
    rule: &Rule,
    roles: &[String],
    levels: &OpennessLevels,
    pass: u8,
    items: &[AttributedItem],
) -> Graded {
    grade(rule, roles, pass, items, |h| {
        let g = h.governance();
        (
            levels.level(g),
            format!("{} {}", h.who(), governance_words(g)),
        )
    })
}

/// `known_attribution`: one finding per actor in `roles` whose organisation is not established.
/// Gives no level.
pub(crate) fn known_attribution(
    rule: &Rule,
    roles: &[String],
    items: &[AttributedItem],
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for item in items {
        for h in held(item, roles) {
            if h.name().is_some() {
                continue;
            }
            let message = match h.country() {
                Some(c) => format!(
                    "the {} of {} is not identified (headquarters {c})",
                    h.role_words(),
                    item.label
                ),
                None => format!("the {} of {} is not identified", h.role_words(), item.label),
            };
            findings.push(finding(rule, Some(&item.id), None, message));
        }
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::{actor, item, strings, weighed};
    use super::*;
    use crate::abi::{Actor, Criterion, ScoringMethod, Severity};
    use Governance::*;

    fn rule(id: &str) -> Rule {
        Rule {
            id: id.into(),
            layer: "processor".into(),
            title: "t".into(),
            objective: Some("SOV-5".into()),
            severity: Severity::High,
            weight: 1.0,
            criterion: Criterion::KnownAttribution { roles: vec![] },
        }
    }

    fn eu() -> Scoring {
        Scoring {
            method: ScoringMethod::SealWeakestLink,
            home_blocs: strings(&["EU"]),
            home_countries: vec![],
            objectives: vec![],
            poles: vec![],
            commons_credit: 0.0,
            level_thresholds: vec![],
        }
    }

    const JL: JurisdictionLevels = JurisdictionLevels {
        home: 4,
        foreign: 2,
        extraterritorial: 1,
        commons: 3,
        unknown: 0,
    };

    const OL: OpennessLevels = OpennessLevels {
        open_standard: 4,
        community: 4,
        foundation: 3,
        company: 1,
        state: 1,
        unknown: 0,
    };

    fn amd() -> Actor {
        actor(
            "core_designer",
            Some("Advanced Micro Devices, Inc."),
            Some("US"),
            &["NATO"],
            &["us-cloud-act", "us-fisa-702"],
            Company,
        )
    }

    #[test]
    fn jurisdiction_levels_and_messages() {
        let roles = strings(&["core_designer"]);
        let two = strings(&["isa_owner", "core_designer"]);
        let cd = |name: Option<&str>, country: Option<&str>, blocs: &[&str], g: Governance| {
            actor("core_designer", name, country, blocs, &[], g)
        };
        // (name, roles, actors, level or None when not judged, message)
        type Case<'a> = (
            &'a str,
            &'a [String],
            Vec<Actor>,
            Option<u8>,
            Option<&'a str>,
        );
        let cases: Vec<Case> = vec![
            ("extraterritorial", &roles, vec![amd()], Some(1),
             Some("core designer Advanced Micro Devices, Inc. is headquartered in US, reached by us-cloud-act, us-fisa-702: level 1 < 3")),
            ("home passes", &roles, vec![cd(Some("SiPearl"), Some("FR"), &["EU"], Company)], Some(4), None),
            ("foreign", &roles, vec![cd(Some("Arm Ltd"), Some("GB"), &["NATO"], Company)], Some(2),
             Some("core designer Arm Ltd is headquartered in GB, outside the home countries: level 2 < 3")),
            ("unknown country code is foreign", &roles, vec![cd(Some("X"), Some("ZZ"), &[], Company)], Some(2),
             Some("core designer X is headquartered in ZZ, outside the home countries: level 2 < 3")),
            ("commons passes at 3", &roles, vec![cd(Some("OpenHW Group"), None, &[], Community)], Some(3), None),
            ("no country", &roles, vec![cd(Some("X"), None, &[], Company)], Some(0),
             Some("core designer X is without a known headquarters: level 0 < 3")),
            ("unidentified", &roles, vec![cd(None, None, &[], Unknown)], Some(0),
             Some("core designer (unidentified) is without a known headquarters: level 0 < 3")),
            ("no actors: not judged", &roles, vec![], None, None),
            ("only other roles: not judged", &roles, vec![actor("mystery", Some("X"), None, &[], &[], Unknown)], None, None),
            ("lowest actor decides, passing ones unmentioned", &two,
             vec![actor("isa_owner", Some("RISC-V International"), Some("CH"), &[], &[], OpenStandard),
                  cd(Some("SiPearl"), Some("FR"), &["EU"], Company)], Some(2),
             Some("isa owner RISC-V International is headquartered in CH, outside the home countries: level 2 < 3")),
            ("every failing actor named, item order", &two,
             vec![amd(), actor("isa_owner", Some("Arm Ltd"), Some("GB"), &[], &[], Company)], Some(1),
             Some("core designer Advanced Micro Devices, Inc. is headquartered in US, reached by us-cloud-act, us-fisa-702; isa owner Arm Ltd is headquartered in GB, outside the home countries: level 1 < 3")),
        ];
        for (name, roles, actors, level, message) in cases {
            let items = vec![item("cpu0", actors)];
            let g = jurisdiction(&rule("j"), roles, &JL, 3, &eu(), &items);
            let unweighed: Vec<(u8, f64)> = level.into_iter().map(|l| (l, 1.0)).collect();
            assert_eq!(g.levels, unweighed, "{name}");
            let got: Vec<&str> = g.findings.iter().map(|f| f.message.as_str()).collect();
            assert_eq!(got, message.into_iter().collect::<Vec<_>>(), "{name}");
            for f in &g.findings {
                assert_eq!(
                    (f.rule.as_str(), f.item.as_deref(), f.level),
                    ("j", Some("cpu0"), level)
                );
                assert_eq!(
                    (f.severity, f.objective.as_deref()),
                    (Severity::High, Some("SOV-5"))
                );
            }
        }
    }

    #[test]
    fn jurisdiction_pass_level_is_strict_and_items_keep_order() {
        let roles = strings(&["core_designer"]);
        let items = vec![
            item("b", vec![amd()]),
            item("skipped", vec![]),
            item(
                "a",
                vec![actor(
                    "core_designer",
                    Some("Arm"),
                    Some("GB"),
                    &[],
                    &[],
                    Company,
                )],
            ),
            item(
                "c",
                vec![actor("core_designer", None, None, &[], &[], Unknown)],
            ),
        ];
        let at = |pass| jurisdiction(&rule("j"), &roles, &JL, pass, &eu(), &items);
        let ids = |g: &Graded| {
            g.findings
                .iter()
                .map(|f| f.item.clone().unwrap())
                .collect::<Vec<_>>()
        };
        assert_eq!(at(2).levels, [(1, 1.0), (2, 1.0), (0, 1.0)]);
        assert_eq!(ids(&at(2)), ["b", "c"]);
        assert_eq!(ids(&at(1)), ["c"]);
        assert_eq!(ids(&at(0)), Vec::<String>::new());
        assert_eq!(ids(&at(4)), ["b", "a", "c"]);
        let none = jurisdiction(&rule("j"), &roles, &JL, 4, &eu(), &[]);
        assert_eq!(
            none,
            Graded {
                findings: vec![],
                levels: vec![]
            }
        );
    }

    #[test]
    fn weights_are_carried_but_change_no_level_or_finding() {
        let roles = strings(&["core_designer"]);
        let items = vec![
            weighed("heavy", 61.0, vec![amd()]),
            weighed("weightless", 0.0, vec![amd()]),
            item("plain", vec![amd()]),
        ];
        let g = jurisdiction(&rule("j"), &roles, &JL, 3, &eu(), &items);
        assert_eq!(g.levels, [(1, 61.0), (1, 0.0), (1, 1.0)]);
        let unweighed: Vec<AttributedItem> = items
            .iter()
            .map(|i| AttributedItem {
                weight: None,
                ..i.clone()
            })
            .collect();
        let plain = jurisdiction(&rule("j"), &roles, &JL, 3, &eu(), &unweighed);
        assert_eq!(g.findings, plain.findings);
        assert_eq!(g.findings.len(), 3);
        let o = openness(&rule("o"), &roles, &OL, 3, &items);
        assert_eq!(o.levels, [(1, 61.0), (1, 0.0), (1, 1.0)]);
        assert_eq!(
            o.findings,
            openness(&rule("o"), &roles, &OL, 3, &unweighed).findings
        );
    }

    #[test]
    fn openness_levels_and_messages() {
        let roles = strings(&["steward"]);
        let st = |name: Option<&str>, country: Option<&str>, g: Governance| {
            actor("steward", name, country, &[], &[], g)
        };
        // (name, actors, level or None when not judged, message)
        type Case<'a> = (&'a str, Vec<Actor>, Option<u8>, Option<&'a str>);
        let cases: Vec<Case> = vec![
            (
                "community",
                vec![st(Some("Debian"), None, Community)],
                Some(4),
                None,
            ),
            (
                "open standard",
                vec![st(Some("RISC-V"), Some("CH"), OpenStandard)],
                Some(4),
                None,
            ),
            (
                "foundation",
                vec![st(Some("LF"), Some("US"), Foundation)],
                Some(3),
                None,
            ),
            (
                "company",
                vec![st(Some("Canonical Ltd"), Some("GB"), Company)],
                Some(1),
                Some("steward Canonical Ltd is a company: level 1 < 3"),
            ),
            (
                "state",
                vec![st(Some("Kylin"), Some("CN"), State)],
                Some(1),
                Some("steward Kylin is a state body: level 1 < 3"),
            ),
            (
                "unknown",
                vec![st(None, None, Unknown)],
                Some(0),
                Some("steward (unidentified) has unknown governance: level 0 < 3"),
            ),
            (
                "not judged",
                vec![actor("kernel", Some("Linux"), None, &[], &[], Community)],
                None,
                None,
            ),
            (
                "lowest of two",
                vec![
                    st(Some("Debian"), None, Community),
                    st(Some("Canonical Ltd"), Some("GB"), Company),
                ],
                Some(1),
                Some("steward Canonical Ltd is a company: level 1 < 3"),
            ),
        ];
        for (name, actors, level, message) in cases {
            let items = vec![item("os", actors)];
            let g = openness(&rule("o"), &roles, &OL, 3, &items);
            let unweighed: Vec<(u8, f64)> = level.into_iter().map(|l| (l, 1.0)).collect();
            assert_eq!(g.levels, unweighed, "{name}");
            let got: Vec<&str> = g.findings.iter().map(|f| f.message.as_str()).collect();
            assert_eq!(got, message.into_iter().collect::<Vec<_>>(), "{name}");
        }
    }

    #[test]
    fn known_attribution_reports_each_unidentified_actor() {
        let roles = strings(&["isa_owner", "foundry"]);
        let items = vec![
            item(
                "cpu0",
                vec![
                    actor("isa_owner", Some("Arm Ltd"), Some("GB"), &[], &[], Company),
                    actor("foundry", None, Some("TW"), &[], &[], Unknown),
                    actor("soc_vendor", None, None, &[], &[], Unknown),
                    actor("foundry", None, None, &[], &[], Unknown),
                    actor("foundry", Some(" "), None, &[], &[], Unknown),
                ],
            ),
            item("cpu1", vec![]),
            item(
                "cpu2",
                vec![
                    actor("isa_owner", Some("Arm Ltd"), Some("GB"), &[], &[], Company),
                    actor("foundry", Some("TSMC"), Some("TW"), &[], &[], Company),
                ],
            ),
        ];
        let got: Vec<(String, Option<u8>, String)> = known_attribution(&rule("k"), &roles, &items)
            .into_iter()
            .map(|f| (f.item.unwrap(), f.level, f.message))
            .collect();
        let want = [
            (
                "cpu0",
                "the foundry of cpu0 label is not identified (headquarters TW)",
            ),
            ("cpu0", "the foundry of cpu0 label is not identified"),
            ("cpu0", "the foundry of cpu0 label is not identified"),
        ];
        let want: Vec<(String, Option<u8>, String)> = want
            .iter()
            .map(|(i, m)| (i.to_string(), None, m.to_string()))
            .collect();
        assert_eq!(got, want);
        assert!(known_attribution(&rule("k"), &roles, &[]).is_empty());
    }
}
