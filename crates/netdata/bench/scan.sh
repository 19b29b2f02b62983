#!/usr/bin/env bash
# The network scan as users run it, end to end: `sovstack scan --layers network --endpoints
# names.txt --resolver ... -o inventory.json` on 10,000 names (A and AAAA asked for each, one
# name in ten a CNAME), the inventory written, against a local dnsmasq; in the same hyperfine
# run, what a user does with shell tools: batched dig asking the same A and AAAA queries
# (`xargs -P4 dig +short NAME A NAME AAAA ...`, 50 names per dig), and for reference batched dig
# asking A only (`xargs -P4 -n50 dig +short`, the baseline the issue measured). Then dnsperf's
# maximum queries per second on the same A+AAAA queries, and the share of it the scan reaches
# (the scan's queries counted by dnsmasq itself, its statistics dumped on SIGUSR1). The same
# scan with --offline (no DNS: reading the endpoints, loading the data pack, attributing,
# writing the inventory) is in the same hyperfine run, so the time resolution takes is the
# difference; and the time dnsmasq itself needs for the scan's queries at dnsperf's rate is
# the floor no client can go under.
#
# Needs (Debian): dnsmasq-base dnsutils dnsperf hyperfine. Everything stays on 127.0.0.1:
# dnsmasq runs with --no-resolv and answers bench.test itself, so no query leaves loopback.
# The binary is built with `cargo build --release` in $CARGO_TARGET_DIR when set, else target/.
# Usage: [RUNS=20] crates/netdata/bench/scan.sh [NAMES]   (default 10000 names, 20 runs of each command:
# batched dig's time varies a lot from run to run, so the medians are the figures to compare)
set -euo pipefail

names=${1:-10000}
me=scan.sh
# shellcheck source=zone.sh
source "$(dirname "$0")/zone.sh"

(cd "$repo" && cargo build --quiet --release --locked --bin sovstack)
sovstack="$target/release/sovstack"
scan="$sovstack scan --layers network --endpoints $work/names.txt --resolver 127.0.0.1:$port"

# Check the scan resolves every name (A answered, AAAA NODATA, CNAMEs followed) before timing
# it, and count the queries it sends: dnsmasq's counters before and after one scan.
answered() { kill -USR1 "$pid"; sleep 0.5; grep -o 'queries answered locally [0-9]*' "$work/dnsmasq.log" | tail -1 | awk '{print $4}'; }
q0=$(answered)
$scan -o "$work/check.json"
q1=$(answered)
python3 - "$work/check.json" "$names" <<'PY'
import json, sys
inv, n = json.load(open(sys.argv[1])), int(sys.argv[2])
eps = inv["layers"]["network"]["endpoints"]
bad = [e["endpoint"] for e in eps if e["resolution"] != "resolved" or len(e["addresses"]) != 1]
chains = sum(1 for e in eps if e["lookups"][0]["chain"])
assert len(eps) == n and not bad and chains == (n + 9) // 10, (len(eps), bad[:5], chains)
PY
queries=$((q1 - q0))

hyperfine --warmup 2 --runs "${RUNS:-20}" --export-json "$work/hyperfine.json" \
    -n 'sovstack scan' "$scan -o $work/inventory.json" \
    -n 'sovstack scan --offline' "$scan --offline -o $work/offline.json" \
    -n 'xargs -P4 dig, A+AAAA' "xargs -P4 -n200 dig +short -p $port @127.0.0.1 < $work/dig-a-aaaa.txt" \
    -n 'xargs -P4 -n50 dig, A only' "xargs -P4 -n50 dig +short -p $port @127.0.0.1 < $work/names.txt"
cmp -s "$work/inventory.json" "$work/check.json" || { echo "scan.sh: two scans wrote different inventories" >&2; exit 1; }

dnsperf -s 127.0.0.1 -p "$port" -d "$work/dnsperf-a-aaaa.txt" -l 10 -c 4 -q 500 > "$work/dnsperf.out"
grep -E 'Queries (sent|completed|lost)|Queries per second' "$work/dnsperf.out"

python3 - "$work" "$names" "$queries" <<'PY'
import json, re, sys
work, n, queries = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
runs = {r["command"]: r for r in json.load(open(f"{work}/hyperfine.json"))["results"]}
qps = float(re.search(r"Queries per second:\s+([\d.]+)", open(f"{work}/dnsperf.out").read()).group(1))
for stat in ("mean", "median"):
    scan = runs["sovstack scan"][stat]
    both = runs["xargs -P4 dig, A+AAAA"][stat]
    a_only = runs["xargs -P4 -n50 dig, A only"][stat]
    print(f"-- on the {stat}s:")
    print(f"sovstack scan (inventory written): {n / scan:,.0f} endpoints/s, {scan:.3f} s for {n:,} names")
    print(f"xargs -P4 dig, A+AAAA: {n / both:,.0f} names/s; ratio {both / scan:.1f}x (target >= 5x)")
    print(f"xargs -P4 -n50 dig, A only: {n / a_only:,.0f} names/s; ratio {a_only / scan:.1f}x")
scan = runs["sovstack scan"]["mean"]
print(f"scan queries: {queries:,} ({queries / n:.2f} per name), {queries / scan:,.0f} queries/s, "
      f"{queries / scan / qps:.0%} of dnsperf's {qps:,.0f} queries/s")
offline = runs["sovstack scan --offline"]["mean"]
floor = queries / qps
both = runs["xargs -P4 dig, A+AAAA"]["mean"]
print(f"-- where the scan's time goes (means): {offline:.3f} s without DNS (--offline), "
      f"{scan - offline:.3f} s resolving ({queries / (scan - offline):,.0f} queries/s); "
      f"dnsmasq alone needs {floor:.3f} s for those queries at dnsperf's rate")
print(f"CPU of the scan: {runs['sovstack scan']['user']:.3f} s user + {runs['sovstack scan']['system']:.3f} s system; "
      f"--offline: {runs['sovstack scan --offline']['user']:.3f} + {runs['sovstack scan --offline']['system']:.3f}; "
      f"batched dig (A+AAAA): {runs['xargs -P4 dig, A+AAAA']['user']:.3f} + {runs['xargs -P4 dig, A+AAAA']['system']:.3f}")
print(f"5x batched dig (A+AAAA) needs {both / 5:.3f} s end to end; --offline plus dnsmasq's floor is "
      f"{offline + floor:.3f} s ({both / (offline + floor):.1f}x) if nothing overlapped")
PY
