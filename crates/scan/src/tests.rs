//! Tests of [`crate::scan`] as the CLI calls it: input errors, layer selection, the document's
//! envelope, determinism, and the live host.

use crate::testutil::{fixture_dir, kb};
use crate::{scan, LayerOptions, NetworkOptions, ScanError, ScanOptions, ToolchainOptions};
use sovstack_inventory::{Inventory, Layer, SCHEMA_VERSION};
use std::path::{Path, PathBuf};

fn opts(root: impl Into<PathBuf>, layers: &[&str]) -> ScanOptions {
    ScanOptions {
        root: root.into(),
        layers: layers.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

#[test]
fn input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let missing = dir.path().join("missing");
    let good = fixture_dir("os-alpine-3.23");
    let cases: Vec<(ScanOptions, &str)> = vec![
        (opts(&missing, &[]), "RootNotFound"),
        (opts(&file, &[]), "RootNotDirectory"),
        (opts(file.join("below"), &[]), "RootNotDirectory"),
        (opts(&good, &["processor", "cables"]), "UnknownLayer"),
        (opts(&good, &["OS"]), "UnknownLayer"),
        // The layer is checked before the root, so both errors show the layer first.
        (opts(&missing, &["nope"]), "UnknownLayer"),
    ];
    for (o, want) in cases {
        let err = scan(&o, kb()).unwrap_err();
        let got = match &err {
            ScanError::RootNotFound(p) => {
                assert_eq!(p, &o.root);
                "RootNotFound"
            }
            ScanError::RootNotDirectory(p) => {
                assert_eq!(p, &o.root);
                "RootNotDirectory"
            }
            ScanError::UnknownLayer(l) => {
                assert!(
                    err.to_string().contains(l.as_str())
                        && err.to_string().contains("processor, os"),
                    "{err}"
                );
                "UnknownLayer"
            }
            other => panic!("{other}"),
        };
        assert_eq!(got, want, "{o:?}");
    }
}

#[test]
fn layer_selection() {
    let root = fixture_dir("x86-amd-epyc-debian12");
    let inv = scan(&opts(&root, &["os"]), kb()).unwrap();
    assert_eq!(inv.layers.present(), vec![Layer::Os]);
    let inv = scan(&opts(&root, &["os", "processor", "os"]), kb()).unwrap();
    assert_eq!(inv.layers.present(), [Layer::Processor, Layer::Os]);
    let inv = scan(&opts(&root, &[]), kb()).unwrap();
    assert_eq!(
        inv.layers.present(),
        [Layer::Processor, Layer::Os, Layer::Materials],
        "no layer given means the layers that need no other input, and the materials derived \
         from the processor"
    );
    // The network layer asked for with nothing to resolve is an input error, not an empty
    // layer that would look assessed.
    let err = scan(&opts(&root, &["network"]), kb()).unwrap_err();
    assert!(matches!(err, ScanError::NothingToResolve), "{err}");
    assert!(err.to_string().contains("give --endpoints FILE"), "{err}");
    let empty = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(empty.path(), "# no service yet\n").unwrap();
    let network = NetworkOptions {
        endpoints: Some(empty.path().into()),
        ..Default::default()
    };
    let options = LayerOptions {
        network,
        ..Default::default()
    };
    let err = scan(
        &ScanOptions {
            options,
            ..opts(&root, &["network"])
        },
        kb(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, ScanError::NoEndpoints(p) if p == empty.path()),
        "{err}"
    );
    // Paths given with no layer named add the toolchain layer to the defaults.
    let toolchain = ToolchainOptions {
        paths: vec!["/etc".into()],
        ..Default::default()
    };
    let options = LayerOptions {
        toolchain,
        ..Default::default()
    };
    let inv = scan(
        &ScanOptions {
            options,
            ..opts(&root, &[])
        },
        kb(),
    )
    .unwrap();
    assert_eq!(
        inv.layers.present(),
        [
            Layer::Processor,
            Layer::Os,
            Layer::Toolchain,
            Layer::Materials
        ]
    );
    assert_eq!(inv.layers.toolchain.unwrap().paths, ["/etc"]);
}

#[test]
fn envelope() {
    let root = fixture_dir("riscv-lpi4a-thead-c910");
    let inv = scan(&opts(&root, &[]), kb()).unwrap();
    assert_eq!(inv.schema_version, SCHEMA_VERSION);
    assert_eq!(
        (inv.generator.name.as_str(), inv.generator.version.as_str()),
        ("sovstack", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(inv.generated_at, None, "the CLI sets it");
    assert_eq!(inv.root, root.display().to_string(), "the root as given");
    assert!(!inv.live_host);
    assert_eq!(inv.knowledge_base, kb().data_ref());
    assert_eq!(inv.diagnostics, vec![]);
}

#[test]
fn output_is_deterministic_and_round_trips() {
    for case in [
        "x86-amd-epyc-debian12",
        "arm-rk3588-biglittle",
        "hostile-symlinks",
        "corrupt-binary-cpuinfo",
    ] {
        let o = opts(fixture_dir(case), &[]);
        let a = scan(&o, kb()).unwrap().to_json();
        let b = scan(&o, kb()).unwrap().to_json();
        assert_eq!(a, b, "{case}");
        assert_eq!(Inventory::from_json(&a).unwrap().to_json(), a, "{case}");
    }
}

#[test]
fn a_relative_or_indirect_root_is_not_the_live_host() {
    // A symlink to a fixture is followed for the root itself (the user named it), and the
    // scan is still of files only.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("root");
    std::os::unix::fs::symlink(fixture_dir("os-alpine-3.23"), &link).unwrap();
    let inv = scan(&opts(&link, &["os"]), kb()).unwrap();
    assert!(!inv.live_host);
    assert_eq!(
        inv.layers.os.unwrap()[0].release_id.as_ref().unwrap().value,
        "alpine"
    );
}

#[test]
fn the_live_host_is_consulted_exactly_for_slash() {
    // Any spelling that canonicalises to `/` is the live host.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("slash");
    std::os::unix::fs::symlink("/", &link).unwrap();
    for root in [
        Path::new("/").to_path_buf(),
        link,
        PathBuf::from("/proc/.."),
    ] {
        let inv = scan(&opts(&root, &[]), kb()).unwrap();
        assert!(inv.live_host, "{}", root.display());
        if cfg!(target_os = "linux") {
            let os = &inv.layers.os.as_ref().unwrap()[0];
            let kernel = os.kernel.as_ref().expect("the live kernel is known");
            assert_eq!(kernel.evidence[0].source, "sysinfo");
            let cpus = inv.layers.processor.as_ref().unwrap();
            assert!(!cpus.is_empty(), "{:?}", inv.diagnostics);
        }
    }
    // Two scans of the live host give the same bytes: no load, frequency or uptime figure.
    let a = scan(&opts("/", &[]), kb()).unwrap().to_json();
    let b = scan(&opts("/", &[]), kb()).unwrap().to_json();
    assert_eq!(a, b);
}
