//! From inventory items to what plugins and reports see: each actor's country completed with its
//! blocs and the extraterritorial laws that reach an organisation headquartered there. These are
//! looked up at evaluation time, so an inventory made elsewhere is judged with this run's
//! knowledge base (whose version the report records).

use sovstack_abi::{
    Actor as AbiActor, AttributedItem, CableRoutes, Contradiction, Criticality,
    Governance as AbiGovernance, RouteSystem,
};
use sovstack_inventory::{
    Actor, CableDestination, CableLeg, Confidence, DeclaredService, EndpointKind, Governance,
    Inventory, ItemRef, Layer, Lifecycle, NetworkEndpoint, OperatingSystem, RawMaterial,
    SoftwareSupply, ToolchainUse,
};
use sovstack_kb::Kb;
use sovstack_report::{ActorReport, ItemReport};
use std::collections::BTreeMap;

/// The layer's items, attributed, in inventory order. `as_of` (`YYYY-MM-DD`, the evaluation's
/// date from `SOURCE_DATE_EPOCH`) dates the support check; without it no item is said to be
/// past its support.
pub fn attributed_items(
    kb: &Kb,
    inventory: &Inventory,
    layer: Layer,
    as_of: Option<&str>,
) -> Vec<AttributedItem> {
    inventory
        .layers
        .items(layer)
        .into_iter()
        .map(|item| {
            let mut a = attribute_item(kb, item);
            match (item, as_of) {
                (ItemRef::Os(os), Some(date)) => {
                    a.support_ended = crate::sobriety::os_support_ended(kb, inventory, os, date);
                    a.support_years_left = os
                        .lifecycle
                        .as_ref()
                        .and_then(|l| crate::sobriety::years_left(l, date));
                }
                (ItemRef::Processor(p), Some(date)) => {
                    a.support_ended =
                        crate::sobriety::processor_support_ended(kb, inventory, p, date);
                    a.support_years_left = p
                        .lifecycle
                        .as_ref()
                        .and_then(|l| crate::sobriety::years_left(l, date));
                }
                _ => {}
            }
            a
        })
        .collect()
}

/// Why an operating system is past the end of its support on `as_of` (`YYYY-MM-DD`): its
/// release's, or its kernel series', end of support is before that day (ISO dates compare as
/// text). The extended support that may remain (Debian LTS, Ubuntu ESM) is named, not counted:
/// it is a narrower service, often paid.
pub fn support_ended(os: &OperatingSystem, as_of: &str) -> Option<String> {
    let ended = |l: &Lifecycle| l.ended || l.end_of_support.as_deref().is_some_and(|d| d < as_of);
    let describe = |what: String, l: &Lifecycle| {
        let mut s = match &l.end_of_support {
            Some(d) => format!("{what} support ended on {d}"),
            None => format!("{what} support has ended"),
        };
        match l.end_of_extended_support.as_deref() {
            Some(x) if x < as_of => s.push_str(&format!(", extended support on {x}")),
            Some(x) => s.push_str(&format!(" (extended support until {x})")),
            None => {}
        }
        s
    };
    let mut parts = Vec::new();
    if let Some(l) = os.lifecycle.as_ref().filter(|l| ended(l)) {
        parts.push(describe(format!("{} {}", l.product, l.cycle), l));
    }
    if let Some(l) = os.kernel_lifecycle.as_ref().filter(|l| ended(l)) {
        parts.push(describe(format!("the Linux {} kernel series'", l.cycle), l));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "{} (endoflife.date; checked as of {as_of})",
            parts.join("; ")
        )
    })
}

