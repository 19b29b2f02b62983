//! Errors of the plugin host, each with a stable kebab-case code.
//!
//! [`PluginError`] is what one plugin did wrong (or could not do); the caller records it as a
//! `plugin/…` diagnostic and goes on with the other plugins. [`HostError`] means the host itself
//! could not start.

use std::time::Duration;

/// A plugin could not be loaded, or one of its calls failed. Every message names the plugin's
/// origin (`builtin:processor`, a file path).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PluginError {
    /// The bytes are not a WebAssembly module this host accepts.
    #[error("plugin {origin}: cannot compile the WebAssembly module: {message}")]
    CompileFailed {
        /// Where the plugin came from.
        origin: String,
        /// Why compilation failed.
        message: String,
    },
    /// The module imports something; plugins may import nothing.
    #[error(
        "plugin {origin}: imports `{module}::{name}`, but plugins may import nothing \
         (the host offers no WASI, clock, filesystem, network or environment)"
    )]
    ImportNotAllowed {
        /// Where the plugin came from.
        origin: String,
        /// The import's module (`wasi_snapshot_preview1`).
        module: String,
        /// The import's name (`fd_write`).
        name: String,
    },
    /// A required export is absent.
    #[error("plugin {origin}: does not export `{name}` (expected {expected})")]
    MissingExport {
        /// Where the plugin came from.
        origin: String,
        /// The export's name.
        name: &'static str,
        /// What the export should be.
        expected: &'static str,
    },
    /// A required export has the wrong kind or signature.
    #[error("plugin {origin}: export `{name}` is {found}, expected {expected}")]
    BadExportSignature {
        /// Where the plugin came from.
        origin: String,
        /// The export's name.
        name: &'static str,
        /// What the module exports under that name.
        found: String,
        /// What the export should be.
        expected: &'static str,
    },
    /// The plugin was built for another ABI version.
    #[error(
        "plugin {origin}: {source_of_version} ABI version {found}, but this sovstack speaks \
         version {expected}; rebuild the plugin against sovstack-abi {expected}"
    )]
    AbiMismatch {
        /// Where the plugin came from.
        origin: String,
        /// Which part of the plugin gave the version (`sovstack_abi_version returns`).
        source_of_version: &'static str,
        /// The version the plugin gave.
        found: i64,
        /// The host's [`sovstack_abi::ABI_VERSION`].
        expected: u32,
    },
    /// The call used up its fuel.
    #[error(
        "plugin {origin}: ran out of fuel after {fuel} units (about as many instructions); \
         it may loop forever, or needs a larger fuel budget: raise it with --plugin-fuel \
         (at most {max})",
        max = crate::HostConfig::MAX_FUEL
    )]
    OutOfFuel {
        /// Where the plugin came from.
        origin: String,
        /// The budget it was given.
        fuel: u64,
    },
    /// The call ran past its wall-clock deadline.
    #[error(
        "plugin {origin}: did not finish within {timeout:?} and was stopped (a busy machine may \
         need a longer limit: --plugin-timeout SECONDS, at most {max})",
        max = crate::HostConfig::MAX_TIMEOUT.as_secs()
    )]
    Timeout {
        /// Where the plugin came from.
        origin: String,
        /// The deadline it was given.
        timeout: Duration,
    },
    /// The plugin tried to grow its memory past the cap.
    #[error(
        "plugin {origin}: tried to grow its memory to {desired} bytes, over the cap of {limit} \
         bytes (raise it with --plugin-memory MIB, at most {max})",
        max = crate::HostConfig::MAX_MEMORY_BYTES >> 20
    )]
    MemoryLimit {
        /// Where the plugin came from.
        origin: String,
        /// The size it asked for.
        desired: u64,
        /// The cap.
        limit: u64,
    },
    /// The plugin trapped (`unreachable`, out-of-bounds access, stack overflow, ...).
    #[error("plugin {origin}: trapped: {message}")]
    Trap {
        /// Where the plugin came from.
        origin: String,
        /// The trap, and the function it happened in when known.
        message: String,
    },
    /// The plugin returned more bytes than the output cap.
    #[error("plugin {origin}: {export} returned {len} bytes, over the cap of {limit} bytes")]
    OutputTooLarge {
        /// Where the plugin came from.
        origin: String,
        /// The export that returned it.
        export: &'static str,
        /// The length it returned.
        len: u32,
        /// The cap.
        limit: usize,
    },
    /// The plugin returned a region outside its memory.
    #[error(
        "plugin {origin}: {export} returned bytes {ptr:#x}..{end:#x}, outside its memory of \
         {memory} bytes"
    )]
    BadPointer {
        /// Where the plugin came from.
        origin: String,
        /// The export that returned it.
        export: &'static str,
        /// Start of the region.
        ptr: u32,
        /// End of the region (exclusive).
        end: u64,
        /// Size of the plugin's memory.
        memory: usize,
    },
    /// `sovstack_evaluate` returned something that is not an `EvaluateResponse` in JSON.
    #[error("plugin {origin}: sovstack_evaluate returned malformed output: {message}")]
    MalformedOutput {
        /// Where the plugin came from.
        origin: String,
        /// The parse error.
        message: String,
    },
    /// `sovstack_evaluate` returned a response that contradicts its request or the ABI: a rule
    /// or item the request does not hold, a severity or objective other than the rule's, a
    /// level, score or share out of range, an objective or pole the ruleset does not declare.
    #[error("plugin {origin}: its response is refused: `{field}`: {problem}")]
    InvalidResponse {
        /// Where the plugin came from.
        origin: String,
        /// The field, as a path into the response (`findings[0].severity`).
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// `sovstack_info` returned something that is not a `PluginInfo` in JSON.
    #[error("plugin {origin}: sovstack_info returned an unusable description: {message}")]
    BadInfo {
        /// Where the plugin came from.
        origin: String,
        /// The parse error.
        message: String,
    },
    /// The host could not instantiate the plugin (it was loaded by another host, or the
    /// instance could not be set up).
    #[error("plugin {origin}: cannot instantiate: {message}")]
    InstantiateFailed {
        /// Where the plugin came from.
        origin: String,
        /// Why.
        message: String,
    },
}

