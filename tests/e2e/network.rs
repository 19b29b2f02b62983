//! The network layer end to end: the real binary resolving an endpoints file and a domain
//! against a real DNS server on 127.0.0.1 (`dns.rs`), attributing the addresses with the data
//! directory of the checkout, and the built-in network plugin judging them.

use crate::dns;
use crate::util::*;
use serde_json::Value;
use std::path::Path;

const ENDPOINTS: &str = "\
# The services of example.org (zones in crates/netdata/testdata/zones).
- endpoint: www.example.org
  label: website
  criticality: high
- endpoint: mail:example.org
  label: mail
  criticality: critical
- https://app.example.org/login
- static.example.org
- missing.example.org
- gone.example.org
- slow.timeout.example.org
- 5.9.0.1
";

fn endpoints_file(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn network_endpoints(inv: &Value) -> &Vec<Value> {
    inv["layers"]["network"]["endpoints"].as_array().unwrap()
}

fn by_endpoint<'a>(eps: &'a [Value], endpoint: &str) -> &'a Value {
    eps.iter()
        .find(|e| e["endpoint"] == endpoint)
        .unwrap_or_else(|| panic!("no endpoint {endpoint}"))
}

fn roles(ep: &Value) -> Vec<(String, Option<String>, Option<String>)> {
    actors(ep)
}

