//! The operator table's coverage, recomputed from the shipped pack: rows with a known
//! headquarters must cover at least 80% of the IPv4 space located in the EU/EEA (the knowledge
//! base's `EEA` bloc), and most of the 200 largest ASes worldwide. `data/network/README.md`
//! quotes the figures (`cargo run --release -p sovstack-netdata --example asn_coverage`).

use std::collections::BTreeSet;

use sovstack_netdata::{DataDir, NetData, OperatorBasis};

fn pack() -> NetData {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/network");
    let data = DataDir::new(root).load().unwrap();
    assert!(data.errors().is_empty(), "{:?}", data.errors());
    data
}

fn known(data: &NetData, asn: u32) -> bool {
    data.operator(asn).is_some_and(|o| {
        matches!(o.basis, OperatorBasis::Table { .. }) && o.parent_hq_country.is_some()
    })
}

#[test]
fn table_covers_80_percent_of_eu_eea_ipv4_and_the_largest_ases() {
    let data = pack();
    let kb = sovstack_kb::Kb::builtin().unwrap();
    let eea: BTreeSet<String> = kb
        .bloc_members("EEA")
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(eea.len(), 30, "EU 27 + IS, LI, NO");

    let eu = data.ipv4_space_by_as(Some(&eea)).unwrap();
    // The pack locates about 536 million IPv4 addresses in the EU/EEA; a much smaller figure
    // means a database failed to load or the intersection broke.
    assert!(eu.total > 400_000_000, "{}", eu.total);
    let covered = eu.covered_by(|a| known(&data, a));
    let share = covered as f64 / eu.total as f64;
    assert!(
        share >= 0.80,
        "rows with a known headquarters cover {:.2}% of the EU/EEA IPv4 space",
        100.0 * share
    );
    // The largest ASes that announce 80% between them: the few left out are listed as such in
    // data/network/README.md.
    let cover = eu.smallest_cover(0.8);
    let missing: Vec<u32> = cover
        .iter()
        .map(|(a, _)| *a)
        .filter(|a| !known(&data, *a))
        .collect();
    assert!(
        missing.len() * 5 <= cover.len(),
        "{} of {} have no row: {missing:?}",
        missing.len(),
        cover.len()
    );

    let world = data.ipv4_space_by_as(None).unwrap();
    let top = &world.by_asn[..200];
    let with_rows = top.iter().filter(|(a, _)| known(&data, *a)).count();
    assert!(
        with_rows >= 180,
        "{with_rows} of the 200 largest ASes have a row"
    );
    // Renater, the French research network, is among the largest in both.
    assert!(cover.iter().any(|(a, _)| *a == 2200) && top.iter().any(|(a, _)| *a == 2200));
    assert!(known(&data, 2200));
}

#[test]
fn smallest_cover_and_covered_by_add_up() {
    let data = pack();
    let world = data.ipv4_space_by_as(None).unwrap();
    let sum: u64 = world.by_asn.iter().map(|(_, n)| n).sum();
    assert_eq!(sum, world.total);
    // Sorted largest first, the order a cover is taken in.
    assert!(world.by_asn.windows(2).all(|w| w[0].1 >= w[1].1));
    let half = world.smallest_cover(0.5);
    let held: u64 = half.iter().map(|(_, n)| n).sum();
    let without_last = held - half.last().unwrap().1;
    assert!(
        held as f64 >= 0.5 * world.total as f64 && (without_last as f64) < 0.5 * world.total as f64
    );
    assert_eq!(world.covered_by(|_| true), world.total);
    // Located space is part of the announced space.
    let de: BTreeSet<String> = ["DE".to_string()].into();
    let located = data.ipv4_space_by_as(Some(&de)).unwrap();
    assert!(located.total < world.total);
    let dtag =
        |s: &sovstack_netdata::Ipv4Space| s.by_asn.iter().find(|(a, _)| *a == 3320).unwrap().1;
    assert!(dtag(&located) <= dtag(&world) && dtag(&located) > 30_000_000);
}

#[test]
fn without_the_databases_there_is_no_figure() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("MANIFEST.csv"),
        "path,kind,format,provider,basis,date,licence,origin\n",
    )
    .unwrap();
    let data = DataDir::new(dir.path()).load().unwrap();
    let err = data.ipv4_space_by_as(None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "MANIFEST.csv: asn-mmdb: no such database loaded"
    );
}
