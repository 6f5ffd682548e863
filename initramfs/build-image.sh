#!/bin/sh
# Builds the standalone initramfs: static busybox, static e2fsck, our
# binary (vtoy, with its program names), util-linux's switch_root, /init
# and the kernel modules of initramfs/modules.list with their
# dependencies, as a compressed newc cpio: zstd when the kernel unpacks it
# (its config says CONFIG_RD_ZSTD=y, or there is none to read), else gzip.
#
# Usage: build-image.sh OUTPUT KVER BINDIR
# VTOY_MODULES_LIST=FILE replaces initramfs/modules.list (tests leave drivers out).
# VTOY_LUKS=0 leaves cryptsetup out (LUKS stores then cannot be unlocked).
# VTOY_COMPRESS=zstd|gzip chooses the compression instead.
set -eu

mkdir -p "$(dirname "$1")"
out=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
kver=$2
bindir=$(cd "$3" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
moddir=/lib/modules/$kver
stage=$(dirname "$out")/initramfs-root

die() { echo "build-image: $*" >&2; exit 1; }

[ -f "$moddir/modules.dep" ] || die "no modules for kernel $kver in $moddir (KVER=?)"
for f in /bin/busybox /sbin/e2fsck.static "$bindir/vtoy"; do
	[ -x "$f" ] || die "$f is missing"
	file -L "$f" | grep -q 'statically linked' || die "$f is not statically linked"
done

rm -rf "$stage"
mkdir -p "$stage"
cd "$stage"
mkdir -p bin sbin usr/bin usr/sbin etc/vtoy proc sys dev run tmp root "lib/modules/$kver"

# busybox and its applet links, at the paths busybox itself gives
cp /bin/busybox bin/busybox
/bin/busybox --list-full | while read -r applet; do
	[ -e "$applet" ] || ln -s /bin/busybox "$applet"
done
cp /sbin/e2fsck.static sbin/e2fsck
# one binary, its programs by name
cp "$bindir/vtoy" "$here/vtoy-root" sbin/
for prog in vtoy-iso-scan vtoy-persist vtoy-status; do ln -s vtoy "sbin/$prog"; done
cp "$here/init" init
# copy_dynamic PROGRAM DEST: a Debian program, with the shared libraries it
# needs (ldd) and their loader.
copy_dynamic() {
	rm -f "$2"
	cp "$1" "$2"
	for lib in $(ldd "$1" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
		mkdir -p ".$(dirname "$lib")"
		[ -e ".$lib" ] || cp -L "$lib" ".$lib"
	done
}
# util-linux's switch_root, in place of busybox's: it moves /dev, /proc,
# /sys and /run into the new root itself (four forks of /init's shell
# less, ~30 ms under TCG), and frees the initramfs in a child while init
# starts. /init calls it by its path: busybox's shell runs its own applet
# for a bare name.
sr=$(PATH=$PATH:/usr/sbin:/sbin command -v switch_root || true)
[ -n "$sr" ] && "$sr" --version 2>/dev/null | grep -q util-linux ||
	die "util-linux's switch_root is missing (apt-get install util-linux)"
copy_dynamic "$sr" sbin/switch_root
# Debian's cryptsetup for LUKS stores.
if [ "${VTOY_LUKS:-1}" != 0 ]; then
	cs=$(command -v cryptsetup || true)
	[ -n "$cs" ] || die "cryptsetup is missing (apt-get install cryptsetup-bin), or build with VTOY_LUKS=0"
	copy_dynamic "$cs" sbin/cryptsetup
fi
chmod 0755 init
cp "$here/e2fsck.conf" etc/e2fsck.conf
ln -s /proc/mounts etc/mtab
# The kernel opens /dev/console for /init before /init mounts devtmpfs.
mknod -m 0600 dev/console c 5 1
mknod -m 0666 dev/null c 1 3

# Modules: the listed ones and everything modules.dep says they need.
: > etc/vtoy/modules.list
grep -v "^#" "${VTOY_MODULES_LIST:-$here/modules.list}" | while read -r name when; do
	[ -n "$name" ] || continue
	alt=$(echo "$name" | tr '_-' '-_')
	entry=$(grep -E "/($name|$alt)\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n 1 || true)
	if [ -z "$entry" ]; then
		if grep -qE "/($name|$alt)\.ko" "$moddir/modules.builtin"; then
			echo "build-image: $name is built into $kver"
		else
			echo "build-image: NOTE: $name is not available in kernel $kver; left out"
		fi
		continue
	fi
	for path in $(echo "$entry" | tr -d ':'); do
		[ -e "lib/modules/$kver/$path" ] && continue
		mkdir -p "lib/modules/$kver/$(dirname "$path")"
		cp "$moddir/$path" "lib/modules/$kver/$path"
	done
	echo "$name${when:+ $when}" >> etc/vtoy/modules.list
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -f "$moddir/$f" ] && cp "$moddir/$f" "lib/modules/$kver/"
done
depmod -b "$stage" "$kver"

# zstd: the kernel unpacks it faster (0.7-1.2 s against gzip's 1.3 s under
# TCG), it is 12 % smaller, and it builds in a tenth of the time (-10: -19
# gains 10 % more for 17 times as long).
compress=${VTOY_COMPRESS:-}
if [ -z "$compress" ]; then
	compress=zstd
	if [ -r "/boot/config-$kver" ] && ! grep -q '^CONFIG_RD_ZSTD=y' "/boot/config-$kver"; then
		compress=gzip
	fi
fi
case $compress in
zstd) set -- zstd -q -10 -T0 ;;
gzip) set -- gzip -9n ;;
*) die "VTOY_COMPRESS=$compress: zstd or gzip" ;;
esac
command -v "$1" >/dev/null || die "$1 is missing (VTOY_COMPRESS=$compress)"
find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc -R 0:0 --quiet | "$@" > "$out.tmp"
mv "$out.tmp" "$out"
echo "build-image: $out ($(du -k "$out" | cut -f1) KiB $compress, $(find lib/modules -name '*.ko*' | wc -l) modules, kernel $kver)"
