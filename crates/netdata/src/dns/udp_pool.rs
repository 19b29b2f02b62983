//! UDP sockets shared by several queries, under hickory.
//!
//! hickory sends every UDP query from a socket of its own, bound to a fresh random port, and
//! closes it after the answer: `socket`, `bind`, two `epoll_ctl` and `close` around each
//! `sendto`/`recvfrom`. Against a resolver on loopback that answers in microseconds, that was
//! most of a batch's system time (`strace -c` on `bench/dns.sh`: 7 calls per query, 5 of
//! them for the socket's life). [`PooledUdp`] is a hickory [`RuntimeProvider`] that hands
//! hickory, for each query, a light handle on one of a few longer-lived sockets per server.
//! Everything above the socket is still hickory's, unchanged: query IDs, retries, timeouts,
//! the checks of each answer's source address, ID and question, TCP when an answer is
//! truncated. TCP and timers are tokio's, as with hickory's own `TokioRuntimeProvider`.
//! With one server to ask, `exchange` takes its handles from the same pool
//! ([`PooledUdp::socket`]) and does those checks itself, as hickory's UDP client does.
//!
//! The security trade-off. A port used by one query makes an off-path forger guess port and
//! ID together (about 32 bits); a port shared by several queries and open for longer gives
//! such a guess more targets and more time, and ports that stay open are easier to find (the
//! SAD DNS side channel). So, as c-ares does with `udp_max_queries`, sharing is bounded:
//! - each socket is bound to the random port hickory drew for the query that opened it
//!   (1024-65535, RFC 6056; `avoid_local_udp_ports` and `os_port_selection` honoured);
//! - a socket takes at most [`MAX_USES`] queries, and new queries for at most [`MAX_AGE`];
//!   then a new random port replaces it, and it closes when its last query is done;
//! - each socket is connected to its server, so the kernel drops datagrams from anywhere else,
//!   and a datagram is handed on only if it comes from the server's address and port and
//!   carries the ID of a query waiting on that socket; hickory then checks ID and question
//!   again. Connected, a socket is also told when nothing listens on the server's port (ICMP
//!   port unreachable), and the queries waiting on it fail at once, saying so;
//! - query IDs are hickory's, random 16-bit.

use std::collections::{HashMap, HashSet};
use std::future::{poll_fn, Future};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hickory_resolver::net::runtime::{
    DnsUdpSocket, RuntimeProvider, TokioHandle, TokioRuntimeProvider, TokioTime,
};
use hickory_resolver::net::udp::MAX_RECEIVE_BUFFER_SIZE;
use tokio::io::{Interest, ReadBuf};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

/// Sockets open at once per server, taking queries in turn. On loopback 2, 4 and 8 ran
/// alike; 4 keeps few ports open and, at 64 queries in flight, 16 IDs waiting on each.
pub(crate) const WIDTH: usize = 4;
/// Queries one socket carries before a fresh random port replaces it.
pub(crate) const MAX_USES: u32 = 64;
/// How long one socket takes new queries.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(2);

/// A hickory runtime whose UDP "sockets" are handles on a small pool of shared sockets.
#[derive(Clone, Default)]
pub(crate) struct PooledUdp {
    tokio: TokioRuntimeProvider,
    pool: Arc<Pool>,
}

impl PooledUdp {
    /// A handle for one query to `server`, for callers below hickory (`exchange`): a new
    /// socket, when one is due, is bound as hickory's UDP client binds its own — on the
    /// unspecified address of the server's family, at a random port of 1024-65535 outside
    /// `avoid`, or one the system picks with `os_port_selection`, drawing again (up to 10
    /// times) when the port is taken.
    pub(crate) fn socket(
        &self,
        server: SocketAddr,
        avoid: &HashSet<u16>,
        os_port_selection: bool,
    ) -> io::Result<PooledSocket> {
        let unspecified = match server {
            SocketAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            SocketAddr::V6(_) => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        };
        let mut tries = 0;
        loop {
            // Port 0 (the system's choice) too when every draw hit `avoid`, as hickory does.
            let mut port = 0;
            while !os_port_selection && port == 0 && tries < BIND_TRIES {
                let drawn = rand::random_range(1024..=u16::MAX);
                tries += 1;
                if !avoid.contains(&drawn) {
                    port = drawn;
                }
            }
            match self.pool.handle(SocketAddr::new(unspecified, port), server) {
                Err(e) if port != 0 && tries < BIND_TRIES && port_unavailable(&e) => {}
                done => return done,
            }
        }
    }
}

