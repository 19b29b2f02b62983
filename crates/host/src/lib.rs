//! Runs sovstack's WebAssembly plugins in a sandbox.
//!
//! Plugins judge inventory items against rulesets, and they are untrusted code: a plugin file may
//! come from anyone. This crate owns the wasmtime engine, the checks a module passes before it
//! runs, the limits every call runs under, and the translation of whatever goes wrong into a
//! [`PluginError`] with a stable code. The wire format (exports, JSON messages, `ABI_VERSION`)
//! belongs to `sovstack-abi`; what to do with a failed plugin (a `plugin/…` diagnostic while the
//! other plugins still run) belongs to the caller. This crate never prints.
//!
//! # What a plugin is denied
//!
//! Everything outside its own memory. The [`Host`]'s linker holds **no host functions**: no WASI,
//! no clock, no randomness, no filesystem, no network, no environment. A module that imports
//! anything at all is refused at load time with `plugin/import-not-allowed`, naming the import. A
//! plugin can only compute on the request the host writes into its memory and hand back bytes.
//!
//! # Limits
//!
//! Every load (`sovstack_abi_version`, `sovstack_info`) and every evaluation (`sovstack_alloc`,
//! `sovstack_evaluate`) runs in its own store under the limits of [`HostConfig`], each with its own
//! error code:
//!
//! * **fuel**, roughly one unit per instruction: `plugin/out-of-fuel`. Deterministic, so a plugin
//!   that fits on one machine fits on all.
//! * **wall time**, through epoch interruption, advanced by a ticker thread the [`Host`] owns and
//!   stops when dropped: `plugin/timeout`. The backstop for what fuel does not bound.
//! * **memory**: the linear memory may not start or grow past the cap (`plugin/memory-limit`);
//!   the plugin is stopped at the first growth over it rather than handed a failed `memory.grow`.
//! * **output**: a returned length over the cap gives `plugin/output-too-large`, a region outside
//!   the memory `plugin/bad-pointer`; neither is read.
//! * **what it says**: a response is checked against its request before it is returned
//!   (`sovstack_abi::response::check_response`: rules, items, severities, objectives, ranges);
//!   one that contradicts it gives `plugin/invalid-response`, and a refusal's `error` text is
//!   cut to [`MAX_ERROR_BYTES`].
//!
//! [`Host::evaluate_measured`] also says what an evaluation cost ([`Usage`]): fuel spent and the
//! peak size of the linear memory, both deterministic, and the wall time, which is not.
//!
//! # Lifetimes
//!
//! One wasmtime `Engine` per [`Host`], with fuel, epoch interruption and a pooling allocator of a
//! few instances (concurrent callers wait for a free one). [`Host::load`] compiles a module once
//! (cached by SHA-256 in memory and, with [`Host::with_cache`], on disk between runs: see
//! [`ModuleCache`] for the checks a cached file passes), checks its imports and exports, calls `sovstack_abi_version` and
//! `sovstack_info`, refuses an ABI mismatch, and keeps an `InstancePre`. [`Host::evaluate`] then
//! creates a **fresh `Store` and instance per call** and drops them afterwards. Instantiating from
//! the pool takes microseconds, and it means no state (globals, memory, a half-finished
//! allocation after a trap) survives from one evaluation to the next: a plugin cannot remember a
//! previous request, and a plugin that failed cannot poison the next call.
//!
//! ```no_run
//! use sovstack_host::{Host, HostConfig};
//! # fn run(wasm: &[u8], request: &sovstack_abi::EvaluateRequest) -> Result<(), Box<dyn std::error::Error>> {
//! let host = Host::new(HostConfig::default())?;
//! let plugin = host.load("builtin:processor", wasm)?;
//! match host.evaluate(&plugin, request) {
//!     Ok(response) => { /* findings and score */ }
//!     Err(e) => { /* record e.code() and e.to_string() as a diagnostic, go on */ }
//! }
//! # Ok(()) }
//! ```

