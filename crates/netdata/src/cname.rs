//! `cname-suffixes.csv`: DNS name suffixes that reveal a provider when they appear in a CNAME
//! chain or as an MX or NS target (`d1234.cloudfront.net` → AWS CloudFront).
//!
//! Matching is on whole labels and the longest suffix wins, so `mail.protection.outlook.com`
//! (Exchange Online) beats `outlook.com`, and `notcloudfront.net` matches nothing. Names are
//! compared case-insensitively, with or without the trailing root dot. Resolving the chain is
//! `dns`' business; attributing the final addresses is `cloud`'s and `mmdb`'s.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::operators::{Provider, ProviderTable};
use crate::parse_csv::read_table;
use crate::Error;

const COLUMNS: &[&str] = &["suffix", "provider", "service", "source"];

#[derive(Deserialize)]
struct Row {
    suffix: String,
    provider: String,
    service: String,
    source: String,
}

/// A provider revealed by a name's suffix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CnameMatch {
    /// The suffix that matched, as written in the table.
    pub suffix: String,
    /// The provider.
    pub provider: Arc<Provider>,
    /// The provider's service, when the suffix is specific to one.
    pub service: Option<String>,
    /// The row's line in `cname-suffixes.csv`.
    pub line: u64,
}

/// The suffix table, keyed by lower-case suffix without trailing dot.
#[derive(Debug, Default)]
pub struct CnameSuffixes {
    by_suffix: HashMap<String, CnameMatch>,
}

impl CnameSuffixes {
    /// Parses the table, checking every provider against `providers`.
    pub fn parse(path: &Path, bytes: &[u8], providers: &ProviderTable) -> Result<Self, Error> {
        let mut by_suffix = HashMap::new();
        for (line, row) in read_table::<Row>(path, bytes, COLUMNS)? {
            let suffix = row.suffix.to_ascii_lowercase();
            let labels_ok = suffix.contains('.')
                && suffix.split('.').all(|l| {
                    !l.is_empty()
                        && l.len() <= 63
                        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                });
            if !labels_ok || suffix != row.suffix {
                return Err(Error::line(path, line, format!("suffix {:?} must be a lower-case name of two or more labels, without a trailing dot", row.suffix)));
            }
            let Some(provider) = providers.get(&row.provider) else {
                return Err(Error::line(
                    path,
                    line,
                    format!("provider {:?} is not in providers.csv", row.provider),
                ));
            };
            if row.source.is_empty() {
                return Err(Error::line(path, line, "source is required"));
            }
            let m = CnameMatch {
                suffix: suffix.clone(),
                provider: Arc::clone(provider),
                service: (!row.service.is_empty()).then_some(row.service),
                line,
            };
            if by_suffix.insert(suffix, m).is_some() {
                return Err(Error::line(
                    path,
                    line,
                    format!("suffix {:?} is listed twice", row.suffix),
                ));
            }
        }
        Ok(CnameSuffixes { by_suffix })
    }

    /// The provider whose suffix is the longest whole-label suffix of `name`.
    pub fn lookup(&self, name: &str) -> Option<&CnameMatch> {
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        // Try the whole name, then drop one leading label at a time: the first hit is the
        // longest suffix. Names have at most 127 labels, and tables are hash lookups.
        let mut rest = name.as_str();
        loop {
            if let Some(m) = self.by_suffix.get(rest) {
                return Some(m);
            }
            rest = rest.split_once('.')?.1;
        }
    }

    /// Number of suffixes.
    pub fn len(&self) -> usize {
        self.by_suffix.len()
    }

    /// True when the table has no rows (not loaded, or empty).
    pub fn is_empty(&self) -> bool {
        self.by_suffix.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> CnameSuffixes {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/network");
        let providers = ProviderTable::parse(
            Path::new("providers.csv"),
            &std::fs::read(root.join("providers.csv")).unwrap(),
        )
        .unwrap();
        CnameSuffixes::parse(
            Path::new("cname-suffixes.csv"),
            &std::fs::read(root.join("cname-suffixes.csv")).unwrap(),
            &providers,
        )
        .unwrap()
    }

    #[test]
    #[allow(clippy::type_complexity)] // a table of expected rows reads best inline
    fn longest_whole_label_suffix_wins() {
        let t = shipped();
        let cases: &[(&str, Option<(&str, Option<&str>)>)] = &[
            (
                "d111111abcdef8.cloudfront.net.",
                Some(("aws", Some("CloudFront"))),
            ),
            (
                "WWW.EXAMPLE.COM.EDGEKEY.NET",
                Some(("akamai", Some("CDN (Enhanced TLS)"))),
            ),
            (
                "example-com.mail.protection.outlook.com",
                Some(("microsoft365", Some("Exchange Online"))),
            ),
            ("autodiscover.outlook.com", Some(("microsoft365", None))),
            (
                "my-lb-1234.eu-west-1.elb.amazonaws.com",
                Some(("aws", Some("Elastic Load Balancing"))),
            ),
            ("bucket.s3.eu-central-1.amazonaws.com", Some(("aws", None))),
            (
                "ghs.googlehosted.com",
                Some(("google", Some("Workspace custom domains"))),
            ),
            ("alt1.aspmx.l.google.com", Some(("google", Some("Gmail")))),
            ("notcloudfront.net", None),
            ("cloudfront.net.example.org", None),
            ("net", None),
            ("", None),
        ];
        for (name, want) in cases {
            let got = t
                .lookup(name)
                .map(|m| (m.provider.id.as_str(), m.service.as_deref()));
            assert_eq!(got, *want, "{name}");
        }
    }

    #[test]
    fn rejects_bad_rows() {
        let providers = ProviderTable::parse(
            Path::new("p.csv"),
            b"id,name,parent_company,parent_hq_country,source\naws,A,B,US,s\n",
        )
        .unwrap();
        let h = "suffix,provider,service,source\n";
        let cases = [
            ("cloudfront.net,gcp,,s\n", "c.csv:2: provider \"gcp\" is not in providers.csv"),
            ("CloudFront.net,aws,,s\n", "c.csv:2: suffix \"CloudFront.net\" must be a lower-case name of two or more labels, without a trailing dot"),
            ("net,aws,,s\n", "c.csv:2: suffix \"net\" must be a lower-case name of two or more labels, without a trailing dot"),
            ("a..net,aws,,s\n", "c.csv:2: suffix \"a..net\" must be a lower-case name of two or more labels, without a trailing dot"),
            ("a.net,aws,,\n", "c.csv:2: source is required"),
            ("a.net,aws,,s\na.net,aws,,s\n", "c.csv:3: suffix \"a.net\" is listed twice"),
        ];
        for (rows, want) in cases {
            let err = CnameSuffixes::parse(
                Path::new("c.csv"),
                format!("{h}{rows}").as_bytes(),
                &providers,
            )
            .unwrap_err();
            assert_eq!(err.to_string(), want);
        }
    }
}
