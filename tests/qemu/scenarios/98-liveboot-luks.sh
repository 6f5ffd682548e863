#!/bin/bash
# Kali's encrypted persistence: a second stick whose partition is a LUKS
# volume holding an ext4 filesystem labelled persistence, with
# persistence.conf's "/ union" (booted with persistence
# persistence-encryption=luks). The passphrase is typed at the serial
# console when asked. Boot 1: right passphrase, a marker written; boot 2:
# right passphrase, the marker found; boot 3: three wrong passphrases: a
# temporary overlay, a loud warning, and the reason in the status; boot 4:
# persistence-encryption left at its default (none): the LUKS volume is
# not touched, no passphrase asked. No passphrase is ever on the console.
. "$(dirname "$0")/../scenario-env.sh"

token=luks-$$-$RANDOM
pass=right-$$-$RANDOM
iso='findiso="/ISO images/debian-test.iso"'
dir=$SCENARIO_DIR/files
mkdir -p "$dir/conf"
echo "/ union" > "$dir/conf/persistence.conf"
make_luks_fs "$dir/luks.fs" persistence "$pass" "$dir/conf"
disk_from_fs "$SCENARIO_DIR/luks.img" "$dir/luks.fs"
rm -f "$dir/luks.fs"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/luks.img" luks)"
prompt="Passphrase for the persistence store"

echo "boot 1: the right passphrase; write $token"
log=$SCENARIO_DIR/boot1.log
qemu_boot_typing "$log" "$STICK" "$INITRD" "$prompt" "$pass" boot=live "$iso" persistence \
	persistence-encryption=luks "vtoy.test=write:$token" || fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: @DEV@ (LUKS, uuid"
expect_line "$log" "is encrypted: asking for its passphrase on the console"
expect_line "$log" "unlocked at /dev/mapper/vtoy_luks_"
expect_status "$log" .store.label persistence
expect_status "$log" .store.convention live-boot
expect_status "$log" .persistence.mode store
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_no_line "$log" "$pass"

echo "boot 2: the right passphrase; expect $token"
log=$SCENARIO_DIR/boot2.log
qemu_boot_typing "$log" "$STICK" "$INITRD" "$prompt" "$pass" boot=live "$iso" persistence \
	persistence-encryption=luks "vtoy.test=expect:$token" || fail "boot 2: qemu exited with $?"
expect_line "$log" "VTOYTEST: RESULT found $token"
expect_no_line "$log" "$pass"

echo "boot 3: three wrong passphrases"
log=$SCENARIO_DIR/boot3.log
qemu_boot_typing "$log" "$STICK" "$INITRD" "$prompt" "wrong-1-$$"$'\n'"wrong-2-$$"$'\n'"wrong-3-$$" \
	boot=live "$iso" persistence persistence-encryption=luks vtoy.test=expect-none ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" "wrong passphrase for @DEV@ (LUKS, uuid"
expect_line "$log" "(try 3 of 3)"
expect_line "$log" "vtoy-persist: WARNING: THE ENCRYPTED STORE @DEV@ (LUKS, uuid"
expect_status "$log" .persistence.mode fallback-tmpfs
expect_status "$log" '.persistence.fallback_reason | test("stayed locked: no right passphrase in 3 tries")' true
expect_line "$log" "VTOYTEST: RESULT none"
expect_no_line "$log" "wrong-1-$$"
expect_no_line "$log" "wrong-3-$$"

echo "boot 4: persistence-encryption at its default: the LUKS volume is not touched"
before=$(sha256sum < "$SCENARIO_DIR/luks.img")
log=$SCENARIO_DIR/boot4.log
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence vtoy.test=expect-none ||
	fail "boot 4: qemu exited with $?"
expect_line "$log" "skipped, a LUKS volume (persistence-encryption=luks would unlock it)"
expect_no_line "$log" "$prompt"
expect_status "$log" .persistence.mode fallback-tmpfs
expect_equal "the LUKS stick, byte for byte, after boot 4" "$(sha256sum < "$SCENARIO_DIR/luks.img")" "$before"
scenario_finish
