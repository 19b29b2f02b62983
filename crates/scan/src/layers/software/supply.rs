//! [`SupplyBuilder`]: SBOMs in, the software layer out. Each component is placed by its package
//! URL (the `packageurl` crate parses it) in the item of its registry and licensing class, the
//! class judged from its declared licence by the `spdx` crate (an expression holding with
//! OSI-approved or FSF free/libre licences only is free software); the registry's operator comes
//! from the knowledge base (`software/registries.csv`). Memory grows with the distinct items and
//! the documents' list, never with the components read.

use super::record::{ComponentRecord, DeclaredLicence, SbomRecord};
use packageurl::PackageUrl;
use sovstack_inventory::{
    Actor, Confidence, Diagnostic, DiagnosticSeverity, Evidence, Governance, Licensing, Method,
    Role, SbomDocument, SoftwareLayer, SoftwareSupply,
};
use sovstack_kb::Kb;
use std::collections::HashMap;
use std::str::FromStr;

/// Where the licence list the classes are judged by comes from, as evidence.
pub const LICENCE_LIST: &str = "spdx-license-list:3.29.0";

/// Aggregates SBOMs as they are read.
pub struct SupplyBuilder<'k> {
    kb: &'k Kb,
    sboms: Vec<SbomDocument>,
    supplies: Vec<SoftwareSupply>,
    keys: HashMap<(String, Licensing), usize>,
    /// Problems met, in the order met.
    pub diagnostics: Vec<Diagnostic>,
}

/// The class of a declared licence, and the PyPI classifiers it was judged by.
///
/// A text that is one of PyPI's `License :: OSI Approved` trove classifiers (as
/// `cyclonedx-py` writes a package's classifiers into `license.name`: `License :: OSI
/// Approved :: BSD License`) says the licence is OSI-approved: free software, with the
/// classifier's `kb:software/pypi-osi-classifiers.csv` row as evidence. That evidence is high
/// confidence when the classifier names one licence by its SPDX id (`... (MIT-0)`), medium when
/// it names a family or none (`BSD License`, `License :: OSI Approved` alone): the class is
/// then certain, which licence it is is not. Any other text is judged by the SPDX list.
pub fn licensing(kb: &Kb, licence: &DeclaredLicence) -> (Licensing, Vec<Evidence>) {
    let written = match licence {
        DeclaredLicence::Expressions(e) | DeclaredLicence::Names(e) => e,
        DeclaredLicence::None => return (Licensing::Unknown, Vec::new()),
    };
    let mut class = Licensing::Free;
    let mut classifiers = Vec::new();
    for text in written {
        if let Some(mut ev) = kb.pypi_osi_classifier(text) {
            if !names_one_licence(text) {
                ev.confidence = Confidence::Medium;
            }
            classifiers.push(ev);
            continue;
        }
        // Lax: `Apache 2.0`, `GPL-2.0` (deprecated ids) and `/` for OR are read as people write
        // them; anything else that is not an expression cannot be judged.
        let Ok(expr) = spdx::Expression::parse_mode(text, spdx::ParseMode::LAX) else {
            return (Licensing::Unknown, classifiers);
        };
        let free = expr.evaluate(|req| match req.license.id() {
            Some(id) => id.is_osi_approved() || id.is_fsf_free_libre(),
            None => false,
        });
        if !free {
            if expr.requirements().any(|r| r.req.license.id().is_none()) {
                return (Licensing::Unknown, classifiers);
            }
            class = Licensing::NotFree;
        }
    }
    (class, classifiers)
}

/// Whether an OSI classifier ends with one OSI-approved SPDX id in parentheses
/// (`Zero-Clause BSD (0BSD)`, `Eclipse Public License 2.0 (EPL-2.0)`); `(GPLv2+)`, `(MPL 2.0)`
/// and no parentheses at all name no SPDX id.
fn names_one_licence(classifier: &str) -> bool {
    classifier
        .trim()
        .strip_suffix(')')
        .and_then(|c| c.rsplit_once('('))
        .and_then(|(_, id)| spdx::license_id(id))
        .is_some_and(|id| id.is_osi_approved())
}

/// The licence as the item lists it.
fn written(licence: &DeclaredLicence) -> Option<String> {
    match licence {
        DeclaredLicence::Expressions(e) => Some(e.join(" AND ")),
        DeclaredLicence::Names(n) => Some(n.join("; ")),
        DeclaredLicence::None => None,
    }
}

