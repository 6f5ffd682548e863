#!/bin/bash
# A slow stick: the machine boots with an empty disk only; the Ventoy stick is
# plugged in (QEMU monitor) once vtoy-iso-scan says it is looking. The
# uevent wait finds it at once, long before the 30 s deadline.
. "$(dirname "$0")/../scenario-env.sh"

truncate -s 8M "$SCENARIO_DIR/empty.img"
qemu_boot_attach_late "$SCENARIO_DIR/boot.log" "$SCENARIO_DIR/empty.img" "$INITRD" \
	"vtoy-iso-scan: looking for" "$STICK" boot=live '"findiso=/ISO images/debian-test.iso"' \
	vtoy.test=show:/etc/hostname ||
	fail "qemu exited with $?"
log=$SCENARIO_DIR/boot.log
expect_line "$log" "vtoy-iso-scan: looking for /ISO images/debian-test.iso (findiso=) on every partition, for up to 30 s"
expect_line "$log" "vtoy-iso-scan: found /ISO images/debian-test.iso on @DEV@ (exfat, label Ventoy)"
expect_line "$log" "VTOYTEST: root init started"
expect_status "$log" .medium.label Ventoy
expect_status "$log" .medium.whole_disk false
waited=$(sed -n 's/.*vtoy-iso-scan: medium found after \([0-9]*\) ms.*/\1/p' "$log" | head -n 1)
[ -n "$waited" ] || fail "no 'medium found after' line"
[ -n "$waited" ] && [ "$waited" -lt 25000 ] && ok "found ${waited} ms after the search started (deadline 30000 ms)" ||
	fail "found after ${waited:-?} ms: the wait did not end on the device event"
grep -q "device_add" "$log.plug" || fail "the stick was never plugged in"
scenario_finish
