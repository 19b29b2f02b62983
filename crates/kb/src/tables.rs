//! The embedded tables and the generic CSV reading every table family shares.
//!
//! This module owns the list of embedded files ([`BUILTIN`]), their licences, the [`TableInfo`]
//! summaries and hashes, the [`KbError`] type, and the small field parsers (confidence,
//! governance, hexadecimal ids, patterns) with error messages that name table and line. What a
//! row *means* is left to the family modules (`geo`, `orgs`, `processors`, `patterns`, `os`,
//! `toolchain`).

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use sovstack_inventory::{Confidence, Evidence, Governance, Method};
use std::borrow::Cow;

/// The licence of the tables compiled by this project.
const OWN: &str = "Apache-2.0 OR MIT";
/// The licence note of the tables whose ids and names come from util-linux.
const UTIL_LINUX: &str =
    "Apache-2.0 OR MIT; ids and names from util-linux lscpu-arm.c (see NOTICE)";
/// The licence note of the device-tree vendor prefixes, facts taken from the Linux kernel.
const HYPERVISORS: &str = "Apache-2.0 OR MIT; strings from systemd src/basic/virt.c (LGPL-2.1-or-later) and the GLPI agent's Vmsystem.pm (GPL-2.0-or-later), see NOTICE";
const DT_PREFIXES: &str = "Apache-2.0 OR MIT; prefixes and company names from Linux Documentation/devicetree/bindings/vendor-prefixes.yaml (GPL-2.0 OR BSD-2-Clause, see NOTICE)";
/// The licence of the world production figures: USGS publications are in the public domain.
const USGS: &str = "public domain (U.S. Geological Survey, Mineral Commodity Summaries 2026)";

/// The licence of the lifecycle dates, taken from endoflife.date.
const ENDOFLIFE: &str =
    "MIT; dates from endoflife.date (see NOTICE and lifecycle/endoflife/LICENSE)";
/// The licence of the MSVC Rich header tables, taken from richprint.
const RICHPRINT: &str =
    "BSD-2-Clause; from dishather/richprint comp_id.txt (see NOTICE and LICENSE-richprint-BSD-2-Clause.txt)";

/// The licence of PyPI's trove classifiers, taken from the trove-classifiers package.
const TROVE: &str = "Apache-2.0; classifiers from PyPI's trove-classifiers package (see NOTICE and software/LICENSE-trove-classifiers-Apache-2.0.txt)";

