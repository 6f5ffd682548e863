#!/bin/bash
# A machine with no USB at all: the stick's image on an internal disk,
# virtio-blk in boot 1 and SATA on the q35 AHCI controller in boot 2. The
# drivers come from what the machine has (modalias), not from a list: boot
# 1 loads virtio_blk and no USB driver, boot 2 ahci. Boot 1 writes a marker
# to casper-rw.dat, boot 2 finds it; each boot's timeline is complete and in
# order, and vtoy-persist takes the devices vtoy-iso-scan probed from the
# boot's inventory instead of probing them again; ext4 loads while the
# store search runs.
. "$(dirname "$0")/../scenario-env.sh"

token=internal-$$-$RANDOM
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
USB_CONTROLLER=
timeline='.timeline | [.init_ms, .drivers_ms, .medium_ms, .store_ms, .fsck_ms, .overlay_ms,
	.switch_root_ms] | all(. != null) and . == sort'

check_boot() { # LOG DRIVER
	expect_status "$1" .medium.label Ventoy
	expect_status "$1" .store.label casper-rw
	expect_status "$1" .persistence.active true
	expect_status "$1" "$timeline" true
	if grep -q "vtoy-iso-scan: drivers: loaded .*\b$2\b" "$1"; then
		ok "$2 loaded for the machine's own disk"
	else
		fail "$1: no 'drivers: loaded' line names $2"
	fi
	if grep -qE "vtoy-persist: devices: [0-9]+ probed by vtoy-persist, [1-9][0-9]* known from this boot's inventory" "$1"; then
		ok "vtoy-persist reused the boot's inventory"
	else
		fail "$1: vtoy-persist took no device from the boot's inventory"
	fi
	# No USB, so no quiet-moment groups: the medium's exFAT came at its
	# mount, and ext4 loads as the store search begins, in the background.
	if grep -qE "vtoy-persist: drivers: loaded ext4\b.* for the store \(most are ext4\), while it is looked for" "$1"; then
		ok "ext4 loaded while the store was looked for"
	else
		fail "$1: vtoy-persist did not load ext4 as its store search began"
	fi
	if grep "drivers: loaded" "$1" | grep -qE "\b(usb_storage|uas|xhci_hcd|ehci_hcd)\b"; then
		fail "$1: a USB driver was loaded on a machine without USB"
	else
		ok "no USB driver loaded"
	fi
}

echo "boot 1: virtio-blk, write $token"
STICK_DEVICE="-device virtio-blk-pci,drive=stick"
qemu_boot "$SCENARIO_DIR/boot1.log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot1.log" "VTOYTEST: RESULT wrote $token"
check_boot "$SCENARIO_DIR/boot1.log" virtio_blk

echo "boot 2: SATA (AHCI), expect $token"
STICK_DEVICE="-device ide-hd,drive=stick,bus=ide.0"
qemu_boot "$SCENARIO_DIR/boot2.log" "$STICK" "$INITRD" "$iso" persistent "vtoy.test=expect:$token" ||
	fail "boot 2: qemu exited with $?"
expect_line "$SCENARIO_DIR/boot2.log" "VTOYTEST: RESULT found $token"
check_boot "$SCENARIO_DIR/boot2.log" ahci
scenario_finish
