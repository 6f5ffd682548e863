#!/bin/bash
# Keeps `make bench` from rotting: its script runs once in smoke mode (our
# standalone image, one boot) and must produce a table row with numbers and
# its CSV files. Speed is not asserted.
. "$(dirname "$0")/../scenario-env.sh"

top=$(cd "$here/../.." && pwd)
OUT=$SCENARIO_DIR/bench "$top/tests/bench/bench.sh" --smoke >"$SCENARIO_DIR/bench.txt" 2>&1 ||
	fail "bench.sh --smoke exited with $?"
cat "$SCENARIO_DIR/bench.txt"
row=$(grep '^| vtoy |' "$SCENARIO_DIR/bench.txt")
if echo "$row" | grep -qE '^\| vtoy \| [0-9.]+ s \| [0-9.]+ s \| 1\.00x \| [0-9.]+ MiB \| [0-9]+ MiB \(\+[0-9]+ MiB\) \| 1/1 \|'; then
	ok "table row: $row"
else
	fail "no complete table row for vtoy: '$row'"
fi
expect_equal "boots.csv lines (header + 1 boot)" "$(wc -l <"$SCENARIO_DIR/bench/boots.csv")" 2
[ -s "$SCENARIO_DIR/bench/summary.csv" ] || fail "no summary.csv"
expect_line "$SCENARIO_DIR/bench/runs/vtoy-1/console.log" "VTOYTEST: RESULT wrote bench-1"
scenario_finish
