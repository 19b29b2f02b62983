//! Resolving one name for one record type, following its CNAME chain.
//!
//! The common case costs one query: hickory asks for the type, follows the chain itself and,
//! with `preserve_intermediates`, returns every CNAME record, from which the chain is read and
//! checked against the hop limit. When hickory instead reports "no records" (NXDOMAIN or
//! NODATA), it has dropped any CNAMEs it saw, and it reports a loop or a chain deeper than its
//! fixed limit the same way; so the chain is then walked here one CNAME query at a time, which
//! tells a missing name from a dangling alias, a loop, or an over-long chain, and keeps the
//! hops for the record.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use hickory_resolver::net::{DnsError, NetError};
use hickory_resolver::proto::op::ResponseCode;
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType as H};

use super::exchange::Upstream;
use super::name::{key, CheckedName};
use super::{Answer, CnameHop, LookupError, RecordType};

/// The outcome of one resolution.
pub(crate) struct Walk {
    pub chain: Vec<CnameHop>,
    pub answers: Vec<Answer>,
    pub error: Option<LookupError>,
    /// Whether the server answered any of the queries made (see `Lookup::responded`).
    pub responded: bool,
}

impl Walk {
    fn new() -> Self {
        Walk {
            chain: Vec::new(),
            answers: Vec::new(),
            error: None,
            responded: false,
        }
    }

    fn responded(mut self, yes: bool) -> Self {
        self.responded |= yes;
        self
    }

    fn fail(mut self, error: LookupError) -> Self {
        self.error = Some(error);
        self
    }
}

/// Tracks the chain's names for loop detection and the hop limit.
struct Hops {
    seen: HashSet<String>,
    limit: usize,
}

impl Hops {
    /// Records `name → target`; the error if that closes a loop or passes the limit.
    fn push(
        &mut self,
        walk: &mut Walk,
        name: String,
        target: String,
        ttl: u32,
    ) -> Result<(), LookupError> {
        if walk.chain.len() == self.limit {
            return Err(LookupError::ChainTooLong { limit: self.limit });
        }
        walk.chain.push(CnameHop {
            name,
            target: target.clone(),
            ttl,
        });
        if !self.seen.insert(target.clone()) {
            return Err(LookupError::CnameLoop { name: target });
        }
        Ok(())
    }
}

/// What earlier answers of this resolver said about names' aliases, whatever type they asked
/// for: a CNAME applies to every type (RFC 1034 §3.6.2: an alias owns no other data), so once
/// `name → target` or "`name` owns records" is known, a later query of another type need not
/// ask again. This is what makes the common "AAAA: no such record" cheap: the A lookup of the
/// same name has already seen its chain, so the explicit CNAME walk below (a query per hop,
/// then the type again at the end) is needed only for names never answered before.
pub(crate) struct Aliases {
    links: Mutex<HashMap<String, Link>>,
    capacity: usize,
}

#[derive(Clone)]
enum Link {
    /// The name is an alias of this target (with the record's TTL).
    To(String, u32),
    /// The name exists and is not an alias (it answered records, or NODATA to a CNAME query):
    /// a chain ends there.
    End,
}

