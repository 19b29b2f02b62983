//! Parsers for the providers' published range feeds, one function per `format` of
//! `MANIFEST.csv`, each turning a file into [`RawRange`]s plus the version the file states.
//!
//! Every feed has its own shape (AWS's `ip_prefix`, Google's `ipv4Prefix`, Exoscale's
//! `IPv4Prefix`, RFC 8805 geofeeds in CSV); the differences stop here, and `cloud` only sees
//! prefixes with a service, region and country. A prefix that does not parse rejects the file,
//! naming the line (text, CSV) or the JSON location, rather than loading a feed with holes.

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use ipnet::IpNet;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::mmdb::civil_date;
use crate::parse_csv::is_alpha2;
use crate::Error;

/// One prefix of a feed, before it is attached to its provider and dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawRange {
    pub prefix: IpNet,
    pub service: Option<Arc<str>>,
    pub region: Option<Arc<str>>,
    pub country: Option<Arc<str>>,
    pub city: Option<Arc<str>>,
    /// A catch-all entry (AWS `AMAZON`, Azure `AzureCloud`) that a more specific service for
    /// the same prefix should outrank.
    pub generic: bool,
}

/// A parsed feed: its ranges and the version it states about itself.
pub(crate) struct Feed {
    pub ranges: Vec<RawRange>,
    pub version: Option<String>,
}

/// Parses `bytes` as `format`; `None` when the format is unknown.
pub(crate) fn parse(format: &str, path: &Path, bytes: &[u8]) -> Option<Result<Feed, Error>> {
    Some(match format {
        "aws-json" => aws(path, bytes),
        "azure-service-tags" => azure(path, bytes),
        "google-json" => google(path, bytes),
        "oracle-json" => oracle(path, bytes),
        "cidr-list" => cidr_list(path, bytes),
        "fastly-json" => fastly(path, bytes),
        "exoscale-json" => exoscale(path, bytes),
        "geofeed-csv" => geofeed(path, bytes),
        "vultr-json" => vultr(path, bytes),
        "disposable-json" => disposable(path, bytes),
        "cloudaddr-json" => cloudaddr(path, bytes),
        _ => return None,
    })
}

fn json<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::json(path, &e))
}

fn prefix(path: &Path, at: impl FnOnce() -> String, text: &str) -> Result<IpNet, Error> {
    // Feeds sometimes set host bits (`3.4.12.4/30`); the network is what is meant.
    text.trim()
        .parse::<IpNet>()
        .map(|n| n.trunc())
        .map_err(|_| Error::value(path, at(), format!("{text:?} is not a CIDR prefix")))
}

fn plain(prefix: IpNet) -> RawRange {
    RawRange {
        prefix,
        service: None,
        region: None,
        country: None,
        city: None,
        generic: false,
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.trim().is_empty()).then_some(s)
}

/// One shared copy of each service, region, country and city name of a feed: a feed repeats
/// a few hundred names over up to 90,000 prefixes (Azure), which then cost a reference count
/// each rather than an allocation.
#[derive(Default)]
struct Names(HashSet<Arc<str>>);

impl Names {
    fn get(&mut self, name: &str) -> Arc<str> {
        match self.0.get(name) {
            Some(n) => Arc::clone(n),
            None => {
                let n: Arc<str> = Arc::from(name);
                self.0.insert(Arc::clone(&n));
                n
            }
        }
    }

    fn opt(&mut self, name: Option<&str>) -> Option<Arc<str>> {
        name.map(|n| self.get(n))
    }
}

