#!/bin/bash
# Stores users bring that are not an ext4 filesystem image. Boots 1-2: a
# btrfs partition labelled casper-rw on a second stick (the kernel is its
# check, at mount); boot 1 writes a marker, boot 2 finds it. Boots 3-4: a
# casper-rw.dat that is a small disk image (an MBR with one ext4 partition
# labelled casper-rw, as some tools make it): looped with partition
# scanning, its partition is the store; boot 3 writes, boot 4 finds.
. "$(dirname "$0")/../scenario-env.sh"

token=btrfs-$$-$RANDOM
token2=parts-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
dir=$SCENARIO_DIR/files
mkdir -p "$dir/empty"

# The fixture stick's own casper-rw.dat would be preferred (same label, on
# the medium's disk): it goes.
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
rm -f "$SCENARIO_DIR/data/casper-rw.dat"
cleanup_mounts

truncate -s 128M "$dir/btrfs.fs"
mkfs.btrfs -q -L casper-rw "$dir/btrfs.fs" >/dev/null || fail "mkfs.btrfs failed"
disk_from_fs "$SCENARIO_DIR/btrfs.img" "$dir/btrfs.fs"
rm -f "$dir/btrfs.fs"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/btrfs.img" btrfs)"

echo "boot 1: a btrfs casper-rw partition; write $token"
log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: using store @DEV@ (btrfs, label casper-rw)"
# Loaded when first mounted: by the medium search's probe (read-only) or by
# the store search, whichever reaches the disk first.
expect_line "$log" ": loading the btrfs driver"
expect_status "$log" .store.fstype btrfs
expect_status "$log" .store.kind partition
expect_status "$log" .store.label casper-rw
expect_status "$log" .store.fsck "none (the kernel replays the log at mount)"
expect_status "$log" .store.access read-write
expect_line "$log" "VTOYTEST: RESULT wrote $token"

echo "boot 2: expect $token"
log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$log" "VTOYTEST: RESULT found $token"
expect_status "$log" .store.fstype btrfs

QEMU_EXTRA=()
make_ext4_disk "$dir/casper-rw.dat" 32 casper-rw "$dir/empty"
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
cp "$dir/casper-rw.dat" "$SCENARIO_DIR/data/casper-rw.dat"
cleanup_mounts

echo "boot 3: casper-rw.dat holds a partition table; write $token2"
log=$SCENARIO_DIR/boot3.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=write:$token2" ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" "vtoy-persist: /run/vtoy/data/casper-rw.dat: partition 1 holds ext4, label 'casper-rw'"
expect_line "$log" "vtoy-persist: using store /run/vtoy/data/casper-rw.dat (partition 1) (ext4, label casper-rw)"
expect_status "$log" .store.kind file
expect_status "$log" .store.label casper-rw
expect_status "$log" .store.fsck clean
expect_line "$log" "VTOYTEST: RESULT wrote $token2"
stick_mount_data "$STICK" "$SCENARIO_DIR/data"
cp "$SCENARIO_DIR/data/casper-rw.dat" "$dir/after.dat"
cleanup_mounts
expect_equal "marker in the partition inside casper-rw.dat after boot 3" \
	"$(part1_cat "$dir/after.dat" /upper/root/vtoy-marker.txt)" "$token2"

echo "boot 4: expect $token2"
log=$SCENARIO_DIR/boot4.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=expect:$token2" ||
	fail "boot 4: qemu exited with $?"
expect_line "$log" "VTOYTEST: RESULT found $token2"
scenario_finish