impl Aliases {
    pub(crate) fn new(capacity: usize) -> Self {
        Aliases {
            links: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    fn learn(&self, name: &str, link: Link) {
        let mut links = self.links.lock().expect("aliases lock");
        if links.len() < self.capacity || links.contains_key(name) {
            links.insert(name.to_owned(), link);
        }
    }

    /// The chain from `name` to a name known to own records, when every hop is known and it
    /// neither loops nor passes `limit`; `None` when any of that is unknown.
    fn chain_from(&self, name: &str, limit: usize) -> Option<Vec<CnameHop>> {
        let links = self.links.lock().expect("aliases lock");
        let mut chain: Vec<CnameHop> = Vec::new();
        let mut seen = HashSet::from([name.to_owned()]);
        let mut current = name.to_owned();
        loop {
            match links.get(&current)? {
                Link::End => return Some(chain),
                Link::To(target, ttl) => {
                    if chain.len() == limit || !seen.insert(target.clone()) {
                        return None;
                    }
                    chain.push(CnameHop {
                        name: current,
                        target: target.clone(),
                        ttl: *ttl,
                    });
                    current = target.clone();
                }
            }
        }
    }
}

/// Whether the resolver answers this name itself, without asking the server: RFC 6761's
/// special-use `invalid.` (always NXDOMAIN) and `localhost.` (loopback). Such an answer says
/// nothing about whether the server answers.
fn answered_without_asking(name: &str) -> bool {
    let last = name.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    last.eq_ignore_ascii_case("invalid") || last.eq_ignore_ascii_case("localhost")
}

pub(crate) async fn resolve(
    resolver: &Upstream,
    aliases: &Aliases,
    query: &CheckedName,
    rt: RecordType,
    limit: usize,
) -> Walk {
    let first = resolver.lookup(query.name.clone(), rt.to_hickory()).await;
    // Records, NODATA, NXDOMAIN or an error code all came in a response; a timeout or a
    // transport error did not. The first query decides: the later ones of a chain walk go to
    // the same server only after it answered.
    let responded =
        !answered_without_asking(&query.text) && matches!(first, Ok(_) | Err(NetError::Dns(_)));
    follow(resolver, aliases, query, rt, limit, first)
        .await
        .responded(responded)
}

async fn follow(
    resolver: &Upstream,
    aliases: &Aliases,
    query: &CheckedName,
    rt: RecordType,
    limit: usize,
    first: Result<hickory_resolver::lookup::Lookup, NetError>,
) -> Walk {
    let mut hops = Hops {
        seen: HashSet::from([query.text.clone()]),
        limit,
    };
    match first {
        Ok(lookup) => {
            let mut walk = Walk::new();
            let records = lookup.answers();
            let mut current = query.text.clone();
            while let Some(r) = records
                .iter()
                .find(|r| matches!(r.data, RData::CNAME(_)) && key(&r.name) == current)
            {
                let RData::CNAME(target) = &r.data else {
                    unreachable!()
                };
                let target = key(&target.0);
                if let Err(e) = hops.push(&mut walk, current, target.clone(), r.ttl) {
                    return walk.fail(e);
                }
                current = target;
            }
            walk.answers = answers_for(records, &current, rt);
            if !walk.answers.is_empty() {
                for hop in &walk.chain {
                    aliases.learn(&hop.name, Link::To(hop.target.clone(), hop.ttl));
                }
                aliases.learn(&current, Link::End);
            }
            if !walk.answers.is_empty()
                || !records.iter().any(|r| r.record_type() == rt.to_hickory())
            {
                return walk;
            }
            // Answers exist but not at the end of the chain as read: the response was not in
            // chain order. Walk it explicitly rather than guess.
            walk_chain(
                resolver,
                aliases,
                query,
                rt,
                Hops {
                    seen: HashSet::from([query.text.clone()]),
                    limit,
                },
            )
            .await
        }
        // NODATA somewhere along the chain hickory followed: when that chain is already
        // known, the missing records are at its end, and nothing needs asking again.
        Err(NetError::Dns(DnsError::NoRecordsFound(nr))) => {
            match aliases.chain_from(&query.text, limit) {
                Some(chain) if nr.response_code == ResponseCode::NoError => {
                    let mut walk = Walk::new();
                    walk.chain = chain;
                    walk
                }
                _ => walk_chain(resolver, aliases, query, rt, hops).await,
            }
        }
        Err(e) => Walk::new().fail(classify(&query.text, &e)),
    }
}

/// Follows the chain with CNAME queries, then asks for `rt` at its end.
async fn walk_chain(
    resolver: &Upstream,
    aliases: &Aliases,
    query: &CheckedName,
    rt: RecordType,
    mut hops: Hops,
) -> Walk {
    let mut walk = Walk::new();
    let mut current = query.text.clone();
    let mut current_name = query.name.clone();
    loop {
        match resolver.lookup(current_name.clone(), H::CNAME).await {
            Ok(lookup) => {
                let Some((target, ttl)) = lookup.answers().iter().find_map(|r| match &r.data {
                    RData::CNAME(t) if key(&r.name) == current => Some((t.0.clone(), r.ttl)),
                    _ => None,
                }) else {
                    break;
                };
                let text = key(&target);
                aliases.learn(&current, Link::To(text.clone(), ttl));
                if let Err(e) = hops.push(&mut walk, current, text.clone(), ttl) {
                    return walk.fail(e);
                }
                current = text;
                current_name = absolute(target);
            }
            // No CNAME here: `current` is the end of the chain (or does not exist).
            Err(NetError::Dns(DnsError::NoRecordsFound(nr)))
                if nr.response_code == ResponseCode::NoError =>
            {
                aliases.learn(&current, Link::End);
                break;
            }
            Err(NetError::Dns(DnsError::NoRecordsFound(_))) => {
                return walk.fail(LookupError::NxDomain { name: current });
            }
            Err(e) => return walk.fail(classify(&current, &e)),
        }
    }
    match resolver.lookup(current_name, rt.to_hickory()).await {
        Ok(lookup) => walk.answers = answers_for(lookup.answers(), &current, rt),
        Err(NetError::Dns(DnsError::NoRecordsFound(nr)))
            if nr.response_code == ResponseCode::NXDomain =>
        {
            return walk.fail(LookupError::NxDomain { name: current });
        }
        // NODATA: the name exists without records of this type; not an error.
        Err(NetError::Dns(DnsError::NoRecordsFound(_))) => {}
        Err(e) => return walk.fail(classify(&current, &e)),
    }
    walk
}

fn absolute(mut name: Name) -> Name {
    name.set_fqdn(true);
    name
}

fn answers_for(records: &[Record], owner: &str, rt: RecordType) -> Vec<Answer> {
    records
        .iter()
        .filter(|r| key(&r.name) == owner)
        .filter_map(|r| match (&r.data, rt) {
            (RData::A(a), RecordType::A) => Some(Answer::A(a.0)),
            (RData::AAAA(a), RecordType::Aaaa) => Some(Answer::Aaaa(a.0)),
            (RData::MX(mx), RecordType::Mx) => Some(Answer::Mx {
                preference: mx.preference,
                exchange: key(&mx.exchange),
            }),
            (RData::NS(ns), RecordType::Ns) => Some(Answer::Ns(key(&ns.0))),
            (RData::TXT(txt), RecordType::Txt) => Some(Answer::Txt(
                txt.txt_data
                    .iter()
                    .map(|s| String::from_utf8_lossy(s))
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

fn classify(name: &str, err: &NetError) -> LookupError {
    let name = name.to_owned();
    match err {
        NetError::Timeout => LookupError::Timeout { name },
        NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => {
            LookupError::ServFail { name }
        }
        NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => {
            LookupError::Refused { name }
        }
        NetError::Dns(DnsError::NoRecordsFound(nr))
            if nr.response_code == ResponseCode::NXDomain =>
        {
            LookupError::NxDomain { name }
        }
        other => LookupError::Other {
            name,
            message: other.to_string(),
        },
    }
}
