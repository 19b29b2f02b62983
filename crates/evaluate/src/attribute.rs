//! From inventory items to what plugins and reports see: each actor's country completed with its
//! blocs and the extraterritorial laws that reach an organisation headquartered there. These are
//! looked up at evaluation time, so an inventory made elsewhere is judged with this run's
//! knowledge base (whose version the report records).

use sovstack_abi::{Actor as AbiActor, AttributedItem, Governance as AbiGovernance};
use sovstack_inventory::{Actor, Confidence, Governance, Inventory, Item};
use sovstack_kb::Kb;
use sovstack_report::{ActorReport, ItemReport};
use std::collections::BTreeMap;

/// The layer's items, attributed, in inventory order.
pub fn attributed_items(kb: &Kb, inventory: &Inventory, layer: &str) -> Vec<AttributedItem> {
    inventory.layers.items(layer).into_iter().map(|item| attribute_item(kb, item)).collect()
}

/// One item, attributed.
pub fn attribute_item(kb: &Kb, item: &dyn Item) -> AttributedItem {
    AttributedItem {
        id: item.id().to_string(),
        label: item.label(),
        actors: item.actors().iter().map(|a| actor(kb, a)).collect(),
    }
}

/// The report's view of an item (findings are added by the caller).
pub(crate) fn item_report(kb: &Kb, item: &dyn Item) -> ItemReport {
    ItemReport {
        id: item.id().to_string(),
        label: item.label(),
        facts: facts(item),
        actors: item
            .actors()
            .iter()
            .map(|a| {
                let AbiActor { role, name, country, blocs, laws, governance } = actor(kb, a);
                let confidence = a.evidence.iter().map(|e| e.confidence).min().unwrap_or(Confidence::Low);
                ActorReport { role, name, country, blocs, laws, governance, confidence }
            })
            .collect(),
        findings: Vec::new(),
    }
}

/// An inventory actor with its country's blocs and the laws that reach it.
fn actor(kb: &Kb, a: &Actor) -> AbiActor {
    let (blocs, laws) = match &a.country {
        Some(code) => {
            let blocs = kb.country(code.as_str()).map(|c| c.blocs.clone()).unwrap_or_default();
            let mut laws: Vec<String> = kb.laws_reaching(code.as_str()).iter().map(|l| l.id.clone()).collect();
            laws.sort();
            (blocs, laws)
        }
        None => (Vec::new(), Vec::new()),
    };
    AbiActor {
        role: a.role.as_str().to_string(),
        name: a.name.clone(),
        country: a.country.as_ref().map(|c| c.as_str().to_string()),
        blocs,
        laws,
        governance: governance(a.governance),
    }
}

/// A few facts beside the label, so a person can tell two items apart.
fn facts(item: &dyn Item) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    if let Some(any) = item.as_processor() {
        f.insert("architecture".into(), any.architecture.value.clone());
        f.insert("logical_cpus".into(), any.logical_cpus.len().to_string());
    }
    if let Some(os) = item.as_operating_system() {
        if let Some(k) = &os.kernel {
            f.insert("kernel".into(), k.value.clone());
        }
        if !os.id_like.is_empty() {
            f.insert("id_like".into(), os.id_like.iter().map(|x| x.value.as_str()).collect::<Vec<_>>().join(" "));
        }
    }
    f
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
