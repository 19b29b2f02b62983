//! The diagnostic codes of reading the scanned root, which every layer that reads it may emit.
//! Each layer declares its own codes in its module (`layers/<id>/mod.rs`, `pub mod codes`), and
//! [`crate::code_lists`] gathers them all; docs/diagnostics.md is generated from those lists. Codes
//! are kebab-case and qualified by area (`scan/`); a rename is a visible diff (cargo-deny's habit).

sovstack_inventory::diagnostic_codes! {
    UNREADABLE_FILE = "scan/unreadable-file": "a file exists but the operating system refused to read it",
    FILE_TOO_LARGE = "scan/file-too-large": "a file is larger than the per-file cap; its first bytes were used",
    PATH_ESCAPES_ROOT = "scan/path-escapes-root": "a path or symlink tried to climb above the root with `..`; it was held at the root",
    SYMLINK_LOOP = "scan/symlink-loop": "too many symbolic links while resolving a path, most likely a loop",
    NOT_A_REGULAR_FILE = "scan/not-a-regular-file": "the path names a directory, FIFO, socket or device, which is never opened",
    INVALID_UTF8 = "scan/invalid-utf8": "a text file holds bytes that are not UTF-8; they were replaced",
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
            "scan/unreadable-file\nscan/file-too-large\nscan/path-escapes-root\nscan/symlink-loop\nscan/not-a-regular-file\nscan/invalid-utf8"
        );
    }
}
