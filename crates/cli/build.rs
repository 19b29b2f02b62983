//! Derives the table of built-in plugins from the layer definition (`sovstack_abi::Layer`): one
//! plugin per layer, `plugins/dist/ID.wasm`, embedded with `include_bytes!`. A new layer without
//! its built plugin fails the build here, naming the file.

use sovstack_abi::Layer;
use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut table = String::from("&[\n");
    for layer in Layer::ALL {
        let wasm = root
            .join("plugins/dist")
            .join(format!("{}.wasm", layer.id()));
        if !wasm.is_file() {
            panic!(
                "the built-in plugin of layer `{}` is missing: {} (build it with plugins/build.sh)",
                layer.id(),
                wasm.display()
            );
        }
        println!("cargo:rerun-if-changed={}", wasm.display());
        writeln!(
            table,
            "    (Layer::{layer:?}, include_bytes!({:?}) as &[u8]),",
            wasm.display().to_string()
        )
        .unwrap();
    }
    table.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_plugins.rs");
    std::fs::write(out, table).unwrap();
    println!("cargo:rerun-if-changed=crates/cli/build.rs");
}
