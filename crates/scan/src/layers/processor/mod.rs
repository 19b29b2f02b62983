//! The `processor` layer: the distinct processors of the root's `/proc/cpuinfo` and the
//! organisations behind each (instruction-set owner, core designer, SoC vendor, foundry).
//!
//! Reading the file's syntax is `parse_cpuinfo.rs`'s job and telling processors apart is
//! `identify.rs`'s; this module attributes them through the knowledge base and, on the live
//! host only, corroborates them with `sysinfo` (or falls back to it when `/proc/cpuinfo` can't
//! be read or recognised).
//!
//! Which actors an item gets, and why:
//! - `isa_owner`: one per owner the knowledge base lists for the architecture; unknown when
//!   the architecture is.
//! - `core_designer`: always; from the exact identifier (x86 CPUID vendor, Arm implementer,
//!   RISC-V `mvendorid`) first, then a model-name pattern; unknown otherwise, never guessed.
//! - `soc_vendor`: only when the root names an SoC: the device tree's root `compatible`
//!   (`/proc/device-tree/compatible`, else `/sys/firmware/devicetree/base/compatible`), whose
//!   vendor prefix (`rockchip,rk3588`) names the SoC maker more reliably than anything else,
//!   then the Arm/RISC-V `Hardware` line or the LoongArch `system type`. Unknown when the
//!   knowledge base knows neither. Without any of them there may be no separate SoC vendor at
//!   all (an x86 package, a server CPU), so none is invented.
//! - `foundry`: always, because every chip was fabricated somewhere; unknown unless the
//!   knowledge base knows the designer's (or SoC vendor's) foundry for this model.

pub mod identify;
pub mod parse_cpuinfo;
pub mod parse_devicetree;

use self::identify::{Distinct, Family};
use self::parse_cpuinfo::Field;
use crate::collector::{Collector, Context, ScanOut};
use crate::live::LiveHost;
use sovstack_inventory::{Actor, Confidence, Evidence, Fact, Method, Processor, Role};
use sovstack_kb::{Attribution, Kb};
use std::collections::BTreeMap;

/// Where the kernel publishes its processor table.
const CPUINFO: &str = "/proc/cpuinfo";

/// Where the kernel publishes the device tree's root `compatible`, in order of preference
/// (the first is normally a link to the second).
const DT_COMPATIBLE: &[&str] = &[
    "/proc/device-tree/compatible",
    "/sys/firmware/devicetree/base/compatible",
];

/// Distinct processors reported at most. Real machines have one to four (big.LITTLE phones
/// have three clusters); a file with thousands of different identities is hostile or broken,
/// and reporting each would make the inventory grow without bound.
pub const MAX_DISTINCT_PROCESSORS: usize = 64;

/// The processor layer's diagnostic codes (besides the root's, [`crate::codes`]).
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        MISSING_CPUINFO = "scan/missing-cpuinfo": "no `/proc/cpuinfo` under the root (normal for images and containers)",
        MALFORMED_CPUINFO = "scan/malformed-cpuinfo": "lines of `/proc/cpuinfo` that are not `key : value`",
        UNRECOGNISED_CPUINFO = "scan/unrecognised-cpuinfo": "`/proc/cpuinfo` was read but no processor in it could be recognised",
        TOO_MANY_PROCESSORS = "scan/too-many-processors": "more distinct processors than are reported; the first ones were kept",
        ARCHITECTURE_MISMATCH = "scan/architecture-mismatch": "`/proc/cpuinfo` and the live host's kernel disagree on the architecture",
        MALFORMED_DEVICETREE = "scan/malformed-devicetree": "the device tree's `compatible` is not a list of NUL-terminated printable strings; it was ignored",
    }
}

/// Collects the `processor` layer.
pub(crate) struct ProcessorCollector;

