//! The plugin's manifest, rendered as JSON at compile time into the `sovstack_manifest` custom
//! section ([`crate::manifest!`]), so that `sovstack plugin inspect` can describe a module without
//! running it. The format is `sovstack_abi::Manifest`; a test renders one here and parses it with
//! that type, so the two cannot drift apart.
//!
//! Everything is a `const fn` (rustc 1.63 accepts loops, `if` and moves in one; not `&mut`): a
//! first pass measures the JSON ([`render`] into a zero-length buffer), a second writes it into
//! an array of exactly that length, which becomes the section's bytes.

use crate::abi::{Layer, ABI_VERSION};

/// What the manifest says; the macro fills it from the plugin and its crate's Cargo metadata.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The plugin's name.
    pub name: &'static str,
    /// Its version.
    pub version: &'static str,
    /// The layers it evaluates.
    pub layers: &'static [Layer],
    /// Cargo's `CARGO_PKG_AUTHORS`: authors separated by `:`, or empty.
    pub authors: &'static str,
    /// Cargo's `CARGO_PKG_LICENSE`.
    pub license: &'static str,
    /// Cargo's `CARGO_PKG_REPOSITORY`.
    pub source: &'static str,
    /// One sentence.
    pub description: &'static str,
}

/// A buffer of `N` bytes and how many bytes were written (which may exceed `N`: the bytes past it
/// are counted, not stored, so that a first pass can measure).
#[derive(Clone, Copy)]
struct Out<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Out<N> {
    const fn byte(mut self, b: u8) -> Self {
        if self.len < N {
            self.buf[self.len] = b;
        }
        self.len += 1;
        self
    }

    const fn raw(mut self, s: &str) -> Self {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            self = self.byte(bytes[i]);
            i += 1;
        }
        self
    }

    /// `s` as a JSON string: quotes, `"` and `\` escaped, control characters as `\u00XX`; other
    /// UTF-8 is copied (JSON text is UTF-8).
    const fn string(mut self, s: &str) -> Self {
        self = self.byte(b'"');
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'"' || b == b'\\' {
                self = self.byte(b'\\').byte(b);
            } else if b < 0x20 {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self = self
                    .raw("\\u00")
                    .byte(HEX[(b >> 4) as usize])
                    .byte(HEX[(b & 15) as usize]);
            } else {
                self = self.byte(b);
            }
            i += 1;
        }
        self.byte(b'"')
    }

    /// A number in decimal.
    const fn number(mut self, n: u32) -> Self {
        let mut digits = [0u8; 10];
        let mut count = 0;
        let mut rest = n;
        loop {
            digits[count] = b'0' + (rest % 10) as u8;
            count += 1;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        while count > 0 {
            count -= 1;
            self = self.byte(digits[count]);
        }
        self
    }

    /// `"key":`, after a comma unless it is the first key.
    const fn key(self, key: &str, first: bool) -> Self {
        let out = if first { self } else { self.byte(b',') };
        out.string(key).byte(b':')
    }
}

/// The manifest as JSON in `N` bytes, and its length: call with `N = 0` to measure, then with the
/// length to write.
pub const fn render<const N: usize>(f: &Fields) -> ([u8; N], usize) {
    let mut out = Out::<N> {
        buf: [0; N],
        len: 0,
    };
    out = out.byte(b'{').key("name", true).string(f.name);
    out = out.key("version", false).string(f.version);
    out = out.key("abi_version", false).number(ABI_VERSION);
    out = out.key("layers", false).byte(b'[');
    let mut i = 0;
    while i < f.layers.len() {
        if i > 0 {
            out = out.byte(b',');
        }
        out = out.string(f.layers[i].id());
        i += 1;
    }
    out = out.byte(b']').key("authors", false).byte(b'[');
    // Cargo joins the `authors` list with `:`.
    let authors = f.authors.as_bytes();
    let mut start = 0;
    let mut j = 0;
    let mut first = true;
    while j <= authors.len() {
        if j == authors.len() || authors[j] == b':' {
            if j > start {
                if !first {
                    out = out.byte(b',');
                }
                first = false;
                out = out.byte(b'"');
                let mut k = start;
                while k < j {
                    // One author's bytes, escaped as `string` does.
                    let b = authors[k];
                    if b == b'"' || b == b'\\' {
                        out = out.byte(b'\\').byte(b);
                    } else if b >= 0x20 {
                        out = out.byte(b);
                    }
                    k += 1;
                }
                out = out.byte(b'"');
            }
            start = j + 1;
        }
        j += 1;
    }
    out = out.byte(b']');
    out = out.key("license", false).string(f.license);
    out = out.key("source", false).string(f.source);
    out = out.key("description", false).string(f.description);
    out = out.byte(b'}');
    (out.buf, out.len)
}

