//! Aggregation over many binaries: the share of binaries per toolchain and version, one count
//! per binary and component ("61% gcc 12, 30% rustc 1.95, 9% unknown").
//!
//! A binary counts once per component: under its primary compiler
//! ([`BinaryReport::primary_compiler`]), its first linker and its first C library, or under
//! "unknown" when it has none. Shares therefore add up to 100% per component.

use crate::report::{BinaryReport, Component, Detection};
use serde::Serialize;
use std::collections::BTreeMap;

/// One line of an aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// The toolchain id; `None` for binaries where the component is unknown.
    pub toolchain: Option<String>,
    /// The grouped version ([`Detection::version_key`]); `None` when not stated.
    pub version: Option<String>,
    /// How many binaries.
    pub binaries: u64,
    /// `binaries` over all binaries tallied, between 0 and 1.
    pub share: f64,
}

/// Counts of binaries per component, toolchain and version.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Tally {
    /// Binaries tallied.
    pub binaries: u64,
    counts: BTreeMap<(Component, Option<String>, Option<String>), u64>,
}

impl Tally {
    /// Counts one binary.
    pub fn add(&mut self, report: &BinaryReport) {
        self.binaries += 1;
        let primary = [
            Component::Compiler,
            Component::Linker,
            Component::Libc,
            Component::Runtime,
        ]
        .map(|c| (c, report.primary(c)));
        for (component, d) in primary {
            let key = (
                component,
                d.map(|d| d.toolchain.clone()),
                d.and_then(Detection::version_key),
            );
            *self.counts.entry(key).or_default() += 1;
        }
    }

    /// Adds another tally's counts (from another thread or tree).
    pub fn merge(&mut self, other: &Tally) {
        self.binaries += other.binaries;
        for (k, n) in &other.counts {
            *self.counts.entry(k.clone()).or_default() += n;
        }
    }

    /// The shares for one component, largest first, ties by name; unknown included.
    pub fn shares(&self, component: Component) -> Vec<Share> {
        let mut v: Vec<Share> = self
            .counts
            .iter()
            .filter(|((c, _, _), _)| *c == component)
            .map(|((_, t, ver), &n)| Share {
                toolchain: t.clone(),
                version: ver.clone(),
                binaries: n,
                share: if self.binaries == 0 {
                    0.0
                } else {
                    n as f64 / self.binaries as f64
                },
            })
            .collect();
        v.sort_by(|a, b| {
            b.binaries
                .cmp(&a.binaries)
                .then_with(|| a.toolchain.cmp(&b.toolchain))
                .then_with(|| a.version.cmp(&b.version))
        });
        v
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = match (&self.toolchain, &self.version) {
            (Some(t), Some(v)) => format!("{t} {v}"),
            (Some(t), None) => t.clone(),
            (None, _) => "unknown".to_string(),
        };
        write!(
            f,
            "{:5.1}% {name} ({} binaries)",
            self.share * 100.0,
            self.binaries
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Format;

    fn report(compilers: &[(&str, &str)]) -> BinaryReport {
        BinaryReport {
            format: Format::Elf,
            arches: vec![],
            detections: compilers
                .iter()
                .map(|(t, v)| Detection {
                    component: Component::Compiler,
                    toolchain: t.to_string(),
                    version: Some(v.to_string()),
                    vendor: None,
                    detail: None,
                    evidence: vec![],
                })
                .collect(),
            platforms: vec![],
            rich: vec![],
            unattributed: vec![],
        }
    }

    #[test]
    fn shares_add_up_per_component() {
        let mut t = Tally::default();
        t.add(&report(&[("gcc", "12.2.0")]));
        t.add(&report(&[("gcc", "12.3.0"), ("gcc", "11.1.0")]));
        t.add(&report(&[("rustc", "1.95.0"), ("gcc", "12.2.0")]));
        let mut u = Tally::default();
        u.add(&report(&[]));
        t.merge(&u);
        let s = t.shares(Component::Compiler);
        let got: Vec<_> = s
            .iter()
            .map(|s| (s.toolchain.as_deref(), s.version.as_deref(), s.binaries))
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("gcc"), Some("12"), 2),
                (None, None, 1),
                (Some("rustc"), Some("1.95"), 1)
            ]
        );
        assert_eq!(s[0].to_string(), " 50.0% gcc 12 (2 binaries)");
        let linkers = t.shares(Component::Linker);
        assert_eq!(linkers.len(), 1);
        assert_eq!(linkers[0].toolchain, None);
        assert_eq!(linkers[0].share, 1.0);
    }
}
