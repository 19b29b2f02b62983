//! `MANIFEST.csv`: the data directory's list of datasets, and the record kept of each one.
//!
//! The manifest says, for every file, what it is (`kind`), how to parse it (`format`), which
//! provider a range feed belongs to, whether its ranges are published by the provider or derived
//! from routing data (`basis`), its date, licence and origin. Adding a feed in a known format
//! is then a data change, not a code change. What the loader learns about each file (sha256,
//! size, the version the file states, entry count, or why it was rejected) becomes a
//! [`Dataset`], which the inventory quotes as evidence.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::parse_csv::read_table;
use crate::Error;

/// The manifest's file name, at the root of the data directory.
pub const MANIFEST: &str = "MANIFEST.csv";

const COLUMNS: &[&str] = &[
    "path", "kind", "format", "provider", "basis", "date", "licence", "origin",
];

/// What a dataset is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DatasetKind {
    /// `MANIFEST.csv` itself (recorded so its hash is in the evidence; never listed in it).
    Manifest,
    /// A MaxMind DB mapping addresses to autonomous systems (GeoLite2-ASN schema).
    AsnMmdb,
    /// A MaxMind DB mapping addresses to a country (`country_code` or GeoIP2 Country schema).
    CountryMmdb,
    /// `asn/major-asns.csv`: AS number to operator, parent company and its headquarters.
    AsnOperators,
    /// `asn/asn-org-country.csv`: AS number to the country its address space was delegated to
    /// (the fallback for an AS without a known headquarters; low confidence).
    AsnRegistrations,
    /// `providers.csv`: cloud and CDN providers, their parent and its headquarters.
    Providers,
    /// `cname-suffixes.csv`: DNS name suffixes that reveal a provider.
    CnameSuffixes,
    /// A provider's address ranges, parsed according to the manifest's `format`.
    CloudRanges,
}

/// Whether a range feed comes from the provider or was derived from routing announcements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Basis {
    /// Published by the provider itself (ip-ranges.json, service tags, geofeeds).
    Published,
    /// Derived from the provider's AS announcements by a third party: approximate.
    AsnDerived,
}

/// One row of `MANIFEST.csv`.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ManifestRow {
    pub path: String,
    pub kind: DatasetKind,
    pub format: String,
    pub provider: String,
    pub basis: Option<Basis>,
    pub date: String,
    pub licence: String,
    pub origin: String,
}

/// What was loaded from one file of the data directory: the facts an inventory cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dataset {
    /// Path relative to the data directory, with `/` separators.
    pub path: String,
    /// What the dataset is for.
    pub kind: DatasetKind,
    /// The parser used (`mmdb`, `csv`, `aws-json`, `geofeed-csv`, ...).
    pub format: String,
    /// For range feeds, the provider id (a row of `providers.csv`).
    pub provider: Option<String>,
    /// The date of the data as the manifest records it.
    pub date: String,
    /// The version the file states about itself (AWS syncToken, Azure changeNumber, MaxMind
    /// build epoch, ...), when it states one.
    pub version: Option<String>,
    /// SPDX identifier or "facts (unlicensed)", from the manifest.
    pub licence: String,
    /// Where the file came from, from the manifest.
    pub origin: String,
    /// Lower-case hex sha256 of the file's bytes, when it could be read.
    pub sha256: Option<String>,
    /// Size in bytes, when it could be read.
    pub bytes: Option<u64>,
    /// Number of entries loaded (rows, prefixes, or networks for a MaxMind DB: its node count).
    pub entries: Option<usize>,
    /// Why the dataset is not in use, if it was rejected.
    pub error: Option<String>,
}

pub(crate) fn parse_manifest(bytes: &[u8]) -> Result<Vec<(u64, ManifestRow)>, Error> {
    let path = Path::new(MANIFEST);
    let rows: Vec<(u64, ManifestRow)> = read_table(path, bytes, COLUMNS)?;
    for (line, row) in &rows {
        // Paths stay inside the data directory: no absolute paths, no `..`.
        let p = Path::new(&row.path);
        if row.path.is_empty()
            || p.is_absolute()
            || p.components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::line(
                path,
                *line,
                format!(
                    "path {:?} must be relative and stay inside the data directory",
                    row.path
                ),
            ));
        }
        if row.kind == DatasetKind::Manifest {
            return Err(Error::line(
                path,
                *line,
                "the manifest does not list itself",
            ));
        }
        if row.kind == DatasetKind::CloudRanges && (row.provider.is_empty() || row.basis.is_none())
        {
            return Err(Error::line(
                path,
                *line,
                "cloud-ranges rows need a provider and a basis",
            ));
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "path,kind,format,provider,basis,date,licence,origin\n";

    #[test]
    fn parses_rows() {
        let text = format!("{HEADER}cloud/a.txt,cloud-ranges,cidr-list,cloudflare,published,2026-01,facts,x\nmmdb/a.mmdb,asn-mmdb,mmdb,,,2026,CC-BY-4.0,y\n");
        let rows = parse_manifest(text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.basis, Some(Basis::Published));
        assert_eq!(rows[1].1.kind, DatasetKind::AsnMmdb);
        assert_eq!(rows[1].1.basis, None);
    }

    #[test]
    fn rejects_bad_rows() {
        let cases = [
            ("../etc/passwd,providers,csv,,,d,l,o\n", "MANIFEST.csv:2: path \"../etc/passwd\" must be relative and stay inside the data directory"),
            ("/abs.csv,providers,csv,,,d,l,o\n", "MANIFEST.csv:2: path \"/abs.csv\" must be relative and stay inside the data directory"),
            ("a.txt,cloud-ranges,cidr-list,,published,d,l,o\n", "MANIFEST.csv:2: cloud-ranges rows need a provider and a basis"),
            ("a.txt,weather,csv,,,d,l,o\n", "MANIFEST.csv:2: unknown variant `weather`, expected one of `manifest`, `asn-mmdb`, `country-mmdb`, `asn-operators`, `asn-registrations`, `providers`, `cname-suffixes`, `cloud-ranges`"),
        ];
        for (row, want) in cases {
            let err = parse_manifest(format!("{HEADER}{row}").as_bytes()).unwrap_err();
            assert_eq!(err.to_string(), want);
        }
    }
}
