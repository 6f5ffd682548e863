#!/bin/bash
# A store on a second stick whose disk the kernel has made, but whose
# partition table it is still reading, when vtoy-persist starts: the disk
# is in /sys and /dev, its partition not yet. Both sticks are bulk-only and
# scanned delay_use apart after binding, so the second stick's disk comes
# about when vtoy-iso-scan ends; reads from it are throttled to 2 a second
# (QEMU) until vtoy-persist has started, which makes the reading last about
# a second. A search in that time saw the whole disk only ("no filesystem
# found") and the session was temporary: the CI run of stop 31 lost scenario
# 40's second boot so. The open that vtoy-persist makes of each USB disk
# first waits for the kernel's read; the store is found and written to.
. "$(dirname "$0")/../scenario-env.sh"

token=table-$$-$RANDOM
iso='findiso="/ISO images/debian-test.iso"'
mkdir -p "$SCENARIO_DIR/persist"
echo "/ union" > "$SCENARIO_DIR/persist/persistence.conf"
make_ext4_disk "$SCENARIO_DIR/store.img" 32 persistence "$SCENARIO_DIR/persist"
read -r -a QEMU_EXTRA <<<"-drive if=none,id=store,format=raw,file=$SCENARIO_DIR/store.img,throttling.iops-read=2 -device usb-storage,bus=xhci.0,drive=store,removable=on"

log=$SCENARIO_DIR/boot.log
qemu_boot_monitor "$log" "$STICK" "$INITRD" "vtoy-persist: " "block_set_io_throttle store 0 0 0 0 0 0" \
	boot=live "$iso" persistence "vtoy.test=write:$token" || fail "qemu exited with $?"
expect_status "$log" .medium.label Ventoy
expect_status "$log" .store.label persistence
expect_status "$log" .store.kind partition
expect_status "$log" .persistence.mode store
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_equal "the marker in rw/ of the second stick's store" \
	"$(part1_cat "$SCENARIO_DIR/store.img" /rw/root/vtoy-marker.txt)" "$token"
# Whether this boot met the kernel mid-read (it did in 8 of 8 runs here;
# the store is asserted found either way).
if grep_line "$log" "vtoy-persist: waited for the kernel to finish reading the partition table of @DEV@" >/dev/null; then
	ok "vtoy-persist met the second stick's partition table being read, and waited for it"
else
	echo "    note: the second stick's disk did not come while vtoy-persist started; the store was found without the wait"
fi
scenario_finish