// `unsafe` only where the plugin cache maps a compiled module back in (`cache::deserialize`,
// with why it is sound).
#![deny(unsafe_code)]
#![warn(missing_docs)]

mod cache;
mod config;
mod error;
mod inspect;
mod plugin;
mod sandbox;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sovstack_abi::{exports, EvaluateRequest, EvaluateResponse, PluginInfo, ABI_VERSION};
use wasmtime::{
    Engine, Extern, InstancePre, Linker, Memory, Module, ModuleExport, Store, TypedFunc,
    WasmParams, WasmResults,
};

pub use cache::{CacheNote, ModuleCache};
pub use config::{Fixed, HostConfig};
pub use error::{codes, HostError, PluginError};
pub use inspect::{inspect, Import, InspectError, Inspection};
pub use plugin::Plugin;
pub use sovstack_abi::response::{cap_error, check_response, Violation, MAX_ERROR_BYTES};

use plugin::Exports;
use sandbox::{CallState, Slot, Slots, Ticker};

/// Loads and runs plugins. Create one per run and share it: it is `Send + Sync`, and evaluations
/// from several threads run side by side, up to the size of the instance pool.
pub struct Host {
    config: HostConfig,
    engine: Engine,
    linker: Linker<CallState>,
    tick: Duration,
    slots: Slots,
    modules: Mutex<HashMap<String, Module>>,
    /// Compiled modules kept between runs ([`Host::with_cache`]).
    disk_cache: Option<ModuleCache>,
    _ticker: Ticker,
}

/// The bytes a plugin's `sovstack_evaluate` receives for `request`: compact JSON, as
/// [`Host::evaluate`] writes them into the plugin's memory (and `sovstack plugin request`
/// prints them).
pub fn request_bytes(request: &EvaluateRequest) -> Vec<u8> {
    // The request types have string keys and no fallible Serialize impl.
    serde_json::to_vec(request).expect("an EvaluateRequest always serialises")
}

impl Host {
    /// Starts an engine enforcing `config`, and its epoch ticker thread.
    pub fn new(config: HostConfig) -> Result<Host, HostError> {
        config.validate()?;
        let engine = sandbox::engine()?;
        let tick = sandbox::epoch_plan(config.timeout).0;
        let ticker = Ticker::start(engine.clone(), tick)?;
        Ok(Host {
            // Deliberately empty: whatever a plugin imports is refused.
            linker: Linker::new(&engine),
            config,
            engine,
            tick,
            slots: Slots::new(sandbox::POOL_INSTANCES),
            modules: Mutex::new(HashMap::new()),
            disk_cache: None,
            _ticker: ticker,
        })
    }

    /// Keeps compiled modules in `cache` between runs: a module found there (and passing its
    /// checks, see [`ModuleCache`]) is not compiled again; one compiled is written there.
    pub fn with_cache(mut self, cache: ModuleCache) -> Host {
        self.disk_cache = Some(cache);
        self
    }

    /// What the plugin cache had to say since the last call (files refused, writes that
    /// failed), emptied; nothing without a cache.
    pub fn take_cache_notes(&self) -> Vec<CacheNote> {
        self.disk_cache
            .as_ref()
            .map(ModuleCache::take_notes)
            .unwrap_or_default()
    }

    /// The limits this host enforces.
    pub fn config(&self) -> &HostConfig {
        &self.config
    }

