//! Tests of the os collector: real fixtures through the knowledge base, the fallback path,
//! corrupt and hostile roots, and the live kernel with a made-up [`LiveHost`].

use crate::codes;
use crate::live::LiveHost;
use crate::testutil::{codes as diag_codes, names, scan_dir, scan_fixture};
use sovstack_inventory::{Method, OperatingSystem, Role};

fn scan_os(case: &str, live: Option<&LiveHost>) -> (OperatingSystem, Vec<String>) {
    let inv = scan_fixture(case, &["os"], live);
    let codes = diag_codes(&inv).into_iter().map(String::from).collect();
    let mut items = inv
        .layers
        .os
        .expect("the os layer is always present when requested");
    assert_eq!(items.len(), 1, "{case}");
    (items.remove(0), codes)
}

fn value(f: &Option<sovstack_inventory::Fact<String>>) -> Option<&str> {
    f.as_ref().map(|f| f.value.as_str())
}

#[test]
fn real_fixtures_are_attributed() {
    // (case, source read, ID, ID_LIKE, steward, lineage, kernel)
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static str,
        &'static [&'static str],
        Option<&'static str>,
    );
    let table: &[Row] = &[
        // Debian's /etc/os-release is a relative link to /usr/lib/os-release.
        (
            "x86-amd-epyc-debian12",
            "/usr/lib/os-release",
            "debian",
            &[],
            "Debian Project",
            &[],
            Some("Linux 6.18.44-fc-v657"),
        ),
        (
            "os-ubuntu-24.04",
            "/etc/os-release",
            "ubuntu",
            &["debian"],
            "Canonical Ltd",
            &["Debian Project"],
            None,
        ),
        // Only /usr/lib/os-release: the specification's fallback.
        (
            "os-rocky-9.3-usr-lib-only",
            "/usr/lib/os-release",
            "rocky",
            &["rhel", "centos", "fedora"],
            "Rocky Enterprise Software Foundation",
            &["Red Hat", "CentOS Project", "Fedora Project"],
            None,
        ),
        (
            "os-alpine-3.23",
            "/etc/os-release",
            "alpine",
            &[],
            "Alpine Linux project",
            &[],
            None,
        ),
        (
            "os-kylin-v10-aarch64",
            "/etc/os-release",
            "kylin",
            &[],
            "Kylinsoft",
            &[],
            Some("Linux 4.19.90-23.6.v2101.ky10.aarch64"),
        ),
        (
            "riscv-lpi4a-thead-c910",
            "/etc/os-release",
            "openEuler",
            &[],
            "OpenAtom Foundation",
            &[],
            None,
        ),
        (
            "riscv-visionfive2-jh7110",
            "/etc/os-release",
            "arch",
            &[],
            "Arch Linux project",
            &[],
            None,
        ),
    ];
    for (case, source, id, id_like, steward, lineage, kernel) in table {
        let (os, codes) = scan_os(case, None);
        assert_eq!(codes, Vec::<String>::new(), "{case}");
        assert_eq!(os.id, "os");
        assert_eq!(value(&os.release_id), Some(*id), "{case}");
        let e = &os.release_id.as_ref().unwrap().evidence[0];
        assert_eq!(
            (e.source.as_str(), e.field.as_deref(), e.method),
            (*source, Some("ID"), Method::FileField),
            "{case}"
        );
        let likes: Vec<_> = os.id_like.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(likes, *id_like, "{case}");
        assert_eq!(
            names(&os.actors, Role::Steward),
            vec![Some(*steward)],
            "{case}"
        );
        let got: Vec<_> = names(&os.actors, Role::Lineage)
            .into_iter()
            .flatten()
            .collect();
        assert_eq!(got, *lineage, "{case}");
        assert_eq!(value(&os.kernel), *kernel, "{case}");
        let k = if kernel.is_some() {
            Some("Linux kernel community")
        } else {
            None
        };
        assert_eq!(
            names(&os.actors, Role::Kernel),
            vec![k],
            "{case}: one kernel actor, unknown without a kernel"
        );
    }
}

