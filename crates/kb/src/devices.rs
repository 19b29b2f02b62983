//! Hardware makers: `devices/makers.csv` (the maker strings inventories carry → the company, for
//! a kind of device or any) and `devices/high-risk-vendors.csv` (makers a public authority has
//! named high-risk suppliers, with the document that names them).
//!
//! A maker row is a pattern of the KB pattern language (case-insensitive `regex`, anywhere in
//! the trimmed input; the makers' rows anchor with `^`), optionally limited to kinds of device
//! (`Hewlett-Packard` is Hewlett Packard Enterprise on a switch and HP Inc. on a printer), and
//! matched against the maker followed by the model when there is one (`HP ProLiant` is HPE's). The
//! first row in file order that matches and allows the kind wins. Every row's `examples` must
//! resolve, for the row's first kind (or for no kind), to the row itself: the examples are the
//! tests. Placeholders (`To Be Filled By O.E.M.`, `System manufacturer`) match no row and stay
//! unknown.

use crate::orgs::{OrgId, Orgs};
use crate::tables::{self, required, row_err, KbError, Source};
use crate::Attribution;
use regex::Regex;
use serde::de::IgnoredAny;
use serde::Deserialize;
use sovstack_inventory::{Confidence, DeviceKind, Method};

const MAKERS: &str = "devices/makers.csv";
const HIGH_RISK: &str = "devices/high-risk-vendors.csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MakerCsv {
    pattern: String,
    kinds: String,
    organisation: String,
    confidence: String,
    examples: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HighRiskCsv {
    organisation: String,
    authority: String,
    designation: String,
    date: String,
    source: String,
}

#[derive(Debug)]
struct MakerRow {
    line: u64,
    pattern: String,
    regex: Regex,
    /// Empty: any kind.
    kinds: Vec<DeviceKind>,
    org: OrgId,
    confidence: Confidence,
}

/// A designation of a maker as a high-risk supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct HighRiskDesignation {
    /// Who designated it (`European Commission`).
    pub authority: String,
    /// What the designation says, in a sentence.
    pub designation: String,
    /// When (`YYYY-MM-DD`).
    pub date: String,
    /// The document.
    pub source: String,
    /// The designation's row and the organisation's, as evidence.
    pub attribution: Attribution,
}

#[derive(Debug)]
struct HighRiskRow {
    line: u64,
    org: OrgId,
    authority: String,
    designation: String,
    date: String,
    source: String,
}

/// The loaded device tables.
#[derive(Debug)]
pub(crate) struct Devices {
    makers: Vec<MakerRow>,
    high_risk: Vec<HighRiskRow>,
}

