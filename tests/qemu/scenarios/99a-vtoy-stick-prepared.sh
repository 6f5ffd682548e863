#!/bin/bash
# A stick prepared with vtoy-stick, mistake and all. On a fresh Ventoy stick
# (exFAT through FUSE, as a desktop mounts it) the user makes a store for
# the Ubuntu ISO with the label a Debian ISO wants and names it in
# ventoy.json by hand; `vtoy-stick check` names the mistake and its fix;
# the fix, run as proposed, makes check clean; Ventoy's menu then hands the
# store over and the boot writes to it (the marker read back on the host).
. "$(dirname "$0")/../scenario-env.sh"
top=$(cd "$here/../.." && pwd)
vs=$top/build/bin/vtoy-stick
[ -x "$vs" ] || { fail "no $vs: make builds it"; scenario_finish; }
iso=/ISO/ubuntu-test.iso
stick=$SCENARIO_DIR/prepared.img
d=$SCENARIO_DIR/data

make_ventoy_stick "$stick" 192 "$SCENARIO_DIR/mnt" "$FIXTURES/ubuntu-test.iso:ISO/ubuntu-test.iso"
cleanup_mounts
stick_mount_data "$stick" "$d" rw
mkdir -p "$d/persistence"
"$vs" create --size 64M --label persistence "$d/persistence/ubuntu.dat" > "$SCENARIO_DIR/create.txt" 2>&1
expect_equal "vtoy-stick create's exit status" "$?" 0
mkdir -p "$d/ventoy"
printf '{ "persistence": [ { "image": "%s", "backend": "/persistence/ubuntu.dat", "autosel": 1 } ] }\n' \
	"$iso" > "$d/ventoy/ventoy.json"

echo "check 1: the label is the mistake"
"$vs" check --json "$d" > "$SCENARIO_DIR/check1.json"
expect_equal "check's exit status with the mistake" "$?" 1
problem=$(jq -c --arg iso "$iso" '.problems[] | select(.iso == $iso and .store == "/persistence/ubuntu.dat")' \
	"$SCENARIO_DIR/check1.json")
expect_equal "the problem named" "$(echo "$problem" | jq -r .what)" \
	'label is "persistence" but this ISO is casper, which looks for casper-rw or writable'
expect_equal "what check says the boot does" "$(jq -r '.isos[0].boot[0]' "$SCENARIO_DIR/check1.json")" \
	"persistence: Ventoy's menu offers 1 store; autosel 1: Ventoy hands over /persistence/ubuntu.dat, but casper will not use it (see the problems): it boots without persistence"
fix=$(echo "$problem" | jq -r .fix)
cmd=${fix#relabel it: }
cmd=${cmd%%;*}
echo "the fix proposed: $cmd"
expect_equal "the fix is a relabel" "${cmd%% *}" e2label
$cmd || fail "the proposed fix failed: $cmd"

echo "check 2: after the fix"
"$vs" check --json "$d" > "$SCENARIO_DIR/check2.json"
expect_equal "check's exit status after the fix" "$?" 0
expect_equal "problems after the fix" "$(jq '.problem_count' "$SCENARIO_DIR/check2.json")" 0
expect_equal "the store's label" "$(jq -r '.stores[0].label' "$SCENARIO_DIR/check2.json")" casper-rw
expect_equal "the store is written in full" "$(jq '.stores[0].size > 0 and .stores[0].allocated >= .stores[0].size' "$SCENARIO_DIR/check2.json")" true
cp "$d/persistence/ubuntu.dat" "$SCENARIO_DIR/ubuntu.dat"
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
scenario_finish
