//! Detection on real binaries nobody here wrote, each compared with an independent reader:
//! `readelf` (binutils) for ELF `.comment`, version needs and interpreter; `go version -m` for Go
//! build info; Python `pefile` for PE Rich headers and `lief` for Mach-O load commands (through
//! `tests/readers.py`). The tools come from Debian packages (binutils, clang, golang-go) and pip
//! (pefile, lief), which the CI script installs; a missing one fails the test rather than
//! skipping it.

use sovstack_binary::{detect_file, BinaryReport, Component, DetectOptions, Detection, Format};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The built-in knowledge base's toolchain marks, loaded once.
fn marks() -> &'static sovstack_binary::ToolchainMarks {
    static KB: OnceLock<sovstack_kb::Kb> = OnceLock::new();
    KB.get_or_init(|| sovstack_kb::Kb::builtin().unwrap())
        .toolchain_marks()
}

fn run(cmd: &str, args: &[&str]) -> String {
    run_env(cmd, args, &[])
}

fn run_env(cmd: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run {cmd} (install it: see crates/binary/README.md): {e}")
        });
    assert!(
        out.status.success(),
        "{cmd} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn report(path: &Path) -> BinaryReport {
    detect_file(
        marks(),
        path,
        &path.display().to_string(),
        &DetectOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    .unwrap_or_else(|| panic!("{} not recognised as a binary", path.display()))
}

/// The strings `readelf -p .comment` prints (none when the section is absent).
fn readelf_comment(path: &Path) -> Vec<String> {
    let out = run("readelf", &["-p", ".comment", path.to_str().unwrap()]);
    out.lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let rest = l.strip_prefix('[')?;
            let (_, s) = rest.split_once(']')?;
            Some(s.trim().to_string())
        })
        .collect()
}

/// Every `.comment` string readelf shows is accounted for, as a detection's evidence or as
/// unattributed evidence, and nothing claims to come from `.comment` that readelf did not show.
fn assert_comment_accounted(path: &Path, r: &BinaryReport, strings: &[String]) {
    let from_comment = |e: &&sovstack_binary::Evidence| {
        e.field
            .as_deref()
            .is_some_and(|f| f.starts_with(".comment @"))
    };
    let mut seen: Vec<String> = r
        .detections
        .iter()
        .flat_map(|d| d.evidence.iter())
        .chain(r.unattributed.iter())
        .filter(from_comment)
        .filter_map(|e| e.value.clone())
        .collect();
    seen.sort();
    seen.dedup();
    let mut want = strings.to_vec();
    want.sort();
    want.dedup();
    assert_eq!(seen, want, "{}: .comment strings", path.display());
}

fn find<'r>(r: &'r BinaryReport, component: Component, toolchain: &str) -> Option<&'r Detection> {
    r.of(component).find(|d| d.toolchain == toolchain)
}

/// The version readelf shows in the first string starting with `prefix`.
fn version_after<'s>(strings: &'s [String], prefix: &str) -> Option<&'s str> {
    let s = strings
        .iter()
        .find_map(|s| s.find(prefix).map(|i| &s[i + prefix.len()..]))?;
    s.split_whitespace().next()
}

#[test]
fn own_rust_binaries_match_readelf() {
    // This test's executable and, when built, the project's CLI: rustc, LLD and the GCC-built
    // C runtime objects all leave a line in one `.comment`.
    let mut paths = vec![std::env::current_exe().unwrap()];
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/sovstack");
    if cli.exists() {
        paths.push(cli);
    }
    for path in paths {
        let r = report(&path);
        let strings = readelf_comment(&path);
        assert_comment_accounted(&path, &r, &strings);
        let rustc = find(&r, Component::Compiler, "rustc").expect("rustc");
        assert_eq!(
            rustc.version.as_deref(),
            version_after(&strings, "rustc version "),
            "{}",
            path.display()
        );
        assert_eq!(r.primary_compiler().unwrap().toolchain, "rustc");
        let lld = find(&r, Component::Linker, "lld").map(|d| d.version.as_deref().unwrap());
        assert_eq!(lld, version_after(&strings, "Linker: LLD "));
        let gcc = find(&r, Component::Compiler, "gcc").map(|d| d.version.as_deref().unwrap());
        assert_eq!(
            gcc,
            strings
                .iter()
                .find(|s| s.starts_with("GCC: "))
                .and_then(|s| s.rsplit(' ').next())
        );
        assert!(find(&r, Component::Libc, "glibc").is_some());
    }
    // The running toolchain is the one that built this test.
    let me = report(&std::env::current_exe().unwrap());
    let rustc_v = run("rustc", &["--version"]);
    let want = rustc_v.split_whitespace().nth(1).unwrap();
    assert_eq!(
        find(&me, Component::Compiler, "rustc")
            .unwrap()
            .version
            .as_deref(),
        Some(want)
    );
}

