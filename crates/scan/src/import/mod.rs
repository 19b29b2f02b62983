//! `sovstack scan --import PATH...`: an organisation's fleet from the inventories it already
//! keeps, instead of one root. Files are GLPI native inventories (JSON), FusionInventory
//! inventories (XML), sovstack's own inventories, or SBOMs (CycloneDX and SPDX JSON, whose
//! components make the software layer: `layers/software/`), told apart by their content
//! ([`detect`]) unless a format is forced; directories are walked, in name order.
//!
//! Each file is read (up to [`MAX_IMPORT_BYTES`]), parsed (`parse_glpi_json.rs`,
//! `parse_fusion_xml.rs`, or [`Inventory::from_json`]), reduced to what sovstack uses and
//! dropped before the next is read; `fleet.rs` attributes and counts its host. A file that
//! cannot be read, is too large, malformed, of no known format or a partial update is a
//! diagnostic naming it, and the import goes on: one bad file among thousands never stops it.
//! Only paths that do not exist, or hold no file at all, are input errors.

pub mod fleet;
pub mod parse_fusion_xml;
pub mod parse_glpi_json;
pub mod record;

use crate::error::ScanError;
use crate::layers::software::{self, supply::SupplyBuilder};
use fleet::FleetBuilder;
use sovstack_inventory::{
    Diagnostic, DiagnosticSeverity, Generator, ImportFormat, Inventory, Layers, SbomFormat,
    SCHEMA_VERSION,
};
use sovstack_kb::Kb;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Bytes read from one imported file at most; a larger file is refused with a diagnostic.
/// GLPI's largest example (a desktop with its packages) is 1.4 MB.
pub const MAX_IMPORT_BYTES: u64 = 16 * 1024 * 1024;

/// The import's diagnostic codes.
pub mod codes {
    sovstack_inventory::diagnostic_codes! {
        UNREADABLE = "import/unreadable-file": "an imported file could not be read; it was skipped",
        TOO_LARGE = "import/file-too-large": "an imported file is larger than the import's cap; it was skipped unread",
        MALFORMED = "import/malformed-file": "an imported file is not valid in its format (the message says where); it was skipped",
        UNKNOWN_FORMAT = "import/unknown-format": "an imported file is neither GLPI JSON, FusionInventory XML, a sovstack inventory nor a CycloneDX or SPDX SBOM; it was skipped",
        PARTIAL = "import/partial-inventory": "a GLPI partial inventory updates some sections of a host and cannot stand for it; it was skipped",
        DUPLICATE_HOST = "import/duplicate-host": "two files describe the same device id; the host counts once, from the newer",
        NO_DEVICE_ID = "import/no-device-id": "an inventory names no device id; its host is counted by file",
        BAD_LOGDATE = "import/bad-logdate": "an inventory's collection date is not YYYY-MM-DD HH:MM:SS; it is left unknown",
        FLEET_INVENTORY = "import/fleet-inventory": "a sovstack inventory that is itself an imported fleet, whose per-host counts one file cannot stand for; it was skipped",
        LAYERS_NOT_IMPORTED = "import/layers-not-imported": "a sovstack inventory holds layers other than processor, os and devices, which an import does not aggregate",
    }
}

/// What to import.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOptions {
    /// Files and directories, as given.
    pub paths: Vec<PathBuf>,
    /// The format of every file, when forced (`--import-format`); else told from content.
    pub format: Option<ImportFormat>,
}

/// Why [`detect`] could not tell a document's format.
#[derive(Debug)]
pub enum Undetected {
    /// Not XML, and a JSON object with none of the keys that tell a format, or not a JSON
    /// object at all.
    Unknown,
    /// A JSON object (it starts with `{`) that does not parse: a truncated export, a stray
    /// comma. The error names the line and column where it breaks.
    Json(serde_json::Error),
}

