//! Who runs an autonomous system or a cloud: `asn/major-asns.csv` (AS number → operator →
//! ultimate parent → the parent's headquarters country) and `providers.csv` (provider id →
//! name → parent → headquarters country).
//!
//! The headquarters country is what decides which laws reach an operator wherever its servers
//! stand, so it comes only from these compiled tables. For an AS missing from them, the caller
//! gets the AS's registered name and an unknown headquarters; the country an RIR delegated the
//! address space to (`registrations`, from `asn-org-country.csv`) is a separate, low-confidence
//! fact, since it is not where the holder is headquartered (AS45102, Alibaba, shows SG/US).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::parse_csv::{is_alpha2, read_table};
use crate::Error;

const ASN_COLUMNS: &[&str] = &[
    "asn",
    "operator",
    "parent_company",
    "parent_hq_country",
    "category",
    "as_name_in_kb",
    "kb_rir_country_majority",
    "notes",
    "asn_reference",
    "hq_reference",
];
const CATEGORIES: &[&str] = &[
    "cloud",
    "cdn",
    "hosting",
    "telco",
    "transit",
    "content",
    "security",
    "research",
    "government",
    "enterprise",
];
const PROVIDER_COLUMNS: &[&str] = &[
    "id",
    "name",
    "parent_company",
    "parent_hq_country",
    "source",
];

#[derive(Deserialize)]
struct AsnRow {
    asn: u32,
    operator: String,
    parent_company: String,
    parent_hq_country: String,
    category: String,
    hq_reference: String,
}

/// How an AS's operator is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "basis", rename_all = "snake_case")]
pub enum OperatorBasis {
    /// A row of `asn/major-asns.csv` (1-based line, header on line 1).
    Table {
        /// The row's line.
        line: u64,
    },
    /// Only the AS's registered name is known (from the ASN database); parent and
    /// headquarters are unknown.
    AsName,
}

/// The operator of an autonomous system, its ultimate parent and that parent's headquarters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    /// The AS number.
    pub asn: u32,
    /// Who operates the AS (for `AsName`, the registered AS name).
    pub operator: String,
    /// The ultimate parent company, when known.
    pub parent_company: Option<String>,
    /// ISO 3166-1 alpha-2 code of the parent's headquarters, when known.
    pub parent_hq_country: Option<String>,
    /// cloud, cdn, hosting, telco, transit, content or security, when known.
    pub category: Option<String>,
    /// A reference for the headquarters fact (a URL), when known.
    pub reference: Option<String>,
    /// Where this came from.
    #[serde(flatten)]
    pub basis: OperatorBasis,
}

/// `asn/major-asns.csv`, keyed by AS number.
#[derive(Debug, Default)]
pub struct OperatorTable {
    by_asn: HashMap<u32, Operator>,
}

impl OperatorTable {
    /// Parses the table; `path` is used in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, Error> {
        let mut by_asn = HashMap::new();
        for (line, row) in read_table::<AsnRow>(path, bytes, ASN_COLUMNS)? {
            if row.asn == 0 || row.operator.is_empty() || row.parent_company.is_empty() {
                return Err(Error::line(
                    path,
                    line,
                    "asn, operator and parent_company are required",
                ));
            }
            check_hq_country(path, line, &row.parent_hq_country)?;
            if !CATEGORIES.contains(&row.category.as_str()) {
                return Err(Error::line(
                    path,
                    line,
                    format!(
                        "category {:?} is not one of {}",
                        row.category,
                        CATEGORIES.join(", ")
                    ),
                ));
            }
            let op = Operator {
                asn: row.asn,
                operator: row.operator,
                parent_company: Some(row.parent_company),
                parent_hq_country: Some(row.parent_hq_country),
                category: Some(row.category),
                reference: (!row.hq_reference.is_empty()).then_some(row.hq_reference),
                basis: OperatorBasis::Table { line },
            };
            if by_asn.insert(row.asn, op).is_some() {
                return Err(Error::line(
                    path,
                    line,
                    format!("AS{} is listed twice", row.asn),
                ));
            }
        }
        Ok(OperatorTable { by_asn })
    }

    /// The table's row for `asn`.
    pub fn get(&self, asn: u32) -> Option<&Operator> {
        self.by_asn.get(&asn)
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.by_asn.len()
    }

    /// True when the table has no rows (not loaded, or empty).
    pub fn is_empty(&self) -> bool {
        self.by_asn.is_empty()
    }
}

/// A cloud, CDN or hosted-service provider (a row of `providers.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    /// Short id used by the manifest and `cname-suffixes.csv` (`aws`, `ovh`, ...).
    pub id: String,
    /// Display name.
    pub name: String,
    /// The ultimate parent company.
    pub parent_company: String,
    /// ISO 3166-1 alpha-2 code of the parent's headquarters.
    pub parent_hq_country: String,
    /// A reference for these facts (a URL).
    pub source: String,
}

