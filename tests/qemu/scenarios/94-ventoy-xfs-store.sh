#!/bin/bash
# An XFS store made the way Ventoy's CreatePersistentImg.sh -t xfs -l
# persistence -c persistence.conf makes it (filled with 0xFF first,
# mkfs.xfs -K, "/ union" in persistence.conf), picked in Ventoy's menu for
# a live-boot ISO. Boot 1 writes a marker: no fsck step, the kernel replays
# the log as it mounts; the marker is in rw/ of the file afterwards. Boot 2
# finds it. (mkfs.xfs makes filesystems under 300 MB only for its own test
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
"$FIXTURES/ventoy-handover" "$STICK" 1 0 /ISO/debian-test.iso "$FIXTURES/debian-test.iso" \
	"$SCENARIO_DIR/handover" "$dir/persistence.dat" >/dev/null || fail "ventoy-handover failed"
make_cpio "$SCENARIO_DIR/handover" "$SCENARIO_DIR/handover.cpio"
cat "$SCENARIO_DIR/handover.cpio" "$INITRD" > "$SCENARIO_DIR/initrd.img"

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
scenario_finish
