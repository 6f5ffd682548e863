#!/bin/bash
# Ventoy hand-over from a stick whose partition 1 was reformatted to ext4
# (Ventoy's filesystem code 2): the partition is mounted read-only without
# replaying its journal, the ISO looped from it; boot=live also shows the
# medium at /run/live/medium.
. "$(dirname "$0")/../scenario-env.sh"

cp --sparse=always "$FIXTURES/stick-ext4.img" "$STICK"
cat "$FIXTURES/handover-ext4.cpio" "$INITRD" > "$SCENARIO_DIR/initrd.img"
qemu_boot "$SCENARIO_DIR/boot.log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=live \
	vtoy.test=mounted:/run/vtoy/data vtoy.test=exists:/run/live/medium/live/filesystem.squashfs ||
	fail "qemu exited with $?"
log=$SCENARIO_DIR/boot.log
expect_line "$log" "vtoy-iso-scan: Ventoy hand-over (/ventoy/ventoy_os_param): /ISO/debian-test.iso on partition 1 (ext4)"
expect_line "$log" "vtoy-iso-scan: Ventoy's data partition @DEV@ (ext4, label Ventoy) mounted read-only at /run/vtoy/data"
expect_line "$log" "vtoy-iso-scan: live-boot layout: 1 image(s) in live/"
expect_line "$log" "VTOYTEST: mounted /run/vtoy/data: @DEV@ ext4 ro"
expect_line "$log" "VTOYTEST: exists /run/live/medium/live/filesystem.squashfs: yes"
expect_line "$log" "VTOYTEST: root init started"
expect_status "$log" .medium.fstype ext4
expect_status "$log" .medium.label Ventoy
expect_status "$log" .data.access read-only
scenario_finish
