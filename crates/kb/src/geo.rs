//! Countries, the blocs they belong to, and the laws that reach companies headquartered there
//! (`data/geo/`).
//!
//! This module owns `countries.csv` (every ISO 3166-1 alpha-2 code), `blocs.csv`,
//! `bloc-members.csv` (one row per membership, so a change of membership is a one-line diff)
//! and `laws.csv`. It checks country codes for every other table through
//! [`Geo::country_code`]. Which organisation sits where is `orgs`' business.

use crate::tables::{self, required, row_err, KbError, Source};
use serde::Deserialize;
use sovstack_inventory::CountryCode;
use std::collections::{BTreeMap, BTreeSet};

/// A country and the blocs it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    pub code: CountryCode,
    /// English short name.
    pub name: String,
    /// Ids of the blocs it belongs to (`EU`, `NATO`, ...), sorted.
    pub blocs: Vec<String>,
}

/// A bloc of countries (`EU`, `NATO`, `BRICS`, `NAM`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bloc {
    /// Upper-case id, as used in rulesets.
    pub id: String,
    /// English name.
    pub name: String,
    /// What kind of grouping it is (`military_alliance`, `economic_forum`, ...).
    pub kind: String,
    /// Where its membership list comes from.
    pub source: String,
}

/// A law that may reach a company headquartered in a country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Law {
    /// Kebab-case id, e.g. `us-cloud-act`.
    pub id: String,
    /// Country whose law it is.
    pub country: CountryCode,
    /// Name.
    pub name: String,
    /// The name a reader knows it by, with its country (`US CLOUD Act`), for messages.
    pub short_name: String,
    /// Year enacted (or last substantially revised, as the summary says).
    pub year: Option<u16>,
    /// Whether it compels a company headquartered in `country` to hand over data it holds
    /// abroad (the widely documented reading; see `data/README.md`).
    pub extraterritorial: bool,
    /// One or two sentences on what it does.
    pub summary: String,
    /// Where to read it.
    pub source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CountryRow {
    code: String,
    name: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlocRow {
    id: String,
    name: String,
    kind: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberRow {
    bloc: String,
    country: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LawRow {
    id: String,
    country: String,
    name: String,
    short_name: String,
    year: Option<u16>,
    extraterritorial: bool,
    summary: String,
    source: String,
}

const COUNTRIES: &str = "geo/countries.csv";
const BLOCS: &str = "geo/blocs.csv";
const MEMBERS: &str = "geo/bloc-members.csv";
const LAWS: &str = "geo/laws.csv";

/// The geography tables, loaded and cross-checked.
#[derive(Debug)]
pub(crate) struct Geo {
    countries: BTreeMap<String, Country>,
    blocs: Vec<Bloc>,
    laws: Vec<Law>,
}

impl Geo {
    pub fn load(sources: &[Source]) -> Result<Geo, KbError> {
        let mut countries = BTreeMap::new();
        for row in tables::read::<CountryRow>(COUNTRIES, tables::text_of(sources, COUNTRIES)?)? {
            let (line, r) = (row.line, row.rec);
            required(COUNTRIES, line, "name", &r.name)?;
            required(COUNTRIES, line, "source", &r.source)?;
            let code =
                CountryCode::new(&r.code).map_err(|e| row_err(COUNTRIES, line, e.to_string()))?;
            let country = Country {
                code,
                name: r.name,
                blocs: Vec::new(),
            };
            if countries.insert(r.code.clone(), country).is_some() {
                return Err(row_err(
                    COUNTRIES,
                    line,
                    format!("duplicate country `{}`", r.code),
                ));
            }
        }

        let mut blocs: Vec<Bloc> = Vec::new();
        for row in tables::read::<BlocRow>(BLOCS, tables::text_of(sources, BLOCS)?)? {
            let (line, r) = (row.line, row.rec);
            for (field, value) in [("name", &r.name), ("kind", &r.kind), ("source", &r.source)] {
                required(BLOCS, line, field, value)?;
            }
            let upper_snake = r.id.starts_with(|c: char| c.is_ascii_uppercase())
                && r.id
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if !upper_snake {
                return Err(row_err(
                    BLOCS,
                    line,
                    format!("bloc id `{}` is not UPPER_SNAKE", r.id),
                ));
            }
            if blocs.iter().any(|b| b.id == r.id) {
                return Err(row_err(BLOCS, line, format!("duplicate bloc `{}`", r.id)));
            }
            blocs.push(Bloc {
                id: r.id,
                name: r.name,
                kind: r.kind,
                source: r.source,
            });
        }

        let mut seen = BTreeSet::new();
        for row in tables::read::<MemberRow>(MEMBERS, tables::text_of(sources, MEMBERS)?)? {
            let (line, r) = (row.line, row.rec);
            required(MEMBERS, line, "source", &r.source)?;
            if !blocs.iter().any(|b| b.id == r.bloc) {
                return Err(row_err(MEMBERS, line, format!("unknown bloc `{}`", r.bloc)));
            }
            let country = countries.get_mut(&r.country).ok_or_else(|| {
                row_err(MEMBERS, line, format!("unknown country `{}`", r.country))
            })?;
            if !seen.insert((r.bloc.clone(), r.country.clone())) {
                return Err(row_err(
                    MEMBERS,
                    line,
                    format!("duplicate membership `{}` in `{}`", r.country, r.bloc),
                ));
            }
            country.blocs.push(r.bloc);
        }
        for c in countries.values_mut() {
            c.blocs.sort();
        }

        let mut laws: Vec<Law> = Vec::new();
        for row in tables::read::<LawRow>(LAWS, tables::text_of(sources, LAWS)?)? {
            let (line, r) = (row.line, row.rec);
            for (field, value) in [
                ("name", &r.name),
                ("short_name", &r.short_name),
                ("summary", &r.summary),
                ("source", &r.source),
            ] {
                required(LAWS, line, field, value)?;
            }
            let kebab = !r.id.is_empty()
                && r.id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !r.id.starts_with('-')
                && !r.id.ends_with('-');
            if !kebab {
                return Err(row_err(
                    LAWS,
                    line,
                    format!("law id `{}` is not kebab-case", r.id),
                ));
            }
            if laws.iter().any(|l| l.id == r.id) {
                return Err(row_err(LAWS, line, format!("duplicate law `{}`", r.id)));
            }
            let country = country_code_in(&countries, LAWS, line, &r.country)?;
            laws.push(Law {
                id: r.id,
                country,
                name: r.name,
                short_name: r.short_name,
                year: r.year,
                extraterritorial: r.extraterritorial,
                summary: r.summary,
                source: r.source,
            });
        }

        Ok(Geo {
            countries,
            blocs,
            laws,
        })
    }

    /// Checks that `code` is a country of `countries.csv`; for other tables' validation.
    pub fn country_code(&self, table: &str, line: u64, code: &str) -> Result<CountryCode, KbError> {
        country_code_in(&self.countries, table, line, code)
    }

    pub fn country(&self, code: &str) -> Option<&Country> {
        self.countries.get(code)
    }

    pub fn countries(&self) -> impl Iterator<Item = &Country> {
        self.countries.values()
    }

    pub fn blocs(&self) -> &[Bloc] {
        &self.blocs
    }

    pub fn laws(&self) -> &[Law] {
        &self.laws
    }

    /// The extraterritorial laws of the country a company is headquartered in.
    pub fn laws_reaching(&self, code: &str) -> Vec<&Law> {
        self.laws
            .iter()
            .filter(|l| l.extraterritorial && l.country.as_str() == code)
            .collect()
    }

    /// Members of a bloc, sorted by code.
    pub fn members(&self, bloc: &str) -> Vec<&str> {
        self.countries
            .values()
            .filter(|c| c.blocs.iter().any(|b| b == bloc))
            .map(|c| c.code.as_str())
            .collect()
    }
}

fn country_code_in(
    countries: &BTreeMap<String, Country>,
    table: &str,
    line: u64,
    code: &str,
) -> Result<CountryCode, KbError> {
    match countries.get(code) {
        Some(c) => Ok(c.code.clone()),
        None => Err(row_err(table, line, format!("unknown country `{code}`"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn geo() -> Geo {
        Geo::load(&Source::builtin()).unwrap()
    }

    fn with(path: &'static str, text: &'static str) -> Result<Geo, KbError> {
        let mut sources = Source::builtin();
        sources.iter_mut().find(|s| s.path == path).unwrap().text = Cow::Borrowed(text);
        Geo::load(&sources)
    }

    #[test]
    fn bloc_sizes() {
        let g = geo();
        let cases = [
            ("EU", 27),
            ("EEA", 30),
            ("NATO", 32),
            ("FIVE_EYES", 5),
            ("BRICS", 10),
            ("SCO", 10),
            ("NAM", 120),
            ("G7", 7),
            ("QUAD", 4),
        ];
        for (bloc, n) in cases {
            assert_eq!(g.members(bloc).len(), n, "{bloc}");
        }
        assert_eq!(g.blocs().len(), cases.len());
    }

    #[test]
    fn memberships() {
        let g = geo();
        assert_eq!(g.members("FIVE_EYES"), vec!["AU", "CA", "GB", "NZ", "US"]);
        assert_eq!(
            g.members("BRICS"),
            vec!["AE", "BR", "CN", "EG", "ET", "ID", "IN", "IR", "RU", "ZA"]
        );
        assert_eq!(
            g.members("SCO"),
            vec!["BY", "CN", "IN", "IR", "KG", "KZ", "PK", "RU", "TJ", "UZ"]
        );
        for eu in g.members("EU") {
            assert!(
                g.country(eu).unwrap().blocs.contains(&"EEA".to_string()),
                "{eu} not in EEA"
            );
        }
        let eea_only: Vec<&str> = g
            .members("EEA")
            .into_iter()
            .filter(|c| !g.members("EU").contains(c))
            .collect();
        assert_eq!(eea_only, vec!["IS", "LI", "NO"]);
        // NAM: every African state except South Sudan; no EU member (Cyprus and Malta left).
        let nam = g.members("NAM");
        for c in [
            "IN", "ID", "ZA", "CU", "VE", "AZ", "BY", "PS", "FJ", "EG", "SA",
        ] {
            assert!(nam.contains(&c), "{c} should be in NAM");
        }
        for c in ["SS", "CN", "BR", "MX", "AR", "CY", "MT", "RS", "US", "RU"] {
            assert!(!nam.contains(&c), "{c} should not be in NAM");
        }
        assert_eq!(
            g.country("DE").unwrap().blocs,
            vec!["EEA", "EU", "G7", "NATO"]
        );
        assert_eq!(
            g.country("IN").unwrap().blocs,
            vec!["BRICS", "NAM", "QUAD", "SCO"]
        );
        assert_eq!(g.country("CH").unwrap().blocs, Vec::<String>::new());
        assert!(g.country("XX").is_none());
        assert!(g.country("de").is_none());
        assert_eq!(g.countries().count(), 249);
    }

    #[test]
    fn laws() {
        let g = geo();
        let ids = |code: &str| -> Vec<&str> {
            g.laws_reaching(code)
                .iter()
                .map(|l| l.id.as_str())
                .collect()
        };
        assert_eq!(ids("US"), vec!["us-cloud-act", "us-fisa-702"]);
        assert_eq!(
            ids("CN"),
            vec![
                "cn-national-intelligence-law-art7",
                "cn-counter-espionage-law"
            ]
        );
        assert_eq!(ids("GB"), vec!["gb-investigatory-powers-act"]);
        for none in ["RU", "IN", "DE", "XX", ""] {
            assert!(ids(none).is_empty(), "{none}");
        }
        // Listed but not extraterritorial.
        for id in [
            "us-eo-12333",
            "cn-data-security-law",
            "ru-yarovaya",
            "ru-sorm",
            "in-it-act-69",
        ] {
            let law = g.laws().iter().find(|l| l.id == id).expect(id);
            assert!(!law.extraterritorial, "{id}");
        }
        assert_eq!(
            g.laws()
                .iter()
                .find(|l| l.id == "us-cloud-act")
                .unwrap()
                .year,
            Some(2018)
        );
        let short = |id: &str| {
            g.laws()
                .iter()
                .find(|l| l.id == id)
                .unwrap()
                .short_name
                .clone()
        };
        assert_eq!(short("us-cloud-act"), "US CLOUD Act");
        assert_eq!(short("us-fisa-702"), "US FISA Section 702");
    }

    #[test]
    fn every_bloc_member_and_law_country_is_known() {
        let g = geo();
        for b in g.blocs() {
            assert!(!g.members(&b.id).is_empty(), "{} has no members", b.id);
        }
        for l in g.laws() {
            assert!(g.country(l.country.as_str()).is_some());
        }
    }

    #[test]
    fn bad_rows_are_reported_with_table_and_line() {
        let cases = [
            (
                MEMBERS,
                "bloc,country,source\nEU,DE,x\nXX,FR,x\n",
                "kb: geo/bloc-members.csv:3: unknown bloc `XX`",
            ),
            (
                MEMBERS,
                "bloc,country,source\nEU,ZZ,x\n",
                "kb: geo/bloc-members.csv:2: unknown country `ZZ`",
            ),
            (
                MEMBERS,
                "bloc,country,source\nEU,DE,x\nEU,DE,x\n",
                "kb: geo/bloc-members.csv:3: duplicate membership `DE` in `EU`",
            ),
            (
                COUNTRIES,
                "code,name,source\nDE,Germany,x\nde,Germany,x\n",
                "kb: geo/countries.csv:3: `de` is not an ISO 3166-1 alpha-2 country code",
            ),
            (
                COUNTRIES,
                "code,name,source\nDE,Germany,x\nDE,Deutschland,x\n",
                "kb: geo/countries.csv:3: duplicate country `DE`",
            ),
            (
                COUNTRIES,
                "code,name,source\nDE,,x\n",
                "kb: geo/countries.csv:2: missing `name`",
            ),
            (
                BLOCS,
                "id,name,kind,source\nEu,x,y,z\n",
                "kb: geo/blocs.csv:2: bloc id `Eu` is not UPPER_SNAKE",
            ),
            (
                LAWS,
                "id,country,name,short_name,year,extraterritorial,summary,source\nus-x,US,n,x,2001,maybe,s,u\n",
                "kb: geo/laws.csv:2: field 6",
            ),
            (
                LAWS,
                "id,country,name,short_name,year,extraterritorial,summary,source\nUS_X,US,n,x,2001,true,s,u\n",
                "kb: geo/laws.csv:2: law id `US_X` is not kebab-case",
            ),
            (
                LAWS,
                "id,country,name,short_name,year,extraterritorial,summary,source\nus-x,QQ,n,x,,true,s,u\n",
                "kb: geo/laws.csv:2: unknown country `QQ`",
            ),
        ];
        for (path, text, want) in cases {
            let err = with(path, text).expect_err(want).to_string();
            assert!(err.starts_with(want), "want {want}\n got {err}");
        }
    }
}
