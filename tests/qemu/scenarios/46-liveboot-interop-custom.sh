#!/bin/bash
# Custom mounts shared with Debian's own live-boot: a "persistence"
# partition whose persistence.conf has no "/ union", only /home (bind),
# /var/lib/vtoy (bind of data/), /usr/sbin (union) and /etc/vtoy-link
# (link). Boot 1 (live-boot) creates the sources and writes into each
# directory; boot 2 (ours) finds all four; boot 3 (ours) writes new text;
# boot 4 (live-boot) finds it. live-boot's image is the one scenario 45
# builds (build/liveboot-initrd/), built here when missing.
. "$(dirname "$0")/../scenario-env.sh"

liveboot_initrd "${KVER:-$(basename "$KERNEL" | sed 's/^vmlinuz-//')}"
lb_initrd=$LIVEBOOT_INITRD

stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
mkdir -p "$SCENARIO_DIR/data/iso"
cp "$FIXTURES/debian-test.iso" "$SCENARIO_DIR/data/iso/debian-test.iso"
cleanup_mounts
mkdir -p "$SCENARIO_DIR/persist/etc/vtoy-link"
cat > "$SCENARIO_DIR/persist/persistence.conf" <<CONF
/home bind
/etc/vtoy-link link
/var/lib/vtoy source=data
/usr/sbin union
CONF
echo "from the store" > "$SCENARIO_DIR/persist/etc/vtoy-link/settings"
make_ext4_disk "$SCENARIO_DIR/persist.img" 48 persistence "$SCENARIO_DIR/persist"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/persist.img" persist)"
iso=findiso=/iso/debian-test.iso
files="/home/vtoy-home.txt /var/lib/vtoy/vtoy-data.txt /etc/vtoy-link/settings /usr/sbin/vtoy-union.txt"
first=lb-$$-$RANDOM
second=vtoy-$$-$RANDOM

on_partition() {
	expect_equal "$1 on the partition" "$(part1_cat "$SCENARIO_DIR/persist.img" "$1")" "$2"
}
all_on_partition() {
	on_partition /home/vtoy-home.txt "$1"
	on_partition /data/vtoy-data.txt "$1"
	on_partition /etc/vtoy-link/settings "$1"
	on_partition /usr/sbin/rw/vtoy-union.txt "$1"
}

log=$SCENARIO_DIR/boot1.log
echo "boot 1: live-boot writes $first"
qemu_boot "$log" "$STICK" "$lb_initrd" boot=live "$iso" persistence "vtoy.test=custom-write:$first" ||
	fail "boot 1: qemu exited with $?"
for f in $files; do expect_line "$log" "VTOYTEST: RESULT wrote $first to $f"; done
all_on_partition "$first"

log=$SCENARIO_DIR/boot2.log
echo "boot 2: ours finds $first"
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=custom-expect:$first" ||
	fail "boot 2: qemu exited with $?"
expect_line "$log" "vtoy-persist: custom mount /usr/sbin: union of usr/sbin on the store"
expect_no_line "$log" "is not on the store yet"
for f in $files; do expect_line "$log" "VTOYTEST: RESULT found $first in $f"; done

log=$SCENARIO_DIR/boot3.log
echo "boot 3: ours writes $second"
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=custom-write:$second" ||
	fail "boot 3: qemu exited with $?"
for f in $files; do expect_line "$log" "VTOYTEST: RESULT wrote $second to $f"; done
all_on_partition "$second"

log=$SCENARIO_DIR/boot4.log
echo "boot 4: live-boot finds $second"
qemu_boot "$log" "$STICK" "$lb_initrd" boot=live "$iso" persistence "vtoy.test=custom-expect:$second" ||
	fail "boot 4: qemu exited with $?"
for f in $files; do expect_line "$log" "VTOYTEST: RESULT found $second in $f"; done
scenario_finish
