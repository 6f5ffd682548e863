/* The four places Ventoy leaves its structure, and the two map files. */
#include "ventoy_handover.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define PARAM_FILE "ventoy_os_param"
#define IMAGE_MAP_FILE "ventoy_image_map"
#define PERSISTENT_MAP_FILE "ventoy_persistent_map"

#define PARAM_FILE_MAX 4096 /* 512 in the cpio; header + 512 in the firmware copies */
/* More records than device-mapper takes in one table are of no use. */
#define MAP_FILE_MAX ((size_t)VENTOY_MAP_RECORD_SIZE << 20)

#define ACPI_HEADER_SIZE 36 /* the standard ACPI table header precedes the structure */
#define LOW_MEM_START 0x80000
#define LOW_MEM_LEN 0x20000
#define LOW_MEM_ALIGN 16

void ventoy_sources_default(struct ventoy_sources *s)
{
	s->ventoy_dir = VENTOY_DIR;
	s->efivar = "/sys/firmware/efi/efivars/VentoyOsParam-77772020-2e77-6576-6e74-6f792e6e6574";
	s->acpi_table = "/sys/firmware/acpi/tables/VTOY";
#if defined(__i386__) || defined(__x86_64__)
	s->dev_mem = "/dev/mem";
#else
	s->dev_mem = NULL; /* legacy BIOS low memory is an x86 thing */
#endif
}

/* Reads all of a file of at most max bytes (-EFBIG beyond). efivarfs and
 * sysfs files do not say their size and do not seek: read until EOF. */
