//! The `suppliers` layer: the services the organisation declares it buys (`--declared FILE`,
//! read by [`parse_declared`]), who supplies them and what each supplier claims, set beside what
//! the network layer observed of the endpoints that deliver them.
//!
//! The file is read and checked when the collector is built, before any collector runs, so a
//! typo fails the scan at once with its line and column. The endpoints it names are resolved by
//! the network collector (which the registry hands them to, `layers/mod.rs`); this collector runs
//! after it ([`sovstack_inventory::Layer::ALL`] order), reads the network section it wrote, and
//! records the contradictions between claims and observations. Which rules judge them is left
//! to the rulesets (`declared_vs_observed`).

pub mod parse_declared;

use crate::collector::{Collector, Context, ScanOut};
use crate::error::ScanError;
use crate::layers::network::parse_endpoints::EndpointSpec;
use parse_declared::{AtLine, DeclaredSpec};
use sha2::{Digest, Sha256};
use sovstack_inventory::{
    Actor, Confidence, Contradiction, ContradictionKind, CountryCode, DeclaredService, Diagnostic,
    DiagnosticSeverity, EndpointKind, Evidence, Fact, Governance, Method, NetworkEndpoint,
    NetworkLayer, Role, ServiceEndpoint, SuppliersLayer,
};
use sovstack_kb::Kb;
use std::path::PathBuf;

/// The `suppliers` layer's options.
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct SuppliersOptions {
    /// The services the organisation buys, their suppliers' claims (jurisdiction, data
    /// locations, certifications) and the endpoints that deliver them (YAML; see
    /// docs/layers/suppliers.md). Adds the suppliers layer, and the network layer to observe
    /// the endpoints.
    #[arg(long, value_name = "FILE", help_heading = "Suppliers layer")]
    pub declared: Option<PathBuf>,
}

impl SuppliersOptions {
    /// Whether these options ask for the layer: `--declared` was given.
    pub fn ask_for_layer(&self) -> bool {
        self.declared.is_some()
    }

    /// Reads and checks the declared file: its text's sha256 and the services.
    pub(crate) fn read(&self, kb: &Kb) -> Result<Declared, ScanError> {
        let path = self.declared.as_ref().ok_or(ScanError::NothingDeclared)?;
        let bytes = std::fs::read(path).map_err(|source| ScanError::DeclaredUnreadable {
            path: path.clone(),
            source,
        })?;
        let text = String::from_utf8(bytes.clone()).map_err(|e| ScanError::Declared {
            path: path.clone(),
            errors: vec![crate::layers::network::parse_endpoints::ParseError {
                line: bytes[..e.utf8_error().valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count() as u64
                    + 1,
                column: 1,
                message: "the file is not UTF-8 text".into(),
            }],
        })?;
        let known = |c: &str| kb.country(c).is_some();
        let services =
            parse_declared::declared(&text, &known).map_err(|errors| ScanError::Declared {
                path: path.clone(),
                errors,
            })?;
        Ok(Declared {
            file: path.display().to_string(),
            sha256: hex::encode(Sha256::digest(&bytes)),
            services,
        })
    }
}

/// A declared file, read and checked.
pub(crate) struct Declared {
    file: String,
    sha256: String,
    services: Vec<DeclaredSpec>,
}

impl Declared {
    /// The endpoints the network layer resolves for the declared services, each host once,
    /// labelled with the first service that names it.
    pub(crate) fn endpoint_specs(&self) -> (String, Vec<EndpointSpec>) {
        let mut out: Vec<EndpointSpec> = Vec::new();
        for s in &self.services {
            for e in &s.endpoints {
                if out.iter().any(|o| o.name.as_deref() == Some(&e.value)) {
                    continue;
                }
                out.push(EndpointSpec {
                    endpoint: e.value.clone(),
                    kind: EndpointKind::Host,
                    name: Some(e.value.clone()),
                    ip: None,
                    label: Some(s.name.clone().unwrap_or_else(|| s.id.clone())),
                    criticality: None,
                    line: e.line,
                });
            }
        }
        (self.file.clone(), out)
    }
}

/// The diagnostic codes of the suppliers layer.
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        DECLARED_COUNTRY_DIFFERS = "scan/suppliers-declared-country-differs": "the declared file gives a supplier or parent a headquarters other than the knowledge base's: the knowledge base's is kept",
        ENDPOINT_NOT_OBSERVED = "scan/suppliers-endpoint-not-observed": "an endpoint of a declared service did not resolve to any address, so nothing was observed of it",
    }
}

