//! Root-confined file access: the only way a collector reads a file.
//!
//! A scan looks at a directory tree (the live host's `/`, a mounted disk image, an unpacked
//! container) as if it were chrooted into it, so a path like `/etc/os-release` means the
//! file of that name *inside* the root. Resolution is done here, one component at a time, and
//! never by the operating system's own path walk, because the tree may be hostile:
//!
//! - an absolute symlink target (`/usr/lib/os-release`) starts again at the root, as it would
//!   for a process chrooted there, instead of escaping to the scanning host's file;
//! - `..` never climbs above the root; it is clamped there (as the kernel does at `/`) and the
//!   read records that it happened, so a diagnostic can name the link that tried;
//! - symlink hops are bounded ([`MAX_SYMLINK_HOPS`]) so loops end;
//! - only regular files are opened: a FIFO or device node planted under a known name would
//!   otherwise block the scan or stream forever;
//! - at most [`MAX_FILE_BYTES`] are read from one file, and the read says when it stopped.
//!
//! What this module cannot defend against: a hard link inside the root to a file outside it
//! is, to every reader, just a file of the root (planting one needs write access to the
//! root's own filesystem, and it cannot cross filesystems). Nor does it defend against someone
//! swapping a component for a symlink *while* the scan runs (between resolution and open).
//! Roots are expected to be at rest (mounted images, the host's own `/`), and the cost of
//! closing that race portably (an `openat2(RESOLVE_IN_ROOT)` dance per component) is not worth
//! it for an audit tool.
//!
//! Interpreting contents is left to the parsers; turning failures into diagnostics is left to
//! the collectors, through [`ReadError::to_diagnostic`].

use crate::codes;
use sovstack_inventory::{Diagnostic, DiagnosticSeverity};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Symlinks followed while resolving one path before giving up (Linux's own limit is 40).
pub const MAX_SYMLINK_HOPS: u32 = 40;

/// Bytes read from one file at most. A real `/proc/cpuinfo` of a 1,024-CPU machine is about
/// 1.5 MiB; `os-release` files are a few hundred bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// A directory tree read as if chrooted into it.
#[derive(Debug, Clone)]
pub struct Root {
    dir: PathBuf,
    max_bytes: u64,
}

/// The contents of a file read through a [`Root`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootFile {
    /// Where the bytes came from, as seen inside the root after following symlinks
    /// (`/usr/lib/os-release` when `/etc/os-release` links there). Used as evidence source.
    pub path: String,
    /// The bytes, at most the root's cap.
    pub bytes: Vec<u8>,
    /// The file had more bytes than the cap; `bytes` holds the first ones.
    pub truncated: bool,
    /// A `..` on the way tried to climb above the root and was held at it.
    pub clamped: bool,
}

/// Why a file could not be read. Each variant carries the path asked for, as seen inside the
/// root.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// No such file (or a component on the way is missing or not a directory).
    #[error("{path}: no such file inside the root")]
    NotFound {
        /// Path asked for.
        path: String,
        /// A `..` on the way was clamped at the root.
        clamped: bool,
    },
    /// More than [`MAX_SYMLINK_HOPS`] symlinks, most likely a loop.
    #[error("{path}: more than {MAX_SYMLINK_HOPS} symbolic links (a loop?)")]
    SymlinkLoop {
        /// Path asked for.
        path: String,
    },
    /// The path names a directory, FIFO, socket or device.
    #[error("{path}: not a regular file")]
    NotARegularFile {
        /// Path asked for.
        path: String,
    },
    /// The operating system refused (permissions, I/O error).
    #[error("{path}: {source}")]
    Io {
        /// Path asked for.
        path: String,
        /// What the operating system said.
        source: io::Error,
    },
}

impl ReadError {
    /// The path asked for, as seen inside the root.
    pub fn path(&self) -> &str {
        match self {
            ReadError::NotFound { path, .. }
            | ReadError::SymlinkLoop { path }
            | ReadError::NotARegularFile { path }
            | ReadError::Io { path, .. } => path,
        }
    }

