mod common;
use sovstack_host::*;
use std::time::*;
#[test]
fn probe() {
    for fuel in [100_000_000u64, 500_000_000, 1_000_000_000] {
        let host = Host::new(HostConfig { fuel, timeout: Duration::from_secs(30), ..HostConfig::default() }).unwrap();
        let p = host.load("x", &common::wasm("infinite_loop")).unwrap();
        let t = Instant::now();
        let e = host.evaluate(&p, &common::request()).unwrap_err();
        eprintln!("fuel {fuel}: {:?} {}", t.elapsed(), e.code());
    }
}
