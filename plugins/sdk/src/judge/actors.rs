//! The actors a rule looks at on one item, and how each is classified: its seat for
//! `jurisdiction`, its bucket (pole, commons, other, unknown) for `concentration`.
//!
//! Only actors recorded in a role the rule names count; an item without any is not judged
//! (`sovstack-abi`, "Criteria"). Country and bloc codes are compared ignoring ASCII case, and a
//! blank name or country counts as not established. Wording of findings is left to the criteria.

use crate::abi::{Actor, AttributedItem, Governance, Pole, Scoring};

/// One actor of a named role on an item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Held<'a> {
    pub actor: &'a Actor,
}

/// The actors of `item` whose role is in `roles`, in the item's order; empty when the item is not
/// judged by the rule.
pub(crate) fn held<'a>(item: &'a AttributedItem, roles: &[String]) -> Vec<Held<'a>> {
    item.actors
        .iter()
        .filter(|a| roles.contains(&a.role))
        .map(|actor| Held { actor })
        .collect()
}

fn known(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

impl<'a> Held<'a> {
    /// The organisation's name, if established.
    pub fn name(&self) -> Option<&'a str> {
        known(self.actor.name.as_ref())
    }

    /// The headquarters country, if established.
    pub fn country(&self) -> Option<&'a str> {
        known(self.actor.country.as_ref())
    }

    pub fn laws(&self) -> &'a [String] {
        &self.actor.laws
    }

    pub fn governance(&self) -> Governance {
        self.actor.governance
    }

    /// The role in words (`core designer`).
    pub fn role_words(&self) -> String {
        self.actor.role.replace('_', " ")
    }

    /// `core designer Advanced Micro Devices, Inc.`, or `core designer (unidentified)`.
    pub fn who(&self) -> String {
        match self.name() {
            Some(name) => format!("{} {name}", self.role_words()),
            None => format!("{} (unidentified)", self.role_words()),
        }
    }
}

fn contains(list: &[String], code: &str) -> bool {
    list.iter().any(|c| c.eq_ignore_ascii_case(code))
}

fn any_shared(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| contains(b, x))
}

/// The `jurisdiction` classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Seat {
    Home,
    Extraterritorial,
    Foreign,
    Commons,
    Unknown,
}

/// Classifies an actor, first match wins (`sovstack-abi`, "Criteria"): a home country or a member
/// of a home bloc → home; reached by a law → extraterritorial; any other known country → foreign;
/// no country but part of the commons → commons; else unknown.
pub(crate) fn seat(held: &Held, scoring: &Scoring) -> Seat {
    let country = held.country();
    let home_country = country.map_or(false, |c| contains(&scoring.home_countries, c));
    if home_country || any_shared(&held.actor.blocs, &scoring.home_blocs) {
        Seat::Home
    } else if !held.laws().is_empty() {
        Seat::Extraterritorial
    } else if country.is_some() {
        Seat::Foreign
    } else if held.governance().is_commons() {
        Seat::Commons
    } else {
        Seat::Unknown
    }
}

/// Where an actor's share of control goes for `concentration`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bucket {
    /// Index into the ruleset's poles.
    Pole(usize),
    Commons,
    Other,
    Unknown,
}

