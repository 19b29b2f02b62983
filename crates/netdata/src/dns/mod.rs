//! A bounded, caching DNS resolver that records how each name resolves: every CNAME hop, the
//! answers, or why it failed, name by name, without one failure aborting a batch.
//!
//! Built on `hickory-resolver` over tokio: the system resolver (`/etc/resolv.conf`) by
//! default, or one explicit `IP:PORT`. Per-query timeout and retries are hickory's; the bound
//! on queries in flight, the result cache, and CNAME chains (a hop limit, loop detection, and
//! a record of every hop) are this module's, because hickory's own chasing stops at a fixed
//! depth and, on a loop or dangling chain, returns an error without the hops. Walking a chain
//! is `chain`'s business; checking names is `name`'s. With one server to ask, queries go to it
//! directly under hickory's lookup logic, without its name-server pool (`exchange`); UDP
//! queries go out on a few sockets shared by several queries each, with bounds on that
//! sharing, rather than one fresh socket per query as hickory does on its own: `udp_pool`'s
//! business, which explains the trade-off.

mod chain;
mod exchange;
mod name;
mod udp_pool;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use hickory_resolver::config::{NameServerConfig, ResolveHosts, ResolverConfig, ResolverOpts};
use serde::Serialize;

use exchange::Upstream;
use udp_pool::PooledUdp;

/// The record types sovstack asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RecordType {
    /// IPv4 addresses.
    A,
    /// IPv6 addresses.
    Aaaa,
    /// Mail exchangers.
    Mx,
    /// Name servers.
    Ns,
    /// Text records (SPF, verification tokens).
    Txt,
}

impl RecordType {
    fn to_hickory(self) -> hickory_resolver::proto::rr::RecordType {
        use hickory_resolver::proto::rr::RecordType as H;
        match self {
            RecordType::A => H::A,
            RecordType::Aaaa => H::AAAA,
            RecordType::Mx => H::MX,
            RecordType::Ns => H::NS,
            RecordType::Txt => H::TXT,
        }
    }
}

/// One answer record's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// A mail exchanger (name without trailing dot).
    Mx {
        /// Lower values are preferred.
        preference: u16,
        /// The exchanger's host name.
        exchange: String,
    },
    /// A name server (name without trailing dot).
    Ns(String),
    /// A text record, its character-strings concatenated (lossy UTF-8).
    Txt(String),
}

impl Answer {
    /// The address, for A and AAAA answers.
    pub fn ip(&self) -> Option<IpAddr> {
        match self {
            Answer::A(a) => Some(IpAddr::V4(*a)),
            Answer::Aaaa(a) => Some(IpAddr::V6(*a)),
            _ => None,
        }
    }
}

/// One CNAME hop: `name` is an alias of `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CnameHop {
    /// The alias (lower case, no trailing dot).
    pub name: String,
    /// The canonical name it points to.
    pub target: String,
    /// The record's TTL in seconds.
    pub ttl: u32,
}

/// Why a name could not be resolved. Recorded on its [`Lookup`], never raised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LookupError {
    /// The name cannot be a DNS name; no query was sent.
    #[error("malformed name: {reason}")]
    MalformedName {
        /// What is wrong with it.
        reason: String,
    },
    /// The name (or the end of its CNAME chain) does not exist.
    #[error("{name}: no such domain (NXDOMAIN)")]
    NxDomain {
        /// The name that does not exist.
        name: String,
    },
    /// The server could not answer (SERVFAIL).
    #[error("{name}: server failure (SERVFAIL)")]
    ServFail {
        /// The name queried.
        name: String,
    },
    /// The server refused to answer (REFUSED).
    #[error("{name}: query refused (REFUSED)")]
    Refused {
        /// The name queried.
        name: String,
    },
    /// No answer within the timeout, after every retry.
    #[error("{name}: no answer (timed out)")]
    Timeout {
        /// The name queried.
        name: String,
    },
    /// The CNAME chain comes back to a name it already passed.
    #[error("{name}: CNAME loop")]
    CnameLoop {
        /// The name seen twice.
        name: String,
    },
    /// The CNAME chain is longer than the resolver's hop limit.
    #[error("CNAME chain longer than {limit} hops")]
    ChainTooLong {
        /// The hop limit.
        limit: usize,
    },
    /// Anything else (an I/O error, an unexpected response code).
    #[error("{name}: {message}")]
    Other {
        /// The name queried.
        name: String,
        /// What hickory reported.
        message: String,
    },
}