/// Whether a bind failed because the port is taken or reserved (another draw may succeed).
fn port_unavailable(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::AddrInUse | io::ErrorKind::PermissionDenied
    )
}

/// Random ports drawn for one socket before giving up, as hickory's UDP client.
const BIND_TRIES: usize = 10;

#[derive(Default)]
struct Pool {
    /// Per server, the sockets taking new queries.
    servers: Mutex<HashMap<SocketAddr, Slots>>,
}

#[derive(Default)]
struct Slots {
    sockets: Vec<Slot>,
    /// Round-robin position.
    next: usize,
}

struct Slot {
    shared: Arc<Shared>,
    born: Instant,
    uses: u32,
}

/// One real socket, shared by the queries sent from it.
struct Shared {
    /// For the receiving task, and for the rare send that would block.
    socket: Arc<UdpSocket>,
    /// The same socket (a duplicated descriptor) to send without tokio's readiness tracking,
    /// which wakes only the last of several tasks polling one socket for write. A UDP socket
    /// is nearly always writable.
    sender: std::net::UdpSocket,
    server: SocketAddr,
    /// The queries waiting for an answer, by ID. Usually one per ID; more when hickory
    /// re-sends a query, or when queries drew the same ID.
    waiting: Mutex<HashMap<u16, Vec<Waiter>>>,
    next_token: AtomicU64,
    /// Dropped with the socket's last user: stops the receiving task, which closes the socket.
    _stop: oneshot::Sender<()>,
}

/// What a waiting query is handed: a datagram and its source, or the socket's error when the
/// server refused (an ICMP port unreachable, which a connected socket is told of).
type Delivery = Result<(Vec<u8>, SocketAddr), io::ErrorKind>;

/// A handle's token and its inbox.
type Waiter = (u64, mpsc::UnboundedSender<Delivery>);

impl Pool {
    /// A handle for one query to `server`, opening a socket on `local` if one is due.
    fn handle(&self, local: SocketAddr, server: SocketAddr) -> io::Result<PooledSocket> {
        let mut servers = self.servers.lock().expect("pool lock");
        let slots = servers.entry(server).or_default();
        let i = if slots.sockets.len() < WIDTH {
            slots.sockets.len()
        } else {
            slots.next = (slots.next + 1) % WIDTH;
            slots.next
        };
        let due = slots
            .sockets
            .get(i)
            .is_none_or(|s| s.uses >= MAX_USES || s.born.elapsed() >= MAX_AGE);
        if due {
            // On failure (the port is taken), hickory draws another port and asks again.
            let slot = Slot {
                shared: open(local, server)?,
                born: Instant::now(),
                uses: 0,
            };
            if i < slots.sockets.len() {
                slots.sockets[i] = slot;
            } else {
                slots.sockets.push(slot);
            }
        }
        let slot = &mut slots.sockets[i];
        slot.uses += 1;
        Ok(PooledSocket {
            token: slot.shared.next_token.fetch_add(1, Ordering::Relaxed),
            shared: Arc::clone(&slot.shared),
            state: Mutex::new(State::default()),
        })
    }
}

/// Binds a socket on `local`, connected to `server`, and starts the task that receives on it.
/// Connected, the socket receives only from the server, and is told when nothing listens
/// there (ICMP port unreachable): the queries waiting on it then fail at once rather than
/// after every timeout and retry (12 s for a scan against a closed port on loopback).
fn open(local: SocketAddr, server: SocketAddr) -> io::Result<Arc<Shared>> {
    let std_socket = std::net::UdpSocket::bind(local)?;
    std_socket.connect(server)?;
    std_socket.set_nonblocking(true)?;
    let sender = std_socket.try_clone()?;
    let socket = Arc::new(UdpSocket::from_std(std_socket)?);
    let (stop, stopped) = oneshot::channel();
    let shared = Arc::new(Shared {
        socket: Arc::clone(&socket),
        sender,
        server,
        waiting: Mutex::new(HashMap::new()),
        next_token: AtomicU64::new(0),
        _stop: stop,
    });
    tokio::spawn(receive(socket, Arc::downgrade(&shared), server, stopped));
    Ok(shared)
}

