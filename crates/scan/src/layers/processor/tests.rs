//! Tests of the processor collector: real fixtures end to end through the knowledge base,
//! corrupt and hostile roots, and the live-host paths with a made-up [`LiveHost`].

use crate::codes;
use crate::live::{LiveCpu, LiveHost};
use crate::testutil::{codes as diag_codes, names, scan_dir, scan_fixture};
use sovstack_inventory::{Confidence, Governance, Method, Processor, Role};

fn processors(case: &str, live: Option<&LiveHost>) -> (Vec<Processor>, Vec<String>) {
    let inv = scan_fixture(case, &["processor"], live);
    let codes = diag_codes(&inv).into_iter().map(String::from).collect();
    (
        inv.layers
            .processor
            .expect("the processor layer is always present when requested"),
        codes,
    )
}

/// One expected processor: architecture, ISA owners, core designer, SoC vendor (outer `None`:
/// no such actor; inner `None`: unknown), logical CPUs.
struct Want {
    arch: &'static str,
    isa: &'static [&'static str],
    designer: Option<&'static str>,
    soc: Option<Option<&'static str>>,
    cpus: Vec<u32>,
}

#[test]
fn real_fixtures_are_attributed() {
    const X86: &[&str] = &["Intel Corporation", "Advanced Micro Devices"];
    const ARM: &[&str] = &["Arm Ltd"];
    const RV: &[&str] = &["RISC-V International"];
    const LA: &[&str] = &["Loongson Technology"];
    let w = |arch, isa, designer, soc, cpus: Vec<u32>| Want {
        arch,
        isa,
        designer,
        soc,
        cpus,
    };
    let table: Vec<(&str, Vec<Want>)> = vec![
        (
            "x86-amd-epyc-debian12",
            vec![w(
                "x86_64",
                X86,
                Some("Advanced Micro Devices"),
                None,
                vec![0, 1],
            )],
        ),
        (
            "x86-hygon-c86",
            vec![w(
                "x86_64",
                X86,
                Some("Hygon Information Technology"),
                None,
                vec![0],
            )],
        ),
        (
            "x86-intel-pentium-g640",
            vec![w(
                "x86_64",
                X86,
                Some("Intel Corporation"),
                None,
                vec![0, 1],
            )],
        ),
        // CentaurHauls alone would say VIA; the brand string says Zhaoxin, and wins.
        (
            "x86-zhaoxin-kx-u6780a",
            vec![w(
                "x86_64",
                X86,
                Some("Shanghai Zhaoxin Semiconductor"),
                None,
                vec![0],
            )],
        ),
        (
            "arm-rpi1-bcm2835",
            vec![w(
                "arm",
                ARM,
                Some("Arm Ltd"),
                Some(Some("Broadcom Inc.")),
                vec![0],
            )],
        ),
        (
            "arm-rpi3-bcm2835-aarch64",
            vec![w(
                "aarch64",
                ARM,
                Some("Arm Ltd"),
                Some(Some("Broadcom Inc.")),
                vec![0, 1, 2, 3],
            )],
        ),
        (
            "arm-qualcomm-sdm450",
            vec![w(
                "aarch64",
                ARM,
                Some("Arm Ltd"),
                Some(Some("Qualcomm")),
                (0..8).collect(),
            )],
        ),
        (
            "arm-rk3588-biglittle",
            vec![
                w("aarch64", ARM, Some("Arm Ltd"), None, vec![0, 1, 2, 3]),
                w("aarch64", ARM, Some("Arm Ltd"), None, vec![4, 5, 6, 7]),
            ],
        ),
        (
            "arm-server-phytium-ft2000plus",
            vec![w(
                "aarch64",
                ARM,
                Some("Phytium Technology"),
                // No Hardware line, no device tree: Phytium's own cores (implementer 0x70)
                // only sit in Phytium's SoCs.
                Some(Some("Phytium Technology")),
                (0..64).collect(),
            )],
        ),
        (
            "arm-server-graviton3",
            vec![w("aarch64", ARM, Some("Arm Ltd"), None, vec![0])],
        ),
        (
            "riscv-visionfive2-jh7110",
            vec![w("riscv64", RV, Some("SiFive"), None, vec![0, 1, 2, 3])],
        ),
        (
            "riscv-lpi4a-thead-c910",
            vec![w(
                "riscv64",
                RV,
                Some("T-Head Semiconductor"),
                None,
                vec![0, 1, 2, 3],
            )],
        ),
        // No mvendorid on this 5.18 kernel: the `uarch` name pattern still finds SiFive.
        (
            "riscv-jh7100-no-mvendorid",
            vec![w("riscv64", RV, Some("SiFive"), None, vec![0, 1])],
        ),
        // `system type : generic-loongson-machine` names Loongson's platform.
        (
            "loongarch-3a5000",
            vec![w(
                "loongarch64",
                LA,
                Some("Loongson Technology"),
                Some(Some("Loongson Technology")),
                vec![0, 1, 2, 3],
            )],
        ),
        (
            "loongarch-3a5000-oldworld",
            vec![w(
                "loongarch64",
                LA,
                Some("Loongson Technology"),
                Some(Some("Loongson Technology")),
                vec![0, 1, 2, 3],
            )],
        ),
    ];
    for (case, want) in table {
        let (got, codes) = processors(case, None);
        assert_eq!(
            codes,
            Vec::<String>::new(),
            "{case}: a real file gives no diagnostic"
        );
        assert_eq!(got.len(), want.len(), "{case}");
        for (i, (p, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(p.id, format!("cpu{i}"), "{case}");
            assert_eq!(p.architecture.value, w.arch, "{case}");
            let isa: Vec<_> = names(&p.actors, Role::IsaOwner)
                .into_iter()
                .flatten()
                .collect();
            assert_eq!(isa, w.isa, "{case}");
            assert_eq!(
                names(&p.actors, Role::CoreDesigner),
                vec![w.designer],
                "{case}"
            );
            let soc = names(&p.actors, Role::SocVendor);
            assert_eq!(soc, w.soc.into_iter().collect::<Vec<_>>(), "{case}");
            assert_eq!(
                names(&p.actors, Role::Foundry).len(),
                1,
                "{case}: always one foundry actor"
            );
            assert_eq!(p.logical_cpus, w.cpus, "{case}");
            // Actors come in role order.
            let roles: Vec<_> = p.actors.iter().map(|a| a.role).collect();
            let mut sorted = roles.clone();
            sorted.sort();
            assert_eq!(roles, sorted, "{case}");
            // Every file fact points at a line of the file it came from.
            for fact in p.identifiers.values() {
                for e in &fact.evidence {
                    assert_eq!(
                        (e.source.as_str(), e.method, e.confidence),
                        ("/proc/cpuinfo", Method::FileField, Confidence::High),
                        "{case}"
                    );
                    assert!(e.line.is_some_and(|l| l >= 1), "{case}");
                }
            }
        }
    }
}

#[test]
fn models_come_from_the_part_table_or_the_file() {
    let table = [
        ("x86-amd-epyc-debian12", "AMD EPYC"),
        ("x86-hygon-c86", "Hygon C86 3250  8-core Processor"),
        ("arm-server-phytium-ft2000plus", "FTC662"),
        ("riscv-lpi4a-thead-c910", "thead,c910"),
        ("loongarch-3a5000", "Loongson-3A5000-HV"),
    ];
    for (case, model) in table {
        let (got, _) = processors(case, None);
        assert_eq!(
            got[0].model.as_ref().map(|m| m.value.as_str()),
            Some(model),
            "{case}"
        );
    }
    // An Arm part the table knows gets its name, with the part field and the table as evidence.
    let (got, _) = processors("arm-rk3588-biglittle", None);
    for p in &got {
        let m = p
            .model
            .as_ref()
            .expect("RK3588 parts are in the part table");
        assert_eq!(m.evidence[0].field.as_deref(), Some("CPU part"));
        assert!(m.evidence[1].source.starts_with("kb:"), "{:?}", m.evidence);
    }
    assert_ne!(got[0].model, got[1].model);
}

#[test]
fn evidence_names_file_field_line_and_raw_value() {
    let (got, _) = processors("x86-amd-epyc-debian12", None);
    let v = &got[0].identifiers["vendor_id"];
    assert_eq!(v.value, "AuthenticAMD");
    let e = &v.evidence[0];
    assert_eq!(
        (
            e.source.as_str(),
            e.field.as_deref(),
            e.line,
            e.value.as_deref()
        ),
        (
            "/proc/cpuinfo",
            Some("vendor_id"),
            Some(2),
            Some("AuthenticAMD")
        )
    );
    let arch = &got[0].architecture.evidence[0];
    assert_eq!(
        (arch.field.as_deref(), arch.value.as_deref(), arch.method),
        (Some("flags"), Some("lm"), Method::Derived)
    );
    let designer = got[0]
        .actors
        .iter()
        .find(|a| a.role == Role::CoreDesigner)
        .unwrap();
    assert_eq!(designer.evidence[0].field.as_deref(), Some("vendor_id"));
    assert!(
        designer
            .evidence
            .iter()
            .any(|e| e.source.starts_with("kb:")),
        "{:?}",
        designer.evidence
    );
    // Zhaoxin: both the vendor id and the brand string that decided are kept.
    let (got, _) = processors("x86-zhaoxin-kx-u6780a", None);
    let designer = got[0]
        .actors
        .iter()
        .find(|a| a.role == Role::CoreDesigner)
        .unwrap();
    let fields: Vec<_> = designer
        .evidence
        .iter()
        .filter_map(|e| e.field.as_deref())
        .collect();
    assert!(
        fields.starts_with(&["vendor_id", "model name"]),
        "{fields:?}"
    );
}

#[test]
fn zhaoxin_shanghai_vendor_string_keeps_its_spacing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("proc")).unwrap();
    std::fs::write(dir.path().join("proc/cpuinfo"), "processor\t: 0\nvendor_id\t:   Shanghai  \ncpu family\t: 7\nmodel name\t: ZHAOXIN KaiXian KX-7000\nflags\t\t: fpu lm\n").unwrap();
    let inv = scan_dir(dir.path(), &["processor"], None);
    let p = &inv.layers.processor.unwrap()[0];
    assert_eq!(p.identifiers["vendor_id"].value, "  Shanghai  ");
    assert_eq!(
        names(&p.actors, Role::CoreDesigner),
        vec![Some("Shanghai Zhaoxin Semiconductor")]
    );
}

