//! Where sovstack finds its run-time data packs (`network/`, the network layer's datasets), the
//! one definition of the lookup order that `--help`, the README, `--version` and every scan use.
//!
//! A data directory holds one subdirectory per pack, each described by its `MANIFEST.csv`. The
//! order, first match wins:
//!
//! 1. `--data-dir DIR`;
//! 2. `SOVSTACK_DATA_DIR`;
//! 3. `data_dir` of the configuration file (`sovstack.yaml`);
//! 4. `$XDG_DATA_HOME/sovstack` (default `~/.local/share/sovstack`);
//! 5. each `DIR/sovstack` of `$XDG_DATA_DIRS` (default `/usr/local/share:/usr/share`);
//! 6. `/usr/share/sovstack`;
//! 7. next to the executable: `EXE_DIR/../share/sovstack`, then `EXE_DIR/data`;
//! 8. the source checkout the binary was built from (`data/`), when it still exists.
//!
//! The first three are given by the user: the pack is read from there or not at all (a typo must
//! not silently fall through to another copy). The others are searched, per pack, for the first
//! that holds the pack's manifest. A given directory may also be the pack's own directory
//! (`--data-dir data/network`).

use sovstack_inventory::DataPackRef;
use std::path::{Path, PathBuf};

/// The packs this sovstack reads, by directory name.
pub const PACKS: &[&str] = &["network", "cables"];

/// The manifest that marks a pack directory (the network pack's, defined by `sovstack-netdata`;
/// the cable pack's, by `sovstack-cables`, is the same name: checked at compile time).
pub const MANIFEST: &str = sovstack_netdata::MANIFEST;
const _: () = assert!(same(MANIFEST, sovstack_cables::MANIFEST));

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The data directory of the source checkout this binary was built from.
const CHECKOUT_DATA_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");

/// The lookup order as one paragraph, for `--help`.
pub const LOOKUP_HELP: &str = "\
Data directory lookup (first match wins): --data-dir; SOVSTACK_DATA_DIR; data_dir in the
configuration file; $XDG_DATA_HOME/sovstack (default ~/.local/share/sovstack); each
DIR/sovstack of $XDG_DATA_DIRS (default /usr/local/share:/usr/share); /usr/share/sovstack;
next to the executable (EXE_DIR/../share/sovstack, EXE_DIR/data); the source checkout's data/
(only when it still exists). A directory given by the first three is used as is; the others
are searched for each pack (network/MANIFEST.csv, cables/MANIFEST.csv).";

/// One place the lookup considers, with the step that gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The data directory (holding one subdirectory per pack).
    pub dir: PathBuf,
    /// The step (`XDG_DATA_HOME`, `checkout`, ...), as recorded in `DataPackRef::found_by`.
    pub found_by: &'static str,
    /// Given by the user: used as is, never searched past.
    pub given: bool,
}

/// What the lookup reads from its environment: the process's, or a test's.
pub struct Env<'a> {
    /// An environment variable's value.
    pub var: &'a dyn Fn(&str) -> Option<String>,
    /// The running executable.
    pub exe: Option<PathBuf>,
}

impl Env<'_> {
    /// The process's environment.
    pub fn process() -> Env<'static> {
        Env {
            var: &|k| std::env::var(k).ok(),
            exe: std::env::current_exe().ok(),
        }
    }
}