/// Every embedded table, in the fixed order used for hashing and for [`crate::Kb::tables`].
pub(crate) const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "geo/countries.csv",
        include_str!("../data/geo/countries.csv"),
        OWN,
    ),
    ("geo/blocs.csv", include_str!("../data/geo/blocs.csv"), OWN),
    (
        "geo/bloc-members.csv",
        include_str!("../data/geo/bloc-members.csv"),
        OWN,
    ),
    ("geo/laws.csv", include_str!("../data/geo/laws.csv"), OWN),
    (
        "orgs/organisations.csv",
        include_str!("../data/orgs/organisations.csv"),
        OWN,
    ),
    (
        "processors/x86-cpuid-vendors.csv",
        include_str!("../data/processors/x86-cpuid-vendors.csv"),
        OWN,
    ),
    (
        "processors/arm-midr-implementers.csv",
        include_str!("../data/processors/arm-midr-implementers.csv"),
        UTIL_LINUX,
    ),
    (
        "processors/arm-midr-parts.csv",
        include_str!("../data/processors/arm-midr-parts.csv"),
        UTIL_LINUX,
    ),
    (
        "processors/riscv-mvendorid.csv",
        include_str!("../data/processors/riscv-mvendorid.csv"),
        OWN,
    ),
    (
        "processors/isa.csv",
        include_str!("../data/processors/isa.csv"),
        OWN,
    ),
    (
        "processors/soc-vendors.csv",
        include_str!("../data/processors/soc-vendors.csv"),
        OWN,
    ),
    (
        "processors/captive-arm-implementers.csv",
        include_str!("../data/processors/captive-arm-implementers.csv"),
        OWN,
    ),
    (
        "processors/x86-family-foundry.csv",
        include_str!("../data/processors/x86-family-foundry.csv"),
        OWN,
    ),
    (
        "processors/dt-vendor-prefixes.csv",
        include_str!("../data/processors/dt-vendor-prefixes.csv"),
        DT_PREFIXES,
    ),
    (
        "processors/model-designers.csv",
        include_str!("../data/processors/model-designers.csv"),
        OWN,
    ),
    (
        "processors/foundries.csv",
        include_str!("../data/processors/foundries.csv"),
        OWN,
    ),
    (
        "processors/processor-foundry.csv",
        include_str!("../data/processors/processor-foundry.csv"),
        OWN,
    ),
    (
        "os/os-release-ids.csv",
        include_str!("../data/os/os-release-ids.csv"),
        OWN,
    ),
    (
        "os/kernels.csv",
        include_str!("../data/os/kernels.csv"),
        OWN,
    ),
    (
        "os/vendor-systems.csv",
        include_str!("../data/os/vendor-systems.csv"),
        OWN,
    ),
    (
        "lifecycle/endoflife.csv",
        include_str!("../data/lifecycle/endoflife.csv"),
        ENDOFLIFE,
    ),
    (
        "lifecycle/os-products.csv",
        include_str!("../data/lifecycle/os-products.csv"),
        OWN,
    ),
    (
        "lifecycle/os-name-products.csv",
        include_str!("../data/lifecycle/os-name-products.csv"),
        OWN,
    ),
    (
        "lifecycle/intel-cpuid-cycles.csv",
        include_str!("../data/lifecycle/intel-cpuid-cycles.csv"),
        OWN,
    ),
    (
        "lifecycle/vendor-os-floor.csv",
        include_str!("../data/lifecycle/vendor-os-floor.csv"),
        OWN,
    ),
    (
        "materials/production.csv",
        include_str!("../data/materials/production.csv"),
        USGS,
    ),
    (
        "materials/crma.csv",
        include_str!("../data/materials/crma.csv"),
        OWN,
    ),
    (
        "materials/components.csv",
        include_str!("../data/materials/components.csv"),
        OWN,
    ),
    (
        "materials/device-components.csv",
        include_str!("../data/materials/device-components.csv"),
        OWN,
    ),
    (
        "lifecycle/free-os-ports.csv",
        include_str!("../data/lifecycle/free-os-ports.csv"),
        OWN,
    ),
    (
        "lifecycle/windows-builds.csv",
        include_str!("../data/lifecycle/windows-builds.csv"),
        ENDOFLIFE,
    ),
    (
        "toolchain/toolchains.csv",
        include_str!("../data/toolchain/toolchains.csv"),
        OWN,
    ),
    (
        "toolchain/binary-signatures.csv",
        include_str!("../data/toolchain/binary-signatures.csv"),
        OWN,
    ),
    (
        "toolchain/msvc-rich-prodids.csv",
        include_str!("../data/toolchain/msvc-rich-prodids.csv"),
        RICHPRINT,
    ),
    (
        "toolchain/msvc-rich-compids.csv",
        include_str!("../data/toolchain/msvc-rich-compids.csv"),
        RICHPRINT,
    ),
    (
        "toolchain/macho-build-tools.csv",
        include_str!("../data/toolchain/macho-build-tools.csv"),
        OWN,
    ),
    (
        "toolchain/macho-platforms.csv",
        include_str!("../data/toolchain/macho-platforms.csv"),
        OWN,
    ),
    (
        "devices/makers.csv",
        include_str!("../data/devices/makers.csv"),
        OWN,
    ),
    (
        "devices/hypervisors.csv",
        include_str!("../data/devices/hypervisors.csv"),
        HYPERVISORS,
    ),
    (
        "devices/high-risk-vendors.csv",
        include_str!("../data/devices/high-risk-vendors.csv"),
        OWN,
    ),
    (
        "software/registries.csv",
        include_str!("../data/software/registries.csv"),
        OWN,
    ),
    (
        "software/pypi-osi-classifiers.csv",
        include_str!("../data/software/pypi-osi-classifiers.csv"),
        TROVE,
    ),
];

/// A problem with an embedded table. The message names the table and, for a row, its 1-based
/// line (the header is line 1), e.g. `kb: geo/bloc-members.csv:12: unknown bloc `XX``.
#[derive(Debug, thiserror::Error)]
pub enum KbError {
    /// A row is malformed or inconsistent with another table.
    #[error("kb: {table}:{line}: {message}")]
    Row {
        /// Table path under `data/`, e.g. `geo/countries.csv`.
        table: String,
        /// 1-based line of the row (the header is line 1).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// The table as a whole is unusable (missing, or not CSV at all).
    #[error("kb: {table}: {message}")]
    Table {
        /// Table path under `data/`.
        table: String,
        /// What is wrong.
        message: String,
    },
}

/// Shorthand for a row error.
pub(crate) fn row_err(table: &str, line: u64, message: impl Into<String>) -> KbError {
    KbError::Row {
        table: table.to_string(),
        line,
        message: message.into(),
    }
}

/// One embedded table, as handed to the loader. Tests swap the text of one table to check
/// that validation catches a bad row.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub path: &'static str,
    pub text: Cow<'static, str>,
    pub licence: &'static str,
}

