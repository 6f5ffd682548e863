#!/bin/bash
# make check-fresh: the README's two commands on a clean Debian 12 machine,
# exactly as a newcomer runs them. A minbase Debian 12 root is made with
# mmdebstrap from this machine's Debian sources; a clean `git archive` of
# HEAD goes inside; there, as root, `apt-get install make`, then `make
# initramfs` (which must install only what the image needs), `make demo`
# and `make check`, which must install everything else they need. Prints the
# inner "N passed, N failed" and fails when anything fails, a missing
# package included. The root is kept in build/fresh/root only when it failed.
# Needs root (chroot, loop devices, FUSE) and Debian's archive.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
work=${FRESH_DIR:-$top/build/fresh}
root=$work/root
log=$work/inside.log
suite=${FRESH_SUITE:-bookworm}

say() { echo "check-fresh: $*"; }
die() { say "$*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (mmdebstrap, chroot, loop devices)"
start=$SECONDS

if ! command -v mmdebstrap >/dev/null; then
	say "installing mmdebstrap"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends mmdebstrap >/dev/null; } || die "cannot install mmdebstrap"
fi

# A root left by an earlier failed run: delete it without crossing into
# anything still mounted below it.
if [ -e "$root" ]; then
	if grep -qF " $root/" /proc/self/mountinfo; then
		die "$root still has mounts below it; unmount them first"
	fi
	rm -rf --one-file-system "$root"
fi
mkdir -p "$work"
"$top/tests/debian-sources.sh" > "$work/sources.list"
[ -s "$work/sources.list" ] || echo "deb http://deb.debian.org/debian $suite main" > "$work/sources.list"
say "making a minbase Debian root ($suite) in $root from:"
sed 's/^/    /' "$work/sources.list"
mmdebstrap --quiet --variant=minbase "$suite" "$root" "$work/sources.list" > "$work/mmdebstrap.log" 2>&1 ||
	{ cat "$work/mmdebstrap.log"; die "mmdebstrap failed"; }
say "root ready after $((SECONDS - start)) s"

mkdir -p "$root/root/vtoy-persist"
git -C "$top" archive --format=tar HEAD | tar -x -C "$root/root/vtoy-persist"
say "HEAD ($(git -C "$top" rev-parse --short HEAD)) is in /root/vtoy-persist"
cp /etc/resolv.conf "$root/etc/resolv.conf"

# The newcomer's steps, in a mount namespace of their own so that nothing
# mounted inside outlives the run.
# make initramfs first: it must build the image with only the packages it
# installs itself (install-deps.sh --image), and none of the test tools.
inside='cd /root/vtoy-persist &&
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq make >/dev/null &&
	echo "== make initramfs" && make initramfs && test -s build/initramfs.img &&
	{ ! command -v qemu-system-x86_64 >/dev/null || { echo "make initramfs installed QEMU"; false; }; } &&
	echo "== make demo" && make demo && echo "== make check" && make check'
set +e
unshare --mount --propagation private -- bash -c '
	set -e
	root=$1
	# A root that is a mount point, as on a real machine: mkinitramfs runs
	# its hooks under `unshare --mount`, which needs one.
	mount --bind "$root" "$root"
	mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
	mount -t proc proc "$root/proc"
	mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
	mount -t tmpfs -o mode=0755 tmpfs "$root/run"
	exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin /bin/bash -c "$2"
' _ "$root" "$inside" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e

summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
say "inside: ${summary:-no test summary (make check did not get to the end)}"
say "took $((SECONDS - start)) s in all; the inside log is $log"
if [ "$rc" -ne 0 ] || [ -z "$summary" ]; then
	say "FAILED (exit $rc); the root is kept in $root"
	exit 1
fi
rm -rf --one-file-system "$root"
say "passed"
