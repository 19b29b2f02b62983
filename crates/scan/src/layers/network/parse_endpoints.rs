//! The endpoints file: what the organisation depends on, one entry per service.
//!
//! Two formats, chosen by the file's extension (`.yaml`/`.yml`, anything else is text):
//!
//! ```text
//! # text: one entry per line, then optional key=value labels
//! https://app.example.org/login   label=crm criticality=high
//! mail:example.org                label=mail
//! @example.net
//! 192.0.2.10
//! ```
//!
//! ```yaml
//! - https://app.example.org/login            # a plain entry
//! - endpoint: mail:example.org                # or a map with labels
//!   label: mail
//!   criticality: critical
//! ```
//!
//! An entry is a host name, a URL (its host is resolved), a mail domain (`mail:D` or `@D`:
//! its MX), or an IP address. Any problem fails the parse: a scan of half the services a user
//! listed would look complete when it is not. Every bad entry is reported, each with its line and
//! column, so one round of fixes is enough (malformed YAML stops at its first fault: what follows
//! cannot be read).

use serde::Deserialize;
use serde_saphyr::Spanned;
use sovstack_inventory::{Criticality, EndpointKind};
use std::net::IpAddr;

/// One entry of the file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSpec {
    /// The entry as written.
    pub endpoint: String,
    /// What it is.
    pub kind: EndpointKind,
    /// The DNS name to ask about (lower case, no trailing dot); `None` for an address.
    pub name: Option<String>,
    /// The address, for an IP entry or a URL whose host is an address.
    pub ip: Option<IpAddr>,
    /// The service's name.
    pub label: Option<String>,
    /// How critical it is.
    pub criticality: Option<Criticality>,
    /// 1-based line of the entry in its file (0 for entries made by `--domain`).
    pub line: u32,
}

/// A problem in the file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// What is wrong.
    pub message: String,
}

/// How many of a file's problems an error message lists; the rest are counted ("and 3 more
/// problems"). Every one is in the error itself.
pub const MAX_LISTED_PROBLEMS: usize = 20;

/// Parses the file's text; `yaml` selects the YAML format. On failure, every problem found, in
/// file order (never empty).
pub fn endpoints(text: &str, yaml: bool) -> Result<Vec<EndpointSpec>, Vec<ParseError>> {
    let mut errors = Vec::new();
    let specs = if yaml {
        parse_yaml(text, &mut errors)
    } else {
        parse_text(text, &mut errors)
    };
    // An entry's own problems were found in the order it was checked; report in file order.
    errors.sort_by_key(|e| (e.line, e.column));
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(errors)
    }
}

fn parse_text(text: &str, errors: &mut Vec<ParseError>) -> Vec<EndpointSpec> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        let content = raw.split('#').next().unwrap_or_default();
        let mut tokens = tokens(content);
        let Some((col, entry)) = tokens.next() else {
            continue;
        };
        let mut spec = match classify(entry) {
            Ok(spec) => spec,
            Err(message) => {
                errors.push(ParseError {
                    line,
                    column: col,
                    message,
                });
                continue;
            }
        };
        spec.line = line as u32;
        for (col, token) in tokens {
            let err = |message: String| ParseError {
                line,
                column: col,
                message,
            };
            match token.split_once('=') {
                Some(("label", v)) if !v.is_empty() => spec.label = Some(v.to_string()),
                Some(("criticality", v)) => match criticality(v) {
                    Ok(c) => spec.criticality = Some(c),
                    Err(m) => errors.push(err(m)),
                },
                _ => errors.push(err(format!(
                    "`{token}`: expected label=NAME or criticality=low|medium|high|critical"
                ))),
            }
        }
        out.push(spec);
    }
    out
}

