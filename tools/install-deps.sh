#!/usr/bin/env bash
# Installs the system packages the tests need, when they are missing (Debian/Ubuntu, apt):
#   rustc cargo libstd-rust-dev-wasm32 lld  Debian's rustc 1.63 and wasm-ld, which build the plugins
#                                           reproducibly (see DEVELOPERS.md)
#   binutils                                readelf, the independent reader some tests compare with
#   python3                                 plugins/check-wasm.py
# The CLI itself needs none of them: `cargo run --release -- audit` works with rustup's cargo alone.
set -euo pipefail

packages=(rustc cargo libstd-rust-dev-wasm32 lld binutils python3)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "install-deps: missing ${missing[*]}, and there is no apt-get here; install them by hand" >&2
    exit 1
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-deps: installing ${missing[*]}" >&2
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
