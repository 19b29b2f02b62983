//! The syntax of `os-release` (freedesktop.org, `man 5 os-release`): newline-separated
//! `KEY=value` assignments in a shell-compatible subset.
//!
//! - Blank lines and lines whose first non-blank character is `#` are ignored.
//! - Keys are `[A-Za-z_][A-Za-z0-9_]*`.
//! - Values may be unquoted, `"double quoted"` or `'single quoted'`, and pieces may be
//!   concatenated (`a"b c"'d'` is `ab cd`), as in the shell. Inside double quotes a backslash
//!   escapes `"`, `\`, `$` and `` ` `` and is kept before anything else; outside quotes it
//!   escapes any character; inside single quotes nothing is special.
//! - Unquoted whitespace ends the value; anything but whitespace or a `#` comment after it
//!   makes the line malformed (the shell would run it as a command).
//!
//! Malformed lines (no `=`, a bad key, an unterminated quote) are skipped and reported with
//! their line number, so one bad line costs one field, not the file. When a key is assigned
//! twice the last assignment wins, as when the shell sources the file. What the keys mean is
//! left to the collector.

/// One assignment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key (`ID`).
    pub key: String,
    /// The value after unquoting.
    pub value: String,
    /// 1-based line number.
    pub line: u32,
}

/// A line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: u32,
    /// What is wrong, for a person.
    pub message: String,
}

/// A parsed `os-release` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OsRelease {
    /// Assignments in file order.
    pub entries: Vec<Entry>,
    /// Malformed lines.
    pub errors: Vec<LineError>,
}

impl OsRelease {
    /// The value of `key`: its last assignment.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }
}

/// Parses `os-release` text. Never fails: malformed lines land in [`OsRelease::errors`].
pub fn os_release(text: &str) -> OsRelease {
    let mut out = OsRelease::default();
    for (index, line) in text.split('\n').enumerate() {
        let line_no = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        match assignment(trimmed) {
            Ok((key, value)) => out.entries.push(Entry {
                key: key.to_string(),
                value,
                line: line_no,
            }),
            Err(message) => out.errors.push(LineError {
                line: line_no,
                message,
            }),
        }
    }
    out
}

fn assignment(line: &str) -> Result<(&str, String), String> {
    let Some((key, rest)) = line.split_once('=') else {
        return Err("not a KEY=value assignment".to_string());
    };
    let valid_key = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid_key {
        return Err(format!("`{}` is not a valid key", key.escape_debug()));
    }
    Ok((key, value(rest)?))
}

