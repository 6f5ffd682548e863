#!/bin/bash
# Ventoy's encrypted persistence file (CreatePersistentImg.sh -e: the whole
# .dat a LUKS container, the filesystem labelled casper-rw inside) picked
# in Ventoy's menu for a casper ISO. Boot 1: the passphrase typed at the
# console; the file is unlocked (cryptsetup loops it), a marker written.
# Boot 2: unlocked again, the marker found. No passphrase on the console.
# Boot 3: three wrong passphrases: a temporary overlay, and the data
# partition, made writable for cryptsetup, read-only again. Boot 4: another
# stick whose encrypted file is full: unlocked, then no room for the upper:
# a temporary overlay, the file locked again, its partition read-only.
. "$(dirname "$0")/../scenario-env.sh"

token=vluks-$$-$RANDOM
pass=ventoy-$$-$RANDOM
dir=$SCENARIO_DIR/files
mkdir -p "$dir"
make_luks_fs "$dir/casper-rw.dat" casper-rw "$pass"
cat > "$dir/ventoy.json" <<'JSON'
{ "persistence": [ { "image": "/ISO/ubuntu-test.iso", "backend": "/casper-rw.dat", "autosel": 1 } ] }
JSON
make_ventoy_stick "$STICK" 128 "$SCENARIO_DIR/mnt" "$dir/ventoy.json:ventoy/ventoy.json" \
	"$FIXTURES/ubuntu-test.iso:ISO/ubuntu-test.iso" "$dir/casper-rw.dat:casper-rw.dat"
ventoy_menu_initrd "$STICK" /ISO/ubuntu-test.iso "$FIXTURES/ubuntu-test.iso" "$SCENARIO_DIR/initrd.img" \
	"$dir/casper-rw.dat"
prompt="Passphrase for the persistence store"

echo "boot 1: the encrypted file picked in Ventoy's menu; write $token"
log=$SCENARIO_DIR/boot1.log
qemu_boot_typing "$log" "$STICK" "$SCENARIO_DIR/initrd.img" "$prompt" "$pass" boot=casper \
	"vtoy.test=write:$token" || fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: Ventoy's persistence file is /casper-rw.dat (ventoy.json, and the map agrees)"
expect_line "$log" "vtoy-persist: Ventoy's persistence file /casper-rw.dat (LUKS) unlocked at /dev/mapper/vtoy_luks_ventoy"
expect_status "$log" .store.kind mapped-file
expect_status "$log" .store.label casper-rw
expect_status "$log" .persistence.mode store
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_no_line "$log" "$pass"

echo "boot 2: unlocked again; expect $token"
log=$SCENARIO_DIR/boot2.log
qemu_boot_typing "$log" "$STICK" "$SCENARIO_DIR/initrd.img" "$prompt" "$pass" boot=casper \
	"vtoy.test=expect:$token" || fail "boot 2: qemu exited with $?"
expect_line "$log" "VTOYTEST: RESULT found $token"
expect_no_line "$log" "$pass"

echo "boot 3: three wrong passphrases: a temporary overlay, the data partition read-only again"
log=$SCENARIO_DIR/boot3.log
qemu_boot_typing "$log" "$STICK" "$SCENARIO_DIR/initrd.img" "$prompt" "wrong-1-$$"$'\n'"wrong-2-$$"$'\n'"wrong-3-$$" \
	boot=casper vtoy.test=expect-none || fail "boot 3: qemu exited with $?"
expect_line "$log" "(try 3 of 3)"
expect_status "$log" .persistence.mode fallback-tmpfs
expect_status "$log" '.persistence.fallback_reason | test("stayed locked")' true
# It was made writable for cryptsetup; with no store on it, it must not
# stay so (an exFAT left dirty by a pulled plug, writes nobody asked for).
expect_line "$log" "remounted read-only again: no store on it is written to"
expect_status "$log" .data.access read-only
expect_line "$log" "VTOYTEST: RESULT none"
expect_no_line "$log" "wrong-1-$$"
expect_no_line "$log" "wrong-3-$$"

echo "boot 4: the encrypted file full: unlocked, given up, locked again"
full=$SCENARIO_DIR/full-stick.img
make_luks_fs "$dir/full.dat" casper-rw "$pass" "" full
make_ventoy_stick "$full" 128 "$SCENARIO_DIR/mnt" "$dir/ventoy.json:ventoy/ventoy.json" \
	"$FIXTURES/ubuntu-test.iso:ISO/ubuntu-test.iso" "$dir/full.dat:casper-rw.dat"
ventoy_menu_initrd "$full" /ISO/ubuntu-test.iso "$FIXTURES/ubuntu-test.iso" "$SCENARIO_DIR/full-initrd.img" \
	"$dir/full.dat"
log=$SCENARIO_DIR/boot4.log
qemu_boot_typing "$log" "$full" "$SCENARIO_DIR/full-initrd.img" "$prompt" "$pass" boot=casper \
	vtoy.test=exists:/dev/mapper/vtoy_luks_ventoy || fail "boot 4: qemu exited with $?"
expect_line "$log" "vtoy-persist: Ventoy's persistence file /casper-rw.dat (LUKS) unlocked at /dev/mapper/vtoy_luks_ventoy"
expect_status "$log" .persistence.mode fallback-tmpfs
expect_status "$log" '.persistence.fallback_reason | test("No space left on device")' true
expect_line "$log" "VTOYTEST: exists /dev/mapper/vtoy_luks_ventoy: no"
expect_line "$log" "vtoy-persist: /run/vtoy/data remounted read-only again: no store on it is written to"
expect_status "$log" .data.access read-only
expect_no_line "$log" "$pass"
scenario_finish
