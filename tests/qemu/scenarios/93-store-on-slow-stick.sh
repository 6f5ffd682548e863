#!/bin/bash
# A store on a second stick that is not ready when the medium is: the
# medium's stick is UAS (scanned at once), the store's a bulk-only stick
# whose usb-storage scan waits delay_use (5 s here, 1 s by default). Without
# waiting, the store search would run before the store's disk exists and
# the session would be temporary. One boot writes a marker; the host finds
# it in the store's rw/ (the wait, not persistence, is what is tested here).
. "$(dirname "$0")/../scenario-env.sh"

token=slow-$$-$RANDOM
iso='findiso="/ISO images/debian-test.iso"'
mkdir -p "$SCENARIO_DIR/persist"
echo "/ union" > "$SCENARIO_DIR/persist/persistence.conf"
make_ext4_disk "$SCENARIO_DIR/slow.img" 32 persistence "$SCENARIO_DIR/persist"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/slow.img" slow)"
STICK_DEVICE=$STICK_DEVICE_UAS

log=$SCENARIO_DIR/boot.log
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence usb_storage.delay_use=5 \
	"vtoy.test=write:$token" || fail "qemu exited with $?"
expect_line "$log" "vtoy-persist: waiting up to 10 s for 1 USB storage device(s) the kernel is still setting up"
expect_line "$log" "vtoy-persist: the USB storage devices are ready after"
expect_status "$log" .medium.label Ventoy
expect_status "$log" .store.label persistence
expect_status "$log" .persistence.mode store
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_equal "the marker in rw/ of the slow stick's store" \
	"$(part1_cat "$SCENARIO_DIR/slow.img" /rw/root/vtoy-marker.txt)" "$token"
scenario_finish
