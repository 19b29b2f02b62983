//! The `network` layer: the endpoints an organisation depends on (its services, mail and DNS
//! hosting), how DNS leads from each to its addresses, and who operates, hosts and locates each
//! address.
//!
//! Unlike the other layers it reads nothing under the scanned root: its input is the endpoints
//! file and the `--domain`s ([`NetworkOptions`], read and checked when the collector is built,
//! before any collector runs, so a typo in the file fails the scan at once with its line and column), DNS (hickory, through
//! `sovstack-netdata`'s bounded resolver) and the network data directory. Resolution failures
//! are recorded on their endpoint and the scan finishes; `--offline` records every endpoint as
//! unresolved without asking DNS. Which laws follow from the countries is left to the
//! evaluation, as for every layer.

mod attribute;
pub mod parse_endpoints;
mod resolve;

use crate::collector::{Collector, Context, Progress, ScanOut};
use crate::error::ScanError;
use parse_endpoints::EndpointSpec;
use sovstack_inventory::{
    Actor, CnameHop, Confidence, DnsLookup, EndpointError, EndpointKind, Evidence, Method,
    NetworkDataset, NetworkEndpoint, NetworkLayer, Resolution, Role,
};
use sovstack_netdata::dns::{Lookup, LookupError, ResolverBuilder};
use sovstack_netdata::NetData;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// Endpoints resolved at once; the resolver bounds the queries in flight as well.
const CONCURRENT_ENDPOINTS: usize = 64;

/// The network layer's options, as the command line gives them.
#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct NetworkOptions {
    /// The endpoints (services, mail domains, addresses) to resolve and attribute.
    #[arg(long, value_name = "FILE", help_heading = "Network layer")]
    pub endpoints: Option<PathBuf>,

    /// Discover a domain's mail (MX), DNS hosting (NS), SPF senders, www and
    /// autodiscover; repeatable.
    #[arg(long = "domain", value_name = "DOMAIN", help_heading = "Network layer")]
    pub domains: Vec<String>,

    /// Ask this DNS server instead of the system's resolver (port 53 when none is given).
    #[arg(long, value_name = "IP:PORT", value_parser = parse_resolver, help_heading = "Network layer")]
    pub resolver: Option<SocketAddr>,

    /// Ask no DNS; endpoints are recorded as unresolved (addresses are still
    /// attributed).
    #[arg(long, help_heading = "Network layer")]
    pub offline: bool,

    /// How long to wait for one DNS answer before retrying, in seconds (0.05 to 60).
    #[arg(long, value_name = "SECONDS", default_value = "2", value_parser = parse_dns_timeout, help_heading = "Network layer")]
    pub dns_timeout: Duration,

    /// The data directory (ASN, country and cloud-range datasets in DIR/network) [default:
    /// $SOVSTACK_DATA_DIR, the configuration file's data_dir, then the first of the XDG data
    /// directories, /usr/share/sovstack, next to the executable and the source checkout that
    /// holds the pack; see the data directory lookup below].
    #[arg(long, value_name = "DIR", help_heading = "Network layer")]
    pub data_dir: Option<PathBuf>,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            endpoints: None,
            domains: Vec::new(),
            resolver: None,
            offline: false,
            dns_timeout: Duration::from_secs(2),
            data_dir: None,
        }
    }
}

impl NetworkOptions {
    /// Whether these options ask for the layer when no layer is named: endpoints or domains
    /// were given.
    pub fn ask_for_layer(&self) -> bool {
        self.endpoints.is_some() || !self.domains.is_empty()
    }
}

/// A DNS server's address: `IP:PORT`, `[IPv6]:PORT`, or an address alone for port 53.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    let s = s.trim();
    if let Ok(addr) = s.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let bare = s
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(s);
    bare.parse::<std::net::IpAddr>().map(|ip| SocketAddr::new(ip, 53)).map_err(|_| {
        format!("`{s}` is not a DNS server's address: give IP or IP:PORT (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)")
    })
}

fn parse_dns_timeout(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number of seconds"))?;
    if (0.05..=60.0).contains(&secs) {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(format!("{secs} s is outside 0.05..60"))
    }
}

/// What the network layer resolves and attributes with, read from its options when the
/// collector is built.
pub(crate) struct NetworkPlan {
    /// The endpoints, from the file then from `--domain` discovery (shared with the thread
    /// that resolves them).
    pub endpoints: Arc<Vec<EndpointSpec>>,
    /// The endpoints file as given, for the endpoints' evidence.
    pub endpoints_file: Option<String>,
    /// The declared-suppliers file (`--declared`) as given, and the index of the first endpoint
    /// that comes from it (they follow the others).
    pub declared: Option<(String, usize)>,
    /// The DNS server to ask; `None` for the system's resolver.
    pub resolver: Option<SocketAddr>,
    /// Ask no DNS at all.
    pub offline: bool,
    /// How long to wait for one DNS answer before retrying.
    pub timeout: Duration,
    /// The loaded network data; `None` when there is nothing to attribute.
    pub data: Option<Arc<NetData>>,
}

