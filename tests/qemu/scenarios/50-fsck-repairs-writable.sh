#!/bin/bash
# casper's "writable" partition (on a second disk) that was not cleanly
# unmounted and has wrong summary counts: e2fsck -p repairs it, the repair
# is reported, and the store is used; "writable" wins over the stick's
# casper-rw.dat. Boot 2 finds the marker and a clean filesystem.
. "$(dirname "$0")/../scenario-env.sh"

token=repaired-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
mkdir -p "$SCENARIO_DIR/fs/upper/data" "$SCENARIO_DIR/fs/work"
echo "user data" > "$SCENARIO_DIR/fs/upper/data/keep.txt"
mke2fs -q -F -t ext4 -L writable -d "$SCENARIO_DIR/fs" "$SCENARIO_DIR/writable.fs" 40M
debugfs -w -R "ssv state 0" "$SCENARIO_DIR/writable.fs" 2>/dev/null
debugfs -w -R "ssv free_blocks_count 17" "$SCENARIO_DIR/writable.fs" 2>/dev/null
disk_from_fs "$SCENARIO_DIR/writable.img" "$SCENARIO_DIR/writable.fs"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/writable.img" writable)"

log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=write:$token" || fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: candidate: partition @DEV@ (ext4, label writable)"
expect_line "$log" "vtoy-persist: not using /run/vtoy/data/casper-rw.dat: label writable is preferred over casper-rw"
expect_line "$log" "vtoy-persist: e2fsck: writable was not cleanly unmounted, check forced."
expect_line "$log" "vtoy-persist: WARNING: e2fsck repaired errors on @DEV@ (exit 1)"
# casper's home-rw search passes over the store it cannot probe-mount.
expect_line "$log" "vtoy-persist: @DEV@: not looked into for store files: it is mounted read-write at /run/vtoy/store already"
expect_no_line "$log" "cannot look for store files"
expect_status "$log" .store.label writable
expect_status "$log" .store.kind partition
expect_status "$log" .store.convention casper
expect_status "$log" .store.fsck repaired
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker in upper/ of the writable partition" \
	"$(part1_cat "$SCENARIO_DIR/writable.img" /upper/root/vtoy-marker.txt)" "$token"
expect_equal "data already in the store" "$(part1_cat "$SCENARIO_DIR/writable.img" /upper/data/keep.txt)" "user data"

log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=expect:$token" || fail "boot 2: qemu exited with $?"
expect_status "$log" .store.label writable
expect_status "$log" .store.fsck clean
expect_line "$log" "VTOYTEST: RESULT found $token"
scenario_finish