impl Collector for ProcessorCollector {
    fn collect(&self, cx: &Context<'_>, out: &mut ScanOut) {
        let (root, kb, live) = (cx.root, cx.kb, cx.live);
        let dt = device_tree(root, out);
        let items = match root.read(CPUINFO) {
            Ok(file) => {
                let mut text = out.text(&file);
                if file.truncated {
                    // The cap cut a CPU's block short; a half block would look like another
                    // processor (one without `flags`, say), so it goes too.
                    text.truncate(text.rfind("\n\n").map_or(0, |i| i + 1));
                }
                let info = parse_cpuinfo::cpuinfo(&text);
                if let Some(first) = info.malformed_lines.first() {
                    let n = info.malformed_lines.len();
                    out.warn(
                        codes::MALFORMED_CPUINFO,
                        &file.path,
                        format!("{}:{first}: {n} line(s) are not `key : value` (this is the first); they were skipped", file.path),
                    );
                }
                let mut groups = identify::distinct(&info);
                if groups.len() > MAX_DISTINCT_PROCESSORS {
                    out.warn(
                        codes::TOO_MANY_PROCESSORS,
                        &file.path,
                        format!(
                            "{}: {} distinct processors; only the first {MAX_DISTINCT_PROCESSORS} are reported",
                            file.path,
                            groups.len()
                        ),
                    );
                    groups.truncate(MAX_DISTINCT_PROCESSORS);
                }
                if groups.is_empty() {
                    out.warn(
                        codes::UNRECOGNISED_CPUINFO,
                        &file.path,
                        format!(
                            "{}: no x86, Arm, RISC-V or LoongArch processor found",
                            file.path
                        ),
                    );
                    live.map(|l| from_live(l, kb)).unwrap_or_default()
                } else {
                    groups
                        .iter()
                        .enumerate()
                        .map(|(i, d)| from_cpuinfo(i, d, &file.path, dt.as_ref(), kb, live, out))
                        .collect()
                }
            }
            Err(err) => {
                out.read_failed(&err, Some(codes::MISSING_CPUINFO));
                live.map(|l| from_live(l, kb)).unwrap_or_default()
            }
        };
        out.layers.processor = Some(items);
    }
}

/// A knowledge-base attribution with the evidence that led to it, or, when none was found,
/// the evidence of what was read.
pub(crate) type Attributed = Result<(Attribution, Vec<Evidence>), Vec<Evidence>>;

/// The device tree's root `compatible` strings and the file they were read from.
struct DeviceTree {
    path: String,
    entries: Vec<parse_devicetree::Entry>,
}

impl DeviceTree {
    fn evidence(&self, entry: &parse_devicetree::Entry) -> Evidence {
        Evidence {
            source: self.path.clone(),
            field: Some("compatible".to_string()),
            line: None,
            value: Some(entry.value.clone()),
            method: Method::FileField,
            confidence: Confidence::High,
        }
    }

    /// The SoC maker: the vendor prefix of the least specific string (the SoC comes after the
    /// board) that the knowledge base lists as an SoC maker, with the string it came from.
    fn soc(&self, kb: &Kb) -> Option<(Attribution, &parse_devicetree::Entry)> {
        self.entries.iter().rev().find_map(|e| {
            let vendor = e.vendor.as_deref()?;
            kb.dt_soc_vendor(vendor).map(|a| (a, e))
        })
    }
}

/// The device tree's root `compatible`, when the root has one. Its absence is normal (x86,
/// containers) and says nothing; a file that is not a list of strings is a warning.
fn device_tree(root: &crate::root::Root, out: &mut ScanOut) -> Option<DeviceTree> {
    for path in DT_COMPATIBLE {
        let file = match root.read(path) {
            Ok(file) => file,
            Err(err) if err.is_not_found() => {
                out.read_failed(&err, None);
                continue;
            }
            Err(err) => {
                out.read_failed(&err, None);
                return None;
            }
        };
        if file.clamped {
            out.escaped(&file.path);
        }
        let parsed = if file.truncated {
            Err(parse_devicetree::Malformed::BadString {
                offset: file.bytes.len(),
            })
        } else {
            parse_devicetree::compatible(&file.bytes)
        };
        return match parsed {
            Ok(entries) => Some(DeviceTree {
                path: file.path,
                entries,
            }),
            Err(e) => {
                out.warn(
                    codes::MALFORMED_DEVICETREE,
                    &file.path,
                    format!("{}: {e}; the device tree was ignored", file.path),
                );
                None
            }
        };
    }
    None
}

fn file_evidence(source: &str, f: &Field) -> Evidence {
    Evidence {
        source: source.to_string(),
        field: Some(f.key.clone()),
        line: Some(f.line),
        value: Some(f.raw.clone()),
        method: Method::FileField,
        confidence: Confidence::High,
    }
}