#[test]
fn what_cannot_be_established_stays_unknown() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("proc")).unwrap();
    // An implementer and an SoC no table knows.
    std::fs::write(
        dir.path().join("proc/cpuinfo"),
        "processor\t: 0\nCPU implementer\t: 0x99\nCPU architecture: 8\nCPU part\t: 0x123\n\nHardware\t: Nonesuch NS-1\n",
    )
    .unwrap();
    let inv = scan_dir(dir.path(), &["processor"], None);
    let p = &inv.layers.processor.unwrap()[0];
    for role in [Role::CoreDesigner, Role::SocVendor, Role::Foundry] {
        let a = p
            .actors
            .iter()
            .find(|a| a.role == role)
            .unwrap_or_else(|| panic!("no {role}"));
        assert_eq!(
            (a.name.as_deref(), a.country.as_ref(), a.governance),
            (None, None, Governance::Unknown),
            "{role}"
        );
    }
    let designer = p
        .actors
        .iter()
        .find(|a| a.role == Role::CoreDesigner)
        .unwrap();
    assert_eq!(
        designer.evidence[0].line,
        Some(2),
        "the unknown designer says what was read"
    );
    let soc = p.actors.iter().find(|a| a.role == Role::SocVendor).unwrap();
    assert_eq!(soc.evidence[0].value.as_deref(), Some("Nonesuch NS-1"));
    // The ISA is still known: the architecture was read.
    assert_eq!(names(&p.actors, Role::IsaOwner), vec![Some("Arm Ltd")]);
    assert_eq!(p.model, None);
}

