//! The two MaxMind DB files: address → autonomous system (and its registered name), and
//! address → country where the address is located.
//!
//! Both are read whole into memory from bytes the loader has already hashed, so the sha256 in
//! the evidence is of exactly what was queried. The country file shipped in `data/network` is
//! not the GeoIP2 schema: its records are `{country_code: "DE"}`. A GeoIP2/GeoLite2 Country or
//! City file (`{country: {iso_code: "DE"}}`) also works, so a user can point `--data-dir` at
//! MaxMind's own files; the schema is chosen once from the file's `database_type`.
//! Which operator or jurisdiction an AS means is `operators`' business, not this module's.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ipnet::IpNet;
use maxminddb::{path, Reader};
use serde::Serialize;

use crate::parse_csv::is_alpha2;
use crate::Error;

// maxminddb returns its own `ipnetwork` type, which it does not re-export; both crates
// enforce prefix <= address width, so the conversion cannot fail.
macro_rules! to_ipnet {
    ($n:expr) => {{
        let n = $n;
        IpNet::new(n.ip(), n.prefix()).expect("maxminddb networks have valid prefix lengths")
    }};
}

/// An address's autonomous system, as the ASN database records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsnRecord {
    /// The AS number.
    pub asn: u32,
    /// The AS's registered organisation name (DB-IP/RIR spelling), if recorded.
    pub org: Option<String>,
    /// The most specific network of the database containing the address.
    pub network: IpNet,
}

/// An address's location country, as the country database records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CountryRecord {
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// The most specific network of the database containing the address.
    pub network: IpNet,
}

#[derive(serde::Deserialize)]
struct AsnFields<'a> {
    autonomous_system_number: Option<u32>,
    autonomous_system_organization: Option<&'a str>,
}

/// An address → AS database (GeoLite2-ASN schema).
pub struct AsnDb {
    path: PathBuf,
    reader: Reader<Vec<u8>>,
    // AS number → name, for callers holding an AS number without an address. Built on first
    // use by walking the whole tree (the same DB-IP/RIR names that `asn-org-country.csv` would
    // have added, without shipping 5 MB more).
    names: OnceLock<HashMap<u32, String>>,
}

impl AsnDb {
    /// Opens an ASN database from its bytes; `path` is only used in errors.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, Error> {
        let reader = open(path, bytes)?;
        let kind = &reader.metadata().database_type;
        if !kind.contains("ASN") {
            return Err(Error::Mmdb {
                path: path.to_owned(),
                message: format!("database_type {kind:?} is not an ASN database"),
            });
        }
        Ok(AsnDb {
            path: path.to_owned(),
            reader,
            names: OnceLock::new(),
        })
    }

    /// The AS announcing `ip`, or `None` when the address is in no announced network.
    pub fn lookup(&self, ip: IpAddr) -> Result<Option<AsnRecord>, Error> {
        let result = self.reader.lookup(ip).map_err(|e| self.err(e))?;
        let Some(fields) = result.decode::<AsnFields<'_>>().map_err(|e| self.err(e))? else {
            return Ok(None);
        };
        let Some(asn) = fields.autonomous_system_number else {
            return Ok(None);
        };
        let network = result.network().map_err(|e| self.err(e))?;
        Ok(Some(AsnRecord {
            asn,
            org: fields.autonomous_system_organization.map(str::to_owned),
            network: to_ipnet!(network),
        }))
    }

    /// The registered name of AS `asn` as this database spells it, if any network of the
    /// database belongs to it. The first call walks the whole database (about 0.2 s in a
    /// release build for the shipped file); later calls are a hash lookup.
    pub fn as_name(&self, asn: u32) -> Option<&str> {
        self.names
            .get_or_init(|| self.collect_names())
            .get(&asn)
            .map(String::as_str)
    }

    fn collect_names(&self) -> HashMap<u32, String> {
        let mut names = HashMap::new();
        let Ok(networks) = self.reader.networks(Default::default()) else {
            return names;
        };
        // A corrupt node only loses the names below it; lookups report such faults themselves.
        for result in networks.flatten() {
            if let Ok(Some(f)) = result.decode::<AsnFields<'_>>() {
                if let (Some(asn), Some(org)) =
                    (f.autonomous_system_number, f.autonomous_system_organization)
                {
                    names.entry(asn).or_insert_with(|| org.to_owned());
                }
            }
        }
        names
    }

    /// Every IPv4 network of the database with its AS number, in address order
    /// (`[first, last]` as integers). Networks without an AS number are left out.
    pub fn ipv4_ranges(&self) -> Result<Vec<(u32, u32, u32)>, Error> {
        let mut out = Vec::new();
        for result in ipv4_networks(&self.reader).map_err(|e| self.err(e))? {
            let result = result.map_err(|e| self.err(e))?;
            let Some(f) = result.decode::<AsnFields<'_>>().map_err(|e| self.err(e))? else {
                continue;
            };
            let Some(asn) = f.autonomous_system_number else {
                continue;
            };
            if let Some((first, last)) =
                ipv4_bounds(to_ipnet!(result.network().map_err(|e| self.err(e))?))
            {
                out.push((first, last, asn));
            }
        }
        Ok(out)
    }

    /// `database_type` and build date, for the dataset's version.
    pub fn version(&self) -> String {
        version(&self.reader)
    }

    /// The number of nodes of the search tree.
    pub fn node_count(&self) -> usize {
        self.reader.metadata().node_count as usize
    }

    fn err(&self, e: maxminddb::MaxMindDbError) -> Error {
        Error::Mmdb {
            path: self.path.clone(),
            message: e.to_string(),
        }
    }
}

