//! `sovstack whatif INVENTORY --cut cable:NAME|landing:NAME|country:CC`: what an inventory's
//! organisation would lose if cable systems, landing stations or a whole country (its territory,
//! and the operators, cloud providers and cable owners under its jurisdiction) were cut, and how
//! each ruleset's scores would change.

use crate::commands::cables::load_pack;
use crate::common::{load_kb, load_plugins, load_rulesets, new_host, read_inventory, OutputFormat};
use crate::config::Config;
use crate::{exit, output};
use anyhow::{bail, Result};
use clap::Args as ClapArgs;
use comfy_table::{presets, Table};
use serde::Serialize;
use sovstack_cables::{CableData, Cut, CutReason, NOTE};
use sovstack_evaluate::Evaluator;
use sovstack_inventory::{
    Actor, CableDestination, CableLayer, CableLeg, Confidence, Criticality, Evidence, Inventory,
    Method, NetworkEndpoint, Role,
};
use sovstack_kb::Kb;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Cut cable systems, landing stations or a whole country, and see which destinations,
/// endpoints and services lose every route, and how each ruleset's scores change.
#[derive(ClapArgs, Debug)]
#[command(after_help = format!("{}\n\n{}", "\
Examples:
  sovstack whatif inv.json --cut cable:EllaLink
  sovstack whatif inv.json --cut 'landing:Marseille, France' --cut 'landing:Toulon, France'
  sovstack whatif inv.json --cut country:US --format json -o whatif.json

