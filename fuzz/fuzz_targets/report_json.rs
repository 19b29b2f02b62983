//! Fuzzes the JSON report reader `sovstack diff` uses (`sovstack_report::from_json`): it never
//! panics; an error's line is within the input; an accepted report is of model 1, can be diffed
//! against itself with nothing changed, and renders in every format.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sovstack_report::{diff::diff, FormatKind, RenderOptions};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let lines = text.split('\n').count();
    match sovstack_report::from_json(&text) {
        Ok(report) => {
            assert!(report.report_version.starts_with('1'));
            let d = diff(&report, &report);
            assert!(
                !d.regression,
                "a report regresses against itself: {:?}",
                d.regressions
            );
            assert!(d.findings_appeared.is_empty() && d.dependencies_added.is_empty());
            for kind in FormatKind::ALL {
                kind.render(&report, RenderOptions::default())
                    .expect("rendering into memory does not fail");
            }
        }
        Err((line, _, message)) => {
            assert!(
                line >= 1 && line <= lines,
                "line {line} of {lines}: {message}"
            );
        }
    }
});
