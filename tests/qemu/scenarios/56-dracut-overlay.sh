#!/bin/bash
# dracut's persistent overlay (dmsquash-live, overlayfs mode): a second USB
# stick with an ext4 partition labelled "persistence" holding
# /LiveOS/overlay-<ISO label>-<ISO uuid>/ and /LiveOS/ovlwork/, made as
# dracut expects them.
#   boot 1  rd.live.overlay=LABEL=persistence:/LiveOS/overlay-L-U writes a marker
#   boot 2  rd.live.overlay=LABEL=persistence (the default name) finds it
#   boot 3  rd.live.overlay.readonly: the marker is shown, a write stays in RAM
#   boot 4  rd.live.overlay.reset: the overlay is emptied, the marker is gone
#   boot 5  the overlay on the Ventoy (exFAT) partition as a directory: refused
#           with the reason, tmpfs
#   boot 6  the overlay on the Ventoy partition as an ext4 image file holding
#           overlayfs/ and ovlwork/ (livecd-iso-to-disk's layout): persists
. "$(dirname "$0")/../scenario-env.sh"

token=dracut-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
label=$(blkid -s LABEL -o value "$FIXTURES/ubuntu-test.iso")
uuid=$(blkid -s UUID -o value "$FIXTURES/ubuntu-test.iso")
ovl=/LiveOS/overlay-$label-$uuid
[ -n "$label" ] && [ -n "$uuid" ] || fail "cannot read the label and uuid of ubuntu-test.iso"
mkdir -p "$SCENARIO_DIR/persist$ovl" "$SCENARIO_DIR/persist/LiveOS/ovlwork"
disk=$SCENARIO_DIR/dracut-persist.img
make_ext4_disk "$disk" 48 persistence "$SCENARIO_DIR/persist"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$disk" dracut)"

echo "boot 1: write $token in $ovl"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$INITRD" "$iso" "rd.live.overlay=LABEL=persistence:$ovl" rd.live.overlay.overlayfs "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: candidate for rd.live.overlay=LABEL=persistence:$ovl: @DEV@ (ext4, label 'persistence')"
expect_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: e2fsck: persistence: clean"
expect_line "$SCENARIO_DIR/boot1.log" "upperdir=/run/vtoy/store$ovl,workdir=/run/vtoy/store/LiveOS/ovlwork,redirect_dir=off"
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: status: persistence:  store (requested: dracut)"
expect_status "$SCENARIO_DIR/boot1.log" .store.label persistence
expect_status "$SCENARIO_DIR/boot1.log" .store.kind partition
expect_status "$SCENARIO_DIR/boot1.log" .store.convention dracut
expect_status "$SCENARIO_DIR/boot1.log" .store.fsck clean
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
expect_no_line "$SCENARIO_DIR/boot1.log" "vtoy-persist: creating"
expect_equal "marker in $ovl/root after boot 1" "$(part1_cat "$disk" "$ovl/root/vtoy-marker.txt")" "$token"

echo "boot 2: expect $token; the path is dracut's default; cow_label= is asked too, and ignored"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$INITRD" "$iso" rd.live.overlay=LABEL=persistence rd.live.overlay.overlayfs cow_label=persistence "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "vtoy-persist: persistence is asked for in 2 ways: using dracut (rd.live.overlay=LABEL=persistence), the first in the order live-boot, casper, dracut, archiso"
expect_line "$SCENARIO_DIR/boot2.log" "vtoy-persist: WARNING: cow_label=persistence (archiso) is ignored: only one persistence is used, and dracut wins"
expect_line "$SCENARIO_DIR/boot2.log" "named after the live medium, label $label"
expect_line "$SCENARIO_DIR/boot2.log" "upperdir=/run/vtoy/store$ovl,"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"

echo "boot 3: rd.live.overlay.readonly shows $token, keeps the write in RAM"
qemu_boot "$SCENARIO_DIR/boot3.log" "$STICK" "$INITRD" "$iso" "rd.live.overlay=LABEL=persistence:$ovl" rd.live.overlay.overlayfs rd.live.overlay.readonly "vtoy.test=replace:$token:ro-$token" ||
	fail "boot 3: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot3.log" "vtoy-persist: rd.live.overlay.readonly: the store is shown"
