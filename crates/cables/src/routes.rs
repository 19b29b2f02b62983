//! Candidate routes between two countries: the cable systems landing in both (direct), the
//! routes through one intermediate country (over land or by cable to it, then on), and whether
//! the pair is joined over land at all. These follow from geography; they are not observed
//! paths.
//!
//! - A **land** leg joins two countries at most [`LAND_HOPS`] land borders apart (France to
//!   Portugal through Spain), the shortest path given country by country.
//! - A pair joined over land needs no submarine cable: no route through an intermediate country
//!   is listed for it (direct systems still are).
//! - Through an intermediate country X: land then cable, or cable then land, always; cable then
//!   cable only when no direct system and no such land leg exists (France to Brazil goes over
//!   land to Portugal, then on EllaLink).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;

use crate::{Cable, CableData};

/// What every rendering of routes says of them.
pub const NOTE: &str =
    "candidate routes from geography (cables landing in both countries, land borders), not observed paths";

/// How many land borders a land leg may cross.
pub const LAND_HOPS: usize = 2;

/// A country or territory of a route, with the state whose jurisdiction it is under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// ISO 3166-1 alpha-2 code.
    pub code: String,
    /// Its sovereign (itself for a state).
    pub sovereign: String,
}

/// An owner of a cable system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerRef {
    /// The name as the dataset gives it.
    pub name: String,
    /// The organisation, when `owners.csv` knows the name.
    pub organisation: Option<String>,
    /// Its headquarters country (ISO code), when known.
    pub hq_country: Option<String>,
    /// The state whose jurisdiction the headquarters is under, when known.
    pub jurisdiction: Option<String>,
    /// One of Google, Meta, Microsoft, Amazon.
    pub hyperscaler: bool,
    /// The source of the facts, when known.
    pub source: Option<String>,
}

/// A landing station used by a route.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LandingRef {
    /// The dataset's id.
    pub id: String,
    /// Its name.
    pub name: String,
}

/// A cable system between two countries, with the landing stations it uses at each end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct System {
    /// The dataset's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Ready-for-service year, when known.
    pub rfs_year: Option<u16>,
    /// Not yet in service when the data was published.
    pub planned: bool,
    /// Its owners, each with what is known of them.
    pub owners: Vec<OwnerRef>,
    /// Its landing stations in the leg's first country.
    pub from_landings: Vec<LandingRef>,
    /// Its landing stations in the leg's second country.
    pub to_landings: Vec<LandingRef>,
}

/// One leg of a route through an intermediate country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Segment {
    /// Over land, through the countries given in order (both ends included).
    Land {
        /// The countries crossed, first to last.
        path: Vec<String>,
    },
    /// By any one of these cable systems.
    Cable {
        /// The systems joining the leg's two countries, by name.
        systems: Vec<System>,
    },
}

/// A route through one intermediate country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Via {
    /// The intermediate country.
    pub via: Place,
    /// From the origin to it.
    pub first: Segment,
    /// From it to the destination.
    pub second: Segment,
}

/// The candidate routes between two countries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Routes {
    /// The origin.
    pub from: Place,
    /// The destination.
    pub to: Place,
    /// Whether planned systems were counted.
    pub include_planned: bool,
    /// The land path, when the pair is at most [`LAND_HOPS`] borders apart: no cable needed.
    pub land: Option<Vec<String>>,
    /// The systems landing in both, by name.
    pub direct: Vec<System>,
    /// The routes through one intermediate country, by its code.
    pub via: Vec<Via>,
}

/// How diverse the routes are: what one cut would break.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diversity {
    /// Distinct cable systems over all routes.
    pub systems: usize,
    /// Distinct landing stations in the origin used by the first cable of any route.
    pub origin_landings: usize,
    /// Per jurisdiction (sovereign of the headquarters), its share of the ownership of the
    /// systems (each owner of a consortium counts 1/n of its system; unknown owners under
    /// `??`), rounded to four decimals.
    pub owner_shares: BTreeMap<String, f64>,
    /// The share of that ownership held by hyperscalers, rounded to four decimals.
    pub hyperscaler_share: f64,
    /// Cable systems every route needs (by name).
    pub spof_cables: Vec<String>,
    /// Origin landing stations every route needs (by id).
    pub spof_landings: Vec<String>,
    /// Jurisdictions holding a share of every system that every route needs.
    pub spof_jurisdictions: Vec<String>,
}

/// The key of an unknown owner's jurisdiction in [`Diversity::owner_shares`].
pub const UNKNOWN: &str = "??";

/// [`Diversity::owner_shares`] in words, as every output says them: `GB 29.1%, US 14.8%, ...,
/// not known 22.0%`, jurisdictions in code order and the share of owners nobody could place
/// ([`UNKNOWN`]) last, in plain words.
pub fn owner_shares_words(shares: &BTreeMap<String, f64>) -> Vec<String> {
    let known = shares.iter().filter(|(k, _)| k.as_str() != UNKNOWN);
    let unknown = shares.get_key_value(UNKNOWN);
    known
        .chain(unknown)
        .map(|(k, v)| {
            let who = if k == UNKNOWN {
                "not known"
            } else {
                k.as_str()
            };
            format!("{who} {:.1}%", v * 100.0)
        })
        .collect()
}

