//! Every diagnostic code the scanner emits, in one place, so a rename is a visible diff
//! (cargo-deny's habit). Codes are kebab-case and qualified by area (`scan/`).

/// A file exists but the operating system refused to read it.
pub const UNREADABLE_FILE: &str = "scan/unreadable-file";
/// A file is larger than the per-file cap; its first bytes were used.
pub const FILE_TOO_LARGE: &str = "scan/file-too-large";
/// A path or symlink tried to climb above the root with `..`; it was held at the root.
pub const PATH_ESCAPES_ROOT: &str = "scan/path-escapes-root";
/// Too many symbolic links while resolving a path, most likely a loop.
pub const SYMLINK_LOOP: &str = "scan/symlink-loop";
/// The path names a directory, FIFO, socket or device, which is never opened.
pub const NOT_A_REGULAR_FILE: &str = "scan/not-a-regular-file";
/// A text file holds bytes that are not UTF-8; they were replaced.
pub const INVALID_UTF8: &str = "scan/invalid-utf8";
/// No `/proc/cpuinfo` under the root (normal for images and containers).
pub const MISSING_CPUINFO: &str = "scan/missing-cpuinfo";
/// Lines of `/proc/cpuinfo` that are not `key : value`.
pub const MALFORMED_CPUINFO: &str = "scan/malformed-cpuinfo";
/// `/proc/cpuinfo` was read but no processor in it could be recognised.
pub const UNRECOGNISED_CPUINFO: &str = "scan/unrecognised-cpuinfo";
/// More distinct processors than are reported; the first ones were kept.
pub const TOO_MANY_PROCESSORS: &str = "scan/too-many-processors";
/// `/proc/cpuinfo` and the live host's kernel disagree on the architecture.
pub const ARCHITECTURE_MISMATCH: &str = "scan/architecture-mismatch";
/// Neither `/etc/os-release` nor `/usr/lib/os-release` under the root.
pub const MISSING_OS_RELEASE: &str = "scan/missing-os-release";
/// A line of `os-release` that is not a valid assignment.
pub const MALFORMED_OS_RELEASE: &str = "scan/malformed-os-release";
/// `/proc/version` does not read `<name> version <release>`.
pub const MALFORMED_PROC_VERSION: &str = "scan/malformed-proc-version";
/// The DNS resolver could not be set up (no usable system configuration); the network layer's
/// endpoints were recorded as unresolved.
pub const DNS_UNAVAILABLE: &str = "scan/dns-unavailable";
/// The DNS resolver answered none of the network layer's queries (every one timed out or failed
/// in transport): the layer could not be assessed, and the command exits 2.
pub const DNS_NO_ANSWER: &str = "scan/dns-no-answer";

/// Every code, in the order above.
pub const ALL: &[&str] = &[
    UNREADABLE_FILE,
    FILE_TOO_LARGE,
    PATH_ESCAPES_ROOT,
    SYMLINK_LOOP,
    NOT_A_REGULAR_FILE,
    INVALID_UTF8,
    MISSING_CPUINFO,
    MALFORMED_CPUINFO,
    UNRECOGNISED_CPUINFO,
    TOO_MANY_PROCESSORS,
    ARCHITECTURE_MISMATCH,
    MISSING_OS_RELEASE,
    MALFORMED_OS_RELEASE,
    MALFORMED_PROC_VERSION,
    DNS_UNAVAILABLE,
    DNS_NO_ANSWER,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_qualified_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ALL {
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
            ALL.join("\n"),
            "scan/unreadable-file\nscan/file-too-large\nscan/path-escapes-root\nscan/symlink-loop\nscan/not-a-regular-file\nscan/invalid-utf8\nscan/missing-cpuinfo\nscan/malformed-cpuinfo\nscan/unrecognised-cpuinfo\nscan/too-many-processors\nscan/architecture-mismatch\nscan/missing-os-release\nscan/malformed-os-release\nscan/malformed-proc-version\nscan/dns-unavailable\nscan/dns-no-answer"
        );
    }
}