/// The newest `GLIBC_` version readelf lists under `File: libc.so.6` in the version needs.
fn readelf_glibc_floor(path: &Path) -> Option<String> {
    let out = run("readelf", &["-V", "-W", path.to_str().unwrap()]);
    let mut in_libc = false;
    let mut best: Option<Vec<u32>> = None;
    for l in out.lines() {
        if l.contains("File: ") {
            in_libc = l.contains("File: libc.so.6");
        } else if in_libc {
            if let Some(i) = l.find("Name: GLIBC_") {
                let v = l[i + 12..].split_whitespace().next().unwrap();
                if let Ok(parts) = v
                    .split('.')
                    .map(str::parse)
                    .collect::<Result<Vec<u32>, _>>()
                {
                    best = best.max(Some(parts));
                }
            }
        }
    }
    best.map(|p| {
        format!(
            "GLIBC_{}",
            p.iter().map(u32::to_string).collect::<Vec<_>>().join(".")
        )
    })
}

#[test]
fn debian_binaries_are_stripped_so_the_compiler_stays_unknown() {
    let paths: Vec<PathBuf> = [
        "/usr/bin/ls",
        "/usr/bin/cat",
        "/usr/bin/bash",
        "/usr/bin/tar",
    ]
    .iter()
    .map(PathBuf::from)
    .filter(|p| p.exists())
    .collect();
    assert!(
        paths.len() >= 3,
        "Debian's coreutils, bash and tar are on every machine"
    );
    for path in &paths {
        let r = report(path);
        assert!(
            readelf_comment(path).is_empty(),
            "{} has no .comment on Debian",
            path.display()
        );
        assert!(
            r.primary_compiler().is_none(),
            "{}: compiler must be unknown, got {:?}",
            path.display(),
            r.primary_compiler()
        );
        // GNU ld leaves no mark; its section layout still tells it, with medium confidence.
        let linkers: Vec<&str> = r
            .of(Component::Linker)
            .map(|d| d.toolchain.as_str())
            .collect();
        assert_eq!(linkers, ["gnu-ld"], "{}", path.display());
        assert_eq!(
            find(&r, Component::Linker, "gnu-ld").unwrap().confidence(),
            sovstack_binary::Confidence::Medium
        );
        let glibc = find(&r, Component::Libc, "glibc").expect("glibc");
        assert_eq!(glibc.version, None);
        let floor = readelf_glibc_floor(path).unwrap();
        assert_eq!(
            glibc.detail.as_deref(),
            Some(&*format!("requires {floor}")),
            "{}",
            path.display()
        );
        let program_headers = run("readelf", &["-l", "-W", path.to_str().unwrap()]);
        let interp = program_headers
            .split("Requesting program interpreter: ")
            .nth(1)
            .unwrap()
            .split(']')
            .next()
            .unwrap();
        let ev = glibc
            .evidence
            .iter()
            .find(|e| {
                e.field
                    .as_deref()
                    .is_some_and(|f| f.starts_with("PT_INTERP"))
            })
            .unwrap();
        assert_eq!(ev.value.as_deref(), Some(interp));
        assert!(
            glibc
                .evidence
                .iter()
                .any(|e| e.value.as_deref() == Some("libc.so.6")),
            "DT_NEEDED evidence"
        );
    }
}

fn pyenv_root() -> PathBuf {
    std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap()).join(".pyenv"))
}

