//! Checking and normalising a DNS name before it is queried.
//!
//! Names come from users' endpoint files and from other records (MX exchanges, SPF includes),
//! so anything can arrive. A name that could never be resolved is reported as
//! `MalformedName` with a reason, without sending a query. Internationalised names are
//! converted to their ASCII (punycode) form by hickory's IDNA support. Names are always made
//! absolute (fully qualified), so a system resolver's search list never turns `mail.example`
//! into `mail.example.corp.internal`.

use std::net::IpAddr;

use hickory_resolver::proto::rr::Name;

/// The longest name in presentation form without the trailing dot (RFC 1035: 255 octets on
/// the wire, i.e. 253 characters of text).
const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;

/// A name ready to query: the lower-case ASCII text without a trailing dot, and the absolute
/// name for hickory.
#[derive(Debug, Clone)]
pub(crate) struct CheckedName {
    pub text: String,
    pub name: Name,
}

/// Checks `input`; the error is the reason it is malformed.
pub(crate) fn check(input: &str) -> Result<CheckedName, String> {
    if input.is_empty() || input == "." {
        return Err("empty name".into());
    }
    if let Some(c) = input.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("contains {c:?}"));
    }
    let bare = input.strip_suffix('.').unwrap_or(input);
    if bare.parse::<IpAddr>().is_ok() {
        return Err("is an IP address, not a name".into());
    }
    let ascii = if bare.is_ascii() {
        bare.to_ascii_lowercase()
    } else {
        let name = Name::from_utf8(bare)
            .map_err(|e| format!("not a valid internationalised name: {e}"))?;
        let mut text = name.to_ascii();
        text.make_ascii_lowercase();
        text.strip_suffix('.').map(str::to_owned).unwrap_or(text)
    };
    if ascii.len() > MAX_NAME {
        return Err(format!(
            "{} characters long, over the limit of {MAX_NAME}",
            ascii.len()
        ));
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err("has an empty label".into());
        }
        if label.len() > MAX_LABEL {
            return Err(format!(
                "label of {} characters, over the limit of {MAX_LABEL}",
                label.len()
            ));
        }
        // Letters, digits and hyphens (RFC 952/1123), plus `_` for service labels such as
        // `_dmarc` and `_spf` that sovstack's domain discovery queries.
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!("label {label:?} contains {c:?}"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label {label:?} starts or ends with a hyphen"));
        }
    }
    let mut name = Name::from_ascii(&ascii).map_err(|e| e.to_string())?;
    name.set_fqdn(true);
    Ok(CheckedName { text: ascii, name })
}

/// The comparable form of a name from a record: lower case, no trailing dot.
pub(crate) fn key(name: &Name) -> String {
    let mut s = name.to_ascii();
    s.make_ascii_lowercase();
    if s.ends_with('.') && s.len() > 1 {
        s.pop();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_normalises() {
        let cases = [
            ("Example.ORG", "example.org"),
            ("www.example.org.", "www.example.org"),
            ("_dmarc.example.org", "_dmarc.example.org"),
            ("bücher.example", "xn--bcher-kva.example"),
            ("localhost", "localhost"),
        ];
        for (input, want) in cases {
            let n = check(input).unwrap();
            assert_eq!(n.text, want);
            assert!(n.name.is_fqdn());
        }
    }

    #[test]
    fn rejects_malformed() {
        let long_label = format!("{}.example", "a".repeat(64));
        let long_name = format!("{}example", "abcdefghi.".repeat(25));
        let cases: Vec<(&str, &str)> = vec![
            ("", "empty name"),
            (".", "empty name"),
            ("a..example", "has an empty label"),
            ("exa mple.org", "contains ' '"),
            ("bad\u{7}.org", "contains '\\u{7}'"),
            ("ex!ample.org", "label \"ex!ample\" contains '!'"),
            (
                "-bad.example",
                "label \"-bad\" starts or ends with a hyphen",
            ),
            ("192.0.2.1", "is an IP address, not a name"),
            ("2001:db8::1", "is an IP address, not a name"),
            (&long_label, "label of 64 characters, over the limit of 63"),
            (&long_name, "257 characters long, over the limit of 253"),
        ];
        for (input, want) in cases {
            assert_eq!(check(input).unwrap_err(), want, "{input:?}");
        }
    }
}
