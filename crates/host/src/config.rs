//! The limits every plugin call runs under.

use std::time::Duration;

use crate::error::HostError;

/// Size of a WebAssembly page: memory caps are checked against whole pages.
pub(crate) const WASM_PAGE: usize = 64 * 1024;

/// Limits applied to a plugin's calls. Each load (`sovstack_abi_version`, then `sovstack_info`)
/// and each evaluation (`sovstack_alloc`, then `sovstack_evaluate`) runs in a fresh store that
/// gets every budget afresh.
///
/// The defaults are sized so that the built-in plugins judge a layer of a few thousand items with
/// room to spare, while a plugin that loops forever is stopped in about a second:
///
/// | field | default | why |
/// |---|---|---|
/// | `fuel` | 1 000 000 000 | about one unit per WebAssembly instruction. The built-in `processor` plugin needs about 100 000 per item under five rules (3 000 items: 0.3 × 10⁹, in 50 ms), so the default covers about 10 000 items; a tight endless loop burns it in about 1 s |
/// | `memory_bytes` | 64 MiB | a layer's request and response as JSON, plus their parsed forms: 3 000 items make a 0.8 MiB request |
/// | `timeout` | 2 s | wall clock, the backstop for what fuel does not bound (a slow or busy machine, a raised `fuel`) |
/// | `max_output_bytes` | 4 MiB | findings and scores: 3 000 items under five rules give about 1 MiB |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostConfig {
    /// Fuel for one call: WebAssembly instructions, roughly. Running out gives
    /// `plugin/out-of-fuel`.
    pub fuel: u64,
    /// Largest linear memory a plugin may have, in bytes (rounded down to whole 64 KiB pages).
    /// Growing past it gives `plugin/memory-limit`.
    pub memory_bytes: usize,
    /// Wall-clock time one call may take. Exceeding it gives `plugin/timeout`.
    pub timeout: Duration,
    /// Largest JSON document a plugin may return, in bytes. A larger one gives
    /// `plugin/output-too-large`.
    pub max_output_bytes: usize,
}

impl HostConfig {
    /// Default fuel per call.
    pub const DEFAULT_FUEL: u64 = 1_000_000_000;
    /// Default memory cap: 64 MiB.
    pub const DEFAULT_MEMORY_BYTES: usize = 64 * 1024 * 1024;
    /// Default wall-clock timeout per call.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
    /// Default output cap: 4 MiB.
    pub const DEFAULT_MAX_OUTPUT_BYTES: usize = 4 * 1024 * 1024;

    /// Checks that the limits can be enforced.
    pub(crate) fn validate(&self) -> Result<(), HostError> {
        let invalid = |message: String| Err(HostError::InvalidConfig { message });
        if self.fuel == 0 {
            return invalid("fuel must be at least 1".into());
        }
        if self.memory_bytes < WASM_PAGE || self.memory_bytes as u64 > 4 << 30 {
            return invalid(format!(
                "memory_bytes must be between 64 KiB (one WebAssembly page) and 4 GiB, got {}",
                self.memory_bytes
            ));
        }
        if self.timeout < Duration::from_millis(1) {
            return invalid(format!(
                "timeout must be at least 1 ms, got {:?}",
                self.timeout
            ));
        }
        if self.max_output_bytes == 0 || self.max_output_bytes > u32::MAX as usize {
            return invalid(format!(
                "max_output_bytes must be between 1 and {}, got {}",
                u32::MAX,
                self.max_output_bytes
            ));
        }
        Ok(())
    }

    /// The memory cap rounded down to whole pages, the unit memory grows by.
    pub(crate) fn memory_cap(&self) -> usize {
        self.memory_bytes / WASM_PAGE * WASM_PAGE
    }
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            fuel: Self::DEFAULT_FUEL,
            memory_bytes: Self::DEFAULT_MEMORY_BYTES,
            timeout: Self::DEFAULT_TIMEOUT,
            max_output_bytes: Self::DEFAULT_MAX_OUTPUT_BYTES,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert!(HostConfig::default().validate().is_ok());
    }

    #[test]
    fn unenforceable_limits_are_refused() {
        let base = HostConfig::default();
        for bad in [
            HostConfig {
                fuel: 0,
                ..base.clone()
            },
            HostConfig {
                memory_bytes: 1000,
                ..base.clone()
            },
            HostConfig {
                timeout: Duration::ZERO,
                ..base.clone()
            },
            HostConfig {
                max_output_bytes: 0,
                ..base.clone()
            },
        ] {
            let err = bad.validate().unwrap_err();
            assert_eq!(err.code(), "host/invalid-config", "{bad:?}");
        }
    }

    #[test]
    fn memory_cap_is_whole_pages() {
        let c = HostConfig {
            memory_bytes: WASM_PAGE * 3 + 5,
            ..HostConfig::default()
        };
        assert_eq!(c.memory_cap(), WASM_PAGE * 3);
    }
}