#[derive(Clone, Copy)]
enum CountrySchema {
    /// ip-location-db: `{country_code: "DE"}`.
    CountryCode,
    /// GeoIP2/GeoLite2 Country and City: `{country: {iso_code: "DE"}}`.
    GeoIp2,
}

/// An address → location country database.
pub struct CountryDb {
    path: PathBuf,
    reader: Reader<Vec<u8>>,
    schema: CountrySchema,
}

impl CountryDb {
    /// Opens a country database from its bytes; `path` is only used in errors.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, Error> {
        let reader = open(path, bytes)?;
        let kind = &reader.metadata().database_type;
        let schema = if kind.starts_with("GeoIP2") || kind.starts_with("GeoLite2") {
            if !(kind.contains("Country") || kind.contains("City")) {
                return Err(Error::Mmdb {
                    path: path.to_owned(),
                    message: format!("database_type {kind:?} has no country"),
                });
            }
            CountrySchema::GeoIp2
        } else {
            CountrySchema::CountryCode
        };
        Ok(CountryDb {
            path: path.to_owned(),
            reader,
            schema,
        })
    }

    /// The country where `ip` is located, or `None` when the database does not place it.
    pub fn lookup(&self, ip: IpAddr) -> Result<Option<CountryRecord>, Error> {
        let err = |e: maxminddb::MaxMindDbError| Error::Mmdb {
            path: self.path.clone(),
            message: e.to_string(),
        };
        let result = self.reader.lookup(ip).map_err(err)?;
        let code: Option<&str> = match self.schema {
            CountrySchema::CountryCode => result.decode_path(&path!["country_code"]),
            CountrySchema::GeoIp2 => result.decode_path(&path!["country", "iso_code"]),
        }
        .map_err(err)?;
        let Some(code) = code else { return Ok(None) };
        if !is_alpha2(code) {
            return Err(Error::Mmdb {
                path: self.path.clone(),
                message: format!(
                    "record for {ip} has country code {code:?}, not ISO 3166-1 alpha-2"
                ),
            });
        }
        let network = result.network().map_err(err)?;
        Ok(Some(CountryRecord {
            country: code.to_owned(),
            network: to_ipnet!(network),
        }))
    }

    /// Every IPv4 network of the database with its country, in address order (`[first, last]`
    /// as integers). Networks without a country are left out.
    pub fn ipv4_ranges(&self) -> Result<Vec<(u32, u32, String)>, Error> {
        let err = |e: maxminddb::MaxMindDbError| Error::Mmdb {
            path: self.path.clone(),
            message: e.to_string(),
        };
        let mut out = Vec::new();
        for result in ipv4_networks(&self.reader).map_err(err)? {
            let result = result.map_err(err)?;
            let code: Option<&str> = match self.schema {
                CountrySchema::CountryCode => result.decode_path(&path!["country_code"]),
                CountrySchema::GeoIp2 => result.decode_path(&path!["country", "iso_code"]),
            }
            .map_err(err)?;
            if let Some(code) = code {
                if let Some((first, last)) =
                    ipv4_bounds(to_ipnet!(result.network().map_err(err)?))
                {
                    out.push((first, last, code.to_owned()));
                }
            }
        }
        Ok(out)
    }

    /// `database_type` and build date, for the dataset's version.
    pub fn version(&self) -> String {
        version(&self.reader)
    }

    /// The number of nodes of the search tree.
    pub fn node_count(&self) -> usize {
        self.reader.metadata().node_count as usize
    }
}