/// The diagnostic codes of [`PluginError`] and [`HostError`].
pub mod codes {
    sovstack_abi::diagnostic_codes! {
        COMPILE_FAILED = "plugin/compile-failed": "the plugin's bytes are not a WebAssembly module this host accepts",
        IMPORT_NOT_ALLOWED = "plugin/import-not-allowed": "the plugin imports something; plugins may import nothing",
        MISSING_EXPORT = "plugin/missing-export": "an export the ABI requires is absent from the plugin",
        BAD_EXPORT_SIGNATURE = "plugin/bad-export-signature": "an export the ABI requires has the wrong kind or signature",
        ABI_MISMATCH = "plugin/abi-mismatch": "the plugin was built for another ABI version",
        OUT_OF_FUEL = "plugin/out-of-fuel": "the plugin's call used up its fuel (instruction budget)",
        TIMEOUT = "plugin/timeout": "the plugin's call ran past its wall-clock deadline",
        MEMORY_LIMIT = "plugin/memory-limit": "the plugin tried to grow its memory past the cap",
        TRAP = "plugin/trap": "the plugin trapped (unreachable, out-of-bounds access, stack overflow, ...)",
        OUTPUT_TOO_LARGE = "plugin/output-too-large": "the plugin returned more bytes than the output cap",
        BAD_POINTER = "plugin/bad-pointer": "the plugin returned a region outside its memory",
        MALFORMED_OUTPUT = "plugin/malformed-output": "sovstack_evaluate returned something that is not an EvaluateResponse in JSON",
        INVALID_RESPONSE = "plugin/invalid-response": "sovstack_evaluate returned a response that contradicts its request or the ABI (a rule or item the request does not hold, a severity or objective not the rule's, a value out of range): the layer is not evaluated",
        BAD_INFO = "plugin/bad-info": "sovstack_info returned something that is not a PluginInfo in JSON",
        INSTANTIATE_FAILED = "plugin/instantiate-failed": "the host could not instantiate the plugin",
        BAD_MANIFEST = "plugin/bad-manifest": "the plugin's sovstack_manifest custom section is not a manifest in JSON (or there are several)",
        INVALID_CONFIG = "host/invalid-config": "a limit of the plugin host's configuration cannot be enforced",
        ENGINE_FAILED = "host/engine-failed": "the WebAssembly engine, its instance pool or its epoch ticker could not be set up",
        PLUGIN_CACHE_UNTRUSTED = "host/plugin-cache-untrusted": "a plugin cache directory or file is not the user's own or is writable by others: not used, the plugin is compiled (a warning)",
        PLUGIN_CACHE_CORRUPT = "host/plugin-cache-corrupt": "a cached compiled plugin failed its checksum or wasmtime's checks: compiled again and replaced (a warning)",
        PLUGIN_CACHE_UNWRITABLE = "host/plugin-cache-unwritable": "the plugin cache could not be created or written: plugins are compiled on every run (a warning)",
    }
}