impl Source {
    /// The built-in tables.
    pub fn builtin() -> Vec<Source> {
        BUILTIN
            .iter()
            .map(|&(path, text, licence)| Source {
                path,
                text: Cow::Borrowed(text),
                licence,
            })
            .collect()
    }
}

/// Finds a table's text among the sources.
pub(crate) fn text_of<'a>(sources: &'a [Source], path: &str) -> Result<&'a str, KbError> {
    sources
        .iter()
        .find(|s| s.path == path)
        .map(|s| s.text.as_ref())
        .ok_or_else(|| KbError::Table {
            table: path.to_string(),
            message: "table is missing".to_string(),
        })
}

/// Summary of one embedded table, for `sovstack kb` listings and provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// Path under `crates/kb/data/`, e.g. `processors/x86-cpuid-vendors.csv`.
    pub path: &'static str,
    /// Data rows (the header not counted).
    pub rows: usize,
    /// sha256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Licence of the data (see `NOTICE` and `crates/kb/data/LICENSES/`).
    pub licence: &'static str,
}

/// A deserialised row and the line it starts on.
#[derive(Debug)]
pub(crate) struct Row<T> {
    pub line: u64,
    pub rec: T,
}

/// Reads a CSV table with a header into rows. Unknown or missing columns are errors (the
/// record types use `deny_unknown_fields`), as is a record with the wrong number of fields.
pub(crate) fn read<T: DeserializeOwned>(table: &str, text: &str) -> Result<Vec<Row<T>>, KbError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let headers = reader.headers().map_err(|e| csv_err(table, e))?.clone();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line());
                let rec: T = record
                    .deserialize(Some(&headers))
                    .map_err(|e| row_err(table, line, deser_message(&e)))?;
                rows.push(Row { line, rec });
            }
            Err(e) => return Err(csv_err(table, e)),
        }
    }
    Ok(rows)
}

/// Counts a table's data rows.
pub(crate) fn count_rows(table: &str, text: &str) -> Result<usize, KbError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut n = 0;
    for r in reader.records() {
        r.map_err(|e| csv_err(table, e))?;
        n += 1;
    }
    Ok(n)
}

fn csv_err(table: &str, e: csv::Error) -> KbError {
    match e.position() {
        Some(p) => row_err(table, p.line(), deser_message(&e)),
        None => KbError::Table {
            table: table.to_string(),
            message: e.to_string(),
        },
    }
}

/// The csv crate's message without its own position prefix (we add ours).
fn deser_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Deserialize { err, .. } => match err.field() {
            Some(i) => format!("field {}: {}", i + 1, err.kind()),
            None => err.kind().to_string(),
        },
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("{len} fields, expected {expected_len}")
        }
        other => format!("{other:?}"),
    }
}

