//! The answer for one file: its format, the toolchains detected with their evidence, and the
//! raw facts (Rich header entries, Mach-O platforms) a later layer may want to show.
//!
//! Versions are kept as the file states them; [`Detection::version_key`] groups them for
//! aggregation (GCC 12.2.0 and 12.3.0 are both "12").

use serde::Serialize;
use sovstack_inventory::{Confidence, Evidence};
use std::fmt;

/// The container format of a binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// ELF (Linux, BSDs, most Unix).
    Elf,
    /// PE/COFF (Windows; UEFI).
    Pe,
    /// A single-architecture Mach-O (macOS, iOS).
    MachO,
    /// A fat (universal) Mach-O holding several architectures.
    MachOFat,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Elf => "ELF",
            Format::Pe => "PE",
            Format::MachO => "Mach-O",
            Format::MachOFat => "Mach-O universal",
        })
    }
}

/// What part of the toolchain a detection is about: compiler, linker, C library or runtime
/// (the inventory's component, which the knowledge base's signatures name too).
pub use sovstack_inventory::ToolchainComponent as Component;

/// One toolchain found in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detection {
    /// Compiler, linker, C library or runtime.
    pub component: Component,
    /// The toolchain's id in `kb:toolchain/toolchains.csv` (`sovstack_kb::Kb::toolchain` gives
    /// its steward).
    pub toolchain: String,
    /// The version the evidence states, as written (`12.2.0`, `1.95.0`, `go1.22.2`, for MSVC the
    /// Visual Studio product `VS2010 (10.0)`); `None` when the evidence gives none. For a C
    /// library it is absent: the symbol versions a file needs are only a floor (see `detail`).
    pub version: Option<String>,
    /// Who built or distributed the toolchain, as the file says (`Debian 12.2.0-14`, `Ubuntu`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Further facts (`module github.com/evanw/esbuild`, `requires GLIBC_2.34`, `build 40219`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Where it was read. `field` names the section or header and the file offset
    /// (`.comment @ 0x3a2c`); `value` holds the raw string.
    pub evidence: Vec<Evidence>,
}

impl Detection {
    /// The highest confidence of its evidence (any one solid piece suffices).
    pub fn confidence(&self) -> Confidence {
        self.evidence
            .iter()
            .map(|e| e.confidence)
            .max()
            .unwrap_or(Confidence::Low)
    }

    /// The version grouped for aggregation: the major version for C toolchains and linkers
    /// (`12`), major.minor for Go and Rust, whose minor releases are the toolchain releases
    /// (`1.95`, `go1.22`), the whole string otherwise.
    pub fn version_key(&self) -> Option<String> {
        let v = self.version.as_deref()?;
        let parts: Vec<&str> = v.split('.').collect();
        let key = match self.toolchain.as_str() {
            "go" | "rustc" | "swift" if parts.len() >= 2 => {
                let minor: String = parts[1]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                format!("{}.{minor}", parts[0])
            }
            "gcc" | "clang" | "apple-clang" | "lld" | "mold" | "gold" | "apple-ld"
            | "intel-oneapi" | "fpc" => parts[0].to_string(),
            _ => v.to_string(),
        };
        Some(key)
    }

    /// A short label: `gcc 12.2.0`, or `gcc` when no version is known.
    pub fn label(&self) -> String {
        match &self.version {
            Some(v) => format!("{} {v}", self.toolchain),
            None => self.toolchain.clone(),
        }
    }
}

/// The target platform a Mach-O slice declares (`LC_BUILD_VERSION` or `LC_VERSION_MIN_*`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Platform {
    /// The architecture of the slice (`arm64`, `x86_64`).
    pub arch: String,
    /// The platform (`macOS`, `iOS`), from `kb:toolchain/macho-platforms.csv`.
    pub name: String,
    /// The minimum OS version (`11.0`).
    pub min_os: String,
    /// The SDK version (`14.2`); `None` where the command has no SDK field value (`0.0.0`).
    pub sdk: Option<String>,
    /// Where it was read.
    pub evidence: Evidence,
}

/// One decoded entry of a PE Rich header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RichEntry {
    /// The product id (high 16 bits of the comp id).
    pub prod_id: u16,
    /// The tool's build number (low 16 bits).
    pub build: u16,
    /// How many objects this tool produced.
    pub count: u32,
    /// The tool (`Utc1900_CPP`, `Linker1400`), from `kb:toolchain/msvc-rich-prodids.csv`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool: Option<String>,
    /// The object kind (`C`, `CPP`, `LNK`, `ASM`, `RES`...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The exact release, when `kb:toolchain/msvc-rich-compids.csv` knows this comp id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
}

