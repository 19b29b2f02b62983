//! The resolver against a real DNS server on 127.0.0.1 (hickory-server in this process,
//! serving `testdata/zones/`), and against a server that never answers.

mod support;

use std::net::IpAddr;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use sovstack_netdata::dns::{Answer, LookupError, RecordType, Resolver, ResolverBuilder};
use sovstack_netdata::DataDir;

fn resolver(addr: std::net::SocketAddr) -> Resolver {
    ResolverBuilder::new()
        .nameserver(addr)
        .timeout(Duration::from_secs(2))
        .attempts(1)
        .build()
        .unwrap()
}

fn hops(l: &sovstack_netdata::dns::Lookup) -> Vec<(&str, &str)> {
    l.chain
        .iter()
        .map(|h| (h.name.as_str(), h.target.as_str()))
        .collect()
}

fn ips(l: &sovstack_netdata::dns::Lookup) -> Vec<IpAddr> {
    l.answers.iter().filter_map(Answer::ip).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cdn_chains_are_recorded_hop_by_hop_and_attributed() {
    let server = support::start().await;
    let r = resolver(server.addr);
    let data = DataDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/network"))
        .load()
        .unwrap();

    let www = r.resolve("www.example.org", RecordType::A).await;
    assert_eq!(www.error, None);
    assert_eq!(
        hops(&www),
        [
            ("www.example.org", "www.example.org.edgekey.net"),
            ("www.example.org.edgekey.net", "e1234.a.akamaiedge.net")
        ]
    );
    assert_eq!(ips(&www), ["23.32.0.10".parse::<IpAddr>().unwrap()]);
    assert_eq!(www.canonical_name(), Some("e1234.a.akamaiedge.net"));
    // Every hop after the first names Akamai; so does the published range of the address.
    for hop in &www.chain {
        assert_eq!(
            data.cname_provider(&hop.target).unwrap().provider.id,
            "akamai"
        );
    }
    assert_eq!(
        data.cloud(ips(&www)[0]).unwrap().best().provider.id,
        "akamai"
    );

    let www6 = r.resolve("www.example.org.", RecordType::Aaaa).await;
    assert_eq!(ips(&www6), ["2a02:26f0::10".parse::<IpAddr>().unwrap()]);

    let cf = r.resolve("static.example.org", RecordType::A).await;
    assert_eq!(
        data.cname_provider(cf.canonical_name().unwrap())
            .unwrap()
            .service
            .as_deref(),
        Some("CloudFront")
    );
    let m = data.cloud(ips(&cf)[0]).unwrap();
    assert!(m
        .entries
        .iter()
        .any(|e| e.service.as_deref() == Some("CLOUDFRONT")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_dns_and_spf_at_large_providers() {
    let server = support::start().await;
    let r = resolver(server.addr);
    let data = DataDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/network"))
        .load()
        .unwrap();

    let mx = r.resolve("example.org", RecordType::Mx).await;
    let mut exchanges: Vec<(u16, String)> = mx
        .answers
        .iter()
        .map(|a| match a {
            Answer::Mx {
                preference,
                exchange,
            } => (*preference, exchange.clone()),
            other => panic!("{other:?}"),
        })
        .collect();
    exchanges.sort();
    assert_eq!(
        exchanges,
        [
            (0, "example-org.mail.protection.outlook.com".to_owned()),
            (10, "alt1.aspmx.l.google.com".to_owned())
        ]
    );
    let providers: Vec<&str> = exchanges
        .iter()
        .map(|(_, x)| data.cname_provider(x).unwrap().provider.id.as_str())
        .collect();
    assert_eq!(providers, ["microsoft365", "google"]);

    let a = r.resolve(&exchanges[0].1, RecordType::A).await;
    let m = data.cloud(ips(&a)[0]).unwrap();
    assert_eq!(m.best().provider.id, "azure");

    let txt = r.resolve("example.org", RecordType::Txt).await;
    assert_eq!(
        txt.answers,
        [Answer::Txt(
            "v=spf1 include:spf.protection.outlook.com include:_spf.google.com -all".into()
        )]
    );
    let ns = r.resolve("example.org", RecordType::Ns).await;
    assert_eq!(ns.answers, [Answer::Ns("ns1.example.org".into())]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_cloud_addresses_and_nodata() {
    let server = support::start().await;
    let r = resolver(server.addr);
    let data = DataDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/network"))
        .load()
        .unwrap();

    let app4 = r.resolve("app.example.org", RecordType::A).await;
    let aws = data.cloud(ips(&app4)[0]).unwrap();
    assert_eq!(
        (
            aws.best().provider.id.as_str(),
            aws.best().region.as_deref()
        ),
        ("aws", Some("eu-central-1"))
    );
    let app6 = r.resolve("app.example.org", RecordType::Aaaa).await;
    assert_eq!(data.cloud(ips(&app6)[0]).unwrap().best().provider.id, "gcp");

    // NODATA: the name exists, without A records. Empty, and not an error.
    let v6only = r.resolve("v6only.example.org", RecordType::A).await;
    assert_eq!(
        (
            v6only.error.clone(),
            v6only.answers.len(),
            v6only.chain.len()
        ),
        (None, 0, 0)
    );
    let v6 = r.resolve("v6only.example.org", RecordType::Aaaa).await;
    let a = data.attribute(ips(&v6)[0]);
    assert_eq!(a.operator.unwrap().parent_hq_country.as_deref(), Some("DE"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_failure_is_recorded_on_its_name_and_the_batch_finishes() {
    let server = support::start().await;
    let r = resolver(server.addr);
    let a = RecordType::A;
    let batch = [
        ("www.example.org", a),
        ("nonexistent.example.org", a),
        ("db.servfail.example.org", a),
        ("loop1.example.org", a),
        ("self.example.org", a),
        ("long0.example.org", a),
        ("gone.example.org", a),
        ("exa mple.org", a),
        ("a..example.org", a),
        ("-x.example.org", a),
        ("192.0.2.1", a),
        ("", a),
        ("deep0.example.org", a),
        ("app.example.org", a),
    ];
    let out = r.resolve_all(&batch).await;
    assert_eq!(out.len(), batch.len());
    for (l, (q, _)) in out.iter().zip(&batch) {
        assert_eq!(l.query, *q, "results keep input order");
    }
    let err = |i: usize| out[i].error.clone();
    assert_eq!(err(0), None);
    assert_eq!(
        err(1),
        Some(LookupError::NxDomain {
            name: "nonexistent.example.org".into()
        })
    );
    assert_eq!(
        err(2),
        Some(LookupError::ServFail {
            name: "db.servfail.example.org".into()
        })
    );
    assert_eq!(
        err(3),
        Some(LookupError::CnameLoop {
            name: "loop1.example.org".into()
        })
    );
    assert_eq!(
        hops(&out[3]),
        [
            ("loop1.example.org", "loop2.example.org"),
            ("loop2.example.org", "loop1.example.org")
        ]
    );
    assert_eq!(
        err(4),
        Some(LookupError::CnameLoop {
            name: "self.example.org".into()
        })
    );
    assert_eq!(err(5), Some(LookupError::ChainTooLong { limit: 12 }));
    assert_eq!(out[5].chain.len(), 12, "hops up to the limit are kept");
    // A dangling alias: the chain is kept and the missing name is the one reported.
    assert_eq!(
        err(6),
        Some(LookupError::NxDomain {
            name: "deleted-app.herokuapp.com".into()
        })
    );
    assert_eq!(
        hops(&out[6]),
        [("gone.example.org", "deleted-app.herokuapp.com")]
    );
    for l in &out[7..=11] {
        assert!(
            matches!(l.error, Some(LookupError::MalformedName { .. })),
            "{l:?}"
        );
    }
    // Every answer counts as a response, whatever it says (records, NXDOMAIN, SERVFAIL, a
    // loop); a name never sent does not.
    let responded: Vec<bool> = out.iter().map(|l| l.responded).collect();
    assert_eq!(
        responded,
        [true, true, true, true, true, true, true, false, false, false, false, false, true, true]
    );
    // Ten hops: past hickory's own depth of 8, within the limit of 12.
    assert_eq!(
        (err(12), out[12].chain.len(), ips(&out[12])),
        (None, 10, vec!["192.0.2.10".parse::<IpAddr>().unwrap()])
    );
    assert_eq!(ips(&out[13]), ["3.5.136.10".parse::<IpAddr>().unwrap()]);

    // A lower hop limit turns the ten-hop chain into an error too.
    let short = ResolverBuilder::new()
        .nameserver(server.addr)
        .max_cname_hops(4)
        .build()
        .unwrap();
    let l = short.resolve("deep0.example.org", a).await;
    assert_eq!(
        (l.error, l.chain.len()),
        (Some(LookupError::ChainTooLong { limit: 4 }), 4)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_times_out_every_name_in_parallel() {
    let hole = support::black_hole().await;
    let r = ResolverBuilder::new()
        .nameserver(hole)
        .timeout(Duration::from_millis(300))
        .attempts(1)
        .build()
        .unwrap();
    let names: Vec<(String, RecordType)> = (0..40)
        .map(|i| (format!("host{i}.example.org"), RecordType::A))
        .collect();
    let start = Instant::now();
    let out = r.resolve_all(&names).await;
    let elapsed = start.elapsed();
    for l in &out {
        assert_eq!(
            l.error,
            Some(LookupError::Timeout {
                name: l.query.clone()
            }),
            "{l:?}"
        );
        assert!(!l.responded, "no response came: {l:?}");
    }
    // 40 names × 300 ms × 2 tries would take 24 s one after another.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");

    // Names the resolver answers itself, without asking the server (RFC 6761's `invalid` and
    // `localhost`), say nothing about whether the server answers.
    let special = r
        .resolve_all(&[
            ("missing.invalid".to_string(), RecordType::A),
            ("db.localhost".to_string(), RecordType::A),
        ])
        .await;
    for l in &special {
        assert!(!l.responded, "answered here, not by the server: {l:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_in_flight_are_bounded_and_results_cached() {
    let server = support::start().await;
    let r = ResolverBuilder::new()
        .nameserver(server.addr)
        .concurrency(4)
        .build()
        .unwrap();
    let names: Vec<(String, RecordType)> = (0..24)
        .map(|i| (format!("h{i}.slow.example.org"), RecordType::A))
        .collect();
    let out = r.resolve_all(&names).await;
    assert!(out
        .iter()
        .all(|l| l.error.is_none() && l.answers.len() == 1));
    let max = server.stats.max_in_flight.load(Ordering::SeqCst);
    assert!((2..=4).contains(&max), "max in flight {max}");

    // Asking again is answered from the cache: the server sees nothing new.
    let before = server.stats.queries.load(Ordering::SeqCst);
    let again = r.resolve_all(&names).await;
    assert_eq!(server.stats.queries.load(Ordering::SeqCst), before);
    assert_eq!(again[0].answers, out[0].answers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alias_seen_once_is_not_walked_again_for_another_type() {
    // static.example.org is an alias of a CloudFront name that has an A record and no AAAA.
    // Asked alone, "no AAAA" costs the chain walk (a CNAME query per hop, then AAAA again at the
    // end); asked after A, the chain A saw says where the missing records are.
    let fresh_server = support::start().await;
    let fresh = resolver(fresh_server.addr);
    let alone = fresh.resolve("static.example.org", RecordType::Aaaa).await;
    let alone_queries = fresh_server.stats.queries.load(Ordering::SeqCst);

    let server = support::start().await;
    let r = resolver(server.addr);
    let a = r.resolve("static.example.org", RecordType::A).await;
    assert_eq!(ips(&a), ["13.224.0.10".parse::<IpAddr>().unwrap()]);
    let before = server.stats.queries.load(Ordering::SeqCst);
    let after_a = r.resolve("static.example.org", RecordType::Aaaa).await;
    let after_a_queries = server.stats.queries.load(Ordering::SeqCst) - before;

    let expected = [("static.example.org", "d111111abcdef8.cloudfront.net")];
    assert_eq!(hops(&alone), expected);
    assert_eq!(hops(&after_a), expected);
    for l in [&alone, &after_a] {
        assert_eq!(
            (l.error.clone(), l.answers.len(), l.responded),
            (None, 0, true),
            "{l:?}"
        );
    }
    assert!(
        after_a_queries < alone_queries,
        "after A: {after_a_queries} queries, alone: {alone_queries}"
    );

    // A name never answered before is still walked: a dangling alias is told from NODATA.
    let gone = r.resolve("gone.example.org", RecordType::Aaaa).await;
    assert_eq!(
        hops(&gone),
        [("gone.example.org", "deleted-app.herokuapp.com")]
    );
    assert!(
        matches!(gone.error, Some(LookupError::NxDomain { .. })),
        "{gone:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_server_asked_directly_or_through_hickorys_pool_gives_the_same_lookups() {
    // Every name of the zones, and the failures: NXDOMAIN, SERVFAIL, loops, a chain over the
    // limit, a dangling alias, malformed names, RFC 6761 names answered without asking; each
    // asked for every record type, in one batch (so later lookups meet the aliases earlier ones
    // learnt, as in a scan).
    let names = [
        "example.org",
        "www.example.org",
        "static.example.org",
        "app.example.org",
        "v6only.example.org",
        "gone.example.org",
        "loop1.example.org",
        "self.example.org",
        "deep0.example.org",
        "long0.example.org",
        "h1.slow.example.org",
        "db.servfail.example.org",
        "nonexistent.example.org",
        "www.example.org.edgekey.net",
        "e1234.a.akamaiedge.net",
        "d111111abcdef8.cloudfront.net",
        "deleted-app.herokuapp.com",
        "alt1.aspmx.l.google.com",
        "example-org.mail.protection.outlook.com",
        "missing.invalid",
        "db.localhost",
        "exa mple.org",
        "192.0.2.1",
    ];
    let types = [
        RecordType::A,
        RecordType::Aaaa,
        RecordType::Mx,
        RecordType::Ns,
        RecordType::Txt,
    ];
    let batch: Vec<(&str, RecordType)> = types
        .iter()
        .flat_map(|t| names.iter().map(move |n| (*n, *t)))
        .collect();
    let server = support::start().await;
    let direct = resolver(server.addr).resolve_all(&batch).await;
    let direct_queries = server.stats.queries.load(Ordering::SeqCst);
    let pool = ResolverBuilder::new()
        .nameserver(server.addr)
        .timeout(Duration::from_secs(2))
        .attempts(1)
        .hickory_pool()
        .build()
        .unwrap()
        .resolve_all(&batch)
        .await;
    for (d, p) in direct.iter().zip(&pool) {
        assert_eq!(d, p);
    }
    assert_eq!(direct.len(), pool.len());
    // Not vacuous: answers, chains and errors of several kinds are among them.
    assert!(direct
        .iter()
        .any(|l| !l.answers.is_empty() && !l.chain.is_empty()));
    for kind in [
        "NxDomain",
        "ServFail",
        "CnameLoop",
        "ChainTooLong",
        "MalformedName",
    ] {
        assert!(
            direct
                .iter()
                .any(|l| format!("{:?}", l.error).contains(kind)),
            "no {kind}"
        );
    }
    assert!(direct_queries > 0);
}