impl NetworkPlan {
    /// Reads the endpoints file, expands the domains, adds the declared suppliers' endpoints
    /// (the file and its hosts; a host already listed is resolved once) and checks the data
    /// directory, returned with the plan for the caller to load (the plan's `data` is `None`
    /// until then).
    fn new(
        opts: &NetworkOptions,
        declared: Option<(String, Vec<EndpointSpec>)>,
    ) -> Result<(NetworkPlan, Option<PathBuf>), ScanError> {
        if opts.endpoints.is_none() && opts.domains.is_empty() && declared.is_none() {
            return Err(ScanError::NothingToResolve);
        }
        let mut endpoints = Vec::new();
        if let Some(path) = &opts.endpoints {
            let text =
                std::fs::read_to_string(path).map_err(|source| ScanError::EndpointsUnreadable {
                    path: path.clone(),
                    source,
                })?;
            let yaml = matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            );
            endpoints =
                parse_endpoints::endpoints(&text, yaml).map_err(|errors| ScanError::Endpoints {
                    path: path.clone(),
                    errors,
                })?;
        }
        for d in &opts.domains {
            endpoints.extend(discover(d).map_err(ScanError::Domain)?);
        }
        if let (true, Some(path)) = (endpoints.is_empty(), &opts.endpoints) {
            return Err(ScanError::NoEndpoints(path.clone()));
        }
        let declared = declared.map(|(file, specs)| {
            let first = endpoints.len();
            for spec in specs {
                let listed = endpoints.iter().any(|e| {
                    matches!(e.kind, EndpointKind::Host | EndpointKind::Url) && e.name == spec.name
                });
                if !listed {
                    endpoints.push(spec);
                }
            }
            (file, first)
        });
        let data_dir = match endpoints.is_empty() {
            true => None,
            false => {
                let dir = opts.data_dir.as_ref().ok_or_else(|| {
                    ScanError::NetworkData(
                        "no data directory given (--data-dir or SOVSTACK_DATA_DIR)".into(),
                    )
                })?;
                if !dir.is_dir() {
                    return Err(ScanError::NetworkData(format!(
                        "data directory {} does not exist (from --data-dir or SOVSTACK_DATA_DIR)",
                        dir.display()
                    )));
                }
                Some(match dir.join(sovstack_netdata::MANIFEST).is_file() {
                    true => dir.clone(),
                    false => dir.join("network"),
                })
            }
        };
        Ok((
            NetworkPlan {
                endpoints: Arc::new(endpoints),
                endpoints_file: opts.endpoints.as_ref().map(|p| p.display().to_string()),
                declared,
                resolver: opts.resolver,
                offline: opts.offline,
                timeout: opts.dns_timeout,
                data: None,
            },
            data_dir,
        ))
    }

    /// Whether DNS is to be asked at all.
    fn resolves(&self) -> bool {
        !self.offline && self.endpoints.iter().any(|s| s.name.is_some())
    }
}

/// Loads the network data directory `net` (the `network` folder of the data directory).
fn load_data(net: &std::path::Path) -> Result<Arc<NetData>, ScanError> {
    sovstack_netdata::DataDir::new(net)
        .load()
        .map(Arc::new)
        .map_err(|e| ScanError::NetworkData(format!("{}: {e}", net.display())))
}

/// The endpoints `--domain D` discovers: the domain's mail (MX), DNS hosting (NS) and SPF
/// record, and the usual service names under it.
pub fn discover(domain: &str) -> Result<Vec<EndpointSpec>, String> {
    let d = parse_endpoints::host_name(domain).map_err(|e| format!("--domain {domain}: {e}"))?;
    let spec = |kind, name: String, label: &str| EndpointSpec {
        endpoint: match kind {
            EndpointKind::Mail => format!("mail:{name}"),
            EndpointKind::NameServers => format!("ns:{name}"),
            EndpointKind::Spf => format!("spf:{name}"),
            _ => name.clone(),
        },
        kind,
        name: Some(name),
        ip: None,
        label: Some(label.to_string()),
        criticality: None,
        line: 0,
    };
    Ok(vec![
        spec(EndpointKind::Mail, d.clone(), "mail"),
        spec(EndpointKind::NameServers, d.clone(), "dns hosting"),
        spec(EndpointKind::Spf, d.clone(), "mail senders (SPF)"),
        spec(EndpointKind::Host, format!("www.{d}"), "website"),
        spec(
            EndpointKind::Host,
            format!("autodiscover.{d}"),
            "mail autodiscovery",
        ),
    ])
}

