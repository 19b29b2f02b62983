//! A real DNS server on 127.0.0.1 for the network layer's end-to-end tests: the same server the
//! `sovstack-netdata` tests use (hickory-server serving `crates/netdata/testdata/zones/`, with
//! SERVFAIL, slow and never-answered names), on a runtime thread of its own so the `sovstack`
//! process under test can query it. Nothing here leaves loopback.

#[path = "../../crates/netdata/tests/support/mod.rs"]
mod support;

pub use support::start_threaded as start;
