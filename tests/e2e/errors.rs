//! Input errors in plain words: one sentence naming the file, line, column and field, said once,
//! and exit code 2.

use crate::util::*;

/// Runs, expects exit 2 and returns stderr.
fn fails(cmd: &mut std::process::Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 2, "stdout: {out}\nstderr: {err}");
    err
}

#[test]
fn an_io_error_is_said_once() {
    let dir = tempdir();
    let missing = dir.path().join("missing.txt");
    let err = fails(sovstack().args(["scan", "--offline", "--layers", "network", "--endpoints"]).arg(&missing));
    let os = std::fs::read(&missing).unwrap_err().to_string();
    assert_eq!(err.matches(&os).count(), 1, "{err}");
    assert_eq!(err.trim_end(), format!("sovstack: error: cannot read endpoints file {}: {os}", missing.display()));
}