/// `providers.csv`, keyed by id.
#[derive(Debug, Default)]
pub struct ProviderTable {
    by_id: HashMap<String, Arc<Provider>>,
}

impl ProviderTable {
    /// Parses the table; `path` is used in errors.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Self, Error> {
        let mut by_id = HashMap::new();
        for (line, row) in read_table::<Provider>(path, bytes, PROVIDER_COLUMNS)? {
            let id_ok = !row.id.is_empty()
                && row
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !id_ok {
                return Err(Error::line(
                    path,
                    line,
                    format!("id {:?} must be lower-case letters, digits and '-'", row.id),
                ));
            }
            if row.name.is_empty() || row.parent_company.is_empty() || row.source.is_empty() {
                return Err(Error::line(
                    path,
                    line,
                    "name, parent_company and source are required",
                ));
            }
            check_hq_country(path, line, &row.parent_hq_country)?;
            let id = row.id.clone();
            if by_id.insert(id.clone(), Arc::new(row)).is_some() {
                return Err(Error::line(
                    path,
                    line,
                    format!("provider {id:?} is listed twice"),
                ));
            }
        }
        Ok(ProviderTable { by_id })
    }

    /// The provider with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<Provider>> {
        self.by_id.get(id)
    }

    /// Number of providers.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// True when the table has no rows (not loaded, or empty).
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// Both tables name the parent's headquarters the same way: an ISO 3166-1 alpha-2 code.
fn check_hq_country(path: &Path, line: u64, code: &str) -> Result<(), Error> {
    if is_alpha2(code) {
        Ok(())
    } else {
        Err(Error::line(
            path,
            line,
            format!("parent_hq_country {code:?} is not an ISO 3166-1 alpha-2 code"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ASN_HEADER: &str = "asn,operator,parent_company,parent_hq_country,category,as_name_in_kb,kb_rir_country_majority,notes,asn_reference,hq_reference\n";

    #[test]
    fn shipped_tables_load() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/network");
        let ops = OperatorTable::parse(
            Path::new("asn/major-asns.csv"),
            &std::fs::read(root.join("asn/major-asns.csv")).unwrap(),
        )
        .unwrap();
        let hetzner = ops.get(24940).unwrap();
        assert_eq!(
            hetzner.parent_company.as_deref(),
            Some("Hetzner Online GmbH")
        );
        assert_eq!(hetzner.parent_hq_country.as_deref(), Some("DE"));
        // A subsidiary in Ireland still answers to a US parent.
        assert_eq!(
            ops.get(8987).unwrap().parent_hq_country.as_deref(),
            Some("US")
        );
        let providers = ProviderTable::parse(
            Path::new("providers.csv"),
            &std::fs::read(root.join("providers.csv")).unwrap(),
        )
        .unwrap();
        assert_eq!(providers.get("ovh").unwrap().parent_hq_country, "FR");
        assert!(providers.get("nope").is_none());
    }

    #[test]
    fn asn_table_rejects_bad_rows() {
        let cases = [
            ("1,Op,Parent,de,cloud,,,,,\n", "t.csv:2: parent_hq_country \"de\" is not an ISO 3166-1 alpha-2 code"),
            ("1,Op,Parent,DE,weather,,,,,\n", "t.csv:2: category \"weather\" is not one of cloud, cdn, hosting, telco, transit, content, security, research, government, enterprise"),
            ("0,Op,Parent,DE,cloud,,,,,\n", "t.csv:2: asn, operator and parent_company are required"),
            ("1,Op,Parent,DE,cloud,,,,,\n1,Op,Parent,DE,cloud,,,,,\n", "t.csv:3: AS1 is listed twice"),
            ("AS1,Op,Parent,DE,cloud,,,,,\n", "t.csv:2: field 1: invalid digit found in string"),
        ];
        for (rows, want) in cases {
            let err =
                OperatorTable::parse(Path::new("t.csv"), format!("{ASN_HEADER}{rows}").as_bytes())
                    .unwrap_err();
            assert_eq!(err.to_string(), want);
        }
    }

    #[test]
    fn provider_table_rejects_bad_rows() {
        let h = "id,name,parent_company,parent_hq_country,source\n";
        let cases = [
            (
                "AWS,A,B,US,s\n",
                "p.csv:2: id \"AWS\" must be lower-case letters, digits and '-'",
            ),
            (
                "a,A,B,USA,s\n",
                "p.csv:2: parent_hq_country \"USA\" is not an ISO 3166-1 alpha-2 code",
            ),
            (
                "a,A,B,US,\n",
                "p.csv:2: name, parent_company and source are required",
            ),
            (
                "a,A,B,US,s\na,A,B,US,s\n",
                "p.csv:3: provider \"a\" is listed twice",
            ),
        ];
        for (rows, want) in cases {
            let err = ProviderTable::parse(Path::new("p.csv"), format!("{h}{rows}").as_bytes())
                .unwrap_err();
            assert_eq!(err.to_string(), want);
        }
    }
}
