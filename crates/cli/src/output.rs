//! Where results go: stdout (`-o -` or no `-o`), or the path given to `-o`, written the way its
//! kind of file asks for, and never by replacing what is not a regular file:
//!
//! - a regular file (also one reached through symlinks, whose final target is written) is
//!   replaced atomically: a temporary file in the final target's directory, with the old file's
//!   mode (and owner, when allowed), synced, then renamed over it. A reader never sees half a
//!   report, and an interrupted run leaves the old file intact;
//! - a new file is created the same way, 0666 less the umask, as any file the user creates;
//! - when the directory cannot take the temporary file but the file itself is writable (a
//!   writable file in a read-only directory), the file is truncated and written in place, and a
//!   notice on stderr says the write was not atomic;
//! - character devices (`/dev/null`, a terminal), FIFOs and Unix sockets are written directly;
//!   `/dev/fd/N`, `/proc/self/fd/N`, `/dev/stdout` and `/dev/stderr` write to that descriptor
//!   (process substitution, `-o >(gzip > r.gz)`, gives such a path);
//! - directories and block devices are refused.

use anyhow::{bail, Context, Result};
use sovstack_report::{TableOptions, DEFAULT_WIDTH};
use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// Writes `bytes` to `path` as the module describes, or to stdout when `path` is `None` or `-`.
pub fn emit(path: Option<&Path>, bytes: &[u8]) -> Result<()> {
    match path {
        None => write_stdout(bytes),
        Some(p) if p == Path::new("-") => write_stdout(bytes),
        Some(p) => write_path(p, bytes),
    }
}

fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// How many symlinks are followed before giving up (Linux's own limit).
const MAX_SYMLINKS: usize = 40;

/// Where a path leads once its symlinks are followed.
#[derive(Debug, PartialEq)]
enum Target {
    /// An open file descriptor of this process (`/dev/fd/N` and its aliases).
    Descriptor(i32),
    /// A path that is not a symlink (it may not exist yet).
    Path(PathBuf),
}

/// The descriptor a path names, for the paths that name one: `/dev/fd/N`, `/proc/self/fd/N`,
/// `/proc/PID/fd/N` of this process, `/dev/stdout` and `/dev/stderr`.
fn descriptor_path(p: &Path) -> Option<i32> {
    let s = p.to_str()?;
    match s {
        "/dev/stdout" => return Some(1),
        "/dev/stderr" => return Some(2),
        _ => {}
    }
    let pid = std::process::id().to_string();
    let rest = s
        .strip_prefix("/dev/fd/")
        .or_else(|| s.strip_prefix("/proc/self/fd/"))
        .or_else(|| s.strip_prefix("/proc/thread-self/fd/"))
        .or_else(|| {
            s.strip_prefix("/proc/")
                .and_then(|r| r.strip_prefix(pid.as_str()))
                .and_then(|r| r.strip_prefix("/fd/"))
        })?;
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok()
}

/// Follows the symlinks of `path` (its last component, then again for each link's target) until
/// a path that is not a symlink, or a descriptor path.
fn resolve(path: &Path) -> Result<Target> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_SYMLINKS {
        if let Some(fd) = descriptor_path(&current) {
            return Ok(Target::Descriptor(fd));
        }
        match std::fs::symlink_metadata(&current) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)
                    .with_context(|| format!("cannot read the link {}", current.display()))?;
                current = if link.is_absolute() {
                    link
                } else {
                    parent_dir(&current).join(link)
                };
                current = normalize(&current);
            }
            _ => return Ok(Target::Path(current)),
        }
    }
    bail!("{}: too many levels of symbolic links", path.display())
}

