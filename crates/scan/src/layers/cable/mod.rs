//! The `cable` layer: for each country the organisation's data may travel to (the countries its
//! network endpoints are located in, and `--to`), the candidate routes from the organisation's
//! country over submarine cables and land, who owns the cables, and how diverse the routes are.
//!
//! The data is the cable pack (`data/cables/`, read by `sovstack-cables`), found by the CLI's
//! data lookup and handed in as [`CableOptions::data_dir`]. Without it, or with a corrupt file,
//! the section says "not evaluated: no cable data" and a diagnostic names the file; the rest of
//! the scan goes on. The collector runs after the network collector ([`Layer::ALL`] order) and
//! reads the network section it wrote.

use crate::collector::{Collector, Context, ScanOut};
use crate::error::ScanError;
use sovstack_cables::{CableData, LandingRef, Routes, Segment, System, NOTE};
use sovstack_inventory::{
    Actor, CableDataset, CableDestination, CableDiversity, CableLandingPoint, CableLayer, CableLeg,
    CableSystem, CableVia, Confidence, CountryCode, Diagnostic, DiagnosticSeverity, Evidence,
    Governance, Method, Role,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The `cable` layer's options.
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct CableOptions {
    /// The organisation's country (ISO 3166-1 alpha-2): cable routes start there. With a network
    /// layer (--endpoints, --domain) it adds the cable layer, whose destinations are the
    /// countries the endpoints are located in.
    #[arg(long, value_name = "CC", help_heading = "Cable layer")]
    pub org_country: Option<String>,

    /// Destination countries for the cable layer, comma-separated (ISO 3166-1 alpha-2), besides
    /// those of the network layer. Asks for the cable layer (with --org-country).
    #[arg(
        long = "to",
        value_name = "CC,...",
        value_delimiter = ',',
        help_heading = "Cable layer"
    )]
    pub to: Vec<String>,

    /// Count cable systems that were still planned when the data was published.
    #[arg(long, help_heading = "Cable layer")]
    pub include_planned: bool,

    /// The cable pack's directory, set by the CLI's data lookup (not a flag: `--data-dir`
    /// serves every pack).
    #[arg(skip)]
    pub data_dir: Option<PathBuf>,
}

impl CableOptions {
    /// Whether these options ask for the layer: `--to`, or `--org-country` with a network layer.
    pub fn ask_for_layer(&self, network: bool) -> bool {
        !self.to.is_empty() || (self.org_country.is_some() && network)
    }
}

/// The diagnostic codes of the cable layer.
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        NO_DATA = "scan/cable-no-data": "the cable data pack (cables/) was not found: the cable layer is recorded as not evaluated",
        BAD_DATA = "scan/cable-bad-data": "a file of the cable data pack is missing, corrupt (its sha256 differs from the manifest's) or malformed: the cable layer is recorded as not evaluated",
    }
}

/// Collects the `cable` layer.
pub(crate) struct CableCollector {
    origin: CountryCode,
    to: Vec<CountryCode>,
    include_planned: bool,
    data_dir: Option<PathBuf>,
    /// The pack, loading on its own thread from when the collector is built: the network layer
    /// (collected before) resolves meanwhile, so the load costs the scan no wall time there.
    loading: std::sync::Mutex<Option<Loading>>,
}

type Loading = std::thread::JoinHandle<Result<CableData, sovstack_cables::Error>>;

impl CableCollector {
    /// Checks the options: an origin, well-formed codes, something to route to.
    pub fn new(o: &CableOptions, network: bool) -> Result<CableCollector, ScanError> {
        let code = |flag: &str, c: &str| {
            CountryCode::new(&c.to_ascii_uppercase()).map_err(|_| {
                ScanError::Cable(format!(
                    "{flag} `{c}` is not an ISO 3166-1 alpha-2 country code (two letters, e.g. FR)"
                ))
            })
        };
        let origin = match &o.org_country {
            Some(c) => code("--org-country", c)?,
            None => {
                return Err(ScanError::Cable(
                    "the cable layer needs the organisation's country: give --org-country CC"
                        .into(),
                ))
            }
        };
        let to =
            o.to.iter()
                .map(|c| code("--to", c))
                .collect::<Result<Vec<_>, _>>()?;
        if to.is_empty() && !network {
            return Err(ScanError::Cable(
                "the cable layer has no destination: give --to CC,... or a network layer (--endpoints, --domain)".into(),
            ));
        }
        let loading = o.data_dir.clone().and_then(|dir| {
            std::thread::Builder::new()
                .name("cable-pack".into())
                .spawn(move || CableData::load(&dir))
                .ok()
        });
        Ok(CableCollector {
            origin,
            to,
            include_planned: o.include_planned,
            data_dir: o.data_dir.clone(),
            loading: std::sync::Mutex::new(loading),
        })
    }