A cut is KIND:NAME, repeatable (all cuts apply together):
  cable:NAME     a cable system on the inventory's routes, by name or id (case ignored)
  landing:NAME   a landing station on the inventory's routes, by name (`Marseille, France`)
  country:CC     a state (ISO 3166-1 alpha-2): its territory and its territories' (no cable
                 landing there, no land path through it), every cable all of whose owners are
                 headquartered under it, and every network operator and cloud provider
                 headquartered there (\"if its law compelled every operator it holds\")
An unknown cable or landing station exits 2 with the close matches on the inventory's routes.

A destination country is lost when it had a route and none is left (or it is under a cut
state), rerouted when every system it used is cut but longer routes are left, degraded when
some are cut or its land path is; an endpoint is lost when every address it resolved to is lost (located in a lost or cut
country, or operated or hosted from a cut country), degraded when some are (an unlabelled endpoint counts as `medium`, shown \"medium (default)\"). The
report first says how many endpoints are lost, and how many of them are critical.

The scores are those of `evaluate` (same plugins and rulesets) on the inventory before and after
the cut. A lost endpoint is a service the organisation no longer has, so it is not dropped (that
would raise the score): it stays in the evaluation, keeping the operators, cloud providers and
locations that held it, with an unknown one added in each of those roles (nobody left is known
to serve it). Every rule gives it the lower of the two levels (the ruleset's `unknown` level when
that is lower), `attribution-known` rules report it, and part of its share of control counts as unknown,
which counts against a layer. A declared service (`--declared`) whose endpoints are all lost gets
the same unknown supplier. So a cut never raises a network or suppliers score. The cable routes
are computed again without what was cut; routes are candidates from geography, not observed
paths.

Exit codes: 0 success; 2 usage or input error (a malformed cut, an unknown target, no cable
data pack for an inventory with a cable layer, a plugin that failed).", crate::data_packs::LOOKUP_HELP))]
pub struct Args {
    /// The inventory (JSON, from `sovstack scan`); - reads stdin.
    #[arg(value_name = "INVENTORY")]
    pub inventory: PathBuf,
    /// What to cut: cable:NAME, landing:NAME or country:CC (repeatable).
    #[arg(long = "cut", value_name = "KIND:NAME", required = true)]
    pub cuts: Vec<String>,
    /// Ruleset to score with: a built-in name or a YAML file (repeatable) [default: the
    /// configuration's, else eu-sovereignty and non-aligned].
    #[arg(long = "ruleset", value_name = "NAME|FILE")]
    pub rulesets: Vec<String>,
    /// A plugin to judge with besides the built-in ones (repeatable), as for `evaluate`.
    #[arg(long = "plugin", value_name = "FILE.wasm")]
    pub plugins: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,
    /// Data directory holding cables/ (or the pack's own directory); see the lookup below.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Write to FILE instead of stdout (a regular file is replaced atomically); - is stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// One `--cut`, as given and as understood.
#[derive(Debug, Clone, Serialize)]
struct CutSpec {
    kind: &'static str,
    target: String,
}

#[derive(Debug, Serialize)]
struct SystemCut {
    name: String,
    id: String,
    why: String,
}

#[derive(Debug, Serialize)]
struct DestinationOutcome {
    id: String,
    to: String,
    to_sovereign: String,
    /// `lost` (had a route, none left), `rerouted` (every system of the routes before is cut,
    /// others, longer, are left), `degraded` (some systems or the land path cut), `unchanged`,
    /// or `no_route` (none before either).
    status: &'static str,
    land_before: bool,
    land_after: bool,
    systems_before: u32,
    systems_after: u32,
    /// Systems left on the routes after the cut, by name.
    systems_left: Vec<String>,
    reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
struct AddressLost {
    ip: String,
    why: Vec<String>,
}

#[derive(Debug, Serialize)]
struct EndpointOutcome {
    id: String,
    endpoint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    /// How critical the endpoint is: its label in the endpoints file, else `medium`, the
    /// default (`criticality_default` then says so).
    criticality: Criticality,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    criticality_default: bool,
    /// `lost` (every address lost) or `degraded` (some).
    status: &'static str,
    addresses: usize,
    addresses_lost: Vec<AddressLost>,
}

/// A declared service (`--declared`) whose endpoints the cut takes.
#[derive(Debug, Serialize)]
struct ServiceOutcome {
    id: String,
    name: String,
    supplier: String,
    /// `lost` (every declared endpoint lost) or `degraded` (some).
    status: &'static str,
    endpoints: usize,
    endpoints_lost: Vec<String>,
}

/// How many endpoints the cut loses or degrades, by criticality.
#[derive(Debug, Default, Serialize)]
struct Summary {
    endpoints: usize,
    lost: usize,
    degraded: usize,
    /// Lost endpoints by criticality (`low`, `medium` with the unlabelled, `high`, `critical`).
    lost_by_criticality: BTreeMap<Criticality, usize>,
    /// Lost endpoints labelled `critical`.
    critical_lost: usize,
    services: usize,
    services_lost: usize,
}

#[derive(Debug, Serialize)]
struct ScoreChange {
    layer: String,
    before: Option<f64>,
    after: Option<f64>,
    findings_before: usize,
    findings_after: usize,
}

#[derive(Debug, Serialize)]
struct RulesetChange {
    name: String,
    version: String,
    overall_before: Option<f64>,
    overall_after: Option<f64>,
    layers: Vec<ScoreChange>,
}

#[derive(Debug, Serialize)]
struct Outcome {
    note: &'static str,
    cuts: Vec<CutSpec>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cable_data: Option<sovstack_inventory::DataPackRef>,
    systems_cut: Vec<SystemCut>,
    destinations: Vec<DestinationOutcome>,
    summary: Summary,
    endpoints: Vec<EndpointOutcome>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    services: Vec<ServiceOutcome>,
    /// How the scores after the cut count what it loses.
    scoring: &'static str,
    rulesets: Vec<RulesetChange>,
}

/// How the scores after the cut are made (the JSON's `scoring`, the table's heading, --help).
const SCORING: &str = "every endpoint is kept: a lost one keeps the operators, providers and locations that held it and gains an unknown one in each of their roles (nobody left is known to serve it), so each rule gives it the lower of the two levels and part of its share of control counts as unknown; a declared service whose endpoints are all lost gains the same unknown actors; cable routes are computed again without what was cut";

/// The role of every actor of `actors`, once each, in order.
fn roles_of(actors: &[Actor]) -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::new();
    for a in actors {
        if !roles.contains(&a.role) {
            roles.push(a.role);
        }
    }
    roles
}

/// Marks an item the cut takes away: an unknown actor in each role it has, with the cut as the
/// evidence. Its known actors stay (they still hold what it was), so no rule judges it better
/// than before, and every rule that needs a known holder finds it lacking.
fn mark_lost(actors: &mut Vec<Actor>, why: &str) {
    for role in roles_of(actors) {
        actors.push(Actor::unknown(
            role,
            vec![Evidence {
                source: "whatif".to_string(),
                field: Some("cut".to_string()),
                line: None,
                value: Some(why.to_string()),
                method: Method::Derived,
                confidence: Confidence::High,
            }],
        ));
    }
}

/// Parses `KIND:NAME`.
fn parse_cut(kb: &Kb, s: &str) -> Result<CutSpec> {
    let Some((kind, target)) = s.split_once(':') else {
        bail!("--cut `{s}`: expected KIND:NAME, with KIND one of cable, landing, country");
    };
    let target = target.trim();
    if target.is_empty() {
        bail!("--cut `{s}`: the name after `{kind}:` is empty");
    }
    let kind = match kind.trim().to_ascii_lowercase().as_str() {
        "cable" => "cable",
        "landing" => "landing",
        "country" => "country",
        other => bail!("--cut `{s}`: unknown kind `{other}` (cable, landing or country)"),
    };
    let target = if kind == "country" {
        crate::commands::cables::country_arg(kb, &format!("--cut {s}:"), target)?
    } else {
        target.to_string()
    };
    Ok(CutSpec { kind, target })
}

/// Up to five names of `known` close to `wanted` (Jaro-Winkler, case ignored, or containing it).
fn close_matches<'a>(wanted: &str, known: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let w = wanted.to_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .map(|k| {
            let l = k.to_lowercase();
            let s = if l.contains(&w) || w.contains(&l) {
                1.0
            } else {
                strsim::jaro_winkler(&w, &l)
            };
            (s, k)
        })
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(5).map(|(_, k)| k).collect()
}

