//! Go binaries whose build info was removed, as release pipelines do: Go is still told from its
//! pclntab, the version from the runtime version string and the main module from the module
//! text, and each answer equals what `go version -m` said about the binary before the removal.
//!
//! Inputs are real: a program built here with Debian's Go for Linux, Windows and macOS (with
//! and without `-ldflags=-s -w`), and Go programs from Debian packages (the `go` toolchain's own
//! binaries, `age`). Build info is removed with `objcopy --remove-section .go.buildinfo` for ELF.
//! For PE and Mach-O, where Debian's objcopy cannot remove it (in PE it is not a section but
//! the start of `.data`; objcopy does not write Mach-O), the blob is overwritten with zeros in
//! a copy: every reader, `go version` included, finds build info only by its 16-byte-aligned
//! `\xff Go buildinf:` magic, so a file without the magic has no build info for any of them,
//! exactly as a file whose section was removed; the zeroed version and module strings that
//! followed the magic are gone as well, so nothing can be read from the blob's remains.
//! `go version -m` is run on every stripped copy to check that it finds no build info.

use sovstack_binary::{
    detect_bytes, detect_file, BinaryReport, Component, Confidence, DetectOptions, Detection,
    Format,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The built-in knowledge base's toolchain marks, loaded once.
fn marks() -> &'static sovstack_binary::ToolchainMarks {
    static KB: OnceLock<sovstack_kb::Kb> = OnceLock::new();
    KB.get_or_init(|| sovstack_kb::Kb::builtin().unwrap())
        .toolchain_marks()
}

fn run(cmd: &str, args: &[&str]) -> std::process::Output {
    Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd} (see crates/binary/README.md): {e}"))
}