/// The IPv4 part of a database, each network once (an IPv6 database's IPv4 aliases skipped).
fn ipv4_networks<S: AsRef<[u8]>>(
    reader: &Reader<S>,
) -> Result<maxminddb::Within<'_, S>, maxminddb::MaxMindDbError> {
    let all = "0.0.0.0/0".parse().expect("a valid network");
    reader.within(all, Default::default())
}

/// First and last address of an IPv4 network, as integers; `None` for an IPv6 network (which
/// iterating an IPv4 range yields only for a database without an IPv4 subtree).
fn ipv4_bounds(net: IpNet) -> Option<(u32, u32)> {
    match net {
        IpNet::V4(n) => Some((u32::from(n.network()), u32::from(n.broadcast()))),
        IpNet::V6(_) => None,
    }
}

fn open(path: &Path, bytes: Vec<u8>) -> Result<Reader<Vec<u8>>, Error> {
    Reader::from_source(bytes).map_err(|e| Error::Mmdb {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn version<S: AsRef<[u8]>>(reader: &Reader<S>) -> String {
    let m = reader.metadata();
    format!("{} built {}", m.database_type, civil_date(m.build_epoch))
}

/// `YYYY-MM-DD` of a Unix timestamp (UTC), without a date crate for one line of evidence.
pub(crate) fn civil_date(epoch_seconds: u64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = (epoch_seconds / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn testdata(name: &str) -> (PathBuf, Vec<u8>) {
        let p = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/mmdb")
            .join(name);
        let bytes = std::fs::read(&p).unwrap();
        (PathBuf::from(name), bytes)
    }

    #[test]
    #[allow(clippy::type_complexity)] // a table of expected rows reads best inline
    fn asn_test_database() {
        let (p, b) = testdata("GeoLite2-ASN-Test.mmdb");
        let db = AsnDb::from_bytes(&p, b).unwrap();
        // Expected values from GeoLite2-ASN-Test.source.json.
        let cases: &[(&str, Option<(u32, &str, &str)>)] = &[
            ("1.128.0.1", Some((1221, "Telstra Pty Ltd", "1.128.0.0/11"))),
            (
                "2600:6000::1",
                Some((237, "Merit Network Inc.", "2600:6000::/20")),
            ),
            ("10.0.0.1", None),
        ];
        for (ip, want) in cases {
            let got = db.lookup(ip.parse().unwrap()).unwrap();
            let got = got
                .as_ref()
                .map(|r| (r.asn, r.org.as_deref().unwrap(), r.network.to_string()));
            let want = want.map(|(a, o, n)| (a, o, n.to_owned()));
            assert_eq!(got, want, "{ip}");
        }
        assert_eq!(db.as_name(1221), Some("Telstra Pty Ltd"));
        assert_eq!(db.as_name(4_000_000_000), None);
        assert!(db.version().starts_with("GeoLite2-ASN built "));
    }

    #[test]
    fn country_both_schemas() {
        // GeoIP2 schema from MaxMind's test files.
        for name in [
            "GeoLite2-Country-Test.mmdb",
            "GeoLite2-City-Test.mmdb",
            "GeoIP2-Country-Test.mmdb",
        ] {
            let (p, b) = testdata(name);
            let db = CountryDb::from_bytes(&p, b).unwrap();
            let got = db
                .lookup("2.125.160.216".parse().unwrap())
                .unwrap()
                .unwrap();
            assert_eq!(got.country, "GB", "{name}");
            assert_eq!(
                db.lookup("10.0.0.1".parse().unwrap()).unwrap(),
                None,
                "{name}"
            );
        }
    }

    #[test]
    fn wrong_and_corrupt_databases_are_errors() {
        let (p, b) = testdata("GeoLite2-Country-Test.mmdb");
        let err = AsnDb::from_bytes(&p, b).err().unwrap();
        assert_eq!(err.to_string(), "GeoLite2-Country-Test.mmdb: bad MaxMind DB: database_type \"GeoLite2-Country\" is not an ASN database");
        let (p, _) = testdata("GeoLite2-ASN-Test.mmdb");
        let err = AsnDb::from_bytes(&p, b"not a database at all".to_vec())
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .starts_with("GeoLite2-ASN-Test.mmdb: bad MaxMind DB: "),
            "{err}"
        );
        // A truncated file keeps its metadata only if the cut is in the tree; either way no panic.
        let (p, b) = testdata("GeoLite2-ASN-Test.mmdb");
        let cut = b[..b.len() / 3].to_vec();
        assert!(AsnDb::from_bytes(&p, cut).is_err());
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert_eq!(civil_date(1_769_714_285), "2026-01-29");
    }
}
