//! Walks a tree, detects the toolchain of every binary and prints the aggregate and the rate:
//! the benchmark subject of `bench/usr.sh`.
//!
//! ```sh
//! cargo run --release -p sovstack-binary --example walk -- /usr [--one-file-system] [--no-rodata] [--all-files] [--list]
//! ```
//!
//! `--all-files` opens every regular file, even those the walk skips by name
//! (`WalkOptions::open_every_file`).

use sovstack_binary::{walk, Component, WalkOptions};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

// Output may go to a closed pipe (`| head`): stop quietly then.
macro_rules! out {
    ($($t:tt)*) => {
        if writeln!(std::io::stdout(), $($t)*).is_err() {
            std::process::exit(0);
        }
    };
}

fn main() {
    let mut root = PathBuf::from("/usr");
    let mut options = WalkOptions::default();
    let mut list = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--one-file-system" => options.one_filesystem = true,
            "--no-rodata" => options.detect.scan_rodata = false,
            "--all-files" => options.open_every_file = true,
            "--list" => list = true,
            _ => root = PathBuf::from(arg),
        }
    }
    let kb = sovstack_kb::Kb::builtin().expect("the built-in knowledge base loads");
    let start = Instant::now();
    let out = match walk(kb.toolchain_marks(), &root, &options, &|_| {}) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let secs = start.elapsed().as_secs_f64();
    if list {
        for (path, r) in &out.binaries {
            let labels: Vec<String> = r
                .detections
                .iter()
                .map(|d| format!("{}:{}", d.component, d.label()))
                .collect();
            out!("{path}\t{}\t{}", r.format, labels.join(" "));
        }
    }
    out!(
        "{} files ({} skipped by name), {} binaries, {} diagnostics in {secs:.3}s: {:.0} files/s",
        out.files,
        out.skipped_by_name,
        out.binaries.len(),
        out.diagnostics.len(),
        out.files as f64 / secs
    );
    for component in [
        Component::Compiler,
        Component::Linker,
        Component::Libc,
        Component::Runtime,
    ] {
        out!("{component}:");
        for share in out.tally.shares(component).iter().take(8) {
            out!("  {share}");
        }
    }
}
