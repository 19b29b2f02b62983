//! The evaluate step: inventory + knowledge base + rulesets + plugins → [`Report`].
//!
//! For every ruleset and every layer the inventory holds, the items are attributed (each actor's
//! country gets its blocs and the extraterritorial laws that reach it, from the knowledge base),
//! handed to the plugin that reads the layer together with the ruleset's rules for that layer,
//! and the plugin's findings and score are collected. A plugin that fails is recorded as a
//! diagnostic and the others still run. Cross-layer scores come from
//! [`sovstack_ruleset::aggregate`].
//!
//! This crate decides nothing itself: facts come from the inventory and the knowledge base,
//! judgements from the plugins, aggregation from the ruleset's declared method.

#![deny(missing_docs)]

mod attribute;
mod groups;
mod materials;
mod poles;
mod sobriety;

/// The diagnostic codes evaluation adds to a report (beside the plugins' own, `plugin/*`).
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        NO_PLUGIN = "evaluate/no-plugin": "no plugin reads a layer the inventory holds: the ruleset could not judge it",
        REFUSED_REQUEST = "plugin/refused-request": "a plugin ran but refused to evaluate a layer with a ruleset (its error says why, cut to 4 KiB)",
        PIN_MISMATCH = "plugin/pin-mismatch": "the ruleset pins a layer's plugin by sha256 and the plugin that reads the layer has another: the layer is not evaluated",
    }
}

pub use attribute::{attribute_item, attributed_items, support_ended};
pub use groups::group_by;
pub use sobriety::{os_obsolescence, os_support_ended, processor_support_ended};

use sovstack_abi::{EvaluateRequest, ABI_VERSION};
use sovstack_host::{Host, Plugin, PluginError, Usage};
use sovstack_inventory::{
    CableLeg, DataRef, Diagnostic, DiagnosticSeverity, EndpointKind, Generator, Inventory, Layer,
};
use sovstack_kb::Kb;
use sovstack_report::{
    is_builtin_origin, CableLink, CableMap, HostItem, HostReport, InputRef, Inputs, ItemFinding,
    LayerReport, LayerResult, PluginRef, PluginRun, Report, Resources, RuleReport, RulesetResult,
    ScanSummary, REPORT_VERSION,
};
use sovstack_ruleset::{aggregate, ValidRuleset};
use std::collections::BTreeMap;

/// The requests of an evaluation: each layer's items attributed once, then one
/// [`EvaluateRequest`] per ruleset and layer. [`Evaluator::evaluate`] builds every request it
/// sends with it, and `sovstack plugin request` prints one, so the two cannot differ.
pub struct Requests {
    items: BTreeMap<Layer, Vec<sovstack_abi::AttributedItem>>,
}

impl Requests {
    /// Attributes the items of every layer `inventory` holds. `generated_at` (the report's time,
    /// from `SOURCE_DATE_EPOCH`) gives the day support is checked against.
    pub fn new(kb: &Kb, inventory: &Inventory, generated_at: Option<&str>) -> Requests {
        let as_of = generated_at.and_then(|t| t.get(..10));
        let items = inventory
            .layers
            .present()
            .iter()
            .map(|&l| (l, attributed_items(kb, inventory, l, as_of)))
            .collect();
        Requests { items }
    }

    /// The attributed items of `layer`, as every request of the layer carries them (empty when
    /// the inventory does not hold it).
    pub fn items(&self, layer: Layer) -> &[sovstack_abi::AttributedItem] {
        self.items.get(&layer).map_or(&[], Vec::as_slice)
    }

    /// The request a plugin judging `layer` under `ruleset` receives; `None` when the inventory
    /// does not hold the layer or the ruleset has no rule for it (no plugin is then called).
    pub fn request(&self, ruleset: &ValidRuleset, layer: Layer) -> Option<EvaluateRequest> {
        let items = self.items.get(&layer)?;
        let view = ruleset.view_for(layer.id());
        if view.rules.is_empty() {
            return None;
        }
        Some(EvaluateRequest {
            abi_version: ABI_VERSION,
            layer: layer.to_string(),
            ruleset: view,
            items: items.clone(),
        })
    }
}

/// What an evaluation needs besides the inventory.
pub struct Evaluator<'a> {
    /// Blocs and laws by country.
    pub kb: &'a Kb,
    /// Runs the plugins.
    pub host: &'a Host,
    /// Loaded plugins, built-in ones first: for a layer, the last plugin that reads it is used,
    /// so a plugin given on the command line replaces the built-in one.
    pub plugins: &'a [Plugin],
    /// The rulesets, in report order.
    pub rulesets: &'a [ValidRuleset],
    /// The origins of the plugins given for this run (`--plugin` files) that failed to load.
    /// Which layers such a plugin was meant for cannot be known, so no built-in plugin stands
    /// in for it: every layer a built-in plugin would judge is not evaluated.
    pub failed_plugins: &'a [String],
}

