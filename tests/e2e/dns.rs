//! A real DNS server on 127.0.0.1 for the network layer's tests: hickory-server's authoritative
//! catalog, serving the zones of `crates/netdata/testdata/zones/` (an organisation's own zone and
//! the provider side of its CNAME chains), on its own runtime thread so the `sovstack` process
//! under test can query it. Names under `timeout.example.org` are never answered in time. Nothing
//! here leaves loopback.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_server::net::runtime::{Time, TokioRuntimeProvider};
use hickory_server::proto::rr::LowerName;
use hickory_server::proto::serialize::txt::Parser;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::store::in_memory::InMemoryZoneHandler;
use hickory_server::zone_handler::{AxfrPolicy, Catalog, ZoneType};
use hickory_server::Server;
use tokio::net::{TcpListener, UdpSocket};

use crate::util::repo;

struct Handler {
    catalog: Catalog,
}

#[async_trait::async_trait]
impl RequestHandler for Handler {
    async fn handle_request<R: ResponseHandler, T: Time>(&self, request: &Request, response: R) -> ResponseInfo {
        let name = request.queries.queries().first().map(|q| q.name().to_string()).unwrap_or_default();
        if name.ends_with(".timeout.example.org.") {
            // Longer than the client's timeout and retries: the client gives up first.
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        self.catalog.handle_request::<R, T>(request, response).await
    }
}

/// A running server; it stops when dropped.
pub struct DnsServer {
    /// Where it listens (UDP and TCP).
    pub addr: SocketAddr,
    // Dropping the server aborts its tasks; the runtime runs them meanwhile.
    _server: Server<Handler>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Drop for DnsServer {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Starts the server on a free port of 127.0.0.1.
pub fn start() -> DnsServer {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (addr, server) = runtime.block_on(async {
        let dir = repo().join("crates/netdata/testdata/zones");
        let mut catalog = Catalog::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let (origin, records) = Parser::new(text, Some(path.clone()), None)
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let zone = InMemoryZoneHandler::<TokioRuntimeProvider>::new(origin.clone(), records, ZoneType::Primary, AxfrPolicy::Deny).unwrap();
            catalog.upsert(LowerName::new(&origin), vec![Arc::new(zone)]);
        }
        let mut server = Server::new(Handler { catalog });
        let (udp, tcp) = bind_pair().await;
        let addr = udp.local_addr().unwrap();
        server.register_socket(udp);
        server.register_listener(tcp, Duration::from_secs(5), 64);
        (addr, server)
    });
    DnsServer { addr, _server: server, runtime: Some(runtime) }
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