fn aws(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    #[derive(Deserialize)]
    struct Doc {
        #[serde(rename = "syncToken")]
        sync_token: String,
        #[serde(rename = "createDate")]
        create_date: String,
        prefixes: Vec<V4>,
        ipv6_prefixes: Vec<V6>,
    }
    #[derive(Deserialize)]
    struct V4 {
        ip_prefix: String,
        region: String,
        service: String,
    }
    #[derive(Deserialize)]
    struct V6 {
        ipv6_prefix: String,
        region: String,
        service: String,
    }
    let doc: Doc = json(path, bytes)?;
    let mut names = Names::default();
    let mut entry = |p: IpNet, region: String, service: String| RawRange {
        generic: service == "AMAZON",
        service: names.opt(non_empty(service).as_deref()),
        // GLOBAL marks edge services (CloudFront, Route 53) served from everywhere.
        region: names.opt(non_empty(region).filter(|r| r != "GLOBAL").as_deref()),
        ..plain(p)
    };
    let mut ranges = Vec::with_capacity(doc.prefixes.len() + doc.ipv6_prefixes.len());
    for (i, e) in doc.prefixes.into_iter().enumerate() {
        let p = prefix(path, || format!("prefixes[{i}].ip_prefix"), &e.ip_prefix)?;
        ranges.push(entry(p, e.region, e.service));
    }
    for (i, e) in doc.ipv6_prefixes.into_iter().enumerate() {
        let p = prefix(
            path,
            || format!("ipv6_prefixes[{i}].ipv6_prefix"),
            &e.ipv6_prefix,
        )?;
        ranges.push(entry(p, e.region, e.service));
    }
    Ok(Feed {
        ranges,
        version: Some(format!(
            "syncToken {} ({})",
            doc.sync_token, doc.create_date
        )),
    })
}

fn azure(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    #[derive(Deserialize)]
    struct Doc<'a> {
        #[serde(rename = "changeNumber")]
        change_number: u64,
        #[serde(borrow)]
        values: Vec<Tag<'a>>,
    }
    #[derive(Deserialize)]
    struct Tag<'a> {
        name: String,
        #[serde(borrow)]
        properties: Props<'a>,
    }
    #[derive(Deserialize)]
    struct Props<'a> {
        #[serde(default)]
        region: String,
        #[serde(rename = "systemService", default)]
        system_service: String,
        // 90,000 prefixes: read in place (a prefix has nothing to unescape), not copied.
        #[serde(rename = "addressPrefixes", borrow)]
        address_prefixes: Vec<Cow<'a, str>>,
    }
    let doc: Doc = serde_json::from_slice(bytes).map_err(|e| Error::json(path, &e))?;
    let mut names = Names::default();
    // Sized once: 90,000 ranges grown by doubling were twice their size in fresh memory.
    let mut ranges = Vec::with_capacity(
        doc.values
            .iter()
            .map(|t| t.properties.address_prefixes.len())
            .sum(),
    );
    for (t, tag) in doc.values.into_iter().enumerate() {
        // `Storage.WestEurope` → service Storage; `AzureCloud.westeurope` is the catch-all.
        let base = tag.name.split('.').next().unwrap_or_default().to_owned();
        let service = names.get(&non_empty(tag.properties.system_service).unwrap_or(base));
        let generic = tag.name.starts_with("AzureCloud");
        let region = names.opt(non_empty(tag.properties.region).as_deref());
        for (i, p) in tag.properties.address_prefixes.iter().enumerate() {
            let p = prefix(
                path,
                || format!("values[{t}].properties.addressPrefixes[{i}]"),
                p,
            )?;
            ranges.push(RawRange {
                service: Some(service.clone()),
                region: region.clone(),
                generic,
                ..plain(p)
            });
        }
    }
    Ok(Feed {
        ranges,
        version: Some(format!("changeNumber {}", doc.change_number)),
    })
}

fn google(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    #[derive(Deserialize)]
    struct Doc {
        #[serde(rename = "syncToken")]
        sync_token: String,
        #[serde(rename = "creationTime")]
        creation_time: String,
        prefixes: Vec<Entry>,
    }
    #[derive(Deserialize)]
    struct Entry {
        #[serde(rename = "ipv4Prefix")]
        v4: Option<String>,
        #[serde(rename = "ipv6Prefix")]
        v6: Option<String>,
        service: Option<String>,
        scope: Option<String>,
    }
    let doc: Doc = json(path, bytes)?;
    let mut names = Names::default();
    let mut ranges = Vec::with_capacity(doc.prefixes.len());
    for (i, e) in doc.prefixes.into_iter().enumerate() {
        let Some(text) = e.v4.or(e.v6) else {
            return Err(Error::value(
                path,
                format!("prefixes[{i}]"),
                "has neither ipv4Prefix nor ipv6Prefix",
            ));
        };
        let p = prefix(path, || format!("prefixes[{i}]"), &text)?;
        ranges.push(RawRange {
            service: names.opt(e.service.as_deref()),
            region: names.opt(e.scope.as_deref().filter(|s| *s != "global")),
            ..plain(p)
        });
    }
    Ok(Feed {
        ranges,
        version: Some(format!(
            "syncToken {} ({})",
            doc.sync_token, doc.creation_time
        )),
    })
}