/// Every system on a destination's routes.
fn systems(d: &CableDestination) -> impl Iterator<Item = &sovstack_inventory::CableSystem> {
    d.direct.iter().chain(d.via.iter().flat_map(|v| {
        [&v.first, &v.second].into_iter().flat_map(|l| match l {
            CableLeg::Cable { systems } => systems.as_slice(),
            CableLeg::Land { .. } => &[],
        })
    }))
}

fn has_route(d: &CableDestination) -> bool {
    d.land.is_some() || !d.direct.is_empty() || !d.via.is_empty()
}

/// Checks the cable and landing targets against the inventory's routes: exit 2 with close
/// matches for an unknown one.
fn check_targets(cuts: &[CutSpec], cable: Option<&CableLayer>) -> Result<()> {
    let mut names: BTreeSet<&str> = BTreeSet::new();
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    let mut landings: BTreeSet<&str> = BTreeSet::new();
    for d in cable.iter().flat_map(|c| &c.destinations) {
        for s in systems(d) {
            names.insert(&s.name);
            ids.insert(&s.id);
            landings.extend(
                s.from_landings
                    .iter()
                    .chain(&s.to_landings)
                    .map(String::as_str),
            );
        }
    }
    for c in cuts {
        let (known, what): (Vec<&str>, &str) = match c.kind {
            "cable" => (names.iter().chain(&ids).copied().collect(), "cable system"),
            "landing" => (landings.iter().copied().collect(), "landing station"),
            _ => continue,
        };
        if cable.is_none_or(|c| c.not_evaluated.is_some()) {
            bail!(
                "--cut {}:{}: the inventory has no cable layer with routes (scan with --org-country and --endpoints, --domain or --to)",
                c.kind,
                c.target
            );
        }
        if known.iter().any(|k| k.eq_ignore_ascii_case(&c.target)) {
            continue;
        }
        let close = close_matches(
            &c.target,
            names
                .iter()
                .copied()
                .chain(landings.iter().copied())
                .filter(|k| known.contains(k)),
        );
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!("; close matches: {}", close.join(", "))
        };
        bail!(
            "--cut {}:{}: no {what} of that name on the inventory's routes{hint}",
            c.kind,
            c.target
        );
    }
    Ok(())
}

