//! Name-pattern tables: `processors/soc-vendors.csv` (the Arm `Hardware` line and device-tree
//! model strings → SoC vendor) and `processors/model-designers.csv` (a model name → its
//! designer, for processors that carry no vendor id).
//!
//! # Pattern language
//! A pattern is a regular expression in the `regex` crate's syntax, matched case-insensitively
//! anywhere in the trimmed input; anchor it with `^` when the match must start the string. The
//! first row, in file order, whose pattern matches wins, so specific rows come before general
//! ones. Every row carries `examples` (`;`-separated) and the loader checks that each example
//! matches its own pattern and resolves to that row's organisation: the examples are the tests.

use crate::orgs::{OrgId, Orgs};
use crate::tables::{self, required, row_err, KbError, Source};
use crate::Attribution;
use regex::Regex;
use serde::de::IgnoredAny;
use serde::Deserialize;
use sovstack_inventory::{Confidence, Method};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternRowCsv {
    pattern: String,
    organisation: String,
    confidence: String,
    examples: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Debug)]
struct PatternRow {
    line: u64,
    pattern: String,
    regex: Regex,
    org: OrgId,
    confidence: Confidence,
}

/// One loaded pattern table.
#[derive(Debug)]
pub(crate) struct PatternTable {
    table: &'static str,
    rows: Vec<PatternRow>,
}

impl PatternTable {
    pub fn load(sources: &[Source], table: &'static str, orgs: &Orgs) -> Result<Self, KbError> {
        let mut rows = Vec::new();
        let mut examples = Vec::new();
        for row in tables::read::<PatternRowCsv>(table, tables::text_of(sources, table)?)? {
            let (line, r) = (row.line, row.rec);
            required(table, line, "source", &r.source)?;
            let regex = tables::pattern(table, line, &r.pattern)?;
            let org = orgs.require(table, line, &r.organisation)?;
            let confidence = tables::confidence(table, line, &r.confidence)?;
            let ex: Vec<String> = tables::list(&r.examples)
                .into_iter()
                .map(String::from)
                .collect();
            if ex.is_empty() {
                return Err(row_err(table, line, "missing `examples`"));
            }
            if rows.iter().any(|p: &PatternRow| p.pattern == r.pattern) {
                return Err(row_err(
                    table,
                    line,
                    format!("duplicate pattern `{}`", r.pattern),
                ));
            }
            examples.push((line, org, ex));
            rows.push(PatternRow {
                line,
                pattern: r.pattern,
                regex,
                org,
                confidence,
            });
        }
        let t = PatternTable { table, rows };
        for (line, org, ex) in examples {
            let own = t
                .rows
                .iter()
                .find(|r| r.line == line)
                .expect("row just loaded");
            for e in ex {
                if !own.regex.is_match(e.trim()) {
                    return Err(row_err(
                        table,
                        line,
                        format!("example `{e}` does not match"),
                    ));
                }
                let won = t.find(&e).expect("matches at least its own row");
                if won.org != org {
                    return Err(row_err(
                        table,
                        line,
                        format!(
                            "example `{e}` resolves to `{}` (line {}) first",
                            orgs.get(won.org).name,
                            won.line
                        ),
                    ));
                }
            }
        }
        Ok(t)
    }

    fn find(&self, input: &str) -> Option<&PatternRow> {
        let input = input.trim();
        if input.is_empty() {
            return None;
        }
        self.rows.iter().find(|r| r.regex.is_match(input))
    }