    /// Compiles and checks a plugin: no imports, the ABI's exports with their signatures, the
    /// ABI version from `sovstack_abi_version` and from `sovstack_info`, and a [`PluginInfo`] that
    /// parses. `origin` names the plugin in every error (`builtin:processor`, a file path).
    pub fn load(&self, origin: &str, wasm: &[u8]) -> Result<Plugin, PluginError> {
        let sha256 = hex::encode(Sha256::digest(wasm));
        let module = self.compile(origin, &sha256, wasm)?;
        plugin::check_imports(origin, &module)?;
        let exports = plugin::check_exports(origin, &module)?;
        let pre =
            self.linker
                .instantiate_pre(&module)
                .map_err(|e| PluginError::InstantiateFailed {
                    origin: origin.into(),
                    message: format!("{e:#}"),
                })?;

        let mut call = Call::start(self, origin, &pre, exports, self.config.for_load())?;
        let found = call.call::<(), i32>(exports.abi_version, ())?;
        if i64::from(found) != i64::from(ABI_VERSION) {
            return Err(PluginError::AbiMismatch {
                origin: origin.into(),
                source_of_version: "its sovstack_abi_version export returns",
                found: found.into(),
                expected: ABI_VERSION,
            });
        }
        let packed = call.call::<(), i64>(exports.info, ())?;
        let bytes = call.output(packed, exports::INFO)?;
        drop(call);
        let info: PluginInfo =
            serde_json::from_slice(&bytes).map_err(|e| PluginError::BadInfo {
                origin: origin.into(),
                message: e.to_string(),
            })?;
        if info.abi_version != ABI_VERSION {
            return Err(PluginError::AbiMismatch {
                origin: origin.into(),
                source_of_version: "its sovstack_info declares",
                found: info.abi_version.into(),
                expected: ABI_VERSION,
            });
        }

        self.modules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(sha256.clone(), module);
        Ok(Plugin {
            info,
            sha256,
            origin: origin.into(),
            size: wasm.len(),
            pre,
            exports,
        })
    }

    /// Evaluates `request` with `plugin` in a fresh instance, under every limit
    /// ([`Host::evaluate_measured`] also says what it cost).
    ///
    /// The response is checked against the request ([`check_response`]): one that contradicts
    /// it is `plugin/invalid-response`. A response whose `error` is set is returned with the
    /// error cut to [`MAX_ERROR_BYTES`] ([`cap_error`]): the plugin ran, and said it could not
    /// judge the request.
    pub fn evaluate(
        &self,
        plugin: &Plugin,
        request: &EvaluateRequest,
    ) -> Result<EvaluateResponse, PluginError> {
        self.evaluate_measured(plugin, request).result
    }

    /// Like [`Host::evaluate`], and what the evaluation cost ([`Usage`]), whether it succeeded
    /// or not.
    pub fn evaluate_measured(&self, plugin: &Plugin, request: &EvaluateRequest) -> Evaluation {
        let input = request_bytes(request);
        let (output, usage) = self.run(plugin, &input);
        let result = output.and_then(|output| {
            let mut response: EvaluateResponse =
                serde_json::from_slice(&output).map_err(|e| PluginError::MalformedOutput {
                    origin: plugin.origin.clone(),
                    message: e.to_string(),
                })?;
            check_response(request, &response).map_err(|v| PluginError::InvalidResponse {
                origin: plugin.origin.clone(),
                field: v.field,
                problem: v.problem,
            })?;
            response.error = response.error.map(|e| cap_error(&e));
            Ok(response)
        });
        Evaluation { result, usage }
    }

    /// Like [`Host::evaluate`], with the request and the response as raw bytes (for tests and
    /// benchmarks): `input` is written through `sovstack_alloc`, and the bytes
    /// `sovstack_evaluate` returns are copied out, unparsed and unchecked.
    pub fn evaluate_raw(&self, plugin: &Plugin, input: &[u8]) -> Result<Vec<u8>, PluginError> {
        self.run(plugin, input).0
    }

