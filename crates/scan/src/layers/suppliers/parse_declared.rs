//! The declared-suppliers file (`--declared FILE`): the services the organisation buys, who
//! supplies them, what each supplier claims, and the endpoints that deliver them. The format is
//! in `docs/layers/suppliers.md`; its JSON Schema is `schema/declared-suppliers-1.schema.json`.
//!
//! Read strictly, with the reader rulesets and the configuration file use (`sovstack-yaml`): an
//! unknown key, a wrong type or malformed YAML stops the parse at its first fault with its line
//! and column. The values are then checked, every problem reported with its line and column so
//! one round of fixes is enough: a country that is not an ISO 3166-1 alpha-2 code the knowledge
//! base knows, a certification not in `sovstack_abi::certifications`, a malformed host name, an
//! empty name, an id given twice. Any problem fails the parse: an audit of half the declared
//! services would look complete when it is not.

use crate::layers::network::parse_endpoints::{host_name, ParseError};
use serde::Deserialize;
use serde_saphyr::Spanned;

/// A value of the file and the line it is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtLine<T> {
    /// The value, checked.
    pub value: T,
    /// 1-based line.
    pub line: u32,
}

/// One declared service, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredSpec {
    /// Its id, unique in the file.
    pub id: String,
    /// The line of its entry.
    pub line: u32,
    /// What people call it.
    pub name: Option<String>,
    /// The supplier's name.
    pub supplier: AtLine<String>,
    /// The supplier's headquarters, as declared.
    pub supplier_country: Option<AtLine<String>>,
    /// The supplier's parent.
    pub parent: Option<AtLine<String>>,
    /// The parent's headquarters, as declared.
    pub parent_country: Option<AtLine<String>>,
    /// The jurisdiction claimed (ISO 3166-1 alpha-2).
    pub jurisdiction: AtLine<String>,
    /// The data locations claimed, in file order, each once.
    pub data_locations: Vec<AtLine<String>>,
    /// The certifications declared, as spelt in `sovstack_abi::certifications`, each once.
    pub certifications: Vec<AtLine<String>>,
    /// The host names that deliver it (lower case, no trailing dot), each once.
    pub endpoints: Vec<AtLine<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    services: Vec<Spanned<RawService>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    id: Spanned<String>,
    #[serde(default)]
    name: Option<Spanned<String>>,
    supplier: Spanned<RawSupplier>,
    jurisdiction: Spanned<String>,
    #[serde(default)]
    data_locations: Vec<Spanned<String>>,
    #[serde(default)]
    certifications: Vec<Spanned<String>>,
    #[serde(default)]
    endpoints: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSupplier {
    name: Spanned<String>,
    #[serde(default)]
    country: Option<Spanned<String>>,
    #[serde(default)]
    parent: Option<Spanned<String>>,
    #[serde(default)]
    parent_country: Option<Spanned<String>>,
}

fn line_of<T>(s: &Spanned<T>) -> u32 {
    u32::try_from(s.referenced.line()).unwrap_or(u32::MAX)
}

struct Checker<'a> {
    known_country: &'a dyn Fn(&str) -> bool,
    errors: Vec<ParseError>,
}