    /// The organisation of the first row matching `input`.
    pub fn attribute(&self, input: &str, orgs: &Orgs) -> Option<Attribution> {
        let row = self.find(input)?;
        let ev = tables::evidence(
            self.table,
            row.line,
            "pattern",
            &row.pattern,
            Method::KbPattern,
            row.confidence,
        );
        Some(orgs.attribute(row.org, vec![ev]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Geo;
    use std::borrow::Cow;

    const SOC: &str = "processors/soc-vendors.csv";
    const MODEL: &str = "processors/model-designers.csv";

    fn load(
        table: &'static str,
        text: Option<&'static str>,
    ) -> Result<(PatternTable, Orgs), KbError> {
        let mut sources = Source::builtin();
        if let Some(text) = text {
            sources.iter_mut().find(|s| s.path == table).unwrap().text = Cow::Borrowed(text);
        }
        let geo = Geo::load(&sources).unwrap();
        let orgs = Orgs::load(&sources, &geo).unwrap();
        Ok((PatternTable::load(&sources, table, &orgs)?, orgs))
    }

    fn name(t: &(PatternTable, Orgs), input: &str) -> Option<String> {
        t.0.attribute(input, &t.1).map(|a| a.name)
    }

    #[test]
    fn soc_vendors() {
        let t = load(SOC, None).unwrap();
        let cases = [
            ("Qualcomm Technologies, Inc SDM845", Some("Qualcomm")),
            ("Qualcomm Technologies, Inc MSM8953", Some("Qualcomm")),
            ("  SM8150  ", Some("Qualcomm")),
            ("MT6765", Some("MediaTek")),
            ("MT6765V/CB", Some("MediaTek")),
            ("Hardware : BCM2835", Some("Broadcom Inc.")),
            ("BCM2711", Some("Broadcom Inc.")),
            ("Raspberry Pi 4 Model B Rev 1.4", Some("Broadcom Inc.")),
            ("SAMSUNG EXYNOS", Some("Samsung Electronics")),
            ("Samsung EXYNOS5433", Some("Samsung Electronics")),
            ("Kirin970", Some("HiSilicon")),
            ("hi3660", Some("HiSilicon")),
            ("SC9863A", Some("Unisoc")),
            ("Spreadtrum SC9832", Some("Unisoc")),
            ("ums512", Some("Unisoc")),
            ("RK3399", Some("Rockchip Electronics")),
            ("sun50iw1p1", Some("Allwinner Technology")),
            ("Allwinner sun8i Family", Some("Allwinner Technology")),
            ("Amlogic", Some("Amlogic")),
            (
                "Freescale i.MX6 Quad/DualLite (Device Tree)",
                Some("NXP Semiconductors"),
            ),
            ("NVIDIA Tegra SoC", Some("NVIDIA Corporation")),
            (
                "Generic AM33XX (Flattened Device Tree)",
                Some("Texas Instruments"),
            ),
            ("StarFive VisionFive 2 v1.3B", Some("StarFive Technology")),
            // Negative cases: nothing to go on, or a board name that does not say which SoC.
            ("", None),
            ("   ", None),
            ("Generic DT based system", None),
            ("Samsung Galaxy S21", None),
            ("QEMU Virtual Machine", None),
            ("MT65", None),
            ("SMT6765", None),
        ];
        for (input, want) in cases {
            assert_eq!(name(&t, input).as_deref(), want, "{input:?}");
        }
        let a = t.0.attribute("Hardware : BCM2835", &t.1).unwrap();
        assert_eq!(a.country.unwrap().as_str(), "US");
        assert_eq!(a.evidence[0].source, "kb:processors/soc-vendors.csv");
        assert_eq!(a.evidence[0].method, Method::KbPattern);
        assert_eq!(a.evidence[0].value.as_deref(), Some(r"\bbcm\d{4}"));
        assert_eq!(a.evidence[1].source, "kb:orgs/organisations.csv");
        let rpi =
            t.0.attribute("Raspberry Pi 5 Model B Rev 1.0", &t.1)
                .unwrap();
        assert_eq!(rpi.evidence[0].confidence, Confidence::Medium);
    }

    #[test]
    fn model_designers() {
        let t = load(MODEL, None).unwrap();
        let cases = [
            ("Loongson-3A5000", Some("Loongson Technology")),
            ("Loongson-3A6000-HV", Some("Loongson Technology")),
            ("Phytium FT-2000/4", Some("Phytium Technology")),
            ("FT-2000+/64", Some("Phytium Technology")),
            ("Kunpeng-920", Some("HiSilicon")),
            ("Apple M2 Max", Some("Apple Inc.")),
            (
                "Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz",
                Some("Intel Corporation"),
            ),
            (
                "AMD EPYC 7763 64-Core Processor",
                Some("Advanced Micro Devices"),
            ),
            (
                "Hygon C86 7185 32-core Processor",
                Some("Hygon Information Technology"),
            ),
            (
                "ZHAOXIN KaiXian KX-U6780A@2.7GHz",
                Some("Shanghai Zhaoxin Semiconductor"),
            ),
            ("E8C2", Some("MCST")),
            ("Baikal-M", Some("Baikal Electronics")),
            ("POWER9 (raw), altivec supported", Some("IBM")),
            ("Neoverse-N1", Some("Arm Ltd")),
            ("Cortex-A72", Some("Arm Ltd")),
            ("thead,c910", Some("T-Head Semiconductor")),
            ("SiFive U74-MC", Some("SiFive")),
            // Negative cases.
            ("", None),
            ("QEMU Virtual CPU version 2.5+", None),
            ("Common KVM processor", None),
            ("unknown", None),
            ("PowerPC e500v2", None),
            ("Pentamd 3000", None),
        ];
        for (input, want) in cases {
            assert_eq!(name(&t, input).as_deref(), want, "{input:?}");
        }
    }

    #[test]
    fn every_example_is_checked_at_load() {
        let h = "pattern,organisation,confidence,examples,notes,source\n";
        let cases = [
            (format!("{h}\\bfoo,Intel Corporation,high,bar,,s\n"), "kb: processors/soc-vendors.csv:2: example `bar` does not match"),
            (format!("{h}\\bfoo,Intel Corporation,high,,,s\n"), "kb: processors/soc-vendors.csv:2: missing `examples`"),
            (format!("{h}(foo,Intel Corporation,high,foo,,s\n"), "kb: processors/soc-vendors.csv:2: pattern `(foo` does not compile"),
            (format!("{h}foo,Intel,high,foo,,s\n"), "kb: processors/soc-vendors.csv:2: `Intel` is not canonical"),
            (format!("{h}foo,Intel Corporation,certain,foo,,s\n"), "kb: processors/soc-vendors.csv:2: unknown confidence `certain`"),
            (
                format!("{h}foo,Intel Corporation,high,foobar,,s\nbar,Advanced Micro Devices,high,foobar,,s\n"),
                "kb: processors/soc-vendors.csv:3: example `foobar` resolves to `Intel Corporation` (line 2) first",
            ),
        ];
        for (text, want) in cases {
            let text: &'static str = Box::leak(text.into_boxed_str());
            let err = load(SOC, Some(text)).expect_err(want).to_string();
            assert!(err.starts_with(want), "want {want}\n got {err}");
        }
    }
}
