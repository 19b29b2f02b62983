//! Processor identity tables (`data/processors/`): x86 CPUID vendor strings, Arm MIDR
//! implementer and part codes, RISC-V `mvendorid`, architecture → ISA owners, foundries and the
//! processor families whose foundry is known.
//!
//! This module owns exact-key look-ups and the family → foundry patterns. The name-pattern
//! tables (SoC vendor, model designer) live in `patterns`; organisations in `orgs`.

use crate::orgs::{OrgId, Orgs};
use crate::tables::{self, hex_id, required, row_err, KbError, Source};
use crate::Attribution;
use regex::Regex;
use serde::de::IgnoredAny;
use serde::Deserialize;
use sovstack_inventory::{Confidence, CountryCode, Evidence, Method};
use std::collections::HashMap;

const X86: &str = "processors/x86-cpuid-vendors.csv";
const ARM_IMPL: &str = "processors/arm-midr-implementers.csv";
const ARM_PARTS: &str = "processors/arm-midr-parts.csv";
const RISCV: &str = "processors/riscv-mvendorid.csv";
const ISA: &str = "processors/isa.csv";
const FOUNDRIES: &str = "processors/foundries.csv";
const FAMILIES: &str = "processors/processor-foundry.csv";
const DT_PREFIXES: &str = "processors/dt-vendor-prefixes.csv";
const X86_FAMILIES: &str = "processors/x86-family-foundry.csv";
const CAPTIVE: &str = "processors/captive-arm-implementers.csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaptiveRow {
    implementer: String,
    organisation: String,
    confidence: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct X86Row {
    vendor_id: String,
    vendor: String,
    organisation: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArmImplRow {
    implementer: String,
    lscpu_name: String,
    organisation: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArmPartRow {
    implementer: String,
    implementer_name: String,
    part: String,
    part_name: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RiscvRow {
    mvendorid: String,
    vendor: String,
    organisation: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IsaRow {
    architecture: String,
    isa: String,
    organisation: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FoundryRow {
    foundry: String,
    hq_city: String,
    leading_edge_fab_countries: String,
    other_fab_countries: String,
    #[serde(rename = "ownership_notes")]
    _ownership_notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FamilyRow {
    family: String,
    designer: String,
    pattern: String,
    foundry: String,
    other_foundries: String,
    process: String,
    confidence: String,
    examples: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DtPrefixRow {
    prefix: String,
    organisation: String,
    registry_description: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct X86FamilyRow {
    vendor_id: String,
    cpu_family: u32,
    models: String,
    family: String,
    foundry: String,
    other_foundries: String,
    process: String,
    confidence: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

/// A row of `x86-family-foundry.csv`: CPUID vendor, family and model ranges → foundry.
#[derive(Debug)]
struct X86Family {
    line: u64,
    vendor_id: String,
    cpu_family: u32,
    models: Vec<(u32, u32)>,
    foundry: OrgId,
    confidence: Confidence,
}

/// A key's row: the line and the organisation it names.
#[derive(Debug, Clone, Copy)]
struct Keyed {
    line: u64,
    org: OrgId,
}

/// Where a foundry makes chips.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FabCountries {
    /// Countries with its leading-edge fabs.
    pub leading_edge: Vec<CountryCode>,
    /// Countries with its other fabs (older nodes, assembly and test).
    pub other: Vec<CountryCode>,
}

#[derive(Debug)]
struct Foundry {
    line: u64,
    fabs: FabCountries,
}

#[derive(Debug)]
struct Family {
    line: u64,
    designer: OrgId,
    pattern: String,
    regex: Regex,
    foundry: Option<OrgId>,
    confidence: Confidence,
}

#[derive(Debug)]
pub(crate) struct Processors {
    x86: HashMap<String, Keyed>,
    /// Keys with spaces and NULs trimmed, for callers that trimmed the value they read.
    x86_trimmed: HashMap<String, String>,
    arm_impl: HashMap<u32, Keyed>,
    arm_parts: HashMap<(u32, u32), (u64, String)>,
    riscv: HashMap<u64, Keyed>,
    isa: HashMap<String, Vec<Keyed>>,
    foundries: HashMap<OrgId, Foundry>,
    families: Vec<Family>,
    /// Device-tree vendor prefix (`qcom`) → the SoC maker it names.
    dt_prefixes: HashMap<String, Keyed>,
    x86_families: Vec<X86Family>,
    /// Arm implementers whose cores only sit in their own SoCs → (row, SoC maker, confidence).
    captive: HashMap<u32, (Keyed, Confidence)>,
}

fn u32_id(table: &str, line: u64, field: &str, value: &str) -> Result<u32, KbError> {
    let v = hex_id(table, line, field, value)?;
    u32::try_from(v).map_err(|_| row_err(table, line, format!("`{field}` `{value}` is too large")))
}

fn trim_id(s: &str) -> &str {
    s.trim_matches(|c: char| c == ' ' || c == '\0' || c == '\t')
}

impl Processors {
    pub fn load(sources: &[Source], orgs: &Orgs, geo: &crate::geo::Geo) -> Result<Self, KbError> {
        let mut p = Processors {
            x86: HashMap::new(),
            x86_trimmed: HashMap::new(),
            arm_impl: HashMap::new(),
            arm_parts: HashMap::new(),
            riscv: HashMap::new(),
            isa: HashMap::new(),
            foundries: HashMap::new(),
            families: Vec::new(),
            dt_prefixes: HashMap::new(),
            x86_families: Vec::new(),
            captive: HashMap::new(),
        };

        for row in tables::read::<X86Row>(X86, tables::text_of(sources, X86)?)? {
            let (line, r) = (row.line, row.rec);
            required(X86, line, "vendor", &r.vendor)?;
            required(X86, line, "source", &r.source)?;
            // CPUID leaf 0 returns 12 bytes; one historic string is 11 characters plus a NUL.
            if r.vendor_id.trim().is_empty() || r.vendor_id.len() > 12 || !r.vendor_id.is_ascii() {
                return Err(row_err(
                    X86,
                    line,
                    format!("`{}` is not a CPUID vendor id", r.vendor_id),
                ));
            }
            let org = orgs.require(X86, line, &r.organisation)?;
            if p.x86
                .insert(r.vendor_id.clone(), Keyed { line, org })
                .is_some()
            {
                return Err(row_err(
                    X86,
                    line,
                    format!("duplicate vendor id `{}`", r.vendor_id),
                ));
            }
            let trimmed = trim_id(&r.vendor_id).to_string();
            if p.x86_trimmed.insert(trimmed, r.vendor_id.clone()).is_some() {
                return Err(row_err(
                    X86,
                    line,
                    format!("`{}` collides with another id once trimmed", r.vendor_id),
                ));
            }
        }

        for row in tables::read::<ArmImplRow>(ARM_IMPL, tables::text_of(sources, ARM_IMPL)?)? {
            let (line, r) = (row.line, row.rec);
            required(ARM_IMPL, line, "lscpu_name", &r.lscpu_name)?;
            required(ARM_IMPL, line, "source", &r.source)?;
            let code = u32_id(ARM_IMPL, line, "implementer", &r.implementer)?;
            let org = orgs.require(ARM_IMPL, line, &r.organisation)?;
            if p.arm_impl.insert(code, Keyed { line, org }).is_some() {
                return Err(row_err(
                    ARM_IMPL,
                    line,
                    format!("duplicate implementer `{}`", r.implementer),
                ));
            }
        }

        for row in tables::read::<ArmPartRow>(ARM_PARTS, tables::text_of(sources, ARM_PARTS)?)? {
            let (line, r) = (row.line, row.rec);
            required(ARM_PARTS, line, "implementer_name", &r.implementer_name)?;
            required(ARM_PARTS, line, "part_name", &r.part_name)?;
            required(ARM_PARTS, line, "source", &r.source)?;
            let imp = u32_id(ARM_PARTS, line, "implementer", &r.implementer)?;
            let part = u32_id(ARM_PARTS, line, "part", &r.part)?;
            if !p.arm_impl.contains_key(&imp) {
                return Err(row_err(
                    ARM_PARTS,
                    line,
                    format!("unknown implementer `{}`", r.implementer),
                ));
            }
            if p.arm_parts
                .insert((imp, part), (line, r.part_name))
                .is_some()
            {
                return Err(row_err(
                    ARM_PARTS,
                    line,
                    format!("duplicate part `{}` `{}`", r.implementer, r.part),
                ));
            }
        }

        for row in tables::read::<RiscvRow>(RISCV, tables::text_of(sources, RISCV)?)? {
            let (line, r) = (row.line, row.rec);
            required(RISCV, line, "vendor", &r.vendor)?;
            required(RISCV, line, "source", &r.source)?;
            let id = hex_id(RISCV, line, "mvendorid", &r.mvendorid)?;
            if id == 0 {
                // mvendorid 0 means "not implemented" (QEMU, many open cores): not a vendor.
                return Err(row_err(
                    RISCV,
                    line,
                    "mvendorid 0 means no vendor; leave it out",
                ));
            }
            let org = orgs.require(RISCV, line, &r.organisation)?;
            if p.riscv.insert(id, Keyed { line, org }).is_some() {
                return Err(row_err(
                    RISCV,
                    line,
                    format!("duplicate mvendorid `{}`", r.mvendorid),
                ));
            }
        }

        for row in tables::read::<IsaRow>(ISA, tables::text_of(sources, ISA)?)? {
            let (line, r) = (row.line, row.rec);
            required(ISA, line, "architecture", &r.architecture)?;
            required(ISA, line, "isa", &r.isa)?;
            required(ISA, line, "source", &r.source)?;
            let org = orgs.require(ISA, line, &r.organisation)?;
            let owners = p.isa.entry(r.architecture.clone()).or_default();
            if owners.iter().any(|k| k.org == org) {
                return Err(row_err(
                    ISA,
                    line,
                    format!(
                        "duplicate owner `{}` for `{}`",
                        r.organisation, r.architecture
                    ),
                ));
            }
            owners.push(Keyed { line, org });
        }

        for row in tables::read::<FoundryRow>(FOUNDRIES, tables::text_of(sources, FOUNDRIES)?)? {
            let (line, r) = (row.line, row.rec);
            required(FOUNDRIES, line, "hq_city", &r.hq_city)?;
            required(FOUNDRIES, line, "source", &r.source)?;
            let org = orgs.require(FOUNDRIES, line, &r.foundry)?;
            let codes = |v: &str| -> Result<Vec<CountryCode>, KbError> {
                tables::list(v)
                    .into_iter()
                    .map(|c| geo.country_code(FOUNDRIES, line, c))
                    .collect()
            };
            let fabs = FabCountries {
                leading_edge: codes(&r.leading_edge_fab_countries)?,
                other: codes(&r.other_fab_countries)?,
            };
            if fabs.leading_edge.is_empty() {
                return Err(row_err(
                    FOUNDRIES,
                    line,
                    "missing `leading_edge_fab_countries`",
                ));
            }
            if p.foundries.insert(org, Foundry { line, fabs }).is_some() {
                return Err(row_err(
                    FOUNDRIES,
                    line,
                    format!("duplicate foundry `{}`", r.foundry),
                ));
            }
        }

        for row in tables::read::<DtPrefixRow>(DT_PREFIXES, tables::text_of(sources, DT_PREFIXES)?)?
        {
            let (line, r) = (row.line, row.rec);
            required(
                DT_PREFIXES,
                line,
                "registry_description",
                &r.registry_description,
            )?;
            required(DT_PREFIXES, line, "source", &r.source)?;
            // The registry's own syntax: lower-case letters, digits and '-', no comma.
            let valid = !r.prefix.is_empty()
                && r.prefix
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid {
                return Err(row_err(
                    DT_PREFIXES,
                    line,
                    format!("`{}` is not a device-tree vendor prefix", r.prefix),
                ));
            }
            let org = orgs.require(DT_PREFIXES, line, &r.organisation)?;
            if p.dt_prefixes
                .insert(r.prefix.clone(), Keyed { line, org })
                .is_some()
            {
                return Err(row_err(
                    DT_PREFIXES,
                    line,
                    format!("duplicate prefix `{}`", r.prefix),
                ));
            }
        }

        let mut examples = Vec::new();
        for row in tables::read::<FamilyRow>(FAMILIES, tables::text_of(sources, FAMILIES)?)? {
            let (line, r) = (row.line, row.rec);
            for (field, value) in [
                ("family", &r.family),
                ("process", &r.process),
                ("source", &r.source),
            ] {
                required(FAMILIES, line, field, value)?;
            }
            let designer = orgs.require(FAMILIES, line, &r.designer)?;
            let regex = tables::pattern(FAMILIES, line, &r.pattern)?;
            let confidence = tables::confidence(FAMILIES, line, &r.confidence)?;
            let foundry_of = |name: &str| -> Result<OrgId, KbError> {
                let id = orgs.require(FAMILIES, line, name)?;
                if p.foundries.contains_key(&id) {
                    Ok(id)
                } else {
                    Err(row_err(
                        FAMILIES,
                        line,
                        format!("`{name}` is not in {FOUNDRIES}"),
                    ))
                }
            };
            let foundry = match r.foundry.as_str() {
                "" => None,
                name => Some(foundry_of(name)?),
            };
            for other in tables::list(&r.other_foundries) {
                foundry_of(other)?;
            }
            let ex: Vec<String> = tables::list(&r.examples)
                .into_iter()
                .map(String::from)
                .collect();
            if ex.is_empty() {
                return Err(row_err(FAMILIES, line, "missing `examples`"));
            }
            examples.push((line, designer, ex));
            p.families.push(Family {
                line,
                designer,
                pattern: r.pattern,
                regex,
                foundry,
                confidence,
            });
        }
        for (line, designer, ex) in examples {
            for e in ex {
                let won = p.family(designer, &e).map(|f| f.line);
                if won != Some(line) {
                    return Err(row_err(
                        FAMILIES,
                        line,
                        format!("example `{e}` resolves to line {won:?}, not this row"),
                    ));
                }
            }
        }
        for row in
            tables::read::<X86FamilyRow>(X86_FAMILIES, tables::text_of(sources, X86_FAMILIES)?)?
        {
            let (line, r) = (row.line, row.rec);
            for (field, value) in [
                ("family", &r.family),
                ("process", &r.process),
                ("source", &r.source),
            ] {
                required(X86_FAMILIES, line, field, value)?;
            }
            if !p.x86.contains_key(&r.vendor_id) {
                return Err(row_err(
                    X86_FAMILIES,
                    line,
                    format!("`{}` is not in {X86}", r.vendor_id),
                ));
            }
            let foundry_of = |name: &str| -> Result<OrgId, KbError> {
                let id = orgs.require(X86_FAMILIES, line, name)?;
                if p.foundries.contains_key(&id) {
                    Ok(id)
                } else {
                    Err(row_err(
                        X86_FAMILIES,
                        line,
                        format!("`{name}` is not in {FOUNDRIES}"),
                    ))
                }
            };
            let foundry = foundry_of(&r.foundry)?;
            for other in tables::list(&r.other_foundries) {
                foundry_of(other)?;
            }
            let confidence = tables::confidence(X86_FAMILIES, line, &r.confidence)?;
            let mut models = Vec::new();
            for range in tables::list(&r.models) {
                let (lo, hi) = range.split_once('-').unwrap_or((range, range));
                let lo = u32_id(X86_FAMILIES, line, "models", lo)?;
                let hi = u32_id(X86_FAMILIES, line, "models", hi)?;
                if lo > hi || hi > 0xff {
                    return Err(row_err(
                        X86_FAMILIES,
                        line,
                        format!("bad model range `{range}`"),
                    ));
                }
                models.push((lo, hi));
            }
            if models.is_empty() {
                return Err(row_err(X86_FAMILIES, line, "missing `models`"));
            }
            // A model belongs to one row: an overlap would make the answer depend on row order.
            for other in p
                .x86_families
                .iter()
                .filter(|f| f.vendor_id == r.vendor_id && f.cpu_family == r.cpu_family)
            {
                if let Some(&(lo, _)) = models
                    .iter()
                    .find(|(lo, hi)| other.models.iter().any(|(a, b)| lo <= b && a <= hi))
                {
                    return Err(row_err(
                        X86_FAMILIES,
                        line,
                        format!("model {lo:#04x} is also in line {}", other.line),
                    ));
                }
            }
            p.x86_families.push(X86Family {
                line,
                vendor_id: r.vendor_id,
                cpu_family: r.cpu_family,
                models,
                foundry,
                confidence,
            });
        }
        for row in tables::read::<CaptiveRow>(CAPTIVE, tables::text_of(sources, CAPTIVE)?)? {
            let (line, r) = (row.line, row.rec);
            required(CAPTIVE, line, "source", &r.source)?;
            let code = u32_id(CAPTIVE, line, "implementer", &r.implementer)?;
            if !p.arm_impl.contains_key(&code) {
                return Err(row_err(
                    CAPTIVE,
                    line,
                    format!("implementer `{}` is not in {ARM_IMPL}", r.implementer),
                ));
            }
            let org = orgs.require(CAPTIVE, line, &r.organisation)?;
            let confidence = tables::confidence(CAPTIVE, line, &r.confidence)?;
            if p.captive
                .insert(code, (Keyed { line, org }, confidence))
                .is_some()
            {
                return Err(row_err(
                    CAPTIVE,
                    line,
                    format!("duplicate implementer `{}`", r.implementer),
                ));
            }
        }
        Ok(p)
    }

    fn keyed(
        orgs: &Orgs,
        table: &str,
        k: Keyed,
        field: &str,
        value: &str,
        method: Method,
    ) -> Attribution {
        let ev = tables::evidence(table, k.line, field, value, method, Confidence::High);
        orgs.attribute(k.org, vec![ev])
    }

    pub fn x86_vendor(&self, orgs: &Orgs, vendor_id: &str) -> Option<Attribution> {
        // Exact first; then the same id trimmed, for callers that trimmed `  Shanghai  `. Keys
        // stay unique once trimmed (checked at load), so this never picks between two vendors.
        let key = match self.x86.get_key_value(vendor_id) {
            Some((k, _)) => k,
            None => self.x86_trimmed.get(trim_id(vendor_id))?,
        };
        let k = self.x86[key];
        Some(Self::keyed(
            orgs,
            X86,
            k,
            "vendor_id",
            key,
            Method::KbLookup,
        ))
    }

    pub fn arm_implementer(&self, orgs: &Orgs, implementer: u32) -> Option<Attribution> {
        let k = *self.arm_impl.get(&implementer)?;
        Some(Self::keyed(
            orgs,
            ARM_IMPL,
            k,
            "implementer",
            &format!("{implementer:#04x}"),
            Method::KbLookup,
        ))
    }

    pub fn captive_soc_vendor(&self, orgs: &Orgs, implementer: u32) -> Option<Attribution> {
        let (k, confidence) = *self.captive.get(&implementer)?;
        let ev = tables::evidence(
            CAPTIVE,
            k.line,
            "implementer",
            &format!("{implementer:#04x}"),
            Method::KbLookup,
            confidence,
        );
        Some(orgs.attribute(k.org, vec![ev]))
    }

    pub fn arm_part_name(&self, implementer: u32, part: u32) -> Option<(String, Evidence)> {
        let (line, name) = self.arm_parts.get(&(implementer, part))?;
        let value = format!("{implementer:#04x}/{part:#05x}");
        let ev = tables::evidence(
            ARM_PARTS,
            *line,
            "part",
            &value,
            Method::KbLookup,
            Confidence::High,
        );
        Some((name.clone(), ev))
    }

    pub fn riscv_vendor(&self, orgs: &Orgs, mvendorid: u64) -> Option<Attribution> {
        let k = *self.riscv.get(&mvendorid)?;
        Some(Self::keyed(
            orgs,
            RISCV,
            k,
            "mvendorid",
            &format!("{mvendorid:#05x}"),
            Method::KbLookup,
        ))
    }

    pub fn isa_owners(&self, orgs: &Orgs, architecture: &str) -> Vec<Attribution> {
        self.isa
            .get(architecture)
            .map(|owners| {
                owners
                    .iter()
                    .map(|&k| {
                        Self::keyed(orgs, ISA, k, "architecture", architecture, Method::KbLookup)
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn dt_vendor(&self, orgs: &Orgs, prefix: &str) -> Option<Attribution> {
        let k = *self.dt_prefixes.get(prefix)?;
        Some(Self::keyed(
            orgs,
            DT_PREFIXES,
            k,
            "prefix",
            prefix,
            Method::KbLookup,
        ))
    }

    fn family(&self, designer: OrgId, model_name: &str) -> Option<&Family> {
        let model = model_name.trim();
        if model.is_empty() {
            return None;
        }
        self.families
            .iter()
            .find(|f| f.designer == designer && f.regex.is_match(model))
    }

    pub fn foundry(&self, orgs: &Orgs, designer: &str, model_name: &str) -> Option<Attribution> {
        let designer = orgs.find(designer)?;
        let family = self.family(designer, model_name)?;
        let foundry = family.foundry?;
        let fab = &self.foundries[&foundry];
        let name = &orgs.get(foundry).name;
        let evidence = vec![
            tables::evidence(
                FAMILIES,
                family.line,
                "pattern",
                &family.pattern,
                Method::KbPattern,
                family.confidence,
            ),
            tables::evidence(
                FOUNDRIES,
                fab.line,
                "foundry",
                name,
                Method::KbLookup,
                Confidence::High,
            ),
        ];
        Some(orgs.attribute(foundry, evidence))
    }

    pub fn x86_foundry(
        &self,
        orgs: &Orgs,
        vendor_id: &str,
        cpu_family: u32,
        model: u32,
    ) -> Option<Attribution> {
        let key = match self.x86.get_key_value(vendor_id) {
            Some((k, _)) => k,
            None => self.x86_trimmed.get(trim_id(vendor_id))?,
        };
        let f = self.x86_families.iter().find(|f| {
            &f.vendor_id == key
                && f.cpu_family == cpu_family
                && f.models.iter().any(|&(lo, hi)| (lo..=hi).contains(&model))
        })?;
        let fab = &self.foundries[&f.foundry];
        let name = &orgs.get(f.foundry).name;
        let evidence = vec![
            tables::evidence(
                X86_FAMILIES,
                f.line,
                "models",
                &format!("{key} family {cpu_family} model {model:#04x}"),
                Method::KbLookup,
                f.confidence,
            ),
            tables::evidence(
                FOUNDRIES,
                fab.line,
                "foundry",
                name,
                Method::KbLookup,
                Confidence::High,
            ),
        ];
        Some(orgs.attribute(f.foundry, evidence))
    }

    /// [`Processors::x86_foundry`] for a processor whose CPUID vendor string was not read but
    /// whose designer is known (an inventory agent's `manufacturer`): the family rows of the
    /// vendor ids that designer owns, tried in id order.
    pub fn x86_foundry_by_designer(
        &self,
        orgs: &Orgs,
        designer: &str,
        cpu_family: u32,
        model: u32,
    ) -> Option<Attribution> {
        let org = orgs.find(designer)?;
        let mut ids: Vec<&String> = self
            .x86
            .iter()
            .filter(|(_, k)| k.org == org)
            .map(|(id, _)| id)
            .collect();
        ids.sort();
        ids.into_iter()
            .find_map(|id| self.x86_foundry(orgs, id, cpu_family, model))
    }

    /// The CPUID vendor ids of a designer (canonical name or alias), sorted.
    pub fn x86_vendor_ids(&self, orgs: &Orgs, designer: &str) -> Vec<&str> {
        let Some(org) = orgs.find(designer) else {
            return Vec::new();
        };
        let mut ids: Vec<&str> = self
            .x86
            .iter()
            .filter(|(_, k)| k.org == org)
            .map(|(id, _)| id.as_str())
            .collect();
        ids.sort_unstable();
        ids
    }

    pub fn fab_countries(&self, orgs: &Orgs, foundry: &str) -> Option<&FabCountries> {
        self.foundries.get(&orgs.find(foundry)?).map(|f| &f.fabs)
    }

    /// Every organisation these tables name, for consistency checks.
    #[cfg(test)]
    pub fn referenced_orgs(&self) -> Vec<OrgId> {
        let mut v: Vec<OrgId> = self.x86.values().map(|k| k.org).collect();
        v.extend(self.arm_impl.values().map(|k| k.org));
        v.extend(self.riscv.values().map(|k| k.org));
        v.extend(self.isa.values().flatten().map(|k| k.org));
        v.extend(self.foundries.keys());
        v.extend(self.families.iter().map(|f| f.designer));
        v.extend(self.dt_prefixes.values().map(|k| k.org));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Geo;
    use std::borrow::Cow;

    fn load(path: Option<(&'static str, &'static str)>) -> Result<(Processors, Orgs), KbError> {
        let mut sources = Source::builtin();
        if let Some((path, text)) = path {
            sources.iter_mut().find(|s| s.path == path).unwrap().text = Cow::Borrowed(text);
        }
        let geo = Geo::load(&sources).unwrap();
        let orgs = Orgs::load(&sources, &geo).unwrap();
        Ok((Processors::load(&sources, &orgs, &geo)?, orgs))
    }

    fn builtin() -> (Processors, Orgs) {
        load(None).unwrap()
    }

    #[test]
    fn x86_vendor_ids() {
        let (p, o) = builtin();
        let cases = [
            ("GenuineIntel", Some(("Intel Corporation", "US"))),
            ("AuthenticAMD", Some(("Advanced Micro Devices", "US"))),
            ("HygonGenuine", Some(("Hygon Information Technology", "CN"))),
            (
                "  Shanghai  ",
                Some(("Shanghai Zhaoxin Semiconductor", "CN")),
            ),
            ("Shanghai", Some(("Shanghai Zhaoxin Semiconductor", "CN"))),
            ("CentaurHauls", Some(("VIA Technologies", "TW"))),
            ("E2K MACHINE\0", Some(("MCST", "RU"))),
            ("Genuine  RDC", Some(("RDC Semiconductor", "TW"))),
            ("genuineintel", None),
            ("GenuineIntel!", None),
            ("Genuine RDC", None),
            ("KVMKVMKVM", None),
            ("", None),
            ("   ", None),
        ];
        for (id, want) in cases {
            let got = p.x86_vendor(&o, id);
            let got_pair = got
                .as_ref()
                .map(|a| (a.name.as_str(), a.country.as_ref().unwrap().as_str()));
            assert_eq!(got_pair, want, "{id:?}");
        }
        let a = p.x86_vendor(&o, "Shanghai").unwrap();
        assert_eq!(a.evidence[0].value.as_deref(), Some("  Shanghai  "));
        assert_eq!(a.evidence[0].source, "kb:processors/x86-cpuid-vendors.csv");
        assert_eq!(a.evidence[0].field.as_deref(), Some("vendor_id"));
        assert_eq!(a.evidence[0].line, Some(5));
    }

    #[test]
    fn arm_ids() {
        let (p, o) = builtin();
        let cases = [
            (0x41, Some("Arm Ltd")),
            (0x48, Some("HiSilicon")),
            (0x51, Some("Qualcomm")),
            (0x61, Some("Apple Inc.")),
            (0x70, Some("Phytium Technology")),
            (0xc0, Some("Ampere Computing")),
            (0x00, None),
            (0xff, None),
        ];
        for (code, want) in cases {
            assert_eq!(
                p.arm_implementer(&o, code).map(|a| a.name).as_deref(),
                want,
                "{code:#x}"
            );
        }
        assert_eq!(
            p.arm_implementer(&o, 0x48)
                .unwrap()
                .country
                .unwrap()
                .as_str(),
            "CN"
        );
        assert_eq!(
            p.arm_implementer(&o, 0x41).unwrap().evidence[0]
                .value
                .as_deref(),
            Some("0x41")
        );

        let parts = [
            (0x41, 0xd0c, Some("Neoverse-N1")),
            (0x41, 0xd08, Some("Cortex-A72")),
            (0x48, 0xd01, Some("Kunpeng-920")),
            (0x61, 0x023, Some("Firestorm-M1")),
            (0x6d, 0xd49, Some("Azure-Cobalt-100")),
            (0x41, 0xfff, None),
            (0x99, 0xd0c, None),
        ];
        for (imp, part, want) in parts {
            let got = p.arm_part_name(imp, part);
            assert_eq!(
                got.as_ref().map(|g| g.0.as_str()),
                want,
                "{imp:#x}/{part:#x}"
            );
        }
        let (_, ev) = p.arm_part_name(0x41, 0xd0c).unwrap();
        assert_eq!(ev.value.as_deref(), Some("0x41/0xd0c"));
        assert_eq!(ev.source, "kb:processors/arm-midr-parts.csv");
    }

    #[test]
    fn riscv_ids() {
        let (p, o) = builtin();
        let cases = [
            (0x489, Some(("SiFive", "US"))),
            (0x5b7, Some(("T-Head Semiconductor", "CN"))),
            (0x31e, Some(("Andes Technology", "TW"))),
            (0, None),
            (0x1234, None),
        ];
        for (id, want) in cases {
            let got = p.riscv_vendor(&o, id);
            let got = got
                .as_ref()
                .map(|a| (a.name.as_str(), a.country.as_ref().unwrap().as_str()));
            assert_eq!(got, want, "{id:#x}");
        }
    }

    #[test]
    fn isa_owners() {
        let (p, o) = builtin();
        let names = |arch: &str| -> Vec<String> {
            p.isa_owners(&o, arch).into_iter().map(|a| a.name).collect()
        };
        assert_eq!(
            names("x86_64"),
            vec!["Intel Corporation", "Advanced Micro Devices"]
        );
        assert_eq!(
            names("i686"),
            vec!["Intel Corporation", "Advanced Micro Devices"]
        );
        assert_eq!(names("aarch64"), vec!["Arm Ltd"]);
        assert_eq!(names("arm"), vec!["Arm Ltd"]);
        assert_eq!(names("riscv64"), vec!["RISC-V International"]);
        assert_eq!(names("loongarch64"), vec!["Loongson Technology"]);
        assert_eq!(names("ppc64le"), vec!["OpenPOWER Foundation", "IBM"]);
        assert_eq!(names("s390x"), vec!["IBM"]);
        assert_eq!(names("mips64"), vec!["MIPS Technologies"]);
        assert!(names("unknown").is_empty());
        assert!(names("X86_64").is_empty());
        let rv = &p.isa_owners(&o, "riscv64")[0];
        assert_eq!(rv.governance, sovstack_inventory::Governance::OpenStandard);
        assert_eq!(rv.country.as_ref().unwrap().as_str(), "CH");
    }

    #[test]
    fn foundries() {
        let (p, o) = builtin();
        let cases = [
            ("Apple", "Apple M1", Some(("TSMC", Confidence::High))),
            (
                "Apple Inc.",
                "Apple M3 Max",
                Some(("TSMC", Confidence::High)),
            ),
            (
                "AMD",
                "AMD Ryzen 7 1700X Eight-Core Processor",
                Some(("GlobalFoundries", Confidence::High)),
            ),
            (
                "AMD",
                "AMD Ryzen 9 3900X 12-Core Processor",
                Some(("TSMC", Confidence::High)),
            ),
            ("AMD", "AMD EPYC 7B13", Some(("TSMC", Confidence::High))),
            (
                "AMD",
                "AMD EPYC 7571",
                Some(("GlobalFoundries", Confidence::High)),
            ),
            (
                "AMD",
                "AMD EPYC 9654P 96-Core Processor",
                Some(("TSMC", Confidence::High)),
            ),
            (
                "Intel",
                "13th Gen Intel(R) Core(TM) i5-13600K",
                Some(("Intel Corporation", Confidence::High)),
            ),
            (
                "Intel Corporation",
                "Intel(R) Core(TM) Ultra 7 258V",
                Some(("TSMC", Confidence::High)),
            ),
            (
                "Intel",
                "Intel(R) Xeon(R) Platinum 8480+",
                Some(("Intel Corporation", Confidence::High)),
            ),
            (
                "Qualcomm",
                "SM8450",
                Some(("Samsung Electronics", Confidence::High)),
            ),
            (
                "Qualcomm",
                "Snapdragon 8+ Gen 1",
                Some(("TSMC", Confidence::High)),
            ),
            ("HiSilicon", "Kunpeng-920", Some(("TSMC", Confidence::High))),
            (
                "HiSilicon",
                "HUAWEI Kirin 9000S",
                Some(("SMIC", Confidence::Medium)),
            ),
            (
                "IBM",
                "POWER9 (raw), altivec supported",
                Some(("GlobalFoundries", Confidence::High)),
            ),
            (
                "Zhaoxin",
                "ZHAOXIN KaiXian KX-U6780A@2.7GHz",
                Some(("TSMC", Confidence::Medium)),
            ),
            // Never guessed: dual-sourced, undisclosed, or a family the table does not cover.
            ("Apple", "Apple A9", None),
            ("Loongson", "Loongson-3A5000", None),
            ("AMD", "AMD Ryzen 5 3400G with Radeon Vega Graphics", None),
            ("AMD", "AMD Ryzen 5 3500U with Radeon Vega Mobile Gfx", None),
            ("Intel", "Intel(R) Core(TM) i7-10700K CPU @ 3.80GHz", None),
            ("Intel", "Intel(R) Core(TM) Ultra 7 255H", None),
            ("Intel", "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", None),
            ("Intel", "Apple M1", None),
            ("Initech", "Apple M1", None),
            ("Apple", "", None),
        ];
        for (designer, model, want) in cases {
            let got = p.foundry(&o, designer, model);
            let got = got
                .as_ref()
                .map(|a| (a.name.as_str(), a.evidence[0].confidence));
            assert_eq!(got, want, "{designer} / {model}");
        }
        let a = p.foundry(&o, "Apple", "Apple M1").unwrap();
        assert_eq!(a.country.as_ref().unwrap().as_str(), "TW");
        let sources: Vec<&str> = a.evidence.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(
            sources,
            vec![
                "kb:processors/processor-foundry.csv",
                "kb:processors/foundries.csv",
                "kb:orgs/organisations.csv"
            ]
        );
        assert_eq!(a.evidence[0].method, Method::KbPattern);

        let tsmc = p.fab_countries(&o, "TSMC").unwrap();
        assert_eq!(
            tsmc.leading_edge
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>(),
            vec!["TW"]
        );
        assert!(p.fab_countries(&o, "Apple").is_none());
    }

    #[test]
    fn bad_rows() {
        let cases = [
            (X86, "vendor_id,vendor,organisation,notes,source\nGenuineIntel,Intel,Intel Corporation,,s\nGenuineIntel,Intel,Intel Corporation,,s\n", "kb: processors/x86-cpuid-vendors.csv:3: duplicate vendor id `GenuineIntel`"),
            (X86, "vendor_id,vendor,organisation,notes,source\nGenuineIntelX,Intel,Intel Corporation,,s\n", "kb: processors/x86-cpuid-vendors.csv:2: `GenuineIntelX` is not a CPUID vendor id"),
            (X86, "vendor_id,vendor,organisation,notes,source\n Shanghai ,Z,Intel Corporation,,s\nShanghai,Z,Intel Corporation,,s\n", "kb: processors/x86-cpuid-vendors.csv:3: `Shanghai` collides"),
            (X86, "vendor_id,vendor,organisation,notes,source\nGenuineIntel,Intel,Intel Inc,,s\n", "kb: processors/x86-cpuid-vendors.csv:2: unknown organisation `Intel Inc`"),
            (ARM_PARTS, "implementer,implementer_name,part,part_name,source\n0x41,ARM,d0c,N1,s\n", "kb: processors/arm-midr-parts.csv:2: `part` `d0c` is not a 0x-prefixed hex id"),
            (ARM_PARTS, "implementer,implementer_name,part,part_name,source\n0x99,X,0xd0c,N1,s\n", "kb: processors/arm-midr-parts.csv:2: unknown implementer `0x99`"),
            (RISCV, "mvendorid,vendor,organisation,notes,source\n0x000,none,SiFive,,s\n", "kb: processors/riscv-mvendorid.csv:2: mvendorid 0 means no vendor"),
            (ISA, "architecture,isa,organisation,notes,source\nx86_64,x,Intel Corporation,,s\nx86_64,x,Intel Corporation,,s\n", "kb: processors/isa.csv:3: duplicate owner"),
            (FOUNDRIES, "foundry,hq_city,leading_edge_fab_countries,other_fab_countries,ownership_notes,source\nTSMC,Hsinchu,TW;XX,,,s\n", "kb: processors/foundries.csv:2: unknown country `XX`"),
            (FAMILIES, "family,designer,pattern,foundry,other_foundries,process,confidence,examples,notes,source\nf,Apple Inc.,apple,Apple Inc.,,p,high,apple,,s\n", "kb: processors/processor-foundry.csv:2: `Apple Inc.` is not in processors/foundries.csv"),
            (FAMILIES, "family,designer,pattern,foundry,other_foundries,process,confidence,examples,notes,source\nf,Apple Inc.,apple,TSMC,,p,high,pear,,s\n", "kb: processors/processor-foundry.csv:2: example `pear` resolves to line None"),
        ];
        for (path, text, want) in cases {
            let err = load(Some((path, text))).expect_err(want).to_string();
            assert!(err.starts_with(want), "want {want}\n got {err}");
        }
    }
}
