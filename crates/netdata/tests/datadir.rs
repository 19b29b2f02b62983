//! Loading the shipped data directory, and a broken copy of it, through the public API.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use sovstack_netdata::{Basis, DataDir, DatasetKind, OperatorBasis};

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/network")
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn shipped_data_loads_with_hashes_and_versions() {
    let data = DataDir::new(shipped()).load().unwrap();
    assert!(data.errors().is_empty(), "{:?}", data.errors());
    let ds = data.datasets();
    assert_eq!(ds[0].path, "MANIFEST.csv");
    assert_eq!(ds[0].kind, DatasetKind::Manifest);
    for d in ds {
        let sha = d.sha256.as_deref().unwrap();
        assert_eq!(sha.len(), 64, "{}", d.path);
        assert!(d.entries.unwrap() > 0, "{} has no entries", d.path);
    }
    let aws = ds
        .iter()
        .find(|d| d.path == "cloud/aws-ip-ranges.json")
        .unwrap();
    assert_eq!(
        aws.version.as_deref(),
        Some("syncToken 1769714285 (2026-01-29-19-18-05)")
    );
    let asn = ds.iter().find(|d| d.kind == DatasetKind::AsnMmdb).unwrap();
    assert!(asn
        .version
        .as_deref()
        .unwrap()
        .starts_with("GeoLite2-ASN built "));
    assert_eq!(asn.licence, "CC-BY-4.0");
}

#[test]
fn attribution_of_real_addresses() {
    let data = DataDir::new(shipped()).load().unwrap();

    // Cloudflare's proxy space: US parent, in Cloudflare's published range. (1.1.1.1, its
    // resolver, is announced by AS13335 but is not in the published proxy list.)
    let a = data.attribute(ip("104.16.1.1"));
    assert_eq!(a.asn.as_ref().unwrap().asn, 13335);
    assert_eq!(
        a.operator.as_ref().unwrap().parent_hq_country.as_deref(),
        Some("US")
    );
    assert_eq!(
        a.cloud.as_ref().unwrap().entries[0].provider.id,
        "cloudflare"
    );
    assert!(a.errors.is_empty());

    // Hetzner: German parent, ASN-derived range.
    let a = data.attribute(ip("5.9.0.1"));
    let op = a.operator.unwrap();
    assert_eq!(
        (
            op.asn,
            op.parent_company.as_deref(),
            op.parent_hq_country.as_deref()
        ),
        (24940, Some("Hetzner Online GmbH"), Some("DE"))
    );
    assert!(matches!(op.basis, OperatorBasis::Table { .. }));
    assert_eq!(a.location.unwrap().country, "DE");

    // An AWS Frankfurt address: provider, service and region from ip-ranges.json.
    let m = data.cloud(ip("3.5.136.1")).unwrap();
    let best = m.best();
    assert_eq!(
        (
            best.provider.id.as_str(),
            best.region.as_deref(),
            best.basis
        ),
        ("aws", Some("eu-central-1"), Basis::Published)
    );
    assert_eq!(best.provider.parent_hq_country, "US");

    // IPv6: Google Cloud's published range, and a geofeed with a country and city.
    let g = data.cloud(ip("2600:1900:4000::1")).unwrap();
    assert_eq!(g.best().provider.id, "gcp");
    let l = data.cloud(ip("2600:3c00::1")).unwrap();
    assert_eq!(
        (
            l.best().provider.id.as_str(),
            l.best().country.as_deref(),
            l.best().city.as_deref()
        ),
        ("linode", Some("US"), Some("Richardson"))
    );

    // Private space: nothing anywhere, and that is not an error.
    let a = data.attribute(ip("10.1.2.3"));
    assert!(a.asn.is_none() && a.cloud.is_none() && a.errors.is_empty());
}

#[test]
fn unknown_asn_falls_back_to_the_registered_name_without_a_country() {
    let data = DataDir::new(shipped()).load().unwrap();
    // AS1 (Level 3's oldest) is not in major-asns.csv; its name comes from the ASN database.
    let op = data.operator(1).unwrap();
    assert_eq!(op.basis, OperatorBasis::AsName);
    assert!(op.parent_company.is_none() && op.parent_hq_country.is_none());
    assert!(!op.operator.is_empty());
    assert_eq!(
        data.operator(16509).unwrap().parent_company.as_deref(),
        Some("Amazon.com, Inc.")
    );
}

