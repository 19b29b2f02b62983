#!/usr/bin/env python3
"""Per-pole shares of each layer and ruleset from sovstack's `--format jsonl` output, computed by
DuckDB (embedded, PyPI `duckdb`) with the SQL of shares.sql beside this file. Prints one line per
ruleset, layer and pole (tab-separated: ruleset, layer, pole, share), or JSON with --json.

    python3 crates/scan/bench/duckdb-shares.py fleet.jsonl [--json]
"""
import json
import pathlib
import sys

import duckdb


def shares(path):
    sql = (pathlib.Path(__file__).with_name("shares.sql")).read_text()
    con = duckdb.connect()
    con.execute("SET VARIABLE jsonl = ?", [str(path)])
    return con.execute(sql).fetchall()


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rows = shares(argv[1])
    if "--json" in argv[2:]:
        json.dump([{"ruleset": r, "layer": l, "pole": p, "share": s} for r, l, p, s in rows],
                  sys.stdout, indent=1)
        print()
    else:
        for r, l, p, s in rows:
            print(f"{r}\t{l}\t{p}\t{s:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
