#!/bin/bash
# archiso: img_label= + img_loop= name the ISO file; copytoram=y copies
# airootfs.sfs to RAM and lets the stick go.
. "$(dirname "$0")/../scenario-env.sh"

qemu_boot "$SCENARIO_DIR/boot.log" "$STICK" "$INITRD" img_label=Ventoy \
	'"img_loop=/ISO images/arch-test.iso"' copytoram=y \
	vtoy.test=mounted:/run/vtoy/data vtoy.test=exists:/run/vtoy/ram/x86_64/airootfs.sfs ||
	fail "qemu exited with $?"
log=$SCENARIO_DIR/boot.log
expect_line "$log" "vtoy-iso-scan: looking for /ISO images/arch-test.iso on LABEL=Ventoy (img_loop=)"
expect_line "$log" "vtoy-iso-scan: archiso layout: 1 image(s) in arch/ (archiso's x86_64/airootfs.sfs)"
expect_line "$log" "vtoy-iso-scan: toram: root images copied to /run/vtoy/ram"
expect_line "$log" "vtoy-iso-scan: toram: the live medium is released"
expect_line "$log" "VTOYTEST: mounted /run/vtoy/data: "
expect_no_line "$log" "VTOYTEST: mounted /run/vtoy/data: /dev"
expect_line "$log" "VTOYTEST: exists /run/vtoy/ram/x86_64/airootfs.sfs: yes"
expect_line "$log" "VTOYTEST: root init started"
scenario_finish