/// Receives on one socket until its last user is gone, handing each datagram to the queries
/// waiting for its ID. Anything not from `server`, shorter than an ID, or for no waiting ID
/// is dropped.
async fn receive(
    socket: Arc<UdpSocket>,
    shared: Weak<Shared>,
    server: SocketAddr,
    mut stopped: oneshot::Receiver<()>,
) {
    // hickory reads at most this much of an answer on its own sockets (a longer one is cut
    // short there too), so a larger buffer would change nothing.
    let mut buf = [0u8; MAX_RECEIVE_BUFFER_SIZE];
    // An error the socket holds (a refusal) makes it ready for no read: it is awaited apart.
    let mut error = Box::pin(socket.ready(Interest::ERROR));
    loop {
        let mut refused = false;
        let received = poll_fn(|cx| {
            if Pin::new(&mut stopped).poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            let mut read = ReadBuf::new(&mut buf);
            if let Poll::Ready(r) = socket.poll_recv_from(cx, &mut read) {
                return Poll::Ready(Some(r.map(|from| (read.filled().len(), from))));
            }
            match error.as_mut().poll(cx) {
                Poll::Ready(_) => {
                    refused = true;
                    Poll::Ready(Some(Err(socket
                        .take_error()
                        .ok()
                        .flatten()
                        .unwrap_or_else(|| io::ErrorKind::WouldBlock.into()))))
                }
                Poll::Pending => Poll::Pending,
            }
        })
        .await;
        if refused {
            // The error is taken; tokio forgets the readiness only when told it was spurious.
            let _ = socket.try_io(Interest::ERROR, || {
                Err::<(), _>(io::Error::from(io::ErrorKind::WouldBlock))
            });
            error.set(socket.ready(Interest::ERROR));
        }
        let (len, from) = match received {
            None => return,
            Some(Ok(got)) => got,
            // Nothing listens on the server's port: every query waiting here is told.
            Some(Err(e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
                let Some(shared) = shared.upgrade() else {
                    return;
                };
                let waiting = shared.waiting.lock().expect("waiting lock");
                for (_, inbox) in waiting.values().flatten() {
                    let _ = inbox.send(Err(e.kind()));
                }
                continue;
            }
            // Anything else is transient at worst, and the queries' own timeouts cover a
            // socket that stops working.
            Some(Err(_)) => continue,
        };
        if len < 2
            || from.ip().to_canonical() != server.ip().to_canonical()
            || from.port() != server.port()
        {
            continue;
        }
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let id = u16::from_be_bytes([buf[0], buf[1]]);
        let waiting = shared.waiting.lock().expect("waiting lock");
        for (_, inbox) in waiting.get(&id).into_iter().flatten() {
            // A closed inbox is a handle being dropped; it unregisters itself.
            let _ = inbox.send(Ok((buf[..len].to_vec(), from)));
        }
    }
}

/// What hickory sees as the socket of one query: a send goes out on the shared socket, and
/// receiving yields the datagrams that carry the sent query's ID, with their real source.
pub(crate) struct PooledSocket {
    shared: Arc<Shared>,
    token: u64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The ID this handle waits for, once it has sent.
    id: Option<u16>,
    inbox: Option<mpsc::UnboundedReceiver<Delivery>>,
    /// A send that would have blocked, finishing through tokio (which wakes every waiter).
    sending: Option<Pin<Box<dyn Future<Output = io::Result<usize>> + Send>>>,
}

impl PooledSocket {
    /// Waits for answers to the query in `message` (whose first two bytes are its ID).
    fn register(&self, state: &mut State, message: &[u8]) -> io::Result<()> {
        let Some(&[hi, lo]) = message.first_chunk::<2>() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "DNS message shorter than its ID",
            ));
        };
        let id = u16::from_be_bytes([hi, lo]);
        if state.id == Some(id) {
            return Ok(());
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let mut waiting = self.shared.waiting.lock().expect("waiting lock");
        if let Some(old) = state.id.take() {
            unregister(&mut waiting, old, self.token);
        }
        waiting.entry(id).or_default().push((self.token, tx));
        state.id = Some(id);
        state.inbox = Some(rx);
        Ok(())
    }
}