impl CableData {
    fn place(&self, code: &str) -> Place {
        Place {
            code: code.to_string(),
            sovereign: self.sovereign(code).to_string(),
        }
    }

    /// The shortest land path from `a` to `b` within [`LAND_HOPS`] borders.
    pub fn land_path(&self, a: &str, b: &str) -> Option<Vec<String>> {
        self.land_reach(a).remove(b)
    }

    /// Every country at most [`LAND_HOPS`] borders from `a`, with the shortest path to it (the
    /// first found, neighbours in code order), `a` itself excluded.
    fn land_reach<'a>(&'a self, a: &'a str) -> BTreeMap<&'a str, Vec<String>> {
        let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([(a, 0usize)]);
        while let Some((at, depth)) = queue.pop_front() {
            if depth == LAND_HOPS {
                continue;
            }
            for n in self.neighbours(at) {
                if n == a || prev.contains_key(n) {
                    continue;
                }
                prev.insert(n, at);
                queue.push_back((n, depth + 1));
            }
        }
        prev.keys()
            .map(|&b| {
                let mut path = vec![b.to_string()];
                let mut cur = b;
                while let Some(p) = prev.get(cur) {
                    path.push(p.to_string());
                    cur = p;
                }
                path.reverse();
                (b, path)
            })
            .collect()
    }

    /// Whether a system (in service, unless `include_planned`) lands in both.
    fn has_cable(&self, a: &str, b: &str, include_planned: bool) -> bool {
        self.cables_between(a, b)
            .iter()
            .any(|&i| include_planned || !self.cables[i].planned)
    }

    fn system(&self, c: &Cable, a: &str, b: &str) -> System {
        let at = |code: &str| {
            let mut v: Vec<LandingRef> = c
                .landings
                .iter()
                .filter(|l| l.country == code)
                .map(|l| LandingRef {
                    id: l.id.clone(),
                    name: l.name.clone(),
                })
                .collect();
            v.sort();
            v.dedup();
            v
        };
        System {
            id: c.id.clone(),
            name: c.name.clone(),
            rfs_year: c.rfs_year,
            planned: c.planned,
            owners: c
                .owners
                .iter()
                .map(|name| {
                    let f = self.owner(name);
                    OwnerRef {
                        name: name.clone(),
                        organisation: f.map(|f| f.organisation.clone()),
                        hq_country: f.map(|f| f.hq_country.clone()),
                        jurisdiction: f.map(|f| self.sovereign(&f.hq_country).to_string()),
                        hyperscaler: f.is_some_and(|f| f.hyperscaler),
                        source: f.map(|f| f.source.clone()),
                    }
                })
                .collect(),
            from_landings: at(a),
            to_landings: at(b),
        }
    }

    /// The systems landing in both `a` and `b`, by name then id.
    pub fn systems_between(&self, a: &str, b: &str, include_planned: bool) -> Vec<System> {
        let mut out: Vec<System> = self
            .cables_between(a, b)
            .into_iter()
            .map(|i| &self.cables[i])
            .filter(|c| include_planned || !c.planned)
            .map(|c| self.system(c, a, b))
            .collect();
        out.sort_by(|x, y| (&x.name, &x.id).cmp(&(&y.name, &y.id)));
        out
    }

    /// The candidate routes from `from` to `to` (ISO codes; the caller checks them).
    pub fn routes(&self, from: &str, to: &str, include_planned: bool) -> Routes {
        let land = self.land_path(from, to);
        let direct = match from == to {
            true => Vec::new(),
            false => self.systems_between(from, to, include_planned),
        };
        let mut via = Vec::new();
        if land.is_none() && from != to {
            let mut candidates: BTreeSet<&str> = self.landing_countries();
            candidates.remove(from);
            candidates.remove(to);
            // Which legs exist is decided cheaply first (land reach, cable indices); the
            // systems are listed only for the routes kept.
            let from_reach = self.land_reach(from);
            let to_reach = self.land_reach(to);
            let build = |x: &str| {
                let first = match from_reach.get(x) {
                    Some(path) => Segment::Land { path: path.clone() },
                    None => Segment::Cable {
                        systems: self.systems_between(from, x, include_planned),
                    },
                };
                let second = match to_reach.get(x) {
                    Some(_) => Segment::Land {
                        path: self.land_path(x, to).unwrap_or_default(),
                    },
                    None => Segment::Cable {
                        systems: self.systems_between(x, to, include_planned),
                    },
                };
                Via {
                    via: self.place(x),
                    first,
                    second,
                }
            };
            let mut cable_cable = Vec::new();
            for x in candidates {
                let first_land = from_reach.contains_key(x);
                if !first_land && !self.has_cable(from, x, include_planned) {
                    continue;
                }
                let second_land = to_reach.contains_key(x);
                if !second_land && !self.has_cable(x, to, include_planned) {
                    continue;
                }
                match first_land || second_land {
                    true => via.push(build(x)),
                    false => cable_cable.push(x),
                }
            }
            if direct.is_empty() && via.is_empty() {
                via = cable_cable.into_iter().map(build).collect();
            }
        }
        Routes {
            from: self.place(from),
            to: self.place(to),
            include_planned,
            land,
            direct,
            via,
        }
    }
}

