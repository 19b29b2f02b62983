//! A parallel walk of a file tree that runs the detector on every ELF, PE and Mach-O file.
//!
//! Confinement: the walk starts at the root and only descends through real directories; it
//! never follows a symbolic link, so it cannot leave the root (a link to a file inside the root
//! is counted where its target lies). At the root it skips `proc`, `sys` and `dev`, and it can
//! stay on the root's filesystem. Only regular files are opened (the directory entry's type,
//! no `stat`), their first bytes are sniffed, and only binaries are read further, within
//! [`DetectOptions::max_bytes`].
//!
//! Files whose extension names a format that is never a binary ([`NEVER_BINARY_EXTENSIONS`]:
//! `.gz`, `.py`, `.png`...) are counted but not opened, unless
//! [`WalkOptions::open_every_file`]; [`WalkOutcome::skipped_by_name`] says how many. On `/usr`
//! that is nine files in ten, and opening them was most of the walk's time.
//!
//! Failures never stop the walk: an unreadable directory or file becomes a
//! `scan/unreadable-file` diagnostic, a broken binary a `toolchain/malformed-binary` one.
//! Progress goes to a callback (the library prints nothing); the CLI decides how to show it.
//!
//! Parallelism is rayon's work stealing: one task per directory, so wide and deep trees both
//! spread over the threads, and a directory with many files to open (`/usr/bin`,
//! `/usr/lib/x86_64-linux-gnu`) is split into tasks of [`CHUNK`] files.
//!
//! Cost per file, in system calls: none for a file skipped by name; `openat`, one `pread` of 8
//! bytes into a stack buffer and `close` for any other non-binary; `fstat` and the parsers'
//! reads only for binaries. Nothing is allocated for a file that is not a binary nor a
//! problem (its shown path is built only then). Directories are listed with `getdents64` into a
//! 32 KiB stack buffer (several hundred entries per call).

use crate::report::BinaryReport;
use crate::tally::Tally;
use crate::{detect_sniffed_file, sniff, DetectOptions, Error};
use rustix::fd::{AsFd, BorrowedFd, OwnedFd};
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use sovstack_inventory::{Diagnostic, DiagnosticSeverity};
use sovstack_kb::ToolchainMarks;
use std::ffi::{CStr, CString, OsStr};
use std::fs::{self, File};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Extensions (compared without regard to case) of formats that are never an ELF, PE or Mach-O
/// file. The walk counts files so named but does not open them, unless
/// [`WalkOptions::open_every_file`]. Each entry is text, or a format with its own magic bytes
/// at offset 0 (the walk sniffs offset 0 only, and never looks inside archives), so skipping
/// it loses nothing but a binary deliberately misnamed.
///
/// What is never here, and is always opened: names without an extension; numeric extensions
/// (`libfoo.so.1.2`, `python3.11`); any extension a binary may carry, however odd
/// (`.so`, `.dll`, `.exe`, `.sys`, `.efi`, `.pyd`, `.node`, `.dylib`, `.bundle`, `.debug`,
/// `.a`, `.o`, `.obj`, `.ko`, `.bin`, `.elf`, `.out`, and suffixes such as `ld.gold`,
/// `vim.basic`, `fsck.minix`); backup and temporary suffixes (`.bak`, `.old`, `.orig`,
/// `.tmp`), which may be copies of binaries; names starting with a dot (`.bashrc`).
#[rustfmt::skip]
pub const NEVER_BINARY_EXTENSIONS: &[&str] = &[
    // Compressed streams and tarballs: the magic is the compressor's or tar's. A compressed
    // kernel module (`.ko.xz`) or man page is not an ELF file as it lies on disk.
    "gz", "tgz", "xz", "txz", "bz2", "tbz2", "zst", "lz4", "lzma", "br", "tar",
    // Python source, stubs, path files and bytecode (`.pyc` starts with its own magic number).
    // Python extension modules are `.so` or `.pyd`, never listed.
    "py", "pyi", "pyc", "pyo", "pyx", "pxd", "pth",
    // Source code and build files, all text: C, C++, Go, Rust, Java, assembler, autotools, CMake,
    // pkg-config, libtool's `.la`.
    "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "hxx", "inl", "go", "rs", "java", "s", "asm", "m4",
    "cmake", "mk", "am", "ac", "pc", "la",
    // Scripts, all text: shell, Perl, Ruby, PHP, Tcl, Lua, JavaScript, TypeScript, Vim script,
    // Emacs Lisp and its bytecode.
    "sh", "bash", "zsh", "fish", "pl", "pm", "ph", "pod", "rb", "php", "tcl", "lua", "js", "mjs",
    "cjs", "ts", "vim", "el", "elc",
    // JVM bytecode and its archives (zip with `PK` magic, jmod with `JM`): no native code at
    // offset 0. LLVM bitcode (`BC\xc0\xde`).
    "class", "jar", "jmod", "bc",
    // Documentation, markup, configuration and data as text.
    "txt", "md", "rst", "html", "htm", "xhtml", "css", "xml", "xsl", "xslt", "xsd", "dtd", "json",
    "yaml", "yml", "toml", "ini", "conf", "cfg", "csv", "tsv", "sql", "tex", "sty", "pom",
    "properties", "log", "diff", "patch", "desktop", "service", "socket", "timer", "target",
    // Gettext catalogs: `.po`/`.pot` text, `.mo`/`.gmo` compiled (magic 0x950412de).
    "po", "pot", "mo", "gmo",
    // Images, fonts and sound, each with its own magic.
    "png", "jpg", "jpeg", "gif", "bmp", "webp", "tif", "tiff", "ico", "xpm", "xbm", "svg", "svgz",
    "ttf", "otf", "woff", "woff2", "pfb", "afm", "wav", "ogg", "mp3", "flac",
    // Certificates and keys in PEM text.
    "crt", "pem",
    // dpkg's package state under /var/lib/dpkg/info: lists, checksums, maintainer scripts.
    "list", "md5sums", "conffiles", "triggers", "shlibs", "symbols", "templates", "postinst",
    "preinst", "postrm", "prerm",
];

