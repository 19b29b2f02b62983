//! Where results go: stdout, or a file written atomically (a temporary file in the same
//! directory, then renamed), so a reader never sees half a report and an interrupted run leaves
//! the old file intact.

use anyhow::{bail, Context, Result};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically, or to stdout when `path` is `None` or `-`.
pub fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        None => write_stdout(bytes),
        Some(p) if p == Path::new("-") => write_stdout(bytes),
        Some(p) => write_atomically(p, bytes),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".sovstack-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot write to directory {}", dir.display()))?;
    tmp.write_all(bytes).with_context(|| format!("writing {}", path.display()))?;
    tmp.as_file().sync_all().with_context(|| format!("writing {}", path.display()))?;
    tmp.persist(path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// Refuses an output path that is one of the inputs: nothing the user gave is modified.
pub fn refuse_overwriting_input(output: Option<&Path>, inputs: &[&Path]) -> Result<()> {
    let Some(out) = output else { return Ok(()) };
    let Ok(out) = out.canonicalize() else { return Ok(()) };
    for input in inputs {
        if input.canonicalize().is_ok_and(|i| i == out) {
            bail!("-o {} would overwrite an input; choose another output file", out.display());
        }
    }
    Ok(())
}

/// Whether the error is a closed stdout (`sovstack audit | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<io::Error>().is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe))
}

/// Colours only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
pub fn color_wanted(to_file: bool) -> bool {
    !to_file && io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Progress goes to stderr, and only when stderr is a terminal.
pub fn progress(message: &str) {
    if io::stderr().is_terminal() {
        eprintln!("{message}");
    }
}
