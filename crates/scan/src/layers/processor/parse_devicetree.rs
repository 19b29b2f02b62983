//! The device tree's root `compatible` property, as the kernel exposes it in
//! `/proc/device-tree/compatible` (a link to `/sys/firmware/devicetree/base/compatible`).
//!
//! The property is a list of NUL-terminated strings, most specific first: the board
//! (`radxa,rock-5b`), then the SoC (`rockchip,rk3588`), sometimes a family after it
//! (`samsung,exynos5`). Each string is `vendor,model`, the vendor being a prefix registered in
//! the Linux kernel's `vendor-prefixes.yaml`. This module only splits and checks the bytes;
//! which vendor is the SoC's is the collector's question (it asks the knowledge base).

/// Strings kept at most. Real trees have one to five; a file with thousands is hostile.
pub const MAX_ENTRIES: usize = 32;

/// Why a `compatible` file could not be read as a list of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    /// No string at all.
    Empty,
    /// A string is empty (two NULs in a row), or holds a byte that is not printable ASCII.
    BadString {
        /// The byte offset of the first problem.
        offset: usize,
    },
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Malformed::Empty => f.write_str("holds no string"),
            Malformed::BadString { offset } => write!(
                f,
                "byte {offset} is not part of a NUL-terminated printable string"
            ),
        }
    }
}

/// One string of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The whole string, `rockchip,rk3588`.
    pub value: String,
    /// Its vendor prefix, `rockchip`; `None` for a string without a comma (`simple-bus`).
    pub vendor: Option<String>,
    /// Its model, `rk3588` (the whole string when there is no vendor).
    pub model: String,
}

/// Splits a `compatible` property into its strings, in file order (at most [`MAX_ENTRIES`]).
///
/// The final NUL is optional (a copy made with a text tool may have lost it); an empty string
/// inside the list or a byte outside printable ASCII makes the file malformed.
pub fn compatible(bytes: &[u8]) -> Result<Vec<Entry>, Malformed> {
    let body = bytes.strip_suffix(&[0]).unwrap_or(bytes);
    if body.is_empty() {
        return Err(Malformed::Empty);
    }
    let mut entries = Vec::new();
    let mut offset = 0;
    for part in body.split(|&b| b == 0) {
        if part.is_empty() {
            return Err(Malformed::BadString { offset });
        }
        if let Some(i) = part.iter().position(|b| !(0x20..0x7f).contains(b)) {
            return Err(Malformed::BadString { offset: offset + i });
        }
        offset += part.len() + 1;
        if entries.len() == MAX_ENTRIES {
            continue;
        }
        // Printable ASCII was checked just above, so this is valid UTF-8.
        let value = String::from_utf8_lossy(part).into_owned();
        let (vendor, model) = match value.split_once(',') {
            Some((v, m)) if !v.is_empty() => (Some(v.to_string()), m.to_string()),
            _ => (None, value.clone()),
        };
        entries.push(Entry {
            value,
            vendor,
            model,
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each string's vendor and model, or why the file is malformed.
    type Split = Result<Vec<(Option<String>, String)>, Malformed>;

    fn values(bytes: &[u8]) -> Split {
        compatible(bytes).map(|e| e.into_iter().map(|e| (e.vendor, e.model)).collect())
    }

    #[test]
    fn splits_and_checks() {
        let s = |v: &str, m: &str| (Some(v.to_string()), m.to_string());
        let table: Vec<(&[u8], Split)> = vec![
            (
                b"radxa,rock-5b\0rockchip,rk3588\0",
                Ok(vec![s("radxa", "rock-5b"), s("rockchip", "rk3588")]),
            ),
            (b"brcm,bcm2712", Ok(vec![s("brcm", "bcm2712")])),
            (b"simple-bus\0", Ok(vec![(None, "simple-bus".to_string())])),
            (b",x\0", Ok(vec![(None, ",x".to_string())])),
            (
                b"nvidia,p3449-0000+p3668-0000\0",
                Ok(vec![s("nvidia", "p3449-0000+p3668-0000")]),
            ),
            (b"", Err(Malformed::Empty)),
            (b"\0", Err(Malformed::Empty)),
            (b"a,b\0\0c,d\0", Err(Malformed::BadString { offset: 4 })),
            (b"\0a,b\0", Err(Malformed::BadString { offset: 0 })),
            (b"a,b\0c\xffd\0", Err(Malformed::BadString { offset: 5 })),
            (b"a,b\nc\0", Err(Malformed::BadString { offset: 3 })),
        ];
        for (input, want) in table {
            assert_eq!(values(input), want, "{input:?}");
        }
    }

    #[test]
    fn keeps_at_most_max_entries() {
        let many = "v,m\0".repeat(MAX_ENTRIES * 3);
        assert_eq!(compatible(many.as_bytes()).unwrap().len(), MAX_ENTRIES);
    }
}
