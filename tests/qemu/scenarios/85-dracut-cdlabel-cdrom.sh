#!/bin/bash
# dracut: root=live:CDLABEL=FEDORA_TEST rd.live.image with the Fedora-layout
# ISO in a CD-ROM drive: the drive itself is the medium, and the root is
# LiveOS/rootfs.img inside LiveOS/squashfs.img.
. "$(dirname "$0")/../scenario-env.sh"

QEMU_EXTRA=(-drive "if=none,id=cd,media=cdrom,readonly=on,format=raw,file=$FIXTURES/fedora-test.iso"
	-device ide-cd,drive=cd,bus=ide.0)
qemu_boot "$SCENARIO_DIR/boot.log" "$STICK" "$INITRD" root=live:CDLABEL=FEDORA_TEST rd.live.image \
	vtoy.test=show:/etc/hostname || fail "qemu exited with $?"
log=$SCENARIO_DIR/boot.log
expect_line "$log" "vtoy-iso-scan: looking for the live medium on LABEL=FEDORA_TEST (root=live:CDLABEL=FEDORA_TEST)"
expect_line "$log" "vtoy-iso-scan: live medium: /dev/sr0 (iso9660, label FEDORA_TEST) mounted at /run/vtoy/medium"
expect_line "$log" "vtoy-iso-scan: LiveOS/squashfs.img holds LiveOS/rootfs.img: that is the root filesystem"
expect_line "$log" "vtoy-iso-scan: dracut layout: 1 image(s) in LiveOS/"
expect_line "$log" "VTOYTEST: show /etc/hostname: vtoy-test"
scenario_finish
