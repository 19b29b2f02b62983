#!/usr/bin/env bash
# The cable layer's cost on the network scan as users run it, resolving against a real DNS
# server: `sovstack scan --layers network --endpoints names.txt --resolver ...` on 10,000 names
# (A and AAAA asked for each, one name in ten a CNAME) served by a local dnsmasq, with and
# without the cable layer (`--layers network,cable --org-country FR`: one destination per
# country the addresses are located in), in one hyperfine run. The zone is the network bench's
# (crates/netdata/bench/zone.sh) with ZONE_ADDRESSES=public: each name resolves to an address
# of public unicast space, so the network pack locates the endpoints in many countries and the
# cable layer has real work to do. Also `sovstack cables FR US` as a whole process (target:
# under 100 ms). Target for the scan: the cable layer costs at most 10% more.
#
# Needs (Debian): dnsmasq-base dnsutils dnsperf hyperfine python3. Everything stays on
# 127.0.0.1 (dnsmasq answers bench.test itself, --no-resolv).
# The binary is built with `cargo build --release` in $CARGO_TARGET_DIR when set, else target/.
# Usage: crates/cables/bench/scan-dns.sh [NAMES]   (default 10000)
set -euo pipefail

names=${1:-10000}
me=scan-dns.sh
ZONE_ADDRESSES=public
# shellcheck source=../../netdata/bench/zone.sh
source "$(dirname "$0")/../../netdata/bench/zone.sh"

(cd "$repo" && cargo build --quiet --release --locked --bin sovstack)
sovstack="$target/release/sovstack"
scan="$sovstack scan --endpoints $work/names.txt --resolver 127.0.0.1:$port"

# Check both scans before timing them: every name resolved, the cable layer evaluated with its
# destinations, and the network sections identical.
$scan --layers network -o "$work/without.json"
$scan --layers network,cable --org-country FR -o "$work/with.json"
python3 - "$work" "$names" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
without, with_ = (json.load(open(f"{work}/{f}.json")) for f in ("without", "with"))
eps = with_["layers"]["network"]["endpoints"]
bad = [e["endpoint"] for e in eps if e["resolution"] != "resolved"]
assert len(eps) == n and not bad, (len(eps), bad[:5])
assert without["layers"]["network"] == with_["layers"]["network"]
c = with_["layers"]["cable"]
assert c.get("not_evaluated") is None, c
located = {a["location"]["value"] for e in eps for a in e["addresses"] if a.get("location")}
print(f"scan-dns: {n:,} names resolved, located in {len(located)} countries; "
      f"{len(c['destinations'])} cable destinations from FR")
PY

hyperfine --warmup 3 --runs 30 -N --export-json "$work/cables.json" \
    -n 'sovstack cables FR US' "$sovstack cables FR US --format json"
hyperfine --warmup 2 --runs 10 --export-json "$work/scan.json" \
    -n 'network scan' "$scan --layers network -o $work/a.json" \
    -n 'network + cable scan' "$scan --layers network,cable --org-country FR -o $work/b.json"

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
c = json.load(open(f"{work}/cables.json"))["results"][0]
print(f"sovstack cables FR US: mean {c['mean']*1000:.1f} ms ± {c['stddev']*1000:.1f}, "
      f"median {c['median']*1000:.1f} ms, min {c['min']*1000:.1f} ms (target < 100 ms)")
r = {x["command"]: x for x in json.load(open(f"{work}/scan.json"))["results"]}
base, cab = r["network scan"], r["network + cable scan"]
for stat in ("mean", "median", "min"):
    print(f"{stat}: network {base[stat]:.3f} s, network + cable {cab[stat]:.3f} s: "
          f"{(cab[stat] / base[stat] - 1) * 100:+.1f}% (target <= +10%)")
print(f"CPU: network {base['user'] + base['system']:.3f} s, network + cable "
      f"{cab['user'] + cab['system']:.3f} s: {((cab['user'] + cab['system']) / (base['user'] + base['system']) - 1) * 100:+.1f}%")
PY
