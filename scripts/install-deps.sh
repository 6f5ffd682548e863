#!/bin/sh
# Installs the Debian packages the build, make check and make demo need (and
# with --bench, what make bench needs on top; with --image, only what the
# build and make initramfs need), when something is missing. As root it runs
# apt-get; otherwise it names the packages and fails.
set -eu

# command-or-file  package: the build and the standalone image
IMAGE_NEEDS='
gcc gcc
make make
/usr/include/stdio.h libc6-dev
/usr/lib/x86_64-linux-gnu/libblkid.a libblkid-dev
/usr/lib/x86_64-linux-gnu/libjansson.a libjansson-dev
pkg-config pkg-config
file file
/bin/busybox busybox-static
/sbin/e2fsck.static e2fsck-static
depmod kmod
cpio cpio
gzip gzip
zstd zstd
/sbin/switch_root util-linux
cryptsetup cryptsetup-bin
'
# the fixtures, the tests, the QEMU scenarios, make demo
TEST_NEEDS='
qemu-system-x86_64 qemu-system-x86
xorriso xorriso
mksquashfs squashfs-tools
mkfs.exfat exfatprogs
mount.exfat-fuse exfat-fuse
mkfs.fat dosfstools
sfdisk fdisk
losetup mount
mke2fs e2fsprogs
mmdebstrap mmdebstrap
debugfs e2fsprogs
mkfs.xfs xfsprogs
mkntfs ntfs-3g
mkfs.btrfs btrfs-progs
mkinitramfs initramfs-tools-core
lsinitramfs initramfs-tools-core
/usr/share/initramfs-tools/hook-functions initramfs-tools-core
dracut dracut-core
lsinitrd dracut-core
dpkg-deb dpkg
systemctl systemd
udevadm udev
dmsetup dmsetup
/usr/share/OVMF/OVMF_CODE_4M.fd ovmf
jq jq
clang clang
/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
man man-db
/usr/share/initramfs-tools/hooks/live live-boot-initramfs-tools
/lib/live/boot/9990-main.sh live-boot
'

missing=""
have() {
	case $1 in
	/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

while read -r thing pkg; do
	[ -n "$thing" ] || continue
	have "$thing" || missing="$missing $pkg"
done <<EOF2
$IMAGE_NEEDS
$([ "${1:-}" = --image ] || echo "$TEST_NEEDS")
EOF2

# The Debian kernel the image and the QEMU scenarios use; make initramfs
# KVER= builds for the kernel whose modules are in /lib/modules/KVER (the
# ISO's, maybe another distribution's) and needs none.
if [ "${1:-}" = --image ] && [ -n "${KVER:-}" ] && [ -d "/lib/modules/${KVER}" ]; then
	:
elif ! ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1 || ! ls -d /lib/modules/*-amd64 >/dev/null 2>&1; then
	missing="$missing linux-image-amd64"
fi

# make bench also compares with dracut's dmsquash-live (live-boot is in the
# list above: make check boots Debian's own live-boot image).
if [ "${1:-}" = --bench ]; then
	[ -d /usr/lib/dracut/modules.d/90dmsquash-live ] || missing="$missing dracut-live"
fi

missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
if [ -z "${missing% }" ]; then
	exit 0
fi
echo "install-deps: missing Debian packages: $missing"
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: run as root, or: sudo apt-get install $missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
