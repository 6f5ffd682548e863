#!/bin/sh
# dracut mount hook (sourced) for initramfs images without systemd: builds
# the live root at $NEWROOT with vtoy-root. With systemd, vtoy-root.service
# has done it before this hook runs.
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

# dracut sources mount hooks until the root is mounted: try once, so that a
# failure is reported once, with its reasons.
if [ "$root" = vtoy ] && [ -z "$vtoy_tried" ] && ! ismounted "$NEWROOT"; then
    vtoy_tried=1
    /sbin/vtoy-root "$NEWROOT" ||
        emergency_shell -n vtoy "vtoy: the live root could not be built; the reasons are above and in /run/vtoy/log."
fi