#[test]
fn corrupt_and_hostile_roots_give_diagnostics_not_items() {
    let table: &[(&str, &[&str])] = &[
        (
            "corrupt-binary-cpuinfo",
            &[
                codes::INVALID_UTF8,
                super::codes::MALFORMED_CPUINFO,
                super::codes::UNRECOGNISED_CPUINFO,
            ],
        ),
        ("hostile-symlinks", &[codes::SYMLINK_LOOP]),
        ("os-ubuntu-24.04", &[super::codes::MISSING_CPUINFO]),
    ];
    for (case, want) in table {
        let (got, codes) = processors(case, None);
        assert_eq!(got, vec![], "{case}");
        assert_eq!(codes, *want, "{case}");
    }
}

#[test]
fn huge_cpuinfo_is_read_up_to_the_cap() {
    let block = std::fs::read_to_string(
        crate::testutil::fixture_dir("x86-amd-epyc-debian12").join("proc/cpuinfo"),
    )
    .unwrap();
    let block = block.split("\n\n").next().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("proc")).unwrap();
    let mut text = String::new();
    let mut n = 0;
    while text.len() as u64 <= crate::MAX_FILE_BYTES {
        text.push_str(&block.replacen("processor\t: 0", &format!("processor\t: {n}"), 1));
        text.push_str("\n\n");
        n += 1;
    }
    std::fs::write(dir.path().join("proc/cpuinfo"), &text).unwrap();
    let inv = scan_dir(dir.path(), &["processor"], None);
    assert_eq!(diag_codes(&inv), vec![codes::FILE_TOO_LARGE]);
    let got = inv.layers.processor.unwrap();
    assert_eq!(got.len(), 1);
    let cpus = &got[0].logical_cpus;
    assert!(
        cpus.len() > 1000 && (cpus.len() as u32) < n,
        "{} of {n}",
        cpus.len()
    );
}

