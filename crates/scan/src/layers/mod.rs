//! One module per layer, named by the layer id (`processor`, `os`, `toolchain`, `network`). Each
//! holds its collector and its options in `mod.rs`, and one `parse_<input>.rs` per input format.
//!
//! This module is the registry: every layer's options ([`LayerOptions`], which the CLI flattens
//! into its flags), the collector each layer gets from them ([`collector`]) and its diagnostic
//! codes ([`codes`]). The matches on
//! [`Layer`] are exhaustive, so a new layer is a compile error here until it has its collector.

pub mod cable;
pub mod devices;
pub mod materials;
pub mod network;
pub mod os;
pub mod processor;
pub mod software;
pub mod suppliers;
pub mod toolchain;

use crate::collector::Collector;
use crate::error::ScanError;
use sovstack_inventory::Layer;
use sovstack_kb::Kb;

/// The options of every layer that has some, each a clap argument group of its own (`--help`
/// shows one heading per layer).
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct LayerOptions {
    /// The `network` layer's options.
    #[command(flatten)]
    pub network: network::NetworkOptions,
    /// The `toolchain` layer's options.
    #[command(flatten)]
    pub toolchain: toolchain::ToolchainOptions,
    /// The `cable` layer's options.
    #[command(flatten)]
    pub cable: cable::CableOptions,
    /// The `suppliers` layer's options.
    #[command(flatten)]
    pub suppliers: suppliers::SuppliersOptions,
    /// The `software` layer's options.
    #[command(flatten)]
    pub software: software::SoftwareOptions,
}

impl LayerOptions {
    /// Whether the options given ask for `layer` when no layer is named (`--endpoints` asks for
    /// the network layer, `--paths` for the toolchain layer). The layers scanned by default
    /// ([`Layer::scanned_by_default`]) are scanned whatever the options.
    pub fn ask_for(&self, layer: Layer) -> bool {
        match layer {
            Layer::Processor | Layer::Os | Layer::Devices | Layer::Materials => false,
            Layer::Toolchain => self.toolchain.ask_for_layer(),
            Layer::Network => self.network.ask_for_layer() || self.suppliers.ask_for_layer(),
            Layer::Cable => self.cable.ask_for_layer(self.network.ask_for_layer()),
            Layer::Suppliers => self.suppliers.ask_for_layer(),
            Layer::Software => self.software.ask_for_layer(),
        }
    }

    /// The flags that make [`LayerOptions::ask_for`] ask for `layer`, for messages.
    pub fn asking_flags(layer: Layer) -> &'static str {
        match layer {
            Layer::Processor | Layer::Os | Layer::Devices | Layer::Materials => "",
            Layer::Toolchain => "--paths",
            Layer::Network => "--endpoints, --domain or --declared",
            Layer::Cable => "--to (or --org-country with --endpoints or --domain)",
            Layer::Suppliers => "--declared",
            Layer::Software => "--sbom",
        }
    }
}

/// The collector of `layer`, built from its options. Input errors (a malformed endpoints file, a
/// missing data directory) surface here, before any collector runs. The network layer also
/// resolves the endpoints of the declared suppliers (`--declared`), which the suppliers layer
/// then reads; `kb` checks the declared file's countries.
pub(crate) fn collector(
    layer: Layer,
    options: &LayerOptions,
    kb: &Kb,
) -> Result<Box<dyn Collector>, ScanError> {
    Ok(match layer {
        Layer::Processor => Box::new(processor::ProcessorCollector),
        Layer::Os => Box::new(os::OsCollector),
        Layer::Toolchain => Box::new(toolchain::ToolchainCollector::new(&options.toolchain)),
        Layer::Network => {
            let declared = match options.suppliers.ask_for_layer() {
                true => Some(options.suppliers.read(kb)?.endpoint_specs()),
                false => None,
            };
            Box::new(network::NetworkCollector::new(&options.network, declared)?)
        }
        Layer::Cable => Box::new(cable::CableCollector::new(
            &options.cable,
            options.network.ask_for_layer(),
        )?),
        Layer::Suppliers => Box::new(suppliers::SuppliersCollector::new(&options.suppliers, kb)?),
        Layer::Devices => Box::new(devices::DevicesCollector),
        Layer::Software => Box::new(software::SoftwareCollector::new(&options.software)),
        Layer::Materials => Box::new(materials::MaterialsCollector),
    })
}

/// The diagnostic codes `layer`'s collector may emit besides the root's ([`crate::codes`]), and
/// the file that declares them.
pub(crate) fn codes(layer: Layer) -> (&'static str, &'static [(&'static str, &'static str)]) {
    match layer {
        Layer::Processor => (
            "crates/scan/src/layers/processor/mod.rs",
            processor::codes::ALL,
        ),
        Layer::Os => ("crates/scan/src/layers/os/mod.rs", os::codes::ALL),
        Layer::Toolchain => ("crates/binary/src/lib.rs", sovstack_binary::codes::ALL),
        Layer::Network => ("crates/scan/src/layers/network/mod.rs", network::codes::ALL),
        Layer::Cable => ("crates/scan/src/layers/cable/mod.rs", cable::codes::ALL),
        Layer::Suppliers => (
            "crates/scan/src/layers/suppliers/mod.rs",
            suppliers::codes::ALL,
        ),
        Layer::Devices => ("crates/scan/src/layers/devices/mod.rs", devices::codes::ALL),
        Layer::Software => (
            "crates/scan/src/layers/software/mod.rs",
            software::codes::ALL,
        ),
        Layer::Materials => (
            "crates/scan/src/layers/materials/mod.rs",
            materials::codes::ALL,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{fixture_dir, kb};

    #[test]
    fn every_layer_has_its_collector_and_it_fills_its_section() {
        let options = LayerOptions {
            network: network::NetworkOptions {
                offline: true,
                domains: vec!["example.org".into()],
                data_dir: Some(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data")),
                ..Default::default()
            },
            toolchain: toolchain::ToolchainOptions {
                paths: vec!["/etc".into()],
                ..Default::default()
            },
            cable: cable::CableOptions {
                org_country: Some("FR".into()),
                to: vec!["US".into()],
                data_dir: Some(
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/cables"),
                ),
                ..Default::default()
            },
            suppliers: suppliers::SuppliersOptions {
                declared: Some(
                    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("testdata/declared/suppliers.yaml"),
                ),
            },
            software: software::SoftwareOptions {
                sboms: vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../tests/fixtures/sbom/python-venv.cdx.json")],
            },
        };
        let dir = std::fs::canonicalize(fixture_dir("x86-amd-epyc-debian12")).unwrap();
        let root = crate::Root::new(dir.clone());
        let cx = crate::Context {
            root: &root,
            kb: kb(),
            live: None,
            progress: &|_| {},
        };
        for layer in Layer::ALL {
            let c = collector(layer, &options, kb()).unwrap_or_else(|e| panic!("{layer}: {e}"));
            let inv = crate::scan_root(&dir, &cx, &[c.as_ref()]);
            assert_eq!(inv.layers.present(), [layer]);
        }
    }
}