impl Evaluator<'_> {
    /// Evaluates an inventory. `diagnostics` are problems met before (plugins that failed to
    /// load); they are reported after the inventory's own.
    pub fn evaluate(
        &self,
        inventory: &Inventory,
        diagnostics: Vec<Diagnostic>,
        generated_at: Option<String>,
    ) -> Report {
        let mut diags: Vec<Diagnostic> = inventory.diagnostics.clone();
        diags.extend(diagnostics);
        let layers = inventory.layers.present();
        let requests = Requests::new(self.kb, inventory, generated_at.as_deref());

        let mut results = Vec::new();
        // Each refusal's words, by plugin and layer, and the first ruleset they were given for.
        let mut refusals: Vec<(String, Layer, String, String)> = Vec::new();
        for ruleset in self.rulesets {
            let mut layer_results = BTreeMap::new();
            for &layer in &layers {
                let Some(request) = requests.request(ruleset, layer) else {
                    continue;
                };
                let Some(plugin) = self
                    .plugins
                    .iter()
                    .rev()
                    .find(|p| p.info.layers.iter().any(|l| l == layer.id()))
                else {
                    diags.push(diag(
                        DiagnosticSeverity::Warning,
                        codes::NO_PLUGIN,
                        format!(
                            "no plugin reads layer `{layer}`: ruleset {} could not judge it",
                            ruleset.name
                        ),
                    ));
                    continue;
                };
                let mut result = LayerResult {
                    plugin: plugin.info.name.clone(),
                    score: None,
                    findings: Vec::new(),
                    plugin_run: None,
                    not_evaluated: None,
                };
                if is_builtin_origin(&plugin.origin) && !self.failed_plugins.is_empty() {
                    result.not_evaluated = Some(format!(
                        "the plugin given with --plugin {} failed to load; it may have been \
                         meant for this layer, so the built-in plugin does not stand in for it",
                        self.failed_plugins.join(", --plugin ")
                    ));
                    layer_results.insert(layer.to_string(), result);
                    continue;
                }
                if let Some(pin) = ruleset
                    .plugin_pins
                    .get(layer.id())
                    .filter(|pin| **pin != plugin.sha256)
                {
                    let message = format!(
                        "ruleset {} pins the plugin of layer `{layer}` to sha256 {pin}, but \
                         plugin {} ({}) has sha256 {}: layer `{layer}` is not evaluated",
                        ruleset.name, plugin.info.name, plugin.origin, plugin.sha256
                    );
                    diags.push(diag(
                        DiagnosticSeverity::Error,
                        codes::PIN_MISMATCH,
                        message.clone(),
                    ));
                    result.not_evaluated = Some(message);
                    layer_results.insert(layer.to_string(), result);
                    continue;
                }
                let evaluation = self.host.evaluate_measured(plugin, &request);
                result.plugin_run = Some(plugin_run(plugin, evaluation.usage));
                match evaluation.result {
                    Ok(response) => match response.error {
                        Some(error) => {
                            // The same words for another ruleset are shown once.
                            let said = refusals.iter().find(|(p, l, e, _)| {
                                *p == plugin.sha256 && *l == layer && *e == error
                            });
                            let why = match said {
                                Some((_, _, _, first)) => {
                                    format!("the same error as with ruleset {first}")
                                }
                                None => error.clone(),
                            };
                            diags.push(diag(DiagnosticSeverity::Error, codes::REFUSED_REQUEST, format!("plugin {} ({}) could not evaluate layer `{layer}` with ruleset {}: {why}", plugin.info.name, plugin.origin, ruleset.name)));
                            if said.is_none() {
                                refusals.push((
                                    plugin.sha256.clone(),
                                    layer,
                                    error,
                                    ruleset.name.clone(),
                                ));
                            }
                            result.not_evaluated = Some(format!(
                                "the plugin refused the request ({})",
                                codes::REFUSED_REQUEST
                            ));
                        }
                        None => {
                            result.score = response.score;
                            result.findings = response.findings;
                        }
                    },
                    Err(e) => {
                        diags.push(diag(
                            DiagnosticSeverity::Error,
                            e.code(),
                            format!("{e} (layer `{layer}`, ruleset {})", ruleset.name),
                        ));
                        result.not_evaluated = Some(match &e {
                            PluginError::InvalidResponse { field, .. } => format!(
                                "the plugin's response was refused ({}: `{field}`)",
                                e.code()
                            ),
                            _ => format!("the plugin failed ({})", e.code()),
                        });
                    }
                }
                layer_results.insert(layer.to_string(), result);
            }
            let scores = layer_results
                .iter()
                .filter_map(|(l, r)| r.score.clone().map(|s| (l.clone(), s)))
                .collect();
            results.push(RulesetResult {
                name: ruleset.name.clone(),
                version: ruleset.version.clone(),
                title: ruleset.title.clone(),
                method: ruleset.scoring.method,
                overall: aggregate(&ruleset.scoring, &scores),
                layers: layer_results,
                rules: ruleset
                    .rules
                    .iter()
                    .zip(&ruleset.rule_lines)
                    .map(|(r, line)| RuleReport {
                        id: r.id.clone(),
                        layer: r.layer.clone(),
                        title: r.title.clone(),
                        objective: r.objective.clone(),
                        severity: r.severity,
                        line: *line,
                        remediation: r.remediation.clone(),
                    })
                    .collect(),
            });
        }

        // The day ages and support are counted from: `generated_at`'s (SOURCE_DATE_EPOCH), as
        // for the requests' support checks.
        let as_of = generated_at.as_deref().and_then(|t| t.get(..10));
        let sobriety = sobriety::sobriety(self.kb, inventory, as_of);
        let layer_reports = layers
            .iter()
            .map(|&layer| {
                // Each item's findings, in ruleset order then finding order, gathered in one pass
                // (a search of every finding per item is quadratic: 10 000 endpoints give tens of
                // thousands of findings).
                let mut by_item: BTreeMap<&str, Vec<ItemFinding>> = BTreeMap::new();
                for r in &results {
                    for f in r
                        .layers
                        .get(layer.id())
                        .into_iter()
                        .flat_map(|l| &l.findings)
                    {
                        if let Some(item) = f.item.as_deref() {
                            by_item.entry(item).or_default().push(ItemFinding {
                                ruleset: r.name.clone(),
                                finding: f.clone(),
                            });
                        }
                    }
                }
                let attributed: BTreeMap<&str, &sovstack_abi::AttributedItem> = requests
                    .items(layer)
                    .iter()
                    .map(|a| (a.id.as_str(), a))
                    .collect();
                LayerReport {
                    id: layer.to_string(),
                    items: inventory
                        .layers
                        .items(layer)
                        .into_iter()
                        .map(|any| {
                            let mut report = attribute::item_report(self.kb, inventory, any);
                            report.findings =
                                by_item.get(any.item().id()).cloned().unwrap_or_default();
                            if let Some(a) = attributed.get(any.item().id()) {
                                report.weight = a.weight.filter(|w| *w != 1.0);
                                report.poles = poles::item_poles(self.rulesets, layer.id(), a);
                            }
                            report
                        })
                        .collect(),
                }
            })
            .collect();

        Report {
            report_version: REPORT_VERSION.to_string(),
            generator: Generator {
                name: "sovstack".into(),
                version: env!("CARGO_PKG_VERSION").into(),
            },
            generated_at,
            organisation: None,
            scan: ScanSummary {
                root: inventory.root.clone(),
                live_host: inventory.live_host,
                audited: audited(inventory),
                inventory_schema_version: inventory.schema_version.clone(),
            },
            inputs: Inputs {
                scan_knowledge_base: inventory.knowledge_base.clone(),
                knowledge_base: self.kb.data_ref(),
                rulesets: self
                    .rulesets
                    .iter()
                    .map(|r| InputRef {
                        data: r.data_ref(),
                        origin: r.origin.clone(),
                    })
                    .collect(),
                plugins: self.plugins.iter().map(plugin_ref).collect(),
                data_packs: inventory.data_packs.clone(),
            },
            layers: layer_reports,
            rulesets: results,
            diagnostics: diags,
            waivers: Vec::new(),
            gate: None,
            cable_map: cable_map(inventory),
            sobriety,
            materials: materials::materials(self.kb, inventory),
            hosts: hosts(inventory),
        }
    }
}

