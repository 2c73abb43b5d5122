/* SPDX-License-Identifier: MIT */
/*
 * Reading and writing unsigned integers of a given width and byte order
 * from byte arrays: zip records are little-endian, ELF files either.  The
 * callers check the bounds; these only move bytes (no alignment needed).
 */
#ifndef WHEELAUDIT_BYTES_H
#define WHEELAUDIT_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* width bytes (1 to 8) at p; msb: big-endian. */
static inline uint64_t wa_load_uint(const unsigned char *p, size_t width, bool msb)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++)
		v = v << 8 | p[msb ? i : width - 1 - i];
	return v;
}

static inline void wa_store_uint(unsigned char *p, size_t width, bool msb, uint64_t v)
{
	for (size_t i = 0; i < width; i++) {
		p[msb ? width - 1 - i : i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

static inline uint16_t wa_le16(const unsigned char *p)
{
	return (uint16_t)wa_load_uint(p, 2, false);
}

static inline uint32_t wa_le32(const unsigned char *p)
{
	return (uint32_t)wa_load_uint(p, 4, false);
}

static inline uint64_t wa_le64(const unsigned char *p)
{
	return wa_load_uint(p, 8, false);
}

#endif
