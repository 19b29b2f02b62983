#!/usr/bin/env bash
# The organisation audit at scale (docs/scale.md): time and peak memory of importing and
# judging 1,000 and 10,000 hosts made from real captures (make-fleet.py), then one hyperfine run
# comparing sovstack's aggregation of the per-pole shares with DuckDB's over the JSON Lines.
#
#   cargo build --release && crates/scan/bench/fleet-bench.sh [WORKDIR]
#
# Needs /usr/bin/time (GNU time), hyperfine and PyPI duckdb (tools/install-deps.sh installs
# duckdb). WORKDIR (default: a new directory under /tmp) receives the fleets (about 15 MB per
# 1,000 hosts), the inventories, the reports and the figures (figures.txt).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
bench="$repo/crates/scan/bench"
sovstack="${SOVSTACK:-$repo/target/release/sovstack}"
work="${1:-$(mktemp -d /tmp/sovstack-fleet-bench.XXXXXX)}"
mkdir -p "$work"
[ -x "$sovstack" ] || { echo "fleet-bench: $sovstack is missing: cargo build --release" >&2; exit 2; }
export SOURCE_DATE_EPOCH=1700000000
figures="$work/figures.txt"
: > "$figures"

# `time -v`'s wall clock (h:mm:ss or m:ss.ss) in seconds, and its peak RSS in MB.
measure() {
    local label="$1"; shift
    /usr/bin/time -v "$@" 2> "$work/time.txt" > /dev/null
    local wall rss
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" \
        | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
    printf '%-44s %8s s %8.1f MB\n' "$label" "$wall" "$(echo "$rss / 1024" | bc -l)" | tee -a "$figures"
}

for n in 1000 10000; do
    fleet="$work/fleet-$n"
    [ -d "$fleet" ] || python3 "$bench/make-fleet.py" "$n" "$fleet"
    printf '%d hosts: %d files, %s\n' "$n" "$(ls "$fleet" | wc -l)" "$(du -sh "$fleet" | cut -f1)" | tee -a "$figures"
    measure "scan --import ($n hosts)" \
        "$sovstack" scan --import "$fleet" -o "$work/fleet-$n.json"
    measure "evaluate -o json -o jsonl ($n hosts)" \
        "$sovstack" evaluate "$work/fleet-$n.json" -o "json=$work/report-$n.json" -o "jsonl=$work/fleet-$n.jsonl"
    measure "audit --import -o json ($n hosts)" \
        "$sovstack" audit --import "$fleet" -o "json=$work/audit-$n.json"
    printf '  inventory %s, report %s, jsonl %s (%d lines)\n' \
        "$(du -h "$work/fleet-$n.json" | cut -f1)" "$(du -h "$work/report-$n.json" | cut -f1)" \
        "$(du -h "$work/fleet-$n.jsonl" | cut -f1)" "$(wc -l < "$work/fleet-$n.jsonl")" | tee -a "$figures"
done

# DuckDB's shares over the jsonl equal the report's (the e2e test checks this on the fixtures;
# here on the 10,000 hosts).
python3 - "$work/report-10000.json" "$work/fleet-10000.jsonl" "$bench/duckdb-shares.py" <<'PY' | tee -a "$figures"
import json, subprocess, sys
report = json.load(open(sys.argv[1]))
rows = json.loads(subprocess.run([sys.executable, sys.argv[3], sys.argv[2], "--json"],
                                 check=True, capture_output=True, text=True).stdout)
sql = {(r["ruleset"], r["layer"], r["pole"]): r["share"] for r in rows}
n = 0
for rs in report["rulesets"]:
    for layer, res in rs["layers"].items():
        for pole, share in ((res.get("score") or {}).get("shares") or {}).items():
            got = sql.get((rs["name"], layer, pole), 0.0)
            assert abs(got - share) < 1e-9, (rs["name"], layer, pole, got, share)
            n += 1
print(f"DuckDB's shares over the jsonl equal the report's: {n} shares compared")
PY

# One hyperfine run: the per-pole shares of the 10,000 hosts, by sovstack from the fleet's
# inventory (the non-aligned ruleset gives them; the JSON report to stdout) and by DuckDB from
# the jsonl (the Python one-liner a user writes, with shares.sql).
hyperfine --warmup 2 --runs 10 --export-markdown "$work/hyperfine.md" \
    -n "sovstack evaluate (non-aligned shares)" \
    "$sovstack evaluate $work/fleet-10000.json --ruleset non-aligned --format json" \
    -n "DuckDB over the jsonl (shares.sql)" \
    "python3 $bench/duckdb-shares.py $work/fleet-10000.jsonl" | tee -a "$figures"
cat "$work/hyperfine.md" >> "$figures"
# The share of that which is Python's start and `import duckdb`, and DuckDB's query alone, in
# one process (10 runs after 2 warm-ups).
hyperfine -N --warmup 2 --runs 10 "python3 -c 'import duckdb'" | tee -a "$figures"
python3 - "$bench" "$work/fleet-10000.jsonl" <<'PY' | tee -a "$figures"
import importlib.util, pathlib, statistics, sys, time
import duckdb
spec = importlib.util.spec_from_file_location("shares", pathlib.Path(sys.argv[1]) / "duckdb-shares.py")
shares = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shares)
sql = (pathlib.Path(sys.argv[1]) / "shares.sql").read_text()
times = []
for _ in range(12):
    t = time.perf_counter()
    con = duckdb.connect()
    shares.lines_view(con, sys.argv[2])
    con.execute(sql).fetchall()
    times.append(time.perf_counter() - t)
times = times[2:]
print(f"DuckDB's query alone, in process: mean {statistics.mean(times) * 1000:.1f} ms, "
      f"min {min(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms (10 runs)")
PY
echo "fleet-bench: figures in $figures" >&2