    /// Whether this only says the file is absent, which for most inputs is normal (a container
    /// root has no `/proc/cpuinfo`) and for some is worth a warning; the caller decides.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::NotFound { .. })
    }

    /// The diagnostic for this failure. `NotFound` maps to `missing_code`, because whether an
    /// absent file is a problem, and which one, depends on the file.
    pub fn to_diagnostic(&self, missing_code: &str) -> Diagnostic {
        let code = match self {
            ReadError::NotFound { .. } => missing_code,
            ReadError::SymlinkLoop { .. } => codes::SYMLINK_LOOP,
            ReadError::NotARegularFile { .. } => codes::NOT_A_REGULAR_FILE,
            ReadError::Io { .. } => codes::UNREADABLE_FILE,
        };
        warning(code, self.to_string(), self.path())
    }
}

/// A warning diagnostic about a file inside the root.
pub(crate) fn warning(code: &str, message: String, path: &str) -> Diagnostic {
    Diagnostic {
        code: code.to_string(),
        severity: DiagnosticSeverity::Warning,
        message,
        path: Some(path.to_string()),
    }
}

/// Where a path led: the host path to open and the in-root path to report.
struct Resolved {
    host: PathBuf,
    in_root: String,
    clamped: bool,
}

impl Root {
    /// A root at `dir`, which must be a canonical directory path (see [`crate::scan`], which
    /// canonicalises and checks it).
    pub fn new(dir: impl Into<PathBuf>) -> Root {
        Root {
            dir: dir.into(),
            max_bytes: MAX_FILE_BYTES,
        }
    }

    /// The same root with another per-file cap (tests use small caps).
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Root {
        self.max_bytes = max_bytes;
        self
    }

    /// The directory on the scanning host.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Reads the file at `path` (absolute or relative, always taken from the root).
    pub fn read(&self, path: &str) -> Result<RootFile, ReadError> {
        let resolved = self.resolve(path)?;
        let io_err = |source: io::Error| ReadError::Io {
            path: path.to_string(),
            source,
        };
        // symlink_metadata, not metadata: resolution left no symlink in the final component,
        // and if one appeared since, refusing it is right.
        let meta = fs::symlink_metadata(&resolved.host).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound {
                path: path.to_string(),
                clamped: resolved.clamped,
            },
            _ => io_err(e),
        })?;
        if !meta.file_type().is_file() {
            return Err(ReadError::NotARegularFile {
                path: path.to_string(),
            });
        }
        let file = fs::File::open(&resolved.host).map_err(io_err)?;
        // Read one byte past the cap to learn whether there was more; file sizes can't be
        // trusted for this (every /proc file says 0).
        let mut bytes = Vec::new();
        file.take(self.max_bytes.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(io_err)?;
        let truncated = bytes.len() as u64 > self.max_bytes;
        bytes.truncate(self.max_bytes as usize);
        Ok(RootFile {
            path: resolved.in_root,
            bytes,
            truncated,
            clamped: resolved.clamped,
        })
    }

    /// Where `path` leads inside the root, symlinks followed as in [`Root::read`], without
    /// opening anything: the host path to hand to a walk and the path as seen inside the root.
    /// The bool is true when a `..` tried to climb above the root.
    pub fn locate(&self, path: &str) -> Result<(PathBuf, String, bool), ReadError> {
        let r = self.resolve(path)?;
        Ok((r.host, r.in_root, r.clamped))
    }

    /// Follows `path` component by component inside the root, symlinks included.
    fn resolve(&self, path: &str) -> Result<Resolved, ReadError> {
        let not_found = |clamped| ReadError::NotFound {
            path: path.to_string(),
            clamped,
        };
        let mut pending: VecDeque<OsString> = components(Path::new(path)).into();
        // Components already known to be real directories (or the final file) inside the root.
        let mut done: Vec<OsString> = Vec::new();
        let mut hops = 0u32;
        let mut clamped = false;
        while let Some(part) = pending.pop_front() {
            if part == ".." {
                // At the root, `..` is the root itself, as in a chroot.
                if done.pop().is_none() {
                    clamped = true;
                }
                continue;
            }
            let mut host = self.dir.clone();
            host.extend(&done);
            host.push(&part);
            let meta = match fs::symlink_metadata(&host) {
                Ok(meta) => meta,
                // ENOTDIR (a file used as a directory) is "no such file" for our purposes.
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                    ) =>
                {
                    return Err(not_found(clamped));
                }
                Err(e) => {
                    return Err(ReadError::Io {
                        path: path.to_string(),
                        source: e,
                    })
                }
            };
            if !meta.file_type().is_symlink() {
                done.push(part);
                continue;
            }
            hops += 1;
            if hops > MAX_SYMLINK_HOPS {
                return Err(ReadError::SymlinkLoop {
                    path: path.to_string(),
                });
            }
            let target = fs::read_link(&host).map_err(|e| ReadError::Io {
                path: path.to_string(),
                source: e,
            })?;
            if target.has_root() {
                done.clear();
            }
            for c in components(&target).into_iter().rev() {
                pending.push_front(c);
            }
        }
        let mut host = self.dir.clone();
        host.extend(&done);
        let in_root = format!(
            "/{}",
            done.iter()
                .map(|c| c.to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        );
        Ok(Resolved {
            host,
            in_root,
            clamped,
        })
    }
}

