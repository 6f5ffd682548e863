#!/bin/bash
# A clean way out, with a real Debian 12 systemd root (minbase, built by
# mmdebstrap and cached): casper persistence from a casper-rw.dat on the
# stick's exFAT partition. Boot 1 writes a marker and powers off with
# systemctl: systemd runs /run/initramfs/shutdown (vtoy-persist put it
# there), which unmounts the overlay, the store, the ISO and the data
# partition. Then the store's superblock is clean without needs_recovery,
# fsck.exfat finds the data partition clean, and systemd printed no
# "Failed unmounting" for our mounts. Boot 2 finds the marker, its e2fsck
# replays no journal, and the status says the last shutdown was clean; it
# writes another marker, and the power is cut. Boot 3 finds that marker
# and says the last shutdown was not clean.
. "$(dirname "$0")/../scenario-env.sh"

systemd_root_iso
token=clean-$$-$RANDOM
token2=cut-$$-$RANDOM
iso='iso-scan/filename=/ISO/systemd-test.iso'
rm -f "$SCENARIO_DIR/casper-rw.dat"
mke2fs -q -F -t ext4 -L casper-rw "$SCENARIO_DIR/casper-rw.dat" 64M >/dev/null
make_ventoy_stick "$STICK" 192 "$SCENARIO_DIR/mnt" "$SYSTEMD_ISO:ISO/systemd-test.iso" \
	"$SCENARIO_DIR/casper-rw.dat:casper-rw.dat"

# exfat_check IMG: fsck.exfat -n on the stick's data partition
exfat_check() {
	local start size dev out
	read -r start size < <(sfdisk -d "$1" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\), type=7.*/\1 \2/p')
	dev=$(loop_attach "$1" "$start" "$size" ro) || return 1
	out=$(fsck.exfat -n "$dev" 2>&1)
	local rc=$?
	losetup -d "$dev"
	echo "$out" | tail -n 2
	return $rc
}

# store_features IMG: the ext4 features of casper-rw.dat on the stick
store_features() {
	local mnt
	mnt=$(mktemp -d)
	stick_mount_data "$1" "$mnt"
	dumpe2fs -h "$mnt/casper-rw.dat" 2>/dev/null | sed -n 's/^Filesystem features: *//p'
	cleanup_mounts
	rmdir "$mnt"
}

echo "boot 1: write $token, then systemctl poweroff"
log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: /run/initramfs/shutdown installed"
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_status "$log" .store.label casper-rw
expect_line "$log" "vtoy-shutdown: unmounting the old root /oldroot and everything below it, then poweroff"
expect_line "$log" "vtoy-shutdown: everything below /oldroot is unmounted: the store is clean"
expect_no_line "$log" "Failed unmounting"
expect_line "$log" "reboot: Power down"
features=$(store_features "$STICK")
case " $features " in
*" has_journal "*) ok "the store has its journal ($features)" ;;
*) fail "the store's features could not be read: '$features'" ;;
esac
case " $features " in
*" needs_recovery "*) fail "the store needs journal recovery after a clean poweroff: $features" ;;
*) ok "the store's superblock has no needs_recovery" ;;
esac
if out=$(exfat_check "$STICK"); then ok "fsck.exfat -n: the data partition is clean"; else fail "fsck.exfat -n: $out"; fi
expect_equal "marker in casper-rw.dat after boot 1" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token"

echo "boot 2: expect $token, no journal to replay; write $token2, then the power is cut"
log=$SCENARIO_DIR/boot2.log
qemu_boot_cut "$log" "$STICK" "$INITRD" "holding: cut the power now" "$iso" persistent \
	"vtoy.test=expect:$token" "vtoy.test=hold:$token2" || fail "boot 2: the power cut did not happen as planned"
expect_line "$log" "VTOYTEST: RESULT found $token"
expect_no_line "$log" "recovering journal"
expect_no_line "$log" "was not unmounted cleanly"
expect_status "$log" .store.last_shutdown clean
expect_line "$log" "VTOYTEST: RESULT wrote $token2"
case " $(store_features "$STICK") " in
*" needs_recovery "*) ok "after the cut, the store needs journal recovery" ;;
*) fail "after the cut, the store does not need journal recovery: nothing tested below" ;;
esac

echo "boot 3: expect $token2; the last shutdown was not clean"
log=$SCENARIO_DIR/boot3.log
qemu_boot "$log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=expect:$token2" ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" "vtoy-persist: WARNING: /run/vtoy/data/casper-rw.dat was not unmounted cleanly when last used"
expect_line "$log" "VTOYTEST: RESULT found $token2"
expect_status "$log" .store.last_shutdown unclean
scenario_finish
