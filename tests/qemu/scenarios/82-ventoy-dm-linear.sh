#!/bin/bash
# Ventoy hand-over when the data partition cannot be mounted: an initramfs
# built without the ext4 driver boots the ext4 stick. The image is mapped read-only through a device-mapper
# linear device made from Ventoy's image map, and the system boots from it.
. "$(dirname "$0")/../scenario-env.sh"
top=$(cd "$here/../.." && pwd)

grep -v '^ext4$' "$top/initramfs/modules.list" > "$SCENARIO_DIR/modules.list"
VTOY_MODULES_LIST=$SCENARIO_DIR/modules.list "$top/initramfs/build-image.sh" \
	"$SCENARIO_DIR/no-ext4.img" "${KVER:?}" "$top/build/bin" > "$SCENARIO_DIR/build.log" 2>&1 ||
	fail "building the initramfs without ext4 failed"
cp --sparse=always "$FIXTURES/stick-ext4.img" "$STICK"
cat "$FIXTURES/handover-ext4.cpio" "$SCENARIO_DIR/no-ext4.img" > "$SCENARIO_DIR/initrd.img"
chunks=$(($(cpio -i --quiet --to-stdout ventoy/ventoy_image_map < "$FIXTURES/handover-ext4.cpio" | wc -c) / 24))
[ "$chunks" -ge 1 ] || fail "no image map in handover-ext4.cpio"
qemu_boot "$SCENARIO_DIR/boot.log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=live \
	vtoy.test=mounted:/run/live/medium || fail "qemu exited with $?"
log=$SCENARIO_DIR/boot.log
expect_line "$log" "vtoy-iso-scan: WARNING: @DEV@: cannot mount ext4 read-only: No such device (no kernel driver for it)"
expect_line "$log" "vtoy-iso-scan: using Ventoy's image map instead of the filesystem"
expect_line "$log" "vtoy-iso-scan: image mapped read-only from Ventoy's image map ($chunks chunk(s) on @DEV@) at /dev/mapper/ventoy"
expect_line "$log" "vtoy-iso-scan: ISO (iso9660, label DEBIAN_TEST) on /dev/mapper/ventoy mounted at /run/vtoy/medium"
expect_line "$log" "VTOYTEST: mounted /run/live/medium: /dev/mapper/ventoy iso9660 ro"
expect_line "$log" "VTOYTEST: root init started"
scenario_finish