/// The longest extension in [`NEVER_BINARY_EXTENSIONS`] (longer ones are never looked up).
const MAX_EXTENSION: usize = 10;

/// Files to open per task: a directory with more is split so that both threads share it.
pub const CHUNK: usize = 128;

/// How to walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkOptions {
    /// Limits for each file.
    pub detect: DetectOptions,
    /// Do not descend into directories on another filesystem than the root's.
    pub one_filesystem: bool,
    /// Names skipped directly under the root (default `proc`, `sys`, `dev`: kernel views, not
    /// files; reading some of them blocks or never ends).
    pub skip_at_root: Vec<String>,
    /// Open every regular file, even those whose extension names a format that is never a
    /// binary ([`NEVER_BINARY_EXTENSIONS`]). Off by default: such files are counted in
    /// [`WalkOutcome::skipped_by_name`] instead.
    pub open_every_file: bool,
    /// What the walked directory is called in the paths, evidence and messages of the outcome
    /// (`/usr` when a scan walks its root's `/usr`). Empty, or `/`, shows paths from the walked
    /// directory itself: `/bin/ls`.
    pub shown_as: String,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            detect: DetectOptions::default(),
            one_filesystem: false,
            skip_at_root: ["proc", "sys", "dev"].map(String::from).to_vec(),
            open_every_file: false,
            shown_as: String::new(),
        }
    }
}

/// Where a walk is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Regular files seen so far.
    pub files: u64,
    /// Binaries among them.
    pub binaries: u64,
    /// Directories listed.
    pub directories: u64,
}

/// What a walk found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WalkOutcome {
    /// Regular files seen, including those skipped by name.
    pub files: u64,
    /// Regular files not opened because their extension names a format that is never a
    /// binary ([`NEVER_BINARY_EXTENSIONS`]); 0 with [`WalkOptions::open_every_file`].
    pub skipped_by_name: u64,
    /// Each binary and its report, by path (as seen inside the root, starting with `/`).
    pub binaries: Vec<(String, BinaryReport)>,
    /// The aggregate over `binaries`.
    pub tally: Tally,
    /// Problems met, by path.
    pub diagnostics: Vec<Diagnostic>,
}

