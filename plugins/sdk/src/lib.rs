//! The guest side of sovstack's plugin ABI: what a WebAssembly plugin needs besides its own name.
//!
//! This crate owns two things. [`glue`] turns the raw exports the host calls (`sovstack_alloc`,
//! `sovstack_info`, `sovstack_evaluate`, ...) into plain Rust calls, moving JSON in and out of
//! linear memory; the [`export_plugin!`] macro writes those exports for a plugin crate. [`judge`]
//! implements the criteria and scoring methods exactly as `sovstack-abi`'s documentation specifies,
//! so every built-in plugin judges the same way. It leaves the wire types to `sovstack-abi`, and
//! running modules (fuel, memory limits, traps) to `sovstack-host`.
//!
//! Everything here is compiled by Debian's rustc 1.63 for `wasm32-unknown-unknown` (see
//! DEVELOPERS.md): serde and serde_json only, no I/O, nothing newer than that toolchain accepts.
//!
//! A plugin is a few lines:
//!
//! ```
//! use sovstack_plugin_sdk::{abi::Layer, Plugin};
//!
//! const PLUGIN: Plugin = Plugin {
//!     name: "processor",
//!     version: "0.1.0",
//!     description: "Judges who designs and builds the processors.",
//!     layer: Layer::Processor,
//!     criteria: &["jurisdiction", "openness", "known_attribution", "concentration"],
//! };
//!
//! // Defines `info()` and `evaluate()`, judged by the SDK, and exports them.
//! sovstack_plugin_sdk::export_sdk_plugin!(PLUGIN);
//!
//! assert_eq!(info().layers, ["processor"]);
//! ```

#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod glue;
pub mod judge;
pub mod manifest;

/// The wire types, re-exported so that plugin crates depend on the SDK alone.
pub use sovstack_abi as abi;

use abi::{EvaluateRequest, EvaluateResponse, PluginInfo, ABI_VERSION};

/// What a plugin built on the SDK is: its identity and what it knows how to judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plugin {
    /// Short name (`processor`).
    pub name: &'static str,
    /// The plugin's own version, usually `env!("CARGO_PKG_VERSION")`.
    pub version: &'static str,
    /// One sentence for `sovstack plugin list`.
    pub description: &'static str,
    /// The layer the plugin evaluates. The roles it judges are the layer's
    /// ([`abi::Layer::roles`]); a rule naming any other role is refused.
    pub layer: abi::Layer,
    /// Criteria the plugin judges, by their snake_case names ([`judge::CRITERIA`] lists those the
    /// SDK implements); a rule with any other criterion is refused.
    pub criteria: &'static [&'static str],
}

impl Plugin {
    /// The [`PluginInfo`] the plugin answers `sovstack_info` with.
    pub fn info(&self) -> PluginInfo {
        PluginInfo {
            name: self.name.to_string(),
            version: self.version.to_string(),
            abi_version: ABI_VERSION,
            layers: vec![self.layer.id().to_string()],
            criteria: self.criteria.iter().map(|s| s.to_string()).collect(),
            description: self.description.to_string(),
        }
    }

    /// Judges a request with [`judge::evaluate`]. An `Err` names what the plugin cannot do (an
    /// unsupported criterion, an unknown role, ...) and becomes [`EvaluateResponse::error`].
    pub fn evaluate(&self, request: &EvaluateRequest) -> Result<EvaluateResponse, String> {
        judge::evaluate(self, request)
    }
}

