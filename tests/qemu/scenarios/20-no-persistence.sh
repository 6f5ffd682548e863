#!/bin/bash
# Without "persistent" the root overlay is a tmpfs: boot 1 writes a marker
# (findiso=, Debian live/ layout), the store on the stick is left untouched,
# and boot 2 does not see the marker; there the user remounts the data
# partition read-write by hand, and the status follows.
. "$(dirname "$0")/../scenario-env.sh"

token=volatile-$$-$RANDOM
iso='findiso="/ISO images/debian-test.iso"'
store_before=$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt; echo "[end]")

echo "boot 1: write $token without persistence"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$INITRD" "$iso" "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-iso-scan: live medium ready: /ISO images/debian-test.iso on @DEV@, 1 root image(s) from live/"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: persistence not requested: root overlay on tmpfs"
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: status: persistence:  tmpfs (requested: no)"
expect_status "$SCENARIO_DIR/boot1.log" .persistence.mode tmpfs
expect_status "$SCENARIO_DIR/boot1.log" .persistence.requested no
expect_status "$SCENARIO_DIR/boot1.log" .medium.label Ventoy
expect_status "$SCENARIO_DIR/boot1.log" .data.access read-only
expect_status "$SCENARIO_DIR/boot1.log" .store null
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
expect_no_line "$SCENARIO_DIR/boot1.log" "remounted read-write"
expect_equal "store image after boot 1 (untouched)" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt; echo "[end]")" "$store_before"

echo "boot 2: the marker must be gone; remount the data partition read-write"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$INITRD" "$iso" vtoy.test=expect-none \
	vtoy.test=remount-data-rw || fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT none"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT remounted"
expect_status "$SCENARIO_DIR/boot2.log" .data.access read-write
scenario_finish