impl Checker<'_> {
    fn err<T>(&mut self, at: &Spanned<T>, message: String) {
        self.errors.push(ParseError {
            line: at.referenced.line(),
            column: at.referenced.column(),
            message,
        });
    }

    fn text(&mut self, field: &str, s: &Spanned<String>) -> Option<AtLine<String>> {
        let v = s.value.trim();
        if v.is_empty() {
            self.err(s, format!("`{field}` is empty"));
            return None;
        }
        Some(AtLine {
            value: v.to_string(),
            line: line_of(s),
        })
    }

    fn country(&mut self, field: &str, s: &Spanned<String>) -> Option<AtLine<String>> {
        let v = s.value.trim();
        if sovstack_inventory::CountryCode::new(v).is_err() {
            self.err(s, format!("`{field}`: `{v}` is not an ISO 3166-1 alpha-2 country code (two upper-case letters, such as FR)"));
            return None;
        }
        if !(self.known_country)(v) {
            self.err(
                s,
                format!(
                    "`{field}`: `{v}` is not an ISO 3166-1 alpha-2 country code sovstack knows"
                ),
            );
            return None;
        }
        Some(AtLine {
            value: v.to_string(),
            line: line_of(s),
        })
    }

    fn certification(&mut self, s: &Spanned<String>) -> Option<AtLine<String>> {
        match sovstack_abi::certifications::canonical(&s.value) {
            Some(c) => Some(AtLine {
                value: c.to_string(),
                line: line_of(s),
            }),
            None => {
                let known: Vec<&str> = sovstack_abi::certifications::ALL
                    .iter()
                    .map(|(n, _)| *n)
                    .collect();
                self.err(
                    s,
                    format!(
                        "`certifications`: unknown certification `{}`; the known ones are {}",
                        s.value,
                        known.join(", ")
                    ),
                );
                None
            }
        }
    }

    fn endpoint(&mut self, s: &Spanned<String>) -> Option<AtLine<String>> {
        match host_name(s.value.trim()) {
            Ok(name) => Some(AtLine {
                value: name,
                line: line_of(s),
            }),
            Err(e) => {
                self.err(s, format!("`endpoints`: {e}"));
                None
            }
        }
    }

    fn service(&mut self, s: &Spanned<RawService>, seen: &mut Vec<String>) -> Option<DeclaredSpec> {
        let r = &s.value;
        let n = self.errors.len();
        let id = r.id.value.trim().to_string();
        let id_ok = !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !id_ok {
            self.err(
                &r.id,
                format!("`id`: `{id}` must be letters, digits, `-`, `_` or `.`, and not empty"),
            );
        } else if seen.contains(&id) {
            self.err(&r.id, format!("`id`: service `{id}` is declared twice"));
        }
        seen.push(id.clone());
        let name = r.name.as_ref().and_then(|n| self.text("name", n));
        let sup = &r.supplier.value;
        let supplier = self.text("supplier.name", &sup.name);
        let supplier_country = sup
            .country
            .as_ref()
            .and_then(|c| self.country("supplier.country", c));
        let parent = sup
            .parent
            .as_ref()
            .and_then(|p| self.text("supplier.parent", p));
        let parent_country = sup
            .parent_country
            .as_ref()
            .and_then(|c| self.country("supplier.parent_country", c));
        if let (Some(pc), None) = (&sup.parent_country, &sup.parent) {
            self.err(
                pc,
                "`supplier.parent_country` needs `supplier.parent`".to_string(),
            );
        }
        let jurisdiction = self.country("jurisdiction", &r.jurisdiction);
        let once = |list: Vec<Option<AtLine<String>>>| {
            let mut out: Vec<AtLine<String>> = Vec::new();
            for v in list.into_iter().flatten() {
                if !out.iter().any(|o| o.value == v.value) {
                    out.push(v);
                }
            }
            out
        };
        let data_locations = r
            .data_locations
            .iter()
            .map(|c| self.country("data_locations", c))
            .collect();
        let data_locations = once(data_locations);
        let certifications = r
            .certifications
            .iter()
            .map(|c| self.certification(c))
            .collect();
        let certifications = once(certifications);
        let endpoints = r.endpoints.iter().map(|e| self.endpoint(e)).collect();
        let endpoints = once(endpoints);
        if self.errors.len() > n {
            return None;
        }
        Some(DeclaredSpec {
            id,
            line: line_of(s),
            name: name.map(|n| n.value),
            supplier: supplier?,
            supplier_country,
            parent,
            parent_country,
            jurisdiction: jurisdiction?,
            data_locations,
            certifications,
            endpoints,
        })
    }
}

