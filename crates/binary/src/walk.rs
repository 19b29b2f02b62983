//! A parallel walk of a file tree that runs the detector on every ELF, PE and Mach-O file.
//!
//! Confinement: the walk starts at the root and only descends through real directories; it
//! never follows a symbolic link, so it cannot leave the root (a link to a file inside the root
//! is counted where its target lies). At the root it skips `proc`, `sys` and `dev`, and it can
//! stay on the root's filesystem. Only regular files are opened (the directory entry's type,
//! no `stat`), their first bytes are sniffed, and only binaries are read further, within
//! [`DetectOptions::max_bytes`].
//!
//! Failures never stop the walk: an unreadable directory or file becomes a
//! `scan/unreadable-file` diagnostic, a broken binary a `toolchain/malformed-binary` one.
//! Progress goes to a callback (the library prints nothing); the CLI decides how to show it.
//!
//! Parallelism is rayon's work stealing: one task per directory, so wide and deep trees both
//! spread over the threads.

use crate::report::BinaryReport;
use crate::tally::Tally;
use crate::{detect_open_file, DetectOptions, Error};
use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags};
use sovstack_inventory::{Diagnostic, DiagnosticSeverity};
use std::ffi::OsStr;
use std::fs::{self, File};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

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
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            detect: DetectOptions::default(),
            one_filesystem: false,
            skip_at_root: ["proc", "sys", "dev"].map(String::from).to_vec(),
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
    /// Directories finished.
    pub directories: u64,
}

/// What a walk found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WalkOutcome {
    /// Regular files seen.
    pub files: u64,
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
    options: &'a WalkOptions,
    root_dev: u64,
    files: AtomicU64,
    binaries: AtomicU64,
    directories: AtomicU64,
    progress: &'a (dyn Fn(Progress) + Sync),
    found: Mutex<Vec<(String, BinaryReport)>>,
    diagnostics: Mutex<Vec<Diagnostic>>,
}

/// Walks `root`, detecting every binary in it, and calls `progress` after each directory.
pub fn walk(root: &Path, options: &WalkOptions, progress: &(dyn Fn(Progress) + Sync)) -> Result<WalkOutcome, WalkError> {
    let meta = fs::metadata(root).map_err(|source| WalkError::Root { path: root.to_path_buf(), source })?;
    if !meta.is_dir() {
        let source = std::io::Error::new(std::io::ErrorKind::NotADirectory, "not a directory");
        return Err(WalkError::Root { path: root.to_path_buf(), source });
    }
    let shared = Shared {
        options,
        root_dev: meta.dev(),
        files: AtomicU64::new(0),
        binaries: AtomicU64::new(0),
        directories: AtomicU64::new(0),
        progress,
        found: Mutex::new(Vec::new()),
        diagnostics: Mutex::new(Vec::new()),
    };
    rayon::scope(|s| visit(s, &shared, root.to_path_buf(), String::new(), true));
    let mut binaries = shared.found.into_inner().unwrap_or_else(|e| e.into_inner());
    binaries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut diagnostics = shared.diagnostics.into_inner().unwrap_or_else(|e| e.into_inner());
    diagnostics.sort();
    let mut tally = Tally::default();
    for (_, r) in &binaries {
        tally.add(r);
    }
    Ok(WalkOutcome { files: shared.files.into_inner(), binaries, tally, diagnostics })
}

fn diagnostic(code: &str, message: String, path: &str) -> Diagnostic {
    Diagnostic { code: code.to_string(), severity: DiagnosticSeverity::Warning, message, path: Some(path.to_string()) }
}

