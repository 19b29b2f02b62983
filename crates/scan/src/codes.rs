//! Every diagnostic code the scanner emits, in one place, so a rename is a visible diff
//! (cargo-deny's habit). Codes are kebab-case and qualified by area (`scan/`); docs/diagnostics.md
//! is generated from this list.

sovstack_inventory::diagnostic_codes! {
    UNREADABLE_FILE = "scan/unreadable-file": "a file exists but the operating system refused to read it",
    FILE_TOO_LARGE = "scan/file-too-large": "a file is larger than the per-file cap; its first bytes were used",
    PATH_ESCAPES_ROOT = "scan/path-escapes-root": "a path or symlink tried to climb above the root with `..`; it was held at the root",
    SYMLINK_LOOP = "scan/symlink-loop": "too many symbolic links while resolving a path, most likely a loop",
    NOT_A_REGULAR_FILE = "scan/not-a-regular-file": "the path names a directory, FIFO, socket or device, which is never opened",
    INVALID_UTF8 = "scan/invalid-utf8": "a text file holds bytes that are not UTF-8; they were replaced",
    MISSING_CPUINFO = "scan/missing-cpuinfo": "no `/proc/cpuinfo` under the root (normal for images and containers)",
    MALFORMED_CPUINFO = "scan/malformed-cpuinfo": "lines of `/proc/cpuinfo` that are not `key : value`",
    UNRECOGNISED_CPUINFO = "scan/unrecognised-cpuinfo": "`/proc/cpuinfo` was read but no processor in it could be recognised",
    TOO_MANY_PROCESSORS = "scan/too-many-processors": "more distinct processors than are reported; the first ones were kept",
    ARCHITECTURE_MISMATCH = "scan/architecture-mismatch": "`/proc/cpuinfo` and the live host's kernel disagree on the architecture",
    MISSING_OS_RELEASE = "scan/missing-os-release": "neither `/etc/os-release` nor `/usr/lib/os-release` under the root",
    MALFORMED_OS_RELEASE = "scan/malformed-os-release": "a line of `os-release` that is not a valid assignment",
    MALFORMED_PROC_VERSION = "scan/malformed-proc-version": "`/proc/version` does not read `<name> version <release>`",
    DNS_UNAVAILABLE = "scan/dns-unavailable": "the DNS resolver could not be set up (no usable system configuration); the network layer's endpoints were recorded as unresolved",
    DNS_NO_ANSWER = "scan/dns-no-answer": "the DNS resolver answered none of the network layer's queries (every one timed out or failed in transport): the layer could not be assessed, and the command exits 2",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_qualified_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, _) in ALL {
            assert!(seen.insert(code), "duplicate {code}");
            let rest = code
                .strip_prefix("scan/")
                .unwrap_or_else(|| panic!("{code} lacks scan/"));
            assert!(
                !rest.is_empty()
                    && rest.split('-').all(|w| !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{code}"
            );
        }
    }

    #[test]
    fn code_list_snapshot() {
        // Renaming or removing a code breaks readers that match on it: change this list only
        // on purpose.
        assert_eq!(
            ALL.iter().map(|(c, _)| *c).collect::<Vec<_>>().join("\n"),
            "scan/unreadable-file\nscan/file-too-large\nscan/path-escapes-root\nscan/symlink-loop\nscan/not-a-regular-file\nscan/invalid-utf8\nscan/missing-cpuinfo\nscan/malformed-cpuinfo\nscan/unrecognised-cpuinfo\nscan/too-many-processors\nscan/architecture-mismatch\nscan/missing-os-release\nscan/malformed-os-release\nscan/malformed-proc-version\nscan/dns-unavailable\nscan/dns-no-answer"
        );
    }
}
