#!/bin/bash
# An XFS store made the way Ventoy's CreatePersistentImg.sh -t xfs -l
# persistence -c persistence.conf makes it (filled with 0xFF first,
# mkfs.xfs -K, "/ union" in persistence.conf), picked in Ventoy's menu for
# a live-boot ISO. Boot 1 writes a marker: no fsck step, the kernel replays
# the log as it mounts; the marker is in rw/ of the file afterwards. Boot 2
# finds it. Boot 3: the store's log cannot be replayed (a dirty log with
# garbage in its records): the mount is refused, the store is shown
# read-only without log replay under a tmpfs, and xfs_repair is named. (The
# kernel's own attempt may write to the log, clearing blocks past its head
# (xlog_clear_stale_blocks), as e2fsck's repairs would; nothing else does.)
# (mkfs.xfs makes filesystems under 300 MB only for its own test
# suite, whose environment variables are set here: a 64 MiB store keeps the
# stick small.)
. "$(dirname "$0")/../scenario-env.sh"

token=xfs-$$-$RANDOM
dir=$SCENARIO_DIR/files
mkdir -p "$dir"
echo "/ union" > "$dir/persistence.conf"
printf '/dev/null\n0 0\nd--755 0 0\npersistence.conf ---644 0 0 %s\n$\n' "$dir/persistence.conf" > "$dir/proto"
head -c 64M /dev/zero | tr '\000' '\377' > "$dir/persistence.dat"
TEST_DIR=1 TEST_DEV=1 QA_CHECK_FS=1 mkfs.xfs -q -K -L persistence -p "$dir/proto" "$dir/persistence.dat" ||
	fail "mkfs.xfs failed"
cat > "$dir/ventoy.json" <<'JSON'
{ "persistence": [ { "image": "/ISO/debian-test.iso", "backend": "/persistence.dat", "autosel": 1, "timeout": 5 } ] }
JSON
make_ventoy_stick "$STICK" 160 "$SCENARIO_DIR/mnt" "$dir/ventoy.json:ventoy/ventoy.json" \
	"$FIXTURES/debian-test.iso:ISO/debian-test.iso" "$dir/persistence.dat:persistence.dat"
ventoy_menu_initrd "$STICK" /ISO/debian-test.iso "$FIXTURES/debian-test.iso" "$SCENARIO_DIR/initrd.img" \
	"$dir/persistence.dat"

echo "boot 1: the XFS file picked in Ventoy's menu; write $token"
log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=live "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: Ventoy's persistence file is /persistence.dat (ventoy.json, and the map agrees)"
expect_line "$log" "vtoy-persist: using store /run/vtoy/data/persistence.dat (xfs, label persistence)"
expect_line "$log" "vtoy-persist: /run/vtoy/data/persistence.dat is xfs: no fsck step, the kernel replays its log as it mounts"
expect_status "$log" .store.fstype xfs
expect_status "$log" .store.label persistence
expect_status "$log" .store.kind file
expect_status "$log" .store.convention live-boot
expect_status "$log" .store.access read-write
expect_status "$log" .root.upper /run/vtoy/store/rw
expect_line "$log" "VTOYTEST: RESULT wrote $token"
# A copy, mounted read-write on the host so that its log is replayed: the
# test system powers off without unmounting the store.
stick_mount_data "$STICK" "$SCENARIO_DIR/data"
cp "$SCENARIO_DIR/data/persistence.dat" "$dir/after.dat"
cleanup_mounts
mkdir -p "$SCENARIO_DIR/xfs"
mount -o loop "$dir/after.dat" "$SCENARIO_DIR/xfs" || fail "cannot mount the XFS store on the host"
VTOY_MOUNTS+=("$SCENARIO_DIR/xfs")
expect_equal "marker in rw/ of the XFS store after boot 1" \
	"$(cat "$SCENARIO_DIR/xfs/rw/root/vtoy-marker.txt" 2>/dev/null)" "$token"
cleanup_mounts
rm -f "$dir/after.dat"

echo "boot 2: expect $token"
log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=live "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$log" "VTOYTEST: RESULT found $token"
expect_status "$log" .store.fstype xfs

# The store made unreplayable on the host: mounted (boot 2's log replayed),
# written, shut down with its log dirty, then garbage over its log records;
# written back in place, so that Ventoy's map still describes it.
stick_mount_data "$STICK" "$SCENARIO_DIR/data"
cp "$SCENARIO_DIR/data/persistence.dat" "$dir/broken.dat"
cleanup_mounts
mount -o loop "$dir/broken.dat" "$SCENARIO_DIR/xfs" || fail "cannot mount the XFS store on the host"
echo host > "$SCENARIO_DIR/xfs/rw/host-write.txt"
xfs_io -x -c "shutdown -f" "$SCENARIO_DIR/xfs" || fail "xfs_io shutdown failed"
umount "$SCENARIO_DIR/xfs"
logstart=$(xfs_db -r -c "sb 0" -c "p logstart" "$dir/broken.dat" | sed 's/.* = //')
daddr=$(xfs_db -r -c "convert fsblock $logstart daddr" "$dir/broken.dat" | sed 's/.*(\([0-9]*\)).*/\1/')
# The records between the log's tail and head (512-byte blocks from its start).
read -r tail head < <(xfs_logprint -t "$dir/broken.dat" 2>/dev/null |
	sed -n 's/.*log tail: \([0-9]*\) head: \([0-9]*\).*/\1 \2/p')
[ -n "$daddr" ] && [ -n "$tail" ] && [ "$head" -gt "$tail" ] ||
	fail "cannot find the XFS log's dirty records (start '$daddr', tail '$tail', head '$head')"
dd if=/dev/urandom of="$dir/broken.dat" bs=512 seek=$((daddr + tail)) count=$((head - tail)) \
	conv=notrunc status=none
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
dd if="$dir/broken.dat" of="$SCENARIO_DIR/data/persistence.dat" bs=1M conv=notrunc status=none
cleanup_mounts

echo "boot 3: the log cannot be replayed; expect $token, read-only"
log=$SCENARIO_DIR/boot3.log
qemu_boot "$log" "$STICK" "$SCENARIO_DIR/initrd.img" boot=live "vtoy.test=expect:$token" \
	vtoy.test=show:/run/vtoy/store/rw/host-write.txt || fail "boot 3: qemu exited with $?"
expect_line "$log" "vtoy-persist: error: cannot mount /run/vtoy/data/persistence.dat read-write: Structure needs cleaning"
expect_line "$log" "vtoy-persist: error: the kernel could not make the xfs store /run/vtoy/data/persistence.dat consistent: it is not written to; run xfs_repair on it from another system"
expect_line "$log" "vtoy-persist: WARNING: THE STORE IS READ-ONLY THIS SESSION: /run/vtoy/data/persistence.dat could not be made consistent"
expect_status "$log" .persistence.mode fallback-read-only-store
expect_status "$log" .store.access read-only
expect_line "$log" "VTOYTEST: RESULT found $token"
expect_line "$log" "VTOYTEST: show /run/vtoy/store/rw/host-write.txt: (absent)"
scenario_finish
