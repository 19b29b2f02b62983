//! How much of the announced IPv4 space the operator table (`asn/major-asns.csv`) attributes to a
//! parent with a known headquarters: of the space located in the EU/EEA (the knowledge base's
//! `EEA` bloc), and of the 200 largest ASes worldwide. `data/network/README.md` quotes its output.
//!
//! ```sh
//! cargo run --release -p sovstack-netdata --example asn_coverage [DATA_DIR] [--list]
//! ```
//!
//! `--list` also prints every AS of the smallest set announcing 80% of the EU/EEA space and of
//! the worldwide top 200, with its share and whether the table has it (`-` when not).

use std::collections::BTreeSet;

use sovstack_netdata::{DataDir, OperatorBasis};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let list = args.iter().any(|a| a == "--list");
    let root = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/network").into());
    let data = DataDir::new(root).load()?;
    let kb = sovstack_kb::Kb::builtin()?;
    let eea: BTreeSet<String> = kb
        .bloc_members("EEA")
        .into_iter()
        .map(str::to_owned)
        .collect();
    let known = |asn: u32| {
        data.operator(asn).is_some_and(|o| {
            matches!(o.basis, OperatorBasis::Table { .. }) && o.parent_hq_country.is_some()
        })
    };

    let eu = data.ipv4_space_by_as(Some(&eea))?;
    let cover = eu.smallest_cover(0.8);
    let listed = eu.smallest_cover(if list { 0.93 } else { 0.8 });
    let covered = eu.covered_by(known);
    println!(
        "EU/EEA ({} countries): {} IPv4 addresses located, {} ASes announce them",
        eea.len(),
        eu.total,
        eu.by_asn.len()
    );
    println!(
        "  the largest {} ASes announce 80%; {} of them have a row",
        cover.len(),
        cover.iter().filter(|(a, _)| known(*a)).count()
    );
    println!(
        "  rows with a known headquarters cover {} addresses: {:.2}%",
        covered,
        100.0 * covered as f64 / eu.total as f64
    );
    let world = data.ipv4_space_by_as(None)?;
    let top = &world.by_asn[..200.min(world.by_asn.len())];
    let top_known = top.iter().filter(|(a, _)| known(*a)).count();
    let top_space: u64 = top.iter().map(|(_, n)| n).sum();
    let world_covered = world.covered_by(known);
    println!(
        "worldwide: {} IPv4 addresses announced by {} ASes; the top 200 hold {:.2}%, {} of them have a row",
        world.total,
        world.by_asn.len(),
        100.0 * top_space as f64 / world.total as f64,
        top_known
    );
    println!(
        "  rows with a known headquarters cover {:.2}% of the announced space",
        100.0 * world_covered as f64 / world.total as f64
    );
    if list {
        let name = |asn: u32| data.operator(asn).map(|o| o.operator).unwrap_or_default();
        let row = |scope: &str, rank: usize, asn: u32, n: u64, total: u64, cum: u64| {
            let hq = data
                .operator(asn)
                .filter(|o| matches!(o.basis, OperatorBasis::Table { .. }))
                .and_then(|o| o.parent_hq_country)
                .unwrap_or_else(|| "-".into());
            println!(
                "{scope}\t{rank}\tAS{asn}\t{n}\t{:.3}%\t{:.2}%\t{hq}\t{}",
                100.0 * n as f64 / total as f64,
                100.0 * cum as f64 / total as f64,
                name(asn)
            );
        };
        let mut cum = 0;
        for (i, (asn, n)) in listed.iter().enumerate() {
            cum += n;
            row("eu", i + 1, *asn, *n, eu.total, cum);
        }
        cum = 0;
        for (i, (asn, n)) in top.iter().enumerate() {
            cum += n;
            row("world", i + 1, *asn, *n, world.total, cum);
        }
    }
    Ok(())
}
