//! Queries to one name server, without hickory's name-server pool.
//!
//! hickory's `Resolver` puts, under every query, a pool of name servers (ordering by measured
//! round-trip time, parallel and busy-server logic), a connection per protocol with a
//! multiplexer task and its channels, and a UDP request that re-encodes and re-parses its own
//! message for each answer. With one server to ask, none of that chooses anything: on 10,000
//! names against a local dnsmasq it was most of the scan's CPU (`bench/scan.sh`). [`Direct`]
//! keeps what decides the answers — hickory's `CachingClient` (RFC 6761 special names, CNAME
//! chasing, the records it returns and their TTLs, and the mapping of response codes to
//! errors), its `RetryDnsHandle` (which errors are retried, and how often), and the hosts
//! file, exactly as `Resolver::lookup` uses them — and replaces only the transport below with
//! [`Exchange`]: one query, one datagram on a shared socket (`udp_pool`), its answer matched
//! by source, ID and question as hickory's UDP client does, within the timeout, and over TCP
//! when the answer is truncated.
//!
//! `Upstream` is what `chain` asks: `Direct` when the configuration names one server (an
//! explicit `--resolver`, or a system configuration with one name server), hickory's whole
//! resolver otherwise (several servers, where its pool does choose).

use std::collections::HashSet;
use std::future::{poll_fn, Future};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use futures_util::stream::{self, Stream};
use hickory_resolver::caching_client::CachingClient;
use hickory_resolver::config::{ProtocolConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use hickory_resolver::lookup::Lookup;
use hickory_resolver::net::runtime::DnsUdpSocket;
use hickory_resolver::net::udp::MAX_RECEIVE_BUFFER_SIZE;
use hickory_resolver::net::xfer::{DnsHandle, RetryDnsHandle};
use hickory_resolver::net::NetError;
use hickory_resolver::proto::op::{
    DnsRequest, DnsRequestOptions, DnsResponse, Message, Query, DEFAULT_RETRY_FLOOR,
};
use hickory_resolver::proto::rr::{Name, RecordType};
use hickory_resolver::Hosts;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::udp_pool::PooledUdp;

/// How long one try waits before sending its datagram again: hickory's floor for that
/// interval (`DEFAULT_RETRY_FLOOR`), which its UDP client uses unless the server's measured
/// round trip is slower.
const RESEND_AFTER: Duration = DEFAULT_RETRY_FLOOR;
/// Datagrams one try sends at most (hickory's UDP client: 3).
const SENDS: u32 = 3;

/// hickory's resolver on tokio, with UDP sockets shared between queries (see `udp_pool`).
pub(crate) type HickoryResolver = hickory_resolver::Resolver<PooledUdp>;

/// Where `chain` sends its lookups.
#[derive(Clone)]
pub(crate) enum Upstream {
    /// One server, asked directly.
    Direct(Direct),
    /// hickory's resolver, for configurations of several servers.
    Hickory(HickoryResolver),
}

impl Upstream {
    /// Builds the upstream for `config` and `opts` (already adjusted by the caller); `direct`
    /// allows the direct path when the configuration names one server.
    pub(crate) fn new(
        config: ResolverConfig,
        opts: ResolverOpts,
        udp: PooledUdp,
        direct: bool,
    ) -> Result<Self, NetError> {
        if let Some(server) = single_udp_server(&config).filter(|_| direct) {
            return Ok(Upstream::Direct(Direct::new(server, &opts, udp)));
        }
        let mut builder = HickoryResolver::builder_with_config(config, udp);
        *builder.options_mut() = opts;
        Ok(Upstream::Hickory(builder.build()?))
    }

    /// Looks `name` up for `rt`, as `hickory_resolver::Resolver::lookup` does for an absolute
    /// name: the hosts file first, then the server.
    pub(crate) async fn lookup(&self, name: Name, rt: RecordType) -> Result<Lookup, NetError> {
        match self {
            Upstream::Direct(d) => {
                let query = Query::query(name, rt);
                match d.hosts.lookup_static_host(&query) {
                    Some(lookup) => Ok(lookup),
                    None => d.client.lookup(query, d.options).await,
                }
            }
            Upstream::Hickory(r) => r.lookup(name, rt).await,
        }
    }
}

/// The server's UDP address when the configuration names exactly one server and asks it over
/// UDP (TCP then serves truncated answers, as hickory's `udp_and_tcp` does).
fn single_udp_server(config: &ResolverConfig) -> Option<SocketAddr> {
    let [server] = config.name_servers() else {
        return None;
    };
    let udp = server
        .connections
        .iter()
        .find(|c| matches!(c.protocol, ProtocolConfig::Udp) && c.bind_addr.is_none())?;
    let tcp = server.connections.iter().all(|c| {
        matches!(c.protocol, ProtocolConfig::Udp | ProtocolConfig::Tcp) && c.bind_addr.is_none()
    });
    tcp.then(|| SocketAddr::new(server.ip, udp.port))
}

/// hickory's lookup logic over [`Exchange`].
#[derive(Clone)]
pub(crate) struct Direct {
    client: CachingClient<RetryDnsHandle<Exchange>>,
    options: DnsRequestOptions,
    hosts: Arc<Hosts>,
}

impl Direct {
    fn new(server: SocketAddr, opts: &ResolverOpts, udp: PooledUdp) -> Self {
        let exchange = Exchange {
            server,
            udp,
            timeout: opts.timeout,
            avoid_local_udp_ports: Arc::clone(&opts.avoid_local_udp_ports),
            os_port_selection: opts.os_port_selection,
        };
        // As `Resolver::request_options` and `ResolverBuilder::build` set them.
        let mut options = DnsRequestOptions::default();
        options.recursion_desired = opts.recursion_desired;
        options.use_edns = opts.edns0;
        options.edns_payload_len = opts.edns_payload_len;
        options.case_randomization = false;
        let hosts = match opts.use_hosts_file {
            ResolveHosts::Always | ResolveHosts::Auto => Hosts::from_system().unwrap_or_default(),
            ResolveHosts::Never => Hosts::default(),
        };
        Direct {
            client: CachingClient::new(
                opts.cache_size,
                RetryDnsHandle::new(exchange, opts.attempts),
                opts.preserve_intermediates,
            ),
            options,
            hosts: Arc::new(hosts),
        }
    }
}

/// One query to one server: over UDP on a shared socket, then TCP if the answer is truncated.
#[derive(Clone)]
pub(crate) struct Exchange {
    server: SocketAddr,
    udp: PooledUdp,
    /// For each try, UDP and TCP each.
    timeout: Duration,
    avoid_local_udp_ports: Arc<HashSet<u16>>,
    os_port_selection: bool,
}

impl DnsHandle for Exchange {
    type Response = Pin<Box<dyn Stream<Item = Result<DnsResponse, NetError>> + Send + Unpin>>;
    type Runtime = PooledUdp;

    fn send(&self, request: DnsRequest) -> Self::Response {
        let me = self.clone();
        Box::pin(stream::once(Box::pin(
            async move { me.query(request).await },
        )))
    }
}

impl Exchange {
    async fn query(self, mut request: DnsRequest) -> Result<DnsResponse, NetError> {
        request.metadata.id = rand::random();
        let bytes = request.to_vec()?;
        let response = tokio::time::timeout(self.timeout, self.udp(&request, &bytes))
            .await
            .map_err(|_| NetError::Timeout)??;
        if !response.truncation {
            return Ok(response);
        }
        let response = tokio::time::timeout(self.timeout, self.tcp(&request, &bytes))
            .await
            .map_err(|_| NetError::Timeout)??;
        if response.truncation {
            // As hickory's pool: a truncated answer over TCP too is given up on.
            return Err(NetError::Truncated);
        }
        Ok(response)
    }

    /// Sends `bytes` and waits for the answer to `request`, sending the same datagram again
    /// every [`RESEND_AFTER`] while none came, [`SENDS`] times at most, as hickory's UDP client
    /// does within one try. The shared socket hands on only datagrams from the server carrying
    /// the request's ID; the question is checked here, and anything else (a forged or stray
    /// datagram, one that does not parse) is ignored.
    async fn udp(&self, request: &Message, bytes: &[u8]) -> Result<DnsResponse, NetError> {
        let socket = self.udp.socket(
            self.server,
            &self.avoid_local_udp_ports,
            self.os_port_selection,
        )?;
        let mut buf = vec![0; MAX_RECEIVE_BUFFER_SIZE.min(request.max_payload() as usize)];
        let mut resend = Box::pin(tokio::time::sleep(RESEND_AFTER));
        let mut sends = 0;
        loop {
            if sends == 0 || (sends < SENDS && resend.is_elapsed()) {
                let sent = poll_fn(|cx| socket.poll_send_to(cx, bytes, self.server)).await?;
                if sent != bytes.len() {
                    return Err(NetError::from(format!(
                        "Not all bytes of message sent, {sent} of {}",
                        bytes.len()
                    )));
                }
                sends += 1;
                resend
                    .as_mut()
                    .reset(tokio::time::Instant::now() + RESEND_AFTER);
            }
            let received = poll_fn(|cx| match socket.poll_recv_from(cx, &mut buf) {
                Poll::Ready(r) => Poll::Ready(Some(r)),
                Poll::Pending if sends < SENDS && resend.as_mut().poll(cx).is_ready() => {
                    Poll::Ready(None)
                }
                Poll::Pending => Poll::Pending,
            })
            .await;
            if let Some(received) = received {
                let (len, _) = received?;
                if let Some(response) = answer_to(request, buf[..len].to_vec()) {
                    return Ok(response);
                }
            }
        }
    }

    /// The same query over a TCP connection of its own (RFC 1035 §4.2.2: each message preceded
    /// by its length in two bytes).
    async fn tcp(&self, request: &Message, bytes: &[u8]) -> Result<DnsResponse, NetError> {
        let len = u16::try_from(bytes.len())
            .map_err(|_| NetError::from("DNS message too long for TCP"))?;
        let mut stream = TcpStream::connect(self.server).await?;
        let mut framed = Vec::with_capacity(bytes.len() + 2);
        framed.extend_from_slice(&len.to_be_bytes());
        framed.extend_from_slice(bytes);
        stream.write_all(&framed).await?;
        loop {
            let len = stream.read_u16().await?;
            let mut message = vec![0; usize::from(len)];
            stream.read_exact(&mut message).await?;
            if let Some(response) = answer_to(request, message) {
                return Ok(response);
            }
        }
    }
}

/// `datagram` as the answer to `request`: same ID, and the same questions (RFC 1035 §7.3), as
/// hickory's UDP client checks them; `None` for anything else.
fn answer_to(request: &Message, datagram: Vec<u8>) -> Option<DnsResponse> {
    if datagram.get(..2)? != request.metadata.id.to_be_bytes() {
        return None;
    }
    let response = DnsResponse::from_buffer(datagram).ok()?;
    let asked = &request.queries;
    (response.queries.len() == asked.len() && response.queries.iter().all(|q| asked.contains(q)))
        .then_some(response)
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, SocketAddr};
    use std::time::Duration;

    use hickory_resolver::proto::op::{Message, OpCode};
    use hickory_resolver::proto::rr::rdata::A;
    use hickory_resolver::proto::rr::{RData, Record};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, UdpSocket};

    use crate::dns::{Answer, LookupError, RecordType, ResolverBuilder};

    const OVER_TCP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 53);

    /// A server whose UDP answers are all truncated (TC set, no records), and whose TCP
    /// answers carry the record; with `tcp_truncated`, TCP answers are truncated too.
    async fn truncating_server(tcp_truncated: bool) -> SocketAddr {
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = udp.local_addr().unwrap();
        let tcp = TcpListener::bind(addr).await.unwrap();
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            while let Ok((len, from)) = udp.recv_from(&mut buf).await {
                let query = Message::from_vec(&buf[..len]).unwrap();
                let mut m = Message::response(query.metadata.id, OpCode::Query);
                m.metadata.truncation = true;
                m.add_query(query.queries[0].clone());
                udp.send_to(&m.to_vec().unwrap(), from).await.unwrap();
            }
        });
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = tcp.accept().await {
                let len = stream.read_u16().await.unwrap();
                let mut buf = vec![0; usize::from(len)];
                stream.read_exact(&mut buf).await.unwrap();
                let query = Message::from_vec(&buf).unwrap();
                let q = &query.queries[0];
                let mut m = Message::response(query.metadata.id, OpCode::Query);
                m.metadata.truncation = tcp_truncated;
                m.add_query(q.clone());
                m.add_answer(Record::from_rdata(
                    q.name().clone(),
                    60,
                    RData::A(A(OVER_TCP)),
                ));
                let bytes = m.to_vec().unwrap();
                stream
                    .write_all(&(bytes.len() as u16).to_be_bytes())
                    .await
                    .unwrap();
                stream.write_all(&bytes).await.unwrap();
            }
        });
        addr
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_truncated_answer_is_asked_again_over_tcp() {
        let addr = truncating_server(false).await;
        let r = ResolverBuilder::new().nameserver(addr).build().unwrap();
        let l = r.resolve("big.example.org", RecordType::A).await;
        assert_eq!((l.error, l.answers), (None, vec![Answer::A(OVER_TCP)]));
        assert!(l.responded);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_answer_truncated_over_tcp_too_is_an_error() {
        let addr = truncating_server(true).await;
        let r = ResolverBuilder::new()
            .nameserver(addr)
            .timeout(Duration::from_millis(500))
            .attempts(0)
            .build()
            .unwrap();
        let l = r.resolve("big.example.org", RecordType::A).await;
        assert!(
            matches!(&l.error, Some(LookupError::Other { name, .. }) if name == "big.example.org"),
            "{l:?}"
        );
        assert!(!l.responded);
    }
}
