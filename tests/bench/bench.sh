#!/bin/bash
# make bench: boots the same stick (Ventoy layout, /iso/bench.iso) and the
# same persistence store under each runtime, REPEAT times, in QEMU (TCG, one
# boot at a time), and reads the guest's own clock: the kernel's "Run ... as
# init process" line (hand-over to the initramfs) and the root init's first
# line (/proc/uptime). The boots come in rounds, each booting every runtime
# and scaling row once: the machine's pace drifts by tens of percent within
# an hour, and so weighs on every row alike; differences between rows are
# also taken round by round. Memory: the peak of MemTotal-MemAvailable
# sampled by bench-init (kernel included), and its growth over the first
# sample. Prints a markdown table, writes CSV under OUT. Asserts nothing
# about speed; a runtime that cannot boot is reported with the reason.
#
# Usage: bench.sh [--smoke]   (--smoke: our standalone image, one boot)
# Environment: KVER, KERNEL, REPEAT (5), OUT (build/bench), RUNTIMES, SCALING (1)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/qemu/lib.sh"
trap cleanup_mounts EXIT

smoke=0
[ "${1:-}" = --smoke ] && smoke=1
KVER=${KVER:-$(ls /lib/modules | sort -V | tail -n 1)}
KERNEL=${KERNEL:-/boot/vmlinuz-$KVER}
out=${OUT:-$top/build/bench}
repeat=${REPEAT:-5}
runtimes=${RUNTIMES:-floor vtoy live-boot dracut vtoy-initramfs-tools vtoy-dracut}
scaling=${SCALING:-1}
if [ $smoke = 1 ]; then repeat=1 runtimes=vtoy scaling=0; fi
export QEMU_TIMEOUT=${QEMU_TIMEOUT:-300}
mkdir -p "$out"
out=$(cd "$out" && pwd)
fix=$out/fixtures
images=$out/images
runs=$out/runs
mkdir -p "$images" "$runs"
rm -rf "${runs:?}"/*

[ -r "$KERNEL" ] || die "no kernel at $KERNEL (install linux-image-amd64)"
"$here/build-fixtures.sh" "$fix" 0 >/dev/null || die "building the bench fixtures failed"

# The rdinit wrapper, appended to every runtime's image.
wrap=$images/bench-init.cpio
rm -rf "$images/wrap" && mkdir -p "$images/wrap/.bench" "$images/wrap/dev"
cp "$here/bench-init" "$images/wrap/.bench/init"
cp /bin/busybox "$images/wrap/.bench/busybox"
mknod -m 666 "$images/wrap/dev/null" c 1 3
(cd "$images/wrap" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$wrap"

declare -A IMAGE APPEND NOTE
iso=/iso/bench.iso
# build_image RUNTIME: sets IMAGE[RUNTIME] (empty when it cannot be built,
# with the reason in NOTE).
build_image() {
	local rt=$1 img=$images/$1.img log=$images/$1.log conf
	case $rt in
	floor)
		build_floor "$img" >"$log" 2>&1
		APPEND[$rt]=""
		NOTE[$rt]="the physical limit: exactly this machine's modules, no discovery, tmpfs overlay"
		;;
	floor-scsi)
		# The floor of the machine with the extra disks: their
		# controller's drivers too, so that the kernel adds them.
		build_floor "$img" virtio_pci virtio_scsi >"$log" 2>&1
		APPEND[$rt]=""
		;;
	vtoy)
		make -s -C "$top" initramfs KVER="$KVER" >"$log" 2>&1 && cp "$top/build/initramfs.img" "$img"
		APPEND[$rt]="findiso=$iso persistence"
		;;
	live-boot | vtoy-initramfs-tools)
		conf=$images/$rt-conf
		rm -rf "$conf" && cp -a /etc/initramfs-tools "$conf"
		sed -i 's/^COMPRESS=.*/COMPRESS=zstd/' "$conf/initramfs.conf"
		if [ $rt = live-boot ]; then
			# Debian's MODULES=most leaves exfat out: live-boot could not
			# read Ventoy's data partition without it.
			printf 'exfat\nnls_utf8\n' >> "$conf/modules"
			NOTE[$rt]="exfat added to initramfs-tools' modules"
			APPEND[$rt]="boot=live findiso=$iso persistence"
		else
			stage_install "$images/stage" >>"$log" 2>&1 || return 1
			mkdir -p "$conf/hooks" "$conf/scripts"
			cp "$images/stage/usr/share/initramfs-tools/hooks/vtoy" "$conf/hooks/"
			cp "$images/stage/usr/share/initramfs-tools/scripts/vtoy" "$conf/scripts/"
			[ -e /usr/share/initramfs-tools/hooks/live ] && NOTE[$rt]="image also holds live-boot (installed on this machine)"
			APPEND[$rt]="boot=vtoy findiso=$iso persistence"
		fi
		mkinitramfs -d "$conf" -o "$img" "$KVER" >>"$log" 2>&1
		;;
	dracut | vtoy-dracut)
		mkdir -p "$images/no-conf.d"
		if [ $rt = dracut ]; then
			dracut --conf /dev/null --confdir "$images/no-conf.d" --no-hostonly --add dmsquash-live \
				--force --kver "$KVER" "$img" >"$log" 2>&1
			APPEND[$rt]="root=live:CDLABEL=VTOY_BENCH iso-scan/filename=$iso rd.live.image rd.live.overlay=LABEL=persistence:/LiveOS/overlay rd.live.overlay.overlayfs=1"
		else
			stage_install "$images/stage" >>"$log" 2>&1 || return 1
			rm -rf "$images/dracut-base" && cp -a /usr/lib/dracut "$images/dracut-base"
			cp -a "$images/stage/usr/lib/dracut/modules.d/55vtoy" "$images/dracut-base/modules.d/"
			dracutbasedir=$images/dracut-base dracut --conf /dev/null --confdir "$images/no-conf.d" \
				--no-hostonly --add vtoy --force --kver "$KVER" "$img" >"$log" 2>&1
			APPEND[$rt]="rd.vtoy findiso=$iso persistence"
		fi
		;;
	esac
}