/// Writes a plugin's exports: `sovstack_abi_version`, `sovstack_alloc`, `sovstack_info` and
/// `sovstack_evaluate`.
///
/// `export_plugin!(info, evaluate)` takes a `fn() -> PluginInfo` and a
/// `fn(&EvaluateRequest) -> Result<EvaluateResponse, String>`. Use it once, at the root of a
/// `cdylib` crate. The exports exist only on `wasm32` (pointers are 32 bits there); on the host the
/// macro still refers to both functions, so native unit tests build without dead-code warnings.
#[macro_export]
macro_rules! export_plugin {
    ($info:path, $evaluate:path) => {
        /// The plugin's two entry points, as [`export_plugin!`] received them.
        #[doc(hidden)]
        pub const __SOVSTACK_PLUGIN: (
            fn() -> $crate::abi::PluginInfo,
            fn(
                &$crate::abi::EvaluateRequest,
            ) -> ::core::result::Result<$crate::abi::EvaluateResponse, ::std::string::String>,
        ) = ($info, $evaluate);

        /// `() -> i32`: the ABI version the plugin was built for.
        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub extern "C" fn sovstack_abi_version() -> i32 {
            $crate::glue::abi_version()
        }

        /// `(len: i32) -> i32`: reserves `len` bytes for the host's input.
        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub extern "C" fn sovstack_alloc(len: i32) -> i32 {
            $crate::glue::alloc(len)
        }

        /// `() -> i64`: the plugin's info as JSON, packed pointer and length.
        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub extern "C" fn sovstack_info() -> i64 {
            $crate::glue::info(__SOVSTACK_PLUGIN.0)
        }

        /// `(ptr: i32, len: i32) -> i64`: judges the request at `ptr..ptr+len`.
        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub extern "C" fn sovstack_evaluate(ptr: i32, len: i32) -> i64 {
            // SAFETY: the host wrote `len` bytes at `ptr`, a region it obtained from
            // `sovstack_alloc` in this same instance (ABI version 1, "Transport").
            unsafe { $crate::glue::evaluate(ptr, len, __SOVSTACK_PLUGIN.1) }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLUGIN: Plugin = Plugin {
        name: "demo",
        version: "1.2.3",
        description: "A demo.",
        layer: crate::abi::Layer::Processor,
        criteria: &["known_attribution"],
    };

    fn info() -> PluginInfo {
        PLUGIN.info()
    }

    fn evaluate(request: &EvaluateRequest) -> Result<EvaluateResponse, String> {
        PLUGIN.evaluate(request)
    }

    export_plugin!(info, evaluate);

    #[test]
    fn info_describes_the_plugin() {
        let info = (__SOVSTACK_PLUGIN.0)();
        assert_eq!(
            info,
            PluginInfo {
                name: "demo".into(),
                version: "1.2.3".into(),
                abi_version: ABI_VERSION,
                layers: vec!["processor".into()],
                criteria: vec!["known_attribution".into()],
                description: "A demo.".into(),
            }
        );
    }

    #[test]
    fn macro_wires_the_evaluate_function() {
        let request: EvaluateRequest = serde_json::from_value(serde_json::json!({
            "abi_version": ABI_VERSION,
            "layer": "os",
            "ruleset": {"name": "r", "version": "1", "scoring": {"method": "bloc_balance"}, "rules": []},
            "items": []
        }))
        .unwrap();
        let err = (__SOVSTACK_PLUGIN.1)(&request).unwrap_err();
        assert!(err.contains("does not evaluate layer `os`"), "{err}");
    }
}

/// Writes the exports of a plugin whose judging is entirely the SDK's, from its [`Plugin`]
/// constant: defines `fn info()` and `fn evaluate(&EvaluateRequest)` at the call site (the crate's
/// tests can call them), hands them to [`export_plugin!`], and writes the module's manifest
/// section with [`manifest!`]. A plugin that judges by itself writes its own two functions and
/// calls [`export_plugin!`] and [`manifest!`] directly.
#[macro_export]
macro_rules! export_sdk_plugin {
    ($plugin:path) => {
        /// What the plugin says about itself.
        fn info() -> $crate::abi::PluginInfo {
            $plugin.info()
        }

        /// Judges one request with the SDK's criteria and scoring.
        fn evaluate(
            request: &$crate::abi::EvaluateRequest,
        ) -> ::core::result::Result<$crate::abi::EvaluateResponse, ::std::string::String> {
            $plugin.evaluate(request)
        }

        $crate::export_plugin!(info, evaluate);

        $crate::manifest!(
            name: $plugin.name,
            layers: &[$plugin.layer],
            description: $plugin.description,
        );
    };
}
