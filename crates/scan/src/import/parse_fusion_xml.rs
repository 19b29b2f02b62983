//! FusionInventory XML inventories (`fusioninventory-inventory`, the agents of GLPI 9 and OCS
//! Inventory's format): `<REQUEST><CONTENT>...</CONTENT><DEVICEID>` with `<QUERY>INVENTORY`,
//! and in `CONTENT` the `ACCESSLOG`, `ACCOUNTINFO` (the agent's `--tag`), `BIOS`, `CPUS`,
//! `HARDWARE` and `OPERATINGSYSTEM` elements.
//!
//! The XML is hostile input: it is parsed by roxmltree with DTDs refused, so no entity is ever
//! declared, let alone expanded (no "billion laughs", no external entity reaching for a file
//! or a URL), and with a cap on the number of nodes. The caller caps the file's size.

use super::record::{CpuRecord, HostRecord, Located, MakerRecord, OsRecord};
use roxmltree::{Document, Node, ParsingOptions};

/// Nodes (elements, attributes' owners, texts) a document may have. A real inventory of a
/// desktop with thousands of packages has about 60,000.
pub const MAX_NODES: u32 = 2_000_000;

/// Reads a FusionInventory inventory. The error gives the line and column where the XML is
/// malformed, or says what is missing.
pub fn fusion_xml(text: &str) -> Result<HostRecord, String> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            "the document declares a DTD, which sovstack refuses (entities are never expanded); \
             FusionInventory never writes one"
                .to_string()
        }
        e => {
            let pos = e.pos();
            let message = e.to_string();
            let message = message
                .strip_suffix(&format!(" at {pos}"))
                .unwrap_or(&message);
            format!("line {}, column {}: {message}", pos.row, pos.col)
        }
    })?;
    let request = doc.root_element();
    if request.tag_name().name() != "REQUEST" {
        return Err(format!(
            "the root element is <{}>, not <REQUEST>: not a FusionInventory inventory",
            request.tag_name().name()
        ));
    }
    let query = child_text(request, "QUERY");
    if let Some(q) = query.filter(|q| *q != "INVENTORY") {
        return Err(format!(
            "<QUERY> is {q}: only INVENTORY documents (a computer's inventory) are read"
        ));
    }
    let Some(content) = child(request, "CONTENT") else {
        return Err("no <CONTENT> in <REQUEST>: not a FusionInventory inventory".to_string());
    };
    let line = |n: Node| doc.text_pos_at(n.range().start).row;
    let at = |parent: Node, name: &str, path: &str| {
        child(parent, name).and_then(|n| {
            Located::new(
                n.text().unwrap_or_default(),
                format!("{path}/{name}"),
                Some(line(n)),
            )
        })
    };
    let mut host = HostRecord {
        device_id: child_text(request, "DEVICEID")
            .filter(|d| !d.trim().is_empty())
            .map(|d| d.trim().to_string()),
        kind: Some("Computer".to_string()),
        ..Default::default()
    };
    if let Some(logdate) = child(content, "ACCESSLOG").and_then(|a| child_text(a, "LOGDATE")) {
        host.set_logdate(logdate);
    }
    for info in children(content, "ACCOUNTINFO") {
        if child_text(info, "KEYNAME") == Some("TAG") {
            host.label("tag", child_text(info, "KEYVALUE").unwrap_or_default());
        }
    }
    host.vmsystem = child(content, "HARDWARE").and_then(|h| at(h, "VMSYSTEM", "CONTENT/HARDWARE"));
    host.chassis =
        child(content, "HARDWARE").and_then(|h| at(h, "CHASSIS_TYPE", "CONTENT/HARDWARE"));
    let first_of = |name: &str, fields: &[&str]| -> Vec<Located> {
        children(content, name)
            .enumerate()
            .filter_map(|(i, e)| {
                let path = format!("CONTENT/{name}[{i}]");
                fields.iter().find_map(|f| at(e, f, &path))
            })
            .collect()
    };
    host.batteries = first_of(
        "BATTERIES",
        &["CHEMISTRY", "NAME", "MANUFACTURER", "CAPACITY", "SERIAL"],
    );
    host.monitors = first_of("MONITORS", &["NAME", "CAPTION", "MANUFACTURER", "SERIAL"]);
    host.name = child(content, "HARDWARE")
        .and_then(|h| child_text(h, "NAME"))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    host.cpus = children(content, "CPUS")
        .enumerate()
        .map(|(i, c)| {
            let path = format!("CONTENT/CPUS[{i}]");
            CpuRecord {
                manufacturer: at(c, "MANUFACTURER", &path),
                name: at(c, "NAME", &path),
                arch: at(c, "ARCH", &path),
                family: at(c, "FAMILYNUMBER", &path),
                model: at(c, "MODEL", &path),
            }
        })
        .collect();
    host.os = child(content, "OPERATINGSYSTEM").map(|o| {
        let path = "CONTENT/OPERATINGSYSTEM";
        OsRecord {
            name: at(o, "NAME", path),
            full_name: at(o, "FULL_NAME", path),
            version: at(o, "VERSION", path),
            arch: at(o, "ARCH", path),
            kernel_name: at(o, "KERNEL_NAME", path),
            kernel_version: at(o, "KERNEL_VERSION", path),
        }
    });
    if let Some(b) = child(content, "BIOS") {
        host.firmware_date = at(b, "BDATE", "CONTENT/BIOS");
        let maker = MakerRecord {
            manufacturer: at(b, "SMANUFACTURER", "CONTENT/BIOS"),
            model: at(b, "SMODEL", "CONTENT/BIOS"),
        };
        if maker.manufacturer.is_some() || maker.model.is_some() {
            host.maker = Some(maker);
        }
    }
    Ok(host)
}

