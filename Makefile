# vtoy-persist: initramfs persistence and overlay runtime for live ISOs.
# make            build/bin/vtoy, one static binary, and its program names
# make initramfs  build/initramfs.img (KVER= picks the kernel; LUKS=0 leaves cryptsetup out)
# make check      unit tests, then the QEMU boot scenarios
# make check-faults  power cuts per store kind (slow; CUTS=20)
# make check-fresh  make demo and make check on a clean Debian 12 root (CI)
# make demo       build a demo stick and boot it twice in QEMU
# make run        boot the demo stick with the console on this terminal
# make install    binaries (and vtoy-stick, the host tool), initramfs-tools hook,
#                 dracut module, man pages
#                 (DESTDIR=, PREFIX=/usr/local); make uninstall removes them
# make deb        build/vtoy-persist_VERSION_ARCH.deb (PREFIX=/usr)
# make bench      boot-phase time, size and memory against live-boot and dracut

CC ?= gcc
# LUKS=0: the standalone image without cryptsetup (LUKS stores cannot be unlocked)
LUKS ?= 1
CFLAGS ?= -Os
WARNINGS := -Wall -Wextra -Werror -std=gnu11
CPPFLAGS += -D_GNU_SOURCE -Isrc/lib -Isrc/ventoy -Isrc/vtoy
BLKID_LIBS = $(shell pkg-config --static --libs blkid 2>/dev/null || echo -lblkid)
JANSSON_LIBS = $(shell pkg-config --static --libs jansson 2>/dev/null || echo -ljansson)
STICK_LIBS = $(shell pkg-config --libs blkid jansson 2>/dev/null || echo -lblkid -ljansson)

B := build
# The kernel the image and the scenarios use: the newest one that has both
# its modules and its vmlinuz. Expanded only where used, so that the targets
# below, which install it first (install-deps.sh) and then work in a
# sub-make, see it on the very run that installed it.
KVER ?= $(shell for v in $$(ls /lib/modules 2>/dev/null | sort -rV); do \
	[ -r /boot/vmlinuz-$$v ] && echo $$v && break; done)
KERNEL ?= /boot/vmlinuz-$(KVER)

# The library: generic code, and Ventoy's protocol beside it.
LIB_SRC := $(wildcard src/lib/*.c src/ventoy/*.c)
ISO_SCAN_SRC := $(wildcard src/vtoy_iso_scan/*.c)
PERSIST_SRC := $(wildcard src/vtoy_persist/*.c)
VTOY_SRC := $(wildcard src/vtoy/*.c)
# vtoy-stick: a host program, dynamically linked, on the boot's own code.
STICK_SRC := $(wildcard src/vtoy_stick/*.c)
HEADERS := $(wildcard src/*/*.h)

LIB_OBJ := $(LIB_SRC:src/%.c=$(B)/obj/%.o)
PROGRAM_OBJ := $(patsubst src/%.c,$(B)/obj/%.o,$(VTOY_SRC) $(ISO_SCAN_SRC) $(PERSIST_SRC))

# One binary; the programs are names for it (src/vtoy/main.c).
PROGRAMS := vtoy-iso-scan vtoy-persist vtoy-status vtoy-shutdown
BIN := $(B)/bin/vtoy
BINS := $(BIN) $(addprefix $(B)/bin/,$(PROGRAMS))
STICK := $(B)/bin/vtoy-stick
# What vtoy-stick uses of the boot's programs: the layout rules, the
# persistence.conf parser and store helpers (their objects, without main).
STICK_OBJ := $(STICK_SRC:src/%.c=$(B)/obj/%.o) \
	$(patsubst src/%.c,$(B)/obj/%.o,$(filter-out %_cli.c,$(ISO_SCAN_SRC) $(PERSIST_SRC)))

.PHONY: all initramfs deps unit check check-fresh check-faults _check-faults qemu-check fixtures demo run clean fuzz fuzz-long install \
	uninstall deb bench _initramfs _fixtures _check _demo _bench

all: $(BINS) $(STICK)

# Sections per function and data object let the linker drop what no
# program of the binary uses.
$(B)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -ffunction-sections -fdata-sections $(WARNINGS) \
		-Isrc/$(firstword $(subst /, ,$*)) -c -o $@ $<

$(B)/lib/libvtoy.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(PROGRAM_OBJ) $(B)/lib/libvtoy.a
	@mkdir -p $(dir $@)
	$(CC) -static -s -Wl,--gc-sections $(LDFLAGS) -o $@ $(PROGRAM_OBJ) $(B)/lib/libvtoy.a \
		$(BLKID_LIBS) $(JANSSON_LIBS)

