#!/bin/bash
# persistence-media=removable: an internal (SATA) disk carrying a
# "persistence" store is not used, and says why; without the option the
# same disk is used. The internal disk is written only in the second boot.
. "$(dirname "$0")/../scenario-env.sh"

iso='findiso="/ISO images/debian-test.iso"'
mkdir -p "$SCENARIO_DIR/fs"
echo "/ union" > "$SCENARIO_DIR/fs/persistence.conf"
make_ext4_disk "$SCENARIO_DIR/internal.img" 48 persistence "$SCENARIO_DIR/fs"
QEMU_EXTRA=(-drive "if=none,id=internal,format=raw,file=$SCENARIO_DIR/internal.img"
	-device ide-hd,drive=internal,bus=ide.0)
before=$(sha256sum < "$SCENARIO_DIR/internal.img")

log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence persistence-media=removable \
	vtoy.test=write:x || fail "boot 1: qemu exited with $?"
expect_line "$log" "skipped, not on a removable disk (persistence-media=removable)"
expect_line "$log" "vtoy-persist: WARNING: persistence was asked for, but no store labelled persistence was found"
expect_line "$log" "VTOYTEST: status: persistence:  fallback-tmpfs (requested: live-boot)"
expect_equal "the internal disk, byte for byte" "$(sha256sum < "$SCENARIO_DIR/internal.img")" "$before"

log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence vtoy.test=write:y ||
	fail "boot 2: qemu exited with $?"
expect_line "$log" "(ext4, label persistence)"
expect_line "$log" "VTOYTEST: status: persistence:  store (requested: live-boot)"
scenario_finish
