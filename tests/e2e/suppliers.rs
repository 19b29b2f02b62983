//! The suppliers layer end to end: a declared-suppliers file, its endpoints resolved by a real
//! DNS server on loopback (dnsmasq, its own configuration, a port of its own) into addresses of
//! the real network data pack, and the declared-vs-observed findings of the built-in rulesets.
//! A declaration of EU jurisdiction and EU-only data for names that resolve to Amazon's and
//! Microsoft's addresses gives the findings, with the claim's file and line and the
//! observation's source; a truthful declaration gives none. dnsmasq comes with Debian's
//! `dnsmasq-base` (tools/install-deps.sh): without it these tests fail, they never skip.

use crate::dnsmasq::Dnsmasq;
use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Real addresses of the network data pack's datasets: Amazon's eu-west-3 (Paris) range in
/// AWS's published feed, Microsoft's AS8075 (an Azure service tag), Hetzner's AS24940.
pub(crate) const RECORDS: &[(&str, &str)] = &[
    ("app.example.org", "35.180.0.10"),
    ("mail.example.org", "52.101.0.10"),
    ("files.example.org", "5.9.0.1"),
];

fn declared(dir: &Path, text: &str) -> PathBuf {
    let f = dir.join("suppliers.yaml");
    std::fs::write(&f, text).unwrap();
    f
}

/// Claims French jurisdiction and data in France for services observed on Amazon's and
/// Microsoft's networks.
const SOVEREIGN_WASHED: &str = "\
services:
  - id: collab
    name: Collaboration suite
    supplier:
      name: Exemple Cloud SAS
      country: FR
    jurisdiction: FR
    data_locations: [FR]
    certifications: [SecNumCloud]
    endpoints: [app.example.org, mail.example.org]
";

/// What is true of the Hetzner-hosted service.
const TRUTHFUL: &str = "\
services:
  - id: files
    name: File exchange
    supplier:
      name: Hetzner Online GmbH
      country: DE
    jurisdiction: DE
    data_locations: [DE]
    endpoints: [files.example.org]
";

