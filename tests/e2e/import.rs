//! `scan --import` and `audit --import`: an organisation's fleet from the inventories it keeps.
//! Inputs are real: the GLPI project's example inventories, a FusionInventory inventory that
//! the test makes by running Debian's `fusioninventory-inventory` on this machine (the test
//! fails when the agent is missing: tools/install-deps.sh installs it), and a sovstack scan of
//! a captured fixture root.

use crate::util::{fixture, repo, run, run_json, sovstack, tempdir};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// A FusionInventory inventory of this machine, tagged `tag`, written to `out`.
pub(crate) fn fusioninventory(tag: &str, out: &Path) {
    let output = Command::new("fusioninventory-inventory")
        .args(["-t", tag, "--no-category=process,software,environment,user,local_user"])
        .output()
        .expect("fusioninventory-inventory runs (Debian package fusioninventory-agent; tools/install-deps.sh installs it)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::write(out, &output.stdout).unwrap();
}

pub(crate) fn glpi_examples() -> String {
    repo()
        .join("tests/fixtures/glpi-inventory-format/examples")
        .display()
        .to_string()
}

#[test]
fn a_fleet_from_glpi_fusioninventory_and_sovstack_inventories() {
    let dir = tempdir();
    fusioninventory("site-lyon", &dir.path().join("this-host.xml"));
    // A host scanned where it lives, by sovstack itself.
    let (code, _, err) = run(sovstack()
        .args(["scan", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .arg("-o")
        .arg(dir.path().join("epyc.json")));
    assert_eq!(code, 0, "{err}");
    // A hostile file among them is refused and skipped, never expanded.
    std::fs::write(
        dir.path().join("laughs.xml"),
        "<?xml version=\"1.0\"?>\n<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>\n<REQUEST><CONTENT><HARDWARE><NAME>&b;</NAME></HARDWARE></CONTENT></REQUEST>\n",
    )
    .unwrap();
    let inv = run_json(
        sovstack()
            .args(["scan", "--import"])
            .arg(dir.path())
            .arg(glpi_examples()),
    );
    let fleet = &inv["fleet"];
    // 11 GLPI hosts (computer_3 and the Canon printer twice each, 7 partial updates skipped),
    // this machine, the fixture.
    assert_eq!(fleet["hosts"].as_array().unwrap().len(), 13, "{fleet}");
    assert_eq!(fleet["files_skipped"], 8);
    let diag = |code: &str| {
        inv["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["code"] == code)
            .count()
    };
    assert_eq!(diag("import/malformed-file"), 1);
    assert_eq!(diag("import/partial-inventory"), 7);
    assert_eq!(diag("import/duplicate-host"), 2);
    let this = fleet["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["source"].as_str().unwrap().ends_with("this-host.xml"))
        .unwrap();
    assert_eq!(this["labels"]["tag"], "site-lyon");
    assert_eq!(this["format"], "fusioninventory_xml");
    // What the agent says of this machine's processor and system agrees with sovstack's own
    // scan of it: the same core designer and distribution steward.
    let live = run_json(sovstack().args(["scan"]));
    let role = |item: &serde_json::Value, role: &str| {
        item["actors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["role"] == role)
            .map(|a| a["name"].clone())
            .unwrap()
    };
    let by_id = |layer: &str, id: &serde_json::Value| {
        inv["layers"][layer]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == *id)
            .unwrap()
            .clone()
    };
    let cpu = by_id("processor", &this["processor"][0]);
    assert_eq!(
        role(&cpu, "core_designer"),
        role(&live["layers"]["processor"][0], "core_designer")
    );
    let os = by_id("os", &this["os"]);
    assert_eq!(
        role(&os, "steward"),
        role(&live["layers"]["os"][0], "steward")
    );
    // Counts: every host with a processor counts once in exactly one item here.
    let counted: u64 = inv["layers"]["processor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["hosts"].as_u64().unwrap())
        .sum();
    let with_cpu = fleet["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h.get("processor").is_some())
        .count() as u64;
    assert_eq!(counted, with_cpu);
}

#[test]
fn the_report_gives_shares_of_the_fleet_and_is_reproducible() {
    let dir = tempdir();
    fusioninventory("site-paris", &dir.path().join("this-host.xml"));
    let audit = |extra: &[&str]| {
        let mut cmd = sovstack();
        cmd.env("SOURCE_DATE_EPOCH", "1700000000")
            .args(["audit", "--format", "json", "--import"])
            .arg(dir.path())
            .arg(glpi_examples())
            .args(extra);
        run(&mut cmd)
    };
    let (code, first, err) = audit(&[]);
    assert_eq!(code, 0, "{err}");
    let (_, second, _) = audit(&[]);
    assert_eq!(first, second, "the same inventories give the same bytes");
    let report: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert!(report["scan"]["audited"][0]
        .as_str()
        .unwrap()
        .starts_with("12 hosts imported from "));
    let items = crate::util::layer_items(&report, "processor");
    let hosts: Vec<&str> = items
        .iter()
        .map(|i| i["facts"]["hosts"].as_str().unwrap())
        .collect();
    assert!(hosts.iter().all(|h| h.contains(" of 12 (")), "{hosts:?}");

    // Per site: the agents' tags (GLPI's computer_1 and computer_3 carry 000005, this machine
    // site-paris, the other GLPI hosts none).
    let (code, out, err) = audit(&["--group-by", "tag"]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let by_tag: Vec<&str> = crate::util::layer_items(&report, "processor")
        .iter()
        .map(|i| i["facts"]["hosts by tag"].as_str().unwrap())
        .collect();
    assert!(
        by_tag.contains(&"site-paris: 1 of 1 (100.0%)"),
        "{by_tag:?}"
    );
    assert_eq!(
        by_tag
            .iter()
            .filter(|t| **t == "000005: 1 of 2 (50.0%)")
            .count(),
        2,
        "{by_tag:?}"
    );
    let (code, _, err) = audit(&["--group-by", "department"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no host carries that label (labels there are: location, tag)"),
        "{err}"
    );
    let (code, _, err) = run(sovstack()
        .args(["audit", "--root"])
        .arg(fixture("x86-amd-epyc-debian12"))
        .args(["--group-by", "tag"]));
    assert_eq!(code, 2);
    assert!(err.contains("not an organisation's fleet"), "{err}");
}

#[test]
fn the_configured_organisation_is_recorded_and_reported() {
    let dir = tempdir();
    let config = dir.path().join("sovstack.yaml");
    std::fs::write(
        &config,
        "organisation:\n  name: Ministère de l'Exemple\n  country: FR\n",
    )
    .unwrap();
    let fleet = dir.path().join("fleet.json");
    let (code, _, err) = run(sovstack()
        .args(["--config"])
        .arg(&config)
        .args(["scan", "--import"])
        .arg(glpi_examples())
        .arg("-o")
        .arg(&fleet));
    assert_eq!(code, 0, "{err}");
    let inv: serde_json::Value = serde_json::from_slice(&std::fs::read(&fleet).unwrap()).unwrap();
    assert_eq!(
        inv["fleet"]["organisation"]["name"],
        "Ministère de l'Exemple"
    );
    assert_eq!(inv["fleet"]["organisation"]["country"], "FR");
    // Evaluated elsewhere, without the configuration, the report still names it.
    let report = run_json(
        sovstack()
            .args(["evaluate", "--format", "json"])
            .arg(&fleet),
    );
    assert_eq!(report["organisation"]["name"], "Ministère de l'Exemple");
    // A fleet inventory is no host's: imported again, it is skipped with a diagnostic; beside a
    // host's file the rest is imported, alone nothing is, which is an input error (exit 2)
    // naming why, not an empty audit that a gate would pass.
    let (code, _, err) = run(sovstack()
        .args(["scan", "--import-format", "sovstack", "--import"])
        .arg(&fleet));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("nothing was imported") && err.contains("import/fleet-inventory"),
        "{err}"
    );
    let (code, _, err) = run(sovstack()
        .args(["audit", "--fail-on", "low", "--import"])
        .arg(repo().join("tests/fixtures/glpi-inventory-format/LICENSE")));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("import/unknown-format"), "{err}");
}

#[test]
fn paths_that_hold_nothing_are_input_errors() {
    let (code, _, err) = run(sovstack().args(["scan", "--import", "/nonexistent/fleet"]));
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/fleet does not exist"), "{err}");
    let empty = tempdir();
    let (code, _, err) = run(sovstack().args(["scan", "--import"]).arg(empty.path()));
    assert_eq!(code, 2);
    assert!(err.contains("no file to import under"), "{err}");
    let (code, _, err) = run(sovstack().args(["scan", "--import", "x", "--root", "/"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(sovstack().args(["scan", "--import-format", "glpi-json"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(sovstack()
        .args(["scan", "--import"])
        .arg(glpi_examples())
        .args(["--paths", "/usr/bin"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("--paths cannot be combined with --import"),
        "{err}"
    );
}

/// The devices layer from FusionInventory inventories written by the real agent, each from the
/// SMBIOS tables of a real machine (`tests/fixtures/dmidecode`: dmidecode captures replayed by a
/// `dmidecode` first on the agent's `PATH`), and from GLPI's examples.
#[test]
fn device_makers_from_fusioninventory_and_glpi() {
    let dir = tempdir();
    let bin = dir.path().join("bin");
    let inventories = dir.path().join("inventories");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::create_dir_all(&inventories).unwrap();
    let captures = repo().join("tests/fixtures/dmidecode");
    for (n, capture) in [
        "lenovo-thinkpad",
        "dell-r640",
        "hp-dl360-gen8",
        "surface-go-2",
    ]
    .into_iter()
    .enumerate()
    {
        let shim = bin.join("dmidecode");
        std::fs::write(
            &shim,
            format!(
                "#!/bin/sh\nexec cat '{}'\n",
                captures.join(capture).display()
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let output = Command::new("fusioninventory-inventory")
            .env("PATH", path)
            .args(["-t", capture, "--no-category=process,software,environment,user,local_user,network,drive,storage,usb,printer"])
            .output()
            .expect("fusioninventory-inventory runs (Debian package fusioninventory-agent; tools/install-deps.sh installs it)");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let xml = String::from_utf8(output.stdout).unwrap();
        assert!(
            xml.contains("<SMANUFACTURER>"),
            "{capture}: no BIOS section"
        );
        // Each run is a host of its own (the agent names this machine each time).
        let xml = xml.replacen("<DEVICEID>", &format!("<DEVICEID>{n}-"), 1);
        std::fs::write(inventories.join(format!("{capture}.xml")), xml).unwrap();
    }
    let inv = run_json(
        sovstack()
            .args(["scan", "--import"])
            .arg(&inventories)
            .arg(glpi_examples()),
    );
    let devices: Vec<(String, String, u64, String, String)> = inv["layers"]["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let m = &d["actors"][0];
            assert_eq!(m["role"], "manufacturer");
            (
                d["kind"].as_str().unwrap().to_string(),
                d["maker"]["value"].as_str().unwrap().to_string(),
                d["hosts"].as_u64().unwrap(),
                m["name"].as_str().unwrap_or("?").to_string(),
                m["country"].as_str().unwrap_or("?").to_string(),
            )
        })
        .collect();
    let row = |k: &str, m: &str, n: u64, org: &str, c: &str| {
        (
            k.to_string(),
            m.to_string(),
            n,
            org.to_string(),
            c.to_string(),
        )
    };
    assert_eq!(
        devices,
        [
            row("network", "Cisco", 3, "Cisco Systems", "US"),
            row("system", "Dell Inc.", 3, "Dell Technologies", "US"),
            row("printer", "Canon", 1, "Canon Inc.", "JP"),
            row("network", "D-Link", 1, "D-Link Corporation", "TW"),
            // A ProLiant server is HPE's, a pre-2015 switch too, a printer HP Inc.'s.
            row("system", "HP", 1, "Hewlett Packard Enterprise", "US"),
            row(
                "network",
                "Hewlett-Packard",
                1,
                "Hewlett Packard Enterprise",
                "US"
            ),
            row("printer", "Hewlett-Packard", 1, "HP Inc.", "US"),
            row("system", "LENOVO", 1, "Lenovo Group", "CN"),
            row(
                "system",
                "Microsoft Corporation",
                1,
                "Microsoft Corporation",
                "US"
            ),
            row("system", "TOSHIBA", 1, "Toshiba Corporation", "JP"),
            row("phone", "Xiaomi", 1, "Xiaomi", "CN"),
        ]
    );
    // Each host's firmware date: the agent writes SMBIOS's `MM/DD/YYYY` in `BIOS/BDATE`
    // (read as YYYY-MM-DD, derived), GLPI's examples `bios.bdate` as YYYY-MM-DD.
    let mut dates: Vec<(String, String, String)> = inv["fleet"]["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| !h["firmware_date"].is_null())
        .map(|h| {
            let f = &h["firmware_date"];
            (
                f["value"].as_str().unwrap().to_string(),
                f["evidence"][0]["value"].as_str().unwrap().to_string(),
                f["evidence"][0]["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    dates.sort();
    let date =
        |v: &str, read: &str, field: &str| (v.to_string(), read.to_string(), field.to_string());
    assert_eq!(
        dates,
        [
            date("2011-12-01", "12/01/2011", "CONTENT/BIOS/BDATE"),
            date("2015-07-01", "07/01/2015", "CONTENT/BIOS/BDATE"),
            date("2016-01-03", "2016-01-03", "content.bios.bdate"),
            date("2016-01-07", "2016-01-07", "content.bios.bdate"),
            date("2016-02-06", "2016-02-06", "content.bios.bdate"),
            date("2020-02-07", "02/07/2020", "CONTENT/BIOS/BDATE"),
            date("2020-04-09", "04/09/2020", "CONTENT/BIOS/BDATE"),
        ]
    );
    // Models are counted per host, and the evidence names the agent's field.
    let dell = &inv["layers"]["devices"][1];
    assert_eq!(dell["models"]["PowerEdge R640"], 1);
    assert_eq!(dell["models"]["XPS 13 9350"], 2);
    let hp = &inv["layers"]["devices"][4];
    assert_eq!(
        hp["maker"]["evidence"][0]["field"],
        "CONTENT/BIOS/SMANUFACTURER"
    );
    assert_eq!(
        hp["actors"][0]["evidence"][1]["value"],
        "ProLiant DL360p Gen8"
    );
    // Their ages as of 2026-12-06 (SOURCE_DATE_EPOCH 1796515200), from the firmware dates:
    // the ThinkPad's 2011 and the ProLiant's 2015 BIOS and GLPI's three 2016 laptops are ten
    // years old or more; the Surface Go 2's and the PowerEdge R640's 2020 firmware, six to seven.
    let (code, out, err) = run(sovstack()
        .env("SOURCE_DATE_EPOCH", "1796515200")
        .args(["audit", "--format", "json", "--import"])
        .arg(&inventories)
        .arg(glpi_examples()));
    assert_eq!(code, 0, "{err}");
    let sobriety: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ages: Vec<u64> = sobriety["sobriety"]["ages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["machines"].as_u64().unwrap())
        .collect();
    assert_eq!(ages, [0, 0, 2, 0, 5], "{}", sobriety["sobriety"]);
    // The report judges them, each maker weighing its hosts: of 15, 10 are made by US
    // companies (Dell 3, Cisco 3, HPE 2, HP Inc. 1, Microsoft 1), 2 by Chinese ones (Lenovo,
    // Xiaomi).
    let report = run_json(
        sovstack()
            .args(["audit", "--import"])
            .arg(&inventories)
            .arg(glpi_examples())
            .args(["--format", "json"]),
    );
    let items = crate::util::layer_items(&report, "devices");
    assert_eq!(items.len(), 11);
    let na = crate::util::ruleset(&report, "non-aligned");
    let shares = &na["layers"]["devices"]["score"]["shares"];
    assert_eq!(shares["US"], 0.6667, "{na}");
    assert_eq!(shares["CN"], 0.1333, "{na}");
    assert_eq!(shares["TW"], 0.0667, "{na}");
    let rules: Vec<&str> = na["layers"]["devices"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["na.devices.concentration", "na.devices.concentration"]
    );
}

/// An Android phone (GLPI's example `phone_1.json`: `kernel_name` `linux`, `name`
/// `Q Android 10.0`) has no os-release ID: its system's steward is Google LLC (US), which leads
/// the Android Open Source Project, from the kernel name and the word Android of the name
/// (kb `os/vendor-systems.csv`, medium confidence: a word of a name); its kernel stays the
/// Linux kernel community's. Its support window is endoflife.date's for the release the name
/// gives.
#[test]
fn an_android_phone_is_stewarded_by_google() {
    let dir = tempdir();
    std::fs::copy(
        repo().join("tests/fixtures/glpi-inventory-format/examples/phone_1.json"),
        dir.path().join("phone_1.json"),
    )
    .unwrap();
    let inv = run_json(
        sovstack()
            .args(["scan", "--import"])
            .arg(dir.path())
            .args(["-o", "-"]),
    );
    let os = &inv["layers"]["os"][0];
    assert_eq!(os["name"]["value"], "Q Android 10.0");
    let actor = |r: &str| {
        os["actors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["role"] == r)
            .unwrap_or_else(|| panic!("no {r} in {os:#}"))
            .clone()
    };
    let steward = actor("steward");
    assert_eq!(
        (&steward["name"], &steward["country"]),
        (&Value::from("Google LLC"), &Value::from("US"))
    );
    let evidence: Vec<(String, String, String)> = steward["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_string(),
                e["field"].as_str().unwrap_or("").to_string(),
                e["value"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let file = dir.path().join("phone_1.json").display().to_string();
    assert_eq!(
        evidence[..3],
        [
            (
                file.clone(),
                "content.operatingsystem.kernel_name".to_string(),
                "linux".to_string()
            ),
            (
                file,
                "content.operatingsystem.name".to_string(),
                "Q Android 10.0".to_string()
            ),
            (
                "kb:os/vendor-systems.csv".to_string(),
                "name_word".to_string(),
                "Android".to_string()
            ),
        ]
    );
    let kb_row = &steward["evidence"][2];
    assert_eq!(
        (&kb_row["line"], &kb_row["confidence"]),
        (&Value::from(4), &Value::from("medium"))
    );
    assert_eq!(actor("kernel")["name"], "Linux kernel community");
    // Its support window: endoflife.date's Android 10 (the release in the name), ended on
    // 2023-03-06; a finding of both rulesets as of 2026-12-06.
    let l = &os["lifecycle"];
    assert_eq!(
        (&l["product"], &l["cycle"], &l["end_of_support"]),
        (
            &Value::from("android"),
            &Value::from("10"),
            &Value::from("2023-03-06")
        )
    );
    let sources: Vec<&str> = l["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources[2..],
        ["kb:os/vendor-systems.csv", "kb:lifecycle/endoflife.csv"]
    );
    let r = run_json(
        sovstack()
            .env("SOURCE_DATE_EPOCH", "1796515200")
            .args(["audit", "--format", "json", "--import"])
            .arg(dir.path()),
    );
    let item = &crate::util::layer_items(&r, "os")[0];
    let message = "Q Android 10.0 api 29 is past the end of its support: android 10 support \
                   ended on 2023-03-06 (endoflife.date; checked as of 2026-12-06)";
    assert_eq!(
        crate::util::rule_findings(item, ".os.supported"),
        [
            ("eu-sovereignty".to_string(), message.to_string()),
            ("non-aligned".to_string(), message.to_string()),
        ]
    );
}

/// An import's diagnostics begin with their file: the table, Markdown and HTML do not name it a
/// second time after the message.
#[test]
fn an_import_diagnostic_names_its_file_once() {
    let partial = std::path::Path::new(&glpi_examples()).join("computer_1_partial_cpu.json");
    // The part of the path no format escapes (Markdown escapes the underscores).
    let shown = "glpi-inventory-format/examples/computer";
    for format in ["table", "markdown", "html"] {
        let (code, out, err) = run(sovstack()
            .args([
                "audit",
                "--ruleset",
                "non-aligned",
                "--format",
                format,
                "--width",
                "400",
            ])
            .arg("--import")
            .arg(std::path::Path::new(&glpi_examples()).join("computer_1.json"))
            .arg(&partial));
        assert_eq!(code, 0, "{err}");
        let line = out
            .lines()
            .find(|l| l.contains("import/partial-inventory"))
            .unwrap_or_else(|| panic!("no diagnostic in the {format} output"));
        assert_eq!(line.matches(shown).count(), 1, "{format}: {line}");
    }
}
