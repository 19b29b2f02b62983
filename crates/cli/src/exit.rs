//! Exit codes, the contract with scripts (documented in the README and `--help`).

/// Everything ran; the policy gate, if any, passed.
pub const SUCCESS: u8 = 0;
/// The policy gate failed (`--fail-under`, `--fail-on`).
pub const POLICY_FAILED: u8 = 1;
/// Bad usage or bad input: an unreadable or malformed file, an invalid ruleset, a plugin that
/// failed to load or run (the report is still written, with the failure among its diagnostics).
pub const USAGE_OR_INPUT: u8 = 2;
