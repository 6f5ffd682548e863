/* How full a store is: a full store boots, but keeps nothing of the
 * session, and every write in the live system fails with ENOSPC. */
#ifndef VTOY_STORE_SPACE_H
#define VTOY_STORE_SPACE_H

#define STORE_FULL_BYTES (1024ULL * 1024)  /* less free than this: full */
#define STORE_NEARLY_FULL_PERCENT 90

struct store_space {
	unsigned long long size_bytes;
	unsigned long long free_bytes; /* what an unprivileged writer gets (f_bavail) */
	unsigned used_percent;
	const char *state;             /* "ok", "nearly-full", "full" */
};

/* statvfs(2) of the mounted store. Full: under STORE_FULL_BYTES free, or
 * no inode left; nearly full: STORE_NEARLY_FULL_PERCENT % used or more.
 * Returns 0 or -errno. */
int store_space(const char *mount, struct store_space *out);

/* "12.3 MiB", "64 MiB", "512 KiB" into buf. */
const char *store_space_size(unsigned long long bytes, char *buf, unsigned len);

#endif
