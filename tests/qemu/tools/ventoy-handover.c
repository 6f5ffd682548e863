/* Test tool: writes the files Ventoy hands to a booted Linux
 * (ventoy/ventoy_os_param, ventoy/ventoy_image_map and, with -p,
 * ventoy/ventoy_persistent_map) for a file on a disk image, from where the
 * file's bytes really are on the disk, as Ventoy's GRUB side computes them.
 * The file is found by content: its 2 KiB sectors are matched against the
 * partition, run by run, so fragmented files work too.
 *
 * ventoy-handover DISK PART FSCODE IMAGE_PATH HOST_COPY OUTDIR [PERSIST_HOST_COPY]
 * (VTOY_LINUX_REMOUNT=1 in the environment sets Ventoy's remount flag)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SECTOR 512
#define ISO_SECTOR 2048

static void die(const char *what)
{
	fprintf(stderr, "ventoy-handover: %s%s%s\n", what, errno ? ": " : "", errno ? strerror(errno) : "");
	exit(1);
}

static const uint8_t *map_file(const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY);
	void *p;

	if (fd < 0 || fstat(fd, &st) < 0)
		die(path);
	*len = st.st_size;
	p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		die(path);
	close(fd);
	return p;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

/* Partition PART's start and length in sectors, from the MBR. */
static void mbr_partition(const uint8_t *disk, int part, uint64_t *start, uint64_t *len)
{
	const uint8_t *e = disk + 446 + 16 * (part - 1);

	if (part < 1 || part > 4 || disk[510] != 0x55 || disk[511] != 0xAA)
		die("partition must be one of the 4 MBR entries");
	*start = e[8] | e[9] << 8 | e[10] << 16 | (uint64_t)e[11] << 24;
	*len = e[12] | e[13] << 8 | e[14] << 16 | (uint64_t)e[15] << 24;
}

static int is_zero(const uint8_t *p)
{
	for (int i = 0; i < ISO_SECTOR; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Offset of a 2 KiB sector's content in the partition (512-byte steps), or
 * len when absent. */
static uint64_t find(const uint8_t *part, uint64_t len, const uint8_t *sector)
{
	for (uint64_t off = 0; off + ISO_SECTOR <= len; off += SECTOR)
		if (!memcmp(part + off, sector, ISO_SECTOR))
			return off;
	return len;
}

/* Writes the map records of file inside disk[pstart..pstart+plen). */
static void write_map(const uint8_t *disk, uint64_t pstart, uint64_t plen, const uint8_t *file,
		      size_t flen, const char *out)
{
	size_t sectors = (flen + ISO_SECTOR - 1) / ISO_SECTOR, done = 0;
	const uint8_t *part = disk + pstart * SECTOR;
	uint64_t pbytes = plen * SECTOR;
	FILE *f = fopen(out, "w");

	if (!f)
		die(out);
	if (flen % ISO_SECTOR)
		die("the file is not a whole number of 2 KiB sectors");
	while (done < sectors) {
		uint64_t off, run = 0;
		size_t k = done;

		/* Anchor on the next sector that is not all zeros: zeros match
		 * anywhere, and a file usually continues where it started. */
		while (k < sectors && is_zero(file + k * ISO_SECTOR))
			k++;
		off = k < sectors ? find(part, pbytes, file + k * ISO_SECTOR) : pbytes;
		if (off < pbytes && off >= (k - done) * ISO_SECTOR &&
		    !memcmp(part + off - (k - done) * ISO_SECTOR, file + done * ISO_SECTOR,
			    (k - done) * ISO_SECTOR))
			off -= (k - done) * ISO_SECTOR;
		else
			off = find(part, pbytes, file + done * ISO_SECTOR);
		if (off >= pbytes) {
			errno = 0;
			die("a part of the file is not on the partition");
		}
		while (done + run < sectors && off + (run + 1) * ISO_SECTOR <= pbytes &&
		       !memcmp(part + off + run * ISO_SECTOR, file + (done + run) * ISO_SECTOR,
			       ISO_SECTOR))
			run++;
		uint8_t rec[24];
		uint64_t disk_start = pstart + off / SECTOR;

		put_le(rec, done, 4);
		put_le(rec + 4, done + run - 1, 4);
		put_le(rec + 8, disk_start, 8);
		put_le(rec + 16, disk_start + run * (ISO_SECTOR / SECTOR) - 1, 8);
		fwrite(rec, sizeof(rec), 1, f);
		printf("ventoy-handover: %s: sectors %zu-%zu at disk LBA %llu\n", out, done,
		       (size_t)(done + run - 1), (unsigned long long)disk_start);
		done += run;
	}
	if (fclose(f) != 0)
		die(out);
}

int main(int argc, char **argv)
{
	uint8_t param[512] = { 0 }, sum = 0;
	const uint8_t *disk, *iso;
	size_t disk_len, iso_len;
	uint64_t pstart, plen;
	char path[4096];
	int part, fs;
	FILE *f;

	if (argc != 7 && argc != 8) {
		fprintf(stderr, "usage: ventoy-handover DISK PART FSCODE IMAGE_PATH HOST_COPY OUTDIR "
				"[PERSIST_HOST_COPY]\n");
		return 2;
	}
	part = atoi(argv[2]);
	fs = atoi(argv[3]);
	if (strlen(argv[4]) >= 384 || argv[4][0] != '/')
		die("image path must be absolute and under 384 bytes");
	disk = map_file(argv[1], &disk_len);
	iso = map_file(argv[5], &iso_len);
	mbr_partition(disk, part, &pstart, &plen);

	memcpy(param, "  www.ventoy.net", 16);
	memcpy(param + 17, disk + 0x180, 16);
	put_le(param + 33, disk_len, 8);
	put_le(param + 41, part, 2);
	put_le(param + 43, fs, 2);
	memcpy(param + 45, argv[4], strlen(argv[4]) + 1);
	put_le(param + 429, iso_len, 8);
	memcpy(param + 481, disk + 0x1B8, 4);
	/* VTOY_LINUX_REMOUNT=1 in the environment: what ventoy.json's control
	 * plugin sets (reserved byte 5). */
	if (getenv("VTOY_LINUX_REMOUNT"))
		param[449 + 5] = 1;
	for (int i = 0; i < 512; i++)
		sum += param[i];
	param[16] = -sum;

	mkdir(argv[6], 0755);
	snprintf(path, sizeof(path), "%s/ventoy", argv[6]);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/ventoy/ventoy_os_param", argv[6]);
	f = fopen(path, "w");
	if (!f || fwrite(param, sizeof(param), 1, f) != 1 || fclose(f) != 0)
		die(path);
	snprintf(path, sizeof(path), "%s/ventoy/ventoy_image_map", argv[6]);
	write_map(disk, pstart, plen, iso, iso_len, path);
	if (argc == 8) {
		const uint8_t *dat;
		size_t dat_len;

		dat = map_file(argv[7], &dat_len);
		snprintf(path, sizeof(path), "%s/ventoy/ventoy_persistent_map", argv[6]);
		write_map(disk, pstart, plen, dat, dat_len, path);
	}
	return 0;
}