/// Whitespace-separated tokens with their 1-based columns (in characters).
fn tokens(line: &str) -> impl Iterator<Item = (u64, &str)> {
    let mut rest = line;
    let mut offset = 0usize;
    std::iter::from_fn(move || {
        let start = rest.find(|c: char| !c.is_whitespace())?;
        let after = &rest[start..];
        let len = after.find(char::is_whitespace).unwrap_or(after.len());
        let token = &after[..len];
        let col = line[..offset + start].chars().count() as u64 + 1;
        offset += start + len;
        rest = &after[len..];
        Some((col, token))
    })
}

enum RawEntry {
    Plain(String),
    /// A map's keys and values, checked by [`full_entry`] so that a bad key is one problem
    /// among the others rather than the end of the parse.
    Full(Vec<(Spanned<String>, Spanned<String>)>),
}

/// A string or a map, told apart by the YAML node itself rather than by trial (serde's
/// `untagged`), so a map's own error (an unknown key) keeps its message and position.
impl<'de> Deserialize<'de> for RawEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an endpoint string, or a map with `endpoint`, and optionally `label` and `criticality`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawEntry, E> {
                Ok(RawEntry::Plain(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawEntry, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry::<Spanned<String>, Spanned<String>>()? {
                    pairs.push(pair);
                }
                Ok(RawEntry::Full(pairs))
            }
        }
        d.deserialize_any(V)
    }
}

fn at(loc: &serde_saphyr::Location, message: String) -> ParseError {
    ParseError {
        line: loc.line(),
        column: loc.column(),
        message,
    }
}

