#!/bin/bash
# A missing ISO: vtoy-iso-scan says what it looked at and what to check,
# /init names the failed step and opens a working shell on the console
# (the default vtoy.onfail=shell), never a kernel panic.
. "$(dirname "$0")/../scenario-env.sh"

log=$SCENARIO_DIR/boot1.log
# rootdelay= counts from the start of the wait, drivers included: the stick
# needs its controller's driver, usb-storage's 1 s delay_use and sd_mod first.
echo "boot 1: iso-scan/filename names a file that is not on the stick"
qemu_boot_typing "$log" "$STICK" "$INITRD" "starting a shell" \
	'echo RESCUE-SHELL-$((6 * 7)); poweroff -f' \
	'iso-scan/filename=/ISO/missing.iso' rootdelay=6 vtoy.onfail=shell ||
	fail "qemu exited with $?"
expect_line "$log" "vtoy-iso-scan: @DEV@ (exfat, label Ventoy): /ISO/missing.iso not here"
expect_line "$log" "vtoy-iso-scan: error: /ISO/missing.iso was not found on any of the"
# Halfway (5 s at least) without a medium, every module of the list is tried.
expect_line "$log" "vtoy-iso-scan: drivers: loading every module of /etc/vtoy/modules.list: nothing found after"
expect_line "$log" "Check iso-scan/filename= (the path is case-sensitive"
expect_line "$log" "vtoy-init: BOOT FAILED while setting up the live medium (vtoy-iso-scan)."
expect_line "$log" "vtoy-init: loading every module of /etc/vtoy/modules.list for the shell"
expect_line "$log" "RESCUE-SHELL-42"
expect_no_line "$log" "Kernel panic"
scenario_finish
