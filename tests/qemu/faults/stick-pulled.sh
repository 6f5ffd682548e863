#!/bin/bash
# The stick pulled out of a running live system (make check-faults). Boot 1:
# casper with toram: the root images are in RAM, the stick is pulled while
# the session writes to its tmpfs, and the system keeps running (its root
# read again from RAM). Boot 2: casper-rw.dat on the stick without toram:
# the stick is pulled while files are fsynced to the store. Boot 3: the
# stick back in: persistent, the last shutdown said to be unclean, and every
# file whose fsync returned before the pull is there.
. "$(dirname "$0")/../scenario-env.sh"

iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'

echo "boot 1: toram, then the stick pulled"
log=$SCENARIO_DIR/boot1.log
qemu_boot_unplug "$log" "$STICK" "$INITRD" "VTOYTEST: pull now" "$iso" toram \
	vtoy.test=until-pulled:ram || fail "boot 1: qemu exited with $?"
expect_status "$log" .medium.toram true
expect_line "$log" "VTOYTEST: RESULT stick gone"
expect_line "$log" "VTOYTEST: RESULT root readable"
expect_line "$log" "VTOYTEST: RESULT tmp writable"
expect_line "$log" "VTOYTEST: powering off"

echo "boot 2: a casper-rw.dat store, the stick pulled while files are fsynced"
log=$SCENARIO_DIR/boot2.log
qemu_boot_unplug "$log" "$STICK" "$INITRD" "VTOYTEST: pull now" "$iso" persistent \
	vtoy.test=until-pulled:store || fail "boot 2: qemu exited with $?"
expect_status "$log" .persistence.mode store
expect_line "$log" "VTOYTEST: RESULT stick gone"
n=$(sed -n 's/.*VTOYTEST: fsynced <store-\([0-9]*\)>.*/\1/p' "$log" | tail -n 1)
[ -n "$n" ] && ok "$n files fsynced before the pull" || fail "nothing was fsynced before the pull"

echo "boot 3: the stick back in; expect the ${n:-0} files"
log=$SCENARIO_DIR/boot3.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=pulled-check:store:${n:-0}" ||
	fail "boot 3: qemu exited with $?"
expect_status "$log" .persistence.mode store
expect_status "$log" .store.last_shutdown unclean
expect_status "$log" '.store.fsck | test("^(clean|repaired)$")' true
expect_line "$log" "VTOYTEST: RESULT pulled-check ok ${n:-0} of store"
echo "  the exFAT partition after the pull: $(status_json "$log" | jq -r .data.last_shutdown)"
scenario_finish
