#!/bin/bash
# vtoy-stick on a Ventoy stick image, as root: the stick is laid out as
# Ventoy lays it out (exFAT data partition, mounted through FUSE as a
# desktop mounts it), with small ISOs of each convention made here. Each
# mistake users make is planted, `check` must name it, and the fix it
# proposes (run as proposed where it is a command) must make `check` clean;
# `create` and `resize` must refuse bad input leaving the stick as it was.
# Scenario 99a boots a stick prepared this way. Prints "stick: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/qemu/lib.sh"
vs=$top/build/bin/vtoy-stick
work=$(mktemp -d "${TMPDIR:-/tmp}/vtoy-stick-test.XXXXXX")
trap 'cleanup_mounts; rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
expect() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi; }
[ -x "$vs" ] || { echo "no $vs (make builds it)"; echo "stick: 0 passed, 1 failed"; exit 1; }
[ "$(id -u)" = 0 ] || { echo "the stick tests need root (loop devices)"; echo "stick: 0 passed, 1 failed"; exit 1; }

# ISOs of two conventions: the tree is all the layout rules look at.
for c in casper live; do
	mkdir -p "$work/iso-$c/$c"
	echo x > "$work/iso-$c/$c/filesystem.squashfs"
	xorriso -as mkisofs -quiet -R -o "$work/$c.iso" "$work/iso-$c" 2>/dev/null || bad "xorriso $c"
done
make_ventoy_stick "$work/stick.img" 160 "$work/mnt" "$work/casper.iso:ISO/ubuntu.iso" \
	"$work/live.iso:ISO/debian.iso"
cleanup_mounts
d=$work/data
stick_mount_data "$work/stick.img" "$d" rw
mkdir -p "$d/persistence"
json() { "$vs" check --json "$d" > "$work/check.json"; echo $?; }
has_problem() { jq -e --arg t "$1" '[.problems[] | select(.what | contains($t))] | length > 0' \
	"$work/check.json" >/dev/null; }