/// Regular files matching `<pyenv>/versions/*/<rel>/<name filter>`.
fn pyenv_files(rel: &str, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(versions) = std::fs::read_dir(pyenv_root().join("versions")) else {
        return out;
    };
    for v in versions.flatten() {
        let Ok(dir) = std::fs::read_dir(v.path().join(rel)) else {
            continue;
        };
        for f in dir.flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if f.file_type().is_ok_and(|t| t.is_file()) && keep(&name) {
                out.push(f.path());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn pyenv_pythons_keep_their_comment() {
    let pythons = pyenv_files("bin", |n| n.starts_with("python3.") && !n.contains('-'));
    let pythons: Vec<_> = pythons
        .into_iter()
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.starts_with(b"\x7fELF")))
        .collect();
    assert!(
        !pythons.is_empty(),
        "no unstripped Python under {}/versions",
        pyenv_root().display()
    );
    for path in &pythons {
        let r = report(path);
        let strings = readelf_comment(path);
        assert!(
            !strings.is_empty(),
            "{}: pyenv builds keep .comment",
            path.display()
        );
        assert_comment_accounted(path, &r, &strings);
        let gcc = r.primary_compiler().unwrap();
        assert_eq!(gcc.toolchain, "gcc");
        let line = strings.iter().find(|s| s.starts_with("GCC: (")).unwrap();
        assert_eq!(gcc.version.as_deref(), line.rsplit(' ').next());
        assert_eq!(
            gcc.vendor.as_deref(),
            line.strip_prefix("GCC: (")
                .and_then(|s| s.split(')').next())
        );
    }
}

#[test]
fn msvc_launchers_match_pefile() {
    let mut exes = Vec::new();
    // pip's vendored distlib ships the Windows launchers; one copy of each name suffices.
    let versions = std::fs::read_dir(pyenv_root().join("versions")).expect("pyenv versions");
    let mut names = std::collections::BTreeSet::new();
    for v in versions.flatten() {
        let Ok(libs) = std::fs::read_dir(v.path().join("lib")) else {
            continue;
        };
        for lib in libs.flatten() {
            let dir = lib.path().join("site-packages/pip/_vendor/distlib");
            let Ok(files) = std::fs::read_dir(&dir) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                if name.ends_with(".exe") && names.insert(name) {
                    exes.push(f.path());
                }
            }
        }
    }
    assert!(
        exes.len() >= 4,
        "pip's distlib launchers (t32/t64/w32/w64.exe) under pyenv"
    );
    let readers = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readers.py");
    for exe in &exes {
        let r = report(exe);
        assert_eq!(r.format, Format::Pe);
        let json: serde_json::Value = serde_json::from_str(&run(
            "python3",
            &[readers.to_str().unwrap(), "rich", exe.to_str().unwrap()],
        ))
        .unwrap();
        let theirs: Vec<(u64, u64, u64)> = json["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e[0].as_u64().unwrap(),
                    e[1].as_u64().unwrap(),
                    e[2].as_u64().unwrap(),
                )
            })
            .collect();
        let ours: Vec<(u64, u64, u64)> = r
            .rich
            .iter()
            .map(|e| (u64::from(e.prod_id), u64::from(e.build), u64::from(e.count)))
            .collect();
        assert_eq!(ours, theirs, "{}", exe.display());
        // The linker is the Rich header's LNK entry; pefile's linker version backs it.
        let linker = find(&r, Component::Linker, "msvc").expect("MSVC linker");
        let lnk = r
            .rich
            .iter()
            .find(|e| e.kind.as_deref() == Some("LNK"))
            .unwrap();
        assert!(
            linker
                .detail
                .as_deref()
                .unwrap()
                .contains(&lnk.build.to_string()),
            "{:?}",
            linker.detail
        );
        let linker_version = json["linker"].as_str().unwrap();
        assert!(linker
            .evidence
            .iter()
            .any(|e| e.value.as_deref() == Some(linker_version)));
        assert_eq!(r.primary_compiler().unwrap().toolchain, "msvc");
    }
    // Concrete values for the launcher every distlib has shipped since 2013.
    let t32 = exes.iter().find(|p| p.ends_with("t32.exe")).unwrap();
    let r = report(t32);
    let linker = find(&r, Component::Linker, "msvc").unwrap();
    assert_eq!(linker.version.as_deref(), Some("VS2010 (10.0)"));
    assert_eq!(linker.detail.as_deref(), Some("VS2010 SP1 build 40219"));
    let cc: Vec<_> = r
        .of(Component::Compiler)
        .map(|d| (d.version.as_deref().unwrap(), d.detail.as_deref().unwrap()))
        .collect();
    assert_eq!(cc, vec![("VS2010 (10.0)", "VS2010 SP1 build 40219")]);
}

