#!/bin/bash
# dracut integration: `make install` into a scratch root, then a real dracut
# (no-hostonly, --add vtoy) from a copy of dracut's base directory holding
# our module; lsinitrd shows our files; `rd.vtoy persistent` boots through
# systemd's initrd and writes a marker. Then Ventoy's cpio is prepended,
# with the store picked in its menu, and a stand-in for Ventoy's own hook
# (tools/ventoy-fake-hook.sh, a pre-mount hook of a test module) builds
# Ventoy's device-mapper devices first: Ventoy's /dev/mapper/vtoy_persistent
# is used, the first marker is there and a second is written; the next
# boot (activated by `root=vtoy`) finds it, and so does one from an image
# without systemd (dracut's shell init and our mount hook). A module whose
# binary is missing fails the build with a message.
. "$(dirname "$0")/../scenario-env.sh"

kver=${KVER:-$(basename "$KERNEL" | sed 's/^vmlinuz-//')}
stage_install "$SCENARIO_DIR/stage" || fail "make install into a scratch root failed"

# dracut reads its modules from dracutbasedir: a copy, so that the host's
# dracut is left alone.
base=$SCENARIO_DIR/dracut
cp -a /usr/lib/dracut "$base"
cp -a "$SCENARIO_DIR/stage/usr/lib/dracut/modules.d/55vtoy" "$base/modules.d/"
# The stand-in for Ventoy's hook: it acts only when Ventoy's cpio is there.
# dracut sources its hooks: the script runs in a shell of its own.
mkdir -p "$base/modules.d/99ventoyfake"
cat > "$base/modules.d/99ventoyfake/module-setup.sh" <<MODULE
#!/bin/bash
check() { return 255; }
depends() { echo dm; }
install() {
    inst_simple "$FIXTURES/ventoy-fake-hook" /sbin/ventoy-fake-hook
    inst_simple "$here/tools/ventoy-fake-hook.sh" /sbin/ventoy-fake-hook.sh
    inst_multiple dmsetup readlink basename dirname mknod mv sleep
    inst_hook pre-mount 05 "\$moddir/ventoy-fake.sh"
}
MODULE
echo 'sh /sbin/ventoy-fake-hook.sh' > "$base/modules.d/99ventoyfake/ventoy-fake.sh"
mkdir -p "$SCENARIO_DIR/no-conf.d"
# gzip -1 and no stripping: a no-hostonly image took 77 s to build here,
# 23 s so; our module does not depend on either.
build() {
	dracutbasedir=$base dracut --conf /dev/null --confdir "$SCENARIO_DIR/no-conf.d" \
		--no-hostonly --compress "gzip -1" --nostrip --add "vtoy ventoyfake" --force --kver "$kver" "$@"
}

initrd=$SCENARIO_DIR/initrd.img
build "$initrd" >"$SCENARIO_DIR/dracut.log" 2>&1 ||
	fail "dracut failed: $(tail -n 3 "$SCENARIO_DIR/dracut.log")"
lsinitrd "$initrd" >"$SCENARIO_DIR/contents.txt" 2>&1
for f in sbin/vtoy sbin/vtoy-iso-scan sbin/vtoy-persist sbin/e2fsck etc/vtoy/modules.list \
	sbin/vtoy-root lib/dracut/hooks/cmdline/20-vtoy-cmdline.sh lib/systemd/system-generators/vtoy-generator lib/systemd/system/vtoy-root.service; do
	grep -qE " (usr/)?$f( |$)" "$SCENARIO_DIR/contents.txt" || fail "lsinitrd: $f is not in the image"
done
grep -qE "(^|[ /])sbin/cryptsetup( |$)" "$SCENARIO_DIR/contents.txt" || fail "lsinitrd: cryptsetup is not in the image"
for m in overlay squashfs loop isofs exfat usb-storage xfs btrfs dm-crypt; do
	grep -qE "/$m\.ko" "$SCENARIO_DIR/contents.txt" || fail "lsinitrd: module $m is not in the image"
done