fn epyc_host(machine: &str) -> LiveHost {
    let cpu = LiveCpu {
        vendor_id: "AuthenticAMD".into(),
        brand: "AMD EPYC".into(),
    };
    LiveHost {
        machine: Some(machine.into()),
        kernel_name: Some("Linux".into()),
        kernel_release: Some("6.1.0".into()),
        cpus: vec![cpu.clone(), cpu],
        hypervisor_signature: None,
    }
}

#[test]
fn live_host_corroborates_file_facts() {
    let live = epyc_host("x86_64");
    let (got, codes) = processors("x86-amd-epyc-debian12", Some(&live));
    assert_eq!(codes, Vec::<String>::new());
    let p = &got[0];
    let methods =
        |ev: &[sovstack_inventory::Evidence]| ev.iter().map(|e| e.method).collect::<Vec<_>>();
    assert_eq!(
        methods(&p.architecture.evidence),
        vec![Method::Derived, Method::Sysinfo]
    );
    assert_eq!(
        methods(&p.model.as_ref().unwrap().evidence),
        vec![Method::FileField, Method::Sysinfo]
    );
    assert_eq!(
        methods(&p.identifiers["vendor_id"].evidence),
        vec![Method::FileField, Method::Sysinfo]
    );
}

#[test]
fn live_host_disagreement_is_a_diagnostic() {
    let (got, codes) = processors("x86-amd-epyc-debian12", Some(&epyc_host("aarch64")));
    assert_eq!(codes, vec![super::codes::ARCHITECTURE_MISMATCH.to_string()]);
    assert_eq!(
        got[0].architecture.value, "x86_64",
        "the file's word is kept"
    );
    assert_eq!(got[0].architecture.evidence.len(), 1);
}

#[test]
fn live_host_fills_in_when_cpuinfo_is_unusable() {
    // No /proc/cpuinfo in this root: sysinfo is the only source.
    let live = epyc_host("x86_64");
    let (got, codes) = processors("os-alpine-3.23", Some(&live));
    assert_eq!(codes, vec![super::codes::MISSING_CPUINFO.to_string()]);
    assert_eq!(got.len(), 1);
    let p = &got[0];
    assert_eq!(
        (p.architecture.value.as_str(), p.logical_cpus.clone()),
        ("x86_64", vec![0, 1])
    );
    assert!(p
        .architecture
        .evidence
        .iter()
        .all(|e| e.method == Method::Sysinfo));
    assert_eq!(
        names(&p.actors, Role::CoreDesigner),
        vec![Some("Advanced Micro Devices")]
    );
    // An unrecognisable cpuinfo falls back the same way.
    let (got, codes) = processors("corrupt-binary-cpuinfo", Some(&live));
    assert_eq!(got.len(), 1);
    assert!(codes.contains(&super::codes::UNRECOGNISED_CPUINFO.to_string()));
    // Without a live host there is nothing to fall back on.
    assert_eq!(processors("os-alpine-3.23", None).0, vec![]);
}

