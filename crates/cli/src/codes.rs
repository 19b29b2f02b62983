//! The codes the CLI itself gives in its error messages, declared once (tests/e2e/diagnostics.rs
//! includes this file into docs/diagnostics.md).

// `ALL` is read by the diagnostics test, not by the binary.
#![allow(dead_code)]

sovstack_inventory::diagnostic_codes! {
    CONFIG_SYNTAX = "config/syntax": "the configuration file (sovstack.yaml or --config) is not YAML, or holds an unknown key or a value of the wrong type",
    CONFIG_COUNTRY = "config/country": "the configuration file's organisation country is not an ISO 3166-1 alpha-2 code the knowledge base knows",
}
