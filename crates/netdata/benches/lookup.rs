//! Lookup throughput over the shipped data directory: the cloud-range longest-prefix match
//! (target: at least 1,000,000 lookups per second on one core), the MaxMind lookups, and a
//! full attribution. Run with `cargo bench -p sovstack-netdata --bench lookup`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::sync::OnceLock;

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use sovstack_netdata::{DataDir, NetData};

fn main() {
    divan::main();
}

fn data() -> &'static NetData {
    static DATA: OnceLock<NetData> = OnceLock::new();
    DATA.get_or_init(|| {
        DataDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/network"))
            .load()
            .unwrap()
    })
}

/// 4,096 addresses, fixed by a seed: half IPv4 anywhere, half IPv6 inside 2000::/3's
/// busiest blocks (2400::/6 holds most providers' IPv6 ranges).
fn addresses() -> &'static [IpAddr] {
    static ADDRS: OnceLock<Vec<IpAddr>> = OnceLock::new();
    ADDRS.get_or_init(|| {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        (0..4096)
            .map(|i| {
                if i % 2 == 0 {
                    IpAddr::V4(Ipv4Addr::from(next() as u32))
                } else {
                    let hi = (0x2400u128 << 112) | (u128::from(next()) << 48 >> 6);
                    IpAddr::V6(Ipv6Addr::from(hi | u128::from(next() as u16)))
                }
            })
            .collect()
    })
}

#[divan::bench]
fn cloud_lpm(bencher: Bencher) {
    let data = data();
    let addrs = addresses();
    bencher.counter(ItemsCount::new(addrs.len())).bench(|| {
        let mut hits = 0usize;
        for ip in addrs {
            hits += usize::from(data.cloud(black_box(*ip)).is_some());
        }
        hits
    });
}

#[divan::bench]
fn asn_mmdb(bencher: Bencher) {
    let data = data();
    let addrs = addresses();
    bencher.counter(ItemsCount::new(addrs.len())).bench(|| {
        addrs
            .iter()
            .filter(|ip| matches!(data.asn(black_box(**ip)), Ok(Some(_))))
            .count()
    });
}

#[divan::bench]
fn attribute(bencher: Bencher) {
    let data = data();
    let addrs = addresses();
    bencher.counter(ItemsCount::new(addrs.len())).bench(|| {
        addrs
            .iter()
            .map(|ip| data.attribute(black_box(*ip)).errors.len())
            .sum::<usize>()
    });
}

#[divan::bench]
fn load_data_dir() -> NetData {
    DataDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/network"))
        .load()
        .unwrap()
}
