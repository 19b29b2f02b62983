//! Critical raw materials (`data/materials/`): which materials a class of component depends on
//! (`components.csv`, each link quoting the USGS Mineral Commodity Summaries' end-use text),
//! which components an inventory's items are made of (`device-components.csv`), each
//! material's world production by country (`production.csv`, USGS Mineral Commodity Summaries
//! 2026, public domain) and its status under the EU Critical Raw Materials Act
//! (`crma.csv`, Regulation (EU) 2024/1252 Annexes I and II).
//!
//! Checked at load: every country is an ISO code the geo tables know (or `other`, `world`);
//! each (material, step, year) has one `world` row, and its countries do not add up to more
//! than a tenth above it (USGS rounds the world total); every component's material has
//! production rows and a CRMA status; every item's component has materials.

use crate::geo::Geo;
use crate::tables::{self, required, row_err, KbError, Source};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

const PRODUCTION: &str = "materials/production.csv";
const CRMA: &str = "materials/crma.csv";
const COMPONENTS: &str = "materials/components.csv";
const ITEMS: &str = "materials/device-components.csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductionRow {
    material: String,
    step: String,
    year: String,
    country: String,
    quantity: u64,
    unit: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CrmaRow {
    material: String,
    status: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ComponentRow {
    component: String,
    material: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemRow {
    item: String,
    component: String,
    confidence: String,
    source: String,
}

/// One supply step of a material: the world total and each producing country, as USGS gives
/// them for a year.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplyStep {
    /// `mine`, `refinery`, `primary` (gallium's low-purity primary production).
    pub step: String,
    /// The year of the figures.
    pub year: String,
    /// Their unit (`t`, `kg`, `kt` for thousand metric tons).
    pub unit: String,
    /// The world total (rounded by USGS).
    pub world: u64,
    /// Producing countries (ISO codes; `other` for USGS's "other countries"), largest first.
    pub countries: Vec<(String, u64)>,
    /// Where the figures come from.
    pub source: String,
}

impl SupplyStep {
    /// The largest producer and its share, to a thousandth, of the production USGS attributes
    /// to countries (its rows, `other` included; the world total is rounded, so it is not the
    /// denominator: China's 900,000 kg of 909,000 kg of primary gallium is 99%, as USGS says).
    pub fn dominant(&self) -> Option<(&str, f64)> {
        let (c, q) = self.countries.iter().find(|(c, _)| c != "other")?;
        let total: u64 = self.countries.iter().map(|(_, q)| q).sum();
        (total > 0).then(|| {
            let share = *q as f64 / total as f64;
            (c.as_str(), (share * 1000.0).round() / 1000.0)
        })
    }
}

/// A material, its supply steps and its status under the EU Critical Raw Materials Act.
#[derive(Debug, Clone, PartialEq)]
pub struct Material {
    /// `gallium`, `cobalt`, ...
    pub name: String,
    /// Its supply steps with figures.
    pub steps: Vec<SupplyStep>,
    /// `strategic` (Annex I), `critical` (Annex II), `none`.
    pub crma: String,
    /// Where the status comes from.
    pub crma_source: String,
}

/// A component class and a material it depends on, with the source that says so.
#[derive(Debug, Clone, PartialEq)]
pub struct MaterialUse {
    /// The material.
    pub material: String,
    /// The end-use text that links it to the component.
    pub source: String,
}

/// A component class an item is made of.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemComponent {
    /// `logic chip`, `display`, `battery`, `electronic components`.
    pub component: String,
    /// How sure the link is (an assumption about what a device holds is `medium`).
    pub confidence: sovstack_inventory::Confidence,
    /// Why the item holds it.
    pub source: String,
}

/// A component class the inventory's processors and devices hold, from
/// `materials/device-components.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ComponentNeed {
    /// `logic chip`, `display`, ...
    pub component: String,
    /// Machines holding it: in a fleet, the hosts holding it through any of their items (a
    /// host whose processor and system device both hold a logic chip counts once; a
    /// hypervisor's guest is no machine); outside one, 1.
    pub machines: u64,
    /// The lowest confidence of the links that brought it.
    pub confidence: sovstack_inventory::Confidence,
    /// The links that brought it: the item kind (`processor`, `device:system`), the row's
    /// reason and its confidence, in item order, each once. An assumption row about a kind of
    /// device is a link only when some machine holding the item has no explicit evidence of the
    /// component.
    pub links: Vec<(String, String, sovstack_inventory::Confidence)>,
    /// What imported inventories list explicitly (a fleet host's `components`: GLPI
    /// `batteries[0].chemistry`, `hardware.chassis_type`): the fields of the first hosts
    /// showing it, at most [`OBSERVED_SHOWN`] pieces, in host order; the count is `machines`.
    pub observed: Vec<sovstack_inventory::Evidence>,
}