#[test]
fn go_toolchain_matches_go_version_m() {
    let goroot = run("go", &["env", "GOROOT"]);
    let go = PathBuf::from(goroot.trim()).join("bin/go");
    let r = report(&go);
    let m = run("go", &["version", "-m", go.to_str().unwrap()]);
    let version = m.lines().next().unwrap().rsplit(' ').next().unwrap();
    let path = m
        .lines()
        .find_map(|l| l.trim().strip_prefix("path\t"))
        .unwrap();
    let d = r.primary_compiler().unwrap();
    assert_eq!(d.toolchain, "go");
    assert_eq!(d.version.as_deref(), Some(version));
    assert_eq!(d.detail.as_deref(), Some(&*format!("main package {path}")));
    assert!(d.evidence.iter().any(|e| e
        .field
        .as_deref()
        .is_some_and(|f| f.starts_with(".go.buildinfo @"))));
    assert!(d.evidence.iter().any(|e| e
        .field
        .as_deref()
        .is_some_and(|f| f.starts_with(".note.go.buildid @"))));
}

#[test]
fn clang_built_binary_matches_readelf() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("hello.c");
    std::fs::write(
        &src,
        "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n",
    )
    .unwrap();
    let out = dir.path().join("hello");
    run(
        "clang",
        &["-O1", "-o", out.to_str().unwrap(), src.to_str().unwrap()],
    );
    let r = report(&out);
    let strings = readelf_comment(&out);
    assert_comment_accounted(&out, &r, &strings);
    let clang = r.primary_compiler().unwrap();
    assert_eq!(clang.toolchain, "clang");
    assert_eq!(
        clang.version.as_deref(),
        Some(run("clang", &["-dumpversion"]).trim())
    );
    let line = strings
        .iter()
        .find(|s| s.contains("clang version"))
        .unwrap();
    assert_eq!(
        clang.vendor.as_deref(),
        line.split(" clang version")
            .next()
            .filter(|v| !v.is_empty())
    );
    // The C runtime start files Debian built with GCC.
    assert!(
        find(&r, Component::Compiler, "gcc").is_some()
            == strings.iter().any(|s| s.starts_with("GCC: "))
    );
}

fn lief_slices(path: &Path) -> serde_json::Value {
    let readers = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readers.py");
    serde_json::from_str(&run(
        "python3",
        &[readers.to_str().unwrap(), "macho", path.to_str().unwrap()],
    ))
    .unwrap()
}

/// Our platforms and tool versions per slice equal lief's.
fn assert_macho_matches_lief(path: &Path, r: &BinaryReport) {
    let lief = lief_slices(path);
    let slices = lief.as_array().unwrap();
    let arches: Vec<&str> = slices.iter().map(|s| s["arch"].as_str().unwrap()).collect();
    assert_eq!(r.arches, arches, "{}", path.display());
    for s in slices {
        let arch = s["arch"].as_str().unwrap();
        let Some(minos) = s["minos"].as_str() else {
            continue;
        };
        let p = r.platforms.iter().find(|p| p.arch == arch).unwrap();
        assert_eq!(p.min_os, minos);
        assert_eq!(
            p.sdk.as_deref().unwrap_or("0.0.0"),
            s["sdk"].as_str().unwrap()
        );
        assert_eq!(s["platform"].as_u64(), Some(1));
        assert_eq!(p.name, "macOS");
        for t in s["tools"].as_array().unwrap() {
            let (id, v) = (t[0].as_u64().unwrap(), t[1].as_str().unwrap());
            let found = r.detections.iter().any(|d| {
                d.version.as_deref() == Some(v)
                    && d.evidence.iter().any(|e| {
                        e.field
                            .as_deref()
                            .is_some_and(|f| f.starts_with(&format!("{arch}: LC_BUILD_VERSION")))
                            && e.value
                                .as_deref()
                                .is_some_and(|x| x.starts_with(&format!("tool {id} ")))
                    })
            });
            assert!(found, "{arch}: tool {id} {v} not reported");
        }
    }
}

#[test]
fn universal_macho_from_npm_matches_lief() {
    // fsevents 2.3.3 from npm (MIT): a fat x86_64 + arm64 bundle linked by Apple's ld.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fsevents-2.3.3/fsevents.node");
    let r = report(&path);
    assert_eq!(r.format, Format::MachOFat);
    assert_macho_matches_lief(&path, &r);
    let ld = find(&r, Component::Linker, "apple-ld").unwrap();
    assert_eq!(ld.version.as_deref(), Some("820.1.0"));
    assert_eq!(
        ld.evidence
            .iter()
            .filter(|e| e.source == path.display().to_string())
            .count(),
        2,
        "one per slice"
    );
    let mins: Vec<&str> = r.platforms.iter().map(|p| p.min_os.as_str()).collect();
    assert_eq!(mins, vec!["10.15.0", "11.0.0"]);
    // Apple's linker records no compiler tool here: the compiler stays unknown.
    assert!(r.primary_compiler().is_none());
}

