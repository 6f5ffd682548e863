#!/bin/bash
# make install / uninstall / deb checks, without touching this machine:
# installs into scratch roots, compares the file lists, checks the paths the
# hook and the dracut module were given, renders the man pages, and runs the
# package's postinst with a recording update-initramfs. Prints
# "install: N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
work=$(mktemp -d "${TMPDIR:-/tmp}/vtoy-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }

files_in() { (cd "$1" && find . -type f -o -type l | sed 's|^\./|/|' | LC_ALL=C sort); }

expected_usr='/usr/bin/vtoy-stick
/usr/lib/dracut/modules.d/55vtoy/module-setup.sh
/usr/lib/dracut/modules.d/55vtoy/vtoy-cmdline.sh
/usr/lib/dracut/modules.d/55vtoy/vtoy-generator.sh
/usr/lib/dracut/modules.d/55vtoy/vtoy-mount.sh
/usr/lib/dracut/modules.d/55vtoy/vtoy-root.service
/usr/sbin/vtoy
/usr/sbin/vtoy-iso-scan
/usr/sbin/vtoy-persist
/usr/sbin/vtoy-shutdown
/usr/sbin/vtoy-status
/usr/share/initramfs-tools/hooks/vtoy
/usr/share/initramfs-tools/scripts/vtoy
/usr/share/man/man5/vtoy-persistence.5
/usr/share/man/man8/vtoy-iso-scan.8
/usr/share/man/man8/vtoy-persist.8
/usr/share/man/man8/vtoy-shutdown.8
/usr/share/man/man8/vtoy-status.8
/usr/share/man/man8/vtoy-stick.8
/usr/share/man/man8/vtoy.8
/usr/share/vtoy-persist/e2fsck.conf
/usr/share/vtoy-persist/modules.list
/usr/share/vtoy-persist/vtoy-root'

# 1. PREFIX=/usr, as a distribution installs it
root=$work/usr-root
make -s install DESTDIR="$root" PREFIX=/usr >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "make install PREFIX=/usr"; }
got=$(files_in "$root")
if [ "$got" = "$expected_usr" ]; then ok "make install PREFIX=/usr installs exactly the expected files"; else
	fail "make install PREFIX=/usr file list differs:"; diff <(echo "$expected_usr") <(echo "$got"); fi
check "no @PLACEHOLDER@ left in installed text files" \
	bash -c "! grep -rl '@[A-Z]*@' '$root/usr/share' '$root/usr/lib'"
check "the hook looks for the binaries in /usr/sbin" grep -q 'sbindir=${VTOY_SBINDIR:-/usr/sbin}' "$root/usr/share/initramfs-tools/hooks/vtoy"
check "the dracut module looks for data in /usr/share/vtoy-persist" \
	grep -q 'vtoy_datadir=${VTOY_DATADIR:-/usr/share/vtoy-persist}' "$root/usr/lib/dracut/modules.d/55vtoy/module-setup.sh"
check "the hook is executable" test -x "$root/usr/share/initramfs-tools/hooks/vtoy"
check "the installed program names run one binary (--version)" bash -c "for p in vtoy-iso-scan vtoy-persist vtoy-status vtoy-shutdown; do test \"\$(readlink '$root/usr/sbin/'\$p)\" = vtoy && '$root/usr/sbin/'\$p --version | grep -q \"^\$p [0-9]\" || exit 1; done"
for page in man8/vtoy.8 man8/vtoy-iso-scan.8 man8/vtoy-persist.8 man8/vtoy-status.8 man8/vtoy-shutdown.8 man8/vtoy-stick.8 man5/vtoy-persistence.5; do
	warnings=$(MANWIDTH=80 man --warnings -l "$root/usr/share/man/$page" 2>&1 >/dev/null)
	text=$(MANWIDTH=80 man -l "$root/usr/share/man/$page" 2>/dev/null)
	if [ -z "$warnings" ] && [ "$(echo "$text" | wc -l)" -gt 20 ]; then ok "man page $page renders without warnings"; else
		fail "man page $page: ${warnings:-too short}"; fi