    /// Runs one evaluation on raw bytes, and measures it when the plugin was instantiated.
    fn run(&self, plugin: &Plugin, input: &[u8]) -> (Result<Vec<u8>, PluginError>, Option<Usage>) {
        let started = Instant::now();
        let origin = plugin.origin.as_str();
        // The budgets grow with the request, within the hard caps (`HostConfig::for_request`).
        let limits = self.config.for_request(input.len());
        let cap = limits.memory_cap();
        let Some(len) = u32::try_from(input.len())
            .ok()
            .filter(|&len| len as usize <= cap)
        else {
            let err = PluginError::MemoryLimit {
                origin: origin.into(),
                desired: input.len() as u64,
                limit: cap as u64,
            };
            return (Err(err), None);
        };
        let mut call = match Call::start(self, origin, &plugin.pre, plugin.exports, limits) {
            Ok(call) => call,
            Err(e) => return (Err(e), None),
        };
        let mut steps = || {
            let ptr = call.call::<i32, i32>(plugin.exports.alloc, len as i32)? as u32;
            call.write(ptr, input)?;
            let packed =
                call.call::<(i32, i32), i64>(plugin.exports.evaluate, (ptr as i32, len as i32))?;
            call.output(packed, exports::EVALUATE)
        };
        let result = steps();
        let usage = call.usage(started);
        (result, Some(usage))
    }

    /// The module for these bytes, compiled now or earlier.
    fn compile(&self, origin: &str, sha256: &str, wasm: &[u8]) -> Result<Module, PluginError> {
        let cached = self
            .modules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(sha256)
            .cloned();
        match cached {
            Some(module) => Ok(module),
            None => {
                if !wasm.starts_with(WASM_MAGIC) {
                    return Err(PluginError::CompileFailed {
                        origin: origin.into(),
                        message: format!(
                            "the file is not WebAssembly (a .wasm module starts with the bytes \
                             00 61 73 6d, \"\\0asm\"; this one starts with {})",
                            hex_prefix(wasm)
                        ),
                    });
                }
                let key = self
                    .disk_cache
                    .as_ref()
                    .map(|_| ModuleCache::key(&self.engine, sha256));
                if let (Some(cache), Some(key)) = (&self.disk_cache, &key) {
                    if let cache::Lookup::Hit(module) = cache.load(&self.engine, key) {
                        return Ok(module);
                    }
                }
                let module = Module::from_binary(&self.engine, wasm).map_err(|e| {
                    PluginError::CompileFailed {
                        origin: origin.into(),
                        message: one_line(&format!("{e:#}")),
                    }
                })?;
                if let (Some(cache), Some(key)) = (&self.disk_cache, &key) {
                    cache.store(&module, key);
                }
                Ok(module)
            }
        }
    }
}

/// What one evaluation cost, and the limits it ran under (grown with its request,
/// [`HostConfig::for_request`]). Fuel and memory are deterministic: the same module and request
/// always give the same figures. Wall time is not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Fuel spent: about one unit per WebAssembly instruction (the whole budget when it ran out).
    pub fuel: u64,
    /// The fuel the evaluation was given.
    pub fuel_limit: u64,
    /// The largest size of the plugin's linear memory during the evaluation, in bytes.
    pub memory_peak_bytes: u64,
    /// The memory cap the evaluation ran under, in bytes.
    pub memory_limit_bytes: u64,
    /// Wall-clock time from the start of the evaluation to its end (instantiation, the calls,
    /// copying the response out; not parsing or checking it).
    pub wall_time: Duration,
}

/// What [`Host::evaluate_measured`] gives: the checked response or the failure, and the cost.
#[derive(Debug)]
pub struct Evaluation {
    /// The response, checked against the request, or why there is none.
    pub result: Result<EvaluateResponse, PluginError>,
    /// What the evaluation cost; `None` when the plugin was never instantiated (a request too
    /// large for the memory cap, an instance that could not be created).
    pub usage: Option<Usage>,
}

/// The first four bytes of every WebAssembly binary module.
const WASM_MAGIC: &[u8] = b"\0asm";

/// Up to the first four bytes, in hex (`68 65 6c 6c`), or "nothing" for an empty file.
fn hex_prefix(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "nothing (the file is empty)".to_string();
    }
    let hex: Vec<String> = bytes
        .iter()
        .take(WASM_MAGIC.len())
        .map(|b| format!("{b:02x}"))
        .collect();
    hex.join(" ")
}

