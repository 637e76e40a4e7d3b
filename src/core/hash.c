/* The record fingerprint; the short-key hashes are inline in hash.h. */
#include <string.h>

#include "euprio/core/hash.h"

uint64_t eu_fingerprint(const void *p, size_t n, uint64_t h)
{
	const unsigned char *s = p;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ s[i]) * 0x100000001b3ull;
	return (h ^ n) * 0x9e3779b97f4a7c15ull;
}
