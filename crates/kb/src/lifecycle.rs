//! Support lifecycles (`data/lifecycle/`): `endoflife.csv` holds, per endoflife.date product and
//! release cycle, the release date and the ends of support and extended support, taken from
//! endoflife.date's product files (MIT, copied beside it in `lifecycle/endoflife/`, where a test
//! checks every row against them); `os-products.csv` maps an `os-release` `ID` to its product.
//!
//! Which version a system runs is the scanner's business; this module only finds the cycle a
//! version belongs to: the longest cycle equal to the version or a prefix of it ending at a `.`
//! (`9` for RHEL `9.3`, `3.23` for Alpine `3.23.0`), or at a `-` for kernels (`6.1` for
//! `6.1.0-18-amd64`).

use crate::tables::{self, required, row_err, KbError, Source};
use serde::Deserialize;
use sovstack_inventory::{Confidence, Lifecycle, Method};
use std::collections::HashMap;

const CYCLES: &str = "lifecycle/endoflife.csv";
const PRODUCTS: &str = "lifecycle/os-products.csv";
const INTEL_CPUID: &str = "lifecycle/intel-cpuid-cycles.csv";
const NAME_PRODUCTS: &str = "lifecycle/os-name-products.csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameProductRow {
    release_id: String,
    name: String,
    product: String,
    source: String,
}

const FLOOR: &str = "lifecycle/vendor-os-floor.csv";
const FREE_OS: &str = "lifecycle/free-os-ports.csv";
const WINDOWS_BUILDS: &str = "lifecycle/windows-builds.csv";

/// The endoflife.date product of Windows (client editions).
pub const WINDOWS: &str = "windows";

/// The endoflife.date product of Windows Server.
pub const WINDOWS_SERVER: &str = "windows-server";

/// The endoflife.date product of a Windows system by its name: [`WINDOWS_SERVER`] when a whole
/// word of it is `Server` (ignoring case: `Microsoft Windows Server 2012 R2 Standard`), else
/// [`WINDOWS`]. Its support window ([`Lifecycles::windows`]) and the systems a processor's
/// vendor-OS floor concerns are told by this one test.
pub fn windows_product(name: &str) -> &'static str {
    let server = name
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.eq_ignore_ascii_case("server"));
    if server {
        WINDOWS_SERVER
    } else {
        WINDOWS
    }
}

/// A row of `windows-builds.csv`: a Windows version (`10.0.19045`, `6.3.9600`) and the
/// endoflife.date cycles of `product` (`windows`, `windows-server`) whose `latest` is that
/// version (one per servicing channel).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowsBuildRow {
    product: String,
    version: String,
    cycles: String,
    source: String,
}

/// The endoflife.date product of Intel's processor families (by codename).
pub const INTEL_PROCESSORS: &str = "intel-processors";

/// The endoflife.date product of the Linux kernel.
pub const LINUX_KERNEL: &str = "linux-kernel";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CycleRow {
    product: String,
    cycle: String,
    release_date: String,
    end_of_support: String,
    end_of_extended_support: String,
    confidence: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProductRow {
    release_id: String,
    product: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IntelCpuidRow {
    cpu_family: u32,
    models: String,
    cycle: String,
    confidence: String,
    #[serde(rename = "notes")]
    _notes: serde::de::IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FloorRow {
    vendor_id: String,
    cpu_families: String,
    models: String,
    refused_by: String,
    last_product: String,
    last_cycle: String,
    confidence: String,
    #[serde(rename = "notes")]
    _notes: serde::de::IgnoredAny,
    source: String,
}

/// A row of `vendor-os-floor.csv`: processors a vendor's newer OS refuses, and the last
/// release that still runs on them.
#[derive(Debug)]
struct Floor {
    line: u64,
    vendor_id: String,
    families: Vec<(u32, u32)>,
    /// `None`: every model.
    models: Option<Vec<(u32, u32)>>,
    refused_by: String,
    last_product: String,
    last_cycle: String,
    confidence: Confidence,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FreeOsRow {
    architecture: String,
    product: String,
    port: String,
    source: String,
}

/// A processor a vendor's newer operating system refuses: which OS refuses it, and the support
/// window of the last release that still runs on it, whose evidence starts with the row that
/// says so.
#[derive(Debug, Clone, PartialEq)]
pub struct VendorOsFloor {
    /// The release that refuses the processor (`Windows 11`).
    pub refused_by: String,
    /// The last release that supports it (`windows` `10-22h2`).
    pub last: Lifecycle,
}

/// A free operating system that supports an architecture, and the support window of its
/// newest release still supported on the day asked about.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeOs {
    /// Its port for the architecture (`amd64`).
    pub port: String,
    /// The release (`debian` `13`), its evidence starting with the port's row.
    pub release: Lifecycle,
}

/// Inclusive `0x`-hex ranges (`0x00-0x54;0x56`), each at most `max`.
fn hex_ranges(
    table: &str,
    line: u64,
    field: &str,
    value: &str,
    max: u32,
) -> Result<Vec<(u32, u32)>, KbError> {
    let mut out = Vec::new();
    for range in tables::list(value) {
        let (lo, hi) = range.split_once('-').unwrap_or((range, range));
        let num = |v: &str| -> Result<u32, KbError> {
            let n = tables::hex_id(table, line, field, v.trim())?;
            u32::try_from(n)
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| row_err(table, line, format!("`{field}` `{v}` is too large")))
        };
        let (lo, hi) = (num(lo)?, num(hi)?);
        if lo > hi {
            return Err(row_err(table, line, format!("bad range `{range}`")));
        }
        out.push((lo, hi));
    }
    if out.is_empty() {
        return Err(row_err(table, line, format!("missing `{field}`")));
    }
    Ok(out)
}

fn in_ranges(ranges: &[(u32, u32)], n: u32) -> bool {
    ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&n))
}

