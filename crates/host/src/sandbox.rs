//! The sandbox's moving parts: the engine configuration, the per-call store and its limiter, the
//! epoch ticker, the instance slots, and the translation of wasmtime errors into [`PluginError`]s.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, Memory, OptLevel, PoolingAllocationConfig,
    ResourceLimiter, Store, Trap, WasmBacktrace, WasmBacktraceDetails,
};

use crate::config::HostConfig;
use crate::error::{HostError, PluginError};

/// Instances the pool holds, hence evaluations that may run at once; further callers wait for a
/// free slot.
pub(crate) const POOL_INSTANCES: u32 = 8;

/// Builds the engine: fuel, epoch interruption, and a pool of [`POOL_INSTANCES`] instances.
///
/// The memory cap is enforced by each store's limiter ([`CallState`]) rather than by the pool's
/// `max_memory_size`: the pool would refuse a module whose initial memory is over the cap at
/// compile time, with a message about pool requirements, where the limiter stops it at
/// instantiation as `plugin/memory-limit`.
pub(crate) fn engine() -> Result<Engine, HostError> {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_core_instances(POOL_INSTANCES)
        .total_memories(POOL_INSTANCES)
        .total_tables(POOL_INSTANCES);
    let mut wasm = Config::new();
    wasm.consume_fuel(true)
        .epoch_interruption(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool))
        // Backtraces (on by default) give trap messages a function name; file and line details
        // would need DWARF and read WASMTIME_BACKTRACE_DETAILS from the environment.
        .wasm_backtrace_details(WasmBacktraceDetails::Disable)
        // Plugins run for microseconds but compile for hundreds of milliseconds: a run of
        // `sovstack audit` is dominated by compilation, so trade code quality for compile time.
        .cranelift_opt_level(OptLevel::None);
    Engine::new(&wasm).map_err(|e| HostError::EngineFailed {
        message: format!("{e:#}"),
    })
}

/// The interval of the epoch ticker for a timeout, and the number of ticks that make the
/// deadline. The ticker's phase is arbitrary, so a call is stopped within a tick (at most 50 ms)
/// of the timeout.
pub(crate) fn epoch_plan(timeout: Duration) -> (Duration, u64) {
    let tick = (timeout / 20).clamp(Duration::from_millis(1), Duration::from_millis(50));
    (tick, deadline_ticks(timeout, tick))
}

/// The ticks of `tick` that make the deadline of a call allowed `timeout`: a call whose budget
/// grew with its request waits more ticks of the host's ticker.
pub(crate) fn deadline_ticks(timeout: Duration, tick: Duration) -> u64 {
    let ticks = timeout.as_nanos().div_ceil(tick.as_nanos()).max(1);
    u64::try_from(ticks).unwrap_or(u64::MAX)
}

/// A thread that advances the engine's epoch every tick, stopped and joined on drop.
pub(crate) struct Ticker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Ticker {
    pub(crate) fn start(engine: Engine, tick: Duration) -> Result<Ticker, HostError> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("sovstack-epoch".into())
            .spawn(move || {
                let mut next = Instant::now() + tick;
                while !stopping.load(Ordering::Acquire) {
                    let now = Instant::now();
                    if now < next {
                        // Woken early by a spurious unpark or by `drop`: the loop checks again.
                        thread::park_timeout(next - now);
                        continue;
                    }
                    engine.increment_epoch();
                    next = (next + tick).max(now);
                }
            })
            .map_err(|e| HostError::EngineFailed {
                message: format!("cannot start the epoch ticker thread: {e}"),
            })?;
        Ok(Ticker {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            // The ticker cannot panic; a join error would only repeat a panic already reported.
            let _ = thread.join();
        }
    }
}

/// A counting semaphore over the pool's instances, so that concurrent callers wait instead of
/// failing when the pool is exhausted.
pub(crate) struct Slots {
    free: Mutex<u32>,
    freed: Condvar,
}

/// One taken slot, given back on drop.
pub(crate) struct Slot<'a>(&'a Slots);

impl Slots {
    pub(crate) fn new(count: u32) -> Slots {
        Slots {
            free: Mutex::new(count),
            freed: Condvar::new(),
        }
    }

    pub(crate) fn acquire(&self) -> Slot<'_> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            free = self
                .freed
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.0.freed.notify_one();
    }
}

/// The data of a per-call store: the memory cap, whether the plugin ran into it, and the largest
/// memory it was granted.
pub(crate) struct CallState {
    memory_cap: usize,
    memory_refused: Option<usize>,
    memory_peak: usize,
}