/// The format a document's first bytes say it is: `<` an XML document (FusionInventory), `{` a
/// JSON object, which is sovstack's own when it has a `schema_version`, GLPI's when it has
/// a `deviceid` or `content`, a CycloneDX SBOM when it has a `bomFormat` and an SPDX one when
/// it has an `spdxVersion`. [`Undetected`] says why none of these, with the JSON parser's
/// error when a JSON object does not parse (the document is parsed once either way).
pub fn detect(text: &str) -> Result<ImportFormat, Undetected> {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('<') {
        return Ok(ImportFormat::FusioninventoryXml);
    }
    if !t.starts_with('{') {
        return Err(Undetected::Unknown);
    }
    #[derive(serde::Deserialize)]
    struct Keys {
        schema_version: Option<serde::de::IgnoredAny>,
        deviceid: Option<serde::de::IgnoredAny>,
        content: Option<serde::de::IgnoredAny>,
    }
    let keys: Keys = serde_json::from_str(t).map_err(Undetected::Json)?;
    if keys.schema_version.is_some() {
        Ok(ImportFormat::Sovstack)
    } else if keys.deviceid.is_some() || keys.content.is_some() {
        Ok(ImportFormat::GlpiJson)
    } else {
        software::detect(t)
            .map(|f| match f {
                SbomFormat::Cyclonedx => ImportFormat::Cyclonedx,
                SbomFormat::Spdx => ImportFormat::Spdx,
            })
            .ok_or(Undetected::Unknown)
    }
}