#[test]
fn facts_carry_line_numbers() {
    let (os, _) = scan_os("os-ubuntu-24.04", None);
    let line = |f: &Option<sovstack_inventory::Fact<String>>| f.as_ref().unwrap().evidence[0].line;
    assert_eq!(
        (
            line(&os.pretty_name),
            line(&os.name),
            line(&os.version_id),
            line(&os.release_id)
        ),
        (Some(1), Some(2), Some(3), Some(6))
    );
    assert_eq!(os.id_like[0].evidence[0].line, Some(7));
    assert_eq!(value(&os.pretty_name), Some("Ubuntu 24.04.3 LTS"));
    // The kernel evidence keeps the words read, not the build metadata.
    let (os, _) = scan_os("os-kylin-v10-aarch64", None);
    let e = &os.kernel.unwrap().evidence[0];
    assert_eq!(
        (e.source.as_str(), e.line, e.value.as_deref()),
        (
            "/proc/version",
            Some(1),
            Some("Linux version 4.19.90-23.6.v2101.ky10.aarch64")
        )
    );
}

#[test]
fn missing_corrupt_and_hostile() {
    // (case, ID read, diagnostics)
    let table: &[(&str, Option<&str>, &[&str])] = &[
        (
            "arm-rk3588-biglittle",
            None,
            &[super::codes::MISSING_OS_RELEASE],
        ),
        (
            "corrupt-os-release",
            Some("ubuntu"),
            &[
                super::codes::MALFORMED_OS_RELEASE,
                super::codes::MALFORMED_OS_RELEASE,
            ],
        ),
        // etc/os-release climbs out with `..` (held at the root, lands on a missing file);
        // usr/lib/os-release is an absolute link back to it; proc/version links to itself.
        (
            "hostile-symlinks",
            None,
            &[
                codes::PATH_ESCAPES_ROOT,
                codes::PATH_ESCAPES_ROOT,
                super::codes::MISSING_OS_RELEASE,
                codes::SYMLINK_LOOP,
            ],
        ),
    ];
    for (case, id, want) in table {
        let (os, codes) = scan_os(case, None);
        assert_eq!(codes, *want, "{case}");
        assert_eq!(value(&os.release_id), *id, "{case}");
        if id.is_none() {
            assert_eq!(
                (&os.name, &os.pretty_name, &os.version_id, os.id_like.len()),
                (&None, &None, &None, 0),
                "{case}"
            );
            assert_eq!(names(&os.actors, Role::Steward), vec![None], "{case}");
        }
    }
    let inv = scan_fixture("corrupt-os-release", &["os"], None);
    let messages: Vec<_> = inv.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "/etc/os-release:1: unterminated double quote; the line was ignored",
            "/etc/os-release:4: unquoted whitespace in value; the line was ignored",
        ]
    );
    assert!(inv
        .diagnostics
        .iter()
        .all(|d| d.path.as_deref() == Some("/etc/os-release")));
}

#[test]
fn unknown_ids_stay_unknown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    std::fs::create_dir_all(dir.path().join("proc")).unwrap();
    std::fs::write(
        dir.path().join("etc/os-release"),
        "ID=nonesuch\nID_LIKE=\"alsonot debian\"\nVERSION_ID=\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("proc/version"),
        "Plan9 version 4 (glenda)\n",
    )
    .unwrap();
    let inv = scan_dir(dir.path(), &["os"], None);
    let os = &inv.layers.os.as_ref().unwrap()[0];
    let steward = os.actors.iter().find(|a| a.role == Role::Steward).unwrap();
    assert_eq!(steward.name, None);
    assert_eq!(
        steward.evidence[0].value.as_deref(),
        Some("nonesuch"),
        "the unknown steward says what was read"
    );
    // Only the known ancestor becomes a lineage actor; both stay facts.
    assert_eq!(os.id_like.len(), 2);
    assert_eq!(
        names(&os.actors, Role::Lineage),
        vec![Some("Debian Project")]
    );
    assert_eq!(os.version_id, None, "an empty value is no fact");
    // A kernel the table doesn't know: the fact stays, the steward is unknown.
    assert_eq!(value(&os.kernel), Some("Plan9 4"));
    assert_eq!(names(&os.actors, Role::Kernel), vec![None]);
    assert_eq!(diag_codes(&inv), Vec::<&str>::new());
}

#[test]
fn malformed_proc_version_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("proc")).unwrap();
    std::fs::write(dir.path().join("proc/version"), "\u{0}\u{1}garbage").unwrap();
    let inv = scan_dir(dir.path(), &["os"], None);
    assert_eq!(
        diag_codes(&inv),
        vec![
            super::codes::MISSING_OS_RELEASE,
            super::codes::MALFORMED_PROC_VERSION
        ]
    );
    assert_eq!(inv.layers.os.unwrap()[0].kernel, None);
}

