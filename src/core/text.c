/* Text folding and small formatting helpers.  Folding uses utf8proc's
 * case folding and mark stripping (Unicode tables we should not maintain
 * by hand); only the Nordic letters that Unicode does not decompose are
 * spelt out here, as Danish, Norwegian and Swedish writers do. */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <utf8proc.h>

#include "euprio/core/text.h"

static int is_word_cp(utf8proc_int32_t cp)
{
	utf8proc_category_t c = utf8proc_category(cp);

	switch (c) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Letters without a canonical decomposition that people nonetheless write
 * in ASCII: "Aarhus" for "Århus" (å has one, but to "a", not "aa"). */
static const char *nordic(utf8proc_int32_t cp)
{
	switch (cp) {
	case 0xe6: case 0xc6: return "ae";    /* æ Æ */
	case 0xf8: case 0xd8: return "o";     /* ø Ø */
	case 0xe5: case 0xc5: return "aa";    /* å Å */
	case 0x131: return "i";               /* dotless ı */
	case 0xf0: case 0xd0: return "d";     /* ð Ð */
	case 0xfe: case 0xde: return "th";    /* þ Þ */
	case 0x142: case 0x141: return "l";   /* ł Ł */
	default: return NULL;
	}
}

void eu_fold(eu_buf *out, const char *s, size_t len)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t cp, dec[32];
	utf8proc_ssize_t i = 0, n = (utf8proc_ssize_t)len;
	int space = 0;
	size_t start = out->len;

	while (i < n) {
		/* ASCII needs no Unicode tables: most names are mostly ASCII. */
		if (p[i] < 0x80) {
			unsigned char c = p[i++];
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
				if (space && out->len > start)
					eu_buf_addc(out, ' ');
				space = 0;
				eu_buf_addc(out, (char)c);
			} else if (c >= 'A' && c <= 'Z') {
				if (space && out->len > start)
					eu_buf_addc(out, ' ');
				space = 0;
				eu_buf_addc(out, (char)(c + 32));
			} else {
				space = 1;
			}
			continue;
		}
		utf8proc_ssize_t k = utf8proc_iterate(p + i, n - i, &cp);
		if (k < 1) {
			i++;           /* drop the invalid byte */
			continue;
		}
		i += k;
		const char *sp = nordic(cp);
		if (sp) {
			if (space && out->len > start)
				eu_buf_addc(out, ' ');
			space = 0;
			eu_buf_adds(out, sp);
			continue;
		}
		int lb = 0;
		utf8proc_ssize_t m = utf8proc_decompose_char(cp, dec, 32,
			UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK | UTF8PROC_DECOMPOSE, &lb);
		if (m < 0 || m > 32)
			continue;
		for (utf8proc_ssize_t j = 0; j < m; j++) {
			utf8proc_int32_t c = dec[j];
			if (!is_word_cp(c)) {
				space = 1;
				continue;
			}
			const char *sp2 = nordic(c);
			if (space && out->len > start)
				eu_buf_addc(out, ' ');
			space = 0;
			if (sp2) {
				eu_buf_adds(out, sp2);
				continue;
			}
			utf8proc_uint8_t enc[4];
			utf8proc_ssize_t e = utf8proc_encode_char(c, enc);
			eu_buf_add(out, enc, (size_t)e);
		}
	}
	if (!out->p)
		eu_buf_add(out, "", 0);
}

int eu_folded_contains_words(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0 || nlen > hlen)
		return 0;
	const char *p = hay, *end = hay + hlen;
	while (p + nlen <= end) {
		const char *q = memmem(p, (size_t)(end - p), needle, nlen);
		if (!q)
			return 0;
		int left = q == hay || q[-1] == ' ';
		int right = q + nlen == end || q[nlen] == ' ';
		if (left && right)
			return 1;
		p = q + 1;
	}
	return 0;
}

void eu_collapse_ws(eu_buf *out, const char *s, size_t len)
{
	int space = 0, any = 0;

	/* The result is never longer than the input: reserve once and write
	 * straight into the buffer. */
	eu_buf_reserve(out, len);
	char *d = out->p + out->len;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			space = 1;
			continue;
		}
		/* U+00A0 no-break space, common in Danish spreadsheets. */
		if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] == 0xa0) {
			space = 1;
			i++;
			continue;
		}
		if (space && any)
			*d++ = ' ';
		space = 0;
		any = 1;
		*d++ = (char)c;
	}
	out->len = (size_t)(d - out->p);
	out->p[out->len] = '\0';
}

size_t eu_fmt_amount_to(char out[EU_AMOUNT_MAX], double v)
{
	/* Whole cents in integers: exact below 2^53 cents, and printf's
	 * floating-point path was a few per cent of euprio-apps. */
	if (fabs(v) < 1e13) {
		char tmp[24];
		long long c = llround(v * 100.0);
		unsigned long long a = (unsigned long long)(c < 0 ? -c : c);
		char *e = tmp + sizeof tmp, *q = e;
		unsigned cents = (unsigned)(a % 100);
		a /= 100;
		if (cents) {
			if (cents % 10)
				*--q = (char)('0' + cents % 10);
			*--q = (char)('0' + cents / 10);
			*--q = '.';
		}
		do
			*--q = (char)('0' + a % 10);
		while (a /= 10);
		if (c < 0)
			*--q = '-';
		size_t n = (size_t)(e - q);
		memcpy(out, q, n);
		out[n] = '\0';
		return n;
	}
	/* Round to cents first, so 0.1 + 0.2 prints as 0.3, where cents
	 * do not overflow (they made "inf" of the largest amounts).  The
	 * buffer holds DBL_MAX written out, 309 digits. */
	double r = isfinite(v * 100.0) ? round(v * 100.0) / 100.0 : v;
	if (r == 0)
		r = 0;      /* no "-0" */
	int n = snprintf(out, EU_AMOUNT_MAX, "%.2f", r);
	if (n < 0)
		n = 0;
	while (n > 0 && out[n - 1] == '0')
		n--;
	if (n > 0 && out[n - 1] == '.')
		n--;
	out[n] = '\0';
	return (size_t)n;
}

void eu_fmt_amount(eu_buf *out, double v)
{
	char tmp[EU_AMOUNT_MAX];
	size_t n = eu_fmt_amount_to(tmp, v);

	eu_buf_add(out, tmp, n);
}

int eu_strcaseeq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
		if (x >= 'A' && x <= 'Z') x += 32;
		if (y >= 'A' && y <= 'Z') y += 32;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

char *eu_trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

int eu_jit_modes(pcre2_code *code, uint32_t modes)
{
	static int off = -1;

	if (off < 0) {
		const char *e = getenv("EUPRIO_NO_JIT");
		off = e && *e && strcmp(e, "0") != 0;
	}
	return !off && code && pcre2_jit_compile(code, modes) == 0;
}

int eu_jit(pcre2_code *code)
{
	return eu_jit_modes(code, PCRE2_JIT_COMPLETE);
}