/// Reads one directory: files are examined here, subdirectories become new tasks. Files are
/// opened relative to the directory (`openat`, no path walk from the root for each) with
/// `O_NOFOLLOW` (a file swapped for a link meanwhile is not followed out of the root) and
/// `O_NONBLOCK` (nor does one swapped for a FIFO hang the walk).
fn visit<'s>(scope: &rayon::Scope<'s>, shared: &'s Shared<'s>, dir: PathBuf, shown: String, is_root: bool) {
    let shown_dir = if shown.is_empty() { "/".to_string() } else { shown.clone() };
    let unreadable = |e: std::io::Error| {
        let d = diagnostic("scan/unreadable-file", format!("cannot read directory: {e}"), &shown_dir);
        shared.diagnostics.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    };
    // The root may be given through a link; below it nothing is followed.
    let nofollow = if is_root { OFlags::empty() } else { OFlags::NOFOLLOW };
    let dirfd = match rustix::fs::open(&dir, OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | nofollow, Mode::empty()) {
        Ok(fd) => fd,
        Err(e) => return unreadable(e.into()),
    };
    let entries = match Dir::read_from(&dirfd) {
        Ok(d) => d,
        Err(e) => return unreadable(e.into()),
    };
    let mut found = Vec::new();
    let mut diags = Vec::new();
    let (mut files, mut binaries) = (0u64, 0u64);
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(diagnostic("scan/unreadable-file", format!("cannot list directory: {}", std::io::Error::from(e)), &shown_dir));
                break;
            }
        };
        let cname = entry.file_name();
        let bytes = cname.to_bytes();
        if bytes == b"." || bytes == b".." {
            continue;
        }
        let name = OsStr::from_bytes(bytes);
        let shown_path = format!("{shown}/{}", name.to_string_lossy());
        // The entry's own type: a symbolic link is a link, never its target. Some filesystems
        // do not fill it in; ask without following then.
        let mut ft = entry.file_type();
        if ft == FileType::Unknown {
            match rustix::fs::statat(&dirfd, cname, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => ft = FileType::from_raw_mode(st.st_mode),
                Err(e) => {
                    diags.push(diagnostic("scan/unreadable-file", format!("cannot stat: {}", std::io::Error::from(e)), &shown_path));
                    continue;
                }
            }
        }
        if ft == FileType::Directory {
            if is_root && shared.options.skip_at_root.iter().any(|s| name == s.as_str()) {
                continue;
            }
            let path = dir.join(name);
            if shared.options.one_filesystem {
                // dev_t is not u64 on every target.
                #[allow(clippy::unnecessary_cast)]
                match rustix::fs::statat(&dirfd, cname, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(st) if st.st_dev as u64 != shared.root_dev => continue,
                    Ok(_) => {}
                    Err(e) => {
                        diags.push(diagnostic("scan/unreadable-file", format!("cannot stat directory: {}", std::io::Error::from(e)), &shown_path));
                        continue;
                    }
                }
            }
            scope.spawn(move |s| visit(s, shared, path, shown_path, false));
        } else if ft == FileType::RegularFile {
            files += 1;
            let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::NOCTTY;
            let file = match rustix::fs::openat(&dirfd, cname, flags, Mode::empty()) {
                Ok(fd) => File::from(fd),
                Err(e) => {
                    diags.push(diagnostic("scan/unreadable-file", format!("cannot open: {}", std::io::Error::from(e)), &shown_path));
                    continue;
                }
            };
            match detect_open_file(&file, &shown_path, &shared.options.detect) {
                Ok(Some(report)) => {
                    binaries += 1;
                    found.push((shown_path, report));
                }
                Ok(None) => {}
                Err(e) => diags.push(error_diagnostic(&e)),
            }
        }
    }
    let files = shared.files.fetch_add(files, Ordering::Relaxed) + files;
    let binaries = shared.binaries.fetch_add(binaries, Ordering::Relaxed) + binaries;
    let directories = shared.directories.fetch_add(1, Ordering::Relaxed) + 1;
    if !found.is_empty() {
        shared.found.lock().unwrap_or_else(|e| e.into_inner()).append(&mut found);
    }
    if !diags.is_empty() {
        shared.diagnostics.lock().unwrap_or_else(|e| e.into_inner()).append(&mut diags);
    }
    (shared.progress)(Progress { files, binaries, directories });
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
        let out = walk(r, &WalkOptions::default(), &|_| {
            calls.fetch_add(1, Ordering::Relaxed);
        })
        .unwrap();
        let paths: Vec<&str> = out.binaries.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, vec!["/bin/tool"]);
        assert_eq!(out.files, 3, "tool, script, broken; links and /proc are not files here");
        assert_eq!(out.diagnostics.len(), 1);
        assert_eq!(out.diagnostics[0].code, "toolchain/malformed-binary");
        assert_eq!(out.diagnostics[0].path.as_deref(), Some("/bin/broken"));
        assert_eq!(out.tally.binaries, 1);
        assert_eq!(calls.load(Ordering::Relaxed), 2, "root and bin");
    }

    #[test]
    fn root_must_be_a_directory() {
        assert!(walk(Path::new("/nonexistent-sovstack-root"), &WalkOptions::default(), &|_| {}).is_err());
        let f = tempfile::NamedTempFile::new().unwrap();
        assert!(walk(f.path(), &WalkOptions::default(), &|_| {}).is_err());
    }
}