/// How one name resolved for one record type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lookup {
    /// The name as given.
    pub query: String,
    /// The record type asked for.
    pub record_type: RecordType,
    /// Every CNAME hop followed, in order; empty when the name has no CNAME.
    pub chain: Vec<CnameHop>,
    /// The answers at the end of the chain; empty on error or when the name has no record of
    /// this type (NODATA, which is not an error).
    pub answers: Vec<Answer>,
    /// Why resolution failed, if it did; `chain` still holds the hops followed until then.
    pub error: Option<LookupError>,
    /// Whether the server answered any query this lookup made, whatever the answer (records,
    /// NODATA, NXDOMAIN, SERVFAIL, another response code): `false` when every query timed out or
    /// failed in transport, or when none was sent (a malformed name). A batch where no lookup
    /// has it tells "the resolver never answered" from "the names do not exist".
    pub responded: bool,
}

impl Lookup {
    /// The name the answers belong to when it differs from the query: the last CNAME target.
    pub fn canonical_name(&self) -> Option<&str> {
        self.chain.last().map(|h| h.target.as_str())
    }
}

/// Failure to set up the resolver (the system configuration cannot be read).
#[derive(Debug, thiserror::Error)]
#[error("cannot configure the DNS resolver: {0}")]
pub struct Error(String);

/// Settings for a [`Resolver`].
#[derive(Debug, Clone)]
pub struct ResolverBuilder {
    nameserver: Option<SocketAddr>,
    timeout: Duration,
    attempts: usize,
    concurrency: usize,
    max_cname_hops: usize,
    cache_size: usize,
    hickory_pool: bool,
}

impl Default for ResolverBuilder {
    fn default() -> Self {
        ResolverBuilder {
            nameserver: None,
            timeout: Duration::from_secs(2),
            attempts: 2,
            concurrency: 256,
            max_cname_hops: 12,
            cache_size: 65_536,
            hickory_pool: false,
        }
    }
}

impl ResolverBuilder {
    /// The system resolver, 2 s per query, 2 retries, 256 names in flight, 12 CNAME hops.
    pub fn new() -> Self {
        Self::default()
    }

    /// Query this server (UDP, and TCP for truncated answers) instead of the system's.
    pub fn nameserver(mut self, addr: SocketAddr) -> Self {
        self.nameserver = Some(addr);
        self
    }

    /// How long to wait for one answer before retrying.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many times to retry a query that timed out or failed in transport.
    pub fn attempts(mut self, attempts: usize) -> Self {
        self.attempts = attempts;
        self
    }

    /// How many names may be resolving at once in a batch (at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// The longest CNAME chain followed before `ChainTooLong`.
    pub fn max_cname_hops(mut self, hops: usize) -> Self {
        self.max_cname_hops = hops;
        self
    }

    /// How many results to keep (a result that timed out is not kept).
    pub fn cache_size(mut self, entries: usize) -> Self {
        self.cache_size = entries;
        self
    }

    /// Sends every query through hickory's name-server pool, even to a single server: the path
    /// a configuration of several servers takes (see `exchange`). For the tests that check both
    /// paths give the same lookups.
    #[doc(hidden)]
    pub fn hickory_pool(mut self) -> Self {
        self.hickory_pool = true;
        self
    }