/// The cable layer's systems and landing stations for a map; `None` without destinations or
/// without the landing stations' coordinates.
/// The fleet's hosts with the items each counts in (processors, system, device).
fn hosts(inventory: &Inventory) -> Vec<HostReport> {
    let Some(fleet) = &inventory.fleet else {
        return Vec::new();
    };
    fleet
        .hosts
        .iter()
        .map(|h| {
            let item = |layer: Layer, id: &String| HostItem {
                layer: layer.to_string(),
                item: id.clone(),
            };
            let items = h
                .processor
                .iter()
                .map(|id| item(Layer::Processor, id))
                .chain(h.os.iter().map(|id| item(Layer::Os, id)))
                .chain(h.device.iter().map(|id| item(Layer::Devices, id)))
                .collect();
            HostReport {
                id: h.id.clone(),
                name: h.name.clone(),
                kind: h.kind.clone(),
                source: h.source.clone(),
                labels: h.labels.clone(),
                items,
            }
        })
        .collect()
}

fn cable_map(inventory: &Inventory) -> Option<CableMap> {
    let layer = inventory.layers.cable.as_ref()?;
    if layer.destinations.is_empty() || layer.landing_points.is_empty() {
        return None;
    }
    let mut links: BTreeMap<(String, Vec<String>, Vec<String>), Vec<String>> = BTreeMap::new();
    for d in &layer.destinations {
        let legs = d.via.iter().flat_map(|v| [&v.first, &v.second]);
        let systems = d.direct.iter().chain(legs.flat_map(|l| match l {
            CableLeg::Cable { systems } => systems.as_slice(),
            CableLeg::Land { .. } => &[],
        }));
        for s in systems {
            let key = (
                s.name.clone(),
                s.from_landings.clone(),
                s.to_landings.clone(),
            );
            let used_by = links.entry(key).or_default();
            if !used_by.contains(&d.id) {
                used_by.push(d.id.clone());
            }
        }
    }
    Some(CableMap {
        origin: layer.origin.clone(),
        links: links
            .into_iter()
            .map(|((system, from, to), destinations)| CableLink {
                system,
                from,
                to,
                destinations,
            })
            .collect(),
        landing_points: layer.landing_points.clone(),
    })
}

