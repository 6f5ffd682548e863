#!/bin/bash
# No foreign filesystem is written during discovery. Three internal
# (virtio) disks a live system must leave alone: an ext4 partition whose
# journal needs recovery, an XFS partition with a dirty log (shut down
# with writes in its log), an exFAT partition marked dirty and an NTFS
# partition marked dirty (as Windows leaves it after a cut or hibernation). The boot
# searches every partition for a store (persistent, and no store exists),
# probe-mounting each read-only without journal or log replay; afterwards
# each disk is byte-for-byte what it was.
. "$(dirname "$0")/../scenario-env.sh"

dir=$SCENARIO_DIR/files
mkdir -p "$dir/m"
truncate -s 32M "$dir/ext4.fs"
mkfs.ext4 -q -L internal "$dir/ext4.fs"
debugfs -w -R "feature needs_recovery" "$dir/ext4.fs" >/dev/null 2>&1
dumpe2fs -h "$dir/ext4.fs" 2>/dev/null | grep -q "needs_recovery" || fail "the ext4 disk does not need recovery"
disk_from_fs "$SCENARIO_DIR/ext4.img" "$dir/ext4.fs"

truncate -s 64M "$dir/xfs.fs"
TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -K -L dirtylog "$dir/xfs.fs" || fail "mkfs.xfs failed"
mount -o loop "$dir/xfs.fs" "$dir/m" || fail "cannot mount the XFS disk on the host"
echo data > "$dir/m/file.txt"
xfs_io -x -c "shutdown -f" "$dir/m" || fail "xfs_io shutdown failed"
umount "$dir/m"
xfs_logprint -t "$dir/xfs.fs" 2>/dev/null | grep -q "DIRTY" || fail "the XFS disk's log is not dirty"
disk_from_fs "$SCENARIO_DIR/xfs.img" "$dir/xfs.fs"

truncate -s 32M "$dir/exfat.fs"
mkfs.exfat -L dirtyx "$dir/exfat.fs" >/dev/null
# VolumeFlags (boot sector byte 106): VolumeDirty; outside the checksum.
printf '\002' | dd of="$dir/exfat.fs" bs=1 seek=106 conv=notrunc status=none
disk_from_fs "$SCENARIO_DIR/exfat.img" "$dir/exfat.fs"
truncate -s 32M "$dir/ntfs.fs"
mkntfs -q -F -f -L dirtyn "$dir/ntfs.fs" >/dev/null 2>&1 || fail "mkntfs failed"
ntfs_mark_dirty "$dir/ntfs.fs"
ntfsinfo -f -m "$dir/ntfs.fs" 2>/dev/null | grep -q "Volume Flags:.*DIRTY" || fail "the NTFS disk is not marked dirty"
disk_from_fs "$SCENARIO_DIR/ntfs.img" "$dir/ntfs.fs"
rm -f "$dir"/*.fs

before=$(sha256sum "$SCENARIO_DIR"/ext4.img "$SCENARIO_DIR"/xfs.img "$SCENARIO_DIR"/exfat.img "$SCENARIO_DIR"/ntfs.img | cut -c1-64)
QEMU_EXTRA=()
for d in ext4 xfs exfat ntfs; do
	QEMU_EXTRA+=(-drive "if=virtio,format=raw,file=$SCENARIO_DIR/$d.img")
done

echo "boot 1: persistent, no store anywhere; every partition is looked at"
log=$SCENARIO_DIR/boot1.log
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
rm -f "$SCENARIO_DIR/data/casper-rw.dat"
cleanup_mounts
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent vtoy.test=exists:/root ||
	fail "boot 1: qemu exited with $?"
expect_line "$log" "Mounting V5 filesystem in no-recovery mode"
expect_line "$log" "mounted filesystem without journal"
# no ntfs3 in this kernel: the NTFS disk is probed, named, and its mount refused
expect_line "$log" "mounting ntfs read-only failed: No such device"
expect_line "$log" "persistence was asked for, but no store labelled writable, casper-rw was found"
expect_status "$log" .persistence.mode fallback-tmpfs
expect_line "$log" "VTOYTEST: exists /root: yes"
after=$(sha256sum "$SCENARIO_DIR"/ext4.img "$SCENARIO_DIR"/xfs.img "$SCENARIO_DIR"/exfat.img "$SCENARIO_DIR"/ntfs.img | cut -c1-64)
expect_equal "the four foreign disks, byte for byte" "$(echo $after)" "$(echo $before)"
scenario_finish
