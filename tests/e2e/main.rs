//! End-to-end tests: the real `sovstack` binary on real inputs (fixture roots captured from real
//! machines, this machine's own root, the built-in plugins and rulesets, hand-written hostile
//! plugins). One test binary, modules by theme.

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
mod errors;
mod formats;
mod gate;
mod html;
mod import;
mod install;
mod network;
mod output;
mod plugins;
mod ruleset_cmd;
mod schema;
mod software;
mod suppliers;
mod table;
mod toolchain;
mod waivers;
