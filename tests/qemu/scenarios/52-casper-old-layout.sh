#!/bin/bash
# A casper-rw partition in casper's old layout (changes at the store root,
# no upper/): it is migrated the way casper does it, and the live system
# sees the old changes.
. "$(dirname "$0")/../scenario-env.sh"

token=legacy-$$-$RANDOM
mkdir -p "$SCENARIO_DIR/fs/root" "$SCENARIO_DIR/fs/etc" "$SCENARIO_DIR/fs/log"
echo "$token" > "$SCENARIO_DIR/fs/root/vtoy-marker.txt"
echo "old-host" > "$SCENARIO_DIR/fs/etc/hostname"
echo "casper log" > "$SCENARIO_DIR/fs/log/casper.log"
make_ext4_disk "$SCENARIO_DIR/old.img" 48 casper-rw "$SCENARIO_DIR/fs"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/old.img" old)"
# The stick's own casper-rw.dat would tie with the partition: take it away
# so that the partition is the only store.
mnt=$(mktemp -d)
stick_mount_data "$STICK" "$mnt" rw
rm -f "$mnt/casper-rw.dat"
cleanup_mounts
rmdir "$mnt"

log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" 'iso-scan/filename="/ISO images/ubuntu-test.iso"' persistent \
	"vtoy.test=expect:$token" || fail "qemu exited with $?"
expect_line "$log" "vtoy-persist: the store has casper's old layout (changes at its root): moving them into upper/"
expect_line "$log" "vtoy-persist: moved 2 entries into upper/"
expect_line "$log" "VTOYTEST: RESULT found $token"
expect_equal "marker now in upper/" "$(part1_cat "$SCENARIO_DIR/old.img" /upper/root/vtoy-marker.txt)" "$token"
expect_equal "etc/ moved too" "$(part1_cat "$SCENARIO_DIR/old.img" /upper/etc/hostname)" "old-host"
expect_equal "log/ stays at the root" "$(part1_cat "$SCENARIO_DIR/old.img" /log/casper.log)" "casper log"
expect_equal "nothing left at the old place" "$(part1_cat "$SCENARIO_DIR/old.img" /root/vtoy-marker.txt; echo "[end]")" "[end]"
scenario_finish
