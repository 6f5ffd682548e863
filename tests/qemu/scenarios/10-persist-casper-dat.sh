#!/bin/bash
# casper persistence from a casper-rw .dat on the Ventoy stick's exFAT
# partition: boot 1 writes a marker in /root, the store image on the disk
# holds it afterwards, boot 2 (initrd with a Ventoy-style cpio prepended)
# finds it, and says the last shutdown did not unmount the store. Boot 3,
# toram: the ISO's partition is let go, and the store beside the ISO is
# still found there.
. "$(dirname "$0")/../scenario-env.sh"

token=persist-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'

echo "boot 1: write $token"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-iso-scan: found /ISO images/ubuntu-test.iso on @DEV@ (exfat, label Ventoy"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: using store /run/vtoy/data/casper-rw.dat (ext4, label casper-rw)"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: e2fsck: casper-rw: clean"
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: status: persistence:  store (requested: casper)"
expect_status "$SCENARIO_DIR/boot1.log" .medium.label Ventoy
expect_status "$SCENARIO_DIR/boot1.log" .medium.fstype exfat
expect_status "$SCENARIO_DIR/boot1.log" .medium.found_by iso-scan/filename
expect_status "$SCENARIO_DIR/boot1.log" .store.kind file
expect_status "$SCENARIO_DIR/boot1.log" .store.label casper-rw
expect_status "$SCENARIO_DIR/boot1.log" .persistence.active true
expect_status "$SCENARIO_DIR/boot1.log" .data.access read-write
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker inside casper-rw.dat (upper/root) after boot 1" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token"

echo "boot 2: expect $token, Ventoy cpio prepended to the initrd"
cat "$FIXTURES/ventoy-prefix.cpio" "$INITRD" > "$SCENARIO_DIR/initrd-ventoy.img"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$SCENARIO_DIR/initrd-ventoy.img" "$iso" persistent "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "vtoy-init: Ventoy hand-over files present: ventoy_os_param"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"
# The test root's busybox init powers off with `poweroff -f`, as init systems
# without systemd's /run/initramfs/shutdown do: the store stayed mounted, and
# this boot says so.
expect_line "$SCENARIO_DIR/boot2.log" "vtoy-persist: WARNING: /run/vtoy/data/casper-rw.dat was not unmounted cleanly when last used"
expect_status "$SCENARIO_DIR/boot2.log" .store.last_shutdown unclean

echo "boot 3: toram; expect $token from the store beside the ISO"
log=$SCENARIO_DIR/boot3.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent toram "vtoy.test=expect:$token" ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" "vtoy-iso-scan: toram: the live medium is released"
expect_status "$log" .medium.toram true
expect_status "$log" .medium.iso_device null
expect_status "$log" .persistence.mode store
expect_status "$log" .store.label casper-rw
expect_line "$log" "VTOYTEST: RESULT found $token"
scenario_finish
