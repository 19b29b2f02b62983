//! Toolchain tables (`data/toolchain/`): who stewards each compiler, linker, C library and
//! runtime (`toolchains.csv`), and how a binary tells which of them built it: the marks each
//! leaves (`binary-signatures.csv`) and the id tables that decode MSVC's Rich header
//! (`msvc-rich-prodids.csv`, `msvc-rich-compids.csv`) and Mach-O load commands
//! (`macho-build-tools.csv`, `macho-platforms.csv`).
//!
//! Reading binaries is `sovstack-binary`'s business: it is handed the [`ToolchainMarks`] and
//! returns toolchain ids with their evidence; the scanner then attributes each id to its
//! [`Toolchain`]'s steward. The marks say nothing about stewards, and the stewards nothing
//! about marks.
//!
//! A toolchain row carries its steward's name, headquarters and governance itself rather than
//! naming an organisation of `orgs/organisations.csv`: its stewards are projects as often as
//! companies (`GNU Project / Free Software Foundation`, `Rust Project / Rust Foundation`).
//! Evidence pointing at these tables names the row's key as its value and no field.

use crate::geo::Geo;
use crate::tables::{self, hex_id, required, row_err, KbError, Source};
use crate::Attribution;
use regex::Regex;
use serde::de::IgnoredAny;
use serde::Deserialize;
use sovstack_inventory::{
    Confidence, CountryCode, Evidence, Governance, Method, ToolchainComponent, ToolchainLicence,
};
use std::collections::HashMap;