# build_floor IMG [MODULE...]: the floor runtime (tests/bench/floor-init):
# static busybox, util-linux's switch_root (as in ours) and the modules this
# machine's stick needs (xHCI, usb-storage, sd, loop, exFAT, ISO 9660,
# squashfs, overlay), in the order kmod gives; MODULEs come right after the
# xHCI driver, as the coldplug of a machine with their controllers would
# load them.
build_floor() {
	local img=$1 stage=$images/floor-root m lib
	shift
	rm -rf "$stage" && mkdir -p "$stage"/{bin,sbin,proc,sys,dev,run,floor}
	cp /bin/busybox "$stage/bin/busybox"
	for m in $(/bin/busybox --list); do
		[ "$m" = busybox ] || ln -s busybox "$stage/bin/$m"
	done
	cp /sbin/switch_root "$stage/sbin/switch_root"
	for lib in $(ldd /sbin/switch_root | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
	cp "$here/floor-init" "$stage/init"
	for m in xhci-pci "$@" usb-storage sd_mod loop exfat isofs squashfs overlay; do
		modprobe -S "$KVER" --show-depends "$m" | sed -n 's/^insmod \([^ ]*\).*/\1/p'
	done | awk '!seen[$0]++' | while read -r ko; do
		mkdir -p "$stage$(dirname "$ko")"
		cp "$ko" "$stage$ko"
		echo "$ko" >> "$stage/floor/modules"
	done
	[ -s "$stage/floor/modules" ] || return 1
	mknod -m 0600 "$stage/dev/console" c 5 1
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | zstd -q -10) > "$img"
}