fn sysinfo_evidence(field: &str, value: &str) -> Evidence {
    Evidence {
        source: "sysinfo".to_string(),
        field: Some(field.to_string()),
        line: None,
        value: Some(value.to_string()),
        method: Method::Sysinfo,
        confidence: Confidence::High,
    }
}

fn number_u32(f: &Field) -> Option<u32> {
    identify::parse_number(&f.value).and_then(|n| u32::try_from(n).ok())
}

/// One processor item from a group of identical logical CPUs.
fn from_cpuinfo(
    index: usize,
    d: &Distinct,
    source: &str,
    dt: Option<&DeviceTree>,
    kb: &Kb,
    live: Option<&LiveHost>,
    out: &mut ScanOut,
) -> Processor {
    let ev = |f: &Field| file_evidence(source, f);
    let mut architecture = match &d.architecture {
        Some(a) => Fact::new(
            a.name.to_string(),
            Evidence {
                source: source.to_string(),
                field: Some(a.field.key.clone()),
                line: Some(a.field.line),
                value: (!a.token.is_empty()).then(|| a.token.clone()),
                method: Method::Derived,
                confidence: Confidence::High,
            },
        ),
        None => Fact {
            value: "unknown".to_string(),
            evidence: Vec::new(),
        },
    };
    let mut identifiers: BTreeMap<String, Fact<String>> = d
        .identifiers
        .iter()
        .map(|(name, f)| {
            // vendor_id is a byte string whose padding matters ("  Shanghai  ").
            let value = if *name == "vendor_id" {
                f.raw.clone()
            } else {
                f.value.clone()
            };
            (name.to_string(), Fact::new(value, ev(f)))
        })
        .collect();

    let mut model = match (
        d.family,
        d.get("implementer").and_then(number_u32),
        d.get("part"),
    ) {
        (Family::Arm, Some(implementer), Some(part)) => number_u32(part)
            .and_then(|p| kb.arm_part_name(implementer, p))
            .map(|(name, kb_ev)| Fact {
                value: name,
                evidence: vec![ev(part), kb_ev],
            }),
        _ => None,
    };
    if model.is_none() {
        let names: &[&str] = if d.family == Family::RiscV {
            &["model_name", "uarch"]
        } else {
            &["model_name"]
        };
        model = names
            .iter()
            .find_map(|n| d.get(n))
            .map(|f| Fact::new(f.value.clone(), ev(f)));
    }

    if let Some(live) = live {
        corroborate(
            live,
            d,
            &mut architecture,
            &mut model,
            &mut identifiers,
            source,
            out,
        );
    }

    let designer = core_designer(d, kb, &ev);
    let (soc, foundry_of_soc) = soc_vendor(d, dt, kb, &ev);
    let by_cpuid = x86_foundry(d, kb, &ev);
    let lifecycle = intel_lifecycle(d, kb, &ev);
    let vendor_os_floor = vendor_os_floor(d, kb, &ev);
    let actors = actors(
        kb,
        &architecture,
        designer,
        soc,
        model.as_ref(),
        foundry_of_soc,
        by_cpuid,
    );
    let logical_cpus = d.logical_cpus.clone();
    Processor {
        id: format!("cpu{index}"),
        architecture,
        model,
        logical_cpus,
        identifiers,
        actors,
        lifecycle,
        vendor_os_floor,
        hosts: None,
    }
}

/// Whether a vendor's newer OS refuses an x86 processor, from its CPUID vendor id, family and
/// model: the cpuinfo fields read, then the knowledge-base rows.
fn vendor_os_floor(
    d: &Distinct,
    kb: &Kb,
    ev: &dyn Fn(&Field) -> Evidence,
) -> Option<sovstack_inventory::VendorOsFloor> {
    if d.family != Family::X86 {
        return None;
    }
    let (vendor, family, model) = (
        d.get("vendor_id")?,
        d.get("cpu_family")?,
        d.get("cpu_model")?,
    );
    let f = kb.vendor_os_floor(
        &vendor.raw,
        family.value.parse().ok()?,
        model.value.parse().ok()?,
    )?;
    let mut last = f.last;
    let mut evidence = vec![ev(vendor), ev(family), ev(model)];
    evidence.append(&mut last.evidence);
    last.evidence = evidence;
    Some(sovstack_inventory::VendorOsFloor {
        refused_by: f.refused_by,
        last,
    })
}

