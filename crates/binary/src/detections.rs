//! Collecting detections for one file: equal findings from several places are merged into one
//! detection with all their evidence, and a finding without a version joins the one versioned
//! finding of the same toolchain when there is exactly one (a `/rustc/<commit>/` path beside a
//! `rustc version 1.95.0` line is one rustc, not two). Nothing is inferred across toolchains.

use crate::report::{version_cmp, Component, Detection};
use sovstack_inventory::{Confidence, Evidence, Method};
use sovstack_kb::{Signature, ToolchainMarks};

/// Evidence read from the scanned file itself.
pub(crate) fn file_evidence(
    path: &str,
    field: String,
    value: impl Into<String>,
    method: Method,
    confidence: Confidence,
) -> Evidence {
    Evidence {
        source: path.to_string(),
        field: Some(field),
        line: None,
        value: Some(value.into()),
        method,
        confidence,
    }
}

/// A detection under construction.
pub(crate) fn detection(
    component: Component,
    toolchain: &str,
    version: Option<String>,
    evidence: Vec<Evidence>,
) -> Detection {
    Detection {
        component,
        toolchain: toolchain.to_string(),
        version,
        vendor: None,
        detail: None,
        evidence,
    }
}

/// The detections of one file under construction, and the knowledge that interprets what is
/// read.
pub(crate) struct Found<'k> {
    marks: &'k ToolchainMarks,
    dets: Vec<Detection>,
    /// Facts that attribute nothing on their own.
    pub unattributed: Vec<Evidence>,
}

impl<'k> Found<'k> {
    pub fn new(marks: &'k ToolchainMarks) -> Self {
        Found {
            marks,
            dets: Vec::new(),
            unattributed: Vec::new(),
        }
    }

    /// The knowledge base's toolchain marks.
    pub fn marks(&self) -> &'k ToolchainMarks {
        self.marks
    }

    /// The signature row with this id; every id the code names is checked by
    /// `tests::signature_ids_used_by_the_code_exist`.
    pub fn signature(&self, id: &str) -> &'k Signature {
        self.marks
            .signature(id)
            .unwrap_or_else(|| panic!("signature `{id}` in kb:toolchain/binary-signatures.csv"))
    }

    pub fn add(&mut self, d: Detection) {
        let same = self.dets.iter_mut().find(|e| {
            e.component == d.component
                && e.toolchain == d.toolchain
                && e.version == d.version
                && e.vendor == d.vendor
        });
        match same {
            Some(e) => {
                for ev in d.evidence {
                    if !e.evidence.contains(&ev) {
                        e.evidence.push(ev);
                    }
                }
                if e.detail.is_none() {
                    e.detail = d.detail;
                }
            }
            None => self.dets.push(d),
        }
    }

    /// Whether anything was found for `component`.
    pub fn has_any(&self, component: Component) -> bool {
        self.dets.iter().any(|d| d.component == component)
    }

    pub fn has(&self, component: Component, toolchain: &str) -> bool {
        self.dets
            .iter()
            .any(|d| d.component == component && d.toolchain == toolchain)
    }

    /// Whether `toolchain` was found with a version.
    pub fn has_version(&self, component: Component, toolchain: &str) -> bool {
        self.dets
            .iter()
            .any(|d| d.component == component && d.toolchain == toolchain && d.version.is_some())
    }

    /// The merged detections: compilers, linkers, C libraries, runtimes; within each, by
    /// toolchain and then newest version first.
    pub fn finish(mut self) -> (Vec<Detection>, Vec<Evidence>) {
        let mut i = 0;
        while i < self.dets.len() {
            let d = &self.dets[i];
            if d.version.is_none() {
                let mut versioned = self.dets.iter().enumerate().filter(|(_, o)| {
                    o.component == d.component && o.toolchain == d.toolchain && o.version.is_some()
                });
                if let (Some((j, _)), None) = (versioned.next(), versioned.next()) {
                    let d = self.dets.remove(i);
                    let j = if j > i { j - 1 } else { j };
                    let target = &mut self.dets[j];
                    for ev in d.evidence {
                        if !target.evidence.contains(&ev) {
                            target.evidence.push(ev);
                        }
                    }
                    if target.detail.is_none() {
                        target.detail = d.detail;
                    }
                    continue;
                }
            }
            i += 1;
        }
        self.dets.sort_by(|a, b| {
            a.component
                .cmp(&b.component)
                .then_with(|| a.toolchain.cmp(&b.toolchain))
                .then_with(|| version_cmp(b.version.as_deref(), a.version.as_deref()))
                .then_with(|| a.vendor.cmp(&b.vendor))
        });
        (self.dets, self.unattributed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(v: &str) -> Evidence {
        file_evidence("/f", "x".into(), v, Method::FileField, Confidence::High)
    }

    #[test]
    fn merges_equal_and_folds_versionless() {
        let mut f = Found::new(crate::test_marks());
        f.add(detection(
            Component::Compiler,
            "rustc",
            Some("1.95.0".into()),
            vec![ev("a")],
        ));
        f.add(detection(Component::Compiler, "rustc", None, vec![ev("b")]));
        f.add(detection(
            Component::Compiler,
            "rustc",
            Some("1.95.0".into()),
            vec![ev("a"), ev("c")],
        ));
        f.add(detection(
            Component::Linker,
            "lld",
            Some("17".into()),
            vec![ev("d")],
        ));
        let (d, _) = f.finish();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].toolchain, "rustc");
        assert_eq!(d[0].evidence.len(), 3);
        assert_eq!(d[1].component, Component::Linker);
    }

    #[test]
    fn versionless_stays_when_ambiguous() {
        let mut f = Found::new(crate::test_marks());
        f.add(detection(
            Component::Compiler,
            "gcc",
            Some("12.2.0".into()),
            vec![ev("a")],
        ));
        f.add(detection(
            Component::Compiler,
            "gcc",
            Some("11.4.0".into()),
            vec![ev("b")],
        ));
        f.add(detection(Component::Compiler, "gcc", None, vec![ev("c")]));
        let (d, _) = f.finish();
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].version.as_deref(), Some("12.2.0"));
        assert_eq!(d[2].version, None);
    }
}
