#!/bin/bash
# Removable disks first, also when they come later: a live ISO written to a
# fixed virtio disk (UBUNTU_LAYERED) is there a second before usb-storage
# has scanned the USB disk holding another one (UBUNTU_TEST). With no
# medium named, the fixed disk waits for the USB disk the kernel is still
# adding, and the scan takes the USB one. Before, the disk that came first
# won, whatever the documented order said.
. "$(dirname "$0")/../scenario-env.sh"

cp "$FIXTURES/ubuntu-test.iso" "$SCENARIO_DIR/usb.img"
cp "$FIXTURES/ubuntu-layered.iso" "$SCENARIO_DIR/fixed.img"
QEMU_EXTRA=(-drive "if=none,id=fixed,format=raw,file=$SCENARIO_DIR/fixed.img"
	-device virtio-blk-pci,drive=fixed)
log=$SCENARIO_DIR/boot.log
qemu_boot "$log" "$SCENARIO_DIR/usb.img" "$INITRD" boot=casper \
	vtoy.test=mounted:/cdrom || fail "qemu exited with $?"
expect_line "$log" "vtoy-iso-scan: no medium named on the command line: scanning for a live medium"
expect_line "$log" "vtoy-iso-scan: fixed disks wait, for up to "
expect_line "$log" "): removable disks are searched first"
expect_status "$log" .medium.label UBUNTU_TEST
expect_status "$log" .medium.whole_disk true
expect_line "$log" "VTOYTEST: mounted /cdrom: @DEV@ iso9660 ro"
scenario_finish