#[test]
fn distinct_processors_are_capped() {
    // A hostile file: every block a different identity, up to the size cap. Grouping is by
    // index, not by linear search, so this stays fast; the report keeps the first 64.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("proc")).unwrap();
    let mut text = String::new();
    let mut n = 0u32;
    while (text.len() as u64) < crate::MAX_FILE_BYTES - 64 {
        text.push_str(&format!("processor : {n}\nvendor_id : V{n}\n\n"));
        n += 1;
    }
    std::fs::write(dir.path().join("proc/cpuinfo"), &text).unwrap();
    let inv = scan_dir(dir.path(), &["processor"], None);
    assert_eq!(diag_codes(&inv), vec![super::codes::TOO_MANY_PROCESSORS]);
    assert!(
        inv.diagnostics[0]
            .message
            .contains(&format!("{n} distinct processors")),
        "{}",
        inv.diagnostics[0].message
    );
    let got = inv.layers.processor.unwrap();
    assert_eq!(got.len(), super::MAX_DISTINCT_PROCESSORS);
    assert_eq!(got[63].identifiers["vendor_id"].value, "V63");
}

/// The SoC vendor of every processor of a fixture root (outer `None`: no SoC actor; inner
/// `None`: unknown).
fn soc_vendors(case: &str) -> Vec<Option<String>> {
    let (got, _) = processors(case, None);
    let mut v: Vec<Option<String>> = got
        .iter()
        .flat_map(|p| names(&p.actors, Role::SocVendor))
        .map(|n| n.map(String::from))
        .collect();
    v.dedup();
    v
}

/// Real `Hardware` lines of phones and boards, one capture per SoC family (origins in
/// `testdata/README.md`): each family is named, and a board name that says no SoC is not.
#[test]
fn hardware_lines_of_real_captures_name_the_soc_vendor() {
    let table: &[(&str, Option<&str>)] = &[
        ("soc-ti-omap4-pandaboard-es", Some("Texas Instruments")),
        ("soc-ti-omap36xx-beagleboard-xm", Some("Texas Instruments")),
        ("soc-ti-am335x", Some("Texas Instruments")),
        ("soc-sprd-sc8830-galaxy-j1", Some("Unisoc")),
        ("soc-unisoc-ums312-astro-55r", Some("Unisoc")),
        ("soc-hisilicon-hi6250-p9-lite", Some("HiSilicon")),
        ("soc-hisilicon-kirin920-honor-6", Some("HiSilicon")),
        (
            "soc-marvell-pxa988-galaxy-tab-3",
            Some("Marvell Technology"),
        ),
        ("soc-marvell-armada-388", Some("Marvell Technology")),
        ("soc-mediatek-mt6755-oppo-r9", Some("MediaTek")),
        (
            "soc-samsung-exynos7420-galaxy-s6",
            Some("Samsung Electronics"),
        ),
        (
            "soc-samsung-universal5422-galaxy-s5",
            Some("Samsung Electronics"),
        ),
        ("soc-qualcomm-msm8996-galaxy-s7-us", Some("Qualcomm")),
        ("soc-rockchip-rk3288", Some("Rockchip Electronics")),
        ("soc-allwinner-sun8i-padcod", Some("Allwinner Technology")),
        ("soc-amlogic-s812", Some("Amlogic")),
        ("soc-broadcom-bcm2709-rpi2", Some("Broadcom Inc.")),
        ("soc-nvidia-jetson-tx1", Some("NVIDIA Corporation")),
        ("soc-nxp-imx6q", Some("NXP Semiconductors")),
        ("loongarch-3a6000", Some("Loongson Technology")),
        // The US Galaxy S4 (Snapdragon 600) says only its board name, `SAMSUNG JF`: the SoC
        // stays unknown rather than being taken for a Samsung one.
        ("soc-board-name-samsung-jf-galaxy-s4", None),
    ];
    for (case, want) in table {
        assert_eq!(soc_vendors(case), vec![want.map(String::from)], "{case}");
    }
}

