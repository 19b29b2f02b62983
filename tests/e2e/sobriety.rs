//! The sobriety section (report 1.0.8) and the processor support rules (rulesets 1.8.0), on
//! real inputs: the scanner's captured os-release files and the GLPI project's example
//! inventories, checked as of a fixed day (SOURCE_DATE_EPOCH 1796515200 is 2026-12-06).

use crate::util::{fixture, layer_items, repo, run, run_json, sovstack};

const EPOCH: &str = "1796515200";

/// A support window as the sobriety section gives it: product, cycle, end of support, ended,
/// years left.
type Window = (&'static str, &'static str, &'static str, bool, f64);

fn glpi_examples() -> String {
    repo()
        .join("tests/fixtures/glpi-inventory-format/examples")
        .display()
        .to_string()
}

/// Each real os-release capture's support window as of 2026-12-06, as the report's sobriety
/// section gives it: (product, cycle, end of support, ended, years left). The dates are
/// endoflife.date's (the kb test `every_row_agrees_with_the_endoflife_date_file` ties them to
/// the source files); Kylin has no endoflife.date product, so only its kernel series is dated.
#[test]
fn real_os_release_files_are_checked_for_end_of_support() {
    let want: &[(&str, &[Window])] = &[
        (
            "os-alpine-3.23",
            &[("alpine-linux", "3.23", "2027-11-01", false, 0.9)],
        ),
        ("os-centos7", &[("centos", "7", "2024-06-30", true, -2.4)]),
        // ID=centos too, but NAME="CentOS Stream": CentOS Stream's window, not CentOS Linux 8's.
        (
            "os-centos-stream8",
            &[("centos-stream", "8", "2024-05-31", true, -2.5)],
        ),
        ("os-debian10", &[("debian", "10", "2022-09-10", true, -4.2)]),
        ("os-debian13", &[("debian", "13", "2028-08-09", false, 1.7)]),
        ("os-fedora42", &[("fedora", "42", "2026-05-27", true, -0.5)]),
        (
            "os-kylin-v10-aarch64",
            &[("linux-kernel", "4.19", "2024-12-05", true, -2.0)],
        ),
        (
            "os-opensuse15",
            &[("opensuse", "15.2", "2022-01-04", true, -4.9)],
        ),
        ("os-rhel9", &[("rhel", "9", "2032-05-31", false, 5.5)]),
        (
            "os-rocky-9.3-usr-lib-only",
            &[("rocky-linux", "9", "2032-05-31", false, 5.5)],
        ),
        ("os-sles12", &[("sles", "12.1", "2017-05-31", true, -9.5)]),
        (
            "os-ubuntu-24.04",
            &[("ubuntu", "24.04", "2029-05-31", false, 2.5)],
        ),
        (
            "os-ubuntu16",
            &[("ubuntu", "16.04", "2021-04-02", true, -5.7)],
        ),
        (
            "x86-amd-epyc-debian12",
            &[
                ("debian", "12", "2026-07-11", true, -0.4),
                ("linux-kernel", "6.18", "2028-12-31", false, 2.1),
            ],
        ),
    ];
    for (root, windows) in want {
        let r = run_json(
            sovstack()
                .env("SOURCE_DATE_EPOCH", EPOCH)
                .args(["audit", "--format", "json", "--root"])
                .arg(fixture(root)),
        );
        let s = &r["sobriety"];
        assert_eq!(s["as_of"], "2026-12-06", "{root}");
        let got: Vec<(&str, &str, &str, bool, f64)> = s["support"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                (
                    w["product"].as_str().unwrap(),
                    w["cycle"].as_str().unwrap(),
                    w["end_of_support"].as_str().unwrap(),
                    w["ended"].as_bool().unwrap(),
                    w["years_left"].as_f64().unwrap(),
                )
            })
            .collect();
        assert_eq!(&got, windows, "{root}");
    }
}