fn children<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == name)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &'a str) -> Option<Node<'a, 'i>> {
    children(node, name).next()
}

fn child_text<'a>(node: Node<'a, '_>, name: &'a str) -> Option<&'a str> {
    child(node, name).map(|n| n.text().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real `fusioninventory-inventory` run (see tests/fixtures/fusioninventory/README.md).
    fn captured() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/fusioninventory/debian12-amd-epyc.xml"
        );
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn a_real_inventory() {
        let h = fusion_xml(&captured()).unwrap();
        assert!(h.device_id.as_deref().unwrap().starts_with("vm-"));
        assert_eq!(h.collected_at.as_deref().map(str::len), Some(19));
        assert_eq!(h.labels.get("tag").map(String::as_str), Some("site-paris"));
        assert_eq!(h.cpus.len(), 1);
        let cpu = &h.cpus[0];
        assert_eq!(cpu.manufacturer.as_ref().unwrap().value, "AMD");
        assert_eq!(cpu.name.as_ref().unwrap().value, "AMD EPYC");
        assert_eq!(cpu.name.as_ref().unwrap().field, "CONTENT/CPUS[0]/NAME");
        assert!(cpu.name.as_ref().unwrap().line.unwrap() > 1);
        assert_eq!(cpu.family.as_ref().unwrap().value, "26");
        assert_eq!(cpu.model.as_ref().unwrap().value, "2");
        // A server: no battery, no monitor, no portable chassis.
        assert!(h.components().is_empty());
        let os = h.os.unwrap();
        assert_eq!(os.name.unwrap().value, "Debian GNU/Linux");
        assert_eq!(os.arch.unwrap().value, "x86_64");
        assert_eq!(os.kernel_name.unwrap().value, "linux");
    }

    #[test]
    fn hostile_and_malformed_documents_are_refused() {
        let laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<REQUEST><CONTENT><HARDWARE><NAME>&lol3;</NAME></HARDWARE></CONTENT></REQUEST>"#;
        let external = r#"<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<REQUEST><CONTENT><HARDWARE><NAME>&xxe;</NAME></HARDWARE></CONTENT></REQUEST>"#;
        let table = [
            (laughs, "declares a DTD"),
            (external, "declares a DTD"),
            (
                "<REQUEST><CONTENT>",
                "line 1, column 1: the root node was opened but never closed",
            ),
            (
                "<REQUEST>\n<A></B></REQUEST>",
                "line 2, column 4: expected 'A' tag, not 'B'",
            ),
            ("<OTHER/>", "not <REQUEST>"),
            (
                "<REQUEST><QUERY>SNMPQUERY</QUERY></REQUEST>",
                "only INVENTORY",
            ),
            ("<REQUEST><DEVICEID>x</DEVICEID></REQUEST>", "no <CONTENT>"),
            (
                "<REQUEST><CONTENT>&undeclared;</CONTENT></REQUEST>",
                "unknown entity",
            ),
        ];
        for (text, want) in table {
            let err = fusion_xml(text).unwrap_err();
            assert!(err.contains(want), "{text:?}: {err}");
        }
        let deep = "<a>".repeat(1000);
        assert!(fusion_xml(&deep).is_err());
    }
}
