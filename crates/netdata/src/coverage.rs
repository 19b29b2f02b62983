//! How much announced IPv4 space each autonomous system holds, worldwide or inside a set of
//! location countries: what the operator table's coverage is measured with
//! (`examples/asn_coverage.rs` prints it, `tests/coverage.rs` holds the table to it).
//!
//! An address counts for the AS the ASN database says announces it, and for a country when the
//! country database locates it there; the two databases' networks are intersected range by
//! range, so an AS whose space straddles countries is split between them.

use std::collections::{BTreeSet, HashMap};

use crate::datadir::NetData;
use crate::Error;

/// IPv4 addresses per AS, largest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4Space {
    /// Addresses counted, all ASes together.
    pub total: u64,
    /// `(asn, addresses)`, by addresses descending, then AS number ascending.
    pub by_asn: Vec<(u32, u64)>,
}

impl Ipv4Space {
    /// The largest ASes that together hold at least `share` (0..=1) of the space.
    pub fn smallest_cover(&self, share: f64) -> &[(u32, u64)] {
        let goal = (self.total as f64 * share).ceil() as u64;
        let mut sum = 0;
        for (i, (_, n)) in self.by_asn.iter().enumerate() {
            if sum >= goal {
                return &self.by_asn[..i];
            }
            sum += n;
        }
        &self.by_asn
    }

    /// Addresses held by the ASes `covered` accepts.
    pub fn covered_by(&self, covered: impl Fn(u32) -> bool) -> u64 {
        self.by_asn
            .iter()
            .filter(|(a, _)| covered(*a))
            .map(|(_, n)| n)
            .sum()
    }
}

impl NetData {
    /// IPv4 space per AS; with `located_in`, only the addresses the country database locates in
    /// one of those countries (ISO 3166-1 alpha-2). An error when a database is missing or a
    /// record is corrupt.
    pub fn ipv4_space_by_as(
        &self,
        located_in: Option<&BTreeSet<String>>,
    ) -> Result<Ipv4Space, Error> {
        let manifest = std::path::Path::new(crate::MANIFEST);
        let missing =
            |what: &str| Error::value(manifest, format!("{what}-mmdb"), "no such database loaded");
        // The sweep below needs both lists in address order, without overlaps, as a tree walk
        // gives them; a database that broke this would be miscounted, not just slow.
        let ordered = |ends: &mut dyn Iterator<Item = (u32, u32)>, what: &str| {
            let mut last: Option<u32> = None;
            for (first, end) in ends {
                if last.is_some_and(|l| first <= l) || end < first {
                    return Err(Error::value(
                        manifest,
                        format!("{what}-mmdb"),
                        "IPv4 networks out of order",
                    ));
                }
                last = Some(end);
            }
            Ok(())
        };
        let asns = self
            .asn
            .as_ref()
            .ok_or_else(|| missing("asn"))?
            .ipv4_ranges()?;
        ordered(&mut asns.iter().map(|r| (r.0, r.1)), "asn")?;
        let countries = match located_in {
            Some(set) => {
                let db = self.country.as_ref().ok_or_else(|| missing("country"))?;
                let ranges = db.ipv4_ranges()?;
                ordered(&mut ranges.iter().map(|r| (r.0, r.1)), "country")?;
                Some(
                    ranges
                        .into_iter()
                        .filter(|(_, _, c)| set.contains(c))
                        .map(|(f, l, _)| (f, l))
                        .collect::<Vec<_>>(),
                )
            }
            None => None,
        };
        let mut by: HashMap<u32, u64> = HashMap::new();
        let mut j = 0;
        for (first, last, asn) in asns {
            let n = match &countries {
                None => u64::from(last - first) + 1,
                Some(c) => {
                    // Both lists are in address order and their networks do not overlap.
                    while j < c.len() && c[j].1 < first {
                        j += 1;
                    }
                    let mut n = 0;
                    let mut k = j;
                    while k < c.len() && c[k].0 <= last {
                        n += u64::from(c[k].1.min(last) - c[k].0.max(first)) + 1;
                        k += 1;
                    }
                    n
                }
            };
            if n > 0 {
                *by.entry(asn).or_default() += n;
            }
        }
        let total = by.values().sum();
        let mut by_asn: Vec<(u32, u64)> = by.into_iter().collect();
        by_asn.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(Ipv4Space { total, by_asn })
    }
}