/// The support window of an Intel processor's family, from its CPUID family and model (the
/// vendor id must be `GenuineIntel`): the cpuinfo fields read, then the knowledge-base rows.
fn intel_lifecycle(
    d: &Distinct,
    kb: &Kb,
    ev: &dyn Fn(&Field) -> Evidence,
) -> Option<sovstack_inventory::Lifecycle> {
    if d.family != Family::X86 {
        return None;
    }
    let (vendor, family, model) = (
        d.get("vendor_id")?,
        d.get("cpu_family")?,
        d.get("cpu_model")?,
    );
    if vendor.value.trim() != "GenuineIntel" {
        return None;
    }
    let mut l =
        kb.intel_processor_lifecycle(family.value.parse().ok()?, model.value.parse().ok()?)?;
    let mut evidence = vec![ev(vendor), ev(family), ev(model)];
    evidence.append(&mut l.evidence);
    l.evidence = evidence;
    Some(l)
}

/// The foundry of an x86 processor from its CPUID vendor, family and model, which name the
/// generation exactly even when the brand string is generic (`AMD EPYC` in a VM).
fn x86_foundry(
    d: &Distinct,
    kb: &Kb,
    ev: &dyn Fn(&Field) -> Evidence,
) -> Option<(Attribution, Vec<Evidence>)> {
    if d.family != Family::X86 {
        return None;
    }
    let (vendor, family, model) = (
        d.get("vendor_id")?,
        d.get("cpu_family")?,
        d.get("cpu_model")?,
    );
    // cpuinfo prints family and model in decimal.
    let (f, m) = (family.value.parse().ok()?, model.value.parse().ok()?);
    let a = kb.x86_foundry(&vendor.raw, f, m)?;
    Some((a, vec![ev(vendor), ev(family), ev(model)]))
}

/// The SoC vendor of a processor that is not x86, and the SoC name its foundry is asked about:
/// from the device tree first, then from the `Hardware` line (Arm, RISC-V) or the `system
/// type` (LoongArch). `None` when the root names no SoC at all.
fn soc_vendor(
    d: &Distinct,
    dt: Option<&DeviceTree>,
    kb: &Kb,
    ev: &dyn Fn(&Field) -> Evidence,
) -> (Option<Attributed>, Option<(String, Evidence)>) {
    let dt = dt.filter(|_| d.family != Family::X86);
    if let Some((a, entry, e)) =
        dt.and_then(|dt| dt.soc(kb).map(|(a, en)| (a, en, dt.evidence(en))))
    {
        return (
            Some(Ok((a, vec![e.clone()]))),
            Some((entry.model.clone(), e)),
        );
    }
    let named = match d.family {
        Family::Arm | Family::RiscV => d.get("hardware"),
        Family::LoongArch => d.get("system_type"),
        Family::X86 => None,
    };
    // What was read when nothing is known: the device tree's least specific string (the SoC,
    // by convention) and the named field.
    let mut read: Vec<Evidence> = dt
        .and_then(|dt| dt.entries.last().map(|e| dt.evidence(e)))
        .into_iter()
        .collect();
    if let Some(a) = named.and_then(|f| kb.soc_vendor(&f.value).map(|a| (a, f))) {
        let (a, f) = a;
        return (Some(Ok((a, vec![ev(f)]))), Some((f.value.clone(), ev(f))));
    }
    // An Arm core whose designer only puts its cores in its own SoCs (Apple, Phytium) names the
    // SoC maker when nothing else does.
    if d.family == Family::Arm {
        if let Some((a, f)) = d.get("implementer").and_then(|f| {
            number_u32(f)
                .and_then(|i| kb.captive_soc_vendor(i))
                .map(|a| (a, f))
        }) {
            return (Some(Ok((a, vec![ev(f)]))), None);
        }
    }
    match named {
        Some(f) => {
            read.push(ev(f));
            (Some(Err(read)), None)
        }
        None if !read.is_empty() => (Some(Err(read)), None),
        None => (None, None),
    }
}