/// Real device-tree `compatible` files (origins in `testdata/README.md`): the vendor prefix of
/// the SoC's string names its maker; a board maker's prefix never does.
#[test]
fn device_tree_prefixes_of_real_captures_name_the_soc_vendor() {
    let table: &[(&str, Option<(&str, &str)>)] = &[
        ("ti-j721e", Some(("Texas Instruments", "ti,j721e"))),
        ("sprd-ums9620", Some(("Unisoc", "sprd,ums9620"))),
        (
            "marvell-armada8040",
            Some(("Marvell Technology", "marvell,armada-ap806")),
        ),
        (
            "marvell-pxa1908",
            Some(("Marvell Technology", "marvell,pxa1908")),
        ),
        ("mediatek-mt8195", Some(("MediaTek", "mediatek,mt8195"))),
        (
            "samsung-exynos5800",
            Some(("Samsung Electronics", "samsung,exynos5")),
        ),
        ("qcom-sdm845", Some(("Qualcomm", "qcom,sdm845"))),
        (
            "rockchip-rk3588",
            Some(("Rockchip Electronics", "rockchip,rk3588")),
        ),
        (
            "allwinner-h6",
            Some(("Allwinner Technology", "allwinner,sun50i-h6")),
        ),
        // Allwinner's vendor kernel for the D1 puts an `arm,` string between its own.
        (
            "allwinner-d1-bsp",
            Some(("Allwinner Technology", "allwinner,sun20iw1p1")),
        ),
        ("amlogic-g12b", Some(("Amlogic", "amlogic,g12b"))),
        ("brcm-bcm2712", Some(("Broadcom Inc.", "brcm,bcm2712"))),
        (
            "nvidia-tegra210",
            Some(("NVIDIA Corporation", "nvidia,tegra210")),
        ),
        ("fsl-imx8mp", Some(("NXP Semiconductors", "fsl,imx8mp"))),
        ("apple-t6000", Some(("Apple Inc.", "apple,arm-platform"))),
        (
            "starfive-jh7110",
            Some(("StarFive Technology", "starfive,jh7110")),
        ),
        (
            "thead-th1520",
            Some(("T-Head Semiconductor", "thead,light")),
        ),
        ("sophgo-mango", Some(("Sophgo", "sophgo,mango"))),
        (
            "amd-seattle",
            Some(("Advanced Micro Devices", "amd,seattle")),
        ),
        // Nexell is not in the knowledge base, and FriendlyElec makes boards, not SoCs.
        ("nexell-s5p6818", None),
    ];
    let kb = crate::testutil::kb();
    for (case, want) in table {
        let dir = crate::testutil::fixture_dir(&format!("devicetree/{case}"));
        let root = crate::root::Root::new(std::fs::canonicalize(&dir).expect("fixture"));
        let mut out = crate::collector::ScanOut::default();
        let dt = super::device_tree(&root, &mut out).unwrap_or_else(|| panic!("{case}"));
        assert!(out.diagnostics.is_empty(), "{case}: {:?}", out.diagnostics);
        assert_eq!(dt.path, "/proc/device-tree/compatible");
        let got = dt.soc(kb).map(|(a, e)| (a.name, e.value.clone()));
        assert_eq!(
            got,
            want.map(|(n, e)| (n.to_string(), e.to_string())),
            "{case}"
        );
    }
}

/// An Apple M1 Pro under Asahi Linux: the device tree names Apple as the SoC vendor, the
/// core part (Firestorm-M1-Pro) gives the foundry, TSMC.
#[test]
fn apple_m1_pro_gets_soc_vendor_and_foundry() {
    let (got, codes) = processors("arm-apple-m1pro-asahi", None);
    assert_eq!(codes, Vec::<String>::new());
    assert_eq!(got.len(), 2, "Icestorm and Firestorm clusters");
    for p in &got {
        assert_eq!(
            names(&p.actors, Role::CoreDesigner),
            vec![Some("Apple Inc.")]
        );
        assert_eq!(names(&p.actors, Role::SocVendor), vec![Some("Apple Inc.")]);
        assert_eq!(names(&p.actors, Role::Foundry), vec![Some("TSMC")]);
        let soc = p.actors.iter().find(|a| a.role == Role::SocVendor).unwrap();
        assert_eq!(soc.evidence[0].source, "/proc/device-tree/compatible");
        assert_eq!(soc.evidence[0].value.as_deref(), Some("apple,arm-platform"));
    }
}

