#!/bin/bash
# The Ventoy partition stays usable read-write in the live system when
# asked. Boot 1: Ventoy's VTOY_LINUX_REMOUNT flag in the hand-over (what
# ventoy.json's control plugin sets): in the booted system both
# `mount DEV /mnt` and `mount -o rw DEV /mnt` of the data partition work,
# a file written there is on the stick after poweroff, and the ISO is
# still read meanwhile. Boot 2: vtoy.data=rw on the command line does the
# same, and shows boot 1's file.
. "$(dirname "$0")/../scenario-env.sh"

token=data-$$-$RANDOM
token2=data2-$$-$RANDOM
VTOY_LINUX_REMOUNT=1 ventoy_menu_initrd "$STICK" "/ISO images/ubuntu-test.iso" \
	"$FIXTURES/ubuntu-test.iso" "$SCENARIO_DIR/initrd-remount.img"

echo "boot 1: VTOY_LINUX_REMOUNT; write $token on the data partition"
log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$SCENARIO_DIR/initrd-remount.img" boot=casper "vtoy.test=data-write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-iso-scan: the data partition @DEV@ (exfat) is read-write at /run/vtoy/data for the live system (Ventoy's VTOY_LINUX_REMOUNT)"
expect_status "$log" .data.access read-write
expect_line "$log" "VTOYTEST: RESULT data mounted"
expect_line "$log" "VTOYTEST: RESULT data mounted rw"
expect_line "$log" "VTOYTEST: RESULT data wrote $token"
expect_line "$log" "VTOYTEST: RESULT medium readable"
stick_mount_data "$STICK" "$SCENARIO_DIR/data"
expect_equal "file written on the data partition in boot 1" \
	"$(cat "$SCENARIO_DIR/data/vtoy-data.txt" 2>/dev/null)" "$token"
cleanup_mounts

echo "boot 2: vtoy.data=rw; boot 1's file is there; write $token2"
cat "$FIXTURES/handover-ubuntu.cpio" "$INITRD" > "$SCENARIO_DIR/initrd.img"
log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=casper vtoy.data=rw \
	vtoy.test=show:/run/vtoy/data/vtoy-data.txt "vtoy.test=data-write:$token2" ||
	fail "boot 2: qemu exited with $?"
expect_line "$log" "vtoy-iso-scan: the data partition @DEV@ (exfat) is read-write at /run/vtoy/data for the live system (vtoy.data=rw)"
expect_line "$log" "VTOYTEST: show /run/vtoy/data/vtoy-data.txt: $token"
expect_line "$log" "VTOYTEST: RESULT data wrote $token2"
stick_mount_data "$STICK" "$SCENARIO_DIR/data"
expect_equal "file written on the data partition in boot 2" \
	"$(cat "$SCENARIO_DIR/data/vtoy-data.txt" 2>/dev/null)" "$token2"
scenario_finish