#[test]
fn live_kernel_comes_from_the_host_not_the_file() {
    let live = LiveHost {
        kernel_name: Some("Linux".into()),
        kernel_release: Some("6.1.0-18-amd64".into()),
        ..LiveHost::default()
    };
    let (os, _) = scan_os("os-kylin-v10-aarch64", Some(&live));
    let k = os.kernel.unwrap();
    assert_eq!(k.value, "Linux 6.1.0-18-amd64");
    assert_eq!(k.evidence[0].method, Method::Sysinfo);
    // A live host that can't say falls back on /proc/version.
    let (os, _) = scan_os("os-kylin-v10-aarch64", Some(&LiveHost::default()));
    assert_eq!(
        value(&os.kernel),
        Some("Linux 4.19.90-23.6.v2101.ky10.aarch64")
    );
}

/// Real os-release files find their release cycle and its support window in the knowledge
/// base (endoflife.date's dates); a distribution endoflife.date does not track has none.
#[test]
fn releases_get_their_support_window() {
    // (case, product, cycle, end of support, end of extended support)
    type Row = (
        &'static str,
        Option<(
            &'static str,
            &'static str,
            &'static str,
            Option<&'static str>,
        )>,
    );
    let table: &[Row] = &[
        (
            "x86-amd-epyc-debian12",
            Some(("debian", "12", "2026-07-11", Some("2028-06-30"))),
        ),
        (
            "os-debian13",
            Some(("debian", "13", "2028-08-09", Some("2030-06-30"))),
        ),
        (
            "os-debian10",
            Some(("debian", "10", "2022-09-10", Some("2024-06-30"))),
        ),
        (
            "os-ubuntu-24.04",
            Some(("ubuntu", "24.04", "2029-05-31", Some("2036-05-31"))),
        ),
        (
            "os-ubuntu16",
            Some(("ubuntu", "16.04", "2021-04-02", Some("2026-04-02"))),
        ),
        (
            "os-rhel9",
            Some(("rhel", "9", "2032-05-31", Some("2036-05-31"))),
        ),
        (
            "os-rocky-9.3-usr-lib-only",
            Some(("rocky-linux", "9", "2032-05-31", None)),
        ),
        ("os-centos7", Some(("centos", "7", "2024-06-30", None))),
        (
            "os-alpine-3.23",
            Some(("alpine-linux", "3.23", "2027-11-01", None)),
        ),
        ("os-fedora42", Some(("fedora", "42", "2026-05-27", None))),
        (
            "os-sles12",
            Some(("sles", "12.1", "2017-05-31", Some("2020-05-31"))),
        ),
        (
            "os-opensuse15",
            Some(("opensuse", "15.2", "2022-01-04", None)),
        ),
        ("os-kylin-v10-aarch64", None),
    ];
    for (case, want) in table {
        let (os, codes) = scan_os(case, None);
        assert_eq!(codes, Vec::<String>::new(), "{case}");
        let got = os.lifecycle.as_ref().map(|l| {
            (
                l.product.as_str(),
                l.cycle.as_str(),
                l.end_of_support.as_deref().unwrap_or(""),
                l.end_of_extended_support.as_deref(),
            )
        });
        assert_eq!(got, *want, "{case}");
        if let Some(l) = &os.lifecycle {
            // The evidence: the ID and VERSION_ID read, then the two knowledge-base rows.
            let sources: Vec<_> = l.evidence.iter().map(|e| e.source.as_str()).collect();
            assert_eq!(sources.len(), 4, "{case}: {sources:?}");
            assert_eq!(
                &sources[2..],
                ["kb:lifecycle/os-products.csv", "kb:lifecycle/endoflife.csv"]
            );
        }
    }
    // The development machine's kernel (6.18.44) belongs to the 6.18 series.
    let (os, _) = scan_os("x86-amd-epyc-debian12", None);
    let k = os.kernel_lifecycle.expect("6.18 is tracked");
    assert_eq!(
        (k.product.as_str(), k.cycle.as_str()),
        ("linux-kernel", "6.18")
    );
    assert_eq!(k.end_of_support.as_deref(), Some("2028-12-31"));
}
