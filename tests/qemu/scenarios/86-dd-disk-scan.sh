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
expect_line "$log" "vtoy-iso-scan: /dev/sda1 (exfat, label Ventoy): no live system on it"
expect_line "$log" "vtoy-iso-scan: live medium: /dev/sdb (iso9660, label DEBIAN_TEST) mounted at /run/vtoy/medium"
expect_line "$log" "VTOYTEST: mounted /run/live/medium: /dev/sdb iso9660 ro"
scenario_finish