const TOOLCHAINS: &str = "toolchain/toolchains.csv";
const SIGNATURES: &str = "toolchain/binary-signatures.csv";
const RICH_PRODIDS: &str = "toolchain/msvc-rich-prodids.csv";
const RICH_COMPIDS: &str = "toolchain/msvc-rich-compids.csv";
const MACHO_TOOLS: &str = "toolchain/macho-build-tools.csv";
const MACHO_PLATFORMS: &str = "toolchain/macho-platforms.csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolchainRow {
    id: String,
    name: String,
    steward: String,
    steward_hq_country: String,
    licence: String,
    governance: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureRow {
    id: String,
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
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProdIdRow {
    prod_id: String,
    prod_id_dec: u32,
    #[serde(rename = "prodid_enum")]
    _prodid_enum: IgnoredAny,
    tool: String,
    object_kind: String,
    visual_studio: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CompIdRow {
    comp_id: String,
    prod_id: String,
    build: u32,
    #[serde(rename = "object_kind")]
    _object_kind: IgnoredAny,
    description: String,
    interpolated: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MachoToolRow {
    tool_id: u32,
    #[serde(rename = "constant")]
    _constant: IgnoredAny,
    tool: String,
    #[serde(rename = "vendor")]
    _vendor: IgnoredAny,
    component: String,
    toolchain: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MachoPlatformRow {
    platform_id: u32,
    #[serde(rename = "constant")]
    _constant: IgnoredAny,
    platform: String,
    source: String,
}

/// Evidence pointing at a row of a toolchain table: the row's key as value, no field.
fn row_evidence(
    table: &str,
    line: u64,
    value: &str,
    method: Method,
    confidence: Confidence,
) -> Evidence {
    Evidence {
        source: format!("kb:{table}"),
        field: None,
        line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
        value: Some(value.to_string()),
        method,
        confidence,
    }
}

/// A toolchain and who stewards it (a row of `toolchain/toolchains.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Toolchain {
    /// Its id (`gcc`, `rustc`), the one detections name.
    pub id: String,
    /// Its name (`GNU Compiler Collection (GCC)`).
    pub name: String,
    /// The organisation or project that stewards it.
    pub steward: String,
    /// The steward's headquarters; `None` for a community with none (musl, mold).
    pub steward_hq_country: Option<CountryCode>,
    /// Free or proprietary.
    pub licence: ToolchainLicence,
    /// How the steward is governed.
    pub governance: Governance,
    /// Where the row's facts come from.
    pub source: String,
    /// 1-based line of the row (the header is line 1).
    pub line: u64,
}

impl Toolchain {
    /// Evidence pointing at this row.
    pub fn evidence(&self) -> Evidence {
        row_evidence(
            TOOLCHAINS,
            self.line,
            &self.id,
            Method::KbLookup,
            Confidence::High,
        )
    }

    /// The steward, ready to become an actor: its evidence is this row.
    pub fn steward(&self) -> Attribution {
        Attribution {
            name: self.steward.clone(),
            country: self.steward_hq_country.clone(),
            governance: self.governance,
            evidence: vec![self.evidence()],
        }
    }
}

/// A mark a toolchain leaves in a binary (a row of `toolchain/binary-signatures.csv`).
#[derive(Debug, Clone)]
pub struct Signature {
    /// The row's id (`gcc-comment`), by which the detector names the rows it uses.
    pub id: String,
    /// What the mark tells; `None` when that depends on the entry read (a Rich header or
    /// `LC_BUILD_VERSION` tool is a compiler or a linker).
    pub component: Option<ToolchainComponent>,
    /// The toolchain it names (an id of `toolchains.csv`); empty for a mark that attributes
    /// nothing on its own (the PE linker version).
    pub toolchain: String,
    /// The `pattern` column as written: for a `literal` row the bytes searched for (`\xNN`
    /// escapes for the others), for a `structure` or `layout` row a description.
    pub pattern: String,
    /// For a `regex` row, its pattern: the `regex` crate's syntax, case-sensitive, unanchored
    /// unless the pattern says so.
    pub regex: Option<Regex>,
    /// The capture group holding the version.
    pub version_group: Option<usize>,
    /// The capture group holding the vendor or packager.
    pub vendor_group: Option<usize>,
    /// How sure the mark makes us.
    pub confidence: Confidence,
    /// Where in the binary it is read (`ident string (ELF .comment; ...)`, `PT_INTERP`).
    pub location: String,
    /// 1-based line of the row.
    pub line: u64,
}

impl Signature {
    /// Evidence that this row interpreted a value: `KbPattern` for a regex row, else
    /// `KbLookup`, at the row's confidence.
    pub fn evidence(&self) -> Evidence {
        let method = if self.regex.is_some() {
            Method::KbPattern
        } else {
            Method::KbLookup
        };
        row_evidence(SIGNATURES, self.line, &self.id, method, self.confidence)
    }

    /// Whether the row classifies ident strings (`.comment` and the strings PE and Mach-O
    /// toolchains leave the same way): a regex row whose location starts "ident string".
    pub fn classifies_idents(&self) -> bool {
        self.location.starts_with("ident string") && self.regex.is_some()
    }
}

/// An MSVC Rich header product id (a row of `toolchain/msvc-rich-prodids.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RichProduct {
    /// The tool (`Utc1900_CPP`, `Linker1400`).
    pub tool: String,
    /// The object kind it produces (`C`, `CPP`, `LNK`, `ASM`, `RES`, ...).
    pub kind: String,
    /// The Visual Studio product it ships in (`VS2010 (10.0)`).
    pub visual_studio: String,
    /// 1-based line of the row.
    pub line: u64,
}

impl RichProduct {
    /// Evidence pointing at this row.
    pub fn evidence(&self) -> Evidence {
        row_evidence(
            RICH_PRODIDS,
            self.line,
            &self.tool,
            Method::KbLookup,
            Confidence::High,
        )
    }
}

/// An MSVC Rich header comp id: a product at one build (a row of
/// `toolchain/msvc-rich-compids.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RichBuild {
    /// The release (`VS2019 v16.11.5 build 30136`).
    pub description: String,
    /// Whether richprint calculated the entry rather than observed it.
    pub interpolated: bool,
    /// 1-based line of the row.
    pub line: u64,
}

impl RichBuild {
    /// The confidence the row gives: high when observed, medium when interpolated.
    pub fn confidence(&self) -> Confidence {
        if self.interpolated {
            Confidence::Medium
        } else {
            Confidence::High
        }
    }

    /// Evidence pointing at this row, at [`RichBuild::confidence`].
    pub fn evidence(&self) -> Evidence {
        row_evidence(
            RICH_COMPIDS,
            self.line,
            &self.description,
            Method::KbLookup,
            self.confidence(),
        )
    }
}

/// A build tool of Mach-O's `LC_BUILD_VERSION` (a row of `toolchain/macho-build-tools.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachoTool {
    /// Its name (`ld (ld64 / Apple linker)`).
    pub name: String,
    /// What it is and which toolchain (an id of `toolchains.csv`); `None` for a tool that does
    /// not build the program (the GPU tools build shaders).
    pub builds: Option<(ToolchainComponent, String)>,
    /// 1-based line of the row.
    pub line: u64,
}

