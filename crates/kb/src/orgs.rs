//! Organisations: one canonical name per company, project or standards body, with its
//! headquarters country and governance (`data/orgs/organisations.csv`).
//!
//! Every other table names organisations by their canonical name, checked here with
//! [`Orgs::require`], so the same company is spelled the same way everywhere (the non-aligned view
//! sums control per actor). Aliases exist only for look-ups by callers ("AMD", "Samsung Foundry").
//! This module turns an organisation plus the row that named it into an [`Attribution`]; which
//! row names whom is the other modules' business.

use crate::geo::Geo;
use crate::tables::{self, required, row_err, KbError, Source};
use crate::Attribution;
use serde::de::IgnoredAny;
use serde::Deserialize;
use sovstack_inventory::{Confidence, CountryCode, Evidence, Governance, Method};
use std::collections::HashMap;

const TABLE: &str = "orgs/organisations.csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgRow {
    name: String,
    aliases: String,
    country: String,
    governance: String,
    parent: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

/// An organisation as loaded.
#[derive(Debug)]
pub(crate) struct Organisation {
    pub line: u64,
    pub name: String,
    pub country: Option<CountryCode>,
    pub governance: Governance,
    pub parent: Option<String>,
}

/// Index of an organisation in [`Orgs`].
pub(crate) type OrgId = usize;

#[derive(Debug)]
pub(crate) struct Orgs {
    list: Vec<Organisation>,
    /// Lower-cased canonical names and aliases.
    index: HashMap<String, OrgId>,
    /// Lower-cased canonical names only.
    canonical: HashMap<String, OrgId>,
}

impl Orgs {
    pub fn load(sources: &[Source], geo: &Geo) -> Result<Orgs, KbError> {
        let mut orgs = Orgs {
            list: Vec::new(),
            index: HashMap::new(),
            canonical: HashMap::new(),
        };
        let rows = tables::read::<OrgRow>(TABLE, tables::text_of(sources, TABLE)?)?;
        for row in &rows {
            let (line, r) = (row.line, &row.rec);
            required(TABLE, line, "name", &r.name)?;
            required(TABLE, line, "source", &r.source)?;
            if r.name.trim() != r.name {
                return Err(row_err(
                    TABLE,
                    line,
                    format!("name `{}` has surrounding spaces", r.name),
                ));
            }
            let country = match r.country.as_str() {
                "" => None,
                code => Some(geo.country_code(TABLE, line, code)?),
            };
            let governance = tables::governance(TABLE, line, &r.governance)?;
            let id = orgs.list.len();
            for key in std::iter::once(r.name.as_str()).chain(tables::list(&r.aliases)) {
                if orgs.index.insert(key.to_lowercase(), id).is_some() {
                    return Err(row_err(
                        TABLE,
                        line,
                        format!("name or alias `{key}` is used twice"),
                    ));
                }
            }
            orgs.canonical.insert(r.name.to_lowercase(), id);
            let parent = Some(r.parent.clone()).filter(|p| !p.is_empty());
            orgs.list.push(Organisation {
                line,
                name: r.name.clone(),
                country,
                governance,
                parent,
            });
        }
        // Parents are organisations too, named canonically.
        for (org, row) in orgs.list.iter().zip(&rows) {
            if let Some(parent) = &org.parent {
                let p = orgs.require(TABLE, row.line, parent)?;
                if p == orgs.canonical[&org.name.to_lowercase()] {
                    return Err(row_err(
                        TABLE,
                        row.line,
                        format!("`{parent}` is its own parent"),
                    ));
                }
            }
        }
        Ok(orgs)
    }

    /// For other tables' validation: `name` must be an organisation's canonical name, exactly.
    pub fn require(&self, table: &str, line: u64, name: &str) -> Result<OrgId, KbError> {
        match self.index.get(&name.to_lowercase()) {
            Some(&id) if self.list[id].name == name => Ok(id),
            Some(&id) => Err(row_err(
                table,
                line,
                format!("`{name}` is not canonical; write `{}`", self.list[id].name),
            )),
            None => Err(row_err(
                table,
                line,
                format!("unknown organisation `{name}`"),
            )),
        }
    }

    /// Looks an organisation up by canonical name or alias, ignoring case.
    pub fn find(&self, name: &str) -> Option<OrgId> {
        self.index.get(&name.trim().to_lowercase()).copied()
    }

    pub fn get(&self, id: OrgId) -> &Organisation {
        &self.list[id]
    }

    #[cfg(test)]
    pub fn all(&self) -> impl Iterator<Item = &Organisation> {
        self.list.iter()
    }