#[test]
fn a_malformed_device_tree_is_a_warning_and_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let root_dir = dir.path();
    std::fs::create_dir_all(root_dir.join("proc/device-tree")).unwrap();
    std::fs::create_dir_all(root_dir.join("sys/firmware/devicetree/base")).unwrap();
    std::fs::copy(
        crate::testutil::fixture_dir("arm-rpi3-bcm2835-aarch64/proc/cpuinfo"),
        root_dir.join("proc/cpuinfo"),
    )
    .unwrap();
    std::fs::write(
        root_dir.join("proc/device-tree/compatible"),
        b"brcm,bcm2837\0\0x\xff",
    )
    .unwrap();
    // A second, well-formed copy is not consulted: the first file found is the one read.
    std::fs::write(
        root_dir.join("sys/firmware/devicetree/base/compatible"),
        b"qcom,sdm845\0",
    )
    .unwrap();
    let inv = scan_dir(root_dir, &["processor"], None);
    assert_eq!(diag_codes(&inv), vec!["scan/malformed-devicetree"]);
    // The Hardware line still names Broadcom.
    let p = &inv.layers.processor.as_ref().unwrap()[0];
    assert_eq!(
        names(&p.actors, Role::SocVendor),
        vec![Some("Broadcom Inc.")]
    );
}

#[test]
fn the_sysfs_device_tree_is_read_when_proc_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let root_dir = dir.path();
    std::fs::create_dir_all(root_dir.join("proc")).unwrap();
    std::fs::create_dir_all(root_dir.join("sys/firmware/devicetree/base")).unwrap();
    std::fs::copy(
        crate::testutil::fixture_dir("arm-rk3588-biglittle/proc/cpuinfo"),
        root_dir.join("proc/cpuinfo"),
    )
    .unwrap();
    std::fs::copy(
        crate::testutil::fixture_dir("devicetree/rockchip-rk3588/proc/device-tree/compatible"),
        root_dir.join("sys/firmware/devicetree/base/compatible"),
    )
    .unwrap();
    let inv = scan_dir(root_dir, &["processor"], None);
    assert_eq!(diag_codes(&inv), Vec::<&str>::new());
    for p in inv.layers.processor.as_ref().unwrap() {
        let soc: Vec<_> = p
            .actors
            .iter()
            .filter(|a| a.role == Role::SocVendor)
            .collect();
        assert_eq!(soc.len(), 1);
        assert_eq!(soc[0].name.as_deref(), Some("Rockchip Electronics"));
        assert_eq!(
            soc[0].evidence[0].source,
            "/sys/firmware/devicetree/base/compatible"
        );
    }
}

/// The foundry of the real fixtures: by CPUID family and model on x86 (the development
/// machine's VM says only `AMD EPYC`, family 26 model 2: Zen 5, TSMC), by core part on Apple
/// silicon, by model name elsewhere, and unknown where nothing documents it.
#[test]
fn foundries_of_real_fixtures() {
    let table: &[(&str, &[Option<&str>])] = &[
        ("x86-amd-epyc-debian12", &[Some("TSMC")]),
        ("x86-zhaoxin-kx-u6780a", &[Some("TSMC")]),
        ("x86-hygon-c86", &[None]),
        ("arm-apple-m1-asahi", &[Some("TSMC")]),
        ("arm-apple-m1pro-asahi", &[Some("TSMC")]),
        ("arm-server-phytium-ft2000plus", &[None]),
        ("arm-rpi3-bcm2835-aarch64", &[None]),
        ("loongarch-3a5000", &[None]),
        // Arm SoCs by family, asked with the SoC the Hardware line names.
        ("arm-qualcomm-sdm450", &[Some("Samsung Electronics")]),
        (
            "soc-qualcomm-msm8996-galaxy-s7-us",
            &[Some("Samsung Electronics")],
        ),
        (
            "soc-samsung-exynos7420-galaxy-s6",
            &[Some("Samsung Electronics")],
        ),
        (
            "soc-samsung-universal5422-galaxy-s5",
            &[Some("Samsung Electronics")],
        ),
        ("soc-hisilicon-kirin920-honor-6", &[Some("TSMC")]),
        ("soc-hisilicon-hi6250-p9-lite", &[Some("TSMC")]),
        ("soc-mediatek-mt6755-oppo-r9", &[Some("TSMC")]),
        // Spreadtrum and Marvell PXA parts: no documented foundry, so unknown.
        ("soc-sprd-sc8830-galaxy-j1", &[None]),
    ];
    for (case, want) in table {
        let (got, _) = processors(case, None);
        let mut foundries: Vec<_> = got
            .iter()
            .flat_map(|p| names(&p.actors, Role::Foundry))
            .collect();
        // One entry per distinct answer (big.LITTLE clusters share their SoC's foundry).
        foundries.dedup();
        assert_eq!(&foundries, want, "{case}");
    }
    // The x86 answer cites the CPUID fields and the table row.
    let (got, _) = processors("x86-amd-epyc-debian12", None);
    let f = got[0]
        .actors
        .iter()
        .find(|a| a.role == Role::Foundry)
        .unwrap();
    let fields: Vec<_> = f
        .evidence
        .iter()
        .filter_map(|e| e.field.as_deref())
        .collect();
    assert_eq!(&fields[..3], &["vendor_id", "cpu family", "model"]);
    assert_eq!(f.evidence[3].source, "kb:processors/x86-family-foundry.csv");
}