/// Collects the `suppliers` layer.
pub(crate) struct SuppliersCollector {
    declared: Declared,
}

impl SuppliersCollector {
    /// Reads and checks the declared file: fails on bad input, naming file, line and column.
    pub fn new(o: &SuppliersOptions, kb: &Kb) -> Result<SuppliersCollector, ScanError> {
        Ok(SuppliersCollector {
            declared: o.read(kb)?,
        })
    }
}

impl Collector for SuppliersCollector {
    fn collect(&self, cx: &Context<'_>, out: &mut ScanOut) {
        let d = &self.declared;
        let network = out.layers.network.clone();
        let services = d
            .services
            .iter()
            .map(|s| service(cx.kb, &d.file, s, network.as_ref(), &mut out.diagnostics))
            .collect();
        out.layers.suppliers = Some(SuppliersLayer {
            file: d.file.clone(),
            sha256: d.sha256.clone(),
            services,
        });
    }
}

fn declared_ev(file: &str, field: &str, v: &AtLine<String>, confidence: Confidence) -> Evidence {
    Evidence {
        source: file.to_string(),
        field: Some(field.to_string()),
        line: Some(v.line),
        value: Some(v.value.clone()),
        method: Method::Declared,
        confidence,
    }
}

fn code(c: &str) -> CountryCode {
    CountryCode::new(c).expect("the declared file's codes are checked when it is read")
}

/// A state actor for a claimed country.
fn claimed(role: Role, file: &str, field: &str, v: &AtLine<String>) -> Actor {
    Actor {
        role,
        name: Some(v.value.clone()),
        country: Some(code(&v.value)),
        registered_country: None,
        share: None,
        governance: Governance::State,
        evidence: vec![declared_ev(file, field, v, Confidence::Low)],
    }
}

/// The supplier or parent in `role`: its headquarters from the knowledge base when it knows the
/// name, else as declared (low confidence), else unknown.
fn organisation(
    kb: &Kb,
    role: Role,
    file: &str,
    (field, name): (&str, &AtLine<String>),
    declared_country: Option<(&str, &AtLine<String>)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Actor {
    let named = declared_ev(file, field, name, Confidence::High);
    match kb.organisation(&name.value) {
        Some(a) => {
            if let (Some((f, c)), Some(hq)) = (declared_country, &a.country) {
                if c.value != hq.as_str() {
                    diagnostics.push(Diagnostic {
                        code: codes::DECLARED_COUNTRY_DIFFERS.into(),
                        severity: DiagnosticSeverity::Warning,
                        message: format!(
                            "{file}:{}: `{f}` says {} is headquartered in {}, the knowledge base says {} ({}); the knowledge base's is kept",
                            c.line, name.value, c.value, hq, a.name
                        ),
                        path: Some(file.to_string()),
                    });
                }
            }
            a.into_actor(role, vec![named])
        }
        None => {
            let mut evidence = vec![named];
            let country = declared_country.map(|(f, c)| {
                evidence.push(declared_ev(file, f, c, Confidence::Low));
                code(&c.value)
            });
            Actor {
                role,
                name: Some(name.value.clone()),
                country,
                registered_country: None,
                share: None,
                governance: Governance::Unknown,
                evidence,
            }
        }
    }
}

/// Whether a country is in the EU or the EEA, by the knowledge base's blocs.
fn in_eu(kb: &Kb, c: &str) -> bool {
    kb.country(c)
        .is_some_and(|c| c.blocs.iter().any(|b| b == "EU" || b == "EEA"))
}

/// The data sources of an actor's evidence, for a message (`data:network/...`).
fn sources(a: &Actor) -> String {
    let mut s: Vec<&str> = a
        .evidence
        .iter()
        .filter(|e| e.method != Method::Dns)
        .map(|e| e.source.as_str())
        .collect();
    s.dedup();
    s.join(", ")
}

/// Adds `a` to `actors`, merging it into one of the same role, name and country; its index.
fn add(actors: &mut Vec<Actor>, a: Actor) -> usize {
    match actors
        .iter()
        .position(|o| o.role == a.role && o.name == a.name && o.country == a.country)
    {
        Some(i) => {
            for ev in a.evidence {
                if !actors[i].evidence.contains(&ev) {
                    actors[i].evidence.push(ev);
                }
            }
            i
        }
        None => {
            actors.push(a);
            actors.len() - 1
        }
    }
}

/// The network endpoint that resolved `host` (a host or URL endpoint naming it).
fn observed<'n>(network: Option<&'n NetworkLayer>, host: &str) -> Option<&'n NetworkEndpoint> {
    network?.endpoints.iter().find(|e| {
        matches!(e.kind, EndpointKind::Host | EndpointKind::Url) && e.name.as_deref() == Some(host)
    })
}

