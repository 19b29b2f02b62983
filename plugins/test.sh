#!/usr/bin/env bash
# Runs the native unit tests of the SDK (the judge's tables), the plugins and the ABI crate with
# Debian's toolchain, the one that builds dist/ (see DEVELOPERS.md).
#
# Usage: plugins/test.sh [cargo test arguments...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
export RUSTC="${RUSTC:-/usr/bin/rustc}"
export RUSTDOC="${RUSTDOC:-/usr/bin/rustdoc}"
export CARGO_TARGET_DIR="$here/target"
cd "$here"
"${CARGO:-/usr/bin/cargo}" test --offline --locked --workspace "$@"
