//! One module per subcommand, each with its clap arguments, usage examples and `execute`.

pub mod audit;
pub mod cables;
pub mod compare;
pub mod diff;
pub mod evaluate;
pub mod generate;
pub mod plugin;
pub mod plugin_inspect;
pub mod plugin_new;
pub mod plugin_pin;
pub mod plugin_request;
pub mod plugin_test;
pub mod ruleset;
pub mod scan;
