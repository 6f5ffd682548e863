#!/bin/bash
# Runs libFuzzer targets (names in $FUZZ_OUT) JOBS at a time: FUZZ_RUNS
# executions each when set, else FUZZ_SECONDS (default 30) each. Each starts
# from its committed seeds (corpus/NAME/, never written) and the corpus it
# grew before ($FUZZ_OUT/NAME.corpus). Prints a line per target with its
# executions, then "fuzz: N passed, N failed". A crash leaves its input in
# $FUZZ_OUT (crash-*): make it a unit test. The targets' own output (our log
# lines) is closed: libFuzzer and the sanitizers still report.
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=${FUZZ_OUT:?}
jobs=${JOBS:-2}
if [ -n "${FUZZ_RUNS:-}" ]; then limit="-runs=$FUZZ_RUNS"; else limit="-max_total_time=${FUZZ_SECONDS:-30}"; fi

fuzz_one() {
	local name=$1 t=$out/$1 dict= start rc
	mkdir -p "$t.corpus"
	[ -f "$here/$name.dict" ] && dict=-dict=$here/$name.dict
	start=$(date +%s)
	"$t" $limit -max_len=8192 -close_fd_mask=3 $dict -artifact_prefix="$out/" "$t.corpus" "$here/corpus/$name" \
		>"$t.log" 2>&1
	rc=$?
	echo "$rc $(($(date +%s) - start))" >"$t.rc"
}
export -f fuzz_one
export out here limit
printf '%s\n' "$@" | xargs -P "$jobs" -I{} bash -c 'fuzz_one "$1"' _ {}

passed=0 failed=0
for name in "$@"; do
	read -r rc secs <"$out/$name.rc"
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p; s/^#\([0-9]*\)[[:space:]]*DONE.*/\1/p' "$out/$name.log" | tail -n 1)
	if [ "$rc" = 0 ] && [ -n "$runs" ]; then
		passed=$((passed + 1))
		echo "PASS $name: $runs executions in $secs s"
	else
		failed=$((failed + 1))
		echo "FAIL $name (exit $rc after $secs s):"
		tail -n 30 "$out/$name.log" | sed 's/^/    /'
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" = 0 ]