impl MachoTool {
    /// Evidence pointing at this row.
    pub fn evidence(&self) -> Evidence {
        row_evidence(
            MACHO_TOOLS,
            self.line,
            &self.name,
            Method::KbLookup,
            Confidence::High,
        )
    }
}

/// A Mach-O platform (a row of `toolchain/macho-platforms.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MachoPlatform {
    /// Its name (`macOS`, `iOS Simulator`).
    pub name: String,
    /// 1-based line of the row.
    pub line: u64,
}

/// What tells a binary's toolchains apart: the signatures, in file order, and the Rich header
/// and Mach-O id tables. Handed to `sovstack-binary`'s detector by [`crate::Kb::toolchain_marks`].
#[derive(Debug)]
pub struct ToolchainMarks {
    signatures: Vec<Signature>,
    rich_products: HashMap<u16, RichProduct>,
    rich_builds: HashMap<u32, RichBuild>,
    macho_tools: HashMap<u32, MachoTool>,
    macho_platforms: HashMap<u32, MachoPlatform>,
}

impl ToolchainMarks {
    /// Every signature, in file order (first match wins where several classify one string).
    pub fn signatures(&self) -> &[Signature] {
        &self.signatures
    }

    /// The signature row with this id.
    pub fn signature(&self, id: &str) -> Option<&Signature> {
        self.signatures.iter().find(|s| s.id == id)
    }

    /// The rows that classify ident strings, in file order.
    pub fn ident_signatures(&self) -> impl Iterator<Item = &Signature> {
        self.signatures.iter().filter(|s| s.classifies_idents())
    }

    /// A Rich header product id (the comp id's high 16 bits).
    pub fn rich_product(&self, prod_id: u16) -> Option<&RichProduct> {
        self.rich_products.get(&prod_id)
    }

    /// A full Rich header comp id (product and build).
    pub fn rich_build(&self, comp_id: u32) -> Option<&RichBuild> {
        self.rich_builds.get(&comp_id)
    }

    /// An `LC_BUILD_VERSION` tool id (`3` is Apple's ld).
    pub fn macho_tool(&self, tool_id: u32) -> Option<&MachoTool> {
        self.macho_tools.get(&tool_id)
    }

    /// A Mach-O platform id (`1` is macOS).
    pub fn macho_platform(&self, platform_id: u32) -> Option<&MachoPlatform> {
        self.macho_platforms.get(&platform_id)
    }
}

/// The loaded toolchain tables.
#[derive(Debug)]
pub(crate) struct Toolchains {
    pub toolchains: Vec<Toolchain>,
    pub marks: ToolchainMarks,
}

impl Toolchains {
    pub fn load(sources: &[Source], geo: &Geo) -> Result<Toolchains, KbError> {
        let toolchains = load_toolchains(sources, geo)?;
        let rich_products = load_rich_products(sources)?;
        let marks = ToolchainMarks {
            signatures: load_signatures(sources, &toolchains)?,
            rich_builds: load_rich_builds(sources, &rich_products)?,
            rich_products,
            macho_tools: load_macho_tools(sources, &toolchains)?,
            macho_platforms: load_macho_platforms(sources)?,
        };
        Ok(Toolchains { toolchains, marks })
    }