#[test]
fn a_broken_dataset_is_recorded_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(&shipped(), root);
    // A truncated feed, a corrupt MaxMind DB, a bad CSV line, and a missing file.
    std::fs::write(
        root.join("cloud/aws-ip-ranges.json"),
        br#"{"syncToken":"1","#,
    )
    .unwrap();
    std::fs::write(root.join("mmdb/ip-country.mmdb"), b"not a database").unwrap();
    let ops = std::fs::read_to_string(root.join("asn/major-asns.csv")).unwrap();
    let broken: String = ops
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 3 {
                "x,y\n".to_owned()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(root.join("asn/major-asns.csv"), broken).unwrap();
    std::fs::remove_file(root.join("cloud/fastly-public-ip-list.json")).unwrap();

    let data = DataDir::new(root).load().unwrap();
    let mut errors: Vec<String> = data.errors().iter().map(|e| e.to_string()).collect();
    errors.sort();
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(
        errors[0].starts_with("asn/major-asns.csv:4: expected 10 fields, found 2"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("cloud/aws-ip-ranges.json:1:17: EOF while parsing"),
        "{}",
        errors[1]
    );
    assert!(
        errors[2].starts_with("cloud/fastly-public-ip-list.json: cannot read: "),
        "{}",
        errors[2]
    );
    assert!(
        errors[3].starts_with("mmdb/ip-country.mmdb: bad MaxMind DB: "),
        "{}",
        errors[3]
    );
    let aws = data
        .datasets()
        .iter()
        .find(|d| d.path == "cloud/aws-ip-ranges.json")
        .unwrap();
    assert!(aws.sha256.is_some() && aws.error.is_some());

    // Everything else still answers.
    let a = data.attribute(ip("104.16.1.1"));
    assert_eq!(a.asn.unwrap().asn, 13335);
    assert!(a.location.is_none());
    assert_eq!(a.cloud.unwrap().entries[0].provider.id, "cloudflare");
    // No AWS feed now, and no operator table: the AS name is all that is left.
    assert!(data.cloud(ip("3.5.136.1")).is_none());
    assert_eq!(
        data.attribute(ip("5.9.0.1")).operator.unwrap().basis,
        OperatorBasis::AsName
    );
}

#[test]
fn a_missing_or_broken_manifest_fails_the_load() {
    let dir = tempfile::tempdir().unwrap();
    let err = DataDir::new(dir.path()).load().err().unwrap();
    assert!(
        err.to_string().starts_with("MANIFEST.csv: cannot read: "),
        "{err}"
    );
    std::fs::write(dir.path().join("MANIFEST.csv"), "path,kind\nx,y\n").unwrap();
    let err = DataDir::new(dir.path()).load().err().unwrap();
    assert_eq!(err.to_string(), "MANIFEST.csv:1: expected columns path,kind,format,provider,basis,date,licence,origin but found path,kind");
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// Rewrites line `n` (1-based) of a shipped CSV in a copy of the pack, keeping its line endings.
fn with_line(root: &Path, file: &str, n: usize, edit: impl Fn(&str) -> String) {
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let out: String = text
        .split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == n {
                let body = l.trim_end_matches(['\r', '\n']);
                format!("{}{}", edit(body), &l[body.len()..])
            } else {
                l.to_owned()
            }
        })
        .collect();
    std::fs::write(root.join(file), out).unwrap();
}

#[test]
fn the_big_tables_stay_strict_deep_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_tree(&shipped(), root);
    // A row far down the operator table with a lower-case country, and one of the registry
    // table's 91,000 rows with a share out of range.
    with_line(root, "asn/major-asns.csv", 500, |l| {
        let mut f: Vec<String> = l.split(',').map(str::to_owned).collect();
        let hq = f
            .iter()
            .position(|x| x.len() == 2 && x.chars().all(|c| c.is_ascii_uppercase()))
            .unwrap();
        f[hq] = f[hq].to_lowercase();
        f.join(",")
    });
    with_line(root, "asn/asn-org-country.csv", 60_000, |l| {
        // as_org may hold quoted commas, so the fields are counted from the end:
        // other_countries, ipv6_slash48s, ipv4_addresses, basis, majority_share, the rest.
        let mut cols: Vec<String> = l.rsplitn(6, ',').map(str::to_owned).collect();
        cols[4] = "1.5".into();
        cols.reverse();
        cols.join(",")
    });
    let data = DataDir::new(root).load().unwrap();
    let mut errors: Vec<String> = data.errors().iter().map(|e| e.to_string()).collect();
    errors.sort();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors[0].starts_with("asn/asn-org-country.csv:60000: majority_share 1.5 is not in (0, 1]"),
        "{}",
        errors[0]
    );
    assert!(
        errors[1].starts_with("asn/major-asns.csv:500: parent_hq_country "),
        "{}",
        errors[1]
    );
    assert!(
        errors[1].ends_with("is not an ISO 3166-1 alpha-2 code"),
        "{}",
        errors[1]
    );
    // A broken table costs its own facts only: the ASN database still names the AS.
    assert!(data.registration(2200).is_none() && data.operator(2200).is_some());
}
