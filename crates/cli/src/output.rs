//! Where results go: stdout, or a file written atomically (a temporary file in the same
//! directory, then renamed), so a reader never sees half a report and an interrupted run leaves
//! the old file intact.

use anyhow::{bail, Context, Result};
use sovstack_report::{TableOptions, DEFAULT_WIDTH};
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

/// How tables are drawn. The terminal is consulted only when stdout is one and no file is
/// written: a pipe or a file gets [`DEFAULT_WIDTH`] and box-drawing borders unless the options
/// say otherwise, so the same inputs give the same bytes.
pub fn table_options(to_file: bool, width: Option<u16>, wide: bool, ascii: bool) -> TableOptions {
    let terminal = !to_file && io::stdout().is_terminal();
    let width = width.unwrap_or_else(|| match terminal.then(terminal_size::terminal_size).flatten() {
        Some((terminal_size::Width(w), _)) if w > 0 => w,
        _ => DEFAULT_WIDTH,
    });
    TableOptions { color: color_wanted(to_file), width, ascii: ascii || (terminal && !utf8_locale()), wide }
}

/// Whether the locale's character set is UTF-8: the first of `LC_ALL`, `LC_CTYPE`, `LANG` that
/// is set and not empty decides, as for any C program; none set is the C locale (ASCII).
fn utf8_locale() -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("utf-8") || v.contains("utf8")
        })
}

/// Progress goes to stderr, and only when stderr is a terminal.
pub fn progress(message: &str) {
    if io::stderr().is_terminal() {
        eprintln!("{message}");
    }
}

/// The toolchain walk's progress: a spinner with counts on stderr, drawn only when stderr is a
/// terminal (indicatif hides it otherwise), in plain text (no colour, so `NO_COLOR` holds).
pub struct WalkProgress {
    bar: indicatif::ProgressBar,
}

impl WalkProgress {
    /// A hidden bar until the first update, so layers without a walk print nothing.
    pub fn start() -> WalkProgress {
        let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        let style = indicatif::ProgressStyle::with_template("{spinner} walking: {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
        bar.set_style(style);
        WalkProgress { bar }
    }

    /// Shows the walk's counts (called from the walk's threads).
    pub fn update(&self, p: sovstack_scan::WalkProgress) {
        self.bar.set_message(format!("{} files, {} binaries, {} directories", p.files, p.binaries, p.directories));
        self.bar.tick();
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
