#!/bin/bash
# initramfs-tools integration: `make install` into a scratch root, then a
# real mkinitramfs with our hook and boot script (MODULES=list, so every
# module the boot needs must come from our hook), lsinitramfs shows our
# files, and `boot=vtoy persistent` boots twice: the marker survives. Then
# Ventoy's cpio is prepended, with the store picked in its menu, and a
# stand-in for Ventoy's own hook (tools/ventoy-fake-hook.sh, in
# init-premount, as Ventoy runs its hook before mountroot) builds Ventoy's
# device-mapper devices first: the chosen store, Ventoy's
# /dev/mapper/vtoy_persistent, is used and persists across two boots. A hook
# whose binary is missing fails the build with a message.
. "$(dirname "$0")/../scenario-env.sh"

kver=${KVER:-$(basename "$KERNEL" | sed 's/^vmlinuz-//')}
stage_install "$SCENARIO_DIR/stage" || fail "make install into a scratch root failed"

# A configuration directory of our own: the host's /etc is left alone.
conf=$SCENARIO_DIR/initramfs-tools
mkdir -p "$conf/hooks" "$conf/scripts" "$conf/conf.d"
printf 'MODULES=list\nBUSYBOX=auto\nCOMPRESS=zstd\n' > "$conf/initramfs.conf"
: > "$conf/modules"
cp "$SCENARIO_DIR/stage/usr/share/initramfs-tools/hooks/vtoy" "$conf/hooks/"
cp "$SCENARIO_DIR/stage/usr/share/initramfs-tools/scripts/vtoy" "$conf/scripts/"
# The stand-in for Ventoy's hook: it acts only when Ventoy's cpio is there.
mkdir -p "$conf/scripts/init-premount"
install -m 0755 "$here/tools/ventoy-fake-hook.sh" "$conf/scripts/init-premount/ventoy-fake"
cat > "$conf/hooks/ventoy-fake" <<HOOK
#!/bin/sh
case \$1 in prereqs) echo dmsetup; exit 0 ;; esac
. /usr/share/initramfs-tools/hook-functions
copy_exec "$FIXTURES/ventoy-fake-hook" /sbin/ventoy-fake-hook
copy_exec /sbin/dmsetup /sbin
HOOK
chmod 0755 "$conf/hooks/ventoy-fake"

initrd=$SCENARIO_DIR/initrd.img
mkinitramfs -d "$conf" -o "$initrd" "$kver" >"$SCENARIO_DIR/mkinitramfs.log" 2>&1 ||
	fail "mkinitramfs failed: $(tail -n 3 "$SCENARIO_DIR/mkinitramfs.log")"
lsinitramfs "$initrd" >"$SCENARIO_DIR/contents.txt"
for f in usr/sbin/vtoy usr/sbin/vtoy-iso-scan usr/sbin/vtoy-persist usr/sbin/vtoy-root usr/sbin/e2fsck scripts/vtoy \
	etc/vtoy/modules.list etc/e2fsck.conf; do
	grep -qx "$f" "$SCENARIO_DIR/contents.txt" || fail "lsinitramfs: $f is not in the image"
done
grep -qE "(^|[ /])sbin/cryptsetup( |$)" "$SCENARIO_DIR/contents.txt" || fail "lsinitramfs: cryptsetup is not in the image"
for m in overlay squashfs loop isofs exfat usb-storage xfs btrfs dm-crypt; do
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
expect_status "$SCENARIO_DIR/boot1.log" .store.convention casper
expect_status "$SCENARIO_DIR/boot1.log" .store.fsck clean
expect_status "$SCENARIO_DIR/boot1.log" .persistence.active true
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker inside casper-rw.dat after boot 1" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token"

echo "boot 2: expect $token"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$initrd" boot=vtoy "$iso" persistent "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"

token3=ventoy-$token
echo "boot 3: Ventoy's cpio, its menu picked casper-rw.dat, its hook made its devices: write $token3"
cat "$FIXTURES/handover-ubuntu-persist.cpio" "$initrd" > "$SCENARIO_DIR/initrd-ventoy.img"
log=$SCENARIO_DIR/boot3.log
qemu_boot "$log" "$STICK" "$SCENARIO_DIR/initrd-ventoy.img" boot=vtoy "vtoy.test=write:$token3" ||
	fail "boot 3: qemu exited with $?"
expect_line "$log" "ventoy-fake-hook: made /dev/mapper/vtoy_persistent"
expect_line "$log" "vtoy-iso-scan: /dev/mapper/ventoy exists already (Ventoy's own hook ran): using it"
expect_line "$log" "vtoy-iso-scan: Ventoy's data partition @DEV@ (exfat, label Ventoy) mounted read-only at /run/vtoy/data through /dev/mapper/"
expect_line "$log" "vtoy-persist: Ventoy's hook made /dev/mapper/vtoy_persistent for the persistence file chosen in its menu: using it"
expect_no_line "$log" "persistence not requested"
expect_status "$log" .medium.found_by ventoy
expect_status "$log" .medium.label Ventoy
expect_status "$log" .data.mounted true
expect_status "$log" .persistence.requested ventoy
expect_status "$log" .store.kind mapped-file
expect_status "$log" .store.source /dev/mapper/vtoy_persistent
expect_status "$log" .store.label casper-rw
expect_status "$log" .persistence.active true
expect_line "$log" "VTOYTEST: RESULT wrote $token3"
expect_equal "marker inside casper-rw.dat, written through Ventoy's device" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token3"

echo "boot 4: the same, expect $token3"
qemu_boot "$SCENARIO_DIR/boot4.log" "$STICK" "$SCENARIO_DIR/initrd-ventoy.img" boot=vtoy \
	"vtoy.test=expect:$token3" || fail "boot 4: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot4.log" "VTOYTEST: RESULT found $token3"

echo "a hook without its binary fails the build"
rm "$SCENARIO_DIR/stage/usr/sbin/vtoy"
if mkinitramfs -d "$conf" -o "$SCENARIO_DIR/broken.img" "$kver" >"$SCENARIO_DIR/broken.log" 2>&1; then
	fail "mkinitramfs succeeded without vtoy"
fi
expect_line "$SCENARIO_DIR/broken.log" "E: vtoy hook: $SCENARIO_DIR/stage/usr/sbin/vtoy is missing; reinstall vtoy-persist"
# mkinitramfs creates its output file first; it must stay empty.
[ ! -s "$SCENARIO_DIR/broken.img" ] || fail "mkinitramfs wrote an image although the hook failed"
scenario_finish