/// Everything detected in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BinaryReport {
    /// The container format.
    pub format: Format,
    /// The architectures (one, or several for a fat Mach-O).
    pub arches: Vec<String>,
    /// What was found, compilers first; a component with no detection is unknown.
    pub detections: Vec<Detection>,
    /// Mach-O target platforms, one per slice that declares one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub platforms: Vec<Platform>,
    /// PE Rich header entries, in file order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rich: Vec<RichEntry>,
    /// Facts read that attribute nothing on their own (a PE linker version with no Rich
    /// header): kept so a reader can see them, never turned into a detection.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unattributed: Vec<Evidence>,
}

impl BinaryReport {
    /// The detections of one component.
    pub fn of(&self, component: Component) -> impl Iterator<Item = &Detection> {
        self.detections
            .iter()
            .filter(move |d| d.component == component)
    }

    /// The detection a binary counts under for one component when aggregating: its primary
    /// compiler, or the first linker, C library or runtime found. `None` means none was found.
    pub fn primary(&self, component: Component) -> Option<&Detection> {
        match component {
            Component::Compiler => self.primary_compiler(),
            other => self.of(other).next(),
        }
    }

    /// The compiler of the program's own code, for aggregation. A language toolchain that
    /// links a C runtime in (Go, Rust, Swift, Free Pascal) comes before the C compilers whose
    /// `.comment` lines arrive with the C runtime objects; among equals the newest version
    /// wins, because the distribution's crt objects are usually older than the program.
    /// `None` means the compiler is unknown.
    pub fn primary_compiler(&self) -> Option<&Detection> {
        const RANK: &[&str] = &[
            "go",
            "rustc",
            "swift",
            "fpc",
            "intel-oneapi",
            "apple-clang",
            "clang",
            "msvc",
            "gcc",
        ];
        let rank = |d: &Detection| {
            RANK.iter()
                .position(|t| *t == d.toolchain)
                .unwrap_or(RANK.len())
        };
        self.of(Component::Compiler).min_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then_with(|| version_cmp(b.version.as_deref(), a.version.as_deref()))
        })
    }
}

/// Orders dotted versions numerically where they are numbers (`12.10` after `12.9`).
pub(crate) fn version_cmp(a: Option<&str>, b: Option<&str>) -> std::cmp::Ordering {
    fn parts(v: &str) -> Vec<u64> {
        v.split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap_or(u64::MAX))
            .collect()
    }
    match (a, b) {
        (Some(a), Some(b)) => parts(a).cmp(&parts(b)),
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn det(toolchain: &str, version: Option<&str>) -> Detection {
        Detection {
            component: Component::Compiler,
            toolchain: toolchain.into(),
            version: version.map(Into::into),
            vendor: None,
            detail: None,
            evidence: vec![],
        }
    }

    #[test]
    fn version_keys() {
        let cases = [
            ("gcc", "12.2.0", "12"),
            ("clang", "16.0.6", "16"),
            ("rustc", "1.95.0", "1.95"),
            ("rustc", "1.80.0-nightly", "1.80"),
            ("go", "go1.22.2", "go1.22"),
            ("msvc", "VS2010 (10.0)", "VS2010 (10.0)"),
        ];
        for (t, v, want) in cases {
            assert_eq!(
                det(t, Some(v)).version_key().as_deref(),
                Some(want),
                "{t} {v}"
            );
        }
        assert_eq!(det("gcc", None).version_key(), None);
    }

    #[test]
    fn primary_prefers_language_toolchains_then_newest() {
        let r = BinaryReport {
            format: Format::Elf,
            arches: vec![],
            detections: vec![
                det("gcc", Some("12.2.0")),
                det("rustc", Some("1.95.0")),
                det("gcc", Some("12.10.0")),
            ],
            platforms: vec![],
            rich: vec![],
            unattributed: vec![],
        };
        assert_eq!(r.primary_compiler().unwrap().toolchain, "rustc");
        let r = BinaryReport {
            detections: vec![det("gcc", Some("12.2.0")), det("gcc", Some("12.10.0"))],
            ..r
        };
        assert_eq!(
            r.primary_compiler().unwrap().version.as_deref(),
            Some("12.10.0")
        );
        let r = BinaryReport {
            detections: vec![],
            ..r
        };
        assert!(r.primary_compiler().is_none());
    }
}
