#!/usr/bin/env bash
# The project's test command (the README names it; .ci/run calls it):
#   1. installs the system packages the tests need, if missing (tools/install-deps.sh);
#   2. runs the plugins' native tests with Debian's toolchain (plugins/test.sh);
#   3. rebuilds the plugins and fails if plugins/dist/*.wasm differ (plugins/check-reproducible.sh);
#      builds the C plugin (plugins/examples/c-processor: clang for wasm32, check-wasm.py), runs
#      its native reader tests and fuzzes it for 30 s (its test vectors run in step 5, e2e);
#   4. house rules: the tree is formatted (cargo fmt), clippy finds nothing (both workspaces, the
#      plugins' with Debian's clippy 1.63), no two modules of a crate import each other, every
#      fuzz target compiles (cargo check of fuzz/);
#   5. runs every test of the workspace, the end-to-end tests of the real binary included;
#   6. builds the Debian package, installs it, tries it from /usr/bin and removes it
#      (tools/test-deb.sh; needs root or sudo, as CI has).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tools/install-deps.sh
echo "== house rules: cargo fmt --check, clippy -D warnings, no module import circles"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
for manifest in Cargo.toml plugins/Cargo.toml fuzz/Cargo.toml; do cargo fmt --all --check --manifest-path "$manifest"; done
cargo clippy --workspace --all-targets --locked -- -D warnings
plugins/clippy.sh
python3 tools/check-module-cycles.py crates
echo "== fuzz targets compile (cargo check; running them needs nightly, fuzz/README.md)"
cargo check --manifest-path fuzz/Cargo.toml --locked --bins
echo "== plugins: native tests (Debian rustc 1.63)"
plugins/test.sh
echo "== plugins: reproducible build check"
plugins/check-reproducible.sh
echo "== C plugin: build, native reader tests, 30 s of fuzzing"
c_out="$(mktemp -d)"
plugins/examples/c-processor/build.sh "$c_out"
make -s -C plugins/examples/c-processor O="$c_out" check
make -s -C plugins/examples/c-processor O="$c_out" fuzz FUZZ_SECONDS=30
rm -rf "$c_out"
echo "== workspace tests"
cargo test --workspace --locked
echo "== Debian package: build, install, audit, network scan, remove"
tools/test-deb.sh