/// The normal and `..` components of a path; root, prefix and `.` components carry no step.
fn components(path: &Path) -> Vec<OsString> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    const SECRET: &str = "host secret: must never be read through a root";

    /// A scratch area holding a root and, beside it, a file that must stay unreachable.
    struct Fixture {
        _tmp: tempfile::TempDir,
        root: Root,
        root_dir: PathBuf,
    }

    fn fixture() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(tmp.path()).unwrap();
        fs::write(base.join("secret"), SECRET).unwrap();
        let root_dir = base.join("root");
        fs::create_dir_all(root_dir.join("etc")).unwrap();
        fs::create_dir_all(root_dir.join("usr/lib")).unwrap();
        fs::write(root_dir.join("usr/lib/os-release"), "ID=inside\n").unwrap();
        fs::write(root_dir.join("secret"), "the root's own file named secret").unwrap();
        Fixture {
            root: Root::new(&root_dir),
            root_dir,
            _tmp: tmp,
        }
    }

    fn read_str(root: &Root, path: &str) -> Result<(String, String, bool), ReadError> {
        root.read(path)
            .map(|f| (f.path, String::from_utf8(f.bytes).unwrap(), f.clamped))
    }

    #[test]
    fn plain_and_relative_paths_read_inside_the_root() {
        let fx = fixture();
        for p in [
            "/usr/lib/os-release",
            "usr/lib/os-release",
            "/usr/./lib//os-release",
        ] {
            let (path, text, clamped) = read_str(&fx.root, p).unwrap();
            assert_eq!(
                (path.as_str(), text.as_str(), clamped),
                ("/usr/lib/os-release", "ID=inside\n", false),
                "{p}"
            );
        }
    }

    #[test]
    fn symlinks_are_followed_inside_the_root() {
        let fx = fixture();
        // Debian's own layout: a relative link.
        symlink("../usr/lib/os-release", fx.root_dir.join("etc/os-release")).unwrap();
        let (path, text, _) = read_str(&fx.root, "/etc/os-release").unwrap();
        assert_eq!(
            (path.as_str(), text.as_str()),
            ("/usr/lib/os-release", "ID=inside\n")
        );
        // An absolute link is re-rooted, as a chrooted process would see it.
        symlink("/usr/lib", fx.root_dir.join("lib")).unwrap();
        let (path, _, _) = read_str(&fx.root, "/lib/os-release").unwrap();
        assert_eq!(path, "/usr/lib/os-release");
    }

    #[test]
    fn hostile_symlinks_never_leave_the_root() {
        let fx = fixture();
        let outside = fx.root_dir.parent().unwrap().join("secret");
        let cases: &[(&str, &str)] = &[
            // absolute link to the host file: re-rooted, so it finds the root's own `secret`
            ("abs-host-path", outside.to_str().unwrap()),
            ("dotdot", "../secret"),
            ("deep-dotdot", "../../../../../../../../secret"),
            ("via-dir", "etc/../../secret"),
        ];
        for (name, target) in cases {
            symlink(target, fx.root_dir.join(name)).unwrap();
            match read_str(&fx.root, name) {
                Ok((_, text, _)) => assert_ne!(text, SECRET, "{name} read the host file"),
                Err(e) => assert!(e.is_not_found(), "{name}: {e}"),
            }
        }
        // `..` above the root is clamped and reported.
        let (path, text, clamped) = read_str(&fx.root, "deep-dotdot").unwrap();
        assert_eq!(
            (path.as_str(), text.as_str(), clamped),
            ("/secret", "the root's own file named secret", true)
        );
        // A direct `..` path is clamped the same way.
        assert!(read_str(&fx.root, "/../../secret").unwrap().2);
        // A directory symlink pointing outside is re-rooted too.
        symlink(fx.root_dir.parent().unwrap(), fx.root_dir.join("up")).unwrap();
        match read_str(&fx.root, "/up/secret") {
            Ok((_, text, _)) => assert_ne!(text, SECRET),
            Err(e) => assert!(e.is_not_found(), "{e}"),
        }
    }

    #[test]
    fn loops_and_chains_are_bounded() {
        let fx = fixture();
        symlink("loop-b", fx.root_dir.join("loop-a")).unwrap();
        symlink("/loop-a", fx.root_dir.join("loop-b")).unwrap();
        assert!(matches!(
            fx.root.read("loop-a"),
            Err(ReadError::SymlinkLoop { .. })
        ));
        symlink("self", fx.root_dir.join("self")).unwrap();
        assert!(matches!(
            fx.root.read("self"),
            Err(ReadError::SymlinkLoop { .. })
        ));
        // A chain of exactly MAX_SYMLINK_HOPS links still resolves.
        for i in 0..MAX_SYMLINK_HOPS {
            let next = if i + 1 == MAX_SYMLINK_HOPS {
                "usr/lib/os-release".to_string()
            } else {
                format!("c{}", i + 1)
            };
            symlink(next, fx.root_dir.join(format!("c{i}"))).unwrap();
        }
        assert_eq!(read_str(&fx.root, "c0").unwrap().1, "ID=inside\n");
    }

    #[test]
    fn only_regular_files_are_opened() {
        let fx = fixture();
        assert!(matches!(
            fx.root.read("/etc"),
            Err(ReadError::NotARegularFile { .. })
        ));
        // A FIFO would block a plain open() forever.
        let fifo = fx.root_dir.join("etc/fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status();
        if matches!(status, Ok(s) if s.success()) {
            assert!(matches!(
                fx.root.read("/etc/fifo"),
                Err(ReadError::NotARegularFile { .. })
            ));
        }
        // A file used as a directory is simply absent.
        assert!(fx
            .root
            .read("/usr/lib/os-release/x")
            .unwrap_err()
            .is_not_found());
        assert!(fx.root.read("/nope/x").unwrap_err().is_not_found());
    }

    #[test]
    fn reads_are_capped_and_say_so() {
        let fx = fixture();
        fs::write(fx.root_dir.join("big"), vec![b'x'; 100]).unwrap();
        let small = fx.root.clone().with_max_bytes(10);
        let f = small.read("big").unwrap();
        assert_eq!((f.bytes.len(), f.truncated), (10, true));
        let exact = fx.root.clone().with_max_bytes(100);
        let f = exact.read("big").unwrap();
        assert_eq!((f.bytes.len(), f.truncated), (100, false));
    }

    #[test]
    fn errors_become_diagnostics_with_stable_codes() {
        let fx = fixture();
        let missing = fx.root.read("/etc/os-release").unwrap_err();
        let d = missing.to_diagnostic(crate::layers::os::codes::MISSING_OS_RELEASE);
        assert_eq!(
            (d.code.as_str(), d.path.as_deref()),
            (
                crate::layers::os::codes::MISSING_OS_RELEASE,
                Some("/etc/os-release")
            )
        );
        symlink("self", fx.root_dir.join("self")).unwrap();
        assert_eq!(
            fx.root.read("self").unwrap_err().to_diagnostic("x").code,
            codes::SYMLINK_LOOP
        );
        assert_eq!(
            fx.root.read("etc").unwrap_err().to_diagnostic("x").code,
            codes::NOT_A_REGULAR_FILE
        );
    }
}
