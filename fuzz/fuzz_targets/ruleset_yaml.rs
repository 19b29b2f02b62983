//! Fuzzes ruleset parsing and validation (the strict YAML reader the configuration file shares,
//! then the ABI's shared checks): it never panics; every problem has a declared code and points at
//! a line of the input; an accepted ruleset passes the checks every plugin makes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_ruleset::{ValidRuleset, Vocabulary, HOST_REFUSALS};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split(['\n', '\r']).count() as u64;
    let vocabulary = Vocabulary {
        blocs: vec!["EU".into(), "NATO".into()],
        countries: vec!["FR".into(), "US".into(), "CN".into()],
    };
    match ValidRuleset::from_yaml("fuzz.yaml", &text, &vocabulary) {
        Ok(ruleset) => {
            for layer in ruleset.layers() {
                let view = ruleset.view_for(layer);
                assert!(
                    sovstack_abi::semantics::check(&view).is_empty(),
                    "accepted, yet a plugin refuses it"
                );
            }
        }
        Err(e) => {
            let problems = e.problems();
            assert!(!problems.is_empty());
            for p in problems {
                let declared = sovstack_abi::semantics::REFUSALS
                    .iter()
                    .chain(HOST_REFUSALS)
                    .any(|(code, _)| *code == p.code);
                assert!(declared, "undeclared code {}", p.code);
                assert!(
                    p.line <= lines,
                    "{}:{} past the input's {lines} lines",
                    p.line,
                    p.column
                );
            }
        }
    }
});
