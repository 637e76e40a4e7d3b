/* Text encodings of the inputs: UTF-8 validation, which the reader runs on
 * every field, and the Windows-1252 decoder for the listings that Excel
 * saves in that code page. */
#include <stdint.h>
#include <string.h>

#include "euprio/core/encoding.h"

size_t eu_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		/* ASCII runs are the common case: test 32 bytes at a time,
		 * then eight. */
		while (i + 32 <= len) {
			uint64_t w[4];
			memcpy(w, s + i, 32);
			if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ull)
				break;
			i += 32;
		}
		while (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ull)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		unsigned min;
		unsigned cp;
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1; min = 0x80; cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2; min = 0x800; cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3; min = 0x10000; cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

void eu_utf8_count(const char *str, size_t len, int whole, unsigned long *chars, unsigned long *bad)
{
	const unsigned char *s = (const unsigned char *)str;

	*chars = *bad = 0;
	for (size_t i = 0; i < len;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = s[i] >= 0xf0 ? 4 : s[i] >= 0xe0 ? 3 : s[i] >= 0xc2 ? 2 : 1;
		int ok = n > 1 && i + n <= len;
		for (size_t k = 1; ok && k < n; k++)
			ok = (s[i + k] & 0xc0) == 0x80;
		/* The strict check (overlongs, surrogates) only for the rare
		 * three- and four-byte ones. */
		if (ok && n > 2)
			ok = eu_utf8_check((const char *)s + i, n) == n;
		if (ok) {
			(*chars)++;
			i += n;
		} else if (!whole && i + n > len && n > 1) {
			break;           /* cut by the end of a prefix */
		} else {
			(*bad)++;
			i++;
		}
	}
}

int eu_text_is_cp1252(const char *buf, size_t len, int whole)
{
	unsigned long chars, bad;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		return 0;
	eu_utf8_count(buf, len, whole, &chars, &bad);
	return bad > chars;
}

/* Windows-1252 bytes 0x80-0x9F, by the code page's published table; 0
 * marks the five bytes it leaves undefined.  0xA0-0xFF are Latin-1. */
static const unsigned short cp1252_hi[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

size_t eu_cp1252_to_utf8(const unsigned char *in, size_t n, unsigned char *out)
{
	unsigned char *o = out;

	for (size_t i = 0; i < n; i++) {
		unsigned c = in[i];
		if (c < 0x80) {
			*o++ = (unsigned char)c;
			continue;
		}
		if (c < 0xa0)
			c = cp1252_hi[c - 0x80] ? cp1252_hi[c - 0x80] : 0xfffd;
		if (c < 0x800) {
			*o++ = (unsigned char)(0xc0 | c >> 6);
			*o++ = (unsigned char)(0x80 | (c & 0x3f));
		} else {
			*o++ = (unsigned char)(0xe0 | c >> 12);
			*o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
			*o++ = (unsigned char)(0x80 | (c & 0x3f));
		}
	}
	return (size_t)(o - out);
}
