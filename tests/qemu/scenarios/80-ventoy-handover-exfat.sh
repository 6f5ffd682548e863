#!/bin/bash
# Ventoy hand-over: the initrd starts with the cpio Ventoy prepends, built
# from where "/ISO images/ubuntu-test.iso" really lies on the stick. No
# medium option on the command line: the ISO comes from the hand-over, and
# the exFAT data partition stays mounted read-only and usable at
# /run/vtoy/data in the live system.
. "$(dirname "$0")/../scenario-env.sh"

cat "$FIXTURES/handover-ubuntu.cpio" "$INITRD" > "$SCENARIO_DIR/initrd.img"
qemu_boot "$SCENARIO_DIR/boot.log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=casper \
	vtoy.test=mounted:/run/vtoy/data vtoy.test=exists:/run/vtoy/data/casper-rw.dat \
	vtoy.test=mounted:/cdrom || fail "qemu exited with $?"
log=$SCENARIO_DIR/boot.log
expect_line "$log" "vtoy-iso-scan: Ventoy hand-over (/ventoy/ventoy_os_param): /ISO images/ubuntu-test.iso on partition 1 (exfat)"
expect_line "$log" "vtoy-iso-scan: Ventoy's disk is @DEV@; the image /ISO images/ubuntu-test.iso is on @DEV@"
expect_line "$log" "vtoy-iso-scan: Ventoy's data partition @DEV@ (exfat, label Ventoy) mounted read-only at /run/vtoy/data"
expect_line "$log" "vtoy-iso-scan: live medium ready: Ventoy's /ISO images/ubuntu-test.iso on @DEV@"
expect_no_line "$log" "findiso"
expect_line "$log" "VTOYTEST: mounted /run/vtoy/data: @DEV@ exfat ro"
expect_line "$log" "VTOYTEST: exists /run/vtoy/data/casper-rw.dat: yes"
expect_line "$log" "VTOYTEST: mounted /cdrom: /dev/loop"
expect_status "$log" .medium.found_by ventoy
expect_status "$log" .medium.iso_path "/ISO images/ubuntu-test.iso"
expect_status "$log" .medium.label Ventoy
expect_status "$log" .medium.fstype exfat
expect_status "$log" .data.access read-only
scenario_finish
