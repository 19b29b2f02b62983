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
/// room to spare, while a plugin that loops forever is stopped in about a second. An evaluation's
/// budgets then grow with its request ([`HostConfig::for_request`]), never past the hard caps, so
/// a layer of 10 000 or 50 000 network endpoints is judged with the defaults and an endless loop
/// is still stopped:
///
/// | field | default | grows with the request | hard cap | why |
/// |---|---|---|---|---|
/// | `fuel` | 1 000 000 000 | 1 000 per request byte | 100 000 000 000 | about one unit per WebAssembly instruction. The built-in plugins spend 330 to 360 per request byte (the `network` plugin under eu-sovereignty: 143 000 per endpoint, 1.66 MB and 0.56 × 10⁹ for 4 000 endpoints half of them attributed addresses; `processor`: 100 000 per item under five rules), so the growth leaves them about 3× room; a tight endless loop burns 10⁹ in about 1 s |
/// | `memory_bytes` | 64 MiB | 32 bytes per request byte | 4 GiB (wasm32's whole address space) | the request and response as JSON plus their parsed forms: the `network` plugin peaks at about 11 bytes per request byte (17.7 MB for a 1.66 MB request) |
/// | `timeout` | 2 s | in proportion to the fuel (2 s per 10⁹) | 120 s | wall clock, the backstop for what fuel does not bound (a slow or busy machine, a raised `fuel`) |
/// | `max_output_bytes` | 4 MiB | 4 bytes per request byte | 1 GiB | findings and scores: 3 000 items under five rules give about 1 MiB |
///
/// Loads (`sovstack_abi_version`, `sovstack_info`) have no request and run under the configured
/// limits, with fuel and time at least the defaults ([`HostConfig::for_load`]).
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
    /// The limits the user set (`--plugin-fuel`, `--plugin-memory`, `--plugin-timeout`): those
    /// stay as set, whatever the size of the request ([`HostConfig::for_request`]).
    pub fixed: Fixed,
}