/// The pieces of explicit evidence a component keeps ([`ComponentNeed::observed`]).
pub const OBSERVED_SHOWN: usize = 8;

/// A critical raw material the inventory depends on, through its component classes.
#[derive(Debug, Clone, PartialEq)]
pub struct MaterialNeed<'k> {
    /// The material, its supply steps and its CRMA status.
    pub material: &'k Material,
    /// The component classes that need it (sorted), each with the USGS end-use text linking
    /// them.
    pub uses: Vec<(String, String)>,
    /// Machines holding a component that needs it (the hosts holding any of its components,
    /// each once).
    pub machines: u64,
    /// The lowest confidence of the links from an item to it.
    pub confidence: sovstack_inventory::Confidence,
}

/// What an inventory's processors and devices depend on: the one derivation both the materials
/// layer (at scan time) and the report's materials section use.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MaterialsNeeded<'k> {
    /// The component classes, by name.
    pub components: Vec<ComponentNeed>,
    /// The materials, by name; only those with production figures.
    pub materials: Vec<MaterialNeed<'k>>,
}

#[derive(Debug)]
pub(crate) struct Materials {
    materials: BTreeMap<String, Material>,
    components: BTreeMap<String, Vec<MaterialUse>>,
    items: HashMap<String, Vec<ItemComponent>>,
}

