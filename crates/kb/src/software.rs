//! Package registries (`data/software/registries.csv`): the registry a package URL's type says a
//! component came from (`pkg:npm/...`: the npm registry), and the organisation that operates it.
//! For types whose namespace names the vendor (`pkg:deb/debian/...`), a row may name the
//! namespace; a row without one stands for the whole type.
//!
//! A row may leave its operator empty: the registry is known, who runs it as a legal entity is
//! not established, and the actor stays unknown. Parsing package URLs and SBOMs is the
//! scanner's business; this module only looks types up.

use crate::orgs::{OrgId, Orgs};
use crate::tables::{self, required, row_err, KbError, Source};
use crate::Attribution;
use serde::de::IgnoredAny;
use serde::Deserialize;
use sovstack_inventory::{Confidence, Evidence, Method};
use std::collections::HashMap;

const REGISTRIES: &str = "software/registries.csv";
const CLASSIFIERS: &str = "software/pypi-osi-classifiers.csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassifierRow {
    classifier: String,
    status: String,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryRow {
    purl_type: String,
    namespace: String,
    registry: String,
    operator: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

/// A registry, as the knowledge base knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Registry {
    /// Its host (`registry.npmjs.org`).
    pub registry: String,
    /// The organisation that operates it, when established (with the row and the
    /// organisation's row as evidence).
    pub operator: Option<Attribution>,
    /// The row, as evidence.
    pub evidence: Evidence,
}

#[derive(Debug)]
pub(crate) struct Registries {
    /// Keyed by (lower-cased type, lower-cased namespace or empty).
    rows: HashMap<(String, String), (u64, String, Option<OrgId>)>,
    /// PyPI's `License :: OSI Approved` classifiers, exactly as listed, and their lines.
    osi_classifiers: HashMap<String, u64>,
}

impl Registries {
    pub fn load(sources: &[Source], orgs: &Orgs) -> Result<Registries, KbError> {
        let mut rows = HashMap::new();
        for row in tables::read::<RegistryRow>(REGISTRIES, tables::text_of(sources, REGISTRIES)?)? {
            let (line, r) = (row.line, row.rec);
            required(REGISTRIES, line, "purl_type", &r.purl_type)?;
            required(REGISTRIES, line, "registry", &r.registry)?;
            required(REGISTRIES, line, "source", &r.source)?;
            let operator = match r.operator.as_str() {
                "" => None,
                name => Some(orgs.require(REGISTRIES, line, name)?),
            };
            let key = (r.purl_type.to_lowercase(), r.namespace.to_lowercase());
            if rows.insert(key, (line, r.registry, operator)).is_some() {
                return Err(row_err(
                    REGISTRIES,
                    line,
                    format!(
                        "duplicate type `{}` namespace `{}`",
                        r.purl_type, r.namespace
                    ),
                ));
            }
        }
        let mut osi_classifiers = HashMap::new();
        for row in
            tables::read::<ClassifierRow>(CLASSIFIERS, tables::text_of(sources, CLASSIFIERS)?)?
        {
            let (line, r) = (row.line, row.rec);
            required(CLASSIFIERS, line, "source", &r.source)?;
            if r.classifier != "License :: OSI Approved"
                && !r.classifier.starts_with("License :: OSI Approved :: ")
            {
                return Err(row_err(
                    CLASSIFIERS,
                    line,
                    format!(
                        "`{}` is not a `License :: OSI Approved` classifier",
                        r.classifier
                    ),
                ));
            }
            if !matches!(r.status.as_str(), "current" | "deprecated") {
                return Err(row_err(
                    CLASSIFIERS,
                    line,
                    format!("status `{}` is not current or deprecated", r.status),
                ));
            }
            if osi_classifiers.insert(r.classifier.clone(), line).is_some() {
                return Err(row_err(
                    CLASSIFIERS,
                    line,
                    format!("`{}` twice", r.classifier),
                ));
            }
        }
        Ok(Registries {
            rows,
            osi_classifiers,
        })
    }

    /// The registry of a package URL's type (and namespace, for types a row names one for).
    /// Medium confidence: the type names the registry a component is published to, and a
    /// mirror or proxy may have delivered it.
    pub fn registry(&self, orgs: &Orgs, purl_type: &str, namespace: &str) -> Option<Registry> {
        let t = purl_type.to_lowercase();
        let (key, (line, registry, operator)) = self
            .rows
            .get_key_value(&(t.clone(), namespace.to_lowercase()))
            .or_else(|| self.rows.get_key_value(&(t, String::new())))?;
        let value = match key.1.as_str() {
            "" => key.0.clone(),
            ns => format!("{}/{ns}", key.0),
        };
        let evidence = tables::evidence(
            REGISTRIES,
            *line,
            "purl_type",
            &value,
            Method::KbLookup,
            Confidence::Medium,
        );
        Some(Registry {
            registry: registry.clone(),
            operator: operator.map(|o| orgs.attribute(o, vec![evidence.clone()])),
            evidence,
        })
    }

    /// The row of a PyPI trove classifier that says its licence is OSI-approved (`License ::
    /// OSI Approved :: BSD License`, or `License :: OSI Approved` alone), as PyPI's official
    /// list (the trove-classifiers package) spells it, exactly (surrounding blanks aside), as
    /// evidence; `None` for any other text.
    pub fn osi_classifier(&self, text: &str) -> Option<Evidence> {
        let text = text.trim();
        let line = *self.osi_classifiers.get(text)?;
        Some(tables::evidence(
            CLASSIFIERS,
            line,
            "classifier",
            text,
            Method::KbLookup,
            Confidence::High,
        ))
    }

    /// Whether rows for `purl_type` are keyed by namespace (`deb`): the ecosystem is then
    /// `type/namespace`.
    pub fn by_namespace(&self, purl_type: &str) -> bool {
        let t = purl_type.to_lowercase();
        self.rows.keys().any(|(k, ns)| *k == t && !ns.is_empty())
    }
}