/// Which of [`HostConfig`]'s limits do not grow with the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fixed {
    /// `fuel` stays as configured.
    pub fuel: bool,
    /// `memory_bytes` stays as configured.
    pub memory: bool,
    /// `timeout` stays as configured.
    pub timeout: bool,
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

    /// Fuel an evaluation gets per byte of its request, when that is more than `fuel`.
    pub const FUEL_PER_REQUEST_BYTE: u64 = 1_000;
    /// Memory an evaluation may have per byte of its request, when that is more than
    /// `memory_bytes`.
    pub const MEMORY_PER_REQUEST_BYTE: usize = 32;
    /// Output an evaluation may return per byte of its request, when that is more than
    /// `max_output_bytes`.
    pub const OUTPUT_PER_REQUEST_BYTE: usize = 4;
    /// Hard cap on fuel, configured or grown: about 100 s of a tight loop.
    pub const MAX_FUEL: u64 = 100_000_000_000;
    /// Hard cap on memory: the whole 32-bit address space of a wasm32 module.
    pub const MAX_MEMORY_BYTES: usize = 4 << 30;
    /// Hard cap on the wall-clock timeout, configured or grown.
    pub const MAX_TIMEOUT: Duration = Duration::from_secs(120);
    /// Hard cap on the output, configured or grown.
    pub const MAX_OUTPUT_BYTES: usize = 1 << 30;

    /// The limits of an evaluation whose request is `request_bytes` long: each budget is the
    /// configured one or, when larger, the request's size times its per-byte allowance, never
    /// past its hard cap; the timeout grows in proportion to the fuel. A request of up to
    /// 1 MB runs under the configured limits unchanged.
    ///
    /// A limit marked [`HostConfig::fixed`] (set by the user) does not grow: it is exactly the
    /// configured one, whatever the request.
    pub fn for_request(&self, request_bytes: usize) -> HostConfig {
        let grown = |configured: usize, per_byte: usize, cap: usize| {
            configured.max(request_bytes.saturating_mul(per_byte).min(cap))
        };
        let fuel = if self.fixed.fuel {
            self.fuel
        } else {
            self.fuel.max(
                (request_bytes as u64)
                    .saturating_mul(Self::FUEL_PER_REQUEST_BYTE)
                    .min(Self::MAX_FUEL),
            )
        };
        let timeout = if self.fixed.timeout {
            self.timeout
        } else {
            // In whole nanoseconds, so the same request always gets the same deadline.
            let nanos = self.timeout.as_nanos() * u128::from(fuel) / u128::from(self.fuel.max(1));
            Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
                .clamp(self.timeout, Self::MAX_TIMEOUT.max(self.timeout))
        };
        let memory_bytes = if self.fixed.memory {
            self.memory_bytes
        } else {
            grown(
                self.memory_bytes,
                Self::MEMORY_PER_REQUEST_BYTE,
                Self::MAX_MEMORY_BYTES,
            )
        };
        HostConfig {
            fuel,
            memory_bytes,
            timeout,
            max_output_bytes: grown(
                self.max_output_bytes,
                Self::OUTPUT_PER_REQUEST_BYTE,
                Self::MAX_OUTPUT_BYTES,
            ),
            fixed: self.fixed,
        }
    }

    /// The limits of a load (`sovstack_abi_version`, `sovstack_info`): the configured ones, with
    /// fuel and time at least the defaults. Fuel or time lowered to see how little a plugin's
    /// evaluations need does not stop it from saying what it is; memory and output stay as
    /// configured (a module whose initial memory is over the cap is refused at load).
    pub fn for_load(&self) -> HostConfig {
        HostConfig {
            fuel: self.fuel.max(Self::DEFAULT_FUEL),
            timeout: self.timeout.max(Self::DEFAULT_TIMEOUT),
            ..self.clone()
        }
    }

    /// Checks that the limits can be enforced.
    pub(crate) fn validate(&self) -> Result<(), HostError> {
        let invalid = |message: String| Err(HostError::InvalidConfig { message });
        if self.fuel == 0 || self.fuel > Self::MAX_FUEL {
            return invalid(format!(
                "fuel must be between 1 and {}, got {}",
                Self::MAX_FUEL,
                self.fuel
            ));
        }
        if self.memory_bytes < WASM_PAGE || self.memory_bytes > Self::MAX_MEMORY_BYTES {
            return invalid(format!(
                "memory_bytes must be between 64 KiB (one WebAssembly page) and 4 GiB, got {}",
                self.memory_bytes
            ));
        }
        if self.timeout < Duration::from_millis(1) || self.timeout > Self::MAX_TIMEOUT {
            return invalid(format!(
                "timeout must be between 1 ms and {:?}, got {:?}",
                Self::MAX_TIMEOUT,
                self.timeout
            ));
        }
        if self.max_output_bytes == 0 || self.max_output_bytes > Self::MAX_OUTPUT_BYTES {
            return invalid(format!(
                "max_output_bytes must be between 1 and {}, got {}",
                Self::MAX_OUTPUT_BYTES,
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
            fixed: Fixed::default(),
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
                fuel: HostConfig::MAX_FUEL + 1,
                ..base.clone()
            },
            HostConfig {
                timeout: HostConfig::MAX_TIMEOUT * 2,
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
    fn budgets_grow_with_the_request_within_the_hard_caps() {
        let base = HostConfig::default();
        // Up to 1 MB the configured limits stand.
        assert_eq!(base.for_request(0), base);
        assert_eq!(base.for_request(1_000_000), base);
        // 10 000 endpoints: a 4.2 MB request.
        let grown = base.for_request(4_200_000);
        assert_eq!(grown.fuel, 4_200_000_000);
        assert_eq!(grown.timeout, Duration::from_millis(8_400));
        assert_eq!(grown.memory_bytes, 134_400_000);
        assert_eq!(grown.max_output_bytes, 16_800_000);
        assert!(grown.validate().is_ok());
        // Past the caps nothing grows further, and the result is still enforceable.
        let huge = base.for_request(usize::MAX);
        assert_eq!(huge.fuel, HostConfig::MAX_FUEL);
        assert_eq!(huge.timeout, HostConfig::MAX_TIMEOUT);
        assert_eq!(huge.memory_bytes, HostConfig::MAX_MEMORY_BYTES);
        assert_eq!(huge.max_output_bytes, HostConfig::MAX_OUTPUT_BYTES);
        assert!(huge.validate().is_ok());
        // A configured limit above the growth is kept.
        let generous = HostConfig {
            fuel: 50_000_000_000,
            ..base.clone()
        };
        assert_eq!(generous.for_request(4_200_000).fuel, 50_000_000_000);
        // A limit the user set does not grow; the others still do.
        let set = HostConfig {
            fuel: 1_000,
            fixed: Fixed {
                fuel: true,
                ..Fixed::default()
            },
            ..base.clone()
        };
        let grown = set.for_request(4_200_000);
        assert_eq!((grown.fuel, grown.timeout), (1_000, base.timeout));
        assert_eq!(grown.memory_bytes, 134_400_000);
    }

    #[test]
    fn loads_get_at_least_the_default_fuel_and_time() {
        let low = HostConfig {
            fuel: 1_000,
            timeout: Duration::from_millis(5),
            memory_bytes: WASM_PAGE,
            ..HostConfig::default()
        };
        let load = low.for_load();
        assert_eq!(
            (load.fuel, load.timeout, load.memory_bytes),
            (
                HostConfig::DEFAULT_FUEL,
                HostConfig::DEFAULT_TIMEOUT,
                WASM_PAGE
            )
        );
        let high = HostConfig {
            fuel: HostConfig::MAX_FUEL,
            ..HostConfig::default()
        };
        assert_eq!(high.for_load(), high);
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
