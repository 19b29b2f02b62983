//! Asking DNS about each endpoint: which queries an endpoint kind needs, and the addresses they
//! lead to. Every query's outcome (CNAME hops, answers, failure) is kept for the inventory; a
//! failure never stops the other queries or endpoints.

use super::parse_endpoints::{host_name, EndpointSpec};
use sovstack_inventory::EndpointKind;
use sovstack_netdata::dns::{Answer, Lookup, RecordType, Resolver};
use std::net::IpAddr;

/// The most TXT lookups an SPF record may cause (RFC 7208 §4.6.4 allows 10 DNS mechanisms).
const MAX_SPF_LOOKUPS: usize = 10;

/// What DNS said about one endpoint (nothing, by default: not asked).
#[derive(Default)]
pub(crate) struct Resolved {
    /// Every query, in the order asked.
    pub lookups: Vec<Lookup>,
    /// Addresses reached, with the name whose record gave them (`None` for SPF `ip4:`/`ip6:`).
    pub addresses: Vec<(IpAddr, Option<String>)>,
}

/// Runs the queries `spec`'s kind calls for.
pub(crate) async fn endpoint(resolver: &Resolver, spec: &EndpointSpec) -> Resolved {
    let mut r = Resolved {
        lookups: Vec::new(),
        addresses: Vec::new(),
    };
    let Some(name) = spec.name.clone() else {
        return r;
    };
    match spec.kind {
        EndpointKind::Host | EndpointKind::Url => addresses_of(resolver, &name, &mut r).await,
        EndpointKind::Mail | EndpointKind::NameServers => {
            let rt = if spec.kind == EndpointKind::Mail {
                RecordType::Mx
            } else {
                RecordType::Ns
            };
            let lookup = resolver.resolve(&name, rt).await;
            let mut targets: Vec<(u16, String)> = lookup
                .answers
                .iter()
                .filter_map(|a| match a {
                    Answer::Mx {
                        preference,
                        exchange,
                    } => Some((*preference, exchange.clone())),
                    Answer::Ns(ns) => Some((0, ns.clone())),
                    _ => None,
                })
                .collect();
            targets.sort();
            targets.dedup_by(|a, b| a.1 == b.1);
            r.lookups.push(lookup);
            for (_, target) in targets {
                // A null MX (`0 .`, RFC 7505) says the domain takes no mail: nothing to resolve.
                if !target.is_empty() && target != "." {
                    addresses_of(resolver, &target, &mut r).await;
                }
            }
        }
        EndpointKind::Spf => spf(resolver, &name, &mut r).await,
        EndpointKind::Ip => {}
    }
    r
}

async fn addresses_of(resolver: &Resolver, name: &str, r: &mut Resolved) {
    for rt in [RecordType::A, RecordType::Aaaa] {
        let mut lookup = resolver.resolve(name, rt).await;
        // Servers rotate their answers; sorted, two scans of the same zone give the same bytes.
        lookup.answers.sort_by_key(Answer::ip);
        let via = lookup.canonical_name().unwrap_or(name).to_string();
        for ip in lookup.answers.iter().filter_map(Answer::ip) {
            if !r.addresses.iter().any(|(a, _)| *a == ip) {
                r.addresses.push((ip, Some(via.clone())));
            }
        }
        r.lookups.push(lookup);
    }
}

/// Follows a domain's SPF record: its `include:` and `redirect=` names (whose suffixes reveal
/// the mail providers) and its `ip4:`/`ip6:` addresses, breadth first, at most
/// [`MAX_SPF_LOOKUPS`] TXT queries.
async fn spf(resolver: &Resolver, domain: &str, r: &mut Resolved) {
    let mut queue = vec![domain.to_string()];
    let mut asked = Vec::new();
    while let Some(name) = (!queue.is_empty()).then(|| queue.remove(0)) {
        if asked.contains(&name) || asked.len() == MAX_SPF_LOOKUPS {
            continue;
        }
        asked.push(name.clone());
        let lookup = resolver.resolve(&name, RecordType::Txt).await;
        for text in lookup.answers.iter().filter_map(|a| match a {
            Answer::Txt(t) if t.starts_with("v=spf1") => Some(t),
            _ => None,
        }) {
            for term in text.split_whitespace().skip(1) {
                let term = term.trim_start_matches(['+', '-', '~', '?']);
                if let Some(target) = term
                    .strip_prefix("include:")
                    .or_else(|| term.strip_prefix("redirect="))
                {
                    if let Ok(t) = host_name(target) {
                        queue.push(t);
                    }
                } else if let Some(net) = term
                    .strip_prefix("ip4:")
                    .or_else(|| term.strip_prefix("ip6:"))
                {
                    // A network stands for its first address: the range's holder is the same.
                    if let Ok(ip) = net.split('/').next().unwrap_or_default().parse::<IpAddr>() {
                        if !r.addresses.iter().any(|(a, _)| *a == ip) {
                            r.addresses.push((ip, None));
                        }
                    }
                }
            }
        }
        r.lookups.push(lookup);
    }
}
