//! Diagnostic codes are a list: every code a crate can emit is declared once, with a one-line
//! meaning (`sovstack_abi::diagnostic_codes!`, or the ABI's refusal lists); a code used in the
//! sources but declared nowhere fails here, and `docs/diagnostics.md` is generated from the lists
//! and must be current (`SOVSTACK_BLESS=1 cargo test --test e2e diagnostics` rewrites it).

use std::collections::{BTreeMap, BTreeSet};

/// The CLI's own codes: the binary's source file, included here (a binary crate has no library
/// to import it from).
#[path = "../../crates/cli/src/codes.rs"]
mod cli_codes;
use std::path::{Path, PathBuf};

/// Every list: who declares it, and its `(code, meaning)` entries.
fn lists() -> Vec<(String, &'static [(&'static str, &'static str)])> {
    let mut lists: Vec<(String, &'static [(&'static str, &'static str)])> =
        sovstack_scan::code_lists()
            .into_iter()
            .map(|(owner, list)| (format!("The scan: {owner}"), list))
            .collect();
    let others: [(&str, &'static [(&'static str, &'static str)]); 7] = [
        ("sovstack-inventory (`crates/inventory/src/lib.rs`)", sovstack_inventory::codes::ALL),
        ("sovstack-abi, refused by `ruleset validate` and every plugin (`crates/abi/src/semantics.rs`)", sovstack_abi::semantics::REFUSALS),
        ("sovstack-abi, refused by plugins only (`crates/abi/src/semantics.rs`)", sovstack_abi::semantics::REQUEST_REFUSALS),
        ("sovstack-ruleset, refused by `ruleset validate` only (`crates/ruleset/src/validate.rs`)", sovstack_ruleset::HOST_REFUSALS),
        ("sovstack-host (`crates/host/src/error.rs`)", sovstack_host::codes::ALL),
        ("sovstack-evaluate (`crates/evaluate/src/lib.rs`)", sovstack_evaluate::codes::ALL),
        ("the CLI (`crates/cli/src/codes.rs`)", cli_codes::ALL),
    ];
    lists.extend(
        others
            .into_iter()
            .map(|(owner, list)| (owner.to_string(), list)),
    );
    lists
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_code_is_declared_once_qualified_and_kebab_case() {
    let mut seen = BTreeMap::new();
    for (owner, list) in lists() {
        for (code, meaning) in list {
            if let Some(other) = seen.insert(*code, owner.clone()) {
                panic!("{code} is declared by {other} and by {owner}");
            }
            let (area, name) = code
                .split_once('/')
                .unwrap_or_else(|| panic!("{code}: no area/"));
            let kebab = |s: &str| {
                !s.is_empty()
                    && s.split('-').all(|w| {
                        !w.is_empty()
                            && w.bytes()
                                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                    })
            };
            assert!(kebab(area) && kebab(name), "{code} is not area/kebab-case");
            assert!(
                !meaning.is_empty() && !meaning.contains('\n') && !meaning.ends_with('.'),
                "{code}: meaning {meaning:?} is not one line without a final stop"
            );
        }
    }
}

/// Every `.rs` file under `dir`, skipping vendored code and build output.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name();
        if p.is_dir() {
            if !matches!(name.to_str(), Some("vendor" | "target" | "testdata")) {
                sources(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The codes `text` names for one of `areas`: a string literal that reads exactly
/// `"area/kebab-case"`, or `area/kebab-case:` inside a message (`"{path}: ruleset/syntax: {e}"`).
fn codes_in(text: &str, areas: &BTreeSet<&str>) -> Vec<String> {
    let mut found = Vec::new();
    for area in areas {
        let open = format!("{area}/");
        let mut from = 0;
        while let Some(at) = text[from..].find(&open) {
            let start = from + at;
            from = start + open.len();
            if !matches!(text[..start].bytes().last(), Some(b'"' | b' ')) {
                continue;
            }
            let rest = &text[from..];
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
                .count();
            let literal =
                text.as_bytes()[start - 1] == b'"' && rest.as_bytes().get(len) == Some(&b'"');
            let in_message = rest.as_bytes().get(len) == Some(&b':');
            if len > 0 && (literal || in_message) {
                found.push(text[start..from + len].to_string());
            }
        }
    }
    found
}

#[test]
fn every_code_used_in_the_sources_is_declared() {
    let declared: BTreeSet<&str> = lists()
        .iter()
        .flat_map(|(_, l)| l.iter().map(|(c, _)| *c))
        .collect();
    let areas: BTreeSet<&str> = declared
        .iter()
        .map(|c| c.split_once('/').unwrap().0)
        .collect();
    let mut files = Vec::new();
    for dir in ["crates", "plugins", "tests", "fuzz"] {
        sources(&repo().join(dir), &mut files);
    }
    assert!(files.len() > 50, "only {} source files found", files.len());
    let mut undeclared = BTreeSet::new();
    let mut used = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for code in codes_in(&text, &areas) {
            used += 1;
            if !declared.contains(code.as_str()) {
                undeclared.insert(format!(
                    "{code} ({})",
                    f.strip_prefix(repo()).unwrap().display()
                ));
            }
        }
    }
    assert!(
        used > declared.len(),
        "only {used} uses found: the scan is broken"
    );
    assert!(
        undeclared.is_empty(),
        "codes used but declared in no list: {undeclared:#?}"
    );
}

#[test]
fn the_scan_finds_an_undeclared_code() {
    let areas = BTreeSet::from(["scan", "plugin"]);
    // Built at run time, so that this file does not itself use an undeclared code.
    let made_up = format!("{}/made-up-code", "scan");
    let in_message = format!("{}/another-one", "plugin");
    let text = format!(
        r#"let a = "{made_up}"; let b = "scan/dir/file.csv"; let c = "plugin/trap";
        let d = format!("{{path}}: {in_message}: {{e}}"); // not a code: plugin/ or xscan/trap"#
    );
    assert_eq!(
        codes_in(&text, &areas),
        ["plugin/trap".to_string(), in_message, made_up]
    );
}

fn render() -> String {
    let mut md = String::from(
        "# Diagnostic codes\n\n\
         Generated from the lists the crates declare (`tests/e2e/diagnostics.rs` checks this file is\n\
         current; `SOVSTACK_BLESS=1 cargo test --test e2e diagnostics` rewrites it). Codes are\n\
         stable: readers may match on them. Inventories and reports carry them in `diagnostics[].code`;\n\
         `sovstack ruleset validate` prints them beside each problem; a plugin's refusal starts with one.\n",
    );
    for (owner, list) in lists() {
        md.push_str(&format!("\n## {owner}\n\n| code | meaning |\n|---|---|\n"));
        for (code, meaning) in list {
            md.push_str(&format!("| `{code}` | {} |\n", meaning.replace('|', "\\|")));
        }
    }
    md
}

#[test]
fn docs_diagnostics_md_is_generated_from_the_lists() {
    let path = repo().join("docs/diagnostics.md");
    let want = render();
    if std::env::var_os("SOVSTACK_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is not current: run SOVSTACK_BLESS=1 cargo test --test e2e diagnostics",
        path.display()
    );
}