fn service(
    kb: &Kb,
    file: &str,
    s: &DeclaredSpec,
    network: Option<&NetworkLayer>,
    diagnostics: &mut Vec<Diagnostic>,
) -> DeclaredService {
    let mut actors = Vec::new();
    actors.push(organisation(
        kb,
        Role::Supplier,
        file,
        ("supplier.name", &s.supplier),
        s.supplier_country.as_ref().map(|c| ("supplier.country", c)),
        diagnostics,
    ));
    match &s.parent {
        Some(p) => actors.push(organisation(
            kb,
            Role::SupplierParent,
            file,
            ("supplier.parent", p),
            s.parent_country
                .as_ref()
                .map(|c| ("supplier.parent_country", c)),
            diagnostics,
        )),
        None => {
            if let Some(p) = kb.parent(&s.supplier.value) {
                let ev = declared_ev(file, "supplier.name", &s.supplier, Confidence::High);
                actors.push(p.into_actor(Role::SupplierParent, vec![ev]));
            }
        }
    }
    let claim = actors.len();
    actors.push(claimed(
        Role::ClaimedJurisdiction,
        file,
        "jurisdiction",
        &s.jurisdiction,
    ));
    let locations: Vec<usize> = s
        .data_locations
        .iter()
        .map(|l| {
            add(
                &mut actors,
                claimed(Role::DataLocation, file, "data_locations", l),
            )
        })
        .collect();
    let mut endpoints = Vec::new();
    let mut operators: Vec<(usize, String)> = Vec::new();
    let mut places: Vec<(usize, String)> = Vec::new();
    for e in &s.endpoints {
        let ep = observed(network, &e.value);
        let addresses: Vec<String> = ep
            .map(|ep| ep.addresses.iter().map(|a| a.ip.clone()).collect())
            .unwrap_or_default();
        if let (Some(ep), true) = (ep, addresses.is_empty()) {
            diagnostics.push(Diagnostic {
                code: codes::ENDPOINT_NOT_OBSERVED.into(),
                severity: DiagnosticSeverity::Warning,
                message: format!(
                    "{file}:{}: endpoint {} of service `{}` resolved to no address (network endpoint {}): nothing was observed of it",
                    e.line, e.value, s.id, ep.id
                ),
                path: Some(file.to_string()),
            });
        }
        if let Some(ep) = ep {
            let seen = Evidence {
                source: format!("network:{}", ep.id),
                field: Some("addresses".into()),
                line: None,
                value: Some(format!("{} -> {}", e.value, addresses.join(", "))),
                method: Method::Dns,
                confidence: Confidence::High,
            };
            for a in &ep.actors {
                let role = match a.role {
                    Role::NetworkOperator => Role::ObservedOperator,
                    Role::Location => Role::ObservedLocation,
                    _ => continue,
                };
                let mut o = a.clone();
                o.role = role;
                o.evidence.insert(0, seen.clone());
                let i = add(&mut actors, o);
                let list = match role {
                    Role::ObservedOperator => &mut operators,
                    _ => &mut places,
                };
                if !list.iter().any(|(j, _)| *j == i) {
                    list.push((i, e.value.clone()));
                }
            }
        }
        endpoints.push(ServiceEndpoint {
            name: e.value.clone(),
            line: e.line,
            network_endpoint: ep.map(|ep| ep.id.clone()),
            addresses,
        });
    }
    let mut contradictions = Vec::new();
    let j = &s.jurisdiction;
    if in_eu(kb, &j.value) {
        for (i, host) in &operators {
            let o = &actors[*i];
            let Some(c) = o.country.as_ref().filter(|c| !in_eu(kb, c.as_str())) else {
                continue;
            };
            contradictions.push(Contradiction {
                kind: ContradictionKind::Jurisdiction,
                message: format!(
                    "the supplier claims the jurisdiction of {} (EU/EEA; {file}:{}), but {host} resolves to addresses operated by {}, headquartered in {c}, outside the EU/EEA ({})",
                    j.value,
                    j.line,
                    o.name.as_deref().unwrap_or("?"),
                    sources(o)
                ),
                claim: actors[claim].evidence.clone(),
                observation: o.evidence.clone(),
                actors: vec![claim, *i],
            });
        }
    }
    if !s.data_locations.is_empty() {
        let declared: Vec<&str> = s.data_locations.iter().map(|l| l.value.as_str()).collect();
        for (i, host) in &places {
            let o = &actors[*i];
            let Some(c) = o
                .country
                .as_ref()
                .filter(|c| !declared.contains(&c.as_str()))
            else {
                continue;
            };
            // A flow list (`data_locations: [FR, IE]`) puts every location on one line.
            let mut lines: Vec<String> = s
                .data_locations
                .iter()
                .map(|l| l.line.to_string())
                .collect();
            lines.dedup();
            contradictions.push(Contradiction {
                kind: ContradictionKind::DataLocation,
                message: format!(
                    "the supplier declares the data located in {} ({file}:{}), but {host} resolves to an address located in {c} ({})",
                    declared.join(", "),
                    lines.join(","),
                    sources(o)
                ),
                claim: locations
                    .iter()
                    .flat_map(|&l| actors[l].evidence.clone())
                    .collect(),
                observation: o.evidence.clone(),
                actors: locations.iter().copied().chain([*i]).collect(),
            });
        }
    }
    let fact = |field: &str, v: &AtLine<String>, confidence| {
        Fact::new(v.value.clone(), declared_ev(file, field, v, confidence))
    };
    DeclaredService {
        id: s.id.clone(),
        name: s.name.clone(),
        given: Evidence {
            source: file.to_string(),
            field: Some("services".into()),
            line: Some(s.line),
            value: Some(s.id.clone()),
            method: Method::Declared,
            confidence: Confidence::High,
        },
        supplier: fact("supplier.name", &s.supplier, Confidence::High),
        parent: s
            .parent
            .as_ref()
            .map(|p| fact("supplier.parent", p, Confidence::High)),
        jurisdiction: Fact::new(
            code(&j.value),
            declared_ev(file, "jurisdiction", j, Confidence::Low),
        ),
        data_locations: s
            .data_locations
            .iter()
            .map(|l| {
                Fact::new(
                    code(&l.value),
                    declared_ev(file, "data_locations", l, Confidence::Low),
                )
            })
            .collect(),
        certifications: s
            .certifications
            .iter()
            .map(|c| fact("certifications", c, Confidence::Low))
            .collect(),
        endpoints,
        contradictions,
        actors,
    }
}
