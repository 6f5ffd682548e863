/* Ventoy structures as the tests need them: byte-exact, checksums fixed. */
#ifndef VTOY_VENTOY_FIXTURE_H
#define VTOY_VENTOY_FIXTURE_H

#include <stdint.h>

extern const uint8_t disk_id[16]; /* the disk id fill_param() writes */

void put_le(uint8_t *p, uint64_t v, int bytes);
void fix_checksum(uint8_t *b);
/* A valid structure for path on partition 1 (exFAT) of a 16 GiB disk with
 * disk id disk_id and signature 0xdeadbeef, image size 4700000256 bytes,
 * checksum fixed. */
void fill_param(uint8_t b[512], const char *path);
/* One 24-byte map record. */
void put_chunk(uint8_t *rec, uint32_t img_start, uint32_t img_end, uint64_t disk_start,
	       uint64_t disk_end);

#endif