static int read_file(const char *path, size_t max, uint8_t **out, size_t *out_len)
{
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			uint8_t *grown;

			if (cap > max) {
				ret = -EFBIG;
				break;
			}
			grown = realloc(buf, ncap);
			if (!grown) {
				ret = -ENOMEM;
				break;
			}
			buf = grown;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (ret == 0 && len > max)
		ret = -EFBIG;
	if (ret < 0) {
		free(buf);
		return ret;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

/* A file source: 0 when valid, -ENOENT when absent, else why refused. */
static int from_file(const char *path, size_t skip, struct ventoy_os_param *p)
{
	uint8_t *buf;
	size_t len;
	int ret = read_file(path, PARAM_FILE_MAX, &buf, &len);

	if (ret == -ENOTDIR)
		ret = -ENOENT;
	if (ret < 0)
		return ret;
	ret = len < skip ? -VENTOY_E_TRUNCATED : ventoy_os_param_parse(buf + skip, len - skip, p);
	free(buf);
	return ret;
}

static int from_cpio(const char *dir, struct ventoy_os_param *p, char *origin, size_t len)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/" PARAM_FILE, dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	snprintf(origin, len, "%s", path);
	return from_file(path, 0, p);
}

static int from_efivar(const char *path, struct ventoy_os_param *p, char *origin, size_t len)
{
	snprintf(origin, len, "EFI variable VentoyOsParam");
	return from_file(path, 4, p); /* efivarfs puts the 4 attribute bytes first */
}

static int from_acpi(const char *path, struct ventoy_os_param *p, char *origin, size_t len)
{
	snprintf(origin, len, "ACPI table VTOY");
	return from_file(path, ACPI_HEADER_SIZE, p);
}

static bool all_zero(const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

static int read_low_memory(const char *path, uint8_t *mem)
{
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (done < LOW_MEM_LEN) {
		ssize_t n = pread(fd, mem + done, LOW_MEM_LEN - done, LOW_MEM_START + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int ret = n < 0 ? -errno : -ENODATA;

			close(fd);
			return ret;
		}
		done += (size_t)n;
	}
	close(fd);
	return 0;
}

/* Legacy BIOS: the structure somewhere in 0x80000-0x9FFFF, 16-byte aligned.
 * Not being able to look (no /dev/mem, STRICT_DEVMEM) is no error: this is
 * the last and least likely place. */
static int from_low_memory(const char *path, struct ventoy_os_param *p, char *origin, size_t len)
{
	uint8_t *mem = malloc(LOW_MEM_LEN);
	int ret;

	snprintf(origin, len, "low memory 0x%x-0x%x", LOW_MEM_START,
		 LOW_MEM_START + LOW_MEM_LEN - 1);
	if (!mem)
		return -ENOMEM;
	ret = read_low_memory(path, mem);
	if (ret == -ENOENT)
		log_debug("no %s", path);
	else if (ret < 0)
		log_info("cannot look for Ventoy data in low memory: %s: %s", path,
			 ret == -ENODATA ? "ends before 0xA0000" : strerror(-ret));
	if (ret < 0) {
		free(mem);
		return -ENOENT;
	}
	ret = ventoy_os_param_find(mem, LOW_MEM_LEN, LOW_MEM_ALIGN, p);
	if (ret >= 0) {
		snprintf(origin, len, "low memory at 0x%x", LOW_MEM_START + ret);
		ret = 0;
	} else if (ret == -VENTOY_E_NOT_FOUND) {
		/* Since Linux 4.16 an x86 kernel with STRICT_DEVMEM hands out
		 * zeros for RAM below 1 MiB. */
		if (all_zero(mem, LOW_MEM_LEN))
			log_info("%s reads 0x%x-0x%x as zeros (a kernel with STRICT_DEVMEM hides that RAM)",
				 path, LOW_MEM_START, LOW_MEM_START + LOW_MEM_LEN - 1);
		ret = -ENOENT;
	}
	free(mem);
	return ret;
}

static void read_map(const char *dir, const char *file, uint64_t image_size, uint64_t disk_size,
		    struct ventoy_chunk **map, size_t *count)
{
	char path[PATH_MAX];
	uint8_t *buf;
	size_t len;
	int ret;

	if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) {
		log_warn("path of %s under %s is too long, not reading it", file, dir);
		return;
	}
	ret = read_file(path, MAP_FILE_MAX, &buf, &len);
	if (ret == -ENOENT || ret == -ENOTDIR) {
		log_debug("no %s", path);
		return;
	}
	if (ret < 0) {
		log_warn("cannot read %s, dropping it: %s", path, strerror(-ret));
		return;
	}
	ret = ventoy_image_map_parse(buf, len, image_size, disk_size, map, count);
	free(buf);
	if (ret < 0)
		log_warn("%s refused, dropping it: %s", path, ventoy_param_strerror(ret));
}

static void log_found(const struct ventoy_handover *h)
{
	const struct ventoy_os_param *p = &h->param;

	log_info("Ventoy data from %s: %s on partition %u (%s) of a %llu-byte disk; image map: %zu chunk(s), persistence map: %zu chunk(s)",
		 h->origin, p->image_path, p->part_num, ventoy_fs_name(p->fs_type),
		 (unsigned long long)p->disk_size, h->image_map_count, h->persistent_map_count);
}

int ventoy_handover_read(const struct ventoy_sources *src, struct ventoy_handover *out)
{
	typedef int (*source_fn)(const char *path, struct ventoy_os_param *p, char *origin,
				 size_t len);
	const struct {
		const char *path;
		source_fn read;
	} sources[] = {
		{ src->ventoy_dir, from_cpio },
		{ src->efivar, from_efivar },
		{ src->acpi_table, from_acpi },
		{ src->dev_mem, from_low_memory },
	};
	char looked_at[256] = "";
	size_t used = 0;
	int first_refusal = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		int ret;

		if (!sources[i].path)
			continue;
		ret = sources[i].read(sources[i].path, &out->param, out->origin,
				      sizeof(out->origin));
		if (ret == 0) {
			out->from_cpio = sources[i].read == from_cpio;
			break;
		}
		if (used < sizeof(looked_at)) {
			int n = snprintf(looked_at + used, sizeof(looked_at) - used, "%s%s",
					 used ? ", " : "", out->origin);

			used += n > 0 ? (size_t)n : 0;
		}
		if (ret == -ENOENT) {
			log_debug("no Ventoy data in %s", out->origin);
		} else {
			log_warn("Ventoy data in %s refused: %s", out->origin,
				 ventoy_param_strerror(ret));
			if (!first_refusal)
				first_refusal = ret;
		}
		out->origin[0] = '\0';
	}
	if (!out->origin[0]) {
		memset(&out->param, 0, sizeof(out->param));
		if (first_refusal)
			return first_refusal;
		log_info("no Ventoy data (looked at: %s)", used ? looked_at : "nothing");
		return -ENOENT;
	}

	if (src->ventoy_dir) {
		read_map(src->ventoy_dir, IMAGE_MAP_FILE, out->param.image_size,
			 out->param.disk_size, &out->image_map, &out->image_map_count);
		/* The .dat file's size is not handed over: only the disk bounds it. */
		read_map(src->ventoy_dir, PERSISTENT_MAP_FILE, 0, out->param.disk_size,
			 &out->persistent_map, &out->persistent_map_count);
	}
	log_found(out);
	return 0;
}

void ventoy_handover_free(struct ventoy_handover *h)
{
	free(h->image_map);
	free(h->persistent_map);
	h->image_map = h->persistent_map = NULL;
	h->image_map_count = h->persistent_map_count = 0;
}
