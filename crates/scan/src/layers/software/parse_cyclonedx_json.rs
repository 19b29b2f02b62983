//! CycloneDX JSON SBOMs, specification 1.4 to 1.6 (`bomFormat: "CycloneDX"`): the components,
//! nested ones included, each with its package URL, licences and supplier; the tools that made
//! the document. The document's own subject (`metadata.component`) is not a dependency and is
//! not counted.
//!
//! Only the fields used are read (serde ignores the rest); a field of the wrong type is an error
//! naming its JSON path, line and column. Other specification versions are refused by name.

use super::record::MAX_COMPONENTS;
use super::record::{json_error, non_blank, ComponentRecord, DeclaredLicence, SbomRecord};
use serde::Deserialize;
use sovstack_inventory::SbomFormat;

/// The specification versions read.
pub const VERSIONS: [&str; 3] = ["1.4", "1.5", "1.6"];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    bom_format: String,
    spec_version: String,
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    tools: Option<Tools>,
}

/// 1.4 lists tools; 1.5 and 1.6 hold them as components and services (the list still allowed,
/// deprecated).
#[derive(Deserialize)]
#[serde(untagged)]
enum Tools {
    List(Vec<Tool>),
    Object {
        #[serde(default)]
        components: Vec<Tool>,
        #[serde(default)]
        services: Vec<Tool>,
    },
}

#[derive(Deserialize)]
struct Tool {
    #[serde(default)]
    vendor: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    licenses: Vec<LicenseChoice>,
    #[serde(default)]
    supplier: Option<Entity>,
    #[serde(default)]
    components: Vec<Component>,
}

#[derive(Deserialize)]
struct LicenseChoice {
    #[serde(default)]
    license: Option<License>,
    #[serde(default)]
    expression: Option<String>,
}

#[derive(Deserialize)]
struct License {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Entity {
    #[serde(default)]
    name: Option<String>,
}

/// Reads a CycloneDX JSON document. `Err` says what is wrong and where.
pub fn cyclonedx_json(text: &str) -> Result<SbomRecord, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let bom: Bom = serde_path_to_error::deserialize(&mut de).map_err(json_error)?;
    if bom.bom_format != "CycloneDX" {
        return Err(format!(
            "at `bomFormat`: `{}` is not `CycloneDX`",
            bom.bom_format
        ));
    }
    if !VERSIONS.contains(&bom.spec_version.as_str()) {
        return Err(format!(
            "at `specVersion`: CycloneDX {} is not read (versions read: {})",
            bom.spec_version,
            VERSIONS.join(", ")
        ));
    }
    let tools = match bom.metadata.and_then(|m| m.tools) {
        None => Vec::new(),
        Some(Tools::List(list)) => list,
        Some(Tools::Object {
            mut components,
            services,
        }) => {
            components.extend(services);
            components
        }
    };
    let tools = tools
        .iter()
        .filter_map(|t| {
            let owner = non_blank(t.group.as_deref()).or_else(|| non_blank(t.vendor.as_deref()));
            let name = non_blank(t.name.as_deref())?;
            let mut s = match owner {
                Some(o) => format!("{o}/{name}"),
                None => name,
            };
            if let Some(v) = non_blank(t.version.as_deref()) {
                s = format!("{s} {v}");
            }
            Some(s)
        })
        .collect();
    let mut components = Vec::new();
    flatten(&bom.components, "components", &mut components)?;
    Ok(SbomRecord {
        format: SbomFormat::Cyclonedx,
        spec_version: bom.spec_version,
        tools,
        components,
    })
}

/// Drops repeats, keeping the first of each (cyclonedx-npm may list a licence twice).
fn dedup(v: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
}

