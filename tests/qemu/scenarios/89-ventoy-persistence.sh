#!/bin/bash
# Ventoy's persistence. Boots 1-2: the user picked casper-rw.dat in Ventoy's
# menu, so Ventoy hands over its persistent map (no "persistent" on the
# command line); the data partition is mounted, so the file the map
# describes, found through ventoy.json, is looped by its path. Boot 3: an
# initramfs without exFAT cannot mount the data partition: the ISO and the
# store are both mapped through device-mapper, the store read-write. Boot 4:
# ventoy.json names two files for the Debian ISO and no autosel: none is
# picked, and that is said. Boot 5: nopersistent wins over Ventoy's menu.
. "$(dirname "$0")/../scenario-env.sh"
top=$(cd "$here/../.." && pwd)

token=vpersist-$$-$RANDOM
token2=vmapped-$$-$RANDOM
cat "$FIXTURES/handover-ubuntu-persist.cpio" "$INITRD" > "$SCENARIO_DIR/initrd.img"

echo "boot 1: write $token"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=casper \
	"vtoy.test=write:$token" || fail "boot 1: qemu exited with $?"
log=$SCENARIO_DIR/boot1.log
expect_line "$log" "vtoy-persist: Ventoy hands over a persistence file chosen in its menu (64 MiB)"
expect_line "$log" "vtoy-persist: Ventoy's persistence file is /casper-rw.dat (ventoy.json, and the map agrees)"
expect_line "$log" "vtoy-persist: using store /run/vtoy/data/casper-rw.dat (ext4, label casper-rw)"
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker inside casper-rw.dat after boot 1" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token"

echo "boot 2: expect $token"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=casper \
	"vtoy.test=expect:$token" || fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"

echo "boot 3: no exFAT driver: ISO and store through device-mapper; expect $token, write $token2"
grep -v '^exfat$' "$top/initramfs/modules.list" > "$SCENARIO_DIR/modules.list"
VTOY_MODULES_LIST=$SCENARIO_DIR/modules.list "$top/initramfs/build-image.sh" \
	"$SCENARIO_DIR/no-exfat.img" "${KVER:?}" "$top/build/bin" > "$SCENARIO_DIR/build.log" 2>&1 ||
	fail "building the initramfs without exfat failed"
cat "$FIXTURES/handover-ubuntu-persist.cpio" "$SCENARIO_DIR/no-exfat.img" > "$SCENARIO_DIR/initrd-dm.img"
qemu_boot "$SCENARIO_DIR/boot3.log" "$STICK" "$SCENARIO_DIR/initrd-dm.img" boot=casper \
	"vtoy.test=expect:$token" "vtoy.test=write:$token2" || fail "boot 3: qemu exited with $?"
log=$SCENARIO_DIR/boot3.log
expect_line "$log" "vtoy-iso-scan: image mapped read-only from Ventoy's image map"
expect_line "$log" "vtoy-persist: Ventoy's persistence file mapped read-write from its map (1 chunk(s) on @DEV@) at /dev/mapper/vtoy_persistent"
expect_line "$log" "vtoy-persist: e2fsck: casper-rw: clean"
expect_line "$log" "VTOYTEST: RESULT found $token"
expect_line "$log" "VTOYTEST: RESULT wrote $token2"
expect_equal "marker written through the device-mapper store in boot 3" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token2"

echo "boot 4: two files for the Debian ISO, no autosel: none picked"
cat "$FIXTURES/handover-debian.cpio" "$INITRD" > "$SCENARIO_DIR/initrd-debian.img"
qemu_boot "$SCENARIO_DIR/boot4.log" "$STICK" "$SCENARIO_DIR/initrd-debian.img" boot=live persistence \
	vtoy.test=expect-none || fail "boot 4: qemu exited with $?"
log=$SCENARIO_DIR/boot4.log
expect_line "$log" "vtoy-persist: WARNING: Ventoy's persistence plugin names 2 file(s) for /ISO images/debian-test.iso but chooses none"
expect_line "$log" "VTOYTEST: status: persistence:  fallback-tmpfs"
expect_line "$log" "VTOYTEST: RESULT none"

echo "boot 5: the menu's file, but nopersistent on the command line"
qemu_boot "$SCENARIO_DIR/boot5.log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=casper nopersistent \
	vtoy.test=expect-none || fail "boot 5: qemu exited with $?"
log=$SCENARIO_DIR/boot5.log
expect_line "$log" "vtoy-persist: Ventoy's persistence is not looked at: nopersistence/nopersistent given"
expect_line "$log" "VTOYTEST: RESULT none"
expect_equal "the store untouched by boot 5" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token2"
scenario_finish
