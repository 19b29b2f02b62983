//! SPDX JSON SBOMs, version 2.3 (and 2.2, whose JSON is the same for what is read here): the
//! packages, each with its package URL (an `externalRefs` entry of type `purl`), declared
//! licence and supplier; the tools among the document's creators. The packages the document
//! describes (`documentDescribes`, or `DESCRIBES` relationships of the document) are its
//! subject, not dependencies, and are not counted.
//!
//! Only the fields used are read; a field of the wrong type is an error naming its JSON path,
//! line and column. Other versions are refused by name.

use super::record::MAX_COMPONENTS;
use super::record::{json_error, non_blank, ComponentRecord, DeclaredLicence, SbomRecord};
use serde::Deserialize;
use sovstack_inventory::SbomFormat;
use std::collections::BTreeSet;

/// The versions read.
pub const VERSIONS: [&str; 2] = ["SPDX-2.2", "SPDX-2.3"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    spdx_version: String,
    #[serde(rename = "SPDXID", default)]
    spdx_id: Option<String>,
    #[serde(default)]
    creation_info: Option<CreationInfo>,
    #[serde(default)]
    document_describes: Vec<String>,
    #[serde(default)]
    packages: Vec<Package>,
    #[serde(default)]
    relationships: Vec<Relationship>,
}

#[derive(Deserialize)]
struct CreationInfo {
    #[serde(default)]
    creators: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    #[serde(rename = "SPDXID", default)]
    spdx_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    supplier: Option<String>,
    #[serde(default)]
    license_declared: Option<String>,
    #[serde(default)]
    license_concluded: Option<String>,
    #[serde(default)]
    external_refs: Vec<ExternalRef>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    #[serde(default)]
    reference_type: Option<String>,
    #[serde(default)]
    reference_locator: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    #[serde(default)]
    spdx_element_id: Option<String>,
    #[serde(default)]
    relationship_type: Option<String>,
    #[serde(default)]
    related_spdx_element: Option<String>,
}

/// A licence field's value, unless it asserts nothing.
fn licence(value: Option<&str>) -> Option<String> {
    non_blank(value).filter(|v| v != "NOASSERTION" && v != "NONE")
}

/// Reads an SPDX JSON document. `Err` says what is wrong and where.
pub fn spdx_json(text: &str) -> Result<SbomRecord, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
    if !VERSIONS.contains(&doc.spdx_version.as_str()) {
        return Err(format!(
            "at `spdxVersion`: {} is not read (versions read: {})",
            doc.spdx_version,
            VERSIONS.join(", ")
        ));
    }
    if doc.packages.len() > MAX_COMPONENTS {
        return Err(format!(
            "at `packages`: more than {MAX_COMPONENTS} packages, the most one SBOM may list"
        ));
    }
    let document = doc.spdx_id.as_deref().unwrap_or("SPDXRef-DOCUMENT");
    let mut subject: BTreeSet<&str> = doc.document_describes.iter().map(String::as_str).collect();
    for r in &doc.relationships {
        match (
            r.spdx_element_id.as_deref(),
            r.relationship_type.as_deref(),
            r.related_spdx_element.as_deref(),
        ) {
            (Some(d), Some("DESCRIBES"), Some(x)) if d == document => {
                subject.insert(x);
            }
            (Some(x), Some("DESCRIBED_BY"), Some(d)) if d == document => {
                subject.insert(x);
            }
            _ => {}
        }
    }
    let tools = doc
        .creation_info
        .iter()
        .flat_map(|c| &c.creators)
        .filter_map(|c| c.strip_prefix("Tool:"))
        .filter_map(|t| non_blank(Some(t)))
        .collect();
    let components = doc
        .packages
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.spdx_id.as_deref().is_some_and(|id| subject.contains(id)))
        .map(|(i, p)| {
            let path = format!("packages[{i}]");
            let purl = p
                .external_refs
                .iter()
                .filter(|r| r.reference_type.as_deref() == Some("purl"))
                .find_map(|r| non_blank(r.reference_locator.as_deref()));
            let declared = licence(p.license_declared.as_deref())
                .or_else(|| licence(p.license_concluded.as_deref()));
            let supplier = licence(p.supplier.as_deref()).map(|s| {
                let s = s
                    .strip_prefix("Organization:")
                    .or_else(|| s.strip_prefix("Person:"))
                    .unwrap_or(&s);
                s.trim().to_string()
            });
            ComponentRecord {
                name: non_blank(p.name.as_deref()).unwrap_or_else(|| format!("(unnamed, {path})")),
                path,
                purl,
                licence: match declared {
                    Some(e) => DeclaredLicence::Expressions(vec![e]),
                    None => DeclaredLicence::None,
                },
                supplier: supplier.filter(|s| !s.is_empty()),
            }
        })
        .collect();
    Ok(SbomRecord {
        format: SbomFormat::Spdx,
        spec_version: doc.spdx_version,
        tools,
        components,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/sbom")
            .join(name);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    #[test]
    fn spdx_tools_document() {
        let r = spdx_json(&fixture("python-venv.spdx.json")).unwrap();
        assert_eq!(r.spec_version, "SPDX-2.3");
        assert!(
            r.tools.iter().any(|t| t.starts_with("spdx-tools")),
            "{:?}",
            r.tools
        );
        let requests = r.components.iter().find(|c| c.name == "requests").unwrap();
        assert_eq!(requests.purl.as_deref(), Some("pkg:pypi/requests@2.32.3"));
    }

    #[test]
    fn npm_sbom_document() {
        let r = spdx_json(&fixture("npm-project.spdx.json")).unwrap();
        // The described project is not counted.
        assert!(r.components.iter().all(|c| c.name != "sbom-sample"));
        let express = r.components.iter().find(|c| c.name == "express").unwrap();
        assert_eq!(express.purl.as_deref(), Some("pkg:npm/express@4.21.2"));
        assert_eq!(
            express.licence,
            DeclaredLicence::Expressions(vec!["MIT".into()])
        );
    }

    #[test]
    fn suppliers_and_licences_as_spdx_writes_them() {
        let r = spdx_json(
            r#"{"spdxVersion":"SPDX-2.3","documentDescribes":["SPDXRef-app"],"packages":[
                {"SPDXID":"SPDXRef-app","name":"app"},
                {"SPDXID":"SPDXRef-a","name":"a","supplier":"Organization: Acme GmbH",
                 "licenseDeclared":"NOASSERTION","licenseConcluded":"MIT"},
                {"SPDXID":"SPDXRef-b","name":"b","supplier":"NOASSERTION","licenseDeclared":"NONE"}]}"#,
        )
        .unwrap();
        let got: Vec<_> = r
            .components
            .iter()
            .map(|c| (c.path.as_str(), c.supplier.as_deref(), c.licence.clone()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "packages[1]",
                    Some("Acme GmbH"),
                    DeclaredLicence::Expressions(vec!["MIT".into()])
                ),
                ("packages[2]", None, DeclaredLicence::None),
            ]
        );
    }

    #[test]
    fn malformed_documents_say_where() {
        let table = [
            ("[]", "expected struct Document"),
            (
                r#"{"spdxVersion":"SPDX-2.3","packages":[{"name":"a"},{"externalRefs":{}}]}"#,
                "at `packages[1].externalRefs`: invalid type: map, expected a sequence",
            ),
            (
                r#"{"spdxVersion":"SPDX-3.0"}"#,
                "at `spdxVersion`: SPDX-3.0 is not read (versions read: SPDX-2.2, SPDX-2.3)",
            ),
        ];
        for (text, want) in table {
            let err = spdx_json(text).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
