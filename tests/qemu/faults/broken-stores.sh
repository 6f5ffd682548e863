#!/bin/bash
# Broken and wrong stores (make check-faults): a second stick whose
# partition labelled persistence is broken in one way per boot. Each boot
# must come up with a warning that names the cause and, where the store is
# unusable, a temporary overlay; the stick must be byte-identical afterwards
# unless e2fsck repaired the chosen store.
. "$(dirname "$0")/../scenario-env.sh"

iso='findiso="/ISO images/debian-test.iso"'
dir=$SCENARIO_DIR/files
mkdir -p "$dir/conf"
echo "/ union" > "$dir/conf/persistence.conf"

# ext4_fs IMG MIB [LABEL]: an ext4 filesystem image holding persistence.conf
ext4_fs() {
	rm -f "$1"
	mke2fs -q -F -t ext4 -L "${3:-persistence}" -d "$dir/conf" "$1" "$2M" >/dev/null || die "mke2fs failed"
}

# disk_of IMG FS...: an MBR disk whose partitions hold the images FS..., in order
disk_of() {
	local img=$1 start=2048 table='label: dos' fs sectors
	shift
	rm -f "$img"
	for fs in "$@"; do
		sectors=$((($(stat -c %s "$fs") + 511) / 512))
		table+=$'\n'"start=$start, size=$sectors, type=83"
		start=$((start + sectors))
	done
	truncate -s $((start * 512)) "$img"
	sfdisk -q "$img" <<<"$table" || die "sfdisk failed"
	start=2048
	for fs in "$@"; do
		dd if="$fs" of="$img" bs=512 seek=$start conv=notrunc status=none
		start=$((start + ($(stat -c %s "$fs") + 511) / 512))
	done
}

# boot_broken NAME IMG TEST [readonly]: boots with IMG as the second stick
# (write-protected with readonly) and vtoy.test=TEST; the log is
# $SCENARIO_DIR/NAME.log. IMG's bytes before the boot are kept in IMG.before.
boot_broken() {
	local ro=
	[ "${4:-}" = readonly ] && ro=,readonly=on
	QEMU_EXTRA=(-drive "if=none,id=broken,format=raw,file=$2$ro"
		-device usb-storage,bus=xhci.0,drive=broken,removable=on)
	cp "$2" "$2.before"
	log=$SCENARIO_DIR/$1.log
	qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=$3" ||
		fail "$1: qemu exited with $?"
}
# unchanged NAME IMG [superblock]: IMG is byte-identical to before its boot
# (with superblock: but for the first partition's primary superblock, where
# e2fsck records the errors it found)
unchanged() {
	local sb_from=$(((2048 * 512) + 1024 + 1)) sb_to=$(((2048 * 512) + 2048)) diffs
	diffs=$(cmp -l "$2.before" "$2" | awk -v a="$sb_from" -v b="$sb_to" -v sb="${3:-}" \
		'{ if (sb == "" || $1 < a || $1 > b) n++ } END { print n + 0 }')
	expect_equal "$1: bytes changed on the stick${3:+ outside the superblock}" "$diffs" 0
	rm -f "$2.before"
}

echo "truncated: the filesystem is bigger than its partition"
ext4_fs "$dir/fs" 32
truncate -s 16M "$dir/fs"
disk_of "$SCENARIO_DIR/truncated.img" "$dir/fs"
boot_broken truncated "$SCENARIO_DIR/truncated.img" exists:/root
expect_line "$log" "vtoy-persist: error: e2fsck could not make @DEV@ consistent (exit 4)"
expect_line "$log" "cannot be mounted even read-only"
expect_status "$log" .persistence.mode fallback-tmpfs
expect_status "$log" .persistence.fallback_reason "checking and mounting the store: it could not be made consistent"
unchanged truncated "$SCENARIO_DIR/truncated.img" superblock

echo "bad superblock: the primary superblock zeroed"
ext4_fs "$dir/fs" 32
dd if=/dev/zero of="$dir/fs" bs=1024 seek=1 count=1 conv=notrunc status=none
disk_of "$SCENARIO_DIR/superblock.img" "$dir/fs"
boot_broken superblock "$SCENARIO_DIR/superblock.img" exists:/root
expect_line "$log" "vtoy-persist: @DEV@: skipped, no filesystem found"
expect_line "$log" "vtoy-persist: WARNING: persistence was asked for, but no store labelled persistence was found"
expect_status "$log" .persistence.mode fallback-tmpfs
unchanged superblock "$SCENARIO_DIR/superblock.img"

echo "bad journal: a journal to replay, its first blocks overwritten"
ext4_fs "$dir/fs" 32
bs=$(dumpe2fs -h "$dir/fs" 2>/dev/null | sed -n 's/^Block size: *//p')
jblock=$(debugfs -R "bmap <8> 0" "$dir/fs" 2>/dev/null)
dd if=/dev/urandom of="$dir/fs" bs="$bs" seek="$jblock" count=4 conv=notrunc status=none
debugfs -w -R "feature needs_recovery" "$dir/fs" >/dev/null 2>&1
disk_of "$SCENARIO_DIR/journal.img" "$dir/fs"
boot_broken journal "$SCENARIO_DIR/journal.img" exists:/root
expect_line "$log" "vtoy-persist: e2fsck: persistence: Superblock has an invalid journal (inode 8)."
expect_line "$log" "journal has been regenerated"
expect_status "$log" .store.fsck repaired
expect_status "$log" .store.last_shutdown unclean
expect_status "$log" .persistence.mode store
rm -f "$SCENARIO_DIR/journal.img.before"

