//! [`SbomRecord`]: what one SBOM says about its components, whatever its format. Each parser
//! (`parse_cyclonedx_json.rs`, `parse_spdx_json.rs`) fills one; `supply.rs` classifies and
//! aggregates them. A component keeps the JSON path it was read at, so the evidence names it.

use sovstack_inventory::SbomFormat;

/// The components an SBOM may list at most; a larger one is refused (a real SBOM of a large
/// product lists tens of thousands).
pub const MAX_COMPONENTS: usize = 500_000;

/// A component's declared licence, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredLicence {
    /// SPDX ids or expressions (CycloneDX `license.id`, `expression`; SPDX `licenseDeclared`),
    /// each as written; several hold together.
    Expressions(Vec<String>),
    /// Licence names only (CycloneDX `license.name`), which may or may not be SPDX ids.
    Names(Vec<String>),
    /// Nothing declared (or SPDX `NOASSERTION`, `NONE`).
    None,
}

/// One component (CycloneDX) or package (SPDX).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentRecord {
    /// The JSON path of the component (`components[3].components[0]`, `packages[12]`).
    pub path: String,
    /// Its name, as written.
    pub name: String,
    /// Its package URL, as written.
    pub purl: Option<String>,
    /// Its licence.
    pub licence: DeclaredLicence,
    /// The supplier the SBOM names (CycloneDX `supplier.name`; SPDX `supplier` without its
    /// `Organization: ` or `Person: ` prefix).
    pub supplier: Option<String>,
}

/// One SBOM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SbomRecord {
    /// Its format.
    pub format: SbomFormat,
    /// `specVersion` or `spdxVersion`, as written.
    pub spec_version: String,
    /// The tools it says made it.
    pub tools: Vec<String>,
    /// Its components, the document's own subject left out, in document order.
    pub components: Vec<ComponentRecord>,
}

/// A `serde_path_to_error` failure as `line L, column C: at PATH: message`.
pub(crate) fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let message = inner.to_string();
    let message = message.split(" at line ").next().unwrap_or_default();
    let at = if path == "." || path == "?" || path.is_empty() {
        String::new()
    } else {
        format!("at `{path}`: ")
    };
    format!(
        "line {}, column {}: {at}{message}",
        inner.line(),
        inner.column()
    )
}

/// Trims a string, `None` when blank.
pub(crate) fn non_blank(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}