impl Args {
    pub fn execute(self, config: Option<&Path>) -> Result<u8> {
        let kb = load_kb()?;
        let config = Config::load(config, &kb)?;
        let cuts = self
            .cuts
            .iter()
            .map(|s| parse_cut(&kb, s))
            .collect::<Result<Vec<_>>>()?;
        let before = read_inventory(&self.inventory)?;
        output::refuse_overwriting_input(self.output.as_deref(), &[&self.inventory])?;
        output::refuse_unwritable(self.output.as_deref())?;
        let cable = before.layers.cable.as_ref();
        check_targets(&cuts, cable)?;
        let mut cut = Cut::default();
        for c in &cuts {
            let set = match c.kind {
                "cable" => &mut cut.cables,
                "landing" => &mut cut.landings,
                _ => &mut cut.countries,
            };
            set.insert(c.target.clone());
        }

        // The cable pack, when the inventory has routes to compute again.
        let routed = cable.filter(|c| c.not_evaluated.is_none());
        let pack = match routed {
            Some(layer) => {
                let (data, pack) = load_pack(self.data_dir.as_deref(), config.data_dir.as_deref())
                    .map_err(|e| {
                        anyhow::anyhow!("the inventory has a cable layer, and computing its routes after the cut needs the cable data: {e}")
                    })?;
                let differs = layer.datasets.iter().any(|d| {
                    data.datasets()
                        .iter()
                        .find(|x| x.path == d.path)
                        .is_none_or(|x| x.sha256 != d.sha256)
                });
                if differs {
                    eprintln!(
                        "sovstack: warning: the cable data pack in {} differs from the one the inventory was scanned with: routes before the cut are the inventory's, after it this pack's",
                        pack.dir
                    );
                }
                Some((data, pack))
            }
            None => None,
        };

        let mut after = before.clone();
        let mut systems_cut = Vec::new();
        let mut destinations = Vec::new();
        let mut lost_destinations: BTreeSet<String> = BTreeSet::new();
        if let (Some(layer), Some((data, _))) = (routed, &pack) {
            let cut_data = data.cut(&cut);
            let wanted: BTreeMap<_, _> = layer
                .destinations
                .iter()
                .map(|d| (d.to.clone(), d.reasons.clone()))
                .collect();
            let new_layer =
                sovstack_scan::cable_layer(&cut_data, &layer.origin, layer.include_planned, wanted);
            systems_cut = cut_systems(data, &cut, layer);
            for (b, a) in layer.destinations.iter().zip(&new_layer.destinations) {
                let under_cut = cut.countries.contains(b.to_sovereign.as_str());
                let before_systems: BTreeSet<&str> = systems(b).map(|s| s.id.as_str()).collect();
                let after_systems: BTreeSet<&str> = systems(a).map(|s| s.id.as_str()).collect();
                let gone = before_systems.difference(&after_systems).count();
                let status = if !has_route(b) {
                    "no_route"
                } else if under_cut || !has_route(a) {
                    "lost"
                } else if b.land.is_some() && a.land.is_none() {
                    "degraded"
                } else if gone == before_systems.len() && gone > 0 {
                    "rerouted"
                } else if gone > 0 {
                    "degraded"
                } else {
                    "unchanged"
                };
                if status == "lost" {
                    lost_destinations.insert(b.to.to_string());
                }
                let left: BTreeSet<String> = systems(a).map(|s| s.name.clone()).collect();
                destinations.push(DestinationOutcome {
                    id: b.id.clone(),
                    to: b.to.to_string(),
                    to_sovereign: b.to_sovereign.to_string(),
                    status,
                    land_before: b.land.is_some(),
                    land_after: a.land.is_some() && !under_cut,
                    systems_before: b.diversity.systems,
                    systems_after: if under_cut { 0 } else { a.diversity.systems },
                    systems_left: if under_cut {
                        Vec::new()
                    } else {
                        left.into_iter().collect()
                    },
                    reasons: b.reasons.clone(),
                });
            }
            after.layers.cable = Some(new_layer);
        }

        let sovereign =
            |c: &str| -> String { pack.as_ref().map_or(c, |(d, _)| d.sovereign(c)).to_string() };
        let mut endpoints = Vec::new();
        let mut summary = Summary::default();
        let cut_words = cuts
            .iter()
            .map(|c| format!("{}:{}", c.kind, c.target))
            .collect::<Vec<_>>()
            .join(", ");
        let mut lost_ids: BTreeSet<String> = BTreeSet::new();
        if let Some(net) = &before.layers.network {
            summary.endpoints = net.endpoints.len();
            for (i, ep) in net.endpoints.iter().enumerate() {
                let lost = lost_addresses(ep, &cut, &lost_destinations, &sovereign);
                let status = if lost.is_empty() {
                    continue;
                } else if lost.len() == ep.addresses.len() {
                    "lost"
                } else {
                    "degraded"
                };
                let criticality = ep.criticality.unwrap_or(Criticality::Medium);
                if status == "lost" {
                    summary.lost += 1;
                    *summary.lost_by_criticality.entry(criticality).or_default() += 1;
                    if criticality == Criticality::Critical {
                        summary.critical_lost += 1;
                    }
                    lost_ids.insert(ep.id.clone());
                    if let Some(n) = after.layers.network.as_mut() {
                        mark_lost(
                            &mut n.endpoints[i].actors,
                            &format!(
                                "{} is lost: every address it resolved to is cut ({cut_words})",
                                ep.endpoint
                            ),
                        );
                    }
                } else {
                    summary.degraded += 1;
                }
                endpoints.push(EndpointOutcome {
                    id: ep.id.clone(),
                    endpoint: ep.endpoint.clone(),
                    label: ep.label.clone(),
                    criticality,
                    criticality_default: ep.criticality.is_none(),
                    status,
                    addresses: ep.addresses.len(),
                    addresses_lost: lost,
                });
            }
        }
        // Most critical first, then lost before degraded, then by id.
        endpoints.sort_by(|a, b| {
            b.criticality
                .cmp(&a.criticality)
                .then(a.status.cmp(b.status).reverse())
                .then(a.id.cmp(&b.id))
        });
        // The declared services whose endpoints the cut takes.
        let mut services = Vec::new();
        if let Some(sup) = &before.layers.suppliers {
            summary.services = sup.services.len();
            for (i, s) in sup.services.iter().enumerate() {
                let gone: Vec<String> = s
                    .endpoints
                    .iter()
                    .filter(|e| {
                        e.network_endpoint
                            .as_ref()
                            .is_some_and(|id| lost_ids.contains(id))
                    })
                    .map(|e| e.name.clone())
                    .collect();
                if gone.is_empty() {
                    continue;
                }
                let status = if gone.len() == s.endpoints.len() {
                    summary.services_lost += 1;
                    if let Some(a) = after.layers.suppliers.as_mut() {
                        mark_lost(
                            &mut a.services[i].actors,
                            &format!(
                                "the service {} is lost: every endpoint declared for it is cut ({cut_words})",
                                s.id
                            ),
                        );
                    }
                    "lost"
                } else {
                    "degraded"
                };
                services.push(ServiceOutcome {
                    id: s.id.clone(),
                    name: s.name.clone().unwrap_or_else(|| s.id.clone()),
                    supplier: s.supplier.value.clone(),
                    status,
                    endpoints: s.endpoints.len(),
                    endpoints_lost: gone,
                });
            }
        }

        let rulesets = self.score(&kb, &config, &before, &after)?;
        let outcome = Outcome {
            note: NOTE,
            cuts,
            cable_data: pack.map(|(_, p)| p),
            systems_cut,
            destinations,
            summary,
            endpoints,
            services,
            scoring: SCORING,
            rulesets,
        };
        let text = match self.format {
            OutputFormat::Json => serde_json::to_string_pretty(&outcome)? + "\n",
            OutputFormat::Table => render(&kb, &outcome)?,
        };
        output::emit(self.output.as_deref(), text.as_bytes())?;
        Ok(exit::SUCCESS)
    }

