//! `sovstack graph INVENTORY --format dot|json`: the dependency graph over every layer of an
//! inventory, from the organisation through its items to the organisations behind them and the
//! countries those answer to.

use crate::common::{load_kb, read_inventory};
use crate::{exit, output};
use anyhow::Result;
use clap::{Args as ClapArgs, ValueEnum};
use serde::Serialize;
use sovstack_abi::Layer;
use sovstack_inventory::{Actor, CableLeg, Inventory, ItemRef, Role};
use sovstack_kb::Kb;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Draw the dependency graph of an inventory: organisation -> items of every layer -> the
/// organisations behind them (and their parents) -> the countries they answer to.
#[derive(ClapArgs, Debug)]
#[command(after_help = "\
Examples:
  sovstack graph inv.json | dot -Tsvg -o deps.svg     render with Graphviz
  sovstack graph inv.json --format json -o deps.json  nodes and edges for other tools

What the graph holds, layer by layer:
  processor, os, toolchain, devices, software, suppliers: organisation -> item -> each
    organisation playing a role for it (designer, foundry, steward, compiler, manufacturer,
    registry operator, supplier, ...) -> its headquarters country; a device maker -> its owner,
    a supplier -> its parent
  network: organisation -> endpoint -> address -> network operator -> parent -> country;
    address -> cloud provider (the range holding the address, or the suffix of a CNAME or
    MX target DNS followed to it: the providers `whatif` cuts); address -> the country it
    is located in; endpoint -> a provider that hosts no address (an SPF include)
  cable: endpoint -> routes to a country -> cable system -> owner -> country; routes -> the
    countries they go through
Nodes are keyed by kind and name (one node per organisation or country, however many items
need it), sorted; the same inventory gives the same bytes. Unknown organisations are left out
(the inventory records them as unknown); cable owners the data pack does not know appear under
the dataset's name, without a country.

Exit codes: 0 success; 2 usage or input error (an unreadable or malformed inventory).")]
pub struct Args {
    /// The inventory (JSON, from `sovstack scan`); - reads stdin.
    #[arg(value_name = "INVENTORY")]
    pub inventory: PathBuf,
    /// Output format: Graphviz DOT, or JSON nodes and edges.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// Write to FILE instead of stdout (a regular file is replaced atomically); - is stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `graph`'s output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT (render with `dot -Tsvg`).
    Dot,
    /// `{"nodes": [...], "edges": [...]}`.
    Json,
}

/// A node: its key (`kind:name`), kind and label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    /// Unique key, `KIND:NAME` (`country:US`, `organisation:Amazon.com, Inc.`).
    pub id: String,
    /// `audited` (the organisation audited, `audited:organisation`), `organisation`, `country`,
    /// `endpoint`, `address`, `cable_route`, `cable`, `cable_owner`, `licence`, or an item's layer
    /// (`processor`, `os`, ...).
    pub kind: String,
    /// What a person reads.
    pub label: String,
}

/// An edge, from the dependent to what it depends on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edge {
    /// The dependent's key.
    pub from: String,
    /// The dependency's key.
    pub to: String,
    /// How (`headquartered in`, `located in`, a role such as `foundry`, ...).
    pub relation: String,
}

/// The whole graph, nodes and edges sorted.
#[derive(Debug, Default, Serialize)]
pub struct Graph {
    /// By key.
    pub nodes: Vec<Node>,
    /// By from, to, relation.
    pub edges: Vec<Edge>,
}

#[derive(Default)]
struct Builder {
    nodes: BTreeMap<String, Node>,
    edges: BTreeSet<Edge>,
}

/// The kind of the root node: the organisation audited.
const ORGANISATION: &str = "audited";

impl Builder {
    fn node(&mut self, kind: &str, name: &str, label: impl Into<String>) -> String {
        let id = format!("{kind}:{name}");
        self.nodes.entry(id.clone()).or_insert_with(|| Node {
            id: id.clone(),
            kind: kind.to_string(),
            label: label.into(),
        });
        id
    }

    fn edge(&mut self, from: &str, to: &str, relation: &str) {
        self.edges.insert(Edge {
            from: from.to_string(),
            to: to.to_string(),
            relation: relation.to_string(),
        });
    }

    fn country(&mut self, kb: &Kb, code: &str) -> String {
        let label = match kb.country(code) {
            Some(c) => format!("{} ({code})", c.name),
            None => code.to_string(),
        };
        self.node("country", code, label)
    }

    fn organisation(&mut self, kb: &Kb, name: &str, country: Option<&str>) -> String {
        let id = self.node("organisation", name, name);
        if let Some(c) = country {
            let c = self.country(kb, c);
            self.edge(&id, &c, "headquartered in");
        }
        id
    }

