#!/bin/sh
# Test stand-in for Ventoy's own Linux hook in a generator's initramfs
# (initramfs-tools, dracut), where udev runs: when Ventoy's cpio is there
# (/ventoy/ventoy_os_param), wait for Ventoy's disk, then, as Ventoy's
# ventoy_udev_disk_common_hook does with dmsetup: /dev/mapper/ventoy (the
# ISO, read-only, from ventoy_image_map), /dev/mapper/vtoy_persistent (the
# file chosen in the menu, read-write, from ventoy_persistent_map) and a
# read-write map of the whole data partition named after it
# (/dev/mapper/sda1); and partition 2's node replaced by the ISO's. All
# before our code runs. Installed only in test images.
case ${1:-} in prereqs) exit 0 ;; esac # initramfs-tools asks at build time
[ -e /ventoy/ventoy_os_param ] || exit 0
PATH=/sbin:/bin:/usr/sbin:/usr/bin:$PATH
say() { echo "ventoy-fake-hook: $*" > /dev/kmsg; }

# Ventoy polls for its disk with no timeout; here 30 s.
i=0
until set -- $(ventoy-fake-hook find /ventoy) && [ -n "${1:-}" ]; do
	i=$((i + 1))
	[ $i -le 100 ] || { say "Ventoy's disk did not appear"; exit 0; }
	sleep 0.3
done
part=$1 start=$2 size=$3
disk=$(basename "$(dirname "$(readlink -f "/sys/class/block/$part")")")
ventoy-fake-hook table /ventoy/ventoy_image_map "/dev/$part" "$start" > /tmp/ventoy.table
dmsetup --readonly create ventoy /tmp/ventoy.table && say "made /dev/mapper/ventoy over /dev/$part"
if [ -e /ventoy/ventoy_persistent_map ]; then
	ventoy-fake-hook table /ventoy/ventoy_persistent_map "/dev/$part" "$start" > /tmp/persistent.table
	dmsetup create vtoy_persistent /tmp/persistent.table && say "made /dev/mapper/vtoy_persistent"
fi
echo "0 $size linear /dev/$part 0" > /tmp/raw.table
dmsetup create "$part" /tmp/raw.table && say "made /dev/mapper/$part"
# Ventoy puts the ISO's node where partition 2's was.
p2=/dev/${part%1}2
if [ -b "$p2" ]; then
	mv "$p2" "/tmp/dev_backup_${p2##*/}"
	set -- $(dmsetup info -c --noheadings -o major,minor --separator ' ' ventoy)
	mknod "$p2" b "$1" "$2" && say "$p2 now is the ISO's node, as Ventoy makes it"
fi
exit 0