impl Materials {
    pub fn load(sources: &[Source], geo: &Geo) -> Result<Self, KbError> {
        let mut steps: BTreeMap<(String, String, String), SupplyStep> = BTreeMap::new();
        let mut lines: BTreeMap<(String, String, String), u64> = BTreeMap::new();
        for row in tables::read::<ProductionRow>(PRODUCTION, tables::text_of(sources, PRODUCTION)?)?
        {
            let (line, r) = (row.line, row.rec);
            for (field, v) in [
                ("material", &r.material),
                ("step", &r.step),
                ("year", &r.year),
                ("unit", &r.unit),
                ("source", &r.source),
            ] {
                required(PRODUCTION, line, field, v)?;
            }
            if !matches!(r.country.as_str(), "world" | "other") {
                geo.country_code(PRODUCTION, line, &r.country)?;
            }
            let key = (r.material.clone(), r.step.clone(), r.year.clone());
            lines.entry(key.clone()).or_insert(line);
            let s = steps.entry(key).or_insert_with(|| SupplyStep {
                step: r.step.clone(),
                year: r.year.clone(),
                unit: r.unit.clone(),
                world: 0,
                countries: Vec::new(),
                source: r.source.clone(),
            });
            if s.unit != r.unit {
                return Err(row_err(
                    PRODUCTION,
                    line,
                    format!("unit `{}` differs from `{}` above", r.unit, s.unit),
                ));
            }
            if r.country == "world" {
                if s.world != 0 {
                    return Err(row_err(PRODUCTION, line, "a second `world` row"));
                }
                s.world = r.quantity;
            } else if s.countries.iter().any(|(c, _)| *c == r.country) {
                return Err(row_err(PRODUCTION, line, format!("`{}` twice", r.country)));
            } else {
                s.countries.push((r.country, r.quantity));
            }
        }
        let mut materials: BTreeMap<String, Material> = BTreeMap::new();
        for ((material, step, year), mut s) in steps {
            let line = lines[&(material.clone(), step.clone(), year.clone())];
            if s.world == 0 {
                return Err(row_err(
                    PRODUCTION,
                    line,
                    format!("{material} {step} {year} has no `world` row"),
                ));
            }
            let sum: u64 = s.countries.iter().map(|(_, q)| q).sum();
            if sum as f64 > s.world as f64 * 1.1 {
                return Err(row_err(
                    PRODUCTION,
                    line,
                    format!("{material} {step} {year}: the countries add up to {sum}, more than the world's {}", s.world),
                ));
            }
            s.countries
                .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            materials
                .entry(material.clone())
                .or_insert_with(|| Material {
                    name: material.clone(),
                    steps: Vec::new(),
                    crma: String::new(),
                    crma_source: String::new(),
                })
                .steps
                .push(s);
        }
        for row in tables::read::<CrmaRow>(CRMA, tables::text_of(sources, CRMA)?)? {
            let (line, r) = (row.line, row.rec);
            required(CRMA, line, "source", &r.source)?;
            if !matches!(r.status.as_str(), "strategic" | "critical" | "none") {
                return Err(row_err(
                    CRMA,
                    line,
                    format!("status `{}` is not strategic, critical or none", r.status),
                ));
            }
            let Some(m) = materials.get_mut(&r.material) else {
                return Err(row_err(
                    CRMA,
                    line,
                    format!("`{}` has no row in {PRODUCTION}", r.material),
                ));
            };
            if !m.crma.is_empty() {
                return Err(row_err(CRMA, line, format!("`{}` twice", r.material)));
            }
            m.crma = r.status;
            m.crma_source = r.source;
        }
        let mut components: BTreeMap<String, Vec<MaterialUse>> = BTreeMap::new();
        for row in tables::read::<ComponentRow>(COMPONENTS, tables::text_of(sources, COMPONENTS)?)?
        {
            let (line, r) = (row.line, row.rec);
            required(COMPONENTS, line, "component", &r.component)?;
            required(COMPONENTS, line, "source", &r.source)?;
            match materials.get(&r.material) {
                Some(m) if !m.crma.is_empty() => {}
                _ => {
                    return Err(row_err(
                        COMPONENTS,
                        line,
                        format!("`{}` has no production rows or no CRMA status", r.material),
                    ))
                }
            }
            components
                .entry(r.component)
                .or_default()
                .push(MaterialUse {
                    material: r.material,
                    source: r.source,
                });
        }
        let mut items: HashMap<String, Vec<ItemComponent>> = HashMap::new();
        for row in tables::read::<ItemRow>(ITEMS, tables::text_of(sources, ITEMS)?)? {
            let (line, r) = (row.line, row.rec);
            required(ITEMS, line, "source", &r.source)?;
            if r.item != "processor" && !r.item.starts_with("device:") {
                return Err(row_err(
                    ITEMS,
                    line,
                    format!("item `{}` is not `processor` or `device:KIND`", r.item),
                ));
            }
            if !components.contains_key(&r.component) {
                return Err(row_err(
                    ITEMS,
                    line,
                    format!("component `{}` has no row in {COMPONENTS}", r.component),
                ));
            }
            items.entry(r.item).or_default().push(ItemComponent {
                component: r.component,
                confidence: tables::confidence(ITEMS, line, &r.confidence)?,
                source: r.source,
            });
        }
        Ok(Materials {
            materials,
            components,
            items,
        })
    }