# boot_once RUNTIME N FIXDIR NAME EXTRA...: one boot of FIXDIR's stick.img
# and store.img (copies); appends a CSV line to results.
boot_once() {
	local rt=$1 n=$2 fixdir=$3 name=$4 dir handover root phase mem ok reason
	shift 4
	dir=$runs/$name-$n
	mkdir -p "$dir"
	cp --sparse=always "$fixdir/stick.img" "$dir/stick.img"
	cp --sparse=always "$fixdir/store.img" "$dir/store.img"
	QEMU_EXTRA=($(usb_disk_args "$dir/store.img" store) "$@")
	qemu_boot "$dir/console.log" "$dir/stick.img" "$images/$rt.bench.img" \
		rdinit=/.bench/init ${APPEND[$rt]} vtoy.test=write:bench-$n
	handover=$(sed -n 's/^\[ *\([0-9.]*\)\] Run \/.bench\/init as init process.*/\1/p' "$dir/console.log" | head -n 1)
	root=$(sed -n 's/^VTOYTEST: root init started at \([0-9.]*\) s.*/\1/p' "$dir/console.log" | head -n 1)
	ok=0 reason=
	if [ -z "$handover" ]; then
		reason="the kernel never started the initramfs"
	elif [ -z "$root" ]; then
		reason=$(grep -vE '^\[|^ *$' "$dir/console.log" | tail -n 3 | tr '\n' ' ' | tr -d '\033' | cut -c1-160)
		reason="no root init: ${reason:-see $dir/console.log}"
		reason=${reason//,/;}
	elif ! grep -q "VTOYTEST: RESULT wrote bench-$n" "$dir/console.log"; then
		reason="the root could not write"
	else
		ok=1
	fi
	phase= mem=
	if [ $ok = 1 ]; then
		phase=$(echo "$root $handover" | awk '{ printf "%.2f", $1 - $2 }')
		mem=$(awk -v t="$root" '/vtoy-bench: memory in use/ {
			ts = $0; sub(/^\[ */, "", ts); sub(/\].*/, "", ts)
			if (ts + 0 <= t + 0) { v = $0; sub(/.*in use /, "", v); sub(/ kB.*/, "", v); m = v; if (f == "") f = v } }
			END { print m, m - f }' "$dir/console.log")
	fi
	medium=$(sed -n 's/.*vtoy-iso-scan: medium found after \([0-9]*\) ms.*/\1/p' "$dir/console.log" | head -n 1)
	# Our runtime's own timeline (ms of uptime at the end of each step),
	# from the status the root printed; empty for the other runtimes.
	steps=$(status_json "$dir/console.log" | jq -r '.timeline | [.init_ms, .drivers_ms,
		.medium_ms, .store_ms, .fsck_ms, .overlay_ms, .switch_root_ms] | map(. // "") | join(",")' \
		2>/dev/null) || steps=
	echo "$name,$n,$handover,$root,$phase,${mem% *},${medium:-},$ok,\"$reason\",${mem#* },${steps:-,,,,,,}" >> "$out/boots.csv"
	[ "${KEEP_STORE:-}" = 1 ] || rm -f "$dir/store.img"
	rm -f "$dir/stick.img"
	[ $ok = 1 ]
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_of() { awk -F, -v name="$1" -v col="$2" '$1 == name && $8 == 1 { print $col }' "$out/boots.csv"; }
# paired A B: for each round where both booted, A's phase minus B's, in ms
# and in percent of B's (one "ms pct" line per round).
paired() {
	awk -F, -v a="$1" -v b="$2" '$8 == 1 && $1 == a { pa[$2] = $5 } $8 == 1 && $1 == b { pb[$2] = $5 }
		END { for (n in pa) if (n in pb) printf "%d %.1f\n", (pa[n] - pb[n]) * 1000, (pa[n] / pb[n] - 1) * 100 }' "$out/boots.csv"
}

echo "name,boot,handover_s,root_init_s,initramfs_phase_s,peak_memory_kb,medium_found_ms,ok,reason,peak_growth_kb,init_ms,drivers_ms,medium_ms,store_ms,fsck_ms,overlay_ms,switch_root_ms" > "$out/boots.csv"
declare -A SIZE FAILED
# prepare_image RUNTIME: builds RUNTIME's image and appends the wrapper;
# sets SIZE[RUNTIME], or FAILED[RUNTIME] and returns 1.
prepare_image() {
	local rt=$1
	echo "bench: building the $rt image"
	if ! build_image "$rt" || [ ! -s "$images/$rt.img" ]; then
		FAILED[$rt]="image build failed: $(tail -n 2 "$images/$rt.log" | tr '\n' ' ' | cut -c1-160)"
		return 1
	fi
	SIZE[$rt]=$(stat -c %s "$images/$rt.img")
	# An uncompressed cpio after another archive must start 4-byte aligned;
	# the kernel skips the zero padding.
	cp "$images/$rt.img" "$images/$rt.bench.img"
	truncate -s %512 "$images/$rt.bench.img"
	cat "$wrap" >> "$images/$rt.bench.img"
}
booted=()
for rt in $runtimes; do
	prepare_image "$rt" && booted+=("$rt")
done

# Scaling, our standalone image: extra disks (each a small ext4 filesystem
# on virtio-scsi) and a data partition with many files; and the floor with
# the most extra disks, whose growth is the kernel's own cost of adding
# them. Each row is NAME|LABEL|EXTRA DISKS|FIXTURES|RUNTIME|BASE ROW.
scale_rows=()
if [ "$scaling" = 1 ] && [ -n "${SIZE[vtoy]:-}" ]; then
	mke2fs -q -F -t ext4 -L extra "$images/extra.img" 4M
	for count in 1 8 32; do
		for i in $(seq 1 $count); do
			cp --sparse=always "$images/extra.img" "$runs/extra-$count-$i.img"
		done
		scale_rows+=("vtoy+${count}disks|$count extra disks|$count|$fix|vtoy|vtoy")
	done
	if [ -n "${SIZE[floor]:-}" ] && prepare_image floor-scsi; then
		scale_rows+=("floor+32disks|32 extra disks (the floor, with their controller's drivers)|32|$fix|floor-scsi|floor")
	fi
	for files in 1 2000; do
		"$here/build-fixtures.sh" "$out/fixtures-$files" "$files" >/dev/null || continue
		scale_rows+=("vtoy+${files}files|data partition with $files files|0|$out/fixtures-$files|vtoy|vtoy")
	done
	# A store in use, as users boot every day after their first boot (the
	# other rows' store is new each boot: rw/, work/ and the image record
	# are made then). One unmeasured boot of ours writes to a copy of the
	# store; the root powers off without unmounting it, so its journal is
	# replayed here (e2fsck -p), which leaves it as a clean shutdown does.
	inuse=$out/fixtures-inuse
	rm -rf "$inuse" && mkdir -p "$inuse"
	ln -s "$fix/stick.img" "$inuse/stick.img"
	inuse_err=
	if ! KEEP_STORE=1 boot_once vtoy 0 "$fix" warmup >/dev/null; then
		inuse_err="the warm-up boot failed: $(awk -F, '$1 == "warmup" { print $9 }' "$out/boots.csv")"
	else
		mv "$runs/warmup-0/store.img" "$inuse/store.img"
		read -r start size < <(sfdisk -d "$inuse/store.img" |
			sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p' | head -n 1)
		# (e2fsck's "file?offset=" loses the offset when it reopens the
		# filesystem after the replay: a loop device instead.)
		if ! dev=$(loop_attach "$inuse/store.img" "$start" "$size"); then
			inuse_err="no loop device for the store's journal replay"
		else
			VTOY_LOOPS+=("$dev")
			e2fsck -p "$dev" >"$images/inuse-e2fsck.log" 2>&1 ||
				inuse_err="e2fsck -p of the store after the warm-up: $(tail -n 1 "$images/inuse-e2fsck.log")"
			cleanup_mounts
		fi
	fi
	if [ -z "$inuse_err" ]; then
		scale_rows+=("vtoy+inuse|a store in use (its second boot)|0|$inuse|vtoy|vtoy")
	else
		echo "bench: no row for a store in use: $inuse_err" >&2
	fi
	# The warm-up's line is not a measured boot.
	sed -i '/^warmup,/d' "$out/boots.csv"
fi

# extra_disks COUNT: QEMU arguments for COUNT extra disks on virtio-scsi.
extra_disks() {
	local i
	[ "$1" -gt 0 ] || return 0
	echo -device virtio-scsi-pci,id=scsi
	for i in $(seq 1 "$1"); do
		echo -drive "if=none,id=x$i,format=raw,file=$runs/extra-$1-$i.img" -device "scsi-hd,bus=scsi.0,drive=x$i"
	done
}

# The boots, in rounds: each round boots every runtime and every scaling row
# once, so that the machine's pace, which drifts by tens of percent within
# an hour, weighs on every row alike; the rows' differences are also taken
# round by round (paired).
for n in $(seq 1 "$repeat"); do
	for rt in "${booted[@]}"; do
		echo "bench: round $n/$repeat: $rt"
		boot_once "$rt" "$n" "$fix" "$rt" || true
	done
	for row in "${scale_rows[@]}"; do
		IFS='|' read -r name label count fixdir rt _ <<<"$row"
		echo "bench: round $n/$repeat: $rt with $label"
		# shellcheck disable=SC2046 # one word per argument
		boot_once "$rt" "$n" "$fixdir" "$name" $(extra_disks "$count") || true
	done
done
rm -f "$runs"/extra-*.img

# The tables.
scale_names=() # our runtime's rows, for its steps
for row in "${scale_rows[@]}"; do
	IFS='|' read -r name _ _ _ rt _ <<<"$row"
	[ "$rt" = vtoy ] && scale_names+=("$name")
done
ours_phase=$(column_of vtoy 5 | median)
ours_total=$(column_of vtoy 4 | median)
{
	echo "| runtime | initramfs phase (median) | total to root init (median) | phase ratio to ours | initramfs size | peak memory in use (growth in the phase) | boots | notes |"
	echo "|---|---|---|---|---|---|---|---|"
	for rt in $runtimes; do
		if [ -n "${FAILED[$rt]:-}" ]; then
			echo "| $rt | - | - | - | - | - | 0 | cannot build: ${FAILED[$rt]} |"
			continue
		fi
		good=$(column_of "$rt" 5 | wc -l)
		phase=$(column_of "$rt" 5 | median)
		total=$(column_of "$rt" 4 | median)
		mem=$(column_of "$rt" 6 | median)
		growth=$(column_of "$rt" 10 | median)
		size=$(awk -v b="${SIZE[$rt]}" 'BEGIN { printf "%.1f MiB", b / 1048576 }')
		note=${NOTE[$rt]:-}
		if [ "$good" -lt "$repeat" ]; then
			why=$(awk -F, -v name="$rt" '$1 == name && $8 != 1 { print $9; exit }' "$out/boots.csv")
			note="${note:+$note; }$((repeat - good)) of $repeat boots failed: $why"
		fi
		if [ -n "$phase" ] && [ -n "$ours_phase" ]; then
			ratio=$(awk -v a="$phase" -v b="$ours_phase" 'BEGIN { printf "%.2fx", a / b }')
			echo "| $rt | ${phase} s | ${total} s | $ratio | $size | $((${mem%.*} / 1024)) MiB (+$((${growth%.*} / 1024)) MiB) | $good/$repeat | $note |"
		else
			echo "| $rt | - | - | - | $size | - | $good/$repeat | cannot boot: $note |"
		fi
	done
	floor_phase=$(column_of floor 5 | median)
	if [ -n "$floor_phase" ] && [ -n "$ours_phase" ]; then
		echo
		echo "Our overhead above the floor: $(awk -v a="$ours_phase" -v b="$floor_phase" \
			'BEGIN { printf "%d ms", (a - b) * 1000 }') (ours $ours_phase s - floor $floor_phase s, medians);" \
			"round by round (the same minutes): median $(paired vtoy floor | cut -d' ' -f1 | median) ms," \
			"rounds $(paired vtoy floor | cut -d' ' -f1 | sort -n | tr '\n' ' ' | sed 's/ $//; s/ /, /g') ms."
		if [ -n "$(column_of vtoy+inuse 5)" ]; then
			echo
			echo "With a store in use (the row below): round by round median" \
				"$(paired vtoy+inuse floor | cut -d' ' -f1 | median) ms above the floor," \
				"rounds $(paired vtoy+inuse floor | cut -d' ' -f1 | sort -n | tr '\n' ' ' | sed 's/ $//; s/ /, /g') ms."
		fi
	fi
	echo
	echo "| our runtime, step (median ms) | drivers | medium | store | fsck | overlay | switch_root |"
	echo "|---|---|---|---|---|---|---|"
	for name in vtoy "${scale_names[@]}"; do
		line="| $name"
		for col in 12 13 14 15 16 17; do
			line="$line | $(awk -F, -v name="$name" -v c="$col" '$1 == name && $8 == 1 && $c != "" && $(c - 1) != "" {
				print $c - $(c - 1) }' "$out/boots.csv" | median)"
		done
		echo "$line |"
	done
	if [ -n "${inuse_err:-}" ]; then
		echo
		echo "No row for a store in use: $inuse_err."
	fi
	if [ ${#scale_rows[@]} -gt 0 ]; then
		echo
		echo "| our runtime (or the floor) with | initramfs phase (median) | medium found after (median) | added to the \`vtoy\` row's phase (the \`floor\` row's for the floor), round by round (median) |"
		echo "|---|---|---|---|"
		for row in "${scale_rows[@]}"; do
			IFS='|' read -r name label _ _ _ base <<<"$row"
			medium=$(column_of "$name" 7 | median) # none for the floor
			echo "| $label | $(column_of "$name" 5 | median) s | ${medium:+$medium ms} |" \
				"$(paired "$name" "$base" | cut -d' ' -f2 | median) % |"
		done
		if [ -n "$(column_of floor+32disks 5)" ] && [ -n "$(column_of vtoy+32disks 5)" ]; then
			echo
			echo "With 32 extra disks, round by round (median): they add" \
				"$(paired floor+32disks floor | cut -d' ' -f1 | median) ms to the floor (the kernel's own cost) and" \
				"$(paired vtoy+32disks vtoy | cut -d' ' -f1 | median) ms to ours; our overhead above the floor with them is" \
				"$(paired vtoy+32disks floor+32disks | cut -d' ' -f1 | median) ms, rounds" \
				"$(paired vtoy+32disks floor+32disks | cut -d' ' -f1 | sort -n | tr '\n' ' ' | sed 's/ $//; s/ /, /g') ms."
		fi
	fi
} > "$out/table.md"

{
	echo "runtime,initramfs_phase_median_s,total_median_s,size_bytes,peak_memory_median_kb,good_boots,boots"
	for rt in $runtimes; do
		echo "$rt,$(column_of "$rt" 5 | median),$(column_of "$rt" 4 | median),${SIZE[$rt]:-},$(column_of "$rt" 6 | median),$(column_of "$rt" 5 | wc -l),$repeat"
	done
} > "$out/summary.csv"

echo
echo "Boot-phase benchmark, $(date -u +%Y-%m-%d), kernel $KVER, QEMU $(qemu-system-x86_64 --version | head -n 1 | awk '{ print $4 }') TCG, 1 vCPU, 768 MiB; host: $(nproc) x $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo
cat "$out/table.md"
echo
echo "CSV: $out/boots.csv, $out/summary.csv"
