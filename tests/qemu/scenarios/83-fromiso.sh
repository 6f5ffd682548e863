#!/bin/bash
# live-boot's fromiso=/dev/DEVICE/path: the ISO on that partition only
# (a path with a space, quoted on the command line as users do).
. "$(dirname "$0")/../scenario-env.sh"

qemu_boot "$SCENARIO_DIR/boot.log" "$STICK" "$INITRD" boot=live \
	'"fromiso=/dev/sda1/ISO images/debian-test.iso"' vtoy.test=mounted:/run/vtoy/data ||
	fail "qemu exited with $?"
log=$SCENARIO_DIR/boot.log
expect_line "$log" "vtoy-iso-scan: looking for /ISO images/debian-test.iso on @DEV@ (fromiso=)"
expect_line "$log" "vtoy-iso-scan: found /ISO images/debian-test.iso on @DEV@ (exfat, label Ventoy)"
expect_line "$log" "VTOYTEST: mounted /run/vtoy/data: @DEV@ exfat ro"
expect_line "$log" "VTOYTEST: root init started"
scenario_finish
