#!/bin/bash
# live-boot's persistence-storage=directory: a directory named "persistence"
# on an ext4 partition labelled "data" is the volume (its persistence.conf
# says "/ union"). Boot 1 writes, boot 2 finds the marker; by default
# (filesystem,file) the directory is not a store.
. "$(dirname "$0")/../scenario-env.sh"

token=dir-$$-$RANDOM
iso='findiso="/ISO images/debian-test.iso"'
mkdir -p "$SCENARIO_DIR/data/persistence"
echo "/ union" > "$SCENARIO_DIR/data/persistence/persistence.conf"
make_ext4_disk "$SCENARIO_DIR/data.img" 48 data "$SCENARIO_DIR/data"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/data.img" data)"

echo "boot 1: write $token"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$INITRD" boot=live "$iso" persistence \
	persistence-storage=directory "vtoy.test=write:$token" || fail "boot 1: qemu exited with $?"
log=$SCENARIO_DIR/boot1.log
expect_line "$log" "vtoy-persist: candidate: directory /persistence on @DEV@ (ext4)"
expect_line "$log" "vtoy-persist: using store @DEV@:/persistence (ext4, label persistence)"
expect_line "$log" "vtoy-persist: e2fsck: data: clean"
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker in /persistence/rw of the data partition after boot 1" \
	"$(part1_cat "$SCENARIO_DIR/data.img" /persistence/rw/root/vtoy-marker.txt)" "$token"

echo "boot 2: expect $token"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$INITRD" boot=live "$iso" persistence \
	persistence-storage=directory "vtoy.test=expect:$token" || fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"

echo "boot 3: default persistence-storage: the directory is no store"
qemu_boot "$SCENARIO_DIR/boot3.log" "$STICK" "$INITRD" boot=live "$iso" persistence \
	vtoy.test=expect-none || fail "boot 3: qemu exited with $?"
expect_no_line "$SCENARIO_DIR/boot3.log" "candidate: directory"
expect_line "$SCENARIO_DIR/boot3.log" "VTOYTEST: RESULT none"
scenario_finish
