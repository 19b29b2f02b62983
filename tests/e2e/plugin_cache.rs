//! The cache of compiled plugins through the CLI: a second run uses what the first wrote, the
//! report does not depend on it, and a damaged or untrusted file is refused with a warning and
//! compiled again. Each case has its own `XDG_CACHE_HOME`.

use crate::util::*;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// An audit of a fixture root, with `cache_home` as `XDG_CACHE_HOME`: (exit code, report,
/// stderr).
fn audit(cache_home: &Path, extra: &[&str]) -> (i32, String, String) {
    run(sovstack()
        .env("XDG_CACHE_HOME", cache_home)
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["audit", "--format", "json", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .args(extra))
}

fn cache_dir(cache_home: &Path) -> PathBuf {
    cache_home.join("sovstack/plugins")
}

/// The cached files: (name, inode, mode).
fn files(cache_home: &Path) -> Vec<(String, u64, u32)> {
    let mut v: Vec<_> = std::fs::read_dir(cache_dir(cache_home))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let m = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                m.ino(),
                m.mode() & 0o7777,
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_second_run_uses_the_compiled_plugins_of_the_first_and_reports_the_same() {
    let home = tempdir();
    let (code, cold, err) = audit(home.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    let written = files(home.path());
    // The fixture has a processor, an os and a materials layer: one file per plugin, private.
    assert_eq!(written.len(), 3, "{written:?}");
    for (name, _, mode) in &written {
        assert!(name.ends_with(".cwasm") && name.len() == 64 + 6, "{name}");
        assert_eq!(*mode, 0o600, "{name}");
    }
    let dir_mode = std::fs::metadata(cache_dir(home.path())).unwrap().mode() & 0o7777;
    assert_eq!(dir_mode, 0o700);

    let (code, warm, err) = audit(home.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    assert_eq!(warm, cold, "the report does not depend on the cache");
    // Read, not rewritten: a compiled module would have been renamed over, a new inode.
    assert_eq!(files(home.path()), written);

    let (code, uncached, err) = audit(home.path(), &["--no-plugin-cache"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(uncached, cold);
}

#[test]
fn no_plugin_cache_neither_reads_nor_writes_it() {
    for how in ["flag", "env"] {
        let home = tempdir();
        let mut cmd = sovstack();
        cmd.env("XDG_CACHE_HOME", home.path())
            .args(["plugin", "list", "--format", "json"]);
        match how {
            "flag" => cmd.arg("--no-plugin-cache"),
            _ => cmd.env("SOVSTACK_NO_PLUGIN_CACHE", "1"),
        };
        let (code, _, err) = run(&mut cmd);
        assert_eq!(code, 0, "{how}: {err}");
        assert!(!home.path().join("sovstack").exists(), "{how}");
    }
}

#[test]
fn a_damaged_cached_plugin_is_compiled_again_and_replaced() {
    let home = tempdir();
    let (_, cold, _) = audit(home.path(), &[]);
    let before = files(home.path());
    // Flip a byte in the middle of the compiled code of one of them.
    let victim = cache_dir(home.path()).join(&before[0].0);
    let mut bytes = std::fs::read(&victim).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    std::fs::write(&victim, &bytes).unwrap();

    let (code, report, err) = audit(home.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report, cold);
    assert!(
        err.contains("sovstack: warning: host/plugin-cache-corrupt: the cached plugin")
            && err.contains("its checksum does not match its contents"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let after = files(home.path());
    assert_ne!(after[0].1, before[0].1, "replaced by a fresh file");
    assert_eq!(after[1], before[1], "the other one untouched");
    let (_, _, err) = audit(home.path(), &[]);
    assert_eq!(err, "", "the replacement is good");
}

#[test]
fn a_cache_others_can_write_is_not_used() {
    let home = tempdir();
    let (_, cold, _) = audit(home.path(), &[]);
    let before = files(home.path());

    // A cached file the group may write: refused, compiled, replaced by a private one.
    let victim = cache_dir(home.path()).join(&before[0].0);
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o660)).unwrap();
    let (code, report, err) = audit(home.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report, cold);
    assert!(
        err.contains("host/plugin-cache-untrusted: not loading the cached plugin")
            && err.contains("it is writable by its group (mode 660)"),
        "{err}"
    );
    assert_eq!(files(home.path())[0].2, 0o600);

    // A directory anyone may write: not used at all, said once.
    std::fs::set_permissions(
        cache_dir(home.path()),
        std::fs::Permissions::from_mode(0o777),
    )
    .unwrap();
    let (code, report, err) = audit(home.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report, cold);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("host/plugin-cache-untrusted: not using the plugin cache")
            && err.contains("it is writable by others (mode 777)"),
        "{err}"
    );
}

#[test]
fn a_cached_plugin_of_another_user_is_not_loaded() {
    // Only root can give a file away; as another user, the unit tests of the host's cache check
    // the same refusal with a cache that trusts another uid.
    let home = tempdir();
    if std::fs::metadata(home.path()).unwrap().uid() != 0 {
        return;
    }
    let (_, cold, _) = audit(home.path(), &[]);
    let before = files(home.path());
    let victim = cache_dir(home.path()).join(&before[0].0);
    std::os::unix::fs::chown(&victim, Some(65534), Some(65534)).unwrap();
    let (code, report, err) = audit(home.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report, cold);
    assert!(
        err.contains("host/plugin-cache-untrusted: not loading the cached plugin")
            && err.contains("it is owned by user 65534, not by user 0 who runs sovstack"),
        "{err}"
    );
    let after = std::fs::metadata(&victim).unwrap();
    assert_eq!(after.uid(), 0, "replaced by the user's own");
}
