#!/bin/sh
# systemd generator in dracut images: with rd.vtoy or root=vtoy, /sysroot is
# the live root that vtoy-root.service builds. Written to the "early"
# directory ($2), so it replaces the sysroot.mount that systemd's fstab
# generator makes of root=vtoy (a device that does not exist).
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

getargbool 0 rd.vtoy || [ "$(getarg root=)" = vtoy ] || exit 0

early=${2:-/run/systemd/generator.early}
mkdir -p "$early"
cat > "$early/sysroot.mount" <<UNIT
# Made by vtoy-generator: the live root built by vtoy-persist.
[Unit]
Description=/sysroot (live root built by vtoy-persist)
Requires=vtoy-root.service
After=vtoy-root.service
Before=initrd-root-fs.target

[Mount]
What=/sysroot
Where=/sysroot
Type=none
Options=bind
UNIT
mkdir -p "$early/initrd-root-fs.target.requires"
ln -sf ../sysroot.mount "$early/initrd-root-fs.target.requires/sysroot.mount"
