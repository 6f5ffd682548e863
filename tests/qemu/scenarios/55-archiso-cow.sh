#!/bin/bash
# Arch archiso persistence: a second USB stick with an ext4 partition
# labelled ARCH_COW. cow_label=ARCH_COW keeps the changes in
# persistent_<archisolabel>/x86_64/upperdir of that partition (archiso's
# default cow_directory). Boot 1 writes a marker, boot 2 finds it through
# cow_device=/dev/disk/by-uuid/... (a udev link archiso users write; no udev
# runs in our initramfs, so it is matched by UUID); boot 3,
# without archisolabel=, names the directory after the live medium's label
# (UBUNTU_TEST here), as archiso does; boot 4 names a label no partition has
# and falls back to a tmpfs of cow_spacesize.
. "$(dirname "$0")/../scenario-env.sh"

# debugfs_part1 IMG REQUEST: runs a debugfs request on IMG's first partition
debugfs_part1() {
	local start size tmp
	read -r start size < <(sfdisk -d "$1" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p' | head -n 1)
	tmp=$(mktemp)
	dd if="$1" of="$tmp" bs=512 skip="$start" count="$size" status=none
	debugfs -R "$2" "$tmp" 2>/dev/null
	rm -f "$tmp"
}

token=archiso-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
cow=$SCENARIO_DIR/arch-cow.img
dir=persistent_ARCH_202501/x86_64
mkdir -p "$SCENARIO_DIR/empty"
make_ext4_disk "$cow" 48 ARCH_COW "$SCENARIO_DIR/empty"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$cow" archcow)"

echo "boot 1: write $token"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$INITRD" "$iso" cow_label=ARCH_COW archisolabel=ARCH_202501 "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: candidate for cow_label=ARCH_COW: @DEV@ (ext4, label 'ARCH_COW')"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: using store @DEV@ (ext4, label ARCH_COW)"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: e2fsck: ARCH_COW: clean"
expect_line "$SCENARIO_DIR/boot1.log" "upperdir=/run/vtoy/store/$dir/upperdir,workdir=/run/vtoy/store/$dir/workdir,redirect_dir=off"
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: status: persistence:  store (requested: archiso)"
expect_status "$SCENARIO_DIR/boot1.log" .store.label ARCH_COW
expect_status "$SCENARIO_DIR/boot1.log" .store.convention archiso
expect_status "$SCENARIO_DIR/boot1.log" .store.fsck clean
expect_status "$SCENARIO_DIR/boot1.log" .store.dir "$dir"
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker in $dir/upperdir/root of ARCH_COW after boot 1" \
	"$(part1_cat "$cow" "/$dir/upperdir/root/vtoy-marker.txt")" "$token"
expect_equal "mode of $dir (archiso keeps it private)" \
	"$(debugfs_part1 "$cow" "stat /$dir" | sed -n 's/.*Mode: *\([0-7]*\).*/\1/p')" "0700"

uuid=$(blkid -p -O $((2048 * 512)) -s UUID -o value "$cow")
echo "boot 2: expect $token, cow_device=/dev/disk/by-uuid/$uuid"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$INITRD" "$iso" "cow_device=/dev/disk/by-uuid/$uuid" archisolabel=ARCH_202501 "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "vtoy-persist: candidate for cow_device=/dev/disk/by-uuid/$uuid: @DEV@ (ext4, label 'ARCH_COW')"
expect_status "$SCENARIO_DIR/boot2.log" .store.uuid "$uuid"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"

echo "boot 3: no archisolabel=: the directory is named after the medium's label"
qemu_boot "$SCENARIO_DIR/boot3.log" "$STICK" "$INITRD" "$iso" cow_label=ARCH_COW "vtoy.test=expect-none" ||
	fail "boot 3: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot3.log" "no archisolabel=: taking the live medium's label 'UBUNTU_TEST'"
expect_line "$SCENARIO_DIR/boot3.log" "upperdir=/run/vtoy/store/persistent_UBUNTU_TEST/x86_64/upperdir"
expect_line "$SCENARIO_DIR/boot3.log" "VTOYTEST: RESULT none"
expect_equal "persistent_UBUNTU_TEST/x86_64/upperdir made on ARCH_COW" \
	"$(debugfs_part1 "$cow" "stat /persistent_UBUNTU_TEST/x86_64/upperdir" | grep -c 'Type: directory')" "1"

echo "boot 4: cow_label names no partition: tmpfs of cow_spacesize"
qemu_boot "$SCENARIO_DIR/boot4.log" "$STICK" "$INITRD" "$iso" cow_label=NO_SUCH_COW cow_spacesize=96M "vtoy.test=expect-none" ||
	fail "boot 4: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot4.log" "cow_label=NO_SUCH_COW: no such partition (no filesystem has this label)"
expect_line "$SCENARIO_DIR/boot4.log" "cow_spacesize=96M: the tmpfs upper layer may use up to 96M"
expect_line "$SCENARIO_DIR/boot4.log" "VTOYTEST: status: persistence:  fallback-tmpfs (requested: archiso)"
expect_line "$SCENARIO_DIR/boot4.log" "VTOYTEST: RESULT none"
expect_equal "marker still on ARCH_COW" \
	"$(part1_cat "$cow" "/$dir/upperdir/root/vtoy-marker.txt")" "$token"
scenario_finish
