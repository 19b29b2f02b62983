//! GLPI's native inventory JSON (GLPI 10 and the GLPI agent; schema: glpi-project's
//! `inventory_format`, `inventory.schema.json`): `deviceid`, `itemtype`, `tag`, `partial`, and
//! `content` with `accesslog`, `cpus`, `operatingsystem`, `bios`, `hardware` and, for network
//! equipment and printers, `network_device`.
//!
//! Only the fields sovstack uses are read; every other field is skipped unread, whatever its
//! type, so an agent's newer sections never make a file unreadable. A field sovstack uses with
//! the wrong type is an error naming the field (`content.cpus[0].name: expected a text value`).

use super::record::{CpuRecord, HostRecord, Located, MakerRecord, OsRecord};
use serde::Deserialize;

#[derive(Deserialize)]
struct Doc {
    deviceid: Option<String>,
    itemtype: Option<String>,
    tag: Option<String>,
    #[serde(default)]
    partial: bool,
    content: Option<Content>,
}

#[derive(Deserialize, Default)]
struct Content {
    accesslog: Option<AccessLog>,
    #[serde(default)]
    cpus: Vec<Cpu>,
    operatingsystem: Option<Os>,
    bios: Option<Bios>,
    hardware: Option<Hardware>,
    network_device: Option<NetworkDevice>,
    /// Read leniently: an entry that is no object, or a field that is no text or number,
    /// shows nothing.
    #[serde(default)]
    batteries: Vec<serde_json::Value>,
    #[serde(default)]
    monitors: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct AccessLog {
    logdate: Option<String>,
}

#[derive(Deserialize)]
struct Cpu {
    arch: Option<String>,
    manufacturer: Option<String>,
    name: Option<String>,
    /// The schema says string; agents also write numbers. Any other type is ignored, as an
    /// unused field would be: the family and model only refine the foundry.
    familynumber: Option<serde_json::Value>,
    model: Option<serde_json::Value>,
}

/// A string or a number as text; `None` for any other JSON value.
fn string_or_number(v: &Option<serde_json::Value>) -> Option<String> {
    match v {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

#[derive(Deserialize)]
struct Os {
    name: Option<String>,
    full_name: Option<String>,
    version: Option<String>,
    arch: Option<String>,
    kernel_name: Option<String>,
    kernel_version: Option<String>,
}

#[derive(Deserialize)]
struct Bios {
    bdate: Option<String>,
    smanufacturer: Option<String>,
    smodel: Option<String>,
}

#[derive(Deserialize)]
struct Hardware {
    name: Option<String>,
    vmsystem: Option<String>,
    chassis_type: Option<String>,
}

/// The first of `fields` an entry of `content.SECTION[]` gives, as text, with its path.
fn entry_field(section: &str, entries: &[serde_json::Value], fields: &[&str]) -> Vec<Located> {
    entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            fields.iter().find_map(|f| {
                let v = string_or_number(&e.get(f).cloned())?;
                Located::new(&v, format!("content.{section}[{i}].{f}"), None)
            })
        })
        .collect()
}

#[derive(Deserialize)]
struct NetworkDevice {
    manufacturer: Option<String>,
    model: Option<String>,
    name: Option<String>,
    location: Option<String>,
}

/// Reads a GLPI inventory. The error names the field and its line and column.
pub fn glpi_json(text: &str) -> Result<HostRecord, String> {
    if !text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        return Err(
            "a GLPI inventory is a JSON object `{ \"deviceid\": ..., \"content\": ... }`"
                .to_string(),
        );
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: Doc = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = format!("line {}, column {}", inner.line(), inner.column());
        let msg = inner.to_string();
        let msg = msg.split(" at line ").next().unwrap_or_default();
        if path == "." || path == "?" || path.is_empty() {
            format!("{at}: {msg}")
        } else {
            format!("{at}: field `{path}`: {msg}")
        }
    })?;
    de.end()
        .map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    let Some(content) = doc.content else {
        return Err("no `content`: not a GLPI inventory".to_string());
    };
    let mut host = HostRecord {
        device_id: doc.deviceid.filter(|d| !d.trim().is_empty()),
        kind: doc.itemtype.filter(|k| !k.trim().is_empty()),
        partial: doc.partial,
        ..Default::default()
    };
    if let Some(tag) = &doc.tag {
        host.label("tag", tag);
    }
    if let Some(logdate) = content.accesslog.and_then(|a| a.logdate) {
        host.set_logdate(&logdate);
    }
    let at =
        |v: &Option<String>, field: String| v.as_deref().and_then(|v| Located::new(v, field, None));
    host.cpus = content
        .cpus
        .iter()
        .enumerate()
        .map(|(i, c)| CpuRecord {
            manufacturer: at(&c.manufacturer, format!("content.cpus[{i}].manufacturer")),
            name: at(&c.name, format!("content.cpus[{i}].name")),
            arch: at(&c.arch, format!("content.cpus[{i}].arch")),
            family: at(
                &string_or_number(&c.familynumber),
                format!("content.cpus[{i}].familynumber"),
            ),
            model: at(
                &string_or_number(&c.model),
                format!("content.cpus[{i}].model"),
            ),
        })
        .collect();
    host.os = content.operatingsystem.map(|o| OsRecord {
        name: at(&o.name, "content.operatingsystem.name".into()),
        full_name: at(&o.full_name, "content.operatingsystem.full_name".into()),
        version: at(&o.version, "content.operatingsystem.version".into()),
        arch: at(&o.arch, "content.operatingsystem.arch".into()),
        kernel_name: at(&o.kernel_name, "content.operatingsystem.kernel_name".into()),
        kernel_version: at(
            &o.kernel_version,
            "content.operatingsystem.kernel_version".into(),
        ),
    });
    if let Some(h) = &content.hardware {
        host.vmsystem = at(&h.vmsystem, "content.hardware.vmsystem".into());
        host.chassis = at(&h.chassis_type, "content.hardware.chassis_type".into());
    }
    host.batteries = entry_field(
        "batteries",
        &content.batteries,
        &["chemistry", "name", "manufacturer", "capacity", "serial"],
    );
    host.monitors = entry_field(
        "monitors",
        &content.monitors,
        &["name", "caption", "manufacturer", "serial"],
    );
    host.name = content
        .hardware
        .and_then(|h| h.name)
        .filter(|n| !n.trim().is_empty());
    if let Some(b) = content.bios {
        host.firmware_date = at(&b.bdate, "content.bios.bdate".into());
        let maker = MakerRecord {
            manufacturer: at(&b.smanufacturer, "content.bios.smanufacturer".into()),
            model: at(&b.smodel, "content.bios.smodel".into()),
        };
        if maker.manufacturer.is_some() || maker.model.is_some() {
            host.maker = Some(maker);
        }
    }
    if let Some(n) = content.network_device {
        if host.name.is_none() {
            host.name = n.name.filter(|n| !n.trim().is_empty());
        }
        if let Some(l) = &n.location {
            host.label("location", l);
        }
        let maker = MakerRecord {
            manufacturer: at(
                &n.manufacturer,
                "content.network_device.manufacturer".into(),
            ),
            model: at(&n.model, "content.network_device.model".into()),
        };
        if maker.manufacturer.is_some() || maker.model.is_some() {
            host.maker = Some(maker);
        }
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The GLPI project's own examples (tests/fixtures/glpi-inventory-format, MIT).
    fn example(name: &str) -> String {
        let path = format!(
            "{}/../../tests/fixtures/glpi-inventory-format/examples/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn a_computer() {
        let h = glpi_json(&example("computer_1.json")).unwrap();
        assert_eq!(h.device_id.as_deref(), Some("glpixps-2018-07-09-09-07-13"));
        assert_eq!(h.collected_at.as_deref(), Some("2020-06-12 14:19:54"));
        assert_eq!(h.labels.get("tag").map(String::as_str), Some("000005"));
        assert_eq!(h.name.as_deref(), Some("glpixps"));
        assert!(!h.partial);
        assert_eq!(h.cpus.len(), 1);
        let cpu = &h.cpus[0];
        assert_eq!(cpu.manufacturer.as_ref().unwrap().value, "Intel");
        assert_eq!(
            cpu.name.as_ref().unwrap().value,
            "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz"
        );
        assert_eq!(cpu.name.as_ref().unwrap().field, "content.cpus[0].name");
        let os = h.os.as_ref().unwrap();
        assert_eq!(os.name.as_ref().unwrap().value, "Fedora");
        assert_eq!(os.arch.as_ref().unwrap().value, "x86_64");
        assert_eq!(os.kernel_name.as_ref().unwrap().value, "linux");
        let maker = h.maker.as_ref().unwrap();
        assert_eq!(maker.manufacturer.as_ref().unwrap().value, "Dell Inc.");
        assert_eq!(maker.model.as_ref().unwrap().value, "XPS 13 9350");
        // Its battery, its monitor and its Laptop chassis: a battery and a display.
        let c: Vec<(&str, Vec<(&str, &str)>)> = h
            .components()
            .into_iter()
            .map(|(class, v)| {
                (
                    class,
                    v.iter()
                        .map(|l| (l.field.as_str(), l.value.as_str()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            c,
            [
                (
                    "battery",
                    vec![("content.batteries[0].chemistry", "lithium-ion")]
                ),
                (
                    "display",
                    vec![
                        ("content.monitors[0].name", "DJCP6"),
                        ("content.hardware.chassis_type", "Laptop")
                    ]
                ),
            ]
        );
        // The phone's battery gives only its capacity; printers list neither.
        let phone = glpi_json(&example("phone_1.json")).unwrap();
        assert_eq!(phone.batteries[0].field, "content.batteries[0].capacity");
        assert!(glpi_json(&example("printer_1.json"))
            .unwrap()
            .components()
            .is_empty());
    }

    #[test]
    fn devices_partials_and_phones() {
        let h = glpi_json(&example("networkequipment_3.json")).unwrap();
        assert_eq!(h.kind.as_deref(), Some("NetworkEquipment"));
        assert_eq!(h.name.as_deref(), Some("HP-2530-48G"));
        assert!(h.cpus.is_empty() && h.os.is_none() && h.collected_at.is_none());
        let maker = h.maker.unwrap();
        assert_eq!(maker.manufacturer.unwrap().value, "Hewlett-Packard");
        let h = glpi_json(&example("networkequipment_1.json")).unwrap();
        assert_eq!(
            h.labels.get("location").map(String::as_str),
            Some("paris.pa3")
        );
        assert!(
            glpi_json(&example("computer_1_partial_cpu.json"))
                .unwrap()
                .partial
        );
        let phone = glpi_json(&example("phone_1.json")).unwrap();
        assert_eq!(phone.kind.as_deref(), Some("Phone"));
        assert_eq!(
            phone.cpus[0].manufacturer.as_ref().unwrap().value,
            "Qualcomm"
        );
    }

    #[test]
    fn malformed_input_names_the_field() {
        let table = [
            ("", "a GLPI inventory is a JSON object"),
            ("[]", "a GLPI inventory is a JSON object"),
            ("{", "line 1, column 1: EOF while parsing an object"),
            (
                "{\"deviceid\": \"a\"}",
                "no `content`: not a GLPI inventory",
            ),
            (
                "{\"deviceid\": \"a\", \"content\": {\"cpus\": [{\"name\": 3}]}}",
                "field `content.cpus[0].name`",
            ),
            ("{\"content\": {}} x", "trailing characters"),
        ];
        for (text, want) in table {
            let err = glpi_json(text).unwrap_err();
            assert!(err.contains(want), "{text:?}: {err}");
        }
        // Fields sovstack does not use may hold anything.
        let h = glpi_json("{\"deviceid\":\"a\",\"content\":{\"cpus\":[{\"speed\":\"x\",\"core\":[1]}],\"memories\":7}}").unwrap();
        assert_eq!(h.cpus.len(), 1);
    }
}
