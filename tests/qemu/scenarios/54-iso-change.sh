#!/bin/bash
# The store remembers which root images it was last used with
# (.vtoy-medium at its root). Boot 1 with ubuntu-test.iso records them;
# the ISO is then replaced on the stick by a rebuilt one (its squashfs has
# an extra file, so another size and build time); boot 2 warns on the
# console, in the report and in 'vtoy-persist status', and still boots on
# the store; boot 3 with the same new ISO does not warn again.
. "$(dirname "$0")/../scenario-env.sh"

token=iso-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
change="the live image changed since this store was last used"

log=$SCENARIO_DIR/boot1.log
echo "boot 1: write $token with the original ISO"
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: live image filesystem.squashfs "
expect_line "$log" ": recorded in the store"
expect_no_line "$log" "$change"
expect_line "$log" "VTOYTEST: RESULT wrote $token"
record1=$(store_cat "$STICK" casper-rw.dat /.vtoy-medium)
expect_equal "record names the image" "$(echo "$record1" | grep -c '^VTOY_ROOT_IMAGES=filesystem.squashfs [0-9]* bytes, built ')" 1

echo "rebuilding the ISO with another squashfs"
work=$SCENARIO_DIR/rebuild
rm -rf "$work"
mkdir -p "$work"
unsquashfs -q -d "$work/root" "$FIXTURES/rootfs.squashfs" >/dev/null || fail "unsquashfs failed"
echo "added by scenario 54" > "$work/root/etc/vtoy-extra"
mkdir -p "$work/iso/casper" "$work/iso/.disk"
mksquashfs "$work/root" "$work/iso/casper/filesystem.squashfs" -noappend -all-root -comp gzip \
	-mkfs-time $(($(date +%s) + 3600)) -quiet >/dev/null || fail "mksquashfs failed"
echo "vtoy test live ISO (ubuntu layout, rebuilt)" > "$work/iso/.disk/info"
xorriso -as mkisofs -quiet -R -J -V UBUNTU_TEST -o "$work/new.iso" "$work/iso" 2>/dev/null ||
	fail "xorriso failed"
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
cp "$work/new.iso" "$SCENARIO_DIR/data/ISO images/ubuntu-test.iso"
cleanup_mounts

log=$SCENARIO_DIR/boot2.log
echo "boot 2: the rebuilt ISO"
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$log" "vtoy-persist: WARNING: $change (then: filesystem.squashfs "
expect_line "$log" "booting anyway"
expect_line "$log" "VTOYTEST: status: WARNING:      $change"
expect_line "$log" "VTOYTEST: status: persistence:  store (requested: casper)"
expect_line "$log" "VTOYTEST: RESULT found $token"
record2=$(store_cat "$STICK" casper-rw.dat /.vtoy-medium)
if [ -n "$record2" ] && [ "$record2" != "$record1" ]; then ok "the record was updated"; else
	fail "the record was not updated: '$record2'"; fi

log=$SCENARIO_DIR/boot3.log
echo "boot 3: the same rebuilt ISO again"
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=expect:$token" ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" ": the same as when the store was last used"
expect_no_line "$log" "$change"
expect_line "$log" "VTOYTEST: RESULT found $token"
scenario_finish