    /// Evaluates both inventories with the same plugins and rulesets.
    fn score(
        &self,
        kb: &Kb,
        config: &Config,
        before: &Inventory,
        after: &Inventory,
    ) -> Result<Vec<RulesetChange>> {
        let specs = if self.rulesets.is_empty() {
            config.rulesets.clone()
        } else {
            self.rulesets.clone()
        };
        let rulesets = load_rulesets(&specs, kb)?;
        let host = new_host()?;
        let trust = crate::signatures::run_trust(&rulesets.iter().collect::<Vec<_>>())?;
        let (plugins, diags) =
            load_plugins(&host, Some(&before.layers.present()), &self.plugins, &trust)?;
        crate::common::refuse_two_plugins_per_layer(&plugins)?;
        if let Some(d) = diags.first() {
            bail!("{}: {}", d.code, d.message);
        }
        let evaluator = Evaluator {
            kb,
            host: &host,
            plugins: &plugins,
            rulesets: &rulesets,
            failed_plugins: &[],
        };
        let at = sovstack_report::source_date_epoch().map_err(anyhow::Error::msg)?;
        let rb = evaluator.evaluate(before, Vec::new(), at.clone());
        let ra = evaluator.evaluate(after, Vec::new(), at);
        if let Some(d) = rb
            .diagnostics
            .iter()
            .chain(&ra.diagnostics)
            .find(|d| d.code.starts_with("plugin/"))
        {
            bail!("{}: {}", d.code, d.message);
        }
        Ok(rb
            .rulesets
            .iter()
            .zip(&ra.rulesets)
            .map(|(b, a)| RulesetChange {
                name: b.name.clone(),
                version: b.version.clone(),
                overall_before: b.overall.score,
                overall_after: a.overall.score,
                layers: b
                    .layers
                    .iter()
                    .map(|(layer, lb)| {
                        let la = a.layers.get(layer);
                        ScoreChange {
                            layer: layer.clone(),
                            before: lb.score.as_ref().map(|s| s.score),
                            after: la.and_then(|l| l.score.as_ref()).map(|s| s.score),
                            findings_before: lb.findings.len(),
                            findings_after: la.map_or(0, |l| l.findings.len()),
                        }
                    })
                    .collect(),
            })
            .collect())
    }
}