/// What was audited, in words: the root when a layer read it (processor, os, toolchain), the
/// endpoints files and domains the network layer was given. A network-only audit read no root.
fn audited(inventory: &Inventory) -> Vec<String> {
    let mut out = Vec::new();
    let layers = inventory.layers.present();
    if let Some(fleet) = &inventory.fleet {
        out.push(format!(
            "{} hosts imported from {} ({} files read, {} skipped)",
            fleet.hosts.len(),
            fleet.inputs.join(", "),
            fleet.files_imported,
            fleet.files_skipped
        ));
    } else if layers.iter().any(|l| l.reads_root()) {
        out.push(format!(
            "root {}{}",
            inventory.root,
            if inventory.live_host {
                " (live host)"
            } else {
                ""
            }
        ));
    }
    if let Some(net) = &inventory.layers.network {
        for ep in &net.endpoints {
            let what = if ep.given.source == "--domain" {
                // `--domain D` makes D's mail, name-server and SPF endpoints (named D) and hosts
                // under D (www.D, ...): the first say which domain it was.
                match (ep.kind, &ep.name) {
                    (
                        EndpointKind::Mail | EndpointKind::NameServers | EndpointKind::Spf,
                        Some(d),
                    ) => format!("domain {d}"),
                    _ => continue,
                }
            } else if ep.given.method == sovstack_inventory::Method::Declared {
                format!("declared suppliers {}", ep.given.source)
            } else {
                format!("endpoints file {}", ep.given.source)
            };
            if !out.contains(&what) {
                out.push(what);
            }
        }
        if net.endpoints.is_empty() {
            out.push("no network endpoints".to_string());
        }
    }
    if let Some(software) = &inventory.layers.software {
        let components: u64 = software.sboms.iter().map(|d| d.components).sum();
        out.push(format!(
            "{} SBOM(s) with {components} components",
            software.sboms.len()
        ));
    }
    out
}

/// How a plugin that judged a layer is named in the report, and what the evaluation cost.
pub fn plugin_run(p: &Plugin, usage: Option<Usage>) -> PluginRun {
    PluginRun {
        data: DataRef {
            name: p.info.name.clone(),
            version: p.info.version.clone(),
            sha256: p.sha256.clone(),
        },
        origin: p.origin.clone(),
        resources: usage.map(|u| Resources {
            fuel: u.fuel,
            fuel_limit: u.fuel_limit,
            memory_peak_bytes: u.memory_peak_bytes,
            memory_limit_bytes: u.memory_limit_bytes,
            wall_time_us: u64::try_from(u.wall_time.as_micros()).unwrap_or(u64::MAX),
        }),
    }
}

/// How a plugin is listed among the report's inputs and by `sovstack plugin list`.
pub fn plugin_ref(p: &Plugin) -> PluginRef {
    PluginRef {
        data: DataRef {
            name: p.info.name.clone(),
            version: p.info.version.clone(),
            sha256: p.sha256.clone(),
        },
        abi_version: p.info.abi_version,
        layers: p.info.layers.clone(),
        origin: p.origin.clone(),
    }
}

fn diag(severity: DiagnosticSeverity, code: &str, message: String) -> Diagnostic {
    Diagnostic {
        code: code.to_string(),
        severity,
        message,
        path: None,
    }
}