$(STICK): $(STICK_OBJ) $(B)/lib/libvtoy.a
	@mkdir -p $(dir $@)
	$(CC) -Wl,--gc-sections $(LDFLAGS) -o $@ $(STICK_OBJ) $(B)/lib/libvtoy.a $(STICK_LIBS)

# vtoy-stick's sources see the boot programs' headers.
$(B)/obj/vtoy_stick/%.o: CPPFLAGS += -Isrc/vtoy_iso_scan -Isrc/vtoy_persist

$(addprefix $(B)/bin/,$(PROGRAMS)): | $(BIN)
	ln -sf vtoy $@

# What needs the kernel or the test tools installs them first, then works in
# a sub-make (which evaluates KVER and KERNEL again). The image needs none of
# the test tools.
initramfs:
	scripts/install-deps.sh --image
	$(MAKE) --no-print-directory _$@

fixtures check demo check-faults:
	scripts/install-deps.sh
	$(MAKE) --no-print-directory _$@

bench:
	scripts/install-deps.sh --bench
	$(MAKE) --no-print-directory _$@

_initramfs: $(B)/initramfs.img

# The image is rebuilt when LUKS= changes.
$(B)/luks.setting: FORCE
	@mkdir -p $(B)
	@echo "$(LUKS)" | cmp -s - $@ || echo "$(LUKS)" > $@

.PHONY: FORCE
FORCE:

$(B)/initramfs.img: $(BINS) initramfs/init initramfs/vtoy-root initramfs/build-image.sh initramfs/modules.list initramfs/e2fsck.conf $(B)/luks.setting
	@[ -n "$(KVER)" ] || { echo "no kernel with modules and a vmlinuz in /boot: make deps (linux-image-amd64)"; exit 1; }
	VTOY_LUKS=$(LUKS) initramfs/build-image.sh $@ $(KVER) $(B)/bin

deps:
	scripts/install-deps.sh