impl PluginError {
    /// The stable diagnostic code, e.g. `plugin/out-of-fuel`.
    pub fn code(&self) -> &'static str {
        match self {
            PluginError::CompileFailed { .. } => codes::COMPILE_FAILED,
            PluginError::ImportNotAllowed { .. } => codes::IMPORT_NOT_ALLOWED,
            PluginError::MissingExport { .. } => codes::MISSING_EXPORT,
            PluginError::BadExportSignature { .. } => codes::BAD_EXPORT_SIGNATURE,
            PluginError::AbiMismatch { .. } => codes::ABI_MISMATCH,
            PluginError::OutOfFuel { .. } => codes::OUT_OF_FUEL,
            PluginError::Timeout { .. } => codes::TIMEOUT,
            PluginError::MemoryLimit { .. } => codes::MEMORY_LIMIT,
            PluginError::Trap { .. } => codes::TRAP,
            PluginError::OutputTooLarge { .. } => codes::OUTPUT_TOO_LARGE,
            PluginError::BadPointer { .. } => codes::BAD_POINTER,
            PluginError::MalformedOutput { .. } => codes::MALFORMED_OUTPUT,
            PluginError::InvalidResponse { .. } => codes::INVALID_RESPONSE,
            PluginError::BadInfo { .. } => codes::BAD_INFO,
            PluginError::InstantiateFailed { .. } => codes::INSTANTIATE_FAILED,
        }
    }

    /// Where the plugin came from, as given to [`crate::Host::load`].
    pub fn origin(&self) -> &str {
        match self {
            PluginError::CompileFailed { origin, .. }
            | PluginError::ImportNotAllowed { origin, .. }
            | PluginError::MissingExport { origin, .. }
            | PluginError::BadExportSignature { origin, .. }
            | PluginError::AbiMismatch { origin, .. }
            | PluginError::OutOfFuel { origin, .. }
            | PluginError::Timeout { origin, .. }
            | PluginError::MemoryLimit { origin, .. }
            | PluginError::Trap { origin, .. }
            | PluginError::OutputTooLarge { origin, .. }
            | PluginError::BadPointer { origin, .. }
            | PluginError::MalformedOutput { origin, .. }
            | PluginError::InvalidResponse { origin, .. }
            | PluginError::BadInfo { origin, .. }
            | PluginError::InstantiateFailed { origin, .. } => origin,
        }
    }
}

/// The host itself could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// A limit in [`crate::HostConfig`] cannot be enforced.
    #[error("invalid plugin host configuration: {message}")]
    InvalidConfig {
        /// Which limit, and why.
        message: String,
    },
    /// The WebAssembly engine, its instance pool or its epoch ticker could not be set up.
    #[error("cannot start the plugin engine: {message}")]
    EngineFailed {
        /// Why.
        message: String,
    },
}

impl HostError {
    /// The stable diagnostic code, e.g. `host/invalid-config`.
    pub fn code(&self) -> &'static str {
        match self {
            HostError::InvalidConfig { .. } => codes::INVALID_CONFIG,
            HostError::EngineFailed { .. } => codes::ENGINE_FAILED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_and_kebab_case() {
        let all: Vec<&str> = codes::ALL.iter().map(|(c, _)| *c).collect();
        let unique: BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(unique.len(), all.len(), "duplicate code in {all:?}");
        for code in all {
            let (area, name) = code.split_once('/').expect("area/name");
            assert!(area == "plugin" || area == "host", "{code}");
            assert!(
                !name.is_empty()
                    && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                    && !name.starts_with('-')
                    && !name.ends_with('-'),
                "{code} is not kebab-case"
            );
        }
    }

    #[test]
    fn messages_name_the_origin() {
        let e = PluginError::OutOfFuel {
            origin: "builtin:processor".into(),
            fuel: 10,
        };
        assert_eq!(e.code(), "plugin/out-of-fuel");
        assert_eq!(e.origin(), "builtin:processor");
        assert!(e
            .to_string()
            .starts_with("plugin builtin:processor: ran out of fuel"));
        assert!(codes::ALL.iter().any(|(c, _)| *c == e.code()));
    }
}