    /// The destinations and why: `--to` first, then each endpoint's location countries.
    fn destinations(&self, out: &ScanOut) -> BTreeMap<CountryCode, Vec<String>> {
        let mut d: BTreeMap<CountryCode, Vec<String>> = BTreeMap::new();
        for c in &self.to {
            d.entry(c.clone()).or_default().push("--to".to_string());
        }
        for ep in out.layers.network.iter().flat_map(|n| &n.endpoints) {
            for a in ep.actors.iter().filter(|a| a.role == Role::Location) {
                if let Some(c) = &a.country {
                    let reasons = d.entry(c.clone()).or_default();
                    // An endpoint's actors are met together: its id, if there, is the last.
                    if reasons.last() != Some(&ep.id) {
                        reasons.push(ep.id.clone());
                    }
                }
            }
        }
        d.remove(&self.origin);
        d
    }

    fn not_evaluated(&self, out: &mut ScanOut, code: &str, message: String) {
        out.diagnostics.push(Diagnostic {
            code: code.to_string(),
            severity: DiagnosticSeverity::Warning,
            message: message.clone(),
            path: None,
        });
        out.layers.cable = Some(CableLayer {
            origin: self.origin.clone(),
            note: NOTE.to_string(),
            not_evaluated: Some(format!("not evaluated: no cable data ({message})")),
            include_planned: self.include_planned,
            datasets: Vec::new(),
            destinations: Vec::new(),
            landing_points: Vec::new(),
        });
    }
}

impl Collector for CableCollector {
    fn collect(&self, _cx: &Context<'_>, out: &mut ScanOut) {
        let Some(dir) = &self.data_dir else {
            return self.not_evaluated(
                out,
                codes::NO_DATA,
                "no cable data pack (cables/) was found".into(),
            );
        };
        let loaded = self
            .loading
            .lock()
            .ok()
            .and_then(|mut l| l.take())
            .and_then(|h| h.join().ok());
        let data = match loaded.unwrap_or_else(|| CableData::load(dir)) {
            Ok(d) => d,
            Err(e) => {
                let message = format!("cable data pack {}: {e}", dir.display());
                return self.not_evaluated(out, codes::BAD_DATA, message);
            }
        };
        out.layers.cable = Some(cable_layer(
            &data,
            &self.origin,
            self.include_planned,
            self.destinations(out),
        ));
    }
}

/// The cable layer's section for routes from `origin` to each destination (with why it is one),
/// from `data`: the scan's, and `sovstack whatif`'s after a cut ([`CableData::cut`]).
pub fn cable_layer(
    data: &CableData,
    origin: &CountryCode,
    include_planned: bool,
    destinations: BTreeMap<CountryCode, Vec<String>>,
) -> CableLayer {
    let mut landing_points: BTreeMap<String, CableLandingPoint> = BTreeMap::new();
    // The routes of each destination, computed on the cores there are (kept in code order).
    let wanted: Vec<(CountryCode, Vec<String>)> = destinations.into_iter().collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let chunk = wanted.len().div_ceil(threads).max(1);
    let routes: Vec<Routes> = std::thread::scope(|scope| {
        let handles: Vec<_> = wanted
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(to, _)| data.routes(origin.as_str(), to.as_str(), include_planned))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("route computation does not panic"))
            .collect()
    });
    let destinations = routes
        .into_iter()
        .zip(wanted)
        .map(|(r, (_, reasons))| {
            for l in landings(&r) {
                if let Some((lon, lat)) = data.landing_at(&l.id) {
                    landing_points
                        .entry(l.name.clone())
                        .or_insert_with(|| CableLandingPoint {
                            name: l.name.clone(),
                            lon,
                            lat,
                        });
                }
            }
            destination(&r, reasons)
        })
        .collect();
    CableLayer {
        origin: origin.clone(),
        note: NOTE.to_string(),
        not_evaluated: None,
        include_planned,
        datasets: data
            .datasets()
            .iter()
            .map(|d| CableDataset {
                path: d.path.clone(),
                kind: serde_json::to_value(d.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                date: d.date.clone(),
                licence: d.licence.clone(),
                sha256: d.sha256.clone(),
            })
            .collect(),
        destinations,
        landing_points: landing_points.into_values().collect(),
    }
}

