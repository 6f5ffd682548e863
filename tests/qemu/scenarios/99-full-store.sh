#!/bin/bash
# A full store boots, and says so. Boot 1: casper-rw.dat (64 MiB) with a few
# MiB left: a warning with how full it is, and the status's store.space says
# nearly-full. Boot 2: the same store filled to ENOSPC: the boot still gets
# its persistent root, and the console and the status say that this
# session's changes cannot be saved. Boot 3: the stick was prepared wrong:
# an empty casper-rw and a casper-rw.dat of zeros (not formatted): each is
# named in a warning with the reason, and the session falls back to tmpfs.
. "$(dirname "$0")/../scenario-env.sh"

dir=$SCENARIO_DIR/files
mkdir -p "$dir/m"
# fill_store LEFT_MIB: casper-rw.dat on the stick, with about LEFT_MIB MiB
# left free in its upper/ (0: filled until ENOSPC)
fill_store() {
	stick_mount_data "$STICK" "$SCENARIO_DIR/data"
	cp "$SCENARIO_DIR/data/casper-rw.dat" "$dir/store.dat"
	cleanup_mounts
	mount -o loop "$dir/store.dat" "$dir/m" || fail "cannot mount the store on the host"
	mkdir -p "$dir/m/upper" "$dir/m/work"
	rm -f "$dir/m/upper/fill"
	if [ "$1" -gt 0 ]; then
		avail=$(df -B1M --output=avail "$dir/m" | tail -n 1)
		fallocate -l "$(((avail - $1) * 1024 * 1024))" "$dir/m/upper/fill"
	else
		dd if=/dev/zero of="$dir/m/upper/fill" bs=1M 2>/dev/null
		dd if=/dev/zero of="$dir/m/upper/fill2" bs=4k 2>/dev/null
	fi
	df -h "$dir/m" | tail -n 1 | sed 's/^/  host: /'
	umount "$dir/m"
	stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
	dd if="$dir/store.dat" of="$SCENARIO_DIR/data/casper-rw.dat" bs=1M conv=notrunc status=none
	cleanup_mounts
}
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'

echo "boot 1: the store has 4 MiB left"
fill_store 4
log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent vtoy.test=exists:/root ||
	fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: WARNING: the store /run/vtoy/data/casper-rw.dat is 9"
expect_status "$log" .store.space.state nearly-full
expect_status "$log" .persistence.mode store
expect_line "$log" "VTOYTEST: status: space:        9"

echo "boot 2: the store is full"
fill_store 0
log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent vtoy.test=exists:/root ||
	fail "boot 2: qemu exited with $?"
expect_line "$log" "vtoy-persist: WARNING: THE STORE IS FULL: /run/vtoy/data/casper-rw.dat has"
expect_line "$log" "this session's changes will not fit"
expect_status "$log" .store.space.state full
expect_status "$log" .store.space.used_percent 100
expect_status "$log" .persistence.mode store
expect_line "$log" "-- FULL: changes made now cannot be saved"

echo "boot 3: an empty casper-rw and an unformatted casper-rw.dat"
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
rm -f "$SCENARIO_DIR/data/casper-rw.dat"
: > "$SCENARIO_DIR/data/casper-rw"
head -c 2M /dev/zero > "$SCENARIO_DIR/data/casper-rw.dat"
cleanup_mounts
log=$SCENARIO_DIR/boot3.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent vtoy.test=exists:/root ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" "vtoy-persist: WARNING: /run/vtoy/data/casper-rw: skipped, only 0 bytes: too small to be a store"
expect_line "$log" "vtoy-persist: WARNING: /run/vtoy/data/casper-rw.dat: skipped, it holds no filesystem (not formatted, or damaged)"
expect_status "$log" .persistence.mode fallback-tmpfs
scenario_finish
