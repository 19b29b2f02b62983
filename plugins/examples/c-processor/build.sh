#!/usr/bin/env bash
# Builds the C plugin (make) and checks it with plugins/check-wasm.py: the ABI's exports, the
# manifest section, and no import at all. Usage: build.sh [OUTPUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
out="${1:-$here}"
mkdir -p "$out"
out="$(cd "$out" && pwd -P)"
make -s -C "$here" O="$out"
python3 "$here/../../check-wasm.py" "$out/c-processor.wasm"