/// Every landing station the routes' systems use, at either end of any leg.
fn landings(r: &Routes) -> impl Iterator<Item = &LandingRef> {
    r.systems()
        .flat_map(|s| s.from_landings.iter().chain(&s.to_landings))
}

fn code(c: &str) -> CountryCode {
    // The pack's codes are checked when it is loaded.
    CountryCode::new(c).expect("the cable pack's codes are ISO 3166-1 alpha-2")
}

fn system(s: &System) -> CableSystem {
    CableSystem {
        id: s.id.clone(),
        name: s.name.clone(),
        rfs_year: s.rfs_year,
        planned: s.planned,
        owners: s.owners.iter().map(|o| o.name.clone()).collect(),
        hyperscaler_owners: s
            .owners
            .iter()
            .filter(|o| o.hyperscaler)
            .map(|o| o.name.clone())
            .collect(),
        from_landings: s.from_landings.iter().map(|l| l.name.clone()).collect(),
        to_landings: s.to_landings.iter().map(|l| l.name.clone()).collect(),
    }
}

fn leg(s: &Segment) -> CableLeg {
    match s {
        Segment::Land { path } => CableLeg::Land {
            path: path.iter().map(|c| code(c)).collect(),
        },
        Segment::Cable { systems } => CableLeg::Cable {
            systems: systems.iter().map(system).collect(),
        },
    }
}

fn dataset_evidence(
    path: &str,
    field: &str,
    value: Option<String>,
    confidence: Confidence,
) -> Evidence {
    Evidence {
        source: format!("data:cables/{path}"),
        field: Some(field.to_string()),
        line: None,
        value,
        method: Method::DatasetLookup,
        confidence,
    }
}

/// The owners of every system on the routes, each once, by name: known ones with their
/// headquarters (`owners.csv`, medium confidence: compiled from public sources), unknown ones
/// without a name or country (low confidence: the dataset's string only).
fn owners(r: &Routes) -> Vec<Actor> {
    let mut seen: BTreeMap<String, Actor> = BTreeMap::new();
    for s in r.systems() {
        for o in &s.owners {
            if seen.contains_key(&o.name) {
                continue;
            }
            let actor = match (&o.organisation, &o.hq_country) {
                (Some(org), Some(hq)) => Actor {
                    role: Role::CableOwner,
                    name: Some(org.clone()),
                    country: Some(code(hq)),
                    registered_country: None,
                    share: None,
                    governance: Governance::Unknown,
                    // The row of owners.csv keyed by the dataset's owner name (its source URL
                    // is in that row).
                    evidence: vec![dataset_evidence(
                        "owners.csv",
                        "owner",
                        Some(o.name.clone()),
                        Confidence::Medium,
                    )],
                },
                _ => Actor::unknown(
                    Role::CableOwner,
                    vec![dataset_evidence(
                        "cables.json",
                        "owners",
                        Some(o.name.clone()),
                        Confidence::Low,
                    )],
                ),
            };
            seen.insert(o.name.clone(), actor);
        }
    }
    seen.into_values().collect()
}

fn destination(r: &Routes, reasons: Vec<String>) -> CableDestination {
    let d = r.diversity();
    CableDestination {
        id: format!("{}-{}", r.from.code, r.to.code),
        to: code(&r.to.code),
        to_sovereign: code(&r.to.sovereign),
        reasons,
        land: r.land.as_ref().map(|p| p.iter().map(|c| code(c)).collect()),
        direct: r.direct.iter().map(system).collect(),
        via: r
            .via
            .iter()
            .map(|v| CableVia {
                via: code(&v.via.code),
                first: leg(&v.first),
                second: leg(&v.second),
            })
            .collect(),
        diversity: CableDiversity {
            systems: d.systems as u32,
            origin_landings: d.origin_landings as u32,
            owner_shares: d.owner_shares,
            hyperscaler_share: d.hyperscaler_share,
            spof_cables: d.spof_cables,
            spof_landings: d.spof_landings,
            spof_jurisdictions: d.spof_jurisdictions,
        },
        actors: owners(r),
        evidence: vec![
            dataset_evidence("cables.json", "landing_points", None, Confidence::Medium),
            dataset_evidence("land-borders.csv", "a,b", None, Confidence::Medium),
        ],
    }
}