/// GLPI's example fleet: three laptops with a firmware date (2016), two Intel processors whose
/// families' support has ended, a finding of both rulesets on each processor. Windows 11
/// refuses both, but their hosts run Fedora: no software-obsolescence claim (no "last release
/// that runs on it", no entry in the sobriety section), which is for machines that run the
/// vendor's client OS or whose system is not known. Without SOURCE_DATE_EPOCH nothing is dated.
#[test]
fn a_fleet_gets_its_ages_and_support_left_and_no_obsolescence_under_fedora() {
    let audit = |epoch: Option<&str>, format: &str| {
        let mut cmd = sovstack();
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
        cmd.args(["audit", "--format", format, "--import"])
            .arg(glpi_examples());
        let (code, out, err) = run(&mut cmd);
        assert_eq!(code, 0, "{err}");
        out
    };
    let r: serde_json::Value = serde_json::from_str(&audit(Some(EPOCH), "json")).unwrap();
    let s = &r["sobriety"];
    assert_eq!(
        (s["machines_dated"].as_u64(), s["machines_undated"].as_u64()),
        (Some(3), Some(8))
    );
    let ages: Vec<(&str, u64)> = s["ages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["label"].as_str().unwrap(),
                a["machines"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ages,
        [
            ("under 3 years", 0),
            ("3 to 5 years", 0),
            ("5 to 8 years", 0),
            ("8 to 10 years", 0),
            ("10 years or more", 3)
        ]
    );
    let processors: Vec<(&str, &str, bool)> = s["support"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["layer"] == "processor")
        .map(|w| {
            (
                w["cycle"].as_str().unwrap(),
                w["end_of_support"].as_str().unwrap(),
                w["ended"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        processors,
        [
            ("haswell", "2021-06-30", true),
            ("skylake", "2022-09-30", true)
        ]
    );
    let obsolete = s["obsolescence"].as_array().unwrap();
    assert!(obsolete.is_empty(), "{obsolete:#?}");
    let skylake = layer_items(&r, "processor")
        .iter()
        .find(|i| i["label"].as_str().unwrap().contains("i5-6200U"))
        .unwrap();
    assert!(layer_items(&r, "processor")
        .iter()
        .all(|i| i["facts"].get("last_vendor_os").is_none()));
    let findings: Vec<(&str, &str)> = skylake["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"]
                .as_str()
                .unwrap()
                .ends_with(".processor.supported")
        })
        .map(|f| {
            (
                f["ruleset"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    let message = "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz is past the end of its support: the \
                   maker's support of the skylake family ended on 2022-09-30 (endoflife.date; \
                   checked as of 2026-12-06)";
    assert_eq!(
        findings,
        [("eu-sovereignty", message), ("non-aligned", message)]
    );

    for (format, heading) in [
        ("markdown", "## Sobriety"),
        ("table", "\nSobriety\n"),
        ("html", "<h2 id=\"sobriety\">Sobriety</h2>"),
    ] {
        let out = audit(Some(EPOCH), format);
        assert!(out.contains(heading), "{format}: no sobriety section");
        assert!(out.contains("10 years or more"), "{format}");
        assert!(!out.contains("software obsolescence"), "{format}");
    }

    // Without a date: the windows are listed, but no age, no time left, nothing has ended.
    let r: serde_json::Value = serde_json::from_str(&audit(None, "json")).unwrap();
    let s = &r["sobriety"];
    assert!(s["as_of"].is_null() && s["ages"].as_array().unwrap().is_empty());
    assert!(s["support"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["years_left"].is_null() && w["ended"] == false));
    assert!(layer_items(&r, "processor")
        .iter()
        .flat_map(|i| i["findings"].as_array().unwrap())
        .all(|f| !f["rule"]
            .as_str()
            .unwrap()
            .ends_with(".processor.supported")));
}

/// The critical raw materials behind GLPI's example fleet: its processors and devices hold
/// logic chips (gallium, indium), circuit boards' electronic components (tantalum, tungsten,
/// palladium), batteries (cobalt, lithium: the XPS 13's and the Portégé's listed in `batteries`,
/// the phone's too) and displays (the two laptops' monitors and chassis, computer_2's Laptop
/// chassis, and the phone's assumed screen, medium); each material names
/// the country that dominates its supply in USGS's 2026 figures and its EU CRMA status, with
/// sources.
#[test]
fn a_fleet_report_names_the_critical_raw_materials_behind_it() {
    let r = run_json(
        sovstack()
            .args(["audit", "--format", "json", "--import"])
            .arg(glpi_examples()),
    );
    let m = &r["materials"];
    let components: Vec<(&str, u64, &str)> = m["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["component"].as_str().unwrap(),
                c["machines"].as_u64().unwrap(),
                c["confidence"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        components,
        [
            ("battery", 3, "high"),
            ("display", 4, "medium"),
            ("electronic components", 11, "medium"),
            ("logic chip", 11, "high"),
        ]
    );
    let materials: Vec<(&str, &str, &str, f64)> = m["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            assert!(x["sources"].as_array().unwrap().len() >= 3, "{x}");
            (
                x["material"].as_str().unwrap(),
                x["crma"].as_str().unwrap(),
                x["dominant_country"].as_str().unwrap(),
                x["dominant_share"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        materials,
        [
            ("cobalt", "strategic", "CD", 0.731),
            ("gallium", "strategic", "CN", 0.99),
            ("indium", "none", "CN", 0.697),
            ("lithium", "strategic", "AU", 0.319),
            ("palladium", "strategic", "RU", 0.433),
            ("tantalum", "critical", "CD", 0.523),
            ("tungsten", "strategic", "CN", 0.787),
        ]
    );
}

/// non-aligned's `na.os.long-lived-commons` (ruleset 1.9.0) on real os-release captures as of
/// 2026-12-06: Debian 13 (a commons, security support until 2028-08-09: 1.7 years) is credited;
/// Debian 10 (ended), Ubuntu 24.04 and RHEL 9 (companies' distributions, however long supported)
/// and Alpine 3.23 (a commons with 0.9 years left, under the one-year bar) are not; an undated
/// audit credits nothing.
#[test]
fn long_lived_commons_are_credited_on_real_os_release_files() {
    let credit = |root: &str, epoch: Option<&str>| -> Vec<String> {
        let mut cmd = sovstack();
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
        let r = run_json(
            cmd.args([
                "audit",
                "--ruleset",
                "non-aligned",
                "--format",
                "json",
                "--root",
            ])
            .arg(fixture(root)),
        );
        layer_items(&r, "os")
            .iter()
            .flat_map(|i| i["findings"].as_array().unwrap())
            .filter(|f| f["rule"] == "na.os.long-lived-commons")
            .map(|f| {
                assert_eq!(f["severity"], "info", "{f}");
                f["message"].as_str().unwrap().to_string()
            })
            .collect()
    };
    assert_eq!(
        credit("os-debian13", Some(EPOCH)),
        [
            "Debian GNU/Linux 13 (trixie) is a commons (Debian Project) with 1.7 years of support \
          left (at least 1 asked): a long-lived commons, credited"
        ]
    );
    for root in [
        "os-debian10",
        "os-ubuntu-24.04",
        "os-rhel9",
        "os-alpine-3.23",
        "os-kylin-v10-aarch64",
    ] {
        assert!(credit(root, Some(EPOCH)).is_empty(), "{root}");
    }
    assert!(credit("os-debian13", None).is_empty());
}

/// Software obsolescence on a processor is claimed where the machine's system is not known:
/// GLPI's example laptop (an i5-6200U, which Windows 11 refuses) with its `operatingsystem`
/// section reduced to the architecture, and a single host whose scan finds only a processor (py-cpuinfo's real
/// Pentium G640 capture, no os-release): the claim names the last Windows that runs on the
/// processor and the free OS that still does.
#[test]
fn a_processor_whose_system_is_not_known_still_gets_the_obsolescence_claim() {
    let path = repo().join("tests/fixtures/glpi-inventory-format/examples/computer_1.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // Only the architecture is kept (the processor's comes from it): no name, no kernel.
    let arch = doc["content"]["operatingsystem"]["arch"].clone();
    assert_eq!(arch, "x86_64");
    doc["content"]["operatingsystem"] = serde_json::json!({ "arch": arch });
    let dir = crate::util::tempdir();
    std::fs::write(
        dir.path().join("no-os.json"),
        serde_json::to_vec_pretty(&doc).unwrap(),
    )
    .unwrap();
    let r = run_json(
        sovstack()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(["audit", "--format", "json", "--import"])
            .arg(dir.path()),
    );
    let obsolete = r["sobriety"]["obsolescence"].as_array().unwrap();
    assert_eq!(obsolete.len(), 1, "{obsolete:#?}");
    let o = &obsolete[0];
    assert_eq!(o["layer"], "processor");
    assert_eq!(o["label"], "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz");
    assert_eq!(o["machines"], 1);
    assert_eq!(o["refused_by"], "Windows 11");
    assert_eq!(o["last_release"], "windows 10-22h2");
    assert_eq!(o["last_release_ended"], true);
    assert_eq!(o["free_os"], "debian 13 (amd64)");
    assert_eq!(o["free_os_end_of_support"], "2028-08-09");
    let skylake = &layer_items(&r, "processor")[0];
    assert_eq!(
        skylake["facts"]["last_vendor_os"],
        "windows 10-22h2, until 2025-10-14 (Windows 11 refuses it)"
    );
    let message = "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz is past the end of its support: the \
                   maker's support of the skylake family ended on 2022-09-30; Windows 11 refuses \
                   this processor, and support of windows 10-22h2, the last release that runs on \
                   it, ended on 2025-10-14 (paid extended security updates until 2028-10-10); \
                   debian 13 (amd64), supported until 2028-08-09, runs on it: software \
                   obsolescence, the sober answer is a free OS, not a new machine (endoflife.date; \
                   checked as of 2026-12-06)";
    assert_eq!(
        crate::util::rule_findings(skylake, ".processor.supported"),
        [
            ("eu-sovereignty".to_string(), message.to_string()),
            ("non-aligned".to_string(), message.to_string()),
        ]
    );

    let r = run_json(
        sovstack()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(["audit", "--format", "json", "--root"])
            .arg(fixture("x86-intel-pentium-g640")),
    );
    let obsolete = r["sobriety"]["obsolescence"].as_array().unwrap();
    assert_eq!(obsolete.len(), 1, "{obsolete:#?}");
    assert_eq!(
        obsolete[0]["label"],
        "Intel(R) Pentium(R) CPU G640 @ 2.80GHz"
    );
    assert_eq!(obsolete[0]["last_release"], "windows 10-22h2");
    let g640 = &layer_items(&r, "processor")[0];
    assert!(crate::util::rule_findings(g640, ".processor.supported")
        .iter()
        .all(|(_, m)| m.contains("Windows 11 refuses this processor")));
}

/// A single host whose system is a free OS gets no software-obsolescence claim on its
/// processor: a root made of two real captures, the Pentium G640's /proc/cpuinfo (which Windows
/// 11 refuses) and Fedora 42's os-release. The processor keeps its other facts.
#[test]
fn a_single_host_running_a_free_os_gets_no_processor_obsolescence_claim() {
    let root = crate::util::tempdir();
    for (from, to) in [
        ("x86-intel-pentium-g640/proc/cpuinfo", "proc/cpuinfo"),
        ("os-fedora42/usr/lib/os-release", "usr/lib/os-release"),
    ] {
        let to = root.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo().join("crates/scan/testdata").join(from), to).unwrap();
    }
    let r = run_json(
        sovstack()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(["audit", "--format", "json", "--root"])
            .arg(root.path()),
    );
    let os = &layer_items(&r, "os")[0];
    assert_eq!(os["label"], "Fedora Linux 42 (Forty Two)");
    assert!(r["sobriety"]["obsolescence"].as_array().unwrap().is_empty());
    let g640 = &layer_items(&r, "processor")[0];
    assert_eq!(g640["label"], "Intel(R) Pentium(R) CPU G640 @ 2.80GHz");
    assert!(g640["facts"].get("last_vendor_os").is_none(), "{g640:#}");
    assert!(crate::util::rule_findings(g640, ".processor.supported").is_empty());
}

/// One scanned machine counts once: undated when its firmware gives no date (the default audit
/// does not read the devices layer, where the date is), dated when it does (a ThinkPad T510's
/// SMBIOS, virt-what's bare-metal test root). A hypervisor's guest (the development machine, a
/// KVM guest) has no firmware of its own: undated whatever is read.
#[test]
fn a_single_scanned_machine_counts_as_one_dated_or_undated() {
    let counts = |root: &std::path::Path, layers: &str| {
        let (code, out, err) = run(sovstack()
            .env("SOURCE_DATE_EPOCH", "1796601600")
            .args(["audit", "--format", "json", "--layers", layers, "--root"])
            .arg(root));
        assert_eq!(code, 0, "{err}");
        let r: serde_json::Value = serde_json::from_str(&out).unwrap();
        (
            r["sobriety"]["machines_dated"].as_u64(),
            r["sobriety"]["machines_undated"].as_u64(),
        )
    };
    let thinkpad = fixture("virt-baremetal-thinkpad-t510");
    assert_eq!(counts(&thinkpad, "processor,os"), (Some(0), Some(1)));
    assert_eq!(
        counts(&thinkpad, "processor,os,devices"),
        (Some(1), Some(0))
    );
    let epyc = fixture("x86-amd-epyc-debian12");
    assert_eq!(counts(&epyc, "processor,os"), (Some(0), Some(1)));
    assert_eq!(counts(&epyc, "processor,os,devices"), (Some(0), Some(1)));
}
