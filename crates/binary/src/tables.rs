//! The toolchain knowledge tables, embedded from `crates/kb/data/toolchain/` and parsed once.
//!
//! They live beside the other knowledge-base tables (same conventions: a header row, a `source`
//! per row, 1-based line numbers with the header on line 1) but are loaded here until the
//! toolchain layer is wired into `sovstack-kb`. The tables are part of the build, not input:
//! a table that fails to parse is a defect caught by this module's tests, hence the `expect`.

use crate::report::Component;
use regex::Regex;
use serde::Deserialize;
use sovstack_inventory::{Confidence, CountryCode, Evidence, Governance, Method};
use std::collections::HashMap;
use std::sync::OnceLock;

const TOOLCHAINS: &str = include_str!("../../kb/data/toolchain/toolchains.csv");
const SIGNATURES: &str = include_str!("../../kb/data/toolchain/binary-signatures.csv");
const RICH_COMPIDS: &str = include_str!("../../kb/data/toolchain/msvc-rich-compids.csv");
const RICH_PRODIDS: &str = include_str!("../../kb/data/toolchain/msvc-rich-prodids.csv");
const MACHO_TOOLS: &str = include_str!("../../kb/data/toolchain/macho-build-tools.csv");
const MACHO_PLATFORMS: &str = include_str!("../../kb/data/toolchain/macho-platforms.csv");

/// Whether a toolchain's licence lets anyone use, study, change and share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Licence {
    /// A free / open-source licence.
    Free,
    /// Proprietary (possibly free of charge).
    Proprietary,
}

/// A toolchain and who stewards it (`kb:toolchain/toolchains.csv`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Toolchain {
    /// Id used in [`crate::Detection::toolchain`].
    pub id: String,
    /// Its name.
    pub name: String,
    /// The organisation that stewards it.
    pub steward: String,
    /// The steward's headquarters; `None` for a community with none.
    pub steward_hq_country: Option<CountryCode>,
    /// Free or proprietary.
    pub licence: Licence,
    /// How the steward is governed.
    pub governance: Governance,
    /// Where the row's facts come from.
    pub source: String,
    /// 1-based line in the table.
    pub line: u32,
}

impl Toolchain {
    /// Evidence pointing at this row.
    pub fn evidence(&self) -> Evidence {
        kb_evidence("toolchains.csv", self.line, &self.id, Method::KbLookup, Confidence::High)
    }
}

/// A row of `binary-signatures.csv`.
pub(crate) struct Signature {
    pub id: String,
    pub component: Option<Component>,
    pub toolchain: String,
    pub regex: Option<Regex>,
    pub version_group: Option<usize>,
    pub vendor_group: Option<usize>,
    pub confidence: Confidence,
    pub location: String,
    pub line: u32,
}

impl Signature {
    /// Evidence that this row interpreted a value.
    pub fn evidence(&self) -> Evidence {
        let method = if self.regex.is_some() { Method::KbPattern } else { Method::KbLookup };
        kb_evidence("binary-signatures.csv", self.line, &self.id, method, self.confidence)
    }
}

/// A Rich header product id (`msvc-rich-prodids.csv`).
pub(crate) struct ProdId {
    pub tool: String,
    pub kind: String,
    pub visual_studio: String,
    pub line: u32,
}

/// A full Rich comp id (`msvc-rich-compids.csv`).
pub(crate) struct CompId {
    pub description: String,
    pub interpolated: bool,
    pub line: u32,
}

pub(crate) struct Tables {
    pub toolchains: Vec<Toolchain>,
    pub signatures: Vec<Signature>,
    pub prodids: HashMap<u16, ProdId>,
    pub compids: HashMap<u32, CompId>,
    /// Mach-O tool id → (tool name, line).
    pub macho_tools: HashMap<u32, (String, u32)>,
    /// Mach-O platform id → (platform name, line).
    pub macho_platforms: HashMap<u32, (String, u32)>,
}

/// Evidence pointing at a row of a toolchain table.
pub(crate) fn kb_evidence(table: &str, line: u32, value: &str, method: Method, confidence: Confidence) -> Evidence {
    Evidence {
        source: format!("kb:toolchain/{table}"),
        field: None,
        line: Some(line),
        value: Some(value.to_string()),
        method,
        confidence,
    }
}

pub(crate) fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| load().expect("the embedded toolchain tables are valid (checked by tests)"))
}

