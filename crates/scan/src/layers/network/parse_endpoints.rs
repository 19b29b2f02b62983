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
//! its MX), or an IP address. Every problem stops the parse with the file's line and column:
//! a scan of half the services a user listed would look complete when it is not.

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

/// Parses the file's text; `yaml` selects the YAML format.
pub fn endpoints(text: &str, yaml: bool) -> Result<Vec<EndpointSpec>, ParseError> {
    if yaml {
        parse_yaml(text)
    } else {
        parse_text(text)
    }
}

fn parse_text(text: &str) -> Result<Vec<EndpointSpec>, ParseError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i as u64 + 1;
        let content = raw.split('#').next().unwrap_or_default();
        let mut tokens = tokens(content);
        let Some((col, entry)) = tokens.next() else { continue };
        let mut spec = classify(entry).map_err(|message| ParseError { line, column: col, message })?;
        spec.line = line as u32;
        for (col, token) in tokens {
            let err = |message: String| ParseError { line, column: col, message };
            match token.split_once('=') {
                Some(("label", v)) if !v.is_empty() => spec.label = Some(v.to_string()),
                Some(("criticality", v)) => spec.criticality = Some(criticality(v).map_err(err)?),
                _ => return Err(err(format!("`{token}`: expected label=NAME or criticality=low|medium|high|critical"))),
            }
        }
        out.push(spec);
    }
    Ok(out)
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
    Full(FullEntry),
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
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawEntry, A::Error> {
                FullEntry::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(RawEntry::Full)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FullEntry {
    endpoint: Spanned<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    criticality: Option<Spanned<String>>,
}

fn parse_yaml(text: &str) -> Result<Vec<EndpointSpec>, ParseError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let entries: Vec<Spanned<RawEntry>> = serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e.location().map(|l| (l.line(), l.column())).unwrap_or((0, 0));
        let message = e.to_string().lines().next().unwrap_or_default().trim().to_string();
        ParseError { line, column, message }
    })?;
    let mut out = Vec::new();
    for entry in entries {
        let at = |loc: &serde_saphyr::Location, message: String| ParseError { line: loc.line(), column: loc.column(), message };
        let (line, spec) = match entry.value {
            RawEntry::Plain(s) => (entry.referenced.line(), classify(&s).map_err(|m| at(&entry.referenced, m))?),
            RawEntry::Full(f) => {
                let mut spec = classify(&f.endpoint.value).map_err(|m| at(&f.endpoint.referenced, m))?;
                spec.label = f.label.filter(|l| !l.trim().is_empty());
                if let Some(c) = f.criticality {
                    spec.criticality = Some(criticality(&c.value).map_err(|m| at(&c.referenced, m))?);
                }
                (f.endpoint.referenced.line(), spec)
            }
        };
        out.push(EndpointSpec { line: line as u32, ..spec });
    }
    Ok(out)
}

fn criticality(v: &str) -> Result<Criticality, String> {
    match v {
        "low" => Ok(Criticality::Low),
        "medium" => Ok(Criticality::Medium),
        "high" => Ok(Criticality::High),
        "critical" => Ok(Criticality::Critical),
        _ => Err(format!("criticality `{v}`: expected low, medium, high or critical")),
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
    if let Some(domain) = entry.strip_prefix("mail:").or_else(|| entry.strip_prefix('@')) {
        return Ok(spec(EndpointKind::Mail, Some(host_name(domain)?), None));
    }
    if let Some((scheme, rest)) = entry.split_once("://") {
        if scheme.is_empty() || !scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) {
            return Err(format!("`{entry}`: malformed URL scheme"));
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if let Some(v6) = host_port.strip_prefix('[') {
            let inner = v6.split(']').next().unwrap_or_default();
            let ip = inner.parse().map_err(|_| format!("`{entry}`: `{inner}` is not an IPv6 address"))?;
            return Ok(spec(EndpointKind::Url, None, Some(ip)));
        }
        let host = match host_port.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => host_port,
        };
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(spec(EndpointKind::Url, None, Some(ip)));
        }
        return Ok(spec(EndpointKind::Url, Some(host_name(host).map_err(|e| format!("`{entry}`: {e}"))?), None));
    }
    if let Ok(ip) = entry.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        return Ok(spec(EndpointKind::Ip, None, Some(ip)));
    }
    Ok(spec(EndpointKind::Host, Some(host_name(entry)?), None))
}

/// A DNS host name, lower-cased without its trailing dot: labels of letters, digits, `-` and
/// `_` (service labels), 1-63 bytes each, 253 in all.
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
            return Err(format!("`{name}`: a label is empty or longer than 63 bytes"));
        }
        if let Some(c) = label.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
            return Err(format!("`{name}`: `{c}` cannot appear in a host name"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("`{name}`: a label starts or ends with `-`"));
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(v: &[EndpointSpec]) -> Vec<(EndpointKind, Option<&str>, Option<String>)> {
        v.iter().map(|s| (s.kind, s.name.as_deref(), s.ip.map(|i| i.to_string()))).collect()
    }

    #[test]
    fn entries_are_classified() {
        use EndpointKind::*;
        // (entry, kind, name, ip)
        let table: &[(&str, EndpointKind, Option<&str>, Option<&str>)] = &[
            ("www.Example.org.", Host, Some("www.example.org"), None),
            ("https://user@app.example.org:8443/x?y#z", Url, Some("app.example.org"), None),
            ("http://[2001:db8::1]:80/", Url, None, Some("2001:db8::1")),
            ("https://192.0.2.7/", Url, None, Some("192.0.2.7")),
            ("mail:example.org", Mail, Some("example.org"), None),
            ("@example.net", Mail, Some("example.net"), None),
            ("192.0.2.1", Ip, None, Some("192.0.2.1")),
            ("2001:db8::2", Ip, None, Some("2001:db8::2")),
            ("_sip._tcp.example.org", Host, Some("_sip._tcp.example.org"), None),
        ];
        for (entry, kind, name, ip) in table {
            let s = classify(entry).unwrap_or_else(|e| panic!("{entry}: {e}"));
            assert_eq!((s.kind, s.name.as_deref(), s.ip.map(|i| i.to_string())), (*kind, *name, ip.map(String::from)), "{entry}");
            assert_eq!(s.endpoint, *entry);
        }
    }

    #[test]
    fn malformed_entries_are_refused() {
        for bad in ["", "bad host", "a..b", "-a.example", "x.example-", "mail:", "@", "://x", "https://[zz]/", "h\u{e9}.example", &"a".repeat(64)] {
            assert!(classify(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn text_format_with_labels_and_comments() {
        let text = "# services\n\nwww.example.org label=web criticality=high\n  mail:example.org  # mail\n192.0.2.1\n";
        let v = endpoints(text, false).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!((v[0].label.as_deref(), v[0].criticality, v[0].line), (Some("web"), Some(Criticality::High), 3));
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
            let e = endpoints(text, false).unwrap_err();
            assert_eq!((e.line, e.column), (line, column), "{text:?}: {e}");
            assert!(e.message.contains(frag), "{e}");
        }
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
        assert_eq!((v[1].label.as_deref(), v[1].criticality, v[1].line), (Some("mail"), Some(Criticality::Critical), 2));
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
            let e = endpoints(text, true).unwrap_err();
            assert!(e.line >= line && e.column >= 1, "{text:?}: {e:?}");
        }
    }
}
