//! `asn/asn-org-country.csv`: for every AS, the country the regional Internet registries
//! delegated most of its address space to (`rir_country_majority`), with that country's share.
//!
//! This is where the AS's *addresses* were registered, not where its holder is headquartered:
//! AS45102 (Alibaba, HQ CN) shows SG/US, a global carrier shows the country of its first
//! allocation. So it is only a fallback for an AS the operator table (`operators`) does not
//! know, always low confidence and never presented as a headquarters ("registered in FR").

use std::collections::HashMap;
use std::path::Path;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use crate::parse_csv::{each_row, is_alpha2};
use crate::Error;

const COLUMNS: &[&str] = &[
    "asn",
    "as_org",
    "rir_country_majority",
    "majority_share",
    "basis",
    "ipv4_addresses",
    "ipv6_slash48s",
    "other_countries",
];

#[derive(Deserialize)]
struct Row<'a> {
    asn: u32,
    // The AS name comes from the ASN database, and the other countries are not used: read,
    // not kept (91,000 rows).
    #[allow(dead_code)]
    as_org: IgnoredAny,
    rir_country_majority: &'a str,
    majority_share: Option<f64>,
    basis: &'a str,
    #[allow(dead_code)]
    ipv4_addresses: u64,
    #[allow(dead_code)]
    ipv6_slash48s: u64,
    #[allow(dead_code)]
    other_countries: IgnoredAny,
}

/// The country an AS's address space was delegated to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Registration {
    /// The AS number.
    pub asn: u32,
    /// ISO 3166-1 alpha-2 code of the country holding the largest share of the AS's IPv4
    /// space (IPv6 when it has none), as the registries delegated it.
    pub country: String,
    /// That country's share of the space, 0 to 1.
    pub share: f64,
    /// `ipv4` or `ipv6`: which space the share is of.
    pub basis: String,
    /// The row's line in the file (header on line 1).
    pub line: u64,
}

/// `asn/asn-org-country.csv`, keyed by AS number; rows without a country are left out.
/// Rows are kept compact (no allocation per row: the table has 91,000) and a [`Registration`]
/// is made when asked for.
#[derive(Debug, Default)]
pub struct RegistrationTable {
    by_asn: HashMap<u32, Compact>,
}

/// A row as kept: the country's two letters, the share, whether the basis is IPv6, the line.
#[derive(Debug, Clone, Copy)]
struct Compact {
    country: [u8; 2],
    share: f64,
    ipv6: bool,
    line: u64,
}

impl RegistrationTable {
    /// Parses the table; `path` is used in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, Error> {
        // One row per line: sized once rather than grown (and rehashed) 16 times.
        let mut by_asn = HashMap::with_capacity(bytes.iter().filter(|&&b| b == b'\n').count());
        each_row(path, bytes, COLUMNS, |r| {
            let (line, row): (u64, Row<'_>) = (r.line, r.get()?);
            if row.asn == 0 {
                return Err(Error::line(path, line, "asn 0 is reserved"));
            }
            let country = row.rir_country_majority;
            let registration = match (country.is_empty(), row.majority_share, row.basis) {
                // Address space no registry file places: nothing to fall back on.
                (true, None, "") => None,
                (false, Some(share), basis @ ("ipv4" | "ipv6")) => {
                    if !is_alpha2(country) {
                        return Err(Error::line(
                            path,
                            line,
                            format!("rir_country_majority {country:?} is not an ISO 3166-1 alpha-2 code"),
                        ));
                    }
                    if !(share > 0.0 && share <= 1.0) {
                        return Err(Error::line(
                            path,
                            line,
                            format!("majority_share {share} is not in (0, 1]"),
                        ));
                    }
                    let b = country.as_bytes();
                    Some(Compact { country: [b[0], b[1]], share, ipv6: basis == "ipv6", line })
                }
                _ => {
                    return Err(Error::line(
                        path,
                        line,
                        "rir_country_majority, majority_share and basis (ipv4 or ipv6) are all given or all empty",
                    ))
                }
            };
            if by_asn.contains_key(&row.asn) {
                return Err(Error::line(
                    path,
                    line,
                    format!("AS{} is listed twice", row.asn),
                ));
            }
            if let Some(r) = registration {
                by_asn.insert(row.asn, r);
            }
            Ok(())
        })?;
        Ok(RegistrationTable { by_asn })
    }

