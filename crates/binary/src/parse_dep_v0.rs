//! cargo-auditable's `.dep-v0` section: the zlib-compressed JSON list of the crates a Rust
//! binary was built from (format described in cargo-auditable's PARSING.md). It proves the
//! binary is Rust and names its root package; it does not record the rustc version.

use serde::Deserialize;

/// Most a section may inflate to; real lists are tens of kilobytes.
const MAX_JSON: usize = 8 << 20;

#[derive(Deserialize)]
struct Info {
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    #[serde(default)]
    root: bool,
}

/// The root package (name, version) and how many packages the list holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Auditable {
    pub root: Option<(String, String)>,
    pub packages: usize,
}

pub(crate) fn parse(compressed: &[u8]) -> Result<Auditable, String> {
    let json = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(compressed, MAX_JSON)
        .map_err(|e| format!("cannot inflate .dep-v0: {:?}", e.status))?;
    let info: Info = serde_json::from_slice(&json)
        .map_err(|e| format!(".dep-v0 is not the expected JSON: {e}"))?;
    let root = info
        .packages
        .iter()
        .find(|p| p.root)
        .map(|p| (p.name.clone(), p.version.clone()));
    Ok(Auditable {
        root,
        packages: info.packages.len(),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn section(json: &str) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(json.as_bytes(), 6)
    }

    #[test]
    fn reads_root_package() {
        let s = section(
            r#"{"packages":[{"name":"ripgrep","version":"14.1.0","source":"local","root":true,"dependencies":[1]},
            {"name":"memchr","version":"2.7.1","source":"crates.io"}]}"#,
        );
        assert_eq!(
            parse(&s).unwrap(),
            Auditable {
                root: Some(("ripgrep".into(), "14.1.0".into())),
                packages: 2
            }
        );
    }

    #[test]
    fn rejects_garbage_and_bombs() {
        assert!(parse(b"not zlib").is_err());
        assert!(parse(&section("{}")).is_err());
        // 16 MiB of zeros inflates past the limit.
        let bomb = miniz_oxide::deflate::compress_to_vec_zlib(&vec![0u8; 16 << 20], 9);
        assert!(parse(&bomb).is_err());
    }
}