#[test]
fn go_built_macho_matches_lief_and_go_version_m() {
    let dir = tempfile::tempdir().unwrap();
    let d = &dir.path().join("src");
    std::fs::create_dir(d).unwrap();
    std::fs::write(
        d.join("main.go"),
        "package main\n\nfunc main() { println(\"hi\") }\n",
    )
    .unwrap();
    std::fs::write(d.join("go.mod"), "module example.org/hello\n\ngo 1.19\n").unwrap();
    let out = d.join("hello");
    let cache = dir.path().join("cache");
    let gopath = dir.path().join("gopath");
    let env = [
        ("GOOS", "darwin"),
        ("GOARCH", "arm64"),
        ("CGO_ENABLED", "0"),
        ("GOCACHE", cache.to_str().unwrap()),
        ("GOPATH", gopath.to_str().unwrap()),
        ("GOFLAGS", "-mod=mod"),
        ("GOPROXY", "off"),
    ];
    let status = Command::new("go")
        .args(["build", "-o", out.to_str().unwrap(), "."])
        .current_dir(d)
        .envs(env)
        .output()
        .expect("go");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let r = report(&out);
    assert_eq!(r.format, Format::MachO);
    assert_macho_matches_lief(&out, &r);
    let m = run("go", &["version", "-m", out.to_str().unwrap()]);
    let version = m.lines().next().unwrap().rsplit(' ').next().unwrap();
    let go = r.primary_compiler().unwrap();
    assert_eq!(go.toolchain, "go");
    assert_eq!(go.version.as_deref(), Some(version));
    assert!(
        go.detail
            .as_deref()
            .unwrap()
            .starts_with("module example.org/hello (devel)"),
        "{:?}",
        go.detail
    );
}

/// One program linked by each of the four ELF linkers of Debian 12 (GNU ld, gold, LLD, mold),
/// then stripped of every mark a linker writes (`.comment`, gold's note): only GNU ld's output is
/// attributed to GNU ld, from its layout, and the others stay unknown. Unstripped, each names
/// itself. The answer is known by construction: we chose the linker.
#[test]
fn the_gnu_linker_is_told_by_its_layout_and_no_other_linker_is_taken_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("hello.c");
    std::fs::write(
        &src,
        "#include <stdio.h>\nint main(void) { puts(\"hi\"); return 0; }\n",
    )
    .unwrap();
    for (linker, marked_as) in [
        ("bfd", None),
        ("gold", Some("gold")),
        ("lld", Some("lld")),
        ("mold", Some("mold")),
    ] {
        for shared in [false, true] {
            let out = dir.path().join(format!("hello-{linker}-{shared}"));
            let mut args = vec![
                format!("-fuse-ld={linker}"),
                "-O1".into(),
                "-o".into(),
                out.display().to_string(),
                src.display().to_string(),
            ];
            if shared {
                args.splice(0..0, ["-shared".to_string(), "-fPIC".to_string()]);
            }
            run("gcc", &args.iter().map(String::as_str).collect::<Vec<_>>());
            let what = format!("{linker} (shared: {shared})");
            let linkers = |r: &BinaryReport| {
                r.of(Component::Linker)
                    .map(|d| d.toolchain.clone())
                    .collect::<Vec<_>>()
            };
            let unstripped = report(&out);
            match marked_as {
                Some(t) => assert_eq!(linkers(&unstripped), [t], "{what}"),
                None => assert_eq!(linkers(&unstripped), ["gnu-ld"], "{what}"),
            }
            run(
                "strip",
                &[
                    "--remove-section=.comment",
                    "--remove-section=.note.gnu.gold-version",
                    out.to_str().unwrap(),
                ],
            );
            let stripped = report(&out);
            let want: Vec<String> = if linker == "bfd" {
                vec!["gnu-ld".into()]
            } else {
                vec![]
            };
            assert_eq!(linkers(&stripped), want, "{what}, stripped");
        }
    }
}
