//! Windows hosts in an organisation's import: the release's support window from the build and
//! edition the agents report, an OS past its end of support as a finding on the host's OS, and
//! software obsolescence (the vendor's newer release refuses the processor, a free OS still runs
//! on it) as a finding on that OS in both rulesets and in the sobriety section. Checked as of a
//! fixed day (SOURCE_DATE_EPOCH 1796601600 is 2026-12-07).
//!
//! Real captures (tests/fixtures/windows/README.md): Rudder's FusionInventory-format test
//! inventories of a Windows 11 23H2 Enterprise Evaluation guest on a Zen 4 processor, a Windows
//! Server 2012 guest on an Ivy Bridge-EP Xeon and a Windows Server 2022 guest; GLPI's test
//! inventory of a Windows 10 IoT Enterprise LTSC 21H2 mini PC (no processor section).

use crate::util::{layer_items, repo, rule_findings, run, run_json, sovstack, tempdir};
use serde_json::Value;
use std::path::Path;

const EPOCH: &str = "1796601600";

fn windows_fixtures() -> std::path::PathBuf {
    repo().join("tests/fixtures/windows")
}

fn audit_json(import: &Path) -> Value {
    run_json(
        sovstack()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(["audit", "--format", "json", "--import"])
            .arg(import),
    )
}

/// The findings of the `*.os.supported` rules on the OS item labelled `label`, by ruleset.
fn os_supported(r: &Value, label: &str) -> Vec<(String, String)> {
    let item = layer_items(r, "os")
        .iter()
        .find(|i| i["label"] == label)
        .unwrap_or_else(|| panic!("no os item {label}: {:#}", r["layers"]));
    rule_findings(item, ".os.supported")
}

