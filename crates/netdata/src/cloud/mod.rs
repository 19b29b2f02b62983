//! Address → cloud or CDN provider, service and region, from the providers' published ranges
//! (and, marked as such, ranges derived from a provider's AS announcements).
//!
//! All feeds are merged into one longest-prefix-match table per address family, built once
//! at load time: a `prefix_trie::PrefixMap` (a tree-bitmap) whose value is a slice of
//! [`CloudEntry`]s, since one prefix is often listed several times (AWS lists a prefix under
//! `AMAZON` and `EC2`; Azure under `AzureCloud`, `AzureCloud.westeurope` and `Storage`).
//! The slice is ordered best first: published before derived, a specific service before a
//! catch-all, an entry with a region before one without. Parsing each feed format is
//! `parse_feeds`' business.

pub(crate) mod parse_feeds;

use std::net::IpAddr;
use std::sync::Arc;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use prefix_trie::PrefixMap;
use serde::Serialize;

use crate::manifest::Basis;
use crate::operators::Provider;
use parse_feeds::Feed;

/// What a published range says about the addresses inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CloudEntry {
    /// The provider publishing (or, for derived ranges, announcing) the range.
    pub provider: Arc<Provider>,
    /// The provider's service, when the feed names one (`EC2`, `AzureStorage`, `Google Cloud`).
    pub service: Option<Arc<str>>,
    /// The provider's region or zone (`eu-west-1`, `westeurope`, `de-fra-1`), or a geofeed's
    /// ISO 3166-2 subdivision.
    pub region: Option<Arc<str>>,
    /// ISO 3166-1 alpha-2 country, when the feed is a geofeed.
    pub country: Option<Arc<str>>,
    /// City, when the feed is a geofeed.
    pub city: Option<Arc<str>>,
    /// The feed's path in the data directory.
    pub dataset: Arc<str>,
    /// Published by the provider, or derived from routing data.
    pub basis: Basis,
}

/// The entries of the most specific prefix containing an address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloudMatch<'a> {
    /// The matching prefix.
    pub prefix: IpNet,
    /// Every entry listed for that prefix, best first; never empty.
    pub entries: &'a [CloudEntry],
}

impl<'a> CloudMatch<'a> {
    /// The most informative entry (see the module documentation for the order).
    pub fn best(&self) -> &'a CloudEntry {
        &self.entries[0]
    }
}

/// Ranking within one prefix: lower sorts first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    basis: Basis,
    generic: bool,
    no_service: bool,
    no_region: bool,
    feed: u32,
}

/// Collects feeds, then builds the lookup table once.
#[derive(Default)]
pub struct CloudRangesBuilder {
    raw: Vec<(IpNet, Rank, CloudEntry)>,
    feeds: u32,
}

impl CloudRangesBuilder {
    pub(crate) fn add_feed(
        &mut self,
        provider: &Arc<Provider>,
        dataset: &str,
        basis: Basis,
        feed: Feed,
    ) {
        let dataset: Arc<str> = Arc::from(dataset);
        self.feeds += 1;
        for r in feed.ranges {
            let rank = Rank {
                basis,
                generic: r.generic,
                no_service: r.service.is_none(),
                no_region: r.region.is_none(),
                feed: self.feeds,
            };
            let entry = CloudEntry {
                provider: Arc::clone(provider),
                service: r.service,
                region: r.region,
                country: r.country,
                city: r.city,
                dataset: Arc::clone(&dataset),
                basis,
            };
            self.raw.push((r.prefix, rank, entry));
        }
    }

    /// Builds the table: sorts, drops repeated entries of a prefix, indexes each prefix.
    pub fn build(mut self) -> CloudRanges {
        self.raw.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        // The same (provider, service, region) under one prefix from two tags adds nothing.
        self.raw.dedup_by(|b, a| {
            a.0 == b.0
                && a.2.provider.id == b.2.provider.id
                && a.2.service == b.2.service
                && a.2.region == b.2.region
                && a.2.country == b.2.country
                && a.2.city == b.2.city
        });
        let mut table = CloudRanges::default();
        // Each run of one prefix becomes its span of entries; then the entries are taken out of
        // `raw` in place (the same allocation, not a second table beside it).
        let mut i = 0;
        while i < self.raw.len() {
            let prefix = self.raw[i].0;
            let start = i as u32;
            while i < self.raw.len() && self.raw[i].0 == prefix {
                i += 1;
            }
            let span = (start, i as u32);
            match prefix {
                IpNet::V4(p) => table.v4.insert(p, span),
                IpNet::V6(p) => table.v6.insert(p, span),
            };
        }
        table.entries = self.raw.into_iter().map(|(_, _, entry)| entry).collect();
        table
    }
}

