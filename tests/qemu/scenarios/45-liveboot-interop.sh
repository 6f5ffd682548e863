#!/bin/bash
# One "/ union" store, two initramfs: Debian's own live-boot and ours.
# Boot 1 (live-boot) writes a marker into the store; boot 2 (ours) finds it
# and writes another; boot 3 (live-boot) finds that one. The store's rw/ is
# the same directory for both. live-boot's image is built here with
# mkinitramfs (live-boot and live-boot-initramfs-tools installed), with
# exfat added to its modules so that it can read the stick, and cached in
# build/liveboot-initrd/.
. "$(dirname "$0")/../scenario-env.sh"

liveboot_initrd "${KVER:-$(basename "$KERNEL" | sed 's/^vmlinuz-//')}"
lb_initrd=$LIVEBOOT_INITRD

# live-boot splits its command line on spaces, quotes or not: the ISO needs
# a path without one.
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
mkdir -p "$SCENARIO_DIR/data/iso"
cp "$FIXTURES/debian-test.iso" "$SCENARIO_DIR/data/iso/debian-test.iso"
cleanup_mounts
mkdir -p "$SCENARIO_DIR/persist"
echo "/ union" > "$SCENARIO_DIR/persist/persistence.conf"
make_ext4_disk "$SCENARIO_DIR/persist.img" 48 persistence "$SCENARIO_DIR/persist"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/persist.img" persist)"
iso=findiso=/iso/debian-test.iso
first=lb-$$-$RANDOM
second=vtoy-$$-$RANDOM

log=$SCENARIO_DIR/boot1.log
echo "boot 1: live-boot writes $first"
qemu_boot "$log" "$STICK" "$lb_initrd" boot=live "$iso" persistence "vtoy.test=write:$first" ||
	fail "boot 1: qemu exited with $?"
# live-boot names the store after its device, sda1 or sdb1 as they come up
expect_line "$log" "VTOYTEST: root is overlay / overlay rw,noatime,lowerdir=/run/live/rootfs/filesystem.squashfs/,upperdir=/run/live/persistence/sd"
expect_line "$log" "VTOYTEST: RESULT wrote $first"
expect_equal "live-boot's marker in rw/ of the partition" \
	"$(part1_cat "$SCENARIO_DIR/persist.img" /rw/root/vtoy-marker.txt)" "$first"

log=$SCENARIO_DIR/boot2.log
echo "boot 2: ours finds $first, writes $second"
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=swap:$first:$second" ||
	fail "boot 2: qemu exited with $?"
expect_line "$log" "vtoy-persist: using store @DEV@ (ext4, label persistence)"
expect_line "$log" "upperdir=/run/vtoy/store/rw,workdir=/run/vtoy/store/work,redirect_dir=on"
expect_line "$log" "VTOYTEST: RESULT found $first"
expect_line "$log" "VTOYTEST: RESULT wrote $second"
expect_equal "our marker in rw/ of the partition" \
	"$(part1_cat "$SCENARIO_DIR/persist.img" /rw/root/vtoy-marker.txt)" "$second"

log=$SCENARIO_DIR/boot3.log
echo "boot 3: live-boot finds $second"
qemu_boot "$log" "$STICK" "$lb_initrd" boot=live "$iso" persistence "vtoy.test=expect:$second" ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" "VTOYTEST: RESULT found $second"
scenario_finish
