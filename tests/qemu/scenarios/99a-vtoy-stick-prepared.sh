#!/bin/bash
# A stick prepared with vtoy-stick, mistakes and all. On a fresh Ventoy
# stick (exFAT through FUSE, as a desktop mounts it) the user makes a store
# for the Ubuntu ISO with the label a Debian ISO wants and names it in
# ventoy.json by hand, and a store for the Debian ISO whose persistence.conf
# is then lost; `vtoy-stick check` names both mistakes and their fixes; the
# fixes, done as proposed, make check clean; Ventoy's menu then hands each
# store over and each boot writes to it (the markers read back on the host).
. "$(dirname "$0")/../scenario-env.sh"
top=$(cd "$here/../.." && pwd)
vs=$top/build/bin/vtoy-stick
[ -x "$vs" ] || { fail "no $vs: make builds it"; scenario_finish; }
iso=/ISO/ubuntu-test.iso
stick=$SCENARIO_DIR/prepared.img
d=$SCENARIO_DIR/data

make_ventoy_stick "$stick" 256 "$SCENARIO_DIR/mnt" "$FIXTURES/ubuntu-test.iso:ISO/ubuntu-test.iso" \
	"$FIXTURES/debian-test.iso:ISO/debian-test.iso"
cleanup_mounts
stick_mount_data "$stick" "$d" rw
mkdir -p "$d/persistence"
"$vs" create --size 64M --label persistence "$d/persistence/ubuntu.dat" > "$SCENARIO_DIR/create.txt" 2>&1
expect_equal "vtoy-stick create's exit status" "$?" 0
mkdir -p "$d/ventoy"
printf '{ "persistence": [ { "image": "%s", "backend": "/persistence/ubuntu.dat", "autosel": 1 } ] }\n' \
	"$iso" > "$d/ventoy/ventoy.json"
"$vs" create --size 64M --for /ISO/debian-test.iso "$d/persistence/debian.dat" >> "$SCENARIO_DIR/create.txt" 2>&1
expect_equal "vtoy-stick create --for the Debian ISO: exit status" "$?" 0
mkdir -p "$SCENARIO_DIR/store"
mount -o loop "$d/persistence/debian.dat" "$SCENARIO_DIR/store" && rm "$SCENARIO_DIR/store/persistence.conf" &&
	umount "$SCENARIO_DIR/store" || fail "cannot take persistence.conf out of debian.dat"

echo "check 1: the label is the mistake"
"$vs" check --json "$d" > "$SCENARIO_DIR/check1.json"
expect_equal "check's exit status with the mistake" "$?" 1
problem=$(jq -c --arg iso "$iso" '.problems[] | select(.iso == $iso and .store == "/persistence/ubuntu.dat")' \
	"$SCENARIO_DIR/check1.json")
expect_equal "the problem named" "$(echo "$problem" | jq -r .what)" \
	'label is "persistence" but this ISO is casper, which looks for casper-rw or writable'
expect_equal "what check says the boot does" "$(jq -r --arg iso "$iso" '.isos[] | select(.path == $iso) | .boot[0]' "$SCENARIO_DIR/check1.json")" \
	"persistence: Ventoy's menu offers 1 store; autosel 1: Ventoy hands over /persistence/ubuntu.dat, but casper will not use it (see the problems): it boots without persistence"
expect_equal "the Debian store's problem" \
	"$(jq -r '.problems[] | select(.iso == "/ISO/debian-test.iso") | .what' "$SCENARIO_DIR/check1.json")" \
	"has no persistence.conf: live-boot ignores a store without one"
fix=$(echo "$problem" | jq -r .fix)
cmd=${fix#relabel it: }
cmd=${cmd%%;*}
echo "the fix proposed: $cmd"
expect_equal "the fix is a relabel" "${cmd%% *}" e2label
$cmd || fail "the proposed fix failed: $cmd"
# the second fix, as proposed: a persistence.conf holding "/ union"
mount -o loop "$d/persistence/debian.dat" "$SCENARIO_DIR/store" && echo "/ union" > "$SCENARIO_DIR/store/persistence.conf" &&
	umount "$SCENARIO_DIR/store" || fail "cannot add persistence.conf to debian.dat"

echo "check 2: after the fix"
"$vs" check --json "$d" > "$SCENARIO_DIR/check2.json"
expect_equal "check's exit status after the fix" "$?" 0
expect_equal "problems after the fix" "$(jq '.problem_count' "$SCENARIO_DIR/check2.json")" 0
expect_equal "the stores' labels" "$(jq -r '[.stores[] | .label] | sort | join(" ")' "$SCENARIO_DIR/check2.json")" \
	"casper-rw persistence"
expect_equal "the stores are written in full" \
	"$(jq '[.stores[] | .size > 0 and .allocated >= .size] | all' "$SCENARIO_DIR/check2.json")" true
cp "$d/persistence/ubuntu.dat" "$SCENARIO_DIR/ubuntu.dat"
cp "$d/persistence/debian.dat" "$SCENARIO_DIR/debian.dat"
cleanup_mounts

echo "boot: Ventoy's menu hands the store over"
ventoy_menu_initrd "$stick" "$iso" "$FIXTURES/ubuntu-test.iso" "$SCENARIO_DIR/initrd.img" "$SCENARIO_DIR/ubuntu.dat"
token=vstick-$$-$RANDOM
log=$SCENARIO_DIR/boot1.log
qemu_boot "$log" "$stick" "$SCENARIO_DIR/initrd.img" boot=casper "vtoy.test=write:$token" ||
	fail "boot: qemu exited with $?"
expect_status "$log" .store.label casper-rw
expect_status "$log" .persistence.mode store
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_equal "the marker in the store vtoy-stick made" \
	"$(store_cat "$stick" persistence/ubuntu.dat /upper/root/vtoy-marker.txt)" "$token"

echo "boot 2: the Debian ISO, its store handed over by Ventoy's menu"
ventoy_menu_initrd "$stick" /ISO/debian-test.iso "$FIXTURES/debian-test.iso" "$SCENARIO_DIR/initrd-d.img" \
	"$SCENARIO_DIR/debian.dat"
log=$SCENARIO_DIR/boot2.log
qemu_boot "$log" "$stick" "$SCENARIO_DIR/initrd-d.img" boot=live "vtoy.test=write:$token" ||
	fail "boot 2: qemu exited with $?"
expect_status "$log" .store.label persistence
expect_status "$log" .persistence.mode store
expect_line "$log" "VTOYTEST: RESULT wrote $token"
expect_equal "the marker in the Debian store" \
	"$(store_cat "$stick" persistence/debian.dat /rw/root/vtoy-marker.txt)" "$token"
scenario_finish
