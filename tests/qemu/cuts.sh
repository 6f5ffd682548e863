# Power cuts while the live system writes (sourced by a scenario after
# scenario-env.sh, with CUT_KIND and CUTS set). Each boot checks the files
# the boot before fsynced, then writes and fsyncs numbered files until the
# harness cuts the power (QEMU stopped at once) at a random moment; the last
# boot only checks. Each boot after a cut must come up persistent and say
# the last shutdown was not clean; afterwards every fsynced file is also
# looked for on the image with debugfs. Prints "cuts: N, files fsynced: T,
# lost: L".
#   casper-dat          casper-rw.dat on the stick's exFAT partition
#   liveboot-partition  a live-boot persistence partition on a second stick
#   ventoy-dm           the .dat picked in Ventoy's menu, written through
#                       device-mapper (an image without exFAT)

top=$(cd "$here/../.." && pwd)
case $CUT_KIND in
casper-dat)
	initrd=$INITRD
	append=('iso-scan/filename="/ISO images/ubuntu-test.iso"' persistent)
	store_image() { stick_mount_data "$STICK" "$SCENARIO_DIR/data"; cp "$SCENARIO_DIR/data/casper-rw.dat" "$1"; cleanup_mounts; }
	upper=/upper/root/cuts
	;;
liveboot-partition)
	initrd=$INITRD
	mkdir -p "$SCENARIO_DIR/conf"
	echo "/ union" > "$SCENARIO_DIR/conf/persistence.conf"
	make_ext4_disk "$SCENARIO_DIR/persist.img" 64 persistence "$SCENARIO_DIR/conf"
	read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/persist.img" persist)"
	append=(boot=live 'findiso="/ISO images/debian-test.iso"' persistence)
	store_image() {
		local start size
		read -r start size < <(sfdisk -d "$SCENARIO_DIR/persist.img" | sed -n 's/.*start= *\([0-9]*\), size= *\([0-9]*\).*/\1 \2/p' | head -n 1)
		dd if="$SCENARIO_DIR/persist.img" of="$1" bs=512 skip="$start" count="$size" status=none
	}
	upper=/rw/root/cuts
	;;
ventoy-dm)
	grep -v '^exfat$' "$top/initramfs/modules.list" > "$SCENARIO_DIR/modules.list"
	VTOY_MODULES_LIST=$SCENARIO_DIR/modules.list "$top/initramfs/build-image.sh" \
		"$SCENARIO_DIR/no-exfat.img" "${KVER:?}" "$top/build/bin" > "$SCENARIO_DIR/build.log" 2>&1 ||
		die "building the initramfs without exfat failed"
	initrd=$SCENARIO_DIR/initrd-dm.img
	cat "$FIXTURES/handover-ubuntu-persist.cpio" "$SCENARIO_DIR/no-exfat.img" > "$initrd"
	append=(boot=casper)
	store_image() { stick_mount_data "$STICK" "$SCENARIO_DIR/data"; cp "$SCENARIO_DIR/data/casper-rw.dat" "$1"; cleanup_mounts; }
	upper=/upper/root/cuts
	;;
*) die "CUT_KIND=$CUT_KIND?" ;;
esac

prev= prev_n=0 total=0 lost=0
for ((c = 1; c <= CUTS + 1; c++)); do
	log=$SCENARIO_DIR/boot$c.log
	actions=()
	[ -n "$prev" ] && actions+=("vtoy.test=fsync-check:$prev:$prev_n")
	if [ "$c" -le "$CUTS" ]; then
		# A random moment: after 2 to 25 files, then up to 1.5 s more.
		target=$((RANDOM % 24 + 2))
		CUT_DELAY=$((RANDOM % 16))
		actions+=("vtoy.test=fsync-loop:cut$c")
		qemu_boot_cut "$log" "$STICK" "$initrd" "fsynced <cut$c-$target>" "${append[@]}" "${actions[@]}" ||
			fail "boot $c: the cut did not come as planned"
	else
		qemu_boot "$log" "$STICK" "$initrd" "${append[@]}" "${actions[@]}" ||
			fail "boot $c: qemu exited with $?"
	fi
	if [ -n "$prev" ]; then
		expect_status "$log" .persistence.mode store
		expect_status "$log" .store.last_shutdown unclean
		if [ "$CUT_KIND" = casper-dat ]; then
			# What the exFAT partition's VolumeDirty said: the kernel sets it
			# only while it changes the volume's metadata.
			expect_status "$log" '.data.last_shutdown | test("^(clean|unclean)$")' true
			echo "  boot $c: the exFAT partition after cut $((c - 1)): $(status_json "$log" | jq -r .data.last_shutdown)"
		fi
		if grep -qF "VTOYTEST: RESULT fsync-check ok $prev_n of $prev" "$log"; then
			ok "boot $c: the $prev_n files fsynced before cut $((c - 1)) are all there"
		else
			fail "boot $c: files fsynced before cut $((c - 1)) are missing: $(grep -F 'RESULT fsync-check' "$log" | head -n 1)"
			lost=$((lost + 1))
		fi
	fi
	if [ "$c" -le "$CUTS" ]; then
		prev=cut$c
		prev_n=$(sed -n "s/.*VTOYTEST: fsynced <cut$c-\([0-9]*\)>.*/\1/p" "$log" | tail -n 1)
		[ -n "$prev_n" ] || { fail "boot $c: nothing was fsynced before the cut"; prev_n=0; }
		total=$((total + prev_n))
	fi
done

# Every fsynced file, on the image itself.
store_image "$SCENARIO_DIR/store.fs"
names=$(debugfs -R "ls -p $upper" "$SCENARIO_DIR/store.fs" 2>/dev/null | awk -F/ '{ print $6 }')
missing=0
for ((c = 1; c <= CUTS; c++)); do
	n=$(sed -n "s/.*VTOYTEST: fsynced <cut$c-\([0-9]*\)>.*/\1/p" "$SCENARIO_DIR/boot$c.log" | tail -n 1)
	for ((i = 1; i <= ${n:-0}; i++)); do
		grep -qx "cut$c-$i" <<<"$names" || missing=$((missing + 1))
	done
done
expect_equal "fsynced files missing from the store image (debugfs)" "$missing" 0
echo "cuts: $CUTS, files fsynced: $total, lost: $((lost + missing))"
rm -f "$SCENARIO_DIR/store.fs"
scenario_finish