/// Parses the file's text. `known_country` says whether the knowledge base knows a code. On
/// failure, every problem found, in file order (never empty).
pub fn declared(
    text: &str,
    known_country: &dyn Fn(&str) -> bool,
) -> Result<Vec<DeclaredSpec>, Vec<ParseError>> {
    let raw: RawFile = sovstack_yaml::from_yaml_strict(text).map_err(|e| {
        vec![ParseError {
            line: e.line,
            column: e.column,
            message: e.message,
        }]
    })?;
    let mut c = Checker {
        known_country,
        errors: Vec::new(),
    };
    let mut seen = Vec::new();
    let specs: Vec<DeclaredSpec> = raw
        .services
        .iter()
        .filter_map(|s| c.service(s, &mut seen))
        .collect();
    let mut errors = c.errors;
    if errors.is_empty() && specs.is_empty() {
        errors.push(ParseError {
            line: 1,
            column: 1,
            message: "`services` lists no service".into(),
        });
    }
    errors.sort_by_key(|e| (e.line, e.column));
    match errors.is_empty() {
        true => Ok(specs),
        false => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(c: &str) -> bool {
        ["FR", "DE", "IE", "US", "NL"].contains(&c)
    }

    const GOOD: &str = "\
services:
  - id: mail
    name: Mail
    supplier:
      name: Example Cloud SAS
      country: FR
      parent: Example Group
    jurisdiction: FR
    data_locations: [FR, DE, FR]
    certifications: [secnumcloud, ISO-27001]
    endpoints: [Mail.Example.FR., webmail.example.fr]
  - id: crm
    supplier: {name: Salesforce}
    jurisdiction: US
";

    #[test]
    fn a_good_file_is_read_with_its_lines() {
        let got = declared(GOOD, &known).unwrap();
        assert_eq!(got.len(), 2);
        let m = &got[0];
        assert_eq!((m.id.as_str(), m.line), ("mail", 2));
        assert_eq!(m.supplier.value, "Example Cloud SAS");
        assert_eq!(m.supplier.line, 5);
        assert_eq!(m.supplier_country.as_ref().unwrap().value, "FR");
        assert_eq!(m.parent.as_ref().unwrap().value, "Example Group");
        assert_eq!(
            (m.jurisdiction.value.as_str(), m.jurisdiction.line),
            ("FR", 8)
        );
        let locs: Vec<&str> = m.data_locations.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(locs, ["FR", "DE"]);
        let certs: Vec<&str> = m.certifications.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(certs, ["SecNumCloud", "ISO-27001"]);
        let eps: Vec<&str> = m.endpoints.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(eps, ["mail.example.fr", "webmail.example.fr"]);
        assert_eq!(got[1].endpoints, vec![]);
        assert_eq!(got[1].name, None);
    }

    #[test]
    fn every_bad_value_is_reported_with_its_line_and_column() {
        /// (line, column, message start)
        type Want<'a> = &'a [(u64, u64, &'a str)];
        let table: &[(&str, Want)] = &[
            (
                "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: fr\n",
                &[(4, 19, "`jurisdiction`: `fr` is not an ISO 3166-1 alpha-2")],
            ),
            (
                "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: XX\n",
                &[(4, 19, "`jurisdiction`: `XX` is not an ISO 3166-1 alpha-2 country code sovstack knows")],
            ),
            (
                "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: FR\n    certifications: [SecNumCloud, SNC]\n    data_locations: [FR, EU]\n",
                &[
                    (5, 35, "`certifications`: unknown certification `SNC`; the known ones are SecNumCloud, "),
                    (6, 26, "`data_locations`: `EU` is not an ISO 3166-1 alpha-2 country code sovstack knows"),
                ],
            ),
            (
                "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: FR\n  - id: a\n    supplier: {name: ' '}\n    jurisdiction: FR\n    endpoints: ['bad name']\n",
                &[
                    (5, 9, "`id`: service `a` is declared twice"),
                    (6, 22, "`supplier.name` is empty"),
                    (8, 17, "`endpoints`: `bad name`: ` ` cannot appear in a host name"),
                ],
            ),
            (
                "services:\n  - id: a\n    supplier: {name: X, parent_country: FR}\n    jurisdiction: FR\n",
                &[(3, 41, "`supplier.parent_country` needs `supplier.parent`")],
            ),
            (
                "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: FR\n    colour: red\n",
                &[(5, 5, "service `a`: unknown field `colour`; the fields here are `id`, `name`, `supplier`, ")],
            ),
            (
                "services:\n  - id: a\n    supplier: {name: X, hq: FR}\n    jurisdiction: FR\n",
                &[(3, 25, "service `a`, field `supplier`: unknown field `hq`")],
            ),
            (
                "services:\n  - id: a\n    supplier: {name: X}\n",
                &[(3, 5, "service `a`: missing field `jurisdiction`")],
            ),
            ("services: []\n", &[(1, 1, "`services` lists no service")]),
            ("# nothing\n", &[(1, 1, "the file is empty")]),
            ("service: []\n", &[(1, 1, "unknown field `service`")]),
        ];
        for (text, want) in table {
            let got = declared(text, &known).unwrap_err();
            assert_eq!(got.len(), want.len(), "{text}: {got:?}");
            for (g, (line, column, start)) in got.iter().zip(want.iter()) {
                assert_eq!((g.line, g.column), (*line, *column), "{text}: {g:?}");
                assert!(g.message.starts_with(start), "{text}: {}", g.message);
            }
        }
    }
}
