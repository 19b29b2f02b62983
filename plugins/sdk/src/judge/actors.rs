//! The actors a rule looks at on one item, and how each is classified: its seat for
//! `jurisdiction` (its bucket for `concentration` is `sovstack_abi::semantics::bucket`, which the
//! host uses too).
//!
//! Only actors recorded in a role the rule names count; an item without any is not judged
//! (`sovstack-abi`, "Criteria"). Country and bloc codes are compared ignoring ASCII case, and a
//! blank name or country counts as not established. The words for roles, countries and laws are
//! here; the sentences of findings are the criteria's.

use crate::abi::{Actor, AttributedItem, Governance, Scoring};

/// One actor of a named role on an item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Held<'a> {
    pub actor: &'a Actor,
    /// Its index in the item's actors: what [`crate::abi::Finding::actors`] points at.
    pub index: usize,
}

/// The actors of `item` whose role is in `roles`, in the item's order; empty when the item is not
/// judged by the rule.
pub(crate) fn held<'a>(item: &'a AttributedItem, roles: &[String]) -> Vec<Held<'a>> {
    item.actors
        .iter()
        .enumerate()
        .filter(|(_, a)| roles.contains(&a.role))
        .map(|(index, actor)| Held { actor, index })
        .collect()
}

fn known(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// What an actor in a role does, in plain words: the verb phrase with the organisation as its
/// subject (`designed the processor core`), and a noun phrase for one not identified (`the
/// designer of the processor core`). A role the SDK does not know is named as it is written.
pub(crate) fn role_phrases(role: &str) -> (String, String) {
    let (does, who) = match role {
        "isa_owner" => (
            "owns the instruction set",
            "the owner of the instruction set",
        ),
        "core_designer" => (
            "designed the processor core",
            "the designer of the processor core",
        ),
        "soc_vendor" => ("sells the chip (system on chip)", "the vendor of the chip"),
        "foundry" => (
            "fabricated the chip",
            "the foundry that fabricated the chip",
        ),
        "steward" => (
            "stewards the distribution",
            "the steward of the distribution",
        ),
        "lineage" => (
            "stewards a distribution this one derives from",
            "the steward of a distribution this one derives from",
        ),
        "kernel" => ("stewards the kernel", "the steward of the kernel"),
        "network_operator" => (
            "operates the network the service's addresses are in",
            "the operator of the network the service's addresses are in",
        ),
        "cloud_provider" => (
            "hosts the service",
            "the cloud provider hosting the service",
        ),
        "dns_provider" => (
            "hosts the domain's name servers",
            "the host of the domain's name servers",
        ),
        "location" => (
            "is where an address is located",
            "the country an address is located in",
        ),
        "supplier" => ("supplies the service", "the supplier of the service"),
        "supplier_parent" => (
            "owns or controls the service's supplier",
            "the parent of the service's supplier",
        ),
        "observed_operator" => (
            "operates the network the service's endpoints resolve to",
            "the operator of the network the service's endpoints resolve to",
        ),
        "compiler" => ("stewards the compiler", "the steward of the compiler"),
        "linker" => ("stewards the linker", "the steward of the linker"),
        "libc" => ("stewards the C library", "the steward of the C library"),
        "runtime" => ("stewards the runtime", "the steward of the runtime"),
        "manufacturer" => ("makes the devices", "the maker of the devices"),
        "owner" => (
            "owns the devices' maker",
            "the owner of the devices' maker",
        ),
        "high_risk_vendor" => (
            "makes the devices and has been named a high-risk supplier by a public authority (the EU's 5G cybersecurity toolbox)",
            "a maker named a high-risk supplier by a public authority",
        ),
        "producer" => (
            "produces the material",
            "a country producing the material",
        ),
        other => {
            let words = other.replace('_', " ");
            return (format!("is the {words}"), format!("the {words}"));
        }
    };
    (does.to_string(), who.to_string())
}

/// What a `concentration` rule over a role measures, in a few words (`the core design`).
pub(crate) fn role_subject(role: &str) -> String {
    let s = match role {
        "isa_owner" => "the instruction set",
        "core_designer" => "the core design",
        "soc_vendor" => "the chip",
        "foundry" => "the fabrication",
        "steward" => "the distribution",
        "lineage" => "the distributions it derives from",
        "kernel" => "the kernel",
        "network_operator" => "the networks",
        "cloud_provider" => "the cloud hosting",
        "dns_provider" => "the name servers",
        "location" => "the locations",
        "compiler" => "the compilers",
        "linker" => "the linkers",
        "libc" => "the C libraries",
        "runtime" => "the runtimes",
        "supplier" => "the suppliers",
        "supplier_parent" => "the suppliers' parents",
        "observed_operator" => "the networks the declared services run on",
        "manufacturer" => "the devices",
        "owner" => "the devices' makers",
        "high_risk_vendor" => "the high-risk suppliers",
        "producer" => "the production of the critical raw materials",
        other => return format!("the {}", other.replace('_', " ")),
    };
    s.to_string()
}

/// A country's or a bloc's name as it reads after "in": `the United States`, `the European
/// Union`, `Germany`.
pub(crate) fn with_article(name: &str) -> String {
    let the = name.starts_with("United ")
        || name.ends_with(" Islands")
        || name.ends_with(" Republic")
        || name.ends_with(" Union")
        || [
            "Netherlands",
            "Philippines",
            "Bahamas",
            "Gambia",
            "Maldives",
            "Seychelles",
            "Comoros",
        ]
        .contains(&name);
    format!("{}{name}", if the { "the " } else { "" })
}

/// `the United States (US)`, `Germany (DE)`, or the code alone when the request carries no name.
pub(crate) fn country_words(code: &str, name: Option<&str>) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => code.to_string(),
        Some(n) => format!("{} ({code})", with_article(n)),
    }
}