/// Writes the `sovstack_manifest` custom section of a plugin module: the plugin's `name`,
/// `layers` (`&[Layer]`) and `description` as given, its version, authors, licence and source URL
/// from the calling crate's Cargo metadata (`version`, `authors`, `license`, `repository`), and
/// the ABI version. [`crate::export_sdk_plugin!`] calls it; a plugin that writes its own exports
/// with [`crate::export_plugin!`] calls it once at its crate root.
///
/// Also defines `__SOVSTACK_MANIFEST_JSON: &[u8]`, the same bytes on every target, for tests.
#[macro_export]
macro_rules! manifest {
    (name: $name:expr, layers: $layers:expr, description: $description:expr $(,)?) => {
        /// The manifest's fields, from the plugin and its crate's Cargo metadata.
        const __SOVSTACK_MANIFEST_FIELDS: $crate::manifest::Fields = $crate::manifest::Fields {
            name: $name,
            version: env!("CARGO_PKG_VERSION"),
            layers: $layers,
            authors: env!("CARGO_PKG_AUTHORS"),
            license: env!("CARGO_PKG_LICENSE"),
            source: env!("CARGO_PKG_REPOSITORY"),
            description: $description,
        };
        const __SOVSTACK_MANIFEST_LEN: usize =
            $crate::manifest::render::<0>(&__SOVSTACK_MANIFEST_FIELDS).1;
        /// The manifest's JSON, in the module's `sovstack_manifest` custom section on wasm32.
        #[cfg_attr(target_arch = "wasm32", link_section = "sovstack_manifest")]
        #[used]
        static __SOVSTACK_MANIFEST: [u8; __SOVSTACK_MANIFEST_LEN] =
            $crate::manifest::render::<__SOVSTACK_MANIFEST_LEN>(&__SOVSTACK_MANIFEST_FIELDS).0;
        /// The manifest's JSON (what the custom section holds).
        #[doc(hidden)]
        pub const __SOVSTACK_MANIFEST_JSON: &[u8] =
            &$crate::manifest::render::<__SOVSTACK_MANIFEST_LEN>(&__SOVSTACK_MANIFEST_FIELDS).0;
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::Manifest;

    fn json(f: &Fields) -> Vec<u8> {
        // The two passes, at run time here.
        let len = render::<0>(f).1;
        let (buf, written) = render::<4096>(f);
        assert_eq!(len, written);
        buf[..len].to_vec()
    }

    #[test]
    fn the_json_is_an_abi_manifest() {
        let f = Fields {
            name: "demo",
            version: "1.2.3",
            layers: &[Layer::Processor, Layer::Os],
            authors: "Ada <ada@example.org>:Bob \"the builder\"",
            license: "Apache-2.0 OR MIT",
            source: "https://example.org/demo",
            description: "Tabs\tand \\ back\nslashes, é",
        };
        let m: Manifest = serde_json::from_slice(&json(&f)).unwrap();
        assert_eq!(
            m,
            Manifest {
                name: "demo".into(),
                version: "1.2.3".into(),
                abi_version: ABI_VERSION,
                layers: vec!["processor".into(), "os".into()],
                authors: vec!["Ada <ada@example.org>".into(), "Bob \"the builder\"".into()],
                license: "Apache-2.0 OR MIT".into(),
                source: "https://example.org/demo".into(),
                description: "Tabs\tand \\ back\nslashes, é".into(),
            }
        );
    }

    #[test]
    fn empty_metadata_is_empty_not_invented() {
        let f = Fields {
            name: "x",
            version: "0.0.0",
            layers: &[],
            authors: "",
            license: "",
            source: "",
            description: "",
        };
        let m: Manifest = serde_json::from_slice(&json(&f)).unwrap();
        assert!(m.authors.is_empty() && m.layers.is_empty());
        assert_eq!((m.license.as_str(), m.source.as_str()), ("", ""));
    }

    #[test]
    fn numbers_are_decimal() {
        for n in [0u32, 7, 10, 1234567890, u32::MAX] {
            let out = Out::<16> {
                buf: [0; 16],
                len: 0,
            }
            .number(n);
            assert_eq!(&out.buf[..out.len], n.to_string().as_bytes());
        }
    }

    // The macro, expanded in this crate: its constant is the JSON of this crate's metadata.
    crate::manifest!(
        name: "sdk-test",
        layers: &[Layer::Cable],
        description: "The SDK's own test."
    );

    #[test]
    fn the_macro_renders_the_crates_metadata() {
        assert_eq!(__SOVSTACK_MANIFEST.as_slice(), __SOVSTACK_MANIFEST_JSON);
        let m: Manifest = serde_json::from_slice(__SOVSTACK_MANIFEST_JSON).unwrap();
        assert_eq!(m.name, "sdk-test");
        assert_eq!(m.version, env!("CARGO_PKG_VERSION"));
        assert_eq!(m.license, env!("CARGO_PKG_LICENSE"));
        assert_eq!(m.source, env!("CARGO_PKG_REPOSITORY"));
        assert_eq!(m.layers, ["cable"]);
    }
}