    pub fn get(&self, id: &str) -> Option<&Toolchain> {
        self.toolchains.iter().find(|t| t.id == id)
    }
}

fn load_toolchains(sources: &[Source], geo: &Geo) -> Result<Vec<Toolchain>, KbError> {
    let t = TOOLCHAINS;
    let mut out: Vec<Toolchain> = Vec::new();
    for row in tables::read::<ToolchainRow>(t, tables::text_of(sources, t)?)? {
        let (line, r) = (row.line, row.rec);
        required(t, line, "id", &r.id)?;
        required(t, line, "name", &r.name)?;
        required(t, line, "steward", &r.steward)?;
        required(t, line, "source", &r.source)?;
        if out.iter().any(|o| o.id == r.id) {
            return Err(row_err(t, line, format!("duplicate id `{}`", r.id)));
        }
        let licence = match r.licence.as_str() {
            "free" => ToolchainLicence::Free,
            "proprietary" => ToolchainLicence::Proprietary,
            other => {
                return Err(row_err(
                    t,
                    line,
                    format!("unknown licence `{other}` (free, proprietary)"),
                ))
            }
        };
        let steward_hq_country = match r.steward_hq_country.as_str() {
            "" => None,
            code => Some(geo.country_code(t, line, code)?),
        };
        out.push(Toolchain {
            id: r.id,
            name: r.name,
            steward: r.steward,
            steward_hq_country,
            licence,
            governance: tables::governance(t, line, &r.governance)?,
            source: r.source,
            line,
        });
    }
    Ok(out)
}

fn component(table: &str, line: u64, value: &str) -> Result<ToolchainComponent, KbError> {
    Ok(match value {
        "compiler" => ToolchainComponent::Compiler,
        "linker" => ToolchainComponent::Linker,
        "libc" => ToolchainComponent::Libc,
        "runtime" => ToolchainComponent::Runtime,
        _ => {
            return Err(row_err(
                table,
                line,
                format!("unknown component `{value}` (compiler, linker, libc, runtime)"),
            ))
        }
    })
}

fn load_signatures(
    sources: &[Source],
    toolchains: &[Toolchain],
) -> Result<Vec<Signature>, KbError> {
    let t = SIGNATURES;
    let mut out: Vec<Signature> = Vec::new();
    for row in tables::read::<SignatureRow>(t, tables::text_of(sources, t)?)? {
        let (line, s) = (row.line, row.rec);
        let bad = |what: String| row_err(t, line, what);
        required(t, line, "id", &s.id)?;
        required(t, line, "location", &s.location)?;
        required(t, line, "source", &s.source)?;
        if out.iter().any(|o| o.id == s.id) {
            return Err(bad(format!("duplicate id `{}`", s.id)));
        }
        let formats = tables::list(&s.format);
        if formats.is_empty() || formats.iter().any(|f| !["ELF", "PE", "Mach-O"].contains(f)) {
            return Err(bad(format!(
                "format `{}` is not a list of ELF, PE, Mach-O",
                s.format
            )));
        }
        let components = tables::list(&s.component)
            .into_iter()
            .map(|c| component(t, line, c))
            .collect::<Result<Vec<_>, _>>()?;
        if components.is_empty() {
            return Err(bad("missing `component`".to_string()));
        }
        if !s.toolchain.is_empty() && !toolchains.iter().any(|tc| tc.id == s.toolchain) {
            return Err(bad(format!(
                "toolchain `{}` is not in toolchains.csv",
                s.toolchain
            )));
        }
        let regex = match s.match_type.as_str() {
            "regex" => Some(
                Regex::new(&s.pattern)
                    .map_err(|e| bad(format!("pattern `{}` does not compile: {e}", s.pattern)))?,
            ),
            "literal" | "structure" | "layout" => None,
            other => {
                return Err(bad(format!(
                    "unknown match_type `{other}` (regex, literal, structure, layout)"
                )))
            }
        };
        let group = |field: &str, g: &str| -> Result<Option<usize>, KbError> {
            if g.is_empty() {
                return Ok(None);
            }
            let n: usize = g
                .parse()
                .map_err(|_| bad(format!("`{field}` `{g}` is not a number")))?;
            match &regex {
                Some(re) if n < re.captures_len() => Ok(Some(n)),
                Some(_) => Err(bad(format!("`{field}` {n}: the pattern has no such group"))),
                None => Err(bad(format!("`{field}` given for a row without a regex"))),
            }
        };
        let version_group = group("version_group", &s.version_group)?;
        let vendor_group = group("vendor_group", &s.vendor_group)?;
        if let (Some(re), false) = (&regex, s.example.is_empty()) {
            // Examples double as tests: each must match and yield its stated version.
            let caps = re
                .captures(&s.example)
                .ok_or_else(|| bad("example does not match its pattern".to_string()))?;
            if let Some(g) = version_group {
                let got = caps.get(g).map(|m| m.as_str()).unwrap_or_default();
                if got != s.example_version {
                    return Err(bad(format!(
                        "example yields version `{got}`, not `{}`",
                        s.example_version
                    )));
                }
            }
        }
        out.push(Signature {
            id: s.id,
            component: match components[..] {
                [one] => Some(one),
                _ => None,
            },
            toolchain: s.toolchain,
            pattern: s.pattern,
            regex,
            version_group,
            vendor_group,
            confidence: tables::confidence(t, line, &s.confidence)?,
            location: s.location,
            line,
        });
    }
    Ok(out)
}

