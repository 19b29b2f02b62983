#!/usr/bin/env bash
# The cable layer's costs, as users run it (hyperfine, whole processes, data loading included):
#   1. `sovstack cables FR US --format json` (target: under 100 ms);
#   2. an offline network scan of N IP-address endpoints (default 10,000, spread over public
#      address space so that they are located in many countries) with and without the cable
#      layer (`--org-country FR`, one destination per country found): target at most 10% more.
# Offline (no DNS) on purpose: the network scan is then at its fastest, so the cable layer's
# share is the largest it can be.
#
# Needs: hyperfine, python3. The binary is built with `cargo build --release` in
# $CARGO_TARGET_DIR when set, else target/.
# Usage: crates/cables/bench/bench.sh [N]
set -euo pipefail

n=${1:-10000}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
command -v hyperfine >/dev/null || { echo "bench.sh: hyperfine not found (apt install hyperfine)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target=${CARGO_TARGET_DIR:-target}
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
(cd "$repo" && cargo build --quiet --release --locked --bin sovstack)
sovstack="$target/release/sovstack"

# N addresses, deterministic: the first octets of unicast public space, the rest from a fixed
# linear congruential sequence.
python3 - "$work/endpoints.txt" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
firsts = [o for o in range(1, 224) if o not in (10, 100, 127, 169, 172, 192, 198, 203)]
x = 12345
with open(path, "w") as f:
    for i in range(n):
        x = (1103515245 * x + 12345) % 2**31
        f.write(f"{firsts[i % len(firsts)]}.{(x >> 16) & 255}.{(x >> 8) & 255}.{x & 255 or 1}\n")
PY

cd "$work"
$sovstack scan --offline --org-country FR --endpoints endpoints.txt -o with.json
python3 - with.json <<'PY'
import json, sys
inv = json.load(open(sys.argv[1]))
c = inv["layers"]["cable"]
assert c.get("not_evaluated") is None, c
print(f"bench: {len(inv['layers']['network']['endpoints']):,} endpoints, "
      f"{len(c['destinations'])} cable destinations from FR")
PY

hyperfine --warmup 3 --runs 30 -N --export-json cables.json \
    -n 'sovstack cables FR US' "$sovstack cables FR US --format json"
hyperfine --warmup 1 --runs 10 --export-json scan.json \
    -n 'network scan' "$sovstack scan --offline --layers network --endpoints endpoints.txt -o without.json" \
    -n 'network + cable scan' "$sovstack scan --offline --layers network,cable --org-country FR --endpoints endpoints.txt -o with.json"

python3 - <<'PY'
import json
c = json.load(open("cables.json"))["results"][0]
print(f"sovstack cables FR US: mean {c['mean']*1000:.1f} ms, median {c['median']*1000:.1f} ms (target < 100 ms)")
r = {x["command"]: x for x in json.load(open("scan.json"))["results"]}
base, cab = r["network scan"], r["network + cable scan"]
for stat in ("mean", "median"):
    print(f"scan {stat}: {base[stat]*1000:.0f} ms without, {cab[stat]*1000:.0f} ms with the cable layer: "
          f"+{(cab[stat]/base[stat]-1)*100:.1f}% (target <= 10%)")
PY
