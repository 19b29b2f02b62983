#!/usr/bin/env bash
# Runs Debian's clippy (rust-clippy 1.63, the plugins' toolchain) over the plugins' workspace and
# the ABI crate it compiles, warnings denied. Where Debian's clippy is not installed, says so and
# skips (tools/install-deps.sh installs it on Debian).
#
# `derive_partial_eq_without_eq` is allowed: clippy 1.63 has it in its default set, later clippy
# moved it to the nursery because adding `Eq` is an API promise, not a fix.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
if [ ! -x /usr/bin/cargo-clippy ]; then
    echo "plugins/clippy.sh: Debian's clippy (/usr/bin/cargo-clippy, package rust-clippy) is not installed: skipping the plugins' clippy" >&2
    exit 0
fi
cd "$here"
PATH="/usr/bin:$PATH" RUSTC=/usr/bin/rustc CARGO_TARGET_DIR="$here/target" \
    /usr/bin/cargo clippy --offline --locked --workspace --all-targets -- \
    -D warnings -A clippy::derive_partial_eq_without_eq