    /// Builds the resolver. Needs to be called inside a tokio runtime.
    pub fn build(self) -> Result<Resolver, Error> {
        let (config, mut opts) = match self.nameserver {
            Some(addr) => {
                let mut ns = NameServerConfig::udp_and_tcp(addr.ip());
                for c in &mut ns.connections {
                    c.port = addr.port();
                }
                let mut opts = ResolverOpts::default();
                // An explicit server is the only source of truth: no /etc/hosts answers.
                opts.use_hosts_file = ResolveHosts::Never;
                (ResolverConfig::from_name_servers(vec![ns]), opts)
            }
            None => hickory_resolver::system_conf::read_system_conf()
                .map_err(|e| Error(e.to_string()))?,
        };
        opts.timeout = self.timeout;
        opts.attempts = self.attempts;
        // Whole results are cached here (`Resolver::cache`); hickory's response cache would
        // keep the same answers a second time, and its upkeep was a fifth of the CPU of a
        // 10,000-name batch on loopback (bench/dns.sh).
        opts.cache_size = 0;
        opts.preserve_intermediates = true;
        // hickory answers "busy" past this many queries on one connection; let the batch
        // bound be the only limit.
        opts.max_active_requests = opts.max_active_requests.max(self.concurrency * 2);
        let inner = Upstream::new(config, opts, PooledUdp::default(), !self.hickory_pool)
            .map_err(|e| Error(e.to_string()))?;
        Ok(Resolver {
            inner,
            concurrency: self.concurrency,
            max_hops: self.max_cname_hops,
            cache: Arc::new(Cache {
                map: Mutex::new(HashMap::new()),
                capacity: self.cache_size,
            }),
            aliases: Arc::new(chain::Aliases::new(self.cache_size)),
        })
    }
}

struct Cache {
    map: Mutex<HashMap<(String, RecordType), Lookup>>,
    capacity: usize,
}

/// A configured resolver; cheap to clone (clones share the cache).
#[derive(Clone)]
pub struct Resolver {
    inner: Upstream,
    concurrency: usize,
    max_hops: usize,
    cache: Arc<Cache>,
    aliases: Arc<chain::Aliases>,
}

impl Resolver {
    /// Resolves one name for one record type. Never fails: the outcome is on the [`Lookup`].
    pub async fn resolve(&self, query: &str, record_type: RecordType) -> Lookup {
        let checked = match name::check(query) {
            Ok(n) => n,
            Err(reason) => {
                return failed(query, record_type, LookupError::MalformedName { reason })
            }
        };
        let key = (checked.text.clone(), record_type);
        if let Some(hit) = self.cache.map.lock().expect("cache lock").get(&key) {
            return Lookup {
                query: query.to_owned(),
                ..hit.clone()
            };
        }
        let walk = chain::resolve(
            &self.inner,
            &self.aliases,
            &checked,
            record_type,
            self.max_hops,
        )
        .await;
        let lookup = Lookup {
            query: query.to_owned(),
            record_type,
            chain: walk.chain,
            answers: walk.answers,
            error: walk.error,
            responded: walk.responded,
        };
        // A timeout says nothing about the name; a later query may well succeed.
        if !matches!(lookup.error, Some(LookupError::Timeout { .. })) {
            let mut map = self.cache.map.lock().expect("cache lock");
            if map.len() < self.cache.capacity {
                map.insert(key, lookup.clone());
            }
        }
        lookup
    }

    /// Resolves every `(name, type)` pair with at most `concurrency` in flight, returning
    /// the lookups in input order. One name's failure does not affect the others.
    pub async fn resolve_all<S: AsRef<str>>(&self, queries: &[(S, RecordType)]) -> Vec<Lookup> {
        // Each name is its own task, so a multi-threaded runtime spreads the work of building
        // and parsing messages over its cores; `buffered` starts a task only when one of the
        // `concurrency` slots is free, and yields results in input order.
        stream::iter(queries)
            .map(|(name, rt)| {
                let (me, name, rt) = (self.clone(), name.as_ref().to_owned(), *rt);
                tokio::spawn(async move { me.resolve(&name, rt).await })
            })
            .buffered(self.concurrency)
            .map(|joined| joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic())))
            .collect()
            .await
    }
}

fn failed(query: &str, record_type: RecordType, error: LookupError) -> Lookup {
    Lookup {
        query: query.to_owned(),
        record_type,
        chain: Vec::new(),
        answers: Vec::new(),
        error: Some(error),
        responded: false,
    }
}
