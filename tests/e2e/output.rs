//! `-o` writes what the user points it at the way that kind of file asks for, and never replaces
//! what is not a regular file. Every case runs in a scratch directory with its own FIFO, socket
//! and device nodes (made with `mknod`), never the real `/dev`; each runs as the user running the
//! tests and, when that is root, again as `nobody` (through `setpriv`), since root's write
//! permission hides cases an ordinary user meets (a writable file in a read-only directory).

use crate::util::*;
use std::ffi::OsString;
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const NOBODY: u32 = 65534;
/// Linux's O_NONBLOCK.
const O_NONBLOCK: i32 = 0o4000;

fn is_root() -> bool {
    // The owner of a file we just created is who we are.
    let dir = tempdir();
    std::fs::metadata(dir.path()).unwrap().uid() == 0
}

/// Who runs sovstack in a case.
#[derive(Clone, Copy, Debug, PartialEq)]
enum User {
    /// The user running the tests.
    Me,
    /// `nobody`, when the tests run as root.
    Nobody,
}

/// A scratch directory the case's user owns, holding an empty root to scan.
struct Scratch {
    _dir: tempfile::TempDir,
    path: PathBuf,
    user: User,
    /// The sovstack the case's user can run.
    bin: PathBuf,
}

/// Whether `nobody` (neither owner nor group) may run `bin`: every directory above it searchable
/// by others, the file executable by others.
fn others_can_run(bin: &Path) -> bool {
    let mode = |p: &Path| {
        std::fs::metadata(p)
            .map(|m| m.permissions().mode())
            .unwrap_or(0)
    };
    mode(bin) & 0o001 != 0
        && bin
            .ancestors()
            .skip(1)
            .all(|d| d.as_os_str().is_empty() || mode(d) & 0o001 != 0)
}

impl Scratch {
    fn new(user: User) -> Scratch {
        let dir = tempdir();
        let path = dir.path().to_path_buf();
        std::fs::create_dir(path.join("root")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        let built = PathBuf::from(env!("CARGO_BIN_EXE_sovstack"));
        // A checkout under a private directory (/root) is out of nobody's reach: run a copy.
        let bin = if user == User::Nobody && !others_can_run(&built) {
            std::fs::create_dir(path.join("bin")).unwrap();
            std::fs::set_permissions(path.join("bin"), std::fs::Permissions::from_mode(0o755))
                .unwrap();
            let copy = path.join("bin/sovstack");
            std::fs::copy(&built, &copy).unwrap();
            std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
            copy
        } else {
            built
        };
        let s = Scratch {
            _dir: dir,
            path,
            user,
            bin,
        };
        s.give(&s.path);
        s.give(&s.path.join("root"));
        s
    }

    fn p(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// Makes `p` the case user's.
    fn give(&self, p: &Path) {
        if self.user == User::Nobody {
            std::os::unix::fs::lchown(p, Some(NOBODY), Some(NOBODY)).unwrap();
        }
    }

    /// `sovstack scan` of the empty root, as the case's user, writing to `out`.
    fn scan_to(&self, out: &OsString) -> Command {
        let mut c = match self.user {
            User::Me => Command::new(&self.bin),
            User::Nobody => {
                let mut c = Command::new("setpriv");
                c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                    .arg(&self.bin);
                c
            }
        };
        c.env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .current_dir(&self.path);
        c.args(["scan", "--layers", "os", "--root"])
            .arg(self.p("root"))
            .arg("-o")
            .arg(out);
        c
    }

    /// What the scan writes to stdout: the bytes every case must find in its target.
    fn expected(&self) -> Vec<u8> {
        let (code, out, err) = run(self.scan_to(&"-".into()).stdin(Stdio::null()));
        assert_eq!(code, 0, "{err}");
        assert!(out.starts_with('{'), "{out}");
        out.into_bytes()
    }

    /// Runs a scan to `out`, expects success, returns stderr.
    fn write(&self, out: impl Into<OsString>) -> String {
        let out = out.into();
        let (code, _, err) = run(self.scan_to(&out).stdin(Stdio::null()));
        assert_eq!(code, 0, "{:?} -o {out:?}: {err}", self.user);
        err
    }

    /// The names in a directory of the scratch (no temporary file may be left behind), but for
    /// the copy of sovstack in `bin`.
    fn names(&self, dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !(dir == self.path && n == "bin"))
            .collect();
        v.sort();
        v
    }
}

fn users() -> Vec<User> {
    if is_root() {
        vec![User::Me, User::Nobody]
    } else {
        eprintln!("output tests: not root, so the `nobody` and device-node cases are skipped");
        vec![User::Me]
    }
}

#[test]
fn a_regular_file_is_replaced_atomically_keeping_its_mode() {
    for user in users() {
        let s = Scratch::new(user);
        let want = s.expected();
        let f = s.p("report.json");
        std::fs::write(&f, "old").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600)).unwrap();
        s.give(&f);
        let inode = std::fs::metadata(&f).unwrap().ino();
        s.write(&f);
        let m = std::fs::metadata(&f).unwrap();
        assert_eq!(std::fs::read(&f).unwrap(), want, "{user:?}");
        assert_eq!(
            m.permissions().mode() & 0o7777,
            0o600,
            "{user:?}: the mode is kept"
        );
        assert_ne!(
            m.ino(),
            inode,
            "{user:?}: replaced by rename, not rewritten in place"
        );
        if user == User::Nobody {
            assert_eq!(m.uid(), NOBODY);
        }
        assert_eq!(
            s.names(&s.path),
            ["report.json", "root"],
            "{user:?}: no temporary file left"
        );
    }
}