fn hops(ep: &Value) -> Vec<(String, String)> {
    ep["lookups"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["record_type"] == "A")
        .flat_map(|l| l["chain"].as_array().unwrap().iter())
        .map(|h| {
            (
                h["target"].as_str().unwrap().to_string(),
                h["provider"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn endpoints_are_resolved_attributed_and_failures_recorded() {
    let server = dns::start();
    let dir = tempdir();
    let file = endpoints_file(dir.path(), "services.yaml", ENDPOINTS);
    let resolver = server.addr.to_string();
    let inv = run_json(
        sovstack()
            .args(["scan", "--layers", "network", "--resolver", &resolver])
            .arg("--endpoints")
            .arg(&file),
    );
    let eps = network_endpoints(&inv);
    assert_eq!(eps.len(), 8);
    assert_eq!(inv["layers"]["network"]["resolver"], resolver);
    assert!(
        inv["layers"].get("processor").is_none(),
        "only the layer asked for"
    );
    // Every dataset is listed with its sha256.
    let datasets = inv["layers"]["network"]["datasets"].as_array().unwrap();
    assert!(datasets
        .iter()
        .any(|d| d["path"] == "mmdb/ip-asn.mmdb" && d["sha256"].as_str().unwrap().len() == 64));

    // The website: two CNAME hops into Akamai's CDN, an address in Akamai's published range.
    let www = by_endpoint(eps, "www.example.org");
    assert_eq!(
        (
            &www["id"],
            &www["label"],
            &www["criticality"],
            &www["resolution"]
        ),
        (
            &"ep0".into(),
            &"website".into(),
            &"high".into(),
            &"resolved".into()
        )
    );
    assert_eq!(
        hops(www),
        [
            (
                "www.example.org.edgekey.net".to_string(),
                "akamai".to_string()
            ),
            ("e1234.a.akamaiedge.net".to_string(), "akamai".to_string())
        ]
    );
    let a = &www["addresses"][0];
    assert_eq!(a["ip"], "23.32.0.10");
    assert_eq!(a["via"], "e1234.a.akamaiedge.net");
    assert_eq!(a["cloud"]["provider"]["value"], "akamai");
    assert!(roles(www).iter().any(|(r, n, _)| r == "cloud_provider" && n.as_deref().unwrap_or("").contains("Akamai")), "{:?}", roles(www));

    // Mail: MX at Microsoft 365 (and Google as backup); both exchangers attributed.
    let mail = by_endpoint(eps, "mail:example.org");
    assert_eq!(mail["kind"], "mail");
    assert_eq!(
        (&mail["given"]["source"], &mail["given"]["line"]),
        (&file.display().to_string().into(), &5.into())
    );
    let mx = mail["lookups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["record_type"] == "MX")
        .unwrap();
    assert_eq!(
        mx["answers"][0],
        "0 example-org.mail.protection.outlook.com"
    );
    let ips: Vec<&str> = mail["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["ip"].as_str().unwrap())
        .collect();
    assert_eq!(ips, ["52.101.0.10", "142.250.0.27"]);
    let mail_roles = roles(mail);
    assert!(
        mail_roles.iter().any(|(r, n, c)| r == "network_operator"
            && n.as_deref() == Some("Microsoft Corporation")
            && c.as_deref() == Some("US")),
        "{mail_roles:?}"
    );
    assert!(
        mail_roles
            .iter()
            .any(|(r, n, _)| r == "cloud_provider" && n.as_deref() == Some("Microsoft 365")),
        "{mail_roles:?}"
    );

    // The application: an address inside AWS's published eu-central-1 range, located in Germany.
    let app = by_endpoint(eps, "https://app.example.org/login");
    assert_eq!(
        (&app["kind"], &app["name"]),
        (&"url".into(), &"app.example.org".into())
    );
    let v4 = app["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["ip"] == "3.5.136.10")
        .unwrap();
    assert_eq!(
        (&v4["cloud"]["provider"]["value"], &v4["cloud"]["region"]),
        (&"aws".into(), &"eu-central-1".into())
    );
    assert_eq!(
        v4["cloud"]["provider"]["evidence"][0]["source"],
        "data:network/cloud/aws-ip-ranges.json"
    );
    assert_eq!(v4["location"]["value"], "DE");
    assert_eq!(v4["asn"]["value"], 16509);
    assert_eq!(v4["parent_hq_country"]["value"], "US");
    assert!(
        app["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["ip"] == "2600:1900:4000::10"),
        "IPv6 too"
    );
    let app_roles = roles(app);
    assert!(
        app_roles.contains(&("location".into(), Some("DE".into()), Some("DE".into()))),
        "{app_roles:?}"
    );

    // Static files on CloudFront, named by the CNAME's suffix.
    let cf = by_endpoint(eps, "static.example.org");
    assert_eq!(
        hops(cf),
        [(
            "d111111abcdef8.cloudfront.net".to_string(),
            "aws".to_string()
        )]
    );

    // Failures are recorded on their endpoint; the scan finished.
    let kinds = |ep: &Value| -> Vec<String> {
        ep["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_string())
            .collect()
    };
    let missing = by_endpoint(eps, "missing.example.org");
    // The A and AAAA queries failed alike: one reason, recorded once (each lookup keeps its own).
    assert_eq!(
        (missing["resolution"].as_str(), kinds(missing)),
        (Some("failed"), vec!["nx_domain".to_string()])
    );
    assert_eq!(
        missing["lookups"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["error"]["kind"] == "nx_domain")
            .count(),
        2
    );
    let gone = by_endpoint(eps, "gone.example.org");
    assert_eq!(kinds(gone)[0], "nx_domain");
    assert_eq!(
        hops(gone)[0].0,
        "deleted-app.herokuapp.com",
        "the dangling alias is kept"
    );
    let slow = by_endpoint(eps, "slow.timeout.example.org");
    assert_eq!(
        (slow["resolution"].as_str(), kinds(slow)[0].as_str()),
        (Some("failed"), "timeout")
    );

    // An address given as such needs no DNS: Hetzner, in Germany.
    let ip = by_endpoint(eps, "5.9.0.1");
    assert_eq!(
        (
            &ip["kind"],
            &ip["addresses"][0]["parent_hq_country"]["value"]
        ),
        (&"ip".into(), &"DE".into())
    );

    // The inventory validates against the published schema.
    let schema: Value = serde_json::from_slice(
        &std::fs::read(repo().join(format!(
            "schema/inventory-{}.schema.json",
            sovstack_inventory::SCHEMA_VERSION
        )))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&inv)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn audit_judges_the_network_layer_with_both_rulesets() {
    let server = dns::start();
    let dir = tempdir();
    let file = endpoints_file(
        dir.path(),
        "services.txt",
        "mail:example.org label=mail criticality=critical\nhttps://app.example.org/\n",
    );
    let resolver = server.addr.to_string();
    let audit_json = || {
        run(sovstack()
            .args([
                "audit",
                "--layers",
                "network",
                "--resolver",
                &resolver,
                "--format",
                "json",
            ])
            .arg("--endpoints")
            .arg(&file))
    };
    let (code, first, err) = audit_json();
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&first).unwrap();
    let items = layer_items(&report, "network");
    assert_eq!(items.len(), 2);
    let mail = &items[0];
    assert_eq!(mail["label"], "mail (mail:example.org)");
    let facts = &mail["facts"];
    assert!(
        facts["mx"].as_str().unwrap().contains("outlook.com"),
        "{facts}"
    );
    assert!(
        facts["addresses"]
            .as_str()
            .unwrap()
            .contains("52.101.0.10 AS8075 Microsoft Corporation (US)"),
        "{facts}"
    );
    assert!(
        facts["jurisdiction"]
            .as_str()
            .unwrap()
            .contains("reachable by US law through Microsoft Corporation (network operator)"),
        "{facts}"
    );
    // The laws reaching the US operator are attached for the rulesets.
    let op = mail["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "network_operator")
        .unwrap();
    assert!(
        op["laws"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l.as_str().unwrap().starts_with("us-")),
        "{op}"
    );

    // The app's data sits in Germany (home for the EU view) but its operator is reachable by US law.
    let app = &items[1];
    // The headline contrast, as such.
    let jurisdiction = app["facts"]["jurisdiction"].as_str().unwrap();
    assert!(
        jurisdiction.starts_with("located in the EU (Germany)"),
        "{jurisdiction}"
    );
    assert!(
        jurisdiction.contains(", reachable by US law through "),
        "{jurisdiction}"
    );
    let eu = ruleset(&report, "eu-sovereignty");
    let net = &eu["layers"]["network"];
    assert_eq!(net["plugin"], "network");
    let findings = net["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "eu.network.extraterritorial-reach" && f["item"] == "ep1"),
        "{findings:?}"
    );
    // Its IPv4 address is located in Germany, home for the EU view; the finding names only the
    // IPv6 address's country.
    let located = findings
        .iter()
        .find(|f| f["rule"] == "eu.network.data-location" && f["item"] == "ep1")
        .unwrap();
    assert!(
        !located["message"].as_str().unwrap().contains("DE"),
        "{located}"
    );
    assert!(
        net["score"]["objectives"]["SOV-3"].is_object(),
        "{}",
        net["score"]
    );
    let na = ruleset(&report, "non-aligned");
    assert!(
        na["layers"]["network"]["score"]["shares"]["US"]
            .as_f64()
            .unwrap()
            > 0.5,
        "{}",
        na["layers"]["network"]
    );
    assert!(
        report["diagnostics"].as_array().unwrap().is_empty(),
        "{}",
        report["diagnostics"]
    );

    // Same zone, same data: the same report, byte for byte.
    assert!(audit_json().1 == first, "a second run differs");

    // The table tells the same story.
    let (code, out, err) = run(sovstack()
        .args(["audit", "--layers", "network", "--resolver", &resolver])
        .arg("--endpoints")
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Network layer") && out.contains("Microsoft Corporation"),
        "{out}"
    );
    // The addresses are a detail the default table leaves to --wide.
    assert!(!out.contains("AS8075"), "{out}");
    let (code, out, err) = run(sovstack()
        .args([
            "audit",
            "--layers",
            "network",
            "--wide",
            "--resolver",
            &resolver,
        ])
        .arg("--endpoints")
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("52.101.0.10 AS8075 Microsoft Corporation (US)"),
        "{out}"
    );
}

#[test]
fn domain_discovery_follows_mx_ns_and_spf() {
    let server = dns::start();
    let resolver = server.addr.to_string();
    let inv =
        run_json(sovstack().args(["scan", "--domain", "example.org", "--resolver", &resolver]));
    // With a domain and no --layers, the default layers are scanned as well.
    assert!(inv["layers"]["os"].is_array());
    let eps = network_endpoints(&inv);
    let kinds: Vec<&str> = eps.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["mail", "name_servers", "spf", "host", "host"]);
    let ns = by_endpoint(eps, "ns:example.org");
    assert_eq!(ns["addresses"][0]["ip"], "127.0.0.1");
    let spf = by_endpoint(eps, "spf:example.org");
    let asked: Vec<&str> = spf["lookups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        asked,
        [
            "example.org",
            "spf.protection.outlook.com",
            "_spf.google.com"
        ]
    );
    // The includes' names reveal the mail senders even though their records are not served.
    let providers: Vec<String> = roles(spf)
        .into_iter()
        .filter(|(r, _, _)| r == "cloud_provider")
        .filter_map(|(_, n, _)| n)
        .collect();
    assert!(
        providers.iter().any(|p| p.contains("Microsoft")),
        "{providers:?}"
    );
}

#[test]
fn offline_records_names_as_unresolved() {
    let dir = tempdir();
    let file = endpoints_file(dir.path(), "services.txt", "www.example.org\n3.5.136.10\n");
    let inv = run_json(
        sovstack()
            .args(["scan", "--offline"])
            .arg("--endpoints")
            .arg(&file),
    );
    let eps = network_endpoints(&inv);
    assert!(inv["layers"]["network"].get("resolver").is_none());
    assert_eq!(eps[0]["resolution"], "unresolved");
    assert_eq!(eps[0]["errors"][0]["kind"], "offline");
    assert!(eps[0]["lookups"].as_array().unwrap().is_empty());
    // An address needs no DNS and is still attributed.
    assert_eq!(eps[1]["addresses"][0]["cloud"]["provider"]["value"], "aws");
}

#[test]
fn a_bad_endpoints_file_is_an_input_error_with_line_and_column() {
    let dir = tempdir();
    for (name, text, at) in [
        ("bad.txt", "www.example.org\n  bad_host!\n", ":2:3:"),
        (
            "bad.yaml",
            "- www.example.org\n- endpoint: x.example.org\n  colour: blue\n",
            ":3:",
        ),
        ("bad2.txt", "www.example.org criticality=urgent\n", ":1:17:"),
    ] {
        let file = endpoints_file(dir.path(), name, text);
        let (code, out, err) = run(sovstack()
            .args(["audit", "--offline"])
            .arg("--endpoints")
            .arg(&file));
        assert_eq!(code, 2, "{name}: {err}");
        assert!(out.is_empty());
        assert!(err.contains(&format!("{name}{at}")), "{name}: {err}");
    }
    let (code, _, err) = run(sovstack().args([
        "scan",
        "--offline",
        "--data-dir",
        "/nonexistent",
        "--domain",
        "example.org",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent"), "{err}");
}

#[test]
fn the_network_layer_with_nothing_to_resolve_is_an_input_error() {
    for args in [
        &["scan", "--layers", "network"][..],
        &["audit", "--layers", "network", "--offline"],
        &["scan", "--layers", "os,network"],
    ] {
        let (code, out, err) = run(sovstack().args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            out.is_empty(),
            "{args:?}: no empty table or inventory: {out}"
        );
        assert!(
            err.contains("nothing to resolve")
                && err.contains("--endpoints FILE")
                && err.contains("--domain DOMAIN"),
            "{args:?}: {err}"
        );
    }
    // An endpoints file that lists nothing says so, naming the file.
    let dir = tempdir();
    let file = endpoints_file(dir.path(), "empty.txt", "# nothing yet\n");
    let (code, _, err) = run(sovstack()
        .args(["audit", "--offline"])
        .arg("--endpoints")
        .arg(&file));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("{} lists no endpoint", file.display())),
        "{err}"
    );
}

/// A UDP socket on loopback that receives queries and never answers: a dead resolver.
fn dead_resolver() -> std::net::UdpSocket {
    std::net::UdpSocket::bind("127.0.0.1:0").unwrap()
}

#[test]
fn a_resolver_that_never_answers_is_a_diagnostic_and_exit_2() {
    let hole = dead_resolver();
    let resolver = hole.local_addr().unwrap().to_string();
    let dir = tempdir();
    let file = endpoints_file(
        dir.path(),
        "services.txt",
        "www.example.org\nmail:example.org\n",
    );
    let started = std::time::Instant::now();
    let (code, out, err) = run(sovstack()
        .args([
            "audit",
            "--layers",
            "network",
            "--resolver",
            &resolver,
            "--dns-timeout",
            "0.1",
            "--format",
            "json",
        ])
        .arg("--endpoints")
        .arg(&file));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "--dns-timeout bounds the wait: {:?}",
        started.elapsed()
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("scan/dns-no-answer")
            && err.contains(&format!("resolver {resolver} answered none of the")),
        "{err}"
    );
    // No progress without a terminal.
    assert!(!err.contains("resolving"), "{err}");
    // The report is still written, the reason among its diagnostics.
    let report: Value = serde_json::from_str(&out).unwrap();
    let diags = report["diagnostics"].as_array().unwrap();
    assert!(
        diags
            .iter()
            .any(|d| d["code"] == "scan/dns-no-answer" && d["severity"] == "error"),
        "{diags:?}"
    );
    // `scan` writes the inventory and exits 2 as well.
    let (code, out, err) = run(sovstack()
        .args([
            "scan",
            "--layers",
            "network",
            "--resolver",
            &resolver,
            "--dns-timeout",
            "0.1",
        ])
        .arg("--endpoints")
        .arg(&file));
    assert_eq!(code, 2, "{err}");
    assert!(out.contains("scan/dns-no-answer"), "{out}");
    // Names that do not exist are answers: no such diagnostic, exit 0.
    let server = dns::start();
    let missing = endpoints_file(dir.path(), "missing.txt", "missing.example.org\n");
    let (code, _, err) = run(sovstack()
        .args([
            "audit",
            "--layers",
            "network",
            "--resolver",
            &server.addr.to_string(),
        ])
        .arg("--endpoints")
        .arg(&missing));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("dns-no-answer"), "{err}");
    drop(hole);
}

#[test]
fn resolution_shows_progress_on_a_terminal() {
    let hole = dead_resolver();
    let dir = tempdir();
    let file = endpoints_file(dir.path(), "services.txt", "www.example.org\n");
    // `script` runs the command with a pseudo-terminal as its stdout and stderr.
    let line = format!(
        "{} scan --layers network --resolver {} --dns-timeout 0.3 --endpoints {} -o {}",
        env!("CARGO_BIN_EXE_sovstack"),
        hole.local_addr().unwrap(),
        file.display(),
        dir.path().join("inv.json").display()
    );
    let (code, out, err) = run(std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("NO_COLOR", "1"));
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("resolving 0/1 endpoints"), "{out:?}");
    drop(hole);
}

fn findings_of<'a>(report: &'a Value, ruleset_name: &str, rule: &str) -> Vec<&'a Value> {
    ruleset(report, ruleset_name)["layers"]["network"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn item<'a>(report: &'a Value, endpoint: &str) -> &'a Value {
    layer_items(report, "network")
        .iter()
        .find(|i| i["label"].as_str().unwrap().contains(endpoint))
        .unwrap_or_else(|| panic!("no item {endpoint}"))
}

#[test]
fn services_that_could_not_be_assessed_are_findings() {
    let server = dns::start();
    let resolver = server.addr.to_string();
    let dir = tempdir();
    let file = endpoints_file(
        dir.path(),
        "services.txt",
        "missing.example.org criticality=critical\nhttps://app.example.org/\n",
    );
    // app.example.org has addresses but no NS, MX or TXT record; www. and autodiscover. under it
    // do not exist.
    let (code, out, err) = run(sovstack()
        .args([
            "audit",
            "--layers",
            "network",
            "--resolver",
            &resolver,
            "--domain",
            "app.example.org",
            "--format",
            "json",
        ])
        .arg("--endpoints")
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    for (ruleset_name, rule) in [
        ("eu-sovereignty", "eu.network.assessed"),
        ("non-aligned", "na.network.assessed"),
    ] {
        let found = findings_of(&report, ruleset_name, rule);
        let by_item = |id: &str| {
            found
                .iter()
                .find(|f| f["item"] == id)
                .unwrap_or_else(|| panic!("{rule}: no finding on {id}: {found:?}"))
        };
        let id = |endpoint: &str| item(&report, endpoint)["id"].as_str().unwrap().to_string();
        // A name that does not exist; labelled critical, so one step above the rule's medium.
        let missing = by_item(&id("missing.example.org"));
        assert_eq!(missing["severity"], "high", "{missing}");
        let message = missing["message"].as_str().unwrap();
        assert_eq!(
            message,
            "missing.example.org could not be assessed: the name does not exist (NXDOMAIN)"
        );
        // An NS query with no answer is not "resolved" with nothing to say.
        let ns = by_item(&id("ns:app.example.org"));
        assert_eq!(ns["severity"], "medium");
        assert!(
            ns["message"]
                .as_str()
                .unwrap()
                .ends_with("could not be assessed: DNS has no NS record for app.example.org"),
            "{ns}"
        );
        assert!(by_item(&id("mail:app.example.org"))["message"]
            .as_str()
            .unwrap()
            .contains("DNS has no MX record for app.example.org"));
        assert!(by_item(&id("www.app.example.org"))["message"]
            .as_str()
            .unwrap()
            .contains("NXDOMAIN"));
        // The application resolved and was judged: no such finding.
        assert!(
            found
                .iter()
                .all(|f| f["item"] != id("https://app.example.org/")),
            "{found:?}"
        );
    }
    // The failure is shown once among the facts, and the criticality beside it.
    let missing = item(&report, "missing.example.org");
    assert_eq!(
        missing["facts"]["errors"],
        "missing.example.org: no such domain (NXDOMAIN)"
    );
    assert_eq!(missing["facts"]["criticality"], "critical");
}

#[test]
fn criticality_weighs_shares_raises_severity_and_is_shown() {
    let dir = tempdir();
    // Hetzner (DE) and Amazon (US) addresses need no DNS; the name is not asked (--offline).
    let plain = endpoints_file(
        dir.path(),
        "plain.txt",
        "5.9.0.1\n3.5.136.10\nwww.example.org\n",
    );
    let weighed = endpoints_file(
        dir.path(),
        "weighed.txt",
        "5.9.0.1\n3.5.136.10 criticality=critical\nwww.example.org criticality=high\n",
    );
    let audit = |file: &Path| {
        let (code, out, err) = run(sovstack()
            .args(["audit", "--offline", "--format", "json"])
            .arg("--endpoints")
            .arg(file));
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<Value>(&out).unwrap()
    };
    let (plain, weighed) = (audit(&plain), audit(&weighed));
    let us_share = |r: &Value| {
        ruleset(r, "non-aligned")["layers"]["network"]["score"]["shares"]["US"]
            .as_f64()
            .unwrap()
    };
    assert_eq!(us_share(&plain), 0.5);
    // The critical US endpoint weighs 4 against 1.
    assert_eq!(us_share(&weighed), 0.8);
    let severity_on = |r: &Value, rule: &str| -> String {
        findings_of(r, "eu-sovereignty", rule)
            .iter()
            .find(|f| f["item"] == "ep1")
            .unwrap()["severity"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        (
            severity_on(&plain, "eu.network.operator-jurisdiction"),
            severity_on(&weighed, "eu.network.operator-jurisdiction")
        ),
        ("medium".to_string(), "high".to_string())
    );
    assert_eq!(
        severity_on(&weighed, "eu.network.extraterritorial-reach"),
        "critical"
    );
    // `high` weighs but keeps the rule's severity; a name not asked could not be assessed.
    let offline = findings_of(&weighed, "eu-sovereignty", "eu.network.assessed");
    assert_eq!(offline.len(), 1, "{offline:?}");
    assert_eq!(
        (&offline[0]["item"], &offline[0]["severity"]),
        (&"ep2".into(), &"medium".into())
    );
    assert!(
        offline[0]["message"]
            .as_str()
            .unwrap()
            .contains("DNS was not asked (--offline)"),
        "{}",
        offline[0]
    );
    // The table shows it.
    let (code, out, err) = run(sovstack()
        .args(["audit", "--offline"])
        .arg("--endpoints")
        .arg(dir.path().join("weighed.txt")));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("criticality: critical") && out.contains("criticality: high"),
        "{out}"
    );
}

#[test]
fn operators_are_attributed_from_the_table_or_only_registered_in_a_country() {
    // A French administration's services: one on RENATER (AS2200, in the operator table), one on
    // alwaysdata (AS60362, not in it), by address so that no DNS is needed.
    let dir = tempdir();
    let file = endpoints_file(
        dir.path(),
        "services.txt",
        "193.48.0.1 label=university\n185.31.40.1 label=hosting\n",
    );
    let audit = |format: &str| {
        run(sovstack()
            .args([
                "audit",
                "--layers",
                "network",
                "--offline",
                "--wide",
                "--format",
                format,
            ])
            .arg("--endpoints")
            .arg(&file))
    };
    let (code, json, err) = audit("json");
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&json).unwrap();
    let items = layer_items(&report, "network");
    let operator = |i: usize| {
        items[i]["actors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["role"] == "network_operator")
            .unwrap()
            .clone()
    };

    let renater = operator(0);
    assert_eq!(
        (renater["name"].as_str(), renater["country"].as_str()),
        (Some("RENATER (GIP)"), Some("FR"))
    );
    assert!(renater.get("registered_country").is_none(), "{renater}");
    assert_eq!(renater["confidence"], "high");
    assert!(
        items[0]["facts"]["addresses"]
            .as_str()
            .unwrap()
            .contains("193.48.0.1 AS2200 RENATER (GIP) (FR)"),
        "{}",
        items[0]["facts"]
    );

    let hosting = operator(1);
    assert_eq!(hosting["name"], "ALWAYSDATA SARL");
    assert!(
        hosting.get("country").is_none(),
        "a registration is not a headquarters: {hosting}"
    );
    assert!(
        hosting["blocs"].as_array().unwrap().is_empty()
            && hosting["laws"].as_array().unwrap().is_empty()
    );
    assert_eq!(
        (
            hosting["registered_country"].as_str(),
            hosting["confidence"].as_str()
        ),
        (Some("FR"), Some("low"))
    );
    assert!(
        items[1]["facts"]["addresses"]
            .as_str()
            .unwrap()
            .contains("AS60362 ALWAYSDATA SARL (registered in FR)"),
        "{}",
        items[1]["facts"]
    );
    // The EU view's jurisdiction rule says what it is; neither ruleset takes it for a French
    // headquarters (the non-aligned view has no per-item jurisdiction rule on this layer).
    for name in ["eu-sovereignty", "non-aligned"] {
        let findings: Vec<&Value> = ruleset(&report, name)["layers"]["network"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["item"] == "ep1" && f["message"].as_str().unwrap().contains("ALWAYSDATA"))
            .collect();
        assert!(
            name == "non-aligned"
                || findings.iter().any(|f| f["message"].as_str().unwrap().contains(
                    "where it is headquartered is not known: registered in FR (registry delegation, low confidence)"
                )),
            "{name}: {findings:?}"
        );
        assert!(
            !findings.iter().any(|f| f["message"]
                .as_str()
                .unwrap()
                .contains("headquartered in France")),
            "{name}: {findings:?}"
        );
    }
    let na = ruleset(&report, "non-aligned");
    // Its share of control is unknown, not the EU's: RENATER's half is the EU's.
    let shares = &na["layers"]["network"]["score"]["shares"];
    assert!(
        shares["unknown"].as_f64().unwrap() > 0.0 && shares["EU"].as_f64().unwrap() > 0.0,
        "{shares}"
    );

    let (code, table, err) = audit("table");
    assert_eq!(code, 0, "{err}");
    assert!(
        table.contains("registered in FR (low confidence)"),
        "{table}"
    );
    assert!(table.contains("RENATER (GIP)"), "{table}");
}

/// 10 000 endpoints (issue 10's benchmark size), scanned offline and evaluated with the default
/// limits: both rulesets judge every endpoint. Names stay unresolved (no actor); addresses in
/// AWS's published ranges are attributed from the data pack; every 100th endpoint is critical.
/// Before the SDK raised severities in linear time the network plugin ran out of fuel here.
#[test]
fn ten_thousand_endpoints_evaluate_with_the_default_limits() {
    const N: usize = 10_000;
    let dir = tempdir();
    let mut text = String::new();
    for i in 0..N {
        let endpoint = if i % 2 == 0 {
            format!("svc{i}.example{}.org", i % 97)
        } else {
            format!("3.5.{}.{}", 128 + (i / 250) % 16, 1 + i % 250)
        };
        if i % 100 == 0 {
            text.push_str(&format!(
                "- endpoint: {endpoint}\n  criticality: critical\n"
            ));
        } else {
            text.push_str(&format!("- {endpoint}\n"));
        }
    }
    let file = endpoints_file(dir.path(), "many.yaml", &text);
    let inventory = dir.path().join("inventory.json");
    let (code, _, err) = run(sovstack()
        .args(["scan", "--layers", "network", "--offline", "-o"])
        .arg(&inventory)
        .arg("--endpoints")
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(sovstack()
        .args(["evaluate", "--format", "json"])
        .arg(&inventory));
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let plugin_diags: Vec<&Value> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("plugin/"))
        .collect();
    assert!(plugin_diags.is_empty(), "{plugin_diags:?}");
    assert_eq!(layer_items(&report, "network").len(), N);
    for name in ["eu-sovereignty", "non-aligned"] {
        let network = &ruleset(&report, name)["layers"]["network"];
        let findings = network["findings"].as_array().unwrap();
        let judged: std::collections::BTreeSet<&str> =
            findings.iter().filter_map(|f| f["item"].as_str()).collect();
        // eu-sovereignty finds something about every endpoint (an unresolved name's location is
        // unknown); non-aligned about the 5 000 attributed addresses.
        let want = if name == "eu-sovereignty" { N } else { N / 2 };
        assert_eq!(judged.len(), want, "{name}: endpoints with a finding");
        assert!(!network["score"].is_null(), "{name}: the layer is scored");
        // A critical endpoint's findings are one severity step above its unlabelled twin's.
        let severities = |item: &str| -> Vec<(String, String)> {
            findings
                .iter()
                .filter(|f| f["item"] == item)
                .map(|f| (f["rule"].to_string(), f["severity"].to_string()))
                .collect()
        };
        let (critical, plain) = (severities("ep100"), severities("ep102"));
        assert!(!critical.is_empty(), "{name}");
        assert_eq!(critical.len(), plain.len(), "{name}");
        assert!(critical != plain, "{name}: {critical:?} vs {plain:?}");
    }
}

/// A server answering A but refusing AAAA (dnsmasq with no upstream, for a name outside its own
/// domains): the endpoint resolves partly, and its error says which query was refused, not as
/// if the name had failed whole.
#[test]
fn a_failure_of_some_queries_names_their_record_type() {
    let dns = crate::dnsmasq::Dnsmasq::start(&[("www.ville-exemple.test", "5.9.0.1")]);
    let dir = tempdir();
    let file = endpoints_file(dir.path(), "e.txt", "www.ville-exemple.test\n");
    let inv = run_json(
        sovstack()
            .args(["scan", "--layers", "network", "--resolver", &dns.addr])
            .arg("--endpoints")
            .arg(&file),
    );
    let ep = by_endpoint(network_endpoints(&inv), "www.ville-exemple.test");
    assert_eq!(ep["resolution"], "partial", "{ep:#}");
    let errors = ep["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["kind"], "refused");
    assert_eq!(
        errors[0]["message"],
        "www.ville-exemple.test: query refused (REFUSED), for the AAAA query only"
    );
}

/// A resolver address where nothing listens (a closed UDP port on loopback answers with ICMP
/// port unreachable): the queries fail at once, saying so, instead of waiting out every
/// timeout and retry.
#[test]
fn a_resolver_port_where_nothing_listens_is_refused_at_once() {
    let port = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let resolver = format!("127.0.0.1:{port}");
    let dir = tempdir();
    let file = endpoints_file(dir.path(), "e.txt", "www.example.org\nmail.example.org\n");
    let (code, out, err) = run(sovstack()
        .args([
            "scan",
            "--layers",
            "network",
            "--dns-timeout",
            "30",
            "--resolver",
            &resolver,
        ])
        .arg("--endpoints")
        .arg(&file));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("scan/dns-no-answer"), "{err}");
    let inv: Value = serde_json::from_str(&out).unwrap();
    for ep in network_endpoints(&inv) {
        assert_eq!(ep["resolution"], "failed");
        let message = ep["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!(
                "{resolver} refused the query: nothing listens on that port"
            )),
            "{message}"
        );
    }
}
