# vtoy-persist: initramfs persistence and overlay runtime for live ISOs.
# make            static binaries in build/bin/
# make initramfs  build/initramfs.img (KVER= picks the kernel)
# make check      unit tests, then the QEMU boot scenarios
# make demo       build a demo stick and boot it twice in QEMU
# make run        boot the demo stick with the console on this terminal

CC ?= gcc
CFLAGS ?= -Os
WARNINGS := -Wall -Wextra -Werror -std=gnu11
CPPFLAGS += -D_GNU_SOURCE -Isrc/lib
BLKID_LIBS = $(shell pkg-config --static --libs blkid 2>/dev/null || echo -lblkid)

B := build
KVER ?= $(shell ls /lib/modules 2>/dev/null | sort -V | tail -n 1)
KERNEL ?= /boot/vmlinuz-$(KVER)

LIB_SRC := $(wildcard src/lib/*.c)
ISO_SCAN_SRC := $(wildcard src/vtoy_iso_scan/*.c)
PERSIST_SRC := $(wildcard src/vtoy_persist/*.c)
HEADERS := $(wildcard src/*/*.h)

LIB_OBJ := $(LIB_SRC:src/%.c=$(B)/obj/%.o)
ISO_SCAN_OBJ := $(ISO_SCAN_SRC:src/%.c=$(B)/obj/%.o)
PERSIST_OBJ := $(PERSIST_SRC:src/%.c=$(B)/obj/%.o)

BINS := $(B)/bin/vtoy-iso-scan $(B)/bin/vtoy-persist

.PHONY: all initramfs deps unit check qemu-check fixtures demo run clean fuzz

all: $(BINS)

$(B)/obj/%.o: src/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -Isrc/$(firstword $(subst /, ,$*)) -c -o $@ $<

$(B)/lib/libvtoy.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(B)/bin/vtoy-iso-scan: $(ISO_SCAN_OBJ) $(B)/lib/libvtoy.a
	@mkdir -p $(dir $@)
	$(CC) -static -s -o $@ $(ISO_SCAN_OBJ) $(B)/lib/libvtoy.a $(BLKID_LIBS)

$(B)/bin/vtoy-persist: $(PERSIST_OBJ) $(B)/lib/libvtoy.a
	@mkdir -p $(dir $@)
	$(CC) -static -s -o $@ $(PERSIST_OBJ) $(B)/lib/libvtoy.a $(BLKID_LIBS)

initramfs: $(B)/initramfs.img

$(B)/initramfs.img: $(BINS) initramfs/init initramfs/build-image.sh initramfs/modules.list initramfs/e2fsck.conf
	initramfs/build-image.sh $@ $(KVER) $(B)/bin

deps:
	scripts/install-deps.sh

# Unit tests build natively with sanitizers, against the same sources.
UNIT_SRC := $(wildcard tests/unit/*.c)
$(B)/tests/unit-tests: $(UNIT_SRC) $(LIB_SRC) $(ISO_SCAN_SRC) $(PERSIST_SRC) $(HEADERS) tests/unit/unit.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Isrc/vtoy_iso_scan -Isrc/vtoy_persist -Itests/unit -O1 -g $(WARNINGS) \
		-fsanitize=address,undefined -fno-sanitize-recover=all -o $@ \
		$(UNIT_SRC) $(LIB_SRC) $(filter-out %/main.c,$(ISO_SCAN_SRC) $(PERSIST_SRC)) -lblkid

unit: $(B)/tests/unit-tests
	$(B)/tests/unit-tests

fixtures: $(BINS)
	tests/qemu/build-fixtures.sh $(B)/fixtures

qemu-check: $(B)/initramfs.img fixtures
	KVER=$(KVER) KERNEL=$(KERNEL) tests/qemu/run.sh

check:
	scripts/install-deps.sh
	$(MAKE) all initramfs
	KVER=$(KVER) KERNEL=$(KERNEL) tests/check.sh

demo:
	scripts/install-deps.sh
	$(MAKE) all initramfs
	KVER=$(KVER) KERNEL=$(KERNEL) tests/qemu/demo.sh

run:
	KVER=$(KVER) KERNEL=$(KERNEL) tests/qemu/demo.sh --interactive

fuzz:
	$(MAKE) -C tests/fuzz FUZZ_SECONDS=$(or $(FUZZ_SECONDS),30)

clean:
	rm -rf $(B)
