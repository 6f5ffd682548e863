#!/bin/bash
# Runs the QEMU boot scenarios (tests/qemu/scenarios/*.sh, or those named in
# SCENARIOS=), JOBS at a time, and prints "qemu: N passed, N failed".
# Needs: KERNEL (a Debian vmlinuz), build/initramfs.img, build/fixtures/.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

export FIXTURES=${FIXTURES:-$top/build/fixtures}
export INITRD=${INITRD:-$top/build/initramfs.img}
export KERNEL=${KERNEL:-}
results=${RESULTS:-$top/build/qemu-results}
jobs=${JOBS:-2}

# A scenario that cannot run is a failure, never a skip.
problems=()
[ -r "$KERNEL" ] || problems+=("no kernel at '$KERNEL' (install linux-image-amd64)")
[ -r "$INITRD" ] || problems+=("no initramfs at $INITRD (make initramfs)")
[ -r "$FIXTURES/stick.img" ] || problems+=("no fixtures in $FIXTURES (make fixtures)")
command -v qemu-system-x86_64 >/dev/null || problems+=("qemu-system-x86_64 missing (qemu-system-x86)")
[ "$(id -u)" = 0 ] || problems+=("the scenarios need root (loop devices and FUSE to inspect disk images)")

# SCENARIO_SET=faults: the slow fault matrices of make check-faults.
set_dir=$here/${SCENARIO_SET:-scenarios}
[ -d "$set_dir" ] || problems+=("no scenario set $set_dir")
if [ -n "${SCENARIOS:-}" ]; then
	scenarios=()
	for s in $SCENARIOS; do scenarios+=("$set_dir/$s.sh"); done
else
	scenarios=("$set_dir"/*.sh)
fi
if [ ${#problems[@]} -gt 0 ]; then
	for p in "${problems[@]}"; do echo "qemu: cannot run: $p"; done
	echo "qemu: 0 passed, ${#scenarios[@]} failed"
	exit 1
fi

rm -rf "$results"
mkdir -p "$results"
echo "qemu: ${#scenarios[@]} scenario(s), $jobs at a time, kernel $KERNEL, accel ${VTOY_QEMU_ACCEL:-tcg}"
# Images that scenarios share are built on first use under a lock (lib.sh).
# Each is built first, as a job of its own: else both workers can reach two
# scenarios needing it at once (45 and 46), and one waits out the whole build
# (60-85 s for live-boot's initramfs). A build failing here is tried again
# by the scenarios that need it, which then fail and say why.
shared_build() {
	local fn=$1 dir=$RESULTS_DIR/.shared-$1 start
	mkdir -p "$dir"
	start=$(date +%s)
	(
		SCENARIO_DIR=$dir
		. "$QEMU_DIR/lib.sh"
		"$fn" "${KVER:-$(basename "$KERNEL" | sed 's/^vmlinuz-//')}"
		[ "$SCENARIO_FAILURES" = 0 ]
	) >"$dir/output.txt" 2>&1
	echo $? >"$dir/rc"
	echo $(($(date +%s) - start)) >"$dir/seconds"
}
run_one() {
	local script=$1 name dir start
	case $script in @*) shared_build "${script#@}"; return ;; esac
	name=$(basename "$script" .sh)
	dir=$RESULTS_DIR/$name
	mkdir -p "$dir"
	start=$(date +%s)
	SCENARIO_DIR=$dir bash "$script" >"$dir/output.txt" 2>&1
	echo $? >"$dir/rc"
	echo $(($(date +%s) - start)) >"$dir/seconds"
	rm -f "$dir/stick.img" "$dir"/*.img
}
export -f run_one shared_build
export RESULTS_DIR=$results QEMU_DIR=$here
shared=()
for fn in liveboot_initrd systemd_root_iso; do
	grep -qsw "$fn" "${scenarios[@]}" && shared+=("@$fn")
done
printf '%s\n' "${shared[@]}" "${scenarios[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$1"' _ {}

for job in "${shared[@]}"; do
	dir=$results/.shared-${job#@}
	if [ "$(cat "$dir/rc" 2>/dev/null)" = 0 ]; then
		echo "shared image ${job#@}: ready ($(cat "$dir/seconds") s)"
	else
		echo "shared image ${job#@}: not built here, its scenarios tried again ($dir/output.txt)"
	fi
done
passed=0 failed=0
for script in "${scenarios[@]}"; do
	name=$(basename "$script" .sh)
	dir=$results/$name
	if [ "$(cat "$dir/rc" 2>/dev/null)" = 0 ]; then
		passed=$((passed + 1))
		echo "PASS $name ($(cat "$dir/seconds") s)"
	else
		failed=$((failed + 1))
		echo "FAIL $name ($(cat "$dir/seconds" 2>/dev/null) s)"
		sed 's/^/    /' "$dir/output.txt"
		for log in "$dir"/*.log; do
			[ -f "$log" ] || continue
			# what was decided, even when the tail below is of a later boot
			echo "    --- decisions and results in $log:"
			grep -E '^\[[ 0-9.]*\] vtoy-(iso-scan|persist): (found |candidate|using store|WARNING|.*skipped)|^VTOYTEST: RESULT' "$log" |
				head -n 15 | sed 's/^/    | /'
			echo "    --- last lines of $log:"
			tail -n 25 "$log" | sed 's/^/    | /'
		done
	fi
done
echo "qemu: $passed passed, $failed failed"
[ "$failed" = 0 ]
