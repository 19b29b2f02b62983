#!/usr/bin/env bash
# Checks that the checked-in dist/*.wasm are what build.sh produces from these sources: copies the
# plugins workspace and the ABI crate it compiles (crates/abi) to a fresh temporary directory at
# another path, builds there with an empty target dir, and compares byte for byte. A difference
# means dist/ is stale or the build leaks something of its environment (a path, a timestamp).
# Then checks that every module imports nothing and has the ABI's exports (check-wasm.py).
#
# Usage: plugins/check-reproducible.sh      Exit status 0 when everything matches.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
repo="$(dirname "$here")"
# One plugin per layer: every directory here whose Cargo.toml names a package
# `sovstack-plugin-ID` (the SDK aside), so a new layer's plugin needs no edit here.
plugins=()
for manifest in "$here"/*/Cargo.toml; do
    id="$(sed -n 's/^name = "sovstack-plugin-\(.*\)"$/\1/p' "$manifest")"
    if [ -n "$id" ] && [ "$id" != sdk ]; then plugins+=("$id"); fi
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/sovstack-repro.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
copy="$tmp/elsewhere/sovstack"
mkdir -p "$copy/crates" "$copy/plugins"
cp -R "$repo/crates/abi" "$copy/crates/abi"
# Everything but build outputs: the copy must rebuild from sources alone.
(cd "$here" && tar cf - --exclude=./target --exclude=./dist .) | (cd "$copy/plugins" && tar xf -)

echo "check-reproducible: building a fresh copy in $copy/plugins"
"$copy/plugins/build.sh" >"$tmp/build.log" 2>&1 || {
    cat "$tmp/build.log" >&2
    echo "check-reproducible: the fresh build failed (log above)" >&2
    exit 1
}

status=0
for p in "${plugins[@]}"; do
    checked_in="$here/dist/$p.wasm"
    fresh="$copy/plugins/dist/$p.wasm"
    if [ ! -f "$checked_in" ]; then
        echo "check-reproducible: dist/$p.wasm is missing; run plugins/build.sh" >&2
        status=1
        continue
    fi
    a="$(sha256sum "$checked_in" | cut -d' ' -f1)"
    b="$(sha256sum "$fresh" | cut -d' ' -f1)"
    if [ "$a" = "$b" ]; then
        echo "dist/$p.wasm matches a fresh build: sha256 $a"
    else
        echo "check-reproducible: dist/$p.wasm differs from a fresh build of these sources" >&2
        echo "  checked in: sha256 $a ($(wc -c <"$checked_in") bytes)" >&2
        echo "  fresh:      sha256 $b ($(wc -c <"$fresh") bytes)" >&2
        echo "  run plugins/build.sh and commit dist/; if it still differs, the build is not reproducible" >&2
        status=1
    fi
done

python3 "$here/check-wasm.py" "$here"/dist/*.wasm || status=1
exit "$status"