    /// Where AS `asn`'s space was delegated, if the table says.
    pub fn get(&self, asn: u32) -> Option<Registration> {
        self.by_asn.get(&asn).map(|c| Registration {
            asn,
            // Checked by `is_alpha2` when read: two ASCII capitals.
            country: String::from_utf8_lossy(&c.country).into_owned(),
            share: c.share,
            basis: if c.ipv6 { "ipv6" } else { "ipv4" }.to_owned(),
            line: c.line,
        })
    }

    /// Number of ASes with a country.
    pub fn len(&self) -> usize {
        self.by_asn.len()
    }

    /// True when the table has no rows (not loaded, or empty).
    pub fn is_empty(&self) -> bool {
        self.by_asn.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "asn,as_org,rir_country_majority,majority_share,basis,ipv4_addresses,ipv6_slash48s,other_countries\n";

    #[test]
    fn shipped_table_loads() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/network/asn/asn-org-country.csv");
        let t = RegistrationTable::parse(
            Path::new("asn/asn-org-country.csv"),
            &std::fs::read(p).unwrap(),
        )
        .unwrap();
        // The example of the file's caveat: Alibaba's space is delegated to SG, not CN.
        let ali = t.get(45102).unwrap();
        assert_eq!((ali.country.as_str(), ali.basis.as_str()), ("SG", "ipv4"));
        let renater = t.get(2200).unwrap();
        assert_eq!((renater.country.as_str(), renater.share), ("FR", 1.0));
        // AMS-IX has no delegated space of its own in the file: no fallback.
        assert!(t.get(6777).is_none());
        assert!(t.len() > 90_000, "{}", t.len());
    }

    #[test]
    fn bad_rows_name_line_and_field() {
        let cases = [
            ("1,A,fr,0.5,ipv4,1,0,\n", "t.csv:2: rir_country_majority \"fr\" is not an ISO 3166-1 alpha-2 code"),
            ("1,A,FR,1.5,ipv4,1,0,\n", "t.csv:2: majority_share 1.5 is not in (0, 1]"),
            ("1,A,FR,0.5,ipx,1,0,\n", "t.csv:2: rir_country_majority, majority_share and basis (ipv4 or ipv6) are all given or all empty"),
            ("1,A,,0.5,ipv4,1,0,\n", "t.csv:2: rir_country_majority, majority_share and basis (ipv4 or ipv6) are all given or all empty"),
            ("1,A,FR,0.5,ipv4,1,0,\n1,A,FR,0.5,ipv4,1,0,\n", "t.csv:3: AS1 is listed twice"),
            ("1,A,FR,half,ipv4,1,0,\n", "t.csv:2: field 4: invalid float literal"),
            ("1,A,FR,0.5,ipv4,1,0\n", "t.csv:2: expected 8 fields, found 7"),
            ("0,A,,,,0,0,\n", "t.csv:2: asn 0 is reserved"),
        ];
        for (rows, want) in cases {
            let err =
                RegistrationTable::parse(Path::new("t.csv"), format!("{HEADER}{rows}").as_bytes())
                    .unwrap_err();
            assert_eq!(err.to_string(), want, "{rows}");
        }
        let ok = RegistrationTable::parse(
            Path::new("t.csv"),
            format!("{HEADER}7,A,,,,0,0,\n8,B,DE,0.75,ipv6,0,3,FR:0.25\n").as_bytes(),
        )
        .unwrap();
        assert!(ok.get(7).is_none());
        assert_eq!(ok.get(8).unwrap().line, 3);
    }
}
