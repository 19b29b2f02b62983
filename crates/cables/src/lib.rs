//! The cable layer's data: submarine cable systems (TeleGeography's map, CC BY-NC-SA 3.0), the
//! countries they land in, who owns them and where those owners are headquartered, land
//! borders, and the candidate routes between two countries that follow from them.
//!
//! The data is the run-time pack `data/cables/` (described by its `MANIFEST.csv` and
//! `README.md`), never compiled in: its licence forbids commercial use, so it must stay
//! separable from the binary. Routes are **candidates from geography**, not observed paths.
//!
//! ```
//! let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/cables");
//! let data = sovstack_cables::CableData::load(std::path::Path::new(dir))?;
//! let r = data.routes("FR", "BR", false);
//! assert!(r.direct.is_empty() && r.via.iter().any(|v| v.via.code == "PT"));
//! assert!(data.routes("FR", "DE", false).land.is_some());
//! # Ok::<(), sovstack_cables::Error>(())
//! ```

#![deny(missing_docs)]

mod cut;
mod error;
mod manifest;
mod parse;
mod routes;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub use cut::{Cut, CutReason};
pub use error::Error;
pub use manifest::{parse_manifest, Dataset, Kind, MANIFEST};
pub use parse::{
    is_country_code, parse_borders, parse_countries, parse_landing_points, parse_owners,
    parse_sovereignty, split_owners, OwnerFacts,
};
pub use routes::{
    owner_shares_words, Diversity, LandingRef, OwnerRef, Place, Routes, Segment, System, Via,
    LAND_HOPS, NOTE, UNKNOWN,
};

/// A cable system of the dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cable {
    /// The dataset's id (`2africa`).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Ready-for-service year, when known.
    pub rfs_year: Option<u16>,
    /// Not yet in service when the data was published.
    pub planned: bool,
    /// Owner names as the dataset gives them (see [`split_owners`]).
    pub owners: Vec<String>,
    /// Its landing stations.
    pub landings: Vec<Landing>,
}

/// A landing station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Landing {
    /// The dataset's id (`marseille-france`).
    pub id: String,
    /// Its name (`Marseille, France`).
    pub name: String,
    /// ISO code of the country or territory it is in (a territory keeps its own code).
    pub country: String,
}

/// The loaded pack.
#[derive(Debug, Clone)]
pub struct CableData {
    cables: Vec<Cable>,
    /// For each country or territory, the indices of the cables landing there, ascending.
    by_country: BTreeMap<String, Vec<usize>>,
    sovereign: BTreeMap<String, String>,
    neighbours: BTreeMap<String, BTreeSet<String>>,
    owners: BTreeMap<String, OwnerFacts>,
    /// Landing station id -> (longitude, latitude), when the pack has `landing-points.csv`.
    landing_points: BTreeMap<String, (f64, f64)>,
    datasets: Vec<Dataset>,
}

impl CableData {
    /// Loads the pack in `dir`: its manifest, then every file it lists, each checked against
    /// its sha256.
    pub fn load(dir: &Path) -> Result<CableData, Error> {
        let read = |path: &str| {
            std::fs::read(dir.join(path)).map_err(|source| Error::Io {
                path: path.to_string(),
                source,
            })
        };
        CableData::from_files(&read(MANIFEST)?, read)
    }

    /// Loads the pack from its manifest's bytes and a reader of the files it lists.
    pub fn from_files(
        manifest: &[u8],
        read: impl Fn(&str) -> Result<Vec<u8>, Error>,
    ) -> Result<CableData, Error> {
        use sha2::{Digest, Sha256};
        let datasets = parse_manifest(manifest)?;
        let mut files: BTreeMap<Kind, (String, Vec<u8>)> = BTreeMap::new();
        for d in &datasets {
            let bytes = read(&d.path)?;
            let actual = hex::encode(Sha256::digest(&bytes));
            if actual != d.sha256 {
                return Err(Error::Digest {
                    path: d.path.clone(),
                    expected: d.sha256.clone(),
                    actual,
                });
            }
            files.insert(d.kind, (d.path.clone(), bytes));
        }
        let file = |k: Kind| &files[&k];
        let (p, b) = file(Kind::CountryNames);
        let names = parse_countries(p, b)?;
        let (p, b) = file(Kind::Sovereignty);
        let sovereign = parse_sovereignty(p, b)?;
        let (p, b) = file(Kind::LandBorders);
        let mut neighbours: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in parse_borders(p, b)? {
            neighbours.entry(a.clone()).or_default().insert(b.clone());
            neighbours.entry(b).or_default().insert(a);
        }
        let (p, b) = file(Kind::Owners);
        let owners = parse_owners(p, b)?;
        let (p, b) = file(Kind::Cables);
        let cables = parse_cables(p, b, &names)?;
        let landing_points = match files.get(&Kind::LandingPoints) {
            Some((p, b)) => parse_landing_points(p, b)?,
            None => BTreeMap::new(),
        };
        let by_country = index_by_country(&cables);
        Ok(CableData {
            cables,
            by_country,
            sovereign,
            neighbours,
            owners,
            landing_points,
            datasets,
        })
    }