/// The network layer's diagnostic codes.
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        DNS_UNAVAILABLE = "scan/dns-unavailable": "the DNS resolver could not be set up (no usable system configuration); the network layer's endpoints were recorded as unresolved",
        DNS_NO_ANSWER = "scan/dns-no-answer": "the DNS resolver answered none of the network layer's queries (every one timed out or failed in transport): the layer could not be assessed, and the command exits 2",
    }
}

/// Collects the `network` layer.
pub(crate) struct NetworkCollector {
    plan: NetworkPlan,
    /// The resolution under way, started when the collector was built; taken by `collect`.
    resolving: Mutex<Option<Resolving>>,
}

impl NetworkCollector {
    /// The collector of what `options` name: fails on bad input (an unreadable or malformed
    /// endpoints file, a bad domain, nothing to resolve, no data directory, a data directory
    /// that does not load). `declared` is the declared suppliers' file and endpoints
    /// (`--declared`), resolved after the others.
    ///
    /// Resolution starts here, on a thread of its own, before the data directory loads: DNS is
    /// waiting on the network and loading is work for the processor, so the two overlap, and
    /// so does resolution with the layers collected before this one (`audit`'s toolchain walk).
    /// When loading fails, the resolution is called off (dropping it stops the endpoints not
    /// yet asked) and the error is returned as before.
    pub(crate) fn new(
        options: &NetworkOptions,
        declared: Option<(String, Vec<EndpointSpec>)>,
    ) -> Result<Self, ScanError> {
        let (mut plan, data_dir) = NetworkPlan::new(options, declared)?;
        let resolving = plan.resolves().then(|| Resolving::start(&plan));
        if let Some(net) = data_dir {
            plan.data = Some(load_data(&net)?);
        }
        Ok(NetworkCollector {
            plan,
            resolving: Mutex::new(resolving),
        })
    }
}

/// A resolution running on its own thread: its progress, the endpoints it has finished, and the
/// flag that calls it off.
struct Resolving {
    /// How many endpoints have finished, counted by the thread as they finish. Read a few times
    /// a second for progress rather than told endpoint by endpoint: 10,000 endpoints would be
    /// 10,000 wake-ups of the waiting thread, each a pair of context switches.
    done: Arc<AtomicUsize>,
    /// The endpoints finished and not yet taken, with their index in the plan: the waiting
    /// thread takes them a few times a second and makes their inventory items while the rest
    /// resolve (the items need only the data directory, loaded by then).
    finished: Arc<Mutex<Vec<(usize, resolve::Resolved)>>>,
    /// Never sent on: dropped when the thread ends, which wakes the waiting thread at once.
    ended: mpsc::Receiver<()>,
    /// The thread; its error when resolution could not start.
    thread: Option<std::thread::JoinHandle<Result<(), String>>>,
    /// Set, the endpoints not started are skipped.
    called_off: Arc<AtomicBool>,
}

/// How often the progress of a resolution is read.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);
/// How often the endpoints finished are taken to be attributed.
const TAKE_EVERY: Duration = Duration::from_millis(10);

impl Resolving {
    fn start(plan: &NetworkPlan) -> Resolving {
        let called_off = Arc::new(AtomicBool::new(false));
        let (end, ended) = mpsc::channel::<()>();
        let done = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(Mutex::new(Vec::new()));
        let (endpoints, resolver, timeout) =
            (Arc::clone(&plan.endpoints), plan.resolver, plan.timeout);
        let shared = Shared {
            called_off: Arc::clone(&called_off),
            done: Arc::clone(&done),
            finished: Arc::clone(&finished),
            next: Arc::new(AtomicUsize::new(0)),
        };
        let thread = std::thread::Builder::new()
            .name("dns".into())
            .spawn(move || {
                let _end = end;
                resolve_all(&endpoints, resolver, timeout, &shared)
            })
            .ok();
        Resolving {
            done,
            finished,
            ended,
            thread,
            called_off,
        }
    }

    /// Waits for the resolution, handing each endpoint to `each` (its index in the plan and
    /// what DNS said) as it finishes, in no particular order, and telling `progress` how many
    /// have finished.
    fn finish(
        mut self,
        progress: &(dyn Fn(Progress) + Sync),
        total: usize,
        mut each: impl FnMut(usize, resolve::Resolved),
    ) -> Result<(), String> {
        progress(Progress::Resolve { done: 0, total });
        let mut told = std::time::Instant::now();
        loop {
            // The sender is dropped when the thread ends: every endpoint is in `finished` then.
            let ended = matches!(
                self.ended.recv_timeout(TAKE_EVERY),
                Err(mpsc::RecvTimeoutError::Disconnected) | Ok(())
            );
            let taken =
                std::mem::take(&mut *self.finished.lock().unwrap_or_else(|e| e.into_inner()));
            for (i, r) in taken {
                each(i, r);
            }
            if ended {
                break;
            }
            if told.elapsed() >= PROGRESS_EVERY {
                progress(Progress::Resolve {
                    done: self.done.load(Ordering::Relaxed),
                    total,
                });
                told = std::time::Instant::now();
            }
        }
        progress(Progress::Resolve {
            done: self.done.load(Ordering::Relaxed),
            total,
        });
        match self.thread.take() {
            None => Err("cannot start the DNS thread".to_string()),
            Some(t) => t.join().unwrap_or_else(|e| std::panic::resume_unwind(e)),
        }
    }
}