/// Every component, nested ones after their parent, with its path.
fn flatten(list: &[Component], at: &str, out: &mut Vec<ComponentRecord>) -> Result<(), String> {
    for (i, c) in list.iter().enumerate() {
        if out.len() >= MAX_COMPONENTS {
            return Err(format!(
                "more than {MAX_COMPONENTS} components, the most one SBOM may list"
            ));
        }
        let path = format!("{at}[{i}]");
        let name = match (non_blank(c.group.as_deref()), non_blank(c.name.as_deref())) {
            (Some(g), Some(n)) => format!("{g}/{n}"),
            (None, Some(n)) => n,
            (_, None) => format!("(unnamed, {path})"),
        };
        let mut expressions = Vec::new();
        let mut names = Vec::new();
        for l in &c.licenses {
            if let Some(e) = non_blank(l.expression.as_deref()) {
                expressions.push(e);
            }
            if let Some(l) = &l.license {
                if let Some(id) = non_blank(l.id.as_deref()) {
                    expressions.push(id);
                } else if let Some(n) = non_blank(l.name.as_deref()) {
                    names.push(n);
                }
            }
        }
        // An id or expression says more than a name (cyclonedx-py writes both: the licence's
        // SPDX id, and the trove classifier as a name).
        dedup(&mut expressions);
        dedup(&mut names);
        let licence = match (expressions.is_empty(), names.is_empty()) {
            (false, _) => DeclaredLicence::Expressions(expressions),
            (true, false) => DeclaredLicence::Names(names),
            (true, true) => DeclaredLicence::None,
        };
        out.push(ComponentRecord {
            path: path.clone(),
            name,
            purl: non_blank(c.purl.as_deref()),
            licence,
            supplier: c
                .supplier
                .as_ref()
                .and_then(|s| non_blank(s.name.as_deref())),
        });
        flatten(&c.components, &format!("{path}.components"), out)?;
    }
    Ok(())
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
    fn cyclonedx_py_environment() {
        let r = cyclonedx_json(&fixture("python-venv.cdx.json")).unwrap();
        assert_eq!(r.spec_version, "1.6");
        assert!(
            r.tools
                .iter()
                .any(|t| t.starts_with("CycloneDX/cyclonedx-py ")),
            "{:?}",
            r.tools
        );
        let requests = r.components.iter().find(|c| c.name == "requests").unwrap();
        assert_eq!(requests.purl.as_deref(), Some("pkg:pypi/requests@2.32.3"));
        // The SPDX id wins over the trove classifier written beside it.
        assert_eq!(
            requests.licence,
            DeclaredLicence::Expressions(vec!["Apache-2.0".into()])
        );
        assert!(r.components.iter().all(|c| c.purl.is_some()));
    }

    #[test]
    fn cyclonedx_npm_project() {
        let r = cyclonedx_json(&fixture("npm-project.cdx.json")).unwrap();
        assert_eq!(r.spec_version, "1.5");
        // The project itself (metadata.component) is not counted.
        assert!(r.components.iter().all(|c| c.name != "sbom-sample"));
        let express = r.components.iter().find(|c| c.name == "express").unwrap();
        assert_eq!(express.purl.as_deref(), Some("pkg:npm/express@4.21.2"));
    }

    #[test]
    fn malformed_documents_say_where() {
        let table = [
            ("{", "line 1, column 1: EOF while parsing an object"),
            (
                r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a"},{"purl":7}]}"#,
                "at `components[1].purl`: invalid type: integer `7`, expected a string",
            ),
            (
                r#"{"bomFormat":"CycloneDX","specVersion":"1.2"}"#,
                "at `specVersion`: CycloneDX 1.2 is not read (versions read: 1.4, 1.5, 1.6)",
            ),
            (
                r#"{"bomFormat":"SPDX","specVersion":"1.6"}"#,
                "at `bomFormat`: `SPDX` is not `CycloneDX`",
            ),
            (r#"{"specVersion":"1.6"}"#, "missing field `bomFormat`"),
        ];
        for (text, want) in table {
            let err = cyclonedx_json(text).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
        }
    }
}
