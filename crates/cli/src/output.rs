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
    // 0666 before the umask, as any file the user creates: tempfile's own default is 0600,
    // which would leave a report unreadable to the colleagues it is written for.
    use std::os::unix::fs::PermissionsExt;
    let mut tmp = tempfile::Builder::new()
        .prefix(".sovstack-")
        .permissions(std::fs::Permissions::from_mode(0o666))
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

/// The scan's progress: a spinner on stderr with the toolchain walk's counts or the network
/// layer's resolved endpoints, drawn only when stderr is a terminal (indicatif hides it
/// otherwise), in plain text (no colour, so `NO_COLOR` holds).
pub struct ScanProgress {
    bar: indicatif::ProgressBar,
}

impl ScanProgress {
    /// A hidden bar until the first update, so layers without a long step print nothing.
    pub fn start() -> ScanProgress {
        let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        let style = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
        bar.set_style(style);
        ScanProgress { bar }
    }

    /// Shows how the step goes (called from the walk's threads and the resolver's runtime).
    pub fn update(&self, p: sovstack_scan::Progress) {
        match p {
            sovstack_scan::Progress::Walk(p) => self.bar.set_message(format!(
                "walking: {} files, {} binaries, {} directories",
                p.files, p.binaries, p.directories
            )),
            sovstack_scan::Progress::Resolve { done, total } => {
                if done == 0 {
                    // Answers may be seconds apart (a slow or dead resolver): keep the clock moving.
                    self.bar.enable_steady_tick(std::time::Duration::from_millis(250));
                }
                self.bar.set_message(format!("resolving {done}/{total} endpoints"));
            }
        }
        self.bar.tick();
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