    /// An actor of `item`: a state actor (a location, a claimed jurisdiction) is its country;
    /// an organisation is a node with its headquarters; an unknown one is left out.
    fn actor(&mut self, kb: &Kb, item: &str, a: &Actor) -> Option<String> {
        let role = a.role.as_str().replace('_', " ");
        let state = matches!(
            a.role,
            Role::Location
                | Role::ObservedLocation
                | Role::DataLocation
                | Role::ClaimedJurisdiction
                | Role::Producer
        );
        // USGS's "other countries" producing a material are no country and no organisation.
        if a.role == Role::Producer && a.country.is_none() {
            return None;
        }
        let to = match (&a.name, &a.country) {
            (_, Some(c)) if state => self.country(kb, c.as_str()),
            // The licences the components come under: a class of licences, not an organisation.
            (Some(name), _) if a.role == Role::Licence => self.node("licence", name, name.clone()),
            (Some(name), c) => self.organisation(kb, name, c.as_ref().map(|c| c.as_str())),
            (None, Some(c)) => self.country(kb, c.as_str()),
            (None, None) => return None,
        };
        self.edge(item, &to, &role);
        Some(to)
    }
}

/// What the organisation does with an item of `layer`.
fn uses(layer: Layer) -> &'static str {
    match layer {
        Layer::Processor => "runs on",
        Layer::Os => "runs",
        Layer::Toolchain => "runs binaries built with",
        Layer::Network => "uses",
        Layer::Cable => "sends data to",
        Layer::Suppliers => "contracts",
        Layer::Devices => "uses devices of",
        Layer::Software => "uses software through",
        Layer::Materials => "depends on the raw material",
    }
}

/// The dependency graph of `inv`.
pub fn graph(kb: &Kb, inv: &Inventory) -> Graph {
    let mut b = Builder::default();
    let org_label = inv
        .fleet
        .as_ref()
        .and_then(|f| f.organisation.as_ref())
        .map_or_else(|| "the organisation".to_string(), |o| o.name.clone());
    let org = b.node(ORGANISATION, "organisation", org_label);
    if let Some(cable) = &inv.layers.cable {
        let c = b.country(kb, cable.origin.as_str());
        b.edge(&org, &c, "based in");
    }
    for layer in inv.layers.present() {
        for item in inv.layers.items(layer) {
            match item {
                ItemRef::Network(ep) => {
                    let e = b.node("endpoint", &ep.id, item.item().label());
                    b.edge(&org, &e, uses(layer));
                    for a in &ep.addresses {
                        let ad = b.node("address", &a.ip, a.ip.clone());
                        b.edge(&e, &ad, "resolves to");
                        let hq = a.parent_hq_country.as_ref().map(|f| f.value.as_str());
                        let parent = a.parent.as_ref().map(|f| f.value.as_str());
                        match a.operator.as_ref().map(|f| f.value.as_str()) {
                            Some(op) if parent.is_some_and(|p| p != op) => {
                                let o = b.organisation(kb, op, None);
                                b.edge(&ad, &o, "announced by");
                                let p = b.organisation(kb, parent.expect("checked"), hq);
                                b.edge(&o, &p, "owned by");
                            }
                            Some(op) => {
                                let o = b.organisation(kb, op, hq);
                                b.edge(&ad, &o, "announced by");
                            }
                            None => {
                                if let Some(p) = parent {
                                    let p = b.organisation(kb, p, hq);
                                    b.edge(&ad, &p, "announced by");
                                }
                            }
                        }
                        for p in ep.cloud_providers_of(a) {
                            if let Some(name) = &p.name {
                                let o = b.organisation(
                                    kb,
                                    name,
                                    p.country.as_ref().map(|c| c.as_str()),
                                );
                                b.edge(&ad, &o, "in the cloud of");
                            }
                        }
                        if let Some(loc) = &a.location {
                            let c = b.country(kb, loc.value.as_str());
                            b.edge(&ad, &c, "located in");
                        }
                    }
                    // What the addresses do not say: a DNS provider, and a cloud provider that
                    // hosts none of them (named by an SPF include).
                    let hosting: Vec<&Actor> = ep
                        .addresses
                        .iter()
                        .flat_map(|a| ep.cloud_providers_of(a))
                        .collect();
                    for a in ep.actors.iter().filter(|a| match a.role {
                        Role::NetworkOperator | Role::Location => false,
                        Role::CloudProvider => !hosting.contains(a),
                        _ => true,
                    }) {
                        b.actor(kb, &e, a);
                    }
                }
                ItemRef::Cable(d) => {
                    let r = b.node("cable_route", &d.id, item.item().label());
                    let reasons: Vec<&String> = d.reasons.iter().collect();
                    let mut from_endpoint = false;
                    for reason in reasons {
                        let ep = format!("endpoint:{reason}");
                        if b.nodes.contains_key(&ep) {
                            b.edge(&ep, &r, "data travels on");
                            from_endpoint = true;
                        }
                    }
                    if !from_endpoint {
                        b.edge(&org, &r, uses(layer));
                    }
                    let to = b.country(kb, d.to.as_str());
                    b.edge(&r, &to, "to");
                    if d.to != d.to_sovereign {
                        let s = b.country(kb, d.to_sovereign.as_str());
                        b.edge(&to, &s, "under the jurisdiction of");
                    }
                    if let Some(path) = &d.land {
                        for c in &path[1..path.len().saturating_sub(1)] {
                            let c = b.country(kb, c.as_str());
                            b.edge(&r, &c, "over land through");
                        }
                    }
                    // The dataset's owner string -> the actor the pack's owners table made of it.
                    let owner_actor = |name: &str| {
                        d.actors.iter().find(|a| {
                            a.evidence
                                .first()
                                .and_then(|e| e.value.as_deref())
                                .is_some_and(|v| v == name)
                        })
                    };
                    let mut systems = d.direct.iter().collect::<Vec<_>>();
                    for v in &d.via {
                        let c = b.country(kb, v.via.as_str());
                        b.edge(&r, &c, "through");
                        for leg in [&v.first, &v.second] {
                            match leg {
                                CableLeg::Cable { systems: s } => systems.extend(s),
                                CableLeg::Land { path } => {
                                    for c in &path[1..path.len().saturating_sub(1)] {
                                        let c = b.country(kb, c.as_str());
                                        b.edge(&r, &c, "over land through");
                                    }
                                }
                            }
                        }
                    }
                    for s in systems {
                        let c = b.node("cable", &s.id, s.name.clone());
                        b.edge(&r, &c, "over");
                        for o in &s.owners {
                            let owner = match owner_actor(o) {
                                Some(Actor {
                                    name: Some(name),
                                    country,
                                    ..
                                }) => {
                                    b.organisation(kb, name, country.as_ref().map(|c| c.as_str()))
                                }
                                _ => {
                                    b.node("cable_owner", o, format!("{o} (headquarters unknown)"))
                                }
                            };
                            b.edge(&c, &owner, "owned by");
                        }
                    }
                }
                _ => {
                    let node = b.node(layer.id(), item.item().id(), item.item().label());
                    b.edge(&org, &node, uses(layer));
                    let mut by_role: BTreeMap<Role, String> = BTreeMap::new();
                    for a in item.item().actors() {
                        if let Some(to) = b.actor(kb, &node, a) {
                            by_role.entry(a.role).or_insert(to);
                        }
                    }
                    // The chains the layers record as two roles of one item.
                    for (child, parent) in [
                        (Role::Manufacturer, Role::Owner),
                        (Role::Supplier, Role::SupplierParent),
                    ] {
                        if let (Some(c), Some(p)) = (by_role.get(&child), by_role.get(&parent)) {
                            if c != p {
                                let (c, p) = (c.clone(), p.clone());
                                b.edge(&c, &p, "owned by");
                            }
                        }
                    }
                }
            }
        }
    }
    Graph {
        nodes: b.nodes.into_values().collect(),
        edges: b.edges.into_iter().collect(),
    }
}