fn oracle(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    #[derive(Deserialize)]
    struct Doc {
        last_updated_timestamp: String,
        regions: Vec<Region>,
    }
    #[derive(Deserialize)]
    struct Region {
        region: String,
        cidrs: Vec<Cidr>,
    }
    #[derive(Deserialize)]
    struct Cidr {
        cidr: String,
        #[serde(default)]
        tags: Vec<String>,
    }
    let doc: Doc = json(path, bytes)?;
    let mut names = Names::default();
    let mut ranges = Vec::new();
    for (r, region) in doc.regions.into_iter().enumerate() {
        let name = names.get(&region.region);
        for (i, c) in region.cidrs.into_iter().enumerate() {
            let p = prefix(path, || format!("regions[{r}].cidrs[{i}].cidr"), &c.cidr)?;
            ranges.push(RawRange {
                service: names.opt(non_empty(c.tags.join(",")).as_deref()),
                region: Some(Arc::clone(&name)),
                ..plain(p)
            });
        }
    }
    Ok(Feed {
        ranges,
        version: Some(doc.last_updated_timestamp),
    })
}

fn cidr_list(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| Error::value(path, format!("byte {}", e.valid_up_to()), "not valid UTF-8"))?;
    let mut ranges = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let p = line.parse::<IpNet>().map_err(|_| {
            Error::line(path, n as u64 + 1, format!("{line:?} is not a CIDR prefix"))
        })?;
        ranges.push(plain(p.trunc()));
    }
    Ok(Feed {
        ranges,
        version: None,
    })
}

fn fastly(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    #[derive(Deserialize)]
    struct Doc {
        addresses: Vec<String>,
        ipv6_addresses: Vec<String>,
    }
    let doc: Doc = json(path, bytes)?;
    let mut ranges = Vec::new();
    for (i, p) in doc.addresses.iter().enumerate() {
        ranges.push(plain(prefix(path, || format!("addresses[{i}]"), p)?));
    }
    for (i, p) in doc.ipv6_addresses.iter().enumerate() {
        ranges.push(plain(prefix(path, || format!("ipv6_addresses[{i}]"), p)?));
    }
    Ok(Feed {
        ranges,
        version: None,
    })
}

fn exoscale(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    #[derive(Deserialize)]
    struct Doc {
        #[serde(rename = "creationTime")]
        creation_time: String,
        prefixes: Vec<Entry>,
    }
    #[derive(Deserialize)]
    struct Entry {
        #[serde(rename = "IPv4Prefix")]
        v4: Option<String>,
        #[serde(rename = "IPv6Prefix")]
        v6: Option<String>,
        zone: Option<String>,
    }
    let doc: Doc = json(path, bytes)?;
    let mut names = Names::default();
    let mut ranges = Vec::new();
    for (i, e) in doc.prefixes.into_iter().enumerate() {
        let Some(text) = e.v4.or(e.v6) else {
            return Err(Error::value(
                path,
                format!("prefixes[{i}]"),
                "has neither IPv4Prefix nor IPv6Prefix",
            ));
        };
        ranges.push(RawRange {
            region: names.opt(e.zone.as_deref()),
            ..plain(prefix(path, || format!("prefixes[{i}]"), &text)?)
        });
    }
    Ok(Feed {
        ranges,
        version: Some(doc.creation_time),
    })
}

