-- Per-pole shares of each layer under each ruleset, from sovstack's `--format jsonl` output
-- (docs/scale.md), with DuckDB. It reads the view `lines`: the JSON Lines files (one or a
-- glob of them, e.g. one per site), or a Parquet copy of them:
--   CREATE VIEW lines AS SELECT * FROM read_json('sites/*.jsonl', format = 'newline_delimited',
--       columns = {type: 'VARCHAR', layer: 'VARCHAR', weight: 'DOUBLE',
--                  poles: 'STRUCT(ruleset VARCHAR, rule VARCHAR, pole VARCHAR, fraction DOUBLE)[]'});
--   .read crates/scan/bench/shares.sql
-- or: python3 crates/scan/bench/duckdb-shares.py 'sites/*.jsonl' (or fleet.parquet).
-- Each item line gives, per concentration rule that judges it, the fraction of its control each
-- pole holds (the fractions sum to 1). A pole's share under a rule is Σ weight × fraction over
-- the rule's lines divided by Σ weight over them (which is the sum of all poles' Σ weight ×
-- fraction); a ruleset's share on a layer is the mean over the layer's concentration rules
-- (the ABI's bloc_balance scoring), rounded to four decimals as the report rounds it.
WITH p AS (
    SELECT layer, weight, UNNEST(poles, recursive := true)
    FROM lines
    WHERE type = 'item'
),
per_rule AS (
    SELECT ruleset, layer, rule, pole, sum(weight * fraction) AS held FROM p GROUP BY ALL
),
shares AS (
    SELECT ruleset, layer, rule, pole,
           held / sum(held) OVER (PARTITION BY ruleset, layer, rule) AS share
    FROM per_rule
),
rules AS (
    SELECT ruleset, layer, count(DISTINCT rule) AS n FROM per_rule GROUP BY ALL
)
SELECT ruleset, layer, pole, round(sum(share) / any_value(n), 4) AS share
FROM shares JOIN rules USING (ruleset, layer)
GROUP BY ALL
ORDER BY ALL;
