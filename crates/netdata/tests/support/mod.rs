//! A real DNS server on 127.0.0.1, in the test process: hickory-server's authoritative
//! catalog loaded from `crates/netdata/testdata/zones/*.zone`, wrapped in a handler that adds the
//! faults a zone file cannot express (SERVFAIL under `servfail.example.org`, 50 ms answers under
//! `slow.example.org`, no answer in time under `timeout.example.org`) and counts queries. Also a
//! "black hole" that reads UDP queries and never answers. Nothing here sends traffic off loopback.
//!
//! Shared by this crate's tests and the end-to-end tests at the repository root
//! (`tests/e2e/dns.rs` includes this file), which run it on a runtime of its own
//! ([`start_threaded`]) while the `sovstack` binary under test queries it.

#![allow(dead_code)] // each test binary uses a different part

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::op::ResponseCode;
use hickory_server::proto::rr::{LowerName, Name};
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, MessageResponseBuilder, ZoneType};
use hickory_server::Server;
use tokio::net::{TcpListener, UdpSocket};

/// Counters the tests read.
#[derive(Default)]
pub struct Stats {
    pub queries: AtomicUsize,
    in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
}

struct Handler {
    catalog: Catalog,
    stats: Arc<Stats>,
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response: R,
    ) -> ResponseInfo {
        self.stats.queries.fetch_add(1, Ordering::SeqCst);
        let now = self.stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let name = request
            .queries
            .queries()
            .first()
            .map(|q| q.name().to_string())
            .unwrap_or_default();
        let info = if name.ends_with("servfail.example.org.") {
            // An authoritative server that cannot load its zone answers like this.
            let msg = MessageResponseBuilder::new(&request.queries, None)
                .error_msg(&request.metadata, ResponseCode::ServFail);
            response.send_response(msg).await.expect("send SERVFAIL")
        } else {
            if name.ends_with(".slow.example.org.") {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            if name.ends_with(".timeout.example.org.") {
                // Longer than a client's timeout and retries: the client gives up first.
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            self.catalog.handle_request::<R, T>(request, response).await
        };
        self.stats.in_flight.fetch_sub(1, Ordering::SeqCst);
        info
    }
}

/// A running server; dropped with the test's runtime.
pub struct TestServer {
    pub addr: SocketAddr,
    pub stats: Arc<Stats>,
    _server: Server<Handler>,
}

/// `crates/netdata/testdata/zones`, from whichever package's tests include this file: this
/// crate's own, or the end-to-end tests at the repository root.
fn zones_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let own = manifest.join("testdata/zones");
    if own.is_dir() {
        own
    } else {
        manifest.join("crates/netdata/testdata/zones")
    }
}

/// Starts the zone server on a free port of 127.0.0.1 (UDP and TCP on the same port), on the
/// caller's runtime.
pub async fn start() -> TestServer {
    let dir = zones_dir();
    let mut catalog = Catalog::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let (origin, records) = Parser::new(text, Some(path.clone()), None)
            .parse()
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let zone = InMemoryZoneHandler::<TokioRuntimeProvider>::new(
            origin.clone(),
            records,
            ZoneType::Primary,
            AxfrPolicy::Deny,
        )
        .unwrap();
        catalog.upsert(LowerName::new(&origin), vec![Arc::new(zone)]);
    }
    let stats = Arc::new(Stats::default());
    let mut server = Server::new(Handler {
        catalog,
        stats: Arc::clone(&stats),
    });
    let (udp, tcp) = bind_pair().await;
    let addr = udp.local_addr().unwrap();
    server.register_socket(udp);
    server.register_listener(tcp, Duration::from_secs(5), 64);
    TestServer {
        addr,
        stats,
        _server: server,
    }
}

/// The zone server on a runtime of its own, for tests that are not async; it stops when dropped.
pub struct ThreadedServer {
    /// Where it listens (UDP and TCP).
    pub addr: SocketAddr,
    // Dropping the server aborts its tasks; the runtime runs them meanwhile.
    _server: TestServer,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for ThreadedServer {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// [`start`] on a two-thread runtime owned by the returned server.
pub fn start_threaded() -> ThreadedServer {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(start());
    ThreadedServer {
        addr: server.addr,
        _server: server,
        runtime: Some(runtime),
    }
}

/// A UDP socket that reads queries and drops them: a server that never answers. TCP on the
/// same port accepts and then stays silent too.
pub async fn black_hole() -> SocketAddr {
    let (udp, tcp) = bind_pair().await;
    let addr = udp.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while udp.recv_from(&mut buf).await.is_ok() {}
    });
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = tcp.accept().await {
            held.push(conn);
        }
    });
    addr
}

async fn bind_pair() -> (UdpSocket, TcpListener) {
    // The kernel picks a free UDP port; TCP may already hold it, so try again if so.
    for _ in 0..20 {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let port = udp.local_addr().unwrap().port();
        if let Ok(tcp) = TcpListener::bind(("127.0.0.1", port)).await {
            return (udp, tcp);
        }
    }
    panic!("no free port pair on 127.0.0.1");
}

/// Parses a name for tests.
pub fn name(s: &str) -> Name {
    Name::from_ascii(s).unwrap()
}
