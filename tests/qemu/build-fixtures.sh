#!/bin/bash
# Builds the QEMU test fixtures from scratch into OUTDIR:
#   rootfs.squashfs     busybox root whose /sbin/init is tests/qemu/root-init
#   ubuntu-test.iso     casper/ layout (label UBUNTU_TEST)
#   debian-test.iso     live/ layout (label DEBIAN_TEST)
#   casper-rw.dat       ext4 store image labelled casper-rw
#   stick.img           Ventoy-layout disk: MBR, partition 1 exFAT "Ventoy" at
#                       LBA 2048 with "/ISO images/*.iso" and /casper-rw.dat,
#                       partition 2 FAT16 "VTOYEFI", exactly 32 MiB, type 0xEF;
#                       /ventoy/ventoy.json with a persistence plugin
#   ventoy-prefix.cpio  a cpio with a zeroed /ventoy/ventoy_os_param (refused)
#   ubuntu-layered.iso  casper/ with layerfs-path layers (label UBUNTU_LAYERED)
#   fedora-test.iso     LiveOS/squashfs.img holding LiveOS/rootfs.img (FEDORA_TEST)
#   arch-test.iso       arch/x86_64/airootfs.sfs (label ARCH_TEST)
#   handover-ubuntu.cpio  Ventoy's hand-over for "/ISO images/ubuntu-test.iso" on
#                       stick.img, computed from where the ISO's bytes are
#   handover-ubuntu-persist.cpio  the same plus a persistent map of casper-rw.dat
#   handover-debian.cpio  the hand-over for "/ISO images/debian-test.iso"
#   stick-ext4.img      Ventoy-layout disk whose partition 1 is ext4, holding
#                       /ISO/debian-test.iso; handover-ext4.cpio for it
#   ventoy-fake-hook    static stand-in for Ventoy's vtoydump/vtoydm, used by
#                       tools/ventoy-fake-hook.sh in generator test images
# Needs root (loop devices, FUSE for exFAT, the kernel's ext4 for one stick).
set -euo pipefail