/// Unquotes a value, shell-style.
fn value(text: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => loop {
                match chars.next() {
                    None => return Err("unterminated double quote".to_string()),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        None => return Err("unterminated double quote".to_string()),
                        Some(e @ ('"' | '\\' | '$' | '`')) => out.push(e),
                        Some(other) => {
                            out.push('\\');
                            out.push(other);
                        }
                    },
                    Some(other) => out.push(other),
                }
            },
            '\'' => loop {
                match chars.next() {
                    None => return Err("unterminated single quote".to_string()),
                    Some('\'') => break,
                    Some(other) => out.push(other),
                }
            },
            '\\' => match chars.next() {
                Some(e) => out.push(e),
                None => return Err("backslash at end of line".to_string()),
            },
            c if c.is_whitespace() => {
                let tail = chars.as_str().trim_start();
                if tail.is_empty() || tail.starts_with('#') {
                    break;
                }
                return Err("unquoted whitespace in value".to_string());
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values() {
        // (line, key, value)
        let good = [
            ("ID=debian", "ID", "debian"),
            ("NAME=\"Debian GNU/Linux\"", "NAME", "Debian GNU/Linux"),
            ("NAME='Alpine Linux'", "NAME", "Alpine Linux"),
            ("ID=", "ID", ""),
            ("ID=\"\"", "ID", ""),
            ("VERSION_ID=3.23.2", "VERSION_ID", "3.23.2"),
            ("X=\"a \\\"quoted\\\" word\"", "X", "a \"quoted\" word"),
            (
                "X=\"back\\\\slash \\$HOME \\`cmd\\`\"",
                "X",
                "back\\slash $HOME `cmd`",
            ),
            ("X=\"keeps \\n as is\"", "X", "keeps \\n as is"),
            (
                "X='no \\\"escapes\\\" here'",
                "X",
                "no \\\"escapes\\\" here",
            ),
            ("X=con\"cat\"'enated'", "X", "concatenated"),
            ("X=with\\ space", "X", "with space"),
            ("X=value   ", "X", "value"),
            ("X=value # trailing comment", "X", "value"),
            ("X=\"embedded = and # kept\"", "X", "embedded = and # kept"),
            ("_UNDERSCORE_1=ok", "_UNDERSCORE_1", "ok"),
            ("   INDENTED=ok", "INDENTED", "ok"),
            ("X=\"ünïcödé 中文\"", "X", "ünïcödé 中文"),
        ];
        for (line, key, value) in good {
            let parsed = os_release(line);
            assert_eq!(parsed.errors, vec![], "{line}");
            let e = parsed
                .get(key)
                .unwrap_or_else(|| panic!("{line}: no {key}"));
            assert_eq!(e.value, value, "{line}");
        }
    }

    #[test]
    fn malformed_lines() {
        // (line, message)
        let bad = [
            ("NAME=\"Debian", "unterminated double quote"),
            ("NAME=\"ends in backslash\\", "unterminated double quote"),
            ("NAME='Debian", "unterminated single quote"),
            ("NAME=trailing\\", "backslash at end of line"),
            ("NAME=two words", "unquoted whitespace in value"),
            ("just some text", "not a KEY=value assignment"),
            ("=value", "`` is not a valid key"),
            ("1ID=x", "`1ID` is not a valid key"),
            ("MY-KEY=x", "`MY-KEY` is not a valid key"),
            ("KEY =x", "`KEY ` is not a valid key"),
            ("export ID=x", "`export ID` is not a valid key"),
        ];
        for (line, message) in bad {
            let parsed = os_release(line);
            assert_eq!(parsed.entries, vec![], "{line}");
            assert_eq!(
                parsed.errors,
                vec![LineError {
                    line: 1,
                    message: message.to_string()
                }],
                "{line}"
            );
        }
    }

    #[test]
    fn files() {
        let text = "# comment\n\nID=first\n  # indented comment\nNAME=\"Broken\nID=second\r\nVERSION_ID=1\n";
        let parsed = os_release(text);
        assert_eq!(
            parsed.get("ID").map(|e| (e.value.as_str(), e.line)),
            Some(("second", 6))
        );
        assert_eq!(parsed.get("VERSION_ID").map(|e| e.line), Some(7));
        assert_eq!(parsed.get("NAME"), None);
        assert_eq!(
            parsed.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![5]
        );
        assert_eq!(os_release(""), OsRelease::default());
    }

    #[test]
    fn real_fixtures() {
        // (case, path, ID, ID_LIKE, VERSION_ID, PRETTY_NAME)
        let table = [
            (
                "x86-amd-epyc-debian12",
                "usr/lib/os-release",
                "debian",
                None,
                Some("12"),
                Some("Debian GNU/Linux 12 (bookworm)"),
            ),
            (
                "os-ubuntu-24.04",
                "etc/os-release",
                "ubuntu",
                Some("debian"),
                Some("24.04"),
                Some("Ubuntu 24.04.3 LTS"),
            ),
            (
                "os-rocky-9.3-usr-lib-only",
                "usr/lib/os-release",
                "rocky",
                Some("rhel centos fedora"),
                Some("9.3"),
                Some("Rocky Linux 9.3 (Blue Onyx)"),
            ),
            (
                "os-alpine-3.23",
                "etc/os-release",
                "alpine",
                None,
                Some("3.23.2"),
                Some("Alpine Linux v3.23"),
            ),
            (
                "os-kylin-v10-aarch64",
                "etc/os-release",
                "kylin",
                None,
                Some("V10"),
                Some("Kylin Linux Advanced Server V10 (Tercel)"),
            ),
            (
                "riscv-lpi4a-thead-c910",
                "etc/os-release",
                "openEuler",
                None,
                Some("25.03"),
                Some("openEuler 25.03"),
            ),
            (
                "riscv-visionfive2-jh7110",
                "etc/os-release",
                "arch",
                None,
                None,
                Some("Arch Linux"),
            ),
        ];
        for (case, path, id, id_like, version_id, pretty) in table {
            let full = format!("{}/testdata/{case}/{path}", env!("CARGO_MANIFEST_DIR"));
            let parsed = os_release(&std::fs::read_to_string(&full).unwrap());
            assert_eq!(parsed.errors, vec![], "{case}");
            let get = |k| parsed.get(k).map(|e| e.value.as_str());
            assert_eq!(
                (
                    get("ID"),
                    get("ID_LIKE"),
                    get("VERSION_ID"),
                    get("PRETTY_NAME")
                ),
                (Some(id), id_like, version_id, pretty),
                "{case}"
            );
        }
    }

    #[test]
    fn corrupt_fixture_keeps_the_good_lines() {
        let full = format!(
            "{}/testdata/corrupt-os-release/etc/os-release",
            env!("CARGO_MANIFEST_DIR")
        );
        let parsed = os_release(&std::fs::read_to_string(&full).unwrap());
        assert_eq!(parsed.get("ID").map(|e| e.value.as_str()), Some("ubuntu"));
        assert_eq!(parsed.get("PRETTY_NAME"), None);
        let lines: Vec<_> = parsed
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (1, "unterminated double quote"),
                (4, "unquoted whitespace in value")
            ]
        );
    }
}
