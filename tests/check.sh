#!/bin/bash
# make check: unit tests, a fuzz smoke run, install checks, vtoy-stick's host tests, then the QEMU boot scenarios; ends with the total
# as "N passed, N failed". Run through make (it builds what is needed).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=build/check
mkdir -p "$out"
start=$SECONDS

counts() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p" "$2" | tail -n 1; }

echo "== unit tests"
make -s unit 2>&1 | tee "$out/unit.txt"
read -r unit_pass unit_fail < <(counts unit "$out/unit.txt")
if [ -z "${unit_pass:-}" ]; then unit_pass=0; unit_fail=1; echo "unit: did not run to the end"; fi

echo "== fuzz smoke (each parser's libFuzzer target for 3 s; make fuzz-long runs 10^7 each)"
make -s -j2 fuzz FUZZ_SECONDS=3 2>&1 | tee "$out/fuzz.txt"
read -r fuzz_pass fuzz_fail < <(counts fuzz "$out/fuzz.txt")
if [ -z "${fuzz_pass:-}" ]; then fuzz_pass=0; fuzz_fail=1; echo "fuzz: did not run to the end"; fi

echo "== install, uninstall and package checks"
tests/install/run.sh 2>&1 | tee "$out/install.txt"
read -r inst_pass inst_fail < <(counts install "$out/install.txt")
if [ -z "${inst_pass:-}" ]; then inst_pass=0; inst_fail=1; echo "install: did not run to the end"; fi

echo "== vtoy-stick on a Ventoy stick image (host, as root)"
tests/stick/run.sh 2>&1 | tee "$out/stick.txt"
read -r stick_pass stick_fail < <(counts stick "$out/stick.txt")
if [ -z "${stick_pass:-}" ]; then stick_pass=0; stick_fail=1; echo "stick: did not run to the end"; fi

echo "== QEMU boot scenarios"
qemu_fail=0 qemu_pass=0
if make -s fixtures >"$out/fixtures.txt" 2>&1; then
	tests/qemu/run.sh 2>&1 | tee "$out/qemu.txt"
	read -r qemu_pass qemu_fail < <(counts qemu "$out/qemu.txt")
	if [ -z "${qemu_pass:-}" ]; then qemu_pass=0; qemu_fail=1; echo "qemu: did not run to the end"; fi
else
	cat "$out/fixtures.txt"
	echo "qemu: building the fixtures failed; no scenario could run"
	qemu_fail=$(ls tests/qemu/scenarios/*.sh | wc -l)
fi

passed=$((unit_pass + fuzz_pass + inst_pass + stick_pass + qemu_pass))
failed=$((unit_fail + fuzz_fail + inst_fail + stick_fail + qemu_fail))
echo "== total (unit: $unit_pass/$((unit_pass + unit_fail)), fuzz: $fuzz_pass/$((fuzz_pass + fuzz_fail)), install: $inst_pass/$((inst_pass + inst_fail)), stick: $stick_pass/$((stick_pass + stick_fail)), qemu: $qemu_pass/$((qemu_pass + qemu_fail)))"
echo "== wall time: $(((SECONDS - start) / 60)) min $(((SECONDS - start) % 60)) s (make check stays under 20 min on an idle 2-core machine)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
