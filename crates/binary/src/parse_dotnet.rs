//! .NET (ECMA-335) assemblies: a PE whose CLI header (data directory 14) points to a metadata
//! root, signature `BSJB`, that names the runtime version the assembly targets (`v4.0.30319`).
//! ECMA-335 Partition II 25.3.3 (CLI header) and 24.2.1 (metadata root).

/// The metadata root's signature, `BSJB`.
const BSJB: u32 = 0x424A_5342;

/// The CLI header's metadata directory: (RVA, size).
pub(crate) fn metadata_dir(cli_header: &[u8]) -> Option<(u32, u32)> {
    let d = |at: usize| {
        cli_header
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default()))
    };
    Some((d(8)?, d(12)?))
}

/// The runtime version string of a metadata root, or why it is not one.
pub(crate) fn runtime_version(root: &[u8]) -> Result<String, &'static str> {
    let d = |at: usize| {
        root.get(at..at + 4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default()))
    };
    if d(0) != Some(BSJB) {
        return Err("metadata root lacks the BSJB signature");
    }
    let len = d(12).ok_or("metadata root truncated")? as usize;
    // ECMA-335 caps the length at 255 bytes.
    if len > 256 {
        return Err("metadata version string too long");
    }
    let s = root
        .get(16..16 + len)
        .ok_or("metadata version string truncated")?;
    let s = s.split(|&b| b == 0).next().unwrap_or_default();
    let s = std::str::from_utf8(s).map_err(|_| "metadata version is not UTF-8")?;
    if s.is_empty() || s.chars().any(char::is_control) {
        return Err("metadata version string empty or not text");
    }
    Ok(s.to_string())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn root(version: &str) -> Vec<u8> {
        let mut b = BSJB.to_le_bytes().to_vec();
        b.extend([1, 0, 1, 0, 0, 0, 0, 0]);
        let padded = (version.len() + 1).div_ceil(4) * 4;
        b.extend((padded as u32).to_le_bytes());
        b.extend(version.as_bytes());
        b.resize(16 + padded, 0);
        b
    }

    #[test]
    fn reads_version() {
        assert_eq!(runtime_version(&root("v4.0.30319")).unwrap(), "v4.0.30319");
        assert!(runtime_version(b"BSJA").is_err());
        let r = root("v4.0.30319");
        assert!(runtime_version(&r[..20]).is_err());
        let mut long = r.clone();
        long[12..16].copy_from_slice(&1000u32.to_le_bytes());
        assert!(runtime_version(&long).is_err());
    }

    #[test]
    fn cli_header_directory() {
        let mut h = vec![0u8; 72];
        h[8..12].copy_from_slice(&0x2050u32.to_le_bytes());
        h[12..16].copy_from_slice(&0x600u32.to_le_bytes());
        assert_eq!(metadata_dir(&h), Some((0x2050, 0x600)));
        assert_eq!(metadata_dir(&h[..10]), None);
    }
}
