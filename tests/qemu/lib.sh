# Shared by the QEMU harness scripts (sourced, bash).

die() { echo "qemu-tests: $*" >&2; exit 1; }

VTOY_LOOPS=()
VTOY_MOUNTS=()

cleanup_mounts() {
	local i
	for ((i = ${#VTOY_MOUNTS[@]} - 1; i >= 0; i--)); do
		umount "${VTOY_MOUNTS[i]}" 2>/dev/null
	done
	for i in "${VTOY_LOOPS[@]}"; do
		losetup -d "$i" 2>/dev/null
	done
	VTOY_MOUNTS=()
	VTOY_LOOPS=()
}

# loop_attach IMG OFFSET_SECTORS SIZE_SECTORS [ro]: prints the loop device
loop_attach() {
	local ro=()
	[ "${4:-}" = ro ] && ro=(--read-only)
	losetup --find --show "${ro[@]}" --offset $(($2 * 512)) --sizelimit $(($3 * 512)) "$1"
}

# make_ventoy_stick IMG SIZE_MIB MNTDIR SRC:DEST...
# A disk laid out as Ventoy lays out a stick; each SRC is copied to DEST on
# the exFAT data partition.
make_ventoy_stick() {
	local img=$1 size_mib=$2 mnt=$3
	shift 3
	local total=$((size_mib * 2048))
	local p2start=$((total - 65536))
	local p1size=$((p2start - 2048))
	local dev pair src dest

	rm -f "$img"
	truncate -s "${size_mib}M" "$img"
	sfdisk -q "$img" <<SFDISK
label: dos
label-id: 0x76746f79
unit: sectors
start=2048, size=$p1size, type=7, bootable
start=$p2start, size=65536, type=ef
SFDISK
	ventoy_mbr_marks "$img"

	dev=$(loop_attach "$img" 2048 "$p1size") || die "losetup failed"
	VTOY_LOOPS+=("$dev")
	mkfs.exfat -L Ventoy "$dev" >/dev/null || die "mkfs.exfat failed"
	mkdir -p "$mnt"
	mount.exfat-fuse "$dev" "$mnt" >/dev/null 2>&1 || die "mount.exfat-fuse failed"
	VTOY_MOUNTS+=("$mnt")
	for pair in "$@"; do
		src=${pair%%:*}
		dest=${pair#*:}
		mkdir -p "$mnt/$(dirname "$dest")"
		cp "$src" "$mnt/$dest"
	done
	cleanup_mounts

	dev=$(loop_attach "$img" "$p2start" 65536) || die "losetup failed"
	VTOY_LOOPS+=("$dev")
	mkfs.fat -F 16 -n VTOYEFI "$dev" >/dev/null || die "mkfs.fat failed"
	cleanup_mounts
}

# ventoy_mbr_marks IMG: Ventoy's marks in the MBR: a random 16-byte disk id
# at 0x180 and its signature bytes at 0x190.
ventoy_mbr_marks() {
	head -c 16 /dev/urandom | dd of="$1" bs=1 seek=$((0x180)) conv=notrunc status=none
	printf 'VT\0Ge\0HD' | dd of="$1" bs=1 seek=$((0x190)) conv=notrunc status=none
}

# make_ventoy_stick_ext4 IMG SIZE_MIB MNTDIR DIR: the Ventoy layout with
# partition 1 reformatted to ext4 (label Ventoy) holding DIR's files, copied
# without holes (Ventoy refuses sparse image files; mke2fs -d would make
# holes of the ISO's zero blocks).
make_ventoy_stick_ext4() {
	local img=$1 size_mib=$2 mnt=$3 dir=$4
	local total=$((size_mib * 2048))
	local p2start=$((total - 65536))
	local p1size=$((p2start - 2048)) dev

	rm -f "$img"
	truncate -s "${size_mib}M" "$img"
	printf 'label: dos\nlabel-id: 0x76746f7a\nunit: sectors\nstart=2048, size=%d, type=7, bootable\nstart=%d, size=65536, type=ef\n' \
		"$p1size" "$p2start" | sfdisk -q "$img"
	ventoy_mbr_marks "$img"
	dev=$(loop_attach "$img" 2048 "$p1size") || die "losetup failed"
	VTOY_LOOPS+=("$dev")
	mke2fs -q -F -t ext4 -b 4096 -L Ventoy "$dev" || die "mke2fs failed"
	mkdir -p "$mnt"
	mount -t ext4 "$dev" "$mnt" || die "mounting the ext4 partition failed"
	VTOY_MOUNTS+=("$mnt")
	cp -r --sparse=never "$dir"/. "$mnt"/
	cleanup_mounts
	dev=$(loop_attach "$img" "$p2start" 65536) || die "losetup failed"
	VTOY_LOOPS+=("$dev")
	mkfs.fat -F 16 -n VTOYEFI "$dev" >/dev/null || die "mkfs.fat failed"
	cleanup_mounts
}

# fill_fs DIR: fills the filesystem mounted at DIR to its last block and
# inode (a store full before its first use).
fill_fs() {
	local i=0
	dd if=/dev/zero of="$1/fill" bs=1M 2>/dev/null
	dd if=/dev/zero of="$1/fill2" bs=1k 2>/dev/null
	while mkdir "$1/d$i" 2>/dev/null; do i=$((i + 1)); done
}

# make_luks_fs FILE LABEL PASS [DIR] [full]: FILE, 48 MiB, a LUKS2
# container holding an ext4 filesystem labelled LABEL (with DIR's files;
# with "full", filled to its last block and inode), unlocked by PASS. Made
# offline (cryptsetup reencrypt --encrypt moves the filesystem behind the
# header: no device-mapper needed here) with PBKDF2, as Argon2 would take
# minutes under emulation.
make_luks_fs() {
	local d=() m
	[ -n "${4:-}" ] && d=(-d "$4")
	rm -f "$1"
	truncate -s 48M "$1"
	mke2fs -q -F -t ext4 -L "$2" "${d[@]}" "$1" 32M || die "mke2fs failed"
	if [ "${5:-}" = full ]; then
		m=$(mktemp -d)
		mount -o loop "$1" "$m" || die "cannot mount $1 to fill it"
		fill_fs "$m"
		umount "$m" && rmdir "$m"
	fi
	printf '%s' "$3" | cryptsetup reencrypt --encrypt --type luks2 --reduce-device-size 16M \
		--pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file - --batch-mode "$1" ||
		die "cryptsetup reencrypt failed"
}

# ntfs_mark_dirty FSIMG: sets VOLUME_IS_DIRTY in the NTFS image FSIMG, as
# Windows leaves a volume it did not shut down cleanly. No ntfs-3g tool sets
# it, so the $VOLUME_INFORMATION attribute (type 0x70, flags at value+10) of
# $Volume (MFT record 3, 1 KiB records as mkntfs makes them) is patched in
# $MFT and in $MFTMirr, which must stay equal.
ntfs_mark_dirty() {
	local f=$1 cluster start rec a
	le() { od -An -t "u$2" -j "$1" -N "$2" "$f" | tr -d ' '; }
	cluster=$(($(le 11 2) * $(le 13 1)))
	for start in 48 56; do
		rec=$(($(le $start 8) * cluster + 3 * 1024))
		a=$((rec + $(le $((rec + 20)) 2)))
		while [ "$(le $a 4)" != 112 ]; do
			[ "$(le $a 4)" = 4294967295 ] && die "no \$VOLUME_INFORMATION in $f"
			a=$((a + $(le $((a + 4)) 4)))
		done
		printf '\001' | dd of="$f" bs=1 seek=$((a + $(le $((a + 20)) 2) + 10)) conv=notrunc status=none
	done
}

# ventoy_menu_initrd STICK ISO_PATH ISO_HOST_COPY OUT [DAT_HOST_COPY]: OUT,
# the initrd as Ventoy hands it over for ISO_PATH on STICK (its cpio
# prepended to $INITRD), with the persistent map of DAT when given: the file
# picked in Ventoy's menu.
ventoy_menu_initrd() {
	local out=$4 tmp
	tmp=$(mktemp -d)
	"$FIXTURES/ventoy-handover" "$1" 1 0 "$2" "$3" "$tmp/handover" ${5:+"$5"} >/dev/null ||
		die "ventoy-handover failed"
	make_cpio "$tmp/handover" "$tmp/handover.cpio"
	cat "$tmp/handover.cpio" "$INITRD" > "$out"
	rm -rf "$tmp"
}

# make_cpio DIR OUT: a newc archive of DIR, owned by root, to prepend to an
# initrd (the kernel unpacks concatenated archives in order)
make_cpio() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$2"
}

# make_ext4_disk IMG SIZE_MIB LABEL DIR: an MBR disk with one Linux
# partition at LBA 2048 holding an ext4 filesystem labelled LABEL with DIR's
# files in it (built without loop devices: mke2fs -E offset=).
make_ext4_disk() {
	local img=$1 size_mib=$2 label=$3 dir=$4
	local sectors=$((size_mib * 2048 - 2048))
	rm -f "$img"
	truncate -s "${size_mib}M" "$img"
	printf 'label: dos\nstart=2048, size=%d, type=83\n' "$sectors" | sfdisk -q "$img"
	mke2fs -q -F -t ext4 -L "$label" -d "$dir" -E offset=$((2048 * 512)) "$img" $((sectors / 2))k ||
		die "mke2fs failed"
}

# disk_from_fs IMG FSIMG: an MBR disk with one Linux partition at LBA 2048
# holding the filesystem image FSIMG.
disk_from_fs() {
	local img=$1 fs=$2 sectors
	sectors=$((($(stat -c %s "$fs") + 511) / 512))
	rm -f "$img"
	truncate -s $(((sectors + 2048) * 512)) "$img"
	printf 'label: dos\nstart=2048, size=%d, type=83\n' "$sectors" | sfdisk -q "$img"
	dd if="$fs" of="$img" bs=512 seek=2048 conv=notrunc status=none
}

# part1_cat IMG FILE: prints FILE from the ext4 filesystem of IMG's first
# partition (empty when absent)
part1_cat() {
	local start size tmp
	read -r start size < <(sfdisk -d "$1" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p' | head -n 1)
	tmp=$(mktemp)
	dd if="$1" of="$tmp" bs=512 skip="$start" count="$size" status=none
	debugfs -R "cat $2" "$tmp" 2>/dev/null
	rm -f "$tmp"
}

# stick_mount_data IMG MNTDIR [rw]: the stick's exFAT partition, read-only
# unless rw is given
stick_mount_data() {
	local img=$1 mnt=$2 mode=${3:-ro} start size dev ro=ro
	[ "$mode" = rw ] && ro=
	read -r start size < <(sfdisk -d "$img" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\), type=7.*/\1 \2/p')
	[ -n "$start" ] || die "$img has no partition of type 7"
	dev=$(loop_attach "$img" "$start" "$size" $ro) || die "losetup failed"
	VTOY_LOOPS+=("$dev")
	mkdir -p "$mnt"
	mount.exfat-fuse -o "$mode" "$dev" "$mnt" >/dev/null 2>&1 || die "mount.exfat-fuse failed"
	VTOY_MOUNTS+=("$mnt")
}

# store_cat IMG STORE_PATH FILE: prints FILE from the ext4 store image
# STORE_PATH on the stick's data partition (empty when absent)
store_cat() {
	local mnt
	mnt=$(mktemp -d)
	stick_mount_data "$1" "$mnt"
	debugfs -R "cat $3" "$mnt/$2" 2>/dev/null
	cleanup_mounts
	rmdir "$mnt"
}

QEMU_TIMEOUT=${QEMU_TIMEOUT:-300}

# qemu_cmd SERIAL STICK INITRD: sets QEMU_CMD to the QEMU command: the
# Debian kernel, the stick as a USB mass-storage device on xHCI, the serial
# console on the SERIAL chardev. TCG unless VTOY_QEMU_ACCEL=kvm: a /dev/kvm
# that opens is no proof that guests run (seen here: nested KVM that hangs
# with an empty console).
qemu_cmd() {
	[ -r "${KERNEL:-}" ] || die "no kernel at '${KERNEL:-}' (install linux-image-amd64)"
	QEMU_CMD=(timeout "$QEMU_TIMEOUT" qemu-system-x86_64
		-machine q35 -accel "${VTOY_QEMU_ACCEL:-tcg}" -m 768 -smp 1
		-display none -monitor "${QEMU_MONITOR:-none}" -no-reboot -serial "$1"
		-kernel "$KERNEL" -initrd "$3"
		$USB_CONTROLLER
		-drive "if=none,id=stick,format=raw,file=$2"
		$STICK_DEVICE
		"${QEMU_EXTRA[@]}")
}

# The USB controller the sticks are on; empty for a machine with no USB.
USB_CONTROLLER="-device qemu-xhci,id=xhci"

# How the stick is plugged in: a USB mass-storage (bulk-only) stick, as
# most are. STICK_DEVICE_UAS is a UAS one instead: the uas driver scans at
# once, without usb-storage's delay_use.
STICK_DEVICE="-device usb-storage,id=stickdev,bus=xhci.0,drive=stick,removable=on"
STICK_DEVICE_UAS="-device usb-uas,id=stickdev,bus=xhci.0 -device scsi-hd,bus=stickdev.0,scsi-id=0,lun=0,drive=stick,removable=on"

# Extra QEMU arguments a scenario sets (more disks).
QEMU_EXTRA=()

# uefi_args VARS: arguments for UEFI firmware (Debian's OVMF) whose
# variable store is VARS, a writable copy made when missing.
uefi_args() {
	[ -e "$1" ] || cp /usr/share/OVMF/OVMF_VARS_4M.fd "$1"
	echo "-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd -drive if=pflash,format=raw,unit=1,file=$1"
}

# usb_disk_args IMG ID: arguments for another USB stick holding IMG.
usb_disk_args() {
	echo "-drive if=none,id=$2,format=raw,file=$1 -device usb-storage,bus=xhci.0,drive=$2,removable=on"
}

BASE_APPEND="console=ttyS0,115200 panic=1 vtoy.onfail=poweroff"

qemu_status() {
	[ "$1" -eq 124 ] && echo "qemu-tests: boot timed out after ${QEMU_TIMEOUT}s" >>"$2"
	return "$1"
}

# qemu_boot LOG STICK INITRD APPEND...: boots; the serial console goes to LOG.
qemu_boot() {
	local log=$1
	qemu_cmd "file:$log" "$2" "$3"
	shift 3
	"${QEMU_CMD[@]}" -append "$BASE_APPEND $*" >"$log.qemu" 2>&1
	qemu_status $? "$log.qemu"
}

# qemu_boot_typing LOG STICK INITRD WAIT_FOR INPUT APPEND...: boots with the
# serial console on a pipe; once a console line contains WAIT_FOR, types
# INPUT at the console, as a user at the keyboard would.
qemu_boot_typing() {
	local log=$1 wait_for=$4 input=$5 rc fifo pid writer deadline
	qemu_cmd stdio "$2" "$3"
	shift 5
	fifo=$(mktemp -u)
	mkfifo "$fifo"
	"${QEMU_CMD[@]}" -append "$BASE_APPEND $*" <"$fifo" >"$log" 2>"$log.qemu" &
	pid=$!
	exec {writer}>"$fifo"
	deadline=$((SECONDS + QEMU_TIMEOUT))
	# Harness-side polling of the log file; the guest itself never waits.
	while ! grep -qF -- "$wait_for" "$log" && kill -0 "$pid" 2>/dev/null &&
		[ $SECONDS -lt $deadline ]; do
		sleep 0.5
	done
	printf '%s\n' "$input" >&"$writer"
	wait "$pid"
	rc=$?
	exec {writer}>&-
	rm -f "$fifo"
	qemu_status $rc "$log.qemu"
}

# qemu_boot_monitor LOG STICK INITRD WAIT_FOR COMMANDS APPEND...: boots;
# once a console line contains WAIT_FOR, sends COMMANDS (lines) to the QEMU
# monitor, as a user plugging a stick in or pulling one out. The monitor's
# answers go to LOG.monitor.
qemu_boot_monitor() {
	local log=$1 wait_for=$4 commands=$5 mon pid rc deadline reader
	mon=$(mktemp -u)
	mkfifo "$mon.in" "$mon.out"
	QEMU_MONITOR="pipe:$mon" qemu_cmd "file:$log" "$2" "$3"
	shift 5
	: >"$log"
	"${QEMU_CMD[@]}" -append "$BASE_APPEND $*" >"$log.qemu" 2>&1 &
	pid=$!
	cat "$mon.out" >"$log.monitor" &
	reader=$!
	deadline=$((SECONDS + QEMU_TIMEOUT))
	# Harness-side polling of the log file; the guest itself never waits.
	while ! grep -qF -- "$wait_for" "$log" && kill -0 "$pid" 2>/dev/null &&
		[ $SECONDS -lt $deadline ]; do
		sleep 0.2
	done
	echo "monitor at $(date +%T.%N): $commands" >"$log.plug"
	printf '%s\n' "$commands" >"$mon.in"
	wait "$pid"
	rc=$?
	kill "$reader" 2>/dev/null
	rm -f "$mon.in" "$mon.out"
	qemu_status $rc "$log.qemu"
}

# qemu_boot_attach_late LOG STICK INITRD WAIT_FOR IMG APPEND...: boots; once
# a console line contains WAIT_FOR, plugs IMG in as another USB stick.
qemu_boot_attach_late() {
	local log=$1 stick=$2 initrd=$3 wait_for=$4 img=$5
	shift 5
	qemu_boot_monitor "$log" "$stick" "$initrd" "$wait_for" \
		"drive_add 0 if=none,id=late,format=raw,file=$img"$'\n'"device_add usb-storage,bus=xhci.0,drive=late,removable=on" \
		"$@"
}

# qemu_boot_unplug LOG STICK INITRD WAIT_FOR APPEND...: boots; once a console
# line contains WAIT_FOR, pulls the stick (STICK) out.
qemu_boot_unplug() {
	local log=$1 stick=$2 initrd=$3 wait_for=$4
	shift 4
	qemu_boot_monitor "$log" "$stick" "$initrd" "$wait_for" "device_del stickdev" "$@"
}

# qemu_boot_cut LOG STICK INITRD WAIT_FOR APPEND...: boots; once a console
# line contains WAIT_FOR (and CUT_DELAY tenths of a second later), stops
# QEMU at once, as a power cut would (nothing
# of the guest's page cache or the disks' own caches is written after it).
qemu_boot_cut() {
	local log=$1 wait_for=$4 pid deadline
	qemu_cmd "file:$log" "$2" "$3"
	shift 4
	: >"$log"
	"${QEMU_CMD[@]}" -append "$BASE_APPEND $*" >"$log.qemu" 2>&1 &
	pid=$!
	deadline=$((SECONDS + QEMU_TIMEOUT))
	# Harness-side polling of the log file; the guest itself never waits.
	while ! grep -qF -- "$wait_for" "$log" && kill -0 "$pid" 2>/dev/null &&
		[ $SECONDS -lt $deadline ]; do
		sleep 0.2
	done
	if ! grep -qF -- "$wait_for" "$log"; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid"
		echo "qemu-tests: '$wait_for' never came" >>"$log.qemu"
		return 1
	fi
	# CUT_DELAY tenths of a second more: the cut then lands anywhere.
	[ "${CUT_DELAY:-0}" -gt 0 ] && sleep "$((CUT_DELAY / 10)).$((CUT_DELAY % 10))"
	# timeout(1) passes SIGTERM on to QEMU, which stops the machine at
	# once: what the guest had not written to its disks is lost.
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	echo "power cut at $(date +%T.%N)" >>"$log.qemu"
	return 0
}

# Scenario assertions. Each failed one is reported and counted; a
# scenario passes only when none failed.
SCENARIO_FAILURES=0

fail() {
	echo "  FAIL: $*"
	SCENARIO_FAILURES=$((SCENARIO_FAILURES + 1))
}

ok() { echo "  ok: $*"; }

# line_regex TEXT: TEXT as an extended regular expression, with each @DEV@
# standing for any device node: which kernel name a disk gets is not stable
# (USB and SCSI enumeration, machine load), so tests never name one.
line_regex() {
	local t
	t=$(printf '%s' "$1" | sed -e 's/[][\.*^$+?(){}|]/\\&/g')
	printf '%s' "${t//@DEV@//dev/[[:alnum:]/_.-]+}"
}

# grep_line LOG TEXT: grep for TEXT, literally unless it holds @DEV@
grep_line() {
	case $2 in
	*@DEV@*) grep -E -- "$(line_regex "$2")" "$1" ;;
	*) grep -F -- "$2" "$1" ;;
	esac
}

# expect_line LOG TEXT: the console log has a line containing TEXT (@DEV@:
# any device node)
expect_line() {
	if grep_line "$1" "$2" >/dev/null; then ok "console: $2"; else fail "console ($1) lacks: $2"; fi
}

expect_no_line() {
	if grep_line "$1" "$2" >/dev/null; then fail "console ($1) has: $(grep_line "$1" "$2" | head -n 1)"; else ok "console has no: $2"; fi
}

# status_json LOG: the last machine-readable status (vtoy-persist status
# --json) the live system printed on its console
status_json() {
	sed -n 's/^VTOYTEST: json: //p' "$1" | tr -d '\r' | tail -n 1
}

# expect_status LOG FILTER WANT: the product's own account of what it
# decided (jq FILTER over the status, e.g. .store.label) is WANT. Assert on
# labels, UUIDs, kinds and options here, not on kernel device names.
expect_status() {
	local json got
	json=$(status_json "$1")
	if [ -z "$json" ]; then
		fail "status ($1): the live system printed no JSON status"
		return
	fi
	got=$(printf '%s' "$json" | jq -r "$2" 2>&1) || got="(jq: $got)"
	if [ "$got" = "$3" ]; then ok "status $2 = '$3'"; else fail "status ($1) $2: got '$got', want '$3'"; fi
}

# expect_equal WHAT GOT WANT
expect_equal() {
	if [ "$2" = "$3" ]; then ok "$1 = '$3'"; else fail "$1: got '$2', want '$3'"; fi
}

scenario_finish() {
	local log
	# Every decision must reach the console: none of our lines may have been
	# dropped by the kernel's /dev/kmsg rate limit.
	for log in "$SCENARIO_DIR"/*.log; do
		[ -f "$log" ] || continue
		if grep -qE 'printk: vtoy-[a-z-]*: [0-9]+ output lines suppressed' "$log"; then
			fail "$log: kmsg rate limit dropped log lines"
		fi
	done
	if [ "$SCENARIO_FAILURES" -gt 0 ]; then
		echo "  console logs: $SCENARIO_DIR/*.log"
		exit 1
	fi
	exit 0
}

# liveboot_initrd KVER: sets LIVEBOOT_INITRD to Debian's own live-boot
# initramfs for KVER, built with mkinitramfs (live-boot and
# live-boot-initramfs-tools installed by install-deps.sh) and cached in
# build/liveboot-initrd/; scenarios running at once build it once. exfat is
# added to its modules: Debian's MODULES=most leaves it out, and live-boot
# could not read Ventoy's data partition without it. A scenario that cannot
# have it fails and ends here.
liveboot_initrd() {
	local kver=$1 top cache stamp conf
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	cache=$top/build/liveboot-initrd
	LIVEBOOT_INITRD=$cache/$kver.img
	if [ ! -e /usr/share/initramfs-tools/scripts/live ] || ! command -v mkinitramfs >/dev/null; then
		fail "live-boot-initramfs-tools or initramfs-tools is not installed (scripts/install-deps.sh installs them): cannot build live-boot's image"
		scenario_finish
	fi
	mkdir -p "$cache"
	stamp="$(dpkg-query -W -f '${Version} ' live-boot live-boot-initramfs-tools initramfs-tools 2>/dev/null)$kver exfat zstd"
	conf=$SCENARIO_DIR/initramfs-tools
	if ! (
		flock 9
		[ -s "$LIVEBOOT_INITRD" ] && [ "$(cat "$cache/$kver.stamp" 2>/dev/null)" = "$stamp" ] && exit 0
		echo "building live-boot's initramfs for $kver"
		rm -rf "$conf" && cp -a /etc/initramfs-tools "$conf"
		sed -i 's/^COMPRESS=.*/COMPRESS=zstd/' "$conf/initramfs.conf"
		printf 'exfat\nnls_utf8\n' >> "$conf/modules"
		mkinitramfs -d "$conf" -o "$LIVEBOOT_INITRD.tmp" "$kver" >"$SCENARIO_DIR/mkinitramfs.txt" 2>&1 &&
			mv "$LIVEBOOT_INITRD.tmp" "$LIVEBOOT_INITRD" && echo "$stamp" > "$cache/$kver.stamp"
	) 9>"$cache/.lock"; then
		fail "mkinitramfs failed (see $SCENARIO_DIR/mkinitramfs.txt)"
		scenario_finish
	fi
}

# stage_install DIR: `make install` of this tree into DIR (PREFIX=/usr), as a
# distribution package would lay it out. The hook and the dracut module
# find the staged binaries through VTOY_SBINDIR and VTOY_DATADIR, which this
# exports.
stage_install() {
	local top
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	rm -rf "$1"
	make -s -C "$top" install DESTDIR="$1" PREFIX=/usr >"$1.log" 2>&1 || {
		cat "$1.log"
		return 1
	}
	export VTOY_SBINDIR=$1/usr/sbin VTOY_DATADIR=$1/usr/share/vtoy-persist
}

# systemd_root_iso: sets SYSTEMD_ISO to a casper-layout ISO (label
# SYSTEMD_TEST) whose root is a minbase Debian 12 with systemd as init and
# tests/qemu/systemd-root/vtoy-test run at boot; built with mmdebstrap from
# this machine's Debian sources, cached in build/systemd-root (rebuilt when
# its inputs change). No udev in a minbase root: the gettys, which would wait
# 90 s for a serial device unit, are masked, under a lock for scenarios running side by side.
systemd_root_iso() {
	local top cache stamp dir
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	cache=$top/build/systemd-root
	dir=$top/tests/qemu/systemd-root
	SYSTEMD_ISO=$cache/systemd-test.iso
	command -v mmdebstrap >/dev/null || {
		fail "mmdebstrap is not installed (scripts/install-deps.sh installs it): cannot build the systemd root"
		scenario_finish
	}
	mkdir -p "$cache"
	stamp=$({ cat "$dir"/* "$top/tests/debian-sources.sh"; declare -f systemd_root_iso; } | sha256sum | cut -c1-16)
	if ! (
		flock 9
		[ -s "$SYSTEMD_ISO" ] && [ "$(cat "$cache/stamp" 2>/dev/null)" = "$stamp" ] && exit 0
		echo "building the systemd root (mmdebstrap, cached in $cache)"
		rm -rf "$cache/root" "$cache/iso" && mkdir -p "$cache/iso/casper"
		"$top/tests/debian-sources.sh" > "$cache/sources.list"
		mmdebstrap --quiet --variant=minbase --include=systemd-sysv \
			--customize-hook="install -m 0755 '$dir/vtoy-test' \"\$1/usr/local/sbin/vtoy-test\"" \
			--customize-hook="install -m 0644 '$dir/vtoy-test.service' \"\$1/etc/systemd/system/vtoy-test.service\"" \
			--customize-hook='ln -s /etc/systemd/system/vtoy-test.service "$1/etc/systemd/system/multi-user.target.wants/vtoy-test.service"' \
			--customize-hook='echo vtoy-live > "$1/etc/hostname"' \
			--customize-hook='for u in getty@ serial-getty@ getty-static apt-daily apt-daily-upgrade; do ln -sf /dev/null "$1/etc/systemd/system/$u.service"; done' \
			bookworm "$cache/root" "$cache/sources.list" >"$cache/mmdebstrap.log" 2>&1 &&
			mksquashfs "$cache/root" "$cache/iso/casper/filesystem.squashfs" -comp gzip -noappend -no-xattrs \
				-quiet -e boot -e var/cache/apt -e var/lib/apt/lists >/dev/null &&
			xorriso -as mkisofs -quiet -R -J -V SYSTEMD_TEST -o "$SYSTEMD_ISO.tmp" "$cache/iso" &&
			mv "$SYSTEMD_ISO.tmp" "$SYSTEMD_ISO" && echo "$stamp" > "$cache/stamp"
		ret=$?
		rm -rf "$cache/root" "$cache/iso"
		exit $ret
	) 9>"$cache/.lock"; then
		fail "building the systemd root failed (see $cache/mmdebstrap.log)"
		scenario_finish
	fi
}
