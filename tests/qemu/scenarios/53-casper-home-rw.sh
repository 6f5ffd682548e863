#!/bin/bash
# casper's home-rw: with "persistent", a store labelled home-rw is mounted
# on /home, beside the root store (casper-rw.dat on the stick). Boots 1
# and 2: a home-rw partition on a second disk (write, then read back).
# Boot 3: a home-rw image file next to casper-rw.dat on the stick's exFAT
# partition, both image files used read-write at once. Boot 4: casper-rw.dat
# gone: the root on a tmpfs, /home still kept, and the log says which is which.
. "$(dirname "$0")/../scenario-env.sh"

token=home-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
mkdir -p "$SCENARIO_DIR/home"
echo "already here" > "$SCENARIO_DIR/home/old.txt"
make_ext4_disk "$SCENARIO_DIR/home.img" 32 home-rw "$SCENARIO_DIR/home"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/home.img" home)"

log=$SCENARIO_DIR/boot1.log
echo "boot 1: write $token"
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=home-write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: using store /run/vtoy/data/casper-rw.dat (ext4, label casper-rw)"
expect_line "$log" "vtoy-persist: casper: looking for a home-rw store for /home"
expect_line "$log" "vtoy-persist: candidate: partition @DEV@ (ext4, label home-rw)"
expect_line "$log" "vtoy-persist: e2fsck: home-rw: clean"
expect_line "$log" "vtoy-persist: /home is on @DEV@"
expect_no_line "$log" "changes under /home ARE kept"
expect_status "$log" .home.label home-rw
expect_status "$log" .home.kind partition
expect_status "$log" .home.fsck clean
expect_status "$log" .home.mounted true
expect_line "$log" "VTOYTEST: mount: @DEV@ /home ext4 rw"
expect_line "$log" "VTOYTEST: RESULT wrote $token to /home and /root"
expect_equal "vtoy-home.txt at the root of the home-rw partition" \
	"$(part1_cat "$SCENARIO_DIR/home.img" /vtoy-home.txt)" "$token"
expect_equal "old.txt still there" "$(part1_cat "$SCENARIO_DIR/home.img" /old.txt)" "already here"
expect_equal "root marker in casper-rw.dat" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token"
expect_equal "nothing of /home in casper-rw.dat" \
	"$(store_cat "$STICK" casper-rw.dat /upper/home/vtoy-home.txt; echo "[end]")" "[end]"

log=$SCENARIO_DIR/boot2.log
echo "boot 2: expect $token"
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=home-expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$log" "VTOYTEST: RESULT found $token in /home and /root"

log=$SCENARIO_DIR/boot3.log
token3=file-$token
echo "boot 3: a home-rw file on the stick, write $token3"
mkdir -p "$SCENARIO_DIR/homefs"
echo "in the file" > "$SCENARIO_DIR/homefs/old.txt"
mke2fs -q -F -t ext4 -L home-rw -d "$SCENARIO_DIR/homefs" "$SCENARIO_DIR/home-rw" 16M
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
cp "$SCENARIO_DIR/home-rw" "$SCENARIO_DIR/data/home-rw"
cleanup_mounts
QEMU_EXTRA=()
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=home-write:$token3" ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" "vtoy-persist: candidate: image file /home-rw on @DEV@ (ext4, label home-rw)"
expect_line "$log" "VTOYTEST: status: home:         /run/vtoy/data/home-rw (file, label home-rw, check clean) on /home"
expect_status "$log" .home.kind file
expect_status "$log" .home.source /run/vtoy/data/home-rw
expect_line "$log" "VTOYTEST: RESULT wrote $token3 to /home and /root"
expect_equal "vtoy-home.txt in the home-rw file" "$(store_cat "$STICK" home-rw /vtoy-home.txt)" "$token3"
expect_equal "old.txt in the home-rw file" "$(store_cat "$STICK" home-rw /old.txt)" "in the file"
expect_equal "root marker in casper-rw.dat" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token3"

log=$SCENARIO_DIR/boot4.log
token4=alone-$token
echo "boot 4: casper-rw.dat moved away, home-rw kept: write $token4"
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
mv "$SCENARIO_DIR/data/casper-rw.dat" "$SCENARIO_DIR/data/casper-rw.dat.away"
cleanup_mounts
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=home-write:$token4" ||
	fail "boot 4: qemu exited with $?"
expect_status "$log" .persistence.mode fallback-tmpfs
expect_status "$log" .home.source /run/vtoy/data/home-rw
expect_line "$log" "vtoy-persist: WARNING: changes under /home ARE kept on /run/vtoy/data/home-rw, although the rest of the root's are not (persistence: fallback-tmpfs)"
expect_equal "vtoy-home.txt in the home-rw file" "$(store_cat "$STICK" home-rw /vtoy-home.txt)" "$token4"
scenario_finish
