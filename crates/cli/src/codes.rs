//! The codes the CLI itself gives in its error messages, declared once (tests/e2e/diagnostics.rs
//! includes this file into docs/diagnostics.md).

// `ALL` is read by the diagnostics test, not by the binary.
#![allow(dead_code)]

sovstack_inventory::diagnostic_codes! {
    CONFIG_SYNTAX = "config/syntax": "the configuration file (sovstack.yaml or --config) is not YAML, or holds an unknown key or a value of the wrong type",
    CONFIG_COUNTRY = "config/country": "the configuration file's organisation country is not an ISO 3166-1 alpha-2 code the knowledge base knows",
    CONFIG_PATH = "config/path": "the configuration file names a ruleset, endpoints file, declared-suppliers file or data directory that is not there",
    PLUGIN_NOT_LOADED = "plugin/not-loaded": "a plugin given with --plugin did not load: no built-in plugin stands in for it, and the layers it may have been meant for are not evaluated",
    WAIVER_SYNTAX = "waiver/syntax": "the waivers file (--waivers) is not YAML, or holds an unknown key, a missing one or a value of the wrong type",
    WAIVER_UNKNOWN_RULE = "waiver/unknown-rule": "a waiver names a rule that no ruleset of the run has",
    WAIVER_TARGET = "waiver/target": "a waiver names neither an item nor a pattern, both, or a pattern that is not a glob",
    PLUGIN_UNSIGNED = "plugin/unsigned": "--require-signed is given and a plugin file has no signature (FILE.wasm.minisig), or no trusted key to check it with",
    PLUGIN_BAD_SIGNATURE = "plugin/bad-signature": "a plugin file's minisign signature does not verify with any trusted key (another key, or the file changed since it was signed)",
    WAIVER_FIELD = "waiver/field": "a waiver's justification or owner is empty, or its expiry is not a date as YYYY-MM-DD",
}