/// One item, attributed. A network endpoint carries its criticality, which weighs it
/// ([`Criticality::weight`]), and, when the scan could not assess it, why.
pub fn attribute_item(kb: &Kb, item: ItemRef<'_>) -> AttributedItem {
    let endpoint = match item {
        ItemRef::Network(ep) => Some(ep),
        ItemRef::Processor(_)
        | ItemRef::Os(_)
        | ItemRef::Toolchain(_)
        | ItemRef::Cable(_)
        | ItemRef::Suppliers(_)
        | ItemRef::Device(_)
        | ItemRef::Software(_)
        | ItemRef::Material(_) => None,
    };
    let service = match item {
        ItemRef::Suppliers(s) => Some(s),
        _ => None,
    };
    let routes = match item {
        ItemRef::Cable(d) => Some(cable_routes(kb, d)),
        _ => None,
    };
    let item = item.item();
    let criticality = endpoint.and_then(|e| e.criticality).map(criticality);
    AttributedItem {
        id: item.id().to_string(),
        label: item.label(),
        actors: item.actors().iter().map(|a| actor(kb, a)).collect(),
        weight: item
            .weight()
            .or_else(|| criticality.map(Criticality::weight)),
        not_assessed: endpoint.and_then(not_assessed),
        criticality,
        support_ended: None,
        support_years_left: None,
        contradictions: service
            .map(|s| {
                s.contradictions
                    .iter()
                    .map(|c| Contradiction {
                        message: c.message.clone(),
                        actors: c.actors.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        certifications: service
            .map(|s| s.certifications.iter().map(|c| c.value.clone()).collect())
            .unwrap_or_default(),
        routes,
    }
}

/// A cable destination's systems for the route criteria: each distinct system (by id, then
/// sorted by name) with its owners as indexes into the item's actors. The scan makes one actor
/// per owner name of the dataset, whose first evidence's value is that name.
fn cable_routes(kb: &Kb, d: &CableDestination) -> CableRoutes {
    let index = |name: &str| {
        d.actors.iter().position(|a| {
            a.evidence
                .first()
                .and_then(|e| e.value.as_deref())
                .is_some_and(|v| v == name)
        })
    };
    let mut systems: BTreeMap<&str, RouteSystem> = BTreeMap::new();
    let legs = d.via.iter().flat_map(|v| [&v.first, &v.second]);
    let all = d.direct.iter().chain(legs.flat_map(|l| match l {
        CableLeg::Cable { systems } => systems.as_slice(),
        CableLeg::Land { .. } => &[],
    }));
    for s in all {
        systems.entry(&s.id).or_insert_with(|| RouteSystem {
            name: s.name.clone(),
            owners: s.owners.iter().filter_map(|o| index(o)).collect(),
            hyperscalers: s
                .hyperscaler_owners
                .iter()
                .filter_map(|o| index(o))
                .collect(),
        });
    }
    let mut systems: Vec<RouteSystem> = systems.into_values().collect();
    systems.sort_by(|a, b| a.name.cmp(&b.name));
    CableRoutes {
        to: d.to_sovereign.to_string(),
        to_blocs: kb
            .country(d.to_sovereign.as_str())
            .map(|c| c.blocs.clone())
            .unwrap_or_default(),
        land: d.land.is_some(),
        systems,
    }
}

fn criticality(c: sovstack_inventory::Criticality) -> Criticality {
    use sovstack_inventory::Criticality as C;
    match c {
        C::Low => Criticality::Low,
        C::Medium => Criticality::Medium,
        C::High => Criticality::High,
        C::Critical => Criticality::Critical,
    }
}

/// Why an endpoint could not be assessed: it has no actor at all (no operator, provider or
/// location, known or not), so no rule can judge it. The reason in plain words, from its
/// resolution errors (each kind once), else its addresses' errors, else what DNS left out.
fn not_assessed(ep: &NetworkEndpoint) -> Option<String> {
    if !ep.actors.is_empty() {
        return None;
    }
    let name = ep.name.as_deref().unwrap_or(&ep.endpoint);
    let mut reasons: Vec<String> = Vec::new();
    for e in &ep.errors {
        let r = match e.kind.as_str() {
            "offline" => "DNS was not asked (--offline)".to_string(),
            "nx_domain" => "the name does not exist (NXDOMAIN)".to_string(),
            "timeout" => "the DNS resolver did not answer in time".to_string(),
            "serv_fail" => "the DNS server failed to answer (SERVFAIL)".to_string(),
            "refused" => "the DNS server refused to answer (REFUSED)".to_string(),
            "cname_loop" => "its CNAME chain loops".to_string(),
            "chain_too_long" => "its CNAME chain is too long to follow".to_string(),
            _ => e.message.clone(),
        };
        if !reasons.contains(&r) {
            reasons.push(r);
        }
    }
    if reasons.is_empty() {
        reasons.extend(ep.addresses.iter().flat_map(|a| a.errors.iter().cloned()));
    }
    if reasons.is_empty() {
        let answers = |rt: &str| -> Vec<&str> {
            ep.lookups
                .iter()
                .filter(|l| l.record_type == rt)
                .flat_map(|l| &l.answers)
                .map(String::as_str)
                .collect()
        };
        reasons.push(match ep.kind {
            EndpointKind::NameServers if answers("NS").is_empty() => {
                format!("DNS has no NS record for {name}")
            }
            EndpointKind::Mail if answers("MX").is_empty() => {
                format!("DNS has no MX record for {name}")
            }
            EndpointKind::Mail
                if answers("MX")
                    .iter()
                    .all(|mx| mx.ends_with(" .") || mx.ends_with(' ')) =>
            {
                format!("{name} takes no mail (null MX, RFC 7505)")
            }
            EndpointKind::Spf if answers("TXT").is_empty() => {
                format!("DNS has no TXT record for {name}")
            }
            EndpointKind::NameServers | EndpointKind::Mail => {
                "its servers have no address".to_string()
            }
            EndpointKind::Spf => {
                "its SPF record names no sender that could be attributed".to_string()
            }
            _ => format!("DNS has no address (A or AAAA) for {name}"),
        });
    }
    Some(reasons.join("; "))
}

/// The report's view of an item (findings are added by the caller).
pub(crate) fn item_report(kb: &Kb, inventory: &Inventory, any: ItemRef<'_>) -> ItemReport {
    let item = any.item();
    ItemReport {
        id: item.id().to_string(),
        label: item.label(),
        identity: Some(item.identity()).filter(|i| *i != item.label()),
        facts: facts(kb, inventory, any),
        actors: item
            .actors()
            .iter()
            .map(|a| {
                let AbiActor {
                    role,
                    name,
                    country,
                    blocs,
                    laws,
                    governance,
                    country_name,
                    law_names,
                    registered_country,
                    share,
                } = actor(kb, a);
                let confidence = a
                    .evidence
                    .iter()
                    .map(|e| e.confidence)
                    .min()
                    .unwrap_or(Confidence::Low);
                let evidence = a.evidence.iter().map(evidence_words).collect();
                ActorReport {
                    role,
                    name,
                    country,
                    country_name,
                    registered_country,
                    share,
                    blocs,
                    laws,
                    law_names,
                    governance,
                    confidence,
                    evidence,
                }
            })
            .collect(),
        findings: Vec::new(),
        weight: None,
        poles: Vec::new(),
    }
}

/// An inventory actor with its country's name and blocs, and the laws that reach it (ids and
/// readable names, in the same order).
fn actor(kb: &Kb, a: &Actor) -> AbiActor {
    let (blocs, laws, country_name) = match &a.country {
        Some(code) => {
            let country = kb.country(code.as_str());
            let blocs = country.map(|c| c.blocs.clone()).unwrap_or_default();
            let mut laws: Vec<(String, String)> = kb
                .laws_reaching(code.as_str())
                .iter()
                .map(|l| (l.id.clone(), l.short_name.clone()))
                .collect();
            laws.sort();
            (blocs, laws, country.map(|c| c.name.clone()))
        }
        None => (Vec::new(), Vec::new(), None),
    };
    AbiActor {
        role: a.role.as_str().to_string(),
        name: a.name.clone(),
        country: a.country.as_ref().map(|c| c.as_str().to_string()),
        blocs,
        law_names: laws.iter().map(|(_, n)| n.clone()).collect(),
        laws: laws.into_iter().map(|(id, _)| id).collect(),
        governance: governance(a.governance),
        country_name,
        // Only beside an unknown headquarters, never in its place (the inventory says the same).
        registered_country: match a.country {
            Some(_) => None,
            None => a
                .registered_country
                .as_ref()
                .map(|c| c.as_str().to_string()),
        },
        share: a.share,
    }
}

/// One piece of evidence in a line: `proc/cpuinfo:5 vendor_id = AuthenticAMD (read from the file,
/// high confidence)`.
fn evidence_words(e: &sovstack_inventory::Evidence) -> String {
    let mut s = e.source.clone();
    if let Some(line) = e.line {
        s.push_str(&format!(":{line}"));
    }
    match (&e.field, &e.value) {
        (Some(f), Some(v)) => s.push_str(&format!(" {f} = {v}")),
        (Some(f), None) => s.push_str(&format!(" {f}")),
        (None, Some(v)) => s.push_str(&format!(" {v}")),
        (None, None) => {}
    }
    use sovstack_inventory::Method;
    let method = match e.method {
        Method::FileField => "read from the file",
        Method::KbLookup => "knowledge base",
        Method::KbPattern => "knowledge-base pattern",
        Method::Sysinfo => "asked the live host",
        Method::Derived => "derived",
        Method::Dns => "DNS answer",
        Method::DatasetLookup => "data pack",
        Method::Declared => "declared",
    };
    let confidence = match e.confidence {
        Confidence::Low => "low",
        Confidence::Medium => "medium",
        Confidence::High => "high",
    };
    s.push_str(&format!(" ({method}, {confidence} confidence)"));
    s
}

/// A few facts beside the label, so a person can tell two items apart.
fn facts(kb: &Kb, inventory: &Inventory, item: ItemRef<'_>) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    match item {
        ItemRef::Processor(p) => {
            f.insert("architecture".into(), p.architecture.value.clone());
            if !p.logical_cpus.is_empty() {
                f.insert("logical_cpus".into(), p.logical_cpus.len().to_string());
            }
            fleet_share(inventory, p.hosts, &mut f);
            if let Some(l) = &p.lifecycle {
                f.insert("supported_until".into(), support_window(l));
            }
            // Only where the floor concerns the machines' systems (not a free OS, not a
            // Windows Server release).
            let floor = p
                .vendor_os_floor
                .as_ref()
                .filter(|_| crate::sobriety::floor_machines(kb, inventory, p).is_some());
            if let Some(o) = floor {
                f.insert(
                    "last_vendor_os".into(),
                    format!(
                        "{} {}, until {} ({} refuses it)",
                        o.last.product,
                        o.last.cycle,
                        o.last.end_of_support.as_deref().unwrap_or("not announced"),
                        o.refused_by
                    ),
                );
            }
        }
        ItemRef::Os(os) => {
            fleet_share(inventory, os.hosts, &mut f);
            if let Some(k) = &os.kernel {
                f.insert("kernel".into(), k.value.clone());
            }
            for (key, l) in [
                ("supported_until", &os.lifecycle),
                ("kernel_supported_until", &os.kernel_lifecycle),
            ] {
                if let Some(l) = l {
                    f.insert(key.into(), support_window(l));
                }
            }
            if !os.id_like.is_empty() {
                f.insert(
                    "id_like".into(),
                    os.id_like
                        .iter()
                        .map(|x| x.value.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                );
            }
        }
        ItemRef::Network(ep) => network_facts(kb, ep, &mut f),
        ItemRef::Toolchain(t) => toolchain_facts(inventory, t, &mut f),
        ItemRef::Cable(c) => cable_facts(c, &mut f),
        ItemRef::Suppliers(s) => supplier_facts(s, &mut f),
        ItemRef::Device(d) => {
            f.insert("kind".into(), d.kind.to_string());
            fleet_share(inventory, d.hosts, &mut f);
            if !d.models.is_empty() {
                let models: Vec<String> = d
                    .models
                    .iter()
                    .map(|(m, n)| match d.hosts {
                        Some(_) => format!("{m} ({})", thousands(*n)),
                        None => m.clone(),
                    })
                    .collect();
                f.insert("models".into(), models.join(", "));
            }
        }
        ItemRef::Software(s) => software_facts(inventory, s, &mut f),
        ItemRef::Material(m) => material_facts(inventory, m, &mut f),
    }
    f
}

/// A material in a few lines: its supply step's world total, its leading producer and share,
/// its CRMA status and the components that need it.
fn material_facts(inventory: &Inventory, m: &RawMaterial, f: &mut BTreeMap<String, String>) {
    f.insert(
        "world".into(),
        format!("{} {} ({} {})", thousands(m.world), m.unit, m.step, m.year),
    );
    if let Some(a) = m.actors.iter().find(|a| a.country.is_some()) {
        let share = a.share.map_or(String::new(), |s| {
            format!(" {}%", sovstack_abi::semantics::round(s * 100.0, 1))
        });
        f.insert(
            "leading_producer".into(),
            format!("{}{share}", a.name.as_deref().unwrap_or("unknown")),
        );
    }
    f.insert("eu_crma".into(), sovstack_report::crma_words(&m.crma));
    f.insert(
        "needed_by".into(),
        m.needed_by
            .iter()
            .map(|u| u.component.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    );
    fleet_share(inventory, m.hosts, f);
}

/// A registry's components in a few lines: how many, their share of all the SBOMs' components,
/// the registry, the licences most declared and the suppliers named.
fn software_facts(inventory: &Inventory, s: &SoftwareSupply, f: &mut BTreeMap<String, String>) {
    f.insert("components".into(), s.components.to_string());
    let total: u64 = inventory
        .layers
        .software
        .iter()
        .flat_map(|l| &l.sboms)
        .map(|d| d.components)
        .sum();
    if total > 0 {
        let share = (s.components as f64 / total as f64 * 1000.0).round() / 10.0;
        f.insert("share_of_components".into(), format!("{share}% of {total}"));
    }
    if let Some(r) = &s.registry {
        f.insert("registry".into(), r.clone());
    }
    let top = |m: &BTreeMap<String, u64>| {
        let mut v: Vec<(&String, &u64)> = m.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let shown: Vec<String> = v
            .iter()
            .take(5)
            .map(|(k, n)| format!("{k} ({n})"))
            .collect();
        let more = v.len().saturating_sub(5);
        match more {
            0 => shown.join(", "),
            n => format!("{}, and {n} more", shown.join(", ")),
        }
    };
    if !s.licences.is_empty() {
        f.insert("licences".into(), top(&s.licences));
    }
    if !s.suppliers.is_empty() {
        f.insert("suppliers".into(), top(&s.suppliers));
    }
}

/// A support window in a few words: `2026-07-11 (extended 2028-06-30; debian 12)`.
fn support_window(l: &Lifecycle) -> String {
    let end = match (&l.end_of_support, l.ended) {
        (Some(d), _) => d.clone(),
        (None, true) => "ended".to_string(),
        (None, false) => "not announced".to_string(),
    };
    match &l.end_of_extended_support {
        Some(x) => format!("{end} (extended {x}; {} {})", l.product, l.cycle),
        None => format!("{end} ({} {})", l.product, l.cycle),
    }
}

/// A destination in a few lines: its routes (direct systems, through which countries, over
/// land), their diversity and what every route needs ("systems: 3 (Dunant, ...)", "single
/// points of failure: EllaLink").
fn cable_facts(c: &CableDestination, f: &mut BTreeMap<String, String>) {
    if c.to != c.to_sovereign {
        f.insert("jurisdiction".into(), format!("under {}", c.to_sovereign));
    }
    if let Some(path) = &c.land {
        let path: Vec<&str> = path.iter().map(|p| p.as_str()).collect();
        f.insert(
            "land".into(),
            format!("{} (no cable needed)", path.join(" - ")),
        );
    }
    let direct: Vec<&str> = c.direct.iter().map(|s| s.name.as_str()).collect();
    f.insert(
        "direct".into(),
        match direct.is_empty() {
            true => "none".into(),
            false => direct.join(", "),
        },
    );
    if !c.via.is_empty() {
        let via: Vec<&str> = c.via.iter().map(|v| v.via.as_str()).collect();
        f.insert("via".into(), via.join(", "));
    }
    let d = &c.diversity;
    f.insert("systems".into(), d.systems.to_string());
    f.insert("origin_landings".into(), d.origin_landings.to_string());
    let shares: Vec<String> = d
        .owner_shares
        .iter()
        .map(|(k, v)| format!("{k} {:.1}%", v * 100.0))
        .collect();
    if !shares.is_empty() {
        f.insert("ownership".into(), shares.join(", "));
        f.insert(
            "hyperscaler_share".into(),
            format!("{:.1}%", d.hyperscaler_share * 100.0),
        );
    }
    let mut spof: Vec<String> = d.spof_cables.clone();
    spof.extend(d.spof_landings.iter().map(|l| format!("landing {l}")));
    spof.extend(
        d.spof_jurisdictions
            .iter()
            .map(|j| format!("jurisdiction {j}")),
    );
    if !spof.is_empty() {
        f.insert("single_points_of_failure".into(), spof.join(", "));
    }
}

/// What a declared service's supplier claims, and what was observed of its endpoints.
fn supplier_facts(s: &DeclaredService, f: &mut BTreeMap<String, String>) {
    let line = |e: &[sovstack_inventory::Evidence]| {
        e.first()
            .and_then(|e| e.line.map(|l| format!("{}:{l}", e.source)))
            .unwrap_or_default()
    };
    f.insert(
        "declared".into(),
        format!("{} ({})", s.supplier.value, line(&s.supplier.evidence)),
    );
    f.insert(
        "claimed_jurisdiction".into(),
        s.jurisdiction.value.to_string(),
    );
    if !s.data_locations.is_empty() {
        let l: Vec<&str> = s.data_locations.iter().map(|l| l.value.as_str()).collect();
        f.insert("declared_data_locations".into(), l.join(", "));
    }
    let c: Vec<&str> = s.certifications.iter().map(|c| c.value.as_str()).collect();
    f.insert(
        "certifications".into(),
        match c.is_empty() {
            true => "none declared".into(),
            false => c.join(", "),
        },
    );
    if !s.endpoints.is_empty() {
        let e: Vec<String> = s
            .endpoints
            .iter()
            .map(|e| match (&e.network_endpoint, e.addresses.is_empty()) {
                (Some(id), false) => format!("{} ({id}: {})", e.name, e.addresses.join(", ")),
                (Some(id), true) => format!("{} ({id}: no address)", e.name),
                (None, _) => format!("{} (not observed)", e.name),
            })
            .collect();
        f.insert("endpoints".into(), e.join("; "));
    }
    if !s.contradictions.is_empty() {
        f.insert("contradictions".into(), s.contradictions.len().to_string());
    }
}

/// In a fleet inventory, the hosts an item stands for and their share of the fleet ("1,794 of
/// 2,940 hosts (61.0%)").
fn fleet_share(inventory: &Inventory, hosts: Option<u64>, f: &mut BTreeMap<String, String>) {
    let (Some(n), Some(fleet)) = (hosts, &inventory.fleet) else {
        return;
    };
    let total = fleet.hosts.len() as u64;
    let share = if total == 0 {
        0.0
    } else {
        n as f64 * 100.0 / total as f64
    };
    f.insert(
        "hosts".into(),
        format!("{} of {} ({share:.1}%)", thousands(n), thousands(total)),
    );
}

use sovstack_report::thousands;

/// A toolchain in a few words: its name and licence, and its share of the binaries found
/// ("1840 of 3007 binaries (61.2%)"), with a few of them.
fn toolchain_facts(inventory: &Inventory, t: &ToolchainUse, f: &mut BTreeMap<String, String>) {
    let total = inventory
        .layers
        .toolchain
        .as_ref()
        .map_or(0, |l| l.binaries);
    let share = if total == 0 {
        0.0
    } else {
        t.binaries as f64 * 100.0 / total as f64
    };
    f.insert(
        "binaries".into(),
        format!("{} of {total} ({share:.1}%)", t.binaries),
    );
    if let Some(name) = &t.name {
        f.insert("toolchain".into(), name.clone());
    }
    if let Some(l) = t.licence {
        f.insert("licence".into(), format!("{l:?}").to_lowercase());
    }
    if !t.examples.is_empty() {
        f.insert("examples".into(), t.examples.join(", "));
    }
    if !t.packagers.is_empty() {
        f.insert("packaged by".into(), t.packagers.join(", "));
    }
}

/// An endpoint in a few lines: how DNS led to its addresses, who holds each address and where
/// it stands, and whose law reaches it ("via CNAME e1234.a.akamaiedge.net (akamai)", "23.32.0.10
/// AS20940 Akamai (US), located NL", "jurisdiction: located in the EU (Netherlands), reachable by
/// US law through Akamai Technologies (network operator)").
fn network_facts(kb: &Kb, ep: &NetworkEndpoint, f: &mut BTreeMap<String, String>) {
    f.insert(
        "resolution".into(),
        format!("{:?}", ep.resolution).to_lowercase(),
    );
    if let Some(c) = ep.criticality {
        f.insert("criticality".into(), format!("{c:?}").to_lowercase());
    }
    let hops: Vec<String> = ep
        .lookups
        .iter()
        .flat_map(|l| &l.chain)
        .map(|h| match &h.provider {
            Some(p) => format!("{} → {} ({p})", h.name, h.target),
            None => format!("{} → {}", h.name, h.target),
        })
        .collect();
    let mut hops_unique: Vec<String> = Vec::new();
    for h in hops {
        if !hops_unique.contains(&h) {
            hops_unique.push(h);
        }
    }
    if !hops_unique.is_empty() {
        f.insert("cname_chain".into(), hops_unique.join("; "));
    }
    for (rt, key) in [("MX", "mx"), ("NS", "ns")] {
        let targets: Vec<&str> = ep
            .lookups
            .iter()
            .filter(|l| l.record_type == rt)
            .flat_map(|l| &l.answers)
            .map(String::as_str)
            .collect();
        if !targets.is_empty() {
            f.insert(key.into(), targets.join(", "));
        }
    }
    if !ep.addresses.is_empty() {
        let lines: Vec<String> = ep
            .addresses
            .iter()
            .map(|a| {
                let mut s = a.ip.clone();
                if let Some(asn) = &a.asn {
                    s.push_str(&format!(" AS{}", asn.value));
                }
                let holder = a
                    .parent
                    .as_ref()
                    .or(a.operator.as_ref())
                    .or(a.as_name.as_ref());
                if let Some(h) = holder {
                    s.push_str(&format!(" {}", h.value));
                }
                match (&a.parent_hq_country, &a.registered_country) {
                    (Some(c), _) => s.push_str(&format!(" ({})", c.value)),
                    // The registry's country, for an operator of unknown headquarters only.
                    (None, Some(c)) => s.push_str(&format!(" (registered in {})", c.value)),
                    (None, None) => {}
                }
                if let Some(c) = &a.cloud {
                    let detail: Vec<&str> = [c.service.as_deref(), c.region.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect();
                    s.push_str(format!(", {} {}", c.provider.value, detail.join(" ")).trim_end());
                }
                if let Some(l) = &a.location {
                    s.push_str(&format!(", located {}", l.value));
                }
                s
            })
            .collect();
        f.insert("addresses".into(), lines.join("; "));
    }
    if !ep.errors.is_empty() {
        // Each once: an inventory from an older scan lists the A and AAAA failure of a missing
        // name apart.
        let mut messages: Vec<&str> = Vec::new();
        for e in &ep.errors {
            if !messages.contains(&e.message.as_str()) {
                messages.push(&e.message);
            }
        }
        f.insert("errors".into(), messages.join("; "));
    }
    // The network layer's headline: where the data sits against whose law reaches the
    // organisations that hold it ("located in the EU (Germany), reachable by US law through
    // Amazon.com, Inc. (network operator)"). The EU counts as one jurisdiction for its members.
    let in_eu = |code: &str| {
        kb.country(code)
            .is_some_and(|c| c.blocs.iter().any(|b| b == "EU"))
    };
    let country_name = |code: &str| {
        kb.country(code)
            .map_or(code.to_string(), |c| c.name.clone())
    };
    let jurisdiction = |code: &str| {
        if in_eu(code) {
            "EU".to_string()
        } else {
            code.to_string()
        }
    };
    let mut located: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut reach: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in &ep.actors {
        let Some(code) = &a.country else { continue };
        let code = code.as_str();
        if a.role == sovstack_inventory::Role::Location {
            let names = located.entry(jurisdiction(code)).or_default();
            let name = country_name(code);
            if !names.contains(&name) {
                names.push(name);
            }
            continue;
        }
        let who = format!(
            "{} ({})",
            a.name.as_deref().unwrap_or("an unidentified organisation"),
            role_words(a.role.as_str())
        );
        let holders = reach.entry(jurisdiction(code)).or_default();
        if !holders.contains(&who) {
            holders.push(who);
        }
    }
    let mut parts: Vec<String> = Vec::new();
    if !located.is_empty() {
        let places: Vec<String> = located
            .iter()
            .map(|(j, names)| {
                if j == "EU" {
                    format!("the EU ({})", names.join(", "))
                } else {
                    names.join(", ")
                }
            })
            .collect();
        parts.push(format!("located in {}", places.join(" and ")));
    }
    for (j, holders) in &reach {
        parts.push(format!(
            "reachable by {j} law through {}",
            holders.join(", ")
        ));
    }
    if !parts.is_empty() {
        f.insert("jurisdiction".into(), parts.join(", "));
    }
}

/// A role in a person's words (`network operator`, `DNS host`).
fn role_words(role: &str) -> String {
    match role {
        "dns_provider" => "DNS host".to_string(),
        "libc" => "C library".to_string(),
        "isa_owner" => "instruction-set owner".to_string(),
        "soc_vendor" => "chip vendor".to_string(),
        other => other.replace('_', " "),
    }
}

fn governance(g: Governance) -> AbiGovernance {
    match g {
        Governance::OpenStandard => AbiGovernance::OpenStandard,
        Governance::Community => AbiGovernance::Community,
        Governance::Foundation => AbiGovernance::Foundation,
        Governance::Company => AbiGovernance::Company,
        Governance::State => AbiGovernance::State,
        Governance::Unknown => AbiGovernance::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sovstack_inventory::{Address, Criticality as C, DnsLookup, Evidence, Method, Resolution};

    fn endpoint(
        kind: EndpointKind,
        lookups: Vec<DnsLookup>,
        addresses: Vec<Address>,
    ) -> NetworkEndpoint {
        NetworkEndpoint {
            id: "ep0".into(),
            endpoint: "example.org".into(),
            label: None,
            criticality: None,
            given: Evidence {
                source: "--domain".into(),
                field: None,
                line: None,
                value: None,
                method: Method::Derived,
                confidence: Confidence::High,
            },
            kind,
            name: Some("example.org".into()),
            resolution: Resolution::Resolved,
            lookups,
            addresses,
            errors: Vec::new(),
            actors: Vec::new(),
        }
    }

    fn answered(record_type: &str, answers: &[&str]) -> DnsLookup {
        DnsLookup {
            name: "example.org".into(),
            record_type: record_type.into(),
            chain: Vec::new(),
            answers: answers.iter().map(|a| a.to_string()).collect(),
            error: None,
        }
    }

    fn special(ip: &str) -> Address {
        Address {
            ip: ip.into(),
            via: None,
            asn: None,
            as_name: None,
            operator: None,
            parent: None,
            parent_hq_country: None,
            registered_country: None,
            cloud: None,
            location: None,
            errors: vec![format!(
                "{ip} is a special-purpose address (RFC 6890): not attributed"
            )],
        }
    }

    #[test]
    fn why_an_endpoint_without_actors_could_not_be_assessed() {
        use EndpointKind::*;
        let cases = [
            (
                endpoint(NameServers, vec![answered("NS", &[])], vec![]),
                "DNS has no NS record for example.org",
            ),
            (
                endpoint(Mail, vec![answered("MX", &[])], vec![]),
                "DNS has no MX record for example.org",
            ),
            (
                endpoint(Mail, vec![answered("MX", &["0 ."])], vec![]),
                "example.org takes no mail (null MX, RFC 7505)",
            ),
            (
                endpoint(Mail, vec![answered("MX", &["10 mx.example.org"])], vec![]),
                "its servers have no address",
            ),
            (
                endpoint(Spf, vec![answered("TXT", &[])], vec![]),
                "DNS has no TXT record for example.org",
            ),
            (
                endpoint(
                    Host,
                    vec![answered("A", &[]), answered("AAAA", &[])],
                    vec![],
                ),
                "DNS has no address (A or AAAA) for example.org",
            ),
            (
                endpoint(
                    Host,
                    vec![answered("A", &["192.0.2.1"])],
                    vec![special("192.0.2.1")],
                ),
                "192.0.2.1 is a special-purpose address (RFC 6890): not attributed",
            ),
        ];
        for (ep, want) in cases {
            assert_eq!(not_assessed(&ep).as_deref(), Some(want), "{:?}", ep.kind);
        }
        // Errors of the same kind give one reason; each kind is named once.
        let mut failed = endpoint(Host, vec![], vec![]);
        for (kind, message) in [("timeout", "a"), ("timeout", "b"), ("serv_fail", "c")] {
            failed.errors.push(sovstack_inventory::EndpointError {
                kind: kind.into(),
                message: message.into(),
            });
        }
        assert_eq!(
            not_assessed(&failed).as_deref(),
            Some("the DNS resolver did not answer in time; the DNS server failed to answer (SERVFAIL)")
        );
        // An endpoint with any actor, known or not, is assessed.
        let mut judged = endpoint(Host, vec![], vec![]);
        judged.actors.push(Actor::unknown(
            sovstack_inventory::Role::Location,
            Vec::new(),
        ));
        assert_eq!(not_assessed(&judged), None);
    }

    #[test]
    fn criticality_is_carried_and_weighs_the_endpoint() {
        let kb = Kb::builtin().unwrap();
        let weights: Vec<(Option<Criticality>, Option<f64>)> = [
            None,
            Some(C::Low),
            Some(C::Medium),
            Some(C::High),
            Some(C::Critical),
        ]
        .into_iter()
        .map(|c| {
            let ep = NetworkEndpoint {
                criticality: c,
                ..endpoint(EndpointKind::Host, vec![], vec![])
            };
            let a = attribute_item(&kb, ItemRef::Network(&ep));
            (a.criticality, a.weight)
        })
        .collect();
        assert_eq!(
            weights,
            [
                (None, None),
                (Some(Criticality::Low), Some(0.5)),
                (Some(Criticality::Medium), Some(1.0)),
                (Some(Criticality::High), Some(2.0)),
                (Some(Criticality::Critical), Some(4.0)),
            ]
        );
    }
}
