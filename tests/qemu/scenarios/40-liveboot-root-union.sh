#!/bin/bash
# Debian live-boot / Kali persistence: a second USB stick with an ext4
# partition labelled "persistence" whose persistence.conf says "/ union".
# Boot 1 (boot=live persistence) writes a marker; it lands in rw/ of that
# partition; boot 2 finds it.
. "$(dirname "$0")/../scenario-env.sh"

token=union-$$-$RANDOM
iso='findiso="/ISO images/debian-test.iso"'
mkdir -p "$SCENARIO_DIR/persist"
echo "/ union" > "$SCENARIO_DIR/persist/persistence.conf"
make_ext4_disk "$SCENARIO_DIR/kali-persist.img" 48 persistence "$SCENARIO_DIR/persist"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/kali-persist.img" kali)"

echo "boot 1: write $token"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: candidate: partition /dev/sdb1 (ext4, label persistence)"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: using store /dev/sdb1 (ext4, label persistence)"
expect_line "$SCENARIO_DIR/boot1.log" "upperdir=/run/vtoy/store/rw,workdir=/run/vtoy/store/work,redirect_dir=on"
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: status: store:        /dev/sdb1 (partition, label persistence, layout live-boot, e2fsck clean)"
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker in rw/ of the persistence partition after boot 1" \
	"$(part1_cat "$SCENARIO_DIR/kali-persist.img" /rw/root/vtoy-marker.txt)" "$token"

echo "boot 2: expect $token"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"
scenario_finish