impl Devices {
    pub fn load(sources: &[Source], orgs: &Orgs) -> Result<Self, KbError> {
        let mut makers = Vec::new();
        let mut examples = Vec::new();
        for row in tables::read::<MakerCsv>(MAKERS, tables::text_of(sources, MAKERS)?)? {
            let (line, r) = (row.line, row.rec);
            required(MAKERS, line, "source", &r.source)?;
            let regex = tables::pattern(MAKERS, line, &r.pattern)?;
            let org = orgs.require(MAKERS, line, &r.organisation)?;
            let confidence = tables::confidence(MAKERS, line, &r.confidence)?;
            let kinds = tables::list(&r.kinds)
                .into_iter()
                .map(|k| {
                    DeviceKind::from_name(k).ok_or_else(|| {
                        row_err(
                            MAKERS,
                            line,
                            format!("unknown kind `{k}` (system, network, printer, phone)"),
                        )
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let ex: Vec<String> = tables::list(&r.examples)
                .into_iter()
                .map(String::from)
                .collect();
            if ex.is_empty() {
                return Err(row_err(MAKERS, line, "missing `examples`"));
            }
            if makers
                .iter()
                .any(|m: &MakerRow| m.pattern == r.pattern && m.kinds == kinds)
            {
                return Err(row_err(
                    MAKERS,
                    line,
                    format!("duplicate pattern `{}` for the same kinds", r.pattern),
                ));
            }
            examples.push((line, kinds.first().copied(), ex));
            makers.push(MakerRow {
                line,
                pattern: r.pattern,
                regex,
                kinds,
                org,
                confidence,
            });
        }
        let mut high_risk = Vec::new();
        for row in tables::read::<HighRiskCsv>(HIGH_RISK, tables::text_of(sources, HIGH_RISK)?)? {
            let (line, r) = (row.line, row.rec);
            for (field, value) in [
                ("authority", &r.authority),
                ("designation", &r.designation),
                ("source", &r.source),
            ] {
                required(HIGH_RISK, line, field, value)?;
            }
            if !is_date(&r.date) {
                return Err(row_err(
                    HIGH_RISK,
                    line,
                    format!("date `{}` is not YYYY-MM-DD", r.date),
                ));
            }
            high_risk.push(HighRiskRow {
                line,
                org: orgs.require(HIGH_RISK, line, &r.organisation)?,
                authority: r.authority,
                designation: r.designation,
                date: r.date,
                source: r.source,
            });
        }
        let d = Devices { makers, high_risk };
        for (line, kind, ex) in examples {
            for e in ex {
                let won = d.find(kind, &e);
                if won.map(|w| w.line) != Some(line) {
                    return Err(row_err(
                        MAKERS,
                        line,
                        match won {
                            Some(w) => format!(
                                "example `{e}` resolves to `{}` (line {}) first",
                                orgs.get(w.org).name,
                                w.line
                            ),
                            None => format!("example `{e}` does not match"),
                        },
                    ));
                }
            }
        }
        Ok(d)
    }

    /// The organisations the tables name.
    #[cfg(test)]
    pub fn referenced_orgs(&self) -> Vec<OrgId> {
        let makers = self.makers.iter().map(|r| r.org);
        makers.chain(self.high_risk.iter().map(|r| r.org)).collect()
    }

    fn find(&self, kind: Option<DeviceKind>, maker: &str) -> Option<&MakerRow> {
        let maker = maker.trim();
        if maker.is_empty() {
            return None;
        }
        self.makers.iter().find(|r| {
            (r.kinds.is_empty() || kind.is_some_and(|k| r.kinds.contains(&k)))
                && r.regex.is_match(maker)
        })
    }

    /// The company behind a maker string, for a kind of device; the model, when known, is
    /// matched after the maker (`HP ProLiant DL360p Gen8`), so a row can tell a brand's servers
    /// from its PCs.
    pub fn maker(
        &self,
        orgs: &Orgs,
        kind: DeviceKind,
        maker: &str,
        model: Option<&str>,
    ) -> Option<Attribution> {
        let maker = maker.trim();
        if maker.is_empty() {
            return None;
        }
        let input = match model.map(str::trim).filter(|m| !m.is_empty()) {
            Some(m) => format!("{maker} {m}"),
            None => maker.to_string(),
        };
        let row = self.find(Some(kind), &input)?;
        let ev = tables::evidence(
            MAKERS,
            row.line,
            "pattern",
            &row.pattern,
            Method::KbPattern,
            row.confidence,
        );
        Some(orgs.attribute(row.org, vec![ev]))
    }

    /// The designations of the organisation `name` (canonical) as a high-risk supplier.
    pub fn high_risk(&self, orgs: &Orgs, name: &str) -> Vec<HighRiskDesignation> {
        let Some(id) = orgs.find(name) else {
            return Vec::new();
        };
        self.high_risk
            .iter()
            .filter(|r| r.org == id)
            .map(|r| HighRiskDesignation {
                authority: r.authority.clone(),
                designation: r.designation.clone(),
                date: r.date.clone(),
                source: r.source.clone(),
                attribution: orgs.attribute(
                    id,
                    vec![tables::evidence(
                        HIGH_RISK,
                        r.line,
                        "organisation",
                        &orgs.get(id).name,
                        Method::KbLookup,
                        Confidence::High,
                    )],
                ),
            })
            .collect()
    }
}

/// Whether `s` is `YYYY-MM-DD`.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, &c)| match i {
            4 | 7 => c == b'-',
            _ => c.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use crate::Kb;
    use sovstack_inventory::DeviceKind;

    fn maker(kind: DeviceKind, s: &str) -> Option<(String, Option<String>)> {
        let kb = Kb::builtin().unwrap();
        kb.device_maker(kind, s, None)
            .map(|a| (a.name, a.country.map(|c| c.as_str().to_string())))
    }

    /// A hypervisor's vendor made no machine: its SMBIOS strings make a guest
    /// (`hypervisors.csv`), never a device maker.
    #[test]
    fn hypervisor_vendors_are_no_makers() {
        for s in [
            "VMware, Inc.",
            "innotek GmbH",
            "QEMU",
            "Xen",
            "Bochs",
            "Parallels Software International Inc.",
        ] {
            assert_eq!(maker(DeviceKind::System, s), None, "{s}");
        }
    }

    #[test]
    fn the_spellings_real_inventories_carry() {
        use DeviceKind::*;
        for (kind, s, org, country) in [
            // GLPI's examples (tests/fixtures/glpi-inventory-format).
            (System, "Dell Inc.", "Dell Technologies", "US"),
            (System, "TOSHIBA", "Toshiba Corporation", "JP"),
            (Network, "Cisco", "Cisco Systems", "US"),
            (
                Network,
                "Hewlett-Packard",
                "Hewlett Packard Enterprise",
                "US",
            ),
            (Network, "D-Link", "D-Link Corporation", "TW"),
            (Printer, "Hewlett-Packard", "HP Inc.", "US"),
            (Printer, "Canon", "Canon Inc.", "JP"),
            (Phone, "Xiaomi", "Xiaomi", "CN"),
            // SMBIOS system manufacturers.
            (System, "LENOVO", "Lenovo Group", "CN"),
            (System, "HP", "HP Inc.", "US"),
            (System, "ASUSTeK COMPUTER INC.", "ASUSTeK Computer", "TW"),
            (
                System,
                "Micro-Star International Co., Ltd.",
                "Micro-Star International",
                "TW",
            ),
            (Phone, "Nokia", "HMD Global", "FI"),
            (Network, "Nokia", "Nokia", "FI"),
            (Network, "H3C", "New H3C Technologies", "CN"),
            (Network, "MikroTik", "MikroTik", "LV"),
            (Network, "Stormshield", "Stormshield", "FR"),
        ] {
            assert_eq!(
                maker(kind, s),
                Some((org.to_string(), Some(country.to_string()))),
                "{kind} {s}"
            );
        }
    }

    #[test]
    fn placeholders_and_ambiguous_brands_stay_unknown() {
        for s in [
            "To Be Filled By O.E.M.",
            "System manufacturer",
            "Default string",
            "Not Specified",
            "O.E.M.",
            "QEMU",
            "FUJI XEROX",
            "Alcatel-Lucent",
            "TP-Link",
            "",
            "   ",
        ] {
            for kind in DeviceKind::ALL {
                assert_eq!(maker(kind, s), None, "{kind} {s:?}");
            }
        }
        // The model tells HP's servers (HPE since 2015) from its PCs (HP Inc.).
        let kb = Kb::builtin().unwrap();
        let hp = |model| {
            kb.device_maker(DeviceKind::System, "HP", model)
                .unwrap()
                .name
        };
        assert_eq!(
            hp(Some("ProLiant DL360p Gen8")),
            "Hewlett Packard Enterprise"
        );
        assert_eq!(hp(Some("HP EliteBook 840 G5")), "HP Inc.");
        assert_eq!(hp(None), "HP Inc.");
        assert_eq!(
            kb.device_maker(DeviceKind::System, "", Some("ProLiant")),
            None
        );
        // Rows limited to kinds: an Intel NUC is a system, not a phone.
        assert_eq!(maker(DeviceKind::Phone, "Intel Corporation"), None);
    }

    #[test]
    fn owners_and_high_risk_designations() {
        let kb = Kb::builtin().unwrap();
        let owner = |n: &str| kb.ultimate_parent(n).map(|a| a.name);
        assert_eq!(
            owner("Lexmark International").as_deref(),
            Some("Xerox Holdings")
        );
        assert_eq!(
            owner("New H3C Technologies").as_deref(),
            Some("Tsinghua Unigroup")
        );
        assert_eq!(
            owner("Dynabook Inc.").as_deref(),
            Some("Hon Hai Precision Industry")
        );
        assert_eq!(owner("Dell Technologies"), None);
        let huawei = kb.high_risk_designations("Huawei Technologies");
        assert_eq!(huawei.len(), 1);
        assert_eq!(huawei[0].authority, "European Commission");
        assert_eq!(huawei[0].date, "2023-06-15");
        assert_eq!(kb.high_risk_designations("ZTE Corporation").len(), 1);
        assert!(kb.high_risk_designations("Cisco Systems").is_empty());
    }
}
