//! What a plugin module is, read without running it: its sha256 and size, its manifest (the
//! `sovstack_manifest` custom section, `sovstack_abi::Manifest`), imports, exports and sections.
//! `sovstack plugin inspect` shows it. The bytes may come from anyone: they are only parsed
//! (wasmparser, wasmtime's own parser), never compiled or run, and every problem is an
//! [`InspectError`] or a field of the [`Inspection`], never a panic.

use sha2::{Digest, Sha256};
use sovstack_abi::{Manifest, MANIFEST_SECTION};
use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

/// A module, described.
#[derive(Debug, Clone, PartialEq)]
pub struct Inspection {
    /// SHA-256 of the bytes, in hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: usize,
    /// The manifest: `None` when the module has no `sovstack_manifest` section, `Some(Err)` when
    /// it has one that is not a manifest (the reason, with line and column for JSON).
    pub manifest: Option<Result<Manifest, String>>,
    /// Everything the module imports: a plugin must import nothing.
    pub imports: Vec<Import>,
    /// Its exports, in module order: (name, kind: `function`, `memory`, `table`, `global`, `tag`).
    pub exports: Vec<(String, &'static str)>,
    /// Its sections in file order: (name, size in bytes). Standard sections by their names
    /// (`type`, `code`, ...), custom ones as `custom:NAME`.
    pub sections: Vec<(String, usize)>,
}

/// One import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The module it is imported from (`wasi_snapshot_preview1`).
    pub module: String,
    /// Its name (`fd_write`).
    pub name: String,
    /// Its kind (`function`, `memory`, ...).
    pub kind: &'static str,
}

/// The bytes are not a WebAssembly module that can be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a readable WebAssembly module: {0}")]
pub struct InspectError(pub String);

/// Describes `wasm` without compiling or running it.
pub fn inspect(wasm: &[u8]) -> Result<Inspection, InspectError> {
    let mut out = Inspection {
        sha256: hex::encode(Sha256::digest(wasm)),
        size: wasm.len(),
        manifest: None,
        imports: Vec::new(),
        exports: Vec::new(),
        sections: Vec::new(),
    };
    if !wasm.starts_with(b"\0asm") {
        return Err(InspectError(
            "it does not start with the bytes 00 61 73 6d (\"\\0asm\")".into(),
        ));
    }
    let fail = |e: wasmparser::BinaryReaderError| InspectError(e.to_string());
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(fail)?;
        let mut section = |name: &str, range: std::ops::Range<usize>| {
            out.sections.push((name.to_string(), range.len()));
        };
        match payload {
            Payload::Version { encoding, .. } if encoding != wasmparser::Encoding::Module => {
                return Err(InspectError(
                    "it is a component, not a core module (plugins are core modules)".into(),
                ));
            }
            Payload::TypeSection(r) => section("type", r.range()),
            Payload::ImportSection(r) => {
                section("import", r.range());
                for import in r.into_imports() {
                    let import = import.map_err(fail)?;
                    out.imports.push(Import {
                        module: import.module.to_string(),
                        name: import.name.to_string(),
                        kind: match import.ty {
                            TypeRef::Func(_) | TypeRef::FuncExact(_) => "function",
                            TypeRef::Table(_) => "table",
                            TypeRef::Memory(_) => "memory",
                            TypeRef::Global(_) => "global",
                            TypeRef::Tag(_) => "tag",
                        },
                    });
                }
            }
            Payload::FunctionSection(r) => section("function", r.range()),
            Payload::TableSection(r) => section("table", r.range()),
            Payload::MemorySection(r) => section("memory", r.range()),
            Payload::TagSection(r) => section("tag", r.range()),
            Payload::GlobalSection(r) => section("global", r.range()),
            Payload::ExportSection(r) => {
                section("export", r.range());
                for export in r {
                    let export = export.map_err(fail)?;
                    out.exports
                        .push((export.name.to_string(), kind_name(export.kind)));
                }
            }
            Payload::StartSection { range, .. } => section("start", range),
            Payload::ElementSection(r) => section("element", r.range()),
            Payload::DataCountSection { range, .. } => section("data_count", range),
            Payload::DataSection(r) => section("data", r.range()),
            Payload::CodeSectionStart { range, .. } => section("code", range),
            Payload::CustomSection(r) => {
                section(&format!("custom:{}", r.name()), r.range());
                if r.name() == MANIFEST_SECTION {
                    if out.manifest.is_some() {
                        out.manifest = Some(Err(format!(
                            "the module has more than one `{MANIFEST_SECTION}` section"
                        )));
                    } else {
                        out.manifest = Some(
                            serde_json::from_slice::<Manifest>(r.data())
                                .map_err(|e| format!("not a manifest in JSON: {e}")),
                        );
                    }
                }
            }
            Payload::UnknownSection { id, range, .. } => section(&format!("unknown:{id}"), range),
            // Function bodies are within the code section already counted; the rest are parts of
            // components, refused above, or the end.
            _ => {}
        }
    }
    Ok(out)
}