fn geofeed(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    // RFC 8805: no header, `#` comments, trailing fields may be missing.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(bytes);
    let mut names = Names::default();
    let mut ranges = Vec::new();
    for record in reader.records() {
        let record = record
            .map_err(|e| Error::line(path, e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        // DigitalOcean's feed writes a missing country as the literal `None` (a Python null
        // printed as text); RFC 8805 means an empty field, so read it as one.
        let field = |i: usize| {
            record
                .get(i)
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "None")
        };
        let text = field(0).unwrap_or_default();
        let p = text
            .parse::<IpNet>()
            .map_err(|_| Error::line(path, line, format!("{text:?} is not a CIDR prefix")))?;
        let country = field(1);
        if let Some(c) = &country {
            if !is_alpha2(c) {
                return Err(Error::line(
                    path,
                    line,
                    format!("country {c:?} is not an ISO 3166-1 alpha-2 code"),
                ));
            }
        }
        ranges.push(RawRange {
            country: names.opt(country),
            region: names.opt(field(2)),
            city: names.opt(field(3)),
            ..plain(p.trunc())
        });
    }
    Ok(Feed {
        ranges,
        version: None,
    })
}

fn vultr(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    #[derive(Deserialize)]
    struct Doc {
        updated: String,
        subnets: Vec<Subnet>,
    }
    #[derive(Deserialize)]
    struct Subnet {
        ip_prefix: String,
        alpha2code: Option<String>,
        region: Option<String>,
        city: Option<String>,
    }
    let doc: Doc = json(path, bytes)?;
    let mut names = Names::default();
    let mut ranges = Vec::with_capacity(doc.subnets.len());
    for (i, s) in doc.subnets.into_iter().enumerate() {
        let p = prefix(path, || format!("subnets[{i}].ip_prefix"), &s.ip_prefix)?;
        let country = s.alpha2code.and_then(non_empty);
        if let Some(c) = &country {
            if !is_alpha2(c) {
                return Err(Error::value(
                    path,
                    format!("subnets[{i}].alpha2code"),
                    format!("{c:?} is not an ISO 3166-1 alpha-2 code"),
                ));
            }
        }
        ranges.push(RawRange {
            country: names.opt(country.as_deref()),
            region: names.opt(s.region.and_then(non_empty).as_deref()),
            city: names.opt(s.city.and_then(non_empty).as_deref()),
            ..plain(p)
        });
    }
    Ok(Feed {
        ranges,
        version: Some(doc.updated),
    })
}

fn disposable(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    #[derive(Deserialize)]
    struct Doc {
        source: String,
        last_update: String,
        ipv4: Vec<String>,
        ipv6: Vec<String>,
    }
    let doc: Doc = json(path, bytes)?;
    let mut ranges = Vec::new();
    for (i, p) in doc.ipv4.iter().enumerate() {
        ranges.push(plain(prefix(path, || format!("ipv4[{i}]"), p)?));
    }
    for (i, p) in doc.ipv6.iter().enumerate() {
        ranges.push(plain(prefix(path, || format!("ipv6[{i}]"), p)?));
    }
    Ok(Feed {
        ranges,
        version: Some(format!("{} (from {})", doc.last_update, doc.source)),
    })
}

fn cloudaddr(path: &Path, bytes: &[u8]) -> Result<Feed, Error> {
    #[derive(Deserialize)]
    struct Doc {
        #[serde(rename = "creationDate")]
        creation_date_ms: u64,
        prefixes: Vec<String>,
    }
    let doc: Doc = json(path, bytes)?;
    let mut ranges = Vec::with_capacity(doc.prefixes.len());
    for (i, p) in doc.prefixes.iter().enumerate() {
        ranges.push(plain(prefix(path, || format!("prefixes[{i}]"), p)?));
    }
    Ok(Feed {
        ranges,
        version: Some(civil_date(doc.creation_date_ms / 1000)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(format: &str, text: &str) -> Feed {
        parse(format, Path::new("f"), text.as_bytes())
            .unwrap()
            .unwrap()
    }

    fn err(format: &str, text: &str) -> String {
        parse(format, Path::new("f"), text.as_bytes())
            .unwrap()
            .err()
            .unwrap()
            .to_string()
    }

    #[test]
    fn formats_parse() {
        let f = ok(
            "aws-json",
            r#"{"syncToken":"1","createDate":"d","prefixes":[{"ip_prefix":"3.4.12.4/30","region":"eu-west-1","service":"AMAZON","network_border_group":"x"}],"ipv6_prefixes":[{"ipv6_prefix":"2600:1f00::/24","region":"GLOBAL","service":"CLOUDFRONT"}]}"#,
        );
        assert_eq!(f.version.as_deref(), Some("syncToken 1 (d)"));
        assert_eq!(f.ranges[0].prefix.to_string(), "3.4.12.4/30");
        assert!(f.ranges[0].generic);
        assert_eq!(f.ranges[1].region, None);
        assert_eq!(f.ranges[1].service.as_deref(), Some("CLOUDFRONT"));

        let f = ok(
            "azure-service-tags",
            r#"{"changeNumber":3,"values":[{"name":"Storage.WestEurope","properties":{"region":"westeurope","systemService":"AzureStorage","addressPrefixes":["20.38.108.0/23"]}},{"name":"AzureCloud","properties":{"region":"","systemService":"","addressPrefixes":["20.38.108.0/23"]}}]}"#,
        );
        assert_eq!(f.version.as_deref(), Some("changeNumber 3"));
        assert_eq!(
            (
                f.ranges[0].service.as_deref(),
                f.ranges[0].region.as_deref(),
                f.ranges[0].generic
            ),
            (Some("AzureStorage"), Some("westeurope"), false)
        );
        assert_eq!(
            (
                f.ranges[1].service.as_deref(),
                f.ranges[1].region.as_deref(),
                f.ranges[1].generic
            ),
            (Some("AzureCloud"), None, true)
        );

        let f = ok("geofeed-csv", "# comment\n5.101.96.0/21,NL,NL-NH,Amsterdam,1098 XH\n2600:3c00::/32,US,,,\n192.0.2.0/24\n165.245.148.0/22,None\n");
        assert_eq!(f.ranges.len(), 4);
        assert_eq!(f.ranges[3].country, None);
        assert_eq!(
            (f.ranges[0].country.as_deref(), f.ranges[0].city.as_deref()),
            (Some("NL"), Some("Amsterdam"))
        );
        assert_eq!(f.ranges[1].region, None);

        let f = ok("cidr-list", "173.245.48.0/20\n\n2400:cb00::/32");
        assert_eq!(f.ranges.len(), 2);
        let f = ok(
            "cloudaddr-json",
            r#"{"cloudProvider":"OVH","creationDate":1784898937081,"prefixes":["2.26.132.0/24"]}"#,
        );
        assert_eq!(f.version.as_deref(), Some("2026-07-24"));
        let f = ok(
            "exoscale-json",
            r#"{"creationTime":"t","prefixes":[{"IPv6Prefix":"2a04:c40::/29","zone":"ch-gva-2"}]}"#,
        );
        assert_eq!(f.ranges[0].region.as_deref(), Some("ch-gva-2"));
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(
            err("cidr-list", "1.1.1.0/24\nnot-a-prefix\n"),
            "f:2: \"not-a-prefix\" is not a CIDR prefix"
        );
        assert_eq!(
            err("geofeed-csv", "# c\n1.1.1.0/24,DE\n1.1.1.0/33,DE\n"),
            "f:3: \"1.1.1.0/33\" is not a CIDR prefix"
        );
        assert_eq!(
            err("geofeed-csv", "1.1.1.0/24,Germany\n"),
            "f:1: country \"Germany\" is not an ISO 3166-1 alpha-2 code"
        );
        assert_eq!(
            err(
                "fastly-json",
                r#"{"addresses":["1.1.1.0/24","x"],"ipv6_addresses":[]}"#
            ),
            "f: addresses[1]: \"x\" is not a CIDR prefix"
        );
        assert_eq!(
            err(
                "google-json",
                r#"{"syncToken":"1","creationTime":"t","prefixes":[{"service":"x"}]}"#
            ),
            "f: prefixes[0]: has neither ipv4Prefix nor ipv6Prefix"
        );
        assert_eq!(
            err("aws-json", "{\n  \"syncToken\": 1\n}"),
            "f:2:16: invalid type: integer `1`, expected a string at line 2 column 16"
        );
        assert_eq!(
            err("aws-json", "{\"syncToken\":\"1\""),
            "f:1:16: EOF while parsing an object at line 1 column 16"
        );
        assert!(parse("carrier-pigeon", Path::new("f"), b"").is_none());
    }
}