/// The merged range table.
#[derive(Default)]
pub struct CloudRanges {
    v4: PrefixMap<Ipv4Net, (u32, u32)>,
    v6: PrefixMap<Ipv6Net, (u32, u32)>,
    entries: Vec<CloudEntry>,
}

impl CloudRanges {
    /// The most specific listed prefix containing `ip`, with its entries.
    #[inline]
    pub fn lookup(&self, ip: IpAddr) -> Option<CloudMatch<'_>> {
        let (prefix, &(start, end)) = match ip {
            IpAddr::V4(a) => {
                let (p, v) = self.v4.get_lpm(&Ipv4Net::from(a))?;
                (IpNet::V4(p), v)
            }
            IpAddr::V6(a) => {
                // An IPv4-mapped address is an IPv4 address for attribution purposes.
                if let Some(v4) = a.to_ipv4_mapped() {
                    return self.lookup(IpAddr::V4(v4));
                }
                let (p, v) = self.v6.get_lpm(&Ipv6Net::from(a))?;
                (IpNet::V6(p), v)
            }
        };
        Some(CloudMatch {
            prefix,
            entries: &self.entries[start as usize..end as usize],
        })
    }

    /// Number of distinct prefixes (IPv4 and IPv6).
    pub fn prefixes(&self) -> usize {
        self.v4.len() + self.v6.len()
    }

    /// Number of entries after merging repeated ones.
    pub fn entries(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::parse_feeds::RawRange;
    use super::*;

    fn provider(id: &str) -> Arc<Provider> {
        Arc::new(Provider {
            id: id.into(),
            name: id.into(),
            parent_company: "P".into(),
            parent_hq_country: "US".into(),
            source: "s".into(),
        })
    }

    fn raw(p: &str, service: Option<&str>, region: Option<&str>, generic: bool) -> RawRange {
        RawRange {
            prefix: p.parse().unwrap(),
            service: service.map(Arc::from),
            region: region.map(Arc::from),
            country: None,
            city: None,
            generic,
        }
    }

    fn table() -> CloudRanges {
        let mut b = CloudRangesBuilder::default();
        let aws = provider("aws");
        let ovh = provider("ovh");
        b.add_feed(
            &ovh,
            "ovh.json",
            Basis::AsnDerived,
            Feed {
                ranges: vec![raw("10.1.0.0/16", None, None, false)],
                version: None,
            },
        );
        b.add_feed(
            &aws,
            "aws.json",
            Basis::Published,
            Feed {
                ranges: vec![
                    raw("10.0.0.0/8", Some("AMAZON"), Some("eu-west-1"), true),
                    raw("10.0.0.0/8", Some("EC2"), Some("eu-west-1"), false),
                    raw("10.0.0.0/8", Some("EC2"), Some("eu-west-1"), false),
                    raw("10.1.2.0/24", Some("S3"), None, false),
                    raw("2600:1f00::/24", Some("CLOUDFRONT"), None, false),
                    raw("10.1.0.0/16", Some("AMAZON"), None, true),
                ],
                version: None,
            },
        );
        b.build()
    }

    #[test]
    #[allow(clippy::type_complexity)] // a table of expected rows reads best inline
    fn longest_prefix_and_ranking() {
        let t = table();
        let cases: &[(&str, Option<(&str, &str, Option<&str>, usize)>)] = &[
            ("10.9.9.9", Some(("10.0.0.0/8", "aws", Some("EC2"), 2))),
            ("10.1.2.3", Some(("10.1.2.0/24", "aws", Some("S3"), 1))),
            // Published AMAZON outranks the derived OVH entry at the same prefix.
            ("10.1.9.9", Some(("10.1.0.0/16", "aws", Some("AMAZON"), 2))),
            (
                "2600:1f00::1",
                Some(("2600:1f00::/24", "aws", Some("CLOUDFRONT"), 1)),
            ),
            (
                "::ffff:10.1.2.3",
                Some(("10.1.2.0/24", "aws", Some("S3"), 1)),
            ),
            ("192.0.2.1", None),
            ("2001:db8::1", None),
        ];
        for (ip, want) in cases {
            let got = t.lookup(ip.parse().unwrap());
            let got = got.map(|m| {
                (
                    m.prefix.to_string(),
                    m.best().provider.id.clone(),
                    m.best().service.as_deref().map(str::to_owned),
                    m.entries.len(),
                )
            });
            let want =
                want.map(|(p, id, s, n)| (p.to_owned(), id.to_owned(), s.map(str::to_owned), n));
            assert_eq!(got, want, "{ip}");
        }
        assert_eq!(t.prefixes(), 4);
        assert_eq!(t.entries(), 6);
        let m = t.lookup("10.1.9.9".parse().unwrap()).unwrap();
        assert_eq!(m.entries[1].provider.id, "ovh");
        assert_eq!(m.entries[1].basis, Basis::AsnDerived);
    }
}