token=dracut-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
echo "boot 1: write $token"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$initrd" rd.vtoy "$iso" persistent "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-iso-scan: found /ISO images/ubuntu-test.iso on @DEV@ (exfat, label Ventoy"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: root ready at /sysroot (persistence: store)"
expect_status "$SCENARIO_DIR/boot1.log" .store.source /run/vtoy/data/casper-rw.dat
expect_status "$SCENARIO_DIR/boot1.log" .store.kind file
expect_status "$SCENARIO_DIR/boot1.log" .store.convention casper
expect_status "$SCENARIO_DIR/boot1.log" .store.fsck clean
expect_status "$SCENARIO_DIR/boot1.log" .persistence.active true
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
expect_equal "marker inside casper-rw.dat after boot 1" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token"

token4=ventoy-$token
echo "boot 2: Ventoy's cpio, its menu picked casper-rw.dat, its hook made its devices: expect $token, write $token4"
cat "$FIXTURES/handover-ubuntu-persist.cpio" "$initrd" > "$SCENARIO_DIR/initrd-ventoy.img"
log=$SCENARIO_DIR/boot-ventoy1.log
qemu_boot "$log" "$STICK" "$SCENARIO_DIR/initrd-ventoy.img" rd.vtoy "vtoy.test=swap:$token:$token4" ||
	fail "Ventoy boot 1: qemu exited with $?"
expect_line "$log" "ventoy-fake-hook: made /dev/mapper/vtoy_persistent"
expect_line "$log" "vtoy-iso-scan: /dev/mapper/ventoy exists already (Ventoy's own hook ran): using it"
expect_line "$log" "vtoy-persist: Ventoy's hook made /dev/mapper/vtoy_persistent for the persistence file chosen in its menu: using it"
expect_status "$log" .medium.found_by ventoy
expect_status "$log" .data.mounted true
expect_status "$log" .persistence.requested ventoy
expect_status "$log" .store.kind mapped-file
expect_status "$log" .store.label casper-rw
expect_status "$log" .persistence.active true
expect_line "$log" "VTOYTEST: RESULT found $token"
expect_line "$log" "VTOYTEST: RESULT wrote $token4"
expect_equal "marker inside casper-rw.dat, written through Ventoy's device" \
	"$(store_cat "$STICK" casper-rw.dat /upper/root/vtoy-marker.txt)" "$token4"
echo "boot 3: the same, activated by root=vtoy: expect $token4"
qemu_boot "$SCENARIO_DIR/boot-ventoy2.log" "$STICK" "$SCENARIO_DIR/initrd-ventoy.img" root=vtoy \
	"vtoy.test=expect:$token4" || fail "Ventoy boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot-ventoy2.log" "VTOYTEST: RESULT found $token4"

echo "boot 4: expect $token4, an image without systemd (dracut's shell init, mount hook)"
token=$token4
initrd_sh=$SCENARIO_DIR/initrd-no-systemd.img
build --omit "systemd systemd-initrd dracut-systemd" "$initrd_sh" >"$SCENARIO_DIR/dracut-no-systemd.log" 2>&1 ||
	fail "dracut without systemd failed: $(tail -n 3 "$SCENARIO_DIR/dracut-no-systemd.log")"
lsinitrd "$initrd_sh" >"$SCENARIO_DIR/contents-no-systemd.txt" 2>&1
grep -qE " (usr/)?lib/dracut/hooks/mount/20-vtoy-mount.sh( |$)" "$SCENARIO_DIR/contents-no-systemd.txt" ||
	fail "lsinitrd: the mount hook is not in the image without systemd"
if grep -qE "systemd-generators/vtoy-generator" "$SCENARIO_DIR/contents-no-systemd.txt"; then
	fail "lsinitrd: the image without systemd has our systemd generator"
fi
qemu_boot "$SCENARIO_DIR/boot3.log" "$STICK" "$initrd_sh" rd.vtoy "$iso" persistent "vtoy.test=expect:$token" ||
	fail "boot 3: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot3.log" "vtoy-persist: root ready at /sysroot (persistence: store)"
expect_line "$SCENARIO_DIR/boot3.log" "VTOYTEST: RESULT found $token"

echo "a module without its binary fails the build"
rm "$SCENARIO_DIR/stage/usr/sbin/vtoy"
if build "$SCENARIO_DIR/broken.img" >"$SCENARIO_DIR/broken.log" 2>&1; then
	fail "dracut succeeded without vtoy"
fi
expect_line "$SCENARIO_DIR/broken.log" "vtoy: missing, reinstall vtoy-persist: $SCENARIO_DIR/stage/usr/sbin/vtoy"
expect_line "$SCENARIO_DIR/broken.log" "dracut module 'vtoy' cannot be found or installed."
[ ! -e "$SCENARIO_DIR/broken.img" ] || fail "dracut left an image behind after the module failed"
scenario_finish