expect_line "$SCENARIO_DIR/boot3.log" "lowerdir=/run/vtoy/store$ovl:/run/vtoy/rootfs/"
expect_line "$SCENARIO_DIR/boot3.log" "VTOYTEST: status: persistence:  read-only-store (requested: dracut)"
expect_line "$SCENARIO_DIR/boot3.log" "convention dracut, check skipped"
expect_line "$SCENARIO_DIR/boot3.log" "VTOYTEST: RESULT found $token"
expect_line "$SCENARIO_DIR/boot3.log" "VTOYTEST: RESULT wrote ro-$token"
expect_equal "marker unchanged after the read-only boot" "$(part1_cat "$disk" "$ovl/root/vtoy-marker.txt")" "$token"

echo "boot 4: rd.live.overlay.reset empties the overlay"
qemu_boot "$SCENARIO_DIR/boot4.log" "$STICK" "$INITRD" "$iso" "rd.live.overlay=LABEL=persistence:$ovl" rd.live.overlay.overlayfs rd.live.overlay.reset "vtoy.test=expect-none" ||
	fail "boot 4: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot4.log" "vtoy-persist: WARNING: rd.live.overlay.reset: deleting every change kept in $ovl on @DEV@"
expect_line "$SCENARIO_DIR/boot4.log" "vtoy-persist: WARNING: rd.live.overlay.reset: $ovl emptied"
expect_line "$SCENARIO_DIR/boot4.log" "VTOYTEST: status: persistence:  store (requested: dracut)"
expect_line "$SCENARIO_DIR/boot4.log" "VTOYTEST: RESULT none"
expect_equal "marker gone from $ovl after the reset" "$(part1_cat "$disk" "$ovl/root/vtoy-marker.txt")" ""

echo "boot 5: an overlay directory on the exFAT partition holding the ISO"
qemu_boot "$SCENARIO_DIR/boot5.log" "$STICK" "$INITRD" "$iso" "rd.live.overlay=LABEL=Ventoy:/LiveOS/overlay-dir" rd.live.overlay.overlayfs "vtoy.test=expect-none" ||
	fail "boot 5: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot5.log" "/LiveOS/overlay-dir does not exist on @DEV@, the partition holding the ISO; its filesystem (exfat) cannot hold an overlayfs upper directory"
expect_line "$SCENARIO_DIR/boot5.log" "VTOYTEST: status: persistence:  fallback-tmpfs (requested: dracut)"
expect_line "$SCENARIO_DIR/boot5.log" "VTOYTEST: RESULT none"

echo "boot 6: an ext4 overlay image file on the exFAT partition"
mkdir -p "$SCENARIO_DIR/image/overlayfs" "$SCENARIO_DIR/image/ovlwork"
mke2fs -q -F -t ext4 -d "$SCENARIO_DIR/image" "$SCENARIO_DIR/overlay-file.img" 32M >/dev/null || fail "mke2fs failed"
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
mkdir -p "$SCENARIO_DIR/data/LiveOS"
cp "$SCENARIO_DIR/overlay-file.img" "$SCENARIO_DIR/data$ovl"
cleanup_mounts
qemu_boot "$SCENARIO_DIR/boot6.log" "$STICK" "$INITRD" "$iso" rd.live.overlay=LABEL=Ventoy rd.live.overlay.overlayfs "vtoy.test=write:file-$token" ||
	fail "boot 6: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot6.log" "vtoy-persist: using store /run/vtoy/data$ovl (ext4, label )"
expect_line "$SCENARIO_DIR/boot6.log" "upperdir=/run/vtoy/store/overlayfs,workdir=/run/vtoy/store/ovlwork,"
expect_status "$SCENARIO_DIR/boot6.log" .store.source "/run/vtoy/data$ovl"
expect_status "$SCENARIO_DIR/boot6.log" .store.kind file
expect_status "$SCENARIO_DIR/boot6.log" .store.convention dracut
expect_status "$SCENARIO_DIR/boot6.log" .store.fsck clean
expect_line "$SCENARIO_DIR/boot6.log" "VTOYTEST: RESULT wrote file-$token"
expect_equal "marker in the overlay image file after boot 6" \
	"$(store_cat "$STICK" "${ovl#/}" /overlayfs/root/vtoy-marker.txt)" "file-$token"
scenario_finish
