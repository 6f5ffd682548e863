#!/bin/bash
# Builds the QEMU test fixtures from scratch into OUTDIR:
#   rootfs.squashfs     busybox root whose /sbin/init is tests/qemu/root-init
#   ubuntu-test.iso     casper/ layout (label UBUNTU_TEST)
#   debian-test.iso     live/ layout (label DEBIAN_TEST)
#   casper-rw.dat       ext4 store image labelled casper-rw
#   stick.img           Ventoy-layout disk: MBR, partition 1 exFAT "Ventoy" at
#                       LBA 2048 with "/ISO images/*.iso" and /casper-rw.dat,
#                       partition 2 FAT16 "VTOYEFI", exactly 32 MiB, type 0xEF
#   ventoy-prefix.cpio  a cpio with /ventoy/ files, to prepend to an initrd
# Needs root (loop devices and FUSE for exFAT).
set -euo pipefail

out=${1:?usage: build-fixtures.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || die "building fixtures needs root (loop devices, FUSE)"
mkdir -p "$out"
out=$(cd "$out" && pwd)
stamp=$out/.inputs
inputs=$(cat "$0" "$here/root-init" "$here/lib.sh" /bin/busybox "$top/build/bin/vtoy-persist" | sha256sum)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ] && [ -f "$out/stick.img" ]; then
	echo "fixtures: up to date in $out"
	exit 0
fi
rm -f "$stamp"
tmp=$(mktemp -d "$out/.work.XXXXXX")
trap 'cleanup_mounts; rm -rf "$tmp"' EXIT

# 1. the live root
root=$tmp/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,run,tmp,root}
cp /bin/busybox "$root/bin/busybox"
(cd "$root" && /bin/busybox --list-full | while read -r a; do [ -e "$a" ] || ln -s /bin/busybox "$a"; done)
rm -f "$root/sbin/init"
cp "$here/root-init" "$root/sbin/init"
cp "$top/build/bin/vtoy-persist" "$root/usr/sbin/vtoy-persist"
echo "vtoy-test" > "$root/etc/hostname"
# systemd (in dracut images) switches only into a root with an os-release.
printf 'NAME="vtoy test live root"\nID=vtoytest\n' > "$root/etc/os-release"
mksquashfs "$root" "$out/rootfs.squashfs" -noappend -all-root -comp gzip -quiet >/dev/null

# 2. two live ISOs, Ubuntu and Debian layouts
for layout in ubuntu:casper:UBUNTU_TEST debian:live:DEBIAN_TEST; do
	IFS=: read -r name dir label <<<"$layout"
	iso=$tmp/iso-$name
	mkdir -p "$iso/$dir" "$iso/.disk"
	cp "$out/rootfs.squashfs" "$iso/$dir/filesystem.squashfs"
	echo "vtoy test live ISO ($name layout)" > "$iso/.disk/info"
	xorriso -as mkisofs -quiet -R -J -V "$label" -o "$out/$name-test.iso" "$iso"
done

# 3. the persistence store: ext4 labelled casper-rw, as Ventoy's tool makes it
rm -f "$out/casper-rw.dat"
mke2fs -q -F -t ext4 -L casper-rw "$out/casper-rw.dat" 64M

# 4. the Ventoy-layout stick
make_ventoy_stick "$out/stick.img" 192 "$tmp/mnt" \
	"$out/ubuntu-test.iso:ISO images/ubuntu-test.iso" \
	"$out/debian-test.iso:ISO images/debian-test.iso" \
	"$out/casper-rw.dat:casper-rw.dat"

# 5. what Ventoy prepends to an initrd (its parameter files; contents are
#    not read yet, only their presence)
mkdir -p "$tmp/prefix/ventoy"
head -c 512 /dev/zero > "$tmp/prefix/ventoy/ventoy_os_param"
(cd "$tmp/prefix" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$out/ventoy-prefix.cpio"

echo "$inputs" > "$stamp"
echo "fixtures: built in $out"
