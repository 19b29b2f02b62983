//! From an address (and the names that led to it) to inventory facts and actors, through the
//! network data directory. Each fact's evidence names the dataset file it came from
//! (`data:network/<path>`); the layer lists each file's sha256 and version.
//!
//! The actors: the AS operator's ultimate parent with its headquarters (`network_operator`),
//! the provider whose published range holds the address or whose name a CNAME, MX or NS target
//! carries (`cloud_provider`, or `dns_provider` for name servers), and the country where the
//! address is located (`location`, a state). A fact the data cannot give becomes an unknown
//! actor, never a guess. An operator missing from the operator table keeps an unknown
//! headquarters; the country the registries delegated its address space to is then given
//! beside it as `registered_country`, with low confidence, and never as its country.

use sovstack_inventory::{
    Actor, Address, CloudRange, Confidence, CountryCode, Evidence, Fact, Governance, Method, Role,
};
use sovstack_netdata::{Basis, DatasetKind, NetData, OperatorBasis, Provider};
use std::net::IpAddr;

/// Evidence for a fact looked up in a dataset.
pub(crate) fn data_evidence(
    path: &str,
    field: &str,
    value: String,
    line: Option<u64>,
    confidence: Confidence,
) -> Evidence {
    Evidence {
        source: format!("data:network/{path}"),
        field: Some(field.to_string()),
        line: line.and_then(|l| u32::try_from(l).ok()),
        value: Some(value),
        method: Method::DatasetLookup,
        confidence,
    }
}

/// The path of the first dataset of `kind`, for evidence.
fn dataset_path(data: &NetData, kind: DatasetKind) -> String {
    data.datasets()
        .iter()
        .find(|d| d.kind == kind)
        .map_or_else(|| format!("({kind:?})"), |d| d.path.clone())
}

fn country(code: &str) -> Option<CountryCode> {
    CountryCode::new(&code.trim().to_ascii_uppercase()).ok()
}

/// Whether `ip` is special-purpose (RFC 6890: private, loopback, link-local, shared, documentation,
/// "this network", reserved): such an address names no network on the Internet, whatever a dataset says
/// (one published geofeed lists the documentation ranges).
pub(crate) fn special_purpose(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            v6.is_loopback()
                || v6.is_unspecified()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8)
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|m| special_purpose(IpAddr::V4(m)))
        }
    }
}

/// An address with no facts yet, only the lookup errors met so far.
fn unattributed(ip: IpAddr, via: Option<String>, errors: Vec<String>) -> Address {
    Address {
        ip: ip.to_string(),
        via,
        asn: None,
        as_name: None,
        operator: None,
        parent: None,
        parent_hq_country: None,
        registered_country: None,
        cloud: None,
        location: None,
        errors,
    }
}

