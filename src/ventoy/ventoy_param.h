/* What Ventoy hands to the booted Linux: the 512-byte ventoy_os_param
 * structure (from /ventoy/ventoy_os_param, the VentoyOsParam EFI variable or
 * legacy low memory) and the image maps (/ventoy/ventoy_image_map,
 * /ventoy/ventoy_persistent_map). All of it is untrusted input: these
 * functions only decode and check bytes handed to them; they do no I/O. */
#ifndef VTOY_VENTOY_PARAM_H
#define VTOY_VENTOY_PARAM_H

#include <stddef.h>
#include <stdint.h>

#define VENTOY_PARAM_SIZE 512
#define VENTOY_PATH_FIELD 384 /* the image path field, NUL included */

/* Raw bytes of GUID 77772020-2e77-6576-6e74-6f792e6e6574. */
#define VENTOY_GUID_BYTES "  www.ventoy.net"

enum ventoy_fs {
	VENTOY_FS_EXFAT = 0,
	VENTOY_FS_NTFS = 1,
	VENTOY_FS_EXT = 2, /* ext2/3/4 */
	VENTOY_FS_XFS = 3,
	VENTOY_FS_UDF = 4,
	VENTOY_FS_FAT = 5,
	VENTOY_FS_BTRFS = 6,
	VENTOY_FS_COUNT
};

struct ventoy_os_param {
	uint8_t disk_id[16];     /* = MBR bytes 0x180-0x18F */
	uint64_t disk_size;      /* bytes */
	unsigned part_num;       /* partition holding the image, from 1 */
	enum ventoy_fs fs_type;
	char image_path[VENTOY_PATH_FIELD + 1]; /* from the partition root, starts with '/' */
	uint64_t image_size;     /* bytes */
	uint64_t loc_table_addr; /* physical address; 0 in the cpio copy */
	uint32_t loc_table_len;
	/* The reserved bytes Ventoy gives a meaning to. */
	uint8_t break_level;
	uint8_t debug_level;
	uint8_t chain_type;
	uint8_t image_is_udf;    /* 0 ISO9660, 1 UDF */
	uint8_t linux_remount;
	uint8_t vlnk;
	uint32_t disk_signature; /* = MBR bytes 0x1B8-0x1BB, little-endian */
};

/* Reasons for rejecting Ventoy data, returned negated. They start above the
 * errno range, so one return value can carry either kind. */
enum ventoy_param_error {
	VENTOY_E_TRUNCATED = 4096,
	VENTOY_E_GUID,
	VENTOY_E_CHECKSUM,
	VENTOY_E_PART_NUM,
	VENTOY_E_FS_TYPE,
	VENTOY_E_PATH_UNTERMINATED,
	VENTOY_E_PATH_RELATIVE,
	VENTOY_E_PATH_DOTS,
	VENTOY_E_PATH_CONTROL,
	VENTOY_E_PATH_NOT_FILE,
	VENTOY_E_NOT_FOUND,
	VENTOY_E_MAP_LENGTH,
	VENTOY_E_MAP_REVERSED,
	VENTOY_E_MAP_SIZE_MISMATCH,
	VENTOY_E_MAP_START,
	VENTOY_E_MAP_ORDER,
	VENTOY_E_MAP_OVERLAP,
	VENTOY_E_MAP_GAP,
	VENTOY_E_MAP_SHORT,
	VENTOY_E_MAP_BEYOND_DISK,
	VENTOY_E_MAP_DISK_OVERLAP,
	VENTOY_E_END
};

/* A phrase for a log line: for our codes, what was wrong; for -errno,
 * strerror(). */
const char *ventoy_param_strerror(int err);

/* Decodes and checks the first 512 bytes of buf. Returns 0 or
 * -VENTOY_E_*; out is filled only on success. */
int ventoy_os_param_parse(const void *buf, size_t len, struct ventoy_os_param *out);

/* The contents of the VentoyOsParam EFI variable file: 4 attribute bytes,
 * then the structure. */
int ventoy_os_param_from_efivar(const void *buf, size_t len, struct ventoy_os_param *out);

/* Scans mem (a copy of legacy low memory, say) at every multiple of align for
 * a valid structure. Returns the offset of the first valid one; otherwise the
 * reason the first candidate carrying the GUID was refused, or
 * -VENTOY_E_NOT_FOUND when none carried it. len must not exceed INT_MAX. */
int ventoy_os_param_find(const void *mem, size_t len, size_t align, struct ventoy_os_param *out);

/* Kernel filesystem type to mount the image partition with, NULL if unknown. */
const char *ventoy_fs_name(int fs_type);

/* 1 when the disk (its size in bytes and its first sector) is the one the
 * structure names, else 0. */
int ventoy_disk_matches(const struct ventoy_os_param *p, uint64_t disk_size_bytes,
			const uint8_t mbr[512]);

#define VENTOY_MAP_RECORD_SIZE 24

/* One map record. Image units: 2048-byte sectors; disk units: 512-byte
 * LBAs from the start of the disk. Both ends inclusive. */
struct ventoy_chunk {
	uint32_t img_start, img_end;
	uint64_t disk_start, disk_end;
};

/* Decodes and checks a map: chunks in image order from sector 0 with no gap
 * or overlap, each 4 disk sectors per image sector, no disk sector used
 * twice, covering image_size (0: not checked) and inside disk_size bytes (0:
 * not checked). On success *out (free() it) holds *count chunks. */
int ventoy_image_map_parse(const void *buf, size_t len, uint64_t image_size, uint64_t disk_size,
			   struct ventoy_chunk **out, size_t *count);

/* One device-mapper "linear" target line, in 512-byte sectors. */
struct ventoy_linear {
	uint64_t logical_start; /* in the mapped device */
	uint64_t length;
	uint64_t disk_offset;   /* on the whole disk */
};

/* Fills out[0..n-1] from chunks checked by ventoy_image_map_parse(). Returns
 * 0, or -EINVAL when a chunk is inconsistent. */
int ventoy_chunks_to_linear(const struct ventoy_chunk *chunks, size_t n, struct ventoy_linear *out);

/* "START LENGTH linear DEVICE OFFSET" (a dm table line, no newline). Returns
 * the length written or -ENAMETOOLONG when it does not fit. */
int ventoy_linear_format(const struct ventoy_linear *l, const char *device, char *buf, size_t size);

#endif