/// Adds the live host's word to facts it confirms; fills the architecture when the file
/// could not establish it; flags a disagreement rather than silently picking a side.
fn corroborate(
    live: &LiveHost,
    d: &Distinct,
    architecture: &mut Fact<String>,
    model: &mut Option<Fact<String>>,
    identifiers: &mut BTreeMap<String, Fact<String>>,
    source: &str,
    out: &mut ScanOut,
) {
    if let (Some(arch), Some(machine)) = (live.architecture(), live.machine.as_deref()) {
        if architecture.value == "unknown" {
            *architecture = Fact::new(arch.to_string(), sysinfo_evidence("cpu_arch", machine));
        } else if architecture.value == arch {
            architecture
                .evidence
                .push(sysinfo_evidence("cpu_arch", machine));
        } else {
            out.warn(
                codes::ARCHITECTURE_MISMATCH,
                source,
                format!(
                    "{source} describes {} but the running kernel reports {machine}",
                    architecture.value
                ),
            );
        }
    }
    let live_cpus: Vec<_> = d
        .logical_cpus
        .iter()
        .filter_map(|&n| live.cpus.get(n as usize))
        .collect();
    if let Some(m) = model {
        if let Some(c) = live_cpus.iter().find(|c| c.brand == m.value) {
            m.evidence.push(sysinfo_evidence("brand", &c.brand));
        }
    }
    if let Some(v) = identifiers.get_mut("vendor_id") {
        if let Some(c) = live_cpus.iter().find(|c| c.vendor_id == v.value.trim_end()) {
            v.evidence.push(sysinfo_evidence("vendor_id", &c.vendor_id));
        }
    }
}

/// The core designer, from the exact identifier (CPUID vendor, Arm implementer, RISC-V
/// `mvendorid`) and name patterns (model name, `uarch`).
///
/// The exact identifier is set by the designer, but some are shared: `CentaurHauls` is
/// reported by VIA parts and by Zhaoxin's, whose brand string says `ZHAOXIN`. So when a name
/// pattern names a different organisation than the identifier, the name, being about this
/// very product, wins; the evidence keeps both fields.
fn core_designer(d: &Distinct, kb: &Kb, ev: &dyn Fn(&Field) -> Evidence) -> Attributed {
    let exact: Option<(&Field, Option<Attribution>)> = match d.family {
        Family::X86 => d
            .get("vendor_id")
            .map(|f| (f, kb.x86_vendor(&f.raw).or_else(|| kb.x86_vendor(&f.value)))),
        Family::Arm => d
            .get("implementer")
            .map(|f| (f, number_u32(f).and_then(|n| kb.arm_implementer(n)))),
        Family::RiscV => d.get("mvendorid").map(|f| {
            (
                f,
                identify::parse_number(&f.value).and_then(|n| kb.riscv_vendor(n)),
            )
        }),
        Family::LoongArch => None,
    };
    let names: &[&str] = match d.family {
        Family::X86 | Family::Arm => &["model_name"],
        Family::RiscV => &["uarch", "model_name"],
        Family::LoongArch => &["model_name", "cpu_family"],
    };
    let mut read: Vec<Evidence> = exact.iter().map(|(f, _)| ev(f)).collect();
    let mut by_name = None;
    for f in names.iter().filter_map(|n| d.get(n)) {
        read.push(ev(f));
        if let Some(a) = kb.model_designer(&f.value) {
            by_name = Some((f, a));
            break;
        }
    }
    match (exact, by_name) {
        (Some((f, Some(a))), Some((nf, na))) if na.name != a.name => Ok((na, vec![ev(f), ev(nf)])),
        (Some((f, Some(a))), _) => Ok((a, vec![ev(f)])),
        (Some((f, None)), Some((nf, na))) => Ok((na, vec![ev(f), ev(nf)])),
        (None, Some((nf, na))) => Ok((na, vec![ev(nf)])),
        (_, None) => Err(read),
    }
}