    /// The organisation row as evidence.
    pub fn evidence(&self, id: OrgId) -> Evidence {
        let o = &self.list[id];
        tables::evidence(
            TABLE,
            o.line,
            "name",
            &o.name,
            Method::KbLookup,
            Confidence::High,
        )
    }

    /// An attribution to `id`, backed by the row that named it and the organisation's own row.
    pub fn attribute(&self, id: OrgId, mut evidence: Vec<Evidence>) -> Attribution {
        let o = &self.list[id];
        evidence.push(self.evidence(id));
        Attribution {
            name: o.name.clone(),
            country: o.country.clone(),
            governance: o.governance,
            evidence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn load_with(text: &'static str) -> Result<Orgs, KbError> {
        let mut sources = Source::builtin();
        sources.iter_mut().find(|s| s.path == TABLE).unwrap().text = Cow::Borrowed(text);
        let geo = Geo::load(&sources).unwrap();
        Orgs::load(&sources, &geo)
    }

    fn orgs() -> Orgs {
        let sources = Source::builtin();
        Orgs::load(&sources, &Geo::load(&sources).unwrap()).unwrap()
    }

    #[test]
    fn lookups() {
        let o = orgs();
        type Want<'a> = Option<(&'a str, Option<&'a str>, Governance)>;
        let cases: [(&str, Want); 9] = [
            (
                "Arm Ltd",
                Some(("Arm Ltd", Some("GB"), Governance::Company)),
            ),
            ("arm", Some(("Arm Ltd", Some("GB"), Governance::Company))),
            (
                "AMD",
                Some(("Advanced Micro Devices", Some("US"), Governance::Company)),
            ),
            (
                "Samsung Foundry",
                Some(("Samsung Electronics", Some("KR"), Governance::Company)),
            ),
            (
                "RISC-V International",
                Some(("RISC-V International", Some("CH"), Governance::OpenStandard)),
            ),
            (
                "Debian Project",
                Some(("Debian Project", None, Governance::Community)),
            ),
            (
                "Linux kernel community",
                Some(("Linux kernel community", None, Governance::Community)),
            ),
            (
                "China Electronics Corporation",
                Some((
                    "China Electronics Corporation",
                    Some("CN"),
                    Governance::State,
                )),
            ),
            ("No Such Corp", None),
        ];
        for (query, want) in cases {
            let got = o.find(query).map(|id| {
                let org = o.get(id);
                (
                    org.name.as_str(),
                    org.country.as_ref().map(|c| c.as_str()),
                    org.governance,
                )
            });
            assert_eq!(got, want, "{query}");
        }
        let red_hat = o.get(o.find("Red Hat").unwrap());
        assert_eq!(red_hat.parent.as_deref(), Some("IBM"));
    }

    #[test]
    fn require_insists_on_canonical_names() {
        let o = orgs();
        assert!(o.require("t.csv", 2, "Intel Corporation").is_ok());
        assert_eq!(
            o.require("t.csv", 2, "Intel").unwrap_err().to_string(),
            "kb: t.csv:2: `Intel` is not canonical; write `Intel Corporation`"
        );
        assert_eq!(
            o.require("t.csv", 7, "Initech").unwrap_err().to_string(),
            "kb: t.csv:7: unknown organisation `Initech`"
        );
    }

    #[test]
    fn bad_rows() {
        let h = "name,aliases,country,governance,parent,notes,source\n";
        let cases = [
            (
                "A,,ZZ,company,,,s\n",
                "kb: orgs/organisations.csv:2: unknown country `ZZ`",
            ),
            (
                "A,,US,guild,,,s\n",
                "kb: orgs/organisations.csv:2: unknown governance `guild` (open_standard, community, foundation, company, state, unknown)",
            ),
            (
                "A,,US,company,,,s\nB,a,US,company,,,s\n",
                "kb: orgs/organisations.csv:3: name or alias `a` is used twice",
            ),
            (
                "A,,US,company,B,,s\n",
                "kb: orgs/organisations.csv:2: unknown organisation `B`",
            ),
            (
                "A,,US,company,A,,s\n",
                "kb: orgs/organisations.csv:2: `A` is its own parent",
            ),
            (
                ",,US,company,,,s\n",
                "kb: orgs/organisations.csv:2: missing `name`",
            ),
            (
                "A,,US,company,,,\n",
                "kb: orgs/organisations.csv:2: missing `source`",
            ),
        ];
        for (body, want) in cases {
            let text: &'static str = Box::leak(format!("{h}{body}").into_boxed_str());
            let err = load_with(text).expect_err(want).to_string();
            assert_eq!(err, want);
        }
    }
}
