#!/bin/bash
# Debian live-boot custom mounts: a "persistence" partition whose
# persistence.conf has no "/ union", only /home (bind), /etc/vtoy-link
# (link), /var/lib/vtoy (bind of data/) and /usr/sbin (union). The root
# overlay is a tmpfs; the four directories are on the partition. Boot 1
# writes into each (through the symlink for the link entry); boot 2 finds
# them, but not the file written to the root; boot 3, with
# persistence-read-only, sees them and writes new text that the partition
# does not keep.
. "$(dirname "$0")/../scenario-env.sh"

token=custom-$$-$RANDOM
files="/home/vtoy-home.txt /var/lib/vtoy/vtoy-data.txt /etc/vtoy-link/settings /usr/sbin/vtoy-union.txt"
iso='findiso="/ISO images/debian-test.iso"'
mkdir -p "$SCENARIO_DIR/persist/etc/vtoy-link"
cat > "$SCENARIO_DIR/persist/persistence.conf" <<CONF
/home bind
/etc/vtoy-link link
/var/lib/vtoy source=data
/var/lib/vtoy/nested source=home/x
/usr/sbin union
CONF
echo "from the store" > "$SCENARIO_DIR/persist/etc/vtoy-link/settings"
make_ext4_disk "$SCENARIO_DIR/persist.img" 48 persistence "$SCENARIO_DIR/persist"
read -r -a QEMU_EXTRA <<<"$(usb_disk_args "$SCENARIO_DIR/persist.img" persist)"

on_partition() {
	expect_equal "$1 on the partition" "$(part1_cat "$SCENARIO_DIR/persist.img" "$1")" "$2"
}

log=$SCENARIO_DIR/boot1.log
echo "boot 1: write $token"
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=custom-write:$token" ||
	fail "boot 1: qemu exited with $?"
expect_line "$log" "vtoy-persist: using store @DEV@ (ext4, label persistence)"
expect_line "$log" "vtoy-persist: WARNING: @DEV@/persistence.conf:4: line ignored: its source 'home/x' overlaps line 1's source 'home'"
expect_line "$log" "the root overlay is on a tmpfs: only the directories listed in persistence.conf are kept"
expect_line "$log" "vtoy-persist: @DEV@/persistence.conf:1: home is not on the store yet: copying /home of the live root there first"
expect_line "$log" "vtoy-persist: custom mount /home: bind of home on the store"
expect_line "$log" "vtoy-persist: custom mount /var/lib/vtoy: bind of data on the store"
expect_line "$log" "vtoy-persist: @DEV@/persistence.conf:5: created usr/sbin on the store for /usr/sbin"
expect_line "$log" "vtoy-persist: custom mount /usr/sbin: union of usr/sbin on the store"
expect_line "$log" "vtoy-persist: @DEV@/persistence.conf:2: 1 symlinks made in /etc/vtoy-link"
expect_line "$log" "vtoy-persist: custom mount /etc/vtoy-link: link of etc/vtoy-link on the store"
expect_line "$log" "VTOYTEST: status: persistence:  custom-mounts (requested: live-boot)"
expect_line "$log" "VTOYTEST: status: custom mount: /home bind home"
expect_line "$log" "VTOYTEST: status: custom mount: /var/lib/vtoy bind data"
expect_line "$log" "VTOYTEST: status: custom mount: /usr/sbin union usr/sbin"
expect_line "$log" "VTOYTEST: status: custom mount: /etc/vtoy-link link etc/vtoy-link"
expect_line "$log" "VTOYTEST: mount: overlay /usr/sbin overlay rw,noatime,lowerdir=/run/vtoy/rootfs/00-filesystem.squashfs/usr/sbin,upperdir=/run/vtoy/store/usr/sbin/rw,workdir=/run/vtoy/store/usr/sbin/work,redirect_dir=on"
expect_line "$log" "settings -> /run/vtoy/store/etc/vtoy-link/settings"
for f in $files; do
	expect_line "$log" "VTOYTEST: RESULT wrote $token to $f"
done
on_partition /home/vtoy-home.txt "$token"
on_partition /data/vtoy-data.txt "$token"
on_partition /etc/vtoy-link/settings "$token"
on_partition /usr/sbin/rw/vtoy-union.txt "$token"
on_partition /rw/root/vtoy-marker.txt ""

log=$SCENARIO_DIR/boot2.log
echo "boot 2: expect $token"
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence "vtoy.test=custom-expect:$token" ||
	fail "boot 2: qemu exited with $?"
for f in $files; do
	expect_line "$log" "VTOYTEST: RESULT found $token in $f"
done
expect_line "$log" "VTOYTEST: RESULT root not kept"
expect_no_line "$log" "copying /home of the live root"

log=$SCENARIO_DIR/boot3.log
echo "boot 3: persistence-read-only, write other-$token"
cp "$SCENARIO_DIR/persist.img" "$SCENARIO_DIR/before-ro.img"
qemu_boot "$log" "$STICK" "$INITRD" boot=live "$iso" persistence persistence-read-only \
	"vtoy.test=custom-write:other-$token" || fail "boot 3: qemu exited with $?"
expect_line "$log" "vtoy-persist: custom mount /home: bind of home on the store (read-only store: changes go to a tmpfs)"
expect_line "$log" "VTOYTEST: status: custom mount: /usr/sbin union usr/sbin"
for f in $files; do
	expect_line "$log" "VTOYTEST: RESULT wrote other-$token to $f"
done
on_partition /home/vtoy-home.txt "$token"
on_partition /etc/vtoy-link/settings "$token"
on_partition /usr/sbin/rw/vtoy-union.txt "$token"
if cmp -s "$SCENARIO_DIR/before-ro.img" "$SCENARIO_DIR/persist.img"; then
	ok "the read-only boot left the partition unchanged"
else
	fail "the read-only boot changed the partition"
fi
scenario_finish