/// Rounds a share to four decimals, as the plugins do.
fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Routes {
    /// Every system on the routes: the direct ones, then each via route's cable legs', in order
    /// (a system on several routes comes once per route).
    pub fn systems(&self) -> impl Iterator<Item = &System> {
        let legs = self.via.iter().flat_map(|v| [&v.first, &v.second]);
        self.direct.iter().chain(legs.flat_map(|s| match s {
            Segment::Cable { systems } => systems.as_slice(),
            Segment::Land { .. } => &[],
        }))
    }

    /// Each route as the set of alternatives for each of its cable legs (a land leg needs none
    /// and is left out); an empty list of legs is a route needing no cable.
    fn legs(&self) -> Vec<Vec<&[System]>> {
        let mut out: Vec<Vec<&[System]>> = Vec::new();
        if self.land.is_some() {
            out.push(Vec::new());
        }
        for s in &self.direct {
            out.push(vec![std::slice::from_ref(s)]);
        }
        for v in &self.via {
            let mut legs = Vec::new();
            for seg in [&v.first, &v.second] {
                if let Segment::Cable { systems } = seg {
                    legs.push(systems.as_slice());
                }
            }
            out.push(legs);
        }
        out
    }

    /// The routes' diversity: distinct systems and origin landings, ownership by jurisdiction
    /// and by hyperscalers, and what every route shares. No route at all gives no single point
    /// of failure (there is nothing to cut).
    pub fn diversity(&self) -> Diversity {
        let routes = self.legs();
        let mut systems: BTreeMap<&str, &System> = BTreeMap::new();
        let mut origin_landings = BTreeSet::new();
        for r in &routes {
            for leg in r {
                for s in leg.iter() {
                    systems.insert(&s.id, s);
                }
            }
        }
        // Only legs that start in the origin count its landings: a via route over land first
        // leaves from the intermediate country.
        for s in &self.direct {
            origin_landings.extend(s.from_landings.iter().map(|l| l.id.as_str()));
        }
        for v in &self.via {
            if let Segment::Cable { systems } = &v.first {
                for s in systems {
                    origin_landings.extend(s.from_landings.iter().map(|l| l.id.as_str()));
                }
            }
        }
        let mut shares: BTreeMap<String, f64> = BTreeMap::new();
        let mut hyper = 0.0;
        let mut counted = 0.0;
        for s in systems.values().filter(|s| !s.owners.is_empty()) {
            let w = 1.0 / s.owners.len() as f64;
            for o in &s.owners {
                let key = o
                    .jurisdiction
                    .clone()
                    .unwrap_or_else(|| UNKNOWN.to_string());
                *shares.entry(key).or_default() += w;
                if o.hyperscaler {
                    hyper += w;
                }
            }
            counted += 1.0;
        }
        let owner_shares = shares
            .into_iter()
            .map(|(k, v)| (k, round4(v / counted)))
            .collect();
        let hyperscaler_share = if counted > 0.0 {
            round4(hyper / counted)
        } else {
            0.0
        };
        // A cable every route needs: some leg of every route has it as its only alternative.
        let needed_in_every = |pred: &dyn Fn(&System) -> bool| {
            !routes.is_empty()
                && routes
                    .iter()
                    .all(|r| r.iter().any(|leg| leg.iter().all(pred)))
        };
        let spof_cables = systems
            .values()
            .filter(|c| needed_in_every(&|s: &System| s.id == c.id))
            .map(|s| s.name.clone())
            .collect();
        let spof_landings = origin_landings
            .iter()
            .filter(|l| {
                // Every route leaves the origin by cable from this station only.
                !routes.is_empty()
                    && self.land.is_none()
                    && self
                        .direct
                        .iter()
                        .all(|s| s.from_landings.iter().all(|x| x.id == **l))
                    && self.via.iter().all(|v| match &v.first {
                        Segment::Cable { systems } => systems
                            .iter()
                            .all(|s| s.from_landings.iter().all(|x| x.id == **l)),
                        Segment::Land { .. } => false,
                    })
            })
            .map(|l| l.to_string())
            .collect();
        let jurisdictions: BTreeSet<&str> = systems
            .values()
            .flat_map(|s| s.owners.iter().filter_map(|o| o.jurisdiction.as_deref()))
            .collect();
        let spof_jurisdictions = jurisdictions
            .into_iter()
            .filter(|j| {
                needed_in_every(&|s: &System| {
                    s.owners
                        .iter()
                        .any(|o| o.jurisdiction.as_deref() == Some(*j))
                })
            })
            .map(str::to_string)
            .collect();
        Diversity {
            systems: systems.len(),
            origin_landings: origin_landings.len(),
            owner_shares,
            hyperscaler_share,
            spof_cables,
            spof_landings,
            spof_jurisdictions,
        }
    }
}