/// wasmtime's messages can embed a `{:#?}` of byte arrays over many lines; a diagnostic is one
/// line, so runs of white space that hold a line break become one space (and `[ ` / ` ]` lose it).
fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for (i, line) in message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if i > 0 && !out.ends_with('[') && !line.starts_with(']') {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Host")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// One instance of a plugin in its own store, alive for one load or one evaluation.
struct Call<'h> {
    origin: &'h str,
    // Dropped before the slot, so the pool has the instance back when the slot is released.
    store: Store<CallState>,
    memory: Memory,
    instance: wasmtime::Instance,
    /// The limits of this call: the host's, grown with the request for an evaluation.
    limits: HostConfig,
    _slot: Slot<'h>,
}

impl<'h> Call<'h> {
    fn start(
        host: &'h Host,
        origin: &'h str,
        pre: &InstancePre<CallState>,
        exports: Exports,
        limits: HostConfig,
    ) -> Result<Call<'h>, PluginError> {
        let failed = |message: String| PluginError::InstantiateFailed {
            origin: origin.into(),
            message,
        };
        if !Engine::same(pre.module().engine(), &host.engine) {
            return Err(failed(
                "the plugin was loaded by another sovstack host".into(),
            ));
        }
        let slot = host.slots.acquire();
        let mut store = sandbox::store(
            &host.engine,
            &limits,
            sandbox::deadline_ticks(limits.timeout, host.tick),
        )
        .map_err(failed)?;
        let instance = pre.instantiate(&mut store).map_err(|e| {
            sandbox::classify(e, &store, origin, &limits, |origin, message| {
                PluginError::InstantiateFailed { origin, message }
            })
        })?;
        let memory = instance
            .get_module_export(&mut store, &exports.memory)
            .and_then(Extern::into_memory)
            .ok_or_else(|| failed("the `memory` export is not a memory".into()))?;
        Ok(Call {
            origin,
            store,
            memory,
            instance,
            limits,
            _slot: slot,
        })
    }

    /// Calls an export checked at load time.
    fn call<P: WasmParams, R: WasmResults>(
        &mut self,
        export: ModuleExport,
        params: P,
    ) -> Result<R, PluginError> {
        let func: TypedFunc<P, R> = self
            .instance
            .get_module_export(&mut self.store, &export)
            .and_then(Extern::into_func)
            .and_then(|f| f.typed(&self.store).ok())
            .ok_or_else(|| PluginError::InstantiateFailed {
                origin: self.origin.into(),
                message: "an export checked at load time is missing from the instance".into(),
            })?;
        func.call(&mut self.store, params).map_err(|e| {
            sandbox::classify(
                e,
                &self.store,
                self.origin,
                &self.limits,
                |origin, message| PluginError::Trap { origin, message },
            )
        })
    }

    /// Writes the request where `sovstack_alloc` said.
    fn write(&mut self, ptr: u32, input: &[u8]) -> Result<(), PluginError> {
        self.memory
            .write(&mut self.store, ptr as usize, input)
            .map_err(|_| PluginError::BadPointer {
                origin: self.origin.into(),
                export: exports::ALLOC,
                ptr,
                end: u64::from(ptr) + input.len() as u64,
                memory: self.memory.data_size(&self.store),
            })
    }

    /// What the call has cost since `started`.
    fn usage(&self, started: Instant) -> Usage {
        // Fuel left is unreadable only when fuel is off, and this host always turns it on.
        let left = self.store.get_fuel().unwrap_or(0);
        Usage {
            fuel: self.limits.fuel.saturating_sub(left),
            fuel_limit: self.limits.fuel,
            memory_peak_bytes: self.store.data().memory_peak() as u64,
            memory_limit_bytes: self.limits.memory_cap() as u64,
            wall_time: started.elapsed(),
        }
    }

    /// Copies out what an export returned.
    fn output(&self, packed: i64, export: &'static str) -> Result<Vec<u8>, PluginError> {
        let limit = self.limits.max_output_bytes;
        sandbox::read_output(&self.store, self.memory, packed, export, self.origin, limit)
    }
}