done
# Every option the programs' --help names is in their man page.
for prog in vtoy-iso-scan vtoy-persist vtoy-status vtoy-shutdown; do
	page=$(MANWIDTH=200 man -l "$root/usr/share/man/man8/$prog.8" 2>/dev/null)
	missing=
	for opt in $("$root/usr/sbin/$prog" --help | sed -n 's/^  \([a-z][a-z0-9_/.-]*=\?\).*/\1/p' | sed 's/,$//'); do
		echo "$page" | grep -qF -- "$opt" || missing="$missing $opt"
	done
	if [ -z "$missing" ]; then ok "$prog(8) names every option of --help"; else fail "$prog(8) lacks:$missing"; fi
done
# vtoy-stick: every --option and command of its --help is in vtoy-stick(8).
page=$(MANWIDTH=200 man -l "$root/usr/share/man/man8/vtoy-stick.8" 2>/dev/null)
missing=
for opt in $("$root/usr/bin/vtoy-stick" --help | grep -o -- '--[a-z-]*' | sort -u) check create resize; do
	echo "$page" | grep -qF -- "$opt" || missing="$missing $opt"
done
if [ -z "$missing" ]; then ok "vtoy-stick(8) names every option of --help"; else fail "vtoy-stick(8) lacks:$missing"; fi
check "vtoy-stick runs where it is installed (--version)" bash -c "'$root/usr/bin/vtoy-stick' --version | grep -q '^vtoy-stick [0-9]'"
make -s uninstall DESTDIR="$root" PREFIX=/usr >/dev/null 2>&1
left=$(files_in "$root")
if [ -z "$left" ]; then ok "make uninstall removes every installed file"; else fail "make uninstall left: $left"; fi

# 2. PREFIX=/usr/local (the default): the generators' directories stay where
# the generators look; the hook is told where the binaries are.
root=$work/local-root
make -s install DESTDIR="$root" >/dev/null 2>&1
check "PREFIX defaults to /usr/local" test -x "$root/usr/local/sbin/vtoy-persist"
check "the hook still goes to /usr/share/initramfs-tools" test -x "$root/usr/share/initramfs-tools/hooks/vtoy"
check "the hook looks for the binaries in /usr/local/sbin" grep -q 'sbindir=${VTOY_SBINDIR:-/usr/local/sbin}' "$root/usr/share/initramfs-tools/hooks/vtoy"
make -s uninstall DESTDIR="$root" >/dev/null 2>&1
check "make uninstall (PREFIX=/usr/local) removes every installed file" test -z "$(files_in "$root")"

# 3. the Debian package
rm -f build/vtoy-persist_*.deb
if make -s deb >"$work/deb.log" 2>&1; then ok "make deb"; else cat "$work/deb.log"; fail "make deb"; fi
deb=$(ls build/vtoy-persist_*.deb 2>/dev/null | head -n 1)
if [ -n "$deb" ]; then
	check "the package is named vtoy-persist" test "$(dpkg-deb -f "$deb" Package)" = vtoy-persist
	contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\.||' | grep -v '/$' | LC_ALL=C sort)
	want=$(echo "$expected_usr" | sed 's|\(/man/man[58]/.*\)|\1.gz|'; echo /usr/share/doc/vtoy-persist/README.md)
	want=$(echo "$want" | LC_ALL=C sort)
	if [ "$contents" = "$want" ]; then ok "the package holds exactly the installed files"; else
		fail "package contents differ:"; diff <(echo "$want") <(echo "$contents"); fi
	dpkg-deb -e "$deb" "$work/control"
	mkdir -p "$work/bin"
	printf '#!/bin/sh\necho "$*" >> %s/update-initramfs.calls\n' "$work" > "$work/bin/update-initramfs"
	chmod +x "$work/bin/update-initramfs"
	PATH=$work/bin:$PATH "$work/control/postinst" configure
	check "postinst configure runs update-initramfs -u" test "$(cat "$work/update-initramfs.calls" 2>/dev/null)" = "-u"
	rm -f "$work/update-initramfs.calls"
	PATH=$work/bin:$PATH "$work/control/postrm" remove
	check "postrm remove runs update-initramfs -u" test "$(cat "$work/update-initramfs.calls" 2>/dev/null)" = "-u"
	rm -f "$work/update-initramfs.calls"
	PATH=$work/bin:$PATH "$work/control/postrm" upgrade
	check "postrm upgrade leaves the initramfs alone" test ! -e "$work/update-initramfs.calls"
else
	fail "no .deb was built"
fi

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
