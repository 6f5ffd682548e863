#!/bin/bash
# dracut module of vtoy-persist: with rd.vtoy (or root=vtoy), vtoy-root finds
# the live medium (vtoy-iso-scan) and builds the root overlay (vtoy-persist)
# at $NEWROOT, with casper and live-boot persistence options. With systemd in
# the image that is vtoy-root.service, required by the sysroot.mount of
# vtoy-generator; without, the mount hook vtoy-mount.sh.

# VTOY_SBINDIR and VTOY_DATADIR point the module at a staged install (tests).
vtoy_sbindir=${VTOY_SBINDIR:-@SBINDIR@}
vtoy_datadir=${VTOY_DATADIR:-@DATADIR@}

# Says what is missing. Missing pieces make check() fail, and dracut then
# refuses to build an image that was asked to contain this module.
vtoy_missing() {
    local f
    for f in "$vtoy_sbindir/vtoy" \
        "$vtoy_datadir/vtoy-root" "$vtoy_datadir/modules.list" "$vtoy_datadir/e2fsck.conf"; do
        [[ -e $f ]] || echo "$f"
    done
    [[ -x /sbin/e2fsck.static ]] || PATH=/usr/sbin:/sbin command -v e2fsck > /dev/null ||
        echo "e2fsck (install e2fsprogs or e2fsck-static)"
}

# Only when asked for (dracut --add vtoy, or add_dracutmodules+=" vtoy ").
check() {
    local missing
    missing=$(vtoy_missing)
    if [[ $missing ]]; then
        derror "vtoy: missing, reinstall vtoy-persist:" $missing
        return 1
    fi
    return 255
}

depends() {
    echo base
}

installkernel() {
    local modules
    modules=$(awk '!/^#/ { print $1 }' "$vtoy_datadir/modules.list") || {
        dfatal "vtoy: $vtoy_datadir/modules.list is missing"
        return 1
    }
    # shellcheck disable=SC2086 # one module name per word
    hostonly='' instmods $modules
}

# check() made sure every file is there.
install() {
    inst_simple "$vtoy_sbindir/vtoy" /sbin/vtoy
    local prog
    for prog in vtoy-iso-scan vtoy-persist vtoy-status; do
        ln_r /sbin/vtoy "/sbin/$prog"
    done
    inst_simple "$vtoy_datadir/vtoy-root" /sbin/vtoy-root
    if [[ -x /sbin/e2fsck.static ]]; then
        inst_simple /sbin/e2fsck.static /sbin/e2fsck
    else
        inst_binary "$(PATH=/usr/sbin:/sbin command -v e2fsck)" /sbin/e2fsck
    fi
    [[ -e $initdir/etc/e2fsck.conf ]] || inst_simple "$vtoy_datadir/e2fsck.conf" /etc/e2fsck.conf
    inst_simple "$vtoy_datadir/modules.list" /etc/vtoy/modules.list
    inst_multiple modprobe
    # LUKS stores: the system's own cryptsetup, when it has one.
    inst_multiple -o cryptsetup
    inst_hook cmdline 20 "$moddir/vtoy-cmdline.sh"
    if dracut_module_included systemd; then
        inst_script "$moddir/vtoy-generator.sh" "$systemdutildir/system-generators/vtoy-generator"
        inst_simple "$moddir/vtoy-root.service" "$systemdsystemunitdir/vtoy-root.service"
    else
        inst_hook mount 20 "$moddir/vtoy-mount.sh"
    fi
}