/// Every toolchain of the knowledge base, in table order.
pub fn toolchains() -> &'static [Toolchain] {
    &tables().toolchains
}

/// The toolchain with this id.
pub fn toolchain(id: &str) -> Option<&'static Toolchain> {
    tables().toolchains.iter().find(|t| t.id == id)
}

impl Tables {
    /// The signature row with this id; ids used by the code are checked by the tests.
    pub fn signature(&self, id: &str) -> &Signature {
        self.signatures.iter().find(|s| s.id == id).unwrap_or_else(|| panic!("signature `{id}` in binary-signatures.csv"))
    }

    /// Signature rows whose regex applies to ident strings (`.comment` and the like).
    pub fn ident_signatures(&self) -> impl Iterator<Item = &Signature> {
        self.signatures.iter().filter(|s| s.location.starts_with("ident string") && s.regex.is_some())
    }
}

fn rows<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> Result<Vec<(u32, T)>, String> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.deserialize::<T>().enumerate() {
        let line = i as u32 + 2;
        out.push((line, rec.map_err(|e| format!("kb: toolchain/{name}:{line}: {e}"))?));
    }
    Ok(out)
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn load() -> Result<Tables, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct T {
        id: String,
        name: String,
        steward: String,
        steward_hq_country: String,
        licence: String,
        governance: String,
        #[allow(dead_code)] // for reviewers
        notes: String,
        source: String,
    }
    let mut toolchains = Vec::new();
    for (line, t) in rows::<T>("toolchains.csv", TOOLCHAINS)? {
        let bad = |what: &str| format!("kb: toolchain/toolchains.csv:{line}: {what}");
        let licence = match t.licence.as_str() {
            "free" => Licence::Free,
            "proprietary" => Licence::Proprietary,
            _ => return Err(bad("licence is free or proprietary")),
        };
        let governance = match t.governance.as_str() {
            "community" => Governance::Community,
            "foundation" => Governance::Foundation,
            "company" => Governance::Company,
            _ => return Err(bad("governance is community, foundation or company")),
        };
        let steward_hq_country = match opt(t.steward_hq_country) {
            Some(c) => Some(CountryCode::new(&c).map_err(|e| bad(&e.to_string()))?),
            None => None,
        };
        if t.source.is_empty() {
            return Err(bad("missing source"));
        }
        toolchains.push(Toolchain {
            id: t.id,
            name: t.name,
            steward: t.steward,
            steward_hq_country,
            licence,
            governance,
            source: t.source,
            line,
        });
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct S {
        id: String,
        #[allow(dead_code)]
        format: String,
        location: String,
        match_type: String,
        pattern: String,
        component: String,
        toolchain: String,
        version_group: String,
        vendor_group: String,
        confidence: String,
        example: String,
        example_version: String,
        #[allow(dead_code)]
        notes: String,
        source: String,
    }
    let mut signatures = Vec::new();
    for (line, s) in rows::<S>("binary-signatures.csv", SIGNATURES)? {
        let bad = |what: &str| format!("kb: toolchain/binary-signatures.csv:{line}: {what}");
        let component = match s.component.as_str() {
            "compiler" => Some(Component::Compiler),
            "linker" => Some(Component::Linker),
            "libc" => Some(Component::Libc),
            "runtime" => Some(Component::Runtime),
            // Rows whose component depends on the entry (Rich header, Mach-O tools).
            _ => None,
        };
        if !s.toolchain.is_empty() && !toolchains.iter().any(|t| t.id == s.toolchain) {
            return Err(bad("toolchain not in toolchains.csv"));
        }
        let confidence = match s.confidence.as_str() {
            "high" => Confidence::High,
            "medium" => Confidence::Medium,
            "low" => Confidence::Low,
            _ => return Err(bad("confidence is high, medium or low")),
        };
        let group = |g: &str| -> Result<Option<usize>, String> {
            if g.is_empty() { Ok(None) } else { g.parse().map(Some).map_err(|_| bad("group is a number")) }
        };
        let regex = if s.match_type == "regex" {
            Some(Regex::new(&s.pattern).map_err(|e| bad(&e.to_string()))?)
        } else {
            None
        };
        if let (Some(re), false) = (&regex, s.example.is_empty()) {
            // Examples double as tests: each must match and yield its stated version.
            let caps = re.captures(&s.example).ok_or_else(|| bad("example does not match its pattern"))?;
            if let Some(g) = group(&s.version_group)? {
                let got = caps.get(g).map(|m| m.as_str()).unwrap_or_default();
                if got != s.example_version {
                    return Err(bad(&format!("example yields version `{got}`, not `{}`", s.example_version)));
                }
            }
        }
        if s.source.is_empty() {
            return Err(bad("missing source"));
        }
        signatures.push(Signature {
            id: s.id,
            component,
            toolchain: s.toolchain,
            regex,
            version_group: group(&s.version_group)?,
            vendor_group: group(&s.vendor_group)?,
            confidence,
            location: s.location,
            line,
        });
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct P {
        prod_id: String,
        #[allow(dead_code)]
        prod_id_dec: u32,
        #[allow(dead_code)]
        prodid_enum: String,
        tool: String,
        object_kind: String,
        visual_studio: String,
    }
    let hex = |s: &str| u32::from_str_radix(s.trim_start_matches("0x"), 16);
    let mut prodids = HashMap::new();
    for (line, p) in rows::<P>("msvc-rich-prodids.csv", RICH_PRODIDS)? {
        let id = hex(&p.prod_id).map_err(|e| format!("kb: toolchain/msvc-rich-prodids.csv:{line}: {e}"))?;
        let entry = ProdId { tool: p.tool, kind: p.object_kind, visual_studio: p.visual_studio, line };
        prodids.insert(id as u16, entry);
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct C {
        comp_id: String,
        #[allow(dead_code)]
        prod_id: String,
        #[allow(dead_code)]
        build: u32,
        #[allow(dead_code)]
        object_kind: String,
        description: String,
        interpolated: String,
    }
    let mut compids = HashMap::new();
    for (line, c) in rows::<C>("msvc-rich-compids.csv", RICH_COMPIDS)? {
        let id = hex(&c.comp_id).map_err(|e| format!("kb: toolchain/msvc-rich-compids.csv:{line}: {e}"))?;
        // The first row wins: richprint lists observed entries before interpolated ones.
        compids.entry(id).or_insert(CompId { description: c.description, interpolated: c.interpolated == "yes", line });
    }

    #[derive(Deserialize)]
    struct M {
        tool_id: u32,
        tool: String,
    }
    let macho_tools = rows::<M>("macho-build-tools.csv", MACHO_TOOLS)?
        .into_iter()
        .map(|(line, m)| (m.tool_id, (m.tool, line)))
        .collect();
    #[derive(Deserialize)]
    struct Pl {
        platform_id: u32,
        platform: String,
    }
    let macho_platforms = rows::<Pl>("macho-platforms.csv", MACHO_PLATFORMS)?
        .into_iter()
        .map(|(line, p)| (p.platform_id, (p.platform, line)))
        .collect();
    Ok(Tables { toolchains, signatures, prodids, compids, macho_tools, macho_platforms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_load() {
        let t = load().unwrap();
        assert_eq!(t.toolchains.len(), 18);
        assert!(t.compids.len() > 3000);
        assert_eq!(t.prodids[&0x0102].tool, "Linker1400");
        assert_eq!(t.macho_tools[&3].0, "ld (ld64 / Apple linker)");
        assert_eq!(t.macho_platforms[&1].0, "macOS");
    }

    #[test]
    fn signature_ids_used_by_the_code_exist() {
        let t = tables();
        for id in [
            "gcc-comment", "rustc-comment", "lld-comment", "gold-note", "gnu-ld-layout", "go-buildinfo", "go-buildid-note",
            "rust-panic-path", "cargo-auditable", "glibc-needed", "glibc-verneed", "glibc-interp", "musl-interp",
            "musl-needed", "msvc-rich", "pe-linker-version", "mingw-runtime", "dotnet-clr", "macho-build-version",
            "swift-sections", "fpc-banner",
        ] {
            t.signature(id);
        }
    }

    #[test]
    fn toolchain_facts() {
        let gcc = toolchain("gcc").unwrap();
        assert_eq!(gcc.steward_hq_country.as_ref().unwrap().as_str(), "US");
        assert_eq!(gcc.licence, Licence::Free);
        assert_eq!(toolchain("msvc").unwrap().licence, Licence::Proprietary);
        assert!(toolchain("musl").unwrap().steward_hq_country.is_none());
        assert!(toolchain("nope").is_none());
    }
}