fn load_rich_products(sources: &[Source]) -> Result<HashMap<u16, RichProduct>, KbError> {
    let t = RICH_PRODIDS;
    let mut out = HashMap::new();
    for row in tables::read::<ProdIdRow>(t, tables::text_of(sources, t)?)? {
        let (line, p) = (row.line, row.rec);
        let id = hex_id(t, line, "prod_id", &p.prod_id)?;
        let id = u16::try_from(id)
            .map_err(|_| row_err(t, line, format!("prod_id `{}` is over 16 bits", p.prod_id)))?;
        if u32::from(id) != p.prod_id_dec {
            return Err(row_err(
                t,
                line,
                format!(
                    "prod_id_dec {} is not prod_id `{}`",
                    p.prod_id_dec, p.prod_id
                ),
            ));
        }
        required(t, line, "tool", &p.tool)?;
        required(t, line, "object_kind", &p.object_kind)?;
        required(t, line, "visual_studio", &p.visual_studio)?;
        let entry = RichProduct {
            tool: p.tool,
            kind: p.object_kind,
            visual_studio: p.visual_studio,
            line,
        };
        if out.insert(id, entry).is_some() {
            return Err(row_err(
                t,
                line,
                format!("duplicate prod_id `{}`", p.prod_id),
            ));
        }
    }
    Ok(out)
}

fn load_rich_builds(
    sources: &[Source],
    products: &HashMap<u16, RichProduct>,
) -> Result<HashMap<u32, RichBuild>, KbError> {
    let t = RICH_COMPIDS;
    let mut out = HashMap::new();
    for row in tables::read::<CompIdRow>(t, tables::text_of(sources, t)?)? {
        let (line, c) = (row.line, row.rec);
        let id = hex_id(t, line, "comp_id", &c.comp_id)?;
        let id = u32::try_from(id)
            .map_err(|_| row_err(t, line, format!("comp_id `{}` is over 32 bits", c.comp_id)))?;
        // The comp id is the product id and the build, packed; the row spells both out.
        if hex_id(t, line, "prod_id", &c.prod_id)? != u64::from(id >> 16) || c.build != id & 0xffff
        {
            return Err(row_err(
                t,
                line,
                format!(
                    "comp_id `{}` is not prod_id `{}` and build {}",
                    c.comp_id, c.prod_id, c.build
                ),
            ));
        }
        if !products.contains_key(&((id >> 16) as u16)) {
            return Err(row_err(
                t,
                line,
                format!("prod_id `{}` is not in msvc-rich-prodids.csv", c.prod_id),
            ));
        }
        required(t, line, "description", &c.description)?;
        let interpolated = match c.interpolated.as_str() {
            "yes" => true,
            "no" => false,
            other => {
                return Err(row_err(
                    t,
                    line,
                    format!("interpolated is `{other}`, not yes or no"),
                ))
            }
        };
        let entry = RichBuild {
            description: c.description,
            interpolated,
            line,
        };
        if out.insert(id, entry).is_some() {
            return Err(row_err(
                t,
                line,
                format!("duplicate comp_id `{}`", c.comp_id),
            ));
        }
    }
    Ok(out)
}