/// The real captures: each host's release is found from its version and name; the Windows 11
/// 23H2 Enterprise host is past its end of support (2026-11-10) and says so on its OS, but its
/// Zen 4 processor is one Windows 11 accepts, so nothing claims the PC is obsolete; Windows
/// Server 2012 ended on 2023-10-10 (its paid extended updates on 2026-10-13); the Windows 10
/// IoT Enterprise LTSC host (until 2032-01-13) and Server 2022 (until 2031-10-14) have no finding.
#[test]
fn real_windows_captures_get_their_support_windows() {
    let r = audit_json(&windows_fixtures());
    let s = &r["sobriety"];
    let windows: Vec<(&str, &str, &str, &str, bool)> = s["support"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["layer"] == "os")
        .map(|w| {
            (
                w["label"].as_str().unwrap(),
                w["product"].as_str().unwrap(),
                w["cycle"].as_str().unwrap(),
                w["end_of_support"].as_str().unwrap(),
                w["ended"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        windows,
        [
            (
                "Microsoft Windows Server 2012 Standard",
                "windows-server",
                "2012",
                "2023-10-10",
                true
            ),
            (
                "Microsoft Windows 11 Enterprise Evaluation",
                "windows",
                "11-23h2-e",
                "2026-11-10",
                true
            ),
            (
                "Microsoft Windows Server 2022 Standard Evaluation",
                "windows-server",
                "2022",
                "2031-10-14",
                false
            ),
            (
                "Microsoft Windows 10 IoT Enterprise LTSC",
                "windows",
                "10-21h2-iot-lts",
                "2032-01-13",
                false
            ),
        ]
    );
    // Nothing is said to be obsolete: Windows 11's processor is one it accepts, and Windows
    // Server is not the release Windows 11 succeeds. The Server 2012 host's Ivy Bridge-EP Xeon
    // is one Windows 11 refuses, but its host runs Windows Server, which Windows 11's refusal
    // does not speak of (Windows Server 2022 and 2025 run on it): no processor entry either,
    // and no "last vendor OS" beside it.
    let obsolete = s["obsolescence"].as_array().unwrap();
    assert!(obsolete.is_empty(), "{s:#}");
    let xeon = layer_items(&r, "processor")
        .iter()
        .find(|i| i["label"] == "Intel(R) Xeon(R) CPU E5-2670 v2 @ 2.50GHz")
        .unwrap();
    assert!(xeon["facts"].get("last_vendor_os").is_none(), "{xeon:#}");
    let maker = "Intel(R) Xeon(R) CPU E5-2670 v2 @ 2.50GHz is past the end of its support: the \
                 maker's support of the ivy-bridge-xeon family ended on 2020-06-30 \
                 (endoflife.date; checked as of 2026-12-07)";
    assert_eq!(
        rule_findings(xeon, ".processor.supported"),
        [
            ("eu-sovereignty".to_string(), maker.to_string()),
            ("non-aligned".to_string(), maker.to_string()),
        ]
    );
    // Every host's system is Microsoft Windows, stewarded by Microsoft Corporation (US): from
    // the kernel name and the name the agents report (MSWin32, Windows) and the knowledge
    // base's row for systems with no os-release ID.
    for os in layer_items(&r, "os") {
        let steward = os["actors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["role"] == "steward")
            .unwrap();
        assert_eq!(
            (&steward["name"], &steward["country"]),
            (&Value::from("Microsoft Corporation"), &Value::from("US")),
            "{os:#}"
        );
        // The XML captures spell the fields CONTENT/OPERATINGSYSTEM/KERNEL_NAME, GLPI's JSON
        // content.operatingsystem.kernel_name.
        let evidence = steward["evidence"].to_string().to_lowercase();
        for needle in [
            "operatingsystem/kernel_name = mswin32",
            "operatingsystem/name = windows",
            "kb:os/vendor-systems.csv:2 name_word = windows",
        ] {
            let json = needle.replace('/', ".");
            assert!(
                evidence.contains(needle) || evidence.contains(&json),
                "{needle} not in {steward:#}"
            );
        }
        let steward_findings = rule_findings(os, ".os.steward-jurisdiction");
        assert!(!steward_findings.is_empty());
        assert!(
            steward_findings.iter().all(|(_, m)| m
                .starts_with("Microsoft Corporation, headquartered in the United States (US)")),
            "{steward_findings:?}"
        );
    }
    // The Windows 11 and Server 2022 captures are VirtualBox guests, the Server 2012 one a Xen
    // guest: their BIOS dates (12/01/2006, 05/23/2014) are the hypervisors', not the machines',
    // so only the mini PC is dated.
    assert_eq!(
        (s["machines_dated"].as_u64(), s["machines_undated"].as_u64()),
        (Some(1), Some(3))
    );
    let message = "Microsoft Windows 11 Enterprise Evaluation is past the end of its support: \
                   windows 11-23h2-e support ended on 2026-11-10 (endoflife.date; checked as of \
                   2026-12-07)";
    let want = |m: &str| {
        vec![
            ("eu-sovereignty".to_string(), m.to_string()),
            ("non-aligned".to_string(), m.to_string()),
        ]
    };
    assert_eq!(
        os_supported(&r, "Microsoft Windows 11 Enterprise Evaluation"),
        want(message)
    );
    assert!(os_supported(&r, "Microsoft Windows 10 IoT Enterprise LTSC").is_empty());
    assert_eq!(
        os_supported(&r, "Microsoft Windows Server 2012 Standard"),
        want(
            "Microsoft Windows Server 2012 Standard is past the end of its support: \
             windows-server 2012 support ended on 2023-10-10, extended support on 2026-10-13 \
             (endoflife.date; checked as of 2026-12-07)"
        )
    );
    assert!(os_supported(&r, "Microsoft Windows Server 2022 Standard Evaluation").is_empty());
    // The inventory's evidence names the fields the release was read from and the
    // knowledge-base rows.
    let inv = run_json(
        sovstack()
            .args(["scan", "--import"])
            .arg(windows_fixtures())
            .args(["-o", "-"]),
    );
    let win11 = inv["layers"]["os"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["pretty_name"]["value"] == "Microsoft Windows 11 Enterprise Evaluation")
        .unwrap_or_else(|| panic!("{:#}", inv["layers"]["os"]));
    let text = win11["lifecycle"].to_string();
    for needle in [
        "CONTENT/OPERATINGSYSTEM/KERNEL_VERSION",
        "CONTENT/OPERATINGSYSTEM/FULL_NAME",
        "kb:lifecycle/windows-builds.csv",
        "kb:lifecycle/endoflife.csv",
    ] {
        assert!(text.contains(needle), "{needle} not in {win11:#}");
    }
    // The Windows 11 host's processor is accepted: no processor finding on it; the only
    // processor past its support is the Server 2012 host's Ivy Bridge-EP (Intel ended it).
    let past: Vec<&str> = layer_items(&r, "processor")
        .iter()
        .filter(|i| {
            i["findings"].as_array().unwrap().iter().any(|f| {
                f["rule"]
                    .as_str()
                    .unwrap()
                    .ends_with(".processor.supported")
            })
        })
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(past, ["Intel(R) Xeon(R) CPU E5-2670 v2 @ 2.50GHz"]);
}

/// Writes one host built from real agent output: GLPI's Windows 10 capture (ARN4058) whose
/// `operatingsystem` is set to `os` and whose `cpus` is `cpus`.
fn composite(dir: &Path, name: &str, os: Value, cpus: Value) {
    let path = windows_fixtures().join("glpi-arn4058-windows10-iot-ltsc.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["deviceid"] = Value::from(name);
    doc["content"]["hardware"]["name"] = Value::from(name);
    doc["content"]["operatingsystem"] = os;
    doc["content"]["cpus"] = cpus;
    std::fs::write(
        dir.join(format!("{name}.json")),
        serde_json::to_vec_pretty(&doc).unwrap(),
    )
    .unwrap();
}

/// No public capture of a Windows 10 22H2 host was found, so this one is put together from
/// real agent output: GLPI's Windows 10 capture with Windows 10 Pro 22H2's product name and
/// build as Win32_OperatingSystem gives them (`Microsoft Windows 10 Pro`, `10.0.19045`), on the
/// processor of GLPI's example laptop (an i5-6200U, CPUID family 6 model 78, which Windows 11
/// refuses) and, for a second host, on Rudder's Zen 4 (family 25 model 116, which Windows 11
/// accepts). Windows 10 22H2's support ended on 2025-10-14: on the Skylake host it is software
/// obsolescence (Debian 13 runs on it), on the Zen 4 host only an OS past its support.
#[test]
fn windows_10_on_a_processor_windows_11_refuses_is_software_obsolescence() {
    let examples = repo().join("tests/fixtures/glpi-inventory-format/examples/computer_1.json");
    let example: Value = serde_json::from_str(&std::fs::read_to_string(examples).unwrap()).unwrap();
    let skylake = example["content"]["cpus"].clone();
    assert_eq!(
        skylake[0]["name"],
        "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz"
    );
    let windows10 = |edition: &str| {
        serde_json::json!({
            "arch": "64-bit",
            "full_name": format!("Microsoft Windows 10 {edition}"),
            "kernel_name": "MSWin32",
            "kernel_version": "10.0.19045",
            "name": "Windows",
            "version": "22H2"
        })
    };
    let dir = tempdir();
    composite(dir.path(), "SKYLAKE-PRO", windows10("Pro"), skylake.clone());
    composite(dir.path(), "ZEN4-PRO", windows10("Pro"), zen4_cpus());
    // A third host with the same processor runs the example's Fedora 31: the processor's
    // entry counts only the Windows 10 machine.
    composite(
        dir.path(),
        "SKYLAKE-FEDORA",
        example["content"]["operatingsystem"].clone(),
        skylake,
    );
    let r = audit_json(dir.path());

    let obsolete = r["sobriety"]["obsolescence"].as_array().unwrap();
    let cpu: Vec<&Value> = obsolete
        .iter()
        .filter(|o| o["layer"] == "processor")
        .collect();
    assert_eq!(cpu.len(), 1, "{obsolete:#?}");
    assert_eq!(
        (&cpu[0]["label"], &cpu[0]["machines"]),
        (
            &Value::from("Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz"),
            &Value::from(1)
        )
    );
    let skylake_item = layer_items(&r, "processor")
        .iter()
        .find(|i| i["label"] == "Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz")
        .unwrap();
    assert_eq!(
        skylake_item["facts"]["last_vendor_os"],
        "windows 10-22h2, until 2025-10-14 (Windows 11 refuses it)"
    );
    assert!(rule_findings(skylake_item, ".processor.supported")
        .iter()
        .all(|(_, m)| m.contains("Windows 11 refuses this processor")));
    let os: Vec<&Value> = obsolete.iter().filter(|o| o["layer"] == "os").collect();
    assert_eq!(os.len(), 1, "{obsolete:#?}");
    let o = os[0];
    assert_eq!(o["label"], "Microsoft Windows 10 Pro");
    assert_eq!(o["machines"], 1);
    assert_eq!(o["refused_by"], "Windows 11");
    assert_eq!(o["last_release"], "windows 10-22h2");
    assert_eq!(o["last_release_end_of_support"], "2025-10-14");
    assert_eq!(o["free_os"], "debian 13 (amd64)");
    let refusal = "Windows 11 refuses the processor of 1 of the 2 machine(s) that run it \
                   (Intel(R) Core(TM) i5-6200U CPU @ 2.30GHz); debian 13 (amd64), supported \
                   until 2028-08-09, runs on them: software obsolescence, the sober answer is a \
                   free OS, not a new machine";
    assert_eq!(
        o["message"],
        format!(
            "support of windows 10-22h2 ended on 2025-10-14 (paid extended security updates \
             until 2028-10-10); {refusal}"
        )
    );
    // Inside Windows 10's paid Extended Security Updates (rulesets 1.10.0): level 2, one
    // severity step lower, the refusal still said.
    let message = format!(
        "Microsoft Windows 10 Pro is in its extended support window: regular security support of \
         windows 10-22h2 ended on 2025-10-14; Extended Security Updates continues until \
         2028-10-10; {refusal} (endoflife.date; checked as of 2026-12-07). Level 2 of 4: \
         security fixes still come, from a narrower programme than regular support"
    );
    assert_eq!(
        os_supported(&r, "Microsoft Windows 10 Pro"),
        [
            ("eu-sovereignty".to_string(), message.clone()),
            ("non-aligned".to_string(), message),
        ]
    );

    // The sobriety section of every human format names it.
    for format in ["markdown", "table", "html"] {
        let (code, out, err) = run(sovstack()
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(["audit", "--format", format, "--import"])
            .arg(dir.path()));
        assert!(code <= 1, "{err}");
        assert!(
            out.contains("Microsoft Windows 10 Pro (os")
                && out.contains("refuses the processor of 1"),
            "{format}"
        );
    }

    // Only the Zen 4 host: past its support, and nothing about obsolescence.
    let dir = tempdir();
    composite(dir.path(), "ZEN4-PRO", windows10("Pro"), zen4_cpus());
    let r = audit_json(dir.path());
    assert!(r["sobriety"]["obsolescence"].as_array().unwrap().is_empty());
    let message = "Microsoft Windows 10 Pro is in its extended support window: regular security \
                   support of windows 10-22h2 ended on 2025-10-14; Extended Security Updates \
                   continues until 2028-10-10 (endoflife.date; checked as of 2026-12-07). Level 2 \
                   of 4: security fixes still come, from a narrower programme than regular \
                   support";
    assert_eq!(
        os_supported(&r, "Microsoft Windows 10 Pro"),
        [
            ("eu-sovereignty".to_string(), message.to_string()),
            ("non-aligned".to_string(), message.to_string()),
        ]
    );

    // Without SOURCE_DATE_EPOCH nothing has ended.
    let (code, out, err) = run(sovstack()
        .args(["audit", "--format", "json", "--import"])
        .arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert!(os_supported(&r, "Microsoft Windows 10 Pro").is_empty());
}

/// The processor of Rudder's Windows 11 capture, as its `CPUS` section gives it
/// (tests/fixtures/windows/rudder-workstation1-windows11.xml), in GLPI's fields.
fn zen4_cpus() -> Value {
    serde_json::json!([{
        "manufacturer": "AMD",
        "name": "AMD Ryzen 7 PRO 7840U w/ Radeon 780M Graphics",
        "familynumber": 25,
        "model": 116
    }])
}

/// Rudder's three captures are hypervisor guests (their agents' `HARDWARE/VMSYSTEM`: VirtualBox,
/// Xen, VirtualBox), whose SMBIOS names the hypervisor's vendor (`innotek GmbH`, `Xen`): that
/// vendor made no machine, so the guests count in no devices item, the inventory says which
/// hypervisor each runs on (with the field it was read from), and they hold no raw materials.
/// The GLPI mini PC (`Physical`) is the fleet's one device and its one machine holding any.
#[test]
fn hypervisor_guests_are_no_devices_and_hold_no_materials() {
    let inv = run_json(
        sovstack()
            .args(["scan", "--import"])
            .arg(windows_fixtures())
            .args(["-o", "-"]),
    );
    let hosts = inv["fleet"]["hosts"].as_array().unwrap();
    let guests: Vec<(&str, &str, Option<&str>)> = hosts
        .iter()
        .filter_map(|h| {
            let v = h.get("hypervisor")?;
            Some((
                v["value"].as_str().unwrap(),
                v["evidence"][0]["field"].as_str().unwrap(),
                h["device"].as_str(),
            ))
        })
        .collect();
    let field = "CONTENT/HARDWARE/VMSYSTEM";
    let mut kinds: Vec<&str> = guests.iter().map(|g| g.0).collect();
    kinds.sort();
    assert_eq!(kinds, ["VirtualBox", "VirtualBox", "Xen"], "{hosts:#?}");
    assert!(guests.iter().all(|g| g.1 == field && g.2.is_none()));
    let devices = inv["layers"]["devices"].as_array().unwrap();
    let makers: Vec<(&str, u64)> = devices
        .iter()
        .map(|d| {
            (
                d["maker"]["value"].as_str().unwrap(),
                d["hosts"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(makers, [("Intel(R) Client Systems", 1)]);
    let materials = inv["layers"]["materials"].as_array().unwrap();
    assert!(!materials.is_empty());
    for m in materials {
        assert_eq!(m["hosts"], 1, "{m:#}");
    }
    // The audit names no hypervisor vendor as a maker of the organisation's devices.
    let (code, table, err) = run(sovstack()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env("NO_COLOR", "1")
        .env("COLUMNS", "200")
        .args(["audit", "--import"])
        .arg(windows_fixtures()));
    assert!(code <= 1, "{err}");
    for vendor in ["innotek", "Oracle", "Xen"] {
        assert!(!table.contains(vendor), "{vendor}: {table}");
    }
}