/// A purl's registry: `(ecosystem, type, namespace, registry named by the purl)`.
fn place(kb: &Kb, purl: &PackageUrl<'_>) -> (String, String, String) {
    let ty = purl.ty().to_ascii_lowercase();
    let ns = purl.namespace().unwrap_or_default().to_ascii_lowercase();
    let mut ecosystem = if kb.registry_by_namespace(&ty) && !ns.is_empty() {
        format!("{ty}/{ns}")
    } else {
        ty.clone()
    };
    if let Some(repo) = purl.qualifiers().get("repository_url") {
        let repo = repo.trim_end_matches('/');
        let default = kb.registry(&ty, &ns).map(|r| r.registry);
        let host = repo
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        if default.as_deref() != Some(host) {
            ecosystem = format!("{ecosystem}@{host}");
        }
    }
    (ecosystem, ty, ns)
}

impl<'k> SupplyBuilder<'k> {
    /// An empty builder.
    pub fn new(kb: &'k Kb) -> Self {
        SupplyBuilder {
            kb,
            sboms: Vec::new(),
            supplies: Vec::new(),
            keys: HashMap::new(),
            diagnostics: Vec::new(),
        }
    }

    /// Adds the components of one SBOM, read from `source`.
    pub fn add(&mut self, source: &str, record: SbomRecord) {
        let mut without_purl = 0u64;
        let mut bad_purls: Vec<(String, String)> = Vec::new();
        for c in &record.components {
            let parsed = c.purl.as_deref().map(PackageUrl::from_str);
            let purl = match parsed {
                Some(Ok(p)) => Some(p),
                Some(Err(e)) => {
                    bad_purls.push((c.path.clone(), e.to_string()));
                    None
                }
                None => None,
            };
            if purl.is_none() {
                without_purl += 1;
            }
            self.count(source, c, purl.as_ref());
        }
        if let Some((path, e)) = bad_purls.first() {
            self.diagnostics.push(Diagnostic {
                code: super::codes::BAD_PURL.to_string(),
                severity: DiagnosticSeverity::Warning,
                message: format!(
                    "{source}: {} component(s) with a package URL that does not parse, first at `{path}.purl`: {e}; counted as of unknown registry",
                    bad_purls.len()
                ),
                path: Some(source.to_string()),
            });
        }
        self.sboms.push(SbomDocument {
            source: source.to_string(),
            format: record.format,
            spec_version: record.spec_version,
            tools: record.tools,
            components: record.components.len() as u64,
            without_purl,
        });
    }

    fn count(&mut self, source: &str, c: &ComponentRecord, purl: Option<&PackageUrl<'_>>) {
        let (class, classifiers) = licensing(self.kb, &c.licence);
        let (ecosystem, ty, ns) = match purl {
            Some(p) => place(self.kb, p),
            None => ("unknown".to_string(), String::new(), String::new()),
        };
        let key = (ecosystem, class);
        let index = match self.keys.get(&key) {
            Some(&i) => i,
            None => {
                let item = self.make(source, c, &key.0, &ty, &ns, class);
                self.supplies.push(item);
                self.keys.insert(key, self.supplies.len() - 1);
                self.supplies.len() - 1
            }
        };
        let item = &mut self.supplies[index];
        item.components += 1;
        if let Some(l) = written(&c.licence) {
            *item.licences.entry(l).or_default() += 1;
        }
        if let Some(s) = &c.supplier {
            *item.suppliers.entry(s.clone()).or_default() += 1;
        }
        if item.evidence.last().map(|e| e.source.as_str()) != Some(source) {
            item.evidence.push(component_evidence(source, c));
        }
        // The classifiers the item's class rests on, each once (at most the table's rows).
        let licence = &mut item.actors[1].evidence;
        for ev in classifiers {
            if !licence.contains(&ev) {
                licence.push(ev);
            }
        }
    }