impl CallState {
    /// The largest size, in bytes, the plugin's linear memory had during the call (its initial
    /// size included).
    pub(crate) fn memory_peak(&self) -> usize {
        self.memory_peak
    }
}

impl ResourceLimiter for CallState {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_cap {
            // Stop the plugin now rather than hand it a failed `memory.grow`: the report then
            // says what happened instead of showing whatever trap the guest's allocator raises.
            self.memory_refused = Some(desired);
            return Err(wasmtime::Error::msg(format!(
                "memory growth to {desired} bytes refused: over the cap of {} bytes",
                self.memory_cap
            )));
        }
        let granted = maximum.is_none_or(|max| desired <= max);
        if granted {
            self.memory_peak = self.memory_peak.max(desired);
        }
        Ok(granted)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(maximum.is_none_or(|max| desired <= max))
    }
}

/// A fresh store with every limit of `config` armed: memory cap, fuel and epoch deadline.
pub(crate) fn store(
    engine: &Engine,
    config: &HostConfig,
    deadline_ticks: u64,
) -> Result<Store<CallState>, String> {
    let state = CallState {
        memory_cap: config.memory_cap(),
        memory_refused: None,
        memory_peak: 0,
    };
    let mut store = Store::new(engine, state);
    store.limiter(|state| state);
    store.set_fuel(config.fuel).map_err(|e| format!("{e:#}"))?;
    store.set_epoch_deadline(deadline_ticks);
    store.epoch_deadline_trap();
    Ok(store)
}

/// Turns the error of a call into the plugin (or of its instantiation, which runs its start
/// function) into a [`PluginError`]. `other` builds the error for what is neither a limit nor a
/// trap.
pub(crate) fn classify(
    err: wasmtime::Error,
    store: &Store<CallState>,
    origin: &str,
    config: &HostConfig,
    other: fn(String, String) -> PluginError,
) -> PluginError {
    let origin = origin.to_string();
    if let Some(desired) = store.data().memory_refused {
        return PluginError::MemoryLimit {
            origin,
            desired: desired as u64,
            limit: config.memory_cap() as u64,
        };
    }
    match err.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => PluginError::OutOfFuel {
            origin,
            fuel: config.fuel,
        },
        Some(Trap::Interrupt) => PluginError::Timeout {
            origin,
            timeout: config.timeout,
        },
        Some(trap) => {
            let place = err
                .downcast_ref::<WasmBacktrace>()
                .and_then(|bt| bt.frames().first())
                .and_then(|frame| frame.func_name())
                .map(|name| format!(" (in function `{name}`)"))
                .unwrap_or_default();
            PluginError::Trap {
                origin,
                message: format!("{trap}{place}"),
            }
        }
        None => other(origin, format!("{err:#}")),
    }
}

/// Reads the bytes a plugin returned as a packed pointer and length, after checking the length
/// against the output cap and the region against the memory.
pub(crate) fn read_output(
    store: &Store<CallState>,
    memory: Memory,
    packed: i64,
    export: &'static str,
    origin: &str,
    limit: usize,
) -> Result<Vec<u8>, PluginError> {
    let (ptr, len) = sovstack_abi::unpack(packed);
    if len as usize > limit {
        return Err(PluginError::OutputTooLarge {
            origin: origin.into(),
            export,
            len,
            limit,
        });
    }
    let data = memory.data(store);
    let end = u64::from(ptr) + u64::from(len);
    match data.get(ptr as usize..end as usize) {
        Some(bytes) => Ok(bytes.to_vec()),
        None => Err(PluginError::BadPointer {
            origin: origin.into(),
            export,
            ptr,
            end,
            memory: data.len(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_plan_stops_within_a_tick_of_the_timeout() {
        for ms in [1u64, 7, 100, 250, 2_000, 60_000] {
            let timeout = Duration::from_millis(ms);
            let (tick, ticks) = epoch_plan(timeout);
            let latest = tick * ticks as u32;
            assert!(latest >= timeout, "{ms} ms: {latest:?}");
            assert!(latest < timeout + tick, "{ms} ms: {latest:?}");
            assert!(tick >= Duration::from_millis(1) && tick <= Duration::from_millis(50));
        }
    }

    #[test]
    fn slots_are_given_back() {
        let slots = Slots::new(1);
        drop(slots.acquire());
        let _again = slots.acquire();
        assert_eq!(*slots.free.lock().unwrap(), 0);
    }
}
