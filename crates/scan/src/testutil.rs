//! Helpers shared by the unit tests: the built-in knowledge base and fixture roots.

use crate::live::LiveHost;
use crate::root::Root;
use sovstack_inventory::{Actor, Inventory, Layer, Role};
use sovstack_kb::Kb;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The built-in knowledge base, loaded once per test binary.
pub(crate) fn kb() -> &'static Kb {
    static KB: OnceLock<Kb> = OnceLock::new();
    KB.get_or_init(|| Kb::builtin().expect("the built-in knowledge base loads"))
}

/// `testdata/<case>`.
pub(crate) fn fixture_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(case)
}

/// Scans a directory as a root, for `layers` with their default options, pretending `live` is
/// the host's word.
pub(crate) fn scan_dir(dir: &Path, layers: &[&str], live: Option<&LiveHost>) -> Inventory {
    let canonical = std::fs::canonicalize(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let root = Root::new(canonical);
    let cx = crate::Context {
        root: &root,
        kb: kb(),
        live,
        progress: &|_| {},
    };
    let options = crate::LayerOptions::default();
    let collectors: Vec<_> = layers
        .iter()
        .map(|id| {
            crate::layers::collector(Layer::from_id(id).expect("a layer id"), &options, kb())
                .expect("no input needed")
        })
        .collect();
    let collectors: Vec<&dyn crate::Collector> = collectors.iter().map(|c| c.as_ref()).collect();
    crate::scan_root(dir, &cx, &collectors)
}

/// Scans `testdata/<case>`.
pub(crate) fn scan_fixture(case: &str, layers: &[&str], live: Option<&LiveHost>) -> Inventory {
    scan_dir(&fixture_dir(case), layers, live)
}

/// The diagnostic codes of an inventory, in order.
pub(crate) fn codes(inv: &Inventory) -> Vec<&str> {
    inv.diagnostics.iter().map(|d| d.code.as_str()).collect()
}

/// The names of the actors in `role` (`None` for an unknown one).
pub(crate) fn names(actors: &[Actor], role: Role) -> Vec<Option<&str>> {
    actors
        .iter()
        .filter(|a| a.role == role)
        .map(|a| a.name.as_deref())
        .collect()
}
