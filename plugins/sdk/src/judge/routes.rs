//! `route_diversity`, `route_ownership` and `hyperscaler_share` (`sovstack-abi`, "Criteria"):
//! the cable systems on the candidate routes to a destination country
//! ([`AttributedItem::routes`]) and who owns them. None gives a level; an item without routes, or
//! reached over land, is not judged.
//!
//! Written for Debian's rustc 1.63 (no let-else, no `is_some_and`).

use std::collections::BTreeMap;

use super::actors::{and_list, any_shared, contains};
use super::concentration::percent;
use super::criteria::{finding, home_words};
use super::round;
use crate::abi::semantics::{bucket, Bucket};
use crate::abi::{AttributedItem, CableRoutes, Finding, Pole, RouteSystem, Rule, Scoring};

/// The routes an item's rule judges: present and not reached over land.
fn judged(item: &AttributedItem) -> Option<&CableRoutes> {
    item.routes.as_ref().filter(|r| !r.land)
}

/// The owner's country, trimmed and upper-cased; `None` when unknown.
fn owner_country(item: &AttributedItem, index: usize) -> Option<String> {
    item.actors
        .get(index)
        .and_then(|a| a.country.as_ref())
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
}

fn owner_name(item: &AttributedItem, index: usize) -> String {
    item.actors
        .get(index)
        .and_then(|a| a.name.clone())
        .unwrap_or_else(|| "an owner not identified".to_string())
}

/// The country controlling a system: the one whose owners hold more than half of it (each of
/// its n owners 1/n); none when no country does or the system has no owner.
pub(crate) fn controller(item: &AttributedItem, s: &RouteSystem) -> Option<String> {
    if s.owners.is_empty() {
        return None;
    }
    let mut held: BTreeMap<String, usize> = BTreeMap::new();
    for &o in &s.owners {
        if let Some(c) = owner_country(item, o) {
            *held.entry(c).or_insert(0) += 1;
        }
    }
    held.into_iter()
        .find(|(_, n)| 2 * n > s.owners.len())
        .map(|(c, _)| c)
}

/// `MAREA (Microsoft, Meta)`.
fn system_words(item: &AttributedItem, s: &RouteSystem, owners: &[usize]) -> String {
    let names: Vec<String> = owners.iter().map(|&o| owner_name(item, o)).collect();
    if names.is_empty() {
        s.name.clone()
    } else {
        format!("{} ({})", s.name, names.join(", "))
    }
}

/// One finding per destination outside home where, for some country outside home, fewer than
/// `min_systems` systems are not controlled from it: the country leaving the fewest (first in
/// code order among equals) is named, with the systems it controls and those left.
pub(crate) fn route_diversity(
    rule: &Rule,
    min_systems: u32,
    scoring: &Scoring,
    items: &[AttributedItem],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for item in items {
        let routes = match judged(item) {
            Some(r) => r,
            None => continue,
        };
        let to = routes.to.trim().to_ascii_uppercase();
        let is_home = |country: &str, blocs: &[String]| {
            contains(&scoring.home_countries, country) || any_shared(blocs, &scoring.home_blocs)
        };
        if is_home(&to, &routes.to_blocs) {
            continue;
        }
        let controllers: Vec<Option<String>> =
            routes.systems.iter().map(|s| controller(item, s)).collect();
        // The countries outside home controlling some system, and how many systems each
        // leaves; with none, every system is left.
        let mut worst: Option<(usize, String)> = None;
        for (i, c) in controllers.iter().enumerate() {
            let c = match c {
                Some(c) => c,
                None => continue,
            };
            let blocs: Vec<String> = routes.systems[i]
                .owners
                .iter()
                .filter(|&&o| owner_country(item, o).as_deref() == Some(c.as_str()))
                .filter_map(|&o| item.actors.get(o))
                .flat_map(|a| a.blocs.iter().cloned())
                .collect();
            if is_home(c, &blocs) {
                continue;
            }
            let left = controllers
                .iter()
                .filter(|x| x.as_deref() != Some(c.as_str()))
                .count();
            let better = match &worst {
                None => true,
                Some((n, w)) => left < *n || (left == *n && c < w),
            };
            if better {
                worst = Some((left, c.clone()));
            }
        }
        let (left, country) = match worst {
            Some(w) => w,
            None => (routes.systems.len(), String::new()),
        };
        if left >= min_systems as usize {
            continue;
        }
        let mut actors: Vec<usize> = Vec::new();
        let mut held_words = Vec::new();
        let mut left_words = Vec::new();
        for (s, c) in routes.systems.iter().zip(&controllers) {
            if !country.is_empty() && c.as_deref() == Some(country.as_str()) {
                let owners: Vec<usize> = s
                    .owners
                    .iter()
                    .copied()
                    .filter(|&o| owner_country(item, o).as_deref() == Some(country.as_str()))
                    .collect();
                actors.extend(&owners);
                held_words.push(system_words(item, s, &owners));
            } else {
                left_words.push(system_words(item, s, &s.owners));
            }
        }
        actors.sort_unstable();
        actors.dedup();
        let home = home_words(scoring);
        let message = if country.is_empty() {
            format!(
                "{}: {} cable system{} on the candidate routes ({}); the rule asks for at least {min_systems} that no single country outside {home} controls.",
                item.label,
                routes.systems.len(),
                if routes.systems.len() == 1 { "" } else { "s" },
                if left_words.is_empty() { "none".to_string() } else { left_words.join("; ") },
            )
        } else {
            format!(
                "{}: owners headquartered in {country} hold more than half of {}; without them, {} left{}. The rule asks for at least {min_systems} systems that no single country outside {home} controls.",
                item.label,
                and_list(&held_words),
                match left {
                    0 => "no system is".to_string(),
                    1 => "1 system is".to_string(),
                    n => format!("{n} systems are"),
                },
                if left_words.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", left_words.join("; "))
                },
            )
        };
        out.push(finding(rule, Some(&item.id), None, message, actors));
    }
    out
}

