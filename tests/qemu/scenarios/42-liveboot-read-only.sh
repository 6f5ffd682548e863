#!/bin/bash
# live-boot's persistence-read-only: the store's contents are shown, but
# nothing is written to it (no e2fsck, no journal replay, changes in a
# tmpfs). Boot 1 writes a new marker: the disk stays byte-identical. Boot 2
# still sees the store's original marker.
. "$(dirname "$0")/../scenario-env.sh"

token=stored-$$-$RANDOM
iso='findiso="/ISO images/debian-test.iso"'
mkdir -p "$SCENARIO_DIR/fs/rw/root" "$SCENARIO_DIR/fs/work"
echo "/ union" > "$SCENARIO_DIR/fs/persistence.conf"
echo "$token" > "$SCENARIO_DIR/fs/rw/root/vtoy-marker.txt"
make_ext4_disk "$SCENARIO_DIR/ro.img" 48 persistence "$SCENARIO_DIR/fs"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/ro.img" ro)"
before=$(sha256sum < "$SCENARIO_DIR/ro.img")

log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence persistence-read-only \
	vtoy.test=write:not-kept || fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: @DEV@ mounted read-only (no check, no journal or log replay)"
expect_line "$log" "vtoy-persist: persistence-read-only: the store is shown"
expect_line "$log" "lowerdir=/run/vtoy/store/rw:/run/vtoy/rootfs/00-filesystem.squashfs,upperdir=/run/vtoy/tmpfs/upper"
expect_line "$log" "VTOYTEST: status: persistence:  read-only-store (requested: live-boot)"
expect_line "$log" "VTOYTEST: RESULT wrote not-kept"
expect_no_line "$log" "e2fsck -p"
expect_equal "the store, byte for byte" "$(sha256sum < "$SCENARIO_DIR/ro.img")" "$before"

log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence persistence-read-only \
	"vtoy.test=expect:$token" || fail "boot 2: qemu exited with $?"
expect_line "$log" "VTOYTEST: RESULT found $token"
scenario_finish
