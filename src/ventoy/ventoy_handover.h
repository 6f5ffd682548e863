/* Reading what Ventoy hands to the booted Linux, and finding the disk and
 * partition it names. The bytes are decoded and checked by ventoy_param.h;
 * this is the I/O around it. */
#ifndef VTOY_VENTOY_HANDOVER_H
#define VTOY_VENTOY_HANDOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ventoy_param.h"

struct ventoy_handover {
	struct ventoy_os_param param;
	/* "/ventoy/ventoy_os_param", "EFI variable VentoyOsParam",
	 * "ACPI table VTOY", "low memory at 0x8xxxx" */
	char origin[64];
	/* The structure came from the cpio Ventoy prepends to the initrd: its
	 * hook ran, so the persistence menu's choice is in the maps (a missing
	 * persistent map means "no persistence" was chosen). The firmware
	 * copies come with no maps and no menu. */
	bool from_cpio;
	struct ventoy_chunk *image_map;      /* NULL when absent or refused */
	size_t image_map_count;
	struct ventoy_chunk *persistent_map; /* NULL when absent or refused */
	size_t persistent_map_count;
};

/* Every path can be overridden (tests); NULL skips that source. */
/* Where Ventoy's cpio puts its hand-over files in the initramfs. */
#define VENTOY_DIR "/ventoy"

struct ventoy_sources {
	const char *ventoy_dir; /* "/ventoy": the cpio Ventoy prepends to the initrd */
	const char *efivar;     /* the VentoyOsParam EFI variable in efivarfs */
	const char *acpi_table; /* "/sys/firmware/acpi/tables/VTOY" */
	const char *dev_mem;    /* "/dev/mem" on x86 only, else NULL */
};

void ventoy_sources_default(struct ventoy_sources *s);

/* Tries the sources in the order above and takes the first valid structure.
 * A source that is present but refused (a bad checksum in the cpio copy, say)
 * is logged with its reason and the next source is tried: the firmware
 * copies are written by the same Ventoy boot, so a valid one is as good.
 * The maps are read from ventoy_dir whatever the structure's origin, and
 * checked against it (image map: image size and disk size; persistent map:
 * disk size); a bad map is logged and dropped (count 0): it is only needed
 * for a device-mapper fallback.
 * Returns 0; -ENOENT when no source has Ventoy data (one info line); or,
 * when data was present but every copy refused, the first refusal
 * (-VENTOY_E_* or -errno: ventoy_param_strerror() names it). out is always
 * initialised: ventoy_handover_free() is safe after any return. */
int ventoy_handover_read(const struct ventoy_sources *src, struct ventoy_handover *out);
void ventoy_handover_free(struct ventoy_handover *h);

/* The disk the structure names: among sysfs_block/NAME (NULL: "/sys/block";
 * loop, ram, zram, dm-, md and sr devices skipped), those whose size is
 * param's disk_size, confirmed by the first 512 bytes of dev_dir/NAME (NULL:
 * "/dev") with ventoy_disk_matches(). Returns 0 with name ("sda"); -ENOENT
 * when none (yet: wait for device events and call again); -ENOTUNIQ when
 * several (all named in the log); -ENAMETOOLONG when len is too short. A
 * disk of the right size with another MBR disk id or signature is logged. */
int ventoy_find_disk(const struct ventoy_os_param *p, const char *sysfs_block,
		     const char *dev_dir, char *name, size_t len);

/* Partition part_num of disk: the child of sysfs_block/DISK (NULL:
 * "/sys/block") whose "partition" file holds part_num (sda1, nvme0n1p1,
 * mmcblk0p1 alike). Fills name ("sda1") and *start_sector (512-byte units,
 * from its "start"). -ENOENT when absent (yet); -EINVAL for a disk name that
 * is no plain name. */
int ventoy_find_partition(const char *sysfs_block, const char *disk, unsigned part_num,
			  char *name, size_t len, uint64_t *start_sector);

#endif