fn load_macho_tools(
    sources: &[Source],
    toolchains: &[Toolchain],
) -> Result<HashMap<u32, MachoTool>, KbError> {
    let t = MACHO_TOOLS;
    let mut out = HashMap::new();
    for row in tables::read::<MachoToolRow>(t, tables::text_of(sources, t)?)? {
        let (line, r) = (row.line, row.rec);
        required(t, line, "tool", &r.tool)?;
        required(t, line, "source", &r.source)?;
        let builds = match (r.component.as_str(), r.toolchain.as_str()) {
            ("", "") => None,
            ("", _) | (_, "") => {
                return Err(row_err(
                    t,
                    line,
                    "`component` and `toolchain` are both given or both empty",
                ))
            }
            (c, tc) => {
                if !toolchains.iter().any(|known| known.id == tc) {
                    return Err(row_err(
                        t,
                        line,
                        format!("toolchain `{tc}` is not in toolchains.csv"),
                    ));
                }
                Some((component(t, line, c)?, tc.to_string()))
            }
        };
        let tool = MachoTool {
            name: r.tool,
            builds,
            line,
        };
        if out.insert(r.tool_id, tool).is_some() {
            return Err(row_err(t, line, format!("duplicate tool_id {}", r.tool_id)));
        }
    }
    Ok(out)
}