/// The systems on the inventory's routes that the cut takes out, and why.
fn cut_systems(data: &CableData, cut: &Cut, layer: &CableLayer) -> Vec<SystemCut> {
    let on_routes: BTreeSet<&str> = layer
        .destinations
        .iter()
        .flat_map(systems)
        .map(|s| s.id.as_str())
        .collect();
    let mut out = Vec::new();
    for c in data
        .cables()
        .iter()
        .filter(|c| on_routes.contains(c.id.as_str()))
    {
        let why = match data.cut_reason(c, cut) {
            Some(CutReason::Named) => "named by the cut".to_string(),
            Some(CutReason::LandsIn { country, landings }) => {
                format!("lands in {country} ({})", landings.join("; "))
            }
            Some(CutReason::OwnedFrom { country }) => {
                format!("every owner is headquartered under {country}")
            }
            None => {
                let gone: Vec<&str> = c
                    .landings
                    .iter()
                    .filter(|l| {
                        cut.landings.iter().any(|n| {
                            n.eq_ignore_ascii_case(&l.name) || n.eq_ignore_ascii_case(&l.id)
                        })
                    })
                    .map(|l| l.name.as_str())
                    .collect();
                if gone.is_empty() {
                    continue;
                }
                format!("landing stations cut: {}", gone.join("; "))
            }
        };
        out.push(SystemCut {
            name: c.name.clone(),
            id: c.id.clone(),
            why,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    out
}

/// The addresses of `ep` the cut takes away, each with why.
fn lost_addresses(
    ep: &NetworkEndpoint,
    cut: &Cut,
    lost_destinations: &BTreeSet<String>,
    sovereign: &dyn Fn(&str) -> String,
) -> Vec<AddressLost> {
    let mut out = Vec::new();
    for a in &ep.addresses {
        let mut why = Vec::new();
        if let Some(loc) = &a.location {
            let s = sovereign(loc.value.as_str());
            if cut.countries.contains(&s) {
                why.push(format!("located in {}, under {s}, which is cut", loc.value));
            } else if lost_destinations.contains(loc.value.as_str()) {
                why.push(format!(
                    "located in {}: every cable route there is cut",
                    loc.value
                ));
            }
        }
        if let Some(hq) = &a.parent_hq_country {
            if cut.countries.contains(&sovereign(hq.value.as_str())) {
                let who = a
                    .parent
                    .as_ref()
                    .or(a.operator.as_ref())
                    .map_or("its network operator".to_string(), |f| f.value.clone());
                why.push(format!("operated by {who}, headquartered in {}", hq.value));
            }
        }
        for p in ep.cloud_providers_of(a) {
            if let (Some(name), Some(hq)) = (&p.name, &p.country) {
                if cut.countries.contains(&sovereign(hq.as_str())) {
                    why.push(format!("in {name}'s cloud, headquartered in {hq}"));
                }
            }
        }
        if !why.is_empty() {
            out.push(AddressLost {
                ip: a.ip.clone(),
                why,
            });
        }
    }
    out
}

fn criticality_word(c: Criticality) -> &'static str {
    match c {
        Criticality::Low => "low",
        Criticality::Medium => "medium",
        Criticality::High => "high",
        Criticality::Critical => "critical",
    }
}

fn fmt_score(s: Option<f64>) -> String {
    s.map_or("-".to_string(), |v| format!("{v:.1}"))
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED).force_no_tty();
    t.set_width(sovstack_report::DEFAULT_WIDTH);
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t
}

fn render(kb: &Kb, o: &Outcome) -> Result<String> {
    let mut s = String::new();
    let cuts: Vec<String> = o
        .cuts
        .iter()
        .map(|c| format!("{}:{}", c.kind, c.target))
        .collect();
    writeln!(s, "What if: {}", cuts.join(", "))?;
    writeln!(s, "(cable routes are {NOTE})")?;
    if !o.systems_cut.is_empty() {
        writeln!(
            s,
            "\nCable systems on the routes taken out: {}",
            o.systems_cut.len()
        )?;
        let mut t = table();
        t.set_header(vec!["System", "Why"]);
        for c in &o.systems_cut {
            t.add_row(vec![c.name.clone(), c.why.clone()]);
        }
        writeln!(s, "{t}")?;
    }
    if !o.destinations.is_empty() {
        writeln!(s, "\nDestinations:")?;
        let mut t = table();
        t.set_header(vec![
            "Destination",
            "Status",
            "Systems before",
            "after",
            "Land",
            "Left",
        ]);
        for d in &o.destinations {
            let name = kb.country(&d.to).map_or(d.to.as_str(), |c| c.name.as_str());
            t.add_row(vec![
                format!("{} ({})", name, d.id),
                d.status.replace('_', " "),
                d.systems_before.to_string(),
                d.systems_after.to_string(),
                match (d.land_before, d.land_after) {
                    (true, true) => "yes".to_string(),
                    (true, false) => "cut".to_string(),
                    _ => "-".to_string(),
                },
                d.systems_left.join(", "),
            ]);
        }
        writeln!(s, "{t}")?;
    }
    let m = &o.summary;
    if m.endpoints > 0 {
        let by: Vec<String> = m
            .lost_by_criticality
            .iter()
            .rev()
            .map(|(c, n)| format!("{n} {}", criticality_word(*c)))
            .collect();
        writeln!(
            s,
            "\nLost: {} of {} endpoints, {} of them critical{}; degraded: {}.",
            m.lost,
            m.endpoints,
            m.critical_lost,
            if by.is_empty() {
                String::new()
            } else {
                format!(" (by criticality: {})", by.join(", "))
            },
            m.degraded
        )?;
    }
    if m.services > 0 {
        writeln!(
            s,
            "Declared services lost: {} of {}.",
            m.services_lost, m.services
        )?;
    }
    if o.endpoints.is_empty() {
        writeln!(s, "\nEndpoints: none loses an address")?;
    } else {
        writeln!(s, "\nEndpoints that lose addresses (most critical first):")?;
        let mut t = table();
        t.set_header(vec!["Endpoint", "Service", "Criticality", "Status", "Why"]);
        for e in &o.endpoints {
            let why: BTreeSet<&str> = e
                .addresses_lost
                .iter()
                .flat_map(|a| a.why.iter().map(String::as_str))
                .collect();
            t.add_row(vec![
                e.endpoint.clone(),
                e.label.clone().unwrap_or_default(),
                if e.criticality_default {
                    format!("{} (default)", criticality_word(e.criticality))
                } else {
                    criticality_word(e.criticality).to_string()
                },
                format!(
                    "{} ({} of {} addresses)",
                    e.status,
                    e.addresses_lost.len(),
                    e.addresses
                ),
                why.into_iter().collect::<Vec<_>>().join("; "),
            ]);
        }
        writeln!(s, "{t}")?;
    }
    if !o.services.is_empty() {
        writeln!(s, "\nDeclared services that lose endpoints:")?;
        let mut t = table();
        t.set_header(vec!["Service", "Supplier", "Status", "Endpoints lost"]);
        for v in &o.services {
            t.add_row(vec![
                format!("{} ({})", v.name, v.id),
                v.supplier.clone(),
                format!(
                    "{} ({} of {})",
                    v.status,
                    v.endpoints_lost.len(),
                    v.endpoints
                ),
                v.endpoints_lost.join(", "),
            ]);
        }
        writeln!(s, "{t}")?;
    }
    writeln!(
        s,
        "\nScores before and after the cut (a lost endpoint or service stays in, with an unknown\nholder added in each of its roles; `sovstack whatif --help` says more):"
    )?;
    let mut t = table();
    t.set_header(vec![
        "Ruleset",
        "Layer",
        "Before",
        "After",
        "Findings before",
        "after",
    ]);
    for r in &o.rulesets {
        t.add_row(vec![
            format!("{} {}", r.name, r.version),
            "overall".to_string(),
            fmt_score(r.overall_before),
            fmt_score(r.overall_after),
            String::new(),
            String::new(),
        ]);
        for l in &r.layers {
            t.add_row(vec![
                String::new(),
                l.layer.clone(),
                fmt_score(l.before),
                fmt_score(l.after),
                l.findings_before.to_string(),
                l.findings_after.to_string(),
            ]);
        }
    }
    writeln!(s, "{t}")?;
    if let Some(p) = &o.cable_data {
        writeln!(
            s,
            "\nData: {} pack {} (sha256 {}); licences: {}",
            p.name,
            p.version,
            p.sha256,
            p.licences.join(", ")
        )?;
    }
    Ok(s)
}