#[test]
fn a_symlink_is_written_through_to_its_final_target_in_that_targets_directory() {
    for user in users() {
        let s = Scratch::new(user);
        let want = s.expected();
        let other = s.p("other");
        std::fs::create_dir(&other).unwrap();
        s.give(&other);
        let target = other.join("real.json");
        std::fs::write(&target, "old").unwrap();
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
        s.give(&target);
        // link1 -> link2 -> other/real.json, one relative and one absolute.
        std::os::unix::fs::symlink("link2", s.p("link1")).unwrap();
        std::os::unix::fs::symlink(&target, s.p("link2")).unwrap();
        s.give(&s.p("link1"));
        s.give(&s.p("link2"));
        s.write(s.p("link1"));
        assert!(
            std::fs::symlink_metadata(s.p("link1"))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{user:?}"
        );
        assert!(
            std::fs::symlink_metadata(s.p("link2"))
                .unwrap()
                .file_type()
                .is_symlink(),
            "{user:?}"
        );
        assert_eq!(std::fs::read(&target).unwrap(), want, "{user:?}");
        assert_eq!(
            std::fs::metadata(&target).unwrap().permissions().mode() & 0o777,
            0o640
        );
        assert_eq!(
            s.names(&other),
            ["real.json"],
            "{user:?}: the temporary file was made beside the target"
        );
        assert_eq!(s.names(&s.path), ["link1", "link2", "other", "root"]);

        // A dangling link: its target is created, the link stays.
        std::os::unix::fs::symlink("new.json", s.p("dangling")).unwrap();
        s.give(&s.p("dangling"));
        s.write(s.p("dangling"));
        assert!(std::fs::symlink_metadata(s.p("dangling"))
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read(s.p("new.json")).unwrap(), want);
    }
}

#[test]
fn a_fifo_is_written_directly() {
    for user in users() {
        let s = Scratch::new(user);
        let want = s.expected();
        let fifo = s.p("fifo");
        let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        s.give(&fifo);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut got = Vec::new();
                std::fs::File::open(&fifo)
                    .unwrap()
                    .read_to_end(&mut got)
                    .unwrap();
                got
            })
        };
        s.write(&fifo);
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo(),
            "{user:?}: still a FIFO"
        );
        // Had sovstack not opened the FIFO, the reader would wait for a writer forever: be one
        // (opening fails at once when the reader is already gone, which is the good case).
        let _ = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(O_NONBLOCK)
            .open(&fifo);
        assert_eq!(reader.join().unwrap(), want, "{user:?}");
    }
}

#[test]
fn a_unix_socket_is_written_directly() {
    for user in users() {
        let s = Scratch::new(user);
        let want = s.expected();
        let sock = s.p("sock");
        let listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();
        s.give(&sock);
        std::fs::set_permissions(&sock, std::fs::Permissions::from_mode(0o777)).unwrap();
        let reader = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap();
            let mut got = Vec::new();
            conn.read_to_end(&mut got).unwrap();
            got
        });
        s.write(&sock);
        assert!(
            std::fs::symlink_metadata(&sock)
                .unwrap()
                .file_type()
                .is_socket(),
            "{user:?}: still a socket"
        );
        if !reader.is_finished() {
            // Had sovstack not connected, the listener would wait forever: connect and hang up.
            std::thread::sleep(std::time::Duration::from_millis(200));
            if !reader.is_finished() {
                drop(std::os::unix::net::UnixStream::connect(&sock));
            }
        }
        assert_eq!(reader.join().unwrap(), want, "{user:?}");
    }
}