fn audit(dns: &Dnsmasq, file: &Path, rulesets: &[&str]) -> Value {
    let mut cmd = sovstack();
    cmd.args(["audit", "--format", "json", "--resolver", &dns.addr])
        .arg("--declared")
        .arg(file);
    for r in rulesets {
        cmd.args(["--ruleset", r]);
    }
    let (code, out, err) = run(&mut cmd);
    // 0, or 1 when a gate failed: no gate is given, so 0.
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

fn findings<'a>(item: &'a Value, rule: &str) -> Vec<&'a Value> {
    item["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// The evidence lines of the item's actor at `i`, with its role.
fn actor_evidence(item: &Value, i: &Value) -> (String, Vec<String>) {
    let a = &item["actors"][i.as_u64().unwrap() as usize];
    (
        a["role"].as_str().unwrap().to_string(),
        a["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap().to_string())
            .collect(),
    )
}

#[test]
fn claims_contradicted_by_the_network_are_findings_with_both_pieces_of_evidence() {
    let dns = Dnsmasq::start(RECORDS);
    let dir = tempdir();
    let file = declared(dir.path(), SOVEREIGN_WASHED);
    let report = audit(
        &dns,
        &file,
        &["eu-sovereignty", "non-aligned", "secnumcloud"],
    );
    let items = layer_items(&report, "suppliers");
    assert_eq!(items.len(), 1);
    let collab = &items[0];
    assert_eq!(collab["id"], "collab");
    assert_eq!(collab["label"], "Collaboration suite (Exemple Cloud SAS)");
    let f = file.display();
    // Amazon's Paris region is located in France but operated from the United States: a
    // contradiction of the claimed jurisdiction, not of the data location. Microsoft's address
    // contradicts both.
    let want = [
        (
            format!("the supplier claims the jurisdiction of FR (EU/EEA; {f}:7), but app.example.org resolves to addresses operated by Amazon.com, Inc., headquartered in US, outside the EU/EEA (data:network/asn/major-asns.csv)"),
            ("claimed_jurisdiction", format!("{f}:7 jurisdiction = FR (declared, low confidence)")),
            ("observed_operator", "app.example.org -> 35.180.0.10 (DNS answer, high confidence)"),
        ),
        (
            format!("the supplier claims the jurisdiction of FR (EU/EEA; {f}:7), but mail.example.org resolves to addresses operated by Microsoft Corporation, headquartered in US, outside the EU/EEA (data:network/asn/major-asns.csv)"),
            ("claimed_jurisdiction", format!("{f}:7 jurisdiction = FR (declared, low confidence)")),
            ("observed_operator", "mail.example.org -> 52.101.0.10 (DNS answer, high confidence)"),
        ),
        (
            format!("the supplier declares the data located in FR ({f}:8), but mail.example.org resolves to an address located in US (data:network/mmdb/ip-country.mmdb)"),
            ("data_location", format!("{f}:8 data_locations = FR (declared, low confidence)")),
            ("observed_location", "mail.example.org -> 52.101.0.10 (DNS answer, high confidence)"),
        ),
    ];
    for rule in [
        "eu.suppliers.declared-vs-observed",
        "na.suppliers.declared-vs-observed",
        "snc.suppliers.declared-vs-observed",
    ] {
        let got = findings(collab, rule);
        assert_eq!(got.len(), want.len(), "{rule}: {got:?}");
        for (g, (message, (claim_role, claim_ev), (seen_role, seen_ev))) in got.iter().zip(&want) {
            assert_eq!(
                g["message"],
                format!("Collaboration suite (Exemple Cloud SAS): {message}")
            );
            // Both pieces of evidence: the claim with its file and line, the observation with
            // the DNS answer and the data pack's dataset.
            let actors = g["actors"].as_array().unwrap();
            assert_eq!(actors.len(), 2, "{g}");
            let (role, ev) = actor_evidence(collab, &actors[0]);
            assert_eq!(
                (role.as_str(), ev[0].as_str()),
                (*claim_role, claim_ev.as_str())
            );
            let (role, ev) = actor_evidence(collab, &actors[1]);
            assert_eq!(role, *seen_role);
            assert!(ev.iter().any(|e| e.ends_with(seen_ev)), "{ev:?}");
            assert!(ev.iter().any(|e| e.starts_with("data:network/")), "{ev:?}");
        }
    }
    // SecNumCloud: the operators observed are not in the EU (level 0, the qualification's
    // weakest link), the data observed in the US fails §19.2, and the declared qualification is
    // there (no `qualified` finding).
    let op = findings(collab, "snc.suppliers.operators-in-eu");
    assert_eq!((op.len(), &op[0]["level"]), (1, &Value::from(0)));
    assert_eq!(findings(collab, "snc.suppliers.data-in-eu").len(), 1);
    assert!(findings(collab, "snc.suppliers.qualified").is_empty());
    let snc = ruleset(&report, "secnumcloud");
    assert_eq!(snc["overall"]["level"], 0, "{snc}");
    // The declared endpoints were resolved by the network layer, named by the declared file.
    let net = layer_items(&report, "network");
    assert_eq!(net.len(), 2);
    assert!(report["scan"]["audited"]
        .to_string()
        .contains(&format!("declared suppliers {f}")));
}

#[test]
fn a_truthful_declaration_gives_no_contradiction() {
    let dns = Dnsmasq::start(RECORDS);
    let dir = tempdir();
    let file = declared(dir.path(), TRUTHFUL);
    let report = audit(
        &dns,
        &file,
        &["eu-sovereignty", "non-aligned", "secnumcloud"],
    );
    let files = &layer_items(&report, "suppliers")[0];
    assert_eq!(
        actors(files)
            .into_iter()
            .map(|(role, name, country)| format!(
                "{role} {} {}",
                name.unwrap_or_default(),
                country.unwrap_or_default()
            ))
            .collect::<Vec<_>>(),
        [
            "supplier Hetzner Online GmbH DE",
            "claimed_jurisdiction DE DE",
            "data_location DE DE",
            "observed_operator Hetzner Online GmbH DE",
            "observed_location DE DE",
        ]
    );
    for rule in [
        "eu.suppliers.declared-vs-observed",
        "na.suppliers.declared-vs-observed",
        "snc.suppliers.declared-vs-observed",
        "snc.suppliers.operators-in-eu",
        "snc.suppliers.data-in-eu",
    ] {
        assert!(findings(files, rule).is_empty(), "{rule}");
    }
    // No qualification declared: SecNumCloud says so.
    let q = findings(files, "snc.suppliers.qualified");
    assert_eq!(
        q[0]["message"],
        "File exchange (Hetzner Online GmbH) has no SecNumCloud certification (none is declared)"
    );
}

#[test]
fn a_bad_declared_file_exits_2_naming_file_line_and_column() {
    let dir = tempdir();
    for (text, want) in [
        (
            "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: FR\n    sla: 99.9\n",
            ":5:5: service `a`: unknown field `sla`; the fields here are `id`, ",
        ),
        (
            "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: FR\n    data_locations: [FR, ZZ]\n",
            ":5:26: `data_locations`: `ZZ` is not an ISO 3166-1 alpha-2 country code sovstack knows",
        ),
        (
            "services:\n  - id: a\n    supplier: {name: X}\n    jurisdiction: FR\n    certifications: [SecNumCloud 3.2]\n",
            ":5:22: `certifications`: unknown certification `SecNumCloud 3.2`; the known ones are SecNumCloud, ",
        ),
    ] {
        let file = declared(dir.path(), text);
        for cmd in ["scan", "audit"] {
            let (code, _, err) = run(sovstack()
                .args([cmd, "--offline", "--declared"])
                .arg(&file));
            assert_eq!(code, 2, "{err}");
            let want = format!("sovstack: error: {}{want}", file.display());
            assert!(err.starts_with(&want), "{err}\nwanted: {want}");
        }
    }
}

#[test]
fn the_same_declaration_and_answers_give_byte_identical_reports() {
    let dns = Dnsmasq::start(RECORDS);
    let dir = tempdir();
    let file = declared(dir.path(), SOVEREIGN_WASHED);
    let once = || {
        let (code, out, err) = run(sovstack()
            .env("SOURCE_DATE_EPOCH", "1780000000")
            .args(["audit", "--format", "json", "--ruleset", "secnumcloud"])
            .args(["--resolver", &dns.addr, "--declared"])
            .arg(&file));
        assert_eq!(code, 0, "{err}");
        out
    };
    let first = once();
    assert!(first.contains("snc.suppliers.declared-vs-observed"));
    assert_eq!(first, once());
}

#[test]
fn an_imported_fleet_carries_its_declared_suppliers() {
    let dns = Dnsmasq::start(RECORDS);
    let dir = tempdir();
    let file = declared(dir.path(), SOVEREIGN_WASHED);
    let inv = dir.path().join("org.json");
    let (code, _, err) = run(sovstack()
        .args(["scan", "--import"])
        .arg(repo().join("tests/fixtures/glpi-inventory-format/examples"))
        .args(["--resolver", &dns.addr, "--declared"])
        .arg(&file)
        .arg("-o")
        .arg(&inv));
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_slice(&std::fs::read(&inv).unwrap()).unwrap();
    assert!(!v["fleet"]["hosts"].as_array().unwrap().is_empty());
    assert!(v["layers"]["processor"].is_array());
    assert_eq!(
        v["layers"]["network"]["endpoints"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let collab = &v["layers"]["suppliers"]["services"][0];
    assert_eq!(collab["contradictions"].as_array().unwrap().len(), 3);
    assert_eq!(v["data_packs"][0]["name"], "network");
    let report = run_json(sovstack().arg("evaluate").arg(&inv).args([
        "--format",
        "json",
        "--ruleset",
        "secnumcloud",
    ]));
    let item = &layer_items(&report, "suppliers")[0];
    assert_eq!(
        findings(item, "snc.suppliers.declared-vs-observed").len(),
        3
    );
    // Layer options that read a root still have no place beside --import.
    let (code, _, err) = run(sovstack()
        .args(["scan", "--import"])
        .arg(repo().join("tests/fixtures/glpi-inventory-format/examples"))
        .args(["--paths", "/usr/bin", "--declared"])
        .arg(&file));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("--paths cannot be combined with --import"),
        "{err}"
    );
}

#[test]
fn the_configuration_file_names_the_declared_suppliers() {
    let dir = tempdir();
    declared(dir.path(), TRUTHFUL);
    let config = dir.path().join("sovstack.yaml");
    std::fs::write(&config, "declared: suppliers.yaml\n").unwrap();
    let inv = run_json(
        sovstack()
            .args(["scan", "--offline", "--config"])
            .arg(&config),
    );
    assert_eq!(inv["layers"]["suppliers"]["services"][0]["id"], "files");
    // Not when --layers leaves the suppliers out.
    let inv = run_json(
        sovstack()
            .args(["scan", "--layers", "os", "--config"])
            .arg(&config),
    );
    assert!(inv["layers"].get("suppliers").is_none());
}

/// Locations given as a flow list sit on one line: the contradiction cites that line once.
#[test]
fn a_flow_list_of_locations_is_cited_by_its_line_once() {
    let dns = Dnsmasq::start(RECORDS);
    let dir = tempdir();
    let file = declared(
        dir.path(),
        &SOVEREIGN_WASHED.replace("data_locations: [FR]", "data_locations: [FR, IE]"),
    );
    let report = audit(&dns, &file, &["eu-sovereignty"]);
    let text = report.to_string();
    let f = file.display();
    let want = format!("the supplier declares the data located in FR, IE ({f}:8), but mail.example.org resolves to an address located in US");
    assert!(text.contains(&want), "{want} not in the report");
    assert!(!text.contains(&format!("({f}:8,8)")));
}