fix_of() { jq -r --arg t "$1" '[.problems[] | select(.what | contains($t))][0].fix' "$work/check.json"; }
tree() { (cd "$d" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum; }

echo "== create, then check"
"$vs" create --size 32M --for /ISO/ubuntu.iso "$d/persistence/ubuntu.dat" >/dev/null
expect "create --for the casper ISO" "$?" 0
"$vs" create --size 32M --for /ISO/debian.iso "$d/persistence/debian.dat" >/dev/null
expect "create --for the live-boot ISO" "$?" 0
expect "check after create: exit status" "$(json)" 0
expect "the casper store's label" "$(jq -r '.stores[] | select(.path == "/persistence/ubuntu.dat") | .label' "$work/check.json")" casper-rw
expect "the live-boot store's persistence.conf is / union" \
	"$(jq -r '.stores[] | select(.path == "/persistence/debian.dat") | .conf_root_union' "$work/check.json")" true
expect "ventoy.json offers each store to its ISO" \
	"$(jq -c '[.isos[] | .ventoy[0].chosen // .ventoy[0].backends[0]]' "$work/check.json")" \
	'["/persistence/debian.dat","/persistence/ubuntu.dat"]'
expect "the boot line for the casper ISO" "$(jq -r '.isos[] | select(.path == "/ISO/ubuntu.iso") | .boot[0]' "$work/check.json")" \
	"persistence: Ventoy's menu offers 1 store; the only backend, no autosel: casper will use /persistence/ubuntu.dat"

echo "== create --encrypt"
echo "stick-test-pass" | "$vs" create --size 48M --encrypt --label casper-rw "$d/persistence/enc.dat" >/dev/null
expect "create --encrypt (the passphrase on stdin): exit status" "$?" 0
expect "the store is a LUKS container" "$(blkid -o value -s TYPE "$d/persistence/enc.dat")" crypto_LUKS
printf 'stick-test-pass' | cryptsetup open --test-passphrase --key-file - "$d/persistence/enc.dat" &&
	ok "the passphrase unlocks it" || bad "the passphrase does not unlock it"
printf 'other' | cryptsetup open --test-passphrase --key-file - "$d/persistence/enc.dat" 2>/dev/null &&
	bad "another passphrase unlocks it" || ok "another passphrase does not"
"$vs" create --size 48M --encrypt "$d/persistence/enc2.dat" </dev/null 2>"$work/err"
expect "create --encrypt without a passphrase: exit status" "$?" 2
test ! -e "$d/persistence/enc2.dat" && ok "nothing made without a passphrase" || bad "enc2.dat made"
rm -f "$d/persistence/enc.dat"

echo "== create without --for"
"$vs" create --size 32M --label persistence "$d/persistence/lb.dat" >"$work/out"
expect "create --label persistence without --for: exit status" "$?" 0
expect "live-boot's label gets persistence.conf's / union" \
	"$(debugfs -R 'cat /persistence.conf' "$d/persistence/lb.dat" 2>/dev/null)" "/ union"
grep -q "ventoy/ventoy.json is left as it was (no --for)" "$work/out" &&
	ok "it says ventoy.json was left alone" || bad "$(cat "$work/out")"
rm -f "$d/persistence/lb.dat"

echo "== create and resize refuse, leaving the stick as it was"
before=$(tree)
"$vs" create --size 32M "$d/persistence/ubuntu.dat" 2>"$work/err"
expect "create over an existing file: exit status" "$?" 2
grep -q "already exists" "$work/err" && ok "it says the file exists" || bad "no 'already exists': $(cat "$work/err")"
"$vs" create --size 4G "$d/persistence/big.dat" 2>"$work/err"
expect "create larger than the partition: exit status" "$?" 2
grep -q "free; a 4.0 GiB store does not fit" "$work/err" && ok "it says how much is free" || bad "$(cat "$work/err")"
"$vs" create --size 32M --label persistence --for /ISO/ubuntu.iso "$d/persistence/x.dat" 2>"$work/err"
expect "create with a label the ISO does not take: exit status" "$?" 2
"$vs" create --size 32M --label "" "$d/persistence/x.dat" 2>"$work/err"
expect "create with an empty label: exit status" "$?" 2
grep -q "an empty --label names no store" "$work/err" && ok "it says the label is empty" || bad "$(cat "$work/err")"
"$vs" create --size 32M --conf "/lib union" --label persistence "$d/persistence/x.dat" 2>"$work/err"
expect "create with a persistence.conf line the boot rejects: exit status" "$?" 2
cp "$d/ventoy/ventoy.json" "$work/good.json"
printf '{\n  "persistence": [\n    { "image": "/ISO/ubuntu.iso", }\n  ]\n}\n' > "$d/ventoy/ventoy.json"
before_bad=$(tree)
"$vs" create --size 32M --for /ISO/ubuntu.iso "$d/persistence/x.dat" 2>"$work/err"
expect "create with a ventoy.json that does not parse: exit status" "$?" 2
grep -q "line 3, column" "$work/err" && ok "it gives the line and column" || bad "$(cat "$work/err")"
expect "the stick after the refused create (bad ventoy.json)" "$(tree)" "$before_bad"
cp "$work/good.json" "$d/ventoy/ventoy.json"
expect "the stick after every refused create" "$(tree)" "$before"
"$vs" resize "$d/persistence/ubuntu.dat" 16M 2>"$work/err"
expect "resize to a smaller size: exit status" "$?" 2
expect "the stick after the refused resize" "$(tree)" "$before"
inuse=$(losetup --find --show --read-only "$d/persistence/ubuntu.dat")
"$vs" resize "$d/persistence/ubuntu.dat" 64M 2>"$work/err"
expect "resize of a store a loop device uses: exit status" "$?" 2
grep -q "is in use: $inuse" "$work/err" && ok "it names the loop device" || bad "$(cat "$work/err")"
losetup -d "$inuse"
expect "the stick after the refused resize (in use)" "$(tree)" "$before"

echo "== resize"
# A store the live system has used: mounted since its last full check.
tune2fs -T 20200101 "$d/persistence/ubuntu.dat" >/dev/null
mkdir -p "$work/used" && mount -o loop "$d/persistence/ubuntu.dat" "$work/used" && umount "$work/used"
"$vs" resize "$d/persistence/ubuntu.dat" 48M >"$work/out" 2>"$work/err"
expect "resize 32M to 48M: exit status" "$?" 0
# resize2fs is given the store's descriptor (/proc/PID/fd/N); its lines
# must name the file the user gave.
grep -q "The filesystem on $d/persistence/ubuntu.dat is now" "$work/out" && ! grep -q /proc/ "$work/out" "$work/err" &&
	ok "resize2fs's lines name the store's file" || bad "resize2fs's lines: $(cat "$work/out" "$work/err")"
json >/dev/null
expect "the store's size after resize" "$(jq '.stores[] | select(.path == "/persistence/ubuntu.dat") | .size' "$work/check.json")" $((48 << 20))
expect "its filesystem grew (resize2fs) and is clean" \
	"$(jq -r '.stores[] | select(.path == "/persistence/ubuntu.dat") | "\(.fsck) \(.used_percent < 10)"' "$work/check.json")" "clean true"

echo "== mistakes: each named, each fix making check clean"
# 1. the label another ISO wants; the fix is a command
e2label "$d/persistence/ubuntu.dat" persistence
expect "wrong label: exit status" "$(json)" 1
has_problem 'label is "persistence" but this ISO is casper' && ok "wrong label named" || bad "wrong label not named"
cmd=$(fix_of 'label is "persistence"'); cmd=${cmd#relabel it: }; cmd=${cmd%%;*}
$cmd && expect "after the proposed '$cmd'" "$(json)" 0
# 2. a live-boot store without persistence.conf; the fix: add one
mnt2=$work/store
mkdir -p "$mnt2"
mount -o loop "$d/persistence/debian.dat" "$mnt2" && rm "$mnt2/persistence.conf" && umount "$mnt2"
expect "no persistence.conf: exit status" "$(json)" 1
has_problem "has no persistence.conf: live-boot ignores a store without one" && ok "missing persistence.conf named" || bad "not named"
mount -o loop "$d/persistence/debian.dat" "$mnt2" && echo "/ union" > "$mnt2/persistence.conf" && umount "$mnt2"
expect "after adding '/ union'" "$(json)" 0
# 3. a persistence.conf line the boot rejects
mount -o loop "$d/persistence/debian.dat" "$mnt2" && printf '/ union\n/home bind\r\n' > "$mnt2/persistence.conf" && umount "$mnt2"
expect "a CRLF line in persistence.conf: exit status" "$(json)" 1
has_problem "persistence.conf:2: line ignored" && ok "the rejected line named with its number" || bad "not named"
mount -o loop "$d/persistence/debian.dat" "$mnt2" && echo "/ union" > "$mnt2/persistence.conf" && umount "$mnt2"
# 4. a doubled slash in "image"; 5. a trailing space in "backend"
jq '(.persistence[] | select(.image == "/ISO/ubuntu.iso") | .image) = "/ISO//ubuntu.iso" |
    (.persistence[] | select(.image == "/ISO/debian.iso") | .backend) = "/persistence/debian.dat "' \
	"$work/good.json" > "$d/ventoy/ventoy.json"
expect "doubled slash and trailing space: exit status" "$(json)" 1
has_problem "holds a doubled '/'" && ok "doubled slash named" || bad "doubled slash not named"
has_problem "which is not on the stick: it ends with a space" && ok "trailing space named" || bad "trailing space not named"
cp "$work/good.json" "$d/ventoy/ventoy.json"
expect "ventoy.json corrected" "$(json)" 0
# (A sparse store cannot be planted here: exFAT allocates a file in full.
# The unit test sparse_store_is_a_problem plants one on the host's /tmp.)
# 7. a full store
mount -o loop "$d/persistence/ubuntu.dat" "$mnt2" && { dd if=/dev/zero of="$mnt2/fill" bs=1M status=none 2>/dev/null; umount "$mnt2"; }
expect "full store: exit status" "$(json)" 1
has_problem "is full: " && ok "full store named with how full" || bad "full store not named"
mount -o loop "$d/persistence/ubuntu.dat" "$mnt2" && rm "$mnt2/fill" && umount "$mnt2"
expect "space freed" "$(json)" 0
# 8. ventoy.json that does not parse
printf '{ "persistence": [ }' > "$d/ventoy/ventoy.json"
expect "ventoy.json syntax error: exit status" "$(json)" 1
has_problem "/ventoy/ventoy.json: " && jq -e '.ventoy_json.error | contains("line 1")' "$work/check.json" >/dev/null &&
	ok "syntax error named with its line" || bad "syntax error not named"
cp "$work/good.json" "$d/ventoy/ventoy.json"

echo "== an interrupted create leaves nothing"
mkdir -p "$work/big"
"$vs" create --size 4G --label casper-rw "$work/big/s.dat" >/dev/null 2>"$work/err" &
pid=$!
for i in $(seq 50); do [ -e "$work/big/s.dat.vtoy-stick-partial" ] && break; sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
expect "create killed while writing: exit status" "$?" 2
grep -q "interrupted; removing what was made" "$work/err" && ok "it says so" || bad "$(cat "$work/err")"
expect "what is left in the directory" "$(ls -A "$work/big")" ""

echo "== the stick named by its device"
# (Store partitions beside the stick: this host's loop driver makes no
# partition devices; the unit test label_partition_found fakes sysfs.)
dev=$(findmnt -n -o SOURCE "$d")
"$vs" check --json "$dev" > "$work/check.json"
expect "check DEVICE: exit status" "$?" 0
expect "the stick checked is the mount of DEVICE" "$(jq -r .stick "$work/check.json")" "$d"

echo "== the text report and usage"
"$vs" check "$d" > "$work/report.txt"
expect "the text report's exit status" "$?" 0
grep -q "^0 problems, 0 warnings" "$work/report.txt" && ok "the text report ends with its counts" || bad "$(tail -3 "$work/report.txt")"
"$vs" frobnicate 2>/dev/null
expect "an unknown command: exit status" "$?" 2
"$vs" --help >/dev/null
expect "--help: exit status" "$?" 0

echo "stick: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