fn kind_name(kind: ExternalKind) -> &'static str {
    match kind {
        ExternalKind::Func | ExternalKind::FuncExact => "function",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wat(src: &str) -> Vec<u8> {
        wat::parse_str(src).unwrap()
    }

    #[test]
    fn a_module_is_described() {
        let json = r#"{"name":"d","version":"1","abi_version":1,"layers":["os"],"authors":[],"license":"MIT","source":"","description":""}"#;
        let mut wasm = wat(r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
            (memory (export "memory") 1)
            (func (export "f")))"#);
        // A custom section: id 0, size, name, contents.
        let mut body = vec![MANIFEST_SECTION.len() as u8];
        body.extend_from_slice(MANIFEST_SECTION.as_bytes());
        body.extend_from_slice(json.as_bytes());
        wasm.push(0);
        wasm.push(body.len() as u8 | 0x80);
        wasm.push((body.len() >> 7) as u8);
        wasm.extend_from_slice(&body);

        let i = inspect(&wasm).unwrap();
        assert_eq!(i.size, wasm.len());
        assert_eq!(i.sha256, hex::encode(Sha256::digest(&wasm)));
        assert_eq!(
            i.imports,
            [Import {
                module: "wasi_snapshot_preview1".into(),
                name: "fd_write".into(),
                kind: "function"
            }]
        );
        assert_eq!(
            i.exports,
            [("memory".to_string(), "memory"), ("f".into(), "function")]
        );
        let names: Vec<&str> = i.sections.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "type",
                "import",
                "function",
                "memory",
                "export",
                "code",
                "custom:sovstack_manifest"
            ]
        );
        assert_eq!(i.sections[6].1, body.len());
        let m = i.manifest.unwrap().unwrap();
        assert_eq!((m.name.as_str(), m.license.as_str()), ("d", "MIT"));
    }

    #[test]
    fn no_manifest_and_a_bad_one_are_told_apart() {
        let plain = wat("(module)");
        assert_eq!(inspect(&plain).unwrap().manifest, None);
        let mut bad = plain.clone();
        let mut body = vec![MANIFEST_SECTION.len() as u8];
        body.extend_from_slice(MANIFEST_SECTION.as_bytes());
        body.extend_from_slice(br#"{"name":"x"}"#);
        bad.push(0);
        bad.push(body.len() as u8);
        bad.extend_from_slice(&body);
        let err = inspect(&bad).unwrap().manifest.unwrap().unwrap_err();
        assert!(err.contains("missing field `version`"), "{err}");
    }

    #[test]
    fn what_is_not_a_module_is_an_error() {
        for bad in [
            &b""[..],
            b"PK\x03\x04",
            b"\0asm\x01\0\0\0\x01\xff",
            b"\0asm\x02\0\0\0",
        ] {
            assert!(inspect(bad).is_err(), "{bad:?}");
        }
        // A component (layer 1), which a plugin is not.
        assert!(inspect(b"\0asm\x0d\0\x01\0").is_err());
    }
}
