#!/bin/bash
# Debian live-boot / Kali persistence: a second USB stick with an ext4
# partition labelled "persistence" whose persistence.conf says "/ union".
# Boot 1 (boot=live persistence) writes a marker; it lands in rw/ of that
# partition; boot 2 finds it; boot 3 (persistence-remove) starts from an
# emptied store that still has its persistence.conf. A store file on a third
# disk, and a fourth disk, are passed over unmounted: nothing there could be
# chosen.
. "$(dirname "$0")/../scenario-env.sh"

token=union-$$-$RANDOM
iso='findiso="/ISO images/debian-test.iso"'
mkdir -p "$SCENARIO_DIR/persist"
echo "/ union" > "$SCENARIO_DIR/persist/persistence.conf"
make_ext4_disk "$SCENARIO_DIR/kali-persist.img" 48 persistence "$SCENARIO_DIR/persist"
# A third disk holds a store image file named persistence (an ext4 with
# that label): being on neither the medium's disk nor labelled, it could
# not be chosen over the partition, so it is not even mounted.
mkdir -p "$SCENARIO_DIR/other"
mke2fs -q -F -t ext4 -L persistence -d "$SCENARIO_DIR/persist" "$SCENARIO_DIR/other/persistence" 2M ||
	die "mke2fs failed"
make_ext4_disk "$SCENARIO_DIR/other.img" 16 other "$SCENARIO_DIR/other"
# A fourth, an ext4 without a partition table: the disks passed over are
# named together, in one line.
mke2fs -q -F -t ext4 -L extra "$SCENARIO_DIR/extra.img" 4M || die "mke2fs failed"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/kali-persist.img" kali) -drive if=none,id=other,format=raw,file=$SCENARIO_DIR/other.img -device virtio-blk-pci,drive=other -drive if=none,id=extra,format=raw,file=$SCENARIO_DIR/extra.img -device virtio-blk-pci,drive=extra"

echo "boot 1: write $token"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: candidate: partition @DEV@ (ext4, label persistence)"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: using store @DEV@ (ext4, label persistence)"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: @DEV@, @DEV@ (2 partitions or disks): not mounted to look for stores in them: @DEV@ (label persistence) would be preferred over any found there"
expect_no_line "$SCENARIO_DIR/boot1.log" "candidate: image file"
expect_line "$SCENARIO_DIR/boot1.log" "upperdir=/run/vtoy/store/rw,workdir=/run/vtoy/store/work,redirect_dir=on"
expect_status "$SCENARIO_DIR/boot1.log" .store.kind partition
expect_status "$SCENARIO_DIR/boot1.log" .store.label persistence
expect_status "$SCENARIO_DIR/boot1.log" .store.convention live-boot
expect_status "$SCENARIO_DIR/boot1.log" .store.fsck clean
expect_status "$SCENARIO_DIR/boot1.log" .store.access read-write
expect_status "$SCENARIO_DIR/boot1.log" .root.upper /run/vtoy/store/rw
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker in rw/ of the persistence partition after boot 1" \
	"$(part1_cat "$SCENARIO_DIR/kali-persist.img" /rw/root/vtoy-marker.txt)" "$token"

echo "boot 2: expect $token"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"

echo "boot 3: persistence-remove, expect no marker"
log=$SCENARIO_DIR/boot3.log
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence persistence-remove vtoy.test=expect-none ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" "vtoy-persist: WARNING: persistence-remove: deleting everything on @DEV@ except persistence.conf"
# rw/, work/ and .vtoy-medium go; persistence.conf and lost+found stay
expect_line "$log" "vtoy-persist: persistence-remove: 3 entries removed from @DEV@"
expect_line "$log" "VTOYTEST: status: persistence:  store (requested: live-boot)"
expect_line "$log" "VTOYTEST: RESULT none"
expect_equal "marker gone from the partition" \
	"$(part1_cat "$SCENARIO_DIR/kali-persist.img" /rw/root/vtoy-marker.txt; echo "[end]")" "[end]"
expect_equal "persistence.conf kept" "$(part1_cat "$SCENARIO_DIR/kali-persist.img" /persistence.conf)" "/ union"
scenario_finish