/// The directory a path is in (`.` for a bare file name).
fn parent_dir(p: &Path) -> PathBuf {
    match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Removes `.` components (a link target `./x` would otherwise never match a descriptor path).
/// `..` is left as it is: it means the parent of what the kernel finds, which is not lexical.
fn normalize(p: &Path) -> PathBuf {
    p.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

fn write_path(path: &Path, bytes: &[u8]) -> Result<()> {
    let target = match resolve(path)? {
        Target::Descriptor(fd) => return write_descriptor(path, fd, bytes),
        Target::Path(p) => p,
    };
    let shown = if target == path {
        path.display().to_string()
    } else {
        format!("{} (through the link {})", target.display(), path.display())
    };
    let meta = match std::fs::metadata(&target) {
        Ok(m) => Some(m),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(plain_io(e)).with_context(|| format!("cannot write {shown}")),
    };
    let Some(meta) = meta else {
        return replace_atomically(&target, None, bytes, &shown);
    };
    let kind = meta.file_type();
    if kind.is_file() {
        replace_atomically(&target, Some(&meta), bytes, &shown)
    } else if kind.is_char_device() || kind.is_fifo() {
        let mut f = OpenOptions::new()
            .write(true)
            .custom_flags(O_NOCTTY)
            .open(&target)
            .map_err(plain_io)
            .with_context(|| format!("cannot open {shown}"))?;
        f.write_all(bytes)
            .map_err(plain_io)
            .with_context(|| format!("cannot write {shown}"))?;
        Ok(())
    } else if kind.is_socket() {
        let mut s = std::os::unix::net::UnixStream::connect(&target)
            .map_err(plain_io)
            .with_context(|| format!("cannot connect to the socket {shown}"))?;
        s.write_all(bytes)
            .map_err(plain_io)
            .with_context(|| format!("cannot write to the socket {shown}"))?;
        s.shutdown(std::net::Shutdown::Write).ok();
        Ok(())
    } else {
        refuse_kind(kind, &shown)
    }
}

/// The refusal of a kind of file reports are never written to (directories, block devices).
fn refuse_kind(kind: std::fs::FileType, shown: &str) -> Result<()> {
    if kind.is_dir() {
        bail!("cannot write {shown}: it is a directory; give a file name")
    } else if kind.is_block_device() {
        bail!("cannot write {shown}: it is a block device; reports go to files, character devices, FIFOs and sockets")
    }
    Ok(())
}

/// Refuses, before anything is written, a destination [`emit`] would refuse for its kind (a
/// directory, a block device): a run with several outputs then writes all of them or none for
/// that reason.
pub fn refuse_unwritable(path: Option<&Path>) -> Result<()> {
    let Some(path) = path.filter(|p| *p != Path::new("-")) else {
        return Ok(());
    };
    if let Target::Path(target) = resolve(path)? {
        if let Ok(meta) = std::fs::metadata(&target) {
            refuse_kind(meta.file_type(), &path.display().to_string())?;
        }
    }
    Ok(())
}

/// `O_NOCTTY` (its value on Linux, every architecture sovstack builds for): opening a terminal to
/// write a report must not make it our controlling terminal.
const O_NOCTTY: i32 = 0o400;

/// Writes to an open descriptor of this process (`/dev/fd/N`).
fn write_descriptor(path: &Path, fd: i32, bytes: &[u8]) -> Result<()> {
    if fd == 1 {
        return write_stdout(bytes).with_context(|| format!("cannot write {}", path.display()));
    }
    // The descriptor must exist before it is borrowed: /proc/self/fd lists this process's.
    if std::fs::symlink_metadata(format!("/proc/self/fd/{fd}")).is_err() {
        bail!(
            "cannot write {}: descriptor {fd} is not open in this process",
            path.display()
        );
    }
    // SAFETY: descriptor `fd` is open (checked just above, and nothing in this single-threaded
    // step closes it); it is only borrowed to be duplicated, and the duplicate is owned.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
    let owned = borrowed
        .try_clone_to_owned()
        .map_err(plain_io)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut f = File::from(owned);
    f.write_all(bytes)
        .map_err(plain_io)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Replaces (or creates) the regular file `target` atomically in its own directory, keeping the
/// old file's mode and owner. When the directory cannot take a temporary file but the old file is
/// writable, writes it in place and says so.
fn replace_atomically(
    target: &Path,
    old: Option<&std::fs::Metadata>,
    bytes: &[u8],
    shown: &str,
) -> Result<()> {
    let dir = parent_dir(target);
    // A new file: 0666 before the umask, as any file the user creates (tempfile's own 0600 would
    // leave a report unreadable to the colleagues it is written for). An old one keeps its mode.
    let mode = old.map_or(0o666, |m| m.permissions().mode() & 0o7777);
    let tmp = tempfile::Builder::new()
        .prefix(".sovstack-")
        .permissions(std::fs::Permissions::from_mode(mode))
        .tempfile_in(&dir);
    let mut tmp = match tmp {
        Ok(t) => t,
        Err(e) if old.is_some() && is_permission(&e) => {
            return write_in_place(target, &dir, bytes, shown, e)
        }
        Err(e) => {
            return Err(plain_io(e)).with_context(|| {
                format!(
                    "cannot write {shown}: cannot create a file in {}",
                    dir.display()
                )
            })
        }
    };
    if let Some(m) = old {
        // Keep the owner where we may (root writing a user's file); elsewhere it is ours anyway.
        let mine = tmp.as_file().metadata().ok();
        if mine.is_some_and(|t| (t.uid(), t.gid()) != (m.uid(), m.gid())) {
            std::os::unix::fs::fchown(tmp.as_file(), Some(m.uid()), Some(m.gid())).ok();
        }
        // The umask applied at creation and chown clears set-id bits: the old mode is what the
        // user chose, so it is set last.
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .ok();
    }
    tmp.write_all(bytes)
        .map_err(plain_io)
        .with_context(|| format!("cannot write {shown}"))?;
    tmp.as_file()
        .sync_all()
        .map_err(plain_io)
        .with_context(|| format!("cannot write {shown}"))?;
    tmp.persist(target)
        .map_err(|e| plain_io(e.error))
        .with_context(|| format!("cannot replace {shown}"))?;
    // The rename is durable once the directory is synced; a failure here loses nothing written.
    if let Ok(d) = File::open(&dir) {
        d.sync_all().ok();
    }
    Ok(())
}

fn is_permission(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::PermissionDenied || e.kind() == io::ErrorKind::ReadOnlyFilesystem
}

/// The fallback for a writable file in a directory that is not: truncate and write in place.
fn write_in_place(
    target: &Path,
    dir: &Path,
    bytes: &[u8],
    shown: &str,
    dir_error: io::Error,
) -> Result<()> {
    let mut f = match OpenOptions::new().write(true).truncate(true).open(target) {
        Ok(f) => f,
        Err(_) => {
            return Err(plain_io(dir_error)).with_context(|| {
                format!(
                    "cannot write {shown}: neither the file nor its directory {} is writable",
                    dir.display()
                )
            })
        }
    };
    eprintln!(
        "sovstack: notice: {shown} was written in place, not atomically: its directory {} is not writable, so no temporary file could be renamed over it",
        dir.display()
    );
    f.write_all(bytes)
        .map_err(plain_io)
        .with_context(|| format!("cannot write {shown}"))?;
    f.sync_all()
        .map_err(plain_io)
        .with_context(|| format!("cannot write {shown}"))?;
    Ok(())
}

/// An I/O error reduced to its own words ("Permission denied"), without the `(os error 13)`
/// suffix, so that each message says the cause once.
fn plain_io(e: io::Error) -> anyhow::Error {
    let text = e.to_string();
    let text = match text.find(" (os error ") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    anyhow::Error::msg(text)
}

/// Refuses an output path that is one of the inputs: nothing the user gave is modified.
pub fn refuse_overwriting_input(output: Option<&Path>, inputs: &[&Path]) -> Result<()> {
    let Some(out) = output else { return Ok(()) };
    let Ok(out) = out.canonicalize() else {
        return Ok(());
    };
    for input in inputs {
        if input.canonicalize().is_ok_and(|i| i == out) {
            bail!(
                "-o {} would overwrite an input; choose another output file",
                out.display()
            );
        }
    }
    Ok(())
}

/// Whether the error is a closed stdout (`sovstack audit | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Colours only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
pub fn color_wanted(to_file: bool) -> bool {
    !to_file
        && io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// How tables are drawn. The terminal is consulted only when stdout is one and no file is
/// written: a pipe or a file gets [`DEFAULT_WIDTH`] and box-drawing borders unless the options
/// say otherwise, so the same inputs give the same bytes.
pub fn table_options(to_file: bool, width: Option<u16>, wide: bool, ascii: bool) -> TableOptions {
    let terminal = !to_file && io::stdout().is_terminal();
    let width =
        width.unwrap_or_else(
            || match terminal.then(terminal_size::terminal_size).flatten() {
                Some((terminal_size::Width(w), _)) if w > 0 => w,
                _ => DEFAULT_WIDTH,
            },
        );
    TableOptions {
        color: color_wanted(to_file),
        width,
        ascii: ascii || (terminal && !utf8_locale()),
        wide,
    }
}

/// A table for listings (rulesets, plugins, cables, what-ifs), as wide as the terminal or
/// [`DEFAULT_WIDTH`] columns in a pipe or file, its cells wrapped to fit.
pub fn listing_table() -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL_CONDENSED)
        .force_no_tty();
    t.set_width(table_options(false, None, false, false).width);
    t.set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    t
}

/// A listing's table followed by each row's whole sha256 on a line of its own (`NAME  HASH`):
/// a hash is copied whole to pin it, and 64 characters in a table column would not fit.
pub fn with_hashes(table: &comfy_table::Table, hashes: &[(&str, &str)]) -> String {
    let mut out = format!("{table}\nsha256:\n");
    let width = hashes
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    for (name, hash) in hashes {
        out.push_str(&format!("  {name:width$}  {hash}\n"));
    }
    out
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

/// The scan's progress: a spinner on stderr with the toolchain walk's counts or the network
/// layer's resolved endpoints, drawn only when stderr is a terminal (indicatif hides it
/// otherwise), in plain text (no colour, so `NO_COLOR` holds).
pub struct ScanProgress {
    bar: indicatif::ProgressBar,
}

impl ScanProgress {
    /// A hidden bar until the first update, so layers without a long step print nothing.
    pub fn start() -> ScanProgress {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
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
            sovstack_scan::Progress::Import { done, total } => self
                .bar
                .set_message(format!("importing {done}/{total} files")),
            sovstack_scan::Progress::Resolve { done, total } => {
                if done == 0 {
                    // Answers may be seconds apart (a slow or dead resolver): keep the clock moving.
                    self.bar
                        .enable_steady_tick(std::time::Duration::from_millis(250));
                }
                self.bar
                    .set_message(format!("resolving {done}/{total} endpoints"));
            }
        }
        self.bar.tick();
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
