#!/bin/bash
# Builds the benchmark's fixtures in DIR (default build/bench/fixtures):
#   bench.iso    one live ISO in three layouts over the same busybox root
#                squashfs: live/ (Debian), casper/ (Ubuntu), LiveOS/ (dracut)
#   stick.img    a Ventoy-layout stick with /iso/bench.iso on its exFAT
#                partition, plus FILES extra files at the partition root
#   store.img    a disk whose ext4 partition is labelled "persistence" and
#                holds persistence.conf with "/ union" (live-boot and ours)
#                and /LiveOS/overlay (dracut's overlayfs overlay)
# Usage: build-fixtures.sh DIR [FILES]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/qemu/lib.sh"
out=${1:-$top/build/bench/fixtures}
files=${2:-0}
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d "$out/.work.XXXXXX")
trap 'cleanup_mounts; rm -rf "$tmp"' EXIT

rootfs=$top/build/fixtures/rootfs.squashfs
[ -r "$rootfs" ] || die "no $rootfs (make fixtures)"

if [ ! -e "$out/bench.iso" ] || [ "$rootfs" -nt "$out/bench.iso" ]; then
	mkdir -p "$tmp/iso/live" "$tmp/iso/casper" "$tmp/iso/LiveOS"
	cp "$rootfs" "$tmp/iso/live/filesystem.squashfs"
	cp "$rootfs" "$tmp/iso/casper/filesystem.squashfs"
	cp "$rootfs" "$tmp/iso/LiveOS/squashfs.img"
	xorriso -as mkisofs -quiet -R -J -V VTOY_BENCH -o "$out/bench.iso" "$tmp/iso" 2>/dev/null
fi

extra=()
if [ "$files" -gt 0 ]; then
	mkdir -p "$tmp/files"
	for i in $(seq 1 "$files"); do echo "$i" > "$tmp/files/file-$i.txt"; done
	for i in $(seq 1 "$files"); do extra+=("$tmp/files/file-$i.txt:file-$i.txt"); done
fi
make_ventoy_stick "$out/stick.img" 64 "$tmp/mnt" "$out/bench.iso:iso/bench.iso" "${extra[@]}"

mkdir -p "$tmp/store/LiveOS/overlay" "$tmp/store/LiveOS/ovlwork"
echo "/ union" > "$tmp/store/persistence.conf"
make_ext4_disk "$out/store.img" 96 persistence "$tmp/store"
echo "bench fixtures: $out (stick with $files extra files)"
