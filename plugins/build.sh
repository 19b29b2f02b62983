#!/usr/bin/env bash
# Builds the built-in plugins for wasm32-unknown-unknown with Debian's rustc 1.63 and copies them
# to dist/, which is checked in and embedded by the CLI. Same Debian packages, same bytes, whatever
# the checkout's path (see DEVELOPERS.md; check-reproducible.sh verifies it).
#
# Usage: plugins/build.sh            (from anywhere)
# Environment: RUSTC and CARGO default to Debian's /usr/bin/rustc and /usr/bin/cargo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
rustc="${RUSTC:-/usr/bin/rustc}"
cargo="${CARGO:-/usr/bin/cargo}"
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
# One plugin per layer: every directory here whose Cargo.toml names a package
# `sovstack-plugin-ID` (the SDK aside), so a new layer's plugin needs no edit here.
plugins=()
for manifest in "$here"/*/Cargo.toml; do
    id="$(sed -n 's/^name = "sovstack-plugin-\(.*\)"$/\1/p' "$manifest")"
    if [ -n "$id" ] && [ "$id" != sdk ]; then plugins+=("$id"); fi
done

want="rustc 1.63.0"
got="$("$rustc" -V)"
if [ "$got" != "$want" ]; then
    echo "build.sh: dist/ is built by Debian's $want (apt install rustc cargo libstd-rust-dev-wasm32 lld), found \"$got\" at $rustc" >&2
    exit 1
fi
command -v wasm-ld >/dev/null || { echo "build.sh: wasm-ld not found (apt install lld)" >&2; exit 1; }

# Paths that could reach the module (panic locations of path and vendored crates) are remapped, so
# the checkout's location leaves no trace. debuginfo, strip, lto, codegen-units and panic=abort are
# also set in Cargo.toml's [profile.release].
export RUSTFLAGS="-C linker=wasm-ld -C debuginfo=0 --remap-path-prefix=$repo=/sovstack --remap-path-prefix=$cargo_home=/cargo"
export RUSTC="$rustc"
export CARGO_TARGET_DIR="$here/target"
export CARGO_INCREMENTAL=0
export SOURCE_DATE_EPOCH=0
unset CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER

cd "$here"
"$cargo" build --release --offline --locked --target wasm32-unknown-unknown \
    $(printf -- '-p sovstack-plugin-%s ' "${plugins[@]}")

mkdir -p dist
for p in "${plugins[@]}"; do
    install -m 0644 "target/wasm32-unknown-unknown/release/sovstack_plugin_$p.wasm" "dist/$p.wasm"
    echo "dist/$p.wasm $(wc -c <"dist/$p.wasm") bytes sha256 $(sha256sum "dist/$p.wasm" | cut -d' ' -f1)"
done
