#!/bin/bash
# A "persistence" partition without persistence.conf: live-boot ignores it
# silently; we ignore it too, but say so and how to fix it, and boot on a
# temporary overlay without writing to it, even when persistence-remove asks
# to empty the store (it only empties a volume that is used).
. "$(dirname "$0")/../scenario-env.sh"

mkdir -p "$SCENARIO_DIR/persist/notes"
echo "user data" > "$SCENARIO_DIR/persist/notes/keep.txt"
make_ext4_disk "$SCENARIO_DIR/no-conf.img" 48 persistence "$SCENARIO_DIR/persist"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/no-conf.img" noconf)"

log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" boot=live 'findiso="/ISO images/debian-test.iso"' persistence persistence-remove vtoy.test=write:x ||
	fail "qemu exited with $?"
expect_line "$log" "vtoy-persist: WARNING: @DEV@ has no persistence.conf: live-boot ignores such a volume, and so do we."
expect_line "$log" "vtoy-persist: WARNING: persistence is NOT active"
expect_line "$log" "VTOYTEST: status: persistence:  fallback-tmpfs (requested: live-boot)"
expect_line "$log" "VTOYTEST: RESULT wrote x"
expect_no_line "$log" "persistence-remove: deleting everything"
expect_equal "the partition's data" "$(part1_cat "$SCENARIO_DIR/no-conf.img" /notes/keep.txt)" "user data"
expect_equal "no rw/ created on it" "$(part1_cat "$SCENARIO_DIR/no-conf.img" /rw/root/vtoy-marker.txt; echo "[end]")" "[end]"
scenario_finish