/// First match wins: an open standard or community project → commons, whatever its country (a
/// commons is not a controller); no country → unknown; the first pole, in the ruleset's order,
/// listing the country or one of its blocs → that pole; else other.
pub(crate) fn bucket(held: &Held, poles: &[Pole]) -> Bucket {
    if held.governance().is_commons() {
        return Bucket::Commons;
    }
    let country = match held.country() {
        None => return Bucket::Unknown,
        Some(c) => c,
    };
    poles
        .iter()
        .position(|p| contains(&p.countries, country) || any_shared(&held.actor.blocs, &p.blocs))
        .map_or(Bucket::Other, Bucket::Pole)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::abi::ScoringMethod;

    /// An actor for tests: `actor("foundry", Some("TSMC"), Some("TW"), &[], &[], Company)`.
    pub(crate) fn actor(
        role: &str,
        name: Option<&str>,
        country: Option<&str>,
        blocs: &[&str],
        laws: &[&str],
        governance: Governance,
    ) -> Actor {
        Actor {
            role: role.into(),
            name: name.map(Into::into),
            country: country.map(Into::into),
            blocs: blocs.iter().map(|s| s.to_string()).collect(),
            laws: laws.iter().map(|s| s.to_string()).collect(),
            governance,
        }
    }

    pub(crate) fn item(id: &str, actors: Vec<Actor>) -> AttributedItem {
        AttributedItem {
            id: id.into(),
            label: format!("{id} label"),
            actors,
            weight: None,
            not_assessed: None,
            criticality: None,
        }
    }

    /// [`item`] with a weight.
    pub(crate) fn weighed(id: &str, weight: f64, actors: Vec<Actor>) -> AttributedItem {
        AttributedItem {
            weight: Some(weight),
            ..item(id, actors)
        }
    }

    pub(crate) fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    pub(crate) fn pole(id: &str, countries: &[&str], blocs: &[&str]) -> Pole {
        Pole {
            id: id.into(),
            name: format!("{id} name"),
            countries: strings(countries),
            blocs: strings(blocs),
        }
    }

    fn scoring(home_blocs: &[&str], home_countries: &[&str]) -> Scoring {
        Scoring {
            method: ScoringMethod::SealWeakestLink,
            home_blocs: strings(home_blocs),
            home_countries: strings(home_countries),
            objectives: vec![],
            poles: vec![],
            commons_credit: 0.0,
            level_thresholds: vec![],
        }
    }

    #[test]
    fn held_keeps_named_roles_in_item_order() {
        let it = item(
            "cpu0",
            vec![
                actor(
                    "foundry",
                    Some("TSMC"),
                    Some("TW"),
                    &[],
                    &[],
                    Governance::Company,
                ),
                actor(
                    "isa_owner",
                    Some("AMD"),
                    Some("US"),
                    &[],
                    &[],
                    Governance::Company,
                ),
                actor(
                    "bogus_role",
                    Some("X"),
                    Some("FR"),
                    &[],
                    &[],
                    Governance::Company,
                ),
                actor(
                    "foundry",
                    Some("Samsung"),
                    Some("KR"),
                    &[],
                    &[],
                    Governance::Company,
                ),
            ],
        );
        let cases: Vec<(&[&str], Vec<&str>)> = vec![
            (&["isa_owner", "foundry"], vec!["TSMC", "AMD", "Samsung"]),
            (&["foundry"], vec!["TSMC", "Samsung"]),
            (&["soc_vendor"], vec![]),
        ];
        for (roles, want) in cases {
            let roles = strings(roles);
            let got: Vec<&str> = held(&it, &roles).iter().filter_map(|h| h.name()).collect();
            assert_eq!(got, want, "{roles:?}");
        }
        assert!(held(&item("cpu1", vec![]), &strings(&["kernel"])).is_empty());
    }

    #[test]
    fn blank_names_and_countries_are_unknown() {
        let a = actor(
            "soc_vendor",
            Some("  "),
            Some(""),
            &[],
            &[],
            Governance::Company,
        );
        let h = Held { actor: &a };
        assert_eq!(h.name(), None);
        assert_eq!(h.country(), None);
        assert_eq!(h.who(), "soc vendor (unidentified)");
    }

    #[test]
    fn seat_classifies_in_order() {
        use Governance::*;
        let eu = scoring(&["EU"], &["CH"]);
        let cases: Vec<(&str, Actor, Seat)> = vec![
            (
                "home bloc",
                actor("r", Some("A"), Some("FR"), &["EU", "NATO"], &[], Company),
                Seat::Home,
            ),
            (
                "home bloc any case",
                actor("r", Some("A"), Some("DE"), &["eu"], &[], Company),
                Seat::Home,
            ),
            (
                "home country",
                actor("r", Some("A"), Some("ch"), &[], &[], Company),
                Seat::Home,
            ),
            (
                "home beats laws",
                actor("r", Some("A"), Some("CH"), &[], &["ch-law"], Company),
                Seat::Home,
            ),
            (
                "extraterritorial",
                actor(
                    "r",
                    Some("A"),
                    Some("US"),
                    &["NATO"],
                    &["us-cloud-act"],
                    Company,
                ),
                Seat::Extraterritorial,
            ),
            (
                "laws without country",
                actor("r", Some("A"), None, &[], &["us-cloud-act"], Company),
                Seat::Extraterritorial,
            ),
            (
                "extraterritorial commons",
                actor(
                    "r",
                    Some("A"),
                    Some("US"),
                    &[],
                    &["us-cloud-act"],
                    Community,
                ),
                Seat::Extraterritorial,
            ),
            (
                "foreign",
                actor("r", Some("A"), Some("TW"), &[], &[], Company),
                Seat::Foreign,
            ),
            (
                "commons at home",
                actor("r", Some("RISC-V"), Some("CH"), &[], &[], OpenStandard),
                Seat::Home,
            ),
            (
                "unknown country code",
                actor("r", Some("A"), Some("ZZ"), &[], &[], Company),
                Seat::Foreign,
            ),
            (
                "commons without country",
                actor("r", Some("Debian"), None, &[], &[], Community),
                Seat::Commons,
            ),
            (
                "open standard without country",
                actor("r", Some("X"), Some(" "), &[], &[], OpenStandard),
                Seat::Commons,
            ),
            (
                "no country",
                actor("r", Some("A"), None, &[], &[], Company),
                Seat::Unknown,
            ),
            (
                "foundation without country",
                actor("r", Some("A"), None, &[], &[], Foundation),
                Seat::Unknown,
            ),
            (
                "nothing known",
                actor("r", None, None, &[], &[], Unknown),
                Seat::Unknown,
            ),
        ];
        for (name, a, want) in cases {
            assert_eq!(seat(&Held { actor: &a }, &eu), want, "{name}");
        }
        let nothing_home = scoring(&[], &[]);
        let fr = actor("r", Some("A"), Some("FR"), &["EU"], &[], Company);
        assert_eq!(seat(&Held { actor: &fr }, &nothing_home), Seat::Foreign);
    }

    #[test]
    fn bucket_classifies_in_order() {
        use Governance::*;
        let poles = vec![
            pole("US", &["US"], &[]),
            pole("EU", &[], &["EU"]),
            pole("WEST", &["US", "FR"], &["NATO"]),
        ];
        let cases: Vec<(&str, Actor, Bucket)> = vec![
            (
                "open standard anywhere",
                actor("r", Some("RISC-V"), Some("US"), &[], &[], OpenStandard),
                Bucket::Commons,
            ),
            (
                "community without country",
                actor("r", Some("Debian"), None, &[], &[], Community),
                Bucket::Commons,
            ),
            (
                "foundation is no commons",
                actor("r", Some("LF"), Some("US"), &[], &[], Foundation),
                Bucket::Pole(0),
            ),
            (
                "no country",
                actor("r", Some("A"), None, &[], &[], Company),
                Bucket::Unknown,
            ),
            (
                "country listed",
                actor("r", Some("A"), Some("us"), &["NATO"], &[], Company),
                Bucket::Pole(0),
            ),
            (
                "bloc listed",
                actor("r", Some("A"), Some("FR"), &["NATO", "EU"], &[], Company),
                Bucket::Pole(1),
            ),
            (
                "later pole",
                actor("r", Some("A"), Some("GB"), &["NATO"], &[], Company),
                Bucket::Pole(2),
            ),
            (
                "no pole",
                actor("r", Some("A"), Some("IN"), &["BRICS"], &[], State),
                Bucket::Other,
            ),
            (
                "unknown country code",
                actor("r", Some("A"), Some("ZZ"), &[], &[], Company),
                Bucket::Other,
            ),
        ];
        for (name, a, want) in cases {
            assert_eq!(bucket(&Held { actor: &a }, &poles), want, "{name}");
        }
        let fr = actor("r", Some("A"), Some("FR"), &["EU"], &[], Company);
        assert_eq!(bucket(&Held { actor: &fr }, &[]), Bucket::Other);
    }
}