/// Every file under `paths`: files as given, directories walked in name order (hidden entries
/// and symbolic links to directories are not followed, so a walk never loops).
fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScanError> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ScanError> {
        let unreadable = |source| ScanError::ImportUnreadable {
            path: dir.to_path_buf(),
            source,
        };
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(unreadable)?
            .collect::<Result<_, _>>()
            .map_err(unreadable)?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            if e.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let path = e.path();
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false);
            if is_dir {
                walk(&path, out)?;
            } else if path.is_file() {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => ScanError::ImportNotFound(p.clone()),
            _ => ScanError::ImportUnreadable {
                path: p.clone(),
                source,
            },
        })?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    if out.is_empty() {
        return Err(ScanError::ImportNothing(
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    Ok(out)
}

/// Reads one file, capped; `Err` is the diagnostic.
fn read_capped(path: &Path, shown: &str) -> Result<String, Diagnostic> {
    let fail = |code: &str, message: String| Diagnostic {
        code: code.to_string(),
        severity: DiagnosticSeverity::Warning,
        message,
        path: Some(shown.to_string()),
    };
    let file = std::fs::File::open(path)
        .map_err(|e| fail(codes::UNREADABLE, format!("{shown}: {e}; skipped")))?;
    let mut bytes = Vec::new();
    file.take(MAX_IMPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(codes::UNREADABLE, format!("{shown}: {e}; skipped")))?;
    if bytes.len() as u64 > MAX_IMPORT_BYTES {
        return Err(fail(
            codes::TOO_LARGE,
            format!(
                "{shown}: larger than {MAX_IMPORT_BYTES} bytes, the import's cap per file; skipped"
            ),
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        fail(
            codes::MALFORMED,
            format!("{shown}: not UTF-8 text (byte {at}); skipped"),
        )
    })
}

/// Imports the files under `opts.paths` into a fleet inventory: its `fleet` section lists the
/// hosts, and its processor, os and devices layers hold one item per distinct processor, system
/// and device maker, each counting the hosts it stands for; when SBOMs are among the files, its
/// software layer holds their components. `progress` is told each file done.
pub fn import(
    opts: &ImportOptions,
    kb: &Kb,
    progress: &dyn Fn(crate::Progress),
) -> Result<Inventory, ScanError> {
    let files = files(&opts.paths)?;
    let mut builder = FleetBuilder::new(kb);
    let mut supply = SupplyBuilder::new(kb);
    let mut sboms = 0usize;
    let mut diagnostics = Vec::new();
    let (mut imported, mut skipped) = (0u64, 0u64);
    for (n, path) in files.iter().enumerate() {
        let shown = path.display().to_string();
        match import_one(&mut builder, &mut supply, path, &shown, opts.format) {
            Ok(sbom) => {
                imported += 1;
                sboms += usize::from(sbom);
            }
            Err(d) => {
                skipped += 1;
                diagnostics.push(d);
            }
        }
        progress(crate::Progress::Import {
            done: n + 1,
            total: files.len(),
        });
    }
    let fleet::Finished {
        mut fleet,
        processors,
        systems,
        devices,
        diagnostics: builder_diagnostics,
    } = builder.finish();
    fleet.inputs = opts.paths.iter().map(|p| p.display().to_string()).collect();
    fleet.files_imported = imported;
    fleet.files_skipped = skipped;
    diagnostics.extend(builder_diagnostics);
    let (software, supply_diagnostics) = supply.finish();
    diagnostics.extend(supply_diagnostics);
    let mut layers = Layers {
        processor: Some(processors),
        os: Some(systems),
        devices: Some(devices),
        software: (sboms > 0).then_some(software),
        ..Default::default()
    };
    // The materials the fleet's processors and devices depend on: the same derivation as a
    // root's scan (the materials collector).
    layers.materials = Some(crate::materials_layer(kb, &layers, Some(&fleet), false));
    Ok(Inventory {
        schema_version: SCHEMA_VERSION.to_string(),
        generator: Generator {
            name: "sovstack".to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
        },
        generated_at: None,
        root: String::new(),
        live_host: false,
        knowledge_base: kb.data_ref(),
        data_packs: Vec::new(),
        fleet: Some(fleet),
        guest: None,
        layers,
        diagnostics,
    })
}

/// Imports one file; `Ok(true)` when it was an SBOM.
fn import_one(
    builder: &mut FleetBuilder<'_>,
    supply: &mut SupplyBuilder<'_>,
    path: &Path,
    shown: &str,
    forced: Option<ImportFormat>,
) -> Result<bool, Diagnostic> {
    let fail = |code: &str, message: String| Diagnostic {
        code: code.to_string(),
        severity: DiagnosticSeverity::Warning,
        message,
        path: Some(shown.to_string()),
    };
    let text = read_capped(path, shown)?;
    let detected = match forced {
        Some(f) => Ok(f),
        None => detect(&text),
    };
    let format = match detected {
        Ok(f) => f,
        // A JSON object that does not parse (a truncated export, a stray comma) is a malformed
        // file, said with its line and column, not a file of an unknown format.
        Err(Undetected::Json(e)) => {
            return Err(fail(
                codes::MALFORMED,
                format!("{shown}: not valid JSON: {e}; skipped (its format cannot be told; --import-format forces one)"),
            ))
        }
        Err(Undetected::Unknown) => {
            return Err(fail(
                codes::UNKNOWN_FORMAT,
                format!("{shown}: neither GLPI JSON, FusionInventory XML, a sovstack inventory nor a CycloneDX or SPDX SBOM; skipped (--import-format forces a format)"),
            ))
        }
    };
    let malformed = |e: String| {
        fail(
            codes::MALFORMED,
            format!("{shown}: {}: {e}; skipped", format.id()),
        )
    };
    match format {
        ImportFormat::GlpiJson | ImportFormat::FusioninventoryXml => {
            let record = if format == ImportFormat::GlpiJson {
                parse_glpi_json::glpi_json(&text)
            } else {
                parse_fusion_xml::fusion_xml(&text)
            }
            .map_err(malformed)?;
            if record.partial {
                return Err(fail(
                    codes::PARTIAL,
                    format!("{shown}: a partial inventory (it updates some sections of a host GLPI already holds); skipped: import the host's full inventory"),
                ));
            }
            builder.add_record(shown, format, record);
        }
        ImportFormat::Sovstack => {
            let inventory = Inventory::from_json(&text).map_err(|e| malformed(e.to_string()))?;
            if inventory.fleet.is_some() {
                return Err(fail(
                    codes::FLEET_INVENTORY,
                    format!("{shown}: an organisation inventory (from `scan --import`), not a host's; skipped: import the files it was made from"),
                ));
            }
            let others: Vec<&str> = inventory
                .layers
                .present()
                .into_iter()
                .filter(|l| {
                    !matches!(
                        l,
                        sovstack_inventory::Layer::Processor
                            | sovstack_inventory::Layer::Os
                            | sovstack_inventory::Layer::Devices
                            // Derived again from the fleet's processors and devices.
                            | sovstack_inventory::Layer::Materials
                    )
                })
                .map(|l| l.id())
                .collect();
            if !others.is_empty() {
                builder.diagnostics.push(fail(
                    codes::LAYERS_NOT_IMPORTED,
                    format!(
                        "{shown}: its {} layer(s) are not aggregated; its processor, os and devices items are",
                        others.join(", ")
                    ),
                ));
            }
            builder.add_inventory(shown, inventory);
        }
        ImportFormat::Cyclonedx | ImportFormat::Spdx => {
            let sbom = if format == ImportFormat::Cyclonedx {
                SbomFormat::Cyclonedx
            } else {
                SbomFormat::Spdx
            };
            let record = software::parse(sbom, &text).map_err(malformed)?;
            supply.add(shown, record);
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::kb;
    use sovstack_inventory::Confidence;

    fn fixtures() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
    }

    #[test]
    fn formats_are_told_from_content() {
        let table = [
            (
                "<?xml version=\"1.0\"?><REQUEST/>",
                Some(ImportFormat::FusioninventoryXml),
            ),
            ("\u{feff}  {\"deviceid\": 1}", Some(ImportFormat::GlpiJson)),
            ("{\"content\": {}}", Some(ImportFormat::GlpiJson)),
            (
                "{\"schema_version\": \"1.2.2\"}",
                Some(ImportFormat::Sovstack),
            ),
            ("{\"other\": 1}", None),
            ("deviceid", None),
            ("", None),
        ];
        for (text, want) in table {
            let got = match detect(text) {
                Ok(f) => Some(f),
                Err(Undetected::Unknown) => None,
                Err(Undetected::Json(e)) => panic!("{text:?}: {e}"),
            };
            assert_eq!(got, want, "{text:?}");
        }
        // A JSON object that does not parse: the one parse says where it breaks.
        for (text, line, column) in [("{\"deviceid\": ", 1, 13), ("{\n  \"a\": 1,\n}", 3, 1)] {
            match detect(text) {
                Err(Undetected::Json(e)) => {
                    assert_eq!((e.line(), e.column()), (line, column), "{text:?}: {e}")
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn glpi_examples_as_a_fleet() {
        let dir = fixtures().join("glpi-inventory-format/examples");
        let opts = ImportOptions {
            paths: vec![dir.clone()],
            format: None,
        };
        let inv = import(&opts, kb(), &|_| {}).unwrap();
        let fleet = inv.fleet.as_ref().unwrap();
        // 20 files: 7 partial updates skipped; computer_3 twice and printer_3 = printer_2 count
        // once each.
        assert_eq!((fleet.files_imported, fleet.files_skipped), (13, 7));
        assert_eq!(fleet.hosts.len(), 11);
        let codes_of = |c: &str| inv.diagnostics.iter().filter(|d| d.code == c).count();
        assert_eq!(codes_of(codes::PARTIAL), 7);
        assert_eq!(codes_of(codes::DUPLICATE_HOST), 2);
        let lf014 = fleet
            .hosts
            .iter()
            .find(|h| h.id.starts_with("LF014"))
            .unwrap();
        assert!(
            lf014.source.ends_with("computer_3_updated.json"),
            "{}",
            lf014.source
        );
        assert_eq!(lf014.collected_at.as_deref(), Some("2017-06-09 09:00:49"));
        let processors = inv.layers.processor.as_ref().unwrap();
        let total: u64 = processors.iter().filter_map(|p| p.hosts).sum();
        // computer_1, computer_3 (updated) and the phone have processors.
        assert_eq!(total, 3);
        // The Skylake part's foundry from its CPUID family and model (6, 78 = 0x4e), and the
        // Haswell part's (6, 69 = 0x45): Intel's own fabs.
        let foundry = |model: &str| {
            let p = processors
                .iter()
                .find(|p| p.model.as_ref().unwrap().value.contains(model))
                .unwrap();
            let f = p
                .actors
                .iter()
                .find(|a| a.role == sovstack_inventory::Role::Foundry)
                .unwrap();
            let fields: Vec<&str> = f
                .evidence
                .iter()
                .filter_map(|e| e.field.as_deref())
                .collect();
            (f.name.clone(), fields)
        };
        let (skylake, fields) = foundry("i5-6200U");
        assert_eq!(skylake.as_deref(), Some("Intel Corporation"));
        assert!(
            fields.contains(&"content.cpus[0].familynumber"),
            "{fields:?}"
        );
        assert!(fields.contains(&"content.cpus[0].model"), "{fields:?}");
        assert_eq!(foundry("i5-4210U").0.as_deref(), Some("Intel Corporation"));
        // Their families' ends of support, from the same CPUID numbers (endoflife.date
        // intel-processors): Skylake's on 2022-09-30, Haswell's on 2021-06-30.
        let family = |model: &str| {
            let p = processors
                .iter()
                .find(|p| p.model.as_ref().unwrap().value.contains(model))
                .unwrap();
            p.lifecycle
                .as_ref()
                .map(|l| (l.cycle.clone(), l.end_of_support.clone().unwrap()))
        };
        assert_eq!(
            family("i5-6200U"),
            Some(("skylake".into(), "2022-09-30".into()))
        );
        assert_eq!(
            family("i5-4210U"),
            Some(("haswell".into(), "2021-06-30".into()))
        );
        // The phone's Qualcomm part is no Intel one.
        assert_eq!(
            processors.iter().filter(|p| p.lifecycle.is_some()).count(),
            2
        );
        // The phone's SoC, from `cpus[0].model` (its `name` is `AArch64 Processor rev 14`), as
        // the live scan reads it from /proc/cpuinfo's `Hardware`: Qualcomm's SM8150, made by
        // TSMC (processor-foundry.csv). The x86 parts name no SoC.
        let role = |p: &sovstack_inventory::Processor, role| {
            p.actors
                .iter()
                .find(|a| a.role == role)
                .map(|a| (a.name.clone(), a.evidence[0].field.clone()))
        };
        use sovstack_inventory::Role::{Foundry, SocVendor};
        let phone = processors
            .iter()
            .find(|p| p.architecture.value == "aarch64")
            .unwrap();
        let model_field = Some("content.cpus[0].model".to_string());
        assert_eq!(
            role(phone, SocVendor),
            Some((Some("Qualcomm".to_string()), model_field.clone()))
        );
        assert_eq!(
            role(phone, Foundry),
            Some((Some("TSMC".to_string()), model_field))
        );
        assert_eq!(
            processors
                .iter()
                .filter(|p| role(p, SocVendor).is_some())
                .count(),
            1
        );
        // Each computer's firmware date, from `bios.bdate`; network devices, printers and the
        // phone give none.
        let dated: Vec<(&str, &str, Option<&str>)> = fleet
            .hosts
            .iter()
            .filter_map(|h| {
                let f = h.firmware_date.as_ref()?;
                Some((
                    h.name.as_deref().unwrap_or("?"),
                    f.value.as_str(),
                    f.evidence[0].field.as_deref(),
                ))
            })
            .collect();
        assert_eq!(
            dated,
            [
                ("glpixps", "2016-02-06", Some("content.bios.bdate")),
                ("COMP1", "2016-01-03", Some("content.bios.bdate")),
                ("LF014", "2016-01-07", Some("content.bios.bdate")),
            ]
        );
        let os = inv.layers.os.as_ref().unwrap();
        assert_eq!(os.iter().filter_map(|o| o.hosts).sum::<u64>(), 3);
        // Support windows, as the live collector finds them: `Fedora` is taken as the ID
        // `fedora` (low confidence) and `31 (Workstation Edition)` gives the cycle; Android's
        // release comes from its name (`Q Android 10.0` → android 10, kb vendor-systems.csv),
        // and its kernel_version, a whole `uname -a` line, gives no kernel series.
        let support: Vec<_> = os
            .iter()
            .map(|o| {
                let l = o.lifecycle.as_ref();
                (
                    o.pretty_name.as_ref().unwrap().value.as_str(),
                    l.map(|l| (l.product.as_str(), l.cycle.as_str())),
                    l.map(|l| l.evidence.iter().any(|e| e.confidence == Confidence::Low)),
                    o.kernel_lifecycle.is_some(),
                )
            })
            .collect();
        assert_eq!(
            support,
            [
                (
                    "Fedora 31 (Workstation Edition)",
                    Some(("fedora", "31")),
                    Some(true),
                    false
                ),
                (
                    "Fedora release 25 (Twenty Five)",
                    Some(("fedora", "25")),
                    Some(true),
                    false
                ),
                (
                    "Q Android 10.0 api 29",
                    Some(("android", "10")),
                    Some(false),
                    false
                ),
            ]
        );
        // Every host names its maker, and the knowledge base attributes each of the 8 makers:
        // (id, kind, maker as read, hosts, manufacturer, headquarters).
        let devices: Vec<_> = inv
            .layers
            .devices
            .as_ref()
            .unwrap()
            .iter()
            .map(|d| {
                let m = &d.actors[0];
                assert_eq!(m.role, sovstack_inventory::Role::Manufacturer);
                (
                    d.id.as_str(),
                    d.kind.as_str(),
                    d.maker.value.as_str(),
                    d.hosts.unwrap(),
                    m.name.as_deref().unwrap_or("?"),
                    m.country.as_ref().map_or("?", |c| c.as_str()),
                )
            })
            .collect();
        assert_eq!(
            devices,
            [
                ("dev0", "network", "Cisco", 3, "Cisco Systems", "US"),
                ("dev1", "system", "Dell Inc.", 2, "Dell Technologies", "US"),
                ("dev2", "printer", "Canon", 1, "Canon Inc.", "JP"),
                ("dev3", "network", "D-Link", 1, "D-Link Corporation", "TW"),
                (
                    "dev4",
                    "network",
                    "Hewlett-Packard",
                    1,
                    "Hewlett Packard Enterprise",
                    "US"
                ),
                ("dev5", "printer", "Hewlett-Packard", 1, "HP Inc.", "US"),
                ("dev6", "system", "TOSHIBA", 1, "Toshiba Corporation", "JP"),
                ("dev7", "phone", "Xiaomi", 1, "Xiaomi", "CN"),
            ]
        );
        let cisco = &inv.layers.devices.as_ref().unwrap()[0];
        assert_eq!(
            cisco
                .models
                .iter()
                .map(|(m, n)| (m.as_str(), *n))
                .collect::<Vec<_>>(),
            [
                ("CT5520", 1),
                ("Catalyst 3750-24/48", 1),
                ("UCS 6248UP 48-Port", 1)
            ]
        );
        assert_eq!(
            cisco.maker.evidence[0].field.as_deref(),
            Some("content.network_device.manufacturer")
        );
        // printer_3 is printer_2 again: its model counts once.
        let canon = &inv.layers.devices.as_ref().unwrap()[2];
        assert_eq!(canon.models.get("Canon MX 5970"), Some(&1));
        // The schema's own reader accepts it.
        let back = Inventory::from_json(&inv.to_json()).unwrap();
        assert_eq!(back, inv);
    }

    /// The FusionInventory capture of a Debian 12 machine: the release's support window from
    /// `NAME` (Debian GNU/Linux → `debian`, medium confidence) and `VERSION` 12.11, the kernel
    /// series' from `KERNEL_VERSION`.
    #[test]
    fn an_imported_system_gets_its_support_windows() {
        let opts = ImportOptions {
            paths: vec![fixtures().join("fusioninventory/debian12-amd-epyc.xml")],
            format: None,
        };
        let inv = import(&opts, kb(), &|_| {}).unwrap();
        let os = &inv.layers.os.as_ref().unwrap()[0];
        let l = os.lifecycle.as_ref().unwrap();
        assert_eq!((l.product.as_str(), l.cycle.as_str()), ("debian", "12"));
        let fields: Vec<&str> = l
            .evidence
            .iter()
            .filter_map(|e| e.field.as_deref())
            .collect();
        assert_eq!(
            &fields[..3],
            [
                "CONTENT/OPERATINGSYSTEM/NAME",
                "name",
                "CONTENT/OPERATINGSYSTEM/VERSION"
            ]
        );
        let k = os.kernel_lifecycle.as_ref().unwrap();
        assert_eq!(k.product, "linux-kernel");
        assert_eq!(
            k.evidence[0].field.as_deref(),
            Some("CONTENT/OPERATINGSYSTEM/KERNEL_VERSION")
        );
    }

    #[test]
    fn bad_files_are_skipped_with_a_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let good = fixtures().join("fusioninventory/debian12-amd-epyc.xml");
        std::fs::copy(&good, dir.path().join("a.xml")).unwrap();
        std::fs::write(dir.path().join("b.xml"), "<REQUEST><CONTENT>").unwrap();
        std::fs::write(dir.path().join("c.txt"), "hello").unwrap();
        std::fs::write(dir.path().join("d.json"), b"{\"deviceid\": \"\xff\"}").unwrap();
        // A GLPI export cut short: malformed, with its line and column, not of unknown format.
        let glpi = std::fs::read_to_string(
            fixtures().join("glpi-inventory-format/examples/computer_1.json"),
        )
        .unwrap();
        std::fs::write(dir.path().join("d2.json"), &glpi[..1500]).unwrap();
        std::fs::write(dir.path().join(".hidden"), "x").unwrap();
        let big = std::fs::File::create(dir.path().join("e.json")).unwrap();
        big.set_len(MAX_IMPORT_BYTES + 1).unwrap();
        let opts = ImportOptions {
            paths: vec![dir.path().to_path_buf()],
            format: None,
        };
        let inv = import(&opts, kb(), &|_| {}).unwrap();
        let fleet = inv.fleet.as_ref().unwrap();
        assert_eq!((fleet.files_imported, fleet.files_skipped), (1, 5));
        let got: Vec<_> = inv
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code.as_str(),
                    d.path.as_deref().unwrap().rsplit('/').next().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (codes::MALFORMED, "b.xml"),
                (codes::UNKNOWN_FORMAT, "c.txt"),
                (codes::MALFORMED, "d.json"),
                (codes::MALFORMED, "d2.json"),
                (codes::TOO_LARGE, "e.json"),
            ]
        );
        assert!(
            inv.diagnostics[3]
                .message
                .contains("not valid JSON: EOF while parsing")
                && inv.diagnostics[3].message.contains("line 45 column 27"),
            "{}",
            inv.diagnostics[3].message
        );
        assert!(
            inv.diagnostics[0]
                .message
                .ends_with("b.xml: fusioninventory-xml: line 1, column 1: the root node was opened but never closed; skipped"),
            "{}",
            inv.diagnostics[0].message
        );
        // Forcing a format reads every file as it.
        let opts = ImportOptions {
            paths: vec![dir.path().join("a.xml")],
            format: Some(ImportFormat::GlpiJson),
        };
        let inv = import(&opts, kb(), &|_| {}).unwrap();
        assert_eq!(inv.diagnostics[0].code, codes::MALFORMED);
        // Paths that do not exist or hold nothing are input errors.
        let missing = ImportOptions {
            paths: vec![dir.path().join("nope")],
            format: None,
        };
        assert!(matches!(
            import(&missing, kb(), &|_| {}),
            Err(ScanError::ImportNotFound(_))
        ));
        let empty = tempfile::tempdir().unwrap();
        let nothing = ImportOptions {
            paths: vec![empty.path().to_path_buf()],
            format: None,
        };
        assert!(matches!(
            import(&nothing, kb(), &|_| {}),
            Err(ScanError::ImportNothing(_))
        ));
    }
}