/// Everything the data says about `ip`, and the actors it gives.
pub(crate) fn address(data: &NetData, ip: IpAddr, via: Option<String>) -> (Address, Vec<Actor>) {
    if special_purpose(ip) {
        let error = format!("{ip} is a special-purpose address (RFC 6890): not attributed");
        return (unattributed(ip, via, vec![error]), Vec::new());
    }
    let a = data.attribute(ip);
    let asn_path = dataset_path(data, DatasetKind::AsnMmdb);
    let ops_path = dataset_path(data, DatasetKind::AsnOperators);
    let ipv = ip.to_string();
    let mut out = unattributed(ip, via, a.errors.clone());
    let mut actors = Vec::new();

    if let Some(rec) = &a.asn {
        let ev = |field| {
            data_evidence(
                &asn_path,
                field,
                format!("{ipv} in {}", rec.network),
                None,
                Confidence::High,
            )
        };
        out.asn = Some(Fact::new(rec.asn, ev("autonomous_system_number")));
        out.as_name = rec
            .org
            .clone()
            .map(|o| Fact::new(o, ev("autonomous_system_organization")));
    }
    // Where the registries delegated the AS's space: a fact about the addresses, kept for every
    // AS, and the operator's only country when its headquarters is unknown.
    let registered = a.registration.as_ref().and_then(|r| {
        let code = country(&r.country)?;
        let ev = data_evidence(
            &dataset_path(data, DatasetKind::AsnRegistrations),
            "rir_country_majority",
            format!(
                "AS{} {} (majority_share {} of its {} space): registry delegation, not a headquarters",
                r.asn, r.country, r.share, r.basis
            ),
            Some(r.line),
            Confidence::Low,
        );
        Some(Fact::new(code, ev))
    });
    out.registered_country = registered.clone();
    match &a.operator {
        Some(op) => {
            let ev = match op.basis {
                OperatorBasis::Table { line } => data_evidence(
                    &ops_path,
                    "asn",
                    op.asn.to_string(),
                    Some(line),
                    Confidence::High,
                ),
                OperatorBasis::AsName => data_evidence(
                    &asn_path,
                    "autonomous_system_organization",
                    op.operator.clone(),
                    None,
                    Confidence::Low,
                ),
            };
            let hq = op.parent_hq_country.as_deref().and_then(country);
            let mut evidence = vec![ev.clone()];
            let registered_country = match (&hq, &registered) {
                (None, Some(fact)) => {
                    evidence.extend(fact.evidence.iter().cloned());
                    Some(fact.value.clone())
                }
                _ => None,
            };
            out.operator = Some(Fact::new(op.operator.clone(), ev.clone()));
            out.parent = op.parent_company.clone().map(|p| Fact::new(p, ev.clone()));
            out.parent_hq_country = hq.clone().map(|c| Fact::new(c, ev.clone()));
            actors.push(Actor {
                role: Role::NetworkOperator,
                // The parent decides whose law reaches the network; the AS name is the fallback.
                name: Some(
                    op.parent_company
                        .clone()
                        .unwrap_or_else(|| op.operator.clone()),
                ),
                country: hq,
                registered_country,
                share: None,
                governance: match (&op.basis, op.category.as_deref()) {
                    (OperatorBasis::AsName, _) => Governance::Unknown,
                    (OperatorBasis::Table { .. }, Some("government")) => Governance::State,
                    // A research network or university may be public, a foundation or an
                    // association: the table does not say which.
                    (OperatorBasis::Table { .. }, Some("research")) => Governance::Unknown,
                    (OperatorBasis::Table { .. }, _) => Governance::Company,
                },
                evidence,
            });
        }
        None => actors.push(Actor::unknown(
            Role::NetworkOperator,
            vec![data_evidence(
                &asn_path,
                "autonomous_system_number",
                format!("{ipv}: no autonomous system"),
                None,
                Confidence::Medium,
            )],
        )),
    }
    if let Some(cloud) = &a.cloud {
        let best = &cloud.entries[0];
        let confidence = match best.basis {
            Basis::Published => Confidence::High,
            Basis::AsnDerived => Confidence::Medium,
        };
        let ev = data_evidence(
            &best.dataset,
            "prefix",
            format!("{ipv} in {}", cloud.prefix),
            None,
            confidence,
        );
        out.cloud = Some(CloudRange {
            provider: Fact::new(best.provider.id.clone(), ev.clone()),
            prefix: cloud.prefix.to_string(),
            service: cloud
                .entries
                .iter()
                .find_map(|e| e.service.as_deref().map(String::from)),
            region: cloud
                .entries
                .iter()
                .find_map(|e| e.region.as_deref().map(String::from)),
            country: cloud
                .entries
                .iter()
                .find_map(|e| e.country.as_deref().and_then(country)),
            basis: match best.basis {
                Basis::Published => "published".into(),
                Basis::AsnDerived => "asn_derived".into(),
            },
        });
        actors.push(provider_actor(Role::CloudProvider, &best.provider, ev));
    }
    match &a.location {
        Some(loc) => {
            let path = dataset_path(data, DatasetKind::CountryMmdb);
            // Geolocation databases are right about the country most of the time, not always.
            let ev = data_evidence(
                &path,
                "country",
                format!("{ipv} in {}", loc.network),
                None,
                Confidence::Medium,
            );
            let code = country(&loc.country);
            out.location = code.clone().map(|c| Fact::new(c, ev.clone()));
            actors.push(Actor {
                role: Role::Location,
                name: code.as_ref().map(|c| c.to_string()),
                country: code,
                registered_country: None,
                share: None,
                governance: Governance::State,
                evidence: vec![ev],
            });
        }
        None => actors.push(Actor::unknown(
            Role::Location,
            vec![data_evidence(
                &dataset_path(data, DatasetKind::CountryMmdb),
                "country",
                format!("{ipv}: not located"),
                None,
                Confidence::Medium,
            )],
        )),
    }
    (out, actors)
}

/// The actor for a provider (named by a range, or by a DNS name's suffix).
pub(crate) fn provider_actor(role: Role, p: &Provider, ev: Evidence) -> Actor {
    Actor {
        role,
        name: Some(p.name.clone()),
        country: country(&p.parent_hq_country),
        registered_country: None,
        share: None,
        governance: Governance::Company,
        evidence: vec![ev],
    }
}

/// The provider a DNS name reveals by its suffix, as an actor in `role`, and the provider's id.
pub(crate) fn name_provider(data: &NetData, name: &str, role: Role) -> Option<(String, Actor)> {
    let m = data.cname_provider(name)?;
    let path = dataset_path(data, DatasetKind::CnameSuffixes);
    let ev = data_evidence(
        &path,
        "suffix",
        sovstack_inventory::suffix_evidence_value(name, &m.suffix),
        Some(m.line),
        Confidence::High,
    );
    Some((m.provider.id.clone(), provider_actor(role, &m.provider, ev)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_purpose_addresses() {
        for ip in [
            "10.1.2.3",
            "192.168.0.1",
            "127.0.0.1",
            "169.254.1.1",
            "100.64.0.1",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "0.0.0.0",
            "0.255.255.1",
            "240.0.0.1",
            "255.255.255.255",
            "::1",
            "fd00::1",
            "fe80::1",
            "2001:db8::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(special_purpose(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "3.5.136.10",
            "100.128.0.1",
            "2600:1900:4000::10",
            "::ffff:3.5.136.10",
        ] {
            assert!(!special_purpose(ip.parse().unwrap()), "{ip}");
        }
    }
}
