#!/bin/bash
# Ventoy's hand-over from the VentoyOsParam EFI variable alone (UEFI, OVMF):
# an ISO Ventoy marks compatible gets no cpio, and the variable is then the
# only copy. Boot 1 (findiso=, no Ventoy data yet) writes the variable from
# Ventoy's structure for this stick, non-volatile for the test; boot 2 has no
# cpio and no medium option: vtoy-iso-scan mounts efivarfs read-only, reads
# the variable, follows it to the ISO, and leaves efivarfs unmounted for the
# live system.
. "$(dirname "$0")/../scenario-env.sh"

[ -r /usr/share/OVMF/OVMF_CODE_4M.fd ] || { fail "no OVMF (install ovmf)"; scenario_finish; }
# Ventoy's structure for /ISO images/ubuntu-test.iso on this stick, put on
# the stick for boot 1 to write into the firmware.
cpio -i --quiet --to-stdout ventoy/ventoy_os_param < "$FIXTURES/handover-ubuntu.cpio" > "$SCENARIO_DIR/os_param.bin"
expect_equal "size of Ventoy's structure" "$(stat -c %s "$SCENARIO_DIR/os_param.bin")" 512
stick_mount_data "$STICK" "$SCENARIO_DIR/data" rw
cp "$SCENARIO_DIR/os_param.bin" "$SCENARIO_DIR/data/os_param.bin"
cleanup_mounts
read -r -a QEMU_EXTRA <<<"$(uefi_args "$SCENARIO_DIR/vars.fd")"

echo "boot 1 (UEFI): write the VentoyOsParam variable"
log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$STICK" "$INITRD" '"iso-scan/filename=/ISO images/ubuntu-test.iso"' \
	vtoy.test=efivar-write:/run/vtoy/data/os_param.bin || fail "boot 1: qemu exited with $?"
expect_line "$log" "VTOYTEST: RESULT efivar written"
expect_status "$log" .medium.found_by iso-scan/filename

echo "boot 2 (UEFI): no cpio, no medium option: the variable leads to the ISO"
log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$STICK" "$INITRD" boot=casper vtoy.test=mounted:/sys/firmware/efi/efivars \
	vtoy.test=show:/etc/hostname || fail "boot 2: qemu exited with $?"
expect_no_line "$log" "Ventoy hand-over files present"
expect_line "$log" "vtoy-iso-scan: Ventoy hand-over (EFI variable VentoyOsParam): /ISO images/ubuntu-test.iso on partition 1 (exfat)"
expect_line "$log" "vtoy-iso-scan: Ventoy's data partition @DEV@ (exfat, label Ventoy) mounted read-only at /run/vtoy/data"
expect_status "$log" .medium.found_by ventoy
expect_status "$log" .medium.found_by_value "EFI variable VentoyOsParam"
expect_status "$log" .medium.iso_path "/ISO images/ubuntu-test.iso"
expect_status "$log" .medium.label Ventoy
expect_line "$log" "VTOYTEST: show /etc/hostname: vtoy-test"
expect_no_line "$log" "VTOYTEST: mounted /sys/firmware/efi/efivars: efivarfs"
scenario_finish
