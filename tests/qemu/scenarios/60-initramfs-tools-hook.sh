#!/bin/bash
# initramfs-tools integration: `make install` into a scratch root, then a
# real mkinitramfs with our hook and boot script (MODULES=list, so every
# module the boot needs must come from our hook), lsinitramfs shows our
# files, and `boot=vtoy persistent` boots twice: the marker survives. A hook
# whose binary is missing fails the build with a message.
. "$(dirname "$0")/../scenario-env.sh"

kver=${KVER:-$(basename "$KERNEL" | sed 's/^vmlinuz-//')}
stage_install "$SCENARIO_DIR/stage" || fail "make install into a scratch root failed"

# A configuration directory of our own: the host's /etc is left alone.
conf=$SCENARIO_DIR/initramfs-tools
mkdir -p "$conf/hooks" "$conf/scripts" "$conf/conf.d"
printf 'MODULES=list\nBUSYBOX=auto\nCOMPRESS=gzip\n' > "$conf/initramfs.conf"
: > "$conf/modules"
cp "$SCENARIO_DIR/stage/usr/share/initramfs-tools/hooks/vtoy" "$conf/hooks/"
cp "$SCENARIO_DIR/stage/usr/share/initramfs-tools/scripts/vtoy" "$conf/scripts/"

initrd=$SCENARIO_DIR/initrd.img
mkinitramfs -d "$conf" -o "$initrd" "$kver" >"$SCENARIO_DIR/mkinitramfs.log" 2>&1 ||
	fail "mkinitramfs failed: $(tail -n 3 "$SCENARIO_DIR/mkinitramfs.log")"
lsinitramfs "$initrd" >"$SCENARIO_DIR/contents.txt"
for f in usr/sbin/vtoy-iso-scan usr/sbin/vtoy-persist usr/sbin/vtoy-root usr/sbin/e2fsck scripts/vtoy \
	etc/vtoy/modules.list etc/e2fsck.conf; do
	grep -qx "$f" "$SCENARIO_DIR/contents.txt" || fail "lsinitramfs: $f is not in the image"
done
for m in overlay squashfs loop isofs exfat usb-storage; do
	grep -qE "/$m\.ko" "$SCENARIO_DIR/contents.txt" || fail "lsinitramfs: module $m is not in the image"
done

token=hook-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
echo "boot 1: write $token"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$initrd" boot=vtoy "$iso" persistent "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-iso-scan: found /ISO images/ubuntu-test.iso on @DEV@ (exfat, label Ventoy"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: root ready at /root (persistence: store)"
expect_status "$SCENARIO_DIR/boot1.log" .store.source /run/vtoy/data/casper-rw.dat
expect_status "$SCENARIO_DIR/boot1.log" .store.kind file
expect_status "$SCENARIO_DIR/boot1.log" .store.layout casper
expect_status "$SCENARIO_DIR/boot1.log" .store.fsck clean
expect_status "$SCENARIO_DIR/boot1.log" .persistence.active true
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker inside casper-rw.dat after boot 1" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token"

echo "boot 2: expect $token"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$initrd" boot=vtoy "$iso" persistent "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"

echo "a hook without its binary fails the build"
rm "$SCENARIO_DIR/stage/usr/sbin/vtoy-persist"
if mkinitramfs -d "$conf" -o "$SCENARIO_DIR/broken.img" "$kver" >"$SCENARIO_DIR/broken.log" 2>&1; then
	fail "mkinitramfs succeeded without vtoy-persist"
fi
expect_line "$SCENARIO_DIR/broken.log" "E: vtoy hook: $SCENARIO_DIR/stage/usr/sbin/vtoy-persist is missing; reinstall vtoy-persist"
# mkinitramfs creates its output file first; it must stay empty.
[ ! -s "$SCENARIO_DIR/broken.img" ] || fail "mkinitramfs wrote an image although the hook failed"
scenario_finish