    /// A new item, attributed from its first component.
    fn make(
        &self,
        source: &str,
        c: &ComponentRecord,
        ecosystem: &str,
        ty: &str,
        ns: &str,
        class: Licensing,
    ) -> SoftwareSupply {
        let seen = component_evidence(source, c);
        let known = !ty.is_empty() && !ecosystem.contains('@');
        let registry = known.then(|| self.kb.registry(ty, ns)).flatten();
        let operator = match registry.as_ref().and_then(|r| r.operator.clone()) {
            Some(a) => a.into_actor(Role::RegistryOperator, vec![seen.clone()]),
            None => {
                let mut evidence = vec![seen.clone()];
                evidence.extend(registry.as_ref().map(|r| r.evidence.clone()));
                Actor::unknown(Role::RegistryOperator, evidence)
            }
        };
        let licence_evidence = vec![
            Evidence {
                source: source.to_string(),
                field: Some(format!("{}.licenses", c.path)),
                line: None,
                value: written(&c.licence),
                method: Method::FileField,
                confidence: Confidence::High,
            },
            Evidence {
                source: LICENCE_LIST.to_string(),
                field: None,
                line: None,
                value: Some(class.id().to_string()),
                method: Method::KbLookup,
                confidence: Confidence::High,
            },
        ];
        let licence = match class {
            Licensing::Free => Actor {
                role: Role::Licence,
                name: Some("free-software licences (OSI or FSF)".to_string()),
                country: None,
                registered_country: None,
                share: None,
                governance: Governance::Community,
                evidence: licence_evidence,
            },
            Licensing::NotFree => Actor {
                role: Role::Licence,
                name: Some("licences that are not free software".to_string()),
                country: None,
                registered_country: None,
                share: None,
                governance: Governance::Unknown,
                evidence: licence_evidence,
            },
            Licensing::Unknown => Actor::unknown(Role::Licence, licence_evidence),
        };
        SoftwareSupply {
            id: format!("{ecosystem}/{}", class.id()),
            ecosystem: ecosystem.to_string(),
            registry: match ecosystem.split_once('@') {
                Some((_, r)) => Some(r.to_string()),
                None => registry.map(|r| r.registry),
            },
            licensing: class,
            components: 0,
            licences: Default::default(),
            suppliers: Default::default(),
            actors: vec![operator, licence],
            evidence: Vec::new(),
        }
    }

    /// The layer: items by id, SBOMs in the order read.
    pub fn finish(self) -> (SoftwareLayer, Vec<Diagnostic>) {
        let mut supplies = self.supplies;
        supplies.sort_by(|a, b| a.id.cmp(&b.id));
        (
            SoftwareLayer {
                sboms: self.sboms,
                supplies,
            },
            self.diagnostics,
        )
    }
}