/// The actors of one processor, in role order (also those of an imported one, `import/fleet.rs`).
pub(crate) fn actors(
    kb: &Kb,
    architecture: &Fact<String>,
    designer: Attributed,
    soc: Option<Attributed>,
    model: Option<&Fact<String>>,
    soc_hardware: Option<(String, Evidence)>,
    by_cpuid: Option<(Attribution, Vec<Evidence>)>,
) -> Vec<Actor> {
    let mut actors = Vec::new();
    let owners = if architecture.value == "unknown" {
        Vec::new()
    } else {
        kb.isa_owners(&architecture.value)
    };
    if owners.is_empty() {
        actors.push(Actor::unknown(
            Role::IsaOwner,
            architecture.evidence.clone(),
        ));
    }
    for owner in owners {
        actors.push(owner.into_actor(Role::IsaOwner, architecture.evidence.clone()));
    }

    // The foundry is asked about the SoC when the SoC vendor is known (it had the die made),
    // then about the core designer's model; the first family the knowledge base knows wins.
    let model_evidence = model.map(|m| m.evidence.clone()).unwrap_or_default();
    let mut queries: Vec<(String, String, Vec<Evidence>)> = Vec::new();
    let designer_query = match designer {
        Ok((a, evidence)) => {
            let model_name = model.map(|m| m.value.clone()).unwrap_or_default();
            let q = (a.name.clone(), model_name, model_evidence.clone());
            actors.push(a.into_actor(Role::CoreDesigner, evidence));
            Some(q)
        }
        Err(read) => {
            actors.push(Actor::unknown(Role::CoreDesigner, read));
            None
        }
    };
    match soc {
        Some(Ok((a, evidence))) => {
            if let Some((hardware, hw_ev)) = soc_hardware {
                queries.push((a.name.clone(), hardware, vec![hw_ev]));
            }
            actors.push(a.into_actor(Role::SocVendor, evidence));
        }
        Some(Err(read)) => actors.push(Actor::unknown(Role::SocVendor, read)),
        None => {}
    }
    queries.extend(designer_query);
    // CPUID family and model first: exact where a name pattern is a reading of marketing text.
    let found = by_cpuid.or_else(|| {
        queries
            .iter()
            .find_map(|(who, what, evidence)| kb.foundry(who, what).map(|a| (a, evidence.clone())))
    });
    match (found, queries.first()) {
        (Some((a, evidence)), _) => actors.push(a.into_actor(Role::Foundry, evidence)),
        (None, Some((_, _, evidence))) => {
            actors.push(Actor::unknown(Role::Foundry, evidence.clone()))
        }
        (None, None) => actors.push(Actor::unknown(Role::Foundry, model_evidence)),
    }
    actors
}

/// Processors from `sysinfo` alone, for a live host whose `/proc/cpuinfo` could not be used.
fn from_live(live: &LiveHost, kb: &Kb) -> Vec<Processor> {
    let mut groups: Vec<(&str, &str, Vec<u32>)> = Vec::new();
    for (n, cpu) in live.cpus.iter().enumerate() {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        match groups
            .iter_mut()
            .find(|(v, b, _)| *v == cpu.vendor_id && *b == cpu.brand)
        {
            Some(g) => g.2.push(n),
            None => groups.push((&cpu.vendor_id, &cpu.brand, vec![n])),
        }
    }
    let architecture = match (live.architecture(), live.machine.as_deref()) {
        (Some(arch), Some(machine)) => {
            Fact::new(arch.to_string(), sysinfo_evidence("cpu_arch", machine))
        }
        _ => Fact {
            value: "unknown".to_string(),
            evidence: Vec::new(),
        },
    };
    let x86 = matches!(architecture.value.as_str(), "x86_64" | "i686");
    groups
        .into_iter()
        .enumerate()
        .map(|(i, (vendor_id, brand, logical_cpus))| {
            let mut identifiers = BTreeMap::new();
            let model = (!brand.is_empty())
                .then(|| Fact::new(brand.to_string(), sysinfo_evidence("brand", brand)));
            if let Some(m) = &model {
                identifiers.insert("model_name".to_string(), m.clone());
            }
            let mut read = Vec::new();
            let mut designer = None;
            if !vendor_id.is_empty() {
                let e = sysinfo_evidence("vendor_id", vendor_id);
                identifiers.insert(
                    "vendor_id".to_string(),
                    Fact::new(vendor_id.to_string(), e.clone()),
                );
                designer = x86
                    .then(|| kb.x86_vendor(vendor_id))
                    .flatten()
                    .map(|a| (a, vec![e.clone()]));
                read.push(e);
            }
            if designer.is_none() && !brand.is_empty() {
                let e = sysinfo_evidence("brand", brand);
                designer = kb.model_designer(brand).map(|a| (a, vec![e.clone()]));
                read.push(e);
            }
            let designer = designer.ok_or(read);
            let actors = actors(
                kb,
                &architecture,
                designer,
                None,
                model.as_ref(),
                None,
                None,
            );
            Processor {
                id: format!("cpu{i}"),
                architecture: architecture.clone(),
                model,
                logical_cpus,
                identifiers,
                actors,
                lifecycle: None,
                vendor_os_floor: None,
                hosts: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
