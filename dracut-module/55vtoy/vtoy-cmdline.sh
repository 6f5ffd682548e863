#!/bin/sh
# dracut cmdline hook: rd.vtoy or root=vtoy marks the root as ours, built
# by vtoy-root (vtoy-root.service with systemd, vtoy-mount.sh without).
type getargbool >/dev/null 2>&1 || . /lib/dracut-lib.sh

if getargbool 0 rd.vtoy || [ "$root" = vtoy ]; then
    root=vtoy
    rootok=1
    info "vtoy: the live medium and the root overlay are set up by vtoy-persist"
fi