    /// Which component classes the processor and devices layers' items hold
    /// (`device-components.csv`: `processor`, `device:KIND`), and the materials those depend on
    /// (`components.csv`), each with the machines holding it. Empty when neither layer has an
    /// item the tables know.
    ///
    /// A machine holds what its items are made of. In a fleet the machines are its hosts, each
    /// holding the processor and devices items it counts in (`hosts[].processor`, `.device`),
    /// and a component's (a material's) count is the number of hosts holding it through any of
    /// their items: one host whose processor and system device are both logic chips counts
    /// once, and a host with only one of them counts too. A hypervisor's guest
    /// (`hosts[].hypervisor`) is no machine and holds nothing. Outside a fleet every item is of
    /// the one machine scanned (a big.LITTLE SoC's two processor items are one machine), unless
    /// that machine is a hypervisor's `guest`, which holds nothing either.
    pub fn needed(
        &self,
        layers: &sovstack_inventory::Layers,
        fleet: Option<&sovstack_inventory::Fleet>,
        guest: bool,
    ) -> MaterialsNeeded<'_> {
        use sovstack_inventory::Confidence;
        use std::collections::BTreeSet;
        // Every item: its layer (0 processor, 1 devices), id and `device-components.csv` name.
        let items: Vec<(usize, &str, String)> = layers
            .processor
            .iter()
            .flatten()
            .map(|p| (0, p.id.as_str(), "processor".to_string()))
            .chain(
                layers
                    .devices
                    .iter()
                    .flatten()
                    .map(|d| (1, d.id.as_str(), format!("device:{}", d.kind))),
            )
            .collect();
        let index: HashMap<(usize, &str), usize> = items
            .iter()
            .enumerate()
            .map(|(i, (layer, id, _))| ((*layer, *id), i))
            .collect();
        // The machines, each as the indices of the items it holds and the components its
        // inventory lists explicitly.
        let machines: Vec<(Vec<usize>, &[sovstack_inventory::Fact<String>])> = match fleet {
            Some(f) => f
                .hosts
                .iter()
                .filter(|h| h.hypervisor.is_none())
                .map(|h| {
                    let held = h
                        .processor
                        .iter()
                        .map(|id| (0, id.as_str()))
                        .chain(h.device.iter().map(|id| (1, id.as_str())))
                        .filter_map(|k| index.get(&k).copied())
                        .collect();
                    (held, h.components.as_slice())
                })
                .collect(),
            None if guest => Vec::new(),
            None => vec![((0..items.len()).collect(), &[][..])],
        };
        // (item, component) links some machine relies on; the explicit evidence per component.
        let mut used: BTreeSet<(usize, &str)> = BTreeSet::new();
        let mut observed: BTreeMap<&str, Vec<sovstack_inventory::Evidence>> = BTreeMap::new();
        let mut held = vec![false; items.len()];
        let mut component_machines: BTreeMap<&str, u64> = BTreeMap::new();
        let mut material_machines: BTreeMap<&str, u64> = BTreeMap::new();
        // A fleet inventory written before 1.2.9 names no host's devices item: those items'
        // hosts cannot be matched with the processors' hosts, so each component (material)
        // weighs at least the hosts of the devices items holding it, a lower bound.
        let unlinked = fleet.is_some_and(|f| f.hosts.iter().all(|h| h.device.is_none()));
        for d in layers.devices.iter().flatten().filter(|_| unlinked) {
            let i = index[&(1, d.id.as_str())];
            held[i] = true;
            let n = d.hosts.unwrap_or(0);
            let mut materials = BTreeSet::new();
            for c in self.item_components(&items[i].2) {
                used.insert((i, c.component.as_str()));
                *component_machines.entry(c.component.as_str()).or_default() += n;
                materials.extend(
                    self.component_materials(&c.component)
                        .iter()
                        .filter_map(|u| self.material(&u.material))
                        .map(|m| m.name.as_str()),
                );
            }
            for m in materials {
                *material_machines.entry(m).or_default() += n;
            }
        }
        let lower = (component_machines.clone(), material_machines.clone());
        component_machines.clear();
        material_machines.clear();
        for (machine, explicit) in &machines {
            let mut components = BTreeSet::new();
            // What the inventory lists is counted from its evidence; the knowledge base's
            // assumption about the kind of device only for what it does not list.
            for f in explicit.iter() {
                let Some((c, _)) = self.components.get_key_value(f.value.as_str()) else {
                    continue;
                };
                components.insert(c.as_str());
                let shown = observed.entry(c.as_str()).or_default();
                for e in &f.evidence {
                    if shown.len() < OBSERVED_SHOWN {
                        shown.push(e.clone());
                    }
                }
            }
            for &i in machine {
                held[i] = true;
                for c in self.item_components(&items[i].2) {
                    if explicit.iter().any(|f| f.value == c.component) {
                        continue;
                    }
                    components.insert(c.component.as_str());
                    used.insert((i, c.component.as_str()));
                }
            }
            let mut materials = BTreeSet::new();
            for c in components {
                *component_machines.entry(c).or_default() += 1;
                for u in self.component_materials(c) {
                    if let Some(m) = self.material(&u.material) {
                        materials.insert(m.name.as_str());
                    }
                }
            }
            for m in materials {
                *material_machines.entry(m).or_default() += 1;
            }
        }
        for (counts, lower) in [
            (&mut component_machines, lower.0),
            (&mut material_machines, lower.1),
        ] {
            for (k, n) in lower {
                let e = counts.entry(k).or_default();
                *e = (*e).max(n);
            }
        }
        // Component → (lowest confidence, links), from the items some machine holds, in item
        // order.
        type Links = (Confidence, Vec<(String, String, Confidence)>);
        let mut links: BTreeMap<String, Links> = BTreeMap::new();
        for (c, evidence) in &observed {
            let e = links
                .entry(c.to_string())
                .or_insert((Confidence::High, Vec::new()));
            e.0 = evidence
                .iter()
                .map(|x| x.confidence)
                .fold(e.0, Confidence::min);
        }
        for (i, (_, _, item)) in items.iter().enumerate().filter(|(i, _)| held[*i]) {
            for c in self.item_components(item) {
                if !used.contains(&(i, c.component.as_str())) {
                    continue;
                }
                let e = links
                    .entry(c.component.clone())
                    .or_insert((Confidence::High, Vec::new()));
                e.0 = e.0.min(c.confidence);
                let link = (item.clone(), c.source.clone(), c.confidence);
                if !e.1.contains(&link) {
                    e.1.push(link);
                }
            }
        }
        let components: Vec<ComponentNeed> = links
            .into_iter()
            .map(|(component, (confidence, links))| ComponentNeed {
                machines: component_machines
                    .get(component.as_str())
                    .copied()
                    .unwrap_or(0),
                observed: observed.remove(component.as_str()).unwrap_or_default(),
                component,
                confidence,
                links,
            })
            .collect();
        let mut needed: BTreeMap<&str, MaterialNeed<'_>> = BTreeMap::new();
        for c in &components {
            for u in self.component_materials(&c.component) {
                let Some(material) = self.material(&u.material) else {
                    continue;
                };
                let e = needed.entry(&material.name).or_insert(MaterialNeed {
                    material,
                    uses: Vec::new(),
                    machines: material_machines
                        .get(material.name.as_str())
                        .copied()
                        .unwrap_or(0),
                    confidence: Confidence::High,
                });
                e.uses.push((c.component.clone(), u.source.clone()));
                e.confidence = e.confidence.min(c.confidence);
            }
        }
        MaterialsNeeded {
            components,
            materials: needed.into_values().collect(),
        }
    }

    pub fn item_components(&self, item: &str) -> &[ItemComponent] {
        self.items.get(item).map_or(&[], Vec::as_slice)
    }

    pub fn component_materials(&self, component: &str) -> &[MaterialUse] {
        self.components.get(component).map_or(&[], Vec::as_slice)
    }

    pub fn material(&self, name: &str) -> Option<&Material> {
        self.materials.get(name)
    }

    #[cfg(test)]
    pub fn counts(&self) -> (usize, usize) {
        (self.materials.len(), self.components.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builtin() -> Materials {
        let sources = Source::builtin();
        let geo = Geo::load(&sources).unwrap();
        Materials::load(&sources, &geo).unwrap()
    }

    /// The figures as USGS's 2026 summaries give them, and the shares they make.
    #[test]
    fn the_tables_load_and_name_the_dominant_producers() {
        let m = builtin();
        assert_eq!(m.counts(), (9, 4));
        let dominant = |name: &str| {
            let s = &m.material(name).unwrap().steps[0];
            s.dominant().map(|(c, share)| (c.to_string(), share))
        };
        // USGS's own words: China 99% of primary gallium, Congo (Kinshasa) 73% of mined cobalt,
        // China 70% of refined indium.
        assert_eq!(dominant("gallium"), Some(("CN".into(), 0.99)));
        assert_eq!(dominant("cobalt"), Some(("CD".into(), 0.731)));
        assert_eq!(dominant("indium"), Some(("CN".into(), 0.697)));
        assert_eq!(dominant("tantalum"), Some(("CD".into(), 0.523)));
        assert_eq!(dominant("lithium"), Some(("AU".into(), 0.319)));
        assert_eq!(m.material("gallium").unwrap().crma, "strategic");
        assert_eq!(m.material("indium").unwrap().crma, "none");
        let chip: Vec<&str> = m
            .component_materials("logic chip")
            .iter()
            .map(|u| u.material.as_str())
            .collect();
        assert_eq!(chip, ["gallium", "indium"]);
        assert_eq!(m.item_components("device:phone").len(), 4);
    }

    /// Tungsten, rare earths and palladium against the sentences of USGS's 2026 summaries
    /// (read through pranava0x0/usgs-mineral-commodity-summaries data/audit/<slug>/data.json
    /// @ 2514d2bf45d5): the producer USGS names as the leading one is the table's dominant
    /// producer, and a figure USGS writes out in its text is the table's figure.
    #[test]
    fn the_added_materials_agree_with_the_usgs_text() {
        let m = builtin();
        let step = |name: &str| m.material(name).unwrap().steps[0].clone();
        let quantity =
            |s: &SupplyStep, c: &str| s.countries.iter().find(|(k, _)| k == c).map(|(_, q)| *q);
        // mcs2026-tungsten.pdf: "China continued to be the world's leading producer, importer,
        // and consumer of tungsten concentrates."
        let w = step("tungsten");
        assert_eq!(
            (w.step.as_str(), w.unit.as_str(), w.world),
            ("mine", "t", 85_000)
        );
        assert_eq!(w.dominant(), Some(("CN", 0.787)));
        // mcs2026-platinum-group.pdf: "Estimated production in Russia, the world's leading
        // producer of mined palladium, decreased by 6%": 89,000 kg in 2024, 84,000 in 2025.
        let pd = step("palladium");
        assert_eq!((pd.unit.as_str(), pd.world), ("kg", 190_000));
        assert_eq!(pd.dominant(), Some(("RU", 0.433)));
        assert_eq!(quantity(&pd, "RU"), Some(84_000));
        // The US row is the palladium mine production of the salient statistics, which the
        // text values at "$290 million" with platinum's 1,800 kg.
        assert_eq!(quantity(&pd, "US"), Some(6_200));
        // mcs2026-rare-earths.pdf: "An estimated 51,000 tons of REO in mineral concentrates
        // was produced" in the United States in 2025.
        let text = "An estimated 51,000 tons of REO in mineral concentrates was produced";
        let said: u64 = text
            .split_whitespace()
            .find_map(|w| w.replace(',', "").parse().ok())
            .unwrap();
        let re = step("rare earths");
        assert_eq!(quantity(&re, "US"), Some(said));
        assert_eq!(re.dominant(), Some(("CN", 0.694)));
        // mcs2026-copper.pdf: the extraction's world table keeps one production column; its
        // United States row is the refinery production of the salient statistics ("Primary
        // (from ore)" 790 + "Secondary (from scrap)" 60 thousand tons), so the rows are refinery.
        let cu = step("copper");
        assert_eq!(
            (cu.step.as_str(), cu.unit.as_str(), cu.world),
            ("refinery", "kt", 29_000)
        );
        assert_eq!(quantity(&cu, "US"), Some(790 + 60));
        assert_eq!(cu.dominant(), Some(("CN", 0.483)));
        for name in ["tungsten", "rare earths", "palladium", "copper"] {
            assert_eq!(m.material(name).unwrap().crma, "strategic", "{name}");
        }
        // Rare earths and copper have figures but no component: no retrieved USGS sentence
        // links them to a class the inventory holds (rare earths' leading global use is
        // magnets; copper's end uses are "electrical and electronic products, 23%", no class).
        let linked: Vec<&str> = m
            .component_materials("electronic components")
            .iter()
            .map(|u| u.material.as_str())
            .collect();
        assert_eq!(linked, ["tantalum", "tungsten", "palladium"]);
        assert!(m
            .components
            .values()
            .flatten()
            .all(|u| u.material != "rare earths" && u.material != "copper"));
    }

    #[test]
    fn bad_rows_are_refused_with_their_line() {
        let geo = Geo::load(&Source::builtin()).unwrap();
        let with = |path: &str, from: &str, to: &str| {
            let mut sources = Source::builtin();
            let s = sources.iter_mut().find(|s| s.path == path).unwrap();
            s.text = std::borrow::Cow::Owned(s.text.replacen(from, to, 1));
            Materials::load(&sources, &geo).unwrap_err().to_string()
        };
        let err = with(
            PRODUCTION,
            "gallium,primary,2025,CN,900000",
            "gallium,primary,2025,XX,900000",
        );
        assert!(err.starts_with("kb: materials/production.csv:2:"), "{err}");
        let err = with(
            PRODUCTION,
            "gallium,primary,2025,RU,6000",
            "gallium,primary,2025,RU,600000",
        );
        assert!(err.contains("add up to 1503000"), "{err}");
        let err = with(CRMA, "gallium,strategic", "gallium,important");
        assert!(err.contains("status `important`"), "{err}");
        let err = with(COMPONENTS, "battery,cobalt", "battery,neon");
        assert!(err.contains("`neon` has no production rows"), "{err}");
    }
}
