#!/bin/bash
# make demo: builds the demo stick build/demo/stick.img (a Ventoy-layout
# disk with a live ISO and a casper-rw store), boots it twice in QEMU with
# persistence, and shows the file written by boot 1 read back by boot 2.
# make run (--interactive): boots that stick with the console here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/lib.sh"
demo=$top/build/demo
stick=$demo/stick.img
iso='iso-scan/filename="/ISO images/ubuntu-test.iso"'
export KERNEL=${KERNEL:?}

if [ "${1:-}" = --interactive ]; then
	[ -f "$stick" ] || die "no demo stick yet: run make demo first"
	echo "Booting $stick with persistence (TCG: give it ~10 s). Leave the shell with: poweroff -f"
	QEMU_TIMEOUT=0 # no limit
	qemu_cmd mon:stdio "$stick" "$top/build/initramfs.img"
	exec "${QEMU_CMD[@]}" -append "console=ttyS0,115200 panic=1 $iso persistent"
fi

"$here/build-fixtures.sh" "$top/build/fixtures"
mkdir -p "$demo"
cp --sparse=always "$top/build/fixtures/stick.img" "$stick"
note="hello-from-boot-1-$(date +%Y%m%d-%H%M%S)"
show() { grep -E 'vtoy-(iso-scan|persist|init):|VTOYTEST: (RESULT|/root)' "$1" | sed 's/^\[ *[0-9.]*\] //; s/^/    /'; }

echo "== boot 1: the live system writes /root/vtoy-marker.txt = $note"
qemu_boot "$demo/boot1.log" "$stick" "$top/build/initramfs.img" "$iso" persistent "vtoy.test=write:$note" || true
show "$demo/boot1.log"
echo "== boot 2: a fresh boot of the same stick reads it back"
qemu_boot "$demo/boot2.log" "$stick" "$top/build/initramfs.img" "$iso" persistent "vtoy.test=expect:$note" || true
show "$demo/boot2.log"
echo
if grep -qF "VTOYTEST: RESULT found $note" "$demo/boot2.log"; then
	echo "The file written on boot 1 survived the reboot: persistence works."
	echo "Console logs: $demo/boot1.log, $demo/boot2.log"
	echo "Boot the stick yourself (console in this terminal): make run"
else
	echo "Boot 2 did not find the file: see $demo/boot2.log" >&2
	exit 1
fi