impl Drop for Resolving {
    /// Calls off a resolution nobody waits for (the scan failed before the network layer).
    fn drop(&mut self) {
        self.called_off.store(true, Ordering::Relaxed);
    }
}

/// What the DNS thread shares with the waiting one.
struct Shared {
    called_off: Arc<AtomicBool>,
    done: Arc<AtomicUsize>,
    finished: Arc<Mutex<Vec<(usize, resolve::Resolved)>>>,
    /// The next endpoint to start.
    next: Arc<AtomicUsize>,
}

impl Collector for NetworkCollector {
    fn collect(&self, cx: &Context<'_>, out: &mut ScanOut) {
        let plan = &self.plan;
        let mut layer = NetworkLayer {
            resolver: (!plan.offline).then(|| {
                plan.resolver
                    .map_or_else(|| "system".to_string(), |a| a.to_string())
            }),
            datasets: plan.data.as_deref().map(datasets).unwrap_or_default(),
            endpoints: Vec::new(),
        };
        let resolving = self
            .resolving
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        let n = plan.endpoints.len();
        let mut items: Vec<Option<NetworkEndpoint>> =
            std::iter::repeat_with(|| None).take(n).collect();
        if let Some(resolving) = resolving {
            let mut tally = Tally::default();
            let finished = resolving.finish(cx.progress, n, |i, r| {
                tally.add(&r);
                items[i] = Some(endpoint(i, &plan.endpoints[i], Some(r), plan));
            });
            match finished {
                Ok(()) => {
                    if let Some(d) =
                        no_answer(&tally, layer.resolver.as_deref().unwrap_or("system"))
                    {
                        out.diagnostics.push(d);
                    }
                    // Every endpoint was handed over, called off or not; this is a guard.
                    for (i, item) in items.iter_mut().enumerate() {
                        if item.is_none() {
                            let r = resolve::Resolved::default();
                            *item = Some(endpoint(i, &plan.endpoints[i], Some(r), plan));
                        }
                    }
                }
                Err(e) => {
                    out.diagnostics.push(sovstack_inventory::Diagnostic {
                        code: codes::DNS_UNAVAILABLE.to_string(),
                        severity: sovstack_inventory::DiagnosticSeverity::Error,
                        message: format!("{e}; endpoints were recorded as unresolved"),
                        path: None,
                    });
                    items.iter_mut().for_each(|item| *item = None);
                }
            }
        }
        layer.endpoints = items
            .into_iter()
            .zip(plan.endpoints.iter())
            .enumerate()
            .map(|(i, (item, spec))| item.unwrap_or_else(|| endpoint(i, spec, None, plan)))
            .collect();
        out.layers.network = Some(layer);
    }
}

