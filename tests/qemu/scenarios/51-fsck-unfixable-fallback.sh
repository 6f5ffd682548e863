#!/bin/bash
# A "writable" store with an inconsistency e2fsck -p will not touch
# (a block claimed by two files): the store is not written to, the boot
# goes on with a temporary overlay and a loud warning, and no other store
# is silently used instead.
. "$(dirname "$0")/../scenario-env.sh"

iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
mkdir -p "$SCENARIO_DIR/fs/data"
echo "user data" > "$SCENARIO_DIR/fs/data/keep.txt"
echo "other file" > "$SCENARIO_DIR/fs/data/other.txt"
fs=$SCENARIO_DIR/writable.fs
mke2fs -q -F -t ext4 -L writable -d "$SCENARIO_DIR/fs" "$fs" 40M
# Point other.txt's only extent (i_block[5]: its start) at keep.txt's block.
keep_block=$(debugfs -R "blocks /data/keep.txt" "$fs" 2>/dev/null | tr -d ' \n')
[ -n "$keep_block" ] || fail "could not read keep.txt's block"
debugfs -w -R "sif /data/other.txt block[5] $keep_block" "$fs" 2>/dev/null
debugfs -w -R "ssv state 0" "$fs" 2>/dev/null
disk_from_fs "$SCENARIO_DIR/writable.img" "$fs"
cp "$SCENARIO_DIR/writable.img" "$SCENARIO_DIR/before.img"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/writable.img" writable)"

log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent vtoy.test=write:x || fail "qemu exited with $?"
expect_line "$log" "vtoy-persist: using store /dev/sdb1 (ext4, label writable)"
expect_line "$log" "vtoy-persist: e2fsck: writable: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY."
expect_line "$log" "vtoy-persist: error: e2fsck could not make /dev/sdb1 consistent (exit 4): it is left unmounted"
expect_line "$log" "vtoy-persist: WARNING: persistence is NOT active"
expect_line "$log" "VTOYTEST: status: persistence:  fallback-tmpfs (requested: casper)"
expect_line "$log" "VTOYTEST: RESULT wrote x"
expect_no_line "$log" "remounted read-write"
# e2fsck itself records the errors in the superblock (block 0 of the
# partition); nothing else on the disk may change.
changed_outside=$(cmp -l "$SCENARIO_DIR/before.img" "$SCENARIO_DIR/writable.img" |
	awk -v lo=$((2048 * 512)) -v hi=$((2048 * 512 + 4096)) '$1 - 1 < lo || $1 - 1 >= hi' | wc -l)
expect_equal "bytes changed outside the superblock" "$changed_outside" 0
expect_equal "no upper/ created" "$(part1_cat "$SCENARIO_DIR/writable.img" /upper/root/vtoy-marker.txt; echo "[end]")" "[end]"
expect_equal "data on the store" "$(part1_cat "$SCENARIO_DIR/writable.img" /data/keep.txt)" "user data"
scenario_finish