/// The places to look, in order. `flag` is `--data-dir`, `config` the configuration file's
/// `data_dir` (already resolved against the file's directory).
pub fn candidates(flag: Option<&Path>, config: Option<&Path>, env: &Env<'_>) -> Vec<Candidate> {
    let var = |k: &str| (env.var)(k).filter(|v| !v.is_empty());
    let given = |dir: PathBuf, found_by| Candidate {
        dir,
        found_by,
        given: true,
    };
    let searched = |dir: PathBuf, found_by| Candidate {
        dir,
        found_by,
        given: false,
    };
    let mut out = Vec::new();
    if let Some(d) = flag {
        out.push(given(d.to_path_buf(), "--data-dir"));
    }
    if let Some(d) = var("SOVSTACK_DATA_DIR") {
        out.push(given(PathBuf::from(d), "SOVSTACK_DATA_DIR"));
    }
    if let Some(d) = config {
        out.push(given(d.to_path_buf(), "config"));
    }
    // XDG Base Directory: relative paths are invalid and ignored; unset or empty means the default.
    let data_home = var("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| var("HOME").map(|h| Path::new(&h).join(".local/share")));
    if let Some(d) = data_home {
        out.push(searched(d.join("sovstack"), "XDG_DATA_HOME"));
    }
    let data_dirs =
        var("XDG_DATA_DIRS").unwrap_or_else(|| "/usr/local/share:/usr/share".to_string());
    for d in data_dirs
        .split(':')
        .map(Path::new)
        .filter(|p| p.is_absolute())
    {
        out.push(searched(d.join("sovstack"), "XDG_DATA_DIRS"));
    }
    out.push(searched(
        PathBuf::from("/usr/share/sovstack"),
        "/usr/share/sovstack",
    ));
    if let Some(exe_dir) = env.exe.as_deref().and_then(Path::parent) {
        let up = exe_dir.parent().unwrap_or(exe_dir);
        out.push(searched(up.join("share/sovstack"), "executable"));
        out.push(searched(exe_dir.join("data"), "executable"));
    }
    if Path::new(CHECKOUT_DATA_DIR).is_dir() {
        out.push(searched(PathBuf::from(CHECKOUT_DATA_DIR), "checkout"));
    }
    out
}

/// Where a pack was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The pack's directory (holding its manifest, unless a given directory lacks it).
    pub pack_dir: PathBuf,
    /// The step that gave it.
    pub found_by: &'static str,
}

/// Finds `pack`: the first given directory decides; otherwise the first searched one holding
/// the pack's manifest. `Err` lists the places searched.
pub fn find(pack: &str, candidates: &[Candidate]) -> Result<Found, String> {
    if let Some(c) = candidates.iter().find(|c| c.given) {
        // A given directory is the data directory or the pack's own directory.
        // `--data-dir data/network` is the network pack's own directory, never the cable pack's.
        let other_pack = c
            .dir
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n != pack && PACKS.contains(&n));
        let pack_dir = match c.dir.join(MANIFEST).is_file() && !other_pack {
            true => c.dir.clone(),
            false => c.dir.join(pack),
        };
        return Ok(Found {
            pack_dir,
            found_by: c.found_by,
        });
    }
    for c in candidates {
        let dir = c.dir.join(pack);
        if dir.join(MANIFEST).is_file() {
            return Ok(Found {
                pack_dir: dir,
                found_by: c.found_by,
            });
        }
    }
    let searched: Vec<String> = candidates
        .iter()
        .map(|c| format!("{}/{pack}", c.dir.display()))
        .collect();
    Err(format!(
        "no `{pack}` data pack found (give one with --data-dir or SOVSTACK_DATA_DIR); looked in {}",
        searched.join(", ")
    ))
}