    /// The cable systems, in the dataset's order.
    pub fn cables(&self) -> &[Cable] {
        &self.cables
    }

    /// Where the landing station `id` is, as (longitude, latitude) in degrees, when the pack
    /// says.
    pub fn landing_at(&self, id: &str) -> Option<(f64, f64)> {
        self.landing_points.get(id).copied()
    }

    /// The files the pack was loaded from.
    pub fn datasets(&self) -> &[Dataset] {
        &self.datasets
    }

    /// The state whose jurisdiction `code` is under: its sovereign for a territory, else itself.
    pub fn sovereign<'a>(&'a self, code: &'a str) -> &'a str {
        self.sovereign.get(code).map_or(code, String::as_str)
    }

    /// The countries sharing a land border with `code`.
    pub fn neighbours(&self, code: &str) -> impl Iterator<Item = &str> {
        self.neighbours
            .get(code)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// What an owner name of the dataset stands for, when the pack knows it.
    pub fn owner(&self, name: &str) -> Option<&OwnerFacts> {
        self.owners.get(name)
    }

    /// Every country or territory some cable lands in.
    pub fn landing_countries(&self) -> BTreeSet<&str> {
        self.by_country.keys().map(String::as_str).collect()
    }

    /// The indices of the cables landing in both `a` and `b`, ascending.
    fn cables_between(&self, a: &str, b: &str) -> Vec<usize> {
        let (Some(x), Some(y)) = (self.by_country.get(a), self.by_country.get(b)) else {
            return Vec::new();
        };
        let (mut i, mut j, mut out) = (0, 0, Vec::new());
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    out.push(x[i]);
                    i += 1;
                    j += 1;
                }
            }
        }
        out
    }

    /// Owner mentions (one per owner per cable) and how many of them `owners.csv` knows.
    pub fn owner_coverage(&self) -> (usize, usize) {
        let mentions = self.cables.iter().flat_map(|c| &c.owners);
        let (mut known, mut all) = (0, 0);
        for o in mentions {
            all += 1;
            known += usize::from(self.owners.contains_key(o));
        }
        (known, all)
    }
}

/// For each country or territory, the indices of the cables landing there, ascending.
fn index_by_country(cables: &[Cable]) -> BTreeMap<String, Vec<usize>> {
    let mut by_country: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, c) in cables.iter().enumerate() {
        for l in &c.landings {
            let v = by_country.entry(l.country.clone()).or_default();
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    by_country
}

/// Parses `cables.json` (`path` names it in errors), every country name mapped through `names`:
/// an unmapped name, an empty or repeated id is an error naming the record and field.
pub fn parse_cables(
    path: &str,
    bytes: &[u8],
    names: &BTreeMap<String, String>,
) -> Result<Vec<Cable>, Error> {
    let raw = parse::parse_cables_json(path, bytes)?;
    let mut ids = BTreeSet::new();
    let mut out = Vec::with_capacity(raw.len());
    for (i, c) in raw.into_iter().enumerate() {
        let at = |field: &str| format!("[{i}] ({}).{field}", c.id);
        let value = |at: String, message: String| Error::Value {
            path: path.to_string(),
            at,
            message,
        };
        if c.id.is_empty() || !ids.insert(c.id.clone()) {
            return Err(value(at("id"), "empty or repeated".to_string()));
        }
        let mut landings = Vec::with_capacity(c.landing_points.len());
        for (j, l) in c.landing_points.into_iter().enumerate() {
            let country = names.get(&l.country).ok_or_else(|| {
                value(
                    at(&format!("landing_points[{j}].country")),
                    format!("{:?} is not in countries.csv", l.country),
                )
            })?;
            landings.push(Landing {
                id: l.id,
                name: l.name,
                country: country.clone(),
            });
        }
        out.push(Cable {
            owners: c.owners.as_deref().map(split_owners).unwrap_or_default(),
            id: c.id,
            name: c.name,
            rfs_year: c.rfs_year,
            planned: c.is_planned,
            landings,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