fn unregister(waiting: &mut HashMap<u16, Vec<Waiter>>, id: u16, token: u64) {
    if let Some(waiters) = waiting.get_mut(&id) {
        waiters.retain(|(t, _)| *t != token);
        if waiters.is_empty() {
            waiting.remove(&id);
        }
    }
}

impl Drop for PooledSocket {
    fn drop(&mut self) {
        let state = self.state.get_mut().expect("state lock");
        // The inbox goes first: dropped after it, its sender has no receiver left to tell that
        // it closed, so unregistering wakes no task (it woke the runtime through its eventfd,
        // once per query).
        drop(state.inbox.take());
        if let Some(id) = state.id {
            let mut waiting = self.shared.waiting.lock().expect("waiting lock");
            unregister(&mut waiting, id, self.token);
        }
    }
}

impl DnsUdpSocket for PooledSocket {
    type Time = TokioTime;

    fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        let mut state = self.state.lock().expect("state lock");
        let Some(inbox) = state.inbox.as_mut() else {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::NotConnected,
                "receive before send",
            )));
        };
        inbox.poll_recv(cx).map(|datagram| match datagram {
            Some(Err(kind)) => Err(io::Error::new(
                kind,
                format!(
                    "{} refused the query: nothing listens on that port",
                    self.shared.server
                ),
            )),
            Some(Ok((datagram, from))) => {
                // As from a real socket, a datagram longer than the buffer is cut short.
                let len = datagram.len().min(buf.len());
                buf[..len].copy_from_slice(&datagram[..len]);
                Ok((len, from))
            }
            // The receiving task is gone; it is not while a handle on its socket lives.
            None => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "shared UDP socket closed",
            )),
        })
    }

    fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        if target != self.shared.server {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "socket for {} asked to send to {target}",
                    self.shared.server
                ),
            )));
        }
        let mut state = self.state.lock().expect("state lock");
        // Before the datagram leaves, so that no answer can arrive unclaimed.
        self.register(&mut state, buf)?;
        if state.sending.is_none() {
            // Connected to the server (checked above to be the target): a plain send, which
            // takes the socket's cached route rather than looking one up for each datagram.
            match self.shared.sender.send(buf) {
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) =>
                {
                    let (socket, bytes) = (Arc::clone(&self.shared.socket), buf.to_vec());
                    state.sending = Some(Box::pin(async move { socket.send(&bytes).await }));
                }
                done => return Poll::Ready(done),
            }
        }
        let polled = match state.sending.as_mut() {
            Some(sending) => sending.as_mut().poll(cx),
            None => unreachable!("set above"),
        };
        if polled.is_ready() {
            state.sending = None;
        }
        polled
    }
}

impl RuntimeProvider for PooledUdp {
    type Handle = TokioHandle;
    type Timer = TokioTime;
    type Udp = PooledSocket;
    type Tcp = <TokioRuntimeProvider as RuntimeProvider>::Tcp;

    fn create_handle(&self) -> Self::Handle {
        self.tokio.create_handle()
    }

    fn connect_tcp(
        &self,
        server_addr: SocketAddr,
        bind_addr: Option<SocketAddr>,
        timeout: Option<Duration>,
    ) -> Pin<Box<dyn Send + Future<Output = Result<Self::Tcp, io::Error>>>> {
        self.tokio.connect_tcp(server_addr, bind_addr, timeout)
    }

    fn bind_udp(
        &self,
        local_addr: SocketAddr,
        server_addr: SocketAddr,
    ) -> Pin<Box<dyn Send + Future<Output = Result<Self::Udp, io::Error>>>> {
        let pool = Arc::clone(&self.pool);
        Box::pin(async move { pool.handle(local_addr, server_addr) })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};
    use std::net::{Ipv4Addr, SocketAddr};
    use std::sync::{Arc, Mutex};

    use hickory_resolver::proto::op::{Message, OpCode, Query};
    use hickory_resolver::proto::rr::rdata::A;
    use hickory_resolver::proto::rr::{Name, RData, Record};
    use tokio::net::UdpSocket;

    use super::{MAX_USES, WIDTH};
    use crate::dns::{Answer, RecordType, ResolverBuilder};