/// sha256 of some bytes, lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hash over all tables: for each table in order, its path, a NUL byte, its bytes and
/// another NUL byte.
pub(crate) fn combined_sha256(sources: &[Source]) -> String {
    let mut h = Sha256::new();
    for s in sources {
        h.update(s.path.as_bytes());
        h.update([0]);
        h.update(s.text.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// Fails when a required field is empty.
pub(crate) fn required(table: &str, line: u64, field: &str, value: &str) -> Result<(), KbError> {
    if value.trim().is_empty() {
        Err(row_err(table, line, format!("missing `{field}`")))
    } else {
        Ok(())
    }
}

/// Parses `high`, `medium` or `low`.
pub(crate) fn confidence(table: &str, line: u64, value: &str) -> Result<Confidence, KbError> {
    match value {
        "high" => Ok(Confidence::High),
        "medium" => Ok(Confidence::Medium),
        "low" => Ok(Confidence::Low),
        _ => Err(row_err(
            table,
            line,
            format!("unknown confidence `{value}` (high, medium, low)"),
        )),
    }
}

/// Parses a governance value as spelled in the inventory (`open_standard`, `community`, ...).
pub(crate) fn governance(table: &str, line: u64, value: &str) -> Result<Governance, KbError> {
    Ok(match value {
        "open_standard" => Governance::OpenStandard,
        "community" => Governance::Community,
        "foundation" => Governance::Foundation,
        "company" => Governance::Company,
        "state" => Governance::State,
        "unknown" => Governance::Unknown,
        _ => {
            return Err(row_err(
                table,
                line,
                format!(
                    "unknown governance `{value}` (open_standard, community, foundation, company, \
                     state, unknown)"
                ),
            ))
        }
    })
}

/// Parses a `0x`-prefixed hexadecimal id, as lscpu and Linux print them.
pub(crate) fn hex_id(table: &str, line: u64, field: &str, value: &str) -> Result<u64, KbError> {
    value
        .strip_prefix("0x")
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .ok_or_else(|| {
            row_err(
                table,
                line,
                format!("`{field}` `{value}` is not a 0x-prefixed hex id"),
            )
        })
}

/// Compiles a pattern of the KB pattern language: a `regex` crate regular expression, matched
/// case-insensitively anywhere in the trimmed input (anchor with `^`/`$` when needed).
pub(crate) fn pattern(table: &str, line: u64, value: &str) -> Result<regex::Regex, KbError> {
    required(table, line, "pattern", value)?;
    regex::RegexBuilder::new(value)
        .case_insensitive(true)
        .build()
        .map_err(|e| {
            row_err(
                table,
                line,
                format!("pattern `{value}` does not compile: {e}"),
            )
        })
}

/// Splits a `;`-separated list, dropping empty items.
pub(crate) fn list(value: &str) -> Vec<&str> {
    value
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Evidence pointing at a KB row.
pub(crate) fn evidence(
    table: &str,
    line: u64,
    field: &str,
    value: &str,
    method: Method,
    confidence: Confidence,
) -> Evidence {
    Evidence {
        source: format!("kb:{table}"),
        field: Some(field.to_string()),
        line: Some(u32::try_from(line).unwrap_or(u32::MAX)),
        value: Some(value.to_string()),
        method,
        confidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Two {
        a: String,
        b: u16,
    }

    #[test]
    fn reads_rows_with_their_lines() {
        let rows: Vec<Row<Two>> = read("t.csv", "a,b\nx,1\n\"multi\nline\",2\ny,3\n").unwrap();
        let got: Vec<(u64, &str, u16)> = rows
            .iter()
            .map(|r| (r.line, r.rec.a.as_str(), r.rec.b))
            .collect();
        assert_eq!(got, vec![(2, "x", 1), (3, "multi\nline", 2), (5, "y", 3)]);
    }

    #[test]
    fn malformed_rows_name_table_and_line() {
        let cases = [
            ("a,b\nx,1\ny,notanumber\n", "kb: t.csv:3: field 2"),
            ("a,b\nx,1\ny\n", "kb: t.csv:3: 1 fields, expected 2"),
            ("a,b,c\nx,1,z\n", "kb: t.csv:2: "),
            ("a\nx\n", "kb: t.csv:2: "),
        ];
        for (text, want) in cases {
            let err = read::<Two>("t.csv", text).expect_err(text).to_string();
            assert!(err.starts_with(want), "{text:?}: {err}");
        }
    }

    #[test]
    fn field_parsers() {
        assert_eq!(confidence("t", 2, "medium").unwrap(), Confidence::Medium);
        assert!(confidence("t", 2, "sure")
            .unwrap_err()
            .to_string()
            .contains("t:2: unknown confidence"));
        assert_eq!(
            governance("t", 2, "open_standard").unwrap(),
            Governance::OpenStandard
        );
        assert!(governance("t", 2, "cooperative").is_err());
        assert_eq!(hex_id("t", 2, "part", "0xd0c").unwrap(), 0xd0c);
        for bad in ["d0c", "0x", "0xzz", ""] {
            assert!(hex_id("t", 2, "part", bad).is_err(), "{bad}");
        }
        assert!(
            required("t", 4, "name", " ").unwrap_err().to_string() == "kb: t:4: missing `name`"
        );
        assert!(pattern("t", 2, "(unclosed").is_err());
        assert!(pattern("t", 2, r"\bBCM\d{4}")
            .unwrap()
            .is_match("Hardware : bcm2835"));
        assert_eq!(list(" a; b;;c "), vec!["a", "b", "c"]);
    }

    #[test]
    fn builtin_tables_are_distinct_and_under_data() {
        let mut paths: Vec<&str> = BUILTIN.iter().map(|t| t.0).collect();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), BUILTIN.len());
        for (path, text, _) in BUILTIN {
            assert!(path.ends_with(".csv") && !text.is_empty(), "{path}");
            assert!(text.ends_with('\n'), "{path} lacks a final newline");
        }
    }
}
