#!/usr/bin/env python3
"""Per-pole shares of each layer and ruleset from sovstack's `--format jsonl` output, computed by
DuckDB (embedded, PyPI `duckdb`) with the SQL of shares.sql beside this file. Prints one line per
ruleset, layer and pole (tab-separated: ruleset, layer, pole, share), or JSON with --json.

    python3 crates/scan/bench/duckdb-shares.py fleet.jsonl [--json]
    python3 crates/scan/bench/duckdb-shares.py 'sites/*.jsonl'        # one file per site
    python3 crates/scan/bench/duckdb-shares.py fleet.parquet          # a Parquet copy
    python3 crates/scan/bench/duckdb-shares.py --parquet OUT.parquet 'sites/*.jsonl'
                                         # writes the Parquet copy of the item lines' columns

The columns read are those shares.sql needs: type, layer, weight, poles (and, for --parquet,
host and item too).
"""
import json
import pathlib
import sys

import duckdb

COLUMNS = ("{type: 'VARCHAR', host: 'VARCHAR', layer: 'VARCHAR', item: 'VARCHAR', "
           "weight: 'DOUBLE', poles: 'STRUCT(ruleset VARCHAR, rule VARCHAR, pole VARCHAR, "
           "fraction DOUBLE)[]'}")


def literal(text):
    """A SQL string literal (a view cannot take a prepared parameter)."""
    return "'" + text.replace("'", "''") + "'"


def lines_view(con, path):
    if path.endswith(".parquet"):
        con.execute(f"CREATE VIEW lines AS SELECT * FROM read_parquet({literal(path)})")
    else:
        con.execute(f"CREATE VIEW lines AS SELECT * FROM read_json({literal(path)}, "
                    f"format = 'newline_delimited', columns = {COLUMNS})")


def shares(path):
    sql = pathlib.Path(__file__).with_name("shares.sql").read_text()
    con = duckdb.connect()
    lines_view(con, path)
    return con.execute(sql).fetchall()


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if argv[1] == "--parquet":
        con = duckdb.connect()
        lines_view(con, argv[3])
        con.execute(f"COPY (SELECT * FROM lines WHERE type = 'item') TO {literal(argv[2])} "
                    "(FORMAT parquet)")
        return 0
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
