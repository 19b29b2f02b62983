//! `sovstack audit` on real machines' roots: what a user reads in the report.

use crate::util::*;

fn audit_json(root: &str) -> serde_json::Value {
    run_json(
        sovstack()
            .args(["audit", "--format", "json", "--root"])
            .arg(fixture(root)),
    )
}

#[test]
fn a_qualcomm_phone_names_arm_and_qualcomm_with_their_countries_and_laws() {
    let r = audit_json("arm-qualcomm-sdm450");
    let cpu = &layer_items(&r, "processor")[0];
    let actors = actors(cpu);
    assert!(
        actors.contains(&(
            "isa_owner".into(),
            Some("Arm Ltd".into()),
            Some("GB".into())
        )),
        "{actors:?}"
    );
    assert!(
        actors.contains(&(
            "soc_vendor".into(),
            Some("Qualcomm".into()),
            Some("US".into())
        )),
        "{actors:?}"
    );
    let qualcomm = cpu["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "soc_vendor")
        .unwrap();
    let laws: Vec<&str> = qualcomm["laws"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        laws.contains(&"us-cloud-act") && laws.contains(&"us-fisa-702"),
        "{laws:?}"
    );
    assert!(qualcomm["blocs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b == "NATO"));
    // The EU view flags the US SoC vendor, at the rule's severity, with a level.
    let finding = cpu["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "eu.processor.designer-jurisdiction")
        .expect("designer-jurisdiction finding");
    assert_eq!(finding["severity"], "high");
    assert_eq!(finding["level"], 1);
    assert!(
        finding["message"].as_str().unwrap().contains("Qualcomm"),
        "{finding}"
    );
}

#[test]
fn a_loongson_machine_is_attributed_to_china_and_its_laws() {
    let r = audit_json("loongarch-3a5000");
    let cpu = &layer_items(&r, "processor")[0];
    for a in cpu["actors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["role"] != "foundry")
    {
        assert_eq!(a["country"], "CN", "{a}");
        let laws = a["laws"].as_array().unwrap();
        assert!(
            laws.iter()
                .any(|l| l == "cn-national-intelligence-law-art7"),
            "{a}"
        );
        assert!(a["blocs"].as_array().unwrap().iter().any(|b| b == "BRICS"));
    }
    // Non-aligned: the processor layer is held from China.
    let na = ruleset(&r, "non-aligned");
    let shares = &na["layers"]["processor"]["score"]["shares"];
    assert!(shares["CN"].as_f64().unwrap() > 0.5, "{shares}");
    assert!(na["layers"]["processor"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "na.processor.concentration"));
}

#[test]
fn an_open_isa_earns_credit_where_a_licensed_one_does_not() {
    let riscv = audit_json("riscv-visionfive2-jh7110");
    let cpu = &layer_items(&riscv, "processor")[0];
    let isa = cpu["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["role"] == "isa_owner")
        .unwrap();
    assert_eq!(isa["name"], "RISC-V International");
    assert_eq!(isa["governance"], "open_standard");
    assert!(!cpu["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "eu.processor.isa-openness"));
    let riscv_commons = ruleset(&riscv, "non-aligned")["layers"]["processor"]["score"]["shares"]
        ["commons"]
        .as_f64()
        .unwrap();
    assert!(riscv_commons > 0.0);

    let arm = audit_json("arm-server-graviton3");
    let cpu = &layer_items(&arm, "processor")[0];
    assert!(cpu["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == "eu.processor.isa-openness"));
    let arm_commons = ruleset(&arm, "non-aligned")["layers"]["processor"]["score"]["shares"]
        ["commons"]
        .as_f64()
        .unwrap();
    assert_eq!(arm_commons, 0.0);
}

#[test]
fn a_big_little_soc_yields_one_item_per_core_type() {
    let r = audit_json("arm-rk3588-biglittle");
    let labels: Vec<&str> = layer_items(&r, "processor")
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["Cortex-A55", "Cortex-A76"]);
}

#[test]
fn the_operating_system_names_its_steward_and_lineage() {
    let r = audit_json("os-ubuntu-24.04");
    let os = &layer_items(&r, "os")[0];
    assert_eq!(os["label"], "Ubuntu 24.04.3 LTS");
    let actors = actors(os);
    assert!(
        actors.contains(&(
            "steward".into(),
            Some("Canonical Ltd".into()),
            Some("GB".into())
        )),
        "{actors:?}"
    );
    assert!(
        actors
            .iter()
            .any(|(role, name, _)| role == "lineage" && name.as_deref() == Some("Debian Project")),
        "{actors:?}"
    );
}

/// The live host: the answer must agree with what the machine's own files say, read here
/// independently of sovstack.
#[test]
fn the_live_host_agrees_with_its_own_files() {
    let r = run_json(sovstack().args(["audit", "--format", "json"]));
    assert_eq!(r["scan"]["live_host"], true);
    if let Ok(text) = std::fs::read_to_string("/etc/os-release") {
        let pretty = text
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map(|v| v.trim_matches('"').to_string());
        if let Some(pretty) = pretty {
            assert_eq!(layer_items(&r, "os")[0]["label"], pretty);
        }
    }
    if let Ok(cpuinfo) = std::fs::read_to_string("/proc/cpuinfo") {
        let vendor = cpuinfo.lines().find_map(|l| {
            l.strip_prefix("vendor_id")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        });
        let designer = layer_items(&r, "processor")[0]["actors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["role"] == "core_designer")
            .map(|a| a["name"].as_str().unwrap_or("").to_string());
        match vendor.as_deref() {
            Some("GenuineIntel") => assert_eq!(designer.as_deref(), Some("Intel Corporation")),
            Some("AuthenticAMD") => assert_eq!(designer.as_deref(), Some("Advanced Micro Devices")),
            _ => {}
        }
    }
}

#[test]
fn the_table_shows_every_layer_and_both_views() {
    let (code, out, err) = run(sovstack()
        .args(["audit", "--root"])
        .arg(fixture("x86-amd-epyc-debian12")));
    assert_eq!(code, 0, "{err}");
    for needle in [
        "Processor layer",
        "Operating-system layer",
        "Advanced Micro Devices",
        "Debian Project",
        "Ruleset eu-sovereignty",
        "SEAL-",
        "Ruleset non-aligned",
        "concentration index",
        "overall",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    assert!(!out.contains('\u{1b}'), "NO_COLOR: no escape sequences");
}

/// Real os-release files, checked as of a fixed date (SOURCE_DATE_EPOCH 1796515200 is
/// 2026-12-06): Debian 10 and CentOS 7 are past their support in both rulesets, Debian 13 is
/// not, and without SOURCE_DATE_EPOCH nothing is dated, so nothing is said to have ended.
#[test]
fn an_operating_system_past_its_support_is_a_finding_of_both_rulesets() {
    let audit = |root: &str, epoch: Option<&str>| {
        let mut cmd = sovstack();
        cmd.args(["audit", "--format", "json", "--root"])
            .arg(fixture(root));
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
        run_json(&mut cmd)
    };
    let supported_findings = |r: &serde_json::Value| -> Vec<(String, String)> {
        rule_findings(&layer_items(r, "os")[0], ".os.supported")
    };
    let r = audit("os-debian10", Some("1796515200"));
    let got = supported_findings(&r);
    let rulesets: Vec<&str> = got.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(rulesets, ["eu-sovereignty", "non-aligned"], "{got:?}");
    assert_eq!(
        got[0].1,
        "Debian GNU/Linux 10 (buster) is past the end of its support: debian 10 support ended on 2022-09-10, extended support on 2024-06-30 (endoflife.date; checked as of 2026-12-06)"
    );
    let os = &layer_items(&r, "os")[0];
    assert_eq!(
        os["facts"]["supported_until"],
        "2022-09-10 (extended 2024-06-30; debian 10)"
    );
    assert_eq!(
        supported_findings(&audit("os-centos7", Some("1796515200"))).len(),
        2
    );
    assert_eq!(
        supported_findings(&audit("os-debian13", Some("1796515200"))),
        vec![]
    );
    assert_eq!(supported_findings(&audit("os-debian10", None)), vec![]);
}
