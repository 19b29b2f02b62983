//! Operating-system stewards (`data/os/`): `os-release-ids.csv` maps an exact `/etc/os-release`
//! `ID` to the organisation that stewards the distribution, and `kernels.csv` maps a kernel name
//! (`uname -s`) to the kernel's steward. `vendor-systems.csv` names the steward of the systems
//! that have no os-release `ID` (Microsoft Windows, Android), by the kernel name an inventory
//! agent reports and a word of the system's name.
//!
//! Reading `os-release` and `uname` is the scanner's business; this module only looks ids up.

use crate::lifecycle;
use crate::orgs::{OrgId, Orgs};
use crate::tables::{self, required, row_err, KbError, Source};
use crate::Attribution;
use serde::de::IgnoredAny;
use serde::Deserialize;
use sovstack_inventory::{Confidence, Evidence, Method};
use std::collections::HashMap;

const RELEASES: &str = "os/os-release-ids.csv";
const KERNELS: &str = "os/kernels.csv";
const VENDOR_SYSTEMS: &str = "os/vendor-systems.csv";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReleaseRow {
    id: String,
    name: String,
    #[serde(rename = "typical_id_like")]
    _typical_id_like: IgnoredAny,
    steward: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    id_evidence: String,
    reference: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KernelRow {
    kernel: String,
    steward: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VendorSystemRow {
    kernel: String,
    name_word: String,
    steward: String,
    confidence: String,
    product: String,
    #[serde(rename = "notes")]
    _notes: IgnoredAny,
    source: String,
}

/// A `vendor-systems.csv` row: its line, kernel name (lower-cased), name word (as spelled),
/// steward, confidence and endoflife.date product.
#[derive(Debug)]
struct VendorSystem {
    line: u64,
    kernel: String,
    word: String,
    org: OrgId,
    confidence: Confidence,
    product: Option<String>,
}

#[derive(Debug)]
pub(crate) struct Os {
    releases: HashMap<String, (u64, OrgId)>,
    /// Keyed by the lower-cased os-release `NAME`; `None` when two rows share a name, which
    /// then names no steward.
    names: HashMap<String, Option<(u64, String, OrgId)>>,
    /// The `ID` of each lower-cased `NAME`, with the row's line; `None` when two rows share it.
    ids_by_name: HashMap<String, Option<(u64, String)>>,
    /// Keyed by the lower-cased kernel name; the value keeps the spelling of the table.
    kernels: HashMap<String, (u64, String, OrgId)>,
    vendor_systems: Vec<VendorSystem>,
}

/// The os-release `ID` grammar (lower-case letters, digits, `._-`), relaxed for the mixed-case
/// ids that real distributions ship (`openEuler`, `Deepin`, `XCP-ng`).
fn valid_release_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

impl Os {
    pub fn load(sources: &[Source], orgs: &Orgs) -> Result<Os, KbError> {
        let mut releases = HashMap::new();
        let mut names: HashMap<String, Option<(u64, String, OrgId)>> = HashMap::new();
        let mut ids_by_name: HashMap<String, Option<(u64, String)>> = HashMap::new();
        for row in tables::read::<ReleaseRow>(RELEASES, tables::text_of(sources, RELEASES)?)? {
            let (line, r) = (row.line, row.rec);
            required(RELEASES, line, "name", &r.name)?;
            required(RELEASES, line, "id_evidence", &r.id_evidence)?;
            required(RELEASES, line, "reference", &r.reference)?;
            if !valid_release_id(&r.id) {
                return Err(row_err(
                    RELEASES,
                    line,
                    format!("`{}` is not an os-release ID", r.id),
                ));
            }
            let org = orgs.require(RELEASES, line, &r.steward)?;
            names
                .entry(r.name.to_lowercase())
                .and_modify(|e| *e = None)
                .or_insert(Some((line, r.name.clone(), org)));
            ids_by_name
                .entry(r.name.to_lowercase())
                .and_modify(|e| *e = None)
                .or_insert(Some((line, r.id.clone())));
            if releases.insert(r.id.clone(), (line, org)).is_some() {
                return Err(row_err(RELEASES, line, format!("duplicate ID `{}`", r.id)));
            }
        }
        let mut kernels = HashMap::new();
        for row in tables::read::<KernelRow>(KERNELS, tables::text_of(sources, KERNELS)?)? {
            let (line, r) = (row.line, row.rec);
            required(KERNELS, line, "kernel", &r.kernel)?;
            required(KERNELS, line, "source", &r.source)?;
            let org = orgs.require(KERNELS, line, &r.steward)?;
            if kernels
                .insert(r.kernel.to_lowercase(), (line, r.kernel.clone(), org))
                .is_some()
            {
                return Err(row_err(
                    KERNELS,
                    line,
                    format!("duplicate kernel `{}`", r.kernel),
                ));
            }
        }
        let mut vendor_systems: Vec<VendorSystem> = Vec::new();
        for row in tables::read::<VendorSystemRow>(
            VENDOR_SYSTEMS,
            tables::text_of(sources, VENDOR_SYSTEMS)?,
        )? {
            let (line, r) = (row.line, row.rec);
            required(VENDOR_SYSTEMS, line, "kernel", &r.kernel)?;
            required(VENDOR_SYSTEMS, line, "source", &r.source)?;
            if r.name_word.is_empty() || !r.name_word.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(row_err(
                    VENDOR_SYSTEMS,
                    line,
                    format!("name_word `{}` is not one word", r.name_word),
                ));
            }
            let org = orgs.require(VENDOR_SYSTEMS, line, &r.steward)?;
            let confidence = tables::confidence(VENDOR_SYSTEMS, line, &r.confidence)?;
            let kernel = r.kernel.to_lowercase();
            if vendor_systems
                .iter()
                .any(|v| v.kernel == kernel && v.word.eq_ignore_ascii_case(&r.name_word))
            {
                return Err(row_err(
                    VENDOR_SYSTEMS,
                    line,
                    format!(
                        "duplicate kernel and name word `{} {}`",
                        r.kernel, r.name_word
                    ),
                ));
            }
            vendor_systems.push(VendorSystem {
                line,
                kernel,
                word: r.name_word,
                org,
                confidence,
                product: (!r.product.is_empty()).then_some(r.product),
            });
        }
        Ok(Os {
            releases,
            names,
            ids_by_name,
            kernels,
            vendor_systems,
        })
    }

    /// Exact, case-sensitive `ID` (`openEuler` and `Deepin` are spelled that way in the wild).
    pub fn steward(&self, orgs: &Orgs, release_id: &str) -> Option<Attribution> {
        let &(line, org) = self.releases.get(release_id)?;
        let ev = tables::evidence(
            RELEASES,
            line,
            "id",
            release_id,
            Method::KbLookup,
            Confidence::High,
        );
        Some(orgs.attribute(org, vec![ev]))
    }

    /// By the distribution's name (os-release `NAME`, which inventory agents report as the
    /// system's name: `Debian GNU/Linux`), ignoring case; medium confidence, since a name is
    /// not an identifier. A name two rows share gives none.
    pub fn steward_by_name(&self, orgs: &Orgs, name: &str) -> Option<Attribution> {
        let (line, spelled, org) = self.names.get(&name.trim().to_lowercase())?.as_ref()?;
        let ev = tables::evidence(
            RELEASES,
            *line,
            "name",
            spelled,
            Method::KbLookup,
            Confidence::Medium,
        );
        Some(orgs.attribute(*org, vec![ev]))
    }

    /// The os-release `ID` of the distribution named `name` (os-release `NAME`, ignoring case),
    /// with the row as evidence (medium confidence, as [`Os::steward_by_name`]).
    pub fn release_id_by_name(&self, name: &str) -> Option<(String, Evidence)> {
        let (line, id) = self
            .ids_by_name
            .get(&name.trim().to_lowercase())?
            .as_ref()?;
        let ev = tables::evidence(
            RELEASES,
            *line,
            "name",
            name.trim(),
            Method::KbLookup,
            Confidence::Medium,
        );
        Some((id.clone(), ev))
    }

    /// Kernel names are matched ignoring ASCII case (`uname -s` prints `Linux`, other tools
    /// `linux`); no two kernels differ only in case.
    pub fn kernel_steward(&self, orgs: &Orgs, kernel_name: &str) -> Option<Attribution> {
        let (line, name, org) = self.kernels.get(&kernel_name.trim().to_lowercase())?;
        let ev = tables::evidence(
            KERNELS,
            *line,
            "kernel",
            name,
            Method::KbLookup,
            Confidence::High,
        );
        Some(orgs.attribute(*org, vec![ev]))
    }

    /// The steward of a system that has no os-release `ID`, by the kernel name an inventory agent
    /// reports (`MSWin32`, `linux`; ignoring case) and a whole word of the system's name
    /// (`Windows`; `Q Android 10.0` has the word `Android`; ignoring case), with the row as
    /// evidence at the row's confidence. The first row in file order whose kernel and word both
    /// match wins; `None` when no row does.
    pub fn vendor_system_steward(
        &self,
        orgs: &Orgs,
        kernel_name: &str,
        name: &str,
    ) -> Option<Attribution> {
        let v = self.vendor_system(Some(kernel_name), name)?;
        let ev = tables::evidence(
            VENDOR_SYSTEMS,
            v.line,
            "name_word",
            &v.word,
            Method::KbLookup,
            v.confidence,
        );
        Some(orgs.attribute(v.org, vec![ev]))
    }

    /// The first `vendor-systems.csv` row whose kernel is `kernel_name` (any kernel when it is
    /// not known) and whose word is a whole word of `name`, both ignoring case.
    fn vendor_system(&self, kernel_name: Option<&str>, name: &str) -> Option<&VendorSystem> {
        let kernel = kernel_name.map(|k| k.trim().to_lowercase());
        self.vendor_systems.iter().find(|v| {
            kernel.as_ref().is_none_or(|k| *k == v.kernel)
                && name
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w.eq_ignore_ascii_case(&v.word))
        })
    }

    /// The endoflife.date product a system with no os-release `ID` is a release of, by its
    /// `vendor-systems.csv` row ([`Os::vendor_system`]; the kernel may be unknown): the row's
    /// `product`, and for Windows (`windows`) the server product when a word of `name` is
    /// `Server` ([`lifecycle::windows_product`], as its support window is found). `None` when no
    /// row matches or the row names no product.
    pub fn vendor_system_product(&self, kernel_name: Option<&str>, name: &str) -> Option<&str> {
        let product = self.vendor_system(kernel_name, name)?.product.as_deref()?;
        Some(match product {
            lifecycle::WINDOWS => lifecycle::windows_product(name),
            p => p,
        })
    }

    /// The endoflife.date product and release of a system with no os-release `ID`, where its
    /// `vendor-systems.csv` row names a product: the release is the word of `name` after the
    /// row's word when it starts with a digit (`Q Android 10.0` → `android`, `10.0`), with the
    /// row as evidence. `None` when no row matches, the row names no product, or no release
    /// follows the word.
    pub fn vendor_system_release(
        &self,
        kernel_name: &str,
        name: &str,
    ) -> Option<(String, String, Evidence)> {
        let v = self.vendor_system(Some(kernel_name), name)?;
        // Windows releases are told by their build (`windows-builds.csv`), not by a word of
        // the name.
        let product = v.product.as_ref().filter(|p| *p != lifecycle::WINDOWS)?;
        let mut words = name.split_whitespace();
        words.find(|w| w.eq_ignore_ascii_case(&v.word))?;
        let release = words
            .next()
            .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))?;
        let ev = tables::evidence(
            VENDOR_SYSTEMS,
            v.line,
            "product",
            product,
            Method::KbLookup,
            v.confidence,
        );
        Some((product.clone(), release.to_string(), ev))
    }

    /// The endoflife.date products `vendor-systems.csv` names, for consistency checks.
    #[cfg(test)]
    pub fn vendor_system_products(&self) -> Vec<&str> {
        self.vendor_systems
            .iter()
            .filter_map(|v| v.product.as_deref())
            .collect()
    }

    /// Every organisation these tables name, for consistency checks.
    #[cfg(test)]
    pub fn referenced_orgs(&self) -> Vec<OrgId> {
        self.releases
            .values()
            .map(|r| r.1)
            .chain(self.kernels.values().map(|k| k.2))
            .chain(self.vendor_systems.iter().map(|v| v.org))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::Geo;
    use sovstack_inventory::Governance;
    use std::borrow::Cow;

    fn load(path: Option<(&'static str, &'static str)>) -> Result<(Os, Orgs), KbError> {
        let mut sources = Source::builtin();
        if let Some((path, text)) = path {
            sources.iter_mut().find(|s| s.path == path).unwrap().text = Cow::Borrowed(text);
        }
        let geo = Geo::load(&sources).unwrap();
        let orgs = Orgs::load(&sources, &geo).unwrap();
        Ok((Os::load(&sources, &orgs)?, orgs))
    }

    #[test]
    fn names_as_inventory_agents_report_them() {
        let (os, orgs) = load(None).unwrap();
        let a = os.steward_by_name(&orgs, "debian gnu/linux").unwrap();
        assert_eq!(a.name, "Debian Project");
        assert_eq!(a.evidence[0].confidence, Confidence::Medium);
        assert_eq!(a.evidence[0].value.as_deref(), Some("Debian GNU/Linux"));
        assert_eq!(
            os.steward_by_name(&orgs, "Fedora Linux").unwrap().name,
            "Fedora Project"
        );
        assert!(os
            .steward_by_name(&orgs, "Microsoft Windows 10 Pro")
            .is_none());
        // A name two rows share names no one.
        let (os, orgs) = load(Some((
            RELEASES,
            "id,name,typical_id_like,steward,notes,id_evidence,reference\n\
             debian,Same,,Debian Project,,e,r\n\
             ubuntu,same,,Canonical Ltd,,e,r\n",
        )))
        .unwrap();
        assert!(os.steward_by_name(&orgs, "Same").is_none());
        assert!(os.steward(&orgs, "ubuntu").is_some());
    }

    #[test]
    fn release_ids() {
        let (os, orgs) = load(None).unwrap();
        let cases = [
            (
                "debian",
                Some(("Debian Project", None, Governance::Community)),
            ),
            (
                "ubuntu",
                Some(("Canonical Ltd", Some("GB"), Governance::Company)),
            ),
            (
                "openEuler",
                Some(("OpenAtom Foundation", Some("CN"), Governance::Foundation)),
            ),
            (
                "kylin",
                Some(("Kylinsoft", Some("CN"), Governance::Company)),
            ),
            ("rhel", Some(("Red Hat", Some("US"), Governance::Company))),
            (
                "alpine",
                Some(("Alpine Linux project", None, Governance::Community)),
            ),
            ("sles", Some(("SUSE", Some("DE"), Governance::Company))),
            (
                "astra",
                Some(("Astra Group", Some("RU"), Governance::Company)),
            ),
            (
                "Deepin",
                Some(("Deepin Technology", Some("CN"), Governance::Company)),
            ),
            ("openeuler", None),
            ("Debian", None),
            ("xenenterprise", None),
            ("windows", None),
            ("", None),
        ];
        for (id, want) in cases {
            let got = os.steward(&orgs, id);
            let got = got.as_ref().map(|a| {
                (
                    a.name.as_str(),
                    a.country.as_ref().map(|c| c.as_str()),
                    a.governance,
                )
            });
            assert_eq!(got, want, "{id:?}");
        }
        let a = os.steward(&orgs, "debian").unwrap();
        assert_eq!(a.evidence[0].source, "kb:os/os-release-ids.csv");
        assert_eq!(
            (a.evidence[0].line, a.evidence[0].field.as_deref()),
            (Some(2), Some("id"))
        );
    }

    #[test]
    fn kernels() {
        let (os, orgs) = load(None).unwrap();
        let cases = [
            ("Linux", Some(("Linux kernel community", None))),
            ("linux", Some(("Linux kernel community", None))),
            ("FreeBSD", Some(("FreeBSD Project", None))),
            ("Darwin", Some(("Apple Inc.", Some("US")))),
            ("NetBSD", Some(("The NetBSD Foundation", Some("US")))),
            ("Hurd", None),
            ("", None),
        ];
        for (k, want) in cases {
            let got = os.kernel_steward(&orgs, k);
            let got = got
                .as_ref()
                .map(|a| (a.name.as_str(), a.country.as_ref().map(|c| c.as_str())));
            assert_eq!(got, want, "{k:?}");
        }
        let linux = os.kernel_steward(&orgs, "linux").unwrap();
        assert_eq!(linux.evidence[0].value.as_deref(), Some("Linux"));
        assert_eq!(linux.governance, Governance::Community);
    }

    #[test]
    fn systems_without_an_os_release_id() {
        let (os, orgs) = load(None).unwrap();
        // As the GLPI/FusionInventory agents report them (tests/fixtures/windows, the GLPI
        // inventory format's phone_1.json).
        let w = os
            .vendor_system_steward(&orgs, "MSWin32", "Windows")
            .unwrap();
        assert_eq!(w.name, "Microsoft Corporation");
        assert_eq!(w.country.as_ref().map(|c| c.as_str()), Some("US"));
        let ev = &w.evidence[0];
        assert_eq!(ev.source, "kb:os/vendor-systems.csv");
        assert_eq!((ev.line, ev.field.as_deref()), (Some(2), Some("name_word")));
        assert_eq!(ev.confidence, Confidence::High);
        let a = os
            .vendor_system_steward(&orgs, "linux", "Q Android 10.0")
            .unwrap();
        assert_eq!(a.name, "Google LLC");
        assert_eq!(a.evidence[0].confidence, Confidence::Medium);
        // The kernel and a whole word must both match.
        assert!(os
            .vendor_system_steward(&orgs, "linux", "Windows")
            .is_none());
        assert!(os
            .vendor_system_steward(&orgs, "MSWin32", "Androids")
            .is_none());
        assert!(os
            .vendor_system_steward(&orgs, "linux", "Debian GNU/Linux")
            .is_none());
        assert!(os
            .vendor_system_steward(&orgs, "FreeBSD", "Android")
            .is_none());
        // The release after the word, where the row names an endoflife.date product.
        let (product, release, ev) = os.vendor_system_release("linux", "Q Android 10.0").unwrap();
        assert_eq!((product.as_str(), release.as_str()), ("android", "10.0"));
        assert_eq!((ev.line, ev.field.as_deref()), (Some(4), Some("product")));
        assert!(os.vendor_system_release("linux", "Android").is_none());
        assert!(os.vendor_system_release("MSWin32", "Windows 10").is_none());
    }

    /// The product of a system with no os-release `ID` comes from the row its steward comes
    /// from: a kernel name added to `vendor-systems.csv` reaches both (the processor floor's
    /// claim in the evaluation asks for this product).
    #[test]
    fn the_steward_and_the_product_come_from_one_row() {
        let (os, orgs) = load(None).unwrap();
        let product = |k: Option<&str>, n: &str| os.vendor_system_product(k, n);
        assert_eq!(product(Some("MSWin32"), "Windows"), Some("windows"));
        assert_eq!(
            product(Some("mswin32"), "Windows Microsoft Windows 10 Pro"),
            Some("windows")
        );
        assert_eq!(product(Some("Windows_NT"), "Windows"), Some("windows"));
        assert_eq!(
            product(
                Some("MSWin32"),
                "Windows Microsoft Windows Server 2012 R2 Standard"
            ),
            Some("windows-server")
        );
        // No kernel name: the word of the name alone.
        assert_eq!(product(None, "Microsoft Windows 7"), Some("windows"));
        assert_eq!(product(Some("linux"), "Q Android 10.0"), Some("android"));
        assert_eq!(product(Some("linux"), "Windows"), None);
        assert_eq!(product(Some("Linux"), "Debian GNU/Linux"), None);
        assert_eq!(product(None, "Debian GNU/Linux"), None);
        assert!(os
            .vendor_system_steward(&orgs, "Win64", "Windows")
            .is_none());
        assert_eq!(product(Some("Win64"), "Windows"), None);

        let text = format!(
            "{}Win64,Windows,Microsoft Corporation,high,windows,,s\n",
            include_str!("../data/os/vendor-systems.csv")
        );
        let text: &'static str = Box::leak(text.into_boxed_str());
        let (os, orgs) = load(Some((VENDOR_SYSTEMS, text))).unwrap();
        let steward = os.vendor_system_steward(&orgs, "Win64", "Windows").unwrap();
        assert_eq!(steward.name, "Microsoft Corporation");
        assert_eq!(
            os.vendor_system_product(Some("Win64"), "Windows"),
            Some("windows")
        );
        assert_eq!(
            os.vendor_system_product(Some("WIN64"), "Windows Server 2025"),
            Some("windows-server")
        );
        // Windows releases come from their build, never from the word after `Windows`.
        assert!(os.vendor_system_release("Win64", "Windows 10").is_none());
    }

    #[test]
    fn bad_rows() {
        let rh = "id,name,typical_id_like,steward,notes,id_evidence,reference\n";
        let cases = [
            (RELEASES, format!("{rh}debian,D,,Debian Project,,e,r\ndebian,D,,Debian Project,,e,r\n"), "kb: os/os-release-ids.csv:3: duplicate ID `debian`"),
            (RELEASES, format!("{rh}deb ian,D,,Debian Project,,e,r\n"), "kb: os/os-release-ids.csv:2: `deb ian` is not an os-release ID"),
            (RELEASES, format!("{rh}debian,D,,Debian,,e,r\n"), "kb: os/os-release-ids.csv:2: `Debian` is not canonical; write `Debian Project`"),
            (RELEASES, format!("{rh}debian,D,,Debian Project,,,r\n"), "kb: os/os-release-ids.csv:2: missing `id_evidence`"),
            (KERNELS, "kernel,steward,notes,source\nLinux,Linux kernel community,,s\nLINUX,Linux kernel community,,s\n".to_string(), "kb: os/kernels.csv:3: duplicate kernel `LINUX`"),
            (VENDOR_SYSTEMS, "kernel,name_word,steward,confidence,product,notes,source\nMSWin32,Windows,Microsoft Corporation,high,,,s\nmswin32,windows,Microsoft Corporation,high,,,s\n".to_string(), "kb: os/vendor-systems.csv:3: duplicate kernel and name word `mswin32 windows`"),
            (VENDOR_SYSTEMS, "kernel,name_word,steward,confidence,product,notes,source\nMSWin32,Microsoft Windows,Microsoft Corporation,high,,,s\n".to_string(), "kb: os/vendor-systems.csv:2: name_word `Microsoft Windows` is not one word"),
            (VENDOR_SYSTEMS, "kernel,name_word,steward,confidence,product,notes,source\nMSWin32,Windows,Microsoft,high,,,s\n".to_string(), "kb: os/vendor-systems.csv:2: `Microsoft` is not canonical; write `Microsoft Corporation`"),
        ];
        for (path, text, want) in cases {
            let text: &'static str = Box::leak(text.into_boxed_str());
            let err = load(Some((path, text))).expect_err(want).to_string();
            assert_eq!(err, want);
        }
    }
}