#[test]
fn character_devices_are_written_directly_and_block_devices_and_directories_refused() {
    if !is_root() {
        eprintln!("skipped: mknod needs root");
        return;
    }
    for user in users() {
        let s = Scratch::new(user);
        // A scratch node with /dev/null's numbers (1, 3): writing it discards, as /dev/null does.
        let null = s.p("null");
        let status = Command::new("mknod")
            .args(["-m", "666"])
            .arg(&null)
            .args(["c", "1", "3"])
            .status()
            .unwrap();
        assert!(status.success());
        let rdev = std::fs::metadata(&null).unwrap().rdev();
        s.write(&null);
        let m = std::fs::symlink_metadata(&null).unwrap();
        assert!(
            m.file_type().is_char_device(),
            "{user:?}: still a character device"
        );
        assert_eq!(m.rdev(), rdev);
        // A link to it, as /dev/stdout is a link.
        std::os::unix::fs::symlink(&null, s.p("to-null")).unwrap();
        s.give(&s.p("to-null"));
        s.write(s.p("to-null"));
        assert!(std::fs::symlink_metadata(&null)
            .unwrap()
            .file_type()
            .is_char_device());
        assert!(std::fs::symlink_metadata(s.p("to-null"))
            .unwrap()
            .file_type()
            .is_symlink());

        // /dev/full's numbers (1, 7): a write fails with "no space", and the node stays.
        let full = s.p("full");
        let status = Command::new("mknod")
            .args(["-m", "666"])
            .arg(&full)
            .args(["c", "1", "7"])
            .status()
            .unwrap();
        assert!(status.success());
        let (code, _, err) = run(s.scan_to(&full.clone().into()).stdin(Stdio::null()));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("No space left on device"), "{err}");
        assert!(
            !err.contains("os error"),
            "the cause is said once, in words: {err}"
        );
        assert!(
            std::fs::symlink_metadata(&full)
                .unwrap()
                .file_type()
                .is_char_device(),
            "{user:?}: /dev/full-like node kept"
        );

        // A block device with numbers no driver serves (240 is for local use): refused unopened.
        let block = s.p("block");
        let status = Command::new("mknod")
            .arg(&block)
            .args(["b", "240", "0"])
            .status()
            .unwrap();
        assert!(status.success());
        let (code, _, err) = run(s.scan_to(&block.clone().into()).stdin(Stdio::null()));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("block device"), "{err}");
        assert!(std::fs::symlink_metadata(&block)
            .unwrap()
            .file_type()
            .is_block_device());

        let (code, _, err) = run(s.scan_to(&s.path.clone().into()).stdin(Stdio::null()));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("is a directory"), "{err}");
    }
}

#[test]
fn descriptors_dash_and_process_substitution_are_written_directly() {
    for user in users() {
        let s = Scratch::new(user);
        let want = s.expected();

        // `-` is stdout.
        let (code, out, err) = run(s.scan_to(&"-".into()).stdin(Stdio::null()));
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.as_bytes(), want);

        // A link to /dev/fd/1 (as /dev/stdout is one): stdout, and the link stays a link.
        std::os::unix::fs::symlink("/dev/fd/1", s.p("stdout-link")).unwrap();
        s.give(&s.p("stdout-link"));
        let (code, out, err) = run(s.scan_to(&s.p("stdout-link").into()).stdin(Stdio::null()));
        assert_eq!(code, 0, "{err}");
        assert_eq!(out.as_bytes(), want, "{user:?}");
        assert!(std::fs::symlink_metadata(s.p("stdout-link"))
            .unwrap()
            .file_type()
            .is_symlink());

        // /dev/fd/3 opened by the shell on a file, and `-o >(...)` (a pipe, /dev/fd/63).
        let cmd = |out: &str| {
            let c = s.scan_to(&out.into());
            let prog = c.get_program().to_owned();
            let args: Vec<String> = c
                .get_args()
                .map(|a| format!("'{}'", a.to_string_lossy()))
                .collect();
            format!("'{}' {}", prog.to_string_lossy(), args.join(" "))
        };
        let script = format!(
            "set -e; cd '{dir}'; {fd3} 3>fd3.json; {subst}; wait",
            dir = s.path.display(),
            fd3 = cmd("/dev/fd/3").replace("'/dev/fd/3'", "/dev/fd/3"),
            subst = cmd("SUBST").replace("'SUBST'", ">(cat > subst.json)"),
        );
        let mut bash = Command::new("bash");
        bash.arg("-c")
            .arg(&script)
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1");
        let (code, _, err) = run(&mut bash);
        assert_eq!(code, 0, "{script}: {err}");
        // The process substitution's reader may finish a moment after bash.
        for _ in 0..100 {
            if std::fs::read(s.p("subst.json")).is_ok_and(|b| b.len() == want.len()) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert_eq!(std::fs::read(s.p("fd3.json")).unwrap(), want, "{user:?}");
        assert_eq!(std::fs::read(s.p("subst.json")).unwrap(), want, "{user:?}");
    }
}

