#!/bin/bash
# Ubuntu's layered images: layerfs-path=minimal.standard.live.squashfs
# stacks minimal < minimal.standard < minimal.standard.live. Alphabetical
# order would put "standard" on top; the whiteout in "standard" must hide
# /etc/vtoy-removed of "minimal".
. "$(dirname "$0")/../scenario-env.sh"

qemu_boot "$SCENARIO_DIR/boot.log" "$STICK" "$INITRD" boot=casper \
	'"iso-scan/filename=/ISO images/ubuntu-layered.iso"' layerfs-path=minimal.standard.live.squashfs \
	vtoy.test=show:/etc/vtoy-layer vtoy.test=exists:/etc/vtoy-removed || fail "qemu exited with $?"
log=$SCENARIO_DIR/boot.log
expect_line "$log" "vtoy-iso-scan: casper layout: 3 image(s) in casper/ (layerfs-path=minimal.standard.live.squashfs, 3 layer(s))"
expect_line "$log" "VTOYTEST: show /etc/vtoy-layer: live"
expect_line "$log" "VTOYTEST: exists /etc/vtoy-removed: no"

echo "boot 2: a layer missing is a clear error, not a half-stacked root"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$INITRD" boot=casper \
	'"iso-scan/filename=/ISO images/ubuntu-layered.iso"' layerfs-path=minimal.extra.live.squashfs ||
	true
expect_line "$SCENARIO_DIR/boot2.log" "vtoy-iso-scan: error: layerfs-path=minimal.extra.live.squashfs: layer casper/minimal.extra.squashfs is missing"
expect_line "$SCENARIO_DIR/boot2.log" "vtoy-init: BOOT FAILED while setting up the live medium (vtoy-iso-scan)."
expect_no_line "$SCENARIO_DIR/boot2.log" "Kernel panic"
scenario_finish
