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
    /// Intel CPUID (family, model) → (line, confidence, `intel-processors` cycle).
    intel_models: HashMap<(u32, u32), (u64, Confidence, String)>,
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
        Ok(Lifecycles {
            cycles,
            products,
            intel_models,
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

    pub fn os(&self, release_id: &str, version_id: &str) -> Option<Lifecycle> {
        let (line, product) = self.products.get(release_id)?;
        let mut l = self.find(product, version_id, &['.'])?;
        l.evidence.insert(
            0,
            tables::evidence(
                PRODUCTS,
                *line,
                "release_id",
                release_id,
                Method::KbLookup,
                Confidence::High,
            ),
        );
        Some(l)
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
        let cycle = |id: &str, v: &str| l.os(id, v).map(|c| c.cycle);
        assert_eq!(cycle("debian", "12").as_deref(), Some("12"));
        assert_eq!(cycle("rhel", "9.3").as_deref(), Some("9"));
        assert_eq!(cycle("rocky", "9.3").as_deref(), Some("9"));
        assert_eq!(cycle("ubuntu", "24.04").as_deref(), Some("24.04"));
        assert_eq!(cycle("alpine", "3.23.0").as_deref(), Some("3.23"));
        assert_eq!(cycle("opensuse-leap", "15.6").as_deref(), Some("15.6"));
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