/// A real Sandy Bridge Pentium G640 (py-cpuinfo's capture, family 6 model 42): Windows 11
/// refuses it, so Windows 10 22H2 is the last Windows for it, read from the cpuinfo fields and
/// the knowledge base; endoflife.date has no Sandy Bridge cycle, so its family's support window
/// stays unknown. The AMD EPYC VM (family 26) is below no floor and has no Intel lifecycle.
#[test]
fn old_processors_are_below_a_vendor_os_floor() {
    let (got, _) = processors("x86-intel-pentium-g640", None);
    let p = &got[0];
    assert!(p.lifecycle.is_none(), "{:?}", p.lifecycle);
    let f = p.vendor_os_floor.as_ref().expect("Windows 11 refuses it");
    assert_eq!(f.refused_by, "Windows 11");
    assert_eq!(
        (f.last.product.as_str(), f.last.cycle.as_str()),
        ("windows", "10-22h2")
    );
    assert_eq!(f.last.end_of_support.as_deref(), Some("2025-10-14"));
    let read: Vec<(&str, Option<&str>)> = f
        .last
        .evidence
        .iter()
        .map(|e| (e.source.as_str(), e.value.as_deref()))
        .collect();
    assert_eq!(
        &read[..4],
        [
            ("/proc/cpuinfo", Some("GenuineIntel")),
            ("/proc/cpuinfo", Some("6")),
            ("/proc/cpuinfo", Some("42")),
            (
                "kb:lifecycle/vendor-os-floor.csv",
                Some("GenuineIntel family 6 model 0x2a: refused by Windows 11")
            ),
        ]
    );
    let (epyc, _) = processors("x86-amd-epyc-debian12", None);
    assert!(epyc[0].vendor_os_floor.is_none() && epyc[0].lifecycle.is_none());
}

/// The Apple M1 capture has neither a device tree nor a `Hardware` line: Apple's cores
/// (implementer 0x61) only sit in Apple's SoCs, so the SoC vendor is Apple, from the implementer
/// field and `processors/captive-arm-implementers.csv`, with that row's medium confidence.
#[test]
fn an_apple_soc_without_a_device_tree_is_apples() {
    let (got, _) = processors("arm-apple-m1-asahi", None);
    let soc = got[0]
        .actors
        .iter()
        .find(|a| a.role == Role::SocVendor)
        .expect("an SoC vendor");
    assert_eq!(soc.name.as_deref(), Some("Apple Inc."));
    let read: Vec<(&str, Option<&str>, Confidence)> = soc
        .evidence
        .iter()
        .map(|e| (e.source.as_str(), e.field.as_deref(), e.confidence))
        .collect();
    assert_eq!(read[0].0, "/proc/cpuinfo");
    assert_eq!(
        read[1],
        (
            "kb:processors/captive-arm-implementers.csv",
            Some("implementer"),
            Confidence::Medium
        )
    );
    // A Cortex core (implementer 0x41, Arm licenses it to everyone) names no SoC maker.
    let (graviton, _) = processors("arm-server-graviton3", None);
    assert!(names(&graviton[0].actors, Role::SocVendor).is_empty());
}
