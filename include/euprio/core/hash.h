/* The hashes every module uses: FNV-1a for short keys (ids, partner lines,
 * hash tables), and a word-at-a-time fingerprint for whole records. */
#ifndef EUPRIO_HASH_H
#define EUPRIO_HASH_H

#include <stddef.h>
#include <stdint.h>

#define EU_FNV64_SEED 14695981039346656037ull   /* the published offset basis */
#define EU_FNV32_SEED 2166136261u

/* FNV-1a over n bytes, continuing from h (EU_FNV64_SEED to start).  A byte
 * at a time: for keys of tens of bytes it is as fast as anything, and its
 * values are stable across machines and releases. */
static inline uint64_t eu_fnv64(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

/* The 32-bit FNV-1a.  It names ERDF listings (ERDF-xxxxxxxx) that have no
 * id of their own, so its values must never change. */
static inline uint32_t eu_fnv32(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint32_t h = EU_FNV32_SEED;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

/* Mixes the bits of h so that every bit of the result depends on every bit
 * of the input (for Bloom filters, which take several bits from one hash). */
static inline uint64_t eu_hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return h;
}

/* A content fingerprint of n bytes continuing from h: eight bytes a step,
 * for whole records (a byte at a time was a tenth of euprio-rank's run on
 * long summaries).  Not stable across byte orders: never store it. */
uint64_t eu_fingerprint(const void *p, size_t n, uint64_t h);

#endif