fn load_macho_platforms(sources: &[Source]) -> Result<HashMap<u32, MachoPlatform>, KbError> {
    let t = MACHO_PLATFORMS;
    let mut out = HashMap::new();
    for row in tables::read::<MachoPlatformRow>(t, tables::text_of(sources, t)?)? {
        let (line, r) = (row.line, row.rec);
        required(t, line, "platform", &r.platform)?;
        required(t, line, "source", &r.source)?;
        let platform = MachoPlatform {
            name: r.platform,
            line,
        };
        if out.insert(r.platform_id, platform).is_some() {
            return Err(row_err(
                t,
                line,
                format!("duplicate platform_id {}", r.platform_id),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn load(path: Option<(&'static str, String)>) -> Result<Toolchains, KbError> {
        let mut sources = Source::builtin();
        if let Some((path, text)) = path {
            sources.iter_mut().find(|s| s.path == path).unwrap().text = Cow::Owned(text);
        }
        Toolchains::load(&sources, &Geo::load(&sources).unwrap())
    }

    #[test]
    fn builtin_tables_load() {
        let t = load(None).unwrap();
        assert_eq!(t.toolchains.len(), 18);
        let m = &t.marks;
        assert!(m.rich_builds.len() > 3000);
        assert_eq!(m.rich_product(0x0102).unwrap().tool, "Linker1400");
        let ld = m.macho_tool(3).unwrap();
        assert_eq!(ld.name, "ld (ld64 / Apple linker)");
        assert_eq!(
            ld.builds,
            Some((ToolchainComponent::Linker, "apple-ld".to_string()))
        );
        assert_eq!(m.macho_tool(1024).unwrap().builds, None);
        assert_eq!(m.macho_platform(1).unwrap().name, "macOS");
        assert!(m.ident_signatures().count() >= 8);
        assert!(m.ident_signatures().all(|s| s.regex.is_some()));
    }

    #[test]
    fn toolchain_facts_and_evidence() {
        let t = load(None).unwrap();
        let gcc = t.get("gcc").unwrap();
        assert_eq!(gcc.steward_hq_country.as_ref().unwrap().as_str(), "US");
        assert_eq!(gcc.licence, ToolchainLicence::Free);
        assert_eq!(
            t.get("msvc").unwrap().licence,
            ToolchainLicence::Proprietary
        );
        assert!(t.get("musl").unwrap().steward_hq_country.is_none());
        assert!(t.get("nope").is_none());
        let ev = gcc.evidence();
        assert_eq!(ev.source, "kb:toolchain/toolchains.csv");
        assert_eq!(
            (ev.line, ev.field, ev.value.as_deref()),
            (Some(2), None, Some("gcc"))
        );
        let steward = gcc.steward();
        assert_eq!(steward.name, "GNU Project / Free Software Foundation");
        assert_eq!(steward.evidence, vec![gcc.evidence()]);
        // The line really is the row's.
        let text = tables::BUILTIN
            .iter()
            .find(|b| b.0 == TOOLCHAINS)
            .unwrap()
            .1;
        for tc in &t.toolchains {
            let row = text.lines().nth(tc.line as usize - 1).unwrap();
            assert!(row.starts_with(&format!("{},", tc.id)), "{row}");
        }
        let sig = t.marks.signature("gcc-comment").unwrap();
        assert_eq!(sig.component, Some(ToolchainComponent::Compiler));
        assert_eq!(sig.evidence().method, Method::KbPattern);
        assert_eq!(t.marks.signature("msvc-rich").unwrap().component, None);
        let interpolated = t
            .marks
            .rich_builds
            .values()
            .find(|b| b.interpolated)
            .unwrap();
        assert_eq!(interpolated.evidence().confidence, Confidence::Medium);
    }

    #[test]
    fn a_bad_row_names_table_and_line() {
        let tc = "id,name,steward,steward_hq_country,licence,governance,notes,source\n";
        let sig = "id,format,location,match_type,pattern,component,toolchain,version_group,\
                   vendor_group,confidence,example,example_version,notes,source\n";
        let builtin = |p: &str| {
            tables::BUILTIN
                .iter()
                .find(|b| b.0 == p)
                .unwrap()
                .1
                .to_string()
        };
        let cases: Vec<(&str, String, &str)> = vec![
            (TOOLCHAINS, format!("{tc}gcc,GCC,FSF,ZZ,free,foundation,,s\n"), "kb: toolchain/toolchains.csv:2: unknown country `ZZ`"),
            (TOOLCHAINS, format!("{tc}gcc,GCC,FSF,US,gratis,foundation,,s\n"), "kb: toolchain/toolchains.csv:2: unknown licence `gratis`"),
            (TOOLCHAINS, format!("{tc}gcc,GCC,FSF,US,free,guild,,s\n"), "kb: toolchain/toolchains.csv:2: unknown governance `guild`"),
            (TOOLCHAINS, format!("{tc}gcc,GCC,FSF,US,free,foundation,,\n"), "kb: toolchain/toolchains.csv:2: missing `source`"),
            (TOOLCHAINS, format!("{}gcc,GCC,FSF,US,free,foundation,,s\n", builtin(TOOLCHAINS)), "kb: toolchain/toolchains.csv:20: duplicate id `gcc`"),
            (SIGNATURES, format!("{sig}x,ELF,ident string,regex,^GCC (,compiler,gcc,,,high,,,,s\n"), "kb: toolchain/binary-signatures.csv:2: pattern `^GCC (` does not compile"),
            (SIGNATURES, format!("{sig}x,ELF,ident string,regex,^GCC ([0-9.]+),compiler,tcc,1,,high,,,,s\n"), "kb: toolchain/binary-signatures.csv:2: toolchain `tcc` is not in toolchains.csv"),
            (SIGNATURES, format!("{sig}x,ELF,ident string,regex,^GCC ([0-9.]+),compiler,gcc,2,,high,,,,s\n"), "kb: toolchain/binary-signatures.csv:2: `version_group` 2: the pattern has no such group"),
            (SIGNATURES, format!("{sig}x,ELF,ident string,regex,^GCC ([0-9.]+),compiler,gcc,1,,high,GCC 12.2,12.3,,s\n"), "kb: toolchain/binary-signatures.csv:2: example yields version `12.2`, not `12.3`"),
            (SIGNATURES, format!("{sig}x,ELF,ident string,regex,^GCC ([0-9.]+),compiler,gcc,1,,high,clang 17,17,,s\n"), "kb: toolchain/binary-signatures.csv:2: example does not match its pattern"),
            (SIGNATURES, format!("{sig}x,COFF,ident string,literal,GCC,compiler,gcc,,,high,,,,s\n"), "kb: toolchain/binary-signatures.csv:2: format `COFF`"),
            (SIGNATURES, format!("{sig}x,ELF,ident string,literal,GCC,assembler,gcc,,,high,,,,s\n"), "kb: toolchain/binary-signatures.csv:2: unknown component `assembler`"),
            (SIGNATURES, format!("{sig}x,ELF,ident string,guess,GCC,compiler,gcc,,,high,,,,s\n"), "kb: toolchain/binary-signatures.csv:2: unknown match_type `guess`"),
            (SIGNATURES, format!("{sig}x,ELF,ident string,literal,GCC,compiler,gcc,,,sure,,,,s\n"), "kb: toolchain/binary-signatures.csv:2: unknown confidence `sure`"),
            (RICH_PRODIDS, "prod_id,prod_id_dec,prodid_enum,tool,object_kind,visual_studio\n0x0102,257,p,Linker1400,LNK,VS2010\n".to_string(), "kb: toolchain/msvc-rich-prodids.csv:2: prod_id_dec 257 is not prod_id `0x0102`"),
            (RICH_COMPIDS, "comp_id,prod_id,build,object_kind,description,interpolated\n0x00010001,0x0001,2,IMP,x,no\n".to_string(), "kb: toolchain/msvc-rich-compids.csv:2: comp_id `0x00010001` is not prod_id `0x0001` and build 2"),
            (RICH_COMPIDS, "comp_id,prod_id,build,object_kind,description,interpolated\n0xabcd0001,0xabcd,1,IMP,x,no\n".to_string(), "kb: toolchain/msvc-rich-compids.csv:2: prod_id `0xabcd` is not in msvc-rich-prodids.csv"),
            (RICH_COMPIDS, "comp_id,prod_id,build,object_kind,description,interpolated\n0x00010001,0x0001,1,IMP,x,maybe\n".to_string(), "kb: toolchain/msvc-rich-compids.csv:2: interpolated is `maybe`"),
            (MACHO_TOOLS, "tool_id,constant,tool,vendor,component,toolchain,notes,source\n3,TOOL_LD,ld,Apple,linker,apple-ld,,s\n3,TOOL_LD,ld,Apple,linker,apple-ld,,s\n".to_string(), "kb: toolchain/macho-build-tools.csv:3: duplicate tool_id 3"),
            (MACHO_TOOLS, "tool_id,constant,tool,vendor,component,toolchain,notes,source\n3,TOOL_LD,ld,Apple,linker,,,s\n".to_string(), "kb: toolchain/macho-build-tools.csv:2: `component` and `toolchain` are both given or both empty"),
            (MACHO_TOOLS, "tool_id,constant,tool,vendor,component,toolchain,notes,source\n3,TOOL_LD,ld,Apple,linker,ld64,,s\n".to_string(), "kb: toolchain/macho-build-tools.csv:2: toolchain `ld64` is not in toolchains.csv"),
            (MACHO_PLATFORMS, "platform_id,constant,platform,source\n1,PLATFORM_MACOS,macOS,\n".to_string(), "kb: toolchain/macho-platforms.csv:2: missing `source`"),
        ];
        for (path, text, want) in cases {
            let err = load(Some((path, text))).expect_err(want).to_string();
            assert!(err.starts_with(want), "want {want}\n got {err}");
        }
    }
}
