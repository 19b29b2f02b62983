//! The built-in plugins, embedded as the bytes checked in under `plugins/dist/` (rebuilt and
//! compared byte for byte by `plugins/check-reproducible.sh` in CI). They are ordinary plugins:
//! the host loads them exactly as it loads a file given with `--plugin`.

/// `(name, wasm bytes)` of each built-in plugin. Each is named after the one layer it reads, which
/// lets a run compile only the plugins of the layers its inventory holds.
pub const BUILTIN_PLUGINS: &[(&str, &[u8])] = &[
    ("processor", include_bytes!("../../../plugins/dist/processor.wasm")),
    ("os", include_bytes!("../../../plugins/dist/os.wasm")),
    ("toolchain", include_bytes!("../../../plugins/dist/toolchain.wasm")),
    ("network", include_bytes!("../../../plugins/dist/network.wasm")),
];