echo "vfat: a FAT partition labelled persistence"
rm -f "$dir/fs"
mkfs.vfat -n persistence -C "$dir/fs" 16384 >/dev/null 2>&1 || die "mkfs.vfat failed"
disk_of "$SCENARIO_DIR/vfat.img" "$dir/fs"
boot_broken vfat "$SCENARIO_DIR/vfat.img" exists:/root
expect_line "$log" "vtoy-persist: WARNING: @DEV@: skipped, label persistence but filesystem 'vfat' (ext2/3/4, xfs or btrfs expected)"
expect_status "$log" .persistence.mode fallback-tmpfs
unchanged vfat "$SCENARIO_DIR/vfat.img"

echo "two stores: two partitions labelled persistence"
ext4_fs "$dir/fs1" 16
ext4_fs "$dir/fs2" 16
uuid1=$(blkid -o value -s UUID "$dir/fs1")
disk_of "$SCENARIO_DIR/two.img" "$dir/fs1" "$dir/fs2"
boot_broken two "$SCENARIO_DIR/two.img" exists:/root
expect_line "$log" "vtoy-persist: WARNING: two stores labelled persistence: using @DEV@, not @DEV@"
expect_status "$log" .store.uuid "$uuid1"
expect_status "$log" .persistence.mode store
rm -f "$SCENARIO_DIR/two.img.before"

echo "full before its first use: no room for rw/ and work/"
ext4_fs "$dir/fs" 16
mkdir -p "$dir/m"
mount -o loop "$dir/fs" "$dir/m" || die "cannot mount the store on the host"
fill_fs "$dir/m"
umount "$dir/m"
disk_of "$SCENARIO_DIR/full.img" "$dir/fs"
boot_broken full "$SCENARIO_DIR/full.img" exists:/root
expect_status "$log" .persistence.mode fallback-tmpfs
expect_status "$log" '.persistence.fallback_reason | test("No space left on device")' true
expect_line "$log" "THE STORE IS FULL"
rm -f "$SCENARIO_DIR/full.img.before"

echo "sparse: a store file with holes, on Ventoy's ext4 data partition made read-write"
rm -f "$dir/persistence"
truncate -s 24M "$dir/persistence"
mke2fs -q -F -t ext4 -L persistence -d "$dir/conf" "$dir/persistence" >/dev/null || die "mke2fs failed"
cp --sparse=always "$FIXTURES/stick-ext4.img" "$SCENARIO_DIR/stick-ext4.img"
read -r start size < <(sfdisk -d "$SCENARIO_DIR/stick-ext4.img" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p' | head -n 1)
loop=$(loop_attach "$SCENARIO_DIR/stick-ext4.img" "$start" "$size") || die "losetup failed"
VTOY_LOOPS+=("$loop")
mkdir -p "$dir/m"
mount "$loop" "$dir/m" || die "cannot mount the ext4 stick"
VTOY_MOUNTS+=("$dir/m")
cp --sparse=always "$dir/persistence" "$dir/m/persistence"
du -k "$dir/m/persistence" | sed 's/^/  host: allocated KiB: /'
cleanup_mounts
cat "$FIXTURES/handover-ext4.cpio" "$INITRD" > "$SCENARIO_DIR/initrd-ext4.img"
QEMU_EXTRA=()
log=$SCENARIO_DIR/sparse.log
qemu_boot "$log" "$SCENARIO_DIR/stick-ext4.img" "$SCENARIO_DIR/initrd-ext4.img" boot=live persistence \
	vtoy.data=rw vtoy.test=exists:/root || fail "sparse: qemu exited with $?"
expect_line "$log" "/persistence is sparse:"
expect_status "$log" .store.kind file
expect_status "$log" .persistence.mode store
rm -f "$SCENARIO_DIR/stick-ext4.img" "$SCENARIO_DIR/initrd-ext4.img"

echo "write-protected: the store's stick is read-only"
token=wp-$$-$RANDOM
mkdir -p "$dir/conf/rw/root"
echo "$token" >"$dir/conf/rw/root/vtoy-marker.txt"
ext4_fs "$dir/fs" 32
rm -rf "$dir/conf/rw"
disk_of "$SCENARIO_DIR/readonly.img" "$dir/fs"
boot_broken readonly "$SCENARIO_DIR/readonly.img" "expect:$token" readonly
expect_line "$log" "vtoy-persist: WARNING: @DEV@ IS WRITE-PROTECTED (the kernel marks it read-only)"
expect_no_line "$log" "could not be made consistent"
expect_status "$log" .persistence.mode read-only-store
expect_status "$log" '.persistence.fallback_reason | test("write-protected")' true
expect_status "$log" .store.access read-only
expect_line "$log" "VTOYTEST: RESULT found $token"
unchanged readonly "$SCENARIO_DIR/readonly.img"

echo "exFAT dirty: the Ventoy partition's VolumeDirty flag set (as a cut mid-write leaves it)"
# VolumeFlags, byte 106 of the exFAT boot sector (outside its checksum), bit 1
flags=$(((2048 * 512) + 106))
old=$(od -An -tu1 -j "$flags" -N1 "$STICK" | tr -d ' ')
printf "\\$(printf %o $((old | 2)))" | dd of="$STICK" bs=1 seek="$flags" conv=notrunc status=none
ext4_fs "$dir/fs" 16
disk_of "$SCENARIO_DIR/good.img" "$dir/fs"
boot_broken exfat-dirty "$SCENARIO_DIR/good.img" exists:/root
expect_line "$log" "vtoy-iso-scan: WARNING: @DEV@ (exFAT, label Ventoy) was not unmounted cleanly last time"
expect_line "$log" "check it from another system with fsck.exfat"
expect_status "$log" .data.last_shutdown unclean
expect_status "$log" .persistence.mode store
expect_line "$log" "NOT unmounted cleanly last time: check it with fsck.exfat"
rm -f "$SCENARIO_DIR/good.img.before"
scenario_finish
