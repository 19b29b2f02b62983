#!/usr/bin/env bash
# The path beyond one machine (docs/scale.md): 100,000 hosts as ten sites of 10,000, each site
# audited where its inventories are (`sovstack audit --import SITE -o jsonl=SITE.jsonl`), and the
# organisation's per-pole shares aggregated centrally by DuckDB over the ten JSON Lines files
# (and over a Parquet copy of them). To check the path, the same 100,000 hosts are also audited
# in one `sovstack audit --import` run, whose shares DuckDB's must equal.
#
#   cargo build --release && crates/scan/bench/fleet-100k.sh [WORKDIR]
#
# Needs about 1.5 GB under WORKDIR for the inventories (`KEEP=0` removes them at the end),
# GNU time and PyPI duckdb.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
bench="$repo/crates/scan/bench"
sovstack="${SOVSTACK:-$repo/target/release/sovstack}"
work="${1:-$(mktemp -d /tmp/sovstack-fleet-100k.XXXXXX)}"
sites=${SITES:-10}
per_site=${PER_SITE:-10000}
mkdir -p "$work/sites"
export SOURCE_DATE_EPOCH=1700000000

peak() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1" | awk '{ printf "%.1f MB", $1 / 1024 }'; }
wall() { sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$1" \
    | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f s", s }'; }

dirs=()
for s in $(seq 0 $((sites - 1))); do
    dir="$work/site-$s"
    dirs+=("$dir")
    [ -d "$dir" ] || python3 "$bench/make-fleet.py" "$per_site" "$dir" $((s * per_site))
    # At the site: its inventories, judged, one line per host item.
    /usr/bin/time -v "$sovstack" audit --import "$dir" -o "jsonl=$work/sites/site-$s.jsonl" \
        2> "$work/time-site.txt"
    echo "site $s: $(ls "$dir" | wc -l) files, audit --import -o jsonl: $(wall "$work/time-site.txt"), peak $(peak "$work/time-site.txt")"
done

# Centrally: DuckDB over the sites' JSON Lines, and over a Parquet copy of them.
start=$(date +%s.%N)
python3 "$bench/duckdb-shares.py" "$work/sites/*.jsonl" --json > "$work/duckdb-shares.json"
echo "DuckDB over ${sites} jsonl files ($(du -ch "$work"/sites/*.jsonl | tail -1 | cut -f1)): $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.2f') s"
python3 "$bench/duckdb-shares.py" --parquet "$work/fleet.parquet" "$work/sites/*.jsonl"
start=$(date +%s.%N)
python3 "$bench/duckdb-shares.py" "$work/fleet.parquet" --json > "$work/duckdb-parquet-shares.json"
echo "DuckDB over the Parquet copy ($(du -h "$work/fleet.parquet" | cut -f1)): $(echo "$(date +%s.%N) - $start" | bc | xargs printf '%.2f') s"
cmp "$work/duckdb-shares.json" "$work/duckdb-parquet-shares.json"

# The check: the same hosts in one sovstack run give the same shares.
/usr/bin/time -v "$sovstack" audit --import "${dirs[@]}" -o "json=$work/all.json" 2> "$work/time-all.txt"
echo "one audit --import of all $((sites * per_site)) hosts: $(wall "$work/time-all.txt"), peak $(peak "$work/time-all.txt")"
python3 - "$work/all.json" "$work/duckdb-shares.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
sql = {(r["ruleset"], r["layer"], r["pole"]): r["share"] for r in json.load(open(sys.argv[2]))}
n = 0
for rs in report["rulesets"]:
    for layer, res in rs["layers"].items():
        for pole, share in ((res.get("score") or {}).get("shares") or {}).items():
            got = sql.get((rs["name"], layer, pole), 0.0)
            assert abs(got - share) < 1e-9, (rs["name"], layer, pole, got, share)
            n += 1
print(f"DuckDB's shares over the sites equal the single audit's: {n} shares compared, "
      f"{len(report['hosts'])} hosts")
PY
[ "${KEEP:-1}" = 1 ] || rm -rf "${dirs[@]}"
