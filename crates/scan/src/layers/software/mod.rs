//! The `software` layer: the registries an organisation's software components arrive through,
//! who operates them, and under which licences the components come, from its SBOMs. A scan
//! reads the SBOMs `--sbom` names; `scan --import` reads those among the files it imports (told
//! from content: [`detect`]). Both go through [`supply::SupplyBuilder`].
//!
//! SBOMs are inputs the user gives, not files of the scanned root: they are read directly, each
//! up to [`MAX_SBOM_BYTES`]; one that cannot be read or parsed is a diagnostic naming it, and
//! the others are still read.

pub mod parse_cyclonedx_json;
pub mod parse_spdx_json;
pub mod record;
pub mod supply;

use crate::collector::{Collector, Context, ScanOut};
use sovstack_inventory::SbomFormat;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bytes read from one SBOM at most (a CycloneDX SBOM of a large container image is a few MB).
pub const MAX_SBOM_BYTES: u64 = 64 * 1024 * 1024;

/// The `software` layer's options.
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct SoftwareOptions {
    /// SBOM files (CycloneDX 1.4-1.6 or SPDX 2.3, JSON; the format is told from the content)
    /// whose components make the software layer. Asks for the software layer. (An organisation's
    /// SBOMs can also be given to --import, among its inventories.)
    #[arg(long = "sbom", value_name = "FILE", help_heading = "Software layer")]
    pub sboms: Vec<PathBuf>,
}

impl SoftwareOptions {
    /// Whether these options ask for the layer: `--sbom`.
    pub fn ask_for_layer(&self) -> bool {
        !self.sboms.is_empty()
    }
}

/// The diagnostic codes of the software layer.
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        UNREADABLE = "scan/sbom-unreadable": "an SBOM given to --sbom could not be read, or is larger than the cap; it was skipped",
        MALFORMED = "scan/sbom-malformed": "an SBOM is not valid CycloneDX or SPDX JSON of a version read (the message names the JSON path, line and column); it was skipped",
        BAD_PURL = "scan/sbom-bad-purl": "components of an SBOM have a package URL that does not parse; they are counted as of unknown registry",
    }
}

/// The SBOM format a JSON document's top-level keys say it is: `bomFormat` CycloneDX,
/// `spdxVersion` SPDX. `None`: neither, or not a JSON object.
pub fn detect(text: &str) -> Option<SbomFormat> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Keys {
        bom_format: Option<serde::de::IgnoredAny>,
        spdx_version: Option<serde::de::IgnoredAny>,
    }
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if !t.starts_with('{') {
        return None;
    }
    let keys: Keys = serde_json::from_str(t).ok()?;
    if keys.bom_format.is_some() {
        Some(SbomFormat::Cyclonedx)
    } else if keys.spdx_version.is_some() {
        Some(SbomFormat::Spdx)
    } else {
        None
    }
}

/// Parses an SBOM of a known format.
pub fn parse(format: SbomFormat, text: &str) -> Result<record::SbomRecord, String> {
    let text = text.trim_start_matches('\u{feff}');
    match format {
        SbomFormat::Cyclonedx => parse_cyclonedx_json::cyclonedx_json(text),
        SbomFormat::Spdx => parse_spdx_json::spdx_json(text),
    }
}

/// The collector of `--sbom`.
pub(crate) struct SoftwareCollector {
    sboms: Vec<PathBuf>,
}

impl SoftwareCollector {
    pub fn new(options: &SoftwareOptions) -> Self {
        SoftwareCollector {
            sboms: options.sboms.clone(),
        }
    }
}

/// Reads a file up to the cap, as UTF-8.
fn read(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(MAX_SBOM_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_SBOM_BYTES {
        return Err(format!(
            "larger than {MAX_SBOM_BYTES} bytes, the cap per SBOM"
        ));
    }
    String::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

impl Collector for SoftwareCollector {
    fn collect(&self, cx: &Context<'_>, out: &mut ScanOut) {
        let mut builder = supply::SupplyBuilder::new(cx.kb);
        for path in &self.sboms {
            let shown = path.display().to_string();
            let text = match read(path) {
                Ok(t) => t,
                Err(e) => {
                    out.warn(codes::UNREADABLE, &shown, format!("{shown}: {e}; skipped"));
                    continue;
                }
            };
            let Some(format) = detect(&text) else {
                out.warn(
                    codes::MALFORMED,
                    &shown,
                    format!("{shown}: neither a CycloneDX (`bomFormat`) nor an SPDX (`spdxVersion`) JSON document; skipped"),
                );
                continue;
            };
            match parse(format, &text) {
                Ok(record) => builder.add(&shown, record),
                Err(e) => out.warn(codes::MALFORMED, &shown, format!("{shown}: {e}; skipped")),
            }
        }
        let (layer, diagnostics) = builder.finish();
        out.diagnostics.extend(diagnostics);
        out.layers.software = Some(layer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_from_content() {
        let table = [
            (r#"{"bomFormat":"CycloneDX"}"#, Some(SbomFormat::Cyclonedx)),
            (
                "\u{feff} {\"spdxVersion\":\"SPDX-2.3\"}",
                Some(SbomFormat::Spdx),
            ),
            (r#"{"deviceid":"x"}"#, None),
            ("[]", None),
            ("{", None),
        ];
        for (text, want) in table {
            assert_eq!(detect(text), want, "{text}");
        }
    }
}