/// The day number of a `YYYY-MM-DD` date (days since 1970-01-01), for differences between
/// dates; `None` when it is not a date.
pub fn day_number(date: &str) -> Option<i64> {
    if !is_date(date) {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (
        date[0..4].parse().ok()?,
        date[5..7].parse().ok()?,
        date[8..10].parse().ok()?,
    );
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[derive(Debug)]
struct Cycle {
    line: u64,
    cycle: String,
    release_date: Option<String>,
    end_of_support: Option<String>,
    ended: bool,
    end_of_extended_support: Option<String>,
    confidence: Confidence,
}

#[derive(Debug)]
pub(crate) struct Lifecycles {
    /// Product → its cycles, in file order.
    cycles: HashMap<String, Vec<Cycle>>,
    /// `os-release` `ID` → (line, product).
    products: HashMap<String, (u64, String)>,
    /// (`ID`, `NAME`) → (line, product), for releases that share an ID (CentOS Stream).
    name_products: HashMap<(String, String), (u64, String)>,
    /// Intel CPUID (family, model) → (line, confidence, `intel-processors` cycle).
    intel_models: HashMap<(u32, u32), (u64, Confidence, String)>,
    floors: Vec<Floor>,
    /// Architecture → (line, product, port).
    free_os: HashMap<String, (u64, String, String)>,
    /// (product, version) → (line, its cycles).
    windows_builds: HashMap<(String, String), (u64, Vec<String>)>,
}

/// Whether `s` is an ISO 8601 calendar date, `YYYY-MM-DD`, with a month and day that exist.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

fn date(table: &str, line: u64, field: &str, value: &str) -> Result<Option<String>, KbError> {
    match value {
        "" => Ok(None),
        v if is_date(v) => Ok(Some(v.to_string())),
        v => Err(row_err(
            table,
            line,
            format!("`{field}` `{v}` is not a YYYY-MM-DD date"),
        )),
    }
}

/// Whether `version` belongs to `cycle`: equal, or `cycle` followed by one of `separators`.
fn in_cycle(version: &str, cycle: &str, separators: &[char]) -> bool {
    match version.strip_prefix(cycle) {
        Some("") => true,
        Some(rest) => rest.starts_with(separators),
        None => false,
    }
}

impl Lifecycles {
    pub fn load(sources: &[Source]) -> Result<Self, KbError> {
        let mut cycles: HashMap<String, Vec<Cycle>> = HashMap::new();
        for row in tables::read::<CycleRow>(CYCLES, tables::text_of(sources, CYCLES)?)? {
            let (line, r) = (row.line, row.rec);
            required(CYCLES, line, "product", &r.product)?;
            required(CYCLES, line, "cycle", &r.cycle)?;
            required(CYCLES, line, "source", &r.source)?;
            let ended = r.end_of_support == "ended";
            let end_of_support = if ended {
                None
            } else {
                date(CYCLES, line, "end_of_support", &r.end_of_support)?
            };
            let cycle = Cycle {
                line,
                cycle: r.cycle.clone(),
                release_date: date(CYCLES, line, "release_date", &r.release_date)?,
                end_of_support,
                ended,
                end_of_extended_support: date(
                    CYCLES,
                    line,
                    "end_of_extended_support",
                    &r.end_of_extended_support,
                )?,
                confidence: tables::confidence(CYCLES, line, &r.confidence)?,
            };
            let list = cycles.entry(r.product.clone()).or_default();
            if list.iter().any(|c| c.cycle == r.cycle) {
                return Err(row_err(
                    CYCLES,
                    line,
                    format!("duplicate cycle `{}` of `{}`", r.cycle, r.product),
                ));
            }
            list.push(cycle);
        }
        let mut products = HashMap::new();
        for row in tables::read::<ProductRow>(PRODUCTS, tables::text_of(sources, PRODUCTS)?)? {
            let (line, r) = (row.line, row.rec);
            required(PRODUCTS, line, "source", &r.source)?;
            if !cycles.contains_key(&r.product) {
                return Err(row_err(
                    PRODUCTS,
                    line,
                    format!("product `{}` has no cycle in {CYCLES}", r.product),
                ));
            }
            if products
                .insert(r.release_id.clone(), (line, r.product))
                .is_some()
            {
                return Err(row_err(
                    PRODUCTS,
                    line,
                    format!("duplicate release id `{}`", r.release_id),
                ));
            }
        }
        let mut name_products = HashMap::new();
        for row in
            tables::read::<NameProductRow>(NAME_PRODUCTS, tables::text_of(sources, NAME_PRODUCTS)?)?
        {
            let (line, r) = (row.line, row.rec);
            required(NAME_PRODUCTS, line, "name", &r.name)?;
            required(NAME_PRODUCTS, line, "source", &r.source)?;
            if !cycles.contains_key(&r.product) {
                return Err(row_err(
                    NAME_PRODUCTS,
                    line,
                    format!("product `{}` has no cycle in {CYCLES}", r.product),
                ));
            }
            if name_products
                .insert((r.release_id.clone(), r.name.clone()), (line, r.product))
                .is_some()
            {
                return Err(row_err(
                    NAME_PRODUCTS,
                    line,
                    format!("duplicate `{} {}`", r.release_id, r.name),
                ));
            }
        }
        let mut intel_models = HashMap::new();
        let intel_cycles = cycles.get(INTEL_PROCESSORS);
        for row in
            tables::read::<IntelCpuidRow>(INTEL_CPUID, tables::text_of(sources, INTEL_CPUID)?)?
        {
            let (line, r) = (row.line, row.rec);
            required(INTEL_CPUID, line, "source", &r.source)?;
            if !intel_cycles.is_some_and(|c| c.iter().any(|c| c.cycle == r.cycle)) {
                return Err(row_err(
                    INTEL_CPUID,
                    line,
                    format!(
                        "cycle `{}` is no {INTEL_PROCESSORS} cycle in {CYCLES}",
                        r.cycle
                    ),
                ));
            }
            let confidence = tables::confidence(INTEL_CPUID, line, &r.confidence)?;
            for m in r.models.split(';') {
                let model = tables::hex_id(INTEL_CPUID, line, "models", m.trim())?;
                let model = u32::try_from(model)
                    .map_err(|_| row_err(INTEL_CPUID, line, format!("model `{m}` is too large")))?;
                if let Some((other, ..)) =
                    intel_models.insert((r.cpu_family, model), (line, confidence, r.cycle.clone()))
                {
                    return Err(row_err(
                        INTEL_CPUID,
                        line,
                        format!("model {m} is also in line {other}"),
                    ));
                }
            }
        }
        let has_cycle = |product: &str, cycle: &str| {
            cycles
                .get(product)
                .is_some_and(|c| c.iter().any(|c| c.cycle == cycle))
        };
        let mut floors = Vec::new();
        for row in tables::read::<FloorRow>(FLOOR, tables::text_of(sources, FLOOR)?)? {
            let (line, r) = (row.line, row.rec);
            required(FLOOR, line, "vendor_id", &r.vendor_id)?;
            required(FLOOR, line, "refused_by", &r.refused_by)?;
            required(FLOOR, line, "source", &r.source)?;
            if !has_cycle(&r.last_product, &r.last_cycle) {
                return Err(row_err(
                    FLOOR,
                    line,
                    format!(
                        "`{} {}` is no cycle in {CYCLES}",
                        r.last_product, r.last_cycle
                    ),
                ));
            }
            let models = match r.models.as_str() {
                "*" => None,
                m => Some(hex_ranges(FLOOR, line, "models", m, 0xff)?),
            };
            floors.push(Floor {
                line,
                vendor_id: r.vendor_id,
                families: hex_ranges(FLOOR, line, "cpu_families", &r.cpu_families, 0xff)?,
                models,
                refused_by: r.refused_by,
                last_product: r.last_product,
                last_cycle: r.last_cycle,
                confidence: tables::confidence(FLOOR, line, &r.confidence)?,
            });
        }
        let mut free_os = HashMap::new();
        for row in tables::read::<FreeOsRow>(FREE_OS, tables::text_of(sources, FREE_OS)?)? {
            let (line, r) = (row.line, row.rec);
            required(FREE_OS, line, "port", &r.port)?;
            required(FREE_OS, line, "source", &r.source)?;
            if !cycles.contains_key(&r.product) {
                return Err(row_err(
                    FREE_OS,
                    line,
                    format!("product `{}` has no cycle in {CYCLES}", r.product),
                ));
            }
            if free_os
                .insert(r.architecture.clone(), (line, r.product, r.port))
                .is_some()
            {
                return Err(row_err(
                    FREE_OS,
                    line,
                    format!("duplicate architecture `{}`", r.architecture),
                ));
            }
        }
        let mut windows_builds = HashMap::new();
        for row in tables::read::<WindowsBuildRow>(
            WINDOWS_BUILDS,
            tables::text_of(sources, WINDOWS_BUILDS)?,
        )? {
            let (line, r) = (row.line, row.rec);
            required(WINDOWS_BUILDS, line, "version", &r.version)?;
            required(WINDOWS_BUILDS, line, "source", &r.source)?;
            let list: Vec<String> = r.cycles.split(';').map(str::to_string).collect();
            for c in &list {
                if !has_cycle(&r.product, c) {
                    return Err(row_err(
                        WINDOWS_BUILDS,
                        line,
                        format!("`{} {c}` is no cycle in {CYCLES}", r.product),
                    ));
                }
            }
            if windows_builds
                .insert((r.product.clone(), r.version.clone()), (line, list))
                .is_some()
            {
                return Err(row_err(
                    WINDOWS_BUILDS,
                    line,
                    format!("duplicate version `{} {}`", r.product, r.version),
                ));
            }
        }
        Ok(Lifecycles {
            windows_builds,
            cycles,
            products,
            name_products,
            intel_models,
            floors,
            free_os,
        })
    }

    fn find(&self, product: &str, version: &str, separators: &[char]) -> Option<Lifecycle> {
        let version = version.trim();
        let c = self
            .cycles
            .get(product)?
            .iter()
            .filter(|c| in_cycle(version, &c.cycle, separators))
            .max_by_key(|c| c.cycle.len())?;
        let evidence = vec![tables::evidence(
            CYCLES,
            c.line,
            "cycle",
            &format!("{product} {}", c.cycle),
            Method::KbLookup,
            c.confidence,
        )];
        Some(Lifecycle {
            product: product.to_string(),
            cycle: c.cycle.clone(),
            release_date: c.release_date.clone(),
            end_of_support: c.end_of_support.clone(),
            ended: c.ended,
            end_of_extended_support: c.end_of_extended_support.clone(),
            evidence,
        })
    }

    /// The support window of a release by its `ID`, `NAME` (which tells apart releases that
    /// share an ID: CentOS Stream and CentOS Linux both write `centos`) and `VERSION_ID`.
    pub fn os(&self, release_id: &str, name: Option<&str>, version_id: &str) -> Option<Lifecycle> {
        let by_name = name.and_then(|n| {
            self.name_products
                .get(&(release_id.to_string(), n.trim().to_string()))
                .map(|(line, p)| (NAME_PRODUCTS, *line, p, "name", n.trim()))
        });
        let (table, line, product, field, value) = match by_name {
            Some(x) => x,
            None => {
                let (line, p) = self.products.get(release_id)?;
                (PRODUCTS, *line, p, "release_id", release_id)
            }
        };
        let mut l = self.find(product, version_id, &['.'])?;
        l.evidence.insert(
            0,
            tables::evidence(
                table,
                line,
                field,
                value,
                Method::KbLookup,
                Confidence::High,
            ),
        );
        Some(l)
    }

    /// Whether endoflife.csv has cycles of `product`, for consistency checks.
    #[cfg(test)]
    pub fn has_product(&self, product: &str) -> bool {
        self.cycles.contains_key(product)
    }

    /// The support window of `product`'s cycle `version` belongs to (cycles end at a `.`:
    /// Android `10.0` → `10`).
    pub fn release(&self, product: &str, version: &str) -> Option<Lifecycle> {
        self.find(product, version, &['.'])
    }

    pub fn linux_kernel(&self, release: &str) -> Option<Lifecycle> {
        self.find(LINUX_KERNEL, release, &['.', '-', '+'])
    }

    /// The support window of an Intel processor's family, by its CPUID family and model
    /// (decimal, as `/proc/cpuinfo` and inventory agents print them): the codename
    /// `intel-cpuid-cycles.csv` gives the model, and that codename's endoflife.date cycle.
    /// `None` for models shared by several codenames (`0x8E`, `0x9E`) or not in the table.
    pub fn intel_processor(&self, cpu_family: u32, model: u32) -> Option<Lifecycle> {
        let (line, confidence, cycle) = self.intel_models.get(&(cpu_family, model))?;
        let mut l = self.find(INTEL_PROCESSORS, cycle, &[])?;
        l.evidence.insert(
            0,
            tables::evidence(
                INTEL_CPUID,
                *line,
                "models",
                &format!("family {cpu_family} model {model:#04x}"),
                Method::KbLookup,
                *confidence,
            ),
        );
        Some(l)
    }

    /// Whether a vendor's newer operating system refuses an x86 processor (by CPUID vendor id,
    /// family and model, decimal), and the last release that still supports it. The first row
    /// that matches answers; `None` when no row does (which says nothing either way).
    pub fn vendor_os_floor(
        &self,
        vendor_id: &str,
        cpu_family: u32,
        model: u32,
    ) -> Option<VendorOsFloor> {
        let f = self.floors.iter().find(|f| {
            f.vendor_id == vendor_id.trim()
                && in_ranges(&f.families, cpu_family)
                && f.models.as_ref().is_none_or(|m| in_ranges(m, model))
        })?;
        let mut last = self.find(&f.last_product, &f.last_cycle, &[])?;
        last.evidence.insert(
            0,
            tables::evidence(
                FLOOR,
                f.line,
                "models",
                &format!(
                    "{} family {cpu_family} model {model:#04x}: refused by {}",
                    vendor_id.trim(),
                    f.refused_by
                ),
                Method::KbLookup,
                f.confidence,
            ),
        );
        Some(VendorOsFloor {
            refused_by: f.refused_by.clone(),
            last,
        })
    }

    /// The free operating system the knowledge base names for an architecture (`x86_64`), with
    /// its newest release (by release date) whose support has not ended on `as_of`
    /// (`YYYY-MM-DD`). `None` when there is none.
    pub fn free_os(&self, architecture: &str, as_of: &str) -> Option<FreeOs> {
        let (line, product, port) = self.free_os.get(architecture)?;
        let c = self
            .cycles
            .get(product)?
            .iter()
            .filter(|c| {
                !c.ended
                    && c.release_date.as_deref().is_some_and(|d| d <= as_of)
                    && c.end_of_support.as_deref().is_none_or(|d| d >= as_of)
            })
            .max_by(|a, b| a.release_date.cmp(&b.release_date))?;
        let mut release = self.find(product, &c.cycle.clone(), &[])?;
        release.evidence.insert(
            0,
            tables::evidence(
                FREE_OS,
                *line,
                "architecture",
                &format!("{architecture}: {product} {port}"),
                Method::KbLookup,
                Confidence::High,
            ),
        );
        Some(FreeOs {
            port: port.clone(),
            release,
        })
    }

    /// The support window of a Windows release, from what an inventory agent reports: its
    /// `kernel_version` (`10.0.19045`, Win32_OperatingSystem's `Version`) gives the endoflife.date
    /// cycles whose `latest` is that version (`windows-builds.csv`), and its product name
    /// (`Microsoft Windows 10 Pro`, Win32_OperatingSystem's `Caption`) picks among them.
    ///
    /// * A client (Windows 10, 11): the major version must agree with the name, and the edition
    ///   picks the servicing channel: `-iot-lts` for IoT Enterprise LTSC, `-e-lts` for the other
    ///   LTSC/LTSB editions, `-e` for Enterprise and Education, `-w` for Home and Pro (Pro
    ///   Education and Pro for Workstations included, as Microsoft services them).
    /// * A server (`Windows Server 2012 R2 Standard`): the year and `R2` in the name pick the
    ///   long-term release (`2012-r2`); a name without a year (a semi-annual channel's) takes
    ///   the version's only `-sac`/`-ac` release.
    ///
    /// `None` when the version is not in the table, the name does not say which release it is,
    /// or several remain (an edition the name does not tell): unknown, never guessed.
    pub fn windows(&self, full_name: &str, kernel_version: &str) -> Option<Lifecycle> {
        let words: Vec<String> = full_name
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let has = |w: &str| words.iter().any(|x| x == w);
        let at = words.iter().position(|w| w == "windows")?;
        let version: Vec<&str> = kernel_version.trim().splitn(4, '.').take(3).collect();
        if version.len() != 3 || version.iter().any(|p| p.parse::<u32>().is_err()) {
            return None;
        }
        let version = version.join(".");
        let (product, cycle, line, confidence) = if windows_product(full_name) == WINDOWS_SERVER {
            let (line, cycles) = self
                .windows_builds
                .get(&(WINDOWS_SERVER.to_string(), version.clone()))?;
            let year = words
                .iter()
                .find(|w| w.len() == 4 && w.starts_with("20") && w.parse::<u32>().is_ok());
            let hits: Vec<&String> = match year {
                Some(y) => {
                    let r2 = has("r2");
                    cycles
                        .iter()
                        .filter(|c| {
                            let mut parts = c.split('-');
                            parts.next() == Some(y.as_str()) && (parts.next() == Some("r2")) == r2
                        })
                        .collect()
                }
                None => cycles
                    .iter()
                    .filter(|c| c.ends_with("-sac") || c.ends_with("-ac"))
                    .collect(),
            };
            let [only] = hits.as_slice() else {
                return None;
            };
            (WINDOWS_SERVER, (*only).clone(), *line, Confidence::High)
        } else {
            let major = words.get(at + 1).filter(|m| *m == "10" || *m == "11")?;
            let (line, cycles) = self
                .windows_builds
                .get(&(WINDOWS.to_string(), version.clone()))?;
            let cycles: Vec<&String> = cycles
                .iter()
                .filter(|c| c.split('-').next() == Some(major.as_str()))
                .collect();
            let channel = if has("ltsc") || has("ltsb") {
                if has("iot") {
                    "-iot-lts"
                } else {
                    "-e-lts"
                }
            } else if has("pro") || has("professionnel") || has("home") || has("famille") {
                "-w"
            } else if has("enterprise") || has("entreprise") || has("education") || has("éducation")
            {
                "-e"
            } else {
                ""
            };
            let cycle = match cycles.as_slice() {
                [only] if only.ends_with("-lts") == channel.ends_with("-lts") => *only,
                many => {
                    let mut hits = many
                        .iter()
                        .filter(|c| !channel.is_empty() && c.ends_with(channel));
                    match (hits.next(), hits.next()) {
                        (Some(c), None) => *c,
                        _ => return None,
                    }
                }
            };
            let confidence = if channel.is_empty() {
                Confidence::High
            } else {
                Confidence::Medium
            };
            (WINDOWS, cycle.clone(), *line, confidence)
        };
        let mut l = self.find(product, &cycle, &[])?;
        l.evidence.insert(
            0,
            tables::evidence(
                WINDOWS_BUILDS,
                line,
                "version",
                &format!(
                    "{version}: {product} {cycle} (release from `{}`)",
                    full_name.trim()
                ),
                Method::KbLookup,
                confidence,
            ),
        );
        Some(l)
    }

    /// The `os-release` ids with a product, sorted.
    pub fn release_ids(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.products.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn builtin() -> Lifecycles {
        Lifecycles::load(&Source::builtin()).expect("the built-in tables load")
    }

    #[test]
    fn dates_are_checked() {
        for ok in ["2026-07-11", "2024-02-29", "2000-02-29"] {
            assert!(is_date(ok), "{ok}");
        }
        for bad in [
            "2026-7-11",
            "2023-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "true",
            "",
            "2026-07-1x",
        ] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn versions_find_their_cycle() {
        let l = builtin();
        let cycle = |id: &str, v: &str| l.os(id, None, v).map(|c| c.cycle);
        assert_eq!(cycle("debian", "12").as_deref(), Some("12"));
        assert_eq!(cycle("rhel", "9.3").as_deref(), Some("9"));
        assert_eq!(cycle("rocky", "9.3").as_deref(), Some("9"));
        assert_eq!(cycle("ubuntu", "24.04").as_deref(), Some("24.04"));
        assert_eq!(cycle("alpine", "3.23.0").as_deref(), Some("3.23"));
        assert_eq!(cycle("opensuse-leap", "15.6").as_deref(), Some("15.6"));
        // CentOS Stream writes ID=centos and tells itself apart by NAME.
        let stream = l.os("centos", Some("CentOS Stream"), "8").unwrap();
        assert_eq!(
            (stream.product.as_str(), stream.end_of_support.as_deref()),
            ("centos-stream", Some("2024-05-31"))
        );
        assert_eq!(
            l.os("centos", Some("CentOS Linux"), "8").unwrap().product,
            "centos"
        );
        assert_eq!(
            l.os("centos", Some("CentOS Stream"), "9").unwrap().cycle,
            "9"
        );
        // openSUSE 13.x and Leap 42.x wrote ID=opensuse.
        assert_eq!(cycle("opensuse", "13.2").as_deref(), Some("13.2"));
        assert_eq!(cycle("opensuse", "42.3").as_deref(), Some("42.3"));
        // `1` is no prefix of `12`, and an unknown id or version gives nothing.
        assert_eq!(cycle("debian", "1"), None);
        assert_eq!(cycle("debian", "99"), None);
        assert_eq!(cycle("kali", "2024.1"), None);
        let k = |r: &str| l.linux_kernel(r).map(|c| c.cycle);
        assert_eq!(k("6.1.0-18-amd64").as_deref(), Some("6.1"));
        assert_eq!(k("6.12.48+deb13-amd64").as_deref(), Some("6.12"));
        assert_eq!(k("5.10.0-rc1").as_deref(), Some("5.10"));
        assert_eq!(k("61.0"), None);
    }

    /// The release, as endoflife.date's front matter writes it: dates are strings to a YAML 1.2
    /// reader, `eol` and `eoes` may also be booleans.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Release {
        release_cycle: String,
        release_date: Option<String>,
        eol: Option<DateOrBool>,
        eoes: Option<DateOrBool>,
        extended_support: Option<DateOrBool>,
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DateOrBool {
        Bool(bool),
        Date(String),
    }

    #[derive(Deserialize)]
    struct FrontMatter {
        releases: Vec<Release>,
    }

    fn cell(v: &Option<DateOrBool>) -> String {
        match v {
            Some(DateOrBool::Date(d)) => d.clone(),
            Some(DateOrBool::Bool(true)) => "ended".to_string(),
            Some(DateOrBool::Bool(false)) | None => String::new(),
        }
    }

    /// Every row of `endoflife.csv` says what its product file says, and every release of every
    /// product file is in the table: a date typed or updated by hand fails here.
    #[test]
    fn every_row_agrees_with_the_endoflife_date_file() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/lifecycle/endoflife");
        let text = tables::text_of(&Source::builtin(), CYCLES)
            .unwrap()
            .to_string();
        let rows = tables::read::<CycleRow>(CYCLES, &text).unwrap();
        let mut by_product: HashMap<String, Vec<CycleRow>> = HashMap::new();
        for r in rows {
            by_product
                .entry(r.rec.product.clone())
                .or_default()
                .push(r.rec);
        }
        assert!(by_product.len() >= 18, "{:?}", by_product.keys());
        for (product, rows) in &by_product {
            let path = dir.join(format!("{product}.md"));
            let md = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let front = md.split("---\n").nth(1).expect("front matter");
            let fm: FrontMatter =
                serde_saphyr::from_str(front).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let want: Vec<(String, String, String, String)> = fm
                .releases
                .iter()
                .map(|r| {
                    let extended = if r.eoes.is_some() {
                        &r.eoes
                    } else {
                        &r.extended_support
                    };
                    (
                        r.release_cycle.clone(),
                        r.release_date.clone().unwrap_or_default(),
                        cell(&r.eol),
                        cell(extended),
                    )
                })
                .collect();
            let got: Vec<(String, String, String, String)> = rows
                .iter()
                .map(|r| {
                    (
                        r.cycle.clone(),
                        r.release_date.clone(),
                        r.end_of_support.clone(),
                        r.end_of_extended_support.clone(),
                    )
                })
                .collect();
            assert_eq!(
                got,
                want,
                "{product}: {CYCLES} differs from {}",
                path.display()
            );
            for r in rows {
                assert!(
                    r.source
                        .starts_with(&format!("endoflife.date products/{product}.md @ ")),
                    "{}",
                    r.source
                );
            }
        }
    }

    /// `windows-builds.csv` is endoflife.date's `latest` build of each `windows` release, grouped
    /// by build: every release with a `latest` is in the table under that build, and no other.
    #[test]
    fn windows_builds_agree_with_the_endoflife_date_file() {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Latest {
            release_cycle: String,
            latest: Option<String>,
        }
        #[derive(Deserialize)]
        struct Fm {
            releases: Vec<Latest>,
        }
        let mut want: HashMap<(String, String), Vec<String>> = HashMap::new();
        for product in [WINDOWS, WINDOWS_SERVER] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("data/lifecycle/endoflife/{product}.md"));
            let md = std::fs::read_to_string(&path).unwrap();
            let front = md.split("---\n").nth(1).expect("front matter");
            let fm: Fm = serde_saphyr::from_str(front).unwrap();
            for r in fm.releases {
                if let Some(v) = r.latest {
                    want.entry((product.to_string(), v))
                        .or_default()
                        .push(r.release_cycle);
                }
            }
        }
        let l = builtin();
        let got: HashMap<(String, String), Vec<String>> = l
            .windows_builds
            .iter()
            .map(|(k, (_, c))| (k.clone(), c.clone()))
            .collect();
        assert_eq!(got, want);
    }

    /// Product names and builds as agents write them (GLPI's and Rudder's Windows captures,
    /// tests/fixtures/windows) find their release; what the name does not tell stays unknown.
    #[test]
    fn windows_releases_from_name_and_build() {
        let l = builtin();
        let c = |name: &str, k: &str| l.windows(name, k).map(|l| l.cycle);
        assert_eq!(
            c("Microsoft Windows 10 IoT Enterprise LTSC", "10.0.19044").as_deref(),
            Some("10-21h2-iot-lts")
        );
        assert_eq!(
            c("Microsoft Windows 10 Enterprise LTSC", "10.0.19044").as_deref(),
            Some("10-21h2-e-lts")
        );
        assert_eq!(
            c("Microsoft Windows 11 Enterprise Evaluation", "10.0.22631").as_deref(),
            Some("11-23h2-e")
        );
        assert_eq!(
            c("Microsoft Windows 10 Pro", "10.0.19045").as_deref(),
            Some("10-22h2")
        );
        assert_eq!(
            c("Microsoft Windows 10 Professionnel", "10.0.19044").as_deref(),
            Some("10-21h2-w")
        );
        assert_eq!(
            c("Microsoft Windows 10 Education", "10.0.19042").as_deref(),
            Some("10-20h2-e")
        );
        assert_eq!(
            c("Microsoft Windows 11 Pro Education", "10.0.22621").as_deref(),
            Some("11-22h2-w")
        );
        // A build of the other major version, an edition the name does not tell, a build not in
        // endoflife.date: unknown.
        assert_eq!(c("Microsoft Windows 11 Pro", "10.0.19045"), None);
        // Servers (Rudder's Windows captures): the year and R2 in the name pick the release.
        let server = |name: &str, k: &str| l.windows(name, k).map(|l| (l.product, l.cycle));
        let ws = |c: &str| Some(("windows-server".to_string(), c.to_string()));
        assert_eq!(
            server("Microsoft Windows Server 2012 Standard", "6.2.9200"),
            ws("2012")
        );
        assert_eq!(
            server("Microsoft Windows Server 2012 R2 Standard", "6.3.9600"),
            ws("2012-r2")
        );
        assert_eq!(
            server(
                "Microsoft Windows Server 2019 Standard Evaluation",
                "10.0.17763"
            ),
            ws("2019")
        );
        assert_eq!(
            server(
                "Microsoft Windows Server 2022 Standard Evaluation",
                "10.0.20348"
            ),
            ws("2022")
        );
        assert_eq!(
            server("Microsoft Windows Server Datacenter", "10.0.17763"),
            ws("1809-sac")
        );
        // 2008 R2 without SP1 (6.1.7600): endoflife.date lists only SP1 (6.1.7601). Server
        // 2003's three releases share one version. A year the version contradicts. Unknown.
        assert_eq!(
            server("Microsoft Windows Server 2008 R2 Standard ", "6.1.7600"),
            None
        );
        assert_eq!(
            server(
                "Microsoft(R) Windows(R) Server 2003, Standard Edition",
                "5.2.3790"
            ),
            None
        );
        assert_eq!(
            server("Microsoft Windows Server 2016 Standard", "10.0.20348"),
            None
        );

        assert_eq!(c("Майкрософт Windows 10 Корпоративная", "10.0.19044"), None);
        assert_eq!(
            c("Microsoft Windows 10 Enterprise LTSC", "10.0.19045"),
            None
        );
        assert_eq!(c("Microsoft Windows 10 Pro", "10.0.99999"), None);
        assert_eq!(c("Microsoft Windows 10 Pro", "6.1.7601"), None);
    }

    /// The CPUID models of real processors (GLPI's examples: an i5-6200U, family 6 model 78,
    /// and an i5-4210U, model 69) find their Intel family's support window; a model several
    /// codenames share stays unknown.
    #[test]
    fn intel_models_find_their_family() {
        let l = builtin();
        let skylake = l.intel_processor(6, 78).expect("0x4E is Skylake");
        assert_eq!(
            (skylake.product.as_str(), skylake.cycle.as_str()),
            ("intel-processors", "skylake")
        );
        assert_eq!(skylake.end_of_support.as_deref(), Some("2022-09-30"));
        assert_eq!(skylake.release_date.as_deref(), Some("2015-08-05"));
        let sources: Vec<_> = skylake.evidence.iter().map(|e| e.source.as_str()).collect();
        assert_eq!(
            sources,
            [
                "kb:lifecycle/intel-cpuid-cycles.csv",
                "kb:lifecycle/endoflife.csv"
            ]
        );
        let haswell = l.intel_processor(6, 69).expect("0x45 is Haswell");
        assert_eq!(haswell.cycle, "haswell");
        assert_eq!(haswell.end_of_support.as_deref(), Some("2021-06-30"));
        // Kaby, Coffee, Whiskey, Amber and Comet Lake share 0x8E and 0x9E.
        assert!(l.intel_processor(6, 0x8e).is_none());
        assert!(l.intel_processor(6, 0x9e).is_none());
        assert!(l.intel_processor(15, 78).is_none());
    }

    #[test]
    fn an_intel_row_naming_no_cycle_is_refused() {
        let mut sources = Source::builtin();
        let s = sources.iter_mut().find(|s| s.path == INTEL_CPUID).unwrap();
        s.text = std::borrow::Cow::Owned(s.text.replacen(",skylake,", ",sky-lake,", 1));
        let err = Lifecycles::load(&sources).unwrap_err().to_string();
        assert!(
            err.contains("intel-cpuid-cycles.csv:9: cycle `sky-lake`"),
            "{err}"
        );
    }

    /// The processors of GLPI's examples (i5-6200U: family 6 model 78; i5-4210U: model 69)
    /// are below Windows 11's floor, whose last release for them is Windows 10 22H2; a Cascade
    /// Lake Xeon (model 85) and a Zen 2 EPYC (family 23 model 49) are not; the first Zen is.
    #[test]
    fn windows_11_refuses_old_processors() {
        let l = builtin();
        let f = l.vendor_os_floor("GenuineIntel", 6, 78).unwrap();
        assert_eq!(f.refused_by, "Windows 11");
        assert_eq!(
            (f.last.product.as_str(), f.last.cycle.as_str()),
            ("windows", "10-22h2")
        );
        assert_eq!(f.last.end_of_support.as_deref(), Some("2025-10-14"));
        assert_eq!(
            f.last.end_of_extended_support.as_deref(),
            Some("2028-10-10")
        );
        assert_eq!(
            f.last.evidence[0].source,
            "kb:lifecycle/vendor-os-floor.csv"
        );
        assert!(l.vendor_os_floor("GenuineIntel", 6, 69).is_some());
        assert!(l.vendor_os_floor("GenuineIntel", 6, 85).is_none());
        assert!(l.vendor_os_floor("GenuineIntel", 6, 0x8c).is_none());
        assert!(l.vendor_os_floor("AuthenticAMD", 23, 49).is_none());
        assert!(l.vendor_os_floor("AuthenticAMD", 23, 1).is_some());
        assert!(l.vendor_os_floor("AuthenticAMD", 21, 2).is_some());
        assert!(l.vendor_os_floor("AuthenticAMD", 25, 1).is_none());
    }

    /// Debian's newest release still supported on a day: 12 on 2025-01-01, 13 on 2026-12-06;
    /// nothing for an architecture the table does not name.
    #[test]
    fn the_free_os_is_the_newest_supported_release() {
        let l = builtin();
        let on = |d: &str| l.free_os("x86_64", d).map(|f| (f.port, f.release.cycle));
        assert_eq!(on("2025-01-01"), Some(("amd64".into(), "12".into())));
        assert_eq!(on("2026-12-06"), Some(("amd64".into(), "13".into())));
        assert!(l.free_os("mips", "2026-12-06").is_none());
    }

    #[test]
    fn day_numbers() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(
            day_number("2026-12-06").unwrap() - day_number("2016-02-06").unwrap(),
            3_956
        );
        assert_eq!(day_number("2026-02-30"), None);
    }

    #[test]
    fn a_bad_date_is_refused_with_its_line() {
        let mut sources = Source::builtin();
        let s = sources.iter_mut().find(|s| s.path == CYCLES).unwrap();
        s.text = std::borrow::Cow::Owned(s.text.replacen("2026-07-11", "2026-07-32", 1));
        let err = Lifecycles::load(&sources).unwrap_err().to_string();
        assert!(
            err.starts_with("kb: lifecycle/endoflife.csv:3: `end_of_support` `2026-07-32`"),
            "{err}"
        );
    }
}
