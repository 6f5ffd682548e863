#!/bin/bash
# A plain live medium: the Debian ISO written to a whole USB disk (dd), no
# medium option at all; the scan finds it (and passes over the Ventoy stick,
# which holds no live system itself). live-media=removable limits the scan
# to removable devices.
. "$(dirname "$0")/../scenario-env.sh"

cp "$FIXTURES/debian-test.iso" "$SCENARIO_DIR/dd.img"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/dd.img" dd)"
qemu_boot "$SCENARIO_DIR/boot.log" "$STICK" "$INITRD" boot=live live-media=removable \
	vtoy.test=mounted:/run/live/medium || fail "qemu exited with $?"
log=$SCENARIO_DIR/boot.log
expect_line "$log" "vtoy-iso-scan: no medium named on the command line: scanning for a live medium"
# Whether the stick is looked at before the dd'd disk depends on which one
# the kernel enumerates first: only what was found is asserted.
expect_line "$log" "vtoy-iso-scan: live medium: @DEV@ (iso9660, label DEBIAN_TEST) mounted at /run/vtoy/medium"
expect_line "$log" "VTOYTEST: mounted /run/live/medium: @DEV@ iso9660 ro"
expect_status "$log" .medium.whole_disk true
expect_status "$log" .medium.fstype iso9660
expect_status "$log" .medium.label DEBIAN_TEST
scenario_finish