out=${1:?usage: build-fixtures.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || die "building fixtures needs root (loop devices, FUSE)"
mkdir -p "$out"
out=$(cd "$out" && pwd)
stamp=$out/.inputs
inputs=$(cat "$0" "$here/root-init" "$here/lib.sh" "$here/tools/ventoy-handover.c" \
	"$here/tools/ventoy-fake-hook.c" /bin/busybox \
	"$top/build/bin/vtoy" | sha256sum)
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
cp "$top/build/bin/vtoy" "$root/usr/sbin/vtoy"
ln -s vtoy "$root/usr/sbin/vtoy-persist"
ln -s vtoy "$root/usr/sbin/vtoy-status"
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

# 3. Ubuntu's layered images (23.10+): each layer changes /etc/vtoy-layer;
#    "standard" deletes /etc/vtoy-removed with an overlayfs whiteout.
#    Alphabetically "standard" would sort above "live": only the
#    layerfs-path= chain stacks them right.
lay=$tmp/iso-layered/casper
mkdir -p "$lay"
cp -a "$root" "$tmp/minimal"
echo minimal > "$tmp/minimal/etc/vtoy-layer"
echo "removed by the standard layer" > "$tmp/minimal/etc/vtoy-removed"
mksquashfs "$tmp/minimal" "$lay/minimal.squashfs" -noappend -all-root -comp gzip -quiet >/dev/null
mkdir -p "$tmp/standard/etc" "$tmp/live/etc"
echo standard > "$tmp/standard/etc/vtoy-layer"
mknod "$tmp/standard/etc/vtoy-removed" c 0 0
mksquashfs "$tmp/standard" "$lay/minimal.standard.squashfs" -noappend -all-root -comp gzip -quiet >/dev/null
echo live > "$tmp/live/etc/vtoy-layer"
mksquashfs "$tmp/live" "$lay/minimal.standard.live.squashfs" -noappend -all-root -comp gzip -quiet >/dev/null
xorriso -as mkisofs -quiet -R -J -V UBUNTU_LAYERED -o "$out/ubuntu-layered.iso" "$tmp/iso-layered"

# 4. Fedora: the root is an ext4 image inside the squashfs; Arch: airootfs.sfs
mkdir -p "$tmp/fedora-sq/LiveOS" "$tmp/iso-fedora/LiveOS"
mke2fs -q -F -t ext4 -L Anaconda -d "$root" "$tmp/fedora-sq/LiveOS/rootfs.img" 24M >/dev/null
mksquashfs "$tmp/fedora-sq" "$tmp/iso-fedora/LiveOS/squashfs.img" -noappend -all-root -comp gzip -quiet >/dev/null
xorriso -as mkisofs -quiet -R -J -V FEDORA_TEST -o "$out/fedora-test.iso" "$tmp/iso-fedora"
mkdir -p "$tmp/iso-arch/arch/x86_64"
cp "$out/rootfs.squashfs" "$tmp/iso-arch/arch/x86_64/airootfs.sfs"
xorriso -as mkisofs -quiet -R -J -V ARCH_TEST -o "$out/arch-test.iso" "$tmp/iso-arch"

# 5. the persistence store: ext4 labelled casper-rw, as Ventoy's tool makes it
rm -f "$out/casper-rw.dat"
mke2fs -q -F -t ext4 -L casper-rw "$out/casper-rw.dat" 64M >/dev/null

# 6. the Ventoy-layout stick, with a persistence plugin: casper-rw.dat for the
#    Ubuntu ISO, offered by Ventoy's menu (autosel 1 with a timeout: the menu
#    shows, "Boot without persistence" among its entries); two files and no
#    autosel for the Debian ISO
cat > "$tmp/ventoy.json" <<'JSON'
{
    "persistence": [
        { "image": "/ISO images/ubuntu-test.iso", "backend": "/casper-rw.dat", "autosel": 1, "timeout": 10 },
        { "image": "/ISO images/debian-test.iso", "backend": ["/casper-rw.dat", "/other.dat"] }
    ]
}
JSON
head -c 1M /dev/zero > "$tmp/other.dat"
make_ventoy_stick "$out/stick.img" 192 "$tmp/mnt" \
	"$tmp/ventoy.json:ventoy/ventoy.json" "$tmp/other.dat:other.dat" \
	"$out/ubuntu-test.iso:ISO images/ubuntu-test.iso" \
	"$out/debian-test.iso:ISO images/debian-test.iso" \
	"$out/ubuntu-layered.iso:ISO images/ubuntu-layered.iso" \
	"$out/fedora-test.iso:ISO images/fedora-test.iso" \
	"$out/arch-test.iso:ISO images/arch-test.iso" \
	"$out/casper-rw.dat:casper-rw.dat"

# 7. what Ventoy prepends to an initrd: a zeroed (invalid) parameter block,
#    and real hand-overs computed from where the files are on the stick
mkdir -p "$tmp/prefix/ventoy"
head -c 512 /dev/zero > "$tmp/prefix/ventoy/ventoy_os_param"
make_cpio "$tmp/prefix" "$out/ventoy-prefix.cpio"
gcc -O2 -Wall -Wextra -Werror -std=gnu11 -o "$out/ventoy-handover" "$here/tools/ventoy-handover.c"
cp "$out/ventoy-handover" "$tmp/ventoy-handover"
"$tmp/ventoy-handover" "$out/stick.img" 1 0 "/ISO images/ubuntu-test.iso" "$out/ubuntu-test.iso" \
	"$tmp/handover-ubuntu" >/dev/null
make_cpio "$tmp/handover-ubuntu" "$out/handover-ubuntu.cpio"
"$tmp/ventoy-handover" "$out/stick.img" 1 0 "/ISO images/ubuntu-test.iso" "$out/ubuntu-test.iso" \
	"$tmp/handover-ubuntu-persist" "$out/casper-rw.dat" >/dev/null
make_cpio "$tmp/handover-ubuntu-persist" "$out/handover-ubuntu-persist.cpio"
"$tmp/ventoy-handover" "$out/stick.img" 1 0 "/ISO images/debian-test.iso" "$out/debian-test.iso" \
	"$tmp/handover-debian" >/dev/null
make_cpio "$tmp/handover-debian" "$out/handover-debian.cpio"

# 8. a Ventoy stick reformatted to ext4 (Ventoy's filesystem code 2)
mkdir -p "$tmp/ext4-data/ISO"
cp "$out/debian-test.iso" "$tmp/ext4-data/ISO/debian-test.iso"
make_ventoy_stick_ext4 "$out/stick-ext4.img" 96 "$tmp/mnt" "$tmp/ext4-data"
"$tmp/ventoy-handover" "$out/stick-ext4.img" 1 2 "/ISO/debian-test.iso" "$out/debian-test.iso" \
	"$tmp/handover-ext4" >/dev/null
make_cpio "$tmp/handover-ext4" "$out/handover-ext4.cpio"

# 9. Ventoy's own hook's tools, for the generator images' stand-in hook
gcc -O2 -Wall -Wextra -Werror -std=gnu11 -static -o "$out/ventoy-fake-hook" "$here/tools/ventoy-fake-hook.c"

echo "$inputs" > "$stamp"
echo "fixtures: built in $out"