/// `A`, `A and B`, `A, B and C`.
pub(crate) fn and_list(parts: &[String]) -> String {
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The first letter in upper case.
pub(crate) fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
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

    /// When the headquarters is unknown: the country a registry delegated the actor's resources
    /// to (`FR`). Never a headquarters: [`seat`] and the concentration buckets ignore it.
    pub fn registered(&self) -> Option<&'a str> {
        match self.country() {
            Some(_) => None,
            None => known(self.actor.registered_country.as_ref()),
        }
    }

    /// The country in words (`the United States (US)`), if established.
    pub fn country_words(&self) -> Option<String> {
        self.country()
            .map(|c| country_words(c, self.actor.country_name.as_deref()))
    }

    pub fn laws(&self) -> &'a [String] {
        &self.actor.laws
    }

    /// The laws reaching it by their readable names (`US CLOUD Act and US FISA Section 702`).
    pub fn law_words(&self) -> String {
        let names: Vec<String> = (0..self.actor.laws.len())
            .filter_map(|i| self.actor.law_name(i).map(str::to_string))
            .collect();
        and_list(&names)
    }

    pub fn governance(&self) -> Governance {
        self.actor.governance
    }

    /// What the actor does, in words (`designed the processor core`).
    pub fn does(&self) -> String {
        role_phrases(&self.actor.role).0
    }

    /// Who the actor is when its name is unknown (`the designer of the processor core`).
    pub fn unnamed(&self) -> String {
        role_phrases(&self.actor.role).1
    }
}

pub(crate) fn contains(list: &[String], code: &str) -> bool {
    list.iter().any(|c| c.eq_ignore_ascii_case(code))
}

pub(crate) fn any_shared(a: &[String], b: &[String]) -> bool {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::abi::semantics::{bucket, Bucket};
    use crate::abi::Pole;
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
            country_name: None,
            law_names: vec![],
            registered_country: None,
            share: None,
        }
    }

    pub(crate) fn item(id: &str, actors: Vec<Actor>) -> AttributedItem {
        AttributedItem {
            id: id.into(),
            label: format!("{id} label"),
            actors,
            weight: None,
            not_assessed: None,
            support_ended: None,
            support_years_left: None,
            support_extended: None,
            supported: false,
            criticality: None,
            contradictions: Vec::new(),
            certifications: Vec::new(),
            routes: None,
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

    pub(crate) fn scoring(home_blocs: &[&str], home_countries: &[&str]) -> Scoring {
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
        let h = Held {
            actor: &a,
            index: 0,
        };
        assert_eq!(h.name(), None);
        assert_eq!(h.country(), None);
        assert_eq!(h.country_words(), None);
        assert_eq!(h.unnamed(), "the vendor of the chip");
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
            assert_eq!(
                seat(
                    &Held {
                        actor: &a,
                        index: 0
                    },
                    &eu
                ),
                want,
                "{name}"
            );
        }
        let nothing_home = scoring(&[], &[]);
        let fr = actor("r", Some("A"), Some("FR"), &["EU"], &[], Company);
        assert_eq!(
            seat(
                &Held {
                    actor: &fr,
                    index: 0
                },
                &nothing_home
            ),
            Seat::Foreign
        );
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
            assert_eq!(bucket(&a, &poles), want, "{name}");
        }
        let fr = actor("r", Some("A"), Some("FR"), &["EU"], &[], Company);
        assert_eq!(bucket(&fr, &[]), Bucket::Other);
    }
}
