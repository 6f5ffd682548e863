#!/bin/bash
# A "writable" store with an inconsistency e2fsck -p will not touch
# (a block claimed by two files): the store is not written to. It is
# mounted read-only without journal replay and shown under a tmpfs upper,
# with a loud warning that nothing is kept: its old files are visible, new
# writes succeed in the session but never reach the disk, and no other
# store is silently used instead. Boot 2: a store so broken that it cannot
# even be mounted read-only (inode table moved): a plain tmpfs upper.
. "$(dirname "$0")/../scenario-env.sh"

iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
token=unkept-$$-$RANDOM
mkdir -p "$SCENARIO_DIR/fs/upper/data" "$SCENARIO_DIR/fs/work"
echo "user data" > "$SCENARIO_DIR/fs/upper/data/keep.txt"
echo "other file" > "$SCENARIO_DIR/fs/upper/data/other.txt"
fs=$SCENARIO_DIR/writable.fs
mke2fs -q -F -t ext4 -L writable -d "$SCENARIO_DIR/fs" "$fs" 40M
# Point other.txt's only extent (i_block[5]: its start) at keep.txt's block.
keep_block=$(debugfs -R "blocks /upper/data/keep.txt" "$fs" 2>/dev/null | tr -d ' \n')
[ -n "$keep_block" ] || fail "could not read keep.txt's block"
debugfs -w -R "sif /upper/data/other.txt block[5] $keep_block" "$fs" 2>/dev/null
debugfs -w -R "ssv state 0" "$fs" 2>/dev/null
disk_from_fs "$SCENARIO_DIR/writable.img" "$fs"
cp "$SCENARIO_DIR/writable.img" "$SCENARIO_DIR/before.img"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/writable.img" writable)"

log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=show-and-write:/data/keep.txt:$token" ||
	fail "qemu exited with $?"
expect_line "$log" "vtoy-persist: using store @DEV@ (ext4, label writable)"
expect_line "$log" "vtoy-persist: e2fsck: writable: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY."
expect_line "$log" "vtoy-persist: error: e2fsck could not make @DEV@ consistent (exit 4): it is not mounted read-write"
expect_line "$log" "vtoy-persist: @DEV@ mounted read-only (no check, no journal or log replay)"
expect_line "$log" "vtoy-persist: WARNING: THE STORE IS READ-ONLY THIS SESSION: @DEV@ could not be made consistent"
expect_line "$log" "CHANGES MADE IN THIS SESSION ARE NOT KEPT"
expect_line "$log" "lowerdir=/run/vtoy/store/upper:/run/vtoy/rootfs/00-filesystem.squashfs,upperdir=/run/vtoy/tmpfs/upper"
expect_line "$log" "VTOYTEST: status: persistence:  fallback-read-only-store (requested: casper)"
expect_status "$log" .store.label writable
expect_status "$log" .store.fsck failed
expect_status "$log" .store.access read-only
expect_status "$log" .persistence.active false
expect_line "$log" "VTOYTEST: status: fallback:     the store could not be made consistent (e2fsck, or the kernel for xfs and btrfs): shown read-only, changes are not kept"
expect_line "$log" "VTOYTEST: RESULT /data/keep.txt says: user data"
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_no_line "$log" "remounted read-write"
# e2fsck itself records the errors in the superblock (block 0 of the
# partition); nothing else on the disk may change.
changed_outside=$(cmp -l "$SCENARIO_DIR/before.img" "$SCENARIO_DIR/writable.img" |
	awk -v lo=$((2048 * 512)) -v hi=$((2048 * 512 + 4096)) '$1 - 1 < lo || $1 - 1 >= hi' | wc -l)
expect_equal "bytes changed outside the superblock" "$changed_outside" 0
expect_equal "the session's write is not on the store" \
	"$(part1_cat "$SCENARIO_DIR/writable.img" /upper/root/vtoy-marker.txt; echo "[end]")" "[end]"
expect_equal "data on the store" "$(part1_cat "$SCENARIO_DIR/writable.img" /upper/data/keep.txt)" "user data"

fs=$SCENARIO_DIR/broken.fs
mke2fs -q -F -t ext4 -L writable -d "$SCENARIO_DIR/fs" "$fs" 40M
debugfs -w -R "set_bg 0 inode_table 5" "$fs" 2>/dev/null
debugfs -w -R "ssv state 0" "$fs" 2>/dev/null
disk_from_fs "$SCENARIO_DIR/broken.img" "$fs"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/broken.img" broken)"
log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent vtoy.test=write:x || fail "qemu exited with $?"
expect_line "$log" "vtoy-persist: error: e2fsck could not make @DEV@ consistent"
expect_line "$log" "vtoy-persist: WARNING: @DEV@ cannot be mounted even read-only"
expect_line "$log" "vtoy-persist: WARNING: persistence is NOT active"
expect_line "$log" "VTOYTEST: status: persistence:  fallback-tmpfs (requested: casper)"
expect_line "$log" "VTOYTEST: RESULT wrote x"
expect_no_line "$log" "THE STORE IS READ-ONLY THIS SESSION"
scenario_finish