#[test]
fn a_writable_file_in_a_read_only_directory_is_written_in_place_with_a_notice() {
    // Root writes into any directory, so the case exists only for an ordinary user.
    let user = if is_root() { User::Nobody } else { User::Me };
    let s = Scratch::new(user);
    let want = s.expected();
    let ro = s.p("ro");
    std::fs::create_dir(&ro).unwrap();
    let f = ro.join("report.json");
    std::fs::write(&f, "old").unwrap();
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
    s.give(&f);
    s.give(&ro);
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    let inode = std::fs::metadata(&f).unwrap().ino();
    let err = s.write(&f);
    assert!(err.contains("not atomically"), "a notice says so: {err}");
    assert!(err.contains(&f.display().to_string()), "{err}");
    assert_eq!(std::fs::read(&f).unwrap(), want);
    assert_eq!(
        std::fs::metadata(&f).unwrap().ino(),
        inode,
        "written in place"
    );

    // A new file there cannot be made: a clear error, exit 2.
    let (code, _, err) = run(s.scan_to(&ro.join("new.json").into()).stdin(Stdio::null()));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot write") && err.contains(&ro.display().to_string()),
        "{err}"
    );
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `-o FILE` without `--format` writes the format the file's extension tells, as a user who
/// names the file `report.json` expects; an unknown extension still gets the table. An empty
/// `SOURCE_DATE_EPOCH` (some CI systems export it so) is the same as none.
#[test]
fn the_output_file_extension_tells_the_format_and_an_empty_source_date_epoch_is_unset() {
    let dir = tempdir();
    for (name, starts) in [
        ("r.json", "{"),
        ("r.sarif", "{"),
        ("r.html", "<!DOCTYPE html>"),
        ("r.md", "# "),
        ("r.txt", "sovstack "),
        ("r.report", "sovstack "),
    ] {
        let path = dir.path().join(name);
        let (code, _, err) = run(sovstack()
            .env("SOURCE_DATE_EPOCH", "")
            .args(["audit", "--root"])
            .arg(fixture("x86-amd-epyc-debian12"))
            .arg("-o")
            .arg(&path));
        assert_eq!(code, 0, "{name}: {err}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with(starts),
            "{name}: {}",
            &text[..80.min(text.len())]
        );
        if name == "r.json" {
            let report: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert!(report.get("generated_at").is_none(), "{name}");
        }
        if name == "r.sarif" {
            assert!(text.contains("\"version\": \"2.1.0\""), "{name}");
        }
    }
}

/// Without SOURCE_DATE_EPOCH nothing is past its end of support (the report stays
/// reproducible): the audit says so on stderr, naming the variable, and with it does not.
#[test]
fn an_undated_audit_says_end_of_support_was_not_checked() {
    let root = fixture("x86-amd-epyc-debian12");
    let (code, _, err) = run(sovstack()
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["audit", "--format", "json", "--root"])
        .arg(&root));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("end of support not checked") && err.contains("SOURCE_DATE_EPOCH=$(date +%s)"),
        "{err}"
    );
    let (code, _, err) = run(sovstack()
        .env("SOURCE_DATE_EPOCH", "1796601600")
        .args(["audit", "--format", "json", "--root"])
        .arg(&root));
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("end of support not checked"), "{err}");
}
