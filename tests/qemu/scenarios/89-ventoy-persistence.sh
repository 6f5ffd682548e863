#!/bin/bash
# Ventoy's persistence. Boots 1-2: the user picked casper-rw.dat in Ventoy's
# menu, so Ventoy hands over its persistent map (no "persistent" on the
# command line); the data partition is mounted, so the file the map
# describes, found through ventoy.json, is looped by its path. Boot 3: an
# initramfs without exFAT cannot mount the data partition: the ISO and the
# store are both mapped through device-mapper, the store read-write. Boot 4:
# ventoy.json offers two files for the Debian ISO and Ventoy's cpio hands
# over no persistent map: its menu declined persistence, and that is final
# (no advice to set autosel). Boot 5: nopersistent wins over Ventoy's menu.
# Boot 6: "Boot without persistence" picked for the Ubuntu ISO, `persistent`
# on the command line: no store, although casper-rw.dat is there. Boot 7:
# the file picked in the menu cannot be used (ventoy.json no longer lists
# it): a fallback that says what was requested and why.
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

echo "boot 4: two files for the Debian ISO, no persistent map: the menu declined"
cat "$FIXTURES/handover-debian.cpio" "$INITRD" > "$SCENARIO_DIR/initrd-debian.img"
qemu_boot "$SCENARIO_DIR/boot4.log" "$STICK" "$SCENARIO_DIR/initrd-debian.img" boot=live persistence \
	vtoy.test=expect-none || fail "boot 4: qemu exited with $?"
log=$SCENARIO_DIR/boot4.log
expect_line "$log" "vtoy-persist: Ventoy's menu declined persistence for /ISO images/debian-test.iso: /ventoy/ventoy.json entry 2 offers 2 file(s) and none was handed over"
expect_no_line "$log" "autosel\" in"
expect_status "$log" .persistence.requested declined-in-ventoy-menu
expect_status "$log" .persistence.mode tmpfs
expect_status "$log" .store null
expect_line "$log" "VTOYTEST: RESULT none"

echo "boot 5: the menu's file, but nopersistent on the command line"
qemu_boot "$SCENARIO_DIR/boot5.log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=casper nopersistent \
	vtoy.test=expect-none || fail "boot 5: qemu exited with $?"
log=$SCENARIO_DIR/boot5.log
expect_line "$log" "vtoy-persist: Ventoy's persistence is not looked at: nopersistence/nopersistent given"
expect_line "$log" "VTOYTEST: RESULT none"
expect_equal "the store untouched by boot 5" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token2"

echo "boot 6: \"Boot without persistence\" picked in the menu, persistent on the command line"
cat "$FIXTURES/handover-ubuntu.cpio" "$INITRD" > "$SCENARIO_DIR/initrd-declined.img"
log=$SCENARIO_DIR/boot6.log
qemu_boot "$log" "$STICK" "$SCENARIO_DIR/initrd-declined.img" boot=casper persistent \
	vtoy.test=expect-none || fail "boot 6: qemu exited with $?"
expect_line "$log" "vtoy-persist: Ventoy's menu declined persistence for /ISO images/ubuntu-test.iso: /ventoy/ventoy.json entry 1 offers 1 file(s) and none was handed over (\"Boot without persistence\" was picked)"
expect_line "$log" "vtoy-persist: persistent on the command line is not acted upon: Ventoy's menu decided against persistence"
expect_no_line "$log" "using store"
expect_status "$log" .persistence.requested declined-in-ventoy-menu
expect_status "$log" .persistence.mode tmpfs
expect_status "$log" .store null
expect_line "$log" "VTOYTEST: RESULT none"
expect_equal "the store untouched by boot 6" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token2"

echo "boot 7: the file picked in the menu is not in ventoy.json any more: a fallback of a request"
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
sed -i 's|"backend": "/casper-rw.dat", "autosel"|"backend": "/other.dat", "autosel"|' "$SCENARIO_DIR/data/ventoy/ventoy.json"
grep -q '"/other.dat", "autosel"' "$SCENARIO_DIR/data/ventoy/ventoy.json" || fail "ventoy.json not edited"
cleanup_mounts
log=$SCENARIO_DIR/boot7.log
qemu_boot "$log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=casper vtoy.test=expect-none ||
	fail "boot 7: qemu exited with $?"
expect_line "$log" "vtoy-persist: error: Ventoy's persistence map names a file that /ventoy/ventoy.json does not list"
expect_line "$log" "vtoy-persist: WARNING: the file picked in Ventoy's menu cannot be used (see above)"
expect_no_line "$log" "persistence not requested"
expect_status "$log" .persistence.requested ventoy
expect_status "$log" .persistence.mode fallback-tmpfs
expect_status "$log" .persistence.fallback_reason "the persistence file Ventoy names cannot be found"
expect_line "$log" "VTOYTEST: RESULT none"
scenario_finish
