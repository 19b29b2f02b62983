//! End-to-end tests: the real `sovstack` binary on real inputs (fixture roots captured from real
//! machines, this machine's own root, the built-in plugins and rulesets, hand-written hostile
//! plugins). One test binary, modules by theme.

#[path = "../../crates/host/tests/common/replying.rs"]
mod replying;
mod util;

mod audit;
mod cables;
mod cli_contract;
mod compare;
mod conformance;
mod determinism;
mod diagnostics;
mod diff;
mod dns;
mod dnsmasq;
mod errors;
mod formats;
mod gate;
mod graph;
mod guests;
mod html;
mod import;
mod install;
mod jsonl;
mod lying_plugins;
mod materials;
mod network;
mod output;
mod plugin_abi;
mod plugin_cache;
mod plugin_tools;
mod plugins;
mod ruleset_cmd;
mod schema;
mod scoring;
mod sobriety;
mod software;
mod suppliers;
mod table;
mod toolchain;
mod waivers;
mod whatif;
mod windows;