/// The record of a pack read from `found`: name, version (the newest dataset date of its
/// manifest), the manifest's sha256, directory and lookup step. `Err` when the manifest cannot be
/// read.
pub fn describe(pack: &str, found: &Found) -> Result<DataPackRef, String> {
    let manifest = found.pack_dir.join(MANIFEST);
    let bytes = std::fs::read(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let date_col = rows
        .headers()
        .map_err(|e| format!("{}: {e}", manifest.display()))?
        .iter()
        .position(|h| h == "date")
        .ok_or_else(|| format!("{}: no `date` column", manifest.display()))?;
    let licence_col = rows
        .headers()
        .map_err(|e| format!("{}: {e}", manifest.display()))?
        .iter()
        .position(|h| h == "licence");
    let as_of_col = rows
        .headers()
        .map_err(|e| format!("{}: {e}", manifest.display()))?
        .iter()
        .position(|h| h == "as_of");
    let mut newest = String::new();
    let mut as_of: Option<String> = None;
    let mut licences: Vec<String> = Vec::new();
    for row in rows.records() {
        let row = row.map_err(|e| format!("{}: {e}", manifest.display()))?;
        if let Some(a) = as_of_col.and_then(|c| row.get(c)).filter(|a| !a.is_empty()) {
            if as_of.as_deref().is_none_or(|o| a < o) {
                as_of = Some(a.to_string());
            }
        }
        let date = row.get(date_col).unwrap_or_default();
        if date > newest.as_str() {
            newest = date.to_string();
        }
        if let Some(l) = licence_col.and_then(|c| row.get(c)) {
            if !l.is_empty() && !licences.iter().any(|x| x == l) {
                licences.push(l.to_string());
            }
        }
    }
    use sha2::{Digest, Sha256};
    Ok(DataPackRef {
        name: pack.to_string(),
        version: newest,
        sha256: hex::encode(Sha256::digest(&bytes)),
        // Absolute (links kept, as given): a report read elsewhere, or a run from another
        // directory, names the same directory the same way.
        dir: std::path::absolute(&found.pack_dir)
            .unwrap_or_else(|_| found.pack_dir.clone())
            .display()
            .to_string(),
        found_by: found.found_by.to_string(),
        licences,
        as_of,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)], exe: Option<&str>) -> (HashMap<String, String>, Option<PathBuf>) {
        (
            vars.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            exe.map(PathBuf::from),
        )
    }

    fn dirs(
        flag: Option<&str>,
        vars: &[(&str, &str)],
        exe: Option<&str>,
    ) -> Vec<(String, &'static str)> {
        let (vars, exe) = env(vars, exe);
        let get = move |k: &str| vars.get(k).cloned();
        let e = Env { var: &get, exe };
        candidates(flag.map(Path::new), None, &e)
            .into_iter()
            .filter(|c| c.found_by != "checkout")
            .map(|c| (c.dir.display().to_string(), c.found_by))
            .collect()
    }

    #[test]
    fn the_order_follows_the_xdg_defaults() {
        let got = dirs(
            None,
            &[("HOME", "/home/u")],
            Some("/opt/sovstack/bin/sovstack"),
        );
        assert_eq!(
            got,
            [
                ("/home/u/.local/share/sovstack".to_string(), "XDG_DATA_HOME"),
                ("/usr/local/share/sovstack".to_string(), "XDG_DATA_DIRS"),
                ("/usr/share/sovstack".to_string(), "XDG_DATA_DIRS"),
                ("/usr/share/sovstack".to_string(), "/usr/share/sovstack"),
                ("/opt/sovstack/share/sovstack".to_string(), "executable"),
                ("/opt/sovstack/bin/data".to_string(), "executable"),
            ]
        );
    }

    #[test]
    fn given_directories_come_first_and_relative_xdg_paths_are_ignored() {
        let got = dirs(
            Some("/flag"),
            &[
                ("SOVSTACK_DATA_DIR", "/env"),
                ("XDG_DATA_HOME", "rel"),
                ("HOME", "/h"),
                ("XDG_DATA_DIRS", "/a:rel:/b"),
            ],
            None,
        );
        assert_eq!(
            got,
            [
                ("/flag".to_string(), "--data-dir"),
                ("/env".to_string(), "SOVSTACK_DATA_DIR"),
                ("/h/.local/share/sovstack".to_string(), "XDG_DATA_HOME"),
                ("/a/sovstack".to_string(), "XDG_DATA_DIRS"),
                ("/b/sovstack".to_string(), "XDG_DATA_DIRS"),
                ("/usr/share/sovstack".to_string(), "/usr/share/sovstack"),
            ]
        );
    }

    /// The steps in the order `candidates` gives them, each with the words that name it in the
    /// help and the README.
    const STEPS: [(&str, &str); 8] = [
        ("--data-dir", "--data-dir"),
        ("SOVSTACK_DATA_DIR", "SOVSTACK_DATA_DIR"),
        ("config", "data_dir"),
        ("XDG_DATA_HOME", "XDG_DATA_HOME"),
        ("XDG_DATA_DIRS", "XDG_DATA_DIRS"),
        ("/usr/share/sovstack", "; /usr/share/sovstack"),
        ("executable", "EXE_DIR"),
        ("checkout", "checkout"),
    ];

    #[test]
    fn the_help_and_the_readme_give_the_order_the_code_follows() {
        let (vars, exe) = env(
            &[
                ("SOVSTACK_DATA_DIR", "/e"),
                ("XDG_DATA_HOME", "/h"),
                ("XDG_DATA_DIRS", "/d"),
            ],
            Some("/x/bin/s"),
        );
        let get = move |k: &str| vars.get(k).cloned();
        let mut steps: Vec<&str> = candidates(
            Some(Path::new("/f")),
            Some(Path::new("/c")),
            &Env { var: &get, exe },
        )
        .into_iter()
        .map(|c| c.found_by)
        .collect();
        steps.dedup();
        assert_eq!(steps, STEPS.map(|(step, _)| step));
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let start = readme
            .find("### Where the data is found")
            .expect("the README's lookup section");
        let section = &readme[start..];
        let section = &section[..section[4..].find("\n#").map_or(section.len(), |e| e + 4)];
        // The README's list has `/usr/share/sovstack` on a line of its own.
        let section = section.replace("6. `/usr/share/sovstack`", "6. ; /usr/share/sovstack");
        for (name, text) in [("--help", LOOKUP_HELP.to_string()), ("README", section)] {
            let at: Vec<usize> = STEPS
                .iter()
                .map(|(_, words)| {
                    text.find(words)
                        .unwrap_or_else(|| panic!("{name} does not name `{words}`"))
                })
                .collect();
            assert!(
                at.windows(2).all(|w| w[0] < w[1]),
                "{name} gives another order: {at:?}\n{text}"
            );
        }
    }

    #[test]
    fn a_given_directory_is_used_even_without_the_pack_and_may_be_the_pack_itself() {
        let checkout = Path::new(CHECKOUT_DATA_DIR);
        let c = |dir: &Path, given| Candidate {
            dir: dir.to_path_buf(),
            found_by: "x",
            given,
        };
        let f = find(
            "network",
            &[c(Path::new("/nonexistent"), true), c(checkout, false)],
        )
        .unwrap();
        assert_eq!(f.pack_dir, Path::new("/nonexistent/network"));
        let f = find("network", &[c(&checkout.join("network"), true)]).unwrap();
        assert_eq!(f.pack_dir, checkout.join("network"));
        // Searched places without the pack are passed over.
        let f = find(
            "network",
            &[c(Path::new("/nonexistent"), false), c(checkout, false)],
        )
        .unwrap();
        assert_eq!(f.pack_dir, checkout.join("network"));
        // Another pack's own directory is not this pack's.
        let f = find("cables", &[c(&checkout.join("network"), true)]).unwrap();
        assert_eq!(f.pack_dir, checkout.join("network/cables"));
        let f = find("cables", &[c(&checkout.join("cables"), true)]).unwrap();
        assert_eq!(f.pack_dir, checkout.join("cables"));
        let err = find("network", &[c(Path::new("/nonexistent"), false)]).unwrap_err();
        assert!(err.contains("looked in /nonexistent/network"), "{err}");
    }

    #[test]
    fn the_version_is_the_newest_dataset_date_and_the_hash_is_the_manifests() {
        let found = Found {
            pack_dir: Path::new(CHECKOUT_DATA_DIR).join("network"),
            found_by: "checkout",
        };
        let r = describe("network", &found).unwrap();
        let manifest = std::fs::read_to_string(found.pack_dir.join(MANIFEST)).unwrap();
        // Every date of the manifest is at most the version, and one equals it.
        let dates: Vec<&str> = manifest
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(5).unwrap())
            .collect();
        assert!(
            dates.iter().all(|d| *d <= r.version.as_str()) && dates.contains(&r.version.as_str()),
            "{r:?}"
        );
        use sha2::{Digest, Sha256};
        assert_eq!(r.sha256, hex::encode(Sha256::digest(manifest.as_bytes())));
    }
}