/// Where a component was read: its purl, or its name when it has none.
fn component_evidence(source: &str, c: &ComponentRecord) -> Evidence {
    let (field, value) = match &c.purl {
        Some(p) => (format!("{}.purl", c.path), p.clone()),
        None => (format!("{}.name", c.path), c.name.clone()),
    };
    Evidence {
        source: source.to_string(),
        field: Some(field),
        line: None,
        value: Some(value),
        method: Method::FileField,
        confidence: Confidence::High,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::kb;
    use sovstack_inventory::SbomFormat;

    fn component(path: &str, purl: Option<&str>, licence: &str) -> ComponentRecord {
        ComponentRecord {
            path: path.into(),
            name: path.into(),
            purl: purl.map(Into::into),
            licence: match licence {
                "" => DeclaredLicence::None,
                l => DeclaredLicence::Expressions(vec![l.into()]),
            },
            supplier: None,
        }
    }

    #[test]
    fn components_are_placed_by_purl_and_licence() {
        let mut b = SupplyBuilder::new(kb());
        let mut debian = component("c[3]", Some("pkg:deb/debian/libc6@2.36?arch=amd64"), "");
        debian.supplier = Some("Debian".into());
        b.add(
            "a.json",
            SbomRecord {
                format: SbomFormat::Cyclonedx,
                spec_version: "1.6".into(),
                tools: vec![],
                components: vec![
                    component("c[0]", Some("pkg:npm/%40scope/a@1.0.0"), "MIT"),
                    component(
                        "c[1]",
                        Some("pkg:npm/b@1?repository_url=https://npm.example.org/"),
                        "MIT",
                    ),
                    component(
                        "c[2]",
                        Some("pkg:npm/c@1?repository_url=https://registry.npmjs.org"),
                        "MIT",
                    ),
                    debian,
                    component("c[4]", None, "MIT"),
                    component("c[5]", Some("not a purl"), "MIT"),
                    component("c[6]", Some("pkg:cargo/serde@1"), "BUSL-1.1"),
                    component("c[7]", Some("pkg:composer/symfony/yaml@7"), "MIT"),
                ],
            },
        );
        let (layer, diagnostics) = b.finish();
        let got: Vec<(&str, u64, Option<&str>, Option<&str>)> = layer
            .supplies
            .iter()
            .map(|s| {
                let op = &s.actors[0];
                (
                    s.id.as_str(),
                    s.components,
                    op.name.as_deref(),
                    op.country.as_ref().map(|c| c.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("cargo/not-free", 1, Some("Rust Foundation"), Some("US")),
                ("composer/free", 1, None, None),
                (
                    "deb/debian/unknown-licence",
                    1,
                    Some("Debian Project"),
                    None
                ),
                ("npm/free", 2, Some("GitHub, Inc."), Some("US")),
                ("npm@npm.example.org/free", 1, None, None),
                ("unknown/free", 2, None, None),
            ]
        );
        let deb = &layer.supplies[2];
        assert_eq!(deb.suppliers.get("Debian"), Some(&1));
        assert_eq!(deb.registry.as_deref(), Some("deb.debian.org"));
        assert_eq!(
            layer.supplies[4].registry.as_deref(),
            Some("npm.example.org")
        );
        // The licence actor: commons for free licences, unknown when none is declared.
        assert_eq!(
            layer.supplies[3].actors[1].governance,
            Governance::Community
        );
        assert_eq!(deb.actors[1].name, None);
        assert_eq!(layer.sboms[0].without_purl, 2);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, super::super::codes::BAD_PURL);
        assert!(
            diagnostics[0].message.contains("first at `c[5].purl`"),
            "{}",
            diagnostics[0].message
        );
    }

    #[test]
    fn licences_are_classed_by_the_spdx_list() {
        let e =
            |s: &[&str]| DeclaredLicence::Expressions(s.iter().map(|s| s.to_string()).collect());
        let n = |s: &[&str]| DeclaredLicence::Names(s.iter().map(|s| s.to_string()).collect());
        let table = [
            (e(&["MIT"]), Licensing::Free),
            (e(&["Apache-2.0 OR MIT"]), Licensing::Free),
            (e(&["MIT", "BSD-3-Clause"]), Licensing::Free),
            (
                e(&["GPL-2.0-or-later WITH Classpath-exception-2.0"]),
                Licensing::Free,
            ),
            (e(&["MIT AND CC-BY-NC-4.0"]), Licensing::NotFree),
            (e(&["BUSL-1.1"]), Licensing::NotFree),
            (e(&["LicenseRef-Proprietary"]), Licensing::Unknown),
            (e(&["MIT OR LicenseRef-Proprietary"]), Licensing::Free),
            (e(&["not a licence ((("]), Licensing::Unknown),
            (n(&["MIT"]), Licensing::Free),
            (DeclaredLicence::None, Licensing::Unknown),
        ];
        for (licence, want) in table {
            assert_eq!(licensing(kb(), &licence).0, want, "{licence:?}");
        }
        // PyPI's OSI classifiers (cyclonedx-py writes them as `license.name`): free software,
        // the classifier's row as evidence, high confidence only when it names one SPDX id.
        use Confidence::{High, Medium};
        for (text, confidence) in [
            ("License :: OSI Approved :: BSD License", Some(Medium)),
            ("License :: OSI Approved :: MIT License", Some(Medium)),
            ("License :: OSI Approved", Some(Medium)),
            (
                "License :: OSI Approved :: Zero-Clause BSD (0BSD)",
                Some(High),
            ),
            (
                "License :: OSI Approved :: Eclipse Public License 2.0 (EPL-2.0)",
                Some(High),
            ),
            (
                "License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
                Some(Medium),
            ),
            // Deprecated, still on old releases.
            (
                "License :: OSI Approved :: Intel Open Source License",
                Some(Medium),
            ),
            // Not in PyPI's list, or not OSI: unknown as before.
            ("License :: OSI Approved :: Made Up License", None),
            ("License :: Other/Proprietary License", None),
            ("License :: Freeware", None),
        ] {
            let (class, ev) = licensing(kb(), &n(&[text]));
            match confidence {
                Some(c) => {
                    assert_eq!(class, Licensing::Free, "{text}");
                    assert_eq!(ev.len(), 1, "{text}");
                    assert_eq!(ev[0].source, "kb:software/pypi-osi-classifiers.csv");
                    assert_eq!(ev[0].value.as_deref(), Some(text));
                    assert_eq!(ev[0].confidence, c, "{text}");
                }
                None => assert_eq!((class, ev.len()), (Licensing::Unknown, 0), "{text}"),
            }
        }
        // A classifier does not make a non-free licence beside it free.
        assert_eq!(
            licensing(
                kb(),
                &n(&["License :: OSI Approved :: BSD License", "BUSL-1.1"])
            )
            .0,
            Licensing::NotFree
        );
    }
}