/// `s` as a DOT quoted string: `"` and `\` escaped (so that no label ends the string or
/// starts an escape such as `\N`), line breaks as `\n`, other control characters dropped.
pub fn dot_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn shape(kind: &str) -> &'static str {
    match kind {
        "country" => "ellipse",
        "organisation" | "cable_owner" => "box",
        ORGANISATION => "doubleoctagon",
        "cable" => "cds",
        _ => "note",
    }
}

/// `s` as a DOT label: a [`dot_string`], with `&` written `&amp;` since Graphviz reads
/// character entities in labels (`&amp;` would otherwise show as `&`).
pub fn dot_label(s: &str) -> String {
    dot_string(&s.replace('&', "&amp;"))
}

/// The graph in Graphviz DOT.
pub fn to_dot(g: &Graph) -> String {
    let mut s = String::from(
        "digraph sovstack {\n  graph [rankdir=LR];\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for n in &g.nodes {
        let shape = shape(&n.kind);
        let _ = writeln!(
            s,
            "  {} [label={}, shape={shape}];",
            dot_string(&n.id),
            dot_label(&n.label)
        );
    }
    for e in &g.edges {
        let _ = writeln!(
            s,
            "  {} -> {} [label={}];",
            dot_string(&e.from),
            dot_string(&e.to),
            dot_label(&e.relation)
        );
    }
    s.push_str("}\n");
    s
}

impl Args {
    pub fn execute(self) -> Result<u8> {
        let kb = load_kb()?;
        let inv = read_inventory(&self.inventory)?;
        output::refuse_overwriting_input(self.output.as_deref(), &[Path::new(&self.inventory)])?;
        let g = graph(&kb, &inv);
        let text = match self.format {
            GraphFormat::Dot => to_dot(&g),
            GraphFormat::Json => serde_json::to_string_pretty(&g)? + "\n",
        };
        output::emit(self.output.as_deref(), text.as_bytes())?;
        Ok(exit::SUCCESS)
    }
}

#[cfg(test)]
mod tests {
    use super::dot_string;

    #[test]
    fn dot_strings_cannot_be_broken_out_of() {
        assert_eq!(dot_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(dot_string("x\ny\r\u{7}"), r#""x\ny""#);
        // A trailing backslash would otherwise escape the closing quote.
        assert_eq!(dot_string("\\"), r#""\\""#);
        assert_eq!(dot_string(r"\N\l"), r#""\\N\\l""#);
        assert_eq!(super::dot_label("a &amp; b"), r#""a &amp;amp; b""#);
    }
}
