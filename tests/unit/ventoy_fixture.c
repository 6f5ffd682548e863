#include "ventoy_fixture.h"

#include <string.h>

#include "ventoy_param.h"

const uint8_t disk_id[16] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
			      0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01 };

void put_le(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void fix_checksum(uint8_t *b)
{
	uint8_t sum = 0;

	b[16] = 0;
	for (int i = 0; i < 512; i++)
		sum += b[i];
	b[16] = (uint8_t)(0x100 - sum);
}

void fill_param(uint8_t b[512], const char *path)
{
	memset(b, 0, 512);
	memcpy(b, VENTOY_GUID_BYTES, 16);
	memcpy(b + 17, disk_id, 16);
	put_le(b + 33, 16ULL << 30, 8);
	put_le(b + 41, 1, 2);
	put_le(b + 43, VENTOY_FS_EXFAT, 2);
	strcpy((char *)b + 45, path);
	put_le(b + 429, 4700000256ULL, 8);
	put_le(b + 437, 0, 8);
	put_le(b + 445, 0, 4);
	b[449 + 1] = 1; /* debug level */
	b[449 + 3] = 1; /* UDF */
	b[449 + 5] = 1; /* remount */
	put_le(b + 481, 0xdeadbeef, 4);
	fix_checksum(b);
}

void put_chunk(uint8_t *rec, uint32_t img_start, uint32_t img_end, uint64_t disk_start,
	       uint64_t disk_end)
{
	put_le(rec, img_start, 4);
	put_le(rec + 4, img_end, 4);
	put_le(rec + 8, disk_start, 8);
	put_le(rec + 16, disk_end, 8);
}