/// What `go version -m` says: the Go version, the main package path, the main module line.
fn go_version_m(path: &Path) -> (String, String, Option<(String, String)>) {
    let out = run("go", &["version", "-m", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "go version -m {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let version = text
        .lines()
        .next()
        .unwrap()
        .split_once(": ")
        .unwrap()
        .1
        .trim()
        .to_string();
    let field = |name: &str| {
        text.lines().find_map(|l| {
            l.trim_start()
                .strip_prefix(name)
                .map(|r| r.split('\t').map(str::to_string).collect::<Vec<_>>())
        })
    };
    let path_line = field("path\t").unwrap()[0].clone();
    let module = field("mod\t").map(|f| (f[0].clone(), f.get(1).cloned().unwrap_or_default()));
    (version, path_line, module)
}

fn assert_go_version_m_finds_nothing(path: &Path) {
    let out = run("go", &["version", "-m", path.to_str().unwrap()]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("could not read Go build info"),
        "{}: {all}",
        path.display()
    );
}

fn report(path: &Path, options: &DetectOptions) -> BinaryReport {
    detect_file(marks(), path, &path.display().to_string(), options)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .unwrap()
}

fn go(r: &BinaryReport) -> Option<&Detection> {
    r.of(Component::Compiler).find(|d| d.toolchain == "go")
}

/// The detail the build info gives for the same module lines.
fn detail(path: &str, module: &Option<(String, String)>) -> String {
    match module {
        Some((m, v)) => format!("module {m} {v}, main package {path}"),
        None => format!("main package {path}"),
    }
}

/// Zeroes the build-info blob (header, version and module strings) in `bytes`.
fn zero_build_info(bytes: &mut [u8]) {
    let magic = b"\xff Go buildinf:";
    let at = memchr_aligned(bytes, magic).expect("build info in the original");
    assert_eq!(bytes[at + 15] & 2, 2, "Go 1.18+ inline layout");
    let mut end = at + 32;
    for _ in 0..2 {
        let (mut len, mut shift) = (0usize, 0);
        loop {
            let b = bytes[end];
            end += 1;
            len |= usize::from(b & 0x7f) << shift;
            shift += 7;
            if b < 0x80 {
                break;
            }
        }
        end += len;
    }
    bytes[at..end].fill(0);
    assert!(memchr_aligned(bytes, magic).is_none());
}

fn memchr_aligned(bytes: &[u8], needle: &[u8]) -> Option<usize> {
    bytes
        .windows(needle.len())
        .enumerate()
        .find(|(i, w)| i % 16 == 0 && *w == needle)
        .map(|(i, _)| i)
}

/// Writes an executable file (`go version` skips files without an execute bit).
fn write_exe(path: &Path, bytes: &[u8]) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, bytes).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A copy of an ELF file without build info, made with objcopy.
fn objcopy_without_build_info(from: &Path, to: &Path) {
    let out = run(
        "objcopy",
        &[
            "--remove-section",
            ".go.buildinfo",
            from.to_str().unwrap(),
            to.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "objcopy {}: {}",
        from.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The ELF file with its section header table dropped (`e_shoff`, `e_shnum`, `e_shstrndx`
/// zeroed), as sstrip-like tools leave it: only the program headers remain.
fn without_section_headers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..6], b"\x7fELF\x02\x01", "64-bit little-endian ELF");
    let mut b = bytes.to_vec();
    b[0x28..0x30].fill(0);
    b[0x3c..0x40].fill(0);
    b
}

/// Builds a small program with a module path and only the standard library.
fn build_hello(dir: &Path, goos: &str, goarch: &str, strip: bool) -> PathBuf {
    let src = dir.join("src");
    if !src.exists() {
        std::fs::create_dir(&src).unwrap();
        std::fs::write(src.join("main.go"), "package main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n)\n\nfunc main() { fmt.Println(\"hi\", len(os.Args)) }\n").unwrap();
        std::fs::write(src.join("go.mod"), "module example.org/hello\n\ngo 1.19\n").unwrap();
    }
    let out = dir.join(format!(
        "hello-{goos}-{goarch}{}",
        if strip { "-s-w" } else { "" }
    ));
    let mut cmd = Command::new("go");
    cmd.arg("build").arg("-o").arg(&out);
    if strip {
        cmd.arg("-ldflags=-s -w");
    }
    let status = cmd
        .arg(".")
        .current_dir(&src)
        .envs([
            ("GOOS", goos),
            ("GOARCH", goarch),
            ("CGO_ENABLED", "0"),
            ("GOFLAGS", "-mod=mod"),
            ("GOPROXY", "off"),
            ("GOTOOLCHAIN", "local"),
        ])
        .env("GOCACHE", dir.join("cache"))
        .env("GOPATH", dir.join("gopath"))
        .output()
        .expect("go (Debian's golang-go)");
    assert!(
        status.status.success(),
        "go build {goos}/{goarch}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    out
}

/// The answer on a stripped copy equals `go version -m` on the original, with medium
/// confidence, and its evidence cites the pclntab (in `table_in`) and the version string.
fn assert_matches_original(
    stripped: &Path,
    original: (&str, &str, &Option<(String, String)>),
    table_in: &str,
) -> BinaryReport {
    let (version, path, module) = original;
    let r = report(stripped, &DetectOptions::default());
    let what = stripped.display();
    let d = go(&r).unwrap_or_else(|| panic!("{what}: Go not detected: {r:#?}"));
    assert_eq!(r.primary_compiler().unwrap().toolchain, "go", "{what}");
    assert_eq!(d.version.as_deref(), Some(version), "{what}: {d:#?}");
    assert_eq!(d.detail.as_deref(), Some(&*detail(path, module)), "{what}");
    // Medium from the table and the string; an ELF file's Go build-ID note, when left in,
    // still says Go with high confidence (but no version).
    let ours = d.evidence.iter().filter(|e| {
        e.field
            .as_deref()
            .is_some_and(|f| f.starts_with(table_in) || f.starts_with("runtime."))
    });
    assert!(
        ours.clone().count() >= 2 && ours.clone().all(|e| e.confidence == Confidence::Medium),
        "{what}: {d:#?}"
    );
    let note = d.evidence.iter().any(|e| {
        e.field
            .as_deref()
            .is_some_and(|f| f.starts_with(".note.go.buildid"))
    });
    assert_eq!(
        d.confidence(),
        if note {
            Confidence::High
        } else {
            Confidence::Medium
        },
        "{what}"
    );
    let fields: Vec<&str> = d
        .evidence
        .iter()
        .filter_map(|e| e.field.as_deref())
        .collect();
    let table_field = |f: &&str| {
        f.strip_prefix(table_in).is_some_and(|rest| {
            rest.trim_start_matches(|c: char| c.is_ascii_digit())
                .starts_with(" @ 0x")
        })
    };
    assert!(fields.iter().any(table_field), "{what}: {fields:?}");
    assert!(
        fields
            .iter()
            .any(|f| f.starts_with("runtime.buildVersion: string header in ")),
        "{what}: {fields:?}"
    );
    assert!(
        !fields.iter().any(|f| f.contains("buildinfo")),
        "{what}: build info was removed: {fields:?}"
    );
    // The cited string is the version, at the offset the evidence names.
    let bytes = std::fs::read(stripped).unwrap();
    let ev = d
        .evidence
        .iter()
        .find(|e| {
            e.field
                .as_deref()
                .is_some_and(|f| f.starts_with("runtime.buildVersion"))
        })
        .unwrap();
    let at = usize::from_str_radix(
        ev.field.as_deref().unwrap().rsplit_once("@ 0x").unwrap().1,
        16,
    )
    .unwrap();
    assert_eq!(&bytes[at..at + version.len()], version.as_bytes(), "{what}");
    r
}

#[test]
fn go_programs_built_here_without_build_info_match_go_version_m() {
    let dir = tempfile::tempdir().unwrap();
    let targets = [
        ("linux", "amd64"),
        ("windows", "amd64"),
        ("darwin", "arm64"),
        ("darwin", "amd64"),
    ];
    for (goos, goarch) in targets {
        for strip in [false, true] {
            let original = build_hello(dir.path(), goos, goarch, strip);
            let (version, path, module) = go_version_m(&original);
            assert_eq!(path, "example.org/hello");
            let stripped = dir.path().join(format!(
                "{}-nobuildinfo",
                original.file_name().unwrap().to_str().unwrap()
            ));
            let table_in = match goos {
                "linux" => {
                    objcopy_without_build_info(&original, &stripped);
                    ".gopclntab"
                }
                _ => {
                    let mut bytes = std::fs::read(&original).unwrap();
                    zero_build_info(&mut bytes);
                    write_exe(&stripped, &bytes);
                    if goos == "windows" {
                        ".rdata"
                    } else if goarch == "arm64" {
                        "arm64: __DATA_CONST,__gopclntab"
                    } else {
                        "x86_64: __TEXT,__gopclntab"
                    }
                }
            };
            assert_go_version_m_finds_nothing(&stripped);
            let r = assert_matches_original(&stripped, (&version, &path, &module), table_in);
            let want = match goos {
                "linux" => Format::Elf,
                "windows" => Format::Pe,
                _ => Format::MachO,
            };
            assert_eq!(r.format, want);

            if goos == "linux" {
                // Without section headers the table is found by its magic in the segments.
                let bare = dir.path().join(format!(
                    "{}-noshdr",
                    original.file_name().unwrap().to_str().unwrap()
                ));
                write_exe(
                    &bare,
                    &without_section_headers(&std::fs::read(&stripped).unwrap()),
                );
                assert_matches_original(&bare, (&version, &path, &module), "PT_LOAD #");
            }
        }
    }
}

#[test]
fn debian_go_programs_without_build_info_match_go_version_m() {
    let goroot = String::from_utf8(run("go", &["env", "GOROOT"]).stdout).unwrap();
    let goroot = PathBuf::from(goroot.trim());
    let tools = String::from_utf8(run("go", &["env", "GOTOOLDIR"]).stdout).unwrap();
    // Debian's builds of the Go toolchain (linked by Go's own linker) and of age (a
    // position-independent executable linked by the system linker, whose pclntab lies
    // inside .data.rel.ro and is found by its magic).
    let programs = [
        (goroot.join("bin/go"), ".gopclntab"),
        (goroot.join("bin/gofmt"), ".gopclntab"),
        (PathBuf::from(tools.trim()).join("compile"), ".gopclntab"),
        (PathBuf::from("/usr/bin/age"), ".data.rel.ro"),
        // Linked by Go's linker as a position-independent executable, with an empty
        // .gnu.version_r (which the ELF reader once took for a malformed file).
        (
            PathBuf::from("/usr/bin/age-keygen"),
            ".data.rel.ro.gopclntab",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (program, table_in) in programs {
        assert!(
            program.exists(),
            "{} (Debian packages golang-go and age: tools/install-deps.sh)",
            program.display()
        );
        let (version, path, module) = go_version_m(&program);
        let stripped = dir.path().join(program.file_name().unwrap());
        objcopy_without_build_info(&program, &stripped);
        assert_go_version_m_finds_nothing(&stripped);
        assert_matches_original(&stripped, (&version, &path, &module), table_in);
    }
}

#[test]
fn a_version_string_outside_the_magic_range_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let original = build_hello(dir.path(), "linux", "amd64", false);
    let (version, _, _) = go_version_m(&original);
    let minor: u32 = version
        .strip_prefix("go1.")
        .unwrap()
        .split('.')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let stripped = dir.path().join("stripped");
    objcopy_without_build_info(&original, &stripped);
    let r = report(&stripped, &DetectOptions::default());
    let pclntab = go(&r).unwrap().evidence[0].value.clone().unwrap();
    // The range the magic gives for this Go release.
    let range = [
        "Go 1.2 to 1.15",
        "Go 1.16 to 1.17",
        "Go 1.18 to 1.19",
        "Go 1.20 or later",
    ]
    .into_iter()
    .find(|r| pclntab.contains(r))
    .unwrap_or_else(|| panic!("{pclntab}"));
    // The same program claiming a release outside that range, in the same number of bytes.
    let other = if minor >= 20 {
        version.replacen(&format!("go1.{minor}"), "go1.19", 1)
    } else {
        version.replacen(&format!("go1.{minor}"), &format!("go1.{}", minor + 2), 1)
    };
    assert_eq!(other.len(), version.len());
    let mut bytes = std::fs::read(&stripped).unwrap();
    let n = memchr_all_replace(&mut bytes, version.as_bytes(), other.as_bytes());
    assert!(n >= 1);
    let r = detect_bytes(marks(), &bytes, "/patched").unwrap().unwrap();
    let d = go(&r).unwrap();
    assert_eq!(d.version, None, "{d:#?}");
    let detail = d.detail.as_deref().unwrap();
    assert!(
        detail.contains(&format!("{range} (pclntab magic)")),
        "{detail}"
    );
    assert!(
        detail.contains(&format!(
            "runtime version string {other} disagrees with the pclntab magic"
        )),
        "{detail}"
    );
    let ev = d
        .evidence
        .iter()
        .find(|e| e.value.as_deref().is_some_and(|v| v.starts_with(&other)))
        .unwrap();
    assert_eq!(ev.confidence, Confidence::Low);
}

fn memchr_all_replace(bytes: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}

#[test]
fn without_the_read_only_data_scan_only_the_range_is_known() {
    let dir = tempfile::tempdir().unwrap();
    let original = build_hello(dir.path(), "windows", "amd64", true);
    let mut bytes = std::fs::read(&original).unwrap();
    zero_build_info(&mut bytes);
    let stripped = dir.path().join("stripped.exe");
    write_exe(&stripped, &bytes);
    let r = report(
        &stripped,
        &DetectOptions {
            scan_rodata: false,
            ..Default::default()
        },
    );
    let d = go(&r).unwrap();
    assert_eq!(d.version, None);
    assert!(
        d.detail.as_deref().unwrap().ends_with("(pclntab magic)"),
        "{:?}",
        d.detail
    );
}

#[test]
fn programs_not_written_in_go_are_not_called_go() {
    let dir = tempfile::tempdir().unwrap();
    let me = std::env::current_exe().unwrap();
    for program in [
        PathBuf::from("/usr/bin/ls"),
        PathBuf::from("/usr/bin/bash"),
        me,
    ] {
        let bytes = std::fs::read(&program).unwrap();
        let r = detect_bytes(marks(), &bytes, "/p").unwrap().unwrap();
        assert!(go(&r).is_none(), "{}", program.display());
        // Without section headers every loadable segment is searched for the magic.
        let bare = dir.path().join("bare");
        std::fs::write(&bare, without_section_headers(&bytes)).unwrap();
        let r = report(&bare, &DetectOptions::default());
        assert!(
            go(&r).is_none(),
            "{} without section headers: {:?}",
            program.display(),
            go(&r)
        );
    }
}

/// Debian's age-keygen, linked by Go's linker as a position-independent executable, has an
/// empty `.gnu.version_r`; it was once reported as a malformed file. With its build info it
/// is read as `go version -m` reads it.
#[test]
fn an_empty_version_needs_section_is_not_malformed() {
    let program = Path::new("/usr/bin/age-keygen");
    let (version, path, module) = go_version_m(program);
    let r = report(program, &DetectOptions::default());
    let d = go(&r).unwrap();
    assert_eq!(d.version.as_deref(), Some(&*version));
    assert_eq!(d.detail.as_deref(), Some(&*detail(&path, &module)));
    assert!(d.evidence.iter().any(|e| e
        .field
        .as_deref()
        .is_some_and(|f| f.starts_with(".go.buildinfo @"))));
}
