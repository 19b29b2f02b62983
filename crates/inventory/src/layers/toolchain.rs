//! The `toolchain` layer: which compilers, linkers, C libraries and runtimes built the binaries
//! found in the walked trees (schema 1.2.0).
//!
//! The layer's items are [`ToolchainUse`]s, one per component, toolchain and version group
//! ("compiler gcc 12: 1,840 binaries"), each weighing the number of binaries it built, so that a
//! ruleset judging concentration sees "61% of binaries built by GCC" and not "one toolchain among
//! four". The binaries themselves, with the evidence of every detection, are listed in
//! [`ToolchainLayer::binaries`] for anyone who wants to check a count.
//!
//! Unknown stays unknown: a binary whose compiler (or linker) left no mark counts under an item
//! with no toolchain, whose actor has no name. A binary with no C library or runtime mark is not
//! counted for those components at all: a static Go program has no C library, which is not the
//! same as an unknown one.

use crate::{Actor, Evidence, Item};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The toolchain layer's section.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
pub struct ToolchainLayer {
    /// The trees and files walked, as seen inside the root, in the order given.
    pub paths: Vec<String>,
    /// Regular files seen.
    pub files: u64,
    /// Files not opened because their name marks a format that is never an executable
    /// (`.py`, `.gz`, `.png`, ...); zero when every file was opened.
    #[serde(default)]
    pub skipped_by_name: u64,
    /// ELF, PE and Mach-O files found.
    pub binaries: u64,
    /// The layer's items: one per component, toolchain and version group, largest first within
    /// each component.
    pub toolchains: Vec<ToolchainUse>,
    /// Every binary found, by path, with what was detected in it.
    #[serde(default)]
    pub binary_files: Vec<BinaryFile>,
}

/// What part of the toolchain something is about.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ToolchainComponent {
    /// The compiler of the program's own code.
    Compiler,
    /// The linker that produced the file.
    Linker,
    /// The C library it links or requires.
    Libc,
    /// A runtime it targets (.NET CLR, MinGW-w64).
    Runtime,
}

impl ToolchainComponent {
    /// The snake_case name (also the actor role of the component's steward).
    pub fn as_str(self) -> &'static str {
        match self {
            ToolchainComponent::Compiler => "compiler",
            ToolchainComponent::Linker => "linker",
            ToolchainComponent::Libc => "libc",
            ToolchainComponent::Runtime => "runtime",
        }
    }
}

impl std::fmt::Display for ToolchainComponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a toolchain is free software.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ToolchainLicence {
    /// Free and open-source.
    Free,
    /// Proprietary.
    Proprietary,
}

/// One toolchain (at one version group) in one component, and how many binaries it built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolchainUse {
    /// `compiler/gcc/12`, `linker/gnu-ld`, `compiler/unknown`.
    pub id: String,
    /// The component.
    pub component: ToolchainComponent,
    /// The toolchain's id in `kb:toolchain/toolchains.csv`; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<String>,
    /// Its name (`GNU Compiler Collection (GCC)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The version group (`12` for GCC 12.2.0, `1.95` for rustc 1.95.0); absent when no binary
    /// stated one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Free or proprietary, from the knowledge base; absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<ToolchainLicence>,
    /// How many binaries it built (its weight when judged).
    pub binaries: u64,
    /// A few of those binaries, sorted, to show (at most 5).
    #[serde(default)]
    pub examples: Vec<String>,
    /// Who packaged the toolchain, as those binaries say (`Debian 12.2.0-14`, `Red Hat
    /// 8.5.0-28`), sorted; GCC's default `GNU` names no packager (schema 1.2.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packagers: Vec<String>,
    /// The steward of the toolchain, in the component's role; without a name when unknown.
    pub actors: Vec<Actor>,
}

impl Item for ToolchainUse {
    fn id(&self) -> &str {
        &self.id
    }
    fn label(&self) -> String {
        let what = self.component.as_str();
        match (&self.toolchain, &self.version) {
            (Some(t), Some(v)) => format!("{what}: {t} {v}"),
            (Some(t), None) => format!("{what}: {t}"),
            (None, _) => format!("{what}: unknown"),
        }
    }
    fn actors(&self) -> &[Actor] {
        &self.actors
    }
    fn weight(&self) -> Option<f64> {
        Some(self.binaries as f64)
    }
}

/// The container format of a binary.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum BinaryFormat {
    /// ELF.
    Elf,
    /// PE/COFF.
    Pe,
    /// A single-architecture Mach-O.
    MachO,
    /// A fat (universal) Mach-O.
    MachOFat,
}

/// One binary and what was detected in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BinaryFile {
    /// The file, as seen inside the root.
    pub path: String,
    /// Its container format.
    pub format: BinaryFormat,
    /// Its architectures (several for a fat Mach-O).
    #[serde(default)]
    pub arches: Vec<String>,
    /// Every toolchain mark found, compilers first; none means every component is unknown.
    #[serde(default)]
    pub detections: Vec<ToolchainDetection>,
}

/// One toolchain mark in one binary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolchainDetection {
    /// The component.
    pub component: ToolchainComponent,
    /// The toolchain's id in `kb:toolchain/toolchains.csv`.
    pub toolchain: String,
    /// The version as the file states it (`12.2.0`, `go1.22.2`, `VS2022 (17.x)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Who built or distributed the toolchain, as the file says (`Debian 12.2.0-14`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// Further facts (`requires GLIBC_2.34`, `module github.com/evanw/esbuild`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Where it was read: the section or header and file offset, and the raw string.
    pub evidence: Vec<Evidence>,
}
