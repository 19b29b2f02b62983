#!/usr/bin/env python3
"""Fails when modules of a crate import each other in a circle.

Cargo already refuses a circle between crates; inside a crate nothing does. This reads every
crate under crates/ and plugins/ (one directory with a Cargo.toml and a src/), maps each source
file to its module path (`src/lib.rs` or `src/main.rs` -> the root, `src/a.rs` or `src/a/mod.rs`
-> `a`, `src/a/b.rs` -> `a::b`), and records an edge from a file's module to every module it names
through `crate::...` or `super::...` in code (use declarations, with their brace groups
expanded, and paths in expressions; comments and doc comments are skipped). A path goes to the
deepest module that exists (`crate::layers::network::Foo` -> `layers::network`); an item named at
the root (`crate::Foo`, defined or re-exported there) goes to the root. Test code is left out:
`#[cfg(test)] mod x { ... }` blocks and the files of `#[cfg(test)] mod x;` declarations (a test
module importing what it tests with `use super::*` is no circle).

Usage: tools/check-module-cycles.py [DIR...]   (default: the repository's crates/)
Exit status 1 and one line per circle when any is found.
"""

import re
import sys
from pathlib import Path

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def module_files(src: Path):
    """Module path (tuple) -> file, for every .rs file under src/."""
    mods = {}
    for f in sorted(src.rglob("*.rs")):
        rel = f.relative_to(src).with_suffix("")
        parts = list(rel.parts)
        if parts in (["lib"], ["main"]):
            parts = []
        elif parts[-1] == "mod":
            parts = parts[:-1]
        mods[tuple(parts)] = f
    return mods


def code_lines(text: str):
    """The text without comments (line comments, doc comments, block comments) and strings."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
    return "\n".join(line.split("//", 1)[0] for line in text.splitlines())


def expand_use_tree(tree: str):
    """`a::{b, c::{d, e}}` -> [a::b, a::c::d, a::c::e] (rough, enough for module paths)."""
    tree = tree.strip()
    m = re.match(r"^(.*?)\{(.*)\}$", tree, flags=re.S)
    if not m:
        return [re.sub(r"\s+as\s+\w+$", "", tree)]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    out = []
    for p in parts:
        if p.strip():
            out.extend(prefix + q for q in expand_use_tree(p))
    return out


def referenced_paths(code: str):
    paths = []
    for m in re.finditer(r"\buse\s+((?:crate|super|self)\s*::[^;]*);", code, flags=re.S):
        paths.extend(re.sub(r"\s+", "", p) for p in expand_use_tree(m.group(1)))
    code_no_use = re.sub(r"\buse\s+[^;]*;", " ", code, flags=re.S)
    for m in re.finditer(r"\b((?:crate|super)(?:\s*::\s*%s)+)" % IDENT, code_no_use):
        paths.append(re.sub(r"\s+", "", m.group(1)))
    return paths


def resolve(path: str, here: tuple, mods: dict):
    segs = path.split("::")
    if segs[0] == "crate":
        base, segs = (), segs[1:]
    elif segs[0] == "self":
        base, segs = here, segs[1:]
    else:
        base = here
        while segs and segs[0] == "super":
            base = base[:-1]
            segs = segs[1:]
    best = base if base in mods else None
    cur = base
    for s in segs:
        cur = cur + (s,)
        if cur in mods:
            best = cur
        else:
            break
    return best


def cycles(graph: dict):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


TEST_MOD = re.compile(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(%s)\s*([;{])" % IDENT)


def without_tests(code: str):
    """The code without its `#[cfg(test)] mod x { ... }` blocks, and the names of the
    `#[cfg(test)] mod x;` it declares."""
    test_files = []
    while True:
        m = TEST_MOD.search(code)
        if not m:
            return code, test_files
        if m.group(2) == ";":
            test_files.append(m.group(1))
            code = code[: m.start()] + code[m.end():]
            continue
        depth, i = 1, m.end()
        while i < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        code = code[: m.start()] + code[i:]


def check_crate(crate: Path):
    mods = module_files(crate / "src")
    codes, tests = {}, set()
    for m, f in mods.items():
        codes[m], files = without_tests(code_lines(f.read_text(encoding="utf-8")))
        tests.update(m + (name,) for name in files)
    # Modules below a test-only module are test-only too.
    mods = {m: f for m, f in mods.items() if not any(m[: len(t)] == t for t in tests)}
    graph = {m: set() for m in mods}
    for m in mods:
        for p in referenced_paths(codes[m]):
            target = resolve(p, m, mods)
            if target is not None and target != m:
                graph[m].add(target)
    return [[("::".join(c) or "crate") for c in comp] for comp in cycles(graph)], len(mods)


def main(argv):
    repo = Path(__file__).resolve().parent.parent
    roots = [Path(a) for a in argv] or [repo / "crates"]
    crates = []
    for r in roots:
        for manifest in sorted(r.glob("*/Cargo.toml")):
            if (manifest.parent / "src").is_dir():
                crates.append(manifest.parent)
    found, modules = 0, 0
    for c in crates:
        comps, n = check_crate(c)
        modules += n
        for comp in comps:
            found += 1
            print(f"{c.relative_to(repo) if c.is_relative_to(repo) else c}: modules import each other in a circle: {' <-> '.join(comp)}")
    sys.stdout.flush()
    print(f"check-module-cycles: {len(crates)} crates, {modules} modules, {found} circle(s)", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