# Unit tests build natively with sanitizers, against the same sources.
UNIT_SRC := $(wildcard tests/unit/*.c)
$(B)/tests/unit-tests: $(UNIT_SRC) $(LIB_SRC) $(ISO_SCAN_SRC) $(PERSIST_SRC) $(STICK_SRC) $(HEADERS) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc/vtoy_iso_scan -Isrc/vtoy_persist -Isrc/vtoy_stick -Itests/unit -O1 -g $(WARNINGS) \
		-fsanitize=address,undefined -fno-sanitize-recover=all -o $@ \
		$(UNIT_SRC) $(LIB_SRC) $(filter-out %/main.c %/stick_cli.c,$(ISO_SCAN_SRC) $(PERSIST_SRC) $(STICK_SRC)) -lblkid $(JANSSON_LIBS)

unit: $(B)/tests/unit-tests
	$(B)/tests/unit-tests

_fixtures: $(BINS)
	tests/qemu/build-fixtures.sh $(B)/fixtures

qemu-check: $(B)/initramfs.img _fixtures
	KVER=$(KVER) KERNEL=$(KERNEL) tests/qemu/run.sh

_check: all $(B)/initramfs.img
	KVER=$(KVER) KERNEL=$(KERNEL) tests/check.sh

# Faults, not part of make check (which runs their smoke form, scenario 92):
# CUTS= power cuts per store kind (default 20), tests/qemu/faults/.
_check-faults: all $(B)/initramfs.img _fixtures
	SCENARIO_SET=faults KVER=$(KVER) KERNEL=$(KERNEL) tests/qemu/run.sh

_demo: all $(B)/initramfs.img
	KVER=$(KVER) KERNEL=$(KERNEL) tests/qemu/demo.sh

# The README's two commands on a clean Debian 12 root, as a newcomer runs
# them (tests/fresh/run.sh; needs root and Debian's archive): the stricter
# form of make check, for changes to the build or the test setup.
check-fresh:
	tests/fresh/run.sh

run:
	KVER=$(KVER) KERNEL=$(KERNEL) tests/qemu/demo.sh --interactive

# Boot-phase benchmark against live-boot and dracut (not part of make check;
# installs live-boot, live-boot-initramfs-tools and dracut-live when root).
_bench: all $(B)/initramfs.img _fixtures
	KVER=$(KVER) KERNEL=$(KERNEL) tests/bench/bench.sh

# libFuzzer on every parser of bytes from a stick or the command line.
fuzz:
	$(MAKE) -s -C tests/fuzz FUZZ_SECONDS=$(or $(FUZZ_SECONDS),30)

fuzz-long:
	$(MAKE) -s -C tests/fuzz FUZZ_RUNS=$(or $(FUZZ_RUNS),10000000)

# Installation. The hook and the dracut module live where their generators
# look for them, whatever PREFIX is; they are told where the binaries are.
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/vtoy-persist
MANDIR ?= $(PREFIX)/share/man
INITRAMFS_TOOLS_DIR ?= /usr/share/initramfs-tools
DRACUT_MODULES_DIR ?= /usr/lib/dracut/modules.d
VERSION := $(shell sed -n 's/^\#define VTOY_VERSION "\(.*\)"/\1/p' src/lib/paths.h)

MAN8 := vtoy.8 vtoy-iso-scan.8 vtoy-persist.8 vtoy-status.8 vtoy-shutdown.8 vtoy-stick.8
MAN5 := vtoy-persistence.5
DRACUT_FILES := module-setup.sh vtoy-cmdline.sh vtoy-mount.sh vtoy-generator.sh vtoy-root.service
INSTALLED := $(SBINDIR)/vtoy $(addprefix $(SBINDIR)/,$(PROGRAMS)) $(BINDIR)/vtoy-stick \
	$(DATADIR)/vtoy-root $(DATADIR)/modules.list $(DATADIR)/e2fsck.conf \
	$(INITRAMFS_TOOLS_DIR)/hooks/vtoy $(INITRAMFS_TOOLS_DIR)/scripts/vtoy \
	$(addprefix $(DRACUT_MODULES_DIR)/55vtoy/,$(DRACUT_FILES)) \
	$(addprefix $(MANDIR)/man8/,$(MAN8)) $(addprefix $(MANDIR)/man5/,$(MAN5))
SUBST = sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@VERSION@|$(VERSION)|g'

install: $(BINS) $(STICK)
	install -D -m 0755 $(BIN) $(DESTDIR)$(SBINDIR)/vtoy
	install -D -m 0755 $(STICK) $(DESTDIR)$(BINDIR)/vtoy-stick
	for p in $(PROGRAMS); do ln -sf vtoy $(DESTDIR)$(SBINDIR)/$$p || exit 1; done
	install -D -m 0755 initramfs/vtoy-root $(DESTDIR)$(DATADIR)/vtoy-root
	install -D -m 0644 initramfs/modules.list $(DESTDIR)$(DATADIR)/modules.list
	install -D -m 0644 initramfs/e2fsck.conf $(DESTDIR)$(DATADIR)/e2fsck.conf
	install -d $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts \
		$(DESTDIR)$(DRACUT_MODULES_DIR)/55vtoy $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5
	$(SUBST) hooks/vtoy > $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/vtoy
	chmod 0755 $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/hooks/vtoy
	install -m 0644 hooks/scripts/vtoy $(DESTDIR)$(INITRAMFS_TOOLS_DIR)/scripts/vtoy
	for f in $(DRACUT_FILES); do \
		$(SUBST) dracut-module/55vtoy/$$f > $(DESTDIR)$(DRACUT_MODULES_DIR)/55vtoy/$$f || exit 1; \
		case $$f in *.sh) chmod 0755 $(DESTDIR)$(DRACUT_MODULES_DIR)/55vtoy/$$f ;; esac; \
	done
	for f in $(MAN8); do $(SUBST) man/$$f > $(DESTDIR)$(MANDIR)/man8/$$f || exit 1; done
	for f in $(MAN5); do $(SUBST) man/$$f > $(DESTDIR)$(MANDIR)/man5/$$f || exit 1; done

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR) $(DESTDIR)$(DRACUT_MODULES_DIR)/55vtoy 2>/dev/null

DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
DEB := $(B)/vtoy-persist_$(VERSION)_$(DEB_ARCH).deb

deb: $(DEB)

$(DEB): $(BINS) $(STICK) $(wildcard hooks/vtoy hooks/scripts/vtoy initramfs/vtoy-root dracut-module/55vtoy/* man/*) Makefile packaging/debian/control.in packaging/debian/postinst packaging/debian/postrm
	rm -rf $(B)/deb-root
	$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(B)/deb-root PREFIX=/usr
	gzip -9n $(B)/deb-root/usr/share/man/man*/*
	install -D -m 0644 README.md $(B)/deb-root/usr/share/doc/vtoy-persist/README.md
	install -d $(B)/deb-root/DEBIAN
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@ARCH@|$(DEB_ARCH)|' \
		-e "s|@SIZE@|$$(du -sk --exclude=DEBIAN $(B)/deb-root | cut -f1)|" \
		packaging/debian/control.in > $(B)/deb-root/DEBIAN/control
	install -m 0755 packaging/debian/postinst packaging/debian/postrm $(B)/deb-root/DEBIAN/
	dpkg-deb --root-owner-group --build $(B)/deb-root $@

clean:
	rm -rf $(B)