fn parse_yaml(text: &str, errors: &mut Vec<ParseError>) -> Vec<EndpointSpec> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    let entries: Vec<Spanned<RawEntry>> = match serde_saphyr::from_str(text) {
        Ok(entries) => entries,
        Err(e) => {
            let (line, column) = e
                .location()
                .map(|l| (l.line(), l.column()))
                .unwrap_or((0, 0));
            // The message without serde-saphyr's own location prefix (given separately).
            let message = match e.without_snippet() {
                serde_saphyr::Error::Unexpected {
                    expected: "string scalar",
                    ..
                } => "expected a single value (text), found a list or a mapping".to_string(),
                other => serde_saphyr::MessageFormatter::format_message(
                    &serde_saphyr::UserMessageFormatter,
                    other,
                )
                .into_owned(),
            };
            errors.push(ParseError {
                line,
                column,
                message,
            });
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for entry in entries {
        let checked = match entry.value {
            RawEntry::Plain(s) => classify(&s)
                .map(|spec| (entry.referenced.line(), spec))
                .map_err(|m| at(&entry.referenced, m)),
            RawEntry::Full(pairs) => full_entry(&entry.referenced, pairs, errors),
        };
        match checked {
            Ok((line, spec)) => out.push(EndpointSpec {
                line: line as u32,
                ..spec
            }),
            Err(e) => errors.push(e),
        }
    }
    out
}

/// A map entry `{endpoint, label, criticality}`. Problems with its keys and its criticality go
/// to `errors`; a missing or bad `endpoint` is the `Err`.
fn full_entry(
    map: &serde_saphyr::Location,
    pairs: Vec<(Spanned<String>, Spanned<String>)>,
    errors: &mut Vec<ParseError>,
) -> Result<(u64, EndpointSpec), ParseError> {
    let (mut endpoint, mut label, mut crit) = (None, None, None);
    for (key, value) in pairs {
        let slot = match key.value.as_str() {
            "endpoint" => &mut endpoint,
            "label" => &mut label,
            "criticality" => &mut crit,
            other => {
                errors.push(at(
                    &key.referenced,
                    format!(
                        "unknown key `{other}`: an entry has `endpoint`, `label` and `criticality`"
                    ),
                ));
                continue;
            }
        };
        if slot.is_some() {
            errors.push(at(
                &key.referenced,
                format!("`{}` is given twice", key.value),
            ));
        }
        *slot = Some(value);
    }
    let endpoint: Spanned<String> =
        endpoint.ok_or_else(|| at(map, "this entry has no `endpoint`".into()))?;
    let mut spec = classify(&endpoint.value).map_err(|m| at(&endpoint.referenced, m))?;
    spec.label = label.map(|l| l.value).filter(|l| !l.trim().is_empty());
    if let Some(c) = crit {
        match criticality(&c.value) {
            Ok(c) => spec.criticality = Some(c),
            Err(m) => errors.push(at(&c.referenced, m)),
        }
    }
    Ok((endpoint.referenced.line(), spec))
}

fn criticality(v: &str) -> Result<Criticality, String> {
    match v {
        "low" => Ok(Criticality::Low),
        "medium" => Ok(Criticality::Medium),
        "high" => Ok(Criticality::High),
        "critical" => Ok(Criticality::Critical),
        _ => Err(format!(
            "criticality `{v}`: expected low, medium, high or critical"
        )),
    }
}

/// Decides what an entry is and checks it.
pub fn classify(entry: &str) -> Result<EndpointSpec, String> {
    let entry = entry.trim();
    let spec = |kind, name: Option<String>, ip| EndpointSpec {
        endpoint: entry.to_string(),
        kind,
        name,
        ip,
        label: None,
        criticality: None,
        line: 0,
    };
    if entry.is_empty() {
        return Err("empty endpoint".into());
    }
    if let Some(domain) = entry
        .strip_prefix("mail:")
        .or_else(|| entry.strip_prefix('@'))
    {
        return Ok(spec(EndpointKind::Mail, Some(host_name(domain)?), None));
    }
    if entry.contains("://") {
        // The WHATWG URL parser (the `url` crate, as browsers parse): it refuses an unclosed
        // `[`, an IPv4 address with a number over 255, a bad port, and normalises the host.
        let url =
            url::Url::parse(entry).map_err(|e| format!("`{entry}` is not a valid URL: {e}"))?;
        return match url.host() {
            Some(url::Host::Ipv4(ip)) => Ok(spec(EndpointKind::Url, None, Some(IpAddr::V4(ip)))),
            Some(url::Host::Ipv6(ip)) => Ok(spec(EndpointKind::Url, None, Some(IpAddr::V6(ip)))),
            Some(url::Host::Domain(host)) if !host.is_empty() => Ok(spec(
                EndpointKind::Url,
                Some(host_name(host).map_err(|e| format!("`{entry}`: {e}"))?),
                None,
            )),
            _ => Err(format!("`{entry}` is not a valid URL: it has no host")),
        };
    }
    if let Ok(ip) = entry
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    {
        return Ok(spec(EndpointKind::Ip, None, Some(ip)));
    }
    Ok(spec(EndpointKind::Host, Some(host_name(entry)?), None))
}

/// A DNS host name, lower-cased without its trailing dot: labels of letters, digits, `-` and
/// `_` (service labels), 1-63 bytes each, 253 in all, the last one not all digits (RFC 3696
/// section 2; the URL standard reads such a name as an IPv4 address, so `999.1.1.1` is a bad
/// address, not a host name).
pub fn host_name(name: &str) -> Result<String, String> {
    let n = name.trim_end_matches('.').to_ascii_lowercase();
    if n.is_empty() {
        return Err("empty host name".into());
    }
    if n.len() > 253 {
        return Err(format!("`{name}`: longer than 253 bytes"));
    }
    for label in n.split('.') {
        if label.is_empty() || label.len() > 63 {
            return Err(format!(
                "`{name}`: a label is empty or longer than 63 bytes"
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!("`{name}`: `{c}` cannot appear in a host name"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("`{name}`: a label starts or ends with `-`"));
        }
    }
    let last = n.rsplit('.').next().unwrap_or_default();
    if last.bytes().all(|b| b.is_ascii_digit()) {
        let labels: Vec<&str> = n.split('.').collect();
        if labels.len() == 4 && labels.iter().all(|l| l.bytes().all(|b| b.is_ascii_digit())) {
            return Err(format!(
                "`{name}` is not an IPv4 address: each of its four numbers must be 0 to 255"
            ));
        }
        return Err(format!(
            "`{name}` is not a host name: its last label, `{last}`, is all digits"
        ));
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(v: &[EndpointSpec]) -> Vec<(EndpointKind, Option<&str>, Option<String>)> {
        v.iter()
            .map(|s| (s.kind, s.name.as_deref(), s.ip.map(|i| i.to_string())))
            .collect()
    }

    #[test]
    fn entries_are_classified() {
        use EndpointKind::*;
        // (entry, kind, name, ip)
        let table: &[(&str, EndpointKind, Option<&str>, Option<&str>)] = &[
            ("www.Example.org.", Host, Some("www.example.org"), None),
            (
                "https://user@app.example.org:8443/x?y#z",
                Url,
                Some("app.example.org"),
                None,
            ),
            ("http://[2001:db8::1]:80/", Url, None, Some("2001:db8::1")),
            ("https://192.0.2.7/", Url, None, Some("192.0.2.7")),
            ("mail:example.org", Mail, Some("example.org"), None),
            ("@example.net", Mail, Some("example.net"), None),
            ("192.0.2.1", Ip, None, Some("192.0.2.1")),
            ("2001:db8::2", Ip, None, Some("2001:db8::2")),
            (
                "_sip._tcp.example.org",
                Host,
                Some("_sip._tcp.example.org"),
                None,
            ),
        ];
        for (entry, kind, name, ip) in table {
            let s = classify(entry).unwrap_or_else(|e| panic!("{entry}: {e}"));
            assert_eq!(
                (s.kind, s.name.as_deref(), s.ip.map(|i| i.to_string())),
                (*kind, *name, ip.map(String::from)),
                "{entry}"
            );
            assert_eq!(s.endpoint, *entry);
        }
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in [
            "",
            "bad host",
            "a..b",
            "-a.example",
            "x.example-",
            "mail:",
            "@",
            "://x",
            "https://[zz]/",
            "h\u{e9}.example",
            &"a".repeat(64),
        ] {
            assert!(classify(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ip_like_names_out_of_range_and_unclosed_brackets_are_refused() {
        // (entry, message)
        let table = [
            (
                "999.1.1.1",
                "`999.1.1.1` is not an IPv4 address: each of its four numbers must be 0 to 255",
            ),
            (
                "1.2.3.256",
                "`1.2.3.256` is not an IPv4 address: each of its four numbers must be 0 to 255",
            ),
            (
                "host.123",
                "`host.123` is not a host name: its last label, `123`, is all digits",
            ),
            (
                "mail:10.0.0.999",
                "`10.0.0.999` is not an IPv4 address: each of its four numbers must be 0 to 255",
            ),
            (
                "http://[::1",
                "`http://[::1` is not a valid URL: invalid IPv6 address",
            ),
            (
                "https://999.1.1.1/",
                "`https://999.1.1.1/` is not a valid URL: invalid IPv4 address",
            ),
            (
                "https://app.example.org:99999/",
                "`https://app.example.org:99999/` is not a valid URL: invalid port number",
            ),
        ];
        for (entry, message) in table {
            assert_eq!(classify(entry).unwrap_err(), message, "{entry}");
        }
        // Still fine: digits inside a name, and addresses in URLs.
        assert_eq!(
            classify("1.example.org").unwrap().name.as_deref(),
            Some("1.example.org")
        );
        assert_eq!(
            classify("http://[::1]:8080/")
                .unwrap()
                .ip
                .map(|i| i.to_string())
                .as_deref(),
            Some("::1")
        );
    }

    #[test]
    fn text_format_with_labels_and_comments() {
        let text = "# services\n\nwww.example.org label=web criticality=high\n  mail:example.org  # mail\n192.0.2.1\n";
        let v = endpoints(text, false).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(
            (v[0].label.as_deref(), v[0].criticality, v[0].line),
            (Some("web"), Some(Criticality::High), 3)
        );
        assert_eq!((v[1].kind, v[1].line), (EndpointKind::Mail, 4));
        assert_eq!(v[2].kind, EndpointKind::Ip);
    }

    #[test]
    fn text_errors_carry_line_and_column() {
        // (text, line, column, message fragment)
        let table = [
            ("ok.example\n  bad_host!\n", 2, 3, "`!`"),
            ("ok.example criticality=urgent\n", 1, 12, "urgent"),
            ("ok.example colour=blue\n", 1, 12, "colour=blue"),
            ("\u{e9}t\u{e9} x.example extra\n", 1, 1, "cannot appear"),
        ];
        for (text, line, column, frag) in table {
            let errors = endpoints(text, false).unwrap_err();
            assert_eq!(errors.len(), 1, "{text:?}: {errors:?}");
            let e = &errors[0];
            assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
            assert!(e.message.contains(frag), "{e}");
        }
    }

    #[test]
    fn every_bad_line_is_reported() {
        let text = "ok.example\nbad host\n999.1.1.1\n# fine\nhttp://[::1\nok2.example criticality=urgent colour=red\n";
        let errors = endpoints(text, false).unwrap_err();
        let at: Vec<(u64, u64)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(at, [(2, 5), (3, 1), (5, 1), (6, 13), (6, 32)], "{errors:?}");
    }

    #[test]
    fn every_bad_yaml_entry_is_reported() {
        let text = "- ok.example\n- bad host\n- endpoint: x.example\n  colour: blue\n- label: no endpoint\n- endpoint: y.example\n  criticality: urgent\n";
        let errors = endpoints(text, true).unwrap_err();
        let got: Vec<(u64, &str)> = errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (2, "`bad host`: ` ` cannot appear in a host name"),
                (
                    4,
                    "unknown key `colour`: an entry has `endpoint`, `label` and `criticality`"
                ),
                (5, "this entry has no `endpoint`"),
                (
                    7,
                    "criticality `urgent`: expected low, medium, high or critical"
                ),
            ],
            "{errors:?}"
        );
    }

    #[test]
    fn yaml_format_plain_and_labelled() {
        let text = "- www.example.org\n- endpoint: mail:example.org\n  label: mail\n  criticality: critical\n- '@example.net'\n";
        let v = endpoints(text, true).unwrap();
        assert_eq!(
            kinds(&v),
            [
                (EndpointKind::Host, Some("www.example.org"), None),
                (EndpointKind::Mail, Some("example.org"), None),
                (EndpointKind::Mail, Some("example.net"), None)
            ]
        );
        assert_eq!(
            (v[1].label.as_deref(), v[1].criticality, v[1].line),
            (Some("mail"), Some(Criticality::Critical), 2)
        );
        assert_eq!(v[2].line, 5);
        assert!(endpoints("", true).unwrap().is_empty());
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        // (text, line)
        let table = [
            ("- ok.example\n- endpoint: x.example\n  colour: blue\n", 3),
            ("- ok.example\n- bad host\n", 2),
            ("- endpoint: ok.example\n  criticality: urgent\n", 2),
            ("- ok.example\n- endpoint: [unclosed\n", 2),
            ("endpoint: not-a-list\n", 1),
        ];
        for (text, line) in table {
            let errors = endpoints(text, true).unwrap_err();
            let e = &errors[0];
            assert!(e.line >= line && e.column >= 1, "{text:?}: {e:?}");
            assert!(
                !e.message.contains("line "),
                "the location is given once: {e:?}"
            );
        }
        let errors = endpoints("- ok.example\n- endpoint: [unclosed\n", true).unwrap_err();
        assert_eq!(
            errors[0].message,
            "expected a single value (text), found a list or a mapping"
        );
    }
}