fn datasets(data: &NetData) -> Vec<NetworkDataset> {
    data.datasets()
        .iter()
        .map(|d| NetworkDataset {
            path: d.path.clone(),
            kind: serde_json::to_value(d.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            version: d.version.clone(),
            date: d.date.clone(),
            sha256: d.sha256.clone(),
            licence: d.licence.clone(),
            error: d.error.clone(),
        })
        .collect()
}

/// What [`no_answer`] needs to know of the endpoints resolved, counted as they finish.
#[derive(Default)]
struct Tally {
    /// Queries sent (a malformed name sends none).
    sent: usize,
    /// Whether any query got a response.
    responded: bool,
    /// Endpoints that asked anything.
    names: usize,
}

impl Tally {
    fn add(&mut self, r: &resolve::Resolved) {
        let sent = r
            .lookups
            .iter()
            .filter(|l| !matches!(l.error, Some(LookupError::MalformedName { .. })));
        for l in sent {
            self.sent += 1;
            self.responded |= l.responded;
        }
        self.names += usize::from(!r.lookups.is_empty());
    }
}

/// The diagnostic for a resolver that answered none of the queries sent (every one timed out or
/// failed in transport): nothing about the endpoints could be learnt, which is not the same as
/// names that do not exist (NXDOMAIN is an answer). `None` when any query got a response, or
/// none was sent.
fn no_answer(tally: &Tally, resolver: &str) -> Option<sovstack_inventory::Diagnostic> {
    if tally.sent == 0 || tally.responded {
        return None;
    }
    Some(sovstack_inventory::Diagnostic {
        code: codes::DNS_NO_ANSWER.to_string(),
        severity: sovstack_inventory::DiagnosticSeverity::Error,
        message: format!(
            "the DNS resolver {resolver} answered none of the {} queries for {} endpoint(s) \
             (every one timed out, was refused or failed to reach it): the network layer could not be assessed; \
             check that the resolver runs and is reachable (--resolver IP:PORT, --dns-timeout SECONDS)",
            tally.sent, tally.names
        ),
        path: None,
    })
}

/// Resolves every endpoint on a runtime of its own (the scan is otherwise synchronous),
/// putting each in `shared.finished` as it finishes and counting it in `shared.done`. The
/// runtime is tokio's current-thread one: resolving is waiting on the network, and on one
/// thread no answer wakes another thread (measured on `bench/scan.sh`, 10,000 names against a
/// local dnsmasq: a fifth less CPU than 2 workers, and the other core is left to the
/// resolver). `CONCURRENT_ENDPOINTS` workers take the endpoints in turn, one at a time, so no
/// more resolve at once and only that many tasks exist: a task per endpoint, spawned up front,
/// held every endpoint's future in memory at once (on the same bench, the peak memory fell
/// from 194 to 165 MB without them). Once `shared.called_off` is set, the endpoints not started
/// are left unresolved (the result is for nobody then).
fn resolve_all(
    endpoints: &Arc<Vec<EndpointSpec>>,
    server: Option<SocketAddr>,
    timeout: Duration,
    shared: &Shared,
) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the DNS runtime: {e}"))?;
    rt.block_on(async {
        let mut builder = ResolverBuilder::new().timeout(timeout);
        if let Some(addr) = server {
            builder = builder.nameserver(addr);
        }
        let resolver = builder.build().map_err(|e| e.to_string())?;
        let workers: Vec<_> = (0..CONCURRENT_ENDPOINTS.min(endpoints.len()))
            .map(|_| {
                let (resolver, endpoints) = (resolver.clone(), Arc::clone(endpoints));
                let (called_off, done, finished, next) = (
                    Arc::clone(&shared.called_off),
                    Arc::clone(&shared.done),
                    Arc::clone(&shared.finished),
                    Arc::clone(&shared.next),
                );
                tokio::spawn(async move {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(spec) = endpoints.get(i) else {
                            break;
                        };
                        let r = if called_off.load(Ordering::Relaxed) {
                            resolve::Resolved::default()
                        } else {
                            resolve::endpoint(&resolver, spec).await
                        };
                        finished
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((i, r));
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        for w in workers {
            w.await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        }
        Ok(())
    })
}

/// One endpoint's inventory item from its spec and what DNS said (`None`: not asked).
fn endpoint(
    i: usize,
    spec: &EndpointSpec,
    resolved: Option<resolve::Resolved>,
    plan: &NetworkPlan,
) -> NetworkEndpoint {
    let data = plan.data.as_deref();
    let mut e = NetworkEndpoint {
        id: format!("ep{i}"),
        endpoint: spec.endpoint.clone(),
        label: spec.label.clone(),
        criticality: spec.criticality,
        given: match &plan.declared {
            // Named by a declared service: the declared file and line, a declaration.
            Some((file, first)) if i >= *first => Evidence {
                method: Method::Declared,
                ..given(spec, Some(file))
            },
            _ => given(spec, plan.endpoints_file.as_deref()),
        },
        kind: spec.kind,
        name: spec.name.clone(),
        resolution: Resolution::Resolved,
        lookups: Vec::new(),
        addresses: Vec::new(),
        errors: Vec::new(),
        actors: Vec::new(),
    };
    let mut ips: Vec<(std::net::IpAddr, Option<String>)> =
        spec.ip.map(|ip| (ip, None)).into_iter().collect();
    match resolved {
        None if spec.name.is_some() => {
            e.resolution = Resolution::Unresolved;
            e.errors.push(EndpointError {
                kind: "offline".into(),
                message: "not resolved: DNS was not asked (--offline)".into(),
            });
        }
        None => {}
        Some(r) => {
            let failed = r.lookups.iter().filter(|l| l.error.is_some()).count();
            e.resolution = match failed {
                0 => Resolution::Resolved,
                n if n == r.lookups.len() => Resolution::Failed,
                _ => Resolution::Partial,
            };
            // The same failure of two queries (A and AAAA of a missing name) is one reason;
            // the queries it concerns are named when others did not fail that way (a server
            // refusing AAAA while answering A).
            let mut failures: Vec<(EndpointError, Vec<String>)> = Vec::new();
            for l in &r.lookups {
                let inventory_lookup = lookup(l, data);
                if let Some(err) = l.error.as_ref().map(error) {
                    let asked = inventory_lookup.record_type.clone();
                    match failures.iter_mut().find(|(f, _)| *f == err) {
                        Some((_, types)) => types.push(asked),
                        None => failures.push((err, vec![asked])),
                    }
                }
                e.lookups.push(inventory_lookup);
            }
            for (mut err, types) in failures {
                if types.len() < e.lookups.len() {
                    err.message = format!("{}, for the {} only", err.message, queries(&types));
                }
                e.errors.push(err);
            }
            ips.extend(r.addresses);
        }
    }
    let mut actors: Vec<Actor> = Vec::new();
    if let Some(data) = data {
        // Providers named by the chain's CNAME targets and by MX or NS targets.
        for l in &e.lookups {
            // An SPF include's name says who sends the domain's mail.
            if spec.kind == EndpointKind::Spf && l.name != e.name.as_deref().unwrap_or_default() {
                if let Some((_, a)) = attribute::name_provider(data, &l.name, Role::CloudProvider) {
                    actors.push(a);
                }
            }
            for hop in &l.chain {
                if let Some((_, a)) =
                    attribute::name_provider(data, &hop.target, Role::CloudProvider)
                {
                    actors.push(a);
                }
            }
            for ans in &l.answers {
                let target = match (l.record_type.as_str(), ans.split_once(' ')) {
                    ("MX", Some((_, host))) => Some((host, Role::CloudProvider)),
                    ("NS", _) => Some((ans.as_str(), Role::DnsProvider)),
                    _ => None,
                };
                if let Some((name, role)) = target {
                    if let Some((_, a)) = attribute::name_provider(data, name, role) {
                        actors.push(a);
                    }
                }
            }
        }
        for (ip, via) in ips {
            let (address, mut found) = attribute::address(data, ip, via);
            if spec.kind == EndpointKind::NameServers
                && !actors.iter().any(|a| a.role == Role::DnsProvider)
            {
                // No provider name in the NS targets: whoever runs the servers hosts the DNS.
                if let Some(op) = found
                    .iter()
                    .find(|a| a.role == Role::NetworkOperator && a.name.is_some())
                {
                    found.push(Actor {
                        role: Role::DnsProvider,
                        ..op.clone()
                    });
                }
            }
            actors.extend(found);
            e.addresses.push(address);
        }
    }
    e.actors = dedup(actors);
    e
}

/// Where an endpoint came from: a line of the endpoints file, or discovery under a `--domain`.
fn given(spec: &EndpointSpec, file: Option<&str>) -> Evidence {
    match (spec.line, file) {
        (line, Some(file)) if line > 0 => Evidence {
            source: file.to_string(),
            field: None,
            line: Some(line),
            value: Some(spec.endpoint.clone()),
            method: Method::FileField,
            confidence: Confidence::High,
        },
        _ => Evidence {
            source: "--domain".to_string(),
            field: None,
            line: None,
            value: Some(spec.endpoint.clone()),
            method: Method::Derived,
            confidence: Confidence::High,
        },
    }
}

/// One actor per role, name and country, its evidence merged, in role order.
fn dedup(actors: Vec<Actor>) -> Vec<Actor> {
    let mut out: Vec<Actor> = Vec::new();
    for a in actors {
        match out
            .iter_mut()
            .find(|o| o.role == a.role && o.name == a.name && o.country == a.country)
        {
            Some(o) => {
                for ev in a.evidence {
                    if !o.evidence.contains(&ev) {
                        o.evidence.push(ev);
                    }
                }
            }
            None => out.push(a),
        }
    }
    out.sort_by_key(|a| a.role);
    out
}

fn lookup(l: &Lookup, data: Option<&NetData>) -> DnsLookup {
    DnsLookup {
        name: l.query.clone(),
        record_type: format!("{:?}", l.record_type).to_ascii_uppercase(),
        chain: l
            .chain
            .iter()
            .map(|h| CnameHop {
                name: h.name.clone(),
                target: h.target.clone(),
                provider: data
                    .and_then(|d| d.cname_provider(&h.target))
                    .map(|m| m.provider.id.clone()),
            })
            .collect(),
        answers: l.answers.iter().map(answer).collect(),
        error: l.error.as_ref().map(error),
    }
}

fn answer(a: &sovstack_netdata::dns::Answer) -> String {
    use sovstack_netdata::dns::Answer;
    match a {
        Answer::A(ip) => ip.to_string(),
        Answer::Aaaa(ip) => ip.to_string(),
        Answer::Mx {
            preference,
            exchange,
        } => format!("{preference} {exchange}"),
        Answer::Ns(n) => n.clone(),
        Answer::Txt(t) => t.clone(),
    }
}

/// "AAAA query", "A and AAAA queries": the record types of the queries a failure concerns.
fn queries(types: &[String]) -> String {
    match types {
        [one] => format!("{one} query"),
        [init @ .., last] => format!("{} and {last} queries", init.join(", ")),
        [] => String::new(),
    }
}

fn error(e: &LookupError) -> EndpointError {
    let kind = match e {
        LookupError::MalformedName { .. } => "malformed_name",
        LookupError::NxDomain { .. } => "nx_domain",
        LookupError::ServFail { .. } => "serv_fail",
        LookupError::Refused { .. } => "refused",
        LookupError::Timeout { .. } => "timeout",
        LookupError::CnameLoop { .. } => "cname_loop",
        LookupError::ChainTooLong { .. } => "chain_too_long",
        LookupError::Other { .. } => "other",
    };
    EndpointError {
        kind: kind.into(),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sovstack_inventory::{Confidence, Governance};

    fn data() -> Arc<NetData> {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/network");
        Arc::new(sovstack_netdata::DataDir::new(dir).load().unwrap())
    }

    fn plan(entries: &[&str], offline: bool) -> NetworkPlan {
        NetworkPlan {
            endpoints: Arc::new(
                entries
                    .iter()
                    .map(|e| parse_endpoints::classify(e).unwrap())
                    .collect(),
            ),
            endpoints_file: Some("services.txt".into()),
            declared: None,
            resolver: None,
            offline,
            timeout: Duration::from_secs(1),
            data: Some(data()),
        }
    }

    #[test]
    fn a_domain_discovers_mail_dns_spf_and_the_usual_hosts() {
        let specs = discover("Example.org.").unwrap();
        let got: Vec<(&str, EndpointKind)> = specs
            .iter()
            .map(|s| (s.endpoint.as_str(), s.kind))
            .collect();
        assert_eq!(
            got,
            [
                ("mail:example.org", EndpointKind::Mail),
                ("ns:example.org", EndpointKind::NameServers),
                ("spf:example.org", EndpointKind::Spf),
                ("www.example.org", EndpointKind::Host),
                ("autodiscover.example.org", EndpointKind::Host),
            ]
        );
        assert!(discover("not a domain")
            .unwrap_err()
            .contains("--domain not a domain"));
    }

    #[test]
    fn offline_names_are_unresolved_and_addresses_still_attributed() {
        let p = plan(&["www.example.org", "5.9.0.1"], true);
        let name = endpoint(0, &p.endpoints[0], None, &p);
        assert_eq!(
            (name.id.as_str(), name.resolution),
            ("ep0", Resolution::Unresolved)
        );
        assert_eq!(name.errors[0].kind, "offline");
        assert!(name.actors.is_empty());
        let ip = endpoint(1, &p.endpoints[1], None, &p);
        assert_eq!(ip.resolution, Resolution::Resolved);
        let roles: Vec<(Role, Option<&str>, Option<&str>)> = ip
            .actors
            .iter()
            .map(|a| {
                (
                    a.role,
                    a.name.as_deref(),
                    a.country.as_ref().map(|c| c.as_str()),
                )
            })
            .collect();
        assert_eq!(
            roles,
            [
                (
                    Role::NetworkOperator,
                    Some("Hetzner Online GmbH"),
                    Some("DE")
                ),
                (Role::CloudProvider, Some("Hetzner"), Some("DE")),
                (Role::Location, Some("DE"), Some("DE")),
            ]
        );
        // The operator comes from its row of the table, which the evidence points at.
        let ev = &ip.addresses[0].operator.as_ref().unwrap().evidence[0];
        assert_eq!(
            (ev.source.as_str(), ev.line),
            ("data:network/asn/major-asns.csv", Some(41))
        );
    }

    #[test]
    fn renater_is_attributed_from_the_table_with_its_headquarters() {
        // 193.48.0.0/18 is announced by AS2200, RENATER, the French research network.
        let p = plan(&["193.48.0.1"], true);
        let e = endpoint(0, &p.endpoints[0], None, &p);
        let a = &e.addresses[0];
        assert_eq!(a.asn.as_ref().unwrap().value, 2200);
        assert_eq!(a.parent.as_ref().unwrap().value, "RENATER (GIP)");
        let hq = a.parent_hq_country.as_ref().unwrap();
        assert_eq!(hq.value.as_str(), "FR");
        assert_eq!(hq.evidence[0].source, "data:network/asn/major-asns.csv");
        assert_eq!(hq.evidence[0].confidence, Confidence::High);
        let op = e
            .actors
            .iter()
            .find(|a| a.role == Role::NetworkOperator)
            .unwrap();
        assert_eq!(
            (op.name.as_deref(), op.country.as_ref().map(|c| c.as_str())),
            (Some("RENATER (GIP)"), Some("FR"))
        );
        // A known headquarters leaves no room for the registry fallback on the actor; the
        // address still records where its space was delegated.
        assert!(op.registered_country.is_none());
        assert_eq!(a.registered_country.as_ref().unwrap().value.as_str(), "FR");
    }

    #[test]
    fn an_operator_outside_the_table_is_registered_in_a_country_with_low_confidence() {
        // 185.31.40.0/22 is announced by AS60362 (alwaysdata), which the operator table does
        // not list; the registries delegated two thirds of its IPv4 space to France.
        let p = plan(&["185.31.40.1"], true);
        let e = endpoint(0, &p.endpoints[0], None, &p);
        let a = &e.addresses[0];
        assert_eq!(a.asn.as_ref().unwrap().value, 60362);
        assert!(a.parent.is_none() && a.parent_hq_country.is_none(), "{a:?}");
        let reg = a.registered_country.as_ref().unwrap();
        assert_eq!(reg.value.as_str(), "FR");
        let ev = &reg.evidence[0];
        assert_eq!(
            (ev.source.as_str(), ev.confidence),
            ("data:network/asn/asn-org-country.csv", Confidence::Low)
        );
        assert!(
            ev.value
                .as_deref()
                .unwrap()
                .contains("registry delegation, not a headquarters"),
            "{ev:?}"
        );
        let op = e
            .actors
            .iter()
            .find(|a| a.role == Role::NetworkOperator)
            .unwrap();
        assert_eq!(op.name.as_deref(), Some("ALWAYSDATA SARL"));
        assert!(
            op.country.is_none(),
            "a registration is never a headquarters"
        );
        assert_eq!(
            op.registered_country.as_ref().map(|c| c.as_str()),
            Some("FR")
        );
        assert_eq!(op.governance, Governance::Unknown);
        assert!(
            op.evidence.iter().all(|e| e.confidence == Confidence::Low),
            "{:?}",
            op.evidence
        );
    }

    #[test]
    fn special_purpose_addresses_are_not_attributed() {
        // A documentation range, even though a published geofeed lists it.
        let p = plan(&["192.0.2.1"], false);
        let e = endpoint(0, &p.endpoints[0], None, &p);
        let a = &e.addresses[0];
        assert!(a.asn.is_none() && a.location.is_none() && a.cloud.is_none());
        assert!(a.errors[0].contains("special-purpose"), "{:?}", a.errors);
        assert!(e.actors.is_empty());
    }

    #[test]
    fn an_unplaced_address_gives_unknown_actors_not_guesses() {
        // A data directory whose manifest lists no dataset: nothing places any address.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("MANIFEST.csv"),
            "path,kind,format,provider,basis,date,licence,origin\n",
        )
        .unwrap();
        let mut p = plan(&["3.5.136.10"], false);
        p.data = Some(Arc::new(
            sovstack_netdata::DataDir::new(dir.path()).load().unwrap(),
        ));
        let e = endpoint(0, &p.endpoints[0], None, &p);
        let a = &e.addresses[0];
        assert!(
            a.asn.is_none() && a.location.is_none() && a.cloud.is_none(),
            "{a:?}"
        );
        assert!(e
            .actors
            .iter()
            .all(|a| a.name.is_none() && a.governance == Governance::Unknown));
        assert_eq!(
            e.actors.iter().map(|a| a.role).collect::<Vec<_>>(),
            [Role::NetworkOperator, Role::Location]
        );
    }

    #[test]
    fn duplicate_actors_merge_their_evidence() {
        let p = plan(&["3.5.136.10", "3.5.136.11"], true);
        let mut actors = endpoint(0, &p.endpoints[0], None, &p).actors;
        actors.extend(endpoint(1, &p.endpoints[1], None, &p).actors);
        let merged = dedup(actors);
        assert_eq!(merged.len(), 3);
        assert_eq!(merged[0].role, Role::NetworkOperator);
        assert_eq!(
            merged[0].evidence.len(),
            1,
            "the same table row is one piece of evidence"
        );
        let location = merged.iter().find(|a| a.role == Role::Location).unwrap();
        assert_eq!(location.evidence.len(), 2, "{:?}", location.evidence);
    }
}

#[cfg(test)]
mod resolver_tests {
    use super::parse_resolver;

    #[test]
    fn a_resolver_is_ip_port_or_an_address_for_port_53() {
        let ok = |s: &str| parse_resolver(s).unwrap().to_string();
        assert_eq!(ok("192.0.2.53:5353"), "192.0.2.53:5353");
        assert_eq!(ok("192.0.2.53"), "192.0.2.53:53");
        assert_eq!(ok("[2001:db8::53]:5353"), "[2001:db8::53]:5353");
        assert_eq!(ok("2001:db8::53"), "[2001:db8::53]:53");
        assert_eq!(ok("[2001:db8::53]"), "[2001:db8::53]:53");
        for bad in ["1.2.3.4:99999", "dns.example", "", "1.2.3"] {
            let e = parse_resolver(bad).unwrap_err();
            assert!(e.contains("give IP or IP:PORT"), "{bad}: {e}");
        }
    }
}