/// Each system 1/S of the routes' ownership (S systems with an owner), each of its n owners 1/n
/// of that: the share of the owners `pick` selects, and who they are (actor index -> the
/// systems they own, by name).
fn ownership<F>(
    item: &AttributedItem,
    routes: &CableRoutes,
    pick: F,
) -> (f64, BTreeMap<usize, Vec<String>>)
where
    F: Fn(&RouteSystem, usize) -> bool,
{
    let owned: Vec<&RouteSystem> = routes
        .systems
        .iter()
        .filter(|s| !s.owners.is_empty())
        .collect();
    let mut share = 0.0;
    let mut who: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for s in &owned {
        let w = 1.0 / s.owners.len() as f64 / owned.len() as f64;
        for &o in &s.owners {
            if o < item.actors.len() && pick(s, o) {
                share += w;
                who.entry(o).or_insert_with(Vec::new).push(s.name.clone());
            }
        }
    }
    (round(share, 4), who)
}

fn owners_words(item: &AttributedItem, who: &BTreeMap<usize, Vec<String>>) -> String {
    let parts: Vec<String> = who
        .iter()
        .map(|(&o, systems)| format!("{} ({})", owner_name(item, o), systems.join(", ")))
        .collect();
    parts.join("; ")
}

/// One finding per destination and pole holding more than `max_share` of the routes'
/// ownership (poles in the ruleset's order).
pub(crate) fn route_ownership(
    rule: &Rule,
    max_share: f64,
    poles: &[Pole],
    items: &[AttributedItem],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for item in items {
        let routes = match judged(item) {
            Some(r) => r,
            None => continue,
        };
        for (p, pole) in poles.iter().enumerate() {
            let (share, who) = ownership(item, routes, |_, o| {
                bucket(&item.actors[o], poles) == Bucket::Pole(p)
            });
            if share <= max_share {
                continue;
            }
            let message = format!(
                "{}: owners in {} ({}) hold {} of the ownership of the {} cable system{} on the candidate routes: {}. The rule allows {}.",
                item.label,
                pole.name,
                pole.id,
                percent(share),
                routes.systems.iter().filter(|s| !s.owners.is_empty()).count(),
                if routes.systems.len() == 1 { "" } else { "s" },
                owners_words(item, &who),
                percent(max_share)
            );
            out.push(finding(
                rule,
                Some(&item.id),
                None,
                message,
                who.keys().copied().collect(),
            ));
        }
    }
    out
}