    const REAL: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const FORGED: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 66);

    #[derive(Clone, Copy, PartialEq)]
    enum Mode {
        Honest,
        /// Before each real answer, three forged ones: from another port, with another ID,
        /// and for another question.
        Forge,
        /// Ignores the first copy of each query: only hickory's re-send is answered.
        DropFirst,
    }

    fn answer(id: u16, query: &Query, ip: Ipv4Addr) -> Vec<u8> {
        let mut m = Message::response(id, OpCode::Query);
        m.metadata.recursion_desired = true;
        m.metadata.recursion_available = true;
        m.add_query(query.clone());
        m.add_answer(Record::from_rdata(
            query.name().clone(),
            60,
            RData::A(A(ip)),
        ));
        m.to_vec().unwrap()
    }

    /// A UDP DNS server on 127.0.0.1 answering every A query with `REAL`; records the source
    /// port of each query.
    async fn server(mode: Mode) -> (SocketAddr, Arc<Mutex<Vec<u16>>>) {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let other = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = socket.local_addr().unwrap();
        let ports = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&ports);
        tokio::spawn(async move {
            let mut buf = [0u8; 4096];
            let mut ignored = HashSet::new();
            while let Ok((len, from)) = socket.recv_from(&mut buf).await {
                seen.lock().unwrap().push(from.port());
                let query = Message::from_vec(&buf[..len]).unwrap();
                let (id, q) = (query.metadata.id, &query.queries[0]);
                if mode == Mode::DropFirst && ignored.insert((id, q.name().clone())) {
                    continue;
                }
                if mode == Mode::Forge {
                    let elsewhere =
                        Query::query(Name::from_ascii("evil.test.").unwrap(), q.query_type());
                    other.send_to(&answer(id, q, FORGED), from).await.unwrap();
                    socket
                        .send_to(&answer(id ^ 0x5a5a, q, FORGED), from)
                        .await
                        .unwrap();
                    socket
                        .send_to(&answer(id, &elsewhere, FORGED), from)
                        .await
                        .unwrap();
                }
                socket.send_to(&answer(id, q, REAL), from).await.unwrap();
            }
        });
        (addr, ports)
    }

    fn names(n: usize) -> Vec<(String, RecordType)> {
        (0..n)
            .map(|i| (format!("h{i}.pool.test"), RecordType::A))
            .collect()
    }

    fn all_real(lookups: &[crate::dns::Lookup]) {
        for l in lookups {
            assert_eq!(
                (&l.error, &l.answers[..]),
                (&None, &[Answer::A(REAL)][..]),
                "{l:?}"
            );
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn queries_share_a_few_ports_each_for_a_bounded_number_of_queries() {
        let (addr, ports) = server(Mode::Honest).await;
        let r = ResolverBuilder::new()
            .nameserver(addr)
            .concurrency(64)
            .build()
            .unwrap();
        let n = 1000;
        all_real(&r.resolve_all(&names(n)).await);

        let ports = ports.lock().unwrap();
        assert_eq!(ports.len(), n, "one query per name");
        let mut per_port: HashMap<u16, u32> = HashMap::new();
        for p in ports.iter() {
            *per_port.entry(*p).or_default() += 1;
        }
        assert!(per_port.values().all(|&q| q <= MAX_USES), "{per_port:?}");
        let fewest = n.div_ceil(MAX_USES as usize);
        assert!(
            (fewest..=fewest + WIDTH).contains(&per_port.len()),
            "{} ports for {n} queries",
            per_port.len()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn forged_answers_on_a_shared_port_are_ignored() {
        let (addr, _) = server(Mode::Forge).await;
        let r = ResolverBuilder::new()
            .nameserver(addr)
            .concurrency(32)
            .build()
            .unwrap();
        all_real(&r.resolve_all(&names(200)).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_resent_query_is_answered_on_the_shared_port() {
        let (addr, ports) = server(Mode::DropFirst).await;
        let r = ResolverBuilder::new()
            .nameserver(addr)
            .concurrency(32)
            .build()
            .unwrap();
        all_real(&r.resolve_all(&names(40)).await);
        let sent = ports.lock().unwrap().len();
        assert!(sent >= 80, "each query sent at least twice, {sent} in all");
    }
}
