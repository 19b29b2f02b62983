//! What-if cuts: the pack as it would be with cable systems, landing stations or whole
//! countries taken out, so that the same route computation answers "what is left?".

use std::collections::BTreeSet;

use crate::{Cable, CableData};

/// What to take out of the pack. Names are compared without regard to ASCII case.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cut {
    /// Cable systems, by name or dataset id.
    pub cables: BTreeSet<String>,
    /// Landing stations, by name (`Marseille, France`) or dataset id.
    pub landings: BTreeSet<String>,
    /// States (ISO codes): every cable landing in the state or one of its territories, every
    /// cable all of whose owners are headquartered under its jurisdiction, and every land path
    /// through it are taken out.
    pub countries: BTreeSet<String>,
}

/// Why a cable system is taken out by a [`Cut`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CutReason {
    /// Named by the cut.
    Named,
    /// It lands in a cut state (or one of its territories): at these landing stations.
    LandsIn {
        /// The state.
        country: String,
        /// The landing stations there, by name.
        landings: Vec<String>,
    },
    /// Every owner is headquartered under a cut state's jurisdiction.
    OwnedFrom {
        /// The state.
        country: String,
    },
}

impl Cut {
    fn names(&self, c: &Cable) -> bool {
        self.cables
            .iter()
            .any(|n| n.eq_ignore_ascii_case(&c.name) || n.eq_ignore_ascii_case(&c.id))
    }

    fn landing(&self, id: &str, name: &str) -> bool {
        self.landings
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name) || n.eq_ignore_ascii_case(id))
    }

    /// Whether nothing is cut.
    pub fn is_empty(&self) -> bool {
        self.cables.is_empty() && self.landings.is_empty() && self.countries.is_empty()
    }
}

impl CableData {
    /// Why `cut` takes the cable system `c` out, if it does (its landing stations named by the
    /// cut are removed by [`CableData::cut`], not the whole system).
    pub fn cut_reason(&self, c: &Cable, cut: &Cut) -> Option<CutReason> {
        if cut.names(c) {
            return Some(CutReason::Named);
        }
        for country in &cut.countries {
            let landings: Vec<String> = c
                .landings
                .iter()
                .filter(|l| self.sovereign(&l.country) == country)
                .map(|l| l.name.clone())
                .collect();
            if !landings.is_empty() {
                return Some(CutReason::LandsIn {
                    country: country.clone(),
                    landings,
                });
            }
            let mut jurisdictions = c.owners.iter().map(|o| {
                self.owner(o)
                    .map(|f| self.sovereign(&f.hq_country).to_string())
            });
            if !c.owners.is_empty() && jurisdictions.all(|j| j.as_deref() == Some(country)) {
                return Some(CutReason::OwnedFrom {
                    country: country.clone(),
                });
            }
        }
        None
    }

    /// The pack with `cut` applied: the systems it takes out are gone (see [`Cut`]), the landing
    /// stations it names are gone from every system (a system left with a single landing
    /// station joins nothing), and the cut states and their territories have no land borders.
    pub fn cut(&self, cut: &Cut) -> CableData {
        let cut_state = |code: &str| cut.countries.contains(self.sovereign(code));
        let cables: Vec<Cable> = self
            .cables
            .iter()
            .filter(|c| self.cut_reason(c, cut).is_none())
            .map(|c| Cable {
                landings: c
                    .landings
                    .iter()
                    .filter(|l| !cut.landing(&l.id, &l.name))
                    .cloned()
                    .collect(),
                ..c.clone()
            })
            .collect();
        let by_country = crate::index_by_country(&cables);
        let neighbours = self
            .neighbours
            .iter()
            .filter(|(a, _)| !cut_state(a))
            .map(|(a, ns)| {
                (
                    a.clone(),
                    ns.iter().filter(|b| !cut_state(b)).cloned().collect(),
                )
            })
            .collect();
        CableData {
            cables,
            by_country,
            sovereign: self.sovereign.clone(),
            neighbours,
            owners: self.owners.clone(),
            landing_points: self.landing_points.clone(),
            datasets: self.datasets.clone(),
        }
    }
}