/// Errors that stop a walk before it starts.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    /// The root cannot be read as a directory.
    #[error("cannot walk {path}: {source}")]
    Root {
        /// The root.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

struct Shared<'a> {
    marks: &'a ToolchainMarks,
    options: &'a WalkOptions,
    root_dev: u64,
    /// [`NEVER_BINARY_EXTENSIONS`] sorted, or empty with `open_every_file`.
    skip: Vec<&'static [u8]>,
    /// Whether to ask for `O_NOATIME`; cleared at the first `EPERM` (only the owner may).
    noatime: AtomicBool,
    files: AtomicU64,
    skipped: AtomicU64,
    binaries: AtomicU64,
    directories: AtomicU64,
    progress: &'a (dyn Fn(Progress) + Sync),
    found: Mutex<Vec<(String, BinaryReport)>>,
    diagnostics: Mutex<Vec<Diagnostic>>,
}

/// Walks `root`, detecting every binary in it with `marks` (the knowledge base's
/// [`sovstack_kb::Kb::toolchain_marks`]), and calls `progress` after each directory (and each
/// part of a large one).
pub fn walk(
    marks: &ToolchainMarks,
    root: &Path,
    options: &WalkOptions,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<WalkOutcome, WalkError> {
    let meta = fs::metadata(root).map_err(|source| WalkError::Root {
        path: root.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        let source = std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory");
        return Err(WalkError::Root {
            path: root.to_path_buf(),
            source,
        });
    }
    let mut skip: Vec<&'static [u8]> = Vec::new();
    if !options.open_every_file {
        skip = NEVER_BINARY_EXTENSIONS
            .iter()
            .map(|e| e.as_bytes())
            .collect();
        skip.sort_unstable();
    }
    let shared = Shared {
        marks,
        options,
        root_dev: meta.dev(),
        skip,
        noatime: AtomicBool::new(cfg!(target_os = "linux")),
        files: AtomicU64::new(0),
        skipped: AtomicU64::new(0),
        binaries: AtomicU64::new(0),
        directories: AtomicU64::new(0),
        progress,
        found: Mutex::new(Vec::new()),
        diagnostics: Mutex::new(Vec::new()),
    };
    let shown_root = options.shown_as.trim_end_matches('/').to_string();
    rayon::scope(|s| visit(s, &shared, DirAt::Root(root.to_path_buf()), shown_root));
    let mut binaries = shared.found.into_inner().unwrap_or_else(|e| e.into_inner());
    binaries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut diagnostics = shared
        .diagnostics
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    diagnostics.sort();
    let mut tally = Tally::default();
    for (_, r) in &binaries {
        tally.add(r);
    }
    Ok(WalkOutcome {
        files: shared.files.into_inner(),
        skipped_by_name: shared.skipped.into_inner(),
        binaries,
        tally,
        diagnostics,
    })
}

/// Whether `name`'s extension is in the sorted `skip` list. A leading dot is not an extension.
fn skipped_by_name(name: &[u8], skip: &[&[u8]]) -> bool {
    if skip.is_empty() {
        return false;
    }
    let Some(dot) = memchr::memrchr(b'.', name) else {
        return false;
    };
    let ext = &name[dot + 1..];
    if dot == 0 || ext.is_empty() || ext.len() > MAX_EXTENSION {
        return false;
    }
    let mut lower = [0u8; MAX_EXTENSION];
    let lower = &mut lower[..ext.len()];
    for (l, b) in lower.iter_mut().zip(ext) {
        *l = b.to_ascii_lowercase();
    }
    skip.binary_search(&&*lower).is_ok()
}

fn diagnostic(code: &str, message: String, path: &str) -> Diagnostic {
    Diagnostic {
        code: code.to_string(),
        severity: DiagnosticSeverity::Warning,
        message,
        path: Some(path.to_string()),
    }
}

/// `shown_dir` joined with an entry's name (`shown_dir` is empty at the root).
fn shown_path(shown_dir: &str, name: &CStr) -> String {
    format!(
        "{shown_dir}/{}",
        OsStr::from_bytes(name.to_bytes()).to_string_lossy()
    )
}

/// What a task found, handed to [`Shared`] in one go.
#[derive(Default)]
struct Batch {
    files: u64,
    skipped: u64,
    binaries: u64,
    directories: u64,
    found: Vec<(String, BinaryReport)>,
    diags: Vec<Diagnostic>,
}

impl Batch {
    fn flush(mut self, shared: &Shared<'_>) {
        let files = shared.files.fetch_add(self.files, Ordering::Relaxed) + self.files;
        shared.skipped.fetch_add(self.skipped, Ordering::Relaxed);
        let binaries = shared.binaries.fetch_add(self.binaries, Ordering::Relaxed) + self.binaries;
        let directories = shared
            .directories
            .fetch_add(self.directories, Ordering::Relaxed)
            + self.directories;
        if !self.found.is_empty() {
            shared
                .found
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .append(&mut self.found);
        }
        if !self.diags.is_empty() {
            shared
                .diagnostics
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .append(&mut self.diags);
        }
        (shared.progress)(Progress {
            files,
            binaries,
            directories,
        });
    }
}

/// Names of the files a directory task will open: NUL-terminated, end to end (one allocation
/// per directory, not one per file).
#[derive(Default)]
struct Names {
    bytes: Vec<u8>,
    /// Where each name starts in `bytes`.
    starts: Vec<u32>,
}

impl Names {
    fn push(&mut self, name: &CStr) {
        self.starts.push(self.bytes.len() as u32);
        self.bytes.extend_from_slice(name.to_bytes_with_nul());
    }

    fn get(&self, i: usize) -> &CStr {
        let start = self.starts[i] as usize;
        let end = self
            .starts
            .get(i + 1)
            .map_or(self.bytes.len(), |&e| e as usize);
        // Each name was pushed with its NUL, and has no other.
        CStr::from_bytes_with_nul(&self.bytes[start..end]).expect("one NUL-terminated name")
    }

    fn len(&self) -> usize {
        self.starts.len()
    }
}

/// Calls `each` with every entry of the directory `dirfd` (`.` and `..` included), or returns
/// the error that stopped the listing.
#[cfg(target_os = "linux")]
fn list(dirfd: BorrowedFd<'_>, mut each: impl FnMut(&CStr, FileType)) -> rustix::io::Result<()> {
    // rustix's `Dir` starts with a 768-byte buffer (about 20 entries per `getdents64`) and
    // reopens the directory; this lists a few hundred entries per call, on the stack.
    let mut buf = [std::mem::MaybeUninit::<u8>::uninit(); 32 * 1024];
    let mut entries = rustix::fs::RawDir::new(dirfd, &mut buf);
    while let Some(entry) = entries.next() {
        let entry = entry?;
        each(entry.file_name(), entry.file_type());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn list(dirfd: BorrowedFd<'_>, mut each: impl FnMut(&CStr, FileType)) -> rustix::io::Result<()> {
    for entry in rustix::fs::Dir::read_from(dirfd)? {
        let entry = entry?;
        each(entry.file_name(), entry.file_type());
    }
    Ok(())
}

/// Where a directory task finds its directory: the root by path (it may be given through a
/// link), any other by name in its parent, which stays open only until its children have
/// opened theirs (so the open descriptors are about the threads times the depth, not the
/// directories waiting in the queue).
enum DirAt {
    Root(PathBuf),
    Child(Arc<OwnedFd>, CString),
}

/// Reads one directory: subdirectories become new tasks, and the files to open are examined
/// here, or split into tasks of [`CHUNK`] when there are more. Directories and files are
/// opened relative to their parent (`openat`, no path walk from the root for each) with
/// `O_NOFOLLOW` (an entry swapped for a link meanwhile is not followed out of the root);
/// files also with `O_NONBLOCK` (nor does one swapped for a FIFO hang the walk).
fn visit<'s>(scope: &rayon::Scope<'s>, shared: &'s Shared<'s>, at: DirAt, shown: String) {
    let mut batch = Batch {
        directories: 1,
        ..Batch::default()
    };
    let shown_dir = if shown.is_empty() {
        "/"
    } else {
        shown.as_str()
    };
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    let is_root = matches!(at, DirAt::Root(_));
    let opened = match at {
        DirAt::Root(path) => rustix::fs::open(&path, flags, Mode::empty()),
        DirAt::Child(parent, name) => {
            rustix::fs::openat(&*parent, &*name, flags | OFlags::NOFOLLOW, Mode::empty())
        }
    };
    let dirfd = match opened {
        Ok(fd) => Arc::new(fd),
        Err(e) => {
            let message = format!("cannot read directory: {}", std::io::Error::from(e));
            batch
                .diags
                .push(diagnostic("scan/unreadable-file", message, shown_dir));
            return batch.flush(shared);
        }
    };
    let mut names = Names::default();
    let listed = list(dirfd.as_fd(), |cname, mut ft| {
        let bytes = cname.to_bytes();
        if bytes == b"." || bytes == b".." {
            return;
        }
        // The entry's own type: a symbolic link is a link, never its target. Some filesystems
        // do not fill it in; ask without following then.
        if ft == FileType::Unknown {
            match rustix::fs::statat(&*dirfd, cname, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => ft = FileType::from_raw_mode(st.st_mode),
                Err(e) => {
                    let message = format!("cannot stat: {}", std::io::Error::from(e));
                    batch.diags.push(diagnostic(
                        "scan/unreadable-file",
                        message,
                        &shown_path(&shown, cname),
                    ));
                    return;
                }
            }
        }
        if ft == FileType::Directory {
            if is_root
                && shared
                    .options
                    .skip_at_root
                    .iter()
                    .any(|s| bytes == s.as_bytes())
            {
                return;
            }
            let shown_path = shown_path(&shown, cname);
            if shared.options.one_filesystem {
                // dev_t is not u64 on every target.
                #[allow(clippy::unnecessary_cast)]
                match rustix::fs::statat(&*dirfd, cname, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(st) if st.st_dev as u64 != shared.root_dev => return,
                    Ok(_) => {}
                    Err(e) => {
                        let message = format!("cannot stat directory: {}", std::io::Error::from(e));
                        batch
                            .diags
                            .push(diagnostic("scan/unreadable-file", message, &shown_path));
                        return;
                    }
                }
            }
            let at = DirAt::Child(Arc::clone(&dirfd), cname.to_owned());
            scope.spawn(move |s| visit(s, shared, at, shown_path));
        } else if ft == FileType::RegularFile {
            batch.files += 1;
            if skipped_by_name(bytes, &shared.skip) {
                batch.skipped += 1;
            } else {
                names.push(cname);
            }
        }
    });
    if let Err(e) = listed {
        let message = format!("cannot list directory: {}", std::io::Error::from(e));
        batch
            .diags
            .push(diagnostic("scan/unreadable-file", message, shown_dir));
    }
    if names.len() <= CHUNK {
        for i in 0..names.len() {
            examine(shared, dirfd.as_fd(), names.get(i), &shown, &mut batch);
        }
        return batch.flush(shared);
    }
    // A large directory: other threads take the later chunks while this one does the first.
    let (names, shown) = (Arc::new(names), Arc::new(shown));
    for start in (CHUNK..names.len()).step_by(CHUNK) {
        let (dirfd, names, shown) = (Arc::clone(&dirfd), Arc::clone(&names), Arc::clone(&shown));
        scope.spawn(move |_| {
            let mut part = Batch::default();
            for i in start..names.len().min(start + CHUNK) {
                examine(shared, dirfd.as_fd(), names.get(i), &shown, &mut part);
            }
            part.flush(shared);
        });
    }
    for i in 0..CHUNK {
        examine(shared, dirfd.as_fd(), names.get(i), &shown, &mut batch);
    }
    batch.flush(shared);
}

/// Opens one regular file, sniffs its first 8 bytes and, for a binary only, runs the detector.
fn examine(
    shared: &Shared<'_>,
    dirfd: BorrowedFd<'_>,
    name: &CStr,
    shown_dir: &str,
    batch: &mut Batch,
) {
    let file = match open_file(shared, dirfd, name) {
        Ok(fd) => fd,
        Err(e) => {
            let message = format!("cannot open: {}", std::io::Error::from(e));
            batch.diags.push(diagnostic(
                "scan/unreadable-file",
                message,
                &shown_path(shown_dir, name),
            ));
            return;
        }
    };
    let mut magic = [0u8; 8];
    // A regular file's `pread` is short only at its end (a file shorter than 8 bytes).
    let n = match rustix::io::retry_on_intr(|| rustix::io::pread(&file, &mut magic, 0)) {
        Ok(n) => n,
        Err(e) => {
            let message = format!(
                "cannot read {}: {}",
                shown_path(shown_dir, name),
                std::io::Error::from(e)
            );
            batch.diags.push(diagnostic(
                "scan/unreadable-file",
                message,
                &shown_path(shown_dir, name),
            ));
            return;
        }
    };
    if sniff(&magic[..n]).is_none() {
        return;
    }
    let shown = shown_path(shown_dir, name);
    match detect_sniffed_file(
        shared.marks,
        &File::from(file),
        &shown,
        &shared.options.detect,
    ) {
        Ok(Some(report)) => {
            batch.binaries += 1;
            batch.found.push((shown, report));
        }
        Ok(None) => {}
        Err(e) => batch.diags.push(error_diagnostic(&e)),
    }
}

fn open_file(
    shared: &Shared<'_>,
    dirfd: BorrowedFd<'_>,
    name: &CStr,
) -> rustix::io::Result<OwnedFd> {
    let flags =
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
    #[cfg(target_os = "linux")]
    if shared.noatime.load(Ordering::Relaxed) {
        // Reading a file need not dirty its inode. Only its owner (or CAP_FOWNER) may ask.
        match rustix::fs::openat(dirfd, name, flags | OFlags::NOATIME, Mode::empty()) {
            Err(rustix::io::Errno::PERM) => shared.noatime.store(false, Ordering::Relaxed),
            other => return other,
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = shared;
    rustix::fs::openat(dirfd, name, flags, Mode::empty())
}

fn error_diagnostic(e: &Error) -> Diagnostic {
    diagnostic(e.code(), e.to_string(), e.path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn confined_and_records_failures() {
        let outside = tempfile::tempdir().unwrap();
        let me = std::env::current_exe().unwrap();
        fs::copy(&me, outside.path().join("elsewhere")).unwrap();

        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        fs::create_dir_all(r.join("bin")).unwrap();
        fs::create_dir_all(r.join("proc/1")).unwrap();
        fs::copy(&me, r.join("bin/tool")).unwrap();
        fs::copy(&me, r.join("proc/1/exe")).unwrap();
        fs::write(r.join("bin/script"), "#!/bin/sh\necho hi\n").unwrap();
        // An ELF header whose section table lies past the end of the file.
        let mut broken = fs::read(&me).unwrap();
        broken.truncate(4096);
        fs::write(r.join("bin/broken"), broken).unwrap();
        symlink(outside.path(), r.join("bin/outside")).unwrap();
        symlink(outside.path().join("elsewhere"), r.join("bin/link")).unwrap();

        let calls = AtomicU64::new(0);
        let out = walk(crate::test_marks(), r, &WalkOptions::default(), &|_| {
            calls.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
        let paths: Vec<&str> = out.binaries.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, vec!["/bin/tool"]);
        assert_eq!(
            out.files, 3,
            "tool, script, broken; links and /proc are not files here"
        );
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].code, "toolchain/malformed-binary");
        assert_eq!(out.diagnostics[0].path.as_deref(), Some("/bin/broken"));
        assert_eq!(out.tally.binaries, 1);
        assert_eq!(calls.load(Ordering::Relaxed), 2, "root and bin");
    }

    #[test]
    fn skips_by_name_only_formats_that_are_never_binaries() {
        let me = std::env::current_exe().unwrap();
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        // A binary misnamed as text: skipped by default, found when every file is opened.
        fs::copy(&me, r.join("x.txt")).unwrap();
        fs::copy(&me, r.join("X.PNG")).unwrap();
        for kept in [
            "libfoo.so.1.2",
            "libbar.so",
            "tool",
            "ld.gold",
            "python3.11",
            ".hidden",
            "mod.ko",
            "a.debug",
        ] {
            fs::copy(&me, r.join(kept)).unwrap();
        }
        fs::write(r.join("notes.md"), "# notes\n").unwrap();

        let out = walk(crate::test_marks(), r, &WalkOptions::default(), &|_| {}).unwrap();
        let paths: Vec<&str> = out.binaries.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/.hidden",
                "/a.debug",
                "/ld.gold",
                "/libbar.so",
                "/libfoo.so.1.2",
                "/mod.ko",
                "/python3.11",
                "/tool"
            ]
        );
        assert_eq!(out.files, 11);
        assert_eq!(out.skipped_by_name, 3, "x.txt, X.PNG, notes.md");

        let every = WalkOptions {
            open_every_file: true,
            ..WalkOptions::default()
        };
        let out = walk(crate::test_marks(), r, &every, &|_| {}).unwrap();
        assert_eq!(out.binaries.len(), 10);
        assert!(out.binaries.iter().any(|(p, _)| p == "/x.txt"));
        assert!(out.binaries.iter().any(|(p, _)| p == "/X.PNG"));
        assert_eq!((out.files, out.skipped_by_name), (11, 0));
    }

    #[test]
    fn skip_list_is_safe() {
        let mut sorted: Vec<&str> = NEVER_BINARY_EXTENSIONS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), NEVER_BINARY_EXTENSIONS.len(), "no duplicates");
        // Extensions binaries carry, and copies of anything.
        let never = [
            "so", "dll", "exe", "sys", "efi", "pyd", "node", "dylib", "bundle", "debug", "dbg",
            "a", "o", "obj", "ko", "bin", "elf", "out", "syso", "rlib", "mod", "drv", "ocx", "cpl",
            "scr", "com", "mui", "bak", "old", "orig", "tmp", "new", "dist", "img", "rom", "fw",
            "dat", "exec", "gold", "bfd", "basic", "minix", "ul", "ld",
        ];
        for e in NEVER_BINARY_EXTENSIONS {
            assert!(e.len() <= MAX_EXTENSION, "{e}");
            assert!(
                e.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                "{e}: lower case"
            );
            assert!(!e.bytes().all(|b| b.is_ascii_digit()), "{e}: numeric");
            assert!(!never.contains(e), "{e} may be a binary");
        }
        let skip: Vec<&[u8]> = sorted.iter().map(|e| e.as_bytes()).collect();
        for (name, skipped) in [
            ("a.txt", true),
            ("A.TXT", true),
            ("x.tar.gz", true),
            ("libfoo.so.1.2", false),
            ("libfoo.so", false),
            ("python3.11", false),
            (".py", false),
            ("py", false),
            ("x.", false),
            ("gz.", false),
            ("mod.ko.xz", true),
        ] {
            assert_eq!(skipped_by_name(name.as_bytes(), &skip), skipped, "{name}");
            assert!(
                !skipped_by_name(name.as_bytes(), &[]),
                "open_every_file: {name}"
            );
        }
    }

    #[test]
    fn large_directories_are_split_and_complete() {
        let me = std::env::current_exe().unwrap();
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        let n = CHUNK * 2 + 7;
        for i in 0..n {
            if i % 50 == 0 {
                fs::copy(&me, r.join(format!("bin{i:04}"))).unwrap();
            } else {
                fs::write(r.join(format!("f{i:04}")), b"data").unwrap();
            }
        }
        fs::write(r.join("short"), b"\x7fE").unwrap();
        let calls = AtomicU64::new(0);
        let out = walk(crate::test_marks(), r, &WalkOptions::default(), &|_| {
            calls.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
        assert_eq!(out.files, n as u64 + 1);
        let want: Vec<String> = (0..n)
            .filter(|i| i % 50 == 0)
            .map(|i| format!("/bin{i:04}"))
            .collect();
        let got: Vec<&str> = out.binaries.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(got, want);
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        assert_eq!(
            calls.load(Ordering::Relaxed),
            3,
            "one directory in three parts"
        );
    }

    #[test]
    fn root_must_be_a_directory() {
        assert!(walk(
            crate::test_marks(),
            Path::new("/nonexistent-sovstack-root"),
            &WalkOptions::default(),
            &|_| {}
        )
        .is_err());
        let f = tempfile::NamedTempFile::new().unwrap();
        assert!(walk(
            crate::test_marks(),
            f.path(),
            &WalkOptions::default(),
            &|_| {}
        )
        .is_err());
    }
}