/// One finding per destination where hyperscalers hold more than `max_share` of the routes'
/// ownership.
pub(crate) fn hyperscaler_share(
    rule: &Rule,
    max_share: f64,
    items: &[AttributedItem],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for item in items {
        let routes = match judged(item) {
            Some(r) => r,
            None => continue,
        };
        let (share, who) = ownership(item, routes, |s, o| s.hyperscalers.contains(&o));
        if share <= max_share {
            continue;
        }
        let message = format!(
            "{}: hyperscalers hold {} of the ownership of the cable systems on the candidate routes: {}. The rule allows {}.",
            item.label,
            percent(share),
            owners_words(item, &who),
            percent(max_share)
        );
        out.push(finding(
            rule,
            Some(&item.id),
            None,
            message,
            who.keys().copied().collect(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::actors::tests::{item, pole, scoring, strings};
    use super::*;
    use crate::abi::{Actor, Criterion, Governance, Severity};

    fn owner(name: &str, country: &str, blocs: &[&str]) -> Actor {
        super::super::actors::tests::actor(
            "cable_owner",
            Some(name),
            Some(country),
            blocs,
            &[],
            Governance::Company,
        )
    }

    fn rule(criterion: Criterion) -> Rule {
        Rule {
            remediation: None,
            id: "r".into(),
            layer: "cable".into(),
            title: "t".into(),
            objective: None,
            severity: Severity::Medium,
            weight: 1.0,
            criterion,
        }
    }

    fn system(name: &str, owners: &[usize], hyperscalers: &[usize]) -> RouteSystem {
        RouteSystem {
            name: name.into(),
            owners: owners.to_vec(),
            hyperscalers: hyperscalers.to_vec(),
        }
    }

    /// France to the United States: MAREA (Microsoft, Meta), Dunant (Google), Amitié (Meta,
    /// Orange, Aqua Comms of Ireland).
    fn fr_us() -> AttributedItem {
        let mut i = item(
            "FR-US",
            vec![
                owner("Microsoft", "US", &["NATO"]),
                owner("Meta", "US", &["NATO"]),
                owner("Google", "US", &["NATO"]),
                owner("Orange", "FR", &["EU"]),
                owner("Aqua Comms", "IE", &["EU"]),
            ],
        );
        i.label = "routes to US".into();
        i.routes = Some(CableRoutes {
            to: "US".into(),
            to_blocs: strings(&["NATO"]),
            land: false,
            systems: vec![
                system("Amitié", &[1, 3, 4], &[1]),
                system("Dunant", &[2], &[2]),
                system("MAREA", &[0, 1], &[0, 1]),
            ],
        });
        i
    }

    #[test]
    fn diversity_counts_systems_no_single_foreign_country_controls() {
        let items = vec![fr_us()];
        // Two of three systems are US-controlled: one is left without the US.
        let f = route_diversity(
            &rule(Criterion::RouteDiversity { min_systems: 2 }),
            2,
            &scoring(&["EU"], &[]),
            &items,
        );
        assert_eq!(f.len(), 1);
        let m = &f[0].message;
        assert!(m.contains("owners headquartered in US hold more than half of Dunant (Google) and MAREA (Microsoft, Meta)"), "{m}");
        assert!(
            m.contains("1 system is left (Amitié (Meta, Orange, Aqua Comms))"),
            "{m}"
        );
        assert_eq!(f[0].actors, vec![0, 1, 2]);
        assert_eq!(f[0].level, None);
        // One is enough: no finding.
        assert!(route_diversity(
            &rule(Criterion::RouteDiversity { min_systems: 1 }),
            1,
            &scoring(&["EU"], &[]),
            &items
        )
        .is_empty());
        // A destination at home, or over land, is not judged.
        let mut home = fr_us();
        home.routes.as_mut().unwrap().to_blocs = strings(&["EU"]);
        let mut land = fr_us();
        land.routes.as_mut().unwrap().land = true;
        assert!(route_diversity(
            &rule(Criterion::RouteDiversity { min_systems: 5 }),
            5,
            &scoring(&["EU"], &[]),
            &[home, land]
        )
        .is_empty());
    }

    #[test]
    fn ownership_shares_weigh_each_system_then_each_owner() {
        let items = vec![fr_us()];
        // US: Amitié 1/3 of 1/3, Dunant 1/3, MAREA 1/3 = 7/9 = 77.8%.
        let poles = vec![pole("US", &["US"], &[]), pole("EU", &[], &["EU"])];
        let f = route_ownership(
            &rule(Criterion::RouteOwnership { max_share: 0.5 }),
            0.5,
            &poles,
            &items,
        );
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .contains("hold 77.8% of the ownership of the 3 cable systems"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message
                .contains("Microsoft (MAREA); Meta (Amitié, MAREA); Google (Dunant)"),
            "{}",
            f[0].message
        );
        // Hyperscalers: the same owners here.
        let h = hyperscaler_share(
            &rule(Criterion::HyperscalerShare { max_share: 0.25 }),
            0.25,
            &items,
        );
        assert_eq!(h.len(), 1);
        assert!(
            h[0].message.contains("hyperscalers hold 77.8%"),
            "{}",
            h[0].message
        );
        assert!(hyperscaler_share(
            &rule(Criterion::HyperscalerShare { max_share: 0.8 }),
            0.8,
            &items
        )
        .is_empty());
    }
}
