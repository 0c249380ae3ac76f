/*
 * SHA-256 (FIPS 180-4) for the export's SHA256SUMS: one pass over the data
 * the copy reads anyway. Plain C, with the x86 SHA extensions where the CPU
 * has them (picked once, at the first use).
 */
#ifndef FF_FSOPS_SHA256_H
#define FF_FSOPS_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	unsigned char block[64];
	size_t fill;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(struct sha256 *s, char out[65]);

#endif
