//! Go build information: the blob the Go linker writes into `.go.buildinfo` (ELF),
//! `__DATA,__go_buildinfo` (Mach-O) or `.data` (PE), which `go version -m` reads.
//!
//! Layout (Go `src/debug/buildinfo/buildinfo.go`): a 32-byte header starting with the 14-byte
//! magic `\xff Go buildinf:`, then the pointer size and a flags byte. With flag 0x2 (Go ≥ 1.18)
//! the Go version and the module information follow inline as uvarint-length-prefixed strings;
//! the module information is framed by two 16-byte sentinels. Older binaries store pointers
//! into the data segment instead; for those this module reports Go without a version rather than
//! chase addresses.

/// The magic at the start of the build-info header.
pub(crate) const MAGIC: &[u8] = b"\xff Go buildinf:";
const HEADER: usize = 32;
/// Longest strings accepted: versions are short, module lists can be long.
const MAX_VERSION: u64 = 128;
const MAX_MODINFO: u64 = 4 << 20;

/// What the header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GoBuildInfo {
    /// `go1.22.2`, `devel go1.23-abc`; `None` for the pre-1.18 pointer layout.
    pub version: Option<String>,
    /// The main package path (`path` line).
    pub path: Option<String>,
    /// The main module path and version (`mod` line).
    pub module: Option<(String, String)>,
}

/// Where the magic starts in `data`, looking only at 16-byte-aligned offsets as Go does.
pub(crate) fn find(data: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(data, MAGIC).find(|&i| i % 16 == 0)
}

fn uvarint(data: &[u8]) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    for (i, &b) in data.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b < 0x80 {
            return Some((v, i + 1));
        }
    }
    None
}

fn string(data: &[u8], max: u64) -> Result<(&[u8], &[u8]), &'static str> {
    let (len, n) = uvarint(data).ok_or("bad string length")?;
    if len > max {
        return Err("string longer than expected");
    }
    let rest = &data[n..];
    let len = len as usize;
    if rest.len() < len {
        return Err("string runs past the section");
    }
    Ok((&rest[..len], &rest[len..]))
}

/// Parses the build info at the start of `data` (which begins with [`MAGIC`]).
pub(crate) fn parse(data: &[u8]) -> Result<GoBuildInfo, &'static str> {
    if data.len() < HEADER || !data.starts_with(MAGIC) {
        return Err("build-info header shorter than 32 bytes");
    }
    let flags = data[15];
    if flags & 2 == 0 {
        return Ok(GoBuildInfo {
            version: None,
            path: None,
            module: None,
        });
    }
    let (version, rest) = string(&data[HEADER..], MAX_VERSION)?;
    let (modinfo, _) = string(rest, MAX_MODINFO)?;
    let version = std::str::from_utf8(version).map_err(|_| "version is not UTF-8")?;
    if !(version.starts_with("go") || version.starts_with("devel"))
        || version.chars().any(char::is_control)
    {
        return Err("version does not look like a Go version");
    }
    // Strip the sentinels as Go does: only when the framing is there.
    let modinfo = if modinfo.len() >= 33 && modinfo[modinfo.len() - 17] == b'\n' {
        String::from_utf8_lossy(&modinfo[16..modinfo.len() - 16]).into_owned()
    } else {
        String::new()
    };
    Ok(GoBuildInfo {
        version: Some(version.to_string()),
        ..module_lines(&modinfo)
    })
}

/// The `path` and `mod` lines of module information text (without its sentinels).
pub(crate) fn module_lines(modinfo: &str) -> GoBuildInfo {
    let mut info = GoBuildInfo {
        version: None,
        path: None,
        module: None,
    };
    for line in modinfo.lines() {
        let mut f = line.split('\t');
        match (f.next(), f.next(), f.next()) {
            (Some("path"), Some(p), _) => info.path = Some(p.to_string()),
            (Some("mod"), Some(m), v) => {
                info.module = Some((m.to_string(), v.unwrap_or_default().to_string()))
            }
            _ => {}
        }
    }
    info
}

impl GoBuildInfo {
    /// A one-line summary for [`crate::Detection::detail`].
    pub fn detail(&self) -> Option<String> {
        match (&self.module, &self.path) {
            (Some((m, v)), Some(p)) => Some(format!("module {m} {v}, main package {p}")),
            (Some((m, v)), None) => Some(format!("module {m} {v}")),
            (None, Some(p)) => Some(format!("main package {p}")),
            (None, None) => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A Go ≥ 1.18 build-info blob as the Go linker lays it out.
    pub(crate) fn blob(version: &str, modinfo: &str) -> Vec<u8> {
        let mut b = MAGIC.to_vec();
        b.push(8); // pointer size
        b.push(2); // flagsVersionInl
        b.resize(HEADER, 0);
        b.push(version.len() as u8);
        b.extend_from_slice(version.as_bytes());
        let framed = format!("0123456789abcdef{modinfo}\n0123456789abcdef");
        let mut n = framed.len();
        while n >= 0x80 {
            b.push((n as u8) | 0x80);
            n >>= 7;
        }
        b.push(n as u8);
        b.extend_from_slice(framed.as_bytes());
        b
    }

    #[test]
    fn parses_inline_layout() {
        let b = blob("go1.22.2", "path\tgithub.com/evanw/esbuild/cmd/esbuild\nmod\tgithub.com/evanw/esbuild\t(devel)\t\nbuild\t-compiler=gc");
        let i = parse(&b).unwrap();
        assert_eq!(i.version.as_deref(), Some("go1.22.2"));
        assert_eq!(
            i.path.as_deref(),
            Some("github.com/evanw/esbuild/cmd/esbuild")
        );
        assert_eq!(
            i.module,
            Some(("github.com/evanw/esbuild".into(), "(devel)".into()))
        );
    }

    #[test]
    fn rejects_broken_blobs() {
        let b = blob("go1.22.2", "");
        assert!(parse(&b[..20]).is_err());
        assert!(parse(&b[..35]).is_err(), "version runs past the end");
        let mut bad = b.clone();
        bad[HEADER] = 0xff; // unterminated varint start
        assert!(parse(&bad).is_err());
        let not_go = blob("python3", "");
        assert!(parse(&not_go).is_err());
        let mut old = b.clone();
        old[15] = 0;
        assert_eq!(parse(&old).unwrap().version, None);
    }

    #[test]
    fn find_is_aligned() {
        let mut d = vec![0u8; 40];
        d[3..3 + MAGIC.len()].copy_from_slice(MAGIC);
        assert_eq!(find(&d), None);
        d[16..16 + MAGIC.len()].copy_from_slice(MAGIC);
        assert_eq!(find(&d), Some(16));
    }
}
